//! One sandbox per merchant directory: an exclusive advisory lock on [`LOCK_FILE`], held for
//! as long as the sandbox runs.
//!
//! The operating system drops the lock when the holding process ends, however it ends, so a
//! sandbox killed with `kill -9` does not block the next start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};

use crate::SandboxError;

/// Name of the lock file in the merchant directory (it holds the pid of the running sandbox).
pub const LOCK_FILE: &str = "sandbox.lock";

/// The held lock; dropping it releases the directory.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
    path: PathBuf,
}

impl DirLock {
    /// Takes the lock of `dir` (which must exist), or explains that another sandbox holds it.
    pub fn acquire(dir: &Path) -> Result<Self, SandboxError> {
        let path = dir.join(LOCK_FILE);
        let io = |e: std::io::Error| SandboxError::Io(format!("lock file {}: {e}", path.display()));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = (&file).take(32).read_to_string(&mut holder);
                let holder = holder.trim();
                let pid = if !holder.is_empty() && holder.bytes().all(|b| b.is_ascii_digit()) {
                    format!(" (pid {holder})")
                } else {
                    String::new()
                };
                return Err(SandboxError::Config(format!(
                    "another sandbox{pid} is already running on the merchant directory {} (--dir): it holds {}; \
                     stop it first, or pass another --dir",
                    dir.display(),
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Informational only: the lock, not the content, decides.
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(format!("{}\n", std::process::id()).as_bytes())
            .map_err(io)?;
        Ok(Self { _file: file, path })
    }

    /// Path of the lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
