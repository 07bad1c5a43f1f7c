//! Training on its own thread: the app sends commands (start, pause, reset, settings) and
//! receives progress and, every so often, an immutable weights snapshot to swap in. Nothing
//! here blocks the caller; dropping the handle stops the thread and joins it.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use web_time::Instant;

use crossbeam_channel::{Receiver, Sender};

pub use super::steppable::Steppable;
use super::LossValues;

use super::divergence;

/// Commands to the training thread.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Start,
    Pause,
    /// Back to the initial weights (training from scratch).
    Reset,
    SetLearningRate(f64),
    SetBatchSize(usize),
    /// Send a snapshot now.
    Snapshot,
    /// Save the current weights into this folder.
    Save(PathBuf),
    Shutdown,
}

/// Messages from the training thread.
#[derive(Clone, Debug)]
pub enum Progress<S> {
    /// Sent at most every `report_every` of wall time while running.
    Step {
        step: usize,
        losses: LossValues,
        steps_per_sec: f64,
        elapsed: Duration,
    },
    /// New weights, every `snapshot_every` steps, on request, and after a reset.
    Snapshot {
        step: usize,
        weights: Arc<S>,
    },
    Running(bool),
    /// The trainer exists (its data are ready); names the device it runs on.
    Ready(String),
    Saved(PathBuf),
    Error(String),
    /// The thread has ended on an internal error (a panic): it takes no more commands; a
    /// new trainer must be started. Says what happened.
    Ended(String),
}

impl<S> Progress<S> {
    /// The same message with the weights wrapped by `f` (e.g. into an enum over model kinds).
    pub fn map<T>(self, f: impl FnOnce(Arc<S>) -> T) -> Progress<T> {
        match self {
            Progress::Snapshot { step, weights } => Progress::Snapshot {
                step,
                weights: Arc::new(f(weights)),
            },
            Progress::Step {
                step,
                losses,
                steps_per_sec,
                elapsed,
            } => Progress::Step {
                step,
                losses,
                steps_per_sec,
                elapsed,
            },
            Progress::Running(r) => Progress::Running(r),
            Progress::Ready(d) => Progress::Ready(d),
            Progress::Saved(p) => Progress::Saved(p),
            Progress::Error(e) => Progress::Error(e),
            Progress::Ended(e) => Progress::Ended(e),
        }
    }
}

/// What a caught panic said (its `&str` or `String` payload), for a message on screen.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

/// How often the thread reports.
#[derive(Clone, Copy, Debug)]
pub struct Cadence {
    pub report_every: Duration,
    pub snapshot_every: usize,
}

impl Default for Cadence {
    fn default() -> Self {
        Self {
            report_every: Duration::from_millis(100),
            snapshot_every: 200,
        }
    }
}

/// Where the training thread runs. The app gives it one rayon thread and a lower OS
/// priority, so training takes the spare CPU and never a frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadOptions {
    /// Threads of the trainer's own rayon pool (0: rayon's global pool).
    pub threads: usize,
    /// Added niceness (Unix; 0 leaves the priority alone).
    pub nice: i32,
}

/// The caller's side: non-blocking send and receive, clean shutdown on drop.
pub struct TrainerHandle<S> {
    tx: Sender<Command>,
    rx: Receiver<Progress<S>>,
    join: Option<JoinHandle<()>>,
}

