//! Everything a user (or a test, or later a lesson) can do to the simulation, as messages:
//! input and UI only send them, this plugin carries them out in order.

use bevy::prelude::*;

use super::sim::{SimControl, Truth, START};
use super::twins::{Twins, HNN};

#[derive(Message, Clone, Debug, PartialEq)]
pub enum LabAction {
    /// Angular impulse (N·m·s) to the truth; each twin gets it as its own encoder sees it.
    Kick(f64),
    /// Raise the HNN twin's learned H by this much (latent units), truth untouched.
    AddEnergy(f64),
    /// Re-encode the truth's latest two frames into every twin.
    Sync,
    /// Put the truth at (θ, ω) (a drag, a reset). The twins keep going until a `Sync`.
    SetTruth { theta: f64, omega: f64 },
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
    mut truth: ResMut<Truth>,
    mut twins: ResMut<Twins>,
    mut ctl: ResMut<SimControl>,
    mut last: ResMut<LastAction>,
) {
    for a in actions.read() {
        match a {
            LabAction::Kick(j) => match truth.0.kick(*j) {
                Ok((before, after)) => {
                    for t in twins.0.iter_mut().flatten() {
                        t.kick(&before, &after);
                    }
                    last.0 = format!("kick {j:+.2} N·m·s");
                }
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
                let pair = truth.0.pair();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&pair);
                }
                last.0 = "twins synced to the truth".into();
            }
            LabAction::SetTruth { theta, omega } => truth.0.set_state(*theta, *omega),
            LabAction::Reset => {
                truth.0.set_state(START.0, START.1);
                let pair = truth.0.pair();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&pair);
                }
                last.0 = "reset".into();
            }
            LabAction::SetPaused(p) => ctl.paused = *p,
            LabAction::TogglePause => ctl.paused = !ctl.paused,
            LabAction::StepFrame => {
                ctl.paused = true;
                ctl.pending_steps += truth.0.steps_per_frame() as u32;
            }
            LabAction::SetRate(r) => ctl.rate = r.clamp(0.05, 8.0),
        }
    }
}
