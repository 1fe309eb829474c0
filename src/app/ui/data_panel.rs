//! The data panel: pick a data set and its parameters, the split, or a CSV file.

use super::PanelIo;
use crate::app::dialogs::Ask;
use crate::app::explorer::{DataSource, Explorer, Link};
use crate::app::open_files::{AskFile, OpenFile};
use crate::engine::nn::{DatasetKind, DatasetSpec};
use bevy_egui::egui;

/// Draws the panel; any change regenerates the points and restarts training.
pub fn show(ui: &mut egui::Ui, explorer: &mut Explorer, link: &Link, io: &mut PanelIo) {
    let mut changed = false;
    let current = match &explorer.source {
        DataSource::Builtin(spec) => spec.name().to_string(),
        // The file's name: a long path would widen the panel.
        DataSource::Csv { path, .. } => format!(
            "CSV: {}",
            std::path::Path::new(path)
                .file_name()
                .map_or(path.into(), |n| n.to_string_lossy())
        ),
    };
    egui::ComboBox::from_label("data set")
        .selected_text(current)
        .show_ui(ui, |ui| {
            for name in DatasetSpec::NAMES {
                if ui.selectable_label(false, name).clicked()
                    && let Ok(spec) = DatasetSpec::default_for(name)
                {
                    explorer.source = DataSource::Builtin(spec);
                    changed = true;
                }
            }
        });
    if let DataSource::Builtin(spec) = &mut explorer.source {
        changed |= spec_controls(ui, spec);
    }
    if let DataSource::Builtin(spec) = &mut explorer.source
        && ui
            .button("New sample")
            .on_hover_text("The same data set with the next data seed")
            .clicked()
    {
        spec.set(
            "seed",
            &(spec.seed() + 1).to_string(),
            &mut explorer.options,
        )
        .ok();
        changed = true;
    }
    changed |= ui
        .add(
            egui::Slider::new(&mut explorer.options.test_ratio, 0.0..=0.9)
                // Shown to two decimals only: rounding the value itself (fixed_decimals)
                // would change a preset's exact fraction, and so the data, every frame.
                .custom_formatter(|v, _| format!("{v:.2}"))
                .text("test fraction"),
        )
        .on_hover_text("Share of the points held out to measure generalisation (drawn as rings)")
        .changed();
    changed |= ui
        .checkbox(&mut explorer.options.standardize, "standardise features")
        .on_hover_text(
            "Shift and scale each feature to mean 0, deviation 1 (fitted on the training points)",
        )
        .changed();
    changed |= ui
        .add(egui::DragValue::new(&mut explorer.seed).prefix("seed "))
        .on_hover_text("Seed of the split and of the initial weights")
        .changed();
    csv_row(ui, explorer, link, io);
    open_row(ui, io);
    if explorer.train.dim() == 2 {
        // Wrapped, so that many classes make the row taller, never the panel wider.
        ui.horizontal_wrapped(|ui| {
            ui.label("click adds");
            for k in 0..explorer.classes() as u32 {
                let [r, g, b] = crate::engine::palette::class_rgb(k);
                let text = egui::RichText::new(explorer.class_name(k))
                    .color(egui::Color32::from_rgb(r, g, b));
                ui.selectable_value(&mut io.brush.0, k, text);
            }
        })
        .response
        .on_hover_text("Left click in the plane adds a training point; Shift + click erases one");
    }
    if explorer.train.dim() > 2 {
        ui.label(format!(
            "The plane shows the first two principal components of the {} features.",
            explorer.train.dim()
        ));
    }
    ui.label(format!(
        "{} training + {} test points, {} features, {} classes",
        explorer.train.len(),
        explorer.test.len(),
        explorer.train.dim(),
        explorer.classes()
    ));
    if changed {
        explorer.regenerate();
        io.status.unless(explorer.restart(link));
    }
}

/// The CSV path field and its Load button (Enter in the field loads too). A refused file
/// leaves the data as it was and says why.
fn csv_row(ui: &mut egui::Ui, explorer: &mut Explorer, link: &Link, io: &mut PanelIo) {
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut io.forms.csv_path)
                .hint_text("file.csv")
                .desired_width(170.0),
        );
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let clicked = ui
            .button("Load CSV")
            .on_hover_text("Columns x1,...,xd,label with a header (Enter in the field loads too)")
            .clicked();
        if entered || clicked {
            let path = std::path::PathBuf::from(io.forms.csv_path.trim());
            io.status.0 = Some(explorer.open_csv(link, &path));
        }
    });
}

/// Open… (a native dialog) and the recent files.
fn open_row(ui: &mut egui::Ui, io: &mut PanelIo) {
    ui.horizontal(|ui| {
        if ui
            .button("Open…")
            .on_hover_text(
                "Open data (CSV), a network (.ron, .npz, .safetensors), a scene or a talk \
                 (Ctrl+O); dropping the file on the window opens it too",
            )
            .clicked()
        {
            io.ask.write(AskFile(Ask::Open));
        }
        let mut picked = None;
        let recent = &io.recent.list.files;
        ui.add_enabled_ui(!recent.is_empty(), |ui| {
            egui::ComboBox::from_id_salt("recent-files")
                .selected_text("Recent")
                .width(110.0)
                .show_ui(ui, |ui| {
                    for path in recent {
                        let name = path.file_name().map_or_else(
                            || path.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        if ui
                            .selectable_label(false, name)
                            .on_hover_text(path.display().to_string())
                            .clicked()
                        {
                            picked = Some(path.clone());
                        }
                    }
                });
        });
        if let Some(path) = picked {
            io.open.write(OpenFile(path));
        }
    });
}

/// Sliders for a built-in set's parameters; true when one moved.
fn spec_controls(ui: &mut egui::Ui, spec: &mut DatasetSpec) -> bool {
    let mut changed = false;
    // As many as the data set can have: a million points play smoothly in every view.
    let max_n = spec.kind.max_points();
    match &mut spec.kind {
        DatasetKind::Blobs { classes } => {
            changed |= ui
                .add(egui::Slider::new(classes, 2..=10).text("classes"))
                .changed();
        }
        DatasetKind::Spiral { arms, turns } => {
            changed |= ui
                .add(egui::Slider::new(arms, 2..=10).text("arms"))
                .changed();
            changed |= ui
                .add(egui::Slider::new(turns, 0.25..=3.0).text("turns"))
                .changed();
        }
        DatasetKind::Checkerboard { cells } => {
            changed |= ui
                .add(egui::Slider::new(cells, 2..=10).text("cells"))
                .changed();
        }
        _ => {}
    }
    let DatasetSpec { n, noise, seed, .. } = spec;
    changed |= ui
        .add(
            egui::Slider::new(n, 10..=max_n)
                .logarithmic(true)
                .text("points"),
        )
        .changed();
    changed |= ui
        .add(egui::Slider::new(noise, 0.0..=0.5).text("noise"))
        .on_hover_text("Standard deviation of the jitter added to each point")
        .changed();
    changed |= ui
        .add(egui::DragValue::new(seed).prefix("data seed "))
        .changed();
    changed
}
