//! The Callbacks tab's Trigger part: pick an event and your server's URL, edit the realistic
//! body, and send it signed as Sinch signs it (or forged), on a worker thread; the answer is
//! shown with its check as Sinch would read it. The same [`crate::net::trigger::send`] as the
//! command line's `trigger`.

use chrono::{DateTime, Utc};
use eframe::egui::{self, Button, ComboBox, Grid, RichText, TextEdit, Ui};

use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::job::Slot;
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{
    capitalize, error_text, field_width, labelled, list_item, read_only_block, warning_text,
};
use crate::net::trigger::{self, Trigger, Triggered};
use crate::net::{client, target};
use crate::profiles::{CredentialKind, Profile};
use crate::sinch::callback::{BodyInputs, Event, Forgery, Product, default_body};

/// The forgeries offered, with their labels and tooltips: the core's model, as the command
/// line's `--signature` and `--timestamp-age` use it.
const FORGERIES: [(Forgery, &str, &str); 5] = [
    (
        Forgery::None,
        "Signed",
        "Signed as Sinch signs it: your server should accept it",
    ),
    (
        Forgery::BadSignature,
        "Bad signature",
        "A wrong signature: your server should refuse it with a 4xx",
    ),
    (
        Forgery::NoSignature,
        "No signature",
        "No Authorization header: your server should refuse it with a 4xx",
    ),
    (
        Forgery::STALE,
        "Stale timestamp",
        "Signed 20 minutes ago, its body's timestamp too (a replay): your server should refuse it with a 4xx",
    ),
    (
        Forgery::Replay,
        "Sent twice",
        "The same webhook twice, same nonce or token (Conversation, SMS, Mailgun): your server should take the first and refuse the second with a 4xx",
    ),
];

/// Why `profile` cannot sign `event`: it is a webhook event and the profile has no secret
/// of its kind. `None` when it can.
fn missing_webhook_secret(event: Event, profile: &Profile) -> Option<String> {
    let scheme = event.product().scheme()?;
    let kind = CredentialKind::for_scheme(scheme);
    profile.webhooks.get(scheme).is_none().then(|| {
        format!(
            "profile \"{}\" has no {}: add it in the profile editor (Edit), or with `sinch-ticket profile webhook-secret add {} {kind}`",
            profile.name,
            kind.title(),
            profile.name
        )
    })
}

/// The Trigger part's state.
pub struct TriggerPart {
    /// The event.
    pub event: Event,
    /// Your server's callback URL.
    pub url: String,
    /// The body, sent as typed.
    pub body: String,
    /// What the body was made from, and the body as made: a new event makes a new body;
    /// another profile does too, unless the body was edited.
    made: Option<Made>,
    /// How to sign.
    pub forgery: Forgery,
    /// The send under way, and the last answer (or why there was none): shown on this
    /// part, and nowhere else.
    pub result: Slot<Result<Triggered, TriggerJobError>>,
    /// The form the last send was made from: once the event, URL, body or signature choice
    /// differ, its answer is said to be an earlier form's.
    sent_from: Option<u64>,
    /// Focus the URL field when next drawn (the tab was switched to).
    pub(crate) focus_url: bool,
    /// Why the signature chosen was set back to *Signed* (the event picked since cannot carry
    /// it), until another is chosen.
    pub fell_back: Option<String>,
    /// Where this window's listener listens, while it does (the tab sets it each frame).
    pub listener: Option<crate::net::listen::SocketAddr>,
}

