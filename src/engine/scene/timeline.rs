//! The timeline a scene compiles to: what every animated value is at any time. Time is a
//! value: [`Timeline::sample`] at `t` gives the same [`Frame`] however playback got there,
//! which is what makes scrubbing, reverse playback and frame-exact export possible.

use super::locate::Seg;
use super::{EaseKind, Scene, StageKind, Step, SurfaceKind, View};
use crate::flow::{Ease, Split};
use crate::limits::{
    MAX_ANGLE_DEG, MAX_DURATION_SECS, MAX_PAN, MAX_STEPS, MAX_ZOOM, MAX_ZOOM_OUT, check_range,
    check_text, show,
};

/// Two scene times closer than this are the same moment (a cue and the frame at it, a stop
/// and the time a step reached): seconds.
pub const TIME_EPSILON: f32 = 1e-4;

/// A value moving from `from` to `to` between two times.
#[derive(Clone, Debug, PartialEq)]
struct Segment {
    t0: f32,
    t1: f32,
    from: f32,
    to: f32,
    ease: Ease,
}

/// One animated value: its segments in time order.
#[derive(Clone, Debug, PartialEq)]
struct Track {
    initial: f32,
    segments: Vec<Segment>,
}

impl Track {
    fn new(initial: f32) -> Track {
        Track {
            initial,
            segments: vec![],
        }
    }

    /// The value at `t`: inside a segment, eased between its ends; after it, its end. The
    /// last segment started by `t` decides (each holds where it starts from), found by a
    /// binary search, so a long timeline samples as fast as a short one.
    fn at(&self, t: f32) -> f32 {
        let started = self.segments.partition_point(|s| s.t0 <= t);
        let Some(s) = started.checked_sub(1).map(|i| &self.segments[i]) else {
            return self.initial;
        };
        if t >= s.t1 {
            s.to
        } else {
            let f = s.ease.apply((t - s.t0) / (s.t1 - s.t0));
            (1.0 - f) * s.from + f * s.to
        }
    }

    fn push(&mut self, t0: f32, t1: f32, to: f32, ease: Ease) {
        let from = self.at(t0);
        self.segments.push(Segment {
            t0,
            t1,
            from,
            to,
            ease,
        });
        // Later steps can start earlier (in a `Together`): keep them ordered.
        self.segments.sort_by(|a, b| a.t0.total_cmp(&b.t0));
    }
}

/// A text shown for a while.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// What it says.
    pub text: String,
    /// How opaque it is now (fading in and out: [`TITLE_FADE`], [`CAPTION_FADE`]).
    pub alpha: f32,
}

/// Everything the window shows at one time.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The time sampled.
    pub time: f32,
    /// The shot playing.
    pub shot: Option<String>,
    /// The view.
    pub view: View,
    /// Position in the network, in stages (0 = input, 3 × layers = output).
    pub position: f32,
    /// Camera yaw and pitch (degrees) and zoom (1 = framed).
    pub yaw: f32,
    /// See `yaw`.
    pub pitch: f32,
    /// See `yaw`.
    pub zoom: f32,
    /// Where the view centres, from the framed centre.
    pub pan: [f32; 3],
    /// Whether the grid shows.
    pub grid: bool,
    /// What the landscape shows, if set.
    pub surface: Option<SurfaceKind>,
    /// Morph along identity, sigmoid, step, if set.
    pub morph: Option<f32>,
    /// Landscape plane extent.
    pub zoom_out: f32,
    /// Training epoch to show (fractional between snapshots), or `None` for the trained
    /// network.
    pub epoch: Option<f32>,
    /// The title on screen.
    pub title: Option<Text>,
    /// The caption on screen.
    pub caption: Option<Text>,
    /// How far the view is faded into the background (0 clear, 1 gone): around a change
    /// of view the old one fades out and the new one in.
    pub veil: f32,
    /// How `W·a` plays: [`Split::Svd`] while a `Stage` step with `split: Svd` plays.
    pub split: Split,
    /// `W` and `b` on screen, and the basis vectors as arrows: while a `Stage` step with
    /// `matrix: true` plays, and at its end (a cue after it still shows them).
    pub matrix: bool,
}

/// Seconds a title takes to fade in, and out.
pub const TITLE_FADE: f32 = 0.5;

/// Seconds a caption takes to fade in, and out.
pub const CAPTION_FADE: f32 = 0.3;

