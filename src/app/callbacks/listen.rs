//! The Callbacks tab's Listen part: start and stop a listener ([`crate::net::listen`], the same
//! server as the command line's `listen`), and see the callbacks that arrive in a list with
//! their verdicts; selecting one shows its headers, body and string to sign. The server runs
//! on its own threads and wakes the window only when something arrives.

use crate::app::file_dialog::{Ask, Kind, Purpose};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};

use chrono::Local;
use eframe::egui::{self, Button, ComboBox, Grid, RichText, ScrollArea, TextEdit, Ui};

use super::inspector::{DetailTab, HISTORY_SHOWN, Inspector, Row, RowKey, VerdictShown};
use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::job::Slot;
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{
    OK_GREEN, capitalize, error_text, field_width, labelled, list_item, ok_text, read_only_block,
    warning_text,
};
use crate::history::replay::{ReplayAs, Replayed};
use crate::history::{self, Entry, Filter, History, Keeper, KeeperReport};
use crate::net::listen::{self, Listening, Reply, Seen};
use crate::sinch::callback::Event;
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
    /// Its order of arrival in this window (set when the window takes it).
    pub seq: u64,
}

impl Arrival {
    fn new(mut seen: Seen) -> Self {
        let mut cut = 0;
        if let Seen::Callback(callback) = &mut seen
            && callback.body.len() > BODY_KEPT
        {
            cut = callback.body.len() - BODY_KEPT;
            callback.body.truncate(BODY_KEPT);
            // Given back: the list holds 64 KiB of it, not the megabyte it came in.
            callback.body.shrink_to_fit();
        }
        // The app's answer too (it may be a megabyte): the list holds its first 64 KiB.
        if let Seen::Callback(callback) = &mut seen
            && let Reply::Forwarded { answer, .. } = &mut callback.reply
            && answer.body.len() > BODY_KEPT
        {
            answer.body.truncate(BODY_KEPT);
            answer.body.shrink_to_fit();
        }
        Self { seen, cut, seq: 0 }
    }
}

/// A running listener and where its reports arrive.
struct Running {
    listening: Listening,
    seen: Receiver<Arrival>,
    dropped: Arc<AtomicUsize>,
    profile: String,
    /// The secrets it verifies with now (the profile's as last seen).
    application: crate::sinch::Application,
    webhooks: crate::sinch::webhook::WebhookSecrets,
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
    /// The next arrival's order.
    next_seq: u64,
    /// Changes whenever the arrivals do.
    generation: u64,
    /// The list of what arrived and what the history keeps, and the request picked.
    pub inspector: Inspector,
    /// How many records the keeper had kept when the history was last read.
    kept_when_read: u64,
    /// How many records another keeper of this window (the mock's) has kept: the history
    /// is read again when it grows too.
    pub kept_elsewhere: u64,
    /// Why the listener could not start.
    pub error: Option<String>,
    running: Option<Running>,
    /// A listener being stopped on a thread of its own: it finishes answering the requests
    /// under way (up to the listener's deadline) without holding up the window.
    pub stopping: Slot<()>,
    /// Arrivals still coming from the listener being stopped, and its count of dropped ones.
    draining: Option<(Receiver<Arrival>, Arc<AtomicUsize>)>,
    /// Where the history lives (`None`: no data folder, or a test that wants none).
    pub history_path: Option<std::path::PathBuf>,
    /// Keep each request in the history while listening.
    pub keep_history: bool,
    /// The history's keeper of the listener running or last run (its report is shown).
    keeper: Option<Arc<Keeper>>,
    /// What the keeper has to say (it could not open or write the history, it lost
    /// records, it moved a file aside), read in the time-driven work; dismissed by the user.
    pub history_note: Option<String>,
    /// The report last said, so that a dismissed note comes back only when it changes.
    history_said: Option<KeeperReport>,
    /// The user agreed to sign the record shown though it never verified.
    pub resign_unverified: bool,
    /// That the running listener took its profile's new secrets.
    pub secrets_note: Option<String>,
    /// The history record of the request picked, read whole.
    pub history_selected: Slot<Result<Entry, HistoryJobError>>,
    /// A recorded request to put in the Trigger part's editor.
    pub to_trigger: Option<(Event, String)>,
    /// Where *Replay* sends a record: the Trigger part's URL (the tab sets it each frame).
    pub replay_to: String,
    /// Replay sends the recorded bytes with their old signature, not signed afresh.
    pub replay_as_recorded: bool,
    /// The replay under way, and the last one's outcome.
    pub replayed: Slot<Result<Replayed, HistoryJobError>>,
    /// Where Export writes the HAR file, as typed.
    pub export_to: String,
    /// A dialog asked for (Export HAR…), for the tab to hand on.
    pub ask: Option<Ask>,
    /// The export under way, and how many requests the last one wrote where (or why not).
    pub export: Slot<Result<(usize, std::path::PathBuf), HistoryJobError>>,
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
            next_seq: 0,
            generation: 0,
            inspector: Inspector::default(),
            kept_when_read: 0,
            kept_elsewhere: 0,
            error: None,
            running: None,
            stopping: Slot::default(),
            draining: None,
            history_path: None,
            keep_history: true,
            keeper: None,
            history_note: None,
            history_said: None,
            resign_unverified: false,
            secrets_note: None,
            history_selected: Slot::default(),
            to_trigger: None,
            replay_to: String::new(),
            replay_as_recorded: false,
            replayed: Slot::default(),
            export_to: dirs::download_dir()
                .or_else(dirs::home_dir)
                .map(|dir| dir.join("sinch-ticket-history.har").display().to_string())
                .unwrap_or_default(),
            export: Slot::default(),
            ask: None,
        }
    }
}

