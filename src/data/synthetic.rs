//! Synthetic trajectories of a known system, drawn and integrated as the reference `data.py`
//! files do, for any number of degrees of freedom.

use anyhow::Result;

use crate::integrate::{dopri5, linspace, Tolerance};
use crate::physics::{Friction, Gravity, RapierDoublePendulum, RapierDoubleSpec};
use crate::rng::Rng;
use crate::scene::{GridSpec, InitSpec, SyntheticSpec, SystemSpec};

use super::{Dataset, Split};

/// An initial state as the reference code draws it, for 2n = `dim` numbers: a direction
/// uniform in [−1, 1]^dim, rescaled to a radius uniform in [lo, hi). For n = 1 the draws are
/// q, p, then r, as before.
pub fn initial_state(rng: &mut Rng, dim: usize, radius: (f64, f64)) -> Vec<f64> {
    let mut x: Vec<f64> = (0..dim).map(|_| rng.range(-1.0, 1.0)).collect();
    let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
    let r = rng.range(radius.0, radius.1);
    x.iter_mut().for_each(|v| *v *= r / norm);
    x
}

/// Near-circular orbits of `g`'s bodies about their centre of mass (see `InitSpec::Orbits`).
/// Two bodies: body 1 at (x, y) with each coordinate U[lo, hi), body 2 opposite so the centre
/// of mass stays at the origin, both at the circular-orbit speed times 1 + noise·N(0, 1) (for
/// unit masses and G = 1, speed 1/(2√r), the reference's). Three or more equal masses: on a
/// circle of radius U[lo, hi) at equal angles, at the ring's circular speed
/// √(G m S / r), S = Σₖ 1/(4 sin(πk/N)), each velocity component times 1 + noise·U(−1, 1).
pub fn orbit_state(rng: &mut Rng, g: &Gravity, radius: (f64, f64), noise: f64) -> Vec<f64> {
    let nb = g.bodies();
    let mut pos = vec![[0.0; 2]; nb];
    let mut vel = vec![[0.0; 2]; nb];
    let (m, big_g) = (&g.masses, g.g);
    if nb == 2 {
        let p1 = [rng.range(radius.0, radius.1), rng.range(radius.0, radius.1)];
        let r1 = p1[0].hypot(p1[1]);
        let ratio = m[0] / m[1];
        let sep = r1 * (1.0 + ratio);
        let v_rel = (big_g * (m[0] + m[1]) / sep).sqrt() * (1.0 + noise * rng.normal());
        let dir = [-p1[1] / r1, p1[0] / r1];
        let v1 = v_rel * m[1] / (m[0] + m[1]);
        pos[0] = p1;
        pos[1] = [-p1[0] * ratio, -p1[1] * ratio];
        vel[0] = [v1 * dir[0], v1 * dir[1]];
        vel[1] = [-vel[0][0] * ratio, -vel[0][1] * ratio];
    } else {
        let d = [rng.range(-1.0, 1.0), rng.range(-1.0, 1.0)];
        let r = rng.range(radius.0, radius.1);
        let n = d[0].hypot(d[1]).max(1e-12);
        let ring: f64 = (1..nb)
            .map(|k| 1.0 / (4.0 * (std::f64::consts::PI * k as f64 / nb as f64).sin()))
            .sum();
        let speed = (big_g * m[0] * ring / r).sqrt();
        for i in 0..nb {
            let a = std::f64::consts::TAU * i as f64 / nb as f64;
            let (c, s) = (a.cos(), a.sin());
            let p = [r * (c * d[0] - s * d[1]) / n, r * (s * d[0] + c * d[1]) / n];
            pos[i] = p;
            vel[i] = [-p[1] / r * speed, p[0] / r * speed];
        }
        for v in vel.iter_mut() {
            for c in v.iter_mut() {
                *c *= 1.0 + noise * rng.range(-1.0, 1.0);
            }
        }
    }
    let mut x = vec![0.0; 4 * nb];
    for i in 0..nb {
        x[i] = pos[i][0];
        x[nb + i] = pos[i][1];
        x[2 * nb + i] = m[i] * vel[i][0];
        x[3 * nb + i] = m[i] * vel[i][1];
    }
    x
}

/// Draws one initial state of `system` as the spec says.
pub fn draw_initial(rng: &mut Rng, spec: &SyntheticSpec, system: &SystemSpec) -> Vec<f64> {
    match (spec.init, system) {
        (InitSpec::Orbits { noise }, SystemSpec::Gravity { masses, g }) => {
            let grav = Gravity {
                masses: masses.clone(),
                g: *g,
            };
            orbit_state(rng, &grav, spec.radius, noise)
        }
        _ => initial_state(rng, 2 * system.dof(), spec.radius),
    }
}

