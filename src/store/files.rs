//! Private files and folders: 0700 folders, 0600 files from the start,
//! writes by temporary file and rename, durable renames.

use super::*;

pub(crate) fn remove_if_there(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Make a rename in `dir` durable (best effort: not every file system can).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Create `dir` (and parents) readable by the owner only; an existing folder
/// that others can read is tightened to 0700 (not a shared one with the
/// sticky bit such as /tmp, and never failing when it cannot be changed).
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    tighten(dir, 0o700);
    Ok(())
}

/// Take away the permission bits of `path` beyond `mode` (0600 for files,
/// 0700 for folders), if it exists and has any; best effort, never failing.
pub fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // symlink_metadata: a link is left alone, not what it points to.
        if let Ok(m) = std::fs::symlink_metadata(path) {
            let cur = m.permissions().mode();
            let shared = m.is_dir() && cur & 0o1000 != 0;
            if (m.is_file() || m.is_dir()) && !shared && cur & 0o777 & !mode != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(cur & 0o7777 & !0o777 | (cur & mode)));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Create a new file readable and writable by its owner only (0600 from
/// the start, whatever the umask); fails if `path` exists.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Write `bytes` to `path` as a private (0600) file: written beside it under
/// a temporary name, synced, then renamed into place.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| std::io::Error::other(format!("'{}' is not a file name", path.display())))?;
    let tmp = parent.join(format!(".{}.{}-{}.partial", name.to_string_lossy(), std::process::id(), hex::encode(random_tag())));
    let written = (|| {
        let mut f = create_private_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(parent);
    Ok(())
}


/// A short random tag for temporary file names.
pub(crate) fn random_tag() -> [u8; 6] {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    b
}
