//! Files handed to the program over the network while it runs: in a web page, the scene's
//! models (and a recording) are fetched from the site rather than built into the program, so
//! the page shows its first frame before they arrive. The page's script reports each file's
//! progress, its bytes or why it failed; readers ([`crate::textfile`]) take the bytes from here,
//! and a file still on its way reads as an error that says so, which the app shows as
//! "loading" and retries when it arrives.
//!
//! The store is plain Rust (a map behind a lock, so any thread of a native test sees it);
//! natively nothing is fetched and it stays empty.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::embedded::key;

/// Where a fetched file stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetch {
    /// Asked for and on its way: bytes so far, and the whole (0 where not yet known).
    Loading { loaded: u64, total: u64 },
    /// It will not come: why (e.g. "HTTP 404 Not Found").
    Failed(String),
    /// Here, whole.
    Arrived(Arc<[u8]>),
}

fn store() -> &'static Mutex<HashMap<String, Fetch>> {
    static STORE: OnceLock<Mutex<HashMap<String, Fetch>>> = OnceLock::new();
    STORE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn set(path: &Path, f: Fetch) {
    let mut s = store().lock().unwrap_or_else(|e| e.into_inner());
    s.insert(key(path), f);
}

/// `path` has been asked for; `total` is its size where known in advance (0 if not).
pub fn expect(path: &Path, total: u64) {
    set(path, Fetch::Loading { loaded: 0, total });
}

/// `loaded` of `total` bytes of `path` have come (ignored once it arrived or failed).
pub fn progress(path: &Path, loaded: u64, total: u64) {
    let mut s = store().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(Fetch::Loading {
        loaded: l,
        total: t,
    }) = s.get_mut(&key(path))
    {
        *l = loaded;
        if total > 0 {
            *t = total;
        }
    }
}

/// `path` came whole.
pub fn arrived(path: &Path, bytes: Vec<u8>) {
    set(path, Fetch::Arrived(bytes.into()));
}

/// `path` will not come, and why.
pub fn failed(path: &Path, why: &str) {
    set(path, Fetch::Failed(why.to_string()));
}

/// Where `path` stands (None: never asked for).
pub fn state(path: &Path) -> Option<Fetch> {
    let s = store().lock().unwrap_or_else(|e| e.into_inner());
    s.get(&key(path)).cloned()
}

/// Bytes loaded and expected over those of `paths` still on their way (None: none is).
pub fn loading(paths: &[impl AsRef<Path>]) -> Option<(u64, u64)> {
    let mut any = None;
    for p in paths {
        if let Some(Fetch::Loading { loaded, total }) = state(p.as_ref()) {
            let (l, t) = any.unwrap_or((0, 0));
            any = Some((l + loaded, t + total.max(loaded)));
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_goes_from_loading_to_arrived_or_failed() {
        let (a, b) = (
            Path::new("fetched-test/a.safetensors"),
            Path::new("./fetched-test/x/../b.ron"),
        );
        assert_eq!(state(a), None);
        expect(a, 100);
        expect(b, 0);
        progress(a, 40, 0);
        progress(b, 5, 20);
        assert_eq!(loading(&[a, b]), Some((45, 120)));
        arrived(a, vec![1, 2, 3]);
        progress(a, 99, 100); // late progress does not undo an arrival
        assert!(matches!(state(a), Some(Fetch::Arrived(ref x)) if x[..] == [1, 2, 3]));
        assert_eq!(loading(&[a, b]), Some((5, 20)));
        // The same file under another spelling of its path.
        failed(Path::new("fetched-test/b.ron"), "HTTP 404 Not Found");
        assert_eq!(state(b), Some(Fetch::Failed("HTTP 404 Not Found".into())));
        assert_eq!(loading(&[a, b]), None);
    }
}
