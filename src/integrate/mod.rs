//! Integrators for batched states of systems with n degrees of freedom: a state is 2n numbers
//! (q₁…qₙ, p₁…pₙ) and a batch is states one after another. RK4 and leapfrog with fixed steps
//! for the app, and an adaptive Dormand–Prince 5(4) (what `scipy.integrate.solve_ivp` uses by
//! default) for data and evaluation. Only the symplectic methods need to know which numbers are
//! positions: they take n (`dof`); one degree of freedom is n = 1 of the same code.

/// A vector field over a batched state: writes dx/dt for `x` into `dx`.
pub trait Field {
    fn eval(&mut self, x: &[f64], dx: &mut [f64]);
}

impl<F: FnMut(&[f64], &mut [f64])> Field for F {
    fn eval(&mut self, x: &[f64], dx: &mut [f64]) {
        self(x, dx)
    }
}

fn axpy(out: &mut [f64], x: &[f64], a: f64, k: &[f64]) {
    for ((o, xi), ki) in out.iter_mut().zip(x).zip(k) {
        *o = xi + a * ki;
    }
}

/// One classical Runge–Kutta step (4th order, not symplectic).
pub fn rk4_step(f: &mut impl Field, x: &mut [f64], dt: f64) {
    let n = x.len();
    let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
        vec![0.0; n],
    );
    f.eval(x, &mut k1);
    axpy(&mut tmp, x, 0.5 * dt, &k1);
    f.eval(&tmp, &mut k2);
    axpy(&mut tmp, x, 0.5 * dt, &k2);
    f.eval(&tmp, &mut k3);
    axpy(&mut tmp, x, dt, &k3);
    f.eval(&tmp, &mut k4);
    for i in 0..n {
        x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }
}

/// How a fixed-step integrator advances a field (the app's toggle; lessons can set it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Integrator {
    Rk4,
    /// Leapfrog in its generalized Störmer–Verlet form: symplectic for any H, learned or not
    /// (see `stormer_verlet_step`), kick–drift–kick when H is separable.
    Leapfrog,
}

impl Integrator {
    /// One step of length `h` of `f` from the batch `x` of states with `dof` degrees of
    /// freedom each.
    pub fn step(self, f: &mut impl Field, x: &mut [f64], h: f64, dof: usize) {
        match self {
            Integrator::Rk4 => rk4_step(f, x, h),
            Integrator::Leapfrog => stormer_verlet_step(f, x, h, dof),
        }
    }
}

/// Whether entry `i` of a batch of states with `dof` degrees of freedom is a position.
fn is_position(i: usize, dof: usize) -> bool {
    i % (2 * dof) < dof
}

/// One kick–drift–kick leapfrog (Störmer–Verlet) step, 2nd order.
///
/// For a separable H(q, p) = T(p) + V(q) this is the symplectic Verlet method, whose energy
/// error stays bounded instead of drifting. For a learned, non-separable H it is the explicit
/// variant that evaluates the field at the half-kicked state (not exactly symplectic).
pub fn leapfrog_step(f: &mut impl Field, x: &mut [f64], dt: f64, dof: usize) {
    let n = x.len();
    let mut d = vec![0.0; n];
    f.eval(x, &mut d);
    for i in (0..n).filter(|&i| !is_position(i, dof)) {
        x[i] += 0.5 * dt * d[i];
    }
    f.eval(x, &mut d);
    for i in (0..n).filter(|&i| is_position(i, dof)) {
        x[i] += dt * d[i];
    }
    f.eval(x, &mut d);
    for i in (0..n).filter(|&i| !is_position(i, dof)) {
        x[i] += 0.5 * dt * d[i];
    }
}

