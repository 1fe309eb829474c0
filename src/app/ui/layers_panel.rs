//! The layers view's controls: settings in the side panel, the timeline bar under the view,
//! the caption over it, and the preset picker.

use super::super::View;
use super::super::explorer::{Burst, Explorer};
use super::super::layers::{FlowState, LayerView, describe_position, projection_note};
use super::super::orbit::Orbit;
use crate::engine::flow::{Bend, Ease, STAGES_PER_LAYER, Split, SvdMove, stage_at};
use crate::engine::presets::{PRESETS, Preset};
use bevy_egui::egui;

/// The view switch and the preset picker, at the top of the side panel.
pub fn view_switch(
    ui: &mut egui::Ui,
    mode: &mut View,
    apply: &mut Option<&'static Preset>,
    chosen: &mut Option<&'static str>,
) {
    ui.horizontal(|ui| {
        ui.label("View:");
        for v in View::ALL {
            ui.selectable_value(mode, v, v.label())
                .on_hover_text(v.about());
        }
    });
    ui.horizontal(|ui| {
        ui.label("Preset:");
        egui::ComboBox::from_id_salt("preset")
            .width(180.0)
            .selected_text(chosen.unwrap_or("choose…"))
            .show_ui(ui, |ui| {
                for p in PRESETS {
                    if ui
                        .selectable_label(*chosen == Some(p.name), p.name)
                        .on_hover_text(p.summary)
                        .clicked()
                    {
                        *chosen = Some(p.name);
                        *apply = Some(p);
                    }
                }
            });
    });
}

/// The layers view's settings, in the side panel.
pub fn settings(ui: &mut egui::Ui, view: &mut LayerView, state: &FlowState, orbit: &mut Orbit) {
    ui.horizontal(|ui| {
        let mut grid = view.grid_lines > 0;
        if ui
            .checkbox(&mut grid, "Grid")
            .on_hover_text("Lines over the input plane, carried along with the points (G)")
            .changed()
        {
            view.grid_lines = if grid { 24 } else { 0 };
        }
        if grid {
            ui.add(
                egui::DragValue::new(&mut view.grid_lines)
                    .range(2..=128)
                    .suffix(" lines"),
            )
            .on_hover_text("Lines each way");
            ui.add(
                egui::DragValue::new(&mut view.grid_samples)
                    .range(8..=512)
                    .suffix(" samples"),
            )
            .on_hover_text("Samples along each line: more bend more smoothly");
        }
    });
    motion_settings(ui, view);
    ui.checkbox(&mut view.matrix, "W and b on screen, the basis as arrows")
        .on_hover_text(
            "Beside the heading, the playing layer's W and b with their numbers (W's columns \
             in the arrows' colours); the input's basis vectors as arrows that W·a turns into \
             W's columns and + b moves (layers at most three wide)",
        );
    ui.checkbox(
        &mut view.boundary,
        "Decision boundary at the last hidden layer",
    )
    .on_hover_text(
        "The output layer's lines (2D) or planes (3D) where the class changes: the data \
             has become linearly separable when they split it",
    );
    if view.boundary
        && let Some(flow) = &state.flow
        && let Some(why) = crate::app::layers::boundary_absent(flow)
    {
        ui.label(egui::RichText::new(why).weak());
    }
    ui.horizontal(|ui| {
        ui.checkbox(&mut view.auto_frame, "Follow the points")
            .on_hover_text("Keep the points framed as the space stretches (R)");
        if state.is_3d() {
            ui.checkbox(&mut orbit.turn, "Turn")
                .on_hover_text("Turn the 3D view slowly");
        }
    });
    if ui.button("Reset the view (R)").clicked() {
        reset_camera(view, orbit);
    }
    let Some(flow) = &state.flow else { return };
    let wide: Vec<usize> = (0..flow.layers())
        .filter(|&l| flow.sizes()[l + 1] > 3)
        .collect();
    if wide.is_empty() {
        return;
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.label("Wide layers show");
        let before = view.dims;
        ui.selectable_value(&mut view.dims, 2, "2 neurons");
        ui.selectable_value(&mut view.dims, 3, "3 neurons");
        if view.dims != before {
            view.selection.clear();
        }
    })
    .response
    .on_hover_text("A layer wider than three is shown through some of its neurons: a projection");
    for l in wide {
        let width = flow.sizes()[l + 1];
        ui.horizontal(|ui| {
            ui.label(format!("Layer {} ({width}):", l + 1));
            if let Some(sel) = view.selection.get_mut(l) {
                for r in sel.iter_mut() {
                    ui.add(egui::DragValue::new(r).range(0..=width - 1))
                        .on_hover_text("A neuron shown on this axis");
                }
            }
        });
    }
    if ui
        .button("Most varied neurons")
        .on_hover_text("Show each wide layer through the neurons whose outputs vary most")
        .clicked()
    {
        view.selection.clear();
    }
}

