//! The pixel dataset's cache on disk: one file per data key (a fingerprint of everything that
//! determines the frames), with a checksum of its content, generated once per key under a
//! folder lock and pruned to a size bound.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::pixel::{generate, PixelDataset};
use crate::physics::RapierSpec;
use crate::scene::PixelDataSpec;

/// FNV-1a fingerprint of everything that determines the data.
pub fn data_key(physics: &RapierSpec, spec: &PixelDataSpec) -> String {
    let text = ron::to_string(&(physics, spec)).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `$HNN_LAB_CACHE`, else `$XDG_CACHE_HOME/hnn-lab`, else `~/.cache/hnn-lab`.
pub fn cache_dir() -> PathBuf {
    // A browser has no file system (asking for its temporary folder panics there): a path
    // that cannot be locked, so the data are made without a cache.
    if cfg!(target_arch = "wasm32") {
        return PathBuf::from(".cache/hnn-lab");
    }
    if let Some(d) = std::env::var_os("HNN_LAB_CACHE") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("hnn-lab");
    }
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join(".cache")
        .join("hnn-lab")
}

/// Version 2: a checksum of the content follows the shape.
const MAGIC: &[u8; 8] = b"HNNPIX02";
/// Magic, trials, steps, pixels, checksum.
const HEADER: usize = 40;

/// The most the cache folder keeps of pixel datasets; older ones (by modification time) go
/// first. Every retrain on new physics adds a dataset of ~65 MB under its own key.
pub const MAX_CACHE_BYTES: u64 = 1 << 30;

/// FNV-1a over the cached content: a file of the right length whose bytes were zeroed,
/// truncated and padded, or damaged is not trusted.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The dataset from the cache, or generated and cached (written then renamed). A cache file
/// that cannot be read or fails its checksum is regenerated. The cache folder is locked
/// meanwhile, so two trainers asking for the same key at once generate it once; afterwards the
/// folder is pruned to `MAX_CACHE_BYTES`.
pub fn load_or_generate(
    physics: &RapierSpec,
    spec: &PixelDataSpec,
    dir: &Path,
) -> Result<PixelDataset> {
    // A browser has no disk for a 65 MB cache: made anew each time (a few seconds).
    if cfg!(target_arch = "wasm32") {
        return generate(physics, spec);
    }
    let path = dir.join(format!("pixel-{}.bin", data_key(physics, spec)));
    let cached = || -> Result<PixelDataset> {
        if path.is_file() {
            match read_cache(&path, spec) {
                Ok(d) => return Ok(d),
                Err(e) => eprintln!("warning: regenerating the pixel dataset: {e:#}"),
            }
        }
        let d = generate(physics, spec)?;
        match write_cache(&path, &d) {
            Ok(()) => prune_cache(dir, &path, MAX_CACHE_BYTES),
            Err(e) => eprintln!(
                "warning: could not cache the pixel dataset at {}: {e:#}",
                path.display()
            ),
        }
        Ok(d)
    };
    match crate::atomic::with_folder_lock(dir, || Ok(())) {
        // The folder can be locked: do it all under the lock.
        Ok(()) => crate::atomic::with_folder_lock(dir, cached),
        // A read-only or missing cache folder: generate without caching.
        Err(_) => generate(physics, spec),
    }
}

