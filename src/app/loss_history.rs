//! The training panel's loss history, bounded so that a long run's plot costs the same per
//! frame.

/// The most loss points a model's curve keeps.
pub const MAX_LOSS_POINTS: usize = 2048;

/// Appends `v`; a full history drops every second point of its older half, so the curve keeps
/// its whole span, full resolution for the recent steps and half for the older ones (amortised
/// constant time: a thinning frees a quarter of the room).
pub fn push_bounded<T>(history: &mut Vec<T>, v: T, max: usize) {
    if history.len() >= max.max(4) {
        let half = history.len() / 2;
        let mut i = 0;
        history.retain(|_| {
            let keep = i >= half || i % 2 == 0;
            i += 1;
            keep
        });
    }
    history.push(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_history_stays_bounded_keeps_its_span_and_the_recent_points() {
        let mut h = Vec::new();
        for step in 0..100_000 {
            push_bounded(&mut h, step, 64);
            assert!(h.len() <= 64);
        }
        assert_eq!(h[0], 0, "the first point stays");
        assert_eq!(*h.last().unwrap(), 99_999);
        // The newest points are all there, in order.
        let tail = &h[h.len() - 16..];
        assert!(tail.windows(2).all(|w| w[1] == w[0] + 1), "{tail:?}");
        assert!(h.windows(2).all(|w| w[0] < w[1]));
    }
}
