//! Bounded reads: the one place the core reads a named file or a stream whose
//! size it does not control (credentials, folders' files, pathway files,
//! images to bake into, standard input).
//!
//! A limit is applied while reading, never from `metadata().len()` (a FIFO or
//! `/dev/zero` reports 0 bytes and never ends): at most `limit + 1` bytes are
//! read, and one byte over the limit refuses the input. Only regular files are
//! read: a FIFO, socket or device is refused by what the opened file is
//! (`fstat` on the descriptor, so a path swapped after a check cannot slip
//! through), and it is opened without blocking, so a FIFO with no writer
//! cannot hang the open either.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use super::ImportError;

/// What kind of non-regular file `meta` describes, in words; `None` for a regular file.
pub fn non_regular_kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file")
}

/// Open `path` for reading if it is a regular file (following symlinks).
pub fn open_regular(path: &Path) -> Result<File, ImportError> {
    open_sized(path).map(|(f, _)| f)
}

/// [`open_regular`], and the file's size when opened.
fn open_sized(path: &Path) -> Result<(File, u64), ImportError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO without a writer would block `open` itself.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if let Some(kind) = non_regular_kind(&meta) {
        return Err(ImportError::NotRegularFile { kind });
    }
    #[cfg(unix)]
    {
        // Back to ordinary blocking reads (they are on a regular file anyway).
        use std::os::unix::io::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own; failure leaves O_NONBLOCK, which
        // regular files ignore.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok((file, meta.len()))
}

/// Read a regular file of at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ImportError> {
    let (file, len) = open_sized(path)?;
    if len > limit {
        return Err(ImportError::OverLimit { what: "the file", limit });
    }
    // Sized for the whole file and the read that finds its end (the file may
    // still grow: the limit is checked on what is read).
    read_stream_into(file, limit, "the file", Vec::with_capacity(len as usize + 1))
}

/// Read at most `limit` bytes from `r`; more is refused after reading `limit + 1`.
pub fn read_stream(r: impl Read, limit: u64, what: &'static str) -> Result<Vec<u8>, ImportError> {
    read_stream_into(r, limit, what, Vec::new())
}

fn read_stream_into(r: impl Read, limit: u64, what: &'static str, mut out: Vec<u8>) -> Result<Vec<u8>, ImportError> {
    r.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(ImportError::OverLimit { what, limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn devices_fifos_and_folders_are_refused_without_reading() {
        let t = Instant::now();
        let e = read_file(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert_eq!(e.code(), "not-a-regular-file", "{e}");
        assert!(e.to_string().contains("character device"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read_file(dir.path(), 1 << 20).unwrap_err();
        assert_eq!(e.code(), "not-a-regular-file", "{e}");
        assert!(e.to_string().contains("folder"), "{e}");
        let fifo = dir.path().join("pipe.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // No writer: a blocking open would hang here.
        let e = read_file(&fifo, 1 << 20).unwrap_err();
        assert_eq!(e.code(), "not-a-regular-file", "{e}");
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(2), "took {:?}", t.elapsed());
    }

    #[test]
    fn the_limit_is_applied_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, vec![b'x'; 101]).unwrap();
        assert_eq!(read_file(&p, 101).unwrap().len(), 101);
        let e = read_file(&p, 100).unwrap_err();
        assert_eq!(e.code(), "too-large");
        assert!(e.to_string().contains("more than 100 bytes"), "{e}");
        // An endless stream stops at limit + 1.
        let e = read_stream(std::io::repeat(0), 1000, "standard input").unwrap_err();
        assert!(e.to_string().contains("standard input"), "{e}");
    }
}
