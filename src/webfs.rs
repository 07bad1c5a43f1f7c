//! A browser's files: what the program writes there (saved models, the best-score table) has
//! no disk to go to. It is kept in memory for the page's life, read back before the files the
//! build carries, and, on the page's own thread, small files (the score table, a spring's
//! model) also go to the browser's `localStorage`, so they are still there after a reload. A
//! training worker (no `localStorage` there) hands what it wrote to the page instead
//! ([`take_new`]), which keeps it and offers it as a download.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::embedded::key;

/// The largest file mirrored to `localStorage` (stored as hex, twice this many characters;
/// browsers allow about five million).
pub const STORED_MAX_BYTES: usize = 512 * 1024;
const PREFIX: &str = "hnn-lab:";

thread_local! {
    static FILES: RefCell<BTreeMap<String, Vec<u8>>> = const { RefCell::new(BTreeMap::new()) };
    /// Written since the last `take_new`.
    static NEW: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Keeps `bytes` as the file `path` (whole: a reader sees the old or the new content).
pub fn write(path: &Path, bytes: &[u8]) {
    let k = key(path);
    match storage() {
        Some(s) => {
            let item = format!("{PREFIX}{k}");
            // Too large, or storage full: no copy outlives the page, and no older one either.
            if bytes.len() > STORED_MAX_BYTES || s.set_item(&item, &hex(bytes)).is_err() {
                let _ = s.remove_item(&item);
            }
        }
        // A worker (no storage there) hands its files to the page: recorded for `take_new`.
        None => NEW.with(|n| n.borrow_mut().push(k.clone())),
    }
    FILES.with(|f| f.borrow_mut().insert(k, bytes.to_vec()));
}

/// The file's bytes, if the program wrote it (in this page, or stored by an earlier one).
pub fn read(path: &Path) -> Option<Vec<u8>> {
    let k = key(path);
    if let Some(b) = FILES.with(|f| f.borrow().get(&k).cloned()) {
        return Some(b);
    }
    let stored = storage()?.get_item(&format!("{PREFIX}{k}")).ok()??;
    unhex(&stored)
}

/// The written files directly in folder `dir`.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}/", key(dir));
    let mut names: Vec<String> = FILES.with(|f| f.borrow().keys().cloned().collect());
    if let Some(s) = storage() {
        let n = s.length().unwrap_or(0);
        names.extend(
            (0..n)
                .filter_map(|i| {
                    s.key(i)
                        .ok()?
                        .map(|k| k.strip_prefix(PREFIX).map(String::from))
                })
                .flatten(),
        );
    }
    names.sort();
    names.dedup();
    names
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .map(|rest| dir.join(rest))
        .collect()
}

/// The files written since the last call, with their bytes (what a worker's save made).
pub fn take_new() -> Vec<(PathBuf, Vec<u8>)> {
    let names = NEW.with(|n| std::mem::take(&mut *n.borrow_mut()));
    names
        .into_iter()
        .filter_map(|k| {
            let b = FILES.with(|f| f.borrow().get(&k).cloned())?;
            Some((PathBuf::from(k), b))
        })
        .collect()
}
