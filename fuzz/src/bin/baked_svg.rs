//! AFL target `baked_svg`: see [`backpack_fuzz::baked_svg`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::baked_svg(data));
}
