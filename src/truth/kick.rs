//! What a user does to the truth by hand: kick one of its bodies, kick it to a chosen energy,
//! give it new physics. A kick changes momenta only, so the positions and the potential
//! energy stay; the kinetic energy is quadratic in the kick, which makes "kick it by exactly
//! ΔE" a quadratic equation rather than a search.

use anyhow::{bail, Result};

use super::{Observation, TruthKind, TruthSystem};
use crate::observed::ObservedPendulum;
use crate::physics::{Gravity, RapierSpec};
use crate::scene::SystemSpec;

impl TruthSystem {
    /// How many bodies can be kicked (or dragged): the pendulums' bobs, the orbits' bodies.
    pub fn bodies(&self) -> usize {
        self.system.bodies()
    }

    /// The change of state a unit kick to `body` makes, in the truth's own coordinates.
    ///
    /// - The rapier pendulum (state (θ, ω)): a unit angular impulse, Δω = 1/I.
    /// - A chain (pendulums, double pendulums, the spring): Δp of that joint's coordinate.
    /// - Orbits: a unit impulse to `body` along its motion, and the opposite impulse shared
    ///   by the other bodies (as if it pushed off them), so the total momentum and the centre
    ///   of mass stay put. For two bodies the partner is pushed along its own motion too, so
    ///   the kick widens the orbit. A body at rest is pushed across its line to the centre.
    fn kick_direction(&self, x: &[f64], body: usize) -> Vec<f64> {
        let mut d = vec![0.0; x.len()];
        match (&self.kind, &self.system) {
            (TruthKind::Pixels(o), _) => d[1] = 1.0 / o.sim.spec.inertia(),
            (_, SystemSpec::Gravity { masses, g }) => {
                let grav = Gravity {
                    masses: masses.clone(),
                    g: *g,
                };
                let nb = grav.bodies();
                let (pos, mom) = grav.body(x, body);
                let mut u = mom;
                if u[0].hypot(u[1]) < 1e-12 {
                    u = [-pos[1], pos[0]];
                }
                let n = u[0].hypot(u[1]);
                let u = if n < 1e-12 {
                    [1.0, 0.0]
                } else {
                    [u[0] / n, u[1] / n]
                };
                for i in 0..nb {
                    let share = if i == body {
                        1.0
                    } else {
                        -1.0 / (nb - 1) as f64
                    };
                    d[2 * nb + i] = share * u[0];
                    d[3 * nb + i] = share * u[1];
                }
            }
            _ => d[x.len() / 2 + body] = 1.0,
        }
        d
    }

    /// A kick of strength `j` to the first body (see `kick_body`).
    pub fn kick(&mut self, j: f64) -> Result<Option<(Observation, Observation)>> {
        self.kick_body(j, 0)
    }

    /// A kick of strength `j` to `body`: an angular impulse (N·m·s) for the rapier pendulum, Δp
    /// of the joint for the chains, an impulse along the motion for orbits (`kick_direction`).
    /// Returns how the twins observe the state before and after it; `None` for a recording.
    pub fn kick_body(&mut self, j: f64, body: usize) -> Result<Option<(Observation, Observation)>> {
        if !self.interactive() {
            return Ok(None);
        }
        if body >= self.bodies() {
            bail!(
                "body {} of {}: no such body to kick",
                body + 1,
                self.bodies()
            );
        }
        if let TruthKind::Pixels(o) = &mut self.kind {
            let (a, b) = o.kick(j)?;
            return Ok(Some((Observation::Pair(a), Observation::Pair(b))));
        }
        let before = self.state();
        let d = self.kick_direction(&before, body);
        let after: Vec<f64> = before.iter().zip(&d).map(|(x, d)| x + j * d).collect();
        self.set_state(&after);
        Ok(Some((
            Observation::State(before),
            Observation::State(self.state()),
        )))
    }

    /// The kick to the first body that changes the energy by exactly `de` (see
    /// `energy_kick`).
    pub fn kick_for_energy(&self, de: f64) -> Option<f64> {
        self.energy_kick(de, 0)
    }

