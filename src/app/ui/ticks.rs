//! Tick labels of the flat views, so that a frame says where it is: numbers along the axes
//! through the origin (the layers view), or along the bottom and left of the data's box
//! (the regions view), at a round step that suits the zoom.

use crate::app::camera::{PanelInsets, View2d, world_to_window};
use crate::engine::flow::nice_step;
use bevy::math::Vec2;
use bevy_egui::egui;

/// Where the ticks go.
pub enum Ticks {
    /// Along the axes through the origin, over this span of each.
    Axes { lo: Vec2, hi: Vec2 },
    /// Along the bottom and left edges of this box.
    Box { lo: Vec2, hi: Vec2 },
}

/// A value written with as many decimals as the step needs.
pub fn tick_label(value: f32, step: f32) -> String {
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let v = if value.abs() < step * 1e-3 {
        0.0
    } else {
        value
    };
    format!("{v:.decimals$}")
}

/// The multiples of `step` from `lo` to `hi`.
fn multiples(lo: f32, hi: f32, step: f32) -> impl Iterator<Item = f32> {
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last.min(first + 200)).map(move |k| k as f32 * step)
}

/// Paints the tick labels for the plane camera's view, `size` logical pixels tall (`None`:
/// sized to the view, as a scene's frame is).
pub fn paint(
    ctx: &egui::Context,
    view: &View2d,
    insets: &PanelInsets,
    (ticks, titles): (Ticks, Option<&[String; 2]>),
    size: Option<f32>,
) {
    let rect = ctx.viewport_rect();
    let window = Vec2::new(rect.width(), rect.height());
    let height = (window.y - insets.bottom).max(100.0);
    let (lo, hi, x_at, y_at, inner) = match ticks {
        Ticks::Axes { lo, hi } => (lo, hi, 0.0, 0.0, false),
        Ticks::Box { lo, hi } => (lo, hi, lo.y, lo.x, true),
    };
    // About eight labels along the longer side of what is shown.
    let step = nice_step((hi - lo).max_element().max(1e-6) / 8.0);
    let size = size.unwrap_or((height * crate::app::frame::SMALLEST_TEXT).max(11.0));
    let font = egui::FontId::proportional(size);
    let colour = egui::Color32::from_rgb(215, 219, 228);
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Background,
        "tick-labels".into(),
    ));
    let at = |p: Vec2| {
        let w = world_to_window(view, *insets, window, p);
        egui::pos2(w.x, w.y)
    };
    // Clear of the heading (the heading never covers a tick).
    let heading = crate::app::ui::layers_panel::heading_rect(ctx);
    let inside = |r: egui::Rect| {
        !heading.is_some_and(|h| h.intersects(r))
            && r.min.x > insets.left
            && r.max.x < window.x - insets.right
            && r.min.y > 0.0
            && r.max.y < height
    };
    // A label on an opaque plate, so that no grid line or region crosses it.
    let [r, g, b] = crate::app::frame::CARD;
    let plate = egui::Color32::from_rgb(r, g, b);
    let label = |anchor: egui::Pos2, align: egui::Align2, text: String| {
        let galley = painter.layout_no_wrap(text, font.clone(), colour);
        let rect = align.anchor_size(anchor, galley.size());
        if inside(rect.expand(2.0)) {
            painter.rect_filled(rect.expand(2.0), 3.0, plate);
            painter.galley(rect.min, galley, colour);
        }
    };
    let gap = size * 0.35;
    if let Some(titles) = titles {
        let place = Place {
            painter: &painter,
            font: &font,
            colour,
            plate,
            inside: &inside,
            at: &at,
        };
        paint_titles(&place, titles, (lo, hi), inner);
    }
    for x in multiples(lo.x, hi.x, step) {
        if x == 0.0 && !inner {
            continue;
        }
        let (anchor, align) = if inner {
            (
                at(Vec2::new(x, x_at)) - egui::vec2(0.0, gap),
                egui::Align2::CENTER_BOTTOM,
            )
        } else {
            (
                at(Vec2::new(x, x_at)) + egui::vec2(0.0, gap),
                egui::Align2::CENTER_TOP,
            )
        };
        label(anchor, align, tick_label(x, step));
    }
    for y in multiples(lo.y, hi.y, step) {
        if inner && (y - lo.y).abs() < step * 0.5 {
            continue;
        }
        let (anchor, align) = if inner {
            (
                at(Vec2::new(y_at, y)) + egui::vec2(gap, 0.0),
                egui::Align2::LEFT_CENTER,
            )
        } else {
            (
                at(Vec2::new(y_at, y)) - egui::vec2(gap, 0.0),
                egui::Align2::RIGHT_CENTER,
            )
        };
        label(anchor, align, tick_label(y, step));
    }
}

/// What the labels are painted with and where they may go.
struct Place<'a> {
    painter: &'a egui::Painter,
    font: &'a egui::FontId,
    colour: egui::Color32,
    plate: egui::Color32,
    inside: &'a dyn Fn(egui::Rect) -> bool,
    at: &'a dyn Fn(Vec2) -> egui::Pos2,
}

/// The axes' titles (the data's features): across at the right end of the x axis (or of
/// the box's bottom, over its numbers), up at the top of the y axis (or of the box's left,
/// beside its numbers); in italics, as variables are.
fn paint_titles(place: &Place, [across, up]: &[String; 2], (lo, hi): (Vec2, Vec2), inner: bool) {
    let size = place.font.size;
    let gap = size * 0.35;
    let title = |anchor: egui::Pos2, align: egui::Align2, text: &str| {
        if text.is_empty() {
            return;
        }
        let mut job = egui::text::LayoutJob::default();
        job.append(
            text,
            0.0,
            egui::TextFormat {
                font_id: place.font.clone(),
                color: place.colour,
                italics: true,
                ..Default::default()
            },
        );
        let galley = place.painter.layout_job(job);
        let rect = align.anchor_size(anchor, galley.size());
        if (place.inside)(rect.expand(2.0)) {
            place
                .painter
                .rect_filled(rect.expand(2.0), 3.0, place.plate);
            place.painter.galley(rect.min, galley, place.colour);
        }
    };
    let at = place.at;
    if inner {
        let row = size * 1.3;
        let corner = at(Vec2::new(hi.x, lo.y));
        title(
            corner + egui::vec2(-gap, -gap - row),
            egui::Align2::RIGHT_BOTTOM,
            across,
        );
        let top = at(Vec2::new(lo.x, hi.y));
        title(
            top + egui::vec2(gap + size * 2.6, gap),
            egui::Align2::LEFT_TOP,
            up,
        );
    } else {
        let end = at(Vec2::new(hi.x, 0.0));
        title(
            end + egui::vec2(0.0, -gap),
            egui::Align2::RIGHT_BOTTOM,
            across,
        );
        let top = at(Vec2::new(0.0, hi.y));
        title(top + egui::vec2(gap, 0.0), egui::Align2::LEFT_TOP, up);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_the_decimals_their_step_needs() {
        assert_eq!(tick_label(1.0, 0.5), "1.0");
        assert_eq!(tick_label(-0.25, 0.05), "-0.25");
        assert_eq!(tick_label(20.0, 10.0), "20");
        assert_eq!(tick_label(-1e-9, 0.2), "0.0");
        let xs: Vec<f32> = multiples(-1.1, 1.1, 0.5).collect();
        assert_eq!(xs, vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    }
}
