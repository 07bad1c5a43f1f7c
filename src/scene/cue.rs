//! A lesson's timeline as a scene file carries it: the timed actions and their checks. The
//! spec types live here, at the bottom of the core, so that a scene can hold a timeline
//! without knowing the player (`lesson`) that plays it.

use std::path::Path;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::lines::list_element_lines;
use crate::integrate::Integrator;

/// One timed action of a lesson.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// Seconds of simulated time since the lesson started (the clock stops while paused).
    pub at: f64,
    #[serde(rename = "do")]
    pub action: LessonAction,
}

/// What a lesson can do. Units are the scene's: the rapier pendulum's (θ, ω) in rad and
/// rad/s, its impulses in N·m·s and energies in J; (q, p) and H units for the other systems.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub enum LessonAction {
    /// Shows this text on screen until the next caption ("" clears it).
    Caption(String),
    /// An impulse to the truth; the twins get it as their encoders see it.
    Kick(f64),
    /// A kick along the motion sized so that the truth's energy changes by exactly this much.
    AddTrueEnergy(f64),
    /// Raises the HNN twin's learned H by this much (its own units), truth untouched.
    AddEnergy(f64),
    /// Puts the truth at (θ, ω) or (q, p); the twins follow only at the next `Sync`.
    SetState(f64, f64),
    /// Re-encodes the truth's latest observation into both twins.
    Sync,
    /// Truth back to the scene's start, twins synced.
    Reset,
    /// Stops the simulation, and with it the lesson's clock: the viewer resumes it.
    Pause,
    Play,
    /// Simulated seconds per real second.
    SetRate(f64),
    /// Gravity (m/s²) of the rapier pendulum; the twins keep the physics they learned.
    SetGravity(f64),
    /// Rod length (m) of the rapier pendulum.
    SetLength(f64),
    /// Rod mass (kg) of the rapier pendulum.
    SetMass(f64),
    /// How both twins integrate their learned dynamics.
    SetIntegrator(Integrator),
    /// Physics steps per twin step (1 = the truth's own step).
    SetTwinStep(u32),
    StartTraining,
    StopTraining,
    /// Starts an energy-target round: swing to this amplitude (degrees for a pendulum, q
    /// units for a spring).
    StartGame(f64),
}

impl LessonAction {
    /// Why this action's value is not acceptable, if it is not.
    pub fn invalid(&self) -> Option<String> {
        let positive = |name: &str, v: f64| {
            (!(v.is_finite() && v > 0.0)).then(|| format!("{name} {v} must be finite and > 0"))
        };
        match self {
            LessonAction::Kick(j) if !(j.is_finite() && *j != 0.0) => {
                Some(format!("kick {j} must be finite and non-zero"))
            }
            LessonAction::AddTrueEnergy(e) | LessonAction::AddEnergy(e) if !e.is_finite() => {
                Some(format!("energy {e} must be finite"))
            }
            LessonAction::SetState(a, b) if !(a.is_finite() && b.is_finite()) => {
                Some(format!("state ({a}, {b}) must be finite"))
            }
            LessonAction::SetRate(r) if !(r.is_finite() && (0.05..=8.0).contains(r)) => {
                Some(format!("rate {r} must be in [0.05, 8]"))
            }
            LessonAction::SetGravity(v) => positive("gravity", *v),
            LessonAction::SetLength(v) => positive("length", *v),
            LessonAction::SetMass(v) => positive("mass", *v),
            LessonAction::StartGame(v) => positive("target", *v),
            LessonAction::SetTwinStep(n) if !(1..=24).contains(n) => {
                Some(format!("twin step {n} must be 1 to 24 physics steps"))
            }
            _ => None,
        }
    }
}

/// Times finite, from zero, never going back; every action's value acceptable. Errors name
/// the cue's line (`timeline` found in `src`).
pub fn check_cues(cues: &[Cue], src: &str, path: &Path) -> Result<()> {
    let lines = list_element_lines(src, "timeline");
    let at = |i: usize| match lines.get(i) {
        Some(l) => format!("{}:{l}", path.display()),
        None => path.display().to_string(),
    };
    let mut last = 0.0f64;
    for (i, c) in cues.iter().enumerate() {
        if !(c.at.is_finite() && c.at >= 0.0) {
            bail!(
                "{}: field `timeline[{i}].at`: {} must be a finite time >= 0",
                at(i),
                c.at
            );
        }
        if c.at < last {
            bail!(
                "{}: field `timeline[{i}].at`: time {} s is out of order (the cue before is at {last} s); cues must be in time order",
                at(i),
                c.at
            );
        }
        last = c.at;
        if let Some(why) = c.action.invalid() {
            bail!("{}: field `timeline[{i}].do`: {why}", at(i));
        }
    }
    Ok(())
}