/// How the stages move: σ bending one neuron at a time or all together, and `W·a` whole
/// or as its three SVD moves.
fn motion_settings(ui: &mut egui::Ui, view: &mut LayerView) {
    ui.horizontal(|ui| {
        ui.label("σ bends");
        egui::ComboBox::from_id_salt("bend")
            .selected_text(view.bend.name())
            .show_ui(ui, |ui| {
                for b in Bend::ALL {
                    ui.selectable_value(&mut view.bend, b, b.name());
                }
            });
    });
    let mut svd = view.split == Split::Svd;
    if ui
        .checkbox(&mut svd, "W·a as rotate · stretch · rotate (SVD)")
        .on_hover_text(
            "Play W·a as its singular value decomposition U·Σ·V (V transposed first): a rotation (or the plane \
             turned over), a stretch along the axes, a rotation into the layer's space. \
             Layers up to three wide",
        )
        .changed()
    {
        view.split = if svd { Split::Svd } else { Split::Whole };
    }
}

/// Back to the default camera, following the points.
pub fn reset_camera(view: &mut LayerView, orbit: &mut Orbit) {
    view.auto_frame = true;
    let (yaw, turn) = (orbit.yaw, orbit.turn);
    *orbit = Orbit {
        yaw: if turn { yaw } else { Orbit::default().yaw },
        turn,
        ..Orbit::default()
    };
}

/// The timeline under the view: transport buttons, the position slider, speed and easing.
pub fn timeline(ui: &mut egui::Ui, view: &mut LayerView, state: &FlowState) {
    let Some(flow) = &state.flow else {
        ui.label(
            state
                .error
                .as_deref()
                .unwrap_or("Preparing the layers view…"),
        );
        return;
    };
    let end = flow.end();
    ui.add_space(4.0);
    // Wrapped: in a narrow window what does not fit goes on a second line, not off the edge.
    ui.horizontal_wrapped(|ui| {
        transport(ui, view, end);
        let mut layers = view.position / STAGES_PER_LAYER as f32;
        // Room for what follows the slider on the line: its value and name, the speed, the
        // easing (about 440 px) and Loop (about 60 more). Where the slider would get short,
        // Loop goes to a second line; at 960 px wide, 330 left the easing cut at the edge.
        let all_on_one_line = ui.available_width() - 500.0;
        let width = if all_on_one_line >= 160.0 {
            all_on_one_line
        } else {
            (ui.available_width() - 440.0).max(80.0)
        };
        ui.spacing_mut().slider_width = width;
        let slider = ui
            .add(
                egui::Slider::new(&mut layers, 0.0..=end / STAGES_PER_LAYER as f32)
                    .step_by(0.0)
                    .fixed_decimals(2)
                    .text("layer"),
            )
            .on_hover_text(
                "Where in the network: 0 is the input, each whole number a layer's output",
            );
        // Only the user's hand moves the position (a slider may round what it shows).
        if slider.changed() && (slider.dragged() || slider.clicked() || slider.has_focus()) {
            view.playing = false;
            view.position = crate::engine::setup::layers_to_stages(layers).clamp(0.0, end);
        }
        ui.add(
            egui::DragValue::new(&mut view.speed)
                .range(0.05..=10.0)
                .speed(0.02)
                .suffix(" stages/s"),
        )
        .on_hover_text("Playing speed");
        egui::ComboBox::from_id_salt("ease")
            .width(100.0)
            .selected_text(view.ease.name())
            .show_ui(ui, |ui| {
                for e in Ease::ALL {
                    ui.selectable_value(&mut view.ease, e, e.name());
                }
            })
            .response
            .on_hover_text("Easing of each stage");
        ui.checkbox(&mut view.looping, "Loop");
    });
    // Stage ticks: which stage is playing.
    let at = stage_at(view.position, flow.layers());
    ui.horizontal(|ui| {
        ui.small(format!(
            "stage {} of {} · Space play · Left/Right stage · Home/End · V next view",
            at.boundary().min(STAGES_PER_LAYER * flow.layers() - 1) + 1,
            STAGES_PER_LAYER * flow.layers()
        ));
    });
}

