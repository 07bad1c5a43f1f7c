//! Latent quality: how much of the true phase space a learned latent space holds, as the R² of
//! the best linear map (least squares, with an intercept) from the latent (z_q, z_p) to the true
//! (θ, ω) on test frames. The linear version of DeepMind's SyMetric criterion: a latent that is
//! the true state up to a linear change of coordinates scores 1.

/// R² of the least-squares affine fit of each column of `y` from the rows of `z`, averaged
/// over the columns: per column 1 − SS_res / SS_tot. `z` and `y` hold one row per sample.
/// NaN when there are fewer samples than parameters or a target does not vary.
pub fn linear_r2(z: &[Vec<f64>], y: &[Vec<f64>]) -> f64 {
    let (n, k) = (z.len(), z.first().map_or(0, Vec::len) + 1);
    debug_assert!(k >= 1);
    let Some(targets) = y.first().map(Vec::len) else {
        return f64::NAN;
    };
    if n <= k || y.len() != n {
        return f64::NAN;
    }
    // Least squares on A = [1, z].
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|i| std::iter::once(1.0).chain(z[i].iter().copied()).collect())
        .collect();
    let mut total = 0.0;
    for t in 0..targets {
        let target: Vec<f64> = y.iter().map(|r| r[t]).collect();
        let Some(beta) = crate::linalg::least_squares(&rows, &target) else {
            return f64::NAN;
        };
        let mean = y.iter().map(|r| r[t]).sum::<f64>() / n as f64;
        let (mut res, mut tot) = (0.0, 0.0);
        for (r, yi) in rows.iter().zip(&target) {
            let fit: f64 = r.iter().zip(&beta).map(|(a, b)| a * b).sum();
            res += (yi - fit).powi(2);
            tot += (yi - mean).powi(2);
        }
        if !(tot > 0.0) {
            return f64::NAN;
        }
        total += 1.0 - res / tot;
    }
    total / targets as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An exact affine image scores 1; a target unrelated to the latent scores 0 on its own
    /// column (by hand: y = (1, −1, 1, −1) against z = (0, 0, 1, 1) has no linear part, and the
    /// intercept explains nothing beyond the mean).
    #[test]
    fn r2_by_hand() {
        let z: Vec<Vec<f64>> = vec![vec![0.0], vec![1.0], vec![2.0], vec![3.0]];
        let y: Vec<Vec<f64>> = z.iter().map(|r| vec![3.0 - 2.0 * r[0]]).collect();
        assert!((linear_r2(&z, &y) - 1.0).abs() < 1e-12);
        let z2 = vec![vec![0.0], vec![0.0], vec![1.0], vec![1.0]];
        let y2 = vec![vec![1.0], vec![-1.0], vec![1.0], vec![-1.0]];
        assert!(linear_r2(&z2, &y2).abs() < 1e-12);
        // y = z + (+0.5, −0.5, −0.5, +0.5) on z = 0..3: the fit is y = z (the noise is
        // orthogonal to [1, z]), SS_res = 1, SS_tot = 5 + 1 = 6: R² = 5/6.
        let y3 = vec![vec![0.5], vec![0.5], vec![1.5], vec![3.5]];
        assert!(
            (linear_r2(&z, &y3) - 5.0 / 6.0).abs() < 1e-12,
            "{}",
            linear_r2(&z, &y3)
        );
    }

    /// Two latents, two targets: a rotation and shift of (θ, ω) scores 1; the average over
    /// columns is taken.
    #[test]
    fn r2_of_a_rotated_latent_and_the_column_average() {
        let pts: Vec<(f64, f64)> = (0..20)
            .map(|i| ((i as f64 * 0.7).sin(), (i as f64 * 1.3).cos()))
            .collect();
        let y: Vec<Vec<f64>> = pts.iter().map(|&(a, b)| vec![a, b]).collect();
        let z: Vec<Vec<f64>> = pts
            .iter()
            .map(|&(a, b)| vec![0.6 * a - 0.8 * b + 1.0, 0.8 * a + 0.6 * b])
            .collect();
        assert!((linear_r2(&z, &y) - 1.0).abs() < 1e-10);
        // Only the first target in the latent: R² = (1 + r₂) / 2 with r₂ the second's own.
        let z1: Vec<Vec<f64>> = pts.iter().map(|&(a, _)| vec![a]).collect();
        let r_second = linear_r2(&z1, &pts.iter().map(|&(_, b)| vec![b]).collect::<Vec<_>>());
        assert!((linear_r2(&z1, &y) - (1.0 + r_second) / 2.0).abs() < 1e-12);
    }
}
