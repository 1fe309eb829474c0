//! The scene player: `spacefold play FILE`. It keeps a time, samples the scene's timeline at
//! it every frame and writes the frame into the views' settings (view, position, camera,
//! surfaces, the network of the replayed epoch). Saving the file reloads it, keeping the
//! time; a broken save shows its error and the last good scene plays on. Presenter mode
//! stops at cues and takes clicker keys.

use super::Showing;
use super::explorer::{Explorer, Link, Published};
use super::landscape::{LandscapeView, Target};
use super::layers::LayerView;
use super::orbit::Orbit;
use super::{View, ViewSet};
use crate::engine::live::{Command, Latest};
use crate::engine::scene::{Frame, Loaded, SurfaceKind};
use bevy::prelude::*;
use bevy::state::state::StateTransition;
use bevy::window::{MonitorSelection, PrimaryWindow, WindowMode};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::SystemTime;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            reload_scene_on_save.run_if(not(resource_exists::<super::ExactFrames>)),
            take_preloaded_scenes,
            (presenter_keys, player_keys, advance_unattended),
            advance_scene_time,
            apply_scene_frame,
            show_view_now,
        )
            .chain()
            .before(ViewSet::Animate)
            .run_if(resource_exists::<Player>),
    );
}

/// Versions the player publishes networks under: above any the training worker reaches, so
/// the window takes the player's.
const PUBLISH_BASE: u64 = 1 << 40;

/// A scene being played.
#[derive(Resource)]
pub struct Player {
    /// The scene file.
    pub path: PathBuf,
    /// The last good version of the scene.
    pub loaded: Loaded,
    /// The time shown, seconds.
    pub time: f32,
    /// Whether time advances.
    pub playing: bool,
    /// Playback speed.
    pub speed: f32,
    /// Start again at the end.
    pub looping: bool,
    /// Presenter mode: full screen, no timeline, stops at cues.
    pub present: bool,
    /// The screen is blanked (B).
    pub blank: bool,
    /// Exploring live (Esc in presenter mode): the explorer on the scene's network.
    pub exploring: bool,
    /// Why the last save could not be loaded.
    pub error: Option<String>,
    /// The frame last applied.
    pub frame: Option<Frame>,
    /// Lay out every title and caption of the scene, unseen, so that their glyphs are in
    /// the font atlas before the frame that first shows them (offline render).
    pub warm_text: bool,
    /// The talk this scene belongs to, if one is playing.
    pub talk: Option<TalkStage>,
    /// Presenter mode: seconds to hold at each cue before going on by itself (`--auto`).
    pub auto: Option<f32>,
    /// Presenter mode: after the last cue (of the talk's last scene), from the start again
    /// (`--loop`, a kiosk).
    pub loop_talk: bool,
    /// Digits typed in presenter mode: a scene's number, taken by Enter.
    pub typed: String,
    /// Presenter mode: the list of the talk's scenes shown (G), to pick one.
    pub scene_list: bool,
    /// A scene (from 1) picked in that list, opened at the next frame.
    pub go_to: Option<usize>,
    /// Seconds held at the current stop (for `--auto`).
    held: f32,
    modified: Option<SystemTime>,
    checked_at: f64,
    shown_snapshot: Option<usize>,
    published: u64,
}

/// A talk being played: its scenes, and the one shown. Scenes after the first are trained
/// in the background, in order, while the first plays: moving on does not wait.
pub struct TalkStage {
    /// The talk's title.
    pub title: String,
    /// The scenes in order.
    pub scenes: Vec<TalkSlot>,
    /// The scene shown.
    pub index: usize,
    /// Scenes as the background trains them (taken each frame).
    arriving: Option<std::sync::Mutex<Receiver<Arrived>>>,
}

/// A scene trained in the background: its index, and the scene or why it failed.
type Arrived = (usize, Result<Loaded, String>);

/// One scene of a talk.
pub struct TalkSlot {
    /// Where it came from (a path, or the bundled name).
    pub source: PathBuf,
    /// The speaker's notes for the whole scene.
    pub notes: String,
    /// The scene's title.
    pub title: String,
    /// Its timeline (known before it is trained: the speaker view and handouts need it).
    pub timeline: crate::engine::scene::Timeline,
    /// The scene, trained; `None` while the background still trains it.
    pub loaded: Option<Loaded>,
}

/// Where the player stands in a talk: scene and cue, each counted from 1 of how many (cue
/// 0 before the first cue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// The scene shown, from 1.
    pub scene: usize,
    /// Scenes in the talk (1 for a lone scene).
    pub scenes: usize,
    /// Cues reached in this scene.
    pub cue: usize,
    /// Cues in this scene.
    pub cues: usize,
}

