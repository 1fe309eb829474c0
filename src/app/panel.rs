//! The information panel: what data set and network are loaded, and the class legend.

use super::{Scenario, class_color};
use crate::cli::describe;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, show_info_panel);
}

fn show_info_panel(mut contexts: EguiContexts, scenario: Res<Scenario>) -> Result {
    let r = &scenario.0;
    egui::Window::new("spacefold")
        .anchor(egui::Align2::LEFT_TOP, [10.0, 10.0])
        .resizable(false)
        .show(contexts.ctx_mut()?, |ui| {
            ui.label(format!("Data: {}", r.data_label));
            ui.label(format!(
                "{} training points (filled), {} test points (rings)",
                r.train.len(),
                r.test.len()
            ));
            if r.train.dim() > 2 {
                ui.label(format!("{} features: showing x1 and x2", r.train.dim()));
            }
            ui.label(format!("Network: {}", describe(&r.network)));
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                for k in 0..r.train.classes as u32 {
                    let [red, green, blue, _] = class_color(k).to_srgba().to_u8_array();
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                    ui.painter().circle_filled(
                        rect.center(),
                        5.0,
                        egui::Color32::from_rgb(red, green, blue),
                    );
                    ui.label(format!("class {k}"));
                }
            });
        });
    Ok(())
}
