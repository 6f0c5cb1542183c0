//! AFL target `fetched_docs`: see [`backpack_fuzz::fetched_docs`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::fetched_docs(data));
}
