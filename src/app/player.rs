//! The scene player: `spacefold play FILE`. It keeps a time, samples the scene's timeline at
//! it every frame and writes the frame into the views' settings (view, position, camera,
//! surfaces, the network of the replayed epoch). Saving the file reloads it, keeping the
//! time; a broken save shows its error and the last good scene plays on.
//!
//! In presenter mode the time is the [`Walk`]'s: the talk walked stop by stop, on the wall
//! clock (a slow machine drops frames, never time). Its keys are the presenter's
//! ([`super::presenter`]); `render` sets the time itself.

use super::explorer::{Explorer, Link, Live};
use super::layers::LayerView;
use super::orbit::Orbit;
use super::surfaces::{LandscapeView, Target};
use super::talk::{Readiness, TalkStage};
use super::{Showing, View, ViewSet};
use crate::engine::live::Latest;
use crate::engine::scene::walk::{Stop, Walk};
use crate::engine::scene::{Frame, Loaded, SurfaceKind, TIME_EPSILON};
use bevy::prelude::*;
use bevy::state::state::StateTransition;
use bevy::window::PrimaryWindow;
use std::path::PathBuf;
use std::time::SystemTime;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Replayed>()
        .add_message::<SceneShown>()
        .configure_sets(
            Update,
            (PlayerSet::Input, PlayerSet::Play)
                .chain()
                .before(ViewSet::Animate)
                .run_if(resource_exists::<Player>),
        )
        .add_systems(
            Update,
            (
                reload_scene_on_save.run_if(not(resource_exists::<super::ExactFrames>)),
                take_preloaded_scenes,
                player_keys,
            )
                .in_set(PlayerSet::Input),
        )
        .add_systems(
            Update,
            (
                advance_scene_time,
                start_views_over,
                apply_scene_frame,
                show_view_now,
            )
                .chain()
                .in_set(PlayerSet::Play),
        );
}

/// The player's work in a frame: inputs (keys, reloads) first, then the time and the frame.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlayerSet {
    /// Keys, clicks and reloads that move the player.
    Input,
    /// Time advances; the frame is applied to the views.
    Play,
}

/// Sent when the player shows another scene (a talk's next, a jump, a reload of other data,
/// back from exploring): every view starts over as a fresh window would open on it, so
/// nothing of what was shown before (camera, orbit, view, zoom, grid, flow) leaks in.
#[derive(Message, Debug, Clone, Copy)]
pub struct SceneShown;

/// The network of the replayed epoch, as the player publishes it (the worker's are
/// [`Live`]'s).
#[derive(Resource, Default)]
pub struct Replayed(pub Option<Latest>);

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
    /// Playback speed (not in presenter mode: it keeps the wall clock).
    pub speed: f32,
    /// Start again at the end.
    pub looping: bool,
    /// Presenter mode: full screen, no timeline, stop by stop.
    pub present: bool,
    /// The talk (or the lone scene) walked stop by stop: presenter mode's time.
    pub walk: Walk,
    /// Time is set from outside every frame (`render`): it neither advances nor walks.
    pub driven: bool,
    /// The screen is blanked (B).
    pub blank: bool,
    /// Exploring live (Esc in presenter mode): the views on the scene's network, training.
    pub exploring: bool,
    /// Why the last save could not be loaded, or a scene could not be opened.
    pub error: Option<String>,
    /// The frame last applied.
    pub frame: Option<Frame>,
    /// Lay out every title and caption of the scene, unseen, so that their glyphs are in
    /// the font atlas before the frame that first shows them (offline render).
    pub warm_text: bool,
    /// The talk this scene belongs to, if one is playing.
    pub talk: Option<TalkStage>,
    modified: Option<SystemTime>,
    checked_at: f64,
    shown_snapshot: Option<usize>,
    /// Publications of the replayed network so far (its versions).
    published: u64,
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

/// What a presenter's move did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    /// Within the scene shown.
    Within,
    /// Another scene is shown: the views start over.
    Scene,
    /// The scene it goes to is still being trained: nothing moved; the move waits.
    Waiting(usize),
    /// The scene it goes to could not be trained: nothing moved (the error says why).
    Refused,
}

