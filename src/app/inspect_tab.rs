//! The Inspect tab: paste any Sinch ticket or JWT, from any generator, and see it decoded and
//! verified with the selected profile. The verdict sentence comes from the core
//! ([`crate::sinch::Inspection::verdict_sentence`]), as on the command line.

use eframe::egui::{self, TextEdit, Ui};

use super::action::{Action, PanelContext, TabPanel};
use super::widgets::{error_text, inspection_grid, labelled};
use crate::sinch::{VerifyWith, inspect};

/// The Inspect tab's state: what is pasted.
#[derive(Default)]
pub struct InspectTab {
    /// The pasted token.
    pub input: String,
    /// Focus the token field when next drawn.
    focus: bool,
}

impl InspectTab {
    /// Draws the input and the report. Inspecting takes microseconds, so it runs every frame
    /// the tab is drawn, and always with the profile selected now.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        labelled(ui, "Token to inspect", |ui, label| {
            let response = ui.add(
                TextEdit::multiline(&mut self.input)
                    .font(egui::TextStyle::Monospace)
                    .hint_text(
                        "Paste a legacy ticket (BASE64:BASE64) or a JWT (header.payload.signature)",
                    )
                    .desired_rows(4)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("Any Sinch ticket or JWT, from any generator");
            if std::mem::take(&mut self.focus) {
                response.request_focus();
            }
        });
        // Nothing is said about verification until there is something to verify.
        if self.input.trim().is_empty() {
            return Vec::new();
        }
        let profile = cx.profile.ready();
        if profile.is_none() {
            ui.weak("No profile loaded: the token is decoded but not verified.");
        }
        let verify = profile.map(|p| VerifyWith {
            secret: &p.secret,
            application_key: Some(&p.key),
        });
        match inspect(&self.input, verify, cx.now) {
            Err(err) => error_text(ui, &err.to_string()),
            Ok(inspection) => {
                ui.heading(inspection.verdict_sentence());
                if let Some(expiry) = &inspection.expiry {
                    ui.label(expiry);
                }
                inspection_grid(
                    ui,
                    &inspection,
                    "inspected",
                    profile.map(|p| p.name.as_str()),
                );
                ui.collapsing("Decoded JSON", |ui| {
                    ui.add(
                        TextEdit::multiline(&mut inspection.json.as_str())
                            .font(egui::TextStyle::Monospace)
                            .desired_width(f32::INFINITY),
                    );
                });
            }
        }
        Vec::new()
    }
}

impl TabPanel for InspectTab {
    fn title(&self) -> &'static str {
        "Inspect"
    }

    fn tooltip(&self) -> &'static str {
        "Decode and verify any Sinch ticket or JWT (Ctrl+2)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        None
    }

    fn focus_main(&mut self) {
        self.focus = true;
    }
}
