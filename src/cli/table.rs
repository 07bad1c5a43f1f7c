use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use hnn_lab::data::load_dataset;
use hnn_lab::device;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;

use super::eval::{evaluate_scene, milli};

#[derive(Args, Debug)]
pub struct TableArgs {
    /// Retrain every model from its scene first (overwrites models/).
    #[arg(long)]
    pub retrain: bool,
    /// Folder holding the scene files.
    #[arg(long, default_value = "scenes")]
    pub scenes: PathBuf,
    #[arg(long, default_value = "auto")]
    pub device: String,
}

/// The paper's Table 1 (Greydanus et al. 2019), ×10⁻³: (train, test, energy) as
/// [baseline, hnn] strings.
const PAPER: &[(&str, &str, [&str; 6])] = &[
    (
        "spring",
        "Ideal mass-spring",
        [
            "37 ± 2",
            "37 ± 2",
            "37 ± 2",
            "36 ± 2",
            "170 ± 20",
            "0.38 ± 0.1",
        ],
    ),
    (
        "pendulum",
        "Ideal pendulum",
        ["33 ± 2", "33 ± 2", "35 ± 2", "35 ± 2", "42 ± 10", "25 ± 5"],
    ),
    (
        "real_pendulum",
        "Real pendulum",
        [
            "2.7 ± 0.2",
            "9.2 ± 0.5",
            "2.2 ± 0.3",
            "6.0 ± 0.6",
            "390 ± 70",
            "14 ± 5",
        ],
    ),
];

pub fn run(a: TableArgs) -> Result<()> {
    let dev = device::select(&a.device)?;
    println!("| Task | | Train loss: baseline | HNN | Test loss: baseline | HNN | Energy MSE: baseline | HNN |");
    println!("|---|---|---|---|---|---|---|---|");
    for (file, title, paper) in PAPER {
        let path = a.scenes.join(format!("{file}.ron"));
        let scene = Scene::load(&path)?;
        let dir = super::models_dir(&scene, None);
        if a.retrain {
            let data = load_dataset(&scene, None)?;
            for kind in [ModelKind::Baseline, ModelKind::Hnn] {
                super::train::train_one(&scene, &data, kind, &dev, &dir, false)?;
            }
        }
        let [(_, b), (_, h)] = evaluate_scene(&scene, &dir, None)?;
        println!("{}", row(title, b.cells(), h.cells()));
        println!("| | paper | {} |", paper.join(" | "));
    }
    let path = a.scenes.join("pixel_pendulum.ron");
    let scene = Scene::load(&path)?;
    let dir = super::models_dir(&scene, None);
    if a.retrain {
        let data = super::train_pixel::pixel_dataset(&scene)?;
        for kind in [ModelKind::Baseline, ModelKind::Hnn] {
            super::train_pixel::train_one(&scene, data.clone(), kind, &dev, &dir, false)?;
        }
    }
    let [(_, b), (_, h)] = super::eval::evaluate_pixel_scene(&scene, &dir)?;
    println!(
        "{}",
        row("Pixel pendulum", b.table.cells(), h.table.cells())
    );
    println!("| | paper | 18 ± 0.2 | 19 ± 0.2 | 17 ± 0.3 | 18 ± 0.3 | 9.3 ± 1 | 0.15 ± 0.01 |");
    println!(
        "\nAll values ×10⁻³, ± standard error; protocol in README.md. Pixel pendulum: losses on our \
         frames and energy in J² read off decoded frames, so compare ratios with the paper's \
         (baseline/HNN energy: ours {:.0}×, paper 62×).",
        b.table.energy_mse / h.table.energy_mse
    );
    Ok(())
}

/// One Markdown row: (value, sem) of train loss, test loss and energy MSE per model.
fn row(title: &str, b: [(f64, f64); 3], h: [(f64, f64); 3]) -> String {
    let cells: Vec<String> = (0..3)
        .flat_map(|i| [milli(b[i].0, b[i].1), milli(h[i].0, h[i].1)])
        .collect();
    format!("| {title} | hnn-lab | {} |", cells.join(" | "))
}
