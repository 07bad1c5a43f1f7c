use crate::integrate::{dopri5, linspace, Tolerance};
use crate::physics::Hamiltonian;
use crate::rng::Rng;
use crate::scene::SyntheticSpec;

use super::{Dataset, Split};

/// An initial state as the reference code draws it: a direction uniform in [−1, 1]²,
/// rescaled to a radius uniform in [lo, hi).
pub fn initial_state(rng: &mut Rng, radius: (f64, f64)) -> [f64; 2] {
    let (q, p) = (rng.range(-1.0, 1.0), rng.range(-1.0, 1.0));
    let norm = (q * q + p * p).sqrt().max(1e-12);
    let r = rng.range(radius.0, radius.1);
    [q / norm * r, p / norm * r]
}

/// Noisy trajectories with exact derivatives, like the reference `data.py`: states are
/// integrated at rtol 1e-10, derivatives are taken from the clean states, then Gaussian noise
/// is added to q and p. The leading trajectories train, the rest test.
pub fn synthetic_dataset(h: &dyn Hamiltonian, spec: &SyntheticSpec) -> Dataset {
    let mut rng = Rng::new(spec.seed);
    let times = linspace(0.0, spec.t_end, spec.points);
    let n_train = (spec.train_fraction * spec.trajectories as f64).round() as usize;
    let (mut train, mut test) = (Split::default(), Split::default());
    for i in 0..spec.trajectories {
        let x0 = initial_state(&mut rng, spec.radius);
        let mut f = |x: &[f64], dx: &mut [f64]| dx.copy_from_slice(&h.field([x[0], x[1]]));
        let sol = dopri5(
            &mut f,
            &x0,
            &times,
            Tolerance {
                rtol: 1e-10,
                atol: 1e-10,
            },
        );
        let split = if i < n_train { &mut train } else { &mut test };
        for (t, s) in times.iter().zip(&sol.states) {
            let clean = [s[0], s[1]];
            split.dx.push(h.field(clean));
            split.t.push(*t);
            split.x.push([
                clean[0] + spec.noise_std * rng.normal(),
                clean[1] + spec.noise_std * rng.normal(),
            ]);
        }
    }
    Dataset { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::{Pendulum, Spring};

    #[test]
    fn spring_dataset_matches_reference_shapes() {
        let d = synthetic_dataset(&Spring::default(), &SyntheticSpec::default());
        assert_eq!(d.train.len(), 750);
        assert_eq!(d.test.len(), 750);
    }

    #[test]
    fn noise_free_states_sit_on_energy_circles_with_exact_derivatives() {
        let spec = SyntheticSpec {
            noise_std: 0.0,
            radius: (1.3, 2.3),
            points: 45,
            ..Default::default()
        };
        let h = Pendulum::ideal();
        let d = synthetic_dataset(&h, &spec);
        assert_eq!(d.train.len(), 1125);
        for traj in d.train.x.chunks(45).zip(d.train.dx.chunks(45)) {
            let e0 = h.energy(traj.0[0]);
            for (x, dx) in traj.0.iter().zip(traj.1) {
                assert!((h.energy(*x) - e0).abs() < 1e-8);
                assert_eq!(*dx, h.field(*x));
            }
        }
    }

    #[test]
    fn initial_radius_in_range() {
        let mut rng = Rng::new(3);
        for _ in 0..1000 {
            let [q, p] = initial_state(&mut rng, (1.3, 2.3));
            let r = (q * q + p * p).sqrt();
            assert!((1.3..2.3).contains(&r), "{r}");
        }
    }

    #[test]
    fn same_seed_same_data() {
        let s = SyntheticSpec::default();
        assert_eq!(
            synthetic_dataset(&Spring::default(), &s),
            synthetic_dataset(&Spring::default(), &s)
        );
        let s2 = SyntheticSpec {
            seed: 9,
            ..s.clone()
        };
        assert_ne!(
            synthetic_dataset(&Spring::default(), &s),
            synthetic_dataset(&Spring::default(), &s2)
        );
    }
}
