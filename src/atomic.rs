//! Writing a file so that it is either the old one or the new one, never half of either: the
//! bytes go to a temporary file of a name no other writer uses (process, time, counter), which
//! is flushed to disk, renamed over the target and the rename flushed with its folder. A failed
//! write removes its temporary file. The one helper for model files, their meta, the pixel
//! cache and the best-score table.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};

/// A temporary name beside `path` that no other writer (thread or process) picks.
fn temp_name(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
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
}
