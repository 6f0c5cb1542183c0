//! AFL target `bps1`: see [`backpack_fuzz::bps1`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::bps1(data));
}
