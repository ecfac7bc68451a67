//! The Callbacks tab's Mock part: start and stop `sinch-ticket mock` ([`crate::net::mock`],
//! the same server as the command line's) with the selected profile, and see each call it
//! answers and each callback it sends; a call it refused says why, with the string its
//! signature should have covered. What it keeps in the history is listed by the Listen
//! part's inspector too, beside what the listener receives.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};

use chrono::Local;
use eframe::egui::{self, Button, Grid, RichText, ScrollArea, TextEdit, Ui};

use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::job::Slot;
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{
    OK_GREEN, capitalize, error_text, field_width, labelled, read_only_block, warning_text,
};
use crate::history::Keeper;
use crate::net::listen;
use crate::net::mock::{self, CallbackUrls, Mocking, Seen};

/// The most lines kept in the list; older ones leave it (the history keeps them all).
pub const KEPT: usize = 500;

/// The part's time scale choices: Sinch's own delays, or faster.
const SCALES: [(f64, &str); 4] = [
    (1.0, "as Sinch (1)"),
    (0.1, "10 times faster (0.1)"),
    (0.01, "100 times faster (0.01)"),
    (0.0, "at once (0)"),
];

/// A mock at work and where its reports arrive.
struct Running {
    mocking: Mocking,
    seen: Receiver<(chrono::DateTime<Local>, Seen)>,
    dropped: Arc<AtomicUsize>,
    profile: String,
    /// Its profile had no project access key when it started.
    no_access_key: bool,
}

/// The Mock part's state.
pub struct MockPart {
    /// The port, as typed.
    pub port: String,
    /// Where callbacks go when a call names no URL of its own.
    pub callback_url: String,
    /// Sinch's delays and retry waits multiplied by this.
    pub time_scale: f64,
    /// Keep each call and callback in the history.
    pub keep_history: bool,
    /// Where the history lives (`None`: no data folder, or a test that wants none).
    pub history_path: Option<std::path::PathBuf>,
    /// What it answered and sent, oldest first, with when the window took it.
    pub lines: Vec<(chrono::DateTime<Local>, Seen)>,
    /// How many lines the window could not take (its queue was full).
    pub dropped: usize,
    /// The line picked, by its place in `lines`.
    pub selected: Option<usize>,
    /// Why the mock could not start.
    pub error: Option<String>,
    /// What the history's keeper says went wrong.
    pub history_note: Option<String>,
    running: Option<Running>,
    keeper: Option<Arc<Keeper>>,
    /// How many records the keeper had kept at the last tick.
    kept: u64,
    /// A mock being stopped on a thread of its own.
    pub stopping: Slot<()>,
    draining: Option<Receiver<(chrono::DateTime<Local>, Seen)>>,
}

impl Default for MockPart {
    fn default() -> Self {
        Self {
            port: "8766".into(),
            callback_url: String::new(),
            time_scale: 1.0,
            keep_history: true,
            history_path: None,
            lines: Vec::new(),
            dropped: 0,
            selected: None,
            error: None,
            history_note: None,
            running: None,
            keeper: None,
            kept: 0,
            stopping: Slot::default(),
            draining: None,
        }
    }
}

impl MockPart {
    /// Where it listens, while it does.
    pub fn listening_on(&self) -> Option<listen::SocketAddr> {
        self.running.as_ref().map(|r| r.mocking.addr())
    }

    /// How many records its history keeper had kept when the lines were last taken (the
    /// inspector reads the history again when this grows).
    pub fn kept(&self) -> u64 {
        self.kept
    }

    /// The port typed, or why it is not one.
    fn port_number(&self) -> Result<u16, String> {
        listen::parse_port(&self.port)
    }

    /// The callback URL typed, checked (empty: none).
    fn callback_urls(&self) -> Result<CallbackUrls, String> {
        let url = self.callback_url.trim();
        if url.is_empty() {
            return Ok(CallbackUrls::default());
        }
        crate::net::target::sendable(url).map_err(|why| format!("the callback URL: {why}"))?;
        Ok(CallbackUrls {
            default: Some(url.to_owned()),
            by_product: Vec::new(),
        })
    }

