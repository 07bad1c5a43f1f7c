use super::*;
use crate::physics::{DoublePendulum, Gravity, Hamiltonian, Pendulum, Spring};

/// The true field over a batch of states of `h`.
fn field_of(h: impl Hamiltonian) -> impl FnMut(&[f64], &mut [f64]) {
    move |x: &[f64], dx: &mut [f64]| {
        let d = 2 * h.dof();
        for (xi, di) in x.chunks(d).zip(dx.chunks_mut(d)) {
            h.field(xi, di);
        }
    }
}

/// Spring H = q² + p²: q(t) = q0 cos 2t + p0 sin 2t, p(t) = p0 cos 2t − q0 sin 2t.
fn spring_exact(x0: [f64; 2], t: f64) -> [f64; 2] {
    let (c, s) = ((2.0 * t).cos(), (2.0 * t).sin());
    [x0[0] * c + x0[1] * s, x0[1] * c - x0[0] * s]
}

type Stepper = fn(&mut dyn FnMut(&[f64], &mut [f64]), &mut [f64], f64);

fn fixed_error(step: Stepper, n: usize) -> f64 {
    let x0 = [0.6, -0.3];
    let mut f = field_of(Spring::default());
    let mut x = x0.to_vec();
    let dt = 2.0 / n as f64;
    for _ in 0..n {
        step(&mut f, &mut x, dt);
    }
    let e = spring_exact(x0, 2.0);
    ((x[0] - e[0]).powi(2) + (x[1] - e[1]).powi(2)).sqrt()
}

fn rk4(f: &mut dyn FnMut(&[f64], &mut [f64]), x: &mut [f64], dt: f64) {
    rk4_step(&mut |a: &[f64], b: &mut [f64]| f(a, b), x, dt)
}
fn leap(f: &mut dyn FnMut(&[f64], &mut [f64]), x: &mut [f64], dt: f64) {
    leapfrog_step(&mut |a: &[f64], b: &mut [f64]| f(a, b), x, dt, 1)
}

#[test]
fn rk4_converges_at_fourth_order() {
    let ratio = fixed_error(rk4, 50) / fixed_error(rk4, 100);
    let order = ratio.log2();
    assert!((order - 4.0).abs() < 0.15, "observed order {order}");
}

#[test]
fn leapfrog_converges_at_second_order() {
    let ratio = fixed_error(leap, 100) / fixed_error(leap, 200);
    let order = ratio.log2();
    assert!((order - 2.0).abs() < 0.1, "observed order {order}");
}

/// Over a long run the symplectic method's energy error stays bounded while RK4's grows.
#[test]
fn leapfrog_energy_bounded_rk4_drifts() {
    let h = Pendulum::ideal();
    let x0 = [2.0, 0.0];
    let e0 = h.energy(&x0);
    // Largest |ΔE| over the first and the last 1000 of 20 000 steps (dt 0.1, ~30 periods each).
    let run = |leapfrog: bool| {
        let mut f = field_of(h);
        let mut x = x0.to_vec();
        let (mut early, mut late) = (0.0f64, 0.0f64);
        let steps = 20_000;
        for i in 0..steps {
            if leapfrog {
                leapfrog_step(&mut f, &mut x, 0.1, 1);
            } else {
                rk4_step(&mut f, &mut x, 0.1);
            }
            let err = (h.energy(&x) - e0).abs();
            if i < 1000 {
                early = early.max(err);
            } else if i >= steps - 1000 {
                late = late.max(err);
            }
        }
        (early, late)
    };
    let (lf_early, lf_late) = run(true);
    let (rk_early, rk_late) = run(false);
    assert!(
        lf_late < 1.5 * lf_early && lf_late < 0.02 * e0,
        "leapfrog {lf_early} -> {lf_late}"
    );
    assert!(rk_late > 5.0 * rk_early, "rk4 {rk_early} -> {rk_late}");
}

/// H = (q² + p²)/2 + q²p²/4: not separable, closed orbits.
fn nonseparable(x: &[f64], dx: &mut [f64]) {
    let (q, p) = (x[0], x[1]);
    dx[0] = p + 0.5 * q * q * p; // ∂H/∂p
    dx[1] = -(q + 0.5 * q * p * p); // −∂H/∂q
}
fn nonseparable_h(x: &[f64]) -> f64 {
    0.5 * (x[0] * x[0] + x[1] * x[1]) + 0.25 * x[0] * x[0] * x[1] * x[1]
}

