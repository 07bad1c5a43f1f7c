use crate::data::{initial_state, Dataset};
use crate::integrate::{dopri5, linspace, Tolerance};
use crate::nn::FieldSnapshot;
use crate::rng::Rng;
use crate::scene::{DataSpec, Scene};

/// Trajectories of the truth and of a learned field from the same initial states.
#[derive(Clone, Debug)]
pub struct Rollouts {
    pub times: Vec<f64>,
    /// `truth[i][k]`: trajectory i at times[k].
    pub truth: Vec<Vec<[f64; 2]>>,
    pub model: Vec<Vec<[f64; 2]>>,
}

fn unbatch(states: &[Vec<f64>], n: usize) -> Vec<Vec<[f64; 2]>> {
    (0..n)
        .map(|i| states.iter().map(|s| [s[2 * i], s[2 * i + 1]]).collect())
        .collect()
}

fn solve(
    f: impl Fn([f64; 2]) -> [f64; 2],
    x0: &[[f64; 2]],
    times: &[f64],
    rtol: f64,
) -> Vec<Vec<[f64; 2]>> {
    let flat: Vec<f64> = x0.iter().flatten().copied().collect();
    let mut field = |x: &[f64], dx: &mut [f64]| {
        for (xi, di) in x.chunks(2).zip(dx.chunks_mut(2)) {
            di.copy_from_slice(&f([xi[0], xi[1]]));
        }
    };
    let sol = dopri5(&mut field, &flat, times, Tolerance { rtol, atol: rtol });
    unbatch(&sol.states, x0.len())
}

/// Synthetic tasks: `eval.trajectories` starts drawn like the training data's initial states
/// (seeded by `eval.seed`), both integrated over [0, t_end] at `eval.rtol`.
/// Recorded data: the measured test segment is the truth; the model starts from its first
/// point and is integrated over the test times.
pub fn rollouts(scene: &Scene, data: &Dataset, model: &FieldSnapshot) -> Rollouts {
    let rtol = scene.eval.rtol;
    match &scene.data {
        DataSpec::Synthetic(spec) => {
            let mut rng = Rng::new(scene.eval.seed);
            let x0: Vec<[f64; 2]> = (0..scene.eval.trajectories)
                .map(|_| initial_state(&mut rng, spec.radius))
                .collect();
            let times = linspace(0.0, scene.eval.t_end, scene.eval.points);
            let h = scene.system.hamiltonian();
            let truth = solve(|x| h.field(x), &x0, &times, rtol);
            let learned = solve(|x| model.field(x), &x0, &times, rtol);
            Rollouts {
                times,
                truth,
                model: learned,
            }
        }
        DataSpec::Pixels(_) => unreachable!("pixel scenes have no (q, p) dataset to roll out"),
        DataSpec::Recorded(_) => {
            let t0 = data.test.t[0];
            let times: Vec<f64> = data.test.t.iter().map(|t| t - t0).collect();
            let learned = solve(|x| model.field(x), &data.test.x[..1], &times, rtol);
            Rollouts {
                times,
                truth: vec![data.test.x.clone()],
                model: learned,
            }
        }
    }
}
