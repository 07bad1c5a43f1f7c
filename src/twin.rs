//! A learned twin of the pendulum: the latent state a trained pixel model moves forward, with
//! the operations the app applies to it (sync to the truth, kick, add learned energy, swap in
//! new weights). Bevy-free, so it is tested here and the app only calls it.

use std::sync::Arc;

use crate::data::render::{read_pair, RenderSpec};
use crate::integrate::{leapfrog_step, rk4_step};
use crate::nn::{FieldSnapshot, PixelSnapshot};
use crate::truth::Observation;

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

    /// Raises the learned H by `dh` with a step along ∇H (exact, see `raise_along_gradient`).
    /// Returns false for a baseline twin, which has no H, or where ∇H vanishes.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let mlp = &self.model.dynamics.mlp;
        if self.model.kind != crate::nn::ModelKind::Hnn {
            return false;
        }
        let f = |z: [f64; 2]| {
            let (h, g) = mlp.value_and_grad(&z);
            (h, [g[0], g[1]])
        };
        match raise_along_gradient(f, self.z, dh) {
            Some(z) => {
                self.z = z;
                true
            }
            None => false,
        }
    }
}

/// The point z + s∇H/|∇H| where H has risen by exactly `dh` (Newton on s, so the change is
/// exact, not first order). `f` gives H and ∇H; None where ∇H vanishes.
pub fn raise_along_gradient(
    f: impl Fn([f64; 2]) -> (f64, [f64; 2]),
    z0: [f64; 2],
    dh: f64,
) -> Option<[f64; 2]> {
    let (h0, g) = f(z0);
    let n = g[0].hypot(g[1]);
    if n < 1e-9 {
        return None;
    }
    let dir = [g[0] / n, g[1] / n];
    let at = |s: f64| [z0[0] + s * dir[0], z0[1] + s * dir[1]];
    let mut s = dh / n;
    for _ in 0..30 {
        let (h, gz) = f(at(s));
        let slope = gz[0] * dir[0] + gz[1] * dir[1];
        let miss = h - (h0 + dh);
        if miss.abs() < 1e-12 * (1.0 + h0.abs()) || slope.abs() < 1e-18 {
            break;
        }
        s -= miss / slope;
    }
    Some(at(s))
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

    /// Raises the learned H by `dh` along its gradient (central differences: the snapshot
    /// works in data units through the input scaling). False for a baseline.
    pub fn add_energy(&mut self, dh: f64) -> bool {
        let m = &self.model;
        if m.energy(self.x).is_none() {
            return false;
        }
        let f = |x: [f64; 2]| {
            let h = |y: [f64; 2]| m.energy(y).unwrap_or(0.0);
            let e = 1e-6 * (1.0 + x[0].abs().max(x[1].abs()));
            let g = [
                (h([x[0] + e, x[1]]) - h([x[0] - e, x[1]])) / (2.0 * e),
                (h([x[0], x[1] + e]) - h([x[0], x[1] - e])) / (2.0 * e),
            ];
            (h(x), g)
        };
        match raise_along_gradient(f, self.x, dh) {
            Some(x) => {
                self.x = x;
                true
            }
            None => false,
        }
    }
}

/// A model's weights as the app passes them around (they arrive from the training thread).
#[derive(Clone, Debug)]
pub enum TwinWeights {
    Pixel(Arc<PixelSnapshot>),
    Field(Arc<FieldSnapshot>),
}

