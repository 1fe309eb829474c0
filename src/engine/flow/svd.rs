//! `W·a` played as its singular value decomposition `W = U Σ Vᵀ`: a rotation (`Vᵀ`), a
//! stretch along the axes (`Σ`), a rotation into the next layer's space (`U`), each move
//! exact at its ends.
//!
//! A layer `n → m` with `d = max(n, m) ≤ 3` is padded to `d × d` (zero rows or columns)
//! and its input coordinates to `d`. `U` and `V` are made proper rotations (det +1) so that
//! they can turn continuously: where a singular value is 0 (a padded direction) its column is
//! flipped for free; otherwise the column of the smallest singular value is flipped and that
//! singular value negated, so a reflection shows during `Σ` as a flip through a line (or a
//! plane). In a 2 → 3 (3 → 2) layer the free flip is the padded direction itself: a `V` (`U`)
//! that reflects the plane turns it over in 3D.

use super::{Ease, mix};
use crate::nn::Mat;
use nalgebra::{DMatrix, DVector, Matrix3, Rotation2, Rotation3, UnitQuaternion, Vector3};
use serde::{Deserialize, Serialize};

/// How a layer's `W·a` stage plays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Split {
    /// In one straight move from `a` to `W·a`.
    #[default]
    Whole,
    /// As its singular value decomposition: `Vᵀ`, then `Σ`, then `U` ([`SvdSplit`]).
    Svd,
}

impl Split {
    /// Every way, for menus.
    pub const ALL: [Split; 2] = [Split::Whole, Split::Svd];

    /// The name shown in menus.
    pub fn name(self) -> &'static str {
        match self {
            Split::Whole => "in one move",
            Split::Svd => "rotate · stretch · rotate (SVD)",
        }
    }
}

/// One move of `W = U Σ Vᵀ`, in the order the moves act on `a`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SvdMove {
    /// `Vᵀ`: a rotation of the input space (turning a plane over when `W` reflects it).
    RotateIn,
    /// `Σ`: a stretch (or flip, or flattening) along the axes.
    Stretch,
    /// `U`: a rotation into the output space (lifting the plane into 3D in a 2 → 3 layer).
    RotateOut,
}

impl SvdMove {
    /// The three moves in the order they play.
    pub const ALL: [SvdMove; 3] = [SvdMove::RotateIn, SvdMove::Stretch, SvdMove::RotateOut];

    /// The factor of `U Σ Vᵀ` the move plays, as the heading writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            SvdMove::RotateIn => "Vᵀ",
            SvdMove::Stretch => "Σ",
            SvdMove::RotateOut => "U",
        }
    }

    /// [`symbol`](Self::symbol) as a letter and its superscript (`("V", "T")`), for text
    /// set with fonts that lack `ᵀ` (U+1D40): none of the bundled ones has it.
    pub fn symbol_parts(self) -> (&'static str, &'static str) {
        match self {
            SvdMove::RotateIn => ("V", "T"),
            SvdMove::Stretch => ("Σ", ""),
            SvdMove::RotateOut => ("U", ""),
        }
    }

    /// Its place among the moves: 0, 1, 2.
    pub(super) fn index(self) -> usize {
        match self {
            SvdMove::RotateIn => 0,
            SvdMove::Stretch => 1,
            SvdMove::RotateOut => 2,
        }
    }
}

