use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use hnn_lab::data::pixel_cache::{cache_dir, load_or_generate};
use hnn_lab::data::PixelDataset;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::{DataSpec, Scene, SystemSpec};
use hnn_lab::train::{save_pixel_model, ModelMeta, PixelMeta, PixelTrainer};

/// The scene's frames, from the cache or freshly simulated.
pub fn pixel_dataset(scene: &Scene) -> Result<Arc<PixelDataset>> {
    let (SystemSpec::RapierPendulum(phys), DataSpec::Pixels(spec)) = (&scene.system, &scene.data)
    else {
        anyhow::bail!("scene {} is not a pixel task", scene.source.display());
    };
    let start = Instant::now();
    let d = load_or_generate(phys, spec, &cache_dir())?;
    eprintln!(
        "pixel data: {} trials × {} frames ({} train / {} test samples) in {:.1} s, cache {}",
        spec.trials,
        spec.steps,
        d.samples(d.train_trials()).len(),
        d.samples(d.test_trials()).len(),
        start.elapsed().as_secs_f64(),
        cache_dir().display()
    );
    Ok(Arc::new(d))
}

pub fn train_one(
    scene: &Scene,
    data: Arc<PixelDataset>,
    kind: ModelKind,
    dev: &candle_core::Device,
    out: &Path,
    quiet: bool,
) -> Result<()> {
    let mut t = PixelTrainer::new(kind, scene, data, dev)?;
    let steps = scene.train.steps;
    let bar = super::progress_bar(kind, steps, quiet)?;
    let start = Instant::now();
    let mut last = Default::default();
    let mut watch = hnn_lab::train::divergence::Watch::<()>::new();
    for i in 0..steps {
        last = t.train_step()?;
        watch.ensure_healthy(last.total, kind.name(), i)?;
        if i % 25 == 0 || i + 1 == steps {
            bar.set_position(i as u64 + 1);
            bar.set_message(format!(
                "loss {:.3e} (ae {:.2e} cc {:.2e} hnn {:.2e})",
                last.total, last.ae, last.cc, last.hnn
            ));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    bar.finish();
    let test = t.test_losses(usize::MAX)?;
    watch.ensure_healthy(test.total, kind.name(), steps)?;
    eprintln!(
        "{}: {steps} steps in {secs:.1} s ({:.2} ms/step); last batch {:.4e}, test {:.4e} (ae {:.3e} cc {:.3e} hnn {:.3e})",
        kind.name(),
        1e3 * secs / steps as f64,
        last.total,
        test.total,
        test.ae,
        test.cc,
        test.hnn
    );
    let meta = ModelMeta {
        sizes: vec![],
        scaling: Default::default(),
        steps,
        seed: scene.train.seed,
        final_train_loss: last.total,
        final_test_loss: test.total,
        train_seconds: secs,
        device: hnn_lab::device::describe(dev),
        pixel: Some(PixelMeta {
            arch: t.arch.clone(),
            train: last,
            test,
        }),
    };
    save_pixel_model(out, scene, &t, meta)?;
    eprintln!("saved {}/{}.safetensors", out.display(), kind.name());
    Ok(())
}
