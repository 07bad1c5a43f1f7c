use anyhow::Result;
use clap::Args;

use hnn_lab::physics::rapier_double::double_energy_drift;
use hnn_lab::physics::rapier_pendulum::energy_drift;
use hnn_lab::physics::{JointKind, RapierDoubleSpec, RapierSpec};

#[derive(Args, Debug)]
pub struct DriftArgs {
    /// Simulated seconds per run.
    #[arg(long, default_value_t = 60.0)]
    pub seconds: f64,
}

/// Prints how well rapier conserves the pendulum's and the double pendulum's energy for several
/// joint and time-step settings: relative change of H after `seconds`, and (in brackets) the
/// largest excursion.
pub fn run(a: DriftArgs) -> Result<()> {
    anyhow::ensure!(
        a.seconds.is_finite() && a.seconds > 0.0 && a.seconds <= 3600.0,
        "--seconds {} must be in (0, 3600]",
        a.seconds
    );
    single(a.seconds);
    friction_table();
    println!();
    double(a.seconds);
    double_friction_table();
    Ok(())
}

/// The double pendulum's joint friction (each joint's damping on its relative rate) against
/// the damped ODE (`Friction::joints`): energy lost over 10 s from rest.
fn double_friction_table() {
    println!("\nDouble pendulum joint friction γ_j (N·m·s): energy lost over 10 s from rest (both rods at θ0), rapier2d (shipped settings) vs the damped ODE ṗ = −∂H/∂θ − γ_j DᵀD ω");
    println!("| γ_j | θ0 | rapier ΔE (J) | ODE ΔE (J) | rapier / ODE |");
    println!("|---|---|---|---|---|");
    for gamma in [0.02, 0.05, 0.2] {
        for theta0 in [0.5, 1.5, 2.5] {
            let spec = RapierDoubleSpec {
                friction: gamma,
                ..RapierDoubleSpec::default()
            };
            let (r, o) = hnn_lab::physics::rapier_double::double_friction_loss(spec, theta0, 10.0);
            println!("| {gamma} | {theta0} | {r:.4} | {o:.4} | {:.4} |", r / o);
        }
    }
}

/// The double pendulum (multibody chain), both rods released from rest at θ0: 0.5 rad swings
/// regularly, 1.5 and 2.5 rad are chaotic (the lower rod flips).
fn double(seconds: f64) {
    let amplitudes = [0.5, 1.5, 2.5];
    println!("| double pendulum | dt | substeps | solver iters | θ0 = 0.5 | θ0 = 1.5 | θ0 = 2.5 |");
    println!("|---|---|---|---|---|---|---|");
    for (substeps, solver_iterations) in [(1, 4), (4, 4), (16, 4), (16, 16), (16, 32), (32, 32)] {
        let spec = RapierDoubleSpec {
            substeps,
            solver_iterations,
            ..RapierDoubleSpec::default()
        };
        let cells: Vec<String> = amplitudes
            .iter()
            .map(|&theta0| {
                let (end, worst) = double_energy_drift(spec, theta0, seconds);
                format!("{:+.3}% ({:.3}%)", 100.0 * end, 100.0 * worst)
            })
            .collect();
        let default = if spec == RapierDoubleSpec::default() {
            " **(default)**"
        } else {
            ""
        };
        println!(
            "| Multibody{default} | 1/{:.0} | {substeps} | {} | {} |",
            1.0 / spec.dt,
            spec.solver_iterations,
            cells.join(" | ")
        );
    }
}

/// Joint friction against the damped ODE: energy lost over 10 s from rest, rapier vs ODE.
fn friction_table() {
    println!("\nJoint friction γ (N·m·s): energy lost over 10 s from rest, rapier2d vs the damped ODE I ω̇ = −m g (l/2) sin θ − γ ω");
    println!("| joint | substeps | γ | θ0 | rapier ΔE (J) | ODE ΔE (J) | rapier / ODE |");
    println!("|---|---|---|---|---|---|---|");
    for (joint, substeps) in [(JointKind::Multibody, 4), (JointKind::Impulse, 16)] {
        for gamma in [0.02, 0.05, 0.2] {
            for theta0 in [0.3, 1.0, 2.5] {
                let spec = RapierSpec {
                    joint,
                    substeps,
                    friction: gamma,
                    ..RapierSpec::default()
                };
                let (r, o) = hnn_lab::physics::rapier_pendulum::friction_loss(spec, theta0, 10.0);
                println!(
                    "| {joint:?} | {substeps} | {gamma} | {theta0} | {r:.4} | {o:.4} | {:.4} |",
                    r / o
                );
            }
        }
    }
}

fn single(seconds: f64) {
    let amplitudes = [0.3, 1.0, 2.5];
    println!("| joint | dt | substeps | solver iters | θ0 = 0.3 | θ0 = 1.0 | θ0 = 2.5 |");
    println!("|---|---|---|---|---|---|---|");
    let configs: &[(JointKind, f64, usize, usize)] = &[
        (JointKind::Impulse, 1.0 / 60.0, 1, 4),
        (JointKind::Impulse, 1.0 / 60.0, 4, 4),
        (JointKind::Impulse, 1.0 / 60.0, 16, 4),
        (JointKind::Multibody, 1.0 / 60.0, 1, 4),
        (JointKind::Multibody, 1.0 / 60.0, 4, 4),
        (JointKind::Multibody, 1.0 / 60.0, 16, 4),
    ];
    for &(joint, dt, substeps, iters) in configs {
        let spec = RapierSpec {
            joint,
            dt,
            substeps,
            solver_iterations: iters,
            ..RapierSpec::default()
        };
        let cells: Vec<String> = amplitudes
            .iter()
            .map(|&theta0| {
                let (end, worst) = energy_drift(spec, theta0, seconds);
                format!("{:+.3}% ({:.3}%)", 100.0 * end, 100.0 * worst)
            })
            .collect();
        let default = if spec == RapierSpec::default() {
            " **(default)**"
        } else {
            ""
        };
        println!(
            "| {joint:?}{default} | 1/{:.0} | {substeps} | {iters} | {} |",
            1.0 / dt,
            cells.join(" | ")
        );
    }
}