/// One step of the generalized Störmer–Verlet method (Hairer, Lubich & Wanner, *Geometric
/// Numerical Integration*, eq. VI.3.6), 2nd order and symplectic for *any* H(q, p), separable
/// or not — which a learned H is not:
///
/// p½ = p + h/2 · ṗ(q, p½),  q' = q + h/2 · (q̇(q, p½) + q̇(q', p½)),  p' = p½ + h/2 · ṗ(q', p½).
///
/// The two implicit equations are solved by fixed-point iteration (to round-off, at most 100
/// sweeps; they converge while h times the field's Lipschitz constant is below 2; a step that
/// does not is split in halves). For a separable H it is exactly the explicit kick–drift–kick
/// `leapfrog_step`.
pub fn stormer_verlet_step(f: &mut impl Field, x: &mut [f64], dt: f64, dof: usize) {
    stormer_verlet_halving(f, x, dt, dof, 6);
}

/// A step that does not converge (h too large for the field) is taken as two half steps,
/// up to `depth` times: still symplectic, never a silent non-solution.
fn stormer_verlet_halving(f: &mut impl Field, x: &mut [f64], dt: f64, dof: usize, depth: u32) {
    let start = x.to_vec();
    if try_stormer_verlet(f, x, dt, dof) || depth == 0 {
        return;
    }
    x.copy_from_slice(&start);
    stormer_verlet_halving(f, x, 0.5 * dt, dof, depth - 1);
    stormer_verlet_halving(f, x, 0.5 * dt, dof, depth - 1);
}

/// One step; false if a fixed-point iteration did not converge (x is then not a solution).
fn try_stormer_verlet(f: &mut impl Field, x: &mut [f64], dt: f64, dof: usize) -> bool {
    let n = x.len();
    let ps: Vec<usize> = (0..n).filter(|&i| !is_position(i, dof)).collect();
    let qs: Vec<usize> = (0..n).filter(|&i| is_position(i, dof)).collect();
    let h2 = 0.5 * dt;
    let mut d = vec![0.0; n];
    let mut y = x.to_vec();
    let close = |a: f64, b: f64| a.is_finite() && (a - b).abs() <= 1e-14 * (1.0 + a.abs());
    // p½ = p + h/2 ṗ(q, p½)
    let mut converged = false;
    for _ in 0..100 {
        f.eval(&y, &mut d);
        let mut done = true;
        for &i in &ps {
            let next = x[i] + h2 * d[i];
            done &= close(next, y[i]);
            y[i] = next;
        }
        if done {
            converged = true;
            break;
        }
    }
    if !converged {
        return false;
    }
    // q' = q + h/2 (q̇(q, p½) + q̇(q', p½))
    f.eval(&y, &mut d);
    let start: Vec<f64> = d.clone();
    converged = false;
    for _ in 0..100 {
        let mut done = true;
        for &i in &qs {
            let next = x[i] + h2 * (start[i] + d[i]);
            done &= close(next, y[i]);
            y[i] = next;
        }
        f.eval(&y, &mut d);
        if done {
            converged = true;
            break;
        }
    }
    if !converged {
        return false;
    }
    // p' = p½ + h/2 ṗ(q', p½); d holds the field at (q', p½).
    for &i in &ps {
        y[i] += h2 * d[i];
    }
    x.copy_from_slice(&y);
    true
}

/// Tolerances for the adaptive integrator (scipy's defaults are rtol 1e-3, atol 1e-6).
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub rtol: f64,
    pub atol: f64,
}

/// Result of an adaptive solve: the state at each requested time, row-major `[time][state]`.
#[derive(Clone, Debug)]
pub struct Solution {
    pub states: Vec<Vec<f64>>,
    pub steps: usize,
    pub rejected: usize,
}