/// A presenter's move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// Right, Space, PageDown, a clicker.
    Forward,
    /// Left, PageUp.
    Back,
    /// Home.
    Home,
    /// End.
    End,
    /// A scene's number (from 0).
    Jump(usize),
}

impl Player {
    /// A player at time 0 (or resting at cue `cue`, counting from 1). In presenter mode the
    /// scene plays to its first stop; otherwise it plays on (unless a cue was asked for).
    pub fn new(path: PathBuf, loaded: Loaded, present: bool, cue: Option<usize>) -> Player {
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let walk = Walk::of(&[&loaded.timeline]);
        let mut player = Player {
            path,
            loaded,
            time: 0.0,
            playing: false,
            speed: 1.0,
            looping: false,
            present,
            walk,
            driven: false,
            blank: false,
            exploring: false,
            error: None,
            frame: None,
            warm_text: false,
            modified,
            checked_at: 0.0,
            shown_snapshot: None,
            published: 0,
            talk: None,
        };
        player.open_at(cue);
        player
    }

    /// Starts at cue `cue` (from 1), resting there; else from the start, playing.
    fn open_at(&mut self, cue: Option<usize>) {
        match cue {
            Some(c) => self.walk.rest_at(c.saturating_sub(1)),
            None => {
                self.walk.forward();
            }
        }
        self.time = self.walk.time();
        self.playing = self.walk.is_playing();
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
        let (stage, first) = TalkStage::new(talk, trained)?;
        let source = stage.scenes[0].source.clone();
        let mut player = Player::new(source, first, present, None);
        let timelines: Vec<_> = stage.scenes.iter().map(|s| &s.timeline).collect();
        player.walk = Walk::of(&timelines);
        player.talk = Some(stage);
        player.open_at(cue);
        Ok(player)
    }

    /// The talk's scene shown (0 for a lone scene).
    pub fn scene_index(&self) -> usize {
        self.walk.scene()
    }

    /// Scenes in the talk (1 for a lone scene).
    pub fn scene_count(&self) -> usize {
        self.walk.scenes()
    }

    /// Where the player stands: scene and cue.
    pub fn place(&self) -> Place {
        let cues = self.loaded.timeline.cues();
        Place {
            scene: self.scene_index() + 1,
            scenes: self.scene_count(),
            cue: cues
                .iter()
                .filter(|&&c| c <= self.time + TIME_EPSILON)
                .count(),
            cues: cues.len(),
        }
    }

    /// The speaker's notes now: the scene's (from the talk), then the last cue's reached.
    pub fn notes_now(&self) -> String {
        let scene = self
            .talk
            .as_ref()
            .map_or("", |t| t.scenes[self.scene_index()].notes.as_str());
        let cue = match self.place().cue {
            0 => "",
            c => self.loaded.timeline.cue_notes()[c - 1].as_str(),
        };
        crate::engine::scene::talk::joined_notes(scene, cue)
    }

    /// The stop the next forward shows; `None` at the talk's end (unless it loops).
    pub fn next_stop(&self) -> Option<Stop> {
        self.walk.next_stop()
    }

    /// Presenter: does `m` (see [`crate::engine::scene::walk`]). A move into a scene not
    /// trained yet moves nothing and says so; one that could not be trained, likewise.
    pub fn go(&mut self, m: Move) -> Moved {
        let mut walk = self.walk.clone();
        let changed = match m {
            Move::Forward => walk.forward(),
            Move::Back => walk.back(),
            Move::Home => walk.home(),
            Move::End => walk.end(),
            Move::Jump(scene) => walk.jump(scene),
        };
        if changed {
            match self.show_scene(walk.scene()) {
                Ok(()) => {}
                Err(moved) => return moved,
            }
        }
        self.walk = walk;
        self.time = self.walk.time();
        self.playing = self.walk.is_playing();
        if changed { Moved::Scene } else { Moved::Within }
    }

