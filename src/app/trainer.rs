//! The bridge to live training: one trainer thread per model (HNN, baseline), commands in,
//! progress and weight snapshots out. Polled once per frame without blocking; new weights go
//! straight into the twins. Dropping the bridge (closing the window) stops the threads.
//!
//! Pixel models continue from the loaded weights; the low-dimensional ones (a few seconds to
//! train) start from scratch.

use super::loss_history::{push_bounded, MAX_LOSS_POINTS};
use super::spawn_trainer::{spawn_trainer, AnyHandle, Init, TrainSettings};
use std::time::Duration;

use bevy::prelude::*;

use super::game::GameRound;
use super::lab::{Lab, ModelStatus, Physics, Task};
use super::messages::{TrainAction, TwinsSynced};
use super::per_model::PerModel;
use super::sim::Truth;
use super::spine::Frame;
use super::twins::{swap_weights, Twins};
use crate::nn::ModelKind;
use crate::train::thread::{Cadence, Command, Progress, ThreadOptions};
use crate::train::LossValues;
use crate::twin::{Twin, TwinWeights};

/// One model's trainer as the panel sees it.
#[derive(Default)]
pub struct TrainerView {
    pub handle: Option<AnyHandle>,
    pub ready: bool,
    pub running: bool,
    pub device: String,
    pub step: usize,
    pub steps_per_sec: f64,
    pub elapsed: Duration,
    /// (step, losses) as reported, for the loss curves; at most `MAX_LOSS_POINTS`, older
    /// stretches thinned (see `push_bounded`), so a long run's plot costs the same per frame.
    pub losses: Vec<(usize, LossValues)>,
    pub error: Option<String>,
    pub note: Option<String>,
    /// A reset was asked for: progress from before it is dropped until it is done.
    pub resetting: bool,
    /// The physics this trainer learns (its weights, once in a twin, are trained on them).
    pub learns: Option<Physics>,
    /// Weights that arrived during a game round, swapped in when it ends (new weights
    /// re-sync a twin, which would help it in the round).
    pub pending: Option<TwinWeights>,
    /// A save was asked for and has not answered yet (in a browser the folder is offered
    /// for download once both models have saved into it).
    pub saving: bool,
}

#[derive(Resource)]
pub struct Training {
    pub models: PerModel<TrainerView>,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub cadence: Cadence,
    pub options: ThreadOptions,
    /// In a browser: the folder a model has saved into, offered for download once the
    /// other model's save has answered too.
    #[cfg(target_arch = "wasm32")]
    pub saved: Option<std::path::PathBuf>,
}

impl Training {
    /// What a new trainer is started with.
    fn settings(&self) -> TrainSettings {
        TrainSettings {
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            cadence: self.cadence,
            options: self.options,
        }
    }

    pub fn any_running(&self) -> bool {
        self.models.iter().any(|m| m.running)
    }
}

pub(super) fn plugin(app: &mut App) {
    let lab = app.world().resource::<Lab>().clone();
    app.insert_resource(Training {
        models: PerModel::from_fn(lab.kinds(), |_| TrainerView::default()),
        learning_rate: lab.scene.train.learning_rate,
        batch_size: lab.scene.train.batch_size.unwrap_or(200),
        cadence: Cadence {
            report_every: Duration::from_millis(250),
            snapshot_every: 100,
        },
        // One rayon thread each, at a lower priority: two trainers leave the frame its core.
        options: ThreadOptions {
            threads: 1,
            nice: 10,
        },
        #[cfg(target_arch = "wasm32")]
        saved: None,
    })
    // After the lab's own actions (`Frame::Train`): a new physics and a retrain in one frame
    // train on the new physics.
    .add_systems(PreUpdate, apply_train_actions.in_set(Frame::Train))
    .add_systems(Update, poll_trainers);
}

