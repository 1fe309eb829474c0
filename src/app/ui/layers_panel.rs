//! The layers view's controls: settings in the side panel, the timeline bar under the view,
//! the caption over it, and the preset picker.

use super::super::View;
use super::super::explorer::{Burst, Explorer, Link};
use super::super::layers::{FlowState, LayerView, describe_position, projection_note};
use super::super::orbit::Orbit;
use crate::flow::{Bend, Ease, STAGES_PER_LAYER, stage_at};
use crate::presets::{PRESETS, Preset};
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

/// Sets the explorer, the worker and the views up for a preset; returns the view it opens on.
#[allow(clippy::too_many_arguments)]
pub fn apply_preset(
    preset: &Preset,
    explorer: &mut Explorer,
    link: &Link,
    view: &mut LayerView,
    orbit: &mut Orbit,
    burst: &mut Burst,
    seen: u64,
    landscape: &mut super::super::landscape::LandscapeView,
) -> Result<View, String> {
    let resolved = preset.resolve().map_err(|e| e.0)?;
    let fresh = Explorer::from_resolved(&resolved, preset.setup().seed);
    explorer.replace_with(fresh);
    explorer.restart_with(link, resolved.network.clone());
    burst.request(link, preset.epochs, seen);
    let start = preset.start();
    // The user's grid, speed, easing and surface height stay.
    *view = LayerView {
        grid_lines: view.grid_lines,
        grid_samples: view.grid_samples,
        speed: view.speed,
        ease: view.ease,
        ..LayerView::from_start(&start)
    };
    *orbit = Orbit::from_start(&start);
    if start.view == View::Landscape {
        landscape.0 = crate::landscape::SurfaceSettings {
            height: landscape.height,
            ..start.surface
        };
    }
    Ok(start.view)
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
    ui.checkbox(
        &mut view.boundary,
        "Decision boundary at the last hidden layer",
    )
    .on_hover_text(
        "The output layer's lines (2D) or planes (3D) where the class changes: the data \
             has become linearly separable when they split it",
    );
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
    ui.horizontal(|ui| {
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
        let mut layers = view.position / STAGES_PER_LAYER as f32;
        let width = (ui.available_width() - 330.0).max(120.0);
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
            view.position = crate::setup::layers_to_stages(layers).clamp(0.0, end);
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

    /// A scene's heading, sized to the view's height as its captions are.
    pub fn for_height(height: f32) -> HeadingSizes {
        HeadingSizes {
            title: (height * 0.03).max(13.0),
            equation: (height * 0.045).max(18.0),
            note: (height * 0.026).max(11.0),
        }
    }
}

/// The colour of the equation's active term.
const ACTIVE: egui::Color32 = egui::Color32::from_rgb(250, 205, 110);

/// The stage heading over the view: where in the network, the layer's equation with the
/// playing stage's term lit, what that stage does, and whether what is shown is a projection.
pub fn heading(
    ctx: &egui::Context,
    view: &LayerView,
    state: &FlowState,
    left: f32,
    sizes: &HeadingSizes,
    extra: Option<&str>,
) {
    let Some(flow) = &state.flow else { return };
    let rect = ctx.viewport_rect();
    let x = left + (rect.width() - left) / 2.0;
    // Painted, not placed in an area: an area new to egui spends its first frame unseen,
    // sizing itself, and a render shows every frame once.
    let jobs = heading_lines(ctx, flow, view.position, sizes, extra);
    let galleys: Vec<_> = ctx.fonts_mut(|f| jobs.into_iter().map(|j| f.layout_job(j)).collect());
    let gap = 2.0;
    let margin = egui::vec2(14.0, 6.0);
    let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max);
    let height = galleys.iter().map(|g| g.size().y).sum::<f32>() + gap * (galleys.len() - 1) as f32;
    let top = rect.height() * 0.012;
    let card = egui::Rect::from_min_size(
        egui::pos2(x - width / 2.0 - margin.x, top),
        egui::vec2(width + 2.0 * margin.x, height + 2.0 * margin.y),
    );
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        "layers-heading".into(),
    ));
    painter.rect_filled(card, 6.0, egui::Color32::from_black_alpha(150));
    let mut y = top + margin.y;
    for galley in galleys {
        let at = egui::pos2(x - galley.size().x / 2.0, y);
        y += galley.size().y + gap;
        painter.galley(at, galley, egui::Color32::WHITE);
    }
}