impl ListenPart {
    /// Where it listens, while it does.
    pub fn listening_on(&self) -> Option<listen::SocketAddr> {
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
        let forward_to = Some(self.forward_to.trim().to_owned()).filter(|f| !f.is_empty());
        let (tx, rx) = mpsc::sync_channel(KEPT);
        let dropped = Arc::new(AtomicUsize::new(0));
        let lost = Arc::clone(&dropped);
        let waker = ctx.clone();
        self.keeper = match self.history_path.clone().filter(|_| self.keep_history) {
            Some(path) => match Keeper::open(path) {
                Ok(keeper) => Some(Arc::new(keeper)),
                Err(why) => {
                    self.history_note = Some(format!(
                        "the history cannot be started ({why}): requests are not kept"
                    ));
                    None
                }
            },
            None => None,
        };
        self.history_said = None;
        self.secrets_note = None;
        let keeper = self.keeper.clone();
        let started = listen::start(
            listen::Config {
                addr: listen::address(self.open_to_others, port),
                application: Some(profile.application()),
                webhooks: profile.webhooks.clone(),
                max_age: Some(DEFAULT_MAX_AGE_SECS),
                forward_to,
                forward_unverified: self.forward_unverified,
                read_timeout: listen::READ_TIMEOUT,
            },
            move |seen| {
                // Kept by the history's keeper, which makes this connection wait a little
                // when it falls behind rather than lose the record; the window's list never
                // blocks the connection (a full queue counts the arrival instead).
                if let Some(keeper) = &keeper
                    && let Some(entry) = seen.history_entry()
                {
                    keeper.keep(entry);
                }
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
                    application: profile.application(),
                    webhooks: profile.webhooks.clone(),
                });
            }
            Err(why) => self.error = Some(why.to_string()),
        }
    }

    /// The port typed, or why it is not one.
    fn port_number(&self) -> Result<u16, String> {
        listen::parse_port(&self.port)
    }

    /// Stops listening (the list stays). The listener stops on a thread of its own, since
    /// it waits for the answers it is writing; the part says "stopping" until it is done,
    /// and what is answered meanwhile still arrives in the list.
    pub fn stop(&mut self, ctx: &egui::Context) {
        let Some(Running {
            listening,
            seen,
            dropped,
            ..
        }) = self.running.take()
        else {
            return;
        };
        self.draining = Some((seen, dropped));
        let keeper = self.keeper.clone();
        // (Should the thread not start, the closure is dropped with the listener in it,
        // which then stops here, as it did before.)
        if let Err(why) = self.stopping.start("listen-stop", ctx, move || {
            listening.stop();
            // What was answered is kept before the part says it stopped.
            if let Some(keeper) = keeper {
                keeper.finish();
            }
        }) {
            self.error = Some(why);
        }
    }

    /// Whether a listener is still finishing its answers after *Stop listening*.
    pub fn is_stopping(&self) -> bool {
        self.stopping.busy()
    }

    /// The profile a running listener verifies with.
    pub fn listening_with(&self) -> Option<&str> {
        self.running.as_ref().map(|r| r.profile.as_str())
    }

    /// Keeps a running listener on its profile's secrets as they are now: when the profile it
    /// was started with is saved with other secrets (here, or on the command line and read
    /// again), the next request is verified with them, and the part says so.
    pub fn follow_profile(&mut self, profile: Option<&crate::profiles::Profile>) {
        let (Some(running), Some(profile)) = (&mut self.running, profile) else {
            return;
        };
        if profile.name != running.profile {
            return;
        }
        // Called every frame: compared in place, copied only when they changed.
        if running.application.matches(&profile.key, &profile.secret)
            && profile.webhooks.same_as(&running.webhooks)
        {
            return;
        }
        let application = profile.application();
        running
            .listening
            .use_secrets(Some(application.clone()), profile.webhooks.clone());
        running.application = application;
        running.webhooks = profile.webhooks.clone();
        self.secrets_note = Some(format!(
            "Profile \"{}\" changed: the listener verifies with its secrets as saved now.",
            profile.name
        ));
    }

    /// Reads what the history's keeper has to say, when it changed (from the time-driven
    /// work, like the arrivals).
    fn read_keeper(&mut self) {
        let Some(keeper) = &self.keeper else {
            return;
        };
        let report = keeper.report();
        if self.history_said.as_ref() == Some(&report) {
            return;
        }
        let mut said = Vec::new();
        if let Some(warning) = &report.warning {
            said.push(warning.clone());
        }
        if let Some(why) = &report.unusable {
            said.push(format!("{why}: requests are not kept"));
        }
        if let Some(why) = &report.failing {
            said.push(format!(
                "{why}; the requests answered wait and are kept as soon as it can be written"
            ));
        }
        if report.lost > 0 {
            said.push(format!(
                "{} request(s) answered could not be kept: {}",
                report.lost,
                report
                    .lost_because
                    .as_deref()
                    .unwrap_or("the history could not be written")
            ));
        }
        let changed_what_is_said = self.history_said.as_ref().is_none_or(|before| {
            before.warning != report.warning
                || before.unusable != report.unusable
                || before.failing.is_some() != report.failing.is_some()
                || before.lost != report.lost
        });
        if changed_what_is_said {
            self.history_note = (!said.is_empty()).then(|| said.join("\n"));
        }
        self.history_said = Some(report);
    }

    /// Takes what arrived since the last call: from the window's time-driven work, so the
    /// queue drains while the window is hidden or another tab is shown.
    pub fn take_arrivals(&mut self) {
        self.read_keeper();
        let mut taken = Vec::new();
        if self.stopping.poll() || !self.stopping.busy() {
            // Stopped: what it answered last is in the queue, then nothing more comes.
            if let Some((seen, dropped)) = self.draining.take() {
                taken.extend(seen.try_iter());
                self.dropped += dropped.swap(0, Ordering::Relaxed);
            }
        } else if let Some((seen, dropped)) = &self.draining {
            taken.extend(seen.try_iter());
            self.dropped += dropped.swap(0, Ordering::Relaxed);
        }
        if let Some(running) = &self.running {
            taken.extend(running.seen.try_iter());
            self.dropped += running.dropped.swap(0, Ordering::Relaxed);
        }
        if taken.is_empty() {
            return;
        }
        for mut arrival in taken {
            arrival.seq = self.next_seq;
            self.next_seq += 1;
            self.seen.push(arrival);
        }
        // The newest [`KEPT`] stay.
        let extra = self.seen.len().saturating_sub(KEPT);
        self.seen.drain(..extra);
        self.generation += 1;
    }

    /// Empties the list of arrivals (the history keeps what it kept).
    pub fn clear_arrivals(&mut self) {
        // The history's records listed so far leave the list too (Reload brings them back).
        self.inspector.hide_kept();
        self.seen.clear();
        self.dropped = 0;
        self.generation += 1;
        if matches!(self.inspector.selected, Some(RowKey::Live(_))) {
            self.inspector.selected = None;
        }
    }

    /// Draws the controls, the list and the selected request.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        two_panes(
            ui,
            "listen",
            ["Arrivals pane", "Detail pane"],
            |ui, pane| match pane {
                Pane::Give => self.arrivals_pane(ui, cx, &mut actions),
                Pane::Get => self.detail_pane(ui, &mut actions),
            },
        );
        actions
    }

    /// The listener's settings, Start and Stop, and what arrived.
    fn arrivals_pane(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        let running = self.running.is_some();
        Grid::new("listen")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                // Said as it is typed, not only when Start is pressed.
                super::port_rows(
                    ui,
                    &mut self.port,
                    !running,
                    "Where Sinch (through a tunnel) or `trigger` sends callbacks",
                );
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
        if self.history_path.is_some() {
            ui.add_enabled(
                !running,
                egui::Checkbox::new(&mut self.keep_history, "Keep in history"),
            )
            .on_hover_text(
                "Keep each request in the history (the same as the command line's), to see, \
                 replay and export it later; bodies hold phone numbers and messages",
            );
        }
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
        ui.horizontal_wrapped(|ui| {
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
                let stopping = self.is_stopping().then(|| {
                    "the listener is still finishing the answers it was writing".to_owned()
                });
                let blocker = stopping.or_else(|| cx.profile.blocker());
                let start = ui
                    .add_enabled(blocker.is_none(), Button::new("Start listening"))
                    .on_hover_text("Receive callbacks and verify them with the selected profile");
                let start = match &blocker {
                    Some(reason) => start.on_disabled_hover_text(capitalize(reason)),
                    None => start,
                };
                if self.is_stopping() {
                    ui.spinner();
                    ui.label("Stopping: finishing the answers under way…");
                }
                if start.clicked() {
                    actions.push(Action::StartListening);
                }
            }
            if ui
                .add_enabled(!self.inspector.is_empty(), Button::new("Clear list"))
                .on_hover_text(
                    "Empty the list; the history keeps what it kept (Reload lists it again)",
                )
                .clicked()
            {
                self.clear_arrivals();
            }
        });
        if running && let Some(note) = self.secrets_note.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.label(note);
                if ui.small_button("Dismiss").clicked() {
                    self.secrets_note = None;
                }
            });
        }
        if let Some(error) = &self.error {
            error_text(ui, error);
        }
        ui.separator();
        self.list_section(ui);
    }

    /// The filters, the list of what arrived and what the history keeps (newest first; only
    /// the rows in sight are drawn), and Export.
    fn list_section(&mut self, ui: &mut Ui) {
        let events = self.inspector.events().to_vec();
        let mut whole = false;
        ui.horizontal_wrapped(|ui| {
            labelled(ui, "Filter", |ui, label| {
                let typed = ui
                    .add(
                        TextEdit::singleline(&mut self.inspector.text)
                            .hint_text("event, path, verdict or text in the body")
                            .desired_width(field_width(ui, 220.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("Shows only the requests that hold this text, as you type");
                // The history's records are matched by their bodies too: read again.
                whole |= typed.changed();
            });
            // A label and its list stay on one line: the row wraps before them.
            if ui.available_size_before_wrap().x < FILTER_PAIR {
                ui.end_row();
            }
            ui.horizontal(|ui| {
                let event = self.inspector.event.clone();
                let label = ui.label("Events");
                ComboBox::from_id_salt("event filter")
                    .selected_text(event.as_deref().unwrap_or("Any event"))
                    .show_ui(ui, |ui| {
                        list_item(ui, &mut self.inspector.event, None, "Any event");
                        for name in events {
                            list_item(ui, &mut self.inspector.event, Some(name.clone()), name);
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text("Shows only the requests of one event");
            });
            // A label and its list stay on one line: the row wraps before them.
            if ui.available_size_before_wrap().x < FILTER_PAIR {
                ui.end_row();
            }
            ui.horizontal(|ui| {
                let label = ui.label("Verdicts");
                ComboBox::from_id_salt("verdict filter")
                    .selected_text(self.inspector.verdict.label())
                    .show_ui(ui, |ui| {
                        for (shown, label) in VerdictShown::ALL {
                            list_item(ui, &mut self.inspector.verdict, shown, label);
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text("Shows only the requests that verified, or only those that did not");
            });
            if self.history_path.is_some()
                && ui
                    .button("Reload")
                    .on_hover_text("Read the history again (the command line may have added to it or cleared it)")
                    .clicked()
            {
                self.inspector.forget();
                whole = true;
            }
            if self.inspector.reading.busy() {
                ui.spinner();
            }
        });
        if whole || (self.history_path.is_some() && !self.inspector.started()) {
            self.inspector
                .read(ui.ctx(), self.history_path.as_deref(), true);
        }
        if let Some(Err(why)) = &self.inspector.reading.last {
            error_text(ui, &why.to_string());
        }
        if let Some(why) = &self.history_note {
            warning_text(ui, why);
            if ui.small_button("Dismiss").clicked() {
                self.history_note = None;
            }
        }
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
        // Export, above the list (which takes the rest of the pane).
        self.export_ui(ui);
        let selected = self.inspector.selected;
        let count = self.inspector.refresh(&self.seen, self.generation);
        let filtered = !self.inspector.text.trim().is_empty()
            || self.inspector.event.is_some()
            || self.inspector.verdict != VerdictShown::All;
        if self.inspector.cleared() {
            ui.weak("Cleared: what was listed stays in the history; Reload lists it again.");
        }
        if count == 0 {
            ui.weak(if filtered {
                "Nothing received or kept matches the filters."
            } else if self.running.is_some() {
                "Nothing yet: send a callback here (the Trigger part does)."
            } else {
                "Start listening to see callbacks arrive; what the history keeps is listed here too."
            });
            return;
        }
        let mut picked = timeline(ui, &mut self.inspector, selected);
        let width = self.inspector.event_width();
        ui.weak(format!("{count} request(s), newest first"));
        ui.add(egui::Label::new(RichText::new(Row::header(width)).monospace().weak()).truncate());
        let row_height = ui.text_style_height(&egui::TextStyle::Monospace) + 6.0;
        // The list takes the rest of the pane, and at least a few rows.
        let room = (ui.clip_rect().bottom() - ui.cursor().top() - 8.0).max(row_height * 6.0);
        ScrollArea::vertical()
            .id_salt("inspector rows")
            .max_height(room)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, count, |ui, range| {
                for row in range.filter_map(|i| self.inspector.shown(i)) {
                    let is_selected = selected == Some(row.key);
                    // Red on the selection's blue cannot be read: a selected row keeps the
                    // selection's own text colour (its words say NOT VERIFIED).
                    let text = RichText::new(row.line(width)).monospace();
                    let text = if !row.failed() || is_selected {
                        text
                    } else {
                        text.color(ui.visuals().error_fg_color)
                    };
                    if ui
                        .add(
                            Button::selectable(is_selected, text)
                                .wrap_mode(egui::TextWrapMode::Truncate),
                        )
                        .clicked()
                    {
                        picked = Some((row.key, row.id));
                    }
                }
            });
        if let Some((key, id)) = picked {
            self.pick(ui.ctx(), key, id);
        }
    }

    /// Shows the request `key` in detail; its history record (`id`) is read whole, for
    /// Replay and Edit & replay.
    fn pick(&mut self, ctx: &egui::Context, key: RowKey, id: Option<i64>) {
        self.inspector.selected = Some(key);
        match id {
            Some(id) => self.load_record(ctx, id),
            None => {
                self.history_selected.last = None;
                self.replayed.last = None;
            }
        }
    }

    /// The request picked in the list, in detail, with what can be done with it.
    fn detail_pane(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.inspector.selected else {
            ui.weak("Pick a request in the list to see it here: its headers and body, what your app answered, and its verdict, with Replay and Copy as curl.");
            return;
        };
        let live = match key {
            RowKey::Live(seq) => self.seen.iter().find(|a| a.seq == seq),
            RowKey::Kept(_) => None,
        };
        let row = self.inspector.row(key).cloned();
        let record = match &self.history_selected.last {
            Some(Ok(entry))
                if entry.id.is_some() && entry.id == row.as_ref().and_then(|r| r.id) =>
            {
                Some(entry)
            }
            _ => None,
        };
        let Some(row) = row else {
            ui.weak("That request is no longer listed.");
            return;
        };
        let title = if row.method.is_empty() {
            "A connection refused".to_owned()
        } else {
            format!("{} {}", row.method, crate::sinch::text::one_line(&row.path))
        };
        ui.add(egui::Label::new(RichText::new(title).strong()).wrap());
        let number = match row.id {
            Some(id) => format!("record {id} in the history"),
            None => "not in the history".to_owned(),
        };
        ui.weak(format!(
            "{}, {}",
            row.time
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S%.3f"),
            number
        ));
        if row.verified {
            ok_text(ui, &row.verdict);
        } else {
            error_text(ui, &row.verdict);
        }
        // Why not, on top: the arrival's own words, or its record's.
        let reason = match live.map(|a| &a.seen) {
            Some(Seen::Callback(callback)) => callback.verdict.reason.as_deref(),
            Some(Seen::Refused { .. }) => None,
            None => record.and_then(|e| e.reason.as_deref()),
        };
        if let Some(reason) = reason {
            error_text(ui, reason);
        }
        if self.history_selected.busy() {
            ui.spinner();
        }
        if let Some(Err(why)) = &self.history_selected.last {
            error_text(ui, &why.to_string());
        }
        // What is known of it: from this window's arrival, else from its history record.
        let request = live
            .and_then(|a| match &a.seen {
                Seen::Callback(callback) => Some(Received {
                    method: &callback.method,
                    path: &callback.path,
                    headers: &callback.headers,
                    body: &callback.body,
                }),
                Seen::Refused { .. } => None,
            })
            .or_else(|| {
                record.map(|e| Received {
                    method: &e.method,
                    path: &e.path,
                    headers: &e.headers,
                    body: &e.body,
                })
            });
        actions_row(
            ui,
            ReplayControls {
                as_recorded: &mut self.replay_as_recorded,
                resign_unverified: &mut self.resign_unverified,
                to_trigger: &mut self.to_trigger,
                replayed: &self.replayed,
                replay_to: self.replay_to.trim(),
                port: self.port.trim(),
            },
            request,
            record,
            actions,
        );
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            for (tab, label) in [
                (DetailTab::Request, "Request"),
                (DetailTab::AppAnswer, "Your app's answer"),
                (DetailTab::Verdict, "Verdict"),
            ] {
                ui.selectable_value(&mut self.inspector.tab, tab, label);
            }
        });
        match self.inspector.tab {
            DetailTab::Request => match request {
                Some(request) => {
                    let cut = live.map_or(0, |a| a.cut);
                    request_detail(ui, request, cut, record);
                }
                None if self.history_selected.busy() => {}
                None => {
                    if let Some(Seen::Refused { peer, reason, .. }) = live.map(|a| &a.seen) {
                        error_text(ui, &format!("a request from {peer} was refused: {reason}"));
                    }
                }
            },
            DetailTab::AppAnswer => app_answer_detail(ui, live.map(|a| &a.seen), record),
            DetailTab::Verdict => verdict_detail(ui, live.map(|a| &a.seen), record),
        }
    }
}

/// The rows on a time axis, as a picture: a bar for each moment something arrived, green
/// for what verified and red for what did not, the picked one marked. Hovered, it names the
/// request under the pointer; clicked, it picks it. Screen readers read it as a sentence.
fn timeline(
    ui: &mut Ui,
    inspector: &mut Inspector,
    selected: Option<RowKey>,
) -> Option<(RowKey, Option<i64>)> {
    let width = ui.available_width().max(100.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 34.0), egui::Sense::click());
    let bars = rect.shrink2(egui::vec2(4.0, 4.0));
    // One column a pixel wide: how many verified and how many not arrived then (a list of
    // 100,000 draws as many bars as the strip has pixels, and counts them once).
    let columns = bars.width().max(1.0) as usize;
    let timeline = inspector.timeline(columns)?.clone();
    let summary = format!(
        "Timeline of {} request(s) from {} to {}: {} verified, {} not verified{}",
        timeline.total,
        timeline.from.with_timezone(&Local).format("%H:%M:%S"),
        timeline.newest.with_timezone(&Local).format("%H:%M:%S"),
        timeline.verified,
        timeline.failed,
        match timeline.total - timeline.verified - timeline.failed {
            0 => String::new(),
            replays => format!(", {replays} replayed from here"),
        }
    );
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, &summary));
    let most = timeline
        .counts
        .iter()
        .map(|(v, n)| v + n)
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    let red = visuals.error_fg_color;
    for (column, &(good, bad)) in timeline.counts.iter().enumerate() {
        if good + bad == 0 {
            continue;
        }
        let x = bars.left() + column as f32 + 0.5;
        // At least a third of the height, so that a lone request shows.
        let height = |n: u32| (n as f32 / most).max(0.33) * bars.height();
        let mut bottom = bars.bottom();
        for (n, color) in [(good, OK_GREEN), (bad, red)] {
            if n > 0 {
                let top = (bottom - height(n)).max(bars.top());
                painter.line_segment(
                    [egui::pos2(x, bottom), egui::pos2(x, top)],
                    egui::Stroke::new(2.0, color),
                );
                bottom = top;
            }
        }
    }
    if let Some(row) = selected.and_then(|key| inspector.row(key)) {
        let x = bars.left() + timeline.column(row.time) as f32 + 0.5;
        painter.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            visuals.selection.stroke,
        );
    }
    // The newest request drawn under the pointer, or a few pixels from it (not the nearest
    // across a gap).
    let near = |pos: egui::Pos2| {
        let column = ((pos.x - bars.left()).max(0.0) as usize).min(columns - 1);
        inspector.newest_near(column, 6)
    };
    let hovered = response.hover_pos().and_then(near);
    let response = match hovered {
        Some(row) => response.on_hover_text(row.line(inspector.event_width())),
        None => response.on_hover_text(&summary),
    };
    if response.clicked()
        && let Some(row) = response.interact_pointer_pos().and_then(near)
    {
        return Some((row.key, row.id));
    }
    None
}

/// A request received, from this window's arrival or its history record.
#[derive(Clone, Copy)]
struct Received<'a> {
    method: &'a str,
    path: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
}