fn apply_train_actions(
    mut actions: MessageReader<TrainAction>,
    mut training: ResMut<Training>,
    mut lab: ResMut<Lab>,
    mut twins: ResMut<Twins>,
    truth: Res<Truth>,
) {
    for a in actions.read() {
        match a {
            TrainAction::Start => {
                for kind in lab.kinds().to_vec() {
                    let i = kind;
                    if training.models[i].handle.is_none() {
                        let h =
                            spawn_trainer(&lab, kind, shipped_init(&lab, i), &training.settings());
                        let m = &mut training.models[i];
                        *m = TrainerView {
                            handle: Some(h),
                            note: Some("preparing data and model…".into()),
                            // A new trainer learns the truth's physics as they are now.
                            learns: Some(lab.physics()),
                            ..Default::default()
                        };
                    }
                    send(&training.models[i], Command::Start);
                }
            }
            TrainAction::Pause => training.models.iter().for_each(|m| send(m, Command::Pause)),
            TrainAction::ResetFromScratch => {
                for kind in lab.kinds().to_vec() {
                    let i = kind;
                    if training.models[i].handle.is_none() {
                        let h = spawn_trainer(&lab, kind, Init::Scratch, &training.settings());
                        training.models[i].handle = Some(h);
                        training.models[i].learns = Some(lab.physics());
                    }
                    let m = &mut training.models[i];
                    m.losses.clear();
                    m.step = 0;
                    m.error = None;
                    m.resetting = true;
                    m.note = Some("reset to random weights".into());
                    send(m, Command::Reset);
                }
            }
            TrainAction::LoadShipped => {
                lab.reload();
                lab.trained_on = lab.shipped_on.clone();
                let obs = truth.0.observe();
                for kind in lab.kinds().to_vec() {
                    let i = kind;
                    // A running trainer would overwrite the twin with its own weights:
                    // restart it from the shipped ones.
                    let old = training.models[i].handle.take();
                    let restart = old.is_some();
                    let was_running = training.models[i].running;
                    // Stopping joins the thread, which may be mid-step or still making its
                    // data: let another thread wait for that, not the frame.
                    super::background(move || drop(old));
                    match lab.shipped[i].clone() {
                        ModelStatus::Loaded { weights, .. } => {
                            swap_weights(&mut twins, i, weights, &obs);
                            let shipped = lab.shipped_on.clone();
                            lab.set_learned(i, shipped);
                            let scale = lab.dissipation_scale(i);
                            if let Some(t) = twins.0[i].as_mut() {
                                t.set_dissipation_scale(scale);
                            }
                            training.models[i] = TrainerView {
                                note: Some(format!("loaded {}", lab.models_dir.display())),
                                learns: Some(lab.physics()),
                                ..Default::default()
                            };
                            if restart {
                                let h = spawn_trainer(
                                    &lab,
                                    kind,
                                    shipped_init(&lab, i),
                                    &training.settings(),
                                );
                                if was_running {
                                    h.send(Command::Start);
                                }
                                training.models[i].handle = Some(h);
                            }
                        }
                        ModelStatus::Unavailable(why) => {
                            // The trainer is gone with its state; the twin keeps its weights.
                            training.models[i] = TrainerView {
                                error: Some(why),
                                ..Default::default()
                            };
                        }
                        // Loaded when it has come (`model_arrival`).
                        ModelStatus::Loading { .. } => {
                            training.models[i] = TrainerView {
                                note: Some("the shipped model is still loading".into()),
                                ..Default::default()
                            };
                        }
                    }
                }
            }
            TrainAction::Save => {
                let dir = lab.save_dir.clone();
                for m in &mut training.models {
                    if m.handle.is_some() {
                        m.saving = true;
                        send(m, Command::Save(dir.clone()));
                    } else {
                        m.note = Some("nothing trained yet to save".into());
                    }
                }
            }
            TrainAction::SetLearningRate(lr) => {
                training.learning_rate = *lr;
                training
                    .models
                    .iter()
                    .for_each(|m| send(m, Command::SetLearningRate(*lr)));
            }
            TrainAction::Retrain { from_scratch } => {
                // The (q, p) trainers always start from scratch (as `Start` does there).
                let from_scratch = *from_scratch || lab.pixels().is_none();
                for kind in lab.kinds().to_vec() {
                    let i = kind;
                    let init = match (&twins.0[i], from_scratch) {
                        (Some(Twin::Pixel(t)), false) => match t.model.to_tensors() {
                            Ok(tensors) => Init::Tensors(tensors),
                            Err(_) => Init::Scratch,
                        },
                        _ => Init::Scratch,
                    };
                    let old = training.models[i].handle.take();
                    super::background(move || drop(old));
                    let h = spawn_trainer(&lab, kind, init, &training.settings());
                    h.send(Command::Start);
                    training.models[i] = TrainerView {
                        handle: Some(h),
                        learns: Some(lab.physics()),
                        note: Some(format!(
                            "new data on the new physics, {}…",
                            if from_scratch {
                                "from scratch"
                            } else {
                                "from the current weights"
                            }
                        )),
                        ..Default::default()
                    };
                }
            }
            TrainAction::SetBatchSize(b) => {
                training.batch_size = *b;
                training
                    .models
                    .iter()
                    .for_each(|m| send(m, Command::SetBatchSize(*b)));
            }
        }
    }
}

