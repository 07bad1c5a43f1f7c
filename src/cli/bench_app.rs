//! `hnn-lab bench-app`: the per-frame cost of the app's own systems (truth step, observed
//! frames, both twins' steps and decodes, overlay data), headless, with both trainers running
//! on their background threads as they do in the app.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use clap::Args;
use serde_json::json;

use hnn_lab::app::{headless_app, Lab, TrainAction, Training};

#[derive(Args, Debug)]
pub struct BenchAppArgs {
    #[arg(long, default_value = "scenes/pixel_pendulum.ron")]
    pub scene: PathBuf,
    /// Timed frames (after 60 warm-up frames).
    #[arg(long, default_value_t = 600)]
    pub frames: usize,
    /// Measure without the trainers running.
    #[arg(long)]
    pub no_training: bool,
    /// Play this lesson meanwhile (it names its own scene): the lesson and, if it starts one,
    /// a game round are timed too.
    #[arg(long)]
    pub lesson: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: BenchAppArgs) -> Result<()> {
    let lab = match &a.lesson {
        Some(l) => Lab::load_lesson(l, None, "cpu")?,
        None => Lab::load(&a.scene, None, "cpu")?,
    };
    let mut app = headless_app(lab);
    if !a.no_training {
        app.world_mut().write_message(TrainAction::Start);
        let deadline = Instant::now() + Duration::from_secs(120);
        while !app
            .world()
            .resource::<Training>()
            .models
            .iter()
            .all(|m| m.running)
        {
            app.update();
            std::thread::sleep(Duration::from_millis(10));
            if Instant::now() > deadline {
                bail!("the trainers did not start within 120 s");
            }
            if let Some(e) = app
                .world()
                .resource::<Training>()
                .models
                .iter()
                .find_map(|m| m.error.clone())
            {
                bail!("training failed: {e}");
            }
        }
    }
    for _ in 0..60 {
        app.update();
    }
    let steps0: Vec<usize> = steps(&app);
    let start = Instant::now();
    let mut ms = Vec::with_capacity(a.frames);
    for _ in 0..a.frames {
        let t = Instant::now();
        app.update();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
        // Frames come at 60 Hz in the app; the trainers use the time in between.
        std::thread::sleep(Duration::from_secs_f64(1.0 / 60.0).saturating_sub(t.elapsed()));
    }
    let wall = start.elapsed().as_secs_f64();
    let trained: Vec<f64> = steps(&app)
        .iter()
        .zip(&steps0)
        .map(|(b, a)| (b - a) as f64 / wall)
        .collect();
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    let (median, p95, max) = (q(0.5), q(0.95), ms[ms.len() - 1]);
    if a.json {
        println!(
            "{}",
            json!({"frame_ms_median": median, "frame_ms_p95": p95, "frame_ms_max": max,
                   "frames": a.frames, "training": !a.no_training,
                   "train_steps_per_s": trained})
        );
    } else {
        println!(
            "app systems per frame over {} frames ({}): median {median:.3} ms, p95 {p95:.3} ms, max {max:.3} ms",
            a.frames,
            if a.no_training { "no training" } else { "both trainers running" }
        );
        if !a.no_training {
            println!(
                "training meanwhile: HNN {:.1} steps/s, baseline {:.1} steps/s",
                trained[0], trained[1]
            );
        }
    }
    Ok(())
}

fn steps(app: &bevy::app::App) -> Vec<usize> {
    app.world()
        .resource::<Training>()
        .models
        .iter()
        .map(|m| m.step)
        .collect()
}
