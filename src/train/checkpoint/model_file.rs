//! One model file holds its weights *and* their description: the `ModelMeta` entry, the scene
//! and the program version travel in the safetensors header (`__metadata__`, key `hnn-lab`).
//!
//! Why: weights and meta written as two files can be seen half-updated (the new weights with
//! the old meta) after a crash between the two renames, or when a reader comes between them.
//! One file renamed into place is either the old model or the new one. `meta.ron` stays as
//! the folder's readable index; files made before this format (no header entry) are still
//! read with their `meta.ron` entry.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Result};
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::ModelMeta;

/// The header key that holds the description (RON text).
const KEY: &str = "hnn-lab";

/// The largest model file read (the pixel models are ~3 MB): a wrong path fails with a
/// message, not by reading a disk image into memory.
pub const MODEL_MAX_BYTES: u64 = 1 << 30;

/// What a model file says about itself.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub scene: String,
    pub scene_hash: String,
    pub crate_version: String,
    pub model: ModelMeta,
}

/// A model file as read: its tensors and, unless it predates the format, its description.
pub struct ModelFile {
    pub tensors: HashMap<String, Tensor>,
    pub provenance: Option<Provenance>,
}

/// Writes `tensors` with their description to `path`, atomically (temporary file, fsync,
/// rename).
pub fn write(
    path: &Path,
    tensors: &HashMap<String, Tensor>,
    provenance: &Provenance,
) -> Result<()> {
    let text = ron::ser::to_string(provenance)?;
    let header = HashMap::from([(KEY.to_string(), text)]);
    let mut named: Vec<(&String, &Tensor)> = tensors.iter().collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    // Serialised in memory and written by `write_file` (safetensors' own file writer makes
    // a second temporary file of its own, which a killed process would leave behind).
    let bytes = safetensors::serialize(named, Some(header))?;
    crate::atomic::write_file(path, &bytes)
}

/// Reads a model file (at most [`MODEL_MAX_BYTES`]); every error names the file.
pub fn read(path: &Path) -> Result<ModelFile> {
    let bytes = crate::textfile::read_bytes_capped(path, MODEL_MAX_BYTES, "model file")?;
    let here = path.display();
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes)
        .map_err(|e| anyhow!("{here}: not a readable safetensors file: {e}"))?;
    let provenance = match header.metadata().as_ref().and_then(|m| m.get(KEY)) {
        None => None,
        Some(text) => Some(
            ron::from_str::<Provenance>(text)
                .map_err(|e| anyhow!("{here}: its `{KEY}` header entry is damaged: {e}"))?,
        ),
    };
    let tensors = candle_core::safetensors::load_buffer(&bytes, &Device::Cpu)
        .map_err(|e| anyhow!("{here}: not a readable safetensors file: {e}"))?;
    Ok(ModelFile {
        tensors,
        provenance,
    })
}