/// Seconds a view takes to fade out, and the next to fade in, around a change of view.
pub const VIEW_FADE: f32 = 0.3;

/// What a scene does over time.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Timeline {
    duration: f32,
    position: Option<Track>,
    yaw: Option<Track>,
    pitch: Option<Track>,
    zoom: Option<Track>,
    pan_x: Option<Track>,
    pan_y: Option<Track>,
    pan_z: Option<Track>,
    morph: Option<Track>,
    zoom_out: Option<Track>,
    epoch: Option<Track>,
    morph_set: bool,
    views: Vec<(f32, View)>,
    grids: Vec<(f32, bool)>,
    surfaces: Vec<(f32, SurfaceKind)>,
    titles: Vec<(f32, f32, String)>,
    captions: Vec<(f32, f32, String)>,
    cues: Vec<f32>,
    /// The speaker's notes at each cue (empty where it has none), beside `cues`.
    cue_notes: Vec<String>,
    shots: Vec<(f32, String)>,
    trains: Vec<(Vec<Seg>, usize)>,
    /// When a `Stage` step with `split: Svd` plays: from, to.
    splits: Vec<(f32, f32)>,
    /// When a `Stage` step with `matrix: true` plays: from, to (its end included).
    matrices: Vec<(f32, f32)>,
    /// Where each `matrix: true` is written, and its layer (from 1).
    matrix_layers: Vec<(Vec<Seg>, usize)>,
    /// Where each `split: Svd` is written, and the layer (from 1) it splits.
    svd_layers: Vec<(Vec<Seg>, usize)>,
    initial_view: Option<View>,
    starts: Vec<f32>,
}

/// Degrees of the orbit camera's default angles: the window's own defaults.
pub use crate::setup::{DEFAULT_PITCH_DEG as DEFAULT_PITCH, DEFAULT_YAW_DEG as DEFAULT_YAW};

/// A step error: where in the scene, what, and a hint.
pub type StepError = (Vec<Seg>, String, Option<String>);

/// Compiles a scene's steps for a network of `layers` layers. The timeline is returned even
/// when a step is wrong (with the first error), so a player can keep what it can.
pub fn compile(scene: &Scene, layers: usize) -> (Timeline, Result<(), StepError>) {
    compile_for(scene, &vec![usize::MAX; layers])
}

/// As [`compile`], for a network whose layers have these widths (outputs), so that a
/// `Surface(Neuron(..))` is checked to name a neuron that exists.
pub fn compile_for(scene: &Scene, widths: &[usize]) -> (Timeline, Result<(), StepError>) {
    let mut c = Compiler {
        tl: Timeline {
            initial_view: Some(scene.view),
            ..Timeline::default()
        },
        layers: widths.len(),
        widths: widths.to_vec(),
        steps: 0,
        error: None,
    };
    let mut t = 0.0;
    if scene.shots.is_empty() {
        t = c.sequence(&scene.timeline, 0.0, &[Seg::Field("timeline")]);
    } else {
        for (s, shot) in scene.shots.iter().enumerate() {
            c.tl.shots.push((t, shot.name.clone()));
            t = c.sequence(
                &shot.timeline,
                t,
                &[Seg::Field("shots"), Seg::Index(s), Seg::Field("timeline")],
            );
        }
    }
    c.tl.duration = t;
    let error = match c.error {
        Some(e) => Err(e),
        None => Ok(()),
    };
    (c.tl, error)
}

struct Compiler {
    tl: Timeline,
    layers: usize,
    /// Each layer's outputs.
    widths: Vec<usize>,
    /// Steps compiled so far, `Together`'s inner ones included.
    steps: usize,
    error: Option<StepError>,
}

impl Compiler {
    fn fail(&mut self, path: Vec<Seg>, message: String, hint: Option<String>) {
        if self.error.is_none() {
            self.error = Some((path, message, hint));
        }
    }

