//! Everything a user (or a test, or later a lesson) can do to the simulation, as messages:
//! input and UI only send them, this plugin carries them out in order.

use bevy::prelude::*;

use super::lab::Lab;
use super::sim::{SimControl, Truth};
use super::twins::{Twins, HNN};

#[derive(Message, Clone, Debug, PartialEq)]
pub enum LabAction {
    /// Angular impulse (N·m·s) to the rapier pendulum, Δp to a (q, p) system; each twin gets
    /// it as its own encoder sees it.
    Kick(f64),
    /// Raise the HNN twin's learned H by this much (latent units), truth untouched.
    AddEnergy(f64),
    /// Re-encode the truth's latest two frames into every twin.
    Sync,
    /// Put the truth at (θ, ω), or (q, p) (a drag). The twins keep going until a `Sync`.
    SetTruth {
        theta: f64,
        omega: f64,
    },
    /// Back to the start state, twins synced.
    Reset,
    SetPaused(bool),
    TogglePause,
    /// While paused: advance one frame interval (k physics steps).
    StepFrame,
    SetRate(f64),
}

/// What the last actions did, for the status line (e.g. a kick the HNN could not take).
#[derive(Resource, Default, Debug)]
pub struct LastAction(pub String);

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LabAction>()
        .init_resource::<LastAction>()
        .add_systems(PreUpdate, apply_actions);
}

fn apply_actions(
    mut actions: MessageReader<LabAction>,
    lab: Res<Lab>,
    mut truth: ResMut<Truth>,
    mut twins: ResMut<Twins>,
    mut ctl: ResMut<SimControl>,
    mut last: ResMut<LastAction>,
) {
    for a in actions.read() {
        match a {
            LabAction::Kick(j) => match truth.0.kick(*j) {
                Ok(Some((before, after))) => {
                    for t in twins.0.iter_mut().flatten() {
                        t.kick(&before, &after);
                    }
                    last.0 = format!("kick {j:+.2}");
                }
                Ok(None) => last.0 = "a recording cannot be kicked".into(),
                Err(e) => last.0 = format!("kick failed: {e:#}"),
            },
            LabAction::AddEnergy(dh) => {
                last.0 = match twins.0[HNN].as_mut().map(|t| t.add_energy(*dh)) {
                    Some(true) => format!("HNN twin: learned H {dh:+.3}"),
                    Some(false) => "HNN twin: its learned H is flat here, no energy added".into(),
                    None => "no HNN twin yet".into(),
                };
            }
            LabAction::Sync => {
                let obs = truth.0.observe();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&obs);
                }
                last.0 = "twins synced to the truth".into();
            }
            LabAction::SetTruth { theta, omega } => {
                if !truth.0.set_state([*theta, *omega]) {
                    last.0 = "a recording cannot be moved".into();
                }
            }
            LabAction::Reset => {
                truth.0.reset(lab.start());
                let obs = truth.0.observe();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&obs);
                }
                last.0 = "reset".into();
            }
            LabAction::SetPaused(p) => set_paused(&mut ctl, *p),
            LabAction::TogglePause => {
                let p = !ctl.paused;
                set_paused(&mut ctl, p)
            }
            LabAction::StepFrame => {
                ctl.paused = true;
                ctl.pending_steps += steps_per_frame(&lab);
            }
            LabAction::SetRate(r) => ctl.rate = r.clamp(0.05, 8.0),
        }
    }
}

/// Pausing keeps the place; unpausing drops single steps not yet taken (else they would run
/// at the next pause).
fn set_paused(ctl: &mut SimControl, paused: bool) {
    ctl.paused = paused;
    if !paused {
        ctl.pending_steps = 0;
    }
}

/// Physics steps in one "frame" of the step button: a frame interval of the pixel data, or
/// 0.05 s for the (q, p) systems.
fn steps_per_frame(lab: &Lab) -> u32 {
    match lab.pixels() {
        Some((physics, data)) => data.steps_per_frame(physics).unwrap_or(1) as u32,
        None => (0.05 / super::sim::FIELD_DT).round() as u32,
    }
}
