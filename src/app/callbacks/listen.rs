//! The Callbacks tab's Listen part: start and stop a listener ([`crate::net::listen`], the same
//! server as the command line's `listen`), and see the callbacks that arrive in a list with
//! their verdicts; selecting one shows its headers, body and string to sign. The server runs
//! on its own threads and wakes the window only when something arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};

use chrono::Local;
use eframe::egui::{self, Button, Grid, RichText, ScrollArea, TextEdit, Ui};

use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::job::Slot;
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{
    OK_GREEN, capitalize, error_text, field_width, labelled, ok_text, read_only_block, warning_text,
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
        Self { seen, cut }
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
    /// The request shown in detail.
    pub selected: Option<usize>,
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
    /// The history's filter, as typed.
    pub history_filter: String,
    /// The history as last read (newest first; no bodies), or why it could not be read.
    pub history: Slot<Result<Vec<Entry>, HistoryJobError>>,
    /// The history record shown in detail, read whole.
    pub history_selected: Slot<Result<Entry, HistoryJobError>>,
    /// A recorded request to put in the Trigger part's editor.
    pub to_trigger: Option<(Event, String)>,
    /// Where *Replay* sends a record: the Trigger part's URL (the tab sets it each frame).
    pub replay_to: String,
    /// The replay under way, and the last one's outcome.
    pub replayed: Slot<Result<Replayed, HistoryJobError>>,
    /// Where Export writes the HAR file, as typed.
    pub export_to: String,
    /// The export under way, and how many requests the last one wrote where (or why not).
    pub export: Slot<Result<(usize, std::path::PathBuf), HistoryJobError>>,
}

