//! Carries out the actions the rules allowed (`Allowed`), in order: kicks, energy, physics,
//! integrator, sync, drag, reset, pause and rate. Input, UI and lessons only ask
//! (`LabAction`); whether a game round forbids something is the game's rules' business.

use bevy::prelude::*;

use super::lab::Lab;
use super::messages::{Allowed, LabAction, LastAction, TruthMoved, TwinsSynced};
use super::per_model::HNN;
use super::sim::{SimControl, Truth};
use super::spine::Frame;
use super::twins::{TwinIntegration, Twins};
use crate::twin::Integrator;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, apply_actions.in_set(Frame::Apply));
}

#[allow(clippy::too_many_arguments)]
fn apply_actions(
    mut actions: MessageReader<Allowed>,
    mut lab: ResMut<Lab>,
    mut truth: ResMut<Truth>,
    mut twins: ResMut<Twins>,
    mut ctl: ResMut<SimControl>,
    mut last: ResMut<LastAction>,
    mut integration: ResMut<TwinIntegration>,
    mut synced: MessageWriter<TwinsSynced>,
    mut moved: MessageWriter<TruthMoved>,
) {
    for Allowed(a) in actions.read() {
        match a {
            LabAction::Kick(body, j) => kick(&mut truth, &mut twins, &mut last, *body, *j),
            LabAction::AddTrueEnergy(body, de) => match truth.0.energy_kick(*de, *body) {
                Some(j) => {
                    kick(&mut truth, &mut twins, &mut last, *body, j);
                    last.0 = format!("truth's energy {de:+.3} (kick {j:+.3})");
                }
                None => last.0 = "this truth cannot be given energy".into(),
            },
            LabAction::SetPhysics(spec) => match truth.0.set_system(spec) {
                Ok(true) => {
                    lab.set_physics(spec.clone());
                    last.0 = format!("physics: {}", spec.describe());
                }
                Ok(false) => last.0 = "a recording's physics cannot change".into(),
                Err(e) => last.0 = format!("physics refused: {e:#}"),
            },
            LabAction::SetFriction(strength) => {
                let s = strength.clamp(0.0, 100.0);
                // The rapier rods' friction is part of their physics; the others' the scene's.
                let taken = match lab.scene.system.with_own_friction(s) {
                    Some(spec) => match truth.0.set_system(&spec) {
                        Ok(true) => {
                            lab.set_physics(spec);
                            true
                        }
                        _ => false,
                    },
                    None => {
                        let f = lab.friction_at(s);
                        match truth.0.set_friction(f) {
                            Ok(true) => {
                                lab.set_friction(f);
                                true
                            }
                            _ => false,
                        }
                    }
                };
                if taken {
                    let scale = lab.dissipation_scale(crate::nn::ModelKind::Dhnn);
                    for (k, t) in twins.0.each_mut() {
                        if let Some(t) = t {
                            t.set_dissipation_scale(lab.dissipation_scale(k));
                        }
                    }
                    last.0 = if twins.0.has(crate::nn::ModelKind::Dhnn) {
                        format!(
                            "friction {s:.3}; the D-HNN twin's dissipation ×{scale:.2}, untrained"
                        )
                    } else {
                        format!("friction {s:.3}")
                    };
                } else {
                    last.0 = "this truth's friction cannot change".into();
                }
            }
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
                let hnn = twins.0.get_mut(HNN).and_then(|t| t.as_mut());
                last.0 = match hnn.map(|t| t.add_energy(*dh)) {
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
                // Twin and truth at the same time from here: the twins' next step is the
                // truth's next step.
                integration.count = 0;
                synced.write(TwinsSynced(None));
                last.0 = "twins synced to the truth".into();
            }
            LabAction::SetTruth(x) => {
                if truth.0.set_state(x) {
                    moved.write(TruthMoved);
                } else if !truth.0.interactive() {
                    last.0 = "a recording cannot be moved".into();
                } else {
                    last.0 = format!(
                        "a state of {} numbers does not fit this system ({} needed)",
                        x.len(),
                        truth.0.state().len()
                    );
                }
            }
            LabAction::Reset => {
                truth.0.reset(&lab.start());
                let obs = truth.0.observe();
                for t in twins.0.iter_mut().flatten() {
                    t.sync(&obs);
                }
                integration.count = 0;
                moved.write(TruthMoved);
                synced.write(TwinsSynced(None));
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
fn kick(truth: &mut Truth, twins: &mut Twins, last: &mut LastAction, body: usize, j: f64) {
    match truth.0.kick_body(j, body) {
        Ok(Some((before, after))) => {
            for t in twins.0.iter_mut().flatten() {
                t.kick(&before, &after);
            }
            last.0 = if truth.0.bodies() > 1 {
                format!("kick {j:+.2} to body {}", body + 1)
            } else {
                format!("kick {j:+.2}")
            };
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
        None => (0.05 / super::lab::FIELD_DT).round() as u32,
    }
}
