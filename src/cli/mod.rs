//! Command-line interface. Each subcommand lives in its own file; all the science is in the
//! library.

mod bench;
#[cfg(feature = "gui")]
mod bench_app;
mod drift;
mod eval;
mod figures;
mod fit;
mod table;
mod train;
mod train_pixel;
mod train_timed;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;

/// Without a subcommand, hnn-lab opens the interactive app.
#[derive(Parser, Debug)]
#[command(
    name = "hnn-lab",
    version,
    about = "Hamiltonian Neural Networks lab: without a subcommand, opens the interactive app"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub app: AppArgs,
}

/// The app's options (used when no subcommand is given).
#[derive(clap::Args, Debug)]
pub struct AppArgs {
    /// The scene to open.
    #[arg(long, default_value = "scenes/pixel_pendulum.ron")]
    pub scene: PathBuf,
    /// Folder of the models to load (default: models/<scene name>).
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Training device: auto, cpu or cuda.
    #[arg(long, default_value = "auto")]
    pub device: String,
    /// Render `--frames` frames, save the window to this PNG and exit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before `--screenshot` saves.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub frames: u32,
    /// Start training both models live at launch (as the Start button does).
    #[arg(long)]
    pub train: bool,
    /// Play this lesson (a lesson file names its own scene, so `--scene` is not needed).
    #[arg(long)]
    pub lesson: Option<PathBuf>,
    /// Open the help overlay at launch (as F1 does).
    #[arg(long)]
    pub show_help: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train the HNN and/or the baseline on a scene and save them.
    Train(train::TrainArgs),
    /// Print a scene's Table 1 row for its trained models.
    Eval(eval::EvalArgs),
    /// Every task in one Markdown table beside the paper's Table 1.
    Table(table::TableArgs),
    /// Draw the paper's Figure 2 panels for a scene as PNG files.
    Figures(figures::FiguresArgs),
    /// Time training steps (median ms per step after a warm-up).
    Bench(bench::BenchArgs),
    /// Energy drift of the rapier pendulum and double pendulum for several joint and time-step
    /// settings.
    Drift(drift::DriftArgs),
    /// Fit a double pendulum's constants to a recording that does not state them.
    Fit(fit::FitArgs),
    /// Per-frame cost of the app's own systems, headless, with training running.
    #[cfg(feature = "gui")]
    BenchApp(bench_app::BenchAppArgs),
}

/// Which models a command applies to.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Which {
    Hnn,
    Baseline,
    /// The Dissipative HNN.
    Dhnn,
    /// The HNN and the baseline.
    Both,
    /// All three kinds.
    All,
}

impl Which {
    pub fn kinds(self) -> Vec<ModelKind> {
        match self {
            Which::Hnn => vec![ModelKind::Hnn],
            Which::Baseline => vec![ModelKind::Baseline],
            Which::Dhnn => vec![ModelKind::Dhnn],
            Which::Both => vec![ModelKind::Baseline, ModelKind::Hnn],
            Which::All => vec![ModelKind::Baseline, ModelKind::Hnn, ModelKind::Dhnn],
        }
    }
}

/// The models a command runs on: those asked for, or else the scene's (`model.kinds`), in
/// the order baseline, HNN, D-HNN.
pub fn kinds_for(which: Option<Which>, scene: &Scene) -> Vec<ModelKind> {
    let mut k = match which {
        Some(w) => w.kinds(),
        None => scene.model.kinds.clone(),
    };
    k.sort_by_key(|k| match k {
        ModelKind::Baseline => 0,
        ModelKind::Hnn => 1,
        ModelKind::Dhnn => 2,
    });
    k
}

/// The scene's dataset (or the `--data` file's), saying in one line each what was read
/// differently from the scene (another recording's own columns, a chronological split).
pub fn dataset(scene: &Scene, data: Option<&Path>) -> Result<hnn_lab::data::Dataset> {
    let (d, notes) = hnn_lab::data::load_dataset_with_notes(scene, data)?;
    for n in notes {
        eprintln!("{n}");
    }
    Ok(d)
}

/// `models/<scene name>` next to the scene's `scenes/` folder, unless given.
pub fn models_dir(scene: &Scene, given: Option<&Path>) -> PathBuf {
    match given {
        Some(p) => p.to_path_buf(),
        None => scene
            .resolve(Path::new(".."))
            .join("models")
            .join(&scene.name),
    }
}

/// The training progress bar (hidden with `--quiet`).
pub fn progress_bar(kind: ModelKind, steps: usize, quiet: bool) -> Result<indicatif::ProgressBar> {
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(steps as u64)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{prefix:>8} [{bar:30}] {pos}/{len} {per_sec} eta {eta} {msg}",
        )?
        .progress_chars("=> "),
    );
    bar.set_prefix(kind.name());
    Ok(bar)
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Train(a)) => train::run(a),
        Some(Command::Eval(a)) => eval::run(a),
        Some(Command::Fit(a)) => fit::run(a),
        Some(Command::Table(a)) => table::run(a),
        Some(Command::Figures(a)) => figures::run(a),
        Some(Command::Bench(a)) => bench::run(a),
        Some(Command::Drift(a)) => drift::run(a),
        #[cfg(feature = "gui")]
        Some(Command::BenchApp(a)) => bench_app::run(a),
        None => run_app(cli.app),
    }
}

#[cfg(feature = "gui")]
fn run_app(a: AppArgs) -> Result<()> {
    let lab = match &a.lesson {
        Some(l) => hnn_lab::app::Lab::load_lesson(l, a.models.as_deref(), &a.device)?,
        None => hnn_lab::app::Lab::load(&a.scene, a.models.as_deref(), &a.device)?,
    };
    for (k, s) in lab.shipped.each() {
        match s {
            hnn_lab::app::ModelStatus::Loaded {
                warning: Some(w), ..
            } => eprintln!("{w}"),
            hnn_lab::app::ModelStatus::Unavailable(why) => {
                eprintln!("{}: no model loaded ({why}); train it in the app", k.name())
            }
            _ => {}
        }
    }
    hnn_lab::app::run(hnn_lab::app::RunOptions {
        lab,
        screenshot: a.screenshot.map(|p| (p, a.frames)),
        train: a.train,
        help: a.show_help,
    })
}

#[cfg(not(feature = "gui"))]
fn run_app(_: AppArgs) -> Result<()> {
    use clap::CommandFactory;
    Cli::command().print_help()?;
    anyhow::bail!(
        "this build has no app (built without the `gui` feature); use the subcommands above"
    )
}
