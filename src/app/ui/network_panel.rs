//! The network panel: hidden layers (width, activation), the output head, fresh weights.

use super::{Forms, PanelIo};
use crate::app::dialogs::Ask;
use crate::app::explorer::{EditKind, Explorer, Link, Published};
use crate::app::open_files::AskFile;
use crate::engine::live::Request;
use crate::engine::nn::Activation;
use bevy_egui::egui;

/// Most hidden layers the panel offers.
const MAX_HIDDEN: usize = 8;
/// Widest layer the panel offers.
const MAX_WIDTH: usize = 128;

/// Draws the panel; any change restarts training from fresh weights.
pub fn show(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    io: &mut PanelIo,
) {
    // A drag or typing that goes on over frames is one edit (Ctrl+Z undoes it whole).
    let ongoing = ui.input(|i| i.pointer.any_down()) || ui.ctx().egui_wants_keyboard_input();
    explorer.history.gesture(ongoing);
    let before = (explorer.hidden.clone(), explorer.head);
    let mut changed = hidden_layers(ui, explorer);
    // What the live network's output layer is: a preset or a file may have one the two
    // choices below do not name (two sigmoid outputs, say), and then neither is marked.
    let live = published.0.as_ref().and_then(|l| {
        let last = l.network.layers().last()?;
        Some((last.outputs(), last.activation))
    });
    if explorer.classes() == 2 {
        let (sigmoid_one, softmax_two) = match live {
            Some((n, a)) => (
                n == 1 && a == Activation::Sigmoid,
                n == 2 && a == Activation::Softmax,
            ),
            None => (
                explorer.head == Activation::Sigmoid,
                explorer.head == Activation::Softmax,
            ),
        };
        ui.horizontal(|ui| {
            ui.label("output");
            if ui.radio(sigmoid_one, "sigmoid (1 neuron)").clicked() && !sigmoid_one {
                explorer.head = Activation::Sigmoid;
                changed = true;
            }
            if ui.radio(softmax_two, "softmax (2)").clicked() && !softmax_two {
                explorer.head = Activation::Softmax;
                changed = true;
            }
        });
        if let (Some((n, a)), false, false) = (live, sigmoid_one, softmax_two) {
            ui.label(format!(
                "now: {n} {} output neurons (from the preset or file)",
                a.name()
            ));
        }
    } else {
        let head = live.map_or("softmax", |(_, a)| a.name());
        ui.label(format!(
            "output: {head} over {} classes",
            explorer.classes()
        ));
    }
    // The live network's sizes (a loaded or preset network may differ from the panel's
    // defaults, e.g. two sigmoid outputs).
    let sizes: Vec<String> = published
        .0
        .as_ref()
        .map_or_else(|| explorer.sizes(), |l| l.network.sizes())
        .iter()
        .map(ToString::to_string)
        .collect();
    let params = published
        .0
        .as_ref()
        .map_or(0, |l| l.network.parameter_count());
    ui.label(format!(
        "{}  ({params} weights and biases)",
        sizes.join("-")
    ));
    if changed {
        if let Some(latest) = &published.0 {
            let live = Some((before, &latest.network));
            explorer.record_gesture(EditKind::Network, live, ongoing);
        }
        io.status.unless(explorer.restart(link));
    }
    network_file(ui, explorer, link, published, io);
    if let Some(latest) = &published.0 {
        egui::CollapsingHeader::new("Weights")
            .default_open(false)
            .show(ui, |ui| {
                edit_weights(
                    ui,
                    explorer,
                    link,
                    (&latest.network, ongoing),
                    &mut io.forms,
                )
            });
    }
}

/// The hidden layers' widths and activations, with buttons to add and remove layers and to
/// draw fresh weights. Returns whether anything changed.
fn hidden_layers(ui: &mut egui::Ui, explorer: &mut Explorer) -> bool {
    let mut changed = false;
    let mut remove = None;
    for (i, (width, activation)) in explorer.hidden.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("layer {}", i + 1));
            changed |= ui
                .add(
                    egui::DragValue::new(width)
                        .range(1..=MAX_WIDTH)
                        .suffix(" neurons"),
                )
                .changed();
            egui::ComboBox::from_id_salt(("activation", i))
                .selected_text(activation.name())
                .show_ui(ui, |ui| {
                    for a in Activation::ALL.into_iter().filter(|a| a.is_elementwise()) {
                        changed |= ui.selectable_value(activation, a, a.name()).changed();
                    }
                });
            if ui
                .small_button("✖")
                .on_hover_text("Remove this layer")
                .clicked()
            {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        explorer.hidden.remove(i);
        changed = true;
    }
    ui.horizontal(|ui| {
        let can_add = explorer.hidden.len() < MAX_HIDDEN;
        if ui
            .add_enabled(can_add, egui::Button::new("+ layer"))
            .clicked()
        {
            let (width, activation) = explorer
                .hidden
                .last()
                .copied()
                .unwrap_or((8, Activation::Relu));
            explorer.hidden.push((width, activation));
            changed = true;
        }
        if ui
            .button("New weights")
            .on_hover_text("Start again from fresh random weights")
            .clicked()
        {
            changed = true;
        }
    });
    changed
}