/// How many history records the list reads at most.
pub const HISTORY_SHOWN: u64 = 100_000;

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
            stopping: Slot::default(),
            draining: None,
            history_path: None,
            keep_history: true,
            keeper: None,
            history_note: None,
            history_said: None,
            resign_unverified: false,
            secrets_note: None,
            history_filter: String::new(),
            history: Slot::default(),
            history_selected: Slot::default(),
            to_trigger: None,
            replay_to: String::new(),
            replayed: Slot::default(),
            export_to: dirs::download_dir()
                .or_else(dirs::home_dir)
                .map(|dir| dir.join("sinch-ticket-history.har").display().to_string())
                .unwrap_or_default(),
            export: Slot::default(),
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
        self.port.trim().parse::<u16>().map_err(|_| {
            format!(
                "'{}' is not a port: type a number from 1 to 65535 (0: any free port)",
                self.port.trim()
            )
        })
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
        if self.stopping.poll() || !self.stopping.busy() {
            // Stopped: what it answered last is in the queue, then nothing more comes.
            if let Some((seen, dropped)) = self.draining.take() {
                self.seen.extend(seen.try_iter());
                self.dropped += dropped.swap(0, Ordering::Relaxed);
            }
        } else if let Some((seen, dropped)) = &self.draining {
            self.seen.extend(seen.try_iter());
            self.dropped += dropped.swap(0, Ordering::Relaxed);
        }
        self.trim_list();
        let Some(running) = &self.running else {
            return;
        };
        self.seen.extend(running.seen.try_iter());
        self.dropped += running.dropped.swap(0, Ordering::Relaxed);
        self.trim_list();
    }

    /// Keeps the newest [`KEPT`] arrivals.
    fn trim_list(&mut self) {
        if self.seen.len() > KEPT {
            let extra = self.seen.len() - KEPT;
            self.seen.drain(..extra);
            self.selected = self.selected.and_then(|i| i.checked_sub(extra));
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
            if !self.seen.is_empty() && ui.button("Clear list").clicked() {
                self.seen.clear();
                self.dropped = 0;
                self.selected = None;
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
        if self.seen.is_empty() {
            ui.weak(if running {
                "Nothing yet: send a callback here (the Trigger part does)."
            } else {
                "Start listening to see callbacks arrive."
            });
            return;
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
    }

    /// The arrival picked in the list, and the history.
    fn detail_pane(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        match self.selected.and_then(|i| self.seen.get(i)) {
            Some(arrival) => details(ui, &arrival.seen, arrival.cut),
            None if !self.seen.is_empty() => {
                ui.weak("Pick an arrival in the list to see it in full here.");
            }
            None => {}
        }
        ui.separator();
        self.history_ui(ui, actions);
    }

    fn list(&mut self, ui: &mut Ui) {
        ScrollArea::vertical()
            .id_salt("arrived")
            .max_height(320.0)
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
            let verdict = callback.verdict.headline();
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

impl ListenPart {
    /// Reads the history anew (newest first, filtered), on a worker thread.
    pub fn load_history(&mut self, ctx: &egui::Context) {
        let Some(path) = self.history_path.clone() else {
            self.history.last = Some(Err(HistoryJobError::NoDataFolder));
            return;
        };
        let filter = self.history_filter.clone();
        let _ = self.history.start("history", ctx, move || {
            let opened = History::open(&path)?;
            Ok(opened.history.list(&Filter {
                text: Some(filter),
                limit: Some(HISTORY_SHOWN),
                ..Filter::default()
            })?)
        });
    }

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

    /// Collects finished history reads (also while the window is hidden).
    pub fn poll_history(&mut self, ctx: &egui::Context) {
        self.history.poll();
        if self.history_selected.poll() {
            // Another record: the last replay was of the one before, and signing it though
            // it never verified is asked again.
            self.replayed.last = None;
            self.resign_unverified = false;
        }
        self.export.poll();
        // A replay kept is a new record: the list shown is read again to include it.
        if self.replayed.poll()
            && matches!(&self.replayed.last, Some(Ok(r)) if r.kept.is_ok())
            && self.history.last.is_some()
        {
            self.load_history(ctx);
        }
    }

    /// Sends the record shown again to [`Self::replay_to`], its recorded body re-signed
    /// with `profile`'s secret of its kind, on a worker thread; the replay is kept in the
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
        let Some(ready) = profile.ready() else {
            return Err(HistoryJobError::NoProfile(profile.blocker()));
        };
        let to = self.replay_to.trim().to_owned();
        if to.is_empty() {
            return Err(HistoryJobError::NoUrl);
        }
        crate::net::target::sendable(&to).map_err(HistoryJobError::Url)?;
        let secrets = ready.callback_secrets();
        let entry = entry.clone();
        let even_unverified = self.resign_unverified;
        self.replayed
            .start("replay", ctx, move || {
                let mut opened = History::open(&path)?.history;
                let body = entry.body.clone();
                history::replay::replay(
                    &mut opened,
                    &entry,
                    &to,
                    ReplayAs::Resigned {
                        body,
                        secrets: &secrets,
                        even_unverified,
                    },
                    crate::net::client::DEFAULT_TIMEOUT,
                )
                .map_err(HistoryJobError::from)
            })
            .map_err(HistoryJobError::NotStarted)
    }

    /// Writes the records the filter matches to the Export file as HAR 1.2 (readable by
    /// you only), on a worker thread.
    fn export_har(&mut self, ctx: &egui::Context) {
        let Some(path) = self.history_path.clone() else {
            return;
        };
        let to = std::path::PathBuf::from(self.export_to.trim());
        if to.as_os_str().is_empty() {
            self.export.last = Some(Err(HistoryJobError::NoExportTarget));
            return;
        }
        let filter = self.history_filter.clone();
        let _ = self.export.start("history-export", ctx, move || {
            let opened = History::open(&path)?;
            let filter = Filter {
                text: Some(filter),
                limit: Some(HISTORY_SHOWN),
                ..Filter::default()
            };
            let count = history::export(&opened.history, &filter, history::Format::Har, &to)?;
            Ok((count, to))
        });
    }

    /// The history section: a filter, the records in a list that draws only the rows in
    /// sight, and the record selected, with Replay and Edit & replay.
    fn history_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        if self.history_path.is_none() {
            return;
        }
        ui.separator();
        let mut reload = false;
        ui.horizontal(|ui| {
            ui.strong("History");
            let filter = labelled(ui, "Filter", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut self.history_filter)
                        .hint_text("event, path or text in the body")
                        .desired_width(field_width(ui, 220.0)),
                )
                .labelled_by(label)
            });
            reload |= filter.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            reload |= ui
                .button("Show history")
                .on_hover_text("Read the requests kept across runs (the newest 100,000 that match)")
                .clicked();
            if self.history.busy() {
                ui.spinner();
            }
        });
        if reload {
            self.load_history(ui.ctx());
        }
        let mut export = false;
        ui.horizontal_wrapped(|ui| {
            labelled(ui, "Export to", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut self.export_to).desired_width(field_width(ui, 300.0)),
                )
                .labelled_by(label)
                .on_hover_text(
                    "A HAR 1.2 file of the requests the filter matches, readable by you only",
                );
            });
            export = ui
                .add_enabled(!self.export.busy(), Button::new("Export HAR"))
                .on_hover_text(
                    "Write the requests the filter matches, for a browser's or proxy's HAR viewer",
                )
                .clicked();
        });
        if export {
            self.export_har(ui.ctx());
        }
        match &self.export.last {
            Some(Ok((count, to))) => {
                ui.weak(format!("Exported {count} request(s) to {}.", to.display()));
            }
            Some(Err(why)) => error_text(ui, &why.to_string()),
            None => {}
        }
        if let Some(why) = &self.history_note {
            warning_text(ui, why);
            if ui.small_button("Dismiss").clicked() {
                self.history_note = None;
            }
        }
        let mut open = None;
        match &self.history.last {
            None => {}
            Some(Err(why)) => error_text(ui, &why.to_string()),
            Some(Ok(entries)) if entries.is_empty() => {
                ui.weak("Nothing kept yet that matches.");
            }
            Some(Ok(entries)) => {
                ui.weak(format!("{} request(s), newest first", entries.len()));
                let row = ui.text_style_height(&egui::TextStyle::Monospace) + 4.0;
                let selected = match &self.history_selected.last {
                    Some(Ok(entry)) => entry.id,
                    _ => None,
                };
                ScrollArea::vertical()
                    .id_salt("history")
                    .max_height(160.0)
                    .show_rows(ui, row, entries.len(), |ui, rows| {
                        for entry in &entries[rows] {
                            let verdict = entry.headline();
                            let line = format!(
                                "{:>6}  {}  {}  {verdict}, answered {}",
                                entry.id.unwrap_or_default(),
                                entry.time.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S"),
                                entry.event.as_deref().unwrap_or("(no event)"),
                                entry
                                    .status
                                    .map_or_else(|| "-".to_owned(), |s| s.to_string())
                            );
                            if ui
                                .selectable_label(
                                    selected == entry.id,
                                    RichText::new(line).monospace(),
                                )
                                .clicked()
                            {
                                open = entry.id;
                            }
                        }
                    });
            }
        }
        if let Some(id) = open {
            self.load_record(ui.ctx(), id);
        }
        match &self.history_selected.last {
            None => {}
            Some(Err(why)) => error_text(ui, &why.to_string()),
            Some(Ok(entry)) => {
                let event = Event::of_body(&entry.body);
                ui.horizontal_wrapped(|ui| {
                    ui.strong(format!(
                        "Record {}: {} {}",
                        entry.id.unwrap_or_default(),
                        entry.method,
                        entry.path
                    ));
                    let body = entry.pretty_body();
                    if let Some(event) = event {
                        if ui
                            .button("Edit & replay")
                            .on_hover_text("Put its body in the Trigger part's editor, to change it and send it re-signed")
                            .clicked()
                        {
                            self.to_trigger = Some((event, body));
                        }
                        let to = self.replay_to.trim();
                        let tip = if to.is_empty() {
                            "Send its recorded bytes again, signed afresh with the selected profile: first type your server's URL in the Trigger part".to_owned()
                        } else {
                            format!("Send its recorded bytes again to {to} (the Trigger part's URL), signed afresh with the selected profile; the replay is kept in the history, linked to this record")
                        };
                        // A stranger's bytes are signed with your secret only when you say so.
                        let vouch = entry.verified || entry.resigned;
                        if !vouch {
                            ui.checkbox(
                                &mut self.resign_unverified,
                                "It never verified: sign it with my secret anyway",
                            )
                            .on_hover_text("It may not be Sinch's: signing it vouches for it. The replay is listed as re-signed, not verified.");
                        }
                        if ui
                            .add_enabled(
                                !self.replayed.busy() && (vouch || self.resign_unverified),
                                Button::new("Replay"),
                            )
                            .on_hover_text(tip)
                            .clicked()
                        {
                            actions.push(Action::ReplayRecord);
                        }
                    } else {
                        ui.weak("(its body names no event: it cannot be signed as one)");
                    }
                });
                if self.replayed.busy() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Replaying…");
                    });
                }
                match &self.replayed.last {
                    None => {}
                    Some(Err(why)) => error_text(ui, &format!("Not replayed: {why}")),
                    Some(Ok(replayed)) => replay_outcome(ui, replayed),
                }
                for (name, value) in &entry.headers {
                    ui.monospace(format!("{name}: {}", crate::sinch::text::one_line(value)));
                }
                read_only_block(ui, "Recorded body", &entry.pretty_body(), 6);
            }
        }
    }
}

/// What a replay got: the answer, Sinch's judgement of it, and where it was kept.
fn replay_outcome(ui: &mut Ui, replayed: &Replayed) {
    let line = format!(
        "Sent record {} again to {}, signed afresh: {}",
        replayed.of,
        replayed.to,
        replayed.answer.status_line()
    );
    if replayed.passed {
        ok_text(ui, &line);
    } else {
        error_text(ui, &line);
    }
    ui.label(&replayed.summary);
    match &replayed.kept {
        Ok(id) => {
            ui.weak(format!("Kept as record {id}, a replay of {}.", replayed.of));
        }
        Err(why) => warning_text(ui, &format!("The replay could not be kept: {why}")),
    }
}

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
            OK_GREEN,
            format!(
                "Verified ({} scheme)",
                callback
                    .verdict
                    .scheme
                    .as_ref()
                    .map_or("?", crate::sinch::signing::SignedWith::name)
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
        .map(|(name, value)| {
            format!(
                "{name}: {}\n",
                crate::app::widgets::shown_value(name, value)
            )
        })
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
