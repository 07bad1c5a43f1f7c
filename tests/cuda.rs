//! Checks of the CUDA path, compiled only with `--features cuda` and run on a GPU machine:
//! the candle trainer on the GPU follows the same steps as on the CPU.
#![cfg(feature = "cuda")]

use std::sync::Arc;

use candle_core::Device;
use hnn_lab::data::{pixel::generate, synthetic_dataset};
use hnn_lab::nn::ModelKind;
use hnn_lab::physics::Spring;
use hnn_lab::scene::{DataSpec, Scene, SystemSpec};
use hnn_lab::train::{Backend, PixelTrainer, Trainer};

fn gpu() -> Device {
    Device::new_cuda(0).expect("a CUDA device")
}

#[test]
fn spring_training_on_gpu_tracks_cpu() {
    let scene: Scene =
        ron::from_str(r#"Scene(name: "s", system: Spring(k: 1.0, m: 1.0), data: Synthetic(()))"#)
            .unwrap();
    let DataSpec::Synthetic(spec) = &scene.data else {
        unreachable!()
    };
    let data = synthetic_dataset(&Spring::default(), spec);
    for kind in [ModelKind::Hnn, ModelKind::Baseline] {
        let mut cpu =
            Trainer::with_backend(kind, &scene, &data, &Device::Cpu, Backend::Candle).unwrap();
        let mut gpu = Trainer::with_backend(kind, &scene, &data, &gpu(), Backend::Candle).unwrap();
        let (mut a, mut b) = (0.0, 0.0);
        for _ in 0..200 {
            a = cpu.train_step().unwrap();
            b = gpu.train_step().unwrap();
        }
        assert!(
            (a - b).abs() < 1e-3 * a.abs().max(1e-3),
            "{kind:?}: cpu {a} gpu {b}"
        );
    }
}

#[test]
fn pixel_training_on_gpu_tracks_cpu() {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "p", system: RapierPendulum(()), data: Pixels((trials: 6, steps: 20)),
           train: (batch_size: Some(64), weight_decay: 1e-5))"#,
    )
    .unwrap();
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    let data = Arc::new(generate(p, d).unwrap());
    let mut cpu = PixelTrainer::new(ModelKind::Hnn, &scene, data.clone(), &Device::Cpu).unwrap();
    let mut gpu = PixelTrainer::new(ModelKind::Hnn, &scene, data, &gpu()).unwrap();
    let (mut a, mut b) = (Default::default(), Default::default());
    for _ in 0..30 {
        a = cpu.train_step().unwrap();
        b = gpu.train_step().unwrap();
    }
    let (a, b): (hnn_lab::train::LossValues, hnn_lab::train::LossValues) = (a, b);
    assert!(
        (a.total - b.total).abs() < 1e-2 * a.total,
        "cpu {a:?} gpu {b:?}"
    );
}
