//! Everything a user (or a test, or later a lesson) can do to the simulation, as messages:
//! input and UI only send them, this plugin carries them out in order.

use bevy::prelude::*;

use super::game::GameRound;
use super::lab::Lab;
use super::sim::{SimControl, Truth};
use super::twins::{TwinIntegration, Twins, HNN};
use crate::physics::RapierSpec;
use crate::twin::Integrator;

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
    /// A kick along the motion changing the truth's energy by exactly this much (J or H
    /// units); the twins get it as their encoders see it.
    AddTrueEnergy(f64),
    /// New gravity, rod length or mass for the rapier pendulum (the twins keep what they
    /// learned).
    SetPhysics(RapierSpec),
    /// How the twins integrate their learned dynamics, and how many physics steps one twin
    /// step spans.
    SetIntegrator(Integrator),
    SetTwinStep(u32),
}

/// What the last actions did, for the status line (e.g. a kick the HNN could not take).
#[derive(Resource, Default, Debug)]
pub struct LastAction(pub String);

pub(super) fn plugin(app: &mut App) {
    app.add_message::<LabAction>()
        .init_resource::<LastAction>()
        .add_systems(PreUpdate, apply_actions.in_set(ApplyActions));
}

/// Where user actions take effect: lessons and the game send theirs before it.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApplyActions;

#[allow(clippy::too_many_arguments)]
fn apply_actions(
    mut actions: MessageReader<LabAction>,
    mut lab: ResMut<Lab>,
    mut truth: ResMut<Truth>,
    mut twins: ResMut<Twins>,
    mut ctl: ResMut<SimControl>,
    mut last: ResMut<LastAction>,
    mut game: ResMut<GameRound>,
    mut integration: ResMut<TwinIntegration>,
) {
    for a in actions.read() {
        match a {
            LabAction::Kick(j) => {
                // In a round, every kick is the round's fixed size and counts.
                let j = match game.active_mut() {
                    Some(r) => {
                        if !r.take_kick() {
                            last.0 = "no kicks left in this round".into();
                            continue;
                        }
                        r.rules.kick.copysign(*j)
                    }
                    None => *j,
                };
                kick(&mut truth, &mut twins, &mut last, j);
            }
            LabAction::AddTrueEnergy(_) | LabAction::AddEnergy(_) | LabAction::SetPhysics(_)
                if game.active_mut().is_some() =>
            {
                last.0 = "not during a round: kicks only".into();
            }
            LabAction::AddTrueEnergy(de) => match truth.0.kick_for_energy(*de) {
                Some(j) => {
                    kick(&mut truth, &mut twins, &mut last, j);
                    last.0 = format!("truth's energy {de:+.3} (kick {j:+.3})");
                }
                None => last.0 = "a recording cannot be given energy".into(),
            },
            LabAction::SetPhysics(spec) => match truth.0.set_physics(*spec) {
                Ok(true) => {
                    lab.set_physics(*spec);
                    last.0 = format!(
                        "physics: g = {:.2} m/s², l = {:.2} m, m = {:.2} kg",
                        spec.gravity, spec.length, spec.mass
                    );
                }
                Ok(false) => last.0 = "only the rapier pendulum's physics can change".into(),
                Err(e) => last.0 = format!("physics refused: {e:#}"),
            },
            LabAction::SetIntegrator(i) => {
                integration.integrator = *i;
                for t in twins.0.iter_mut().flatten() {
                    t.set_integrator(*i);
                }
                last.0 = format!("twins integrate with {}", integrator_name(*i));
            }
            LabAction::SetTwinStep(n) => {
                integration.every = (*n).clamp(1, 24);
                integration.count = 0;
                last.0 = format!("twin step: {} physics steps", integration.every);
            }
            LabAction::AddEnergy(dh) => {
                last.0 = match twins.0[HNN].as_mut().map(|t| t.add_energy(*dh)) {
                    Some(true) => format!("HNN twin: learned H {dh:+.3}"),
                    Some(false) => "HNN twin: its learned H is flat here, no energy added".into(),
                    None => "no HNN twin yet".into(),
                };
            }
            LabAction::Sync if game.active_mut().is_some() => {
                last.0 = "no syncing during a round: the twins track on their own".into();
            }
            LabAction::Sync => {
                let obs = truth.0.observe();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&obs);
                }
                last.0 = "twins synced to the truth".into();
            }
            LabAction::SetTruth { theta, omega } => {
                if game.active_mut().is_some() {
                    last.0 = "no dragging during a round: kicks only".into();
                } else if !truth.0.set_state(&[*theta, *omega]) {
                    last.0 = "a recording cannot be moved".into();
                }
            }
            LabAction::Reset => {
                if let Some(r) = game.active_mut() {
                    r.finish(crate::game::Outcome::Abandoned);
                }
                truth.0.reset(&lab.start());
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

/// Kicks the truth and hands each twin the kick as its encoder sees it.
fn kick(truth: &mut Truth, twins: &mut Twins, last: &mut LastAction, j: f64) {
    match truth.0.kick(j) {
        Ok(Some((before, after))) => {
            for t in twins.0.iter_mut().flatten() {
                t.kick(&before, &after);
            }
            last.0 = format!("kick {j:+.2}");
        }
        Ok(None) => last.0 = "a recording cannot be kicked".into(),
        Err(e) => last.0 = format!("kick failed: {e:#}"),
    }
}

/// The integrator's name on screen.
pub fn integrator_name(i: Integrator) -> &'static str {
    match i {
        Integrator::Rk4 => "RK4",
        Integrator::Leapfrog => "leapfrog",
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
