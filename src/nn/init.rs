use crate::rng::Rng;

/// A (rows × cols) matrix, row-major, with orthonormal rows or columns (whichever are fewer),
/// as `torch.nn.init.orthogonal_`: QR of a Gaussian matrix with the signs of R's diagonal
/// folded into Q so the result is uniformly distributed.
pub fn orthogonal(rows: usize, cols: usize, rng: &mut Rng) -> Vec<f64> {
    // Work on the tall orientation (m ≥ n) and transpose back if needed.
    let (m, n) = if rows >= cols {
        (rows, cols)
    } else {
        (cols, rows)
    };
    let mut a: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..m).map(|_| rng.normal()).collect())
        .collect();
    // Modified Gram–Schmidt on the n columns (stored as rows of `a`), twice for stability.
    for j in 0..n {
        for _ in 0..2 {
            for k in 0..j {
                let (done, rest) = a.split_at_mut(j);
                let d: f64 = done[k].iter().zip(rest[0].iter()).map(|(x, y)| x * y).sum();
                for (x, y) in rest[0].iter_mut().zip(done[k].iter()) {
                    *x -= d * y;
                }
            }
        }
        let norm = a[j].iter().map(|x| x * x).sum::<f64>().sqrt();
        // Gram–Schmidt gives R's diagonal positive, which is the sign convention wanted.
        for x in a[j].iter_mut() {
            *x /= norm;
        }
    }
    let mut out = vec![0.0; rows * cols];
    for (j, col) in a.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            if rows >= cols {
                out[i * cols + j] = *v;
            } else {
                out[j * cols + i] = *v;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gram(w: &[f64], rows: usize, cols: usize, by_cols: bool) -> f64 {
        // Largest deviation of WᵀW (or WWᵀ) from the identity.
        let k = if by_cols { cols } else { rows };
        let mut worst: f64 = 0.0;
        for a in 0..k {
            for b in 0..k {
                let d: f64 = if by_cols {
                    (0..rows).map(|i| w[i * cols + a] * w[i * cols + b]).sum()
                } else {
                    (0..cols).map(|j| w[a * cols + j] * w[b * cols + j]).sum()
                };
                worst = worst.max((d - if a == b { 1.0 } else { 0.0 }).abs());
            }
        }
        worst
    }

    #[test]
    fn tall_wide_and_square_are_orthonormal() {
        let mut rng = Rng::new(0);
        assert!(gram(&orthogonal(200, 2, &mut rng), 200, 2, true) < 1e-12);
        assert!(gram(&orthogonal(2, 200, &mut rng), 2, 200, false) < 1e-12);
        assert!(gram(&orthogonal(50, 50, &mut rng), 50, 50, true) < 1e-10);
    }
}
