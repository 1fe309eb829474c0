//! The landscape view's controls: what the surfaces show, how, and a legend; plus the
//! editor of hand-set neurons written as equations.

use super::super::explorer::{Explorer, Link, Published};
use super::super::orbit::{Orbit, top_view};
use super::super::surfaces::{LandscapeState, LandscapeView, Target, morph_name};
use crate::app::class_color;
use crate::engine::landscape::{ColorMap, OutputMode, hand_network, parse_neuron};
use crate::engine::nn::Activation;
use bevy_egui::egui;

/// The hand-set neurons being edited.
#[derive(bevy::prelude::Resource)]
pub struct NeuronEditor {
    /// One equation per neuron.
    pub equations: Vec<String>,
    /// The neurons' activation.
    pub activation: Activation,
    /// Combine them into one output neuron with these weights and bias (text).
    pub combine: Option<(String, String)>,
}

impl Default for NeuronEditor {
    fn default() -> Self {
        NeuronEditor {
            equations: ["x - y - 3", "-x + y - 3", "x + y - 3", "x + y + 3"]
                .map(String::from)
                .to_vec(),
            activation: Activation::Sigmoid,
            combine: Some(("6, 6, 6, -6".into(), "2".into())),
        }
    }
}

fn to_egui(c: bevy::prelude::Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgb(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
    )
}

/// The landscape settings, in the side panel.
pub fn settings(
    ui: &mut egui::Ui,
    view: &mut LandscapeView,
    orbit: &mut Orbit,
    published: &Published,
) {
    let Some(latest) = &published.0 else { return };
    let net = &latest.network;
    let mut outputs = matches!(view.target, Target::Outputs(_));
    ui.horizontal(|ui| {
        ui.label("Show");
        if ui.radio_value(&mut outputs, true, "outputs").changed() {
            view.target = Target::Outputs(OutputMode::Softmax);
        }
        if ui.radio_value(&mut outputs, false, "one neuron").changed() {
            view.target = Target::Neuron(0, 0);
        }
    });
    match &mut view.target {
        Target::Outputs(mode) => {
            // The output the network has is the one lit: a single sigmoid output shows
            // "sigmoid", not "softmax".
            let head = net.head();
            ui.horizontal(|ui| {
                for m in OutputMode::ALL {
                    let label = match m {
                        OutputMode::Softmax => head.name(),
                        other => other.name(),
                    };
                    ui.selectable_value(mode, m, label).on_hover_text(match m {
                        OutputMode::Logits => "The last layer's W·a + b for each class",
                        OutputMode::Softmax => {
                            "The output layer's own output (each class's probability): smooth hills"
                        }
                        OutputMode::Argmax => "1 where a class wins, 0 elsewhere: flat terraces",
                    });
                }
            });
        }
        Target::Neuron(layer, neuron) => {
            let layers = net.layers().len();
            *layer = (*layer).min(layers - 1);
            ui.horizontal(|ui| {
                let mut l = *layer + 1;
                ui.add(
                    egui::DragValue::new(&mut l)
                        .range(1..=layers)
                        .prefix("layer "),
                );
                *layer = l - 1;
                let width = net.layers()[*layer].outputs();
                *neuron = (*neuron).min(width - 1);
                let mut n = *neuron + 1;
                ui.add(
                    egui::DragValue::new(&mut n)
                        .range(1..=width)
                        .prefix("neuron "),
                );
                *neuron = n - 1;
            });
            ui.checkbox(
                &mut view.pre_activation,
                "Pre-activation plane and its zero line",
            )
            .on_hover_text(
                "W·a + b as a translucent plane; the red line on the floor is where it is 0",
            );
            let mut morphing = view.morph.is_some();
            ui.horizontal(|ui| {
                if ui
                    .checkbox(&mut morphing, "Morph")
                    .on_hover_text("Show the neuron through identity → sigmoid → step instead of its own activation")
                    .changed()
                {
                    view.morph = morphing.then_some(1.0);
                }
                if let Some(t) = &mut view.morph {
                    ui.add(egui::Slider::new(t, 0.0..=2.0).show_value(false));
                    ui.label(morph_name(*t));
                }
            });
        }
    }
    plane_and_camera(ui, view, orbit);
}

