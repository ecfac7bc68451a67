//! The Request tab: a call to Sinch's Voice or Verification REST API, signed with the
//! selected profile: its headers and the string to sign, copied as curl or as headers (with
//! the clipboard rules of a ticket: a signed request can be replayed until its timestamp
//! ages), or sent from a worker thread with the response shown.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Button, ComboBox, Grid, RichText, TextEdit, Ui};

use super::action::{Action, PanelContext, ProfileState, RequestDo, TabPanel};
use super::job::Slot;
use super::widgets::{capitalize, error_text, field_width, labelled, warning_text};
use crate::net::client::SendError;
use crate::net::client::{self, Answer};
use crate::net::target::{self, parse_url};
use crate::sinch::signing::{
    self, CurlBody, SignRequest, Signed, check_content_type, check_method, curl_command,
    header_lines, sign_request,
};

/// Sinch's current API hosts (Voice: the global and regional calling hosts, and the
/// configuration host; Verification), and this machine for a local test server.
pub const HOSTS: &[(&str, &str)] = &[
    ("Voice, global", "https://calling.api.sinch.com"),
    ("Voice, North America", "https://calling-use1.api.sinch.com"),
    ("Voice, Europe", "https://calling-euc1.api.sinch.com"),
    (
        "Voice, Southeast Asia 1",
        "https://calling-apse1.api.sinch.com",
    ),
    (
        "Voice, Southeast Asia 2",
        "https://calling-apse2.api.sinch.com",
    ),
    ("Voice, South America", "https://calling-sae1.api.sinch.com"),
    ("Voice configuration", "https://callingapi.sinch.com"),
    ("Verification", "https://verification.api.sinch.com"),
    ("This machine (a test server)", "http://127.0.0.1:8080"),
];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// What was last signed, exactly as it goes out.
pub struct SignedRequest {
    /// The method.
    pub method: String,
    /// The whole URL.
    pub url: String,
    /// The headers and the string to sign.
    pub signed: Signed,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// The Request tab's state.
pub struct RequestTab {
    /// The method.
    pub method: String,
    /// The scheme and host, e.g. `https://calling.api.sinch.com`.
    pub host: String,
    /// The path and query, signed as written.
    pub path: String,
    /// The Content-Type, signed as written (empty: none).
    pub content_type: String,
    /// The body, sent byte for byte.
    pub body: String,
    /// The last request signed.
    pub signed: Option<SignedRequest>,
    /// The send under way, and the last answer (or why there was none).
    pub answer: Slot<Result<Answer, String>>,
    /// Why the last Sign, Copy or Send did not happen, with the form it was about: shown
    /// beside the buttons until the form changes or the next one succeeds.
    pub problem: Option<(String, u64)>,
}

impl Default for RequestTab {
    fn default() -> Self {
        Self {
            method: "POST".into(),
            host: HOSTS[0].1.into(),
            path: "/calling/v1/callouts".into(),
            content_type: "application/json".into(),
            body: r#"{"method":"ttsCallout","ttsCallout":{"cli":"+46700000000","destination":{"type":"number","endpoint":"+46700000001"},"locale":"en-US","text":"Hello from sinch-ticket"}}"#.into(),
            signed: None,
            answer: Slot::default(),
            problem: None,
        }
    }
}

impl RequestTab {
    /// The whole URL: the host, then the path, which always starts a path of its own (a
    /// path typed without its `/` cannot change the host: `evil.example/x` stays a path).
    pub fn url(&self) -> String {
        let host = self.host.trim().trim_end_matches('/');
        let path = self.path.trim_start();
        if path.starts_with('/') {
            format!("{host}{path}")
        } else {
            format!("{host}/{path}")
        }
    }

