//! A double pendulum of two uniform rods simulated by rapier2d: the first pivoted at a fixed
//! anchor, the second at the first's lower end, both on a chain of multibody
//! (reduced-coordinate) revolute joints, the joint kind that conserves a single pendulum's
//! energy (see `rapier_pendulum`). Its exact energy is `DoublePendulum::rods`.

use rapier2d::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ranges;

use super::{DoublePendulum, Hamiltonian};

/// Physical and numerical settings of the rapier double pendulum. The defaults keep the
/// energy within 1% over 60 s at every amplitude (`hnn-lab drift`): rapier's error here falls
/// with substeps × solver iterations (each iteration integrates a multibody's internal step),
/// and a chaotic swing needs about 500 of them per 1/60 s.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RapierDoubleSpec {
    /// Rod masses (kg) and lengths (m), upper rod first; gravity (m/s²).
    #[serde(deserialize_with = "ranges::physical")]
    pub m1: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub m2: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub l1: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub l2: f64,
    #[serde(deserialize_with = "ranges::physical")]
    pub gravity: f64,
    /// Fixed time step of one `step` call (s), split into `substeps` rapier steps.
    #[serde(deserialize_with = "ranges::time_step")]
    pub dt: f64,
    #[serde(deserialize_with = "ranges::substeps")]
    pub substeps: usize,
    /// Rapier solver iterations per substep.
    #[serde(deserialize_with = "ranges::substeps")]
    pub solver_iterations: usize,
    /// Joint friction γ_j (N·m·s): each multibody joint's own damping, a torque −γ_j φ̇ on its
    /// relative rate (`Friction::joints` is the same rule in canonical coordinates). Not
    /// written when 0, so frictionless scenes keep their hash.
    #[serde(
        deserialize_with = "ranges::friction",
        skip_serializing_if = "super::rapier_pendulum::is_zero"
    )]
    pub friction: f64,
}

impl Default for RapierDoubleSpec {
    fn default() -> Self {
        Self {
            m1: 1.0,
            m2: 1.0,
            l1: 1.0,
            l2: 1.0,
            gravity: 9.81,
            dt: 1.0 / 60.0,
            substeps: 16,
            solver_iterations: 32,
            friction: 0.0,
        }
    }
}

impl RapierDoubleSpec {
    /// The exact Hamiltonian of two uniform rods, in canonical (θ₁, θ₂, p₁, p₂).
    pub fn hamiltonian(&self) -> DoublePendulum {
        DoublePendulum::rods(self.m1, self.m2, self.l1, self.l2, self.gravity)
    }
}

/// A rapier world holding the anchor and the two rods.
pub struct RapierDoublePendulum {
    pub spec: RapierDoubleSpec,
    world: PhysicsWorld,
    rods: [RigidBodyHandle; 2],
    joint: MultibodyJointHandle,
    /// Angles unwrapped across full turns (rapier reports them in (−π, π]).
    theta: [f64; 2],
}

const ANCHOR: Vector = Vector::new(0.0, 0.0);

impl RapierDoublePendulum {
    /// At absolute angles θ (from hanging, counter-clockwise positive) and angular velocities ω.
    pub fn new(spec: RapierDoubleSpec, theta: [f64; 2], omega: [f64; 2]) -> Self {
        let mut world = PhysicsWorld::new();
        world.gravity = Vector::new(0.0, -spec.gravity as Real);
        world.integration_parameters.dt = (spec.dt / spec.substeps.max(1) as f64) as Real;
        world.integration_parameters.num_solver_iterations = spec.solver_iterations.max(1);
        let anchor = world.insert_body(RigidBodyBuilder::fixed().translation(ANCHOR));
        let rod = |world: &mut PhysicsWorld, m: f64, l: f64, y: f64| {
            // Along its local y axis, centre of mass at the origin, exact uniform-rod inertia.
            let props = MassProperties::new(Vector::ZERO, m as Real, (m * l * l / 12.0) as Real);
            world.insert_body(
                RigidBodyBuilder::dynamic()
                    .translation(Vector::new(0.0, y as Real))
                    .additional_mass_properties(props)
                    .angular_damping(0.0)
                    .linear_damping(0.0)
                    .can_sleep(false),
            )
        };
        let (h1, h2) = (spec.l1 / 2.0, spec.l2 / 2.0);
        let r1 = rod(&mut world, spec.m1, spec.l1, -h1);
        let r2 = rod(&mut world, spec.m2, spec.l2, -spec.l1 - h2);
        let j1 = RevoluteJointBuilder::new()
            .local_anchor1(ANCHOR)
            .local_anchor2(Vector::new(0.0, h1 as Real))
            .build();
        let j2 = RevoluteJointBuilder::new()
            .local_anchor1(Vector::new(0.0, -h1 as Real))
            .local_anchor2(Vector::new(0.0, h2 as Real))
            .build();
        world
            .insert_multibody_joint(anchor, r1, j1)
            .expect("a chain from a fixed anchor");
        let joint = world
            .insert_multibody_joint(r1, r2, j2)
            .expect("a chain from a fixed anchor");
        if let Some((mb, _)) = world.multibody_joints.get_mut(joint) {
            // Rapier's default joint damping is 0.1; ours is the spec's (0: none).
            mb.damping_mut().fill(spec.friction as Real);
        }
        let mut p = Self {
            spec,
            world,
            rods: [r1, r2],
            joint,
            theta: [0.0; 2],
        };
        p.set_state(theta, omega);
        p
    }

