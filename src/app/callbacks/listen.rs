//! The Callbacks tab's Listen part: start and stop a listener ([`crate::net::listen`], the same
//! server as the command line's `listen`), and see the callbacks that arrive in a list with
//! their verdicts; selecting one shows its headers, body and string to sign. The server runs
//! on its own threads and wakes the window only when something arrives.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};

use chrono::Local;
use eframe::egui::{self, Button, Color32, Grid, RichText, ScrollArea, TextEdit, Ui};

use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::widgets::{
    capitalize, error_text, field_width, labelled, read_only_block, warning_text,
};
use crate::net::listen::{self, Listening, Reply, Seen};
use crate::sinch::signing::DEFAULT_MAX_AGE_SECS;

/// The most requests kept in the list; older ones leave it. Arrivals wait for the window in
/// a queue of the same size: past that, they are counted, not kept.
pub const KEPT: usize = 500;
/// The most of a body kept for display; the rest is named as cut.
pub const BODY_KEPT: usize = 64 * 1024;

/// A request as the list keeps it.
pub struct Arrival {
    /// What the listener saw (its body at most [`BODY_KEPT`] bytes).
    pub seen: Seen,
    /// How many bytes of the body were cut off.
    pub cut: usize,
}

impl Arrival {
    fn new(mut seen: Seen) -> Self {
        let mut cut = 0;
        if let Seen::Callback(callback) = &mut seen
            && callback.body.len() > BODY_KEPT
        {
            cut = callback.body.len() - BODY_KEPT;
            callback.body.truncate(BODY_KEPT);
        }
        Self { seen, cut }
    }
}

/// A running listener and where its reports arrive.
struct Running {
    listening: Listening,
    seen: Receiver<Arrival>,
    dropped: Arc<AtomicUsize>,
    profile: String,
}

/// The Listen part's state.
pub struct ListenPart {
    /// The port, as typed.
    pub port: String,
    /// Listen on every address of this machine, not only loopback.
    pub open_to_others: bool,
    /// Where to forward each request that verifies (empty: answer it here).
    pub forward_to: String,
    /// Forward requests that do not verify too (never remembered: it starts off).
    pub forward_unverified: bool,
    /// What arrived, oldest first.
    pub seen: Vec<Arrival>,
    /// How many arrivals the window could not take (its queue was full).
    pub dropped: usize,
    /// The request shown in detail.
    pub selected: Option<usize>,
    /// Why the listener could not start.
    pub error: Option<String>,
    running: Option<Running>,
}

impl Default for ListenPart {
    fn default() -> Self {
        Self {
            port: "8765".into(),
            open_to_others: false,
            forward_to: String::new(),
            forward_unverified: false,
            seen: Vec::new(),
            dropped: 0,
            selected: None,
            error: None,
            running: None,
        }
    }
}

impl ListenPart {
    /// Where it listens, while it does.
    pub fn listening_on(&self) -> Option<SocketAddr> {
        self.running.as_ref().map(|r| r.listening.addr())
    }

    /// Starts listening with the selected profile's key and secret, and its webhook secrets.
    pub fn start(&mut self, ctx: &egui::Context, profile: ProfileState<'_>) {
        self.error = None;
        let Some(ready) = profile.ready() else {
            self.error = profile.blocker();
            return;
        };
        let profile = ready;
        let port = match self.port_number() {
            Ok(port) => port,
            Err(why) => {
                self.error = Some(why);
                return;
            }
        };
        let ip = if self.open_to_others {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        };
        let forward_to = Some(self.forward_to.trim().to_owned()).filter(|f| !f.is_empty());
        let (tx, rx) = mpsc::sync_channel(KEPT);
        let dropped = Arc::new(AtomicUsize::new(0));
        let lost = Arc::clone(&dropped);
        let waker = ctx.clone();
        let started = listen::start(
            listen::Config {
                addr: SocketAddr::new(ip, port),
                application: Some((profile.key.clone(), profile.secret.clone())),
                webhooks: profile.webhooks.clone(),
                max_age: Some(DEFAULT_MAX_AGE_SECS),
                forward_to,
                forward_unverified: self.forward_unverified,
                read_timeout: listen::READ_TIMEOUT,
            },
            move |seen| {
                // Never blocks the connection: a full queue counts the arrival instead.
                if tx.try_send(Arrival::new(seen)).is_err() {
                    lost.fetch_add(1, Ordering::Relaxed);
                }
                waker.request_repaint();
            },
        );
        match started {
            Ok(listening) => {
                self.running = Some(Running {
                    listening,
                    seen: rx,
                    dropped,
                    profile: profile.name.clone(),
                });
            }
            Err(why) => self.error = Some(why.to_string()),
        }
    }

