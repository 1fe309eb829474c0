//! The matrix products the engine needs, on column-major slices.
//!
//! Every matrix here is stored column-major with its natural leading dimension (an `r × c`
//! matrix is `r * c` floats, column after column), the layout of `nalgebra::DMatrix`.
//!
//! Networks are often skinny (2 inputs, 5 outputs, thousands of samples), where a blocked
//! GEMM spends most of its time packing panels. [`gemm`] therefore sends large products to
//! `matrixmultiply` and skinny ones to two simple kernels that stream over the long side:
//! an "axpy" kernel (columns of the result built from columns of `A`) and a "dot" kernel
//! (entries of the result as dot products). Both are compiled twice, for AVX2+FMA and for
//! the baseline, and picked at run time, so a release binary stays portable.

/// Below this size on any side, a product skips the blocked GEMM.
const SKINNY: usize = 24;

/// `C = alpha · op(A) · op(B) + beta · C` where `op(A)` is `m × k`, `op(B)` is `k × n` and
/// `C` is `m × n`. `a_t` / `b_t` say the operand is stored transposed (`A` as `k × m`).
#[allow(
    clippy::too_many_arguments,
    reason = "a kernel takes its matrices and sizes apart, as BLAS does"
)]
pub fn gemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: &[f32],
    a_t: bool,
    b: &[f32],
    b_t: bool,
    beta: f32,
    c: &mut [f32],
) {
    assert_eq!(a.len(), m * k, "gemm: A has the wrong size");
    assert_eq!(b.len(), k * n, "gemm: B has the wrong size");
    assert_eq!(c.len(), m * n, "gemm: C has the wrong size");
    if m == 0 || n == 0 {
        return;
    }
    if m.min(k).min(n) < SKINNY && k > 0 {
        skinny(m, k, n, alpha, a, a_t, b, b_t, beta, c);
        return;
    }
    // Row and column strides of op(A) and op(B).
    let (rsa, csa) = if a_t { (k, 1) } else { (1, m) };
    let (rsb, csb) = if b_t { (n, 1) } else { (1, k) };
    // SAFETY: the asserts above guarantee that every index matrixmultiply forms from these
    // dimensions and strides lies inside the slices, and `c` is borrowed mutably alone.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            beta,
            c.as_mut_ptr(),
            1,
            m as isize,
        );
    }
}

/// The skinny path: runs the kernel that vectorises along a long side, writing into `C`
/// directly where `alpha`/`beta` allow, through a scratch matrix otherwise.
#[allow(
    clippy::too_many_arguments,
    reason = "a kernel takes its matrices and sizes apart, as BLAS does"
)]
fn skinny(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: &[f32],
    a_t: bool,
    b: &[f32],
    b_t: bool,
    beta: f32,
    c: &mut [f32],
) {
    use std::borrow::Cow;
    // op(A) as a column-major m × k matrix.
    let a_cm = || -> Cow<'_, [f32]> {
        if a_t {
            Cow::Owned(transpose(a, k, m))
        } else {
            Cow::Borrowed(a)
        }
    };
    if b_t && m >= 8 && alpha == 1.0 && beta == 1.0 {
        // Gradient accumulation: C[:, j] += op(A)[:, p] · B[j, p], straight into C.
        kernels::outer_acc(&a_cm(), m, b, n, k, c);
        return;
    }
    let mut scratch = (beta != 0.0).then(|| vec![0.0f32; m * n]);
    let out: &mut [f32] = match &mut scratch {
        Some(v) => v,
        None => &mut *c,
    };
    if b_t {
        // op(B) = Bᵀ with B stored n × k (samples along k): accumulate outer products.
        out.fill(0.0);
        if m >= 8 {
            kernels::outer_acc(&a_cm(), m, b, n, k, out);
        } else {
            // Cᵀ[:, i] += B[:, p] · op(A)[i, p], vectorised along n; then transpose back.
            let mut ct = vec![0.0f32; n * m];
            kernels::outer_acc(b, n, &a_cm(), m, k, &mut ct);
            out.copy_from_slice(&transpose(&ct, n, m));
        }
    } else if m >= 8 {
        // C[:, j] = Σ_p op(A)[:, p] · B[p, j], vectorised along m.
        kernels::axpy_cols(&a_cm(), m, k, b, n, out);
    } else {
        // C[i, j] = op(A)[i, :] · B[:, j]: rows of op(A) contiguous, vectorised along k.
        let rows: Cow<'_, [f32]> = if a_t {
            Cow::Borrowed(a)
        } else {
            Cow::Owned(transpose(a, m, k))
        };
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports AVX2 and FMA; the slice lengths are checked inside.
            unsafe { avx2::dot_cols(&rows, m, k, b, n, out) };
        } else {
            kernels::dot_cols(&rows, m, k, b, n, out);
        }
        #[cfg(not(target_arch = "x86_64"))]
        kernels::dot_cols(&rows, m, k, b, n, out);
    }
    if beta == 0.0 {
        if alpha != 1.0 {
            c.iter_mut().for_each(|v| *v *= alpha);
        }
    } else if let Some(product) = scratch {
        for (cv, pv) in c.iter_mut().zip(&product) {
            *cv = alpha * pv + beta * *cv;
        }
    }
}