impl Player {
    /// A player at time 0 (or at cue `cue`, counting from 1), paused in presenter mode until
    /// the first click, playing otherwise.
    pub fn new(path: PathBuf, loaded: Loaded, present: bool, cue: Option<usize>) -> Player {
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let cues = loaded.timeline.cues();
        let time = cue
            .and_then(|c| cues.get(c.saturating_sub(1)).copied())
            .unwrap_or(0.0);
        Player {
            path,
            loaded,
            time,
            playing: cue.is_none(),
            speed: 1.0,
            looping: false,
            present,
            blank: false,
            exploring: false,
            error: None,
            frame: None,
            warm_text: false,
            modified,
            checked_at: 0.0,
            shown_snapshot: None,
            published: PUBLISH_BASE,
            talk: None,
            auto: None,
            loop_talk: false,
            typed: String::new(),
            scene_list: false,
            go_to: None,
            held: 0.0,
        }
    }

    /// A player of a talk, at its first scene's start. `trained` says whether the talk's
    /// scenes were loaded trained; if not, the first is trained now and the others in the
    /// background, in order.
    pub fn for_talk(
        talk: crate::engine::scene::talk::LoadedTalk,
        present: bool,
        cue: Option<usize>,
        trained: bool,
    ) -> Result<Player, crate::engine::scene::SceneError> {
        let notes = talk.talk.scenes.iter().map(|s| s.notes().to_string());
        let mut scenes: Vec<TalkSlot> = talk
            .scenes
            .into_iter()
            .zip(notes)
            .map(|((source, loaded), notes)| TalkSlot {
                source,
                notes,
                title: loaded.scene.title.clone(),
                timeline: loaded.timeline.clone(),
                loaded: trained.then_some(loaded),
            })
            .collect();
        let arriving = if trained {
            None
        } else {
            let first = crate::engine::scene::load_path_or_name(&scenes[0].source, true)?;
            scenes[0].loaded = Some(first);
            let rest: Vec<_> = scenes.iter().map(|s| s.source.clone()).skip(1).collect();
            Some(std::sync::Mutex::new(train_in_background(rest)))
        };
        let first = scenes[0]
            .loaded
            .clone()
            .expect("the first scene is trained");
        let mut player = Player::new(scenes[0].source.clone(), first, present, cue);
        player.talk = Some(TalkStage {
            title: talk.talk.title,
            scenes,
            index: 0,
            arriving,
        });
        Ok(player)
    }

    /// Where the player stands: scene and cue.
    pub fn place(&self) -> Place {
        let cues = self.loaded.timeline.cues();
        let (scene, scenes) = self
            .talk
            .as_ref()
            .map_or((1, 1), |t| (t.index + 1, t.scenes.len()));
        Place {
            scene,
            scenes,
            cue: cues.iter().filter(|&&c| c <= self.time + 1e-4).count(),
            cues: cues.len(),
        }
    }

    /// The speaker's notes now: the scene's (from the talk), then the last cue's reached.
    pub fn notes_now(&self) -> String {
        let scene = self
            .talk
            .as_ref()
            .map_or("", |t| t.scenes[t.index].notes.as_str());
        let place = self.place();
        let cue = match place.cue {
            0 => "",
            c => self.loaded.timeline.cue_notes()[c - 1].as_str(),
        };
        crate::engine::scene::talk::joined_notes(scene, cue)
    }

    /// Where a click goes on to: the scene (its index in the talk, 0 for a lone scene) and
    /// the time it stops at there; `None` at the talk's end (unless it loops).
    pub fn next_stop(&self) -> Option<(usize, f32)> {
        let index = self.talk.as_ref().map_or(0, |t| t.index);
        if self.time < self.duration() - 1e-4 {
            let cue = first_after(&self.loaded.timeline.cues(), self.time);
            return Some((index, cue.unwrap_or(self.duration())));
        }
        let count = self.talk.as_ref().map_or(1, |t| t.scenes.len());
        let next = if index + 1 < count {
            index + 1
        } else if self.loop_talk {
            0
        } else {
            return None;
        };
        let timeline = match &self.talk {
            Some(t) => &t.scenes[next].timeline,
            None => &self.loaded.timeline,
        };
        Some((next, first_stop(timeline)))
    }

    /// Presenter, a scene's number (from 1) typed and Enter, or picked from the list (G):
    /// that scene from its start. True when the data changed.
    pub fn go_to_scene(&mut self, number: usize) -> bool {
        let count = self.talk.as_ref().map_or(1, |t| t.scenes.len());
        if number == 0 || number > count {
            return false;
        }
        if self.talk.is_none() {
            self.time = 0.0;
            self.playing = true;
            return false;
        }
        self.open_scene(number - 1, false)
    }

    /// Presenter, forward (Right, Space, PageDown): on to the next cue; at the end of a
    /// talk's scene, the next scene from its start. True when the data changed (a scene of
    /// other data opened).
    pub fn forward(&mut self) -> bool {
        self.held = 0.0;
        let next = self.talk.as_ref().map_or(0, |t| t.index + 1);
        let count = self.talk.as_ref().map_or(1, |t| t.scenes.len());
        let at_end = self.time >= self.duration();
        if at_end && next < count {
            return self.open_scene(next, false);
        }
        if at_end && self.loop_talk {
            return self.go_to_scene(1);
        }
        self.next_cue();
        false
    }