    fn sequence(&mut self, steps: &[Step], mut t: f32, path: &[Seg]) -> f32 {
        for (i, step) in steps.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(Seg::Index(i));
            if self.tl.starts.last() != Some(&t) {
                self.tl.starts.push(t);
            }
            t += self.step(step, t, &p);
            if t > MAX_DURATION_SECS {
                self.fail(
                    p,
                    format!(
                        "the scene runs {} s by the end of this step, over the limit of \
                         {MAX_DURATION_SECS} s (an hour)",
                        show(t)
                    ),
                    Some("shorten the steps, or split the scene".into()),
                );
                // Nothing past the limit is compiled: a player or a renderer never sees it.
                return MAX_DURATION_SECS;
            }
        }
        t
    }

    /// Checks a duration: finite, not negative, and at most the timeline's limit.
    fn secs(&mut self, secs: f32, path: &[Seg], field: bool) -> f32 {
        if !secs.is_finite() || !(0.0..=MAX_DURATION_SECS).contains(&secs) {
            let at = if field {
                Seg::Field("secs")
            } else {
                Seg::Index(0)
            };
            let message = if secs.is_finite() && secs > 0.0 {
                format!(
                    "a duration of {} seconds is over the limit of {MAX_DURATION_SECS} s",
                    show(secs)
                )
            } else {
                format!("a negative (or not finite) duration: {secs} seconds")
            };
            self.fail(
                child(path, at),
                message,
                Some("durations are seconds, 0 or more".into()),
            );
            return 0.0;
        }
        secs
    }

    /// Checks a number given to a step: finite and in `[min, max]`; out of range it is an
    /// error, and `fallback` plays in its place.
    fn number(&mut self, value: f32, (min, max): (f32, f32), what: &str, at: Vec<Seg>) -> f32 {
        match check_range(value, min, max) {
            Ok(v) => v,
            Err(e) => {
                self.fail(at, format!("{what} {e}"), None);
                if value.is_nan() {
                    min
                } else {
                    value.clamp(min, max)
                }
            }
        }
    }

    /// Checks a text's length.
    fn text(&mut self, text: &str, what: &str, path: &[Seg]) {
        if let Err(e) = check_text(what, text) {
            self.fail(child(path, Seg::Field("text")), e.to_string(), None);
        }
    }

    /// Checks a cue's notes' length.
    fn notes(&mut self, notes: &str, path: &[Seg]) {
        if let Err(e) = check_text("notes", notes) {
            self.fail(child(path, Seg::Field("notes")), e.to_string(), None);
        }
    }

    fn track(slot: &mut Option<Track>, initial: f32) -> &mut Track {
        slot.get_or_insert_with(|| Track::new(initial))
    }

    /// A timed step's span: from `t`, for `secs` (checked), eased.
    /// A `Stage` step over `span`; returns how long it lasts. Split, it plays at an even pace
    /// (`span` is linear): the moves ease in and out each on its own (the layers view eases
    /// them), so that the middle one, the stretch, is not rushed between two slow ends.
    fn stage_step(
        &mut self,
        layer: usize,
        stage: StageKind,
        split: Split,
        span: Span,
        path: &[Seg],
    ) -> f32 {
        self.stage(layer, stage, span, path);
        if split == Split::Svd {
            self.svd(layer, stage, span, path);
        }
        span.secs
    }

    fn span(&mut self, t: f32, secs: f32, ease: EaseKind, path: &[Seg]) -> Span {
        Span {
            t0: t,
            secs: self.secs(secs, path, true),
            ease: ease.into(),
        }
    }

    /// Adds one step starting at `t`; returns how long it lasts.
    fn step(&mut self, step: &Step, t: f32, path: &[Seg]) -> f32 {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.fail(
                path.to_vec(),
                format!("step {} is over the limit of {MAX_STEPS} steps", self.steps),
                None,
            );
            return 0.0;
        }
        match step {
            Step::Title { text, secs } => self.words(text, *secs, t, path, true),
            Step::Caption { text, secs } => self.words(text, *secs, t, path, false),
            Step::Stage {
                layer,
                stage,
                secs,
                ease,
                split,
                matrix,
            } => {
                let ease = match split {
                    Split::Svd => EaseKind::Linear,
                    Split::Whole => *ease,
                };
                let span = self.span(t, *secs, ease, path);
                if *matrix {
                    self.tl.matrices.push((span.t0, span.t1()));
                    self.tl
                        .matrix_layers
                        .push((child(path, Seg::Field("matrix")), *layer));
                }
                self.stage_step(*layer, *stage, *split, span, path)
            }
            Step::Position { to, secs, ease } => {
                let span = self.span(t, *secs, *ease, path);
                self.position(*to, span, path);
                span.secs
            }
            Step::Camera {
                yaw,
                pitch,
                zoom,
                pan,
                secs,
                ease,
            } => {
                let span = self.span(t, *secs, *ease, path);
                self.camera(*yaw, *pitch, *zoom, *pan, span, path);
                span.secs
            }
            Step::View(v) => {
                self.tl.views.push((t, *v));
                0.0
            }
            Step::Grid(on) => {
                self.tl.grids.push((t, *on));
                0.0
            }
            Step::Surface(s) => {
                self.surface(*s, t, path);
                0.0
            }
            Step::Morph { to, secs, ease } => {
                let span = self.span(t, *secs, *ease, path);
                self.morph(*to, span, path);
                span.secs
            }
            Step::ZoomOut { to, secs, ease } => {
                let span = self.span(t, *secs, *ease, path);
                self.zoom_out(*to, span, path);
                span.secs
            }
            Step::Train {
                from,
                to,
                secs,
                ease,
            } => {
                let span = self.span(t, *secs, *ease, path);
                self.train(*from, *to, span, path);
                span.secs
            }
            Step::Wait(secs) => self.secs(*secs, path, false),
            Step::Cue { notes } => {
                if let Some(n) = notes {
                    self.notes(n, path);
                }
                self.tl.cues.push(t);
                self.tl.cue_notes.push(notes.clone().unwrap_or_default());
                0.0
            }
            Step::Together(steps) => self.together(steps, t, path),
        }
    }

    /// `Title` (`title`) or `Caption`: `text` on screen from `t` for `secs`; how long.
    fn words(&mut self, text: &str, secs: f32, t: f32, path: &[Seg], title: bool) -> f32 {
        self.text(text, if title { "title" } else { "caption" }, path);
        let secs = self.secs(secs, path, true);
        let list = if title {
            &mut self.tl.titles
        } else {
            &mut self.tl.captions
        };
        list.push((t, t + secs, text.to_string()));
        secs
    }

    /// `Stage`: a layer's stage plays from its own start, wherever the position was.
    fn stage(&mut self, layer: usize, stage: StageKind, span: Span, path: &[Seg]) {
        if layer < 1 || layer > self.layers {
            self.fail(
                child(path, Seg::Field("layer")),
                format!(
                    "there is no layer {layer}: the network has {} layers",
                    self.layers
                ),
                Some(format!("layers count from 1 to {}", self.layers)),
            );
            return;
        }
        let base = (3 * (layer - 1)) as f32;
        let (from, to) = match stage {
            StageKind::Linear => (base, base + 1.0),
            StageKind::Bias => (base + 1.0, base + 2.0),
            StageKind::Activation => (base + 2.0, base + 3.0),
            StageKind::All => (base, base + 3.0),
        };
        let track = Self::track(&mut self.tl.position, 0.0);
        track.push(span.t0, span.t0, from, Ease::Linear);
        track.push(span.t0, span.t1(), to, span.ease);
    }

    /// `split: Svd` on a `Stage`: it splits `W·a`, so the stage must play it (`Linear` or
    /// `All`); the layer's widths are checked when the scene loads
    /// ([`Timeline::svd_layers`]).
    fn svd(&mut self, layer: usize, stage: StageKind, span: Span, path: &[Seg]) {
        let at = child(path, Seg::Field("split"));
        match stage {
            StageKind::Linear | StageKind::All => {}
            StageKind::Bias | StageKind::Activation => {
                let name = if stage == StageKind::Bias {
                    "Bias (+ b)"
                } else {
                    "Activation (σ)"
                };
                self.fail(
                    at.clone(),
                    format!("split: Svd splits W·a, which stage {name} does not play"),
                    Some("use it with stage: Linear or All, or leave split out".into()),
                );
            }
        }
        self.tl.splits.push((span.t0, span.t1()));
        self.tl.svd_layers.push((at, layer));
    }

    /// `Position`: moves to a position in the network, in layers.
    fn position(&mut self, to: f32, span: Span, path: &[Seg]) {
        let end = (3 * self.layers) as f32;
        let u = to * 3.0;
        if !(0.0..=end).contains(&u) {
            self.fail(
                child(path, Seg::Field("to")),
                format!(
                    "position {to} is outside the network (0 to {})",
                    self.layers
                ),
                None,
            );
            return;
        }
        Self::track(&mut self.tl.position, 0.0).push(span.t0, span.t1(), u, span.ease);
    }

    /// `Camera`: each angle, pan and zoom given moves; a pitch or zoom out of range is an
    /// error, and is clamped so that the rest still plays.
    fn camera(
        &mut self,
        yaw: Option<f32>,
        pitch: Option<f32>,
        zoom: Option<f32>,
        pan: Option<(f32, f32, f32)>,
        span: Span,
        path: &[Seg],
    ) {
        let (t0, t1, ease) = (span.t0, span.t1(), span.ease);
        if let Some(y) = yaw {
            let range = (-MAX_ANGLE_DEG, MAX_ANGLE_DEG);
            let y = self.number(y, range, "yaw", child(path, Seg::Field("yaw")));
            Self::track(&mut self.tl.yaw, DEFAULT_YAW).push(t0, t1, y, ease);
        }
        if let Some(p) = pitch {
            if !(-90.0..=90.0).contains(&p) {
                self.fail(
                    child(path, Seg::Field("pitch")),
                    format!("pitch {p}: must be between -90 and 90 degrees"),
                    None,
                );
            }
            let p = if p.is_nan() {
                0.0
            } else {
                p.clamp(-90.0, 90.0)
            };
            Self::track(&mut self.tl.pitch, DEFAULT_PITCH).push(t0, t1, p, ease);
        }
        if let Some((x, y, z)) = pan {
            let at = |i| child(&child(path, Seg::Field("pan")), Seg::Index(i));
            let range = (-MAX_PAN, MAX_PAN);
            let x = self.number(x, range, "pan", at(0));
            let y = self.number(y, range, "pan", at(1));
            let z = self.number(z, range, "pan", at(2));
            for (track, v) in [
                (&mut self.tl.pan_x, x),
                (&mut self.tl.pan_y, y),
                (&mut self.tl.pan_z, z),
            ] {
                Self::track(track, 0.0).push(t0, t1, v, ease);
            }
        }
        if let Some(z) = zoom {
            if z <= 0.0 || z.is_nan() {
                self.fail(
                    child(path, Seg::Field("zoom")),
                    format!("zoom {z}: must be above 0 (1 frames the scene)"),
                    None,
                );
            }
            let range = (1.0 / MAX_ZOOM, MAX_ZOOM);
            let z = self.number(z, range, "zoom", child(path, Seg::Field("zoom")));
            Self::track(&mut self.tl.zoom, 1.0).push(t0, t1, z, ease);
        }
    }

    /// `Surface`: what the landscape shows from `t`; a neuron must exist.
    fn surface(&mut self, s: SurfaceKind, t: f32, path: &[Seg]) {
        if let SurfaceKind::Neuron(l, n) = s
            && (l < 1 || l > self.layers || n < 1 || n > self.widths[l - 1])
        {
            self.fail(
                child(path, Seg::Index(0)),
                match self.widths.get(l.wrapping_sub(1)) {
                    Some(&w) if l >= 1 && w != usize::MAX => {
                        format!("there is no neuron {n} of layer {l}: layer {l} has {w} neurons")
                    }
                    _ => format!(
                        "there is no neuron {n} of layer {l}: the network has {} layers",
                        self.layers
                    ),
                },
                Some("layers and neurons count from 1".into()),
            );
        }
        self.tl.surfaces.push((t, s));
    }

    /// `Morph`: the shown neuron's activation, along identity (0), sigmoid (1), step (2).
    fn morph(&mut self, to: f32, span: Span, path: &[Seg]) {
        if !(0.0..=2.0).contains(&to) {
            self.fail(
                child(path, Seg::Field("to")),
                format!("morph to {to}: 0 is identity, 1 sigmoid, 2 step"),
                None,
            );
        }
        self.tl.morph_set = true;
        let to = if to.is_nan() { 1.0 } else { to.clamp(0.0, 2.0) };
        Self::track(&mut self.tl.morph, 1.0).push(span.t0, span.t1(), to, span.ease);
    }

    /// `ZoomOut`: the landscape's plane, in times the data's extent.
    fn zoom_out(&mut self, to: f32, span: Span, path: &[Seg]) {
        if !(1.0..=MAX_ZOOM_OUT).contains(&to) {
            self.fail(
                child(path, Seg::Field("to")),
                format!(
                    "zoom out to {to}: 1 is the data's extent, more is wider, at most \
                     {MAX_ZOOM_OUT}"
                ),
                None,
            );
        }
        let to = if to.is_nan() {
            1.0
        } else {
            to.clamp(1.0, MAX_ZOOM_OUT)
        };
        Self::track(&mut self.tl.zoom_out, 1.0).push(span.t0, span.t1(), to, span.ease);
    }

    /// `Train`: replays the recorded epochs `from` to `to` (checked against the training
    /// when the scene loads: see [`Timeline::train_ranges`]).
    fn train(&mut self, from: usize, to: usize, span: Span, path: &[Seg]) {
        if from > to {
            self.fail(
                child(path, Seg::Field("from")),
                format!("training replays forward: from {from} is after to {to}"),
                None,
            );
        }
        self.tl.trains.push((child(path, Seg::Field("to")), to));
        let track = Self::track(&mut self.tl.epoch, from as f32);
        track.push(span.t0, span.t0, from as f32, Ease::Linear);
        track.push(span.t0, span.t1(), to as f32, span.ease);
    }

    /// `Together`: its steps all start at `t`; it lasts as long as the longest.
    fn together(&mut self, steps: &[Step], t: f32, path: &[Seg]) -> f32 {
        let mut longest: f32 = 0.0;
        for (i, s) in steps.iter().enumerate() {
            let mut p = path.to_vec();
            p.extend([Seg::Index(0), Seg::Index(i)]);
            longest = longest.max(self.step(s, t, &p));
        }
        longest
    }
}

