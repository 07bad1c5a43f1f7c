//! Saves in a browser: what a training worker's save wrote comes to the page as files (a
//! worker has no disk and no `localStorage`); the page keeps them (`webfs`) and offers the
//! saved folder as downloads once every model asked has saved into it.

use std::path::PathBuf;

use wasm_bindgen::JsValue;

/// What a training worker's save wrote, kept in the page's files (small ones outlive a
/// reload). Each worker writes a `meta.ron` with its own model only: it is merged with the
/// one already there, as a save on disk keeps the other model's entry.
pub fn keep(files: &[(PathBuf, Vec<u8>)]) {
    for (path, bytes) in files {
        let is_meta = path.file_name().is_some_and(|n| n == "meta.ron");
        let merged = crate::webfs::read(path)
            .filter(|_| is_meta)
            .and_then(|old| {
                let old = String::from_utf8(old).ok()?;
                let new = std::str::from_utf8(bytes).ok()?;
                crate::train::merge_meta(&old, new)
            });
        crate::webfs::write(path, merged.as_ref().map_or(bytes, |m| m.as_bytes()));
    }
}

/// Offers the files saved in `dir` as downloads, one each, named by folder and file
/// (`pixel_pendulum-hnn.safetensors`, `pixel_pendulum-meta.ron`).
pub fn download_folder(dir: &std::path::Path) {
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    for path in crate::webfs::list(dir) {
        let Some(bytes) = crate::webfs::read(&path) else {
            continue;
        };
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = match (&folder, file) {
            (Some(d), Some(f)) => format!("{d}-{f}"),
            (_, f) => f.unwrap_or_else(|| "hnn-lab-file".into()),
        };
        if let Err(e) = download(&name, &bytes) {
            bevy::log::warn!("download of {name}: {e:?}");
        }
    }
}

pub(super) fn download(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