    /// Presenter, back (Left, PageUp): to the cue before; at a talk's scene's start, the
    /// previous scene at its last cue. True when the data changed.
    pub fn back(&mut self) -> bool {
        let at_start =
            last_before(&self.loaded.timeline.cues(), self.time).is_none() && self.time <= 1e-4;
        match &self.talk {
            Some(t) if at_start && t.index > 0 => self.open_scene(t.index - 1, true),
            _ => {
                self.previous_cue();
                false
            }
        }
    }

    /// Presenter, Home: the talk's first scene (or the scene) from its start. True when the
    /// data changed.
    pub fn restart(&mut self) -> bool {
        if self.talk.as_ref().is_some_and(|t| t.index > 0) {
            return self.open_scene(0, false);
        }
        self.time = 0.0;
        self.playing = false;
        false
    }

    /// Shows the talk's scene `index`: from its start, playing to its first cue as a scene
    /// opened in presenter mode does, or (`at_last_cue`) paused at its last cue; true when
    /// its data differs from the scene before (the explorer must follow).
    fn open_scene(&mut self, index: usize, at_last_cue: bool) -> bool {
        let Some(talk) = self.talk.as_mut() else {
            return false;
        };
        let Some(loaded) = talk.wait_for(index) else {
            self.error = Some(format!(
                "scene {} ({}) could not be trained",
                index + 1,
                talk.scenes[index].source.display()
            ));
            return false;
        };
        talk.index = index;
        let path = talk.scenes[index].source.clone();
        self.held = 0.0;
        self.modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        self.path = path;
        let data_changed = self.take_scene(loaded);
        self.time = if at_last_cue {
            self.loaded.timeline.cues().last().copied().unwrap_or(0.0)
        } else {
            0.0
        };
        self.playing = !at_last_cue;
        data_changed
    }

    /// Shows `loaded` in place of the scene shown (a save reloaded, a talk's next scene),
    /// its network published again; true when its data differs (the explorer must follow).
    fn take_scene(&mut self, loaded: Loaded) -> bool {
        let data_changed = loaded.data != self.loaded.data;
        self.loaded = loaded;
        self.error = None;
        self.shown_snapshot = None;
        data_changed
    }

    /// The scene's length.
    pub fn duration(&self) -> f32 {
        self.loaded.timeline.duration()
    }

    /// Play, or pause; from the start when at the end.
    pub fn toggle_play(&mut self) {
        if !self.playing && self.time >= self.duration() {
            self.time = 0.0;
        }
        self.playing = !self.playing;
    }

    /// Jumps to the next step's start.
    pub fn next_step(&mut self) {
        let next = first_after(self.loaded.timeline.step_starts(), self.time);
        self.time = next.unwrap_or(self.duration());
        self.playing = false;
    }

    /// Jumps to the previous step's start.
    pub fn previous_step(&mut self) {
        self.time = last_before(self.loaded.timeline.step_starts(), self.time).unwrap_or(0.0);
        self.playing = false;
    }

    /// Presenter: plays on to the next cue.
    pub fn next_cue(&mut self) {
        if self.time >= self.duration() {
            return;
        }
        self.playing = true;
    }

    /// Presenter: back to the cue before the current one (or the start).
    pub fn previous_cue(&mut self) {
        self.time = last_before(&self.loaded.timeline.cues(), self.time).unwrap_or(0.0);
        self.playing = false;
    }

    /// The snapshot shown at a (fractional) training epoch, or the trained network (the last
    /// snapshot) when the scene replays no training: its index and the network.
    pub fn network_at(&self, epoch: Option<f32>) -> (usize, &crate::engine::nn::Network) {
        let snapshots = &self.loaded.snapshots;
        let index = match epoch {
            Some(e) => snapshot_index(snapshots, e),
            None => snapshots.len() - 1,
        };
        (index, &snapshots[index].1)
    }
}

impl TalkStage {
    /// Takes the scenes the background has trained so far.
    fn take_arrived(&mut self) {
        let Some(arriving) = &self.arriving else {
            return;
        };
        let got: Vec<Arrived> = arriving.lock().map_or(vec![], |r| r.try_iter().collect());
        for arrived in got {
            self.store(arrived);
        }
    }

    fn store(&mut self, (index, result): Arrived) {
        match result {
            Ok(loaded) => self.scenes[index].loaded = Some(loaded),
            Err(e) => warn!("{e}"),
        }
    }