/// `Z[:, j] += b` for every column of `Z` (`b.len()` rows).
pub fn add_to_columns(z: &mut [f32], b: &[f32]) {
    kernels::add_to_columns(z, b);
}

/// The transpose of an `r × c` column-major matrix (as a `c × r` one).
fn transpose(x: &[f32], r: usize, c: usize) -> Vec<f32> {
    let mut t = vec![0.0f32; r * c];
    for j in 0..c {
        for i in 0..r {
            t[j + i * c] = x[i + j * r];
        }
    }
    t
}

/// Hand-written AVX2 kernels where the compiler's vectorisation falls short.
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2 {
    use std::arch::x86_64::*;

    /// Sum of the eight lanes.
    #[target_feature(enable = "avx2,fma")]
    pub fn hsum(v: __m256) -> f32 {
        let lo = _mm256_castps256_ps128(v);
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(lo, hi);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    }

    /// `C[i, j] = R[:, i] · B[:, j]` (as `kernels::dot_cols`), four rows per load of `B`.
    #[target_feature(enable = "avx2,fma")]
    pub fn dot_cols(r: &[f32], m: usize, k: usize, b: &[f32], n: usize, c: &mut [f32]) {
        assert!(r.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
        let whole = k - k % 8;
        for j in 0..n {
            let bj = &b[j * k..(j + 1) * k];
            let mut i = 0;
            while i < m {
                let rows = (m - i).min(4);
                // Rows past the end repeat the last row; their sums are not stored.
                let row = |t: usize| &r[(i + t.min(rows - 1)) * k..(i + t.min(rows - 1) + 1) * k];
                let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
                let mut acc = [_mm256_setzero_ps(); 4];
                let mut q = 0;
                while q < whole {
                    // SAFETY: q + 8 <= whole <= k, the length of every row and of bj.
                    unsafe {
                        let bq = _mm256_loadu_ps(bj.as_ptr().add(q));
                        acc[0] = _mm256_fmadd_ps(_mm256_loadu_ps(r0.as_ptr().add(q)), bq, acc[0]);
                        acc[1] = _mm256_fmadd_ps(_mm256_loadu_ps(r1.as_ptr().add(q)), bq, acc[1]);
                        acc[2] = _mm256_fmadd_ps(_mm256_loadu_ps(r2.as_ptr().add(q)), bq, acc[2]);
                        acc[3] = _mm256_fmadd_ps(_mm256_loadu_ps(r3.as_ptr().add(q)), bq, acc[3]);
                    }
                    q += 8;
                }
                for (t, row) in [r0, r1, r2, r3].into_iter().enumerate().take(rows) {
                    let mut sum = hsum(acc[t]);
                    for p in whole..k {
                        sum = row[p].mul_add(bj[p], sum);
                    }
                    c[i + t + j * m] = sum;
                }
                i += rows;
            }
        }
    }
}

/// Defines a function twice, for AVX2+FMA and for the baseline, and picks one at run time.
macro_rules! dispatch {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                unsafe fn fast($($arg: $ty),*) $body
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: the CPU has just been checked to support AVX2 and FMA.
                    unsafe { fast($($arg),*) };
                    return;
                }
            }
            fn plain($($arg: $ty),*) $body
            plain($($arg),*)
        }
    };
}
pub(crate) use dispatch;

