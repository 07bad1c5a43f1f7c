//! A recorded trajectory file as a scene reads it: the state columns picked, angular
//! velocities turned into canonical momenta where the scene says the file holds velocities,
//! and forward-difference targets. Also the fit of a double pendulum's constants to such a
//! file, for recordings that do not state their masses and lengths.

use std::path::Path;

use anyhow::{bail, Result};

use super::lipson::{
    central_differences_mapped, forward_differences_mapped, load_table, state_columns, Table,
};
use super::Split;
use crate::physics::DoublePendulum;
use crate::scene::{Derivatives, RecordedSpec, SystemSpec};

/// Every sample of the file at `path` as the scene reads it (before the train/test split).
pub fn recorded_samples(system: &SystemSpec, spec: &RecordedSpec, path: &Path) -> Result<Split> {
    let here = path.display();
    let table = load_table(path)?;
    let cols = state_columns(&table, &spec.q.names(), &spec.p.names(), system.dof())
        .map_err(|e| anyhow::anyhow!("{here}: {e}"))?;
    let differences = |map: &dyn Fn(&mut [f64])| match spec.derivatives {
        Derivatives::Forward => forward_differences_mapped(&table, &cols, map),
        Derivatives::Central => central_differences_mapped(&table, &cols, map),
    };
    let split = if spec.velocities && !spec.keep_velocities {
        let h = mass_matrix_of(system)
            .ok_or_else(|| anyhow::anyhow!("{here}: `velocities: true` needs a double pendulum system, whose mass matrix turns angular velocities into momenta"))?;
        differences(&|x: &mut [f64]| {
            let p = h.momenta([x[0], x[1]], [x[2], x[3]]);
            x[2] = p[0];
            x[3] = p[1];
        })
    } else {
        differences(&|_: &mut [f64]| {})
    };
    split.map_err(|e| anyhow::anyhow!("{here}: {e}"))
}

/// The double pendulum whose mass matrix maps velocities to momenta, if the system has one.
pub fn mass_matrix_of(system: &SystemSpec) -> Option<DoublePendulum> {
    match system {
        &SystemSpec::DoublePendulum { m1, m2, l1, l2, g } => {
            Some(DoublePendulum::point_masses(m1, m2, l1, l2, g))
        }
        SystemSpec::RapierDoublePendulum(r) => Some(r.hamiltonian()),
        _ => None,
    }
}

/// A double pendulum's constants fitted to recorded angles, angular velocities and angular
/// accelerations, and how well the point-mass form explains them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DoublePendulumFit {
    /// The fitted form, normalised so that k₁ = 1 (only ratios are identifiable).
    pub h: DoublePendulum,
    /// Point masses on massless rods in units where m₂ = 1 and l₂ = 1: (m₁, l₁, g).
    pub m1: f64,
    pub l1: f64,
    pub g: f64,
    /// k₁ as fitted over k₁ as point masses with the other four constants imply it (1 for a
    /// point-mass pendulum).
    pub consistency: f64,
    /// RMS residual of the equations of motion over RMS of their terms.
    pub relative_residual: f64,
}