    /// Scene `index`, trained: waits for the background if it has not come yet. `None` if
    /// its training failed.
    fn wait_for(&mut self, index: usize) -> Option<Loaded> {
        self.take_arrived();
        while self.scenes[index].loaded.is_none() {
            let next = self.arriving.as_ref()?.lock().ok()?.recv().ok()?;
            let failed = next.0 == index && next.1.is_err();
            self.store(next);
            if failed {
                return None;
            }
        }
        self.scenes[index].loaded.clone()
    }
}

/// Trains `sources` one after another on a thread of their own, sending each (numbered
/// from 1: the first scene is trained already) as it is ready.
fn train_in_background(sources: Vec<PathBuf>) -> Receiver<Arrived> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (i, source) in sources.iter().enumerate() {
            let result =
                crate::engine::scene::load_path_or_name(source, true).map_err(|e| e.to_string());
            if send.send((i + 1, result)).is_err() {
                return;
            }
        }
    });
    receive
}

/// Where a scene opened in presenter mode stops first: its first cue, or its end.
pub fn first_stop(timeline: &crate::engine::scene::Timeline) -> f32 {
    timeline
        .cues()
        .first()
        .copied()
        .unwrap_or(timeline.duration())
}

/// Where presenter mode stops in a scene: each cue, and the end.
pub fn stops(timeline: &crate::engine::scene::Timeline) -> Vec<f32> {
    let mut stops = timeline.cues();
    let end = timeline.duration();
    if stops.last().is_none_or(|&c| c < end - 1e-4) {
        stops.push(end);
    }
    stops
}

/// The first time after `t` (times in order), past a hair so that `t` itself does not count.
fn first_after(times: &[f32], t: f32) -> Option<f32> {
    times.iter().copied().find(|&s| s > t + 1e-4)
}

/// The last time before `t` (times in order).
fn last_before(times: &[f32], t: f32) -> Option<f32> {
    times.iter().rev().copied().find(|&s| s < t - 1e-4)
}

fn reload_scene_on_save(
    time: Res<Time>,
    mut player: ResMut<Player>,
    mut explorer: ResMut<Explorer>,
) {
    let now = time.elapsed_secs_f64();
    if now - player.checked_at < 0.4 {
        return;
    }
    player.checked_at = now;
    let modified = std::fs::metadata(&player.path)
        .and_then(|m| m.modified())
        .ok();
    if modified == player.modified {
        return;
    }
    player.modified = modified;
    match crate::engine::scene::load(&player.path, true) {
        Ok(loaded) => {
            let data_changed = player.take_scene(loaded);
            player.time = player.time.min(player.duration());
            if data_changed {
                explorer.replace_with(explorer_for(&player.loaded));
            }
            info!("reloaded {}", player.path.display());
        }
        Err(e) => {
            warn!("{e}");
            player.error = Some(e.to_string());
        }
    }
}

/// The explorer's set-up for a scene: all its points, its network.
pub fn explorer_for(loaded: &Loaded) -> Explorer {
    Explorer::from_resolved(&resolved_for(loaded), 0)
}

/// A scene as the command line's set-up: all points for training, none held out.
pub fn resolved_for(loaded: &Loaded) -> crate::engine::setup::Resolved {
    let spec = crate::engine::nn::DatasetSpec::parse(&loaded.scene.dataset)
        .ok()
        .map(|s| s.0);
    crate::engine::setup::Resolved {
        data_label: loaded.scene.dataset.clone(),
        spec,
        train: loaded.data.clone(),
        // No point held out; the class names kept.
        test: loaded.data.select(&[]),
        network: loaded.network.clone(),
        // As the scene trains it, so exploring it live goes on the same way.
        config: match &loaded.scene.network {
            crate::engine::scene::NetworkSource::Train(t) => t.config(),
            _ => crate::engine::nn::TrainConfig::default(),
        },
        epochs: 0,
    }
}

fn take_preloaded_scenes(mut player: ResMut<Player>) {
    if let Some(talk) = player.talk.as_mut() {
        talk.take_arrived();
    }
}

/// `--auto`: after holding at a stop for its seconds, presenter mode goes on by itself.
fn advance_unattended(time: Res<Time>, mut player: ResMut<Player>, mut explorer: ResMut<Explorer>) {
    let Some(secs) = player.auto else {
        return;
    };
    if !player.present || player.exploring || player.playing {
        player.held = 0.0;
        return;
    }
    player.held += time.delta_secs();
    if player.held >= secs && player.forward() {
        explorer.replace_with(explorer_for(&player.loaded));
    }
}

fn advance_scene_time(time: Res<Time>, mut player: ResMut<Player>) {
    if !player.playing || player.exploring {
        return;
    }
    let before = player.time;
    let mut after = before + time.delta_secs() * player.speed;
    if player.present
        && let Some(cue) =
            first_after(&player.loaded.timeline.cues(), before).filter(|&c| c <= after)
    {
        after = cue;
        player.playing = false;
    }
    let end = player.duration();
    if after >= end {
        if player.looping && !player.present {
            after = 0.0;
        } else {
            after = end;
            player.playing = false;
        }
    }
    player.time = after;
}

