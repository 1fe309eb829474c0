//! The scene player's screen: the timeline bar (not in presenter mode), the scene's titles
//! and captions, a reload error, and the blank screen.

use super::super::player::Player;
use crate::app::presenter::Presenter;
use bevy_egui::egui;

/// The timeline bar: play/pause, step, scrub, speed, loop, presenter mode. Returns its
/// height.
pub fn timeline_bar(root: &mut egui::Ui, player: &mut Player) -> f32 {
    egui::Panel::bottom("scene-timeline")
        .resizable(false)
        .show(root, |ui| {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                if ui.button("⏮").on_hover_text("To the start (Home)").clicked() {
                    player.time = 0.0;
                }
                if ui.button("◀").on_hover_text("Previous step (Left)").clicked() {
                    player.previous_step();
                }
                let icon = if player.playing { "⏸" } else { "▶" };
                if ui.button(icon).on_hover_text("Play / pause (Space)").clicked() {
                    player.toggle_play();
                }
                if ui.button("▶|").on_hover_text("Next step (Right)").clicked() {
                    player.next_step();
                }
                let duration = player.duration();
                let mut t = player.time;
                ui.spacing_mut().slider_width = (ui.available_width() - 330.0).max(120.0);
                let slider = ui
                    .add(
                        egui::Slider::new(&mut t, 0.0..=duration.max(1e-3))
                            .fixed_decimals(2)
                            .suffix(" s"),
                    )
                    .on_hover_text("Scrub: the frame at a time is the same however you get there");
                // Only the user's hand moves time (a slider may round what it shows).
                if slider.changed() && (slider.dragged() || slider.clicked() || slider.has_focus()) {
                    player.time = t;
                    player.playing = false;
                }
                ui.add(
                    egui::DragValue::new(&mut player.speed)
                        .range(0.1..=4.0)
                        .speed(0.02)
                        .suffix("x"),
                )
                .on_hover_text("Playback speed");
                ui.checkbox(&mut player.looping, "Loop");
                if ui
                    .button("Present")
                    .on_hover_text("Presenter mode: stops at cues; clicker keys (P)")
                    .clicked()
                {
                    player.set_present(true);
                }
            });
            let cues = player.loaded.timeline.cues();
            ui.small(format!(
                "{} · {:.1} of {:.1} s · {} cue(s) · Space play · Left/Right step · P present · save the file to reload",
                player.path.display(),
                player.time,
                player.duration(),
                cues.len()
            ));
        })
        .response
        .rect
        .height()
}

/// The scene's title and caption over the view, and a reload error if there is one.
///
/// Sized to the view's height, so that a frame reads the same at any size: captions 3.8 %
/// of it, titles 7.5 %. A title is a card: centred, over the view dimmed behind it, fading
/// in and out; around a change of view the view fades through the background.
pub fn overlays(ctx: &egui::Context, player: &Player, (left, right): (f32, f32), bottom: f32) {
    let rect = ctx.viewport_rect();
    let cx = left + (rect.width() - left - right) / 2.0;
    let Some(frame) = &player.frame else { return };
    let view_height = (rect.height() - bottom).max(100.0);
    let sizes = Sizes {
        title: (view_height * 0.075).max(24.0),
        caption: (view_height * 0.04).max(16.0),
    };
    let title_at = egui::pos2(cx, view_height * 0.5);
    let caption_at = egui::pos2(cx, rect.height() - bottom - view_height * 0.035);
    let width = rect.width() - left;
    let view = egui::Rect::from_min_max(
        egui::pos2(left, 0.0),
        egui::pos2(rect.width(), rect.height() - bottom),
    );
    let card = frame.title.as_ref().map_or(0.0, |t| t.alpha * 0.72);
    let veil = frame.veil.max(card);
    if veil > 0.0 {
        let [r, g, b] = crate::engine::palette::BACKGROUND;
        let colour = egui::Color32::from_rgba_unmultiplied(r, g, b, (veil * 255.0) as u8);
        ctx.layer_painter(egui::LayerId::new(egui::Order::Middle, "scene-veil".into()))
            .rect_filled(view, 0.0, colour);
    }
    if player.warm_text {
        // Every text not on screen, unseen: egui has its glyphs and its size before it
        // first shows (one area per text: drawing the one on screen twice would clash).
        let (titles, captions) = player.loaded.timeline.texts();
        let shown = |t: &Option<crate::engine::scene::timeline::Text>, text: &str| {
            t.as_ref().is_some_and(|t| t.text == text)
        };
        for t in titles.into_iter().filter(|t| !shown(&frame.title, t)) {
            text_area(ctx, &TITLE, sizes.title, t, 0, title_at, width);
        }
        for t in captions.into_iter().filter(|t| !shown(&frame.caption, t)) {
            text_area(ctx, &CAPTION, sizes.caption, t, 0, caption_at, width);
        }
    }
    if let Some(title) = &frame.title {
        let alpha = (title.alpha * 255.0) as u8;
        text_area(
            ctx,
            &TITLE,
            sizes.title,
            &title.text,
            alpha,
            title_at,
            width,
        );
    }
    if let Some(caption) = &frame.caption {
        let alpha = (caption.alpha * 255.0) as u8;
        text_area(
            ctx,
            &CAPTION,
            sizes.caption,
            &caption.text,
            alpha,
            caption_at,
            width,
        );
    }
}

