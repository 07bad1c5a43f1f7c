//! Small dense linear algebra for least-squares fits (a few unknowns, many rows): the latent
//! R² and the fit of a double pendulum's constants to recorded data.

/// Solves A x = b by Gaussian elimination with partial pivoting; None if A is singular.
pub fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if !(a[p][c].abs() > 1e-300) {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        let (top, rest) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        for (k, row) in rest.iter_mut().enumerate() {
            let f = row[c] / pivot[c];
            for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            b[c + 1 + k] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|j| a[r][j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Least squares: the x minimising Σ (rowᵢ · x − yᵢ)², by the normal equations; None if the
/// rows do not determine x.
pub fn least_squares(rows: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = rows.first()?.len();
    let mut ata = vec![vec![0.0; k]; k];
    let mut aty = vec![0.0; k];
    for (r, &yi) in rows.iter().zip(y) {
        for i in 0..k {
            aty[i] += r[i] * yi;
            for j in 0..k {
                ata[i][j] += r[i] * r[j];
            }
        }
    }
    solve(ata, aty)
}

/// The population standard deviation of each of `dim` columns over the rows, 1 for a column
/// that does not vary (so dividing by it is always safe).
pub fn column_std<'a>(rows: impl Iterator<Item = &'a [f64]> + Clone, dim: usize) -> Vec<f64> {
    let count = rows.clone().count().max(1) as f64;
    (0..dim)
        .map(|i| {
            let mean = rows.clone().map(|x| x[i]).sum::<f64>() / count;
            let var = rows.clone().map(|x| (x[i] - mean).powi(2)).sum::<f64>() / count;
            if var.sqrt() > 1e-12 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_fits_by_hand() {
        // 2x + y = 5, x − y = 1 → x = 2, y = 1.
        let x = solve(vec![vec![2.0, 1.0], vec![1.0, -1.0]], vec![5.0, 1.0]).unwrap();
        assert!((x[0] - 2.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
        assert!(solve(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 2.0]).is_none());
        // y = 1 + 2t at t = 0, 1, 2 with residuals +1, −2, +1 (orthogonal to [1, t]).
        let rows: Vec<Vec<f64>> = (0..3).map(|t| vec![1.0, t as f64]).collect();
        let fit = least_squares(&rows, &[2.0, 1.0, 6.0]).unwrap();
        assert!(
            (fit[0] - 1.0).abs() < 1e-12 && (fit[1] - 2.0).abs() < 1e-12,
            "{fit:?}"
        );
        // Columns (1, 3) and (5, 5): std 1 and constant → 1.
        let rows = [[1.0, 5.0], [3.0, 5.0]];
        assert_eq!(
            column_std(rows.iter().map(|r| r.as_slice()), 2),
            vec![1.0, 1.0]
        );
        let rows = [[0.0, 5.0], [4.0, 5.0]];
        assert_eq!(
            column_std(rows.iter().map(|r| r.as_slice()), 2),
            vec![2.0, 1.0]
        );
    }
}