/// The streaming kernels, each compiled for AVX2+FMA and for the baseline.
mod kernels {

    dispatch! {
        /// `Z[:, j] += b`.
        fn add_to_columns(z: &mut [f32], b: &[f32]) {
            if b.len() < 8 {
                // Few rows: walk Z flat, cycling through the bias.
                for (v, bi) in z.iter_mut().zip(b.iter().cycle()) {
                    *v += bi;
                }
            } else {
                for col in z.chunks_exact_mut(b.len()) {
                    for (v, bi) in col.iter_mut().zip(b) {
                        *v += bi;
                    }
                }
            }
        }
    }

    dispatch! {
        /// `C[:, j] = Σ_p A[:, p] · B[p, j]` with `A` `m × k`, `B` `k × n`, `C` `m × n`.
        /// Rows go in strips of 32 held in registers, so each `C` entry is stored once.
        fn axpy_cols(a: &[f32], m: usize, k: usize, b: &[f32], n: usize, c: &mut [f32]) {
            const STRIP: usize = 32;
            for j in 0..n {
                let bj = &b[j * k..(j + 1) * k];
                let col = &mut c[j * m..(j + 1) * m];
                let mut i0 = 0;
                while i0 + STRIP <= m {
                    let mut acc = [0.0f32; STRIP];
                    for (p, &s) in bj.iter().enumerate() {
                        let ap = &a[p * m + i0..p * m + i0 + STRIP];
                        for l in 0..STRIP {
                            acc[l] = ap[l].mul_add(s, acc[l]);
                        }
                    }
                    col[i0..i0 + STRIP].copy_from_slice(&acc);
                    i0 += STRIP;
                }
                // The rest in strips of 8, then row by row, still summing in registers:
                // updating C in memory once per p would chain each update on the last store.
                while i0 + 8 <= m {
                    let mut acc = [0.0f32; 8];
                    for (p, &s) in bj.iter().enumerate() {
                        let ap = &a[p * m + i0..p * m + i0 + 8];
                        for l in 0..8 {
                            acc[l] = ap[l].mul_add(s, acc[l]);
                        }
                    }
                    col[i0..i0 + 8].copy_from_slice(&acc);
                    i0 += 8;
                }
                for (i, out) in col.iter_mut().enumerate().skip(i0) {
                    let mut sum = 0.0f32;
                    for (p, &s) in bj.iter().enumerate() {
                        sum = a[p * m + i].mul_add(s, sum);
                    }
                    *out = sum;
                }
            }
        }
    }

    dispatch! {
        /// `C[i, j] = R[:, i] · B[:, j]` with `R` `k × m` (the rows of op(A)), `B` `k × n`.
        fn dot_cols(r: &[f32], m: usize, k: usize, b: &[f32], n: usize, c: &mut [f32]) {
            for j in 0..n {
                let bj = &b[j * k..(j + 1) * k];
                for i in 0..m {
                    c[i + j * m] = crate::nn::rows::dot(&r[i * k..(i + 1) * k], bj);
                }
            }
        }
    }

