//! Valid prediction time (Botev, Jaegle, Wirnsberger, Hennigan & Higgins, "Which priors
//! matter? Benchmarking models for learning latent dynamics", NeurIPS 2021 datasets track):
//! how long a rollout stays near the truth before its error first passes a threshold, as a
//! fraction of the rollout's length, so tasks of different lengths compare.

use super::{mean_sem, Rollouts, Stat};

/// The state-error threshold: an RMS error of 10% of each coordinate's spread.
pub const VPT_THRESHOLD: f64 = 0.1;

/// The fraction of the `errors` (one per output time, the first at the start) before the
/// first that exceeds `threshold`: k / T for the first k with errors[k] > threshold, 1 if
/// none does. A non-finite error counts as exceeding it.
pub fn valid_fraction(errors: &[f64], threshold: f64) -> f64 {
    if errors.is_empty() {
        return f64::NAN;
    }
    let k = errors
        .iter()
        .position(|e| !(*e <= threshold))
        .unwrap_or(errors.len());
    k as f64 / errors.len() as f64
}

/// The unit-free distance of state `b` from state `a`: √(mean over coordinates of
/// ((bᵢ − aᵢ) / σᵢ)²).
pub fn normalised_error(a: &[f64], b: &[f64], sigma: &[f64]) -> f64 {
    let ms = a
        .iter()
        .zip(b)
        .zip(sigma)
        .map(|((a, b), s)| ((b - a) / s).powi(2))
        .sum::<f64>()
        / a.len().max(1) as f64;
    ms.sqrt()
}

/// VPT of state rollouts: at each time the normalised error
/// e = √(mean over coordinates of ((x̂ᵢ − xᵢ) / σᵢ)²), σᵢ the standard deviation of
/// coordinate i over every true state of the rollouts (so the error is unit-free and every
/// coordinate weighs alike); VPT = `valid_fraction(e, threshold)` per trajectory, mean ± sem
/// over trajectories.
pub fn state_vpt(r: &Rollouts, threshold: f64) -> Stat {
    let Some(dim) = r.truth.first().and_then(|t| t.first()).map(Vec::len) else {
        return Stat {
            mean: f64::NAN,
            sem: f64::NAN,
        };
    };
    let sigma = crate::linalg::column_std(r.truth.iter().flatten().map(Vec::as_slice), dim);
    let per_traj: Vec<f64> = r
        .truth
        .iter()
        .zip(&r.model)
        .map(|(truth, model)| {
            let errors: Vec<f64> = truth
                .iter()
                .zip(model)
                .map(|(a, b)| normalised_error(a, b, &sigma))
                .collect();
            valid_fraction(&errors, threshold)
        })
        .collect();
    if per_traj.len() == 1 {
        return Stat {
            mean: per_traj[0],
            sem: 0.0,
        };
    }
    mean_sem(&per_traj)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_fraction_by_hand() {
        assert_eq!(valid_fraction(&[0.0, 0.05, 0.2, 0.0], 0.1), 0.5);
        assert_eq!(valid_fraction(&[0.0, 0.05, 0.1, 0.0], 0.1), 1.0);
        assert_eq!(valid_fraction(&[0.3], 0.1), 0.0);
        assert_eq!(valid_fraction(&[0.0, f64::NAN, 0.0, 0.0], 0.1), 0.25);
    }

    /// Truth x = (t, 0) at t = 0..3 (σ_q = √1.25, σ_p = 0 → 1); model drifts in p by 0.1 per
    /// step: e = 0.1k/√2 → 0, 0.071, 0.141, 0.212; threshold 0.1 → VPT 2/4. A second
    /// trajectory with no error has VPT 1: mean 0.75, sem 0.25 / √2.
    #[test]
    fn state_vpt_by_hand() {
        let truth: Vec<Vec<f64>> = (0..4).map(|t| vec![t as f64, 0.0]).collect();
        let model: Vec<Vec<f64>> = (0..4).map(|t| vec![t as f64, 0.1 * t as f64]).collect();
        let r = Rollouts {
            times: vec![0.0, 1.0, 2.0, 3.0],
            truth: vec![truth.clone(), truth.clone()],
            model: vec![model, truth],
        };
        let s = state_vpt(&r, 0.1);
        assert!((s.mean - 0.75).abs() < 1e-15, "{s:?}");
        assert!((s.sem - 0.25 / 2f64.sqrt()).abs() < 1e-15, "{s:?}");
    }
}
