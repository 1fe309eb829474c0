//! Backpropagation: the loss of a batch and its gradient with respect to every weight and
//! bias, pushed through in cache-sized blocks and split over two threads.

use super::activation::Activation;
use super::loss::Loss;
use super::network::{Layer, Network};
use super::rows;

/// Buffers of one forward-backward pass, kept between epochs so that a step allocates nothing.
#[derive(Default)]
pub(super) struct Workspace {
    z: Vec<Vec<f32>>,
    a: Vec<Vec<f32>>,
    dz: Vec<Vec<f32>>,
    da: Vec<f32>,
    /// A mini-batch's points and labels, gathered from the shuffled data.
    pub(super) batch_x: Vec<f32>,
    pub(super) batch_y: Vec<u32>,
    /// Each layer's weights, transposed.
    wt: Vec<Vec<f32>>,
    /// The block's inputs, sample-major.
    xt: Vec<f32>,
    /// The output layer's pre-activations, activations and gradient, class-major.
    zc: Vec<f32>,
    ac: Vec<f32>,
    dzc: Vec<f32>,
    /// The second thread's buffers and gradient.
    other: Option<Box<Half>>,
}

/// Buffers of the second half of a batch.
#[derive(Default)]
struct Half {
    ws: Workspace,
    grads: Option<Blocks>,
}

/// Gradient blocks in parameter order: `W₁, b₁, W₂, b₂, …`.
pub(super) type Blocks = Vec<Vec<f32>>;

pub(super) fn zero_blocks(net: &Network) -> Blocks {
    net.layers()
        .iter()
        .flat_map(|l| [vec![0.0; l.weights.len()], vec![0.0; l.bias.len()]])
        .collect()
}

pub(super) fn for_each_block(net: &mut Network, mut f: impl FnMut(usize, &mut [f32])) {
    for (l, layer) in net.layers_mut().iter_mut().enumerate() {
        f(2 * l, layer.weights.as_mut_slice());
        f(2 * l + 1, layer.bias.as_mut_slice());
    }
}

/// Samples pushed through the network together: small enough that a block's activations
/// stay in cache between the forward and the backward pass, large enough for the kernels.
const BLOCK: usize = 256;

/// Mean loss (with penalty) of `net` on the batch `x` (`d × n`, labels `y`), and its gradient
/// written into `grads`. The batch goes through in blocks of [`BLOCK`] samples whose
/// gradients add up, which is the same sum as one pass but keeps the data in cache. A batch
/// of two blocks or more is cut into two halves that run on two threads; the halves depend
/// only on `n`, so the result is the same bits on any machine.
pub(super) fn loss_and_grad(
    net: &Network,
    x: &[f32],
    y: &[u32],
    loss: Loss,
    l2: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let n = y.len();
    let d = net.input_dim();
    let scale = 1.0 / n as f32;
    zero(grads);
    // Each weight matrix transposed once per call, not once per block: the skinny kernels
    // read whichever layout streams.
    let mut wt = std::mem::take(&mut ws.wt);
    wt.resize_with(net.layers().len(), Vec::new);
    for (t, layer) in wt.iter_mut().zip(net.layers()) {
        t.clear();
        t.extend(layer.weights.transpose().iter());
    }
    let wt_ref = &wt;
    let blocks = n.div_ceil(BLOCK);
    let mut total = if blocks >= 2 {
        let cut = blocks.div_ceil(2) * BLOCK;
        let mut other = ws.other.take().unwrap_or_default();
        let other_grads = other.grads.get_or_insert_with(|| zero_blocks(net));
        if other_grads.len() != grads.len()
            || other_grads
                .iter()
                .zip(grads.iter())
                .any(|(a, b)| a.len() != b.len())
        {
            *other_grads = zero_blocks(net);
        }
        zero(other_grads);
        let other_ws = &mut other.ws;
        let (first, second) = rayon::join(
            || {
                blocks_loss_and_grad(
                    net,
                    wt_ref,
                    &x[..cut * d],
                    &y[..cut],
                    loss,
                    scale,
                    ws,
                    grads,
                )
            },
            || {
                blocks_loss_and_grad(
                    net,
                    wt_ref,
                    &x[cut * d..],
                    &y[cut..],
                    loss,
                    scale,
                    other_ws,
                    other_grads,
                )
            },
        );
        for (g, h) in grads.iter_mut().zip(other_grads.iter()) {
            for (a, b) in g.iter_mut().zip(h) {
                *a += b;
            }
        }
        ws.other = Some(other);
        first + second
    } else {
        blocks_loss_and_grad(net, wt_ref, x, y, loss, scale, ws, grads)
    };
    ws.wt = wt;
    total /= n as f64;
    if l2 != 0.0 {
        let c = l2 / n as f32;
        for (l, layer) in net.layers().iter().enumerate() {
            for (g, w) in grads[2 * l].iter_mut().zip(layer.weights.as_slice()) {
                *g += c * w;
            }
            total += 0.5 * c as f64 * layer.weights.iter().map(|w| (w * w) as f64).sum::<f64>();
        }
    }
    total
}

