//! The learned twins: each runs its own latent state with the current weights, one RK4 step
//! per physics step (a 1/k frame interval), and is read the way the truth is read: decoded to
//! frames, its angle and velocity estimated from them.

use std::sync::Arc;

use bevy::prelude::*;

use super::lab::{Lab, ModelStatus};
use super::sim::{SimStep, Truth};
use crate::data::render::{estimate_angle, read_pair};
use crate::nn::PixelSnapshot;
use crate::twin::PixelTwin;

/// One twin per `KINDS` slot; `None` until weights exist (loaded or trained).
#[derive(Resource, Default)]
pub struct Twins(pub [Option<PixelTwin>; 2]);

/// What a twin shows this frame.
#[derive(Clone, Debug, Default)]
pub struct Readout {
    /// The decoded frame pair (the second frame is "now").
    pub pair: Vec<f32>,
    /// Angle of the decoded latest frame (None: the decoder drew nothing readable).
    pub theta_now: Option<f64>,
    /// (θ, ω) read off the decoded pair with the estimator used on the truth.
    pub state: [f64; 2],
    /// Physical energy of that reading (J).
    pub energy: f64,
    /// The learned H (HNN only), latent units.
    pub learned: Option<f64>,
    pub z: [f64; 2],
}

/// Per `KINDS` slot, refreshed once per rendered frame (after the fixed steps).
#[derive(Resource, Default)]
pub struct Readouts(pub [Option<Readout>; 2]);

/// The truth's latest observed frame pair, rendered once per frame (what the views show).
#[derive(Resource, Default)]
pub struct Observed(pub Vec<f32>);

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    let pair = app.world().resource::<Truth>().0.pair();
    let twins = Twins(std::array::from_fn(|i| match &lab.shipped[i] {
        ModelStatus::Loaded { weights, .. } => Some(PixelTwin::new(weights.clone(), &pair)),
        ModelStatus::Unavailable(_) => None,
    }));
    app.insert_resource(twins)
        .init_resource::<Readouts>()
        .init_resource::<Observed>()
        .add_systems(FixedUpdate, step_twins.in_set(SimStep::Twins))
        .add_systems(PostUpdate, read_twins);
}

fn step_twins(mut twins: ResMut<Twins>, truth: Res<Truth>) {
    let frames = 1.0 / truth.0.steps_per_frame() as f64;
    for t in twins.0.iter_mut().flatten() {
        t.advance(frames);
    }
}

pub(super) fn read_twins(
    twins: Res<Twins>,
    truth: Res<Truth>,
    lab: Res<Lab>,
    mut out: ResMut<Readouts>,
    mut observed: ResMut<Observed>,
) {
    observed.0 = truth.0.pair();
    let render = &lab.data.render;
    let p = render.pixels();
    for (i, t) in twins.0.iter().enumerate() {
        out.0[i] = t.as_ref().map(|t| {
            let pair = t.decode();
            let state = read_pair(&pair, render, lab.frame_dt());
            Readout {
                theta_now: estimate_angle(&pair[p..], render),
                state,
                energy: lab.physics.energy(state[0], state[1]),
                learned: t.learned_energy(),
                z: t.z,
                pair,
            }
        });
    }
}

/// Puts new weights into a twin (creating it if it had none) and re-encodes the truth:
/// new weights mean new latent coordinates.
pub fn swap_weights(twins: &mut Twins, slot: usize, weights: Arc<PixelSnapshot>, pair: &[f32]) {
    match &mut twins.0[slot] {
        Some(t) => t.set_model(weights, pair),
        None => twins.0[slot] = Some(PixelTwin::new(weights, pair)),
    }
}

/// The slot of the HNN twin (the one with a learned H).
pub const HNN: usize = 0;
/// The slot of the baseline twin.
pub const BASELINE: usize = 1;
