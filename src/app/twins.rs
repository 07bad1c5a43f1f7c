//! The learned twins: each runs its own state with the current weights, one RK4 step per
//! truth step, and is read the way the truth is read. A pixel twin is decoded to frames and
//! its angle and velocity estimated from them; a (q, p) twin is its state.

use bevy::prelude::*;

use super::lab::{Lab, ModelStatus};
use super::per_model::PerModel;
use super::sim::Truth;
use super::spine::{PostStep, SimStep};
use crate::data::render::{estimate_angle, read_pair};
use crate::nn::ModelKind;
use crate::truth::Observation;
use crate::twin::{Integrator, Twin, TwinWeights};

/// One twin per model of the scene; `None` until weights exist (loaded or trained).
#[derive(Resource, Default)]
pub struct Twins(pub PerModel<Option<Twin>>);

/// What a twin shows this frame.
#[derive(Clone, Debug, Default)]
pub struct Readout {
    /// The decoded frame pair (pixel twins; the second frame is "now").
    pub pair: Vec<f32>,
    /// The coordinates to draw now: the angle(s), a displacement or the bodies' positions
    /// (None: the decoder drew nothing readable).
    pub q_now: Option<Vec<f64>>,
    /// (θ, ω) read off the decoded pair with the estimator used on the truth, or the state.
    pub state: Vec<f64>,
    /// The true energy of that state (J, or the scene's H units).
    pub energy: f64,
    /// (kinetic, potential) parts of `energy`.
    pub parts: (f64, f64),
    /// The learned H (HNN only): latent or data units.
    pub learned: Option<f64>,
    /// The state the twin integrates (latent z, or (q₁…qₙ, p₁…pₙ)).
    pub z: Vec<f64>,
}

/// Per model, refreshed once per rendered frame (after the fixed steps).
#[derive(Resource, Default)]
pub struct Readouts(pub PerModel<Option<Readout>>);

/// The truth's latest observation, made once per frame (what the views show).
#[derive(Resource)]
pub struct Observed(pub Observation);

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    let obs = app.world().resource::<Truth>().0.observe();
    let twins = Twins(lab.shipped.map(|_, s| match s {
        ModelStatus::Loaded { weights, .. } => Twin::new(weights.clone(), &obs),
        ModelStatus::Unavailable(_) | ModelStatus::Loading { .. } => None,
    }));
    app.insert_resource(twins)
        .init_resource::<TwinIntegration>()
        .insert_resource(Readouts(PerModel::from_fn(lab.kinds(), |_| None)))
        .insert_resource(Observed(obs))
        .add_systems(FixedUpdate, step_twins.in_set(SimStep::Twins))
        .add_systems(PostUpdate, read_twins.in_set(PostStep::ReadTwins));
}

/// How the twins integrate: the integrator, and how many physics steps one twin step spans
/// (1: a step per truth step; larger steps show how each integrator copes).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct TwinIntegration {
    pub integrator: Integrator,
    pub every: u32,
    /// Physics steps since the last twin step.
    pub count: u32,
}

impl Default for TwinIntegration {
    fn default() -> Self {
        Self {
            integrator: Integrator::Rk4,
            every: 1,
            count: 0,
        }
    }
}

/// The twin steps on offer (physics steps per twin step).
pub const TWIN_STEPS: [u32; 6] = [1, 2, 3, 6, 12, 24];

fn step_twins(mut twins: ResMut<Twins>, truth: Res<Truth>, mut cfg: ResMut<TwinIntegration>) {
    cfg.count += 1;
    if cfg.count < cfg.every {
        return;
    }
    cfg.count = 0;
    let amount = truth.0.twin_step() * cfg.every as f64;
    for t in twins.0.iter_mut().flatten() {
        t.set_integrator(cfg.integrator);
        t.advance(amount);
    }
}

pub(super) fn read_twins(
    twins: Res<Twins>,
    truth: Res<Truth>,
    lab: Res<Lab>,
    mut out: ResMut<Readouts>,
    mut observed: ResMut<Observed>,
) {
    observed.0 = truth.0.observe();
    for (i, t) in twins.0.each() {
        let Some(slot) = out.0.get_mut(i) else {
            continue;
        };
        *slot = t.as_ref().map(|t| {
            let (pair, q_now, state) = match (t, lab.pixels()) {
                (Twin::Pixel(p), Some((_, data))) => {
                    let pair = p.decode();
                    let n = data.render.pixels();
                    let state = read_pair(&pair, &data.render, data.frame_dt).to_vec();
                    let now = estimate_angle(&pair[n..], &data.render).map(|q| vec![q]);
                    (pair, now, state)
                }
                _ => {
                    let x = t.state();
                    (vec![], Some(x[..x.len() / 2].to_vec()), x)
                }
            };
            let parts = truth.0.parts(&state);
            Readout {
                pair,
                q_now,
                state,
                energy: parts.0 + parts.1,
                parts,
                learned: t.learned_energy(),
                z: t.state(),
            }
        });
    }
}

/// Puts new weights into a twin (creating it if it had none).
pub fn swap_weights(twins: &mut Twins, kind: ModelKind, weights: TwinWeights, obs: &Observation) {
    match &mut twins.0[kind] {
        Some(t) => t.set_weights(weights, obs),
        None => twins.0[kind] = Twin::new(weights, obs),
    }
}