/// The transport buttons: to the input, a stage back, play or pause, a stage on, to the
/// output (`end`).
fn transport(ui: &mut egui::Ui, view: &mut LayerView, end: f32) {
    if ui
        .button("⏮")
        .on_hover_text("To the input (Home)")
        .clicked()
    {
        view.playing = false;
        view.position = 0.0;
    }
    if ui
        .button("◀")
        .on_hover_text("Previous stage (Left)")
        .clicked()
    {
        view.previous_stage();
    }
    let play = if view.playing { "⏸" } else { "▶" };
    if ui
        .button(play)
        .on_hover_text("Play / pause (Space)")
        .clicked()
    {
        view.toggle_play(end);
    }
    if ui
        .button("▶|")
        .on_hover_text("Next stage (Right)")
        .clicked()
    {
        view.next_stage(end);
    }
    if ui
        .button("⏭")
        .on_hover_text("To the output (End)")
        .clicked()
    {
        view.playing = false;
        view.position = end;
    }
}

/// Text sizes of the stage heading, logical pixels.
pub struct HeadingSizes {
    /// "Layer 2 of 6 (2 to 2)".
    pub title: f32,
    /// The equation.
    pub equation: f32,
    /// What the stage does, and notes.
    pub note: f32,
}

impl HeadingSizes {
    /// The explorer's heading.
    pub const WINDOW: HeadingSizes = HeadingSizes {
        title: 18.0,
        equation: 24.0,
        note: 14.0,
    };

    /// A scene's heading, sized to the view's height as its captions are: no line smaller
    /// than a frame's smallest text.
    pub fn for_height(height: f32) -> HeadingSizes {
        let smallest = (height * crate::app::frame::SMALLEST_TEXT).max(13.0);
        HeadingSizes {
            title: smallest,
            equation: (height * 0.05).max(18.0),
            note: smallest,
        }
    }
}

/// The colour of the equation's active term.
const ACTIVE: egui::Color32 = egui::Color32::from_rgb(250, 205, 110);

/// The stage heading over the view: where in the network, the layer's equation with the
/// playing stage's term lit, what that stage does, and whether what is shown is a projection.
pub fn heading(
    ctx: &egui::Context,
    (view, state, network): (&LayerView, &FlowState, Option<&crate::engine::nn::Network>),
    (left, right): (f32, f32),
    sizes: &HeadingSizes,
    extra: Option<&str>,
) {
    let Some(flow) = &state.flow else { return };
    let rect = ctx.viewport_rect();
    // `W` and `b` beside the heading, when asked for and the layer playing is narrow enough.
    let matrix = network
        .filter(|_| view.matrix)
        .and_then(|n| MatrixCard::at(ctx, n, view, sizes.note));
    let matrix_width = matrix.as_ref().map_or(0.0, |m| m.size.x + MATRIX_GAP);
    // Painted, not placed in an area: an area new to egui spends its first frame unseen,
    // sizing itself, and a render shows every frame once.
    let jobs = heading_lines(ctx, flow, (view.position, view.split), sizes, extra);
    let gap = 2.0;
    let margin = egui::vec2(14.0, 6.0);
    let (inner_left, inner_right) = (left + 8.0, rect.width() - right - 8.0);
    let (galleys, text_width, height, unwrapped_height) =
        heading_galleys(ctx, jobs, gap, |height| {
            let sketch_width = sketch_size(flow.sizes().len(), height).x;
            inner_right - inner_left - 3.0 * margin.x - sketch_width
        });
    // The network beside the text, as tall as it was unwrapped, its playing layer lit.
    let sketch = sketch_size(flow.sizes().len(), unwrapped_height);
    let width = text_width + margin.x + sketch.x;
    let top = rect.height() * 0.012;
    // Over the middle of the view, between the panels (or a frame's legend), with the
    // matrix beside it; moved in to stay whole when the two are wider than the middle, and
    // the matrix under the heading when they are wider than the view.
    let heading_width = width + 2.0 * margin.x;
    let beside = heading_width + matrix_width <= inner_right - inner_left;
    let together = if beside {
        heading_width + matrix_width
    } else {
        heading_width
    };
    let centre = (inner_left + inner_right) / 2.0;
    let start = (centre - together / 2.0)
        .min(inner_right - together)
        .max(inner_left);
    let x = start + width / 2.0 + margin.x;
    let card = egui::Rect::from_min_size(
        egui::pos2(x - width / 2.0 - margin.x, top),
        egui::vec2(width + 2.0 * margin.x, height + 2.0 * margin.y),
    );
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        "layers-heading".into(),
    ));
    let [r, g, b] = crate::app::frame::CARD;
    painter.rect_filled(card, 6.0, egui::Color32::from_rgb(r, g, b));
    let text_x = card.min.x + margin.x + text_width / 2.0;
    let mut y = top + margin.y;
    for galley in galleys {
        let at = egui::pos2(text_x - galley.size().x / 2.0, y);
        y += galley.size().y + gap;
        painter.galley(at, galley, egui::Color32::WHITE);
    }
    // The layer on screen: the one moving, or at a boundary the one just done; none at the
    // input.
    let shown =
        (view.position > 0.0).then(|| crate::app::layers::shown_stage(flow, view.position).0);
    let sketch_rect = egui::Rect::from_min_size(
        egui::pos2(card.max.x - margin.x - sketch.x, top + margin.y),
        sketch,
    );
    network_sketch(&painter, sketch_rect, flow.sizes(), shown);
    let mut taken = card;
    if let Some(m) = matrix {
        let at = match beside {
            true => egui::pos2(card.max.x + MATRIX_GAP, top),
            false => egui::pos2(
                (centre - m.size.x / 2.0).max(inner_left),
                card.max.y + MATRIX_GAP,
            ),
        };
        taken = taken.union(egui::Rect::from_min_size(at, m.size));
        m.paint(&painter, at);
    }
    // Where it lies this frame, for the tick labels to keep clear of.
    let pass = ctx.cumulative_pass_nr();
    ctx.data_mut(|d| d.insert_temp(heading_id(), (pass, taken)));
}

