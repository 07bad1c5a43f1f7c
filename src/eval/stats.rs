/// A mean and its standard error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stat {
    pub mean: f64,
    pub sem: f64,
}

/// Mean and std/√N (population std, as `np.std(x) / np.sqrt(len(x))`).
pub fn mean_sem(v: &[f64]) -> Stat {
    let n = v.len() as f64;
    if v.is_empty() {
        return Stat {
            mean: f64::NAN,
            sem: f64::NAN,
        };
    }
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    Stat {
        mean,
        sem: var.sqrt() / n.sqrt(),
    }
}

/// Mean of all values, with the standard error of the means of `k` contiguous groups
/// (as equal as possible), so a handful of rollouts gives a spread like "over k splits".
pub fn grouped_sem(v: &[f64], k: usize) -> Stat {
    let k = k.clamp(1, v.len().max(1));
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let groups: Vec<f64> = (0..k)
        .map(|g| {
            let (a, b) = (g * v.len() / k, (g + 1) * v.len() / k);
            v[a..b].iter().sum::<f64>() / (b - a) as f64
        })
        .collect();
    Stat {
        mean,
        sem: mean_sem(&groups).sem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_mean_and_sem() {
        // mean 2.5, population variance 1.25, sem = sqrt(1.25)/2.
        let s = mean_sem(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.mean, 2.5);
        assert!((s.sem - 1.25f64.sqrt() / 2.0).abs() < 1e-15);
    }

    #[test]
    fn grouped_sem_uses_group_means() {
        // Groups {1,3}, {5,7}, {9,11}: means 2, 6, 10 → population std sqrt(32/3), sem /√3.
        let s = grouped_sem(&[1.0, 3.0, 5.0, 7.0, 9.0, 11.0], 3);
        assert_eq!(s.mean, 6.0);
        assert!((s.sem - (32.0f64 / 3.0).sqrt() / 3f64.sqrt()).abs() < 1e-12);
    }
}