    /// Advances by `spec.dt` in `spec.substeps` rapier steps.
    pub fn step(&mut self) {
        for _ in 0..self.spec.substeps.max(1) {
            self.world.step();
            for (k, h) in self.rods.iter().enumerate() {
                let raw = self.world.bodies[*h].rotation().angle() as f64;
                let turns = ((self.theta[k] - raw) / std::f64::consts::TAU).round();
                self.theta[k] = raw + turns * std::f64::consts::TAU;
            }
        }
    }

    /// Absolute angles (unwrapped) and angular velocities of the two rods.
    pub fn state(&self) -> ([f64; 2], [f64; 2]) {
        let w = |k: usize| self.world.bodies[self.rods[k]].angvel() as f64;
        (self.theta, [w(0), w(1)])
    }

    /// The canonical state (θ₁, θ₂, p₁, p₂), p = M(θ)ω.
    pub fn canonical(&self) -> [f64; 4] {
        let (th, om) = self.state();
        let p = self.spec.hamiltonian().momenta(th, om);
        [th[0], th[1], p[0], p[1]]
    }

    /// The exact energy of the rods' current state (J).
    pub fn energy(&self) -> f64 {
        self.spec.hamiltonian().energy(&self.canonical())
    }

    /// Places the rods at absolute angles θ with angular velocities ω: the multibody's
    /// coordinates are the joints' relative angles (θ₁, θ₂ − θ₁) and rates.
    pub fn set_state(&mut self, theta: [f64; 2], omega: [f64; 2]) {
        let (mb, _) = self
            .world
            .multibody_joints
            .get_mut(self.joint)
            .expect("multibody exists");
        mb.forward_kinematics(&self.world.bodies, true);
        let coord = |k: usize| {
            mb.link(k)
                .map(|l| l.joint().coords()[DIM] as f64)
                .unwrap_or_default()
        };
        let (now1, now2) = (coord(1), coord(2));
        let want = [theta[0], theta[1] - theta[0]];
        mb.apply_displacements(&[(want[0] - now1) as Real, (want[1] - now2) as Real]);
        let mut v = mb.generalized_velocity_mut();
        v[0] = omega[0] as Real;
        v[1] = (omega[1] - omega[0]) as Real;
        mb.forward_kinematics(&self.world.bodies, true);
        mb.update_rigid_bodies(&mut self.world.bodies, true);
        // The rigid bodies' own velocities, consistent with the joints (rapier reads them back).
        let (h1, h2) = (self.spec.l1 / 2.0, self.spec.l2 / 2.0);
        let c1 = Vector::new(
            (omega[0] * h1 * theta[0].cos()) as Real,
            (omega[0] * h1 * theta[0].sin()) as Real,
        );
        let end1 = Vector::new(
            (omega[0] * 2.0 * h1 * theta[0].cos()) as Real,
            (omega[0] * 2.0 * h1 * theta[0].sin()) as Real,
        );
        let c2 = end1
            + Vector::new(
                (omega[1] * h2 * theta[1].cos()) as Real,
                (omega[1] * h2 * theta[1].sin()) as Real,
            );
        for (k, v) in [c1, c2].into_iter().enumerate() {
            let body = &mut self.world.bodies[self.rods[k]];
            body.set_linvel(v, true);
            body.set_angvel(omega[k] as Real, true);
        }
        self.theta = theta;
    }
}

