//! How the page starts the app. The program carries its scenes and lessons; the files a
//! scene reads from the site (a recording, the shipped models) are fetched by the page's
//! script, which this module tells what to fetch and hands what came (`crate::fetched`):
//!
//! 1. `needs()`: the scene the address names, and what it reads: `first` (the app cannot
//!    start without it: a recording the truth plays) and `later` (the shipped models: the
//!    app starts without them and loads each when it has come), each `[path, bytes]`.
//! 2. The script fetches them all, reporting progress (`file_progress`) and each file as it
//!    comes (`file_arrived`) or fails (`file_failed`), and calls `start()` once `first` is in.
//!
//! The script is `web/index.html`; the page's address is read in `web_page`.

use std::path::Path;

use wasm_bindgen::prelude::*;

use super::lab::Lab;
use super::web_page::page_options;
use crate::fetched;

/// What the page must fetch for the scene its address names, as JSON:
/// `{"first": [[path, bytes], …], "later": [[path, bytes], …]}` (paths relative to the page).
/// Each is expected from here on: reading it before it came says it is still loading. A bad
/// address or scene is an error with the reason.
#[wasm_bindgen]
pub fn needs() -> Result<String, JsError> {
    let go = || -> anyhow::Result<String> {
        let page = page_options()?;
        let scene = if page.lesson {
            crate::lesson::Lesson::load(&page.scene)?.1
        } else {
            crate::scene::Scene::load(&page.scene)?
        };
        let (first, later) = Lab::files_to_fetch(&scene);
        let listed = |files: Vec<std::path::PathBuf>| -> Vec<(String, u64)> {
            files
                .iter()
                .filter_map(|f| {
                    // Only what the site has: anything else reads as missing at once.
                    let size = crate::embedded::on_site(f)?;
                    fetched::expect(f, size);
                    Some((crate::embedded::key(f), size))
                })
                .collect()
        };
        Ok(serde_json::json!({"first": listed(first), "later": listed(later)}).to_string())
    };
    go().map_err(|e| JsError::new(&format!("{e:#}")))
}

/// `loaded` of `total` bytes of `path` have come (`total` 0: not known).
#[wasm_bindgen]
pub fn file_progress(path: &str, loaded: f64, total: f64) {
    fetched::progress(Path::new(path), loaded as u64, total as u64);
}

/// `path` came whole.
#[wasm_bindgen]
pub fn file_arrived(path: &str, bytes: Vec<u8>) {
    fetched::arrived(Path::new(path), bytes);
}

/// `path` will not come (e.g. "HTTP 404 Not Found").
#[wasm_bindgen]
pub fn file_failed(path: &str, why: &str) {
    fetched::failed(Path::new(path), why);
}

/// Starts the app on the page's canvas (its errors are shown on the page).
#[wasm_bindgen]
pub fn start() {
    super::run_web();
}
