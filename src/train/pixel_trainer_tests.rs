//! Tests of the pixel trainer: determinism, reset, saving and loading, continuing from a
//! snapshot.
use super::*;
use crate::data::pixel::generate;
use crate::scene::{DataSpec, SystemSpec};
use crate::train::{load_pixel_model, save_pixel_model, ModelMeta};

fn setup() -> (Scene, Arc<PixelDataset>) {
    let scene: Scene = ron::from_str(
        r#"Scene(name: "tinypix", system: RapierPendulum(()), data: Pixels((trials: 4, steps: 8)),
           model: (hidden: [16, 16], ae_hidden: 32), train: (steps: 5, batch_size: Some(8), weight_decay: 1e-5))"#,
    )
    .unwrap();
    let (SystemSpec::RapierPendulum(p), DataSpec::Pixels(d)) = (&scene.system, &scene.data) else {
        unreachable!()
    };
    let data = Arc::new(generate(p, d).unwrap());
    (scene, data)
}

#[test]
fn same_seed_same_model_and_losses_fall() {
    let (scene, data) = setup();
    let run = |steps: usize| {
        let mut t = PixelTrainer::new(ModelKind::Hnn, &scene, data.clone(), &Device::Cpu).unwrap();
        let first = t.test_losses(usize::MAX).unwrap();
        for _ in 0..steps {
            t.train_step().unwrap();
        }
        (
            t.snapshot().unwrap(),
            first,
            t.test_losses(usize::MAX).unwrap(),
        )
    };
    let (a, _, _) = run(3);
    let (b, _, _) = run(3);
    assert_eq!(a, b, "same seed, same weights");
    let (initial, _, _) = run(0);
    let mut t = PixelTrainer::new(ModelKind::Hnn, &scene, data.clone(), &Device::Cpu).unwrap();
    t.train_step().unwrap();
    assert_ne!(t.snapshot().unwrap(), initial);
    t.reset().unwrap();
    assert_eq!(
        (t.snapshot().unwrap(), t.step),
        (initial, 0),
        "reset trains from scratch"
    );
    let (_, before, after) = run(150);
    assert!(
        after.ae < 0.5 * before.ae,
        "reconstruction {} -> {}",
        before.ae,
        after.ae
    );
}

/// A D-HNN (two latent networks, `dynamics.d.*` for D) saved and read back is the same
/// model; a scene of another architecture rejects it, naming the tensor.
#[test]
fn save_load_round_trip() {
    let (scene, data) = setup();
    let mut t = PixelTrainer::new(ModelKind::Dhnn, &scene, data, &Device::Cpu).unwrap();
    t.train_step().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let meta = ModelMeta {
        sizes: vec![],
        scaling: Default::default(),
        steps: 1,
        seed: 0,
        final_train_loss: 0.0,
        final_test_loss: 0.0,
        train_seconds: 0.0,
        device: "cpu".into(),
        pixel: None,
    };
    save_pixel_model(dir.path(), &scene, &t, meta).unwrap();
    let (_, snap, warn) =
        load_pixel_model(dir.path(), ModelKind::Dhnn, &scene, &Device::Cpu).unwrap();
    assert!(warn.is_none());
    assert_eq!(snap, t.snapshot().unwrap());
    // A scene asking for another width rejects the file, naming the tensor.
    let mut wider = scene.clone();
    wider.model.ae_hidden = 48;
    let e = load_pixel_model(dir.path(), ModelKind::Dhnn, &wider, &Device::Cpu)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("ae.encoder.l0.weight") && e.contains("shape"),
        "{e}"
    );
}

#[test]
fn a_snapshot_turned_back_into_tensors_continues_the_same_model() {
    let (scene, data) = setup();
    for kind in ModelKind::ALL {
        let mut a = PixelTrainer::new(kind, &scene, data.clone(), &Device::Cpu).unwrap();
        for _ in 0..3 {
            a.train_step().unwrap();
        }
        let snap = a.snapshot().unwrap();
        let tensors = snap.to_tensors().unwrap();
        assert_eq!(
            crate::nn::PixelSnapshot::from_tensors(kind, &tensors).unwrap(),
            // f64 dynamics weights went through f32 (as they are trained)
            crate::nn::PixelSnapshot::from_tensors(
                kind,
                &crate::nn::named_tensors(a.synced_varmap().unwrap())
            )
            .unwrap()
        );
        let mut b = PixelTrainer::new(kind, &scene, data.clone(), &Device::Cpu).unwrap();
        b.load_tensors(&tensors).unwrap();
        assert_eq!(b.snapshot().unwrap(), snap, "{kind:?}");
    }
}