/// Relative energy change (H(T) − H(0)) / H(0) and the largest relative excursion over
/// `seconds` of simulated time from rest with both rods at `theta0` (from hanging).
pub fn double_energy_drift(spec: RapierDoubleSpec, theta0: f64, seconds: f64) -> (f64, f64) {
    let mut p = RapierDoublePendulum::new(spec, [theta0, theta0], [0.0, 0.0]);
    let steps = (seconds / spec.dt).round() as usize;
    super::energy_drift_of(
        &mut p,
        steps,
        RapierDoublePendulum::step,
        RapierDoublePendulum::energy,
    )
}

/// Energy (J) the rods lose to joint friction over `seconds` from rest with both at `theta0`:
/// rapier's, and the damped ODE's (`Friction::joints`, DoPri5, rtol 1e-10) — how faithfully
/// the multibody's joint damping follows the physics it stands for.
pub fn double_friction_loss(spec: RapierDoubleSpec, theta0: f64, seconds: f64) -> (f64, f64) {
    use crate::integrate::{dopri5, linspace, Tolerance};
    use crate::physics::{with_friction, Friction};
    let mut p = RapierDoublePendulum::new(spec, [theta0, theta0], [0.0, 0.0]);
    let x0 = p.canonical();
    let e0 = p.energy();
    for _ in 0..(seconds / spec.dt).round() as usize {
        p.step();
    }
    let lost_rapier = e0 - p.energy();
    let ode = with_friction(
        Box::new(spec.hamiltonian()),
        Friction::joints(spec.friction),
    );
    let mut f = |x: &[f64], dx: &mut [f64]| ode.field(x, dx);
    let tol = Tolerance {
        rtol: 1e-10,
        atol: 1e-10,
    };
    let lost_ode = match dopri5(&mut f, &x0, &linspace(0.0, seconds, 2), tol) {
        Ok(sol) => ode.energy(&x0) - ode.energy(&sol.states[1]),
        Err(_) => f64::NAN,
    };
    (lost_rapier, lost_ode)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joint friction loses energy at the ODE's rate (the relative-rate rule of
    /// `Friction::joints`): over 5 s from rest at 0.5 rad (regular swings) the energy rapier's
    /// multibody loses is within 3% of the damped ODE's, at γ_j = 0.05 and 0.2 N·m·s.
    #[test]
    fn joint_friction_matches_the_damped_ode() {
        for friction in [0.05, 0.2] {
            let spec = RapierDoubleSpec {
                friction,
                ..Default::default()
            };
            let (rapier, ode) = double_friction_loss(spec, 0.5, 5.0);
            assert!(ode > 0.0, "the ODE loses energy: {ode}");
            assert!(
                (rapier / ode - 1.0).abs() < 0.03,
                "γ_j {friction}: rapier lost {rapier} J, the ODE {ode} J"
            );
        }
    }

    /// The state set is the state read back, and the rods' kinetic energy as rapier's bodies
    /// carry it (½m|v|² + ½Iω² per rod) equals the mass-matrix form `DoublePendulum::rods`.
    #[test]
    fn state_round_trips_and_kinetic_energy_matches_the_mass_matrix() {
        let spec = RapierDoubleSpec::default();
        let (th, om) = ([0.7, -0.4], [1.3, -2.1]);
        let p = RapierDoublePendulum::new(spec, th, om);
        let (t, w) = p.state();
        for k in 0..2 {
            assert!(
                (t[k] - th[k]).abs() < 1e-5 && (w[k] - om[k]).abs() < 1e-4,
                "{t:?} {w:?}"
            );
        }
        let mut rapier_t = 0.0;
        for (k, (m, l)) in [(spec.m1, spec.l1), (spec.m2, spec.l2)]
            .into_iter()
            .enumerate()
        {
            let b = &p.world.bodies[p.rods[k]];
            let v = b.linvel();
            let (vx, vy) = (v.x as f64, v.y as f64);
            let a = b.angvel() as f64;
            rapier_t += 0.5 * m * (vx * vx + vy * vy) + 0.5 * (m * l * l / 12.0) * a * a;
        }
        let (k, _) = spec.hamiltonian().parts(&p.canonical());
        assert!(
            (k - rapier_t).abs() < 1e-4 * rapier_t,
            "{k} vs rapier {rapier_t}"
        );
    }

    /// The shipped default keeps the energy within 1% over 60 s from rest, in regular swings
    /// (0.5 rad) and in chaotic ones with flips (2.5 rad).
    #[test]
    fn default_settings_conserve_energy_within_one_percent_over_60_s() {
        for theta0 in [0.5, 2.5] {
            let (end, worst) = double_energy_drift(RapierDoubleSpec::default(), theta0, 60.0);
            assert!(
                worst < 0.01,
                "θ0 = {theta0}: end {end:+.4}, worst {worst:.4}"
            );
        }
    }
}