/// Removes the oldest `pixel-*.bin` files of `dir` until they hold at most `max` bytes, never
/// `keep` (the one just written).
pub fn prune_cache(dir: &Path, keep: &Path, max: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let meta = e.metadata().ok()?;
            let ours = name.starts_with("pixel-") && name.ends_with(".bin") && meta.is_file();
            ours.then_some(())?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    files.sort();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    for (_, len, path) in files {
        if total <= max {
            break;
        }
        if path != keep && std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

fn write_cache(path: &Path, d: &PixelDataset) -> Result<()> {
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    crate::atomic::write_atomic(path, |tmp| {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(tmp).with_context(|| format!("create {}", tmp.display()))?,
        );
        let mut body = Vec::with_capacity(4 * d.frames.len() + 16 * d.states.len());
        for v in &d.frames {
            body.extend_from_slice(&v.to_le_bytes());
        }
        for s in &d.states {
            body.extend_from_slice(&s[0].to_le_bytes());
            body.extend_from_slice(&s[1].to_le_bytes());
        }
        f.write_all(MAGIC)?;
        for n in [d.spec.trials, d.spec.steps, d.pixels()] {
            f.write_all(&(n as u64).to_le_bytes())?;
        }
        f.write_all(&checksum(&body).to_le_bytes())?;
        f.write_all(&body)?;
        f.flush()?;
        Ok(())
    })
}

fn read_cache(path: &Path, spec: &PixelDataSpec) -> Result<PixelDataset> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    let here = path.display();
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        bail!("{here}: not a pixel dataset cache of this version");
    }
    let n =
        |i: usize| u64::from_le_bytes(bytes[8 + 8 * i..16 + 8 * i].try_into().unwrap()) as usize;
    let (trials, steps, pixels) = (n(0), n(1), n(2));
    if (trials, steps, pixels) != (spec.trials, spec.steps, spec.render.pixels()) {
        bail!(
            "{here}: holds {trials}×{steps}×{pixels}, expected {}×{}×{}",
            spec.trials,
            spec.steps,
            spec.render.pixels()
        );
    }
    let nf = trials * steps * pixels;
    let ns = trials * steps;
    if bytes.len() != HEADER + 4 * nf + 16 * ns {
        bail!("{here}: truncated ({} bytes)", bytes.len());
    }
    let body = &bytes[HEADER..];
    let stored = u64::from_le_bytes(bytes[32..40].try_into().expect("8 bytes"));
    if checksum(body) != stored {
        bail!("{here}: its content does not match its checksum (damaged)");
    }
    let frames = body[..4 * nf]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let st: Vec<f64> = body[4 * nf..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let states = st.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
    Ok(PixelDataset {
        spec: spec.clone(),
        frames,
        states,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> PixelDataSpec {
        PixelDataSpec {
            trials: 5,
            steps: 12,
            ..Default::default()
        }
    }

    #[test]
    fn cache_round_trip_and_corrupt_cache_is_regenerated() {
        let dir = tempfile::tempdir().unwrap();
        let phys = RapierSpec::default();
        let caches = || -> Vec<PathBuf> {
            std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "bin"))
                .collect()
        };
        let a = load_or_generate(&phys, &small(), dir.path()).unwrap();
        let files = caches();
        assert_eq!(files.len(), 1, "{files:?}");
        let b = load_or_generate(&phys, &small(), dir.path()).unwrap();
        assert_eq!(a, b);
        std::fs::write(&files[0], b"HNNPIX01 truncated").unwrap();
        let c = load_or_generate(&phys, &small(), dir.path()).unwrap();
        assert_eq!(a, c);
        // The right length and header with the content zeroed: the checksum refuses it.
        let mut bytes = std::fs::read(&files[0]).unwrap();
        bytes[HEADER..].fill(0);
        std::fs::write(&files[0], &bytes).unwrap();
        assert!(read_cache(&files[0], &small())
            .unwrap_err()
            .to_string()
            .contains("checksum"));
        assert_eq!(load_or_generate(&phys, &small(), dir.path()).unwrap(), a);
        // Other data settings use another file; past the size bound the oldest goes.
        let other = PixelDataSpec { seed: 1, ..small() };
        assert_ne!(data_key(&phys, &small()), data_key(&phys, &other));
        std::thread::sleep(std::time::Duration::from_millis(20));
        load_or_generate(&phys, &other, dir.path()).unwrap();
        assert_eq!(caches().len(), 2);
        let newest = dir
            .path()
            .join(format!("pixel-{}.bin", data_key(&phys, &other)));
        prune_cache(dir.path(), &newest, 1);
        assert_eq!(caches(), vec![newest]);
    }

    /// Two trainers asking for the same dataset at once: one generates, the other reads it.
    #[test]
    fn concurrent_requests_share_one_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let phys = RapierSpec::default();
        let got: Vec<PixelDataset> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..2)
                .map(|_| s.spawn(|| load_or_generate(&phys, &small(), dir.path()).unwrap()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(got[0], got[1]);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