impl<S: Send + Sync + 'static> TrainerHandle<S> {
    /// Moves `trainer` to a new thread, paused.
    pub fn spawn<T: Steppable<Snapshot = S>>(trainer: T, cadence: Cadence) -> Self {
        Self::spawn_with(move || Ok(trainer), cadence, ThreadOptions::default())
    }

    /// Builds the trainer on the new thread (making its data can take seconds), reports
    /// `Ready` (or the error) and waits, paused, for commands.
    pub fn spawn_with<T, F>(make: F, cadence: Cadence, opts: ThreadOptions) -> Self
    where
        T: Steppable<Snapshot = S>,
        F: FnOnce() -> anyhow::Result<T> + Send + 'static,
    {
        let (tx, cmd_rx) = crossbeam_channel::unbounded();
        let (out_tx, rx) = crossbeam_channel::unbounded();
        let no_thread = out_tx.clone();
        let body = move || {
            lower_priority(opts.nice);
            crate::device::flush_denormals();
            let report = out_tx.clone();
            let go = move || match make() {
                Ok(t) => {
                    let _ = out_tx.send(Progress::Ready(t.device_name()));
                    run(t, cadence, cmd_rx, out_tx)
                }
                Err(e) => {
                    let _ = out_tx.send(Progress::Error(format!("{e:#}")));
                }
            };
            // A panic anywhere in the trainer ends the thread with a message, never silence.
            let go = move || {
                if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(go)) {
                    let why = panic_message(p.as_ref());
                    let _ = report.send(Progress::Running(false));
                    let _ = report.send(Progress::Ended(format!(
                        "the training thread stopped on an internal error ({why}); Start or \
                         Reset begins a new one"
                    )));
                }
            };
            match opts.threads {
                0 => go(),
                n => match rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .start_handler(move |_| {
                        lower_priority(opts.nice);
                        crate::device::flush_denormals();
                    })
                    .build()
                {
                    Ok(pool) => pool.install(go),
                    Err(_) => go(),
                },
            }
        };
        // Where threads cannot start (a browser's main thread), the handle says so instead.
        let join = match std::thread::Builder::new()
            .name("hnn-trainer".into())
            .spawn(body)
        {
            Ok(j) => Some(j),
            Err(e) => {
                let _ = no_thread.send(Progress::Error(format!(
                    "cannot start a training thread here ({e})"
                )));
                None
            }
        };
        Self { tx, rx, join }
    }

    pub fn send(&self, c: Command) {
        // A closed channel means the thread has ended; its last messages say why.
        let _ = self.tx.send(c);
    }

    /// Everything the thread has sent since the last call.
    pub fn drain(&self) -> Vec<Progress<S>> {
        self.rx.try_iter().collect()
    }

    /// Blocks up to `timeout` for the next message (for tests and tools).
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Progress<S>> {
        self.rx.recv_timeout(timeout).ok()
    }
}

impl<S> Drop for TrainerHandle<S> {
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Shutdown);
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

