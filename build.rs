//! For the web build only (wasm32, where there are no files): the scenes and lessons (small,
//! and read before the first frame) go into the app, listed in `$OUT_DIR/embedded_files.rs`
//! and read back by `textfile` under the same relative paths. The shipped models and
//! recorded data stay on the site beside the page and are fetched when a scene needs them:
//! the program carries only their names and sizes (`SITE`), to tell a file it may fetch from
//! one that does not exist. Native builds get empty lists.

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if !p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded_files.rs");
    // The training worker (the core without `gui`) is sent its scene, weights and recording
    // by the page: it carries nothing.
    let web = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let app = web && std::env::var_os("CARGO_FEATURE_GUI").is_some();
    let list = |dirs: &[&str]| {
        let mut files = Vec::new();
        for dir in dirs {
            println!("cargo:rerun-if-changed={dir}");
            walk(&root.join(dir), &mut files);
        }
        files
            .into_iter()
            .map(|f| {
                let rel = f.strip_prefix(&root).unwrap().to_string_lossy();
                (rel.replace('\\', "/"), f)
            })
            .collect::<Vec<_>>()
    };
    let (inside, site) = if app {
        (list(&["scenes"]), list(&["models", "assets/data"]))
    } else {
        (vec![], vec![])
    };
    let mut text = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, f) in &inside {
        text += &format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            f.display().to_string()
        );
    }
    text += "];\n/// Files on the site beside the page, fetched when needed: (path, bytes).\n";
    text += "pub static SITE: &[(&str, u64)] = &[\n";
    for (rel, f) in &site {
        let len = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        text += &format!("    ({rel:?}, {len}),\n");
    }
    text += "];\n";
    std::fs::write(out, text).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
