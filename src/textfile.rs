//! Reading a text file the program was given (a scene, a lesson, a data file, a model's meta)
//! with a size cap, so that a wrong path (`--scene /dev/zero`, a video passed as data) ends in
//! one error naming the file instead of reading until memory runs out.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// Scene, lesson and meta files: far below this.
pub const SPEC_MAX_BYTES: u64 = 1 << 20;
/// Recorded trajectory files.
pub const DATA_MAX_BYTES: u64 = 1 << 30;

/// The file's text; errors name the file (`what` says what it was meant to be) and the cap.
pub fn read_capped(path: &Path, max: u64, what: &str) -> Result<String> {
    let bytes = read_bytes_capped(path, max, what)?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: not a text file", path.display()))
}

/// The file's bytes, at most `max` of them (a model file); errors as for `read_capped`.
pub fn read_bytes_capped(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let bytes = match crate::fetched::state(path) {
        // Fetched while the program runs (a web page's models): from memory, or why not.
        Some(f) => fetched_bytes(path, f, max, what)?,
        None => read_file(path, max, what)?,
    };
    if bytes.len() as u64 > max {
        bail!(
            "{}: larger than {} bytes, the most a {what} may hold (is this the right file?)",
            path.display(),
            max
        );
    }
    Ok(bytes)
}

fn fetched_bytes(path: &Path, f: crate::fetched::Fetch, max: u64, what: &str) -> Result<Vec<u8>> {
    use crate::fetched::Fetch;
    match f {
        Fetch::Arrived(b) => Ok(b[..b.len().min(max as usize + 1)].to_vec()),
        Fetch::Loading { loaded, total } => bail!(
            "{what} {} is still loading ({} of {} kB)",
            path.display(),
            loaded / 1000,
            total / 1000
        ),
        Fetch::Failed(why) => bail!("cannot read {what} {}: {why}", path.display()),
    }
}

/// Up to `max + 1` bytes of the file (one more than allowed shows it is too large).
fn read_file(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    // In a browser there are no files: the web build carries the small ones (`embedded`) and
    // keeps what the program wrote (`webfs`); the rest is fetched (`fetched`, above).
    #[cfg(target_arch = "wasm32")]
    let written = crate::webfs::read(path);
    #[cfg(target_arch = "wasm32")]
    let file = std::io::Cursor::new(match &written {
        Some(b) => b.as_slice(),
        None => crate::embedded::read(path).ok_or_else(|| {
            anyhow::anyhow!(
                "cannot read {what} {}: not in the web build{}",
                path.display(),
                if crate::embedded::on_site(path).is_some() {
                    " (it is on the site, but was not fetched)"
                } else {
                    ""
                }
            )
        })?,
    });
    #[cfg(not(target_arch = "wasm32"))]
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    Ok(bytes)
}

/// The files in folder `dir` (the web build's own, in a browser).
pub fn list_dir(dir: &Path) -> Vec<std::path::PathBuf> {
    #[cfg(target_arch = "wasm32")]
    {
        let mut all = crate::embedded::list(dir);
        all.extend(crate::webfs::list(dir));
        all.sort();
        all.dedup();
        all
    }
    #[cfg(not(target_arch = "wasm32"))]
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect()
}

/// Whether `path` is a file (in a browser: one the web build carries, one on the site it can
/// fetch, or one fetched or written).
pub fn is_file(path: &Path) -> bool {
    if crate::fetched::state(path).is_some() {
        return true;
    }
    #[cfg(target_arch = "wasm32")]
    return crate::embedded::read(path).is_some()
        || crate::embedded::on_site(path).is_some()
        || crate::webfs::read(path).is_some();
    #[cfg(not(target_arch = "wasm32"))]
    path.is_file()
}

/// Whether two paths name the same file (in a browser: the same embedded one).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(target_arch = "wasm32")]
    return crate::embedded::key(a) == crate::embedded::key(b);
    #[cfg(not(target_arch = "wasm32"))]
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_and_binary_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.ron");
        std::fs::write(&big, vec![b' '; 2000]).unwrap();
        let e = read_capped(&big, 1000, "scene file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("big.ron") && e.contains("1000 bytes"), "{e}");
        assert_eq!(read_capped(&big, 2000, "scene file").unwrap().len(), 2000);
        let bin = dir.path().join("bin.txt");
        std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
        assert!(read_capped(&bin, 1000, "data file")
            .unwrap_err()
            .to_string()
            .contains("not a text file"));
        // An endless device stops at the cap.
        if Path::new("/dev/zero").exists() {
            let e = read_capped(Path::new("/dev/zero"), 4096, "scene file")
                .unwrap_err()
                .to_string();
            assert!(e.contains("/dev/zero") && e.contains("4096"), "{e}");
        }
    }
}