#[test]
fn a_stormer_verlet_step_too_large_to_converge_is_split_not_garbage() {
    // dt = 3 on the non-separable system: the fixed point diverges; halves converge.
    let mut x = vec![1.2, 0.3];
    stormer_verlet_step(&mut nonseparable, &mut x, 3.0, 1);
    assert!(x.iter().all(|v| v.is_finite()), "{x:?}");
    let e0 = nonseparable_h(&[1.2, 0.3]);
    assert!((nonseparable_h(&x) - e0).abs() < 0.1 * e0, "{x:?}");
    // The whole step alone does not converge; an eighth of it does.
    assert!(!try_stormer_verlet(
        &mut nonseparable,
        &mut [1.2, 0.3],
        3.0,
        1
    ));
    assert!(try_stormer_verlet(
        &mut nonseparable,
        &mut [1.2, 0.3],
        3.0 / 8.0,
        1
    ));
}

#[test]
fn stormer_verlet_is_kick_drift_kick_for_a_separable_h() {
    let h = Pendulum::ideal();
    let (mut a, mut b) = (vec![1.3, -0.4, 0.2, 0.9], vec![1.3, -0.4, 0.2, 0.9]);
    for _ in 0..50 {
        stormer_verlet_step(&mut field_of(h), &mut a, 0.1, 1);
        leapfrog_step(&mut field_of(h), &mut b, 0.1, 1);
    }
    for (u, v) in a.iter().zip(&b) {
        assert!((u - v).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn stormer_verlet_is_second_order_and_keeps_a_nonseparable_energy_bounded() {
    let x0 = [1.2, 0.3];
    let run = |dt: f64, steps: usize| {
        let mut x = x0.to_vec();
        for _ in 0..steps {
            stormer_verlet_step(&mut nonseparable, &mut x, dt, 1);
        }
        x
    };
    // Reference: RK4 at a tiny step, to t = 2.
    let mut r = x0.to_vec();
    for _ in 0..20_000 {
        rk4_step(&mut nonseparable, &mut r, 1e-4);
    }
    let err = |x: Vec<f64>| ((x[0] - r[0]).powi(2) + (x[1] - r[1]).powi(2)).sqrt();
    let order = (err(run(0.02, 100)) / err(run(0.01, 200))).log2();
    assert!((order - 2.0).abs() < 0.1, "observed order {order}");
    // 20 000 steps of 0.2 (~600 periods): the energy error at the end is no larger than
    // in the first periods, where RK4's grows.
    let e0 = nonseparable_h(&x0);
    let long = |sv: bool| {
        let mut x = x0.to_vec();
        let (mut early, mut late) = (0.0f64, 0.0f64);
        for i in 0..20_000 {
            if sv {
                stormer_verlet_step(&mut nonseparable, &mut x, 0.2, 1);
            } else {
                rk4_step(&mut nonseparable, &mut x, 0.2);
            }
            let e = (nonseparable_h(&x) - e0).abs();
            if i < 1000 {
                early = early.max(e);
            } else if i >= 19_000 {
                late = late.max(e);
            }
        }
        (early, late)
    };
    let (sv_early, sv_late) = long(true);
    let (rk_early, rk_late) = long(false);
    assert!(
        sv_late < 1.5 * sv_early && sv_late < 0.02 * e0,
        "SV {sv_early} -> {sv_late}"
    );
    assert!(rk_late > 5.0 * rk_early, "rk4 {rk_early} -> {rk_late}");
}

#[test]
fn dopri5_meets_tolerance_and_hits_output_times() {
    let x0 = [0.6, -0.3, 0.1, 0.9];
    let times = linspace(0.0, 20.0, 100);
    for rtol in [1e-6, 1e-10] {
        let mut f = field_of(Spring::default());
        let sol = dopri5(&mut f, &x0, &times, Tolerance { rtol, atol: rtol }).unwrap();
        assert_eq!(sol.states.len(), 100);
        let mut worst: f64 = 0.0;
        for (t, s) in times.iter().zip(&sol.states) {
            for j in 0..2 {
                let e = spring_exact([x0[2 * j], x0[2 * j + 1]], *t);
                worst = worst
                    .max((s[2 * j] - e[0]).abs())
                    .max((s[2 * j + 1] - e[1]).abs());
            }
        }
        // Global error over ~6 periods stays within a few hundred local tolerances.
        assert!(worst < 300.0 * rtol, "rtol {rtol}: max error {worst}");
    }
}

#[test]
fn dopri5_conserves_pendulum_energy_at_tight_tolerance() {
    let h = Pendulum::ideal();
    let x0 = [2.5, 0.3];
    let mut f = field_of(h);
    let sol = dopri5(
        &mut f,
        &x0,
        &linspace(0.0, 20.0, 100),
        Tolerance {
            rtol: 1e-10,
            atol: 1e-10,
        },
    )
    .unwrap();
    let e0 = h.energy(&x0);
    for s in &sol.states {
        assert!((h.energy(s) - e0).abs() < 1e-7);
    }
    assert!(sol.steps > 100);
}

#[test]
fn linspace_endpoints() {
    assert_eq!(linspace(0.0, 3.0, 4), vec![0.0, 1.0, 2.0, 3.0]);
    assert!(linspace(0.0, 1.0, 0).is_empty());
}

/// Two degrees of freedom: for a separable H (two bodies under gravity, n = 4) the implicit
/// Störmer–Verlet step is the explicit kick–drift–kick one, both conserve the total momentum
/// (a linear invariant) to round-off, and leapfrog is second order.
#[test]
fn symplectic_steps_for_n_degrees_of_freedom() {
    let grav = Gravity {
        masses: vec![1.0, 1.0],
        g: 1.0,
    };
    let x0 = vec![0.8, -0.8, 0.3, -0.3, -0.1, 0.1, 0.45, -0.45];
    let (mut a, mut b) = (x0.clone(), x0.clone());
    for _ in 0..50 {
        stormer_verlet_step(&mut field_of(grav.clone()), &mut a, 0.05, 4);
        leapfrog_step(&mut field_of(grav.clone()), &mut b, 0.05, 4);
    }
    for (p, q) in a.iter().zip(&b) {
        assert!((p - q).abs() < 1e-10, "{a:?} vs {b:?}");
    }
    let m = grav.momentum(&a);
    assert!(m[0].abs() < 1e-13 && m[1].abs() < 1e-13, "{m:?}");
    // Error at t = 2 against a tight Dormand–Prince solution, halving the step.
    let exact = dopri5(
        &mut field_of(grav.clone()),
        &x0,
        &[0.0, 2.0],
        Tolerance {
            rtol: 1e-12,
            atol: 1e-12,
        },
    )
    .unwrap()
    .states[1]
        .clone();
    let err = |n: usize| {
        let mut x = x0.clone();
        for _ in 0..n {
            leapfrog_step(&mut field_of(grav.clone()), &mut x, 2.0 / n as f64, 4);
        }
        x.iter()
            .zip(&exact)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let ratio = err(100) / err(200);
    assert!((3.5..4.5).contains(&ratio), "order ratio {ratio}");
}

/// A double pendulum (not separable: T depends on θ₁ − θ₂) over 200 s: generalized
/// Störmer–Verlet keeps the energy error bounded where RK4's grows; batches of two states
/// step like each state alone.
#[test]
fn double_pendulum_energy_under_stormer_verlet_and_rk4() {
    let h = DoublePendulum::point_masses(1.0, 1.0, 1.0, 1.0, 9.81);
    let x0 = vec![1.0, -0.5, 0.5, 0.2];
    let e0 = h.energy(&x0);
    let run = |leapfrog: bool| {
        let mut x = x0.clone();
        let (mut early, mut late) = (0.0f64, 0.0f64);
        let steps = 10_000;
        for i in 0..steps {
            if leapfrog {
                stormer_verlet_step(&mut field_of(h), &mut x, 0.02, 2);
            } else {
                rk4_step(&mut field_of(h), &mut x, 0.02);
            }
            let err = (h.energy(&x) - e0).abs();
            if i < 500 {
                early = early.max(err);
            } else if i >= steps - 500 {
                late = late.max(err);
            }
        }
        (early, late)
    };
    let (sv_early, sv_late) = run(true);
    assert!(
        sv_late < 1.5 * sv_early && sv_late < 0.01 * e0,
        "Störmer–Verlet {sv_early} -> {sv_late}"
    );
    let (rk_early, rk_late) = run(false);
    assert!(rk_late > 3.0 * rk_early, "rk4 {rk_early} -> {rk_late}");
    // Batched: two copies of the state step exactly as one.
    let mut one = x0.clone();
    let mut two: Vec<f64> = x0.iter().chain(&x0).copied().collect();
    stormer_verlet_step(&mut field_of(h), &mut one, 0.02, 2);
    stormer_verlet_step(&mut field_of(h), &mut two, 0.02, 2);
    assert_eq!(&two[..4], one.as_slice());
    assert_eq!(&two[4..], one.as_slice());
}