/// What the actions of the request picked read and change.
struct ReplayControls<'a> {
    as_recorded: &'a mut bool,
    resign_unverified: &'a mut bool,
    to_trigger: &'a mut Option<(Event, String)>,
    replayed: &'a Slot<Result<Replayed, HistoryJobError>>,
    replay_to: &'a str,
    port: &'a str,
}

/// Replay (re-signed or as recorded, to the Trigger part's URL), Edit & replay and Copy as
/// curl, for the request picked: its method, path, headers and body when they are known, and
/// its history record when it has one.
fn actions_row(
    ui: &mut Ui,
    controls: ReplayControls<'_>,
    request: Option<Received<'_>>,
    record: Option<&Entry>,
    actions: &mut Vec<Action>,
) {
    let to = controls.replay_to;
    ui.horizontal_wrapped(|ui| {
        // Copy as curl: to your server when the Trigger part names it, else back here.
        if let Some(request) = request {
            let target = if to.is_empty() {
                format!("http://127.0.0.1:{}{}", controls.port, request.path)
            } else {
                to.to_owned()
            };
            if ui
                .button("Copy as curl")
                .on_hover_text(format!(
                    "Copy a curl command that sends it as recorded to {target}; credentials other than a signature are left out"
                ))
                .clicked()
            {
                actions.push(Action::CopyText {
                    text: crate::history::replay::curl(
                        request.method,
                        &target,
                        request.headers,
                        request.body,
                    ),
                    what: "curl command",
                });
            }
        }
        let Some(entry) = record else {
            return;
        };
        // A call a backend made to the mock is no callback: it is not replayed at a server.
        if entry.event.as_deref().is_some_and(|e| e.starts_with("mock:")) {
            ui.weak("A call your backend made to the mock: send it again from your backend.");
            return;
        }
        let event = Event::of_body(&entry.body);
        if let Some(event) = event
            && ui
                .button("Edit & replay")
                .on_hover_text("Put its body in the Trigger part's editor, to change it and send it re-signed")
                .clicked()
        {
            *controls.to_trigger = Some((event, entry.pretty_body()));
        }
        ui.separator();
        ui.radio_value(controls.as_recorded, false, "Re-signed")
            .on_hover_text("Its recorded body, signed afresh with the selected profile: your server should take it");
        ui.radio_value(controls.as_recorded, true, "As recorded")
            .on_hover_text("Its bytes and old signature as they arrived: your server should refuse a stale one");
        let resigned = !*controls.as_recorded;
        // A stranger's bytes are signed with your secret only when you say so.
        let vouch = entry.verified || entry.resigned || !resigned;
        if !vouch {
            ui.checkbox(
                controls.resign_unverified,
                "It never verified: sign it with my secret anyway",
            )
            .on_hover_text("It may not be Sinch's: signing it vouches for it. The replay is listed as re-signed, not verified.");
        }
        let can = !controls.replayed.busy()
            && (vouch || *controls.resign_unverified)
            && (event.is_some() || !resigned);
        let tip = if to.is_empty() {
            "Send it again: first type your server's URL in the Trigger part".to_owned()
        } else if event.is_none() && resigned {
            "Its body names no event: it cannot be signed as one (As recorded can send it)"
                .to_owned()
        } else {
            format!("Send it again to {to} (the Trigger part's URL); the replay is kept in the history, linked to this record")
        };
        if ui
            .add_enabled(can, Button::new("Replay"))
            .on_hover_text(&tip)
            .on_disabled_hover_text(&tip)
            .clicked()
        {
            actions.push(Action::ReplayRecord);
        }
    });
    if record.is_some_and(|e| !e.event.as_deref().is_some_and(|e| e.starts_with("mock:"))) {
        ui.weak(if to.is_empty() {
            "Replay sends to the Trigger part's URL: type your server's there.".to_owned()
        } else {
            format!("Replay sends to {to} (the Trigger part's URL).")
        });
    }
    if controls.replayed.busy() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Replaying…");
        });
    }
    match &controls.replayed.last {
        None => {}
        Some(Err(why)) => error_text(ui, &format!("Not replayed: {why}")),
        Some(Ok(replayed)) => replay_outcome(ui, replayed),
    }
}

