//! The control panels (egui): data, network and training, in one panel on the left.

mod data_panel;
mod diagram;
mod landscape_panel;
mod layers_panel;
mod network_panel;
mod player_panel;
mod ticks;
mod training_panel;

use super::camera::PanelInsets;
use super::explorer::{Burst, Explorer, Link, Published};
use super::layers::{FlowState, LayerView};
use super::orbit::Orbit;
use super::surfaces::{LandscapeState, LandscapeView};
use super::{UiCover, View};
use crate::app::Showing;
use crate::engine::live::Request;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ChosenPreset>()
        .init_resource::<HelpOpen>()
        .init_resource::<Forms>()
        .init_resource::<landscape_panel::NeuronEditor>()
        .add_systems(
            EguiPrimaryContextPass,
            (install_fonts, show_control_panel, note_typing).chain(),
        )
        .add_systems(
            Update,
            (
                switch_view_on_tab,
                toggle_help,
                (
                    training_shortcuts.run_if(in_state(Showing(View::Regions))),
                    layers_shortcuts.run_if(in_state(Showing(View::Layers))),
                    landscape_shortcuts.run_if(in_state(Showing(View::Landscape))),
                )
                    .run_if(no_scene_playing),
            ),
        );
}

/// While a scene plays (not explored live), its player owns the keys: S opens the speaker
/// view rather than splitting the landscape, G lists a talk's scenes.
fn no_scene_playing(player: Option<Res<super::player::Player>>) -> bool {
    player.is_none_or(|p| p.exploring)
}

/// The font family equations are set in.
pub const MATH_FONT: &str = "math";

/// STIX Two Text Italic (SIL Open Font License 1.1: assets/fonts/OFL.txt), for equations.
const STIX_ITALIC: &[u8] = include_bytes!("../../../assets/fonts/STIXTwoText-Italic.ttf");

/// Adds the math font to egui's, once: [`MATH_FONT`] is STIX Two Text Italic, falling back
/// to the usual fonts for what it lacks.
fn install_fonts(mut contexts: EguiContexts, mut done: Local<bool>) -> Result {
    if *done {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "stix-two-text-italic".into(),
        std::sync::Arc::new(egui::FontData::from_static(STIX_ITALIC)),
    );
    let mut family = vec!["stix-two-text-italic".to_string()];
    family.extend(
        fonts
            .families
            .get(&egui::FontFamily::Proportional)
            .cloned()
            .unwrap_or_default(),
    );
    fonts
        .families
        .insert(egui::FontFamily::Name(MATH_FONT.into()), family);
    ctx.set_fonts(fonts);
    *done = true;
    Ok(())
}

/// Whether the overlay of keys and mouse actions shows (H, F1 or ?).
#[derive(Resource, Default)]
pub struct HelpOpen(pub bool);

fn toggle_help(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mut help: ResMut<HelpOpen>,
) {
    if typing.blocked() {
        return;
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    if keys.just_pressed(KeyCode::KeyH)
        || keys.just_pressed(KeyCode::F1)
        || (shift && keys.just_pressed(KeyCode::Slash))
    {
        help.0 = !help.0;
    } else if keys.just_pressed(KeyCode::Escape) {
        help.0 = false;
    }
}

/// Every key and mouse action of `view`, then those of every view: (keys, what they do).
pub fn help_rows(view: View) -> Vec<(&'static str, &'static str)> {
    let mut rows = match view {
        View::Regions => vec![
            ("Space", "play / pause training"),
            ("N", "train one epoch"),
            ("R", "frame the data again"),
            ("left click", "add a point of the brush's class"),
            ("Shift + click", "erase the nearest point"),
            (
                "Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)",
                "undo / redo a point, weight or network edit",
            ),
            ("wheel", "zoom about the cursor"),
            ("right or middle drag", "pan"),
        ],
        View::Layers => vec![
            ("Space", "play / pause the animation"),
            ("Left / Right, PageUp / PageDown", "previous / next stage"),
            ("Home / End", "to the input / the output"),
            ("G", "grid on / off"),
            ("R", "reset the camera (follow the points again)"),
            ("left drag (3D)", "turn: half round across the view"),
            ("right or middle drag", "pan"),
            ("wheel", "zoom"),
        ],
        View::Landscape => vec![
            ("T", "top view (looks straight down)"),
            ("R", "back to the side view"),
            ("S", "split screen on / off"),
            ("Space", "play / pause training"),
            ("left drag", "turn: half round across the view"),
            ("right or middle drag", "pan"),
            ("wheel", "zoom"),
        ],
    };
    rows.extend([
        ("V", "next view: regions, layers, landscape, regions"),
        ("Ctrl+O", "open data, a network, a scene or a talk"),
        ("Ctrl+S", "save a picture of the view (PNG)"),
        ("H, F1 or ?", "this help on / off (Esc closes it)"),
    ]);
    rows
}

/// The overlay of keys and mouse actions of the view shown; returns where it lies.
fn help_overlay(ctx: &egui::Context, view: View, open: &mut bool) -> Option<egui::Rect> {
    let mut still_open = *open;
    let shown = egui::Window::new(format!("Keys and mouse: {} view", view.label()))
        .id("help".into())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .open(&mut still_open)
        .show(ctx, |ui| {
            egui::Grid::new("help-grid")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    for (keys, does) in help_rows(view) {
                        ui.strong(keys);
                        ui.label(does);
                        ui.end_row();
                    }
                });
        });
    *open = still_open;
    shown.map(|r| r.response.rect)
}