/// The index of the snapshot shown at a (fractional) epoch: the last at or before it.
fn snapshot_index(snapshots: &[(usize, crate::engine::nn::Network)], epoch: f32) -> usize {
    snapshots
        .iter()
        .rposition(|(e, _)| *e as f32 <= epoch + 1e-3)
        .unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
fn apply_scene_frame(
    mut player: ResMut<Player>,
    mode: Res<State<Showing>>,
    mut next_view: ResMut<NextState<Showing>>,
    mut layers: ResMut<LayerView>,
    mut orbit: ResMut<Orbit>,
    mut landscape: ResMut<LandscapeView>,
    mut published: ResMut<Published>,
    explorer: Res<Explorer>,
    mut plane: ResMut<super::camera::View2d>,
    insets: Res<super::camera::PanelInsets>,
    window: Query<&Window, With<PrimaryWindow>>,
) {
    if player.exploring {
        return;
    }
    let frame = player.loaded.timeline.sample(player.time);
    let view = frame.view;
    if mode.get().0 != view {
        next_view.set(Showing(view));
    }
    frame_layers(&frame, &mut layers, player.loaded.timeline.reach());
    if frame.view == View::Regions
        && let Ok(window) = window.single()
    {
        let fitted = super::camera::fit(explorer.bounds, window.size(), *insets);
        let wanted = super::camera::View2d {
            center: fitted.center + Vec2::new(frame.pan[0], frame.pan[1]),
            units_per_px: fitted.units_per_px * frame.zoom.max(1e-3),
        };
        if (plane.center, plane.units_per_px) != (wanted.center, wanted.units_per_px) {
            *plane = wanted;
        }
    }
    frame_orbit(&frame, &mut orbit);
    frame_landscape(&frame, &mut landscape);
    publish_replayed_network(&mut player, &frame, &explorer, &mut published);
    player.frame = Some(frame);
}

/// The layers view at the frame: its position, grid, zoom and pan, following the points;
/// drawn in 3D only if the scene goes as far as a layer that needs it (`reach`).
fn frame_layers(frame: &Frame, layers: &mut LayerView, reach: f32) {
    let lines = if frame.grid { 24 } else { 0 };
    let pan2 = Vec2::new(frame.pan[0], frame.pan[1]);
    if layers.reach != Some(reach) {
        layers.reach = Some(reach);
    }
    if layers.split != frame.split {
        layers.split = frame.split;
    }
    if layers.position != frame.position
        || layers.playing
        || layers.grid_lines != lines
        || layers.zoom != frame.zoom
        || layers.pan != pan2
        || !layers.auto_frame
    {
        layers.position = frame.position;
        layers.playing = false;
        layers.grid_lines = lines;
        layers.zoom = frame.zoom;
        layers.pan = pan2;
        layers.auto_frame = true;
    }
}

/// The orbit camera at the frame's angles (degrees in the scene), zoom and pan.
fn frame_orbit(frame: &Frame, orbit: &mut Orbit) {
    let default = Orbit::default();
    let wanted = Orbit {
        yaw: frame.yaw.to_radians(),
        pitch: frame.pitch.to_radians(),
        zoom: default.zoom * frame.zoom,
        pan: Vec3::from(frame.pan),
        turn: orbit.turn,
    };
    if (orbit.yaw, orbit.pitch, orbit.zoom, orbit.pan)
        != (wanted.yaw, wanted.pitch, wanted.zoom, wanted.pan)
    {
        *orbit = wanted;
    }
}

/// The landscape's surface, morph and zoom at the frame.
fn frame_landscape(frame: &Frame, landscape: &mut LandscapeView) {
    let target = frame.surface.map(|s| match s {
        SurfaceKind::Outputs(m) => Target::Outputs(m),
        SurfaceKind::Neuron(l, n) => Target::Neuron(l.saturating_sub(1), n.saturating_sub(1)),
    });
    if let Some(t) = target
        && landscape.target != t
    {
        landscape.target = t;
    }
    if landscape.morph != frame.morph || landscape.zoom_out != frame.zoom_out {
        landscape.morph = frame.morph;
        landscape.zoom_out = frame.zoom_out;
    }
}

/// Publishes the network of the replayed epoch (the trained one without Train steps), with
/// its decision regions, when the shown snapshot changes.
fn publish_replayed_network(
    player: &mut Player,
    frame: &Frame,
    explorer: &Explorer,
    published: &mut Published,
) {
    let (index, network) = player.network_at(frame.epoch);
    if player.shown_snapshot == Some(index) && published.0.is_some() {
        return;
    }
    let network = network.clone();
    player.shown_snapshot = Some(index);
    player.published += 1;
    let spec = explorer.heatmap_spec().filter(|_| network.input_dim() == 2);
    published.0 = Some(Latest {
        version: player.published,
        heatmap: spec
            .map(|s| crate::engine::live::heatmap_pixels(&network, &s))
            .unwrap_or_default(),
        heatmap_spec: spec,
        thumbnails: vec![],
        epoch: player.loaded.snapshots[index].0,
        history: vec![],
        running: false,
        error: None,
        seconds_per_epoch: 0.0,
        network,
    });
}

/// The scene's view for this frame's time, switched to now rather than at the next frame's
/// state transition: a rendered frame shows the view its time asks for.
fn show_view_now(world: &mut World) {
    if matches!(
        world.resource::<NextState<Showing>>(),
        NextState::Pending(_)
    ) {
        world.run_schedule(StateTransition);
    }
}

fn player_keys(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mut player: ResMut<Player>,
) {
    if player.present || typing.blocked() {
        return;
    }
    if keys.just_pressed(KeyCode::Space) {
        player.toggle_play();
    }
    if keys.just_pressed(KeyCode::ArrowRight) {
        player.next_step();
    }
    if keys.just_pressed(KeyCode::ArrowLeft) {
        player.previous_step();
    }
    if keys.just_pressed(KeyCode::Home) {
        player.time = 0.0;
    }
    if keys.just_pressed(KeyCode::End) {
        player.time = player.duration();
        player.playing = false;
    }
    if keys.just_pressed(KeyCode::KeyP) {
        player.present = true;
        player.playing = false;
    }
}

fn presenter_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut player: ResMut<Player>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    mut next_view: ResMut<NextState<Showing>>,
    mut published: ResMut<Published>,
) {
    if !player.present {
        return;
    }
    if keys.just_pressed(KeyCode::Escape) && (player.scene_list || !player.typed.is_empty()) {
        player.scene_list = false;
        player.typed.clear();
        return;
    }
    if keys.just_pressed(KeyCode::Escape) {
        if player.exploring {
            // Back to the scene, at the same time.
            player.exploring = false;
            player.shown_snapshot = None;
            link.0.send(Command::Pause);
        } else {
            player.exploring = true;
            player.playing = false;
            let epoch = player.frame.as_ref().and_then(|f| f.epoch);
            let (index, network) = player.network_at(epoch);
            let (reached, network) = (player.loaded.snapshots[index].0, network.clone());
            explorer.replace_with(explorer_for(&player.loaded));
            explorer.restart_at(&link, network, reached);
            // Take the worker's publications again (the player's outnumber them).
            published.0 = None;
            next_view.set(Showing(View::Regions));
        }
        return;
    }
    if player.exploring {
        return;
    }
    let mut data_changed = go_to_typed_scene(&keys, &mut player) | go_to_picked_scene(&mut player);
    if keys.any_just_pressed([KeyCode::ArrowRight, KeyCode::Space, KeyCode::PageDown]) {
        data_changed |= player.forward();
    }
    if keys.any_just_pressed([KeyCode::ArrowLeft, KeyCode::PageUp]) {
        data_changed |= player.back();
    }
    if keys.just_pressed(KeyCode::Home) {
        data_changed |= player.restart();
    }
    if data_changed {
        explorer.replace_with(explorer_for(&player.loaded));
    }
    if keys.just_pressed(KeyCode::KeyB) {
        player.blank = !player.blank;
    }
    if keys.just_pressed(KeyCode::KeyF) {
        window.mode = match window.mode {
            WindowMode::Windowed => WindowMode::BorderlessFullscreen(MonitorSelection::Current),
            _ => WindowMode::Windowed,
        };
    }
    if keys.just_pressed(KeyCode::KeyP) {
        player.present = false;
    }
}

