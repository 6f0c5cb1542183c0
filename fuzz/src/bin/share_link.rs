//! AFL target `share_link`: see [`backpack_fuzz::share_link`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::share_link(data));
}
