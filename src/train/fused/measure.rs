//! How the fused trainer's matrix product does on this machine and build: its error against
//! a naive product (run in each WebAssembly module by `web/test_worker.cjs`), its rate on one
//! thread, and the rate of a large square product on all threads, the practical peak that
//! `hnn-lab bench` reads the training steps against.

use super::kernels::{matmul, View};

/// The largest relative error of `matmul` against a naive f64 product, over shapes like the
/// trainers' and odd ones, in every storage order: a check of whichever kernel this build
/// multiplies with (`web/test_worker.cjs` runs it in each WebAssembly module).
pub fn matmul_self_check() -> f64 {
    let mut worst = 0.0f64;
    // (Past the kernel's blocks of 256 inner indices and columns, its 4-row and 8-column tiles.)
    let shapes = [
        (66, 300, 260),
        (37, 9, 300),
        (37, 17, 300),
        (200, 2, 30),
        (2, 200, 30),
        (1, 2, 3),
        (13, 17, 5),
    ];
    for (m, n, k) in shapes {
        let (av, bv, start) = check_operands(m, n, k);
        for (ta, tb, acc) in [
            (false, false, false),
            (true, false, true),
            (false, true, true),
            (true, true, false),
        ] {
            let a = if ta {
                View::new(&av, k, m).t()
            } else {
                View::new(&av, m, k)
            };
            let b = if tb {
                View::new(&bv, n, k).t()
            } else {
                View::new(&bv, k, n)
            };
            let mut c = start.clone();
            matmul(&mut c, a, b, acc);
            let at = |v: &View, i: usize, j: usize| {
                let (cs, rs) = v.strides();
                v.data[i * rs as usize + j * cs as usize] as f64
            };
            for i in 0..m {
                for j in 0..n {
                    let dot: f64 = (0..k).map(|p| at(&a, i, p) * at(&b, p, j)).sum();
                    let want = dot + if acc { start[i * n + j] as f64 } else { 0.0 };
                    let scale: f64 = 1.0
                        + (0..k)
                            .map(|p| (at(&a, i, p) * at(&b, p, j)).abs())
                            .sum::<f64>();
                    worst = worst.max((c[i * n + j] as f64 - want).abs() / scale);
                }
            }
        }
    }
    worst
}

/// Rate (GFLOP/s, best of `reps`) of one `matmul` of an m × k by a k × n matrix on this
/// thread: the kernel alone, beside a training step's rate (`web/bench_worker.cjs`).
pub fn matmul_gflops(m: usize, n: usize, k: usize, reps: usize) -> f64 {
    let a: Vec<f32> = (0..m * k).map(|i| ((i % 17) as f32 - 8.0) * 0.01).collect();
    let b: Vec<f32> = (0..k * n).map(|i| ((i % 13) as f32 - 6.0) * 0.01).collect();
    let mut c = vec![0.0f32; m * n];
    let mut best = f64::MAX;
    for _ in 0..reps.max(1) {
        let t = web_time::Instant::now();
        matmul(&mut c, View::new(&a, m, k), View::new(&b, k, n), false);
        best = best.min(t.elapsed().as_secs_f64());
    }
    2.0 * (m * n * k) as f64 / best / 1e9
}

/// Rate of a large square f32 product on all threads (GFLOP/s): the machine's practical peak,
/// measured beside the training steps so their rate can be read as a fraction of it.
pub fn sgemm_peak_gflops(n: usize, reps: usize) -> f64 {
    let a: Vec<f32> = (0..n * n).map(|i| ((i % 17) as f32 - 8.0) * 0.01).collect();
    let mut c = vec![0.0f32; n * n];
    let mut best = f64::MAX;
    for _ in 0..reps.max(1) {
        let t = web_time::Instant::now();
        // SAFETY: a and c are n×n row-major and do not alias.
        unsafe {
            gemm::gemm(
                n,
                n,
                n,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                1,
                n as isize,
                a.as_ptr(),
                1,
                n as isize,
                1.0f32,
                1.0f32,
                false,
                false,
                false,
                gemm::Parallelism::Rayon(0),
            );
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    2.0 * (n as f64).powi(3) / best / 1e9
}

/// The operands of a product check, m × k and k × n (a mix of signs and sizes, no pattern the
/// blocking could line up with), and a start for c, m × n, to accumulate onto.
pub(super) fn check_operands(m: usize, n: usize, k: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let a = (0..m * k)
        .map(|x| ((x * 7 % 23) as f32 - 11.0) * 0.1)
        .collect();
    let b = (0..k * n)
        .map(|x| ((x * 5 % 19) as f32 - 9.0) * 0.1)
        .collect();
    let c = (0..m * n).map(|x| (x % 3) as f32).collect();
    (a, b, c)
}