/// The preset last opened, for the picker.
#[derive(Resource, Default)]
pub struct ChosenPreset(pub Option<&'static str>);

/// The layers view's state the panels edit.
#[derive(SystemParam)]
struct LayersUi<'w> {
    mode: Res<'w, State<Showing>>,
    next_view: ResMut<'w, NextState<Showing>>,
    view: ResMut<'w, LayerView>,
    flow: Res<'w, FlowState>,
    orbit: ResMut<'w, Orbit>,
    burst: ResMut<'w, Burst>,
    chosen: ResMut<'w, ChosenPreset>,
    landscape: ResMut<'w, LandscapeView>,
    landscape_state: Res<'w, LandscapeState>,
    editor: ResMut<'w, landscape_panel::NeuronEditor>,
    split: ResMut<'w, super::surfaces::SplitScreen>,
    player: Option<ResMut<'w, super::player::Player>>,
    picture: ResMut<'w, super::capture::PictureWanted>,
    picture_frame: Res<'w, super::capture::PictureFrame>,
    help: ResMut<'w, HelpOpen>,
    plane: Res<'w, super::camera::View2d>,
    open_preset: MessageWriter<'w, super::setups::OpenPreset>,
    presenter: ResMut<'w, super::presenter::Presenter>,
    io: PanelIo<'w>,
}

/// The panels' own state: what is typed in their fields and which part of a grid they show.
#[derive(Resource, Debug, Default)]
pub struct Forms {
    /// The CSV path field.
    pub csv_path: String,
    /// The network file field.
    pub network_path: String,
    /// The scene file field.
    pub scene_path: String,
    /// The layer the weight editor shows.
    pub weights_layer: usize,
    /// The first neuron and input the weight editor shows.
    pub weights_offset: (usize, usize),
    /// Save picture keeps the window's shape rather than a slide's (16:9).
    pub picture_window_shape: bool,
}

/// What the panels read and write beside the model: their forms, the status line, the
/// brush, the recent files, and the requests they send (a dialog, a file to open).
#[derive(SystemParam)]
pub struct PanelIo<'w> {
    /// The panels' fields.
    pub forms: ResMut<'w, Forms>,
    /// The status line.
    pub status: ResMut<'w, super::Status>,
    /// The class a click adds.
    pub brush: ResMut<'w, super::editing::Brush>,
    /// The files opened lately.
    pub recent: Res<'w, super::open_files::RecentFiles>,
    /// Asks for a file dialog.
    pub ask: MessageWriter<'w, super::open_files::AskFile>,
    /// Asks for a file to be opened.
    pub open: MessageWriter<'w, super::open_files::OpenFile>,
}