impl ListenPart {
    /// Reads record `id` whole, on a worker thread.
    fn load_record(&mut self, ctx: &egui::Context, id: i64) {
        let Some(path) = self.history_path.clone() else {
            return;
        };
        let _ = self.history_selected.start("history-record", ctx, move || {
            let opened = History::open(&path)?;
            opened.history.get(id)?.ok_or(HistoryJobError::Gone(id))
        });
    }

    /// Collects finished history work, and reads what the keeper kept since the list was
    /// read (also while the window is hidden).
    pub fn poll_history(&mut self, ctx: &egui::Context) {
        if self.inspector.take_read() {
            self.inspector
                .read(ctx, self.history_path.as_deref(), false);
        }
        if let Some(warning) = self.inspector.warning.take() {
            self.history_note = Some(warning);
        }
        if self.history_selected.poll() {
            // Another record: the last replay was of the one before, and signing it though
            // it never verified is asked again.
            self.replayed.last = None;
            self.resign_unverified = false;
        }
        self.export.poll();
        let replay_kept =
            self.replayed.poll() && matches!(&self.replayed.last, Some(Ok(r)) if r.kept.is_ok());
        // The keeper's report as read this tick (`take_arrivals` reads it first).
        let kept = self.history_said.as_ref().map_or(0, |r| r.kept) + self.kept_elsewhere;
        if self.inspector.started() && (replay_kept || kept != self.kept_when_read) {
            self.kept_when_read = kept;
            self.inspector
                .read(ctx, self.history_path.as_deref(), false);
        }
    }