/// Why the Trigger part sent nothing, or got no answer: kept typed in its slot, worded where
/// it is drawn.
#[derive(Debug, thiserror::Error)]
pub enum TriggerJobError {
    /// No usable profile (why, as the profile bar says it).
    #[error("{}", .0.as_deref().unwrap_or("select a profile to sign with"))]
    NoProfile(Option<String>),
    /// One is on its way already.
    #[error("an event is already on its way")]
    Busy,
    /// A URL that may not be used.
    #[error(transparent)]
    Url(#[from] crate::net::target::TargetError),
    /// A forgery this event cannot carry, or a stale age that proves nothing.
    #[error(transparent)]
    Forgery(#[from] crate::sinch::callback::ForgeryError),
    /// The profile has no webhook secret of the event's kind (what to do, said).
    #[error("{0}")]
    NoWebhookSecret(String),
    /// It could not be signed or sent.
    #[error(transparent)]
    Trigger(#[from] trigger::TriggerError),
    /// A worker thread could not be started.
    #[error("{0}")]
    NotStarted(String),
}

/// What a default body was made from.
struct Made {
    event: Event,
    key: String,
    id: String,
    /// Made at a stale forgery's aged time, not when it was made.
    aged: bool,
    body: String,
}

impl Default for TriggerPart {
    fn default() -> Self {
        Self {
            event: Event::Ice,
            url: "http://127.0.0.1:3000/sinch/callback".into(),
            body: String::new(),
            made: None,
            forgery: Forgery::None,
            result: Slot::default(),
            sent_from: None,
            focus_url: false,
            fell_back: None,
            listener: None,
        }
    }
}

impl TriggerPart {
    /// Whether an event is on its way.
    pub fn sending(&self) -> bool {
        self.result.busy()
    }

    /// Collects a finished send (also while the window is hidden).
    pub fn poll(&mut self) {
        self.result.poll();
    }

    /// Sends the event as [`TriggerPart::send`] does; why it could not be sent is the
    /// part's last result, shown where its answer would be.
    pub fn send_now(&mut self, ctx: &egui::Context, profile: ProfileState<'_>, now: DateTime<Utc>) {
        if let Err(why) = self.send(ctx, profile, now) {
            self.sent_from = Some(self.form_print());
            self.result.last = Some(Err(why));
        }
    }

    /// A fresh realistic body for the event, with the profile's key (a new call id, now).
    pub fn new_body(&mut self, key: &str, now: DateTime<Utc>) {
        self.make_body(key, trigger::fresh_id(), now, false);
    }

    fn make_body(&mut self, key: &str, id: String, at: DateTime<Utc>, aged: bool) {
        let body = default_body(
            self.event,
            BodyInputs {
                application_key: key,
                id: &id,
                now: at,
            },
        );
        self.body = format!("{body:#}");
        self.made = Some(Made {
            event: self.event,
            key: key.to_owned(),
            id,
            aged,
            body: self.body.clone(),
        });
    }

    /// Puts `body` of `event` in the editor, as typed: it stays when the profile changes,
    /// and is signed afresh when sent.
    pub fn edit(&mut self, event: Event, body: String, key: &str) {
        self.event = event;
        self.body = body;
        self.made = Some(Made {
            event,
            key: key.to_owned(),
            id: String::new(),
            aged: false,
            // Not the body made: the editor holds an edited one.
            body: String::new(),
        });
        self.result.last = None;
    }

    /// A fingerprint of what a send is made from: the event, the URL, the body and the
    /// signature choice.
    fn form_print(&self) -> u64 {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (
            self.event.name(),
            self.url.trim(),
            &self.body,
            format!("{:?}", self.forgery),
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    /// Whether the body is the one made, as made (not edited).
    fn unedited(&self) -> bool {
        self.made
            .as_ref()
            .is_some_and(|made| made.body == self.body)
    }

    /// Whether the body should be made afresh for the selected event and profile `key`.
    fn stale_body(&self, key: &str) -> bool {
        match &self.made {
            None => true,
            Some(made) => made.event != self.event || (made.key != key && self.unedited()),
        }
    }

    /// Sends the event at the URL, signed (or forged) with the selected profile, on a worker
    /// thread; the window repaints when the server answers.
    pub fn send(
        &mut self,
        ctx: &egui::Context,
        profile: ProfileState<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), TriggerJobError> {
        let Some(profile) = profile.ready() else {
            return Err(TriggerJobError::NoProfile(profile.blocker()));
        };
        if self.sending() {
            return Err(TriggerJobError::Busy);
        }
        let url = self.url.trim().to_owned();
        target::sendable(&url)?;
        self.forgery.check_for(self.event)?;
        let sent_at = self.forgery.sent_at(now)?;
        // A stale callback is stale throughout: an unedited body is made again at the time
        // it claims (same call id), as the command line's --timestamp-age makes it; and a
        // body made stale before is made fresh again for a callback sent now.
        if self.unedited()
            && let Some(id) = self
                .made
                .as_ref()
                .filter(|made| sent_at != now || made.aged)
                .map(|made| made.id.clone())
        {
            self.make_body(&profile.key, id, sent_at, sent_at != now);
        }
        if let Some(missing) = missing_webhook_secret(self.event, profile) {
            return Err(TriggerJobError::NoWebhookSecret(missing));
        }
        let scheme = self.event.product().scheme();
        // The one choice of secret every way of sending an event makes.
        let secrets = profile.callback_secrets();
        let (event, body, forgery) = (self.event, self.body.as_bytes().to_vec(), self.forgery);
        self.sent_from = Some(self.form_print());
        self.result
            .start("trigger", ctx, move || {
                let signer = secrets.for_event(event).ok_or_else(|| {
                    trigger::TriggerError::Refused("no secret signs this event".into())
                })?;
                Ok(trigger::send(Trigger {
                    event,
                    url: &url,
                    signer,
                    body,
                    sent_at,
                    nonce: trigger::fresh_nonce(scheme),
                    forgery,
                    timeout: client::DEFAULT_TIMEOUT,
                })?)
            })
            .map_err(TriggerJobError::NotStarted)
    }

    /// Draws the form, the send button and the answer.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        if let Some(profile) = cx.profile.ready()
            && self.stale_body(&profile.key)
        {
            self.new_body(&profile.key, cx.now);
        }
        let mut actions = Vec::new();
        two_panes(
            ui,
            "trigger",
            ["Event pane", "Server answer pane"],
            |ui, pane| match pane {
                Pane::Give => self.event_pane(ui, cx, &mut actions),
                Pane::Get => self.result_section(ui),
            },
        );
        actions
    }

    /// The event, where it goes, how it is signed, and Send.
    fn event_pane(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        self.form(ui, cx);
        let blocker = cx.profile.blocker();
        ui.horizontal(|ui| {
            let send = ui
                .add_enabled(
                    blocker.is_none() && !self.sending(),
                    Button::new(RichText::new("Send event").strong()),
                )
                .on_hover_text("Sign the body now and POST it to your server (Ctrl+Enter)");
            let send = match &blocker {
                Some(reason) => send.on_disabled_hover_text(capitalize(reason)),
                None => send,
            };
            if send.clicked() {
                actions.push(Action::SendTrigger);
            }
            if self.sending() {
                ui.spinner();
                ui.label("Sending…");
            }
        });
        if let Some(reason) = &blocker {
            ui.add(egui::Label::new(RichText::new(capitalize(reason)).weak()).wrap());
        }
        if let Some(profile) = cx.profile.ready()
            && let Some(missing) = missing_webhook_secret(self.event, profile)
        {
            warning_text(ui, &missing);
        }
    }

    fn form(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) {
        Grid::new("trigger")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Event", |ui, label| {
                    ComboBox::from_id_salt("trigger-event")
                        .selected_text(format!("{} — {}", self.event.name(), self.event.title()))
                        // Every product's events at once, without scrolling the list.
                        .height(640.0)
                        .show_ui(ui, |ui| {
                            // Two columns of products, so that every event shows at once
                            // in the default window: the application's products and the
                            // project products.
                            let columns: [&[Product]; 2] = [
                                &[Product::Voice, Product::Verification, Product::Numbers],
                                &[Product::Conversation, Product::Sms, Product::Mailgun],
                            ];
                            ui.horizontal_top(|ui| {
                                for products in columns {
                                    ui.vertical(|ui| {
                                        for &product in products {
                                            self.event_group(ui, product);
                                        }
                                    });
                                }
                            });
                        })
                        .response
                        .labelled_by(label)
                        .on_hover_text("The callback to send; a new event gets a new body");
                });
                ui.end_row();
                labelled(ui, "Your server's URL", |ui, label| {
                    let response = ui
                        .add(TextEdit::singleline(&mut self.url).desired_width(field_width(ui, 420.0)))
                        .labelled_by(label)
                        .on_hover_text(
                            "Where your server takes Sinch's callbacks; plain http only to this machine",
                        );
                    if std::mem::take(&mut self.focus_url) {
                        response.request_focus();
                    }
                });
                ui.end_row();
                ui.label("Signature");
                // A choice the event (picked since) cannot carry falls back to signed, and
                // says so.
                if let Err(why) = self.forgery.check_for(self.event) {
                    let was = FORGERIES
                        .iter()
                        .find(|(f, ..)| *f == self.forgery)
                        .map_or("That choice", |(_, label, _)| *label);
                    self.fell_back = Some(format!("{was} was set back to Signed: {why}"));
                    self.forgery = Forgery::None;
                }
                ui.horizontal_wrapped(|ui| {
                    for (forgery, label, tip) in FORGERIES {
                        // What the event cannot carry is not offered: the reason is said
                        // where the choice would be.
                        let cannot = forgery.check_for(self.event).err();
                        let choice = ui
                            .add_enabled(
                                cannot.is_none(),
                                egui::Button::selectable(self.forgery == forgery, label),
                            )
                            .on_hover_text(tip);
                        let choice = match &cannot {
                            Some(why) => choice.on_disabled_hover_text(capitalize(&why.to_string())),
                            None => choice,
                        };
                        if choice.clicked() {
                            self.forgery = forgery;
                            self.fell_back = None;
                        }
                    }
                });
                ui.end_row();
                if let Some(note) = &self.fell_back {
                    ui.label("");
                    warning_text(ui, note);
                    ui.end_row();
                }
            });
        // This window's listener, one click away.
        if let Some(addr) = self.listener {
            let here = format!("http://127.0.0.1:{}/sinch/callback", addr.port());
            if self.url.trim() != here
                && ui
                    .small_button("Send to this window's listener")
                    .on_hover_text(format!(
                        "Set the URL to {here}, where the Listen part listens"
                    ))
                    .clicked()
            {
                self.url = here;
            }
        }
        labelled(ui, "Event body", |ui, label| {
            // Whole, however long: the pane scrolls, and the answer is in the other one.
            ui.add(
                TextEdit::multiline(&mut self.body)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(12)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .on_hover_text("Sent and signed byte for byte; edit any field");
        });
        ui.horizontal_wrapped(|ui| {
            if let Err(err) = serde_json::from_str::<serde_json::Value>(&self.body) {
                warning_text(
                    ui,
                    &format!("not JSON ({err}): it is sent as typed, but Sinch always sends JSON"),
                );
            }
            if let Some(profile) = cx.profile.ready()
                && ui
                    .button("New body")
                    .on_hover_text("A fresh realistic body for this event: new call id, now")
                    .clicked()
            {
                self.new_body(&profile.key, cx.now);
            }
        });
        ui.add_space(4.0);
    }

    /// One product's heading and its events, in the Event list.
    fn event_group(&mut self, ui: &mut Ui, product: Product) {
        ui.label(RichText::new(product.title()).strong());
        ui.indent(product.title(), |ui| {
            // Under its product's heading, a title without the product's name.
            let suffix = format!(" ({})", product.title());
            for event in product.events() {
                let title = event.title();
                let short = title.strip_suffix(&suffix).unwrap_or(title);
                list_item(
                    ui,
                    &mut self.event,
                    event,
                    format!("{} — {short}", event.name()),
                )
                .on_hover_text(title);
            }
        });
    }

    fn result_section(&self, ui: &mut Ui) {
        ui.strong("Result");
        if self.sending() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Sending…");
            });
            return;
        }
        // An answer, or why there was none, is the sent event's: a change since says so.
        if self.result.last.is_some() && self.sent_from != Some(self.form_print()) {
            warning_text(
                ui,
                "The answer to an earlier event: the event, URL, body or signature changed since. Send again for this one's.",
            );
        }
        match &self.result.last {
            None => {
                ui.weak("Press Send event: what your server answered, and whether Sinch would take it, appears here.");
            }
            Some(Err(err)) => error_text(ui, &format!("not sent: {err}")),
            Some(Ok(Triggered {
                answer,
                verdict,
                first,
                ..
            })) => {
                if let Some(first) = first {
                    ui.label(format!("First: {}", first.status_line()));
                    ui.strong(format!("Again: {}", answer.status_line()));
                } else {
                    ui.strong(answer.status_line());
                }
                if verdict.passed {
                    ui.colored_label(crate::app::widgets::OK_GREEN, capitalize(&verdict.summary));
                } else {
                    error_text(ui, &verdict.summary);
                }
                for problem in &verdict.problems {
                    error_text(ui, &format!("• {problem}"));
                }
                for note in &verdict.notes {
                    ui.weak(capitalize(note));
                }
                if !answer.body.is_empty() {
                    read_only_block(ui, "Your server's answer", &answer.pretty_body(), 4);
                }
            }
        }
    }
}
