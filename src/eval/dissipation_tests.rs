//! The D-HNN on D-HNN's own damped spring, trained briefly: it learns the friction an HNN
//! cannot represent. Numbers from the shipped scene, trained here from its seed.

use std::path::Path;

use candle_core::Device;

use super::{evaluate, ModelMetrics};
use crate::data::load_dataset;
use crate::nn::ModelKind;
use crate::scene::Scene;
use crate::train::{Backend, Trainer};

fn scene() -> Scene {
    let mut s =
        Scene::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/damped_spring.ron"))
            .unwrap();
    // A shorter run than the scene's 5000 steps (enough to separate the kinds).
    s.train.steps = 1500;
    s.model.hidden = vec![64, 64];
    s
}

fn trained(kind: ModelKind, scene: &Scene, backend: Backend) -> (Trainer, ModelMetrics) {
    let data = load_dataset(scene, None).unwrap();
    let mut t = Trainer::with_backend(kind, scene, &data, &Device::Cpu, backend).unwrap();
    for _ in 0..scene.train.steps {
        t.train_step().unwrap();
    }
    let m = evaluate(scene, &data, &t.snapshot().unwrap()).unwrap();
    (t, m)
}

/// The D-HNN follows the damped rollout; the HNN, which conserves its own H, cannot (the
/// reference notebook: state MSE HNN 0.29, D-HNN 3.6e-6; seen here after 1500 steps of a
/// 64-64 network: HNN 0.26, D-HNN 2.9e-5, baseline 4.2e-5). Its learned power ∇H·∇D tracks
/// the true −ρq² while the HNN's is zero.
#[test]
fn dhnn_learns_the_damped_spring_an_hnn_cannot() {
    let scene = scene();
    let (_, d) = trained(ModelKind::Dhnn, &scene, Backend::Fused);
    let (_, h) = trained(ModelKind::Hnn, &scene, Backend::Fused);
    let (_, b) = trained(ModelKind::Baseline, &scene, Backend::Fused);
    assert!(
        h.state_mse > 0.05,
        "the HNN cannot follow a damped spring: {}",
        h.state_mse
    );
    assert!(
        d.state_mse < 1e-2 * h.state_mse,
        "D-HNN {} vs HNN {}",
        d.state_mse,
        h.state_mse
    );
    assert!(b.state_mse < 0.1 * h.state_mse, "baseline {}", b.state_mse);
    let (dp, hp) = (d.learned_power_mse.unwrap(), h.learned_power_mse.unwrap());
    // The split is unique only up to a harmonic part, so the learned power is looser than the
    // field (seen: 0.0058 against the HNN's 0.29 at this length of training).
    assert!(
        dp < 0.05 * hp,
        "learned power error: D-HNN {dp} vs HNN {hp}"
    );
    assert!(b.learned_power_mse.is_none());
    // Every kind has a field power error; the HNN's field conserves its own H, not the
    // truth's, so its field power is wrong as well.
    assert!(d.power_mse.unwrap() < 1e-2 * h.power_mse.unwrap());
}

/// The fused trainer and candle's autograd take the same D-HNN steps (f32 round-off).
#[test]
fn dhnn_backends_agree() {
    let mut scene = scene();
    scene.train.steps = 20;
    let (tf, _) = trained(ModelKind::Dhnn, &scene, Backend::Fused);
    let (tc, _) = trained(ModelKind::Dhnn, &scene, Backend::Candle);
    let (a, b) = (tf.snapshot().unwrap(), tc.snapshot().unwrap());
    let pairs = [
        (&a.mlp, &b.mlp),
        (
            a.dissipation.as_ref().unwrap(),
            b.dissipation.as_ref().unwrap(),
        ),
    ];
    for (x, y) in pairs {
        for (wx, wy) in x.w.iter().zip(&y.w) {
            for (u, v) in wx.iter().zip(wy) {
                assert!((u - v).abs() < 2e-4, "{u} vs {v}");
            }
        }
    }
    // And their saved tensors carry both networks under the same names.
    let (nf, nc) = (tf.tensors().unwrap(), tc.tensors().unwrap());
    let mut kf: Vec<_> = nf.keys().collect();
    let mut kc: Vec<_> = nc.keys().collect();
    kf.sort();
    kc.sort();
    assert_eq!(kf, kc);
    assert!(nf.contains_key("d.l0.weight"));
}
