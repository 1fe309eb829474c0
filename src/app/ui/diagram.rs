//! The network diagram: each hidden neuron as a thumbnail of its output over the input
//! plane, links coloured by the sign of their weight and thickened by its size.

use crate::engine::live::{Latest, THUMBNAIL_SIZE, THUMBNAILS_PER_LAYER, signed_rgb};
use bevy_egui::egui;

/// A thumbnail drawn as a mesh of flat-coloured cells (every `step`-th pixel), which needs
/// no texture: software renderers that cannot bind more than egui's font texture show it too.
fn thumbnail_mesh(pixels: &[u8], rect: egui::Rect, step: usize) -> egui::Mesh {
    let cells = THUMBNAIL_SIZE / step;
    let size = rect.width() / cells as f32;
    let mut mesh = egui::Mesh::default();
    for r in 0..cells {
        for c in 0..cells {
            let at = ((r * step) * THUMBNAIL_SIZE + c * step) * 4;
            let color = egui::Color32::from_rgb(pixels[at], pixels[at + 1], pixels[at + 2]);
            let min = rect.min + egui::vec2(c as f32 * size, r as f32 * size);
            mesh.add_colored_rect(
                egui::Rect::from_min_size(min, egui::vec2(size, size)),
                color,
            );
        }
    }
    mesh
}

/// Size of a neuron on screen.
const NODE: f32 = 30.0;
/// Vertical step between neurons.
const STEP: f32 = 34.0;
/// Horizontal step between layers: the most, and the least before the diagram scrolls.
const GAP: f32 = 78.0;
const MIN_GAP: f32 = 44.0;
/// The widest an input's or output's name is written; longer ones end in `…`.
const NAME_WIDTH: f32 = 70.0;

/// The first `count` names laid out in the diagram's small font, each at most
/// [`NAME_WIDTH`] wide (longer ones are cut).
fn name_galleys(
    ui: &egui::Ui,
    names: &[String],
    count: usize,
) -> Vec<std::sync::Arc<egui::Galley>> {
    let font = egui::FontId::proportional(11.0);
    names
        .iter()
        .take(count)
        .map(|n| {
            let mut job = egui::text::LayoutJob::simple_singleline(
                n.clone(),
                font.clone(),
                egui::Color32::LIGHT_GRAY,
            );
            job.wrap = egui::text::TextWrapping::truncate_at_width(NAME_WIDTH);
            ui.fonts_mut(|f| f.layout_job(job))
        })
        .collect()
}

/// Draws the diagram of the latest network, its layers spread over the width available
/// (scrolling sideways only when even close together they do not fit).
///
/// The inputs are named by `names.0` (the data's features) on their left, the outputs by
/// `names.1` (the classes) on their right.
pub fn show(ui: &mut egui::Ui, latest: &Latest, names: (&[String], &[String])) {
    let net = &latest.network;
    let sizes = net.sizes();
    let shown: Vec<usize> = sizes.iter().map(|&s| s.min(THUMBNAILS_PER_LAYER)).collect();
    let tallest = shown.iter().copied().max().unwrap_or(1) as f32;
    let gaps = (sizes.len() - 1).max(1) as f32;
    let inputs = name_galleys(ui, names.0, shown[0]);
    let outputs = name_galleys(ui, names.1, shown[sizes.len() - 1]);
    let widest =
        |g: &[std::sync::Arc<egui::Galley>]| g.iter().map(|g| g.size().x + 6.0).fold(0.0, f32::max);
    let (left, right) = (widest(&inputs), widest(&outputs));
    let gap = ((ui.available_width() - NODE - 8.0 - left - right) / gaps).clamp(MIN_GAP, GAP);
    let desired = egui::vec2(
        gap * gaps + NODE + 8.0 + left + right,
        STEP * tallest + 24.0,
    );
    let (rect, _) = ui.allocate_exact_size(desired, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let center = |layer: usize, i: usize| {
        let top = rect.top() + (tallest - shown[layer] as f32) * STEP / 2.0 + NODE / 2.0 + 4.0;
        egui::pos2(
            rect.left() + left + 4.0 + NODE / 2.0 + layer as f32 * gap,
            top + i as f32 * STEP,
        )
    };
    let last = sizes.len() - 1;
    for (i, galley) in inputs.into_iter().enumerate() {
        let p =
            center(0, i) - egui::vec2(NODE / 2.0 + 4.0 + galley.size().x, galley.size().y / 2.0);
        painter.galley(p, galley, egui::Color32::LIGHT_GRAY);
    }
    for (i, galley) in outputs.into_iter().enumerate() {
        let p = center(last, i) + egui::vec2(NODE / 2.0 + 4.0, -galley.size().y / 2.0);
        painter.galley(p, galley, egui::Color32::LIGHT_GRAY);
    }
    // Links first, under the neurons.
    for (l, layer) in net.layers().iter().enumerate() {
        let w = &layer.weights;
        let biggest = w.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
        for i in 0..shown[l + 1] {
            for j in 0..shown[l] {
                let v = w[(i, j)];
                let [r, g, b] = signed_rgb(v, biggest);
                let width = 0.4 + 3.0 * (v.abs() / biggest);
                painter.line_segment(
                    [center(l, j), center(l + 1, i)],
                    egui::Stroke::new(width, egui::Color32::from_rgb(r, g, b)),
                );
            }
        }
    }
    let node_rect = |p: egui::Pos2| egui::Rect::from_center_size(p, egui::vec2(NODE, NODE));
    for (l, &count) in shown.iter().enumerate() {
        for i in 0..count {
            let p = center(l, i);
            let thumbnail = l
                .checked_sub(1)
                .and_then(|h| latest.thumbnails.get(h))
                .and_then(|t| t.get(i));
            match thumbnail {
                Some(pixels) => {
                    painter.add(egui::Shape::mesh(thumbnail_mesh(pixels, node_rect(p), 2)));
                }
                None => {
                    painter.rect_filled(node_rect(p), 4.0, egui::Color32::from_gray(45));
                    // Named beside; inside, the input's or output's number.
                    let label = if l == 0 {
                        format!("in {}", i + 1)
                    } else {
                        format!("out {}", i + 1)
                    };
                    painter.text(
                        p,
                        egui::Align2::CENTER_CENTER,
                        label,
                        egui::FontId::proportional(11.0),
                        egui::Color32::LIGHT_GRAY,
                    );
                }
            }
        }
        if sizes[l] > count {
            let below = center(l, count - 1) + egui::vec2(0.0, NODE / 2.0 + 8.0);
            painter.text(
                below,
                egui::Align2::CENTER_CENTER,
                format!("+{}", sizes[l] - count),
                egui::FontId::proportional(11.0),
                egui::Color32::GRAY,
            );
        }
    }
    ui.small("Each hidden neuron shows its output over the plane (blue > 0, orange < 0); links are weights.");
}