/// Rows and columns of a layer the weight editor shows.
const EDIT_ROWS: usize = 12;
const EDIT_COLS: usize = 8;

/// A grid of the chosen layer's weights (rows: neurons, columns: inputs) and biases. An edit
/// pauses training and takes effect at once: the regions and the diagram follow.
fn edit_weights(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    link: &Link,
    (network, ongoing): (&crate::engine::nn::Network, bool),
    forms: &mut Forms,
) {
    let layers = network.layers().len();
    forms.weights_layer = forms.weights_layer.min(layers - 1);
    egui::ComboBox::from_label("layer")
        .selected_text(format!("{}", forms.weights_layer + 1))
        .show_ui(ui, |ui| {
            for l in 0..layers {
                ui.selectable_value(&mut forms.weights_layer, l, format!("{}", l + 1));
            }
        });
    let l = forms.weights_layer;
    let mut edited = network.clone();
    let mut changed = false;
    {
        let layer = edited.layer_mut(l);
        let (rows, cols) = (layer.weights.nrows(), layer.weights.ncols());
        // Big layers page through their neurons and inputs.
        let (row0, col0) = &mut forms.weights_offset;
        let (shown_rows, shown_cols) = (rows.min(EDIT_ROWS), cols.min(EDIT_COLS));
        if rows > EDIT_ROWS || cols > EDIT_COLS {
            ui.horizontal(|ui| {
                let first_row = egui::DragValue::new(row0).range(0..=rows - shown_rows);
                ui.add(first_row.prefix("from neuron "));
                let first_col = egui::DragValue::new(col0).range(0..=cols - shown_cols);
                ui.add(first_col.prefix("from input "));
            });
        }
        let row0 = (*row0).min(rows - shown_rows);
        let col0 = (*col0).min(cols - shown_cols);
        egui::Grid::new(("weights", l))
            .striped(true)
            .show(ui, |ui| {
                ui.label("");
                for j in col0..col0 + shown_cols {
                    ui.label(format!("in {}", j + 1));
                }
                ui.label("bias");
                ui.end_row();
                for i in row0..row0 + shown_rows {
                    ui.label(format!("n{}", i + 1));
                    for j in col0..col0 + shown_cols {
                        changed |= ui.add(cell(&mut layer.weights[(i, j)])).changed();
                    }
                    changed |= ui.add(cell(&mut layer.bias[i])).changed();
                    ui.end_row();
                }
            });
        if rows > EDIT_ROWS || cols > EDIT_COLS {
            ui.small(format!(
                "neurons {}-{} of {rows}, inputs {}-{} of {cols}",
                row0 + 1,
                row0 + shown_rows,
                col0 + 1,
                col0 + shown_cols
            ));
        }
    }
    if changed {
        let live = Some(((explorer.hidden.clone(), explorer.head), network));
        explorer.record_gesture(EditKind::Weights, live, ongoing);
        link.0.send(Request::Pause);
        link.0.send(Request::SetNetwork(edited));
    }
}

/// One editable weight.
fn cell(v: &mut f32) -> egui::DragValue<'_> {
    egui::DragValue::new(v).speed(0.01).max_decimals(3)
}

/// Loads a network file (RON) in place of the live network, paused, or saves the live one.
fn network_file(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    io: &mut PanelIo,
) {
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut io.forms.network_path)
                .hint_text("network.ron")
                .desired_width(150.0),
        );
        let path = std::path::PathBuf::from(io.forms.network_path.trim());
        let named = !io.forms.network_path.trim().is_empty();
        if ui
            .add_enabled(named, egui::Button::new("Load"))
            .on_hover_text("Show and train this saved network on the current data (paused)")
            .clicked()
        {
            io.status.0 = Some(explorer.open_network(link, &path));
        }
        if ui
            .add_enabled(named && published.0.is_some(), egui::Button::new("Save"))
            .on_hover_text("Save the live network's weights (RON, written atomically)")
            .clicked()
            && let Some(latest) = &published.0
        {
            io.status.0 = Some(explorer.save_network_to(&path, &latest.network));
        }
        if ui
            .add_enabled(published.0.is_some(), egui::Button::new("…"))
            .on_hover_text("Save the live network, choosing where in a dialog")
            .clicked()
        {
            io.ask.write(AskFile(Ask::SaveNetwork));
        }
    });
}