/// Fits the equations of motion of H = ½ωᵀM(θ)ω·… to the file's rows by least squares: with
/// M = [[a, b cos Δ], [b cos Δ, d]], V = k₁(1 − cos θ₁) + k₂(1 − cos θ₂) and Δ = θ₁ − θ₂,
///
///   a ω̇₁ + b (cos Δ ω̇₂ + sin Δ ω₂²) + k₁ sin θ₁ = 0,
///   b (cos Δ ω̇₁ − sin Δ ω₁²) + d ω̇₂ + k₂ sin θ₂ = 0,
///
/// linear in (a, b, d, k₂) once k₁ = 1 fixes the scale. Needs the four state columns (angles,
/// then angular velocities) and the angular accelerations `d<ω₁>`, `d<ω₂>`.
pub fn fit_double_pendulum(table: &Table) -> Result<DoublePendulumFit> {
    let cols = state_columns(table, &[], &[], 2)?;
    let acc = |c: usize| {
        let name = format!("d{}", table.names[c]);
        table.column(&name).ok_or_else(|| {
            anyhow::anyhow!(
                "no column {name:?}: fitting the constants needs the angular accelerations (columns: {})",
                table.names.join(", ")
            )
        })
    };
    let (a1, a2) = (acc(cols[2])?, acc(cols[3])?);
    let (mut rows, mut y) = (Vec::new(), Vec::new());
    for r in &table.rows {
        let (t1, t2, w1, w2) = (r[cols[0]], r[cols[1]], r[cols[2]], r[cols[3]]);
        let (dw1, dw2) = (r[a1], r[a2]);
        let (c, s) = ((t1 - t2).cos(), (t1 - t2).sin());
        // Unknowns (a, b, d, k₂).
        rows.push(vec![dw1, c * dw2 + s * w2 * w2, 0.0, 0.0]);
        y.push(-t1.sin());
        rows.push(vec![0.0, c * dw1 - s * w1 * w1, dw2, t2.sin()]);
        y.push(0.0);
    }
    let Some(x) = crate::linalg::least_squares(&rows, &y) else {
        bail!("the rows do not determine the constants (too few or degenerate samples)");
    };
    let (a, b, d, k2) = (x[0], x[1], x[2], x[3]);
    if !(a > 0.0 && b > 0.0 && d > 0.0 && k2 > 0.0 && a * d > b * b) {
        bail!(
            "the fit gives a = {a}, b = {b}, d = {d}, k₂ = {k2}: not a double pendulum's constants"
        );
    }
    let (mut res, mut scale) = (0.0, 0.0);
    for (r, yi) in rows.iter().zip(&y) {
        let f: f64 = r.iter().zip(&x).map(|(p, q)| p * q).sum();
        res += (f - yi).powi(2);
        scale += r.iter().zip(&x).map(|(p, q)| (p * q).powi(2)).sum::<f64>() + yi * yi;
    }
    let mu = b * b / (a * d);
    Ok(DoublePendulumFit {
        h: DoublePendulum {
            a,
            b,
            d,
            k1: 1.0,
            k2,
        },
        m1: 1.0 / mu - 1.0,
        l1: b / d,
        g: k2 / d,
        consistency: b / (a * k2),
        relative_residual: (res / scale).sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::Hamiltonian;

    /// Rows written from a known point-mass pendulum's field give back its constants.
    #[test]
    fn fit_recovers_known_constants() {
        let truth = DoublePendulum::point_masses(2.0, 1.0, 1.5, 1.0, 9.81);
        let mut text = String::from("%o1 o2 w1 w2\n");
        let mut rng = crate::rng::Rng::new(4);
        for i in 0..200 {
            let th = [rng.range(-2.0, 2.0), rng.range(-2.0, 2.0)];
            let om = [rng.range(-3.0, 3.0), rng.range(-3.0, 3.0)];
            let p = truth.momenta(th, om);
            let x = [th[0], th[1], p[0], p[1]];
            let mut dx = [0.0; 4];
            truth.field(&x, &mut dx);
            // ω̇ from ṗ = d(Mω)/dt: solve M ω̇ = ṗ − Ṁω.
            let (c, s) = ((th[0] - th[1]).cos(), (th[0] - th[1]).sin());
            let dd = om[0] - om[1];
            let rhs = [
                dx[2] + truth.b * s * dd * om[1],
                dx[3] + truth.b * s * dd * om[0],
            ];
            let det = truth.a * truth.d - (truth.b * c).powi(2);
            let dw = [
                (truth.d * rhs[0] - truth.b * c * rhs[1]) / det,
                (truth.a * rhs[1] - truth.b * c * rhs[0]) / det,
            ];
            text += &format!(
                "0 {i} {} {} {} {} {} {} {} {}\n",
                th[0], th[1], om[0], om[1], om[0], om[1], dw[0], dw[1]
            );
        }
        let t = super::super::lipson::parse_table(&text).unwrap();
        let fit = fit_double_pendulum(&t).unwrap();
        assert!((fit.m1 - 2.0).abs() < 1e-9, "{fit:?}");
        assert!(
            (fit.l1 - 1.5).abs() < 1e-9 && (fit.g - 9.81).abs() < 1e-8,
            "{fit:?}"
        );
        assert!((fit.consistency - 1.0).abs() < 1e-9 && fit.relative_residual < 1e-9);
        // Without accelerations there is nothing to fit.
        let t =
            super::super::lipson::parse_table("%o1 o2 w1 w2\n0 0 1 2 3 4\n0 1 1 2 3 4\n").unwrap();
        assert!(fit_double_pendulum(&t)
            .unwrap_err()
            .to_string()
            .contains("accelerations"));
    }
}
