//! Saving and loading pixel models: `<dir>/<kind>.safetensors` with the autoencoder
//! (`ae.encoder.*`, `ae.decoder.*`) and the latent dynamics (`dynamics.*`), recorded in the
//! same `meta.ron` as the low-dimensional models.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Result};
use candle_core::{DType, Device, Tensor};

use super::checkpoint::{load_stored, save_tensors, ModelMeta, StoredModel};
use super::{PixelArch, PixelTrainer};
use crate::data::Scaling;
use crate::nn::{ModelKind, PixelModel, PixelSnapshot};
use crate::rng::Rng;
use crate::scene::Scene;

/// Every tensor a pixel model of this architecture holds, with its shape.
pub fn expected_shapes(kind: ModelKind, arch: &PixelArch) -> Vec<(String, Vec<usize>)> {
    let h = arch.ae_hidden;
    let mut out = Vec::new();
    for (half, dims) in [
        ("encoder", [(arch.input, h), (h, h), (h, h), (h, 2)]),
        ("decoder", [(2, h), (h, h), (h, h), (h, arch.input)]),
    ] {
        for (i, (a, b)) in dims.iter().enumerate() {
            out.push((format!("ae.{half}.l{i}.weight"), vec![*a, *b]));
            out.push((format!("ae.{half}.l{i}.bias"), vec![*b]));
        }
    }
    let sizes = kind.sizes(2, &arch.hidden);
    let n = sizes.len() - 1;
    // The latent field's network(s): a D-HNN's D under `dynamics.d.`.
    let mut prefixes = vec!["dynamics.".to_string()];
    if kind == ModelKind::Dhnn {
        prefixes.push(format!("dynamics.{}.", crate::nn::DISSIPATION_PREFIX));
    }
    for prefix in &prefixes {
        for i in 0..n {
            out.push((format!("{prefix}l{i}.weight"), vec![sizes[i], sizes[i + 1]]));
            if i + 1 < n {
                out.push((format!("{prefix}l{i}.bias"), vec![sizes[i + 1]]));
            }
        }
    }
    out
}

/// The architecture a pixel scene asks for.
pub fn scene_arch(scene: &Scene) -> Result<PixelArch> {
    let crate::scene::DataSpec::Pixels(d) = &scene.data else {
        bail!("scene {} is not a pixel task", scene.source.display());
    };
    Ok(PixelArch {
        input: 2 * d.render.pixels(),
        ae_hidden: scene.model.ae_hidden,
        hidden: scene.model.hidden.clone(),
        latent_step: scene.model.latent_step,
    })
}

pub fn save_pixel_model(
    dir: &Path,
    scene: &Scene,
    t: &PixelTrainer,
    mut meta: ModelMeta,
) -> Result<()> {
    let tensors = crate::nn::named_tensors(t.synced_varmap()?);
    meta.sizes = t.kind.sizes(2, &t.arch.hidden);
    meta.scaling = Scaling::default();
    save_tensors(dir, scene, t.kind, &tensors, meta)
}

/// Loads and checks a pixel model's tensors (names, shapes, finiteness) against the scene's
/// architecture; a scene-hash mismatch comes back as a warning.
pub fn load_pixel_tensors(
    dir: &Path,
    kind: ModelKind,
    scene: &Scene,
) -> Result<(HashMap<String, Tensor>, Option<String>)> {
    let StoredModel {
        path,
        tensors,
        scene_hash,
        ..
    } = load_stored(dir, kind)?;
    let arch = scene_arch(scene)?;
    let want = expected_shapes(kind, &arch);
    for (name, shape) in &want {
        let t = tensors
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("{}: tensor {name} is missing", path.display()))?;
        if t.dims() != shape.as_slice() {
            bail!(
                "{}: tensor {name} has shape {:?}, expected {shape:?} for the scene's architecture",
                path.display(),
                t.dims()
            );
        }
        let v = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1::<f32>()?;
        if v.iter().any(|x| !x.is_finite()) {
            bail!("{}: tensor {name} holds non-finite values", path.display());
        }
    }
    if tensors.len() != want.len() {
        bail!(
            "{}: holds {} tensors, expected {}",
            path.display(),
            tensors.len(),
            want.len()
        );
    }
    let warning = (scene_hash != scene.hash()).then(|| {
        format!(
            "warning: {} was trained from a different version of scene {}",
            path.display(),
            scene.name
        )
    });
    Ok((tensors, warning))
}

/// A candle model with the saved weights (for batched evaluation), and its CPU snapshot.
pub fn load_pixel_model(
    dir: &Path,
    kind: ModelKind,
    scene: &Scene,
    dev: &Device,
) -> Result<(PixelModel, PixelSnapshot, Option<String>)> {
    let (tensors, warning) = load_pixel_tensors(dir, kind, scene)?;
    let arch = scene_arch(scene)?;
    let (mut varmap, model) = arch.build(kind, dev, &mut Rng::new(0))?;
    for (name, t) in &tensors {
        varmap.set_one(name, t.to_dtype(DType::F32)?.to_device(dev)?)?;
    }
    let snap = PixelSnapshot::from_tensors(kind, &tensors)?;
    Ok((model, snap, warning))
}