/// Runs the blocks of `x` one after another, adding their gradients into `grads`.
#[allow(
    clippy::too_many_arguments,
    reason = "a kernel takes its matrices and sizes apart, as BLAS does"
)]
fn blocks_loss_and_grad(
    net: &Network,
    wt: &[Vec<f32>],
    x: &[f32],
    y: &[u32],
    loss: Loss,
    scale: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let d = net.input_dim();
    let mut total = 0.0;
    for start in (0..y.len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(y.len());
        total += block_loss_and_grad(
            net,
            wt,
            &x[start * d..end * d],
            &y[start..end],
            loss,
            scale,
            ws,
            grads,
        );
    }
    total
}

/// Forward and backward pass of one block: returns its summed loss and adds `scale ×` its
/// gradient to `grads`. Inside the block every layer's values are sample-major (`n × width`,
/// see [`rows`]), so each product streams along the samples.
#[allow(
    clippy::too_many_arguments,
    reason = "a kernel takes its matrices and sizes apart, as BLAS does"
)]
fn block_loss_and_grad(
    net: &Network,
    wt: &[Vec<f32>],
    x: &[f32],
    y: &[u32],
    loss: Loss,
    scale: f32,
    ws: &mut Workspace,
    grads: &mut Blocks,
) -> f64 {
    let n = y.len();
    let layers = net.layers();
    let depth = layers.len();
    let d = net.input_dim();
    rows::transpose_into(x, d, n, &mut ws.xt);
    ws.z.resize_with(depth, Vec::new);
    ws.a.resize_with(depth, Vec::new);
    ws.dz.resize_with(depth, Vec::new);
    for (l, layer) in layers.iter().enumerate() {
        let (outs, ins) = (layer.outputs(), layer.inputs());
        let size = outs * n;
        ws.z[l].resize(size, 0.0);
        ws.a[l].resize(size, 0.0);
        ws.dz[l].resize(size, 0.0);
        let input: &[f32] = if l == 0 { &ws.xt } else { &ws.a[l - 1] };
        // Zᵀ = Aᵀ · Wᵀ + b.
        rows::mm(
            n,
            ins,
            outs,
            input,
            &wt[l],
            layer.bias.as_slice(),
            &mut ws.z[l],
        );
        if layer.activation.is_elementwise() {
            layer.activation.map(&ws.z[l], &mut ws.a[l]);
        }
    }

    let last = depth - 1;
    let k = layers[last].outputs();
    let total = if layers[last].activation == Activation::Softmax
        && loss == Loss::CategoricalCrossEntropy
    {
        // The common case, vectorised along the samples.
        let (a, dz) = (&mut ws.a[last], &mut ws.dz[last]);
        softmax_cross_entropy_rows(n, k, &ws.z[last], y, scale, a, dz, &mut ws.zc)
    } else {
        // Any other output layer and loss: per sample, in the class-major layout.
        rows::transpose_into(&ws.z[last], n, k, &mut ws.zc);
        ws.ac.resize(k * n, 0.0);
        layers[last].activate_into(&ws.zc, &mut ws.ac);
        ws.dzc.resize(k * n, 0.0);
        let total = loss.sum_and_grad(
            layers[last].activation,
            &ws.zc,
            &ws.ac,
            k,
            y,
            scale,
            Some(&mut ws.dzc),
        );
        let mut dz_last = std::mem::take(&mut ws.dz[last]);
        rows::transpose_into(&ws.dzc, k, n, &mut dz_last);
        ws.dz[last] = dz_last;
        total
    };

    for l in (0..depth).rev() {
        let layer: &Layer = &layers[l];
        let (outs, ins) = (layer.outputs(), layer.inputs());
        let input: &[f32] = if l == 0 { &ws.xt } else { &ws.a[l - 1] };
        // dW += dZᵀ · A (dot products along the samples), db += column sums of dZ.
        rows::mtm_acc(n, outs, ins, &ws.dz[l], input, &mut grads[2 * l]);
        rows::add_col_sums(n, &ws.dz[l], &mut grads[2 * l + 1]);
        if l > 0 {
            // dA = dZ · W, then through the previous layer's activation.
            ws.da.resize(ins * n, 0.0);
            rows::mm(
                n,
                outs,
                ins,
                &ws.dz[l],
                layer.weights.as_slice(),
                &[],
                &mut ws.da,
            );
            layers[l - 1].activation.backprop(
                &ws.z[l - 1],
                &ws.a[l - 1],
                &ws.da,
                &mut ws.dz[l - 1],
            );
        }
    }
    total
}

