//! The training panel: optimizer settings, play / pause / step / reset, and the live plot.

use crate::app::explorer::{Explorer, Link, Published};
use crate::engine::live::Request;
use crate::engine::nn::Optimizer;
use bevy_egui::egui;
use egui_plot::{Legend, Line, Plot};

/// One line under the title: epoch, losses, accuracy, and any error.
pub fn status_line(ui: &mut egui::Ui, published: &Published) {
    // Two lines whatever the state, so that the panel never jumps.
    let Some(latest) = &published.0 else {
        ui.label("starting…");
        ui.label(" ");
        return;
    };
    let last = latest.history.last();
    // Without held-out points (a scene shows them all) there is no test accuracy to give.
    let test = match last {
        Some(h) if h.test_loss != 0.0 || h.test_accuracy != 0.0 => {
            format!("  ·  test acc {:.1}%", 100.0 * h.test_accuracy)
        }
        _ => String::new(),
    };
    ui.add(
        egui::Label::new(format!(
            "epoch {}  ·  {}",
            latest.epoch,
            if latest.running { "training" } else { "paused" }
        ))
        .truncate(),
    );
    match &latest.error {
        Some(error) => {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(error).color(egui::Color32::from_rgb(240, 120, 100)),
                )
                .truncate(),
            )
            .on_hover_text(error);
        }
        None => {
            ui.add(
                egui::Label::new(format!(
                    "train acc {:.1}%{test}",
                    100.0 * last.map_or(0.0, |h| h.train_accuracy)
                ))
                .truncate(),
            );
        }
    }
}

/// Draws the panel.
pub fn show(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    status: &mut crate::app::Status,
) {
    let mut config = explorer.config.clone();
    let mut kind = config.optimizer.name();
    let mut lr = match config.optimizer {
        Optimizer::Sgd { lr, .. } | Optimizer::Adam { lr, .. } => lr,
        Optimizer::Lbfgs { .. } => 0.01,
    };
    egui::ComboBox::from_label("optimizer")
        .selected_text(kind)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut kind, "sgd", "sgd (momentum 0.9)");
            ui.selectable_value(&mut kind, "adam", "adam");
            ui.selectable_value(&mut kind, "lbfgs", "lbfgs (full batch)");
        });
    ui.add_enabled(
        kind != "lbfgs",
        egui::Slider::new(&mut lr, 1e-4..=1.0)
            .logarithmic(true)
            .text("learning rate"),
    );
    let mut full = config.batch_size == 0;
    ui.horizontal(|ui| {
        ui.checkbox(&mut full, "full batch");
        if !full {
            if config.batch_size == 0 {
                config.batch_size = 32;
            }
            ui.add(
                egui::DragValue::new(&mut config.batch_size)
                    .range(1..=100_000)
                    .prefix("batch "),
            );
        }
    });
    if full {
        config.batch_size = 0;
    }
    ui.add(
        egui::Slider::new(&mut config.l2, 0.0..=1.0)
            .logarithmic(true)
            .text("L2")
            .smallest_positive(1e-5),
    )
    .on_hover_text("Penalty on the weights' squares (scikit-learn's alpha)");
    config.optimizer = Optimizer::parse(kind, lr).unwrap_or(config.optimizer);
    if config != explorer.config {
        explorer.config = config.clone();
        link.0.send(Request::SetConfig(config));
    }
    speed_and_transport(ui, explorer, link, published, status);
}

/// The training speed, play / step / reset, the time per epoch and the loss chart.
fn speed_and_transport(
    ui: &mut egui::Ui,
    explorer: &mut Explorer,
    link: &Link,
    published: &Published,
    status: &mut crate::app::Status,
) {
    let mut unlimited = explorer.speed.is_none();
    let mut rate = explorer
        .speed
        .unwrap_or(crate::app::explorer::DEFAULT_SPEED);
    ui.horizontal(|ui| {
        ui.add_enabled(
            !unlimited,
            egui::Slider::new(&mut rate, 1.0..=5000.0)
                .logarithmic(true)
                .text("epochs/s"),
        );
        ui.checkbox(&mut unlimited, "max")
            .on_hover_text("Train as fast as the machine goes");
    });
    let speed = (!unlimited).then_some(rate);
    if speed != explorer.speed {
        explorer.speed = speed;
        link.0.send(Request::SetSpeed(speed));
    }

    let running = published.0.as_ref().is_some_and(|l| l.running);
    ui.horizontal(|ui| {
        let label = if running { "⏸ Pause" } else { "▶ Play" };
        if ui.button(label).on_hover_text("Space").clicked() {
            link.0.send(if running {
                Request::Pause
            } else {
                Request::Play
            });
        }
        if ui.button("Step").on_hover_text("One epoch (N)").clicked() {
            link.0.send(Request::Step);
        }
        if ui
            .button("Reset")
            .on_hover_text("Fresh weights, epoch 0")
            .clicked()
        {
            status.unless(explorer.restart(link));
        }
    });
    if let Some(latest) = &published.0 {
        if latest.seconds_per_epoch > 0.0 {
            ui.small(format!(
                "{:.2} ms per epoch",
                latest.seconds_per_epoch * 1e3
            ));
        }
        plot_history(ui, latest);
    }
}

fn plot_history(ui: &mut egui::Ui, latest: &crate::engine::live::Latest) {
    let pick = |f: fn(&crate::engine::live::HistoryPoint) -> f64| -> Vec<[f64; 2]> {
        latest
            .history
            .iter()
            .map(|h| [h.epoch as f64, f(h)])
            .collect()
    };
    ui.label("loss");
    Plot::new("loss")
        .height(110.0)
        .legend(Legend::default())
        .include_y(0.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show(ui, |p| {
            p.line(Line::new("train", pick(|h| h.train_loss)));
            p.line(Line::new("test", pick(|h| h.test_loss)));
        });
    ui.label("accuracy");
    Plot::new("accuracy")
        .height(110.0)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_boxed_zoom(false)
        .show(ui, |p| {
            p.line(Line::new("train", pick(|h| h.train_accuracy)));
            p.line(Line::new("test", pick(|h| h.test_accuracy)));
        });
}