/// The heading's lines laid out `gap` apart: their galleys, widest width, height, and height
/// unwrapped. Wider than the room there is (`room` for their unwrapped height: a long note
/// in a narrow window), they wrap there rather than run off the edge.
fn heading_galleys(
    ctx: &egui::Context,
    mut jobs: Vec<egui::text::LayoutJob>,
    gap: f32,
    room: impl FnOnce(f32) -> f32,
) -> (Vec<std::sync::Arc<egui::Galley>>, f32, f32, f32) {
    let lay_out = |jobs: Vec<egui::text::LayoutJob>| -> Vec<std::sync::Arc<egui::Galley>> {
        ctx.fonts_mut(|f| jobs.into_iter().map(|j| f.layout_job(j)).collect())
    };
    let measure = |galleys: &[std::sync::Arc<egui::Galley>]| {
        let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
        let height =
            galleys.iter().map(|g| g.size().y).sum::<f32>() + gap * (galleys.len() - 1) as f32;
        (width, height)
    };
    let mut galleys = lay_out(jobs.clone());
    let (mut width, mut height) = measure(&galleys);
    let unwrapped = height;
    let room = room(unwrapped);
    if width > room && room > 60.0 {
        for job in &mut jobs {
            job.wrap.max_width = room;
        }
        galleys = lay_out(jobs);
        (width, height) = measure(&galleys);
    }
    (galleys, width, height, unwrapped)
}

fn heading_id() -> egui::Id {
    egui::Id::new("layers-heading-rect")
}

/// Where the heading (and its matrices) lies, if one was painted this frame.
pub fn heading_rect(ctx: &egui::Context) -> Option<egui::Rect> {
    let pass = ctx.cumulative_pass_nr();
    ctx.data(|d| d.get_temp::<(u64, egui::Rect)>(heading_id()))
        .filter(|(at, _)| *at == pass)
        .map(|(_, rect)| rect)
}

/// The space between two columns of a matrix, in text heights.
const COLUMN_GAP: f32 = 0.5;

/// Pixels between the heading's card and the matrix's.
const MATRIX_GAP: f32 = 10.0;

/// The layer playing's matrices beside the heading, with their numbers: `W₂ = [ ... ]
/// b₂ = [ ... ]`, `W`'s columns in the colours of the basis arrows they are the images of,
/// the factor playing (`W` during `W·a`, `b` during `+ b`) bright and the other dim; while
/// `W·a` plays as its moves, `U`, `Σ` and `Vᵀ` instead, the move playing lit.
struct MatrixCard {
    blocks: Vec<Block>,
    row: f32,
    margin: f32,
    size: egui::Vec2,
}

/// One matrix of a [`MatrixCard`]: its label, its entries row by row, lit or not.
struct Block {
    label: std::sync::Arc<egui::Galley>,
    entries: Vec<Vec<std::sync::Arc<egui::Galley>>>,
    columns: Vec<f32>,
    lit: bool,
    /// Its columns in the basis arrows' colours (`W`'s).
    coloured: bool,
}

