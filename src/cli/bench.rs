use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use hnn_lab::data::pixel::generate;
use hnn_lab::data::synthetic_dataset;
use hnn_lab::device;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::{DataSpec, InitSpec, Scene, SyntheticSpec, SystemSpec, TrainSpec};
use hnn_lab::train::fused::{pixel_step_flops, sgemm_peak_gflops, step_flops};
use hnn_lab::train::{Backend, PixelTrainer, Trainer};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// One line of JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Timed steps per low-dimensional model (after 20 warm-up steps); a quarter of that for
    /// the pixel models.
    #[arg(long, default_value_t = 200, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(4..=1_000_000))]
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

/// The device's default backend, then candle's reference path when that differs.
fn backends_for(dev: &candle_core::Device) -> Vec<Backend> {
    match Backend::for_device(dev) {
        Backend::Fused => vec![Backend::Fused, Backend::Candle],
        Backend::Candle => vec![Backend::Candle],
    }
}

/// Key prefix: the default backend's plain, the reference path's with `_candle`.
fn key(task: &str, kind: ModelKind, default: bool) -> String {
    if default {
        format!("{task}_{}", kind.name())
    } else {
        format!("{task}_{}_candle", kind.name())
    }
}

/// Keys: `{spring,two_body,pixel}_{hnn,baseline}_ms` for the device's default backend, the same with
/// `_candle` for candle's reference path on the CPU, `_gflops` for the default backend, and on
/// the CPU `sgemm_peak_gflops`, a large square product on all threads for scale.
pub fn run(a: BenchArgs) -> Result<()> {
    let dev = device::select(&a.device)?;
    let mut out = serde_json::Map::new();
    out.insert("device".into(), json!(device::describe(&dev)));
    let default = Backend::for_device(&dev);

    // The paper's spring task: full batch of 750 points, MLP 2-200-200-out. Its two-body
    // task: minibatches of 200 of 40 000 states, MLP 8-200-200-out.
    let spring = bench_scene(
        SystemSpec::Spring { k: 1.0, m: 1.0 },
        SyntheticSpec::default(),
        None,
    );
    let two_body = bench_scene(
        SystemSpec::Gravity {
            masses: vec![1.0, 1.0],
            g: 1.0,
        },
        SyntheticSpec {
            trajectories: 1000,
            t_end: 20.0,
            points: 50,
            radius: (0.5, 1.5),
            noise_std: 0.0,
            train_fraction: 0.8,
            seed: 0,
            init: InitSpec::Orbits { noise: 0.05 },
        },
        Some(200),
    );
    for (name, scene) in [("spring", spring), ("two_body", two_body)] {
        let DataSpec::Synthetic(spec) = &scene.data else {
            unreachable!("synthetic bench scenes")
        };
        let data = synthetic_dataset(&scene.system, spec)?;
        let rows = scene.train.batch_size.unwrap_or(data.train.len());
        for backend in backends_for(&dev) {
            for kind in [ModelKind::Hnn, ModelKind::Baseline] {
                let mut t = Trainer::with_backend(kind, &scene, &data, &dev, backend)?;
                let ms = median_ms(
                    || t.train_step().map(|_| ()).map_err(Into::into),
                    20,
                    a.steps.max(1),
                )?;
                let k = key(name, kind, backend == default);
                out.insert(format!("{k}_ms"), json!(ms));
                if backend == default {
                    let sizes = kind.sizes(data.train.dim, &scene.model.hidden);
                    let flops = step_flops(kind, &sizes, rows);
                    out.insert(format!("{k}_gflops"), json!(flops / (ms * 1e-3) / 1e9));
                }
            }
        }
    }

    // The pixel task: one minibatch step of 200, autoencoder 1568-200-200-200-2 and back.
    let pixel_scene = pixel_bench_scene()?;
    let (SystemSpec::RapierPendulum(phys), DataSpec::Pixels(spec)) =
        (&pixel_scene.system, &pixel_scene.data)
    else {
        unreachable!("the pixel scene")
    };
    let pdata = Arc::new(generate(phys, spec)?);
    for backend in backends_for(&dev) {
        for kind in [ModelKind::Hnn, ModelKind::Baseline] {
            let mut t =
                PixelTrainer::with_backend(kind, &pixel_scene, pdata.clone(), &dev, backend)?;
            let ms = median_ms(
                || t.train_step().map(|_| ()).map_err(Into::into),
                5,
                (a.steps / 4).max(1),
            )?;
            let k = key("pixel", kind, backend == default);
            out.insert(format!("{k}_ms"), json!(ms));
            if backend == default {
                let flops = pixel_step_flops(
                    kind,
                    t.arch.input,
                    t.arch.ae_hidden,
                    &t.arch.hidden,
                    t.batch_size,
                );
                // Dense-equivalent work per second (the sparse first layer does less).
                out.insert(format!("{k}_gflops"), json!(flops / (ms * 1e-3) / 1e9));
            }
            if backend == Backend::Fused {
                // The same step with the encoder's first layer dense, side by side.
                t.set_sparse_inputs(false);
                let dense = median_ms(
                    || t.train_step().map(|_| ()).map_err(Into::into),
                    5,
                    (a.steps / 4).max(1),
                )?;
                out.insert(format!("{k}_dense_input_ms"), json!(dense));
            }
        }
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

/// A synthetic scene with the paper's MLP (200-200) and training settings.
fn bench_scene(system: SystemSpec, data: SyntheticSpec, batch: Option<usize>) -> Scene {
    Scene {
        name: "bench".into(),
        system,
        friction: Default::default(),
        data: DataSpec::Synthetic(data),
        model: Default::default(),
        train: TrainSpec {
            batch_size: batch,
            ..Default::default()
        },
        eval: Default::default(),
        view: Default::default(),
        timeline: Default::default(),
        source: Default::default(),
    }
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