    /// Shows the talk's scene `index` in place of the one shown (time as it was: the caller
    /// sets it); `Err` when it is not trained yet, or could not be.
    pub fn show_scene(&mut self, index: usize) -> Result<(), Moved> {
        let Some(talk) = self.talk.as_mut() else {
            return Ok(());
        };
        match talk.readiness(index) {
            Readiness::Ready(loaded) => {
                let path = talk.scenes[index].source.clone();
                self.modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                self.path = path;
                self.take_scene(*loaded);
                Ok(())
            }
            Readiness::Training => Err(Moved::Waiting(index)),
            Readiness::Failed(why) => {
                self.error = Some(format!(
                    "scene {} ({}) could not be trained: {why}",
                    index + 1,
                    talk.scenes[index].source.display()
                ));
                Err(Moved::Refused)
            }
        }
    }

    /// Shows `loaded` in place of the scene shown (a save reloaded, a talk's next scene),
    /// its network published again.
    fn take_scene(&mut self, loaded: Loaded) {
        self.loaded = loaded;
        self.error = None;
        self.shown_snapshot = None;
    }

    /// Presenter mode on or off. On: the walk goes on from the time shown to the next stop
    /// (or rests where a stop is); off: paused where it was.
    pub fn set_present(&mut self, on: bool) {
        self.present = on;
        if on {
            self.walk.stand_at(self.time);
            self.time = self.walk.time();
            self.playing = self.walk.is_playing();
        } else {
            self.playing = false;
        }
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

/// The first time after `t` (times in order), past a hair so that `t` itself does not count.
fn first_after(times: &[f32], t: f32) -> Option<f32> {
    times.iter().copied().find(|&s| s > t + TIME_EPSILON)
}

/// The last time before `t` (times in order).
fn last_before(times: &[f32], t: f32) -> Option<f32> {
    times.iter().rev().copied().find(|&s| s < t - TIME_EPSILON)
}

fn reload_scene_on_save(
    time: Res<Time<Real>>,
    mut player: ResMut<Player>,
    mut shown: MessageWriter<SceneShown>,
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
            let data_changed = loaded.data != player.loaded.data;
            player.take_scene(loaded);
            player.time = player.time.min(player.duration());
            if player.talk.is_none() {
                let walk = Walk::of(&[&player.loaded.timeline]);
                player.walk = walk;
            }
            if data_changed {
                shown.write(SceneShown);
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

/// Presenter mode plays on the wall clock (frames may drop; time keeps); the windowed player
/// at its speed, stopping at the end or looping.
fn advance_scene_time(time: Res<Time>, real: Res<Time<Real>>, mut player: ResMut<Player>) {
    if player.driven || player.exploring {
        return;
    }
    if player.present {
        let seconds = real.delta_secs();
        player.walk.advance(seconds);
        player.time = player.walk.time();
        player.playing = player.walk.is_playing();
        return;
    }
    if !player.playing {
        return;
    }
    let mut after = player.time + time.delta_secs() * player.speed;
    let end = player.duration();
    if after >= end {
        if player.looping {
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

/// Another scene shown: the explorer takes its data and network, and every view starts
/// over as a window opening on the scene starts ([`super::setups::Views::start_over`]).
fn start_views_over(
    mut shown: MessageReader<SceneShown>,
    mut player: ResMut<Player>,
    mut explorer: ResMut<Explorer>,
    mut views: super::setups::Views,
) {
    if shown.read().count() == 0 {
        return;
    }
    explorer.replace_with(explorer_for(&player.loaded));
    views.start_over(&super::setups::scene_start(), super::setups::Keep::Nothing);
    player.shown_snapshot = None;
}

#[allow(
    clippy::too_many_arguments,
    reason = "one system writes the frame into every view"
)]
fn apply_scene_frame(
    mut player: ResMut<Player>,
    mode: Res<State<Showing>>,
    mut next_view: ResMut<NextState<Showing>>,
    mut layers: ResMut<LayerView>,
    mut orbit: ResMut<Orbit>,
    mut landscape: ResMut<LandscapeView>,
    mut replayed: ResMut<Replayed>,
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
    publish_replayed_network(&mut player, &frame, &explorer, &mut replayed);
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
    if layers.matrix != frame.matrix {
        layers.matrix = frame.matrix;
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
    replayed: &mut Replayed,
) {
    let (index, network) = player.network_at(frame.epoch);
    if player.shown_snapshot == Some(index) && replayed.0.is_some() {
        return;
    }
    let network = network.clone();
    player.shown_snapshot = Some(index);
    player.published += 1;
    let spec = explorer.heatmap_spec().filter(|_| network.input_dim() == 2);
    replayed.0 = Some(Latest {
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

/// The windowed player's keys (presenter mode has its own: [`super::presenter`]).
fn player_keys(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mut player: ResMut<Player>,
) {
    if player.present || player.driven || typing.blocked() {
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
        player.set_present(true);
    }
}

/// Exploring a scene live (Esc in presenter mode) starts the worker on the network shown,
/// from its epoch, with the scene's settings; the views stay as they are.
pub fn start_exploring(player: &mut Player, explorer: &mut Explorer, link: &Link) {
    player.exploring = true;
    let epoch = player.frame.as_ref().and_then(|f| f.epoch);
    let (index, network) = player.network_at(epoch);
    let (reached, network) = (player.loaded.snapshots[index].0, network.clone());
    explorer.replace_with(explorer_for(&player.loaded));
    explorer.restart_at(link, network, reached);
}

/// Whether the views show the player's network (a scene playing) or the worker's.
pub fn shows_scene(player: Option<&Player>) -> bool {
    player.is_some_and(|p| !p.exploring)
}

/// Keeps [`super::explorer::Published`] on the network the views show: the player's
/// replayed one while a scene plays, the worker's otherwise.
pub fn show_chosen_network(
    player: Option<Res<Player>>,
    live: Res<Live>,
    replayed: Res<Replayed>,
    mut published: ResMut<super::explorer::Published>,
) {
    let from_scene = shows_scene(player.as_deref());
    let chosen = if from_scene { &replayed.0 } else { &live.0 };
    published.show(from_scene, chosen.as_ref());
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::app::surfaces::LandscapeView;
    use bevy::time::TimeUpdateStrategy;
    use std::time::Duration;

    /// The player's systems in a headless app with manual time: 0.1 s a frame.
    pub(crate) fn app_with(player: Player) -> App {
        let explorer = explorer_for(&player.loaded);
        let link = Link(crate::engine::live::LiveTraining::start(
            player.loaded.network.clone(),
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
            .insert_resource(player)
            .insert_resource(explorer)
            .insert_resource(link)
            .init_resource::<crate::app::explorer::Published>()
            .init_resource::<Replayed>()
            .add_message::<SceneShown>()
            .insert_state(Showing(View::Layers))
            .init_resource::<LayerView>()
            .init_resource::<Orbit>()
            .init_resource::<LandscapeView>()
            .init_resource::<crate::app::camera::View2d>()
            .init_resource::<crate::app::camera::PanelInsets>()
            .configure_sets(Update, (PlayerSet::Input, PlayerSet::Play).chain())
            .add_systems(
                Update,
                (advance_scene_time, apply_scene_frame, show_view_now)
                    .chain()
                    .in_set(PlayerSet::Play),
            );
        app
    }

    fn app(path: &std::path::Path) -> App {
        let loaded = crate::engine::scene::load(path, true).unwrap();
        app_with(Player::new(path.to_path_buf(), loaded, false, None))
    }

    /// What the views were told at this frame.
    fn shown(app: &App) -> (f32, f32, f32, View, u64) {
        let w = app.world();
        let layers = w.resource::<LayerView>();
        let orbit = w.resource::<Orbit>();
        let replayed = w.resource::<Replayed>();
        let epoch = replayed.0.as_ref().map_or(0, |l| l.epoch as u64);
        (
            layers.position,
            orbit.yaw,
            orbit.pitch,
            w.resource::<State<Showing>>().get().0,
            epoch,
        )
    }

    /// A temporary folder of the test's own.
    fn folder(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("spacefold-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A talk in presenter mode: forward at a scene's end opens the next from its start,
    /// back at a scene's first stop shows the one before at its last stop, Home the first.
    #[test]
    fn a_talk_walks_forward_and_back_across_its_scenes() {
        let dir = folder("talk-play");
        let path = dir.join("talk.ron");
        std::fs::write(
            &path,
            "Talk(title: \"t\", scenes: [\"neuron-plane\", \"layer-anatomy\"])",
        )
        .unwrap();
        let talk = crate::engine::scene::talk::load_talk(&path, true).unwrap();
        let mut p = Player::for_talk(talk, true, None, true).unwrap();
        let first = p.loaded.scene.title.clone();
        assert!(p.playing, "it opens playing to its first stop");
        assert_eq!(
            p.go(Move::Forward),
            Moved::Within,
            "a click completes the step"
        );
        assert_eq!(p.walk.resting_at().map(|s| s.index), Some(0));
        let last = p.walk.stops_of(0).len() - 1;
        p.walk.rest_at(last);
        assert_eq!(p.go(Move::Forward), Moved::Scene);
        assert_eq!((p.scene_index(), p.time, p.playing), (1, 0.0, true));
        assert_ne!(p.loaded.scene.title, first);
        // Back while its first step plays: the scene before, at its last stop, at once.
        assert_eq!(p.go(Move::Back), Moved::Scene);
        assert_eq!(p.loaded.scene.title, first);
        assert_eq!((p.time, p.playing), (p.duration(), false));
        // Home from the second scene: the first, from its start.
        p.go(Move::Jump(1));
        assert_eq!(p.go(Move::Home), Moved::Scene);
        assert_eq!((p.scene_index(), p.time, p.playing), (0, 0.0, true));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_talk_knows_its_place_notes_and_next_stop_and_jumps_and_loops() {
        let dir = folder("talk-notes");
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
        let next = |p: &Player| p.next_stop().map(|s| (s.scene, s.time));
        assert_eq!(place(&p), (1, 2, 0, 2));
        assert_eq!(p.notes_now(), "Open.");
        assert_eq!(next(&p), Some((0, 1.0)));
        p.go(Move::Forward);
        assert_eq!(place(&p), (1, 2, 1, 2));
        assert_eq!(p.notes_now(), "Open.\n\nFirst.");
        assert_eq!(next(&p), Some((0, 2.0)));
        p.go(Move::Forward);
        p.go(Move::Forward);
        assert_eq!(p.notes_now(), "Open.", "the second cue has no notes");
        assert_eq!(next(&p), Some((0, 3.0)), "the end is a stop");
        p.go(Move::Forward);
        p.go(Move::Forward);
        let second = p.walk.stops_of(1)[0];
        assert_eq!(next(&p), Some((1, second)));
        // A number and Enter: that scene (the background trains it: wait for it).
        let moved = loop {
            match p.go(Move::Jump(1)) {
                Moved::Waiting(1) => std::thread::sleep(Duration::from_millis(20)),
                other => break other,
            }
        };
        assert_eq!(moved, Moved::Scene);
        assert_eq!(place(&p).0, 2);
        assert_eq!(p.go(Move::Jump(5)), Moved::Within, "out of range: nothing");
        p.go(Move::End);
        assert_eq!(next(&p), None, "the talk's end");
        assert_eq!(p.go(Move::Forward), Moved::Within);
        assert_eq!(place(&p).0, 2, "without --loop it stays");
        p.walk.looping = true;
        assert_eq!(next(&p), Some((0, 1.0)));
        assert_eq!(p.go(Move::Forward), Moved::Scene);
        assert_eq!((place(&p).0, p.time, p.playing), (1, 0.0, true));
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Presenter mode keeps the wall clock: a frame that took 0.1 s plays 0.1 s of the
    /// scene, to the stop and no further.
    #[test]
    fn presenter_time_plays_to_the_stop_and_rests() {
        let dir = folder("present-time");
        let path = dir.join("a.ron");
        std::fs::write(
            &path,
            "Scene(dataset: \"xor\", network: Train(arch: [2, 3, 1], epochs: 5), \
             timeline: [Wait(1.0), Cue, Wait(1.0)])",
        )
        .unwrap();
        let loaded = crate::engine::scene::load(&path, true).unwrap();
        let mut app = app_with(Player::new(path.clone(), loaded, true, None));
        let times: Vec<f32> = (0..25)
            .map(|_| {
                app.update();
                app.world().resource::<Player>().time
            })
            .collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(
            times.last().copied(),
            Some(1.0),
            "rests at the cue: {times:?}"
        );
        assert!(times.iter().filter(|&&t| t == 1.0).count() > 5, "{times:?}");
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