impl Block {
    /// A block labelled `label` (`Vᵀ`'s `ᵀ` raised by hand: no bundled font has the glyph)
    /// holding `rows`, its text laid out in `fonts` (the label's, the numbers'), lit or not,
    /// coloured or not.
    fn new(
        ctx: &egui::Context,
        (font, number): (&egui::FontId, &egui::FontId),
        label: String,
        rows: &[Vec<f32>],
        (lit, coloured): (bool, bool),
    ) -> Block {
        let show = |v: f32| {
            if v.abs() >= 9.95 {
                format!("{v:.1}")
            } else {
                format!("{v:.2}")
            }
        };
        // Laid out in the placeholder colour: painted in the colour `paint` gives.
        let layout = |text: String, font: egui::FontId| {
            ctx.fonts_mut(|f| f.layout_no_wrap(text, font, egui::Color32::PLACEHOLDER))
        };
        let label = match label.split_once('ᵀ') {
            Some((base, rest)) => {
                let format = |size: f32, valign| egui::TextFormat {
                    font_id: egui::FontId::new(size, font.family.clone()),
                    color: egui::Color32::PLACEHOLDER,
                    valign,
                    ..Default::default()
                };
                let mut job = egui::text::LayoutJob::default();
                job.append(base, 0.0, format(font.size, egui::Align::BOTTOM));
                job.append("T", 0.0, format(font.size * 0.6, egui::Align::TOP));
                job.append(rest, 0.0, format(font.size, egui::Align::BOTTOM));
                ctx.fonts_mut(|f| f.layout_job(job))
            }
            None => layout(label, font.clone()),
        };
        let entries: Vec<Vec<_>> = rows
            .iter()
            .map(|r| r.iter().map(|v| layout(show(*v), number.clone())).collect())
            .collect();
        let width = entries.first().map_or(0, Vec::len);
        let columns = (0..width)
            .map(|c| entries.iter().map(|r| r[c].size().x).fold(0.0, f32::max))
            .collect();
        Block {
            label,
            entries,
            columns,
            lit,
            coloured,
        }
    }

    /// The block's width, brackets included, for text `size`.
    fn width(&self, size: f32) -> f32 {
        let n = self.columns.len() as f32;
        self.label.size().x
            + size * 0.3
            + self.columns.iter().sum::<f32>()
            + size * COLUMN_GAP * (n - 1.0)
            + 2.0 * size * 0.35
    }
}

impl MatrixCard {
    /// The card for the layer playing at the view's position, if it is drawn as arrows.
    fn at(
        ctx: &egui::Context,
        network: &crate::engine::nn::Network,
        view: &LayerView,
        size: f32,
    ) -> Option<MatrixCard> {
        use crate::engine::nn::Stage;
        let layers = network.layers();
        let at = stage_at(view.position, layers.len());
        let arrows = crate::engine::flow::matrix::basis_arrows(layers, view.position, |a, _| a)?;
        let layer = &layers[arrows.layer];
        let font = egui::FontId::new(size, math_family(ctx));
        let number = egui::FontId::proportional(size);
        let n = crate::app::layers::subscript(arrows.layer + 1);
        let block = |label: String, rows: Vec<Vec<f32>>, lit: bool, coloured: bool| {
            Block::new(ctx, (&font, &number), label, &rows, (lit, coloured))
        };
        let split = (at.stage == Stage::Linear)
            .then(|| crate::engine::flow::SvdSplit::new(&layer.weights))
            .flatten()
            .filter(|_| view.split == crate::engine::flow::Split::Svd);
        let blocks = match split {
            Some(svd) => {
                let (u, sigma, vt) = svd.factors();
                let (mv, _) = crate::engine::flow::svd_move(at.t);
                let lit = |m: SvdMove| mv == m;
                let diagonal = (0..sigma.len())
                    .map(|i| {
                        (0..sigma.len())
                            .map(|j| if i == j { sigma[i] } else { 0.0 })
                            .collect()
                    })
                    .collect();
                vec![
                    block("U =".into(), u, lit(SvdMove::RotateOut), false),
                    block("Σ =".into(), diagonal, lit(SvdMove::Stretch), false),
                    block("Vᵀ =".into(), vt, lit(SvdMove::RotateIn), false),
                ]
            }
            None => {
                let w = (0..layer.outputs())
                    .map(|r| (0..layer.inputs()).map(|c| layer.weights[(r, c)]).collect())
                    .collect();
                let b = (0..layer.outputs()).map(|r| vec![layer.bias[r]]).collect();
                vec![
                    block(format!("W{n} ="), w, at.stage == Stage::Linear, true),
                    block(format!("b{n} ="), b, at.stage == Stage::Bias, false),
                ]
            }
        };
        let row = size * 1.25;
        let margin = size * 0.5;
        let rows = blocks.iter().map(|b| b.entries.len()).max().unwrap_or(1);
        let width = blocks.iter().map(|b| b.width(size)).sum::<f32>()
            + size * 0.9 * (blocks.len() as f32 - 1.0)
            + 2.0 * margin;
        let height = row * rows as f32 + 2.0 * margin;
        Some(MatrixCard {
            blocks,
            row,
            margin,
            size: egui::vec2(width, height),
        })
    }