    /// The port typed, or why it is not one.
    fn port_number(&self) -> Result<u16, String> {
        self.port.trim().parse::<u16>().map_err(|_| {
            format!(
                "'{}' is not a port: type a number from 1 to 65535 (0: any free port)",
                self.port.trim()
            )
        })
    }

    /// Stops listening (the list stays).
    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.listening.stop();
        }
    }

    /// Takes what arrived since the last call: from the window's time-driven work, so the
    /// queue drains while the window is hidden or another tab is shown.
    pub fn take_arrivals(&mut self) {
        let Some(running) = &self.running else {
            return;
        };
        self.seen.extend(running.seen.try_iter());
        self.dropped += running.dropped.swap(0, Ordering::Relaxed);
        if self.seen.len() > KEPT {
            let extra = self.seen.len() - KEPT;
            self.seen.drain(..extra);
            self.selected = self.selected.and_then(|i| i.checked_sub(extra));
        }
    }

    /// Draws the controls, the list and the selected request.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        let running = self.running.is_some();
        Grid::new("listen")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Port", |ui, label| {
                    ui.add_enabled(
                        !running,
                        TextEdit::singleline(&mut self.port).desired_width(80.0),
                    )
                    .labelled_by(label)
                    .on_hover_text("Where Sinch (through a tunnel) or `trigger` sends callbacks");
                });
                ui.end_row();
                // Said as it is typed, not only when Start is pressed.
                if let Err(why) = self.port_number() {
                    ui.label("");
                    error_text(ui, &why);
                    ui.end_row();
                }
                labelled(ui, "Forward to", |ui, label| {
                    ui.add_enabled(
                        !running,
                        TextEdit::singleline(&mut self.forward_to)
                            .hint_text("http://127.0.0.1:3000 (empty: answer here)")
                            .desired_width(field_width(ui, 360.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text(
                        "Your app: each request that verifies goes to it unchanged and its answer \
                         comes back, checked as Sinch reads it. Without a path, the request keeps \
                         its own.",
                    );
                });
                ui.end_row();
            });
        ui.add_enabled(
            !running && !self.forward_to.trim().is_empty(),
            egui::Checkbox::new(
                &mut self.forward_unverified,
                "Forward unverified requests too",
            ),
        )
        .on_hover_text(
            "To test your app's own check: requests whose signature does not hold go to it too \
             (otherwise the listener answers them 401)",
        );
        ui.add_enabled(
            !running,
            egui::Checkbox::new(&mut self.open_to_others, "Open to other machines"),
        )
        .on_hover_text("Listen on every address of this machine, not only 127.0.0.1");
        if self.open_to_others {
            warning_text(
                ui,
                "other machines can send requests to the listener: use this only on a network you trust",
            );
        }
        ui.horizontal(|ui| {
            if running {
                if ui.button("Stop listening").clicked() {
                    actions.push(Action::StopListening);
                }
                if let Some(running) = &self.running {
                    ui.label(format!(
                        "Listening on http://{} with profile \"{}\"",
                        running.listening.addr(),
                        running.profile
                    ));
                }
            } else {
                let blocker = cx.profile.blocker();
                let start = ui
                    .add_enabled(blocker.is_none(), Button::new("Start listening"))
                    .on_hover_text("Receive callbacks and verify them with the selected profile");
                let start = match &blocker {
                    Some(reason) => start.on_disabled_hover_text(capitalize(reason)),
                    None => start,
                };
                if start.clicked() {
                    actions.push(Action::StartListening);
                }
            }
            if !self.seen.is_empty() && ui.button("Clear list").clicked() {
                self.seen.clear();
                self.dropped = 0;
                self.selected = None;
            }
        });
        if let Some(error) = &self.error {
            error_text(ui, error);
        }
        ui.separator();
        if self.seen.is_empty() {
            ui.weak(if running {
                "Nothing yet: send a callback here (the Trigger part does)."
            } else {
                "Start listening to see callbacks arrive."
            });
            return actions;
        }
        self.list(ui);
        if self.dropped > 0 {
            warning_text(
                ui,
                &format!(
                    "{} arrival(s) were not listed: they came faster than the list could take them \
                     (each was answered all the same)",
                    self.dropped
                ),
            );
        }
        if let Some(arrival) = self.selected.and_then(|i| self.seen.get(i)) {
            ui.separator();
            details(ui, &arrival.seen, arrival.cut);
        }
        actions
    }

    fn list(&mut self, ui: &mut Ui) {
        ScrollArea::vertical()
            .id_salt("arrived")
            .max_height(160.0)
            .stick_to_bottom(true)
            .show(ui, |ui| {
                for (i, arrival) in self.seen.iter().enumerate() {
                    let (line, good) = summary(&arrival.seen);
                    // Red on the selection's blue cannot be read: a selected row keeps the
                    // selection's own text colour (its words say NOT VERIFIED).
                    let selected = self.selected == Some(i);
                    let text = if good || selected {
                        RichText::new(line)
                    } else {
                        RichText::new(line).color(ui.visuals().error_fg_color)
                    };
                    if ui
                        .selectable_label(self.selected == Some(i), text.monospace())
                        .clicked()
                    {
                        self.selected = Some(i);
                    }
                }
            });
    }
}

