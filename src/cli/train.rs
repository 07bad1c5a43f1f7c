use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use hnn_lab::device;
use hnn_lab::scene::Scene;
use hnn_lab::train::{save_model, ModelMeta, Trainer};

use super::Which;

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[arg(long)]
    pub scene: PathBuf,
    /// Which models (default: the scene's `model.kinds`, the HNN and the baseline unless the
    /// scene names others).
    #[arg(long, value_enum)]
    pub model: Option<Which>,
    /// Training steps (default: the scene's).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000_000))]
    pub steps: Option<usize>,
    /// Train for this many seconds of wall time instead of a number of steps: every model at
    /// once, one thread each, as the app's trainers (0 < S ≤ 86400).
    #[arg(long, conflicts_with = "steps", value_parser = super::train_timed::parse_seconds)]
    pub seconds: Option<f64>,
    /// Seed of the weight initialisation (default: the scene's); the data keep the scene's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Data file replacing a recorded scene's.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output folder (default: models/<scene name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// No progress bar (for logs).
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(a: TrainArgs) -> Result<()> {
    let mut scene = Scene::load(&a.scene)?;
    if let Some(s) = a.steps {
        scene.train.steps = s;
    }
    if let Some(s) = a.seed {
        scene.train.seed = s;
    }
    let dev = device::select(&a.device)?;
    let out = super::models_dir(&scene, a.out.as_deref());
    // Before any data or training: a folder that cannot take the models fails now.
    hnn_lab::atomic::check_writable(&out).map_err(|e| anyhow::anyhow!("--out: {e:#}"))?;
    if matches!(scene.data, hnn_lab::scene::DataSpec::Pixels(_)) {
        anyhow::ensure!(
            a.data.is_none(),
            "--data: scene {} renders its own frames",
            a.scene.display()
        );
        eprintln!("scene {}: device {}", scene.name, device::describe(&dev));
        let data = super::train_pixel::pixel_dataset(&scene)?;
        let kinds = super::kinds_for(a.model, &scene);
        if let Some(s) = a.seconds {
            return super::train_timed::train_for(&kinds, s, &out, |kind| {
                Ok(hnn_lab::train::PixelTrainer::new(
                    kind,
                    &scene,
                    data.clone(),
                    &dev,
                )?)
            });
        }
        for kind in kinds {
            super::train_pixel::train_one(&scene, data.clone(), kind, &dev, &out, a.quiet)?;
        }
        return Ok(());
    }
    let data = super::dataset(&scene, a.data.as_deref())?;
    eprintln!(
        "scene {}: {} train / {} test samples, device {}",
        scene.name,
        data.train.len(),
        data.test.len(),
        device::describe(&dev)
    );
    let kinds = super::kinds_for(a.model, &scene);
    if let Some(s) = a.seconds {
        return super::train_timed::train_for(&kinds, s, &out, |kind| {
            Ok(Trainer::new(kind, &scene, &data, &dev)?)
        });
    }
    for kind in kinds {
        train_one(&scene, &data, kind, &dev, &out, a.quiet)?;
    }
    Ok(())
}

pub fn train_one(
    scene: &Scene,
    data: &hnn_lab::data::Dataset,
    kind: hnn_lab::nn::ModelKind,
    dev: &candle_core::Device,
    out: &std::path::Path,
    quiet: bool,
) -> Result<()> {
    let mut t = Trainer::new(kind, scene, data, dev)?;
    let steps = scene.train.steps;
    let bar = super::progress_bar(kind, steps, quiet)?;
    let start = Instant::now();
    let mut loss = f32::NAN;
    let mut watch = hnn_lab::train::divergence::Watch::<()>::new();
    for i in 0..steps {
        loss = t.train_step()?;
        watch.ensure_healthy(loss as f64, kind.name(), i)?;
        if i % 50 == 0 || i + 1 == steps {
            bar.set_position(i as u64 + 1);
            bar.set_message(format!("train {loss:.3e} test {:.3e}", t.test_loss()?));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let test = t.test_loss()?;
    // The last step's update is judged by the test loss before anything is written.
    watch.ensure_healthy(test as f64, kind.name(), steps)?;
    bar.finish();
    eprintln!(
        "{}: {steps} steps in {secs:.1} s ({:.2} ms/step), final train loss {loss:.4e}, test loss {test:.4e} (scaled units)",
        kind.name(),
        1e3 * secs / steps as f64
    );
    let meta = ModelMeta {
        sizes: kind.sizes(t.scaling.dim(), &scene.model.hidden),
        scaling: t.scaling.clone(),
        steps,
        seed: scene.train.seed,
        final_train_loss: loss as f64,
        final_test_loss: test as f64,
        train_seconds: secs,
        device: hnn_lab::device::describe(dev),
        pixel: None,
    };
    save_model(out, scene, &t, meta)?;
    eprintln!("saved {}/{}.safetensors", out.display(), kind.name());
    Ok(())
}