    /// Sends the record picked again to [`Self::replay_to`], re-signed with `profile`'s
    /// secret of its kind or as recorded, on a worker thread; the replay is kept in the
    /// history, linked to the record (as `replay` does on the command line).
    pub fn replay(&mut self, ctx: &egui::Context, profile: ProfileState<'_>) {
        let result = self.start_replay(ctx, profile);
        if let Err(why) = result {
            self.replayed.last = Some(Err(why));
        }
    }

    fn start_replay(
        &mut self,
        ctx: &egui::Context,
        profile: ProfileState<'_>,
    ) -> Result<(), HistoryJobError> {
        let Some(Ok(entry)) = &self.history_selected.last else {
            return Err(HistoryJobError::NothingPicked);
        };
        let Some(path) = self.history_path.clone() else {
            return Err(HistoryJobError::NoDataFolder);
        };
        let to = self.replay_to.trim().to_owned();
        if to.is_empty() {
            return Err(HistoryJobError::NoUrl);
        }
        crate::net::target::sendable(&to).map_err(HistoryJobError::Url)?;
        let secrets = if self.replay_as_recorded {
            None
        } else {
            let Some(ready) = profile.ready() else {
                return Err(HistoryJobError::NoProfile(profile.blocker()));
            };
            Some(ready.callback_secrets())
        };
        let entry = entry.clone();
        let even_unverified = self.resign_unverified;
        self.replayed
            .start("replay", ctx, move || {
                let mut opened = History::open(&path)?.history;
                let how = match &secrets {
                    None => ReplayAs::AsIs,
                    Some(secrets) => ReplayAs::Resigned {
                        body: entry.body.clone(),
                        secrets,
                        even_unverified,
                    },
                };
                history::replay::replay(
                    &mut opened,
                    &entry,
                    &to,
                    how,
                    crate::net::client::DEFAULT_TIMEOUT,
                )
                .map_err(HistoryJobError::from)
            })
            .map_err(HistoryJobError::NotStarted)
    }

