//! The ground truth, stepped in `FixedUpdate` at the scene's physics rate (the rapier
//! pendulum's own step; 60 Hz for the (q, p) systems), with pause, single step and time rate.

use bevy::prelude::*;

use super::spine::SimStep;
use crate::truth::TruthSystem;

/// The truth: the rapier pendulum as the camera sees it, an analytic system, or a recording.
#[derive(Resource)]
pub struct Truth(pub TruthSystem);

/// Play state of the simulation (truth and twins together).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SimControl {
    pub paused: bool,
    /// Fixed steps to run while paused (the "single step" button adds a frame interval).
    pub pending_steps: u32,
    /// Simulated seconds per real second.
    pub rate: f64,
}

impl Default for SimControl {
    fn default() -> Self {
        Self {
            paused: false,
            pending_steps: 0,
            rate: 1.0,
        }
    }
}

/// The time rates the controls offer.
pub const RATES: [f64; 4] = [0.25, 0.5, 1.0, 2.0];

pub(super) fn plugin(app: &mut App) {
    let dt = app.world().resource::<Truth>().0.dt;
    let rate = app.world().resource::<super::lab::Lab>().view().time_rate;
    app.insert_resource(SimControl { rate, ..default() })
        .insert_resource(Time::<Fixed>::from_seconds(dt))
        .configure_sets(
            FixedUpdate,
            (SimStep::Truth, SimStep::Twins, SimStep::Record).run_if(sim_should_step),
        )
        .add_systems(FixedUpdate, step_truth.in_set(SimStep::Truth))
        .add_systems(FixedPostUpdate, consume_single_step)
        .add_systems(Update, apply_rate);
}

fn sim_should_step(ctl: Res<SimControl>) -> bool {
    !ctl.paused || ctl.pending_steps > 0
}

fn step_truth(mut truth: ResMut<Truth>) {
    truth.0.step();
}

fn consume_single_step(mut ctl: ResMut<SimControl>) {
    if ctl.paused && ctl.pending_steps > 0 {
        ctl.pending_steps -= 1;
    }
}

fn apply_rate(ctl: Res<SimControl>, mut time: ResMut<Time<Virtual>>) {
    if ctl.is_changed() && (time.relative_speed_f64() - ctl.rate).abs() > 1e-12 {
        time.set_relative_speed_f64(ctl.rate);
    }
}
