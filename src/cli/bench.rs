use std::time::Instant;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use hnn_lab::data::synthetic_dataset;
use hnn_lab::device;
use hnn_lab::nn::ModelKind;
use hnn_lab::physics::Spring;
use hnn_lab::scene::{DataSpec, Scene, SyntheticSpec};
use hnn_lab::train::fused::{sgemm_peak_gflops, step_flops};
use hnn_lab::train::{Backend, PixelTrainer, Trainer};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// One line of JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Timed steps per model (after 20 warm-up steps).
    #[arg(long, default_value_t = 200)]
    pub steps: usize,
}

/// Median wall time of one step, in ms.
fn median_ms(mut step: impl FnMut() -> Result<()>, warmup: usize, n: usize) -> Result<f64> {
    for _ in 0..warmup {
        step()?;
    }
    let mut t = Vec::with_capacity(n);
    for _ in 0..n {
        let s = Instant::now();
        step()?;
        t.push(s.elapsed().as_secs_f64() * 1e3);
    }
    t.sort_by(f64::total_cmp);
    Ok(t[t.len() / 2])
}

/// Keys: `spring_{hnn,baseline}_ms` for the device's default backend, the same with
/// `_candle_ms` for the candle reference on CPU, `_gflops` for the default backend, and on the
/// CPU `sgemm_peak_gflops`, a large square product on all threads for scale.
pub fn run(a: BenchArgs) -> Result<()> {
    let dev = device::select(&a.device)?;
    // The paper's spring task: full batch of 750 points, MLP 2-200-200-out.
    let scene = Scene {
        name: "bench".into(),
        system: hnn_lab::scene::SystemSpec::Spring { k: 1.0, m: 1.0 },
        data: DataSpec::Synthetic(SyntheticSpec::default()),
        model: Default::default(),
        train: Default::default(),
        eval: Default::default(),
        source: Default::default(),
    };
    let data = synthetic_dataset(&Spring::default(), &SyntheticSpec::default());
    let mut out = serde_json::Map::new();
    out.insert("device".into(), json!(device::describe(&dev)));
    let default = Backend::for_device(&dev);
    let mut backends = vec![default];
    if default == Backend::Fused {
        backends.push(Backend::Candle);
    }
    for backend in backends {
        for kind in [ModelKind::Hnn, ModelKind::Baseline] {
            let mut t = Trainer::with_backend(kind, &scene, &data, &dev, backend)?;
            let ms = median_ms(
                || t.train_step().map(|_| ()).map_err(Into::into),
                20,
                a.steps.max(1),
            )?;
            let key = match backend == default {
                true => format!("spring_{}", kind.name()),
                false => format!("spring_{}_candle", kind.name()),
            };
            if backend == default {
                let flops = step_flops(kind, &kind.sizes(2, &scene.model.hidden), data.train.len());
                out.insert(format!("{key}_gflops"), json!(flops / (ms * 1e-3) / 1e9));
            }
            out.insert(format!("{key}_ms"), json!(ms));
        }
    }
    // The pixel task: one minibatch step of 200, autoencoder 1568-200-200-200-2 and back.
    let pixel_scene = pixel_bench_scene()?;
    let (hnn_lab::scene::SystemSpec::RapierPendulum(phys), DataSpec::Pixels(spec)) =
        (&pixel_scene.system, &pixel_scene.data)
    else {
        unreachable!()
    };
    let pdata = std::sync::Arc::new(hnn_lab::data::pixel::generate(phys, spec)?);
    for kind in [ModelKind::Hnn, ModelKind::Baseline] {
        let mut t = PixelTrainer::new(kind, &pixel_scene, pdata.clone(), &dev)?;
        let ms = median_ms(
            || t.train_step().map(|_| ()).map_err(Into::into),
            5,
            (a.steps / 4).max(1),
        )?;
        out.insert(format!("pixel_{}_ms", kind.name()), json!(ms));
    }
    if dev.is_cpu() {
        out.insert(
            "sgemm_peak_gflops".into(),
            json!(sgemm_peak_gflops(1536, 5)),
        );
    }
    if a.json {
        println!("{}", serde_json::Value::Object(out));
    } else {
        for (k, v) in &out {
            println!("{k:>28}: {v}");
        }
    }
    Ok(())
}

/// The shipped pixel scene with fewer trials (enough for full minibatches).
fn pixel_bench_scene() -> Result<Scene> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/pixel_pendulum.ron");
    let mut scene = match Scene::load(&path) {
        Ok(s) => s,
        Err(_) => {
            let mut s: Scene = ron::from_str(include_str!("../../scenes/pixel_pendulum.ron"))?;
            s.source = path;
            s
        }
    };
    if let DataSpec::Pixels(d) = &mut scene.data {
        d.trials = 10;
    }
    Ok(scene)
}
