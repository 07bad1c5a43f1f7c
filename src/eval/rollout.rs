use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::data::{draw_initial, Dataset};
use crate::integrate::{dopri5, linspace, Tolerance};
use crate::nn::FieldSnapshot;
use crate::rng::Rng;
use crate::scene::{DataSpec, Scene};

/// Trajectories of the truth and of a learned field from the same initial states.
#[derive(Clone, Debug)]
pub struct Rollouts {
    pub times: Vec<f64>,
    /// `truth[i][k]`: trajectory i's state (2n numbers) at times[k].
    pub truth: Vec<Vec<Vec<f64>>>,
    pub model: Vec<Vec<Vec<f64>>>,
}

/// Integrates each start on its own (as `solve_ivp` does per orbit), in parallel; the result
/// does not depend on the number of threads.
fn solve(
    f: &(dyn Fn(&[f64], &mut [f64]) + Sync),
    x0: &[Vec<f64>],
    times: &[f64],
    rtol: f64,
    what: &str,
) -> Result<Vec<Vec<Vec<f64>>>> {
    x0.par_iter()
        .enumerate()
        .map(|(i, x)| {
            let mut field = |x: &[f64], dx: &mut [f64]| f(x, dx);
            dopri5(&mut field, x, times, Tolerance { rtol, atol: rtol })
                .map(|s| s.states)
                .with_context(|| format!("{what} rollout {i}"))
        })
        .collect()
}

/// The rollouts' initial states: `eval.starts` when given; otherwise `eval.trajectories`
/// starts drawn like the training data's initial states (seeded by `eval.seed`), or for grid
/// data uniformly over the grid's box.
pub fn starts(scene: &Scene) -> Vec<Vec<f64>> {
    if !scene.eval.starts.is_empty() {
        return scene.eval.starts.clone();
    }
    let mut rng = Rng::new(scene.eval.seed);
    let dim = 2 * scene.system.dof();
    (0..scene.eval.trajectories)
        .map(|_| match &scene.data {
            DataSpec::Synthetic(spec) => draw_initial(&mut rng, spec, &scene.system),
            DataSpec::Grid(g) => (0..dim).map(|_| rng.range(g.lo, g.hi)).collect(),
            _ => vec![0.0; dim],
        })
        .collect()
}

/// Simulated tasks: the starts above, truth (with the scene's friction) and model both
/// integrated over [0, t_end] at `eval.rtol`.
/// Recorded data: the measured test segment is the truth; the model starts from its first
/// point and is integrated over the test times.
pub fn rollouts(scene: &Scene, data: &Dataset, model: &FieldSnapshot) -> Result<Rollouts> {
    let rtol = scene.eval.rtol;
    let learned = |x: &[f64], dx: &mut [f64]| model.field_into(x, dx);
    match &scene.data {
        DataSpec::Synthetic(_) | DataSpec::Grid(_) => {
            let x0 = starts(scene);
            let times = linspace(0.0, scene.eval.t_end, scene.eval.points);
            let h = scene.dynamics();
            let truth = solve(&|x, dx| h.field(x, dx), &x0, &times, rtol, "true")?;
            let model = solve(&learned, &x0, &times, rtol, "learned")?;
            Ok(Rollouts {
                times,
                truth,
                model,
            })
        }
        DataSpec::Pixels(_) => anyhow::bail!("pixel scenes have no (q, p) dataset to roll out"),
        DataSpec::Recorded(_) => {
            let t0 = data.test.t[0];
            let times: Vec<f64> = data.test.t.iter().map(|t| t - t0).collect();
            let x0 = vec![data.test.x(0).to_vec()];
            let model = solve(&learned, &x0, &times, rtol, "learned")?;
            Ok(Rollouts {
                times,
                truth: vec![data.test.states().map(<[f64]>::to_vec).collect()],
                model,
            })
        }
    }
}
