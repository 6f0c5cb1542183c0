//! AFL target `import_bytes`: see [`backpack_fuzz::import_bytes`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::import_bytes(data));
}