/// The digit keys, top row and keypad, and the digit each types.
const DIGITS: [(KeyCode, KeyCode, char); 10] = [
    (KeyCode::Digit0, KeyCode::Numpad0, '0'),
    (KeyCode::Digit1, KeyCode::Numpad1, '1'),
    (KeyCode::Digit2, KeyCode::Numpad2, '2'),
    (KeyCode::Digit3, KeyCode::Numpad3, '3'),
    (KeyCode::Digit4, KeyCode::Numpad4, '4'),
    (KeyCode::Digit5, KeyCode::Numpad5, '5'),
    (KeyCode::Digit6, KeyCode::Numpad6, '6'),
    (KeyCode::Digit7, KeyCode::Numpad7, '7'),
    (KeyCode::Digit8, KeyCode::Numpad8, '8'),
    (KeyCode::Digit9, KeyCode::Numpad9, '9'),
];

/// Presenter: G shows the talk's scenes; a number and Enter opens that scene. True when
/// the data changed.
fn go_to_typed_scene(keys: &ButtonInput<KeyCode>, player: &mut Player) -> bool {
    if keys.just_pressed(KeyCode::KeyG) && player.talk.is_some() {
        player.scene_list = !player.scene_list;
    }
    for (top, pad, digit) in DIGITS {
        if keys.any_just_pressed([top, pad]) && player.typed.len() < 3 {
            player.typed.push(digit);
        }
    }
    if !keys.any_just_pressed([KeyCode::Enter, KeyCode::NumpadEnter]) || player.typed.is_empty() {
        return false;
    }
    let number = player.typed.parse().unwrap_or(0);
    player.typed.clear();
    player.scene_list = false;
    player.go_to_scene(number)
}

