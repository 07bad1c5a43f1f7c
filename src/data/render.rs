//! The pendulum as the networks see it: a small, deterministic rasteriser drawing the rod as an
//! anti-aliased line from a fixed anchor pixel into a 28×28 grayscale frame. Training data,
//! tests and the app all use this one function, so what the model learns from is what it is
//! shown.

pub use crate::scene::RenderSpec;

/// Draws the rod at angle θ (from hanging, counter-clockwise positive) into `out`
/// (row-major, values in [0, 1]): each pixel's value is its centre's coverage by the rod,
/// a 1-pixel linear ramp across the rod's edge.
pub fn render(theta: f64, spec: &RenderSpec, out: &mut [f32]) {
    assert_eq!(out.len(), spec.pixels());
    let (ax, ay) = spec.anchor();
    // Image x right, y down: the hanging rod points along +y.
    let (dx, dy) = (theta.sin(), theta.cos());
    let half_w = spec.width_px / 2.0;
    for r in 0..spec.size {
        for c in 0..spec.size {
            let (px, py) = (c as f64 + 0.5 - ax, r as f64 + 0.5 - ay);
            let along = (px * dx + py * dy).clamp(0.0, spec.rod_px);
            let dist = ((px - along * dx).powi(2) + (py - along * dy).powi(2)).sqrt();
            out[r * spec.size + c] = (half_w + 0.5 - dist).clamp(0.0, 1.0) as f32;
        }
    }
}

/// Reads the rod's angle off a frame: the direction from the anchor to the intensity-weighted
/// centroid. The same estimator is applied to true and decoded frames. `None` for a blank frame.
pub fn estimate_angle(frame: &[f32], spec: &RenderSpec) -> Option<f64> {
    let (ax, ay) = spec.anchor();
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    for r in 0..spec.size {
        for c in 0..spec.size {
            let w = frame[r * spec.size + c].max(0.0) as f64;
            sx += w * (c as f64 + 0.5 - ax);
            sy += w * (r as f64 + 0.5 - ay);
            sw += w;
        }
    }
    if sw < 1e-6 || (sx * sx + sy * sy).sqrt() < 1e-6 * sw {
        return None;
    }
    Some(sx.atan2(sy))
}

/// (θ, ω) read off a frame pair: θ from the first frame, ω from the angle change to the
/// second over `frame_dt`. A blank first frame reads as the hanging pendulum at rest, a blank
/// second frame as ω = 0.
pub fn read_pair(pair: &[f32], spec: &RenderSpec, frame_dt: f64) -> [f64; 2] {
    let p = spec.pixels();
    match (
        estimate_angle(&pair[..p], spec),
        estimate_angle(&pair[p..], spec),
    ) {
        (Some(a), Some(b)) => [a, wrap_diff(a, b) / frame_dt],
        (Some(a), None) => [a, 0.0],
        _ => [0.0, 0.0],
    }
}

/// The angle difference b − a wrapped to (−π, π].
pub fn wrap_diff(a: f64, b: f64) -> f64 {
    let d = (b - a).rem_euclid(std::f64::consts::TAU);
    if d > std::f64::consts::PI {
        d - std::f64::consts::TAU
    } else {
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_in_range_and_deterministic() {
        let spec = RenderSpec::default();
        let mut a = vec![0.0; spec.pixels()];
        let mut b = vec![0.0; spec.pixels()];
        render(0.7, &spec, &mut a);
        render(0.7, &spec, &mut b);
        assert_eq!(a, b);
        assert!(a.iter().all(|v| (0.0..=1.0).contains(v)));
        // Ink ≈ rod area (length × width).
        let ink: f32 = a.iter().sum();
        assert!(
            (ink as f64 - spec.rod_px * spec.width_px).abs() < 0.25 * spec.rod_px * spec.width_px,
            "ink {ink}"
        );
    }

    #[test]
    fn hanging_rod_is_below_the_anchor() {
        let spec = RenderSpec::default();
        let mut f = vec![0.0; spec.pixels()];
        render(0.0, &spec, &mut f);
        let s = spec.size;
        let below: f32 = f[(s / 2 + 2) * s..].iter().sum();
        let above: f32 = f[..(s / 2 - 2) * s].iter().sum();
        assert!(below > 10.0 && above == 0.0, "below {below} above {above}");
    }

    /// Within a pixel's worth: the angle that moves the rod's tip by one pixel.
    #[test]
    fn estimator_recovers_the_angle_within_a_pixel() {
        let spec = RenderSpec::default();
        let pixel_angle = 1.0 / spec.rod_px;
        let mut f = vec![0.0; spec.pixels()];
        let mut worst: f64 = 0.0;
        for i in 0..720 {
            let theta = -std::f64::consts::PI + i as f64 * std::f64::consts::TAU / 720.0;
            render(theta, &spec, &mut f);
            let est = estimate_angle(&f, &spec).unwrap();
            worst = worst.max(wrap_diff(theta, est).abs());
        }
        assert!(
            worst < pixel_angle,
            "worst error {worst} rad vs a pixel's {pixel_angle}"
        );
        assert!(estimate_angle(&vec![0.0; spec.pixels()], &spec).is_none());
    }

    #[test]
    fn wrap_diff_handles_the_seam() {
        assert!((wrap_diff(3.1, -3.1) - (std::f64::consts::TAU - 6.2)).abs() < 1e-12);
        assert!((wrap_diff(0.1, 0.3) - 0.2).abs() < 1e-12);
    }
}