    /// Writes the records the filter's text matches to the Export file as HAR 1.2
    /// (readable by you only), on a worker thread.
    pub fn export_har(&mut self, ctx: &egui::Context) {
        let Some(path) = self.history_path.clone() else {
            return;
        };
        let to = std::path::PathBuf::from(self.export_to.trim());
        if to.as_os_str().is_empty() {
            self.export.last = Some(Err(HistoryJobError::NoExportTarget));
            return;
        }
        let filter = Filter {
            text: Some(self.inspector.text.clone()),
            event: self.inspector.event.clone(),
            verified: match self.inspector.verdict {
                VerdictShown::All => None,
                VerdictShown::Verified => Some(true),
                VerdictShown::NotVerified => Some(false),
            },
            limit: Some(HISTORY_SHOWN),
            ..Filter::default()
        };
        let _ = self.export.start("history-export", ctx, move || {
            let opened = History::open(&path)?;
            let count = history::export(&opened.history, &filter, history::Format::Har, &to)?;
            Ok((count, to))
        });
    }

    /// Export: the history's records the filters take, as HAR.
    fn export_ui(&mut self, ui: &mut Ui) {
        if self.history_path.is_none() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            labelled(ui, "Export to", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut self.export_to).desired_width(field_width(ui, 300.0)),
                )
                .labelled_by(label)
                .on_hover_text(
                    "A HAR 1.2 file of the history's requests the filters take, readable by you only",
                );
            });
            if ui
                .add_enabled(!self.export.busy(), Button::new("Export HAR…"))
                .on_hover_text(
                    "Choose where, then write the history's requests the filters take, for a browser's or proxy's HAR viewer",
                )
                .clicked()
            {
                self.ask = Some(Ask {
                    purpose: Purpose::Har,
                    kind: Kind::Save,
                    title: "Export the history as HAR",
                    current: std::path::PathBuf::from(self.export_to.trim()),
                    filter: ("HAR file", "har"),
                });
            }
        });
        match &self.export.last {
            Some(Ok((count, to))) => {
                ui.weak(format!("Exported {count} request(s) to {}.", to.display()));
            }
            Some(Err(why)) => error_text(ui, &why.to_string()),
            None => {}
        }
    }
}

