use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use hnn_lab::figures::scene_figure;
use hnn_lab::nn::ModelKind;
use hnn_lab::scene::Scene;
use hnn_lab::train::load_snapshot;

#[derive(Args, Debug)]
pub struct FiguresArgs {
    #[arg(long)]
    pub scene: PathBuf,
    /// Output folder for the PNG files.
    #[arg(long, default_value = "figures")]
    pub out: PathBuf,
    /// Folder of trained models (default: models/<scene name>).
    #[arg(long)]
    pub models: Option<PathBuf>,
    #[arg(long)]
    pub data: Option<PathBuf>,
}

pub fn run(a: FiguresArgs) -> Result<()> {
    let scene = Scene::load(&a.scene)?;
    let dir = super::models_dir(&scene, a.models.as_deref());
    if let hnn_lab::scene::SystemSpec::RapierPendulum(phys) = scene.system {
        let data = super::train_pixel::pixel_dataset(&scene)?;
        let dev = candle_core::Device::Cpu;
        let (_, baseline, _) =
            hnn_lab::train::load_pixel_model(&dir, ModelKind::Baseline, &scene, &dev)?;
        let (_, hnn, _) = hnn_lab::train::load_pixel_model(&dir, ModelKind::Hnn, &scene, &dev)?;
        for p in hnn_lab::figures::pixel::pixel_figures(
            &scene.name,
            &data,
            &phys,
            &baseline,
            &hnn,
            &a.out,
        )? {
            println!("wrote {}", p.display());
        }
        return Ok(());
    }
    let data = super::dataset(&scene, a.data.as_deref())?;
    let (baseline, _) = load_snapshot(&dir, ModelKind::Baseline, &scene)?;
    let (hnn, _) = load_snapshot(&dir, ModelKind::Hnn, &scene)?;
    let path = scene_figure(&scene, &data, &baseline, &hnn, &a.out)?;
    println!("wrote {}", path.display());
    Ok(())
}