    fn paint(self, painter: &egui::Painter, at: egui::Pos2) {
        let size = self.row / 1.25;
        let card = egui::Rect::from_min_size(at, self.size);
        let [r, g, b] = crate::app::frame::CARD;
        painter.rect_filled(card, 6.0, egui::Color32::from_rgb(r, g, b));
        let dim = |lit: bool, c: egui::Color32| if lit { c } else { c.gamma_multiply(0.45) };
        let bracket = size * 0.35;
        let mut x = card.min.x + self.margin;
        for block in self.blocks {
            let rows = block.entries.len() as f32;
            let top = card.min.y
                + self.margin
                + (self.size.y - 2.0 * self.margin - self.row * rows) / 2.0;
            let mid = top + self.row * rows / 2.0;
            painter.galley(
                egui::pos2(x, mid - block.label.size().y / 2.0),
                block.label.clone(),
                dim(block.lit, egui::Color32::WHITE),
            );
            x += block.label.size().x + size * 0.3;
            let start = x;
            x += bracket;
            let mut column_x = vec![];
            for (c, w) in block.columns.iter().enumerate() {
                column_x.push(x);
                x += w + if c + 1 < block.columns.len() {
                    size * COLUMN_GAP
                } else {
                    0.0
                };
            }
            x += bracket;
            let stroke = egui::Stroke::new(1.5, dim(block.lit, egui::Color32::from_gray(220)));
            let (y0, y1) = (top + 2.0, top + self.row * rows - 2.0);
            for (bx, dir) in [(start, 1.0), (x, -1.0)] {
                painter.line_segment([egui::pos2(bx, y0), egui::pos2(bx, y1)], stroke);
                for y in [y0, y1] {
                    painter.line_segment(
                        [egui::pos2(bx, y), egui::pos2(bx + dir * bracket * 0.6, y)],
                        stroke,
                    );
                }
            }
            for (r, row) in block.entries.into_iter().enumerate() {
                let y = top + r as f32 * self.row + (self.row - size) / 2.0;
                for (c, galley) in row.into_iter().enumerate() {
                    let colour = if block.coloured {
                        let [cr, cg, cb] = crate::app::layers::COLUMN_COLORS[c % 3];
                        egui::Color32::from_rgb(cr, cg, cb)
                    } else {
                        egui::Color32::from_gray(230)
                    };
                    let right = column_x[c] + block.columns[c];
                    painter.galley(
                        egui::pos2(right - galley.size().x, y),
                        galley,
                        dim(block.lit, colour),
                    );
                }
            }
            x += size * 0.9;
        }
    }
}

/// Neurons drawn in a column of the sketch, at most.
const SKETCH_NEURONS: usize = 6;

/// The size of the network sketch for `columns` layers (input first), `height` tall.
fn sketch_size(columns: usize, height: f32) -> egui::Vec2 {
    egui::vec2(
        height * 0.42 * (columns.max(2) - 1) as f32 + height * 0.12,
        height,
    )
}

