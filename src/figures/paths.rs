//! Figures for systems with more than one degree of freedom: where the bodies (or the
//! pendulum's bobs) go, for truth, baseline and HNN from one start, and the energy over time.
//!
//! The paper's Figure 4 style for orbits: each body's path in the plane for the truth, the
//! baseline and the HNN, one panel each, and the true energy along all three.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{panels, register_fonts, BASELINE, HNN, TRUTH};
use crate::data::Dataset;
use crate::eval::rollouts;
use crate::nn::FieldSnapshot;
use crate::scene::{Scene, SystemSpec};

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Points in the plane traced by a state trajectory: one path per body (gravity) or per bob
/// (double pendulum).
fn traces(system: &SystemSpec, traj: &[Vec<f64>]) -> Vec<Vec<(f64, f64)>> {
    match system {
        SystemSpec::Gravity { masses, .. } => {
            let nb = masses.len();
            (0..nb)
                .map(|i| traj.iter().map(|x| (x[i], x[nb + i])).collect())
                .collect()
        }
        &SystemSpec::DoublePendulum { l1, l2, .. } => {
            let bob1 = |x: &Vec<f64>| (l1 * x[0].sin(), -l1 * x[0].cos());
            let bob2 = |x: &Vec<f64>| {
                let (a, b) = bob1(x);
                (a + l2 * x[1].sin(), b - l2 * x[1].cos())
            };
            vec![
                traj.iter().map(bob1).collect(),
                traj.iter().map(bob2).collect(),
            ]
        }
        _ => vec![traj.iter().map(|x| (x[0], x[1])).collect()],
    }
}

/// One panel of paths in the plane, equal scales on both axes.
fn path_panel(
    area: &Area,
    title: &str,
    half: f64,
    paths: &[Vec<(f64, f64)>],
    colour: RGBColor,
    ghost: &[Vec<(f64, f64)>],
) -> Result<()> {
    let err = |e: DrawingAreaErrorKind<_>| anyhow!("{e}");
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(-half..half, -half..half)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc("y")
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    for p in ghost {
        chart
            .draw_series(LineSeries::new(p.iter().copied(), RGBColor(200, 200, 200)))
            .map_err(err)?;
    }
    // Bodies told apart by shade; each path ends in a dot where the rollout stops.
    for (k, p) in paths.iter().enumerate() {
        let shade = 1.0 - 0.45 * k as f64 / paths.len().max(1) as f64;
        let c = RGBColor(
            (colour.0 as f64 * shade) as u8,
            (colour.1 as f64 * shade) as u8,
            (colour.2 as f64 * shade) as u8,
        );
        chart
            .draw_series(LineSeries::new(p.iter().copied(), c.stroke_width(2)))
            .map_err(err)?;
        if let Some(&last) = p.last() {
            chart
                .draw_series(std::iter::once(Circle::new(last, 5, c.filled())))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// Writes `<out>/<scene>_paths.png`: truth, baseline and HNN paths from the first evaluation
/// start, and the true energy along each, over the scene's evaluation time.
pub fn paths_figure(
    scene: &Scene,
    data: &Dataset,
    baseline: &FieldSnapshot,
    hnn: &FieldSnapshot,
    out: &Path,
) -> Result<PathBuf> {
    register_fonts();
    std::fs::create_dir_all(out)?;
    let path = out.join(format!("{}_paths.png", scene.name));
    let energy_of = crate::eval::scene_energy(scene);
    let mut fine = scene.clone();
    fine.eval.trajectories = 1;
    fine.eval.points = fine.eval.points.max(1000);
    let rb = rollouts(&fine, data, baseline)?;
    let rh = rollouts(&fine, data, hnn)?;
    let truth = traces(&scene.system, &rh.truth[0]);
    let base = traces(&scene.system, &rb.model[0]);
    let learned = traces(&scene.system, &rh.model[0]);
    // The window: the truth's extent with a margin (a model that flies off leaves it).
    let half = 1.2
        * truth
            .iter()
            .flatten()
            .map(|(x, y)| x.abs().max(y.abs()))
            .fold(1e-3, f64::max);
    {
        let root = BitMapBackend::new(&path, (1500, 1000)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        let (title, body) = root.split_vertically(50);
        title
            .draw_text(
                &format!(
                    "{}: paths over t = 0…{} from one evaluation start (grey: truth)",
                    scene.name, scene.eval.t_end
                ),
                &("sans-serif", 28).into_font().color(&BLACK),
                (20, 12),
            )
            .map_err(|e| anyhow!("{e}"))?;
        let (top, bottom) = body.split_vertically(560);
        let cols = top.split_evenly((1, 3));
        path_panel(&cols[0], "Ground truth", half, &truth, TRUTH, &[])?;
        path_panel(&cols[1], "Baseline NN", half, &base, BASELINE, &truth)?;
        path_panel(&cols[2], "Hamiltonian NN", half, &learned, HNN, &truth)?;
        let series = [
            ("truth", TRUTH, &rh.truth[0]),
            ("baseline", BASELINE, &rb.model[0]),
            ("HNN", HNN, &rh.model[0]),
        ];
        let energies = panels::energies_along(&rh.times, &series.map(|s| s.2), &energy_of);
        panels::energy_panel(
            &bottom,
            "Total energy (true H) along the rollouts",
            &series.map(|s| (s.0, s.1)),
            &energies,
        )?;
        root.present()
            .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(path)
}
