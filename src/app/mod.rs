//! The interactive lab: the truth (a pendulum, a double pendulum, orbiting bodies) and its
//! learned twins side by side, trained live, with energy and phase-space overlays. One plugin per feature; all the science is in the
//! core, which these plugins only drive.
//!
//! `LabPlugin` is the headless part (simulation, twins, actions, training bridge, overlay data)
//! and runs under `MinimalPlugins` in tests and the frame-cost benchmark; `run` adds the
//! window, the views and the panels.
//!
//! One frame, in order (the sets are chained once, in `spine`; the messages are in
//! `messages`, so a feature names what it sends, not who reads it):
//!
//! 1. `Update` (previous frame) and the panels: keys, mouse and buttons send `LabAction`,
//!    `TrainAction`, `GameAction`, `LessonCommand`.
//! 2. `PreUpdate`: `Frame::Arrive` — in a web page, shipped models that came are loaded;
//!    `Frame::Script` — the lesson player turns due cues into the same messages;
//!    `Frame::Rules` — the game starts or ends rounds and judges every `LabAction`, letting
//!    through `Allowed` ones (a round fixes the kick size and refuses help); `Frame::Apply`
//!    — `actions` applies what was allowed to the truth, the twins and the clock;
//!    `Frame::Track` — after a sync the divergence clocks and sections start again;
//!    `Frame::Train` — the trainers take their commands.
//! 3. `FixedUpdate` (as often as the clock says): `SimStep::Truth`, then `SimStep::Twins`,
//!    then `SimStep::Record` (the clocks and Poincaré sections read both).
//! 4. `Update`: trainer progress and weight snapshots reach the twins.
//! 5. `PostUpdate`: `PostStep::ReadTwins` — the twins' observed state and energy;
//!    `PostStep::Show` — the game's clock, the overlays' series and portraits, the pendulums.

mod actions;
mod capture;
mod frames_and_bars;
pub mod game;
mod input;
pub mod instruments;
pub mod lab;
mod lab_files;
pub mod lesson;
mod loss_history;
mod messages;
mod model_arrival;
mod overlay;
mod per_model;
mod physics_state;
mod sim;
mod spawn_trainer;
mod spine;
mod thermal;
mod tracking;
mod trails;
mod trainer;
mod twins;
mod ui;
mod view;
#[cfg(target_arch = "wasm32")]
mod web_page;
#[cfg(target_arch = "wasm32")]
mod web_saves;
#[cfg(target_arch = "wasm32")]
pub mod web_start;

use std::path::PathBuf;

use anyhow::Result;
use bevy::prelude::*;

pub use lab::{Lab, ModelStatus, Task, FIELD_DT};
pub use messages::{
    Allowed, GameAction, LabAction, LastAction, LessonCommand, TrainAction, TwinsSynced,
};
pub use overlay::{latent_portrait, Portrait, Portraits, Sample, Series};
pub use per_model::{PerModel, BASELINE, HNN};
pub use sim::{SimControl, Truth, RATES};
pub use spine::{Frame, PostStep, SimStep};
pub use thermal::Thermal;
pub use tracking::{Clocks, Sections};
pub use trainer::{TrainerView, Training};
pub use twins::{Observed, Readout, Readouts, TwinIntegration, Twins};

/// The app in a browser (called by the page through `web_start::start` once the files the
/// scene cannot start without have come): the scene or lesson the page's address names (the
/// pixel pendulum if none), its shipped models loading as they come. An error is shown on
/// the page.
#[cfg(target_arch = "wasm32")]
pub fn run_web() {
    let run_it = || -> Result<()> {
        let page = web_page::page_options()?;
        let lab = if page.lesson {
            Lab::load_lesson(&page.scene, None, "cpu")?
        } else {
            Lab::load(&page.scene, None, "cpu")?
        };
        run(RunOptions {
            lab,
            screenshot: None,
            train: page.train,
            help: false,
        })
    };
    if let Err(e) = run_it() {
        bevy::log::error!("hnn-lab: {e:#}");
        web_page::show_on_page(&format!("hnn-lab could not start: {e:#}"));
    }
}