/// Lays out every heading the flow can show, unseen, so that egui has its glyphs before
/// the first shows (a render jumps from stage to stage).
pub fn warm_headings(ctx: &egui::Context, state: &FlowState, sizes: &HeadingSizes) {
    let Some(flow) = &state.flow else { return };
    let steps = (flow.end() * 2.0).round() as usize;
    for i in 0..=steps {
        let jobs = heading_lines(ctx, flow, i as f32 / 2.0, sizes, None);
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
    flow: &crate::flow::Flow,
    u: f32,
    sizes: &HeadingSizes,
    extra: Option<&str>,
) -> Vec<egui::text::LayoutJob> {
    let single = |text: String, size: f32, color: egui::Color32| {
        egui::text::LayoutJob::simple_singleline(text, egui::FontId::proportional(size), color)
    };
    let (title, what) = describe_position(flow, u);
    let mut jobs = vec![single(title, sizes.title, egui::Color32::WHITE)];
    if let Some((terms, stage)) = crate::app::layers::equation_at(flow, u) {
        jobs.push(equation_job(ctx, &terms, stage, sizes.equation));
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

/// The equation set in the math font, the stage's terms lit.
fn equation_job(
    ctx: &egui::Context,
    terms: &[crate::app::layers::Term],
    stage: crate::nn::Stage,
    size: f32,
) -> egui::text::LayoutJob {
    let mut job = egui::text::LayoutJob::default();
    let math = egui::FontFamily::Name(super::MATH_FONT.into());
    // The math font is in from the frame after start-up; until then, the usual one.
    let ready = ctx.fonts(|f| f.families().contains(&math));
    let font = egui::FontId::new(
        size,
        if ready {
            math
        } else {
            egui::FontFamily::Proportional
        },
    );
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

/// The explorer's heading over the layers view.
pub fn caption(ctx: &egui::Context, view: &LayerView, state: &FlowState, left: f32, burst: &Burst) {
    let busy = burst.busy().then_some("training the preset's network…");
    heading(ctx, view, state, left, &HeadingSizes::WINDOW, busy);
}

/// Saves the explorer's set-up as a scene script (written atomically).
pub fn save_scene(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    epoch: usize,
    mode: View,
    picture: &mut bool,
) {
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut explorer.scene_path)
                .hint_text("scene.ron")
                .desired_width(96.0),
        );
        let named = !explorer.scene_path.trim().is_empty();
        if ui
            .add_enabled(named, egui::Button::new("Save as scene"))
            .on_hover_text(
                "A scene script of this set-up: the data, the network trained from its seed to \
                 this epoch, and every layer played in turn (spacefold play FILE)",
            )
            .clicked()
        {
            let path = std::path::PathBuf::from(explorer.scene_path.trim());
            let saved = explorer.scene_script(epoch, mode).and_then(|text| {
                crate::io::write_atomic(&path, text.as_bytes())
                    .map(|()| {
                        format!(
                            "saved {} (play it: spacefold play {})",
                            path.display(),
                            path.display()
                        )
                    })
                    .map_err(|e| format!("cannot save {}: {e}", path.display()))
            });
            explorer.message = Some(saved);
        }
        if ui
            .button("Save picture")
            .on_hover_text(
                "A PNG of the view as it is now, at the window's size, without the panels: \
                 spacefold-VIEW-N.png in the working folder (Ctrl+S)",
            )
            .clicked()
        {
            *picture = true;
        }
    });
}
