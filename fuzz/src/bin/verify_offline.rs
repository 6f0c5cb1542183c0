//! AFL target `verify_offline`: see [`backpack_fuzz::verify_offline`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::verify_offline(data));
}
