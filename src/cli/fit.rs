use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use hnn_lab::data::{fit_double_pendulum, load_table};

#[derive(Args, Debug)]
pub struct FitArgs {
    /// A recorded double pendulum (Schmidt & Lipson format): angles, angular velocities and
    /// their derivatives (`% o1 o2 w1 w2` with `do1 do2 dw1 dw2` columns).
    #[arg(long)]
    pub data: PathBuf,
}

/// Fits a point-mass double pendulum's constants to a recording that does not state them, and
/// prints the scene line that maps its angular velocities to canonical momenta.
pub fn run(a: FitArgs) -> Result<()> {
    let table = load_table(&a.data)?;
    let fit =
        fit_double_pendulum(&table).map_err(|e| anyhow::anyhow!("{}: {e}", a.data.display()))?;
    let h = fit.h;
    println!(
        "fitted (k₁ = 1): a = {:.6}, b = {:.6}, d = {:.6}, k₂ = {:.6}",
        h.a, h.b, h.d, h.k2
    );
    println!(
        "as point masses with m₂ = 1 kg, l₂ = 1 m: m₁ = {:.4} kg, l₁ = {:.4} m, g = {:.4} m/s²",
        fit.m1, fit.l1, fit.g
    );
    println!(
        "k₁ fitted / implied by the point-mass form: {:.6}; relative residual of the equations of motion: {:.2e}",
        fit.consistency, fit.relative_residual
    );
    println!(
        "scene: system: DoublePendulum(m1: {:.4}, m2: 1.0, l1: {:.4}, l2: 1.0, g: {:.4}), data: Recorded((file: {:?}, velocities: true, ...))",
        fit.m1,
        fit.l1,
        fit.g,
        a.data.display().to_string()
    );
    Ok(())
}