// Dormand–Prince 5(4) tableau (the field is autonomous, so the nodes c are not needed).
const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [
        19372.0 / 6561.0,
        -25360.0 / 2187.0,
        64448.0 / 6561.0,
        -212.0 / 729.0,
        0.0,
        0.0,
    ],
    [
        9017.0 / 3168.0,
        -355.0 / 33.0,
        46732.0 / 5247.0,
        49.0 / 176.0,
        -5103.0 / 18656.0,
        0.0,
    ],
    [
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
    ],
];
// 5th-order weights are A[6]; E = b5 - b4 gives the embedded error estimate.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Adaptive Dormand–Prince 5(4) from `times[0]` through every time in `times` (ascending).
///
/// Steps are shortened to land on each output time exactly instead of interpolating, so the
/// outputs carry the full 5th-order accuracy. The error norm is scipy's RMS of
/// err / (atol + rtol·max(|y|, |y_new|)) over all components, so a batch of trajectories
/// shares one step size.
///
/// Errors (never panics) when the step size underflows, e.g. a field that blows up or turns
/// non-finite.
pub fn dopri5(
    f: &mut impl Field,
    x0: &[f64],
    times: &[f64],
    tol: Tolerance,
) -> anyhow::Result<Solution> {
    let n = x0.len();
    let mut k: Vec<Vec<f64>> = vec![vec![0.0; n]; 7];
    let mut y = x0.to_vec();
    let mut y_new = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    let mut states = Vec::with_capacity(times.len());
    let (mut steps, mut rejected) = (0, 0);
    if times.is_empty() {
        return Ok(Solution {
            states,
            steps,
            rejected,
        });
    }
    states.push(y.clone());
    let mut t = times[0];
    f.eval(&y, &mut k[0]);
    let span = times[times.len() - 1] - t;
    let mut h = initial_step(&y, &k[0], span, tol);
    for &t_out in &times[1..] {
        while t < t_out {
            let last = t + h >= t_out;
            let h_try = if last { t_out - t } else { h };
            for (s, row) in A.iter().enumerate().skip(1) {
                let (done, rest) = k.split_at_mut(s);
                tmp.copy_from_slice(&y);
                for (a, kj) in row.iter().zip(done.iter()) {
                    if *a != 0.0 {
                        for i in 0..n {
                            tmp[i] += h_try * a * kj[i];
                        }
                    }
                }
                f.eval(&tmp, &mut rest[0]);
            }
            // The last stage is evaluated at the 5th-order solution (FSAL).
            y_new.copy_from_slice(&tmp);
            let mut err2 = 0.0;
            for i in 0..n {
                let e: f64 = (0..7).map(|s| E[s] * k[s][i]).sum::<f64>() * h_try;
                let sc = tol.atol + tol.rtol * y[i].abs().max(y_new[i].abs());
                err2 += (e / sc).powi(2);
            }
            let err = (err2 / n as f64).sqrt();
            if err <= 1.0 {
                t = if last { t_out } else { t + h_try };
                y.copy_from_slice(&y_new);
                let (first, rest) = k.split_at_mut(1);
                first[0].copy_from_slice(&rest[5]);
                steps += 1;
                let grow = if err == 0.0 {
                    10.0
                } else {
                    (0.9 * err.powf(-0.2)).clamp(0.2, 10.0)
                };
                if !last {
                    h = h_try * grow;
                }
            } else {
                rejected += 1;
                h = h_try * (0.9 * err.powf(-0.2)).clamp(0.2, 1.0);
            }
            if !(h > 1e-14 * span.abs().max(1.0)) {
                anyhow::bail!("the adaptive integrator's step size underflowed at t = {t} (the field blows up or is not finite there)");
            }
        }
        states.push(y.clone());
    }
    Ok(Solution {
        states,
        steps,
        rejected,
    })
}

/// Hairer's heuristic for the first step size.
fn initial_step(y: &[f64], f0: &[f64], span: f64, tol: Tolerance) -> f64 {
    let n = y.len() as f64;
    let sc = |i: usize| tol.atol + tol.rtol * y[i].abs();
    let d0 = (y
        .iter()
        .enumerate()
        .map(|(i, v)| (v / sc(i)).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let d1 = (f0
        .iter()
        .enumerate()
        .map(|(i, v)| (v / sc(i)).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let h0 = if d0 < 1e-5 || d1 < 1e-5 {
        1e-6
    } else {
        0.01 * d0 / d1
    };
    h0.min(span.abs() / 10.0).max(1e-10)
}

/// Evenly spaced times, like `numpy.linspace`.
pub fn linspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    match n {
        0 => vec![],
        1 => vec![a],
        _ => (0..n)
            .map(|i| a + (b - a) * i as f64 / (n - 1) as f64)
            .collect(),
    }
}

#[cfg(test)]
mod tests;