    dispatch! {
        /// `C[:, j] += Σ_p X[:, p] · Y[j, p]` with `X` `m × k`, `Y` `n × k`, `C` `m × n`.
        /// Four samples `p` are added per pass over `C`, so `C` is stored a quarter as often.
        fn outer_acc(x: &[f32], m: usize, y: &[f32], n: usize, k: usize, c: &mut [f32]) {
            let mut p = 0;
            while p + 4 <= k {
                let x0 = &x[p * m..(p + 1) * m];
                let x1 = &x[(p + 1) * m..(p + 2) * m];
                let x2 = &x[(p + 2) * m..(p + 3) * m];
                let x3 = &x[(p + 3) * m..(p + 4) * m];
                for j in 0..n {
                    let (s0, s1, s2, s3) = (y[j + p * n], y[j + (p + 1) * n], y[j + (p + 2) * n], y[j + (p + 3) * n]);
                    let col = &mut c[j * m..(j + 1) * m];
                    for i in 0..m {
                        col[i] = x3[i].mul_add(s3, x2[i].mul_add(s2, x1[i].mul_add(s1, x0[i].mul_add(s0, col[i]))));
                    }
                }
                p += 4;
            }
            while p < k {
                let xp = &x[p * m..(p + 1) * m];
                for j in 0..n {
                    let s = y[j + p * n];
                    let col = &mut c[j * m..(j + 1) * m];
                    for (cv, xv) in col.iter_mut().zip(xp) {
                        *cv = xv.mul_add(s, *cv);
                    }
                }
                p += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn matches_nalgebra_for_every_transpose() {
        let a = DMatrix::<f32>::from_fn(3, 4, |i, j| (i * 4 + j) as f32 * 0.5 - 2.0);
        let b = DMatrix::<f32>::from_fn(4, 2, |i, j| (i as f32 - j as f32) * 0.25);
        let expected = &a * &b;
        let at = a.transpose();
        let bt = b.transpose();
        for (a_t, b_t) in [(false, false), (true, false), (false, true), (true, true)] {
            let aa = if a_t { at.as_slice() } else { a.as_slice() };
            let bb = if b_t { bt.as_slice() } else { b.as_slice() };
            let mut c = vec![1.0; 6];
            gemm(3, 4, 2, 1.0, aa, a_t, bb, b_t, 0.0, &mut c);
            assert_eq!(c.as_slice(), expected.as_slice(), "a_t={a_t} b_t={b_t}");
        }
    }

    /// Every path (blocked and both skinny kernels, each transpose) against a plain triple loop.
    #[test]
    fn every_path_matches_the_definition() {
        let shapes = [
            (3, 4, 2),
            (5, 100, 300),
            (100, 2, 300),
            (100, 300, 5),
            (2, 300, 100),
            (40, 30, 50),
            (9, 1, 7),
        ];
        for (m, k, n) in shapes {
            let a =
                DMatrix::<f32>::from_fn(m, k, |i, j| ((i * 31 + j * 17) % 13) as f32 * 0.1 - 0.6);
            let b = DMatrix::<f32>::from_fn(k, n, |i, j| ((i * 7 + j * 11) % 9) as f32 * 0.2 - 0.8);
            let expected =
                DMatrix::<f32>::from_fn(m, n, |i, j| (0..k).map(|p| a[(i, p)] * b[(p, j)]).sum());
            let (at, bt) = (a.transpose(), b.transpose());
            for (a_t, b_t) in [(false, false), (true, false), (false, true), (true, true)] {
                let aa = if a_t { at.as_slice() } else { a.as_slice() };
                let bb = if b_t { bt.as_slice() } else { b.as_slice() };
                let mut c = vec![0.5; m * n];
                gemm(m, k, n, 2.0, aa, a_t, bb, b_t, 1.0, &mut c);
                for (got, want) in c.iter().zip(expected.iter()) {
                    let want = 2.0 * want + 0.5;
                    assert!(
                        (got - want).abs() < 1e-3 * (1.0 + want.abs()),
                        "{m}x{k}x{n} a_t={a_t} b_t={b_t}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn accumulates_with_beta() {
        let a = [1.0, 2.0]; // 2×1
        let b = [3.0]; // 1×1
        let mut c = [10.0, 20.0];
        gemm(2, 1, 1, 2.0, &a, false, &b, false, 1.0, &mut c);
        assert_eq!(c, [16.0, 32.0]);
    }
}
