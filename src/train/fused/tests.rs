//! The fused trainer against candle's autograd and Adam, and its work counts.
use super::*;
use crate::nn::{fresh, FieldModel};
use crate::rng::Rng;
use candle_core::{DType, Device, Tensor};

/// Points and targets of unit scale, `dim` numbers each.
fn batch_of(rows: usize, dim: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    let x = (0..dim * rows).map(|_| rng.range(-1.5, 1.5)).collect();
    let y = (0..dim * rows).map(|_| rng.normal()).collect();
    (x, y)
}

fn batch(rows: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    batch_of(rows, 2, seed)
}

/// The hand-written gradient against candle's autograd (f64) of the same loss, for HNNs of
/// depth 1–3 and a baseline, with one, two and four degrees of freedom (J∇H pairs each
/// position with its own momentum), on a batch split across threads.
#[test]
fn fused_gradient_matches_candle_autograd() {
    let cases = [
        (ModelKind::Hnn, vec![2, 16, 1]),
        (ModelKind::Hnn, vec![2, 32, 24, 1]),
        (ModelKind::Hnn, vec![2, 12, 10, 8, 1]),
        (ModelKind::Baseline, vec![2, 32, 24, 2]),
        (ModelKind::Hnn, vec![4, 24, 16, 1]),
        (ModelKind::Hnn, vec![8, 20, 20, 1]),
        (ModelKind::Baseline, vec![8, 20, 20, 8]),
    ];
    for (kind, sizes) in cases {
        let (varmap, mlp) = fresh(&sizes, DType::F64, 3).unwrap();
        let model = FieldModel {
            kind,
            mlp,
            dissipation: None,
        };
        let rows = 2 * MIN_ROWS_PER_SLICE + 10;
        let dim = sizes[0];
        let (x, y) = batch_of(rows, dim, 7);
        let xt = Tensor::from_slice(&x, (rows, dim), &Device::Cpu).unwrap();
        let yt = Tensor::from_slice(&y, (rows, dim), &Device::Cpu).unwrap();
        let loss = model.mse(&xt, &yt).unwrap();
        let grads = loss.backward().unwrap();

        let init = MlpWeights::from_mlp(&model.mlp).unwrap();
        let mut net = FusedNet::new(kind, &init, rows, 1e-3, 0.0);
        assert!(net.chunks.len() >= 2);
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let (l, g) = net.gradient(&xf, &yf);
        let want = loss.to_scalar::<f64>().unwrap();
        assert!(
            ((l as f64) - want).abs() < 1e-5 * want,
            "{kind:?} {sizes:?}: loss {l} vs {want}"
        );

        let data = varmap.data().lock().unwrap();
        let n = sizes.len() - 1;
        for i in 0..n {
            let mut pairs = vec![(format!("l{i}.weight"), &g.w[i])];
            if i + 1 < n {
                pairs.push((format!("l{i}.bias"), &g.b[i]));
            }
            for (name, ours) in pairs {
                let label = format!("{kind:?} {sizes:?} {name}");
                assert_matches_autograd(&grads, &data[&name], ours, 1e-12, 2e-4, &label);
            }
        }
    }
}

