//! AFL target `jws`: see [`backpack_fuzz::jws`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::jws(data));
}
