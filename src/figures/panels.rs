use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::contour_segments;
use crate::integrate::linspace;

/// What a phase-plane panel shows.
pub struct PhaseLayers<'a> {
    pub field: &'a dyn Fn([f64; 2]) -> [f64; 2],
    /// Energy whose level sets are drawn as contours.
    pub energy: Option<&'a dyn Fn([f64; 2]) -> f64>,
    pub points: &'a [[f64; 2]],
    pub trajectories: Vec<(&'a [[f64; 2]], RGBColor)>,
    /// Colour of the field arrows.
    pub colour: RGBColor,
    /// Axis names.
    pub labels: (&'a str, &'a str),
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A (q, p) panel over the window xr × yr: field arrows, energy contours, data points and
/// trajectories.
pub fn phase_panel(
    area: &Area,
    title: &str,
    (xr, yr): ((f64, f64), (f64, f64)),
    layers: PhaseLayers,
) -> Result<()> {
    // Half-widths, for scaling arrows to the window.
    let (wq, wp) = ((xr.1 - xr.0) / 2.0, (yr.1 - yr.0) / 2.0);
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(layers.labels.0)
        .y_desc(layers.labels.1)
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;

    if let Some(energy) = layers.energy {
        let (xs, ys) = (linspace(xr.0, xr.1, 80), linspace(yr.0, yr.1, 80));
        let grid: Vec<Vec<f64>> = ys
            .iter()
            .map(|&p| xs.iter().map(|&q| energy([q, p])).collect())
            .collect();
        let mut flat: Vec<f64> = grid.iter().flatten().copied().collect();
        flat.sort_by(f64::total_cmp);
        for k in 1..10 {
            let level = flat[k * flat.len() / 10];
            let segs = contour_segments(&xs, &ys, &grid, level);
            chart
                .draw_series(segs.iter().map(|s| {
                    PathElement::new(vec![s[0], s[1]], RGBColor(150, 150, 150).stroke_width(1))
                }))
                .map_err(err)?;
        }
    }

    // Arrows on a 17×17 grid, lengths relative to the largest.
    let (qs, ps) = (linspace(xr.0, xr.1, 17), linspace(yr.0, yr.1, 17));
    let arrows: Vec<([f64; 2], [f64; 2])> = ps
        .iter()
        .flat_map(|&p| qs.iter().map(move |&q| [q, p]))
        .map(|x| (x, (layers.field)(x)))
        .collect();
    let max = arrows
        .iter()
        .map(|(_, f)| (f[0] / wq).hypot(f[1] / wp))
        .fold(1e-12, f64::max);
    let cell = 2.0 / 16.0 * 0.9;
    let style = layers.colour.mix(0.7).stroke_width(1);
    for (x, f) in &arrows {
        let (dq, dp) = (f[0] / max * cell * wq, f[1] / max * cell * wp);
        let tip = (x[0] + dq, x[1] + dp);
        // Arrowhead: two short strokes back from the tip, in screen-like normalised units.
        let (uq, up) = (dq / wq, dp / wp);
        let len = uq.hypot(up).max(1e-12);
        let (bq, bp) = (-uq / len * 0.25 * len, -up / len * 0.25 * len);
        let head = |s: f64| {
            (
                tip.0 + (bq * 0.94 - s * bp * 0.5) * wq,
                tip.1 + (bp * 0.94 + s * bq * 0.5) * wp,
            )
        };
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x[0], x[1]), tip],
                style,
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![head(1.0), tip, head(-1.0)],
                style,
            )))
            .map_err(err)?;
    }

    chart
        .draw_series(
            layers
                .points
                .iter()
                .map(|x| Circle::new((x[0], x[1]), 2, RGBColor(120, 120, 120).filled())),
        )
        .map_err(err)?;
    for (traj, colour) in &layers.trajectories {
        chart
            .draw_series(LineSeries::new(
                traj.iter().map(|x| (x[0], x[1])),
                colour.stroke_width(2),
            ))
            .map_err(err)?;
        if let Some(x) = traj.first() {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (x[0], x[1]),
                    5,
                    colour.filled(),
                )))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// Curves over time with a legend.
/// (t, E) along each trajectory, for `energy_panel`; non-finite energies (a model that has
/// flown off) are left out.
pub fn energies_along(
    times: &[f64],
    trajectories: &[&Vec<Vec<f64>>],
    energy: &dyn Fn(&[f64]) -> f64,
) -> Vec<Vec<(f64, f64)>> {
    trajectories
        .iter()
        .map(|traj| {
            times
                .iter()
                .zip(traj.iter())
                .map(|(t, x)| (*t, energy(x)))
                .filter(|(_, e)| e.is_finite())
                .collect()
        })
        .collect()
}

pub fn energy_panel(
    area: &Area,
    title: &str,
    series: &[(&str, RGBColor)],
    values: &[Vec<(f64, f64)>],
) -> Result<()> {
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let t_max = values.iter().flatten().map(|v| v.0).fold(1e-9, f64::max);
    let (lo, hi) = values
        .iter()
        .flatten()
        .map(|v| v.1)
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let pad = 0.1 * (hi - lo).max(1e-3 * hi.abs().max(1e-9));
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..t_max, (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("time")
        .y_desc("energy")
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    for ((name, colour), v) in series.iter().zip(values) {
        let c = *colour;
        chart
            .draw_series(LineSeries::new(v.iter().copied(), c.stroke_width(2)))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 18))
        .draw()
        .map_err(err)?;
    Ok(())
}