impl TwinWeights {
    /// The learned dynamics, for portraits.
    pub fn field(&self) -> Arc<dyn crate::nn::LearnedField> {
        match self {
            TwinWeights::Pixel(w) => w.clone(),
            TwinWeights::Field(w) => w.clone(),
        }
    }
    /// Same weights (not merely equal ones).
    pub fn same(&self, other: &TwinWeights) -> bool {
        match (self, other) {
            (TwinWeights::Pixel(a), TwinWeights::Pixel(b)) => Arc::ptr_eq(a, b),
            (TwinWeights::Field(a), TwinWeights::Field(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Either kind of twin, driven the same way by the app.
#[derive(Clone, Debug)]
pub enum Twin {
    Pixel(PixelTwin),
    Field(FieldTwin),
}

impl Twin {
    /// A twin of these weights at the observed state; None if they do not fit the observation
    /// (pixel weights for a (q, p) scene or the reverse).
    pub fn new(weights: TwinWeights, obs: &Observation) -> Option<Self> {
        match (weights, obs) {
            (TwinWeights::Pixel(w), Observation::Pair(p)) => {
                Some(Twin::Pixel(PixelTwin::new(w, p)))
            }
            (TwinWeights::Field(w), Observation::State(x)) => {
                Some(Twin::Field(FieldTwin::new(w, *x)))
            }
            _ => None,
        }
    }

    /// New weights; the twin re-syncs to the observation (pixel latents change meaning with
    /// the weights; a (q, p) twin keeps its state).
    pub fn set_weights(&mut self, weights: TwinWeights, obs: &Observation) {
        match (self, weights, obs) {
            (Twin::Pixel(t), TwinWeights::Pixel(w), Observation::Pair(p)) => t.set_model(w, p),
            (Twin::Field(t), TwinWeights::Field(w), _) => t.model = w,
            _ => {}
        }
    }

    pub fn weights(&self) -> TwinWeights {
        match self {
            Twin::Pixel(t) => TwinWeights::Pixel(t.model.clone()),
            Twin::Field(t) => TwinWeights::Field(t.model.clone()),
        }
    }

    /// Moves forward by `amount`: frame intervals (pixel) or seconds (field).
    pub fn advance(&mut self, amount: f64) {
        match self {
            Twin::Pixel(t) => t.advance(amount),
            Twin::Field(t) => t.advance(amount),
        }
    }

    pub fn sync(&mut self, obs: &Observation) {
        match (self, obs) {
            (Twin::Pixel(t), Observation::Pair(p)) => t.sync(p),
            (Twin::Field(t), Observation::State(x)) => t.x = *x,
            _ => {}
        }
    }

    /// The kick as the twin sees it: the change it makes to the twin's encoding of the truth
    /// (for a (q, p) twin, the change of state itself) is added to the twin's state.
    pub fn kick(&mut self, before: &Observation, after: &Observation) {
        match (self, before, after) {
            (Twin::Pixel(t), Observation::Pair(a), Observation::Pair(b)) => t.kick(a, b),
            (Twin::Field(t), Observation::State(a), Observation::State(b)) => {
                t.x = [t.x[0] + b[0] - a[0], t.x[1] + b[1] - a[1]];
            }
            _ => {}
        }
    }

    pub fn add_energy(&mut self, dh: f64) -> bool {
        match self {
            Twin::Pixel(t) => t.add_energy(dh),
            Twin::Field(t) => t.add_energy(dh),
        }
    }

    pub fn learned_energy(&self) -> Option<f64> {
        match self {
            Twin::Pixel(t) => t.learned_energy(),
            Twin::Field(t) => t.learned_energy(),
        }
    }

    /// The state the twin integrates: latent z, or (q, p).
    pub fn state(&self) -> [f64; 2] {
        match self {
            Twin::Pixel(t) => t.z,
            Twin::Field(t) => t.x,
        }
    }

    pub fn set_integrator(&mut self, i: Integrator) {
        match self {
            Twin::Pixel(t) => t.integrator = i,
            Twin::Field(t) => t.integrator = i,
        }
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
    fn field_twin_add_energy_is_exact_despite_the_finite_difference_gradient() {
        use crate::train::load_snapshot;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let scene = crate::scene::Scene::load(&root.join("scenes/spring.ron")).unwrap();
        let (snap, _) = load_snapshot(&root.join("models/spring"), ModelKind::Hnn, &scene).unwrap();
        let mut t = Twin::new(
            TwinWeights::Field(Arc::new(snap)),
            &Observation::State([0.4, -0.2]),
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
}