/// A scene picked in the list (G) by a click.
fn go_to_picked_scene(player: &mut Player) -> bool {
    match player.go_to.take() {
        Some(number) => {
            player.scene_list = false;
            player.typed.clear();
            player.go_to_scene(number)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::landscape::LandscapeView;
    use bevy::time::TimeUpdateStrategy;
    use std::time::Duration;

    /// The player's systems in a headless app with manual time: 0.1 s a frame.
    fn app(path: &std::path::Path) -> App {
        let loaded = crate::engine::scene::load(path, true).unwrap();
        let explorer = explorer_for(&loaded);
        let link = Link(crate::engine::live::LiveTraining::start(
            loaded.network.clone(),
            Default::default(),
            explorer.train.clone(),
            explorer.test.clone(),
            false,
        ));
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin))
            .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
                100,
            )))
            .insert_resource(ButtonInput::<KeyCode>::default())
            .insert_resource(Player::new(path.to_path_buf(), loaded, false, None))
            .insert_resource(explorer)
            .insert_resource(link)
            .init_resource::<Published>()
            .insert_state(Showing(View::Layers))
            .init_resource::<LayerView>()
            .init_resource::<Orbit>()
            .init_resource::<LandscapeView>()
            .init_resource::<crate::app::camera::View2d>()
            .init_resource::<crate::app::camera::PanelInsets>()
            .add_systems(
                Update,
                (advance_scene_time, apply_scene_frame, show_view_now).chain(),
            );
        app
    }

    /// What the views were told at this frame.
    fn shown(app: &App) -> (f32, f32, f32, View, u64) {
        let w = app.world();
        let layers = w.resource::<LayerView>();
        let orbit = w.resource::<Orbit>();
        let published = w.resource::<Published>();
        let epoch = published.0.as_ref().map_or(0, |l| l.epoch as u64);
        (
            layers.position,
            orbit.yaw,
            orbit.pitch,
            w.resource::<State<Showing>>().get().0,
            epoch,
        )
    }

    /// A talk in presenter mode: forward at a scene's end opens the next from its start,
    /// back at a scene's start opens the one before at its last cue, Home the first.
    #[test]
    fn a_talk_walks_forward_and_back_across_its_scenes() {
        let dir = std::env::temp_dir().join(format!("spacefold-talk-play-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("talk.ron");
        std::fs::write(
            &path,
            "Talk(title: \"t\", scenes: [\"neuron-plane\", \"layer-anatomy\"])",
        )
        .unwrap();
        let talk = crate::engine::scene::talk::load_talk(&path, false).unwrap();
        let mut p = Player::for_talk(talk, true, None, false).unwrap();
        let first = p.loaded.scene.title.clone();
        // Not at the end: forward plays on, in the same scene.
        assert!(!p.forward());
        assert!(p.playing);
        assert_eq!(p.talk.as_ref().unwrap().index, 0);
        p.time = p.duration();
        p.playing = false;
        let changed = p.forward();
        assert_eq!(p.talk.as_ref().unwrap().index, 1);
        assert_eq!(
            (p.time, p.playing),
            (0.0, true),
            "from its start, to its first cue"
        );
        assert!(changed, "other data: the explorer must follow");
        assert_ne!(p.loaded.scene.title, first);
        // Back at the start: the first scene at its last cue.
        p.playing = false;
        p.back();
        assert_eq!(p.talk.as_ref().unwrap().index, 0);
        assert_eq!(p.loaded.scene.title, first);
        assert_eq!(Some(p.time), p.loaded.timeline.cues().last().copied());
        // Back again, past its first cue: within the scene.
        p.back();
        assert_eq!((p.talk.as_ref().unwrap().index, p.time), (0, 0.0));
        // Home from the second scene: the first, from its start.
        p.time = p.duration();
        p.forward();
        p.time = 3.0;
        p.restart();
        assert_eq!((p.talk.as_ref().unwrap().index, p.time), (0, 0.0));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_talk_knows_its_place_notes_and_next_stop_and_jumps_and_loops() {
        let dir = std::env::temp_dir().join(format!("spacefold-talk-notes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scene = "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
                     timeline: [Wait(1.0), Cue(notes: \"First.\"), Wait(1.0), Cue, Wait(1.0)])";
        std::fs::write(dir.join("a.ron"), scene).unwrap();
        let path = dir.join("talk.ron");
        std::fs::write(
            &path,
            "Talk(title: \"t\", scenes: [(scene: \"a.ron\", notes: \"Open.\"), \"neuron-plane\"])",
        )
        .unwrap();
        let talk = crate::engine::scene::talk::load_talk(&path, false).unwrap();
        let mut p = Player::for_talk(talk, true, None, false).unwrap();
        let place = |p: &Player| {
            let q = p.place();
            (q.scene, q.scenes, q.cue, q.cues)
        };
        assert_eq!(place(&p), (1, 2, 0, 2));
        assert_eq!(p.notes_now(), "Open.");
        assert_eq!(p.next_stop(), Some((0, 1.0)));
        p.time = 1.0;
        assert_eq!(place(&p), (1, 2, 1, 2));
        assert_eq!(p.notes_now(), "Open.\n\nFirst.");
        assert_eq!(p.next_stop(), Some((0, 2.0)));
        p.time = 2.0;
        assert_eq!(p.notes_now(), "Open.", "the second cue has no notes");
        assert_eq!(p.next_stop(), Some((0, 3.0)), "the end is a stop");
        p.time = 3.0;
        let second = first_stop(&p.talk.as_ref().unwrap().scenes[1].timeline);
        assert_eq!(p.next_stop(), Some((1, second)));
        // A number and Enter: that scene; out of range: nothing.
        assert!(!p.go_to_scene(3));
        assert!(p.go_to_scene(2));
        assert_eq!(place(&p).0, 2);
        p.time = p.duration();
        assert_eq!(p.next_stop(), None, "the talk's end");
        assert!(!p.forward() && place(&p).0 == 2, "without --loop it stays");
        p.loop_talk = true;
        assert_eq!(p.next_stop(), Some((0, 1.0)));
        assert!(p.forward());
        assert_eq!((place(&p).0, p.time, p.playing), (1, 0.0, true));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Exploring a scene live (Esc in presenter mode) goes on as the scene trains: its
    /// optimizer and settings, from the epoch shown.
    #[test]
    fn auto_holds_at_each_cue_for_its_seconds_then_goes_on() {
        let dir = std::env::temp_dir().join(format!("spacefold-auto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.ron");
        std::fs::write(
            &path,
            "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
             timeline: [Cue, Wait(1.0), Cue, Wait(1.0)])",
        )
        .unwrap();
        let mut app = app(&path);
        app.add_systems(Update, advance_unattended.before(advance_scene_time));
        {
            let mut p = app.world_mut().resource_mut::<Player>();
            (p.present, p.playing, p.auto) = (true, false, Some(0.5));
        }
        let times: Vec<f32> = (0..30)
            .map(|_| {
                app.update();
                app.world().resource::<Player>().time
            })
            .collect();
        // Frames of 0.1 s: held at the first cue (0 s) about half a second, then on to the
        // second (1 s), held there, then on to the end (2 s).
        let held_at = |t: f32| times.iter().filter(|&&x| (x - t).abs() < 1e-4).count();
        assert!((4..=7).contains(&held_at(0.0)), "{times:?}");
        assert!((4..=7).contains(&held_at(1.0)), "{times:?}");
        assert_eq!(times.last().copied(), Some(2.0), "{times:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn exploring_a_scene_goes_on_with_its_own_training() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/boundary-3class.ron");
        let loaded = crate::engine::scene::load(&path, true).unwrap();
        let explorer = explorer_for(&loaded);
        assert_eq!(explorer.config.optimizer.name(), "lbfgs");
        let crate::engine::scene::NetworkSource::Train(spec) = &loaded.scene.network else {
            panic!("the scene trains its network");
        };
        assert_eq!(explorer.config, spec.config());
        assert_ne!(explorer.config, crate::engine::nn::TrainConfig::default());
    }

    #[test]
    fn playing_scrubbing_back_and_reloading_show_the_same_frames() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/relu-fold-3d.ron");
        let mut app = app(&path);
        let mut forward = vec![];
        // Play forward, frame by frame, with manual time.
        for _ in 0..80 {
            app.update();
            let t = app.world().resource::<Player>().time;
            forward.push((t, shown(&app)));
        }
        assert!(forward.last().unwrap().0 > 5.0, "time advanced");
        assert_ne!(forward[5].1, forward[75].1, "the scene moved");
        // Scrub backward: set each earlier time, paused; the same frames.
        for (t, expected) in forward.iter().rev().step_by(3) {
            {
                let mut p = app.world_mut().resource_mut::<Player>();
                p.time = *t;
                p.playing = false;
            }
            app.update();
            assert_eq!(&shown(&app), expected, "t = {t}");
        }
        // Reload the scene (as a save does): the same frames again.
        let reloaded = crate::engine::scene::load(&path, true).unwrap();
        app.world_mut().resource_mut::<Player>().loaded = reloaded;
        for (t, expected) in forward.iter().step_by(5) {
            app.world_mut().resource_mut::<Player>().time = *t;
            app.update();
            assert_eq!(&shown(&app), expected, "after reload, t = {t}");
        }
    }
}