/// One line for the list, and whether it verified.
fn summary(seen: &Seen) -> (String, bool) {
    match seen {
        Seen::Refused {
            at, status, reason, ..
        } => (
            format!(
                "{}  refused{}: {reason}",
                at.with_timezone(&Local).format("%H:%M:%S"),
                status.map_or_else(String::new, |s| format!(" ({s})"))
            ),
            false,
        ),
        Seen::Callback(callback) => {
            let verdict = match (&callback.verdict.scheme, callback.verdict.verified) {
                (Some(scheme), true) => format!("verified ({scheme})"),
                (None, true) => "verified".to_owned(),
                (_, false) => "NOT VERIFIED".to_owned(),
            };
            (
                format!(
                    "{}  {verdict}, answered {}",
                    callback.headline(),
                    callback.status()
                ),
                callback.verdict.verified,
            )
        }
    }
}

/// The selected request: verdict, what it was answered, headers (never a secret), body and
/// the string to sign.
fn details(ui: &mut Ui, seen: &Seen, cut: usize) {
    let Seen::Callback(callback) = seen else {
        if let Seen::Refused { peer, reason, .. } = seen {
            error_text(ui, &format!("a request from {peer} was refused: {reason}"));
        }
        return;
    };
    if callback.verdict.verified {
        ui.colored_label(
            Color32::from_rgb(0x2e, 0xa0, 0x43),
            format!(
                "Verified ({} scheme)",
                callback.verdict.scheme.as_deref().unwrap_or("?")
            ),
        );
    } else {
        error_text(
            ui,
            &format!(
                "not verified: {}",
                callback.verdict.reason.as_deref().unwrap_or("unknown")
            ),
        );
    }
    for warning in &callback.verdict.warnings {
        warning_text(ui, warning);
    }
    match &callback.reply {
        Reply::StandIn { status } => {
            ui.weak(format!("Answered {status} by the listener."));
        }
        Reply::NotForwarded { status: 405 } => {
            ui.weak("Answered 405 by the listener: only POST is taken from other machines.");
        }
        Reply::NotForwarded { status } => {
            ui.weak(format!(
                "Answered {status} by the listener, not forwarded: it did not verify (tick \
                 \"Forward unverified requests too\" to send such requests to your app)."
            ));
        }
        Reply::ForwardFailed { url, error } => error_text(
            ui,
            &format!("answered 502: your app at {url} could not be reached: {error}"),
        ),
        Reply::Forwarded { answer, check, .. } => {
            ui.label(format!("Your app answered {}.", answer.status_line()));
            for problem in check.iter().flat_map(|c| &c.problems) {
                error_text(ui, &format!("• {problem}"));
            }
        }
    }
    let headers: String = callback
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", shown_value(name, value)))
        .collect();
    read_only_block(ui, "Headers", &headers, 3);
    let mut body = callback.pretty_body();
    if cut > 0 {
        body.push_str(&format!("\n… and {cut} more bytes, not kept for display"));
    }
    read_only_block(ui, "Body", &body, 6);
    if let Some(string_to_sign) = &callback.verdict.string_to_sign {
        read_only_block(ui, "String to sign", string_to_sign, 5);
    }
}

/// A header's value as shown: HTTP Basic carries the secret itself, so it is never shown.
pub fn shown_value<'a>(name: &str, value: &'a str) -> std::borrow::Cow<'a, str> {
    let basic = name.eq_ignore_ascii_case("authorization")
        && value
            .split_whitespace()
            .next()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("basic"));
    if basic {
        "Basic [hidden: it carries the application secret]".into()
    } else {
        value.into()
    }
}

impl Drop for ListenPart {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_never_shown() {
        assert_eq!(
            shown_value("Authorization", "Basic a2V5OnNlY3JldA=="),
            "Basic [hidden: it carries the application secret]"
        );
        assert_eq!(
            shown_value("authorization", "Application key:sig="),
            "Application key:sig="
        );
        assert_eq!(shown_value("x-timestamp", "Basic"), "Basic");
    }
}