/// A trajectory of the rapier double pendulum from the canonical state `x0`, sampled at
/// `times` (whole numbers of its physics step apart, as the scene's validation checks), in
/// canonical coordinates.
fn rapier_trajectory(spec: &RapierDoubleSpec, x0: &[f64], times: &[f64]) -> Vec<Vec<f64>> {
    let h = spec.hamiltonian();
    let th = [x0[0], x0[1]];
    let mut sim = RapierDoublePendulum::new(*spec, th, h.velocities(th, [x0[2], x0[3]]));
    let mut out = vec![sim.canonical().to_vec()];
    for w in times.windows(2) {
        for _ in 0..((w[1] - w[0]) / spec.dt).round() as usize {
            sim.step();
        }
        out.push(sim.canonical().to_vec());
    }
    out
}

/// Noisy trajectories with exact derivatives (rapier's double pendulum: its states, and the
/// exact derivatives of its H at them), like the reference `data.py`: states are
/// integrated at rtol 1e-10 (atol 1e-10), derivatives are taken from the clean states, then
/// Gaussian noise is added to every coordinate. The leading trajectories train, the rest test.
pub fn synthetic_dataset(system: &SystemSpec, spec: &SyntheticSpec) -> Result<Dataset> {
    damped_dataset(system, Friction::default(), spec)
}

/// `synthetic_dataset` of the system with friction: trajectories and derivatives of
/// J∇H − Γ∇H (with no friction, the very same numbers).
pub fn damped_dataset(
    system: &SystemSpec,
    friction: Friction,
    spec: &SyntheticSpec,
) -> Result<Dataset> {
    let h = crate::physics::with_friction(system.hamiltonian(), friction);
    let dim = 2 * h.dof();
    let mut rng = Rng::new(spec.seed);
    let times = linspace(0.0, spec.t_end, spec.points);
    let n_train = (spec.train_fraction * spec.trajectories as f64).round() as usize;
    let (mut train, mut test) = (Split::new(dim), Split::new(dim));
    let mut dx = vec![0.0; dim];
    for i in 0..spec.trajectories {
        let x0 = draw_initial(&mut rng, spec, system);
        let states = match system {
            SystemSpec::RapierDoublePendulum(r) => rapier_trajectory(r, &x0, &times),
            _ => {
                let mut f = |x: &[f64], dx: &mut [f64]| h.field(x, dx);
                let tol = Tolerance {
                    rtol: 1e-10,
                    atol: 1e-10,
                };
                dopri5(&mut f, &x0, &times, tol)
                    .map_err(|e| anyhow::anyhow!("trajectory {i}: {e}"))?
                    .states
            }
        };
        let split = if i < n_train { &mut train } else { &mut test };
        for (t, clean) in times.iter().zip(&states) {
            h.field(clean, &mut dx);
            let noisy: Vec<f64> = clean
                .iter()
                .map(|v| v + spec.noise_std * rng.normal())
                .collect();
            split.push(&noisy, &dx, *t);
        }
    }
    Ok(Dataset { train, test })
}

