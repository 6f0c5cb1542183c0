//! AFL target `backup_restore`: see [`backpack_fuzz::backup_restore`].
fn main() {
    afl::fuzz!(|data: &[u8]| backpack_fuzz::backup_restore(data));
}
