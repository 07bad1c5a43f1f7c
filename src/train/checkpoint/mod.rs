//! Trained models on disk: `<dir>/<kind>.safetensors`, each describing itself in its header
//! (`model_file`), plus `<dir>/meta.ron`, the folder's readable index of both. Every write goes
//! to a temporary file first and is renamed into place, so an interrupted save never leaves a
//! half-written model, and weights never meet another model's description.

mod model_file;

pub use model_file::{read as read_model_file, write as write_model_file, ModelFile, Provenance};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use candle_core::{DType, Tensor};
use serde::{Deserialize, Serialize};

use super::Trainer;
use crate::data::Scaling;
use crate::nn::{FieldSnapshot, MlpWeights, ModelKind};
use crate::scene::Scene;

/// What was trained, from what, and how it ended.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ModelMeta {
    pub sizes: Vec<usize>,
    pub scaling: Scaling,
    pub steps: usize,
    pub seed: u64,
    pub final_train_loss: f64,
    pub final_test_loss: f64,
    pub train_seconds: f64,
    pub device: String,
    /// Pixel models: the autoencoder architecture and the final loss terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pixel: Option<PixelMeta>,
}

/// A pixel model's description beyond the latent dynamics: the autoencoder's architecture
/// and the final loss terms.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PixelMeta {
    pub arch: super::PixelArch,
    pub train: super::LossValues,
    pub test: super::LossValues,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ModelsMeta {
    pub scene: String,
    pub scene_hash: String,
    pub crate_version: String,
    pub models: BTreeMap<ModelKind, ModelMeta>,
}

pub(super) fn weights_path(dir: &Path, kind: ModelKind) -> PathBuf {
    dir.join(format!("{}.safetensors", kind.name()))
}

/// The files `kind`'s stored model in `dir` is read from: its weights, and `meta.ron` (read
/// only for a file saved before weights carried their own description). A web page fetches
/// these before the model can load.
pub fn model_files(dir: &Path, kind: ModelKind) -> [PathBuf; 2] {
    [weights_path(dir, kind), dir.join("meta.ron")]
}

/// Saves one trained model and records it in `meta.ron` (keeping the other model's entry when
/// it was trained from the same scene).
pub fn save_model(dir: &Path, scene: &Scene, trainer: &Trainer, meta: ModelMeta) -> Result<()> {
    save_tensors(dir, scene, trainer.kind, &trainer.tensors()?, meta)
}

/// Writes one model's tensors and its `meta.ron` entry (shared by the low-dimensional and the
/// pixel models).
pub(super) fn save_tensors(
    dir: &Path,
    scene: &Scene,
    kind: ModelKind,
    tensors: &std::collections::HashMap<String, Tensor>,
    meta: ModelMeta,
) -> Result<()> {
    // A model that went non-finite is never written over a good one.
    for (name, t) in tensors {
        let v = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
        if v.iter().any(|x| !x.is_finite()) {
            bail!(
                "not saved to {}: tensor {name} of the {} model holds non-finite values (training diverged)",
                dir.display(),
                kind.name()
            );
        }
    }
    // One writer at a time: the other model's trainer may be saving into the same folder,
    // and both rewrite meta.ron.
    let provenance = Provenance {
        scene: scene.name.clone(),
        scene_hash: scene.hash(),
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        model: meta.clone(),
    };
    crate::atomic::with_folder_lock(dir, || {
        model_file::write(&weights_path(dir, kind), tensors, &provenance)?;
        update_meta(dir, scene, kind, meta)
    })
}

/// Records `kind`'s entry in `dir/meta.ron`, keeping the other model's when it was trained
/// from the same scene (the caller holds the folder's lock).
fn update_meta(dir: &Path, scene: &Scene, kind: ModelKind, meta: ModelMeta) -> Result<()> {
    let mut all = match load_meta(dir) {
        Ok(m) if m.scene_hash == scene.hash() => m,
        _ => ModelsMeta {
            scene: scene.name.clone(),
            scene_hash: scene.hash(),
            crate_version: env!("CARGO_PKG_VERSION").to_string(),
            models: BTreeMap::new(),
        },
    };
    all.crate_version = env!("CARGO_PKG_VERSION").to_string();
    all.models.insert(kind, meta);
    let text = ron::ser::to_string_pretty(&all, ron::ser::PrettyConfig::default())?;
    crate::atomic::write_file(&dir.join("meta.ron"), text.as_bytes())
}