/// The tick labels of the flat view shown (none in 3D or the landscape).
fn paint_ticks(
    ctx: &egui::Context,
    mode: View,
    (flow, plane, position): (&FlowState, &super::camera::View2d, f32),
    explorer: &Explorer,
    (insets, size): (&PanelInsets, Option<f32>),
) {
    let titles = explorer.axis_titles();
    let ticks = match mode {
        View::Regions => ticks::Ticks::Box {
            lo: explorer.bounds.0,
            hi: explorer.bounds.1,
        },
        View::Layers if flow.flow.is_some() && !flow.is_3d() => {
            // Over the span the axes are drawn.
            let (lo, hi) = super::layers::axes_span(&flow.frame());
            ticks::Ticks::Axes {
                lo: lo.truncate(),
                hi: hi.truncate(),
            }
        }
        _ => return,
    };
    // The layers view's axes are the data's only at its input (after a layer, neurons').
    let titled = match mode {
        View::Regions => true,
        _ => position == 0.0 && explorer.train.dim() <= 2,
    };
    let titles = titled.then_some(&titles);
    ticks::paint(ctx, plane, insets, (ticks, titles), size);
}

fn show_control_panel(
    mut contexts: EguiContexts,
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    published: Res<Published>,
    mut insets: ResMut<PanelInsets>,
    mut cover: ResMut<UiCover>,
    mut layers: LayersUi,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "spacefold-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    // A scene playing: its own screen, unless the presenter is exploring live.
    if layers.player.as_deref().is_some_and(|p| !p.exploring) {
        scene_frame(
            ctx,
            &mut root,
            (&explorer, &published),
            &mut layers,
            (&mut insets, &mut cover),
        );
        return Ok(());
    }
    // A picture being taken: the view laid out as a slide, without the panels.
    if let Some(frame) = layers.picture_frame.rect {
        picture_screen(ctx, frame, &explorer, &published, &mut layers, &mut insets);
        return Ok(());
    }
    // The view the panel shows from now on; the world follows at the next state transition.
    let mut mode = layers.mode.get().0;
    let panel = egui::Panel::left("controls")
        .resizable(true)
        .default_size(330.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                side_panel(ui, &mut mode, &mut explorer, &link, &published, &mut layers)
            });
        })
        .response
        .rect;
    let width = panel.width();
    // The resize handle lies a few pixels beyond the panel's edge: it is the panel's too.
    cover.set("panel", Some(rect_of(panel.expand2(egui::vec2(6.0, 0.0)))));
    if mode != layers.mode.get().0 {
        layers.next_view.set(Showing(mode));
    }
    let right = (mode == View::Regions).then(|| right_panel(&mut root, &explorer, &published));
    cover.set(
        "network",
        right.map(|r| rect_of(r.expand2(egui::vec2(6.0, 0.0)))),
    );
    let right = right.map_or(0.0, |r| r.width());
    let network = published.0.as_ref().map(|l| &l.network);
    let bar =
        (mode == View::Layers).then(|| layers_bar(ctx, &mut root, &mut layers, (width, network)));
    cover.set("bar", bar);
    let bottom = bar.map_or(0.0, |b| b.height());
    let shown = (&*layers.flow, &*layers.plane, layers.view.position);
    paint_ticks(ctx, mode, shown, &explorer, (&insets, Some(13.0)));
    let help = if layers.help.0 {
        help_overlay(ctx, mode, &mut layers.help.0)
    } else {
        None
    };
    cover.set("help", help.map(rect_of));
    if layers.player.as_deref().is_some_and(|p| p.exploring) {
        player_panel::corner_note(ctx, "Exploring the scene live · Esc returns to the talk");
    }
    if mode == View::Landscape {
        let name = |k| explorer.class_name(k);
        landscape_panel::legend(ctx, &layers.landscape_state, &layers.landscape, &name);
    } else if mode == View::Layers && player_panel::wants_legend(&explorer) {
        // The regions view lists the classes in its right panel; the layers view here.
        player_panel::class_legend(ctx, &explorer, 14.0, ctx.viewport_rect());
    }
    if (insets.left - width).abs() > 0.5
        || (insets.right - right).abs() > 0.5
        || (insets.bottom - bottom).abs() > 0.5
    {
        insets.left = width;
        insets.right = right;
        insets.bottom = bottom;
    }
    Ok(())
}