/// The D-HNN's hand-written gradients (both networks) against candle's autograd of the same
/// loss (f64), for one and two degrees of freedom and depths 1 and 2, on a batch cut into
/// slices; and the loss against a central finite difference in one weight of each network.
#[test]
fn fused_dhnn_gradient_matches_candle_autograd_and_finite_differences() {
    for sizes in [vec![2, 16, 1], vec![2, 24, 20, 1], vec![4, 20, 16, 1]] {
        let dim = sizes[0];
        let hidden = &sizes[1..sizes.len() - 1];
        let mut varmap = candle_nn::VarMap::new();
        let vb = candle_nn::VarBuilder::from_varmap(&varmap, DType::F64, &Device::Cpu);
        let model = FieldModel::new(
            ModelKind::Dhnn,
            &mut varmap,
            vb,
            dim,
            hidden,
            &mut Rng::new(11),
        )
        .unwrap();
        let rows = 2 * MIN_ROWS_PER_SLICE + 6;
        let (x, y) = batch_of(rows, dim, 8);
        let xt = Tensor::from_slice(&x, (rows, dim), &Device::Cpu).unwrap();
        let yt = Tensor::from_slice(&y, (rows, dim), &Device::Cpu).unwrap();
        let loss = model.mse(&xt, &yt).unwrap();
        let grads = loss.backward().unwrap();

        let init = MlpWeights::from_mlp(&model.mlp).unwrap();
        let init_d = MlpWeights::from_mlp(model.dissipation.as_ref().unwrap()).unwrap();
        let mut net =
            FusedNet::with_dissipation(ModelKind::Dhnn, &init, Some(&init_d), rows, 1e-3, 0.0);
        assert!(net.chunks.len() >= 2);
        let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
        let (l, gh, gd) = net.gradients(&xf, &yf);
        let gd = gd.unwrap();
        let want = loss.to_scalar::<f64>().unwrap();
        assert!(
            ((l as f64) - want).abs() < 1e-5 * want,
            "{sizes:?}: {l} vs {want}"
        );
        let data = varmap.data().lock().unwrap();
        let n = sizes.len() - 1;
        for (prefix, g) in [("", &gh), ("d.", &gd)] {
            for i in 0..n {
                let mut pairs = vec![(format!("{prefix}l{i}.weight"), &g.w[i])];
                if i + 1 < n {
                    pairs.push((format!("{prefix}l{i}.bias"), &g.b[i]));
                }
                for (name, ours) in pairs {
                    let label = format!("D-HNN {sizes:?} {name}");
                    assert_matches_autograd(&grads, &data[&name], ours, 1e-12, 2e-4, &label);
                }
            }
        }
        drop(data);
        // Finite differences of the f64 loss in the first weight of each network.
        for (net_i, g) in [(0usize, &gh), (1, &gd)] {
            let eps = 1e-6;
            let loss_at = |delta: f64| -> f64 {
                let mut h = init.clone();
                let mut d = init_d.clone();
                if net_i == 0 {
                    h.w[0][0] += delta;
                } else {
                    d.w[0][0] += delta;
                }
                let snap = crate::nn::FieldSnapshot {
                    kind: ModelKind::Dhnn,
                    mlp: h,
                    dissipation: Some(d),
                    scaling: crate::data::Scaling::identity(dim),
                };
                let mut sse = 0.0;
                for r in 0..rows {
                    let f = snap.field(&x[r * dim..(r + 1) * dim]);
                    for c in 0..dim {
                        sse += (f[c] - y[r * dim + c]).powi(2);
                    }
                }
                sse / (rows * dim) as f64
            };
            let fd = (loss_at(eps) - loss_at(-eps)) / (2.0 * eps);
            let ours = g.w[0][0] as f64;
            assert!(
                (fd - ours).abs() < 1e-3 * fd.abs().max(1e-3),
                "{sizes:?} network {net_i}: fd {fd} vs {ours}"
            );
        }
    }
}

#[test]
fn flop_counts_of_the_paper_models() {
    // Six (HNN) and three (baseline) 750×200×200 products dominate.
    let hnn = step_flops(ModelKind::Hnn, &[2, 200, 200, 1], 750);
    let base = step_flops(ModelKind::Baseline, &[2, 200, 200, 2], 750);
    assert!((hnn - 6.0 * 2.0 * 750.0 * 4e4).abs() < 0.02 * hnn, "{hnn}");
    assert!(
        (base - 3.0 * 2.0 * 750.0 * 4e4).abs() < 0.03 * base,
        "{base}"
    );
}

/// A few Adam steps with weight decay land on the same weights as the candle trainer.
#[test]
fn fused_adam_steps_match_candle() {
    let sizes = [2, 24, 24, 1];
    let (varmap, mlp) = fresh(&sizes, DType::F32, 5).unwrap();
    let model = FieldModel {
        kind: ModelKind::Hnn,
        mlp,
        dissipation: None,
    };
    let rows = 200;
    let (x, y) = batch(rows, 9);
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let xt = Tensor::from_slice(&xf, (rows, 2), &Device::Cpu).unwrap();
    let yt = Tensor::from_slice(&yf, (rows, 2), &Device::Cpu).unwrap();
    let mut net = FusedNet::new(
        ModelKind::Hnn,
        &MlpWeights::from_mlp(&model.mlp).unwrap(),
        rows,
        1e-2,
        1e-2,
    );
    let mut opt = crate::train::Adam::new(varmap.all_vars(), 1e-2, 1e-2).unwrap();
    for _ in 0..5 {
        let loss = model.mse(&xt, &yt).unwrap();
        opt.step(&loss.backward().unwrap()).unwrap();
        net.step(&xf, &yf);
    }
    let a = MlpWeights::from_mlp(&model.mlp).unwrap();
    let b = net.weights();
    for (wa, wb) in a.w.iter().zip(&b.w) {
        for (u, v) in wa.iter().zip(wb) {
            assert!((u - v).abs() < 1e-4, "{u} vs {v}");
        }
    }
}

/// The check the WebAssembly modules run on their own kernel (`web/test_worker.cjs`) is at
/// round-off on the native `gemm` path (the blocked kernel itself: `wasm_gemm`'s tests).
#[test]
fn matmul_self_check_is_round_off_here() {
    let worst = super::matmul_self_check();
    assert!(worst < 1e-6, "{worst}");
}