/// How far the plane reaches, how finely and tall the surfaces are drawn, their colours,
/// and the camera buttons.
fn plane_and_camera(ui: &mut egui::Ui, view: &mut LandscapeView, orbit: &mut Orbit) {
    ui.horizontal(|ui| {
        ui.label("Plane");
        for z in [1.0, 3.0, 10.0, 100.0] {
            ui.selectable_value(&mut view.zoom_out, z, format!("{z}×"))
                .on_hover_text("How far beyond the data: see how the network extrapolates");
        }
    });
    ui.horizontal(|ui| {
        ui.add(
            egui::DragValue::new(&mut view.resolution)
                .range(8..=512)
                .suffix(" samples"),
        )
        .on_hover_text("Samples along each side of a surface");
        ui.add(
            egui::Slider::new(&mut view.height, 0.0..=1.0)
                .text("height")
                .show_value(false),
        );
    });
    ui.horizontal(|ui| {
        ui.label("Colours");
        egui::ComboBox::from_id_salt("colormap")
            .selected_text(view.colormap.name())
            .show_ui(ui, |ui| {
                for m in ColorMap::ALL {
                    ui.selectable_value(&mut view.colormap, m, m.name());
                }
            });
    });
    ui.horizontal(|ui| {
        if ui.button("Top view (T)").clicked() {
            top_view(orbit);
        }
        if ui.button("Side view").clicked() {
            *orbit = Orbit {
                turn: orbit.turn,
                ..Orbit::default()
            };
        }
    });
}

/// The editor of hand-set neurons: equations, their activation, and how they combine.
pub fn neuron_editor(
    ui: &mut egui::Ui,
    editor: &mut NeuronEditor,
    (explorer, link): (&mut Explorer, &Link),
    status: &mut crate::app::Status,
) {
    let mut remove = None;
    for (i, eq) in editor.equations.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("n{}", i + 1));
            let ok = parse_neuron(eq).is_ok();
            let edit = egui::TextEdit::singleline(eq).desired_width(150.0);
            let response = ui.add(if ok {
                edit
            } else {
                edit.text_color(egui::Color32::from_rgb(240, 120, 100))
            });
            response.on_hover_text("A line in x and y, like x - y - 3 or 0.5x + 2y + 1");
            if ui.small_button("✖").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        editor.equations.remove(i);
    }
    ui.horizontal(|ui| {
        if ui.button("+ neuron").clicked() {
            editor.equations.push("x + y".into());
        }
        egui::ComboBox::from_id_salt("hand-activation")
            .selected_text(editor.activation.name())
            .show_ui(ui, |ui| {
                for a in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
                    ui.selectable_value(&mut editor.activation, a, a.name());
                }
            });
    });
    let mut combine = editor.combine.is_some();
    if ui
        .checkbox(&mut combine, "Combine into one output neuron")
        .changed()
    {
        editor.combine =
            combine.then(|| (vec!["1"; editor.equations.len()].join(", "), "0".into()));
    }
    if let Some((weights, bias)) = &mut editor.combine {
        ui.horizontal(|ui| {
            ui.label("weights");
            ui.add(egui::TextEdit::singleline(weights).desired_width(110.0));
            ui.label("bias");
            ui.add(egui::TextEdit::singleline(bias).desired_width(40.0));
        });
    }
    if ui
        .button("Use these neurons")
        .on_hover_text("Replace the network by these hand-set neurons (training pauses)")
        .clicked()
    {
        let placed = build(editor)
            .and_then(|net| explorer.take_network(link, net))
            .map(|()| "hand-set neurons in place".to_string());
        status.0 = Some(placed);
    }
}

