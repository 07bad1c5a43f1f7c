//! For the web build only (wasm32, where there are no files): the scenes, lessons, shipped
//! models and recorded data go into the program, listed in `$OUT_DIR/embedded_files.rs` and
//! read back by `textfile` under the same relative paths (the training worker gets
//! the recordings only). Native builds get an empty list.

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
    // The app needs them all; the training worker (the core without `gui`) is sent its scene
    // and weights by the page and needs only the recordings its datasets are read from.
    let web = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let dirs: &[&str] = match (web, std::env::var_os("CARGO_FEATURE_GUI").is_some()) {
        (false, _) => &[],
        (true, true) => &["scenes", "models", "assets/data"],
        (true, false) => &["assets/data"],
    };
    let mut files = Vec::new();
    for dir in dirs {
        println!("cargo:rerun-if-changed={dir}");
        walk(&root.join(dir), &mut files);
    }
    let mut text = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        text += &format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            f.display().to_string()
        );
    }
    text += "];\n";
    std::fs::write(out, text).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}
