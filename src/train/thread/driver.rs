//! The training loop's rules, apart from where it runs: commands in, progress out. The native
//! training thread and the browser's Web Worker both drive a [`Driver`] (the thread blocks on
//! its channel between steps, the worker yields to its message queue), so a diverging trainer,
//! a save or a reset behave the same in both.

use std::sync::Arc;

use web_time::Instant;

use super::{Cadence, Command, Progress, Steppable};
use crate::train::divergence;
use crate::train::LossValues;

/// A trainer and what the loop keeps about it. Messages collect in an outbox the caller
/// empties ([`Driver::take`]) after each call.
pub struct Driver<T: Steppable> {
    t: T,
    cadence: Cadence,
    running: bool,
    last_report: Instant,
    /// Start of the steps-per-second window: (when, steps done then).
    window: (Instant, usize),
    started: Instant,
    last: LossValues,
    watch: divergence::Watch<Progress<T::Snapshot>>,
    /// Set when training diverged: its weights are neither sent nor saved until a reset.
    diverged: Option<String>,
    /// Settings the caller chose survive a reset (which rebuilds from the scene).
    lr: Option<f64>,
    batch: Option<usize>,
    outbox: Vec<Progress<T::Snapshot>>,
}

impl<T: Steppable> Driver<T> {
    /// A paused loop over `t`; its first message says it is ready and where it computes.
    pub fn new(t: T, cadence: Cadence) -> Self {
        let ready = Progress::Ready(t.device_name());
        let now = Instant::now();
        Self {
            window: (now, t.steps_done()),
            t,
            cadence,
            running: false,
            last_report: now,
            started: now,
            last: LossValues::default(),
            watch: divergence::Watch::new(),
            diverged: None,
            lr: None,
            batch: None,
            outbox: vec![ready],
        }
    }

    /// The trainer it drives.
    pub fn trainer(&self) -> &T {
        &self.t
    }

    pub fn running(&self) -> bool {
        self.running
    }

    /// The messages since the last call.
    pub fn take(&mut self) -> Vec<Progress<T::Snapshot>> {
        std::mem::take(&mut self.outbox)
    }

    fn say(&mut self, m: Progress<T::Snapshot>) {
        self.outbox.push(m);
    }

    /// Only finite weights leave the loop: the twins keep the last good ones.
    fn take_snapshot(&mut self) -> Option<Progress<T::Snapshot>> {
        match self.t.snapshot() {
            Ok(w) if T::snapshot_is_finite(&w) => Some(Progress::Snapshot {
                step: self.t.steps_done(),
                weights: Arc::new(w),
            }),
            Ok(_) => None,
            Err(e) => {
                self.say(Progress::Error(format!("{e:#}")));
                None
            }
        }
    }

    fn send_snapshot(&mut self) {
        if let Some(m) = self.take_snapshot() {
            self.say(m);
        }
    }

    fn stop(&mut self) {
        self.running = false;
        self.say(Progress::Running(false));
    }

    /// Carries out one command; false for `Shutdown` (the loop ends).
    pub fn command(&mut self, c: Command) -> bool {
        match c {
            Command::Start => match &self.diverged {
                // Training on from blown-up weights would send them out again.
                Some(why) => {
                    let m = format!(
                        "training diverged ({why}): Reset or Load shipped before training again"
                    );
                    self.say(Progress::Error(m));
                }
                None => {
                    self.running = true;
                    self.window = (Instant::now(), self.t.steps_done());
                    self.say(Progress::Running(true));
                }
            },
            Command::Pause => self.stop(),
            Command::Reset => match self.t.reset() {
                Ok(()) => {
                    self.watch.restart();
                    self.diverged = None;
                    if let Some(r) = self.lr {
                        self.t.set_learning_rate(r);
                    }
                    if let Some(b) = self.batch {
                        self.t.set_batch_size(b);
                    }
                    self.window = (Instant::now(), 0);
                    self.send_snapshot();
                }
                Err(e) => self.say(Progress::Error(format!("reset: {e:#}"))),
            },
            Command::SetLearningRate(r) => {
                self.lr = Some(r);
                self.t.set_learning_rate(r)
            }
            Command::SetBatchSize(b) => {
                self.batch = Some(b);
                self.t.set_batch_size(b)
            }
            Command::Snapshot if self.diverged.is_none() => self.send_snapshot(),
            Command::Snapshot => {}
            Command::Save(dir) => {
                // The weights now are a step past the last judged loss: judged here by
                // their test loss before they are written.
                if self.diverged.is_none() {
                    self.diverged = match self.t.probe_loss() {
                        Ok(l) => self.watch.verdict(l),
                        Err(e) => Some(format!("{e:#}")),
                    };
                    if self.diverged.is_some() {
                        self.watch.drop_pending();
                        self.stop();
                    }
                }
                let saved = match &self.diverged {
                    Some(why) => Err(anyhow::anyhow!(
                        "not saved: training diverged ({why}); Reset or Load shipped first"
                    )),
                    None => self
                        .t
                        .save(&dir, self.last, self.started.elapsed().as_secs_f64()),
                };
                #[cfg(target_arch = "wasm32")]
                if saved.is_ok() {
                    self.say(Progress::Files(crate::webfs::take_new()));
                }
                let msg = match saved {
                    Ok(()) => Progress::Saved(dir),
                    Err(e) => Progress::Error(format!("save to {}: {e:#}", dir.display())),
                };
                self.say(msg);
            }
            Command::Shutdown => return false,
        }
        true
    }

    /// One training step, if running. Reports at most every `report_every` of wall time.
    pub fn step(&mut self) {
        if !self.running {
            return;
        }
        let verdict = self
            .t
            .train_step()
            .map(|losses| (self.watch.verdict(losses.total), losses));
        match verdict {
            Ok((Some(why), _)) => {
                // Diverged: stop here, say so, send nothing more of these weights (nor the
                // snapshot this loss was computed with).
                self.watch.drop_pending();
                let m = format!(
                    "training diverged at step {} ({why}): the twin keeps the last good \
                     weights; lower the learning rate, then Reset (from scratch) or Load shipped",
                    self.t.steps_done(),
                );
                self.diverged = Some(why);
                self.say(Progress::Error(m));
                self.stop();
            }
            Ok((None, losses)) => {
                // This loss was computed with the held snapshot's weights: they are good.
                if let Some(m) = self.watch.release() {
                    self.say(m);
                }
                self.last = losses;
                let step = self.t.steps_done();
                if self.last_report.elapsed() >= self.cadence.report_every {
                    let dt = self.window.0.elapsed().as_secs_f64().max(1e-9);
                    let steps_per_sec = (step - self.window.1) as f64 / dt;
                    self.window = (Instant::now(), step);
                    self.last_report = Instant::now();
                    let elapsed = self.started.elapsed();
                    self.say(Progress::Step {
                        step,
                        losses,
                        steps_per_sec,
                        elapsed,
                    });
                }
                let every = self.cadence.snapshot_every;
                if every > 0 && step.is_multiple_of(every) {
                    if let Some(m) = self.take_snapshot() {
                        self.watch.hold(m);
                    }
                }
            }
            Err(e) => {
                self.say(Progress::Error(format!("training step failed: {e:#}")));
                self.stop();
            }
        }
    }
}