/// `new` (a `meta.ron` one trainer wrote alone, as a browser's worker does) with the other
/// model's entry from `old` kept when both describe the same scene, as `update_meta` keeps it
/// on disk. None if either does not read as a `meta.ron`.
pub fn merge_meta(old: &str, new: &str) -> Option<String> {
    let old: ModelsMeta = ron::from_str(old).ok()?;
    let mut new: ModelsMeta = ron::from_str(new).ok()?;
    if old.scene_hash == new.scene_hash {
        for (kind, m) in old.models {
            new.models.entry(kind).or_insert(m);
        }
    }
    ron::ser::to_string_pretty(&new, ron::ser::PrettyConfig::default()).ok()
}

pub fn load_meta(dir: &Path) -> Result<ModelsMeta> {
    let path = dir.join("meta.ron");
    let text =
        crate::textfile::read_capped(&path, crate::textfile::SPEC_MAX_BYTES, "model meta file")?;
    let meta: ModelsMeta = ron::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}: {}", path.display(), e.span.start, e.code))?;
    check_version(&meta.crate_version, &path)?;
    Ok(meta)
}

/// Models from another minor version of hnn-lab are refused (their format may differ).
fn check_version(made_by: &str, path: &Path) -> Result<()> {
    let ours = env!("CARGO_PKG_VERSION");
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(made_by) != minor(ours) {
        bail!(
            "{}: models were made by hnn-lab {made_by} but this is {ours}; retrain them (hnn-lab train)",
            path.display(),
        );
    }
    Ok(())
}

/// One stored model: its tensors and the description they were saved with.
pub(super) struct StoredModel {
    pub path: PathBuf,
    pub tensors: std::collections::HashMap<String, Tensor>,
    pub meta: ModelMeta,
    pub scene_hash: String,
}

/// Reads `kind`'s model from `dir`. Its description comes from the file's own header; a file
/// saved before the header existed takes its entry from `meta.ron`.
pub(super) fn load_stored(dir: &Path, kind: ModelKind) -> Result<StoredModel> {
    let path = weights_path(dir, kind);
    if !crate::textfile::is_file(&path) {
        bail!(
            "{}: no {} model saved here (no {}); train it with --model {}",
            dir.display(),
            kind.name(),
            path.display(),
            kind.name()
        );
    }
    let file = model_file::read(&path)?;
    let (meta, scene_hash) = match file.provenance {
        Some(p) => {
            check_version(&p.crate_version, &path)?;
            check_recorded(&p.model, &path, "hnn-lab.model")?;
            (p.model, p.scene_hash)
        }
        None => {
            let all = load_meta(dir)?;
            let meta_path = dir.join("meta.ron");
            let Some(m) = all.models.get(&kind) else {
                bail!(
                    "{}: no {} model recorded (train it with --model {})",
                    meta_path.display(),
                    kind.name(),
                    kind.name()
                );
            };
            check_recorded(m, &meta_path, &format!("models.{}", kind.name()))?;
            (m.clone(), all.scene_hash)
        }
    };
    Ok(StoredModel {
        path,
        tensors: file.tensors,
        meta,
        scene_hash,
    })
}

