//! Tests of the twins.
use super::*;
use crate::data::pixel::generate;
use crate::data::PixelDataSpec;
use crate::nn::{named_tensors, ModelKind, PixelModel};
use crate::physics::RapierSpec;
use crate::rng::Rng;
use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};

fn model(kind: ModelKind) -> Arc<PixelSnapshot> {
    let mut vm = VarMap::new();
    let vb = VarBuilder::from_varmap(&vm, DType::F32, &Device::Cpu);
    PixelModel::new(kind, &mut vm, vb, 1568, 32, &[16, 16], &mut Rng::new(1)).unwrap();
    Arc::new(PixelSnapshot::from_tensors(kind, &named_tensors(&vm)).unwrap())
}

fn pairs() -> Vec<Vec<f32>> {
    let d = generate(
        &RapierSpec::default(),
        &PixelDataSpec {
            trials: 1,
            steps: 6,
            ..Default::default()
        },
    )
    .unwrap();
    (0..4).map(|i| d.pair(0, i).to_vec()).collect()
}

#[test]
fn add_energy_raises_the_learned_h_by_the_amount_asked() {
    let p = pairs();
    let mut t = PixelTwin::new(model(ModelKind::Hnn), &p[0]);
    let h0 = t.learned_energy().unwrap();
    assert!(t.add_energy(0.05));
    assert!((t.learned_energy().unwrap() - h0 - 0.05).abs() < 1e-9);
    let mut b = PixelTwin::new(model(ModelKind::Baseline), &p[0]);
    assert!(!b.add_energy(0.05) && b.learned_energy().is_none());
}

#[test]
fn hnn_twin_keeps_its_learned_energy_and_steps_compose() {
    let p = pairs();
    let mut t = PixelTwin::new(model(ModelKind::Hnn), &p[0]);
    let h0 = t.learned_energy().unwrap();
    for _ in 0..200 {
        t.advance(0.25);
    }
    assert!((t.learned_energy().unwrap() - h0).abs() < 1e-4 * (1.0 + h0.abs()));
    let mut a = PixelTwin::new(t.model.clone(), &p[0]);
    let mut b = a.clone();
    a.advance(1.0);
    b.advance(0.5);
    b.advance(0.5);
    assert!((a.z[0] - b.z[0]).abs() < 1e-4 && (a.z[1] - b.z[1]).abs() < 1e-4);
}

#[test]
fn field_twin_of_the_shipped_spring_hnn_keeps_its_energy() {
    use crate::train::load_snapshot;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = crate::scene::Scene::load(&root.join("scenes/spring.ron")).unwrap();
    let (snap, _) = load_snapshot(&root.join("models/spring"), ModelKind::Hnn, &scene).unwrap();
    let mut t = FieldTwin::new(Arc::new(snap), vec![0.6, 0.0]);
    let h0 = t.learned_energy().unwrap();
    for _ in 0..2000 {
        t.advance(0.01);
    }
    assert!((t.learned_energy().unwrap() - h0).abs() < 1e-6 * h0.abs().max(1.0));
    // It also moves: a quarter period of the spring (π/4 in these units) later, q ≈ 0.
    let mut u = FieldTwin::new(t.model.clone(), vec![0.6, 0.0]);
    for _ in 0..785 {
        u.advance(0.001);
    }
    assert!(u.x[0].abs() < 0.1 && u.x[1].abs() > 0.4, "{:?}", u.x);
}

#[test]
fn field_twin_add_energy_is_exact() {
    use crate::train::load_snapshot;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scene = crate::scene::Scene::load(&root.join("scenes/spring.ron")).unwrap();
    let (snap, _) = load_snapshot(&root.join("models/spring"), ModelKind::Hnn, &scene).unwrap();
    let mut t = Twin::new(
        TwinWeights::Field(Arc::new(snap)),
        &Observation::State(vec![0.4, -0.2]),
    )
    .unwrap();
    let h0 = t.learned_energy().unwrap();
    assert!(t.add_energy(0.1));
    assert!((t.learned_energy().unwrap() - h0 - 0.1).abs() < 1e-9);
    // A twin does not take weights of the other kind.
    assert!(Twin::new(t.weights(), &Observation::Pair(vec![0.0; 1568])).is_none());
}

#[test]
fn kick_adds_the_encoding_change_and_sync_resets() {
    let p = pairs();
    let m = model(ModelKind::Hnn);
    let mut t = PixelTwin::new(m.clone(), &p[0]);
    t.advance(3.0); // drift away from the truth
    let before = t.z;
    t.kick(&p[1], &p[3]);
    let (e1, e3) = (m.encode(&p[1]), m.encode(&p[3]));
    assert!((t.z[0] - before[0] - (e3[0] - e1[0])).abs() < 1e-9);
    t.sync(&p[2]);
    assert_eq!(t.z, m.encode(&p[2]));
    assert_eq!(t.decode().len(), 1568);
}

/// A pixel D-HNN twin follows a new friction by its latent ∇D: at scale k its field is
/// J∇H + k∇D (so the change from the trained field is (k − 1)∇D, and k = 0 leaves the
/// conservative part alone); the latent state is kept, and new weights keep the scale.
#[test]
fn pixel_dhnn_twin_scales_its_latent_dissipation() {
    let p = pairs();
    let m = model(ModelKind::Dhnn);
    let mut t = PixelTwin::new(m.clone(), &p[0]);
    let z = t.z;
    let f1 = t.model.field(z);
    t.set_dissipation_scale(0.0);
    let f0 = t.model.field(z);
    t.set_dissipation_scale(3.0);
    let f3 = t.model.field(z);
    assert_eq!(t.z, z, "the state is kept");
    let grad_d = [f1[0] - f0[0], f1[1] - f0[1]];
    assert!(grad_d.iter().any(|v| v.abs() > 1e-9), "∇D is not zero");
    for k in 0..2 {
        assert!(
            (f3[k] - (f0[k] + 3.0 * grad_d[k])).abs() < 1e-9,
            "{f3:?} vs {f0:?} + 3·{grad_d:?}"
        );
    }
    t.set_model(m.clone(), &p[1]);
    let want = m.dynamics.with_dissipation_scaled(3.0).field(&t.z);
    assert_eq!(
        t.model.field(t.z).to_vec(),
        want,
        "new weights keep the scale"
    );
    let mut hnn = PixelTwin::new(model(ModelKind::Hnn), &p[0]);
    let before = hnn.model.field(hnn.z);
    hnn.set_dissipation_scale(3.0);
    assert_eq!(hnn.model.field(hnn.z), before, "an HNN has no ∇D to scale");
}