/// Text sizes for this frame, logical pixels.
struct Sizes {
    title: f32,
    caption: f32,
}

/// How a scene's title or caption looks.
struct TextStyle {
    /// Names its areas (one per text).
    id: &'static str,
    /// The point of the area placed at its anchor.
    pivot: egui::Align2,
    strong: bool,
    corner_radius: f32,
    margin: (i8, i8),
}

/// Titles: big, centred on their anchor, on a card over the dimmed view.
const TITLE: TextStyle = TextStyle {
    id: "scene-title",
    pivot: egui::Align2::CENTER_CENTER,
    strong: true,
    corner_radius: 8.0,
    margin: (22, 12),
};

/// Captions: hung by their bottom centre.
const CAPTION: TextStyle = TextStyle {
    id: "scene-caption",
    pivot: egui::Align2::CENTER_BOTTOM,
    strong: false,
    corner_radius: 6.0,
    margin: (16, 8),
};

/// A title or caption at `at`, `alpha` opaque. One area per text: a fresh one sizes itself
/// to its text (a reused one would keep the width of the last).
fn text_area(
    ctx: &egui::Context,
    style: &TextStyle,
    size: f32,
    text: &str,
    alpha: u8,
    at: egui::Pos2,
    screen_width: f32,
) {
    egui::Area::new(egui::Id::new((style.id, text)))
        .order(egui::Order::Foreground)
        .default_width(screen_width * 0.85)
        .fade_in(false)
        .pivot(style.pivot)
        .fixed_pos(at)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill({
                    // Opaque once faded in: nothing of the picture shows through a text.
                    let [r, g, b] = crate::app::frame::CARD;
                    egui::Color32::from_rgba_unmultiplied(r, g, b, alpha)
                })
                .corner_radius(style.corner_radius)
                .inner_margin(egui::Margin::symmetric(style.margin.0, style.margin.1))
                .show(ui, |ui| {
                    let mut rich = egui::RichText::new(text)
                        .size(size)
                        .color(egui::Color32::from_white_alpha(alpha));
                    if style.strong {
                        rich = rich.strong();
                    }
                    ui.label(rich);
                });
        });
}

/// A black screen over everything (B in presenter mode).
pub fn blank(ctx: &egui::Context) {
    let rect = ctx.viewport_rect();
    egui::Area::new("blank".into())
        .order(egui::Order::Foreground)
        .fixed_pos(rect.min)
        .show(ctx, |ui| {
            ui.painter().rect_filled(rect, 0.0, egui::Color32::BLACK);
            ui.allocate_space(rect.size());
        });
}

/// A reload's error, in a bar at the bottom (under the caption, never over the heading or
/// the picture): `file:line:col`, what is wrong, and that the last good version plays on.
/// It goes when the file is fixed. Returns its height.
pub fn error_bar(root: &mut egui::Ui, player: &Player) -> f32 {
    let Some(error) = &player.error else {
        return 0.0;
    };
    egui::Panel::bottom("scene-error")
        .resizable(false)
        .frame(
            egui::Frame::new()
                .fill(egui::Color32::from_rgb(90, 20, 20))
                .inner_margin(egui::Margin::symmetric(14, 6)),
        )
        .show(root, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(
                        "The saved scene has an error; the last good version plays:",
                    )
                    .strong()
                    .color(egui::Color32::WHITE),
                );
                ui.label(
                    egui::RichText::new(error.replace('\n', "  "))
                        .monospace()
                        .color(egui::Color32::from_rgb(255, 220, 210)),
                );
            });
        })
        .response
        .rect
        .height()
}