fn build(editor: &NeuronEditor) -> Result<crate::engine::nn::Network, String> {
    let neurons: Vec<([f32; 2], f32)> = editor
        .equations
        .iter()
        .map(|e| parse_neuron(e))
        .collect::<Result<_, _>>()?;
    match &editor.combine {
        None => hand_network(&neurons, editor.activation, None),
        Some((w, b)) => {
            let weights: Vec<f32> = w
                .split([',', ' '])
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<f32>()
                        .map_err(|_| format!("output weight `{s}` is not a number"))
                })
                .collect::<Result<_, _>>()?;
            let bias: f32 = b
                .trim()
                .parse()
                .map_err(|_| format!("output bias `{b}` is not a number"))?;
            hand_network(
                &neurons,
                editor.activation,
                Some((&weights, bias, editor.activation)),
            )
        }
    }
}

/// The legend: the colour scale of a single surface with its values, or the class colours
/// with the classes' names (`name`).
pub fn legend(
    ctx: &egui::Context,
    state: &LandscapeState,
    view: &LandscapeView,
    name: &dyn Fn(u32) -> String,
) {
    let rect = ctx.viewport_rect();
    egui::Area::new("landscape-legend".into())
        .order(egui::Order::Foreground)
        .pivot(egui::Align2::RIGHT_TOP)
        .fixed_pos(egui::pos2(rect.right() - 12.0, 12.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::new()
                .fill(egui::Color32::from_black_alpha(160))
                .corner_radius(6.0)
                .inner_margin(egui::Margin::symmetric(12, 8))
                .show(ui, |ui| {
                    if let Some(e) = &state.error {
                        ui.colored_label(egui::Color32::from_rgb(240, 120, 100), e);
                        return;
                    }
                    for s in &state.surfaces {
                        match s.class {
                            Some(k) => {
                                ui.horizontal(|ui| {
                                    let (r, _) = ui.allocate_exact_size(
                                        egui::vec2(14.0, 14.0),
                                        egui::Sense::hover(),
                                    );
                                    ui.painter().rect_filled(r, 2.0, to_egui(class_color(k)));
                                    // "class 2 (softmax)" with the class's own name.
                                    let what = s.label.split_once(' ').map_or("", |l| l.1);
                                    let what = what.split_once(' ').map_or("", |l| l.1);
                                    ui.label(format!("{} {what}", name(k)));
                                });
                            }
                            None => {
                                ui.label(egui::RichText::new(&s.label).strong());
                                if s.label.starts_with("pre-activation") {
                                    continue;
                                }
                                let (r, _) = ui.allocate_exact_size(
                                    egui::vec2(180.0, 14.0),
                                    egui::Sense::hover(),
                                );
                                let steps = 36;
                                for i in 0..steps {
                                    let t = i as f32 / (steps - 1) as f32;
                                    let [cr, cg, cb] = view.colormap.srgb(t);
                                    let x0 = r.left() + r.width() * i as f32 / steps as f32;
                                    let cell = egui::Rect::from_min_max(
                                        egui::pos2(x0, r.top()),
                                        egui::pos2(x0 + r.width() / steps as f32 + 0.5, r.bottom()),
                                    );
                                    ui.painter().rect_filled(
                                        cell,
                                        0.0,
                                        egui::Color32::from_rgb(
                                            (cr * 255.0) as u8,
                                            (cg * 255.0) as u8,
                                            (cb * 255.0) as u8,
                                        ),
                                    );
                                }
                                ui.horizontal(|ui| {
                                    ui.label(format!("{:.3}", s.range.0));
                                    ui.add_space(100.0);
                                    ui.label(format!("{:.3}", s.range.1));
                                });
                            }
                        }
                    }
                    if !state.zero_line.is_empty() && view.pre_activation {
                        ui.colored_label(
                            egui::Color32::from_rgb(255, 90, 77),
                            "— zero line of W·a + b",
                        );
                    }
                    if view.zoom_out > 1.0 {
                        ui.small(format!("plane: {}× the data's extent", view.zoom_out));
                    }
                });
        });
}
