use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde_json::json;

use hnn_lab::eval::pixel::{evaluate_pixel, PixelEvalSet, PixelMetrics};
use hnn_lab::eval::{evaluate, ModelMetrics};
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;
use hnn_lab::train::{load_pixel_model, load_snapshot};

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub scene: PathBuf,
    /// Folder of trained models (default: models/<scene name>).
    #[arg(long)]
    pub models: Option<PathBuf>,
    /// Data file replacing a recorded scene's.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// End with one line of JSON.
    #[arg(long)]
    pub json: bool,
    /// Which models (default: the scene's `model.kinds`).
    #[arg(long, value_enum)]
    pub model: Option<super::Which>,
}

/// Metrics of the scene's models (`kinds`, in that order).
pub fn evaluate_scene(
    scene: &Scene,
    models: &std::path::Path,
    data: Option<&std::path::Path>,
    kinds: &[ModelKind],
) -> Result<Vec<(ModelKind, ModelMetrics)>> {
    let dataset = super::dataset(scene, data)?;
    let one = |kind| -> Result<(ModelKind, ModelMetrics)> {
        let (snap, warning) = load_snapshot(models, kind, scene)?;
        if let Some(w) = warning {
            eprintln!("{w}");
        }
        Ok((kind, evaluate(scene, &dataset, &snap)?))
    };
    kinds.iter().map(|&k| one(k)).collect()
}

/// Task 5 metrics of a pixel scene's models (`kinds`, in that order).
pub fn evaluate_pixel_scene(
    scene: &Scene,
    models: &std::path::Path,
    kinds: &[ModelKind],
) -> Result<Vec<(ModelKind, PixelMetrics)>> {
    let hnn_lab::scene::SystemSpec::RapierPendulum(phys) = scene.system else {
        anyhow::bail!("scene {} is not a pixel task", scene.source.display());
    };
    let data = super::train_pixel::pixel_dataset(scene)?;
    let set = PixelEvalSet::new(&data, phys)?;
    let dev = candle_core::Device::Cpu;
    let one = |kind| -> Result<(ModelKind, PixelMetrics)> {
        let (model, snap, warning) = load_pixel_model(models, kind, scene, &dev)?;
        if let Some(w) = warning {
            eprintln!("{w}");
        }
        Ok((kind, evaluate_pixel(&model, &snap, &set, &dev)?))
    };
    kinds.iter().map(|&k| one(k)).collect()
}

fn run_pixel(scene: &Scene, dir: &std::path::Path, kinds: &[ModelKind], json: bool) -> Result<()> {
    let rows = evaluate_pixel_scene(scene, dir, kinds)?;
    println!(
        "{}: Task 5 metrics (losses x1e-3; energy MSE in J² x1e-3; ± standard error)",
        scene.name
    );
    println!("| model | train loss | test loss | energy MSE | pixel MSE @10 | @50 | @100 |");
    println!("|---|---|---|---|---|---|---|");
    for (kind, m) in &rows {
        let [train, test, energy] = m.table.cells().map(|(v, s)| milli(v, s));
        println!(
            "| {} | {train} | {test} | {energy} | {:.4} | {:.4} | {:.4} |",
            kind.name(),
            m.pixel_mse_10,
            m.pixel_mse_50,
            m.pixel_mse_100
        );
    }
    for (kind, m) in &rows {
        println!(
            "{}: pixel MSE on 10 trials of 302 frames at 100 / 200 / 300 frames: {:.4} / {:.4} / {:.4}",
            kind.name(),
            m.long_pixel_mse_100,
            m.long_pixel_mse_200,
            m.long_pixel_mse_300
        );
    }
    // Where the phase goes: angle error at 100 / 200 / 300 frames per long trial.
    for (kind, m) in &rows {
        let cells: Vec<String> = m
            .long_angle_errors
            .iter()
            .map(|(a, e)| format!("{a:.2}: {:+.2}/{:+.2}/{:+.2}", e[0], e[1], e[2]))
            .collect();
        println!(
            "{} angle error (rad) at 100/200/300 frames, by trial amplitude: {}",
            kind.name(),
            cells.join(", ")
        );
    }
    println!(
        "Reading the true frames themselves scores an energy MSE of {} x1e-3 J² (the metric's floor).",
        sig3(rows[0].1.energy_floor * 1e3)
    );
    for (kind, m) in &rows {
        println!(
            "{}: VPT on frames {:.3} ± {:.3} of the test trials' 102 pairs; latent R² {:.4}",
            kind.name(),
            m.table.vpt,
            m.table.vpt_sem,
            m.latent_r2
        );
    }
    for (kind, m) in &rows {
        if let Some(p) = m.table.power_mse {
            println!(
                "{}: power error (W², mean power over {}-frame windows read off frames) {}",
                kind.name(),
                hnn_lab::eval::pixel::POWER_WINDOW_FRAMES,
                sig3(p)
            );
        }
    }
    if json {
        let mut obj = json!({ "scene": scene.name });
        for (kind, m) in &rows {
            obj[kind.name()] = serde_json::to_value(m)?;
        }
        println!("{obj}");
    }
    Ok(())
}

pub fn run(a: EvalArgs) -> Result<()> {
    let scene = Scene::load(&a.scene)?;
    let dir = super::models_dir(&scene, a.models.as_deref());
    if matches!(scene.data, hnn_lab::scene::DataSpec::Pixels(_)) {
        anyhow::ensure!(
            a.data.is_none(),
            "--data: scene {} renders its own frames",
            a.scene.display()
        );
        let kinds = super::kinds_for(a.model, &scene);
        return run_pixel(&scene, &dir, &kinds, a.json);
    }
    let kinds = super::kinds_for(a.model, &scene);
    let rows = evaluate_scene(&scene, &dir, a.data.as_deref(), &kinds)?;
    println!(
        "{}: Table 1 metrics (x1e-3, data units; ± standard error)",
        scene.name
    );
    println!("| model | train loss | test loss | energy MSE | VPT | state MSE | power error |");
    println!("|---|---|---|---|---|---|---|");
    for (kind, m) in &rows {
        let [train, test, energy] = m.cells().map(|(v, s)| milli(v, s));
        let power = match (m.power_mse, m.learned_power_mse) {
            (Some(f), Some(l)) => format!("{} (learned {})", sig3(f * 1e3), sig3(l * 1e3)),
            (Some(f), None) => sig3(f * 1e3),
            _ => "–".into(),
        };
        println!(
            "| {} | {train} | {test} | {energy} | {:.3} ± {:.3} | {} | {power} |",
            kind.name(),
            m.vpt,
            m.vpt_sem,
            milli(m.state_mse, m.state_mse_sem)
        );
    }
    if a.json {
        let mut obj = json!({ "scene": scene.name });
        for (kind, m) in &rows {
            obj[kind.name()] = serde_json::to_value(m)?;
        }
        println!("{obj}");
    }
    Ok(())
}

/// `value ± sem` in units of 1e-3 with three significant digits.
pub fn milli(v: f64, sem: f64) -> String {
    scaled(v, sem, 3)
}

/// `value ± sem` in units of 10^-`exp` with three significant digits.
pub fn scaled(v: f64, sem: f64, exp: i32) -> String {
    let k = 10f64.powi(exp);
    format!("{} ± {}", sig3(v * k), sig3(sem * k))
}

pub fn sig3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
