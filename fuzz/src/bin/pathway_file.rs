//! AFL target `pathway_file`: see [`backpack_fuzz::pathway_file`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::pathway_file(data));
}
