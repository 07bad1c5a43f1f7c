//! `hnn-lab bench-app`: the per-frame cost of the app's own systems (truth step, observed
//! frames, both twins' steps and decodes, overlay data), headless, with both trainers running
//! on their background threads as they do in the app. With `--windows` and `--retrain-every`
//! it is a soak run: the frames are reported window by window with the process's resident
//! memory, and the rapier pendulum is given new physics and retrained now and then, so a
//! growing cost or a leak shows as a trend across the windows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use clap::Args;
use serde_json::json;

use hnn_lab::app::{headless_app, Lab, LabAction, TrainAction, Training};

#[derive(Args, Debug)]
pub struct BenchAppArgs {
    #[arg(long, default_value = "scenes/pixel_pendulum.ron")]
    pub scene: PathBuf,
    /// Timed frames (after 60 warm-up frames).
    #[arg(long, default_value_t = 600, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000_000))]
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
    /// Report the timed frames in this many equal windows (median, p95, resident memory).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub windows: u64,
    /// Every this many timed frames, new physics (gravity 9.81 m/s² + 0.1 per retrain) and a
    /// retrain from the twins' weights on it (0: never). Rapier-pendulum scenes only.
    #[arg(long, default_value_t = 0)]
    pub retrain_every: usize,
    /// Do not pace the frames at 60 Hz: a long run in less time (the trainers then get less
    /// time per frame than in the app).
    #[arg(long)]
    pub unpaced: bool,
}

/// One window of a soak run.
struct Window {
    median: f64,
    p95: f64,
    max: f64,
    rss_mib: f64,
    steps: Vec<usize>,
}

/// The process's resident memory (MiB), from `/proc/self/statm`; 0 where there is none.
fn rss_mib() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    // SAFETY: sysconf reads a constant of the running system.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as f64;
    pages * page / (1024.0 * 1024.0)
}

fn quantiles(ms: &mut [f64]) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let q = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    (q(0.5), q(0.95), ms[ms.len() - 1])
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
    let physics = match &app.world().resource::<Lab>().scene.system {
        hnn_lab::scene::SystemSpec::RapierPendulum(p) => Some(*p),
        _ => None,
    };
    if a.retrain_every > 0 && physics.is_none() {
        bail!("--retrain-every: only rapier-pendulum scenes can be given new physics");
    }
    // Steps trained during the timed frames, summed across retrains (a new trainer counts
    // from 0 again).
    let mut last = steps(&app);
    let mut done = vec![0usize; last.len()];
    let start = Instant::now();
    let mut all = Vec::with_capacity(a.frames);
    let mut window = Vec::new();
    let mut windows: Vec<Window> = Vec::new();
    let per_window = a.frames.div_ceil(a.windows as usize);
    let mut retrains = 0;
    for frame in 0..a.frames {
        if a.retrain_every > 0 && frame > 0 && frame % a.retrain_every == 0 {
            if let Some(mut p) = physics {
                retrains += 1;
                p.gravity = 9.81 + 0.1 * retrains as f64;
                app.world_mut().write_message(LabAction::SetPhysics(
                    hnn_lab::scene::SystemSpec::RapierPendulum(p),
                ));
                app.world_mut().write_message(TrainAction::Retrain {
                    from_scratch: false,
                });
            }
        }
        let t = Instant::now();
        app.update();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        all.push(ms);
        window.push(ms);
        for ((d, l), now) in done.iter_mut().zip(last.iter_mut()).zip(steps(&app)) {
            *d += if now >= *l { now - *l } else { now };
            *l = now;
        }
        // Frames come at 60 Hz in the app; the trainers use the time in between.
        if !a.unpaced {
            std::thread::sleep(Duration::from_secs_f64(1.0 / 60.0).saturating_sub(t.elapsed()));
        }
        if window.len() == per_window || frame + 1 == a.frames {
            let (median, p95, max) = quantiles(&mut window);
            windows.push(Window {
                median,
                p95,
                max,
                rss_mib: rss_mib(),
                steps: done.clone(),
            });
            window.clear();
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let trained: Vec<f64> = done.iter().map(|d| *d as f64 / wall).collect();
    let (median, p95, max) = quantiles(&mut all);
    if a.json {
        if a.windows > 1 {
            for (i, w) in windows.iter().enumerate() {
                println!(
                    "{}",
                    json!({"window": i, "frame_ms_median": w.median, "frame_ms_p95": w.p95,
                           "frame_ms_max": w.max, "rss_mib": w.rss_mib, "steps": w.steps})
                );
            }
        }
        println!(
            "{}",
            json!({"frame_ms_median": median, "frame_ms_p95": p95, "frame_ms_max": max,
                   "frames": a.frames, "training": !a.no_training, "retrains": retrains,
                   "rss_mib": rss_mib(), "train_steps_per_s": trained})
        );
    } else {
        if a.windows > 1 {
            println!("window  median ms  p95 ms  max ms  resident MiB  steps trained so far");
            for (i, w) in windows.iter().enumerate() {
                println!(
                    "{i:>6}  {:>9.3}  {:>6.3}  {:>6.2}  {:>12.1}  {:?}",
                    w.median, w.p95, w.max, w.rss_mib, w.steps
                );
            }
        }
        println!(
            "app systems per frame over {} frames ({}): median {median:.3} ms, p95 {p95:.3} ms, max {max:.3} ms",
            a.frames,
            if a.no_training { "no training" } else { "both trainers running" }
        );
        if !a.no_training {
            println!(
                "training meanwhile: HNN {:.1} steps/s, baseline {:.1} steps/s; {retrains} retrains",
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
