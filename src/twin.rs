//! A learned twin of the pendulum: the latent state a trained pixel model moves forward, with
//! the operations the app applies to it (sync to the truth, kick, add learned energy, swap in
//! new weights). Bevy-free, so it is tested here and the app only calls it.

use std::sync::Arc;

use crate::data::render::{read_pair, RenderSpec};
use crate::integrate::{leapfrog_step, rk4_step};
use crate::nn::{FieldSnapshot, PixelSnapshot};

/// How the twin integrates its latent field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrator {
    Rk4,
    /// Kick–drift–kick; symplectic only for a separable learned H.
    Leapfrog,
}

/// One twin: latent z = (z_q, z_p) of a pixel model, in units where one step is one frame.
#[derive(Clone, Debug)]
pub struct PixelTwin {
    pub model: Arc<PixelSnapshot>,
    pub z: [f64; 2],
    pub integrator: Integrator,
}

impl PixelTwin {
    /// Starts at the encoding of the truth's current frame pair.
    pub fn new(model: Arc<PixelSnapshot>, pair: &[f32]) -> Self {
        let z = model.encode(pair);
        Self {
            model,
            z,
            integrator: Integrator::Rk4,
        }
    }

    /// Re-synchronises with the truth: z = encode(pair).
    pub fn sync(&mut self, pair: &[f32]) {
        self.z = self.model.encode(pair);
    }

    /// New weights mean new latent coordinates, so the twin re-encodes the truth's pair.
    pub fn set_model(&mut self, model: Arc<PixelSnapshot>, pair: &[f32]) {
        self.model = model;
        self.sync(pair);
    }

    /// Moves the latent state forward by `frames` frame intervals (fractional allowed).
    pub fn advance(&mut self, frames: f64) {
        let m = self.model.clone();
        let mut f = |x: &[f64], dx: &mut [f64]| dx.copy_from_slice(&m.field([x[0], x[1]]));
        let mut z = self.z.to_vec();
        match self.integrator {
            Integrator::Rk4 => rk4_step(&mut f, &mut z, frames),
            Integrator::Leapfrog => leapfrog_step(&mut f, &mut z, frames),
        }
        self.z = [z[0], z[1]];
    }

    /// The twin as a frame pair (what it "sees").
    pub fn decode(&self) -> Vec<f32> {
        self.model.decode(self.z)
    }

    /// (θ, ω) read off the decoded pair with the same estimator applied to the truth.
    pub fn read_state(&self, render: &RenderSpec, frame_dt: f64) -> [f64; 2] {
        read_pair(&self.decode(), render, frame_dt)
    }

    /// The learned H at the current state (HNN only).
    pub fn learned_energy(&self) -> Option<f64> {
        self.model.energy(self.z)
    }

    /// A kick as the twin's own encoder sees it: the change the kick made to the encoding of
    /// the truth's frame pair is added to the twin's state, so a twin that had drifted keeps
    /// its drift.
    pub fn kick(&mut self, pair_before: &[f32], pair_after: &[f32]) {
        let (a, b) = (
            self.model.encode(pair_before),
            self.model.encode(pair_after),
        );
        self.z = [self.z[0] + b[0] - a[0], self.z[1] + b[1] - a[1]];
    }

    /// Raises the learned H by `dh` with a step along ∇H (Newton on H(z + s∇H) = H + dh, so
    /// the change is exact, not first order). Returns false for a baseline twin, which has
    /// no H, or where ∇H vanishes.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let Some(h0) = self.learned_energy() else {
            return false;
        };
        let g = self
            .model
            .dynamics
            .mlp
            .value_and_grad(&[self.z[0], self.z[1]])
            .1;
        let n2 = g[0] * g[0] + g[1] * g[1];
        if n2 < 1e-18 {
            return false;
        }
        let dir = [g[0] / n2.sqrt(), g[1] / n2.sqrt()];
        let mut s = dh / n2.sqrt();
        for _ in 0..20 {
            let z = [self.z[0] + s * dir[0], self.z[1] + s * dir[1]];
            let (h, gz) = self.model.dynamics.mlp.value_and_grad(&z);
            let slope = gz[0] * dir[0] + gz[1] * dir[1];
            let miss = h - (h0 + dh);
            if miss.abs() < 1e-12 * (1.0 + h0.abs()) || slope.abs() < 1e-18 {
                break;
            }
            s -= miss / slope;
        }
        self.z = [self.z[0] + s * dir[0], self.z[1] + s * dir[1]];
        true
    }
}

/// A twin of a low-dimensional system: the state (q, p) itself, moved by a learned field in
/// the data's units (the spring, pendulum and real-pendulum scenes).
#[derive(Clone, Debug)]
pub struct FieldTwin {
    pub model: Arc<FieldSnapshot>,
    pub x: [f64; 2],
    pub integrator: Integrator,
}

impl FieldTwin {
    pub fn new(model: Arc<FieldSnapshot>, x: [f64; 2]) -> Self {
        Self {
            model,
            x,
            integrator: Integrator::Rk4,
        }
    }

    /// Moves the state forward by `dt` time units.
    pub fn advance(&mut self, dt: f64) {
        let m = self.model.clone();
        let mut f = |x: &[f64], dx: &mut [f64]| dx.copy_from_slice(&m.field([x[0], x[1]]));
        let mut x = self.x.to_vec();
        match self.integrator {
            Integrator::Rk4 => rk4_step(&mut f, &mut x, dt),
            Integrator::Leapfrog => leapfrog_step(&mut f, &mut x, dt),
        }
        self.x = [x[0], x[1]];
    }

    /// The learned H (HNN only), in data units up to a constant.
    pub fn learned_energy(&self) -> Option<f64> {
        self.model.energy(self.x)
    }
}

#[cfg(test)]
mod tests {
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
        let mut t = FieldTwin::new(Arc::new(snap), [0.6, 0.0]);
        let h0 = t.learned_energy().unwrap();
        for _ in 0..2000 {
            t.advance(0.01);
        }
        assert!((t.learned_energy().unwrap() - h0).abs() < 1e-6 * h0.abs().max(1.0));
        // It also moves: a quarter period of the spring (π/4 in these units) later, q ≈ 0.
        let mut u = FieldTwin::new(t.model.clone(), [0.6, 0.0]);
        for _ in 0..785 {
            u.advance(0.001);
        }
        assert!(u.x[0].abs() < 0.1 && u.x[1].abs() > 0.4, "{:?}", u.x);
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
}
