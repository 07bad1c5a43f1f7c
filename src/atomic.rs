//! Writing a file so that it is either the old one or the new one, never half of either: the
//! bytes go to a temporary file of a name no other writer uses (process, time, counter), which
//! is flushed to disk, renamed over the target and the rename flushed with its folder. A failed
//! write removes its temporary file. The one helper for model files, their meta, the pixel
//! cache and the best-score table.

// In a browser only `write_file` and the lock's stand-in are used (see `webfs`).
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// A temporary name beside `path` that no other writer (thread or process) picks.
fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    path.with_file_name(format!(
        ".{name}.tmp-{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Writes `path` through `write`, which fills the temporary file it is given.
pub fn write_atomic(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = temp_name(path);
    let done = write(&tmp)
        .and_then(|()| {
            std::fs::File::open(&tmp)?.sync_all()?;
            Ok(())
        })
        .with_context(|| format!("cannot write {}", tmp.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))
        });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return done;
    }
    // The rename itself reaches the disk with the folder's entry.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// A browser's files belong to one thread of one page (see `webfs`): nothing to lock.
#[cfg(target_arch = "wasm32")]
pub fn with_folder_lock<T>(_dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    f()
}

/// Writes `bytes` as `path` through [`write_atomic`] (in a browser: into its files, see
/// `webfs`).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    #[cfg(target_arch = "wasm32")]
    {
        crate::webfs::write(path, bytes);
        Ok(())
    }
    #[cfg(not(target_arch = "wasm32"))]
    write_atomic(path, |tmp| Ok(std::fs::write(tmp, bytes)?))
}

/// Runs `f` holding an exclusive lock on `dir` (an advisory `flock` on `<dir>/.lock`), so
/// that one writer at a time, in this process or another, reads, changes and writes the
/// folder's files (a model folder's weights and the `meta.ron` both trainers update).
#[cfg(not(target_arch = "wasm32"))]
pub fn with_folder_lock<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let lock_path = dir.join(".lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    lock_exclusive(&lock).with_context(|| format!("cannot lock {}", lock_path.display()))?;
    remove_orphans(dir);
    // The lock is released when `lock` is closed, after `f`, whatever it returns.
    let out = f();
    // (On wasm32 a `File` has nothing to close: there are no files there.)
    #[cfg_attr(target_arch = "wasm32", allow(clippy::drop_non_drop))]
    drop(lock);
    out
}

/// Removes the temporary files of writers that died mid-write (a killed process cannot remove
/// its own): those named by `temp_name` whose process is gone. What keeps a live writer's
/// file is that liveness check (some writers, like `check_writable`'s probe, hold no lock). A
/// folder shared with other machines or pid namespaces could see a live writer there as dead;
/// its rename then fails with an error and the old file stays.
fn remove_orphans(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The process id in a temporary name made by `temp_name` (`.<name>.tmp-<pid>-<nanos>-<n>`).
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(".tmp-")?;
    let parts: Vec<&str> = tail.split('-').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || !parts.iter().all(digits) {
        return None;
    }
    parts[0].parse().ok()
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Checks that files can be written into `dir` (creating it), by writing and removing a probe:
/// a training run finds a read-only output folder before it starts, not after.
pub fn check_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let probe = dir.join(".write-probe");
    write_atomic(&probe, |tmp| Ok(std::fs::write(tmp, b"")?))
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

#[cfg(unix)]
fn lock_exclusive(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this function's caller owns for the lock's lifetime.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_files_and_leaves_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, |t| Ok(std::fs::write(t, "new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        // A writer that fails half-way: the old file stays, no temporary file is left.
        let e = write_atomic(&p, |t| {
            std::fs::write(t, "half")?;
            anyhow::bail!("disk full")
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec!["a.txt".to_string()]);
        // Two writers never share a temporary name.
        assert_ne!(temp_name(&p), temp_name(&p));
    }

    /// A dead writer's temporary file is removed by the next writer that takes the folder's
    /// lock; a live writer's (this process's) and other files are kept.
    #[cfg(unix)]
    #[test]
    fn orphaned_temporary_files_are_removed_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let ours = temp_name(&dir.path().join("hnn.safetensors"));
        assert_eq!(
            temp_owner(ours.file_name().unwrap().to_str().unwrap()),
            Some(std::process::id())
        );
        // A process that has exited: its id is free (until reused, which this test
        // cannot rule out but which only keeps a file).
        let dead = std::process::Command::new("true")
            .spawn()
            .map(|mut c| {
                let id = c.id();
                c.wait().unwrap();
                id
            })
            .unwrap();
        let orphan = dir.path().join(format!(".meta.ron.tmp-{dead}-123-0"));
        for p in [&ours, &orphan, &dir.path().join("meta.ron")] {
            std::fs::write(p, "x").unwrap();
        }
        with_folder_lock(dir.path(), || Ok(())).unwrap();
        assert!(!orphan.exists());
        assert!(ours.exists() && dir.path().join("meta.ron").exists());
        assert_eq!(temp_owner("meta.ron"), None);
        assert_eq!(temp_owner(".a.tmp-12-x"), None);
        assert_eq!(temp_owner(".a.tmp-12-a-b"), None);
        assert_eq!(temp_owner(".a.tmp-12-34-5"), Some(12));
    }
}
