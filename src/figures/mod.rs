//! PNG figures in the style of the paper's Figure 2: the true and learned vector fields with
//! energy contours, trajectories, and energy over time for truth, baseline and HNN.

pub mod contour;
mod panels;
mod paths;
pub mod pixel;

pub use contour::contour_segments;
pub use panels::{phase_panel, PhaseLayers};

use std::path::Path;
use std::sync::Once;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::data::Dataset;
use crate::eval::rollouts;
use crate::nn::FieldSnapshot;
use crate::scene::Scene;

/// Colours shared by every figure: truth black, baseline red, HNN blue.
pub const TRUTH: RGBColor = RGBColor(20, 20, 20);
pub const BASELINE: RGBColor = RGBColor(214, 39, 40);
pub const HNN: RGBColor = RGBColor(31, 119, 180);

/// plotters draws text with a font registered from bytes, so no system font library is needed.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        for style in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            let _ = plotters::style::register_font("sans-serif", style, bytes);
        }
    });
}

/// The plotting window in (q, p): the data's extent with a margin, symmetric about 0.
fn window(data: &Dataset) -> (f64, f64) {
    let all = data.train.states().chain(data.test.states());
    let (mut q, mut p) = (0.0f64, 0.0f64);
    for x in all {
        q = q.max(x[0].abs());
        p = p.max(x[1].abs());
    }
    (1.15 * q.max(1e-3), 1.15 * p.max(1e-3))
}

/// A one-degree-of-freedom trajectory as plane points.
fn plane(traj: &[Vec<f64>]) -> Vec<[f64; 2]> {
    traj.iter().map(|x| [x[0], x[1]]).collect()
}

/// Writes the scene's figure: the phase-plane figure for one degree of freedom, the paths
/// and energy figure for more (see `paths`).
pub fn scene_figure(
    scene: &Scene,
    data: &Dataset,
    baseline: &FieldSnapshot,
    hnn: &FieldSnapshot,
    out: &Path,
) -> Result<std::path::PathBuf> {
    if scene.system.dof() == 1 {
        phase_figure(scene, data, baseline, hnn, out)
    } else {
        paths::paths_figure(scene, data, baseline, hnn, out)
    }
}

/// Writes `<out>/<scene>_fields.png` (2×2 panels) and returns its path.
fn phase_figure(
    scene: &Scene,
    data: &Dataset,
    baseline: &FieldSnapshot,
    hnn: &FieldSnapshot,
    out: &Path,
) -> Result<std::path::PathBuf> {
    register_fonts();
    std::fs::create_dir_all(out)?;
    let path = out.join(format!("{}_fields.png", scene.name));
    let h = scene.system.hamiltonian();
    let energy_of = crate::eval::scene_energy(scene);
    let (wq, wp) = window(data);
    // One rollout, sampled finely enough to draw smooth curves.
    let mut fine = scene.clone();
    fine.eval.trajectories = 1;
    fine.eval.points = 1000;
    let rb = rollouts(&fine, data, baseline)?;
    let rh = rollouts(&fine, data, hnn)?;
    let two = |v: Vec<f64>| [v[0], v[1]];
    let points: Vec<[f64; 2]> = data.train.states().map(|x| [x[0], x[1]]).collect();
    let (truth_traj, base_traj, hnn_traj) = (
        plane(&rh.truth[0]),
        plane(&rb.model[0]),
        plane(&rh.model[0]),
    );
    let recorded = matches!(scene.data, crate::scene::DataSpec::Recorded(_));
    let truth_title = if recorded {
        "Data, fitted field and energy contours, test segment"
    } else {
        "Data and true field, true H contours"
    };
    {
        let root = BitMapBackend::new(&path, (1400, 1200)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
        let (title, body) = root.split_vertically(50);
        title
            .draw_text(
                &format!(
                    "{}: true vs learned dynamics (one evaluation rollout, same start for all)",
                    scene.name
                ),
                &("sans-serif", 28).into_font().color(&BLACK),
                (20, 12),
            )
            .map_err(|e| anyhow!("{e}"))?;
        let areas = body.split_evenly((2, 2));
        phase_panel(
            &areas[0],
            truth_title,
            ((-wq, wq), (-wp, wp)),
            PhaseLayers {
                field: &|x| two(crate::physics::field_of(h.as_ref(), &x)),
                energy: Some(&|x| h.energy(&x)),
                points: &points,
                trajectories: vec![(truth_traj.as_slice(), TRUTH)],
                colour: TRUTH,
                labels: ("q", "p"),
            },
        )?;
        phase_panel(
            &areas[1],
            "Baseline NN: learned field and rollout",
            ((-wq, wq), (-wp, wp)),
            PhaseLayers {
                field: &|x| two(baseline.field(&x)),
                energy: None,
                points: &[],
                trajectories: vec![
                    (truth_traj.as_slice(), RGBColor(170, 170, 170)),
                    (base_traj.as_slice(), BASELINE),
                ],
                colour: BASELINE,
                labels: ("q", "p"),
            },
        )?;
        phase_panel(
            &areas[2],
            "HNN: learned field, learned H contours, rollout",
            ((-wq, wq), (-wp, wp)),
            PhaseLayers {
                field: &|x| two(hnn.field(&x)),
                energy: Some(&|x| hnn.energy(&x).unwrap_or(0.0)),
                points: &[],
                trajectories: vec![
                    (truth_traj.as_slice(), RGBColor(170, 170, 170)),
                    (hnn_traj.as_slice(), HNN),
                ],
                colour: HNN,
                labels: ("q", "p"),
            },
        )?;
        let series = [
            ("truth", TRUTH, &rh.truth[0]),
            ("baseline", BASELINE, &rb.model[0]),
            ("HNN", HNN, &rh.model[0]),
        ];
        let energies = panels::energies_along(&rh.times, &series.map(|s| s.2), &energy_of);
        panels::energy_panel(
            &areas[3],
            "Total energy (true H) along the rollouts",
            &series.map(|s| (s.0, s.1)),
            &energies,
        )?;
        root.present()
            .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(path)
}