/// The network in small: a column of neurons a layer (at most [`SKETCH_NEURONS`], three dots
/// for the rest), every link faint but those of layer `active` (0-based), which are lit with
/// the neurons they feed.
fn network_sketch(
    painter: &egui::Painter,
    rect: egui::Rect,
    sizes: &[usize],
    active: Option<usize>,
) {
    let columns = sizes.len();
    let radius = rect.height() * 0.045;
    let gap = (rect.width() - 2.0 * radius) / (columns.max(2) - 1) as f32;
    let step = (rect.height() - 2.0 * radius) / (SKETCH_NEURONS - 1) as f32;
    // A wide layer's last slot holds the dots.
    let shown = |c: usize| {
        if sizes[c] > SKETCH_NEURONS {
            SKETCH_NEURONS - 1
        } else {
            sizes[c]
        }
    };
    let spots = |c: usize| -> Vec<egui::Pos2> {
        let slots = sizes[c].min(SKETCH_NEURONS);
        let x = rect.min.x + radius + c as f32 * gap;
        let y0 = rect.center().y - step * (slots as f32 - 1.0) / 2.0;
        (0..shown(c))
            .map(|i| egui::pos2(x, y0 + i as f32 * step))
            .collect()
    };
    let all: Vec<Vec<egui::Pos2>> = (0..columns).map(spots).collect();
    let faint = egui::Stroke::new(1.0, egui::Color32::from_white_alpha(40));
    let lit = egui::Stroke::new(1.5, ACTIVE.gamma_multiply(0.8));
    for c in 0..columns.saturating_sub(1) {
        let stroke = if Some(c) == active { lit } else { faint };
        for a in &all[c] {
            for b in &all[c + 1] {
                painter.line_segment([*a, *b], stroke);
            }
        }
    }
    for (c, spots) in all.iter().enumerate() {
        let fill = if active.is_some_and(|a| c == a + 1) {
            ACTIVE
        } else {
            egui::Color32::from_gray(200)
        };
        for p in spots {
            painter.circle_filled(*p, radius, fill);
        }
        if sizes[c] > SKETCH_NEURONS
            && let Some(last) = spots.last()
        {
            for k in [-1.0, 0.0, 1.0] {
                let dot = *last + egui::vec2(0.0, step * (1.0 + 0.25 * k));
                painter.circle_filled(dot, radius * 0.4, fill);
            }
        }
    }
}

/// Lays out every heading the flow can show, unseen, so that egui has its glyphs before
/// the first shows (a render jumps from stage to stage).
pub fn warm_headings(ctx: &egui::Context, state: &FlowState, sizes: &HeadingSizes) {
    let Some(flow) = &state.flow else { return };
    // Sixths: every stage's middle, and every move of a W·a played as its SVD.
    let steps = (flow.end() * 6.0).round() as usize;
    for (i, split) in (0..=steps).flat_map(|i| Split::ALL.map(|s| (i, s))) {
        let jobs = heading_lines(ctx, flow, (i as f32 / 6.0, split), sizes, None);
        ctx.fonts_mut(|fonts| {
            for job in jobs {
                fonts.layout_job(job);
            }
        });
    }
}

/// The heading's lines at `u`, laid out: where in the network, the equation, what the
/// stage does, whether it is a projection, and `extra`.
fn heading_lines(
    ctx: &egui::Context,
    flow: &crate::engine::flow::Flow,
    (u, split): (f32, Split),
    sizes: &HeadingSizes,
    extra: Option<&str>,
) -> Vec<egui::text::LayoutJob> {
    let single = |text: String, size: f32, color: egui::Color32| {
        egui::text::LayoutJob::simple_singleline(text, egui::FontId::proportional(size), color)
    };
    let (title, mut what) = describe_position(flow, u);
    // Once W·a has begun: at its start the layer before is still what is shown.
    let moves = flow
        .svd_at(u, split)
        .filter(|_| stage_at(u, flow.layers()).t > 0.0);
    if let Some((svd, mv, _)) = moves {
        what = format!("W·a in three moves; now: {}", svd.action(mv));
    }
    let mut jobs = vec![single(title, sizes.title, egui::Color32::WHITE)];
    if let Some((terms, stage)) = crate::app::layers::equation_at(flow, u) {
        let mut job = equation_job(ctx, &terms, stage, sizes.equation);
        // Beside it (not under: the heading keeps its height), W as its three factors.
        if let Some((_, mv, _)) = moves {
            let layer = stage_at(u, flow.layers()).layer + 1;
            append_factors(ctx, &mut job, layer, mv, sizes.equation);
        }
        jobs.push(job);
    }
    jobs.push(single(what, sizes.note, egui::Color32::from_gray(200)));
    if let Some(note) = projection_note(flow, u) {
        jobs.push(single(
            note,
            sizes.note,
            egui::Color32::from_rgb(240, 200, 120),
        ));
    }
    if let Some(extra) = extra {
        jobs.push(single(
            extra.into(),
            sizes.note,
            egui::Color32::from_gray(200),
        ));
    }
    jobs
}