/// Continue from the shipped weights where they loaded, else from scratch.
fn shipped_init(lab: &Lab, kind: ModelKind) -> Init {
    match (&lab.task, &lab.shipped[kind]) {
        (Task::Pixels { .. }, ModelStatus::Loaded { .. }) => Init::Shipped,
        _ => Init::Scratch,
    }
}

fn send(m: &TrainerView, c: Command) {
    if let Some(h) = &m.handle {
        h.send(c);
    }
}

fn poll_trainers(
    mut training: ResMut<Training>,
    mut twins: ResMut<Twins>,
    truth: Res<Truth>,
    mut lab: ResMut<Lab>,
    game: Res<GameRound>,
    mut synced: MessageWriter<TwinsSynced>,
) {
    let mut obs = None;
    let mut saved = None;
    for (i, m) in training.models.each_mut() {
        let Some(h) = &m.handle else { continue };
        let mut dead = false;
        for msg in h.drain() {
            match msg {
                Progress::Ready(dev) => {
                    m.ready = true;
                    m.device = dev;
                    m.note = None;
                }
                Progress::Step { .. } if m.resetting => {}
                Progress::Step {
                    step,
                    losses,
                    steps_per_sec,
                    elapsed,
                } => {
                    m.step = step;
                    m.steps_per_sec = steps_per_sec;
                    m.elapsed = elapsed;
                    push_bounded(&mut m.losses, (step, losses), MAX_LOSS_POINTS);
                }
                Progress::Snapshot { step, weights } => {
                    if m.resetting && step != 0 {
                        continue; // from before the reset
                    }
                    m.resetting = false;
                    m.step = step;
                    m.pending = Some((*weights).clone());
                }
                Progress::Running(r) => {
                    m.running = r;
                    // Training again: an old failure no longer describes this trainer.
                    if r {
                        m.error = None;
                    }
                }
                Progress::Saved(dir) => {
                    m.note = Some(format!("saved to {}", dir.display()));
                    m.saving = false;
                    saved = Some(dir);
                }
                // In a browser: what the worker's save wrote, kept by the page.
                #[cfg(target_arch = "wasm32")]
                Progress::Files(files) => super::web_saves::keep(&files),
                #[cfg(not(target_arch = "wasm32"))]
                Progress::Files(_) => {}
                // Only `Running` says whether it trains (a failed save does not stop it).
                Progress::Error(e) => {
                    // A save's own failure answers it (other errors leave it pending).
                    if e.starts_with("save to ") {
                        m.saving = false;
                    }
                    dead |= !m.ready; // the trainer could not be built: the thread has ended
                    m.error = Some(e);
                }
                Progress::Ended(e) => {
                    dead = true;
                    m.saving = false;
                    m.running = false;
                    m.error = Some(e);
                }
            }
        }
        if dead {
            // Let Start build it again.
            m.handle = None;
            m.note = None;
        }
        // New weights go in now, or after the game round being played.
        if game.active().is_none() {
            if let Some(w) = m.pending.take() {
                let o = obs.get_or_insert_with(|| truth.0.observe());
                if twins.0[i].is_none() {
                    synced.write(TwinsSynced(Some(i))); // a new twin, made on the truth
                }
                swap_weights(&mut twins, i, w, o);
                if let Some(physics) = m.learns.clone() {
                    lab.set_learned(i, physics);
                }
                // Weights trained on the truth's friction need no scaling (or the old one).
                let scale = lab.dissipation_scale(i);
                if let Some(t) = twins.0[i].as_mut() {
                    t.set_dissipation_scale(scale);
                }
            }
        }
    }
    // In a browser: the saved folder as downloads, once every model asked has answered
    // (and at least one has saved).
    #[cfg(target_arch = "wasm32")]
    {
        if saved.is_some() {
            training.saved = saved;
        }
        if training.models.iter().all(|m| !m.saving) {
            if let Some(dir) = training.saved.take() {
                super::web_saves::download_folder(&dir);
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = saved;
}