/// A scene's frame while it plays: the scene's screen (bars, titles, captions, presenter
/// overlays), the classes' legend where the frame needs one, the layers view's heading and
/// the tick labels, no panel.
fn scene_frame(
    ctx: &egui::Context,
    root: &mut egui::Ui,
    (explorer, published): (&Explorer, &Published),
    layers: &mut LayersUi,
    (insets, cover): (&mut PanelInsets, &mut UiCover),
) {
    let Some(player) = layers.player.as_deref_mut() else {
        return;
    };
    scene_screen(ctx, root, player, &mut layers.presenter, insets);
    // The classes' legend, where the frame needs one: the cameras leave it room.
    let right = if player_panel::wants_legend(explorer) && !player.blank {
        let height = ctx.viewport_rect().height() - insets.bottom;
        let size = height * super::frame::SMALLEST_TEXT;
        player_panel::class_legend(ctx, explorer, size, ctx.viewport_rect())
    } else {
        0.0
    };
    if (insets.right - right).abs() > 0.5 {
        insets.right = right;
    }
    let titled = player.frame.as_ref().is_some_and(|f| f.title.is_some());
    // The heading first: the tick labels keep clear of it.
    if layers.mode.get().0 == View::Layers && !player.blank && !titled {
        let height = ctx.viewport_rect().height() - insets.bottom;
        let sizes = layers_panel::HeadingSizes::for_height(height);
        if player.warm_text {
            layers_panel::warm_headings(ctx, &layers.flow, &sizes);
        }
        let sides = (0.0, insets.right);
        let network = published.0.as_ref().map(|l| &l.network);
        let shown = (&*layers.view, &*layers.flow, network);
        layers_panel::heading(ctx, shown, sides, &sizes, None);
    }
    if !player.blank {
        let shown = (&*layers.flow, &*layers.plane, layers.view.position);
        paint_ticks(ctx, layers.mode.get().0, shown, explorer, (insets, None));
    }
    let size = ctx.viewport_rect().size();
    cover.set("panel", None);
    cover.set("network", None);
    cover.set(
        "bar",
        (insets.bottom > 0.0).then(|| Rect::new(0.0, size.y - insets.bottom, size.x, size.y)),
    );
}

/// The window while "Save picture" takes its shot: the view framed in `frame` (the part of
/// the window the picture keeps) as a scene's frame is, with its annotation sized to it
/// (ticks and axis titles, the layers view's heading, the classes' legend) and no panel.
fn picture_screen(
    ctx: &egui::Context,
    frame: Rect,
    explorer: &Explorer,
    published: &Published,
    layers: &mut LayersUi,
    insets: &mut PanelInsets,
) {
    let window = ctx.viewport_rect();
    let rect = egui::Rect::from_min_max(
        egui::pos2(frame.min.x, frame.min.y),
        egui::pos2(frame.max.x, frame.max.y),
    );
    let mode = layers.mode.get().0;
    let size = rect.height() * super::frame::SMALLEST_TEXT;
    let legend = match mode {
        View::Landscape => 0.0,
        _ => player_panel::class_legend(ctx, explorer, size, rect),
    };
    let wanted = PanelInsets {
        left: rect.min.x,
        right: window.max.x - rect.max.x + legend,
        bottom: window.max.y - rect.max.y,
        ..*insets
    };
    if *insets != wanted {
        *insets = wanted;
    }
    match mode {
        View::Layers => {
            let sizes = layers_panel::HeadingSizes::for_height(rect.height());
            let network = published.0.as_ref().map(|l| &l.network);
            let shown = (&*layers.view, &*layers.flow, network);
            layers_panel::heading(ctx, shown, (rect.min.x, wanted.right), &sizes, None);
        }
        View::Landscape => {
            let name = |k| explorer.class_name(k);
            landscape_panel::legend(ctx, &layers.landscape_state, &layers.landscape, &name);
        }
        View::Regions => {}
    }
    let shown = (&*layers.flow, &*layers.plane, layers.view.position);
    paint_ticks(ctx, mode, shown, explorer, (insets, None));
}

