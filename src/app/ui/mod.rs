//! The control panels (egui): data, network and training, in one panel on the left.

mod data_panel;
mod diagram;
mod network_panel;
mod training_panel;

use super::camera::PanelInsets;
use super::explorer::{Explorer, Link, Published};
use crate::live::Command;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        (show_control_panel, show_network_diagram),
    )
    .add_systems(Update, training_shortcuts);
}

fn show_control_panel(
    mut contexts: EguiContexts,
    mut explorer: ResMut<Explorer>,
    link: Res<Link>,
    published: Res<Published>,
    mut insets: ResMut<PanelInsets>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "spacefold-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let width = egui::Panel::left("controls")
        .resizable(true)
        .default_size(330.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.heading("spacefold");
                training_panel::status_line(ui, &published);
                if let Some(message) = &explorer.message {
                    ui.colored_label(egui::Color32::from_rgb(240, 120, 100), message);
                }
                ui.separator();
                egui::CollapsingHeader::new("Data")
                    .default_open(true)
                    .show(ui, |ui| data_panel::show(ui, &mut explorer, &link));
                egui::CollapsingHeader::new("Network")
                    .default_open(true)
                    .show(ui, |ui| network_panel::show(ui, &mut explorer, &link, &published));
                egui::CollapsingHeader::new("Training")
                    .default_open(true)
                    .show(ui, |ui| training_panel::show(ui, &mut explorer, &link, &published));
                ui.separator();
                ui.small("Space: play/pause · N: one epoch · R: frame the data · wheel: zoom · right drag: pan");
            });
        })
        .response
        .rect
        .width();
    if (insets.left - width).abs() > 0.5 {
        insets.left = width;
    }
    Ok(())
}

fn show_network_diagram(mut contexts: EguiContexts, published: Res<Published>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Some(latest) = &published.0 else {
        return Ok(());
    };
    if latest.network.input_dim() != 2 {
        return Ok(());
    }
    egui::Window::new("Network")
        .anchor(egui::Align2::RIGHT_TOP, [-10.0, 10.0])
        .default_open(true)
        .resizable(false)
        .show(ctx, |ui| {
            egui::ScrollArea::both()
                .max_height(560.0)
                .max_width(640.0)
                .show(ui, |ui| {
                    diagram::show(ui, latest);
                });
        });
    Ok(())
}

fn training_shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    link: Res<Link>,
    published: Res<Published>,
    egui: Res<bevy_egui::input::EguiWantsInput>,
) {
    if egui.wants_any_keyboard_input() {
        return;
    }
    let running = published.0.as_ref().is_some_and(|l| l.running);
    if keys.just_pressed(KeyCode::Space) {
        link.0.send(if running {
            Command::Pause
        } else {
            Command::Play
        });
    }
    if keys.just_pressed(KeyCode::KeyN) {
        link.0.send(Command::Step);
    }
}
