//! The Callbacks tab's Verify part: paste a request Sinch sent to your server (or any signed request), as
//! raw HTTP, and see whether it verifies with the selected profile, why not, and the string
//! its signature should cover, to compare with what your server computed. Every scheme is
//! recognised, and checked with the profile's secret of that kind: the core's
//! [`crate::sinch::received::verify_received`], as `listen` checks them.

use eframe::egui::{self, TextEdit, Ui};

use crate::app::action::{Action, PanelContext};
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{OK_GREEN, error_text, labelled, warning_text};
use crate::net::http1::parse_request;
use crate::profiles::CredentialKind;
use crate::sinch::received::{Missing, Secrets, verify_received};
use crate::sinch::signing::{CallbackKeys, DEFAULT_MAX_AGE_SECS};

/// The Verify part's state.
#[derive(Default)]
pub struct VerifyPart {
    /// The pasted request.
    pub input: String,
    /// Accept an old x-timestamp (no replay check), for requests saved earlier.
    pub any_age: bool,
}

impl VerifyPart {
    /// Draws the input and the verdict. Verifying takes microseconds: it runs every frame the
    /// tab is drawn, with the profile selected now.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        two_panes(
            ui,
            "verify",
            ["Pasted request pane", "Verdict pane"],
            |ui, pane| match pane {
                Pane::Give => self.request_pane(ui),
                Pane::Get => self.verdict_pane(ui, cx),
            },
        );
        Vec::new()
    }

    fn request_pane(&mut self, ui: &mut Ui) {
        labelled(ui, "Raw request", |ui, label| {
            ui.add(
                TextEdit::multiline(&mut self.input)
                    .font(egui::TextStyle::Monospace)
                    .hint_text("POST /sinch/callback HTTP/1.1\nContent-Type: application/json\nx-timestamp: …\nAuthorization: Application KEY:SIGNATURE\n\n{\"event\":\"ice\", …}")
                    .desired_rows(8)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("The whole request as a request bin, a proxy or a server log shows it");
        });
        ui.checkbox(&mut self.any_age, "Accept any age (skip the replay check)")
            .on_hover_text(
                "Off: an x-timestamp more than 15 minutes from now makes the request invalid, \
                 since it may be a replay",
            );
    }

    /// What the pasted request comes to, with the profile selected now.
    fn verdict_pane(&self, ui: &mut Ui, cx: &PanelContext<'_>) {
        if self.input.trim().is_empty() {
            ui.weak("Paste a request: whether it verifies, and why not, is said here as you type.");
            return;
        }
        let request = match parse_request(self.input.as_bytes()) {
            Ok(request) => request,
            Err(err) => {
                let advice = if err.is_incomplete_paste() {
                    ": paste the whole request, from its first line to its body"
                } else {
                    ""
                };
                error_text(ui, &format!("{err}{advice}"));
                return;
            }
        };
        let Some(profile) = cx.profile.ready() else {
            ui.weak("Select a profile to verify with.");
            return;
        };
        let (verdict, missing) = verify_received(
            &request,
            Secrets {
                application: Some(CallbackKeys {
                    key: Some(&profile.key),
                    secret: &profile.secret,
                }),
                webhooks: &profile.webhooks,
            },
            None,
            cx.now,
            (!self.any_age).then_some(DEFAULT_MAX_AGE_SECS),
        );
        if verdict.verified {
            ui.colored_label(
                OK_GREEN,
                egui::RichText::new(format!(
                    "Verified with profile \"{}\" ({} scheme)",
                    profile.name,
                    verdict
                        .scheme
                        .as_ref()
                        .map_or("?", crate::sinch::signing::SignedWith::name)
                ))
                .heading(),
            );
        } else {
            ui.heading("Not verified");
            if let Some(reason) = &verdict.reason {
                // The window's own way to allow it: the checkbox above.
                let advice = match missing {
                    _ if verdict.too_old => {
                        "; tick \"Accept any age\" to check the signature alone".to_owned()
                    }
                    Some(Missing::Webhook(scheme)) => format!(
                        ": add the {} to profile \"{}\" (Edit)",
                        CredentialKind::for_scheme(scheme).title(),
                        profile.name
                    ),
                    _ => String::new(),
                };
                error_text(ui, &format!("{reason}{advice}"));
            }
        }
        for warning in &verdict.warnings {
            warning_text(ui, warning);
        }
        if let Some(string_to_sign) = &verdict.string_to_sign {
            labelled(ui, "Expected string to sign", |ui, label| {
                ui.add(
                    TextEdit::multiline(&mut string_to_sign.as_str())
                        .font(egui::TextStyle::Monospace)
                        .desired_rows(5)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label)
                .on_hover_text("Compare it, line by line, with what your server signed");
            });
        }
    }
}
