//! Lessons: a timeline of actions at given times (kick, set state, pause, caption, change
//! gravity, sync, train, …) that the app plays over a scene, so a teacher can script a
//! demonstration once and replay it in every lecture. The same timelines drive headless
//! tests. Bevy-free: the app turns each due action into its own messages.

mod file;
mod lines;

use serde::{Deserialize, Serialize};

pub(crate) use file::check_cues;
pub use file::Lesson;

use crate::twin::Integrator;

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

/// Plays a timeline: the lesson's clock advances with simulated time, and each cue fires
/// once, in order, when the clock reaches it.
#[derive(Clone, Debug, Default)]
pub struct Player {
    cues: Vec<Cue>,
    next: usize,
    /// Simulated seconds since the lesson (re)started.
    pub clock: f64,
}

impl Player {
    pub fn new(cues: Vec<Cue>) -> Self {
        Self {
            cues,
            next: 0,
            clock: 0.0,
        }
    }

    /// Advances the clock by `dt` and returns the actions now due, in timeline order. Cues at
    /// the same time fire together, in the order written.
    pub fn advance(&mut self, dt: f64) -> Vec<LessonAction> {
        self.clock += dt.max(0.0);
        let mut due = Vec::new();
        while let Some(c) = self.cues.get(self.next) {
            if c.at > self.clock + 1e-9 {
                break;
            }
            due.push(c.action.clone());
            self.next += 1;
        }
        due
    }

    /// Back to the first cue at clock zero.
    pub fn restart(&mut self) {
        self.next = 0;
        self.clock = 0.0;
    }

    pub fn finished(&self) -> bool {
        self.next >= self.cues.len()
    }

    /// (cues fired, cues in all), for a progress line.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.cues.len())
    }

    /// When the next cue fires, if any is left.
    pub fn next_at(&self) -> Option<f64> {
        self.cues.get(self.next).map(|c| c.at)
    }
}

#[cfg(test)]
mod tests;