    /// Starts the mock with the selected profile's credentials.
    pub fn start(&mut self, ctx: &egui::Context, profile: ProfileState<'_>) {
        self.error = None;
        let Some(profile) = profile.ready() else {
            self.error = profile.blocker();
            return;
        };
        let (port, urls) = match (self.port_number(), self.callback_urls()) {
            (Ok(port), Ok(urls)) => (port, urls),
            (Err(why), _) | (_, Err(why)) => {
                self.error = Some(why);
                return;
            }
        };
        self.keeper = match self.history_path.clone().filter(|_| self.keep_history) {
            Some(path) => match Keeper::open(path) {
                Ok(keeper) => Some(Arc::new(keeper)),
                Err(why) => {
                    self.history_note = Some(format!(
                        "the history cannot be started ({why}): calls are not kept"
                    ));
                    None
                }
            },
            None => None,
        };
        let (tx, rx) = mpsc::sync_channel(KEPT);
        let dropped = Arc::new(AtomicUsize::new(0));
        let lost = Arc::clone(&dropped);
        let keeper = self.keeper.clone();
        let waker = ctx.clone();
        let started = mock::start(
            mock::Config {
                addr: listen::address(false, port),
                accounts: vec![profile.mock_account()],
                callback_urls: urls,
                time_scale: self.time_scale,
                token_lifetime_secs: 3600,
                callback_timeout: std::time::Duration::from_secs(10),
                read_timeout: listen::READ_TIMEOUT,
            },
            move |seen| {
                if let Some(keeper) = &keeper
                    && let Some(entry) = seen.history_entry()
                {
                    keeper.keep(entry);
                }
                if tx.try_send((Local::now(), seen)).is_err() {
                    lost.fetch_add(1, Ordering::Relaxed);
                }
                waker.request_repaint();
            },
        );
        match started {
            Ok(mocking) => {
                self.running = Some(Running {
                    mocking,
                    seen: rx,
                    dropped,
                    profile: profile.name.clone(),
                    no_access_key: profile.access_key.is_none(),
                });
            }
            Err(why) => self.error = Some(why.to_string()),
        }
    }

    /// Stops the mock, on a thread of its own (it finishes the calls under way).
    pub fn stop(&mut self, ctx: &egui::Context) {
        let Some(Running { mocking, seen, .. }) = self.running.take() else {
            return;
        };
        self.draining = Some(seen);
        let keeper = self.keeper.clone();
        if let Err(why) = self.stopping.start("mock-stop", ctx, move || {
            mocking.stop();
            if let Some(keeper) = keeper {
                keeper.finish();
            }
        }) {
            self.error = Some(why);
        }
    }

    /// Takes what the mock reported since the last call (from the window's time-driven
    /// work, so that its queue drains while the window is hidden).
    pub fn take_lines(&mut self) {
        if let Some(keeper) = &self.keeper {
            let report = keeper.report();
            self.kept = report.kept;
            if let Some(why) = report.failing.or(report.unusable) {
                self.history_note = Some(format!("the history cannot be written: {why}"));
            }
        }
        let finished = self.stopping.poll() || !self.stopping.busy();
        let mut taken = Vec::new();
        if let Some(draining) = &self.draining {
            taken.extend(draining.try_iter());
        }
        if finished {
            self.draining = None;
        }
        if let Some(running) = &self.running {
            taken.extend(running.seen.try_iter());
            self.dropped += running.dropped.swap(0, Ordering::Relaxed);
        }
        if taken.is_empty() {
            return;
        }
        self.lines.extend(taken);
        let extra = self.lines.len().saturating_sub(KEPT);
        if extra > 0 {
            self.lines.drain(..extra);
            self.selected = self.selected.and_then(|s| s.checked_sub(extra));
        }
    }

