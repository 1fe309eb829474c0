//! Sample-major kernels for training. Inside a training block, a layer's values are kept as
//! an `n × width` column-major matrix: each neuron's values over the block's samples are
//! contiguous. Every product of backpropagation then streams along the samples, which is
//! the long side, whatever the layer widths: no horizontal sums, no transposes, and the
//! weights are read as broadcast scalars.

use super::linalg::dispatch;

/// `C = A · B (+ bias on each column of C)`: `A` is `n × k`, `B` is `k × m`, `C` is `n × m`,
/// all column-major; `bias` is empty or has `m` entries.
pub fn mm(n: usize, k: usize, m: usize, a: &[f32], b: &[f32], bias: &[f32], c: &mut [f32]) {
    assert!(a.len() == n * k && b.len() == k * m && c.len() == n * m);
    assert!(bias.is_empty() || bias.len() == m);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA; the sizes were checked above.
        unsafe { avx2::mm(n, k, m, a, b, bias, c) };
        return;
    }
    mm_plain(n, k, m, a, b, bias, c, 0);
}

/// `C += Xᵀ · Y`: `X` is `n × m`, `Y` is `n × p`, `C` is `m × p`, all column-major. Each entry
/// of `C` is a dot product along the samples.
pub fn mtm_acc(n: usize, m: usize, p: usize, x: &[f32], y: &[f32], c: &mut [f32]) {
    assert!(x.len() == n * m && y.len() == n * p && c.len() == m * p);
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
        if m >= p {
            // SAFETY: the CPU supports AVX2 and FMA; the sizes were checked above.
            unsafe { avx2::mtm_acc(n, m, p, x, y, c, false) };
        } else {
            // Block along the wider side: Cᵀ += Yᵀ · X, written back transposed.
            // SAFETY: as above.
            unsafe { avx2::mtm_acc(n, p, m, y, x, c, true) };
        }
        return;
    }
    for i in 0..m {
        let xi = &x[i * n..(i + 1) * n];
        for q in 0..p {
            c[i + q * m] += dot(xi, &y[q * n..(q + 1) * n]);
        }
    }
}

/// `s[j] += Σ_i X[i, j]` for `X` `n × s.len()`, column-major.
pub fn add_col_sums(n: usize, x: &[f32], s: &mut [f32]) {
    for (j, sj) in s.iter_mut().enumerate() {
        *sj += sum(&x[j * n..(j + 1) * n]);
    }
}

/// The transpose of an `r × c` column-major matrix, into `out` (`c × r`).
pub fn transpose_into(x: &[f32], r: usize, c: usize, out: &mut Vec<f32>) {
    // Reused buffers keep their length, so nothing is zeroed on the hot path.
    if out.len() != r * c {
        out.resize(r * c, 0.0);
    }
    for (j, column) in x.chunks_exact(r).enumerate().take(c) {
        for (i, v) in column.iter().enumerate() {
            out[j + i * c] = *v;
        }
    }
}

dispatch! {
    /// `a · b` with eight partial sums.
    fn dot_into(a: &[f32], b: &[f32], out: &mut f32) {
        let mut acc = [0.0f32; 8];
        let mut xs = a.chunks_exact(8);
        let mut ys = b.chunks_exact(8);
        for (x, y) in (&mut xs).zip(&mut ys) {
            for l in 0..8 {
                acc[l] = x[l].mul_add(y[l], acc[l]);
            }
        }
        let mut total: f32 = acc.iter().sum();
        for (x, y) in xs.remainder().iter().zip(ys.remainder()) {
            total = x.mul_add(*y, total);
        }
        *out = total;
    }
}

/// `a · b` with eight partial sums (on AVX2 where the CPU has it).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut out = 0.0;
    dot_into(a, b, &mut out);
    out
}

dispatch! {
    /// `Σ a` with eight partial sums.
    fn sum_into(a: &[f32], out: &mut f32) {
        let mut acc = [0.0f32; 8];
        let mut xs = a.chunks_exact(8);
        for x in &mut xs {
            for l in 0..8 {
                acc[l] += x[l];
            }
        }
        *out = acc.iter().sum::<f32>() + xs.remainder().iter().sum::<f32>();
    }
}