/// The true derivative on a regular grid of `spec.side` points per coordinate over
/// [lo, hi]^2n (exact, no noise), shuffled by `spec.seed` (Fisher–Yates); the leading
/// `train_fraction` of the shuffled points train, as D-HNN's damped-spring data do.
pub fn grid_dataset(system: &SystemSpec, friction: Friction, spec: &GridSpec) -> Dataset {
    let h = crate::physics::with_friction(system.hamiltonian(), friction);
    let dim = 2 * h.dof();
    let axis = linspace(spec.lo, spec.hi, spec.side);
    let total = spec.side.pow(dim as u32);
    let mut order: Vec<usize> = (0..total).collect();
    let mut rng = Rng::new(spec.seed);
    for i in (1..total).rev() {
        let j = ((rng.uniform() * (i + 1) as f64) as usize).min(i);
        order.swap(i, j);
    }
    let n_train = (spec.train_fraction * total as f64).round() as usize;
    let (mut train, mut test) = (Split::new(dim), Split::new(dim));
    let (mut x, mut dx) = (vec![0.0; dim], vec![0.0; dim]);
    for (k, &flat) in order.iter().enumerate() {
        // Coordinate c of grid point `flat`: digit c in base `side`, the first coordinate
        // varying slowest.
        let mut rest = flat;
        for c in (0..dim).rev() {
            x[c] = axis[rest % spec.side];
            rest /= spec.side;
        }
        h.field(&x, &mut dx);
        let split = if k < n_train { &mut train } else { &mut test };
        split.push(&x, &dx, 0.0);
    }
    Dataset { train, test }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::physics::{field_of, Hamiltonian, Pendulum};

    const SPRING: SystemSpec = SystemSpec::Spring { k: 1.0, m: 1.0 };

    #[test]
    fn spring_dataset_matches_reference_shapes() {
        let d = synthetic_dataset(&SPRING, &SyntheticSpec::default()).unwrap();
        assert_eq!(d.train.len(), 750);
        assert_eq!(d.test.len(), 750);
        assert_eq!(d.train.x.len(), 1500);
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
        let d = synthetic_dataset(&SystemSpec::Pendulum { k: 3.0, m: 1.0 }, &spec).unwrap();
        assert_eq!(d.train.len(), 1125);
        for traj in 0..25 {
            let e0 = h.energy(d.train.x(traj * 45));
            for i in traj * 45..(traj + 1) * 45 {
                assert!((h.energy(d.train.x(i)) - e0).abs() < 1e-8);
                assert_eq!(d.train.dx(i), field_of(&h, d.train.x(i)).as_slice());
            }
        }
    }

    #[test]
    fn initial_radius_in_range() {
        let mut rng = Rng::new(3);
        for dim in [2, 4, 8] {
            for _ in 0..1000 {
                let x = initial_state(&mut rng, dim, (1.3, 2.3));
                let r = x.iter().map(|v| v * v).sum::<f64>().sqrt();
                assert!((1.3..2.3).contains(&r), "{r}");
            }
        }
    }

    #[test]
    fn same_seed_same_data() {
        let s = SyntheticSpec::default();
        let data = |s: &SyntheticSpec| synthetic_dataset(&SPRING, s).unwrap();
        assert_eq!(data(&s), data(&s));
        let s2 = SyntheticSpec {
            seed: 9,
            ..s.clone()
        };
        assert_ne!(data(&s), data(&s2));
    }

    /// Without noise the orbits are exactly circular: the bodies keep their distance from the
    /// centre of mass (at the origin), and the total momentum is zero.
    #[test]
    fn noise_free_orbits_are_circular_about_the_origin() {
        for (masses, g) in [
            (vec![1.0, 1.0], 1.0),
            (vec![1.0, 3.0], 2.0),
            (vec![1.0; 3], 1.0),
            (vec![2.0; 4], 0.5),
        ] {
            let grav = Gravity {
                masses: masses.clone(),
                g,
            };
            let nb = masses.len();
            let mut rng = Rng::new(5);
            let x0 = orbit_state(&mut rng, &grav, (0.5, 1.5), 0.0);
            assert!(grav.momentum(&x0).iter().all(|p| p.abs() < 1e-12));
            let times = linspace(0.0, 3.0, 7);
            let mut f = |x: &[f64], dx: &mut [f64]| grav.field(x, dx);
            let tol = Tolerance {
                rtol: 1e-11,
                atol: 1e-11,
            };
            let sol = dopri5(&mut f, &x0, &times, tol).unwrap();
            for s in &sol.states {
                for i in 0..nb {
                    let (r0, r) = (x0[i].hypot(x0[nb + i]), s[i].hypot(s[nb + i]));
                    assert!(
                        (r - r0).abs() < 1e-7 * r0,
                        "{masses:?} body {i}: {r0} -> {r}"
                    );
                }
            }
        }
    }

    /// D-HNN's damped-spring grid: 625 points, 531 train (85%), every point of the 25 × 25
    /// grid once, derivatives q̇ = 2p − 2q, ṗ = −2q.
    #[test]
    fn damped_spring_grid_has_every_point_once_with_exact_derivatives() {
        let spec = GridSpec {
            side: 25,
            lo: -1.2,
            hi: 1.2,
            train_fraction: 0.85,
            seed: 0,
        };
        let fr = Friction::position(1.0);
        let d = grid_dataset(&SPRING, fr, &spec);
        assert_eq!((d.train.len(), d.test.len()), (531, 94));
        let mut seen = std::collections::HashSet::new();
        for s in [&d.train, &d.test] {
            for i in 0..s.len() {
                let x = s.x(i);
                let idx = |v: f64| ((v + 1.2) / 0.1).round() as i64;
                assert!(seen.insert((idx(x[0]), idx(x[1]))));
                let want = [2.0 * x[1] - 2.0 * x[0], -2.0 * x[0]];
                assert!((s.dx(i)[0] - want[0]).abs() < 1e-12);
                assert!((s.dx(i)[1] - want[1]).abs() < 1e-12);
            }
        }
        assert_eq!(seen.len(), 625);
        // Shuffled: the first training points are not the grid's first row.
        assert!((0..5).any(|i| d.train.x(i)[0] != -1.2));
    }
}
