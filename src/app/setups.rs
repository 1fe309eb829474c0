//! Opening a set-up: the one way every view starts over, whether the window opens, a preset
//! is picked in the panel, or the player shows another scene. What a view showed before
//! (its camera, orbit, zoom, grid, flow, surfaces) never leaks into what comes next.

use super::explorer::{Burst, Explorer, Link, Live};
use super::layers::{FlowState, LayerView};
use super::orbit::Orbit;
use super::surfaces::{LandscapeView, SplitScreen};
use super::{Framed, PlaneTarget, Showing, View};
use crate::engine::presets::Preset;
use crate::engine::setup::Start;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<OpenPreset>()
        .add_systems(Update, open_preset.before(super::ViewSet::Animate));
}

/// Asks for a preset to be opened (the panel's picker).
#[derive(Message, Debug, Clone, Copy)]
pub struct OpenPreset(pub &'static Preset);

/// What starting over keeps of the user's own settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: a scene shows exactly what its script says, as a render does.
    Nothing,
    /// The grid's density, the animation's speed and easing and the surfaces' height, which
    /// the user set in the panel (a preset picked in the explorer).
    UserSettings,
}

/// How the player opens a scene: the layers view, as a scene's frames then direct.
pub fn scene_start() -> Start {
    Start {
        view: View::Layers,
        ..Start::default()
    }
}

/// Every view's settings and state.
#[derive(SystemParam)]
pub struct Views<'w> {
    layers: ResMut<'w, LayerView>,
    flow: ResMut<'w, FlowState>,
    orbit: ResMut<'w, Orbit>,
    landscape: ResMut<'w, LandscapeView>,
    split: ResMut<'w, SplitScreen>,
    target: ResMut<'w, PlaneTarget>,
    framed: ResMut<'w, Framed>,
    next: ResMut<'w, NextState<Showing>>,
}

impl Views<'_> {
    /// Puts every view as a window opening on `start` puts it (keeping what `keep` says),
    /// and shows `start`'s view.
    pub fn start_over(&mut self, start: &Start, keep: Keep) {
        let mut layers = LayerView::from_start(start);
        let mut surface = start.surface.clone();
        if keep == Keep::UserSettings {
            layers.grid_lines = self.layers.grid_lines;
            layers.grid_samples = self.layers.grid_samples;
            layers.speed = self.layers.speed;
            layers.ease = self.layers.ease;
            surface.height = self.landscape.height;
        }
        *self.layers = layers;
        *self.flow = FlowState::default();
        *self.orbit = Orbit::from_start(start);
        *self.landscape = LandscapeView(surface);
        self.split.0 = start.split;
        *self.target = PlaneTarget(None);
        *self.framed = Framed::default();
        self.next.set(Showing(start.view));
    }
}

/// Opens a preset picked in the panel: its data and network in the explorer, the worker
/// training it for the preset's epochs, every view started over on the preset's start.
fn open_preset(
    mut asked: MessageReader<OpenPreset>,
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    live: Res<Live>,
    mut burst: ResMut<Burst>,
    mut status: ResMut<super::Status>,
    mut views: Views,
) {
    let Some(OpenPreset(preset)) = asked.read().last().copied() else {
        return;
    };
    let resolved = match preset.resolve() {
        Ok(r) => r,
        Err(e) => {
            status.0 = Some(Err(e.to_string()));
            return;
        }
    };
    explorer.replace_with(Explorer::from_resolved(&resolved, preset.setup().seed));
    explorer.restart_with(&link, resolved.network.clone());
    burst.request(&link, preset.epochs, live.version());
    views.start_over(&preset.start(), Keep::UserSettings);
}
