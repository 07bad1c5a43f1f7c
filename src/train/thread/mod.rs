//! Training on its own thread: the app sends commands (start, pause, reset, settings) and
//! receives progress and, every so often, an immutable weights snapshot to swap in. Nothing
//! here blocks the caller; dropping the handle stops the thread and joins it.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

pub use super::steppable::Steppable;
use super::LossValues;
pub use driver::Driver;

mod driver;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod wire;

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
    /// In a browser, before `Saved`: the files a save wrote, with their bytes (a Web Worker
    /// has no disk; the page keeps them and offers them as downloads).
    Files(Vec<(PathBuf, Vec<u8>)>),
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
            Progress::Files(f) => Progress::Files(f),
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
    /// In a browser: the Web Worker that trains instead of a thread (see `web`).
    #[cfg(target_arch = "wasm32")]
    worker: Option<u32>,
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
                Ok(t) => run(t, cadence, cmd_rx, out_tx),
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
        Self {
            tx,
            rx,
            join,
            #[cfg(target_arch = "wasm32")]
            worker: None,
        }
    }

    /// In a browser: the trainer `spec` describes, built and trained in a Web Worker; the
    /// handle is used as a thread's is. A worker that cannot start says why in a message.
    #[cfg(target_arch = "wasm32")]
    pub fn spawn_worker(spec: web::WorkerSpec) -> Self
    where
        S: wire::Wire,
    {
        let (tx, _) = crossbeam_channel::unbounded();
        let (out, rx) = crossbeam_channel::unbounded();
        let worker = match web::start(spec, out.clone()) {
            Ok(id) => Some(id),
            Err(e) => {
                let _ = out.send(Progress::Error(format!(
                    "cannot start the training worker ({}): {e}",
                    web::SCRIPT
                )));
                None
            }
        };
        Self {
            tx,
            rx,
            join: None,
            worker,
        }
    }

    /// A handle with no trainer whose one message is `why` (a trainer that could not even
    /// be described, e.g. its weights unreadable).
    pub fn failed(why: String) -> Self {
        let (tx, _) = crossbeam_channel::unbounded();
        let (out, rx) = crossbeam_channel::unbounded();
        let _ = out.send(Progress::Error(why));
        Self {
            tx,
            rx,
            join: None,
            #[cfg(target_arch = "wasm32")]
            worker: None,
        }
    }

    pub fn send(&self, c: Command) {
        #[cfg(target_arch = "wasm32")]
        if let Some(id) = self.worker {
            web::post(id, &c);
            return;
        }
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
        #[cfg(target_arch = "wasm32")]
        if let Some(id) = self.worker {
            web::stop(id);
        }
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

/// The thread's loop: while paused it waits for a command; while running it takes waiting
/// commands between steps. Ends on `Shutdown` or when nobody listens any more.
fn run<T: Steppable>(
    t: T,
    cadence: Cadence,
    rx: Receiver<Command>,
    tx: Sender<Progress<T::Snapshot>>,
) {
    let mut d = Driver::new(t, cadence);
    loop {
        for m in d.take() {
            if tx.send(m).is_err() {
                return;
            }
        }
        let next = if d.running() {
            rx.try_recv().ok()
        } else {
            rx.recv().ok().or(Some(Command::Shutdown))
        };
        match next {
            Some(c) => {
                if !d.command(c) {
                    return;
                }
            }
            None => d.step(),
        }
    }
}

#[cfg(test)]
mod tests;
