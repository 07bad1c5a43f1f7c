//! The files a web build carries inside it (see `build.rs`): scenes and lessons, under their
//! paths relative to the repository; and the names and sizes of those it fetches from its site
//! when a scene needs them (shipped models, recorded data; see [`crate::fetched`]). Natively
//! both lists are empty and files are read from disk.

use std::path::{Component, Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded_files.rs"));

/// `path` as the list names it: relative, `/`-separated, without `.` or `..` steps.
pub fn key(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// The bytes of an embedded file.
pub fn read(path: &Path) -> Option<&'static [u8]> {
    let k = key(path);
    FILES.iter().find(|(p, _)| *p == k).map(|(_, b)| *b)
}

/// The size of `path` if it is one of the site's files the web build may fetch.
pub fn on_site(path: &Path) -> Option<u64> {
    let k = key(path);
    SITE.iter().find(|(p, _)| *p == k).map(|(_, n)| *n)
}

/// The embedded files directly in folder `dir`.
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}/", key(dir));
    FILES
        .iter()
        .filter_map(|(p, _)| p.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .map(|rest| dir.join(rest))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_keyed_without_dots() {
        assert_eq!(
            key(Path::new("./scenes/../models/spring/hnn.safetensors")),
            "models/spring/hnn.safetensors"
        );
        assert_eq!(
            key(Path::new("scenes/lessons/../spring.ron")),
            "scenes/spring.ron"
        );
        // Natively nothing is embedded.
        assert!(read(Path::new("scenes/spring.ron")).is_none() || cfg!(target_arch = "wasm32"));
    }
}