    /// A fingerprint of the form: a problem is about the form it was found in.
    fn form_print(&self) -> u64 {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (
            &self.method,
            &self.host,
            &self.path,
            &self.content_type,
            &self.body,
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    /// Does what a button (or Ctrl+Enter) asked, with the selected profile, at `now`: the
    /// action's result stays on this tab. What is to be copied is returned.
    pub fn perform(
        &mut self,
        what: RequestDo,
        ctx: &egui::Context,
        profile: ProfileState<'_>,
        now: DateTime<Utc>,
    ) -> Option<Action> {
        let outcome = self.sign(profile, now).and_then(|()| {
            let Some(signed) = &self.signed else {
                return Err("sign the request first".to_owned());
            };
            Ok(match what {
                RequestDo::Sign => None,
                RequestDo::CopyCurl => Some(Action::CopyText {
                    text: curl_command(
                        &signed.method,
                        &signed.url,
                        &signed.signed,
                        CurlBody::Bytes(&signed.body),
                    ),
                    what: "curl command",
                }),
                RequestDo::CopyHeaders => Some(Action::CopyText {
                    text: header_lines(&signed.signed),
                    what: "signed headers",
                }),
                RequestDo::Send => {
                    self.send(ctx)?;
                    None
                }
            })
        });
        match outcome {
            Ok(copy) => {
                self.problem = None;
                copy
            }
            Err(why) => {
                self.problem = Some((why, self.form_print()));
                None
            }
        }
    }

    /// Collects a finished send (also while the window is hidden).
    pub fn poll(&mut self) {
        self.answer.poll();
    }

    /// Signs the request as it stands, with the selected profile, at `now`.
    pub fn sign(&mut self, profile: ProfileState<'_>, now: DateTime<Utc>) -> Result<(), String> {
        let Some(profile) = profile.ready() else {
            return Err(profile
                .blocker()
                .unwrap_or_else(|| "select a profile to sign with".into()));
        };
        check_method(&self.method)?;
        let url = self.url();
        let resource = parse_url(&url)
            .map_err(|e| e.to_string())?
            .resource
            .to_owned();
        let content_type = Some(self.content_type.trim()).filter(|ct| !ct.is_empty());
        if let Some(content_type) = content_type {
            check_content_type(content_type)?;
        }
        let body = self.body.as_bytes().to_vec();
        let signed = sign_request(
            &profile.key,
            &profile.secret,
            &SignRequest {
                method: &self.method,
                resource: &resource,
                content_type,
                body: &body,
                timestamp: &signing::timestamp(now),
            },
        );
        self.signed = Some(SignedRequest {
            method: self.method.to_ascii_uppercase(),
            url,
            signed,
            body,
        });
        Ok(())
    }

    /// Sends what was just signed on a worker thread; the window repaints when it answers.
    fn send(&mut self, ctx: &egui::Context) -> Result<(), String> {
        let Some(signed) = &self.signed else {
            return Err("sign the request first".into());
        };
        target::sendable(&signed.url).map_err(|e| e.to_string())?;
        let (method, url, headers, body) = (
            signed.method.clone(),
            signed.url.clone(),
            signed.signed.clone(),
            signed.body.clone(),
        );
        self.answer.start("send", ctx, move || {
            target::sendable(&url)
                .map_err(SendError::from)
                .and_then(|target| {
                    client::send(
                        &target,
                        client::Outgoing {
                            method: &method,
                            url: &url,
                            headers: headers.headers(),
                            body,
                            timeout: client::DEFAULT_TIMEOUT,
                        },
                    )
                })
                .map_err(|err| err.to_string())
        })
    }

    /// Whether a request is on its way.
    pub fn sending(&self) -> bool {
        self.answer.busy()
    }

    /// Draws the form, the signed headers and the answer.
    pub fn draw(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        self.form(ui);
        // A problem is about the form it was found in: once that changes, it is gone.
        if self
            .problem
            .as_ref()
            .is_some_and(|(_, print)| *print != self.form_print())
        {
            self.problem = None;
        }
        ui.add_space(6.0);
        let blocker = cx.profile.blocker();
        ui.horizontal_wrapped(|ui| {
            let enabled = blocker.is_none();
            let mut button = |ui: &mut Ui, label: &str, tip: &str, on: bool, what| {
                let button = ui
                    .add_enabled(enabled && on, Button::new(label))
                    .on_hover_text(tip);
                let button = match &blocker {
                    Some(reason) => button.on_disabled_hover_text(capitalize(reason)),
                    None => button,
                };
                if button.clicked() {
                    actions.push(Action::Request(what));
                }
            };
            button(
                ui,
                "Sign",
                "Sign the request now (Ctrl+Enter)",
                true,
                RequestDo::Sign,
            );
            button(
                ui,
                "Copy as curl",
                "Sign now and copy a curl command that sends it",
                true,
                RequestDo::CopyCurl,
            );
            button(
                ui,
                "Copy headers",
                "Sign now and copy the headers to add",
                true,
                RequestDo::CopyHeaders,
            );
            button(
                ui,
                "Send",
                "Sign now and send it; the answer is shown below",
                !self.sending(),
                RequestDo::Send,
            );
            if self.sending() {
                ui.spinner();
                ui.label("Sending…");
            }
        });
        if let Some(reason) = &blocker {
            ui.add(egui::Label::new(RichText::new(capitalize(reason)).weak()).wrap());
        }
        if let Some((problem, _)) = &self.problem {
            error_text(ui, problem);
        }
        self.signed_section(ui);
        self.answer_section(ui);
        actions
    }

    fn form(&mut self, ui: &mut Ui) {
        Grid::new("request")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Method", |ui, label| {
                    ComboBox::from_id_salt("method")
                        .selected_text(&self.method)
                        .show_ui(ui, |ui| {
                            for method in METHODS {
                                ui.selectable_value(&mut self.method, method.to_owned(), method);
                            }
                        })
                        .response
                        .labelled_by(label);
                });
                ui.end_row();
                labelled(ui, "Host", |ui, label| {
                    ui.horizontal(|ui| {
                        ui.add(
                            TextEdit::singleline(&mut self.host)
                                .desired_width(field_width(ui, 300.0) - 110.0),
                        )
                        .labelled_by(label)
                        .on_hover_text("Scheme and host; plain http only to this machine");
                        ComboBox::from_id_salt("host-preset")
                            .selected_text("Sinch hosts")
                            .show_ui(ui, |ui| {
                                for (name, host) in HOSTS {
                                    ui.selectable_value(&mut self.host, (*host).to_owned(), *name)
                                        .on_hover_text(*host);
                                }
                            })
                            .response
                            .on_hover_text("Sinch's current Voice and Verification hosts");
                    });
                });
                ui.end_row();
                labelled(ui, "Path", |ui, label| {
                    ui.add(
                        TextEdit::singleline(&mut self.path).desired_width(field_width(ui, 420.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("The path and query, signed exactly as written");
                });
                ui.end_row();
                labelled(ui, "Content type", |ui, label| {
                    ui.add(
                        TextEdit::singleline(&mut self.content_type)
                            .desired_width(field_width(ui, 300.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("Signed exactly as written; empty for none");
                });
                ui.end_row();
            });
        labelled(ui, "Body", |ui, label| {
            ui.add(
                TextEdit::multiline(&mut self.body)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("Sent and signed byte for byte");
        });
        ui.horizontal(|ui| {
            if self.body.trim().is_empty() {
                ui.weak("No body.");
                return;
            }
            match serde_json::from_str::<serde_json::Value>(&self.body) {
                Ok(json) => {
                    ui.weak("Valid JSON.");
                    if ui
                        .button("Format")
                        .on_hover_text("Indent the JSON (the signature covers the new bytes)")
                        .clicked()
                    {
                        self.body = format!("{json:#}");
                    }
                }
                Err(err) => warning_text(ui, &format!("not JSON ({err}): it is sent as typed")),
            }
        });
    }

    fn signed_section(&self, ui: &mut Ui) {
        let Some(signed) = &self.signed else {
            return;
        };
        ui.separator();
        ui.strong(format!("Signed {} {}", signed.method, signed.url));
        Grid::new("signed")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                ui.weak("x-timestamp");
                ui.monospace(&signed.signed.x_timestamp);
                ui.end_row();
                ui.weak("Authorization");
                ui.add(
                    egui::Label::new(RichText::new(&signed.signed.authorization).monospace())
                        .wrap(),
                );
                ui.end_row();
                if let Some(ct) = &signed.signed.content_type {
                    ui.weak("Content-Type");
                    ui.monospace(ct);
                    ui.end_row();
                }
                ui.weak("Content-MD5");
                ui.monospace(&signed.signed.content_md5);
                ui.end_row();
            });
        labelled(ui, "String to sign", |ui, label| {
            ui.add(
                TextEdit::multiline(&mut signed.signed.string_to_sign.as_str())
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label);
        });
        ui.weak(
            "A signed request can be replayed until its timestamp ages (about 15 minutes): \
             copies are cleared from the clipboard like tickets.",
        );
    }

    fn answer_section(&self, ui: &mut Ui) {
        match &self.answer.last {
            None => {}
            Some(Err(err)) => error_text(ui, &format!("not sent: {err}")),
            Some(Ok(answer)) => {
                ui.separator();
                let line = answer.status_line();
                if answer.is_success() {
                    ui.strong(line);
                } else {
                    ui.colored_label(ui.visuals().error_fg_color, line);
                }
                ui.add(
                    TextEdit::multiline(&mut answer.pretty_body().as_str())
                        .font(egui::TextStyle::Monospace)
                        .desired_width(f32::INFINITY),
                );
            }
        }
    }
}

impl TabPanel for RequestTab {
    fn title(&self) -> &'static str {
        "Request"
    }

    fn tooltip(&self) -> &'static str {
        "Sign a call to Sinch's REST APIs; copy it as curl or send it (Ctrl+3)"
    }

    fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        self.draw(ui, cx)
    }

    fn primary_action(&self) -> Option<Action> {
        Some(Action::Request(RequestDo::Sign))
    }
}
