use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct FiguresArgs {
    #[arg(long)]
    pub scene: PathBuf,
    #[arg(long, default_value = "figures")]
    pub out: PathBuf,
    #[arg(long)]
    pub models: Option<PathBuf>,
}

pub fn run(_a: FiguresArgs) -> Result<()> {
    anyhow::bail!("figures: not implemented yet")
}
