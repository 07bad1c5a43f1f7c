//! Lessons: a timeline of actions at given times (kick, set state, pause, caption, change
//! gravity, sync, train, …) that the app plays over a scene, so a teacher can script a
//! demonstration once and replay it in every lecture. The same timelines drive headless
//! tests. Bevy-free: the app turns each due action into its own messages.

mod file;

pub use file::Lesson;

pub use crate::scene::{Cue, LessonAction};

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
