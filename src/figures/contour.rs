/// Line segments of the level set f = `level` of a function sampled on a grid
/// (`values[j][i]` at (xs[i], ys[j])), by marching squares with linear interpolation.
pub fn contour_segments(
    xs: &[f64],
    ys: &[f64],
    values: &[Vec<f64>],
    level: f64,
) -> Vec<[(f64, f64); 2]> {
    let mut segs = Vec::new();
    let lerp = |a: (f64, f64, f64), b: (f64, f64, f64)| {
        let t = if (b.2 - a.2).abs() < 1e-300 {
            0.5
        } else {
            (level - a.2) / (b.2 - a.2)
        };
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    };
    for j in 0..ys.len().saturating_sub(1) {
        for i in 0..xs.len().saturating_sub(1) {
            // Corners counter-clockwise from bottom-left.
            let c = [
                (xs[i], ys[j], values[j][i]),
                (xs[i + 1], ys[j], values[j][i + 1]),
                (xs[i + 1], ys[j + 1], values[j + 1][i + 1]),
                (xs[i], ys[j + 1], values[j + 1][i]),
            ];
            // Crossing points on the four edges.
            let mut pts = Vec::with_capacity(4);
            for e in 0..4 {
                let (a, b) = (c[e], c[(e + 1) % 4]);
                if (a.2 < level) != (b.2 < level) {
                    pts.push(lerp(a, b));
                }
            }
            match pts.len() {
                2 => segs.push([pts[0], pts[1]]),
                // Saddle: pair the crossings by the centre value.
                4 => {
                    let centre = c.iter().map(|p| p.2).sum::<f64>() / 4.0;
                    if (centre < level) == (c[0].2 < level) {
                        segs.push([pts[0], pts[3]]);
                        segs.push([pts[1], pts[2]]);
                    } else {
                        segs.push([pts[0], pts[1]]);
                        segs.push([pts[2], pts[3]]);
                    }
                }
                _ => {}
            }
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integrate::linspace;

    #[test]
    fn circle_level_set_lies_on_the_circle() {
        let xs = linspace(-2.0, 2.0, 81);
        let ys = linspace(-2.0, 2.0, 81);
        let values: Vec<Vec<f64>> = ys
            .iter()
            .map(|y| xs.iter().map(|x| x * x + y * y).collect())
            .collect();
        let segs = contour_segments(&xs, &ys, &values, 1.0);
        assert!(segs.len() > 50);
        for s in &segs {
            for (x, y) in s {
                let r = (x * x + y * y).sqrt();
                assert!((r - 1.0).abs() < 0.01, "point at radius {r}");
            }
        }
        assert!(contour_segments(&xs, &ys, &values, 100.0).is_empty());
    }
}