/// The move playing at progress `t ∈ [0, 1]` of a `W·a` stage (each takes a third), and the
/// progress within it. A third (`t = 1/3`, `2/3`) starts the next move; `t = 1` ends `U`.
pub fn svd_move(t: f32) -> (SvdMove, f32) {
    let x = if t.is_finite() {
        3.0 * t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if x < 1.0 {
        (SvdMove::RotateIn, x)
    } else if x < 2.0 {
        (SvdMove::Stretch, x - 1.0)
    } else {
        (SvdMove::RotateOut, (x - 2.0).min(1.0))
    }
}

/// A proper rotation of the padded space, as it is animated: by a fraction of its angle.
#[derive(Clone, Debug, PartialEq)]
enum Turn {
    /// In the `xy` plane (the whole space when `d ≤ 2`; `z` kept when `d = 3`).
    Plane(Rotation2<f32>),
    /// About an axis in space.
    Space(UnitQuaternion<f64>),
}

impl Turn {
    /// The rotation `r` (`d × d`, det +1); `plane` when it keeps `z` (a 2-wide space padded
    /// to 3 whose rotation does not turn it over).
    fn of(r: &DMatrix<f64>, plane: bool) -> Turn {
        match r.nrows() {
            1 => Turn::Plane(Rotation2::identity()),
            2 => Turn::Plane(Rotation2::new(r[(1, 0)].atan2(r[(0, 0)]) as f32)),
            _ if plane => Turn::Plane(Rotation2::new(r[(1, 0)].atan2(r[(0, 0)]) as f32)),
            _ => {
                let m = Matrix3::from_fn(|i, j| r[(i, j)]);
                // Through a quaternion, not `Rotation3::powf`: that one finds no axis at
                // 180°, exactly the turn that takes a plane over, and gives `-I` there.
                Turn::Space(UnitQuaternion::from_rotation_matrix(
                    &Rotation3::from_matrix_unchecked(m),
                ))
            }
        }
    }

    /// The fraction `s` of the rotation, in the padded 3D space.
    fn at(&self, s: f32) -> Matrix3<f32> {
        match self {
            Turn::Plane(r) => {
                let m = r.powf(s).into_inner();
                Matrix3::new(
                    m[(0, 0)],
                    m[(0, 1)],
                    0.0,
                    m[(1, 0)],
                    m[(1, 1)],
                    0.0,
                    0.0,
                    0.0,
                    1.0,
                )
            }
            Turn::Space(q) => q
                .powf(f64::from(s))
                .to_rotation_matrix()
                .into_inner()
                .cast::<f32>(),
        }
    }

    /// The angle in degrees: signed (anticlockwise positive) in the plane, 0 to 180 about
    /// an axis in space.
    fn degrees(&self) -> f32 {
        match self {
            Turn::Plane(r) => r.angle().to_degrees(),
            Turn::Space(q) => q.angle().to_degrees() as f32,
        }
    }
}

/// A layer's `W = U Σ Vᵀ`, ready to be played move by move, with what a heading says of each
/// move.
#[derive(Clone, Debug, PartialEq)]
pub struct SvdSplit {
    /// The layer's input width `n`.
    pub inputs: usize,
    /// The layer's output width `m`.
    pub outputs: usize,
    /// The angle `Vᵀ` turns by, in degrees: signed (anticlockwise positive) when it turns
    /// within the plane, 0 to 180 about an axis in space.
    pub vt_degrees: f32,
    /// Whether `Vᵀ` turns the input plane over in 3D (a 2 → 3 layer whose `W` reflects the
    /// plane): the points leave the plane and come back to it mirrored.
    pub vt_turns_over: bool,
    /// The signed singular values, largest first, one per axis of the padded space
    /// (`max(n, m)`): a negative one flips along its axis, a zero one flattens it (or is the
    /// padding of a plane lifted into 3D).
    pub sigma: Vec<f32>,
    /// The angle `U` turns by, in degrees, as [`vt_degrees`](Self::vt_degrees).
    pub u_degrees: f32,
    /// Whether `U` turns the plane over in 3D (a 3 → 2 layer whose `U` reflects the plane).
    pub u_turns_over: bool,
    /// Whether the layer is wider than its input (2 → 3): `U` lifts the plane into 3D.
    pub lifts: bool,
    /// Whether the layer is narrower than its input (3 → 2): `Σ` flattens an axis.
    pub flattens: bool,
    /// `Vᵀ` in the padded 3D space (identity beyond `d`).
    vt: Matrix3<f32>,
    /// `Σ` as a scale per axis (1 beyond `d`).
    scale: Vector3<f32>,
    vt_turn: Turn,
    u_turn: Turn,
}

/// Where a stage stands between `a` and `W·a`: the move, its eased progress, and the
/// rotation (or stretch) it is at.
pub(super) struct Motion {
    mv: SvdMove,
    s: f32,
    turn: Matrix3<f32>,
    scale: Vector3<f32>,
}

impl SvdSplit {
    /// `U`, `Σ` and `Vᵀ` as the moves play them, `d × d` (`d` the wider of the layer's
    /// widths, the narrower side padded): `W` is the top-left corner of `U·Σ·Vᵀ`. Rows of
    /// `U` and `Vᵀ`, and `Σ`'s diagonal.
    pub fn factors(&self) -> (Vec<Vec<f32>>, Vec<f32>, Vec<Vec<f32>>) {
        let d = self.dim();
        let u = self.u_turn.at(1.0);
        let rows = |m: &Matrix3<f32>| -> Vec<Vec<f32>> {
            (0..d)
                .map(|i| (0..d).map(|j| m[(i, j)]).collect())
                .collect()
        };
        (
            rows(&u),
            (0..d).map(|i| self.scale[i]).collect(),
            rows(&self.vt),
        )
    }

    /// The decomposition of `weights` (`outputs × inputs`), or `None` when the layer is wider
    /// than 3 in or out, or its weights are not finite.
    pub fn new(weights: &Mat) -> Option<SvdSplit> {
        let (m, n) = weights.shape();
        let d = m.max(n);
        if m == 0 || n == 0 || d > 3 || weights.iter().any(|w| !w.is_finite()) {
            return None;
        }
        let w = weights.map(f64::from);
        let (mut u, mut sigma, mut v) = padded_svd(&w);
        orient_narrow_side(&w, &mut u, &mut v);
        make_proper(&mut u, &mut sigma);
        make_proper(&mut v, &mut sigma);
        shortest_turns(&mut u, &mut v, m.min(n));
        // The padded direction of a plane in 3D is its normal: `diag(R, +1)` turns within
        // the plane, `diag(R, -1)` turns it over.
        let vt_turns_over = n == 2 && d == 3 && v[(2, 2)] < 0.0;
        let u_turns_over = m == 2 && d == 3 && u[(2, 2)] < 0.0;
        let vt_mat = v.transpose();
        let vt_turn = Turn::of(&vt_mat, n == 2 && !vt_turns_over);
        let u_turn = Turn::of(&u, m == 2 && !u_turns_over);
        let sigma: Vec<f32> = sigma.iter().map(|&x| x as f32).collect();
        Some(SvdSplit {
            inputs: n,
            outputs: m,
            vt_degrees: vt_turn.degrees(),
            vt_turns_over,
            u_degrees: u_turn.degrees(),
            u_turns_over,
            lifts: m > n,
            flattens: m < n,
            vt: Matrix3::from_fn(|i, j| embed(&vt_mat, i, j) as f32),
            scale: Vector3::from_fn(|i, _| sigma.get(i).copied().unwrap_or(1.0)),
            sigma,
            vt_turn,
            u_turn,
        })
    }

    /// The padded space's dimension, `max(inputs, outputs)`.
    pub fn dim(&self) -> usize {
        self.sigma.len()
    }

    /// A short account of a move for the heading: `Vᵀ: rotate by 35°`,
    /// `Σ: stretch x by 2.31, y by -0.42 (a flip)`, `U: rotate by 120°, lifting the plane
    /// into 3D`: the move's [`symbol`](SvdMove::symbol) and its [`action`](Self::action).
    pub fn describe(&self, mv: SvdMove) -> String {
        format!("{}: {}", mv.symbol(), self.action(mv))
    }

    /// What a move does, without its symbol: `rotate by 35°`, `turn the plane over`,
    /// `stretch x by 2.31, y by 0.42, flatten z`.
    pub fn action(&self, mv: SvdMove) -> String {
        let turn = |degrees: f32, over: bool| {
            if over {
                "turn the plane over".to_string()
            } else {
                format!("rotate by {}°", degrees.round() as i32)
            }
        };
        match mv {
            SvdMove::RotateIn => turn(self.vt_degrees, self.vt_turns_over),
            SvdMove::Stretch => self.describe_stretch(),
            SvdMove::RotateOut => {
                let mut s = turn(self.u_degrees, self.u_turns_over);
                if self.lifts && self.dim() == 3 {
                    s.push_str(", lifting the plane into 3D");
                }
                s
            }
        }
    }

    fn describe_stretch(&self) -> String {
        const AXES: [&str; 3] = ["x", "y", "z"];
        let kept = self.inputs.min(self.outputs);
        let parts: Vec<String> = (0..kept)
            .map(|i| format!("{} by {:.2}", AXES[i], self.sigma[i]))
            .collect();
        let mut s = format!("stretch {}", parts.join(", "));
        if self.flattens {
            let gone: Vec<&str> = (self.outputs..self.inputs).map(|i| AXES[i]).collect();
            s.push_str(&format!(", flatten {}", gone.join(" and ")));
        }
        if self.sigma[..kept].iter().any(|&x| x < 0.0) {
            s.push_str(" (a flip)");
        }
        s
    }

    /// Where a stage stands at its progress `t` (linear, `0..=1`), each move eased with
    /// `ease`.
    pub(super) fn motion(&self, t: f32, ease: Ease) -> Motion {
        let (mv, local) = svd_move(t);
        let s = ease.apply(local);
        let turning = s > 0.0 && s < 1.0;
        let turn = match mv {
            SvdMove::RotateIn if turning => self.vt_turn.at(s),
            SvdMove::RotateOut if turning => self.u_turn.at(s),
            _ => Matrix3::identity(),
        };
        let scale = match mv {
            SvdMove::RotateIn => Vector3::repeat(1.0),
            SvdMove::Stretch => self.scale.map(|x| mix(1.0, x, s)),
            SvdMove::RotateOut => self.stretched(),
        };
        Motion { mv, s, turn, scale }
    }

    /// The motion at boundary `j` of the stage: 0 is `a`, 1 `Vᵀa`, 2 `ΣVᵀa`, 3 `W·a`; the
    /// same as [`motion`](Self::motion) at `t = j/3`.
    pub(super) fn boundary(&self, j: usize) -> Motion {
        let (mv, s) = [
            (SvdMove::RotateIn, 0.0),
            (SvdMove::RotateIn, 1.0),
            (SvdMove::RotateOut, 0.0),
            (SvdMove::RotateOut, 1.0),
        ][j.min(3)];
        Motion {
            mv,
            s,
            turn: Matrix3::identity(),
            scale: if j >= 2 {
                self.stretched()
            } else {
                Vector3::repeat(1.0)
            },
        }
    }

    /// `Σ` as a scale per axis, as the end of the stretch reaches it.
    fn stretched(&self) -> Vector3<f32> {
        self.scale.map(|x| mix(1.0, x, 1.0))
    }

    /// The point `a` (the stage's start, padded to three) under `motion`; `end` is the
    /// stage's end (`W·a` as the engine computed it), returned as it is when the stage ends.
    pub(super) fn place(&self, motion: &Motion, a: [f32; 3], end: [f32; 3]) -> [f32; 3] {
        let a = Vector3::from(a);
        let p = match (motion.mv, motion.s) {
            (SvdMove::RotateIn, 0.0) => a,
            (SvdMove::RotateIn, 1.0) => self.vt * a,
            (SvdMove::RotateIn, _) => motion.turn * a,
            (SvdMove::Stretch, _) => (self.vt * a).component_mul(&motion.scale),
            (SvdMove::RotateOut, 1.0) => return end,
            (SvdMove::RotateOut, s) => {
                let p = (self.vt * a).component_mul(&motion.scale);
                if s == 0.0 { p } else { motion.turn * p }
            }
        };
        p.into()
    }
}

/// `r`'s entry in the padded 3D space: identity beyond its size.
fn embed(r: &DMatrix<f64>, i: usize, j: usize) -> f64 {
    if i < r.nrows() && j < r.ncols() {
        r[(i, j)]
    } else if i == j {
        1.0
    } else {
        0.0
    }
}

/// `W = U diag(σ) Vᵀ` with `W` padded to `d × d`: `U`, `V` orthogonal `d × d`, `σ` of length
/// `d`, largest first, exactly 0 in the padded directions (and where `W` is singular).
fn padded_svd(w: &DMatrix<f64>) -> (DMatrix<f64>, DVector<f64>, DMatrix<f64>) {
    let (m, n) = w.shape();
    let d = m.max(n);
    let svd = nalgebra::linalg::SVD::new(w.clone(), true, true);
    let (thin_u, thin_vt) = (svd.u.expect("asked for U"), svd.v_t.expect("asked for Vᵀ"));
    let r = m.min(n);
    let largest = svd.singular_values.iter().fold(0.0f64, |a, &b| a.max(b));
    let sigma = DVector::from_fn(d, |i, _| {
        let x = if i < r { svd.singular_values[i] } else { 0.0 };
        // Numerically singular: a zero that may be flipped for free.
        if x <= 1e-7 * largest { 0.0 } else { x }
    });
    (
        complete(&thin_u, d),
        sigma,
        complete(&thin_vt.transpose(), d),
    )
}

/// Orthonormal columns `q` (`k × r`, `k ≤ d`) completed to an orthogonal `d × d` matrix: the
/// rows padded with zeros, the missing columns from the coordinate axes (Gram–Schmidt).
fn complete(q: &DMatrix<f64>, d: usize) -> DMatrix<f64> {
    let mut cols: Vec<DVector<f64>> = (0..q.ncols())
        .map(|c| DVector::from_fn(d, |i, _| if i < q.nrows() { q[(i, c)] } else { 0.0 }))
        .collect();
    while cols.len() < d {
        let residual = |e: usize| {
            let mut v = DVector::from_fn(d, |i, _| if i == e { 1.0 } else { 0.0 });
            // Twice, to stay orthogonal to rounding.
            for _ in 0..2 {
                for c in &cols {
                    v -= c * c.dot(&v);
                }
            }
            v
        };
        let best = (0..d)
            .map(residual)
            .max_by(|a, b| a.norm().total_cmp(&b.norm()))
            .expect("d ≥ 1");
        cols.push(best.normalize());
    }
    DMatrix::from_columns(&cols)
}

/// In a layer that changes width, `U Σ Vᵀ` is kept when a pair `uᵢ`, `vᵢ` flips together:
/// the narrower side's factor is oriented with that freedom, so that the padded direction
/// (flipped for free by [`make_proper`]) turns the plane over only where `W` mirrors it as
/// seen from above, down the `z` axis (the `xy` block of `W` has det < 0): in `Vᵀ` for a
/// 2 → 3 layer, in `U` for 3 → 2. Otherwise (and for a line, 1 → m or n → 1) the narrower
/// side turns within its own space and the wider side's extra directions absorb the sign.
fn orient_narrow_side(w: &DMatrix<f64>, u: &mut DMatrix<f64>, v: &mut DMatrix<f64>) {
    let (m, n) = w.shape();
    let r = m.min(n);
    if m == n {
        return;
    }
    let narrow = if n < m { &*v } else { &*u };
    let det = |q: &DMatrix<f64>| match r {
        1 => q[(0, 0)],
        _ => q[(0, 0)] * q[(1, 1)] - q[(0, 1)] * q[(1, 0)],
    };
    let mirrored = r == 2 && det(w) < 0.0;
    if (det(narrow) < 0.0) != mirrored {
        u.column_mut(r - 1).neg_mut();
        v.column_mut(r - 1).neg_mut();
    }
}

/// Flipping an even number of pairs `uᵢ`, `vᵢ` keeps `U Σ Vᵀ` and both determinants: of
/// those choices (among the first `r` pairs, so that a padded direction keeps its sign), the
/// one whose two turns are shortest, so that no move turns further than it must (in the
/// plane, `(U, V)` and `(-U, -V)` differ by half a turn each).
fn shortest_turns(u: &mut DMatrix<f64>, v: &mut DMatrix<f64>, r: usize) {
    let d = u.nrows();
    let plane = |n: usize| n == 2 && d == 3;
    let (n, m) = (v.nrows(), u.nrows());
    let cost = |u: &DMatrix<f64>, v: &DMatrix<f64>| {
        // A padded plane that keeps its side turns within it (as `SvdSplit::new` reads it).
        let turn_in = Turn::of(&v.transpose(), plane(n) && v[(d - 1, d - 1)] > 0.0);
        let turn_out = Turn::of(u, plane(m) && u[(d - 1, d - 1)] > 0.0);
        turn_in.degrees().abs() + turn_out.degrees().abs()
    };
    let flips: &[&[usize]] = match r {
        2 => &[&[], &[0, 1]],
        3 => &[&[], &[0, 1], &[0, 2], &[1, 2]],
        _ => &[&[]],
    };
    let flipped = |q: &DMatrix<f64>, set: &[usize]| {
        let mut q = q.clone();
        for &i in set {
            q.column_mut(i).neg_mut();
        }
        q
    };
    let best = flips
        .iter()
        .map(|set| (cost(&flipped(u, set), &flipped(v, set)), set))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(&[][..], |(_, set)| *set);
    *u = flipped(u, best);
    *v = flipped(v, best);
}

/// Makes `q` a proper rotation (det +1) keeping `U diag(σ) Vᵀ`: flips the column of a zero
/// singular value (free), else that of the smallest, negating it.
fn make_proper(q: &mut DMatrix<f64>, sigma: &mut DVector<f64>) {
    if q.determinant() > 0.0 {
        return;
    }
    let d = sigma.len();
    let c = (0..d).rev().find(|&i| sigma[i] == 0.0).unwrap_or(d - 1);
    q.column_mut(c).neg_mut();
    if sigma[c] != 0.0 {
        sigma[c] = -sigma[c];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Bend, Bounds, Flow, FlowInput, Grid, InputView, default_selection};
    use crate::nn::{Activation, Layer, Network};

    #[test]
    fn each_move_takes_a_third() {
        assert_eq!(svd_move(0.0), (SvdMove::RotateIn, 0.0));
        assert_eq!(svd_move(1.0 / 3.0), (SvdMove::Stretch, 0.0));
        assert_eq!(svd_move(2.0 / 3.0), (SvdMove::RotateOut, 0.0));
        assert_eq!(svd_move(1.0), (SvdMove::RotateOut, 1.0));
        let (mv, s) = svd_move(0.5);
        assert_eq!(mv, SvdMove::Stretch);
        assert!((s - 0.5).abs() < 1e-6);
        assert_eq!(svd_move(f32::NAN), (SvdMove::RotateIn, 0.0));
    }

    fn mat(rows: &[&[f32]]) -> Mat {
        Mat::from_fn(rows.len(), rows[0].len(), |i, j| rows[i][j])
    }

    /// The determinant of `W`'s `xy` block: below 0 when `W` mirrors the plane (seen from
    /// above, in a layer that changes width).
    fn xy_det(w: &Mat) -> f32 {
        if w.nrows() == 1 || w.ncols() == 1 {
            return w[(0, 0)];
        }
        w[(0, 0)] * w[(1, 1)] - w[(0, 1)] * w[(1, 0)]
    }

    /// Layers of every shape the split plays (`outputs × inputs`), each with and without a
    /// reflection.
    fn layers() -> Vec<Mat> {
        vec![
            mat(&[&[1.6, 0.7], &[0.0, 0.8]]),
            mat(&[&[0.7, 1.6], &[0.8, 0.0]]),
            mat(&[&[1.0, 0.5], &[-0.3, 0.9], &[0.6, -0.8]]),
            mat(&[&[0.5, 1.0], &[0.9, -0.3], &[0.6, -0.8]]),
            mat(&[&[1.0, -0.3, 0.6], &[0.5, 0.9, -0.8]]),
            mat(&[&[0.5, 0.9, -0.8], &[1.0, -0.3, 0.6]]),
            mat(&[&[1.0, 0.2, 0.1], &[0.3, -1.2, 0.4], &[0.2, 0.5, 0.7]]),
            mat(&[&[1.0, 0.2, 0.1], &[0.3, 1.2, 0.4], &[0.2, 0.5, 0.7]]),
            mat(&[&[1.0, 2.0], &[0.5, 1.0]]),
            mat(&[&[0.8, -0.6]]),
        ]
    }

    /// `U`, as the last move ends it.
    fn u_of(s: &SvdSplit) -> Matrix3<f32> {
        s.u_turn.at(1.0)
    }

    fn proper(q: &Matrix3<f32>) -> bool {
        (q * q.transpose() - Matrix3::identity()).norm() < 1e-5
            && (q.determinant() - 1.0).abs() < 1e-5
    }

    #[test]
    fn the_factors_shown_multiply_back_to_w() {
        for w in layers() {
            let s = SvdSplit::new(&w).unwrap();
            let (u, sigma, vt) = s.factors();
            for r in 0..w.nrows() {
                for c in 0..w.ncols() {
                    let back: f32 = (0..s.dim()).map(|k| u[r][k] * sigma[k] * vt[k][c]).sum();
                    assert!((back - w[(r, c)]).abs() < 1e-4, "{w}: ({r}, {c}) is {back}");
                }
            }
        }
    }

    #[test]
    fn u_and_v_are_rotations_and_multiply_back_to_w() {
        for w in layers() {
            let s = SvdSplit::new(&w).unwrap();
            assert!(proper(&s.vt), "{w}: Vᵀ = {}", s.vt);
            assert!(proper(&u_of(&s)), "{w}: U = {}", u_of(&s));
            let back = u_of(&s) * Matrix3::from_diagonal(&s.scale) * s.vt;
            for i in 0..s.dim() {
                for j in 0..s.dim() {
                    let want = if i < w.nrows() && j < w.ncols() {
                        w[(i, j)]
                    } else {
                        0.0
                    };
                    assert!((back[(i, j)] - want).abs() < 1e-5, "{w}: U Σ Vᵀ = {back}");
                }
            }
            // Largest first; a negative singular value only where a square W reflects.
            let sizes: Vec<f32> = s.sigma.iter().map(|x| x.abs()).collect();
            assert!(sizes.windows(2).all(|p| p[0] >= p[1]), "{:?}", s.sigma);
            let square = w.nrows() == w.ncols();
            let negative = s.sigma.iter().filter(|&&x| x < 0.0).count();
            let reflects = square && w.map(f64::from).determinant() < 0.0;
            assert_eq!(negative, usize::from(reflects), "{w}: σ = {:?}", s.sigma);
            // A plane changing width turns over only where W mirrors it as seen from above.
            let mirrors = !square && w.nrows().min(w.ncols()) == 2 && xy_det(&w) < 0.0;
            assert_eq!(s.vt_turns_over, mirrors && w.ncols() == 2, "{w}");
            assert_eq!(s.u_turns_over, mirrors && w.nrows() == 2, "{w}");
            assert_eq!(
                (s.lifts, s.flattens),
                (w.nrows() > w.ncols(), w.nrows() < w.ncols())
            );
        }
    }

    #[test]
    fn wider_than_three_or_not_finite_has_no_split() {
        assert!(SvdSplit::new(&Mat::from_element(4, 2, 1.0)).is_none());
        assert!(SvdSplit::new(&Mat::from_element(2, 4, 1.0)).is_none());
        assert!(SvdSplit::new(&mat(&[&[1.0, f32::NAN], &[0.0, 1.0]])).is_none());
        // All zero: still rotations, and Σ flattens everything.
        let s = SvdSplit::new(&Mat::zeros(2, 2)).unwrap();
        assert!(proper(&s.vt) && proper(&u_of(&s)));
        assert_eq!(s.sigma, vec![0.0, 0.0]);
    }

    #[test]
    fn the_moves_are_described_for_the_heading() {
        // W = diag(2, 0.5) · R(35°): Vᵀ turns by 35°, Σ stretches, U does nothing.
        let (c, s) = (35f32.to_radians().cos(), 35f32.to_radians().sin());
        let w = mat(&[&[2.0 * c, -2.0 * s], &[0.5 * s, 0.5 * c]]);
        let split = SvdSplit::new(&w).unwrap();
        assert_eq!(split.describe(SvdMove::RotateIn), "Vᵀ: rotate by 35°");
        assert_eq!(
            split.describe(SvdMove::Stretch),
            "Σ: stretch x by 2.00, y by 0.50"
        );
        assert_eq!(split.describe(SvdMove::RotateOut), "U: rotate by 0°");
        // A reflection shows as a flip during Σ.
        let w = mat(&[&[2.0 * c, -2.0 * s], &[-0.5 * s, -0.5 * c]]);
        let split = SvdSplit::new(&w).unwrap();
        assert_eq!(
            split.describe(SvdMove::Stretch),
            "Σ: stretch x by 2.00, y by -0.50 (a flip)"
        );
        let lift = SvdSplit::new(&mat(&[&[1.0, 0.0], &[0.0, 1.0], &[0.0, 1.0]])).unwrap();
        assert!(
            lift.describe(SvdMove::RotateOut)
                .ends_with(", lifting the plane into 3D")
        );
        let flat = SvdSplit::new(&mat(&[&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0]])).unwrap();
        assert_eq!(
            flat.describe(SvdMove::Stretch),
            "Σ: stretch x by 1.00, y by 1.00, flatten z"
        );
        // scenes/layer-anatomy.ron's caption names these.
        let anatomy = SvdSplit::new(&mat(&[&[1.6, 0.7], &[0.0, 0.8]])).unwrap();
        let actions = SvdMove::ALL.map(|mv| anatomy.action(mv));
        assert_eq!(
            actions,
            [
                "rotate by -29°",
                "stretch x by 1.78, y by 0.72",
                "rotate by 12°"
            ]
            .map(String::from)
        );
        let over = SvdSplit::new(&mat(&[&[0.0, 1.0], &[1.0, 0.0], &[0.0, 0.5]])).unwrap();
        assert_eq!(over.describe(SvdMove::RotateIn), "Vᵀ: turn the plane over");
    }

    /// Points in `n` dimensions, spread over `[-1, 1]ⁿ`.
    fn points(n: usize) -> Mat {
        let mut x: u32 = 0x2545_f491;
        Mat::from_fn(n, 200, |_, _| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 2001) as f32 / 1000.0 - 1.0
        })
    }

    /// A one-layer network of weights `w`, its points (and a grid, for a 2-wide input).
    fn one_layer(w: &Mat) -> (Network, Mat, Flow) {
        let network = Network::from_layers(vec![Layer {
            weights: w.clone(),
            bias: nalgebra::DVector::from_element(w.nrows(), 0.25),
            activation: Activation::Tanh,
        }])
        .unwrap();
        let x = points(w.ncols());
        let grid = Grid::over([-1.0, -1.0], [1.0, 1.0], 6, 16);
        let flow = Flow::new(FlowInput {
            network: &network,
            points: &x,
            grid: Some(grid),
            input_view: InputView::Raw,
            selection: default_selection(&network, &x, 3),
        })
        .unwrap();
        (network, x, flow)
    }

    #[test]
    fn each_move_ends_exactly_where_the_next_starts() {
        for w in layers().into_iter().take(8) {
            let (_, _, f) = one_layer(&w);
            let svd = f
                .svd(0)
                .expect("a layer at most 3 wide, shown whole, splits");
            let (a, end) = (f.key(0), f.key(1));
            let mut out = vec![];
            for ease in Ease::ALL {
                f.sample(0.0, ease, Bend::Auto, Split::Svd, &mut out);
                assert_eq!(out, a, "{w}: t = 0 is a");
                f.sample(1.0 / 3.0, ease, Bend::Auto, Split::Svd, &mut out);
                for (p, q) in out.iter().zip(a) {
                    assert_eq!(*p, <[f32; 3]>::from(svd.vt * Vector3::from(*q)), "{w}: Vᵀa");
                }
                f.sample(2.0 / 3.0, ease, Bend::Auto, Split::Svd, &mut out);
                for (c, (p, q)) in out.iter().zip(a).enumerate() {
                    let stretched = (svd.vt * Vector3::from(*q)).component_mul(&svd.scale);
                    assert_eq!(*p, <[f32; 3]>::from(stretched), "{w}: ΣVᵀa");
                    // And U takes it to W·a.
                    let there = u_of(svd) * stretched;
                    for r in 0..3 {
                        assert!((there[r] - end[c][r]).abs() < 1e-4, "{w}: U ΣVᵀa = W·a");
                    }
                }
                let done = svd.motion(1.0, ease);
                for (q, e) in a.iter().zip(end) {
                    assert_eq!(svd.place(&done, *q, *e), *e, "{w}: t = 1 is the key");
                }
            }
        }
    }

    #[test]
    fn rotations_keep_norms_and_the_plane_stays_flat_unless_it_turns_over() {
        for w in layers().into_iter().take(8) {
            let (_, _, f) = one_layer(&w);
            let svd = f.svd(0).unwrap().clone();
            let (mut start, mut out) = (vec![], vec![]);
            for i in 1..20 {
                let t = i as f32 / 60.0;
                for (t0, moving) in [(0.0, SvdMove::RotateIn), (2.0 / 3.0, SvdMove::RotateOut)] {
                    f.sample(t0, Ease::Linear, Bend::Auto, Split::Svd, &mut start);
                    f.sample(t0 + t, Ease::CubicInOut, Bend::Auto, Split::Svd, &mut out);
                    for (p, q) in out.iter().zip(&start) {
                        let (np, nq) = (Vector3::from(*p).norm(), Vector3::from(*q).norm());
                        assert!(
                            (np - nq).abs() <= 1e-5 * nq.max(1.0),
                            "{w} {moving:?}: {np} vs {nq}"
                        );
                    }
                    // Points leave the plane only where the view is 3D.
                    let off = out.iter().any(|p| p[2].abs() > 1e-6);
                    if off {
                        assert_eq!(f.dims(t0 + t), 3, "{w} {moving:?}");
                    }
                    let turns_over = match moving {
                        SvdMove::RotateIn => svd.vt_turns_over,
                        _ => svd.u_turns_over,
                    };
                    if svd.inputs == 2
                        && (turns_over || (moving == SvdMove::RotateOut && svd.lifts))
                    {
                        assert!(off, "{w} {moving:?}: the plane leaves z = 0");
                    }
                    if svd.dim() == 2
                        || (svd.inputs == 2 && !turns_over && moving == SvdMove::RotateIn)
                    {
                        assert!(!off, "{w} {moving:?}: the plane stays flat");
                    }
                }
            }
        }
    }

    #[test]
    fn bounds_follow_the_moves() {
        let (_, _, f) = one_layer(&layers()[2]);
        let mut out = vec![];
        for t in [1.0 / 3.0, 2.0 / 3.0] {
            f.sample(t, Ease::Linear, Bend::Auto, Split::Svd, &mut out);
            assert_eq!(
                f.bounds(t, Ease::CubicInOut, Split::Svd),
                Bounds::of(&out[..f.points()])
            );
        }
        assert_eq!(
            f.bounds(0.0, Ease::Linear, Split::Svd),
            f.bounds(0.0, Ease::Linear, Split::Whole)
        );
        let at = f.svd_at(0.5, Split::Svd).unwrap();
        assert_eq!(at.1, SvdMove::Stretch);
        assert!(f.svd_at(0.5, Split::Whole).is_none() && f.svd_at(1.5, Split::Svd).is_none());
    }

    #[test]
    fn wide_or_partly_shown_layers_play_whole() {
        let d = crate::nn::DatasetSpec::parse("moons:n=100")
            .unwrap()
            .0
            .generate();
        let wide = Network::new(&[2, 6, 2], &[Activation::Relu], Activation::Softmax, 1).unwrap();
        let narrow = Network::new(&[2, 3, 2], &[Activation::Relu], Activation::Softmax, 1).unwrap();
        let whole = |n: &Network| default_selection(n, &d.x, 3);
        for (network, selection, splits) in [
            (&wide, whole(&wide), [false, false]),
            (&narrow, whole(&narrow), [true, true]),
            // Two of three neurons shown: neither the layer nor the next is shown whole.
            (&narrow, vec![vec![0, 2], vec![0, 1]], [false, false]),
        ] {
            let f = Flow::new(FlowInput {
                network,
                points: &d.x,
                grid: None,
                input_view: InputView::Raw,
                selection,
            })
            .unwrap();
            assert_eq!([f.svd(0).is_some(), f.svd(1).is_some()], splits);
            let (mut whole_out, mut svd_out) = (vec![], vec![]);
            for i in 0..=60 {
                let u = i as f32 * f.end() / 60.0;
                let layer = (u as usize / 3).min(1);
                f.sample(
                    u,
                    Ease::CubicInOut,
                    Bend::Auto,
                    Split::Whole,
                    &mut whole_out,
                );
                f.sample(u, Ease::CubicInOut, Bend::Auto, Split::Svd, &mut svd_out);
                if f.svd(layer).is_none() {
                    assert_eq!(whole_out, svd_out, "u = {u}");
                    let bounds = |s| f.bounds(u, Ease::Linear, s);
                    assert_eq!(bounds(Split::Whole), bounds(Split::Svd));
                }
            }
        }
    }
}