/// Runs `job` off the frame's thread (natively), or at once where threads cannot start (a
/// browser's main thread): for small jobs that only must not hold up a frame natively.
pub(crate) fn background(job: impl FnOnce() + Send + 'static) {
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::spawn(job);
    #[cfg(target_arch = "wasm32")]
    job();
}

/// The simulation, the twins and the training bridge, without any window.
pub struct LabPlugin(pub Lab);

impl Plugin for LabPlugin {
    fn build(&self, app: &mut App) {
        let truth = self
            .0
            .make_truth()
            .expect("Lab::load built this truth once already");
        app.insert_resource(self.0.clone())
            .insert_resource(sim::Truth(truth));
        // The frame's order and the messages, then the features. A feature reads only the lab
        // and the truth inserted above and inserts its own resources from them, and orders its
        // systems by the spine's sets, so the features may come in any order.
        app.add_plugins((
            spine::plugin,
            messages::plugin,
            sim::plugin,
            twins::plugin,
            game::plugin,
            lesson::plugin,
            actions::plugin,
            trainer::plugin,
            overlay::plugin,
            tracking::plugin,
            thermal::plugin,
            instruments::plugin,
            model_arrival::plugin,
        ));
    }
}

/// Starts the trainers, or, while shipped models are still loading (a web page), has them
/// start once they have (from their weights, not from scratch).
pub fn start_training(app: &mut App) {
    if model_arrival::any_loading(app.world().resource::<Lab>()) {
        app.insert_resource(model_arrival::StartWhenLoaded(true));
    } else {
        app.world_mut().write_message(TrainAction::Start);
    }
}

/// The lab without a window, stepping 1/60 s of virtual time per `update()` (for tests and
/// the frame-cost benchmark).
pub fn headless_app(lab: Lab) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_secs_f64(1.0 / 60.0),
        ))
        .add_plugins(LabPlugin(lab));
    app.finish();
    app.cleanup();
    app
}

/// How the app was asked to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub lab: Lab,
    /// Render this many frames, save the window to this PNG, and exit.
    pub screenshot: Option<(PathBuf, u32)>,
    /// Start live training at once.
    pub train: bool,
    /// Open the help overlay at once.
    pub help: bool,
}

/// Opens the window and runs until it is closed.
pub fn run(opts: RunOptions) -> Result<()> {
    // The windowing library panics without a display; say what to do instead.
    #[cfg(target_os = "linux")]
    if ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .all(|v| std::env::var_os(v).is_none_or(|d| d.is_empty()))
    {
        anyhow::bail!(
            "no display: the app needs a window (DISPLAY or WAYLAND_DISPLAY); on a machine \
             without one, run it under xvfb-run, or use the headless commands (hnn-lab train, \
             eval, figures, bench-app)"
        );
    }
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: format!("hnn-lab — {}", opts.lab.scene.name),
                    resolution: (1280, 760).into(),
                    // In a browser: the page's canvas, as large as its container.
                    #[cfg(target_arch = "wasm32")]
                    canvas: Some("#bevy".into()),
                    #[cfg(target_arch = "wasm32")]
                    fit_canvas_to_parent: true,
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "warn,hnn_lab=info".into(),
                ..default()
            }),
    )
    .add_plugins(bevy_egui::EguiPlugin::default())
    .insert_resource(ClearColor(Color::srgb(0.08, 0.09, 0.11)))
    .add_plugins(LabPlugin(opts.lab))
    .add_plugins((
        view::plugin,
        frames_and_bars::plugin,
        trails::plugin,
        ui::plugin,
        input::plugin,
        capture::plugin,
    ));
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web_page::plugin);
    if opts.train {
        start_training(&mut app);
    }
    if opts.help {
        app.insert_resource(ui::HelpOpen(true));
    }
    if let Some((path, frames)) = opts.screenshot {
        app.insert_resource(capture::ScreenshotAndExit { path, frames });
    }
    match app.run() {
        AppExit::Success => Ok(()),
        AppExit::Error(code) => anyhow::bail!("the app exited with code {code}"),
    }
}