/// When a timed step plays: from `t0` for `secs`, with an ease.
#[derive(Clone, Copy)]
struct Span {
    t0: f32,
    secs: f32,
    ease: Ease,
}

impl Span {
    fn t1(self) -> f32 {
        self.t0 + self.secs
    }
}

/// `path`, one step further.
fn child(path: &[Seg], seg: Seg) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

fn last_at<T: Clone>(events: &[(f32, T)], t: f32) -> Option<T> {
    events
        .iter()
        .rev()
        .find(|(at, _)| *at <= t)
        .map(|(_, v)| v.clone())
}

/// A title or caption on screen at `t`, fading in and out over `fade` seconds.
fn text_at(items: &[(f32, f32, String)], t: f32, fade: f32) -> Option<Text> {
    items
        .iter()
        .rev()
        .find(|(t0, t1, _)| t >= *t0 && t < *t1)
        .map(|(t0, t1, text)| Text {
            text: text.clone(),
            alpha: ((t - t0) / fade).min((t1 - t) / fade).clamp(0.0, 1.0),
        })
}

impl Timeline {
    /// Total length in seconds.
    pub fn duration(&self) -> f32 {
        self.duration
    }

    /// Times of the presenter cues.
    pub fn cues(&self) -> Vec<f32> {
        self.cues.clone()
    }