fn sum(a: &[f32]) -> f32 {
    let mut out = 0.0;
    sum_into(a, &mut out);
    out
}

dispatch! {
    /// The portable [`mm`], for rows `from..n` (also the AVX2 kernel's leftover rows).
    #[allow(clippy::too_many_arguments, reason = "a kernel takes its matrices and sizes apart, as BLAS does")]
    fn mm_plain(
        n: usize,
        k: usize,
        m: usize,
        a: &[f32],
        b: &[f32],
        bias: &[f32],
        c: &mut [f32],
        from: usize
    ) {
        for j in 0..m {
            let start = if bias.is_empty() { 0.0 } else { bias[j] };
            let cj = &mut c[j * n..(j + 1) * n];
            for v in &mut cj[from..] {
                *v = start;
            }
            for p in 0..k {
                let s = b[p + j * k];
                let ap = &a[p * n..(p + 1) * n];
                for (cv, av) in cj[from..].iter_mut().zip(&ap[from..]) {
                    *cv = av.mul_add(s, *cv);
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use crate::nn::linalg::avx2::hsum;

    /// [`super::mtm_acc`] in 4 × 2 blocks of `C`: eight dot products along the samples at
    /// once, each step loading four columns of `X` and two of `Y` for eight FMAs. With
    /// `transposed`, the result is added to `C` as `Cᵀ` (C is then `p × m`).
    #[target_feature(enable = "avx2,fma")]
    pub fn mtm_acc(
        n: usize,
        m: usize,
        p: usize,
        x: &[f32],
        y: &[f32],
        c: &mut [f32],
        transposed: bool,
    ) {
        const IB: usize = 4;
        const QB: usize = 2;
        let whole = n - n % 8;
        let mut i0 = 0;
        while i0 < m {
            let ib = (m - i0).min(IB);
            // Indices past the end repeat the last one; their sums are not stored.
            let xi: [&[f32]; IB] = std::array::from_fn(|t| {
                let i = i0 + t.min(ib - 1);
                &x[i * n..(i + 1) * n]
            });
            let mut q0 = 0;
            while q0 < p {
                let qb = (p - q0).min(QB);
                let yq: [&[f32]; QB] = std::array::from_fn(|u| {
                    let q = q0 + u.min(qb - 1);
                    &y[q * n..(q + 1) * n]
                });
                let mut acc = [[_mm256_setzero_ps(); QB]; IB];
                let mut s = 0;
                while s < whole {
                    // SAFETY: s + 8 <= whole <= n, the length of every column slice.
                    unsafe {
                        let y0 = _mm256_loadu_ps(yq[0].as_ptr().add(s));
                        let y1 = _mm256_loadu_ps(yq[1].as_ptr().add(s));
                        for t in 0..IB {
                            let xv = _mm256_loadu_ps(xi[t].as_ptr().add(s));
                            acc[t][0] = _mm256_fmadd_ps(xv, y0, acc[t][0]);
                            acc[t][1] = _mm256_fmadd_ps(xv, y1, acc[t][1]);
                        }
                    }
                    s += 8;
                }
                for t in 0..ib {
                    for u in 0..qb {
                        let mut total = hsum(acc[t][u]);
                        for r in whole..n {
                            total = xi[t][r].mul_add(yq[u][r], total);
                        }
                        let (i, q) = (i0 + t, q0 + u);
                        if transposed {
                            c[q + i * p] += total;
                        } else {
                            c[i + q * m] += total;
                        }
                    }
                }
                q0 += qb;
            }
            i0 += ib;
        }
    }

    /// Output columns computed together: 6 columns × 2 vectors = 12 accumulators.
    const COLS: usize = 6;

    /// [`super::mm`] with a register-blocked micro-kernel: 16 rows × 6 columns of `C` stay in
    /// registers while `p` runs over `k`, each step loading two vectors of `A` and broadcasting
    /// six entries of `B`.
    #[target_feature(enable = "avx2,fma")]
    #[allow(
        clippy::too_many_arguments,
        reason = "a kernel takes its matrices and sizes apart, as BLAS does"
    )]
    pub fn mm(n: usize, k: usize, m: usize, a: &[f32], b: &[f32], bias: &[f32], c: &mut [f32]) {
        let whole = n - n % 16;
        let mut j0 = 0;
        while j0 < m {
            let cols = (m - j0).min(COLS);
            // Columns past the end repeat the last one; their sums are not stored.
            let col = |t: usize| j0 + t.min(cols - 1);
            let mut r0 = 0;
            while r0 < whole {
                let mut acc = [[_mm256_setzero_ps(); 2]; COLS];
                if !bias.is_empty() {
                    for (t, acc_t) in acc.iter_mut().enumerate() {
                        let v = _mm256_set1_ps(bias[col(t)]);
                        *acc_t = [v, v];
                    }
                }
                for p in 0..k {
                    // SAFETY: r0 + 16 <= n, so both loads lie inside column p of A (n × k).
                    let (a0, a1) = unsafe {
                        let base = a.as_ptr().add(p * n + r0);
                        (_mm256_loadu_ps(base), _mm256_loadu_ps(base.add(8)))
                    };
                    for (t, acc_t) in acc.iter_mut().enumerate() {
                        let s = _mm256_set1_ps(b[p + col(t) * k]);
                        acc_t[0] = _mm256_fmadd_ps(a0, s, acc_t[0]);
                        acc_t[1] = _mm256_fmadd_ps(a1, s, acc_t[1]);
                    }
                }
                for (t, acc_t) in acc.iter().enumerate().take(cols) {
                    let dst = &mut c[(j0 + t) * n + r0..(j0 + t) * n + r0 + 16];
                    // SAFETY: dst holds exactly 16 floats.
                    unsafe {
                        _mm256_storeu_ps(dst.as_mut_ptr(), acc_t[0]);
                        _mm256_storeu_ps(dst.as_mut_ptr().add(8), acc_t[1]);
                    }
                }
                r0 += 16;
            }
            j0 += cols;
        }
        if whole < n {
            super::mm_plain(n, k, m, a, b, bias, c, whole);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn products_match_nalgebra() {
        for (n, k, m) in [
            (37, 2, 100),
            (256, 100, 5),
            (16, 3, 7),
            (5, 4, 3),
            (300, 64, 13),
        ] {
            let a =
                DMatrix::<f32>::from_fn(n, k, |i, j| ((i * 13 + j * 7) % 11) as f32 * 0.1 - 0.5);
            let b = DMatrix::<f32>::from_fn(k, m, |i, j| ((i * 5 + j * 3) % 7) as f32 * 0.2 - 0.6);
            let bias: Vec<f32> = (0..m).map(|j| j as f32 * 0.5).collect();
            let expected = DMatrix::<f32>::from_fn(n, m, |i, j| {
                (0..k).map(|p| a[(i, p)] * b[(p, j)]).sum::<f32>() + bias[j]
            });
            let mut c = vec![9.0; n * m];
            mm(n, k, m, a.as_slice(), b.as_slice(), &bias, &mut c);
            for (got, want) in c.iter().zip(expected.iter()) {
                assert!(
                    (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                    "{n}x{k}x{m}: {got} vs {want}"
                );
            }
            // C += Aᵀ · A against nalgebra.
            let gram = a.transpose() * &a;
            let mut g = vec![1.0; k * k];
            mtm_acc(n, k, k, a.as_slice(), a.as_slice(), &mut g);
            for (got, want) in g.iter().zip(gram.iter()) {
                assert!(
                    (got - (want + 1.0)).abs() < 1e-3 * (1.0 + want.abs()),
                    "{got} vs {want}"
                );
            }
            let mut s = vec![0.0; k];
            add_col_sums(n, a.as_slice(), &mut s);
            for (j, sj) in s.iter().enumerate() {
                let want: f32 = a.column(j).sum();
                assert!((sj - want).abs() < 1e-3, "{sj} vs {want}");
            }
        }
    }
}