/// The layers view's timeline bar under the plane, and its heading over it (`left`: the
/// side panel's width); where the bar lies.
fn layers_bar(
    ctx: &egui::Context,
    root: &mut egui::Ui,
    layers: &mut LayersUi,
    (left, network): (f32, Option<&crate::engine::nn::Network>),
) -> Rect {
    let bar = egui::Panel::bottom("timeline")
        .resizable(false)
        .show(root, |ui| {
            layers_panel::timeline(ui, &mut layers.view, &layers.flow)
        })
        .response
        .rect;
    let shown = (&*layers.view, &*layers.flow, network);
    layers_panel::caption(ctx, shown, left, &layers.burst);
    rect_of(bar)
}

/// A playing scene's screen: its timeline bar (unless presenting), titles and captions, a
/// reload's error in a bar at the bottom, and presenter mode's list, help and notes.
fn scene_screen(
    ctx: &egui::Context,
    root: &mut egui::Ui,
    player: &mut super::player::Player,
    presenter: &mut super::presenter::Presenter,
    insets: &mut PanelInsets,
) {
    let error = player_panel::error_bar(root, player);
    let bottom = error
        + if player.present {
            0.0
        } else {
            player_panel::timeline_bar(root, player)
        };
    player_panel::overlays(ctx, player, (0.0, insets.right), bottom);
    if player.present {
        player_panel::scene_list(ctx, player, presenter);
        if presenter.help {
            player_panel::presenter_help(ctx);
        }
        if let (Some((_, scene)), Some(talk)) = (presenter.waiting, &player.talk) {
            let title = &talk.scenes[scene].title;
            player_panel::corner_note(ctx, &format!("preparing scene {} “{title}”…", scene + 1));
        }
    }
    if player.blank {
        player_panel::blank(ctx);
    }
    if insets.left != 0.0 || (insets.bottom - bottom).abs() > 0.5 {
        insets.left = 0.0;
        insets.bottom = bottom;
    }
}

/// The side panel's contents: the view switch and presets, the status, the shown view's
/// settings, then data, network and training.
fn side_panel(
    ui: &mut egui::Ui,
    mode: &mut View,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    layers: &mut LayersUi,
) {
    ui.heading("spacefold");
    let mut apply = None;
    layers_panel::view_switch(ui, mode, &mut apply, &mut layers.chosen.0);
    if let Some(preset) = apply {
        layers.open_preset.write(super::setups::OpenPreset(preset));
    }
    let epoch = published.0.as_ref().map_or(0, |l| l.epoch);
    layers_panel::save_scene(
        ui,
        explorer,
        (epoch, *mode),
        &mut layers.picture.0,
        &mut layers.io,
    );
    ui.separator();
    training_panel::status_line(ui, published);
    // One line, always there, so the panel below never moves: a long message is cut
    // (the whole of it on hover).
    let (text, colour) = match &layers.io.status.0 {
        Some(Ok(done)) => (done.as_str(), egui::Color32::from_rgb(120, 200, 130)),
        Some(Err(refused)) => (refused.as_str(), egui::Color32::from_rgb(240, 120, 100)),
        None => (" ", egui::Color32::GRAY),
    };
    ui.add(egui::Label::new(egui::RichText::new(text).color(colour)).truncate())
        .on_hover_text(text);
    ui.separator();
    view_settings(ui, *mode, explorer, link, published, layers);
    let layout = explorer.layout_version;
    section(ui, "Data", |ui| {
        data_panel::show(ui, explorer, link, &mut layers.io)
    });
    if explorer.layout_version != layout {
        // Other data: no preset is shown any more.
        layers.chosen.0 = None;
    }
    section(ui, "Network", |ui| {
        network_panel::show(ui, explorer, link, published, &mut layers.io)
    });
    section(ui, "Training", |ui| {
        training_panel::show(ui, explorer, link, published, &mut layers.io.status)
    });
    ui.separator();
    ui.small(shortcut_hint(*mode));
}