    /// The kick to `body` along its motion (forwards, at rest) that changes the energy by
    /// exactly `de`; a loss larger than the kick can take stops that motion (the lowest
    /// energy along the kick). None for a recording.
    ///
    /// Along the kick's direction d the energy is E(s) = E₀ + b·s + a·s²/2 exactly (momenta
    /// enter the kinetic energy quadratically; the potential does not change), so a and b come
    /// from three energies and the kick from the quadratic's root nearest zero.
    pub fn energy_kick(&self, de: f64, body: usize) -> Option<f64> {
        if !self.interactive() || body >= self.bodies() {
            return None;
        }
        let x = self.state();
        let d = self.kick_direction(&x, body);
        let energy = |s: f64| {
            let y: Vec<f64> = x.iter().zip(&d).map(|(x, d)| x + s * d).collect();
            let (k, u) = self.parts(&y);
            k + u
        };
        let (e0, ep, em) = (energy(0.0), energy(1.0), energy(-1.0));
        let a = ep + em - 2.0 * e0;
        let b = 0.5 * (ep - em);
        if !(a > 0.0 && b.is_finite()) {
            return None;
        }
        let sign = if b < 0.0 { -1.0 } else { 1.0 };
        let disc = b * b + 2.0 * a * de;
        // t ≥ 0 raises the energy along the motion; below the minimum, stop at it.
        let t = if disc <= 0.0 {
            -b.abs() / a
        } else {
            // −|b| + √disc, written to keep its digits when de is small.
            2.0 * de / (b.abs() + disc.sqrt())
        };
        Some(sign * t)
    }

    /// The system's constants now (they change with `set_system`).
    pub fn system(&self) -> &SystemSpec {
        &self.system
    }

    /// The rapier pendulum's physical settings, if the truth is one.
    pub fn physics(&self) -> Option<RapierSpec> {
        match &self.kind {
            TruthKind::Pixels(o) => Some(o.sim.spec),
            _ => None,
        }
    }

    /// New physics for the rapier pendulum (see `set_system`).
    pub fn set_physics(&mut self, spec: RapierSpec) -> Result<bool> {
        if self.physics().is_none() {
            return Ok(false);
        }
        self.set_system(&SystemSpec::RapierPendulum(spec))
    }

    /// New constants (gravity, lengths, masses) of the same kind of system, from the current
    /// state: the bodies keep their places and velocities (the rapier systems) or momenta
    /// (the analytic ones) and move on under the new physics at once. False (nothing changed)
    /// for a recording; an error for a different kind or number of bodies.
    pub fn set_system(&mut self, system: &SystemSpec) -> Result<bool> {
        if !self.interactive() {
            return Ok(false);
        }
        if std::mem::discriminant(system) != std::mem::discriminant(&self.system)
            || system.dof() != self.system.dof()
        {
            bail!("new physics must be for the same system (bodies and kind) as the scene's");
        }
        match (&mut self.kind, system) {
            (TruthKind::Pixels(o), SystemSpec::RapierPendulum(spec)) => {
                let (theta, omega) = o.state();
                let time = o.time;
                let mut next = ObservedPendulum::new(*spec, o.data.clone(), theta, omega)?;
                next.time = time;
                **o = next;
            }
            (TruthKind::Rapier2(p), SystemSpec::RapierDoublePendulum(spec)) => {
                let (theta, omega) = p.state();
                **p = crate::physics::RapierDoublePendulum::new(*spec, theta, omega);
            }
            (TruthKind::Analytic(a), s) => {
                a.h = std::sync::Arc::from(crate::physics::with_friction(
                    s.hamiltonian(),
                    self.friction,
                ))
            }
            _ => bail!("this truth's physics cannot change"),
        }
        self.system = system.clone();
        Ok(true)
    }

    /// New friction for an analytic truth (the rapier rod's is part of its physics: use
    /// `set_system`). Ok(false): this truth has no friction to set (a recording, rapier).
    pub fn set_friction(&mut self, friction: crate::physics::Friction) -> Result<bool> {
        match &mut self.kind {
            TruthKind::Analytic(a) => {
                self.friction = friction;
                a.h = std::sync::Arc::from(crate::physics::with_friction(
                    self.system.hamiltonian(),
                    friction,
                ));
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