/// A model's description (its header's or its `meta.ron` entry, named `k` in errors) as
/// inference needs it: an input, at least one hidden layer and an output (each of 1..=100 000
/// units), one finite positive scale per input and a finite positive time scale. A hand-edited or damaged entry is an error naming the file and field,
/// not an overflow or a division by zero later.
fn check_recorded(m: &ModelMeta, path: &Path, k: &str) -> Result<()> {
    let here = path.display();
    if m.sizes.len() < 3 || m.sizes.iter().any(|s| !(1..=100_000).contains(s)) {
        bail!(
            "{here}: field `{k}.sizes`: {:?} needs an input, at least one hidden layer and an output, each of 1..=100000 units",
            m.sizes
        );
    }
    let ok = |v: f64| v.is_finite() && v > 0.0;
    if m.scaling.s.len() != m.sizes[0] || !m.scaling.s.iter().all(|v| ok(*v)) {
        bail!(
            "{here}: field `{k}.scaling.s`: {:?} needs {} finite positive scales",
            m.scaling.s,
            m.sizes[0]
        );
    }
    if !ok(m.scaling.tau) {
        bail!(
            "{here}: field `{k}.scaling.tau`: {} must be finite and positive",
            m.scaling.tau
        );
    }
    Ok(())
}

/// Loads a trained model for inference, checking every tensor's name and shape against the
/// architecture its description records (`load_stored`). A scene-hash mismatch is returned as a warning.
pub fn load_snapshot(
    dir: &Path,
    kind: ModelKind,
    scene: &Scene,
) -> Result<(FieldSnapshot, Option<String>)> {
    let StoredModel {
        path,
        tensors,
        meta: m,
        scene_hash,
    } = load_stored(dir, kind)?;
    let n = m.sizes.len() - 1;
    let get = |name: &str, shape: &[usize]| -> Result<Vec<f64>> {
        let t: &Tensor = tensors
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("{}: tensor {name} is missing", path.display()))?;
        if t.dims() != shape {
            bail!(
                "{}: tensor {name} has shape {:?}, expected {shape:?} for layer sizes {:?}",
                path.display(),
                t.dims(),
                m.sizes
            );
        }
        let v = t.to_dtype(DType::F64)?.flatten_all()?.to_vec1::<f64>()?;
        if v.iter().any(|x| !x.is_finite()) {
            bail!("{}: tensor {name} holds non-finite values", path.display());
        }
        Ok(v)
    };
    // One MLP's layers under `prefix` (a D-HNN's D network under `d.`).
    let network = |prefix: &str| -> Result<MlpWeights> {
        let (mut w, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for i in 0..n {
            w.push(get(
                &format!("{prefix}l{i}.weight"),
                &[m.sizes[i], m.sizes[i + 1]],
            )?);
            b.push(if i + 1 < n {
                Some(get(&format!("{prefix}l{i}.bias"), &[m.sizes[i + 1]])?)
            } else {
                None
            });
        }
        Ok(MlpWeights {
            sizes: m.sizes.clone(),
            w,
            b,
        })
    };
    let mlp = network("")?;
    let dissipation = match kind {
        ModelKind::Dhnn => Some(network(&format!("{}.", crate::nn::DISSIPATION_PREFIX))?),
        _ => None,
    };
    let networks = if dissipation.is_some() { 2 } else { 1 };
    if tensors.len() != networks * (2 * n - 1) {
        bail!(
            "{}: holds {} tensors, expected {} for {networks} network(s) of layer sizes {:?}",
            path.display(),
            tensors.len(),
            networks * (2 * n - 1),
            m.sizes
        );
    }
    let dim = 2 * scene.system.dof();
    if m.sizes[0] != dim {
        bail!(
            "{}: the model takes states of {} numbers ({} degree(s) of freedom) but scene {} ({}) has {} degree(s) of freedom: train it for this scene (hnn-lab train --scene {})",
            path.display(),
            m.sizes[0],
            m.sizes[0] / 2,
            scene.name,
            scene.source.display(),
            dim / 2,
            scene.source.display()
        );
    }
    let want = kind.sizes(dim, &scene.model.hidden);
    if m.sizes != want {
        bail!(
            "{}: model has layer sizes {:?} but the scene asks for {want:?}",
            path.display(),
            m.sizes
        );
    }
    let warning = (scene_hash != scene.hash()).then(|| {
        format!(
            "warning: {} was trained from a different version of scene {} (hash {} vs {})",
            path.display(),
            scene.name,
            scene_hash,
            scene.hash()
        )
    });
    let snap = FieldSnapshot {
        kind,
        mlp,
        dissipation,
        scaling: m.scaling,
    };
    Ok((snap, warning))
}

#[cfg(test)]
mod tests;