/// Raises the calling thread's niceness (Linux threads each have their own).
fn lower_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    if nice > 0 {
        // SAFETY: setpriority reads no memory of ours; who = 0 is the calling thread on Linux.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, 0, nice);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

fn run<T: Steppable>(
    mut t: T,
    cadence: Cadence,
    rx: Receiver<Command>,
    tx: Sender<Progress<T::Snapshot>>,
) {
    let mut running = false;
    let mut last_report = Instant::now();
    let mut window = (Instant::now(), t.steps_done());
    let started = Instant::now();
    let mut last = LossValues::default();
    let mut watch = divergence::Watch::new();
    // Set when training diverged: its weights are neither sent nor saved until a reset.
    let mut diverged: Option<String> = None;
    // Settings the caller chose survive a reset (which rebuilds from the scene).
    let (mut lr, mut batch) = (None, None);
    // Only finite weights leave the thread: the twins keep the last good ones.
    let take_snapshot = |t: &T, tx: &Sender<Progress<T::Snapshot>>| match t.snapshot() {
        Ok(w) if T::snapshot_is_finite(&w) => Some(Progress::Snapshot {
            step: t.steps_done(),
            weights: Arc::new(w),
        }),
        Ok(_) => None,
        Err(e) => {
            let _ = tx.send(Progress::Error(format!("{e:#}")));
            None
        }
    };
    let send_snapshot = |t: &T, tx: &Sender<Progress<T::Snapshot>>| {
        if let Some(m) = take_snapshot(t, tx) {
            let _ = tx.send(m);
        }
    };
    loop {
        // Commands first; while paused, wait for one instead of spinning.
        let next = if running {
            rx.try_recv().ok()
        } else {
            rx.recv().ok().or(Some(Command::Shutdown))
        };
        if let Some(c) = next {
            match c {
                Command::Start => match &diverged {
                    // Training on from blown-up weights would send them out again.
                    Some(why) => {
                        let _ = tx.send(Progress::Error(format!(
                            "training diverged ({why}): Reset or Load shipped before training again"
                        )));
                    }
                    None => {
                        running = true;
                        window = (Instant::now(), t.steps_done());
                        let _ = tx.send(Progress::Running(true));
                    }
                },
                Command::Pause => {
                    running = false;
                    let _ = tx.send(Progress::Running(false));
                }
                Command::Reset => match t.reset() {
                    Ok(()) => {
                        watch.restart();
                        diverged = None;
                        lr.inspect(|&r| t.set_learning_rate(r));
                        batch.inspect(|&b| t.set_batch_size(b));
                        window = (Instant::now(), 0);
                        send_snapshot(&t, &tx);
                    }
                    Err(e) => {
                        let _ = tx.send(Progress::Error(format!("reset: {e:#}")));
                    }
                },
                Command::SetLearningRate(r) => {
                    lr = Some(r);
                    t.set_learning_rate(r)
                }
                Command::SetBatchSize(b) => {
                    batch = Some(b);
                    t.set_batch_size(b)
                }
                Command::Snapshot if diverged.is_none() => send_snapshot(&t, &tx),
                Command::Snapshot => {}
                Command::Save(dir) => {
                    // The weights now are a step past the last judged loss: judged here by
                    // their test loss before they are written.
                    if diverged.is_none() {
                        match t.probe_loss() {
                            Ok(l) => diverged = watch.verdict(l),
                            Err(e) => diverged = Some(format!("{e:#}")),
                        }
                        if diverged.is_some() {
                            running = false;
                            watch.drop_pending();
                            let _ = tx.send(Progress::Running(false));
                        }
                    }
                    let saved = match &diverged {
                        Some(why) => Err(anyhow::anyhow!(
                            "not saved: training diverged ({why}); Reset or Load shipped first"
                        )),
                        None => t.save(&dir, last, started.elapsed().as_secs_f64()),
                    };
                    let msg = match saved {
                        Ok(()) => Progress::Saved(dir),
                        Err(e) => Progress::Error(format!("save to {}: {e:#}", dir.display())),
                    };
                    let _ = tx.send(msg);
                }
                Command::Shutdown => return,
            }
            continue;
        }
        let verdict = t
            .train_step()
            .map(|losses| (watch.verdict(losses.total), losses));
        match verdict {
            Ok((Some(why), _)) => {
                // Diverged: stop here, say so, send nothing more of these weights (nor the
                // snapshot this loss was computed with).
                watch.drop_pending();
                diverged = Some(why.clone());
                running = false;
                let _ = tx.send(Progress::Error(format!(
                    "training diverged at step {} ({why}): the twin keeps the last good \
                     weights; lower the learning rate, then Reset (from scratch) or Load shipped",
                    t.steps_done(),
                )));
                let _ = tx.send(Progress::Running(false));
            }
            Ok((None, losses)) => {
                // This loss was computed with the held snapshot's weights: they are good.
                if let Some(m) = watch.release() {
                    let _ = tx.send(m);
                }
                last = losses;
                let step = t.steps_done();
                if last_report.elapsed() >= cadence.report_every {
                    let dt = window.0.elapsed().as_secs_f64().max(1e-9);
                    let steps_per_sec = (step - window.1) as f64 / dt;
                    window = (Instant::now(), step);
                    last_report = Instant::now();
                    if tx
                        .send(Progress::Step {
                            step,
                            losses,
                            steps_per_sec,
                            elapsed: started.elapsed(),
                        })
                        .is_err()
                    {
                        return; // nobody listens any more
                    }
                }
                if cadence.snapshot_every > 0 && step.is_multiple_of(cadence.snapshot_every) {
                    if let Some(m) = take_snapshot(&t, &tx) {
                        watch.hold(m);
                    }
                }
            }
            Err(e) => {
                running = false;
                let _ = tx.send(Progress::Error(format!("training step failed: {e:#}")));
                let _ = tx.send(Progress::Running(false));
            }
        }
    }
}

#[cfg(test)]
mod tests;