/// Softmax and categorical cross-entropy on a sample-major block (`z` is `n × k`): writes
/// the probabilities into `a` and `scale · (a − onehot)` into `dz`, returns the summed loss.
/// Every step runs down whole columns, so it vectorises along the samples; `scratch` holds
/// one value per sample.
#[allow(
    clippy::too_many_arguments,
    reason = "a kernel takes its matrices and sizes apart, as BLAS does"
)]
fn softmax_cross_entropy_rows(
    n: usize,
    k: usize,
    z: &[f32],
    y: &[u32],
    scale: f32,
    a: &mut [f32],
    dz: &mut [f32],
    scratch: &mut Vec<f32>,
) -> f64 {
    let col = |j: usize| j * n..(j + 1) * n;
    // The largest logit of each sample, then e^(z − max).
    scratch.clear();
    scratch.extend_from_slice(&z[col(0)]);
    for j in 1..k {
        for (m, v) in scratch.iter_mut().zip(&z[col(j)]) {
            *m = m.max(*v);
        }
    }
    for j in 0..k {
        for ((o, v), m) in a[col(j)].iter_mut().zip(&z[col(j)]).zip(scratch.iter()) {
            *o = v - m;
        }
    }
    crate::nn::activation::exp_in_place(a);
    // Normalise by each sample's sum.
    scratch.copy_from_slice(&a[col(0)]);
    for j in 1..k {
        for (s, v) in scratch.iter_mut().zip(&a[col(j)]) {
            *s += v;
        }
    }
    for s in scratch.iter_mut() {
        *s = 1.0 / *s;
    }
    for j in 0..k {
        let (aj, dj) = (&mut a[col(j)], &mut dz[col(j)]);
        for ((av, dv), inv) in aj.iter_mut().zip(dj.iter_mut()).zip(scratch.iter()) {
            *av *= inv;
            *dv = scale * *av;
        }
    }
    let mut total = 0.0f64;
    for (s, &label) in y.iter().enumerate() {
        let at = label as usize * n + s;
        total -= a[at].max(f32::MIN_POSITIVE).ln() as f64;
        dz[at] -= scale;
    }
    total
}

/// Sets every gradient (or optimizer memory) entry to zero.
pub(super) fn zero(blocks: &mut Blocks) {
    blocks
        .iter_mut()
        .for_each(|b| b.iter_mut().for_each(|v| *v = 0.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loss of `net` on a batch, in f64, for finite differences.
    fn loss_of(net: &Network, x: &[f32], y: &[u32], loss: Loss, l2: f32) -> f64 {
        let mut ws = Workspace::default();
        let mut grads = zero_blocks(net);
        loss_and_grad(net, x, y, loss, l2, &mut ws, &mut grads)
    }

    #[allow(
        clippy::needless_range_loop,
        reason = "one index runs over several slices at once"
    )]
    fn check_gradient(hidden: Activation, head: Activation, loss: Loss, outputs: usize) {
        let n = 6;
        let x: Vec<f32> = (0..3 * n)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.31)
            .collect();
        let classes = outputs.max(2) as u32;
        let y: Vec<u32> = (0..n as u32).map(|i| i % classes).collect();
        let l2 = 0.3;
        let mut ws = Workspace::default();
        // A network whose hidden pre-activations all stay clear of relu's kink, so that the
        // finite differences never straddle it.
        let net = (11..)
            .map(|seed| Network::new(&[3, 4, 3, outputs], &[hidden], head, seed).unwrap())
            .find(|net| {
                let mut grads = zero_blocks(net);
                loss_and_grad(net, &x, &y, loss, l2, &mut ws, &mut grads);
                ws.z[..2].iter().flatten().all(|z| z.abs() > 0.02)
            })
            .unwrap();
        let mut grads = zero_blocks(&net);
        loss_and_grad(&net, &x, &y, loss, l2, &mut ws, &mut grads);
        let mut probe = net.clone();
        let h = 1e-3f32;
        let mut checked = 0;
        for b in 0..grads.len() {
            for i in 0..grads[b].len() {
                let get = |p: &mut Network, delta: f32| {
                    for_each_block(p, |bb, w| {
                        if bb == b {
                            w[i] += delta;
                        }
                    })
                };
                get(&mut probe, h);
                let up = loss_of(&probe, &x, &y, loss, l2);
                get(&mut probe, -2.0 * h);
                let down = loss_of(&probe, &x, &y, loss, l2);
                get(&mut probe, h);
                let numeric = (up - down) / (2.0 * h as f64);
                let analytic = grads[b][i] as f64;
                let tol = 2e-3 + 2e-2 * analytic.abs().max(numeric.abs());
                assert!(
                    (numeric - analytic).abs() < tol,
                    "{hidden}/{head}/{loss}: block {b} entry {i}: analytic {analytic}, numeric {numeric}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, net.parameter_count());
    }

    #[test]
    fn gradients_match_finite_differences_for_every_activation_and_head() {
        let trainable = Activation::ALL
            .into_iter()
            .filter(|a| a.is_elementwise() && a.is_trainable());
        for hidden in trainable {
            check_gradient(hidden, Activation::Sigmoid, Loss::BinaryCrossEntropy, 1);
            check_gradient(
                hidden,
                Activation::Softmax,
                Loss::CategoricalCrossEntropy,
                3,
            );
        }
        // Squared error through every kind of output layer.
        for head in [
            Activation::Identity,
            Activation::Sigmoid,
            Activation::Softmax,
            Activation::Tanh,
            Activation::Softplus,
        ] {
            check_gradient(Activation::Tanh, head, Loss::Mse, 3);
        }
    }
}