/// A section of the side panel, open at first. Scrolled wholly out of sight, it keeps its
/// place (its height when last shown) without being laid out: egui lays out the whole of a
/// scroll area every frame, and these sections' widgets were a third of the panel's time
/// while no one could see them (the layers view playing in a 400-line window).
fn section(ui: &mut egui::Ui, title: &str, add_body: impl FnOnce(&mut egui::Ui)) {
    let id = ui.make_persistent_id(("section height", title));
    let top = ui.cursor().top();
    let seen = ui.clip_rect();
    if let Some(height) = ui.data(|d| d.get_temp::<f32>(id))
        && (top > seen.bottom() || top + height < seen.top())
    {
        ui.allocate_space(egui::vec2(ui.available_width(), height));
        return;
    }
    let height = ui
        .scope(|ui| {
            egui::CollapsingHeader::new(title)
                .default_open(true)
                .show(ui, add_body);
        })
        .response
        .rect
        .height();
    ui.data_mut(|d| d.insert_temp(id, height));
}

/// The settings of the view shown (the regions view has none of its own).
fn view_settings(
    ui: &mut egui::Ui,
    mode: View,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    layers: &mut LayersUi,
) {
    match mode {
        View::Regions => {}
        View::Layers => {
            egui::CollapsingHeader::new("Layers view")
                .default_open(true)
                .show(ui, |ui| {
                    layers_panel::settings(ui, &mut layers.view, &layers.flow, &mut layers.orbit)
                });
        }
        View::Landscape => {
            egui::CollapsingHeader::new("Landscape")
                .default_open(true)
                .show(ui, |ui| {
                    landscape_panel::settings(
                        ui,
                        &mut layers.landscape,
                        &mut layers.orbit,
                        published,
                    );
                    ui.checkbox(
                        &mut layers.split.0,
                        "Split screen: the flat top view beside (S)",
                    )
                    .on_hover_text(
                        "Seen from straight above, the surfaces are the familiar heatmap",
                    );
                });
            egui::CollapsingHeader::new("Hand-set neurons")
                .default_open(false)
                .show(ui, |ui| {
                    landscape_panel::neuron_editor(
                        ui,
                        &mut layers.editor,
                        (explorer, link),
                        &mut layers.io.status,
                    )
                });
        }
    }
}

/// The keys and mouse actions of a view, one line.
fn shortcut_hint(mode: View) -> &'static str {
    match mode {
        View::Landscape => {
            "Space: play/pause training · T: top view · R: side view · S: split screen · wheel: zoom · left drag: turn · right drag: pan · V: next view (regions)"
        }
        View::Regions => {
            "Space: play/pause · N: one epoch · R: frame the data · wheel: zoom · right drag: pan · V: next view (layers)"
        }
        View::Layers => {
            "Space: play/pause · Left/Right: stage · Home/End · G: grid · R: reset the view · wheel: zoom · left drag: turn (3D) · right drag: pan · V: next view (landscape)"
        }
    }
}

fn switch_view_on_tab(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    mode: Res<State<Showing>>,
    mut next: ResMut<NextState<Showing>>,
) {
    if keys.just_pressed(KeyCode::KeyV) && !typing.blocked() {
        next.set(Showing(mode.get().0.next()));
    }
}

fn landscape_shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    link: Res<Link>,
    published: Res<Published>,
    mut orbit: ResMut<Orbit>,
    mut split: ResMut<super::surfaces::SplitScreen>,
) {
    if typing.blocked() {
        return;
    }
    if keys.just_pressed(KeyCode::KeyS) {
        split.0 = !split.0;
    }
    if keys.just_pressed(KeyCode::KeyT) {
        super::orbit::top_view(&mut orbit);
    }
    if keys.just_pressed(KeyCode::KeyR) {
        *orbit = Orbit {
            turn: orbit.turn,
            ..Orbit::default()
        };
    }
    if keys.just_pressed(KeyCode::Space) {
        let running = published.0.as_ref().is_some_and(|l| l.running);
        link.0.send(if running {
            Request::Pause
        } else {
            Request::Play
        });
    }
}

fn layers_shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    typing: super::ViewKeys,
    flow: Res<FlowState>,
    mut view: ResMut<LayerView>,
    mut orbit: ResMut<Orbit>,
) {
    if typing.blocked() {
        return;
    }
    let Some(end) = flow.flow.as_ref().map(|f| f.end()) else {
        return;
    };
    if keys.just_pressed(KeyCode::Space) {
        view.toggle_play(end);
    }
    if keys.just_pressed(KeyCode::ArrowRight) || keys.just_pressed(KeyCode::PageDown) {
        view.next_stage(end);
    }
    if keys.just_pressed(KeyCode::ArrowLeft) || keys.just_pressed(KeyCode::PageUp) {
        view.previous_stage();
    }
    if keys.just_pressed(KeyCode::Home) {
        view.playing = false;
        view.position = 0.0;
    }
    if keys.just_pressed(KeyCode::End) {
        view.playing = false;
        view.position = end;
    }
    if keys.just_pressed(KeyCode::KeyG) {
        view.grid_lines = if view.grid_lines > 0 { 0 } else { 24 };
    }
    if keys.just_pressed(KeyCode::KeyR) {
        layers_panel::reset_camera(&mut view, &mut orbit);
    }
}