/// What a replay got: the answer, Sinch's judgement of it, and where it was kept.
fn replay_outcome(ui: &mut Ui, replayed: &Replayed) {
    let how = if replayed.verdict.is_some() {
        "signed afresh"
    } else {
        "as recorded"
    };
    let line = format!(
        "Sent record {} again to {}, {how}: {}",
        replayed.of,
        replayed.to,
        replayed.answer.status_line()
    );
    if replayed.passed {
        ok_text(ui, &line);
    } else {
        error_text(ui, &line);
    }
    ui.add(egui::Label::new(replayed.summary.as_str()).wrap());
    match &replayed.kept {
        Ok(id) => {
            ui.weak(format!("Kept as record {id}, a replay of {}.", replayed.of));
        }
        Err(why) => warning_text(ui, &format!("The replay could not be kept: {why}")),
    }
}

/// About the width a filter's label and its list take together.
const FILTER_PAIR: f32 = 280.0;

/// Why a history job of the Listen part (a list, a record, an export, a replay) gave no
/// result: kept typed in its slot, worded where it is drawn.
#[derive(Debug, thiserror::Error)]
pub enum HistoryJobError {
    /// No data folder, so no history.
    #[error("there is no data folder for the history")]
    NoDataFolder,
    /// The history could not be read or written.
    #[error(transparent)]
    History(#[from] history::HistoryError),
    /// The record was pruned or cleared meanwhile.
    #[error("record {0} is no longer in the history")]
    Gone(i64),
    /// Export with no file named.
    #[error("say where to export to")]
    NoExportTarget,
    /// The export could not be written (or read).
    #[error(transparent)]
    Export(#[from] history::ExportError),
    /// Replay with no record picked.
    #[error("pick a record in the history first")]
    NothingPicked,
    /// Replay with no usable profile (why, as the profile bar says it).
    #[error("{}", .0.as_deref().unwrap_or("select a profile to sign with"))]
    NoProfile(Option<String>),
    /// Replay with the Trigger part's URL empty.
    #[error("type your server's URL in the Trigger part first: Replay sends there")]
    NoUrl,
    /// Replay to a URL that may not be used.
    #[error("the Trigger part's URL: {0}")]
    Url(crate::net::target::TargetError),
    /// The replay could not be signed or sent.
    #[error(transparent)]
    Replay(#[from] crate::history::replay::ReplayError),
    /// A worker thread could not be started.
    #[error("{0}")]
    NotStarted(String),
}

/// The request tab of the detail: its headers (never a credential), its body, and the
/// request as raw text.
fn request_detail(ui: &mut Ui, request: Received<'_>, cut: usize, record: Option<&Entry>) {
    let Received {
        method,
        path,
        headers,
        body,
    } = request;
    // Any credential but a signature hidden, as the history and Copy as curl hide it.
    let headers: String = Entry::hide_secrets(headers)
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", crate::sinch::text::one_line(value)))
        .collect();
    read_only_block(ui, "Headers", &headers, 3);
    let mut shown = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => format!("{json:#}"),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    if cut > 0 {
        shown.push_str(&format!("\n… and {cut} more bytes, not kept for display"));
    }
    if let Some(note) = record.and_then(Entry::cut_note) {
        shown.push_str(&format!("\n… {note}"));
    }
    read_only_block(ui, "Body", &shown, 6);
    egui::CollapsingHeader::new("Raw request")
        .default_open(false)
        .show(ui, |ui| {
            let raw = format!(
                "{method} {path} HTTP/1.1\n{headers}\n{}",
                String::from_utf8_lossy(body)
            );
            read_only_block(ui, "Raw", &raw, 6);
        });
}

/// The app's-answer tab of the detail: what the listener or your app answered.
fn app_answer_detail(ui: &mut Ui, seen: Option<&Seen>, record: Option<&Entry>) {
    if let Some(Seen::Callback(callback)) = seen {
        match &callback.reply {
            Reply::StandIn { status } => {
                ui.weak(format!(
                    "Answered {status} by the listener: nothing is forwarded (type your app's address in Forward to)."
                ));
            }
            Reply::NotForwarded { status: 405 } => {
                ui.weak("Answered 405 by the listener: only POST is taken from other machines.");
            }
            Reply::NotForwarded { status } => {
                ui.add(
                    egui::Label::new(format!(
                        "Answered {status} by the listener, not forwarded: it did not verify (tick \
                         \"Forward unverified requests too\" to send such requests to your app)."
                    ))
                    .wrap(),
                );
            }
            Reply::ForwardFailed { url, error } => error_text(
                ui,
                &format!("answered 502: your app at {url} could not be reached: {error}"),
            ),
            Reply::Forwarded { url, answer, check } => {
                ui.label(format!(
                    "Your app at {url} answered {}.",
                    answer.status_line()
                ));
                for problem in check.iter().flat_map(|c| &c.problems) {
                    error_text(ui, &format!("• {problem}"));
                }
                if check.as_ref().is_some_and(|c| c.problems.is_empty()) {
                    ok_text(ui, "Sinch can use this answer.");
                }
                if let Some(content_type) = &answer.content_type {
                    ui.monospace(format!("Content-Type: {content_type}"));
                }
                read_only_block(ui, "Your app's body", &answer.pretty_body(), 6);
            }
        }
        return;
    }
    let Some(entry) = record else {
        ui.weak("Nothing was answered: the connection was refused.");
        return;
    };
    let Some(forwarded) = entry.forwarded() else {
        ui.weak(format!(
            "Answered {} by the listener; it was not forwarded to an app.",
            entry
                .status
                .map_or_else(|| "-".to_owned(), |s| s.to_string())
        ));
        return;
    };
    let url = &forwarded.url;
    match forwarded.status {
        Some(status) => {
            let took = forwarded
                .took_ms
                .map_or_else(String::new, |ms| format!(" in {ms} ms"));
            ui.label(format!("Your app at {url} answered {status}{took}."));
        }
        None => error_text(
            ui,
            &format!(
                "your app at {url} could not be reached: {}",
                forwarded.error.as_deref().unwrap_or("?")
            ),
        ),
    }
    for problem in forwarded.problems.iter().flatten() {
        error_text(ui, &format!("• {problem}"));
    }
    if let Some(content_type) = &forwarded.content_type {
        ui.monospace(format!("Content-Type: {content_type}"));
    }
    if let Some(body) = &forwarded.body {
        let shown = serde_json::from_str::<serde_json::Value>(body)
            .map_or_else(|_| body.clone(), |json| format!("{json:#}"));
        read_only_block(ui, "Your app's body", &shown, 6);
        if let Some(size) = forwarded.body_size {
            ui.weak(format!(
                "The first {} KiB of {size} bytes, as the history keeps it.",
                crate::net::listen::APP_BODY_KEPT / 1024
            ));
        }
    }
}

/// The verdict tab of the detail: why it did or did not verify, and the string to sign.
fn verdict_detail(ui: &mut Ui, seen: Option<&Seen>, record: Option<&Entry>) {
    match (seen, record) {
        (Some(Seen::Callback(callback)), _) => {
            if let Some(reason) = &callback.verdict.reason {
                error_text(ui, reason);
            }
            for warning in &callback.verdict.warnings {
                warning_text(ui, warning);
            }
            match &callback.verdict.string_to_sign {
                Some(string_to_sign) => {
                    read_only_block(ui, "String to sign", string_to_sign, 5);
                }
                None => {
                    let scheme = callback.verdict.scheme.as_ref();
                    ui.weak(match scheme.map(crate::sinch::signing::SignedWith::name) {
                        Some("basic") => {
                            "HTTP Basic signs nothing: it carries the key and secret themselves."
                        }
                        None => "It carries no signature to show.",
                        Some(_) => {
                            "This webhook signature is an HMAC over the body with the nonce and                              timestamp headers, as its product signs them; the reason above says                              what did not match."
                        }
                    });
                }
            }
        }
        (Some(Seen::Refused { peer, reason, .. }), _) => {
            error_text(ui, &format!("a request from {peer} was refused: {reason}"));
        }
        (None, Some(entry)) => {
            if let Some(reason) = &entry.reason {
                error_text(ui, reason);
            } else {
                ok_text(ui, &entry.headline());
            }
            for warning in entry
                .record_value()
                .get("warnings")
                .and_then(|w| w.as_array())
                .into_iter()
                .flatten()
                .filter_map(|w| w.as_str())
            {
                warning_text(ui, warning);
            }
        }
        (None, None) => {}
    }
}

impl Drop for ListenPart {
    /// Closing the window does not wait for the answers being written: the listener stops
    /// on a thread of its own, cut short when the process ends.
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let listening = running.listening;
            let stopper = std::thread::Builder::new()
                .name("listen-stop".into())
                .spawn(move || listening.stop());
            drop(stopper);
        }
    }
}