    /// The speaker's notes at each cue, in the order of [`cues`](Self::cues); empty where a
    /// cue has none.
    pub fn cue_notes(&self) -> &[String] {
        &self.cue_notes
    }

    /// Start times of the steps (steps that start together count once), for stepping.
    pub fn step_starts(&self) -> &[f32] {
        &self.starts
    }

    /// Every title's text, then every caption's: what a renderer shows at some time.
    pub fn texts(&self) -> (Vec<&str>, Vec<&str>) {
        (
            self.titles.iter().map(|t| t.2.as_str()).collect(),
            self.captions.iter().map(|t| t.2.as_str()).collect(),
        )
    }

    /// Shots and their start times.
    pub fn shots(&self) -> &[(f32, String)] {
        &self.shots
    }

    /// The farthest position in the network the layers view reaches (eased moves run
    /// between their ends, so the farthest is one of them).
    pub fn reach(&self) -> f32 {
        self.position.as_ref().map_or(0.0, |track| {
            track
                .segments
                .iter()
                .flat_map(|s| [s.from, s.to])
                .fold(track.initial, f32::max)
        })
    }

    /// Where each `Train` step's end epoch is written, and that epoch.
    pub fn train_ranges(&self) -> Vec<(Vec<Seg>, usize)> {
        self.trains.clone()
    }