/// Notes when a text field has the keyboard (see [`super::ViewKeys`]).
fn note_typing(
    mut contexts: EguiContexts,
    time: Res<Time<Real>>,
    mut typing: ResMut<super::Typing>,
) -> Result {
    if contexts.ctx_mut()?.egui_wants_keyboard_input() {
        typing.0 = Some(time.elapsed_secs_f64());
    }
    Ok(())
}

/// An egui rectangle as a Bevy one (both logical pixels, origin top-left).
fn rect_of(r: egui::Rect) -> Rect {
    Rect::new(r.min.x, r.min.y, r.max.x, r.max.y)
}

/// The regions view's right panel: the class legend, then the network diagram (two-input
/// data), docked beside the plane so that it never covers the data; resizable, and scrolling
/// where the diagram is taller or wider than the panel. Returns its width.
fn right_panel(root: &mut egui::Ui, explorer: &Explorer, published: &Published) -> egui::Rect {
    egui::Panel::right("network")
        .resizable(true)
        .default_size(300.0)
        .size_range(180.0..=640.0)
        .show(root, |ui| {
            egui::ScrollArea::both().show(ui, |ui| {
                egui::CollapsingHeader::new("Classes")
                    .default_open(true)
                    .show(ui, |ui| class_legend(ui, explorer));
                if let Some(latest) = &published.0
                    && latest.network.input_dim() == 2
                {
                    egui::CollapsingHeader::new("Network")
                        .default_open(true)
                        .show(ui, |ui| {
                            let names = (explorer.input_names(), explorer.output_names());
                            diagram::show(ui, latest, (&names.0, &names.1));
                        });
                }
            });
        })
        .response
        .rect
}

/// Each class's colour (as its points and regions show it), name and point count.
fn class_legend(ui: &mut egui::Ui, explorer: &Explorer) {
    let count =
        |data: &crate::engine::nn::Dataset, k: u32| data.y.iter().filter(|&&y| y == k).count();
    egui::Grid::new("class-legend")
        .num_columns(3)
        .min_col_width(14.0)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            for k in 0..explorer.classes() as u32 {
                let [r, g, b] = crate::engine::palette::class_rgb(k);
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(rect.center(), 6.0, egui::Color32::from_rgb(r, g, b));
                ui.label(explorer.class_name(k));
                ui.weak(format!(
                    "{} + {} test",
                    count(&explorer.train, k),
                    count(&explorer.test, k)
                ));
                ui.end_row();
            }
        });
}

fn training_shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    link: Res<Link>,
    published: Res<Published>,
    typing: super::ViewKeys,
    mut explorer: ResMut<Explorer>,
    mut status: ResMut<super::Status>,
) {
    if typing.blocked() {
        return;
    }
    if super::held(&keys, [KeyCode::ControlLeft, KeyCode::ControlRight]) {
        let shift = super::held(&keys, [KeyCode::ShiftLeft, KeyCode::ShiftRight]);
        let live = published.0.as_ref().map(|l| &l.network);
        if keys.just_pressed(KeyCode::KeyZ) {
            status.0 = Some(explorer.undo(&link, shift, live));
        } else if keys.just_pressed(KeyCode::KeyY) {
            status.0 = Some(explorer.undo(&link, true, live));
        }
        return;
    }
    let running = published.0.as_ref().is_some_and(|l| l.running);
    if keys.just_pressed(KeyCode::Space) {
        link.0.send(if running {
            Request::Pause
        } else {
            Request::Play
        });
    }
    if keys.just_pressed(KeyCode::KeyN) {
        link.0.send(Request::Step);
    }
}