    /// Draws the controls and the list | the line picked.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        two_panes(
            ui,
            "mock",
            ["Mock pane", "Call pane"],
            |ui, pane| match pane {
                Pane::Give => self.controls_pane(ui, cx, &mut actions),
                Pane::Get => self.detail_pane(ui),
            },
        );
        actions
    }

    fn controls_pane(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        let running = self.running.is_some();
        Grid::new("mock")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                super::port_rows(
                    ui,
                    &mut self.port,
                    !running,
                    "Where your backend or an SDK calls the mock: point smsHostname, \
                     voiceHostname… (Node) or sms_origin… (Python) at it",
                );
                labelled(ui, "Callback URL", |ui, label| {
                    ui.add_enabled(
                        !running,
                        TextEdit::singleline(&mut self.callback_url)
                            .hint_text("http://127.0.0.1:3000/sinch (empty: none)")
                            .desired_width(field_width(ui, 360.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text(
                        "Your server: delivery reports, ACE and DiCE, verification events go \
                         here when a call names no callback URL of its own (one URL for every \
                         product; the command line's --callback-url PRODUCT=URL takes one each)",
                    );
                });
                ui.end_row();
                // Said as it is typed, as the port is.
                if let Err(why) = self.callback_urls() {
                    ui.label("");
                    error_text(ui, &why);
                    ui.end_row();
                }
                labelled(ui, "Time scale", |ui, label| {
                    ui.add_enabled_ui(!running, |ui| {
                        egui::ComboBox::from_id_salt("mock time scale")
                            .selected_text(
                                SCALES
                                    .iter()
                                    .find(|(s, _)| *s == self.time_scale)
                                    .map_or_else(
                                        || self.time_scale.to_string(),
                                        |(_, l)| (*l).to_owned(),
                                    ),
                            )
                            .show_ui(ui, |ui| {
                                for (scale, text) in SCALES {
                                    crate::app::widgets::list_item(
                                        ui,
                                        &mut self.time_scale,
                                        scale,
                                        text,
                                    );
                                }
                            })
                            .response
                            .labelled_by(label)
                            .on_hover_text("Sinch's delays and retry waits, multiplied by this");
                    });
                });
                ui.end_row();
            });
        if self.history_path.is_some() {
            ui.add_enabled(
                !running,
                egui::Checkbox::new(&mut self.keep_history, "Keep in history"),
            )
            .on_hover_text(
                "Keep each call and callback in the history: the Listen part lists them beside \
                 what the listener receives",
            );
        }
        ui.horizontal_wrapped(|ui| {
            if let Some(running) = &self.running {
                if ui.button("Stop mock").clicked() {
                    actions.push(Action::StopMock);
                }
                ui.label(format!(
                    "Answering on http://{} as profile \"{}\"",
                    running.mocking.addr(),
                    running.profile
                ));
            } else {
                let stopping = self
                    .stopping
                    .busy()
                    .then(|| "the mock is still finishing the calls under way".to_owned());
                let blocker = stopping.or_else(|| cx.profile.blocker());
                let start = ui
                    .add_enabled(blocker.is_none(), Button::new("Start mock"))
                    .on_hover_text(
                        "Answer Sinch's API paths on this port, checking each call's credentials \
                         against the selected profile, and call your server back",
                    );
                let start = match &blocker {
                    Some(reason) => start.on_disabled_hover_text(capitalize(reason)),
                    None => start,
                };
                if start.clicked() {
                    actions.push(Action::StartMock);
                }
            }
            if ui
                .add_enabled(!self.lines.is_empty(), Button::new("Clear list"))
                .on_hover_text("Empty this list; the history keeps what it kept")
                .clicked()
            {
                self.lines.clear();
                self.selected = None;
            }
        });
        if self.running.as_ref().is_some_and(|r| r.no_access_key) {
            warning_text(
                ui,
                "this profile has no project access key: SMS, Conversation and Numbers calls \
                 by OAuth2 are refused (add one in the profile's Project credentials)",
            );
        }
        if let Some(error) = &self.error {
            error_text(ui, error);
        }
        if let Some(note) = &self.history_note {
            warning_text(ui, note);
        }
        if self.dropped > 0 {
            warning_text(
                ui,
                &format!(
                    "{} line(s) were not listed: they came faster than the window took them (the history keeps them)",
                    self.dropped
                ),
            );
        }
        ui.separator();
        if self.lines.is_empty() {
            ui.weak(
                "Nothing yet. Calls the mock answers and callbacks it sends are listed here, newest first.",
            );
            return;
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let count = self.lines.len();
        ScrollArea::vertical()
            .id_salt("mock lines")
            .auto_shrink([false, true])
            .show_rows(ui, row_height, count, |ui, rows| {
                for row in rows {
                    let at = count - 1 - row;
                    let (time, seen) = &self.lines[at];
                    let (text, good) = line_words(seen);
                    let text = format!("{}  {text}", time.format("%H:%M:%S"));
                    let text = if good {
                        RichText::new(text)
                    } else {
                        RichText::new(text).color(ui.visuals().error_fg_color)
                    };
                    if ui
                        .selectable_label(self.selected == Some(at), text)
                        .clicked()
                    {
                        self.selected = Some(at);
                    }
                }
            });
    }

    fn detail_pane(&mut self, ui: &mut Ui) {
        let Some((time, seen)) = self.selected.and_then(|at| self.lines.get(at)) else {
            ui.weak("Pick a call or a callback to see it whole: why a call was refused is said here, never to the caller.");
            return;
        };
        let (headline, good) = line_words(seen);
        let color = if good {
            OK_GREEN
        } else {
            ui.visuals().error_fg_color
        };
        ui.label(RichText::new(headline).strong().color(color));
        ui.label(time.format("%Y-%m-%d %H:%M:%S").to_string());
        match seen {
            Seen::Call(call) => {
                Grid::new("mock call").num_columns(2).show(ui, |ui| {
                    ui.label("Operation");
                    ui.label(call.operation.unwrap_or("none: no such path"));
                    ui.end_row();
                    ui.label("Profile");
                    ui.label(call.account.as_deref().unwrap_or("none"));
                    ui.end_row();
                    ui.label("Credentials");
                    ui.label(call.scheme.as_deref().unwrap_or("none"));
                    ui.end_row();
                    ui.label("Answered");
                    ui.label(call.status.to_string());
                    ui.end_row();
                    ui.label("Callbacks planned");
                    ui.label(call.callbacks.to_string())
                        .on_hover_text("Planned when it was answered; more may follow their answers (a DiCE after an ACE)");
                    ui.end_row();
                });
                if let Some(reason) = &call.reason {
                    let label = if call.verified {
                        "Why it was not done"
                    } else {
                        "Why it was refused"
                    };
                    read_only_block(ui, label, reason, 3);
                }
                if !call.verified
                    && let Some(signed) = &call.string_to_sign
                {
                    read_only_block(ui, "What the signature should cover", signed, 5);
                }
                read_only_block(ui, "Answer", &readable(&call.answer), 8);
                read_only_block(ui, "Body", &readable(&call.body), 8);
            }
            Seen::Callback(callback) => {
                Grid::new("mock callback").num_columns(2).show(ui, |ui| {
                    ui.label("Event");
                    ui.label(callback.event.name());
                    ui.end_row();
                    ui.label("To");
                    ui.label(callback.url.as_deref().unwrap_or("nowhere"));
                    ui.end_row();
                    ui.label("Signed");
                    ui.label(
                        callback
                            .signed_with
                            .unwrap_or("unsigned: the profile has no secret for it"),
                    );
                    ui.end_row();
                    ui.label("Attempts");
                    ui.label(callback.tries.len().to_string());
                    ui.end_row();
                });
                if let Some(failure) = &callback.failure {
                    read_only_block(ui, "Why it was not delivered", failure, 3);
                }
                if !callback.problems.is_empty() {
                    read_only_block(
                        ui,
                        "Your server's answer, as Sinch reads it",
                        &callback.problems.join("\n"),
                        3,
                    );
                }
                if let Some(answer) = &callback.answer {
                    read_only_block(
                        ui,
                        &format!("Your server answered {}", answer.status),
                        &readable(&answer.body),
                        6,
                    );
                }
                read_only_block(ui, "Body", &readable(&callback.body), 8);
            }
            Seen::Refused { reason, .. } => {
                read_only_block(ui, "Why", reason, 3);
            }
        }
    }
}

/// A body for reading: pretty-printed when it is JSON, else its text.
fn readable(bytes: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
}

/// A line's words in the list, and whether it went well.
fn line_words(seen: &Seen) -> (String, bool) {
    match seen {
        Seen::Call(call) => {
            let what = call.operation.unwrap_or("no such path");
            let verdict = match (&call.reason, call.verified) {
                (Some(_), false) => "refused".to_owned(),
                (Some(_), true) => "not done".to_owned(),
                (None, _) => call.scheme.clone().unwrap_or_default(),
            };
            (
                format!("{} {what}: {} {verdict}", call.method, call.status),
                call.reason.is_none(),
            )
        }
        Seen::Callback(callback) => {
            let outcome = match (&callback.answer, &callback.failure) {
                (Some(answer), _) => format!("answered {}", answer.status),
                (None, Some(_)) => "not delivered".to_owned(),
                (None, None) => String::new(),
            };
            let gist = callback.gist();
            let gist = if gist.is_empty() {
                String::new()
            } else {
                format!(" ({gist})")
            };
            (
                format!("callback {}{gist} {outcome}", callback.event.name()),
                callback.delivered(),
            )
        }
        Seen::Refused { reason, .. } => (format!("connection refused: {reason}"), false),
    }
}