    /// Where each `split: Svd` is written, and the layer (from 1) whose `W·a` it splits.
    pub fn svd_layers(&self) -> &[(Vec<Seg>, usize)] {
        &self.svd_layers
    }

    /// Where each `matrix: true` is written, and the layer (from 1) it shows.
    pub fn matrix_layers(&self) -> &[(Vec<Seg>, usize)] {
        &self.matrix_layers
    }

    /// How `W·a` plays at `t`: split while a `Stage` step with `split: Svd` plays (from its
    /// start, up to but not including its end, where the stage is over).
    fn split(&self, t: f32) -> Split {
        if self.splits.iter().any(|&(t0, t1)| t0 <= t && t < t1) {
            Split::Svd
        } else {
            Split::Whole
        }
    }

    /// Everything on screen at time `t` (clamped to the timeline).
    pub fn sample(&self, t: f32) -> Frame {
        let t = if t.is_finite() {
            t.clamp(0.0, self.duration)
        } else {
            0.0
        };
        let value =
            |track: &Option<Track>, default: f32| track.as_ref().map_or(default, |tr| tr.at(t));
        Frame {
            time: t,
            shot: self
                .shots
                .iter()
                .rev()
                .find(|(s, _)| *s <= t)
                .map(|(_, n)| n.clone()),
            view: last_at(&self.views, t)
                .or(self.initial_view)
                .unwrap_or_default(),
            position: value(&self.position, 0.0),
            yaw: value(&self.yaw, DEFAULT_YAW),
            pitch: value(&self.pitch, DEFAULT_PITCH),
            zoom: value(&self.zoom, 1.0),
            pan: [
                value(&self.pan_x, 0.0),
                value(&self.pan_y, 0.0),
                value(&self.pan_z, 0.0),
            ],
            grid: last_at(&self.grids, t).unwrap_or(true),
            surface: last_at(&self.surfaces, t),
            morph: self.morph_set.then(|| value(&self.morph, 1.0)),
            zoom_out: value(&self.zoom_out, 1.0),
            epoch: self.epoch.as_ref().map(|tr| tr.at(t)),
            title: text_at(&self.titles, t, TITLE_FADE),
            caption: text_at(&self.captions, t, CAPTION_FADE),
            veil: self.veil(t),
            split: self.split(t),
            matrix: self
                .matrices
                .iter()
                .any(|&(t0, t1)| t0 <= t && t <= t1 + TIME_EPSILON),
        }
    }