/// Presenter mode in a talk: the list of its scenes (G) and the number being typed; a
/// click on a scene opens it.
pub fn scene_list(ctx: &egui::Context, player: &Player, presenter: &mut Presenter) {
    let Some(talk) = &player.talk else { return };
    if !presenter.scene_list && presenter.typed.is_empty() {
        return;
    }
    let typed = presenter.typed.parse::<usize>().ok();
    let here = player.scene_index();
    let mut picked = None;
    egui::Window::new("Go to scene")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(match &presenter.typed {
                t if t.is_empty() => "Type a number and Enter, or click; Esc closes".to_string(),
                t => format!("Scene {t}, Enter to open"),
            });
            ui.separator();
            for (i, scene) in talk.scenes.iter().enumerate() {
                let marked = typed.map_or(i == here, |n| n == i + 1);
                let now = if i == here { "  (now)" } else { "" };
                let text = format!("{:>3}  {}{now}", i + 1, scene.title);
                if ui.selectable_label(marked, text).clicked() {
                    picked = Some(i + 1);
                }
            }
        });
    if picked.is_some() {
        presenter.go_to = picked;
    }
}

/// The presenter's keys over the frame (H, F1 or ?), until the next key.
pub fn presenter_help(ctx: &egui::Context) {
    egui::Window::new("Presenter keys")
        .id("presenter-help".into())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("presenter-help-grid")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .striped(true)
                .show(ui, |ui| {
                    for (keys, does) in crate::app::presenter::HELP {
                        ui.strong(keys);
                        ui.label(does);
                        ui.end_row();
                    }
                });
        });
}

/// A small note at the top right, over nothing that matters: a scene being prepared, or
/// the live exploring and how to come back.
pub fn corner_note(ctx: &egui::Context, text: &str) {
    let rect = ctx.viewport_rect();
    egui::Area::new("presenter-note".into())
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::RIGHT_TOP)
        .fixed_pos(egui::pos2(rect.right() - 12.0, 12.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_black_alpha(170))
                .corner_radius(6.0)
                .inner_margin(egui::Margin::symmetric(12, 6))
                .show(ui, |ui| {
                    ui.label(egui::RichText::new(text).color(egui::Color32::from_gray(230)));
                });
        });
}

/// Whether a frame shows a legend of its classes: when there are more than two, or they have
/// names (two unnamed classes read from their colours alone).
pub fn wants_legend(explorer: &crate::app::explorer::Explorer) -> bool {
    explorer.classes() > 2 || !explorer.train.names.is_empty()
}

/// The classes' legend at the right edge of the frame `rect`, below its top: a swatch in each class's
/// colour and its name, on an opaque card, `size` the text's size (two columns past six
/// classes). Painted rather than placed in an area, so that a render's first frame shows it.
/// Returns the width it takes from the right edge.
pub fn class_legend(
    ctx: &egui::Context,
    explorer: &crate::app::explorer::Explorer,
    size: f32,
    rect: egui::Rect,
) -> f32 {
    let classes = explorer.classes() as u32;
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        "class-legend".into(),
    ));
    let font = egui::FontId::proportional(size);
    let text = egui::Color32::from_gray(235);
    let galleys: Vec<_> = (0..classes)
        .map(|k| painter.layout_no_wrap(explorer.class_name(k), font.clone(), text))
        .collect();
    let rows = if classes > 6 {
        classes.div_ceil(2)
    } else {
        classes
    } as usize;
    let row = size * 1.35;
    let swatch = size * 0.38;
    let column = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max) + swatch * 2.0 + size * 0.6;
    let columns = classes as usize / rows.max(1)
        + usize::from(!(classes as usize).is_multiple_of(rows.max(1)));
    let margin = size * 0.5;
    let width = column * columns as f32 + 2.0 * margin;
    let height = row * rows as f32 + 2.0 * margin - (row - size);
    let card = egui::Rect::from_min_size(
        egui::pos2(
            rect.right() - width - size * 0.6,
            rect.top() + rect.height() * 0.3 - height / 2.0,
        ),
        egui::vec2(width, height),
    );
    let [r, g, b] = crate::app::frame::CARD;
    painter.rect_filled(card, 6.0, egui::Color32::from_rgb(r, g, b));
    for (k, galley) in galleys.into_iter().enumerate() {
        let (c, i) = (k / rows, k % rows);
        let top = card.min + egui::vec2(margin + c as f32 * column, margin + i as f32 * row);
        let [r, g, b] = crate::engine::palette::class_rgb(k as u32);
        let centre = top + egui::vec2(swatch, galley.size().y / 2.0);
        painter.circle_filled(centre, swatch, egui::Color32::from_rgb(r, g, b));
        painter.galley(
            top + egui::vec2(swatch * 2.0 + size * 0.4, 0.0),
            galley,
            text,
        );
    }
    width + size * 0.6
}
