//! The models shipped in `models/` reproduce the paper's qualitative result: the HNN's energy
//! error is far below the baseline's, at comparable derivative losses.

use std::path::Path;

use hnn_lab::data::load_dataset;
use hnn_lab::eval::evaluate;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;
use hnn_lab::train::load_snapshot;

fn metrics(name: &str) -> (hnn_lab::eval::ModelMetrics, hnn_lab::eval::ModelMetrics) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = Scene::load(&root.join(format!("scenes/{name}.ron"))).unwrap();
    let data = load_dataset(&scene, None).unwrap();
    let dir = root.join("models").join(name);
    let (b, wb) = load_snapshot(&dir, ModelKind::Baseline, &scene).unwrap();
    let (h, wh) = load_snapshot(&dir, ModelKind::Hnn, &scene).unwrap();
    assert!(
        wb.is_none() && wh.is_none(),
        "shipped models are stale: retrain with `hnn-lab table --retrain`"
    );
    (
        evaluate(&scene, &data, &b).unwrap(),
        evaluate(&scene, &data, &h).unwrap(),
    )
}

#[test]
fn spring_hnn_conserves_energy_baseline_does_not() {
    let (b, h) = metrics("spring");
    // Noise σ = 0.1 on q and p bounds the achievable loss near the paper's 0.037.
    for m in [&b, &h] {
        assert!((0.02..0.06).contains(&m.test_loss), "{m:?}");
    }
    assert!(
        h.energy_mse * 100.0 < b.energy_mse,
        "hnn {h:?} vs baseline {b:?}"
    );
}

#[test]
fn real_pendulum_hnn_energy_error_an_order_below_baseline() {
    let (b, h) = metrics("real_pendulum");
    assert!(
        h.energy_mse * 10.0 < b.energy_mse,
        "hnn {h:?} vs baseline {b:?}"
    );
}

/// Task 5: decoded HNN rollouts keep the energy read off the frames at least 10× closer to
/// the truth than the baseline's, and stay closer to the true frames at 50 frames.
#[test]
fn pixel_hnn_energy_error_an_order_below_baseline() {
    use hnn_lab::data::pixel_cache::{cache_dir, load_or_generate};
    use hnn_lab::eval::pixel::rollout_metrics;
    use hnn_lab::scene::{DataSpec, SystemSpec};
    use hnn_lab::train::load_pixel_model;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = Scene::load(&root.join("scenes/pixel_pendulum.ron")).unwrap();
    let (SystemSpec::RapierPendulum(phys), DataSpec::Pixels(spec)) = (&scene.system, &scene.data)
    else {
        unreachable!()
    };
    let data = load_or_generate(phys, spec, &cache_dir()).unwrap();
    let dir = root.join("models/pixel_pendulum");
    let dev = candle_core::Device::Cpu;
    let (_, b, wb) = load_pixel_model(&dir, ModelKind::Baseline, &scene, &dev).unwrap();
    let (_, h, wh) = load_pixel_model(&dir, ModelKind::Hnn, &scene, &dev).unwrap();
    assert!(
        wb.is_none() && wh.is_none(),
        "shipped pixel models are stale: retrain them"
    );
    let (eb, pb, _) = rollout_metrics(&b, &data, phys);
    let (eh, ph, _) = rollout_metrics(&h, &data, phys);
    assert!(
        eh.mean * 10.0 < eb.mean,
        "energy MSE hnn {eh:?} vs baseline {eb:?}"
    );
    assert!(
        ph[1] < pb[1],
        "pixel MSE at 50 frames: hnn {} vs baseline {}",
        ph[1],
        pb[1]
    );
}

/// Training on from the shipped pixel models (the app's Start button) keeps them near their
/// optimum: the learning-rate warm-up after loading stops a fresh Adam from knocking the
/// trained weights off it.
#[test]
fn training_on_from_the_shipped_pixel_models_keeps_their_losses() {
    use hnn_lab::data::pixel::generate;
    use hnn_lab::scene::{DataSpec, SystemSpec};
    use hnn_lab::train::{load_pixel_tensors, PixelTrainer};
    use std::sync::Arc;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = Scene::load(&root.join("scenes/pixel_pendulum.ron")).unwrap();
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    // A slice of the scene's trials is enough to see a jolt.
    let spec = hnn_lab::data::PixelDataSpec {
        trials: 20,
        ..d.clone()
    };
    let data = Arc::new(generate(p, &spec).unwrap());
    let mut t = PixelTrainer::new(ModelKind::Hnn, &scene, data, &candle_core::Device::Cpu).unwrap();
    let (tensors, _) =
        load_pixel_tensors(&root.join("models/pixel_pendulum"), ModelKind::Hnn, &scene).unwrap();
    t.load_tensors(&tensors).unwrap();
    let losses: Vec<f64> = (0..40).map(|_| t.train_step().unwrap().total).collect();
    let first = losses[0];
    let worst = losses.iter().copied().fold(0.0, f64::max);
    eprintln!("first {first:.3e}, worst {worst:.3e}");
    assert!(
        worst < 2.0 * first,
        "losses jumped from {first:.3e} to {worst:.3e}"
    );
}

/// The paper's Task 4: the HNN's losses and energy error below the baseline's.
#[test]
fn two_body_hnn_below_baseline() {
    let (b, h) = metrics("two_body");
    assert!(
        h.train_loss < b.train_loss && h.test_loss < b.test_loss,
        "{h:?} vs {b:?}"
    );
    assert!(h.energy_mse < b.energy_mse, "hnn {h:?} vs baseline {b:?}");
    assert!(h.vpt > b.vpt, "hnn {h:?} vs baseline {b:?}");
}

/// The double pendulum, ideal and rapier's: the HNN keeps the energy two orders of magnitude
/// better than the baseline; both lose the chaotic path early (VPT reported, below 0.2).
#[test]
fn double_pendulum_hnn_keeps_the_energy() {
    for name in ["double_pendulum", "rapier_double_pendulum"] {
        let (b, h) = metrics(name);
        assert!(
            h.energy_mse * 100.0 < b.energy_mse,
            "{name}: hnn {h:?} vs baseline {b:?}"
        );
        for m in [&b, &h] {
            assert!(m.vpt.is_finite() && m.vpt < 0.2, "{name}: {m:?}");
        }
    }
}

/// Every model shipped in `models/<scene>/` was trained from its scene as it reads today
/// (same hash): adding friction, grids and the D-HNN changed no frictionless scene's canonical
/// form, so no shipped model went stale. Each stored model loads without a warning.
#[test]
fn every_shipped_model_matches_its_scene() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("scenes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let scene = Scene::load(&path).unwrap();
        let dir = root.join("models").join(&scene.name);
        let pixel = matches!(scene.data, hnn_lab::scene::DataSpec::Pixels(_));
        for kind in ModelKind::ALL {
            if !dir.join(format!("{}.safetensors", kind.name())).exists() {
                continue;
            }
            let warning = if pixel {
                let dev = candle_core::Device::Cpu;
                hnn_lab::train::load_pixel_model(&dir, kind, &scene, &dev)
                    .unwrap()
                    .2
            } else {
                load_snapshot(&dir, kind, &scene).unwrap().1
            };
            assert!(warning.is_none(), "{}: {warning:?}", path.display());
            checked += 1;
        }
        // Every model the scene names is shipped.
        for kind in &scene.model.kinds {
            assert!(
                dir.join(format!("{}.safetensors", kind.name())).exists(),
                "{}: no shipped {} model",
                path.display(),
                kind.name()
            );
        }
    }
    assert!(checked >= 20, "{checked} models checked");
}