/// The family equations are set in: the math font, which is in from the frame after
/// start-up; until then, the usual one.
fn math_family(ctx: &egui::Context) -> egui::FontFamily {
    let math = egui::FontFamily::Name(super::MATH_FONT.into());
    if ctx.fonts(|f| f.families().contains(&math)) {
        math
    } else {
        egui::FontFamily::Proportional
    }
}

/// The equation set in the math font, the stage's terms lit.
fn equation_job(
    ctx: &egui::Context,
    terms: &[crate::app::layers::Term],
    stage: crate::engine::nn::Stage,
    size: f32,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    let font = egui::FontId::new(size, math_family(ctx));
    for (text, of) in terms {
        let color = if *of == Some(stage) {
            ACTIVE
        } else {
            egui::Color32::from_gray(215)
        };
        job.append(
            text,
            0.0,
            egui::TextFormat {
                font_id: font.clone(),
                color,
                ..Default::default()
            },
        );
    }
    job
}

/// `,  W = U Σ Vᵀ` for layer `layer` in the math font after `job`, the playing factor lit;
/// the `ᵀ` raised by hand (no bundled font has the glyph).
fn append_factors(
    ctx: &egui::Context,
    job: &mut egui::text::LayoutJob,
    layer: usize,
    playing: SvdMove,
    size: f32,
) {
    let family = math_family(ctx);
    let plain = egui::Color32::from_gray(215);
    let format = |size: f32, color: egui::Color32, raised: bool| egui::TextFormat {
        font_id: egui::FontId::new(size, family.clone()),
        color,
        valign: if raised {
            egui::Align::TOP
        } else {
            egui::Align::BOTTOM
        },
        ..Default::default()
    };
    let w = format!(",  W{} = ", crate::app::layers::subscript(layer));
    job.append(&w, 0.0, format(size, plain, false));
    // U Σ Vᵀ reads right to left: Vᵀ acts first.
    for (i, mv) in [SvdMove::RotateOut, SvdMove::Stretch, SvdMove::RotateIn]
        .into_iter()
        .enumerate()
    {
        let color = if mv == playing { ACTIVE } else { plain };
        let (base, raised) = mv.symbol_parts();
        let gap = if i == 0 { 0.0 } else { size * 0.2 };
        job.append(base, gap, format(size, color, false));
        if !raised.is_empty() {
            job.append(raised, 0.0, format(size * 0.6, color, true));
        }
    }
}

/// The explorer's heading over the layers view.
pub fn caption(
    ctx: &egui::Context,
    (view, state, network): (&LayerView, &FlowState, Option<&crate::engine::nn::Network>),
    left: f32,
    burst: &Burst,
) {
    let busy = burst.busy().then_some("training the preset's network…");
    heading(
        ctx,
        (view, state, network),
        (left, 0.0),
        &HeadingSizes::WINDOW,
        busy,
    );
}

/// Saves the explorer's set-up as a scene script (written atomically).
pub fn save_scene(
    ui: &mut egui::Ui,
    explorer: &Explorer,
    (epoch, mode): (usize, View),
    picture: &mut bool,
    io: &mut super::PanelIo,
) {
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut io.forms.scene_path)
                .hint_text("scene.ron")
                .desired_width(96.0),
        );
        let named = !io.forms.scene_path.trim().is_empty();
        if ui
            .add_enabled(named, egui::Button::new("Save as scene"))
            .on_hover_text(
                "A scene script of this set-up: the data, the network trained from its seed to \
                 this epoch, and every layer played in turn (spacefold play FILE)",
            )
            .clicked()
        {
            let path = std::path::PathBuf::from(io.forms.scene_path.trim());
            io.status.0 = Some(explorer.save_scene_to(&path, epoch, mode));
        }
        if ui
            .button("…")
            .on_hover_text("Save as scene, choosing where in a dialog")
            .clicked()
        {
            io.ask.write(crate::app::open_files::AskFile(
                crate::app::dialogs::Ask::SaveScene,
            ));
        }
        if ui
            .button("Save picture")
            .on_hover_text(
                "A PNG of the view as it is now, laid out as a slide: 16:9 (as wide as the \
                 window), the panels left out, the classes' legend and the axes' names in; \
                 spacefold-VIEW-N.png in the working folder (Ctrl+S)",
            )
            .clicked()
        {
            *picture = true;
        }
        ui.checkbox(&mut io.forms.picture_window_shape, "window's shape")
            .on_hover_text("Save picture keeps the window's shape instead of 16:9");
    });
}
