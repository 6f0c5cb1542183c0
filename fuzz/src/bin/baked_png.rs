//! AFL target `baked_png`: see [`backpack_fuzz::baked_png`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::baked_png(data));
}