    /// The view's fade at `t`: 1 at a change of view, clear `VIEW_FADE` seconds away.
    fn veil(&self, t: f32) -> f32 {
        let mut before = self.initial_view.unwrap_or_default();
        let mut veil: f32 = 0.0;
        for &(at, view) in &self.views {
            if view != before {
                veil = veil.max(1.0 - (t - at).abs() / VIEW_FADE);
            }
            before = view;
        }
        veil.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn timeline(steps: &str, layers: usize) -> Timeline {
        let text =
            format!("Scene(dataset: \"xor\", network: File(\"n.ron\"), timeline: [{steps}])");
        let scene = parse(&text, "t.ron").unwrap();
        let (tl, ok) = compile(&scene, layers);
        ok.unwrap();
        tl
    }

    #[test]
    fn steps_follow_one_another_and_together_overlaps() {
        let tl = timeline(
            "Stage(layer: 1, stage: Linear, secs: 2.0, ease: Linear), Wait(1.0), \
             Together([Stage(layer: 2, secs: 3.0, ease: Linear), Camera(yaw: 90.0, secs: 1.0, ease: Linear)]), Cue",
            2,
        );
        assert_eq!(tl.duration(), 6.0);
        assert_eq!(tl.cues(), vec![6.0]);
        assert_eq!(tl.sample(0.0).position, 0.0);
        assert_eq!(tl.sample(1.0).position, 0.5);
        assert_eq!(tl.sample(2.5).position, 1.0, "held during the wait");
        assert_eq!(
            tl.sample(3.0).position,
            3.0,
            "layer 2 starts at its own start"
        );
        assert_eq!(tl.sample(4.5).position, 4.5);
        assert_eq!(tl.sample(6.0).position, 6.0);
        assert_eq!(tl.sample(3.5).yaw, (DEFAULT_YAW + 90.0) / 2.0);
        assert_eq!(tl.sample(5.0).yaw, 90.0);
        assert_eq!(tl.reach(), 6.0);
        // A scene that goes out and back reaches its farthest point, not its last.
        let back = timeline(
            "Stage(layer: 2, secs: 2.0), Position(to: 1.0, secs: 1.0), Wait(1.0)",
            3,
        );
        assert_eq!(back.reach(), 6.0);
        assert_eq!(back.sample(back.duration()).position, 3.0);
    }

    #[test]
    fn a_split_stage_plays_split_and_only_while_it_plays() {
        let tl = timeline(
            "Title(text: \"t\", secs: 1.0), Stage(layer: 1, stage: Linear, secs: 3.0, split: Svd), \
             Stage(layer: 1, stage: Bias, secs: 1.0), \
             Together([Stage(layer: 2, secs: 3.0, split: Svd), Wait(4.0)])",
            2,
        );
        let split = |t: f32| tl.sample(t).split;
        assert_eq!(split(0.5), Split::Whole, "before");
        assert_eq!(split(1.0), Split::Svd, "from its start");
        assert_eq!(split(2.5), Split::Svd);
        assert_eq!(split(4.0), Split::Whole, "after");
        assert_eq!(
            tl.sample(4.0).position,
            1.0,
            "W·a is over when the step ends"
        );
        // An even pace: a third of the time, a third of the stage (each move eases itself).
        assert!((tl.sample(2.0).position - 1.0 / 3.0).abs() < 1e-5);
        assert!((tl.sample(3.0).position - 2.0 / 3.0).abs() < 1e-5);
        assert_eq!(split(5.5), Split::Svd, "in a Together, All");
        assert_eq!(split(8.5), Split::Whole, "the rest of the Together");
        let svd: Vec<usize> = tl.svd_layers().iter().map(|(_, l)| *l).collect();
        assert_eq!(svd, vec![1, 2]);
        assert_eq!(Timeline::default().sample(0.0).split, Split::Whole);
    }

    #[test]
    fn a_change_of_view_fades_out_and_in_and_texts_fade() {
        let tl = timeline(
            "Title(text: \"t\", secs: 2.0), View(Landscape), Wait(1.0), View(Layers), Wait(1.0), \
             View(Layers)",
            1,
        );
        // The scene opens on the layers view (the default): Landscape at 2 s is a change,
        // Layers at 4 s is none.
        assert_eq!(tl.sample(4.0).veil, 0.0);
        assert_eq!(tl.sample(2.0).veil, 1.0);
        assert!((tl.sample(2.0 - VIEW_FADE / 2.0).veil - 0.5).abs() < 1e-4);
        assert!(tl.sample(2.0 + VIEW_FADE).veil < 1e-5);
        assert_eq!(tl.sample(3.0).veil, 1.0);
        assert_eq!(tl.sample(0.5 + VIEW_FADE).veil, 0.0);
        let title = |t: f32| tl.sample(t).title.map_or(0.0, |x| x.alpha);
        assert!((title(TITLE_FADE / 2.0) - 0.5).abs() < 1e-4);
        assert_eq!(title(1.0), 1.0);
        assert!(title(2.0 - TITLE_FADE / 4.0) < 0.3);
    }

    #[test]
    fn sampling_is_a_function_of_time() {
        let tl = timeline(
            "Caption(text: \"a\", secs: 1.0), Stage(layer: 1, secs: 2.0), Morph(to: 2.0, secs: 1.0), \
             ZoomOut(to: 10.0), View(Landscape), Grid(false), Cue, Stage(layer: 2, stage: Activation)",
            2,
        );
        let times: Vec<f32> = (0..=200)
            .map(|i| i as f32 * tl.duration() / 200.0)
            .collect();
        let forward: Vec<Frame> = times.iter().map(|&t| tl.sample(t)).collect();
        for (i, &t) in times.iter().enumerate().rev() {
            assert_eq!(tl.sample(t), forward[i]);
        }
        let f = tl.sample(tl.duration());
        assert_eq!(
            (f.view, f.grid, f.morph, f.zoom_out),
            (View::Landscape, false, Some(2.0), 10.0)
        );
        assert_eq!(tl.sample(0.5).caption.unwrap().text, "a");
        assert!(tl.sample(1.5).caption.is_none());
    }

    #[test]
    fn bad_steps_are_reported_with_their_place() {
        let text = "Scene(dataset: \"xor\", network: File(\"n.ron\"), shots: [Shot(name: \"a\", timeline: [Cue, Together([Wait(-1.0)])])])";
        let scene = parse(text, "t.ron").unwrap();
        let (_, err) = compile(&scene, 2);
        let (path, message, _) = err.unwrap_err();
        assert!(message.contains("negative"));
        assert_eq!(
            path,
            vec![
                Seg::Field("shots"),
                Seg::Index(0),
                Seg::Field("timeline"),
                Seg::Index(1),
                Seg::Index(0),
                Seg::Index(0),
                Seg::Index(0)
            ]
        );
    }
}
