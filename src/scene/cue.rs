//! A lesson's timeline as a scene file carries it: the timed actions and their checks. The
//! spec types live here, at the bottom of the core, so that a scene can hold a timeline
//! without knowing the player (`lesson`) that plays it.

use std::path::Path;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use super::lines::list_element_lines;
use super::SystemSpec;
use crate::integrate::Integrator;
use crate::ranges;

/// One timed action of a lesson.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// Seconds of simulated time since the lesson started (the clock stops while paused).
    #[serde(deserialize_with = "ranges::lesson_time")]
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
    Kick(#[serde(deserialize_with = "ranges::impulse")] f64),
    /// An impulse to one body, numbered from 1 (a double pendulum's upper bob is 1, the
    /// lower 2; an orbit's bodies in the state's order), in `Kick`'s units (orbits: along the
    /// body's motion, the others pushed back).
    KickBody(
        #[serde(deserialize_with = "ranges::body")] usize,
        #[serde(deserialize_with = "ranges::impulse")] f64,
    ),
    /// A kick along the motion sized so that the truth's energy changes by exactly this much.
    AddTrueEnergy(#[serde(deserialize_with = "ranges::energy")] f64),
    /// Raises the HNN twin's learned H by this much (its own units), truth untouched.
    AddEnergy(#[serde(deserialize_with = "ranges::energy")] f64),
    /// Puts the truth at (θ, ω) or (q, p); the twins follow only at the next `Sync`.
    SetState(
        #[serde(deserialize_with = "ranges::coordinate")] f64,
        #[serde(deserialize_with = "ranges::coordinate")] f64,
    ),
    /// Puts the truth at the full state (q₁…qₙ, p₁…pₙ) (systems with n > 1).
    SetStateOf(#[serde(deserialize_with = "ranges::full_state")] Vec<f64>),
    /// Re-encodes the truth's latest observation into both twins.
    Sync,
    /// Truth back to the scene's start, twins synced.
    Reset,
    /// Stops the simulation, and with it the lesson's clock: the viewer resumes it.
    Pause,
    Play,
    /// Simulated seconds per real second.
    SetRate(#[serde(deserialize_with = "ranges::rate")] f64),
    /// Gravity (m/s²) of the rapier pendulum; the twins keep the physics they learned.
    SetGravity(#[serde(deserialize_with = "ranges::physical")] f64),
    /// Rod length (m) of the rapier pendulum.
    SetLength(#[serde(deserialize_with = "ranges::physical")] f64),
    /// Rod mass (kg) of the rapier pendulum.
    SetMass(#[serde(deserialize_with = "ranges::physical")] f64),
    /// The truth's friction strength γ (the scene's rule; the rapier rod's joint friction in
    /// N·m·s); a D-HNN twin follows by scaling its ∇D, the others keep what they learned.
    SetFriction(#[serde(deserialize_with = "ranges::friction")] f64),
    /// How both twins integrate their learned dynamics.
    SetIntegrator(Integrator),
    /// Physics steps per twin step (1 = the truth's own step).
    SetTwinStep(#[serde(deserialize_with = "ranges::twin_step")] u32),
    StartTraining,
    StopTraining,
    /// The live trainers' learning rate (a high one shows what divergence looks like).
    SetLearningRate(#[serde(deserialize_with = "ranges::learning_rate")] f64),
    /// Starts an energy-target round: swing to this amplitude (degrees for a pendulum, q
    /// units for a spring).
    StartGame(#[serde(deserialize_with = "ranges::strength")] f64),
}

/// Cues in time order that fit the scene's system (each value's range is checked as the file
/// is read, by `ranges`): a kicked body exists, a state set has the system's size. Errors name
/// the cue's line (`timeline` found in `src`).
pub fn check_cues(
    cues: &[Cue],
    src: &str,
    path: &Path,
    system: &SystemSpec,
    recorded: bool,
) -> Result<()> {
    let lines = list_element_lines(src, "timeline");
    let at = |i: usize| match lines.get(i) {
        Some(l) => format!("{}:{l}", path.display()),
        None => path.display().to_string(),
    };
    let mut last = 0.0f64;
    for (i, c) in cues.iter().enumerate() {
        if c.at < last {
            bail!(
                "{}: field `timeline[{i}].at`: time {} s is out of order (the cue before is at {last} s); cues must be in time order",
                at(i),
                c.at
            );
        }
        last = c.at;
        let dim = 2 * system.dof();
        let unfit = match &c.action {
            LessonAction::KickBody(b, _) if *b > system.bodies() => Some(format!(
                "body {b} does not exist: the scene's system has {}",
                system.bodies()
            )),
            LessonAction::SetStateOf(x) if x.len() != dim => Some(format!(
                "a state of {} numbers does not fit the scene's system: it needs {dim}",
                x.len()
            )),
            LessonAction::SetState(..) if dim != 2 => Some(format!(
                "SetState(q, p) is for one degree of freedom; this system needs SetStateOf([...]) with {dim} numbers"
            )),
            LessonAction::SetFriction(_)
                if recorded
                    || matches!(
                        system,
                        SystemSpec::Gravity { .. } | SystemSpec::RapierDoublePendulum(_)
                    ) =>
            {
                Some("this scene's truth has no friction to set (a recording, orbits or the rapier double pendulum)".to_string())
            }
            _ => None,
        };
        if let Some(why) = unfit {
            bail!("{}: field `timeline[{i}].do`: {why}", at(i));
        }
    }
    Ok(())
}
