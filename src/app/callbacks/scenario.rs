//! The Callbacks tab's Scenario part: open a scenario file, run it against your server with
//! the selected profile's secrets, see each step as it goes (sent, answered, passed or failed
//! and why, how long), its deliveries on a time axis (copies, retries and their waits), and
//! save the JUnit report. The same [`crate::scenario`] code as `scenario run`: the file read
//! and checked whole, the history's records looked up, the steps run, the report written.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use eframe::egui::{self, Button, DragValue, Grid, RichText, ScrollArea, TextEdit, Ui};

use crate::app::action::{Action, PanelContext, ProfileState};
use crate::app::file_dialog::{Ask, Kind, Purpose};
use crate::app::job::Slot;
use crate::app::panes::{Pane, two_panes};
use crate::app::widgets::{
    OK_GREEN, capitalize, error_text, field_width, labelled, ok_text, warning_text, wrapped,
};
use crate::net::client::{Answer, SendError};
use crate::profiles::CredentialKind;
use crate::scenario::file::{Expect, FileError};
use crate::scenario::plan::{MAX_TIME_SCALE, PlanError};
use crate::scenario::{self, Attempt, Delivery, Outcome, Plan, Records};
use crate::sinch::callback::{CallbackSecrets, Event, Headers};

/// The Scenario part's state.
pub struct ScenarioPart {
    /// The scenario file, as typed.
    pub file: String,
    /// Your server's URL; empty: the file's `to`.
    pub to: String,
    /// What every wait is multiplied by.
    pub time_scale: f64,
    /// Where the history is, for steps that replay a record.
    pub history_path: Option<PathBuf>,
    /// The run under way.
    running: Option<Running>,
    /// The last run: its steps as they went, and how it ended.
    pub run: Option<RunView>,
    /// The form the last run was made from.
    ran_from: Option<u64>,
    /// Where Save writes the JUnit report, as typed.
    pub junit_to: String,
    /// The last save: where, or why not.
    pub saved: Slot<Result<PathBuf, String>>,
    /// Focus the file field when next drawn (the tab was switched to).
    pub(crate) focus_file: bool,
    /// Where the keyboard goes once Run or Stop, pressed from the keyboard, is disabled.
    focus_after: Option<Focus>,
}

/// The button the keyboard moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Run,
    Stop,
}

impl Default for ScenarioPart {
    fn default() -> Self {
        Self {
            file: String::new(),
            to: String::new(),
            time_scale: 1.0,
            history_path: None,
            running: None,
            run: None,
            ran_from: None,
            junit_to: String::new(),
            saved: Slot::default(),
            focus_file: false,
            focus_after: None,
        }
    }
}

/// A run as the window shows it: what was planned, and each step's outcome as it came.
pub struct RunView {
    /// The file it ran.
    pub file: PathBuf,
    /// Where it sent, once planned.
    pub to: String,
    /// The steps in the order they run, with what happened to them so far.
    pub steps: Vec<StepView>,
    /// How it ended, once it has: or why it never started.
    pub end: Option<Result<Ended, ScenarioError>>,
    /// When its steps began to be sent (the time axis grows from it while it runs).
    pub started: Option<std::time::Instant>,
    /// Until when the step under way waits, when it does.
    pub waiting: Option<std::time::Instant>,
}

/// One step of a run.
pub struct StepView {
    /// Its name in the report.
    pub name: String,
    /// The event it sends.
    pub event: Event,
    /// What it expects.
    pub expect: Expect,
    /// Each time it was sent so far.
    pub attempts: Vec<Attempt>,
    /// Its outcome, once judged: passed, and the sentence.
    pub judged: Option<(bool, String)>,
    /// How long it took, once judged.
    pub took: Duration,
}

/// How a run ended.
pub struct Ended {
    /// Steps that went as expected.
    pub passed: usize,
    /// Steps that did not.
    pub failed: usize,
    /// How long it took.
    pub took: Duration,
    /// Whether it was stopped before its last step.
    pub stopped: bool,
    /// The JUnit report, as `scenario run --junit` writes it.
    pub junit: Result<String, String>,
}

/// Why a scenario did not run: kept typed, worded where it is drawn.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// No file named.
    #[error("name a scenario file first (Open… picks one)")]
    NoFile,
    /// No usable profile (why, as the profile bar says it).
    #[error("{}", .0.as_deref().unwrap_or("select a profile to sign with"))]
    NoProfile(Option<String>),
    /// A time scale out of bounds.
    #[error("the time scale must be above 0 and at most {MAX_TIME_SCALE}")]
    TimeScale,
    /// The file cannot be read or is no scenario.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file holds a mistake.
    #[error("{file}: {why}")]
    Plan {
        /// The file's name.
        file: String,
        /// The mistake.
        why: Box<PlanError>,
    },
    /// The profile has no secret for an event a step signs.
    #[error(
        "{event} is signed with a {}, and profile \"{profile}\" has none: add it in the profile editor (Edit)",
        kind.title()
    )]
    NoSecret {
        /// The profile.
        profile: String,
        /// The event.
        event: &'static str,
        /// The secret it needs.
        kind: CredentialKind,
    },
    /// A worker thread could not be started.
    #[error("{0}")]
    NotStarted(String),
}

/// What the run's thread tells the window.
enum Progress {
    /// The file was read and checked: where it sends and its steps.
    Planned { to: String, steps: Vec<StepView> },
    /// The step under way was sent once more.
    Attempt(Attempt),
    /// The run waits this long (a step's delay, or Sinch's backoff before a retry).
    Waiting(Duration),
    /// A step was judged.
    Judged(StepView),
    /// The run is over.
    Ended(Result<Ended, ScenarioError>),
}

/// The run under way: what it says, and the line that stops it (dropped, it stops the run:
/// a wait ends at once).
struct Running {
    progress: Receiver<Progress>,
    stop: Option<Sender<()>>,
}

/// The real delivery, told to the window as it goes, and stopped when the window says.
struct Watched {
    http: scenario::Http,
    stop: Receiver<()>,
    began: DateTime<Utc>,
    tell: Sender<Progress>,
    ctx: egui::Context,
}

impl Delivery for Watched {
    fn post(&mut self, url: &str, headers: &Headers, body: &[u8]) -> Result<Answer, SendError> {
        let at = (Utc::now() - self.began).to_std().unwrap_or_default();
        let answer = self.http.post(url, headers, body);
        // The runner's own record of the try (its copy, its wait) comes with the step; this
        // one shows it while the step is under way.
        let _ = self.tell.send(Progress::Attempt(Attempt {
            at,
            copy: 0,
            status: answer.as_ref().ok().map(|a| a.status),
            then_waits: None,
        }));
        self.ctx.request_repaint();
        answer
    }

    fn wait(&mut self, how_long: Duration) {
        let _ = self.tell.send(Progress::Waiting(how_long));
        self.ctx.request_repaint();
        // Ends early when the window stops the run (its sender dropped).
        let _ = self.stop.recv_timeout(how_long);
    }

    fn now(&mut self) -> DateTime<Utc> {
        self.http.now()
    }

    fn stopped(&mut self) -> bool {
        matches!(self.stop.try_recv(), Err(TryRecvError::Disconnected))
    }
}

impl StepView {
    fn from_outcome(outcome: &Outcome) -> Self {
        Self {
            name: outcome.name.clone(),
            event: outcome.event,
            expect: outcome.expect,
            attempts: outcome.attempts.clone(),
            judged: Some((outcome.passed(), outcome.sentence())),
            took: outcome.took,
        }
    }
}

/// Reads and checks the scenario, then runs it, telling `tell` as it goes.
fn run_scenario(
    file: PathBuf,
    to: Option<String>,
    time_scale: f64,
    history: Option<PathBuf>,
    profile: String,
    secrets: CallbackSecrets,
    mut delivery: Watched,
) -> Result<Ended, ScenarioError> {
    let read = scenario::read(&file)?;
    let mut records = Records::new(history);
    let plan = Plan::new(&read, to.as_deref(), time_scale, Utc::now(), &mut |id| {
        records.body(id)
    })
    .map_err(|why| ScenarioError::Plan {
        file: file.display().to_string(),
        why: Box::new(why),
    })?;
    // Every secret is found before the first step is sent, as `scenario run` does.
    if let Some(event) = plan
        .signed_events()
        .find(|event| secrets.for_event(*event).is_none())
        && let Some(scheme) = event.product().scheme()
    {
        return Err(ScenarioError::NoSecret {
            profile,
            event: event.name(),
            kind: CredentialKind::for_scheme(scheme),
        });
    }
    let steps = plan
        .steps
        .iter()
        .map(|step| StepView {
            name: step.name.clone(),
            event: step.source.event(),
            expect: step.expect,
            attempts: Vec::new(),
            judged: None,
            took: Duration::ZERO,
        })
        .collect();
    let tell = delivery.tell.clone();
    let ctx = delivery.ctx.clone();
    let _ = tell.send(Progress::Planned {
        to: plan.to.clone(),
        steps,
    });
    ctx.request_repaint();
    delivery.began = Utc::now();
    let report = scenario::run(&plan, &secrets, &mut delivery, &mut |outcome| {
        let _ = tell.send(Progress::Judged(StepView::from_outcome(outcome)));
        ctx.request_repaint();
    });
    Ok(Ended {
        passed: report.outcomes.len() - report.failed(),
        failed: report.failed(),
        took: report.took,
        stopped: report.stopped,
        junit: scenario::junit::junit(&file.display().to_string(), &report)
            .map_err(|err| format!("the JUnit report cannot be made: {err}")),
    })
}

impl ScenarioPart {
    /// Whether a run is under way.
    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    /// Runs the scenario file with the selected profile's secrets on a thread of its own;
    /// why it cannot is the part's last run, shown where its steps would be.
    pub fn start(&mut self, ctx: &egui::Context, profile: ProfileState<'_>) {
        if self.running() {
            return;
        }
        let file = PathBuf::from(self.file.trim());
        self.ran_from = Some(self.form_print(&profile));
        // The report's file follows the scenario, unless another was named.
        let previous = self.run.as_ref().map(|run| default_report(&run.file));
        if self.junit_to.trim().is_empty()
            || previous.is_some_and(|p| Path::new(self.junit_to.trim()) == p)
        {
            self.junit_to = default_report(&file).display().to_string();
        }
        self.saved.last = None;
        self.run = Some(RunView {
            file: file.clone(),
            to: String::new(),
            steps: Vec::new(),
            end: None,
            started: None,
            waiting: None,
        });
        let why = if self.file.trim().is_empty() {
            Some(ScenarioError::NoFile)
        } else if !(self.time_scale > 0.0 && self.time_scale <= MAX_TIME_SCALE) {
            Some(ScenarioError::TimeScale)
        } else {
            match profile.ready() {
                None => Some(ScenarioError::NoProfile(profile.blocker())),
                Some(ready) => self
                    .spawn(ctx, file, ready.name.clone(), ready.callback_secrets())
                    .err(),
            }
        };
        if let (Some(why), Some(run)) = (why, &mut self.run) {
            run.end = Some(Err(why));
        }
    }

    fn spawn(
        &mut self,
        ctx: &egui::Context,
        file: PathBuf,
        profile: String,
        secrets: CallbackSecrets,
    ) -> Result<(), ScenarioError> {
        let (tell, progress) = mpsc::channel();
        let (stop, stopped) = mpsc::channel();
        let to = Some(self.to.trim().to_owned()).filter(|to| !to.is_empty());
        let (time_scale, history) = (self.time_scale, self.history_path.clone());
        let delivery = Watched {
            http: scenario::Http,
            stop: stopped,
            began: Utc::now(),
            tell: tell.clone(),
            ctx: ctx.clone(),
        };
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name("scenario".into())
            .spawn(move || {
                let ended = run_scenario(file, to, time_scale, history, profile, secrets, delivery);
                let _ = tell.send(Progress::Ended(ended));
                ctx.request_repaint();
            })
            .map_err(|err| ScenarioError::NotStarted(format!("the run could not start: {err}")))?;
        self.running = Some(Running {
            progress,
            stop: Some(stop),
        });
        Ok(())
    }

    /// Asks the run under way to stop: a wait ends at once, a request under way is
    /// answered (or times out) first.
    pub fn stop(&mut self) {
        if let Some(running) = &mut self.running {
            running.stop = None;
        }
    }

    /// Takes what the run said (also while the window is hidden).
    pub fn poll(&mut self) {
        self.saved.poll();
        let (Some(running), Some(run)) = (&self.running, &mut self.run) else {
            return;
        };
        loop {
            match running.progress.try_recv() {
                Ok(Progress::Planned { to, steps }) => {
                    run.to = to;
                    run.steps = steps;
                    run.started = Some(std::time::Instant::now());
                }
                Ok(Progress::Attempt(attempt)) => {
                    run.waiting = None;
                    if let Some(step) = run.steps.iter_mut().find(|s| s.judged.is_none()) {
                        step.attempts.push(attempt);
                    }
                }
                Ok(Progress::Waiting(how_long)) => {
                    run.waiting = std::time::Instant::now().checked_add(how_long);
                }
                Ok(Progress::Judged(judged)) => {
                    run.waiting = None;
                    if let Some(step) = run.steps.iter_mut().find(|s| s.judged.is_none()) {
                        *step = judged;
                    }
                }
                Ok(Progress::Ended(ended)) => {
                    run.end = Some(ended);
                    run.waiting = None;
                    self.running = None;
                    return;
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    run.end.get_or_insert(Err(ScenarioError::NotStarted(
                        "the run ended without a word (its thread died)".into(),
                    )));
                    self.running = None;
                    return;
                }
            }
        }
    }

    /// Writes the last run's JUnit report to the file named.
    pub fn save_junit(&mut self, ctx: &egui::Context) {
        let Some(Some(Ok(ended))) = self.run.as_ref().map(|run| run.end.as_ref()) else {
            return;
        };
        let to = PathBuf::from(self.junit_to.trim());
        let xml = ended.junit.clone();
        let _ = self.saved.start("scenario-junit", ctx, move || {
            if to.as_os_str().is_empty() {
                return Err("name the report's file first".to_owned());
            }
            let xml = xml?;
            crate::history::write_file(&to, xml.as_bytes()).map_err(|err| {
                format!(
                    "{} cannot be written ({err}): choose a folder you can write to",
                    to.display()
                )
            })?;
            Ok(to)
        });
    }

    /// A fingerprint of what a run is made from: the file, the URL, the time scale and the
    /// profile.
    fn form_print(&self, profile: &ProfileState<'_>) -> u64 {
        use std::hash::{Hash as _, Hasher as _};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (
            self.file.trim(),
            self.to.trim(),
            self.time_scale.to_bits(),
            profile.ready().map(|p| p.name.as_str()),
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    /// Draws the form and the run.
    pub fn ui(&mut self, ui: &mut Ui, cx: &PanelContext<'_>) -> Vec<Action> {
        let mut actions = Vec::new();
        let stale = self.run.is_some() && self.ran_from != Some(self.form_print(&cx.profile));
        two_panes(
            ui,
            "scenario",
            ["Scenario pane", "Run pane"],
            |ui, pane| match pane {
                Pane::Give => self.form(ui, cx, &mut actions),
                Pane::Get => self.result(ui, stale, &mut actions),
            },
        );
        actions
    }

    fn form(&mut self, ui: &mut Ui, cx: &PanelContext<'_>, actions: &mut Vec<Action>) {
        ui.strong("Scenario");
        wrapped(
            ui,
            RichText::new(
                "A TOML file of steps, each an event sent signed or forged, once or again, \
                 expected accepted or refused: the file `scenario run` runs in CI.",
            )
            .weak(),
        );
        Grid::new("scenario form")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                labelled(ui, "Scenario file", |ui, label| {
                    ui.horizontal(|ui| {
                        let field = ui
                            .add(
                                TextEdit::singleline(&mut self.file)
                                    .hint_text("path/to/scenario.toml")
                                    .desired_width(field_width(ui, 320.0)),
                            )
                            .labelled_by(label)
                            .on_hover_text("The scenario to run (TOML: `to` and [[step]] tables)");
                        if std::mem::take(&mut self.focus_file) {
                            field.request_focus();
                        }
                        if ui
                            .button("Open…")
                            .on_hover_text("Choose the scenario file")
                            .clicked()
                        {
                            actions.push(Action::Choose(Ask {
                                purpose: Purpose::Scenario,
                                kind: Kind::Open,
                                title: "Open a scenario",
                                current: PathBuf::from(self.file.trim()),
                                filter: ("Scenario (TOML)", "toml"),
                            }));
                        }
                    });
                });
                ui.end_row();
                labelled(ui, "Your server", |ui, label| {
                    ui.add(
                        TextEdit::singleline(&mut self.to)
                            .hint_text("the file's `to`")
                            .desired_width(field_width(ui, 320.0)),
                    )
                    .labelled_by(label)
                    .on_hover_text("Where the steps are sent; empty: the URL the file names");
                });
                ui.end_row();
                labelled(ui, "Time scale", |ui, label| {
                    ui.add(
                        DragValue::new(&mut self.time_scale)
                            .range(0.001..=MAX_TIME_SCALE)
                            .speed(0.01)
                            .max_decimals(3),
                    )
                    .labelled_by(label)
                    .on_hover_text(
                        "Every wait (delays, Sinch's retry backoff) is multiplied by this: \
                         0.01 sends a day of SMS retries in 15 minutes",
                    );
                });
                ui.end_row();
            });
        let blocker = cx.profile.blocker();
        match (cx.profile.ready(), &blocker) {
            (Some(profile), _) => {
                ui.weak(format!("Signed with profile \"{}\".", profile.name));
            }
            (None, Some(why)) => warning_text(ui, why),
            (None, None) => {}
        }
        ui.horizontal_wrapped(|ui| {
            let run = ui
                .add_enabled(
                    blocker.is_none() && !self.running(),
                    Button::new(RichText::new("Run scenario").strong()),
                )
                .on_hover_text("Read the file, check it whole, then send its steps in order (Ctrl+Enter)");
            let run = match &blocker {
                Some(reason) => run.on_disabled_hover_text(capitalize(reason)),
                None => run,
            };
            if run.clicked() {
                actions.push(Action::RunScenario);
                // The keyboard goes to Stop, as Run is disabled while it runs.
                self.focus_after = run.has_focus().then_some(Focus::Stop);
            }
            if self.focus_after == Some(Focus::Run) && !self.running() {
                run.request_focus();
                self.focus_after = None;
            }
            let stop = ui
                .add_enabled(self.running(), Button::new("Stop"))
                .on_hover_text("Stop after the request under way; the steps not sent are left out of the report")
                .on_disabled_hover_text("No run is under way");
            if stop.clicked() {
                actions.push(Action::StopScenario);
                self.focus_after = stop.has_focus().then_some(Focus::Run);
            }
            if self.focus_after == Some(Focus::Stop) && self.running() {
                stop.request_focus();
                self.focus_after = None;
            }
        });
    }

    fn result(&mut self, ui: &mut Ui, stale: bool, actions: &mut Vec<Action>) {
        let running = self.running();
        if running {
            // The time axis grows and a wait counts down while it runs.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
        let Some(run) = &self.run else {
            ui.strong("Run");
            ui.weak(
                "Press Run scenario: each step appears here as it is sent, answered and judged, \
                 with its deliveries on a time axis.",
            );
            return;
        };
        ui.strong("Run");
        if stale && !running {
            warning_text(
                ui,
                "The run of an earlier form: the file, server, time scale or profile changed since. Run again for this one's.",
            );
        }
        let judged = run.steps.iter().filter(|s| s.judged.is_some()).count();
        match &run.end {
            None if run.steps.is_empty() => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading and checking the file…");
                });
            }
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!(
                        "Step {} of {} under way, to {}…",
                        (judged + 1).min(run.steps.len()),
                        run.steps.len(),
                        run.to
                    ));
                });
            }
            Some(Err(why)) => error_text(ui, &format!("not run: {why}")),
            Some(Ok(ended)) => {
                let said = format!(
                    "{} step(s) to {}: {} passed, {} failed, in {:.1} s{}",
                    ended.passed + ended.failed,
                    run.to,
                    ended.passed,
                    ended.failed,
                    ended.took.as_secs_f64(),
                    if ended.stopped {
                        format!("; stopped, {} not sent", run.steps.len() - judged)
                    } else {
                        String::new()
                    }
                );
                if ended.failed == 0 && !ended.stopped {
                    ok_text(ui, &said);
                } else {
                    error_text(ui, &said);
                }
            }
        }
        if run.steps.is_empty() {
            return;
        }
        let elapsed = if run.end.is_none() {
            run.started.map(|at| at.elapsed())
        } else {
            None
        };
        deliveries(ui, &run.steps, elapsed);
        steps_list(ui, run);
        if matches!(run.end, Some(Ok(_))) {
            ui.add_space(6.0);
            actions.extend(self.junit_ui(ui));
        }
    }

    fn junit_ui(&mut self, ui: &mut Ui) -> Option<Action> {
        if self.junit_to.is_empty()
            && let Some(run) = &self.run
        {
            self.junit_to = default_report(&run.file).display().to_string();
        }
        let mut save = None;
        ui.horizontal_wrapped(|ui| {
            labelled(ui, "JUnit report", |ui, label| {
                ui.add(
                    TextEdit::singleline(&mut self.junit_to).desired_width(field_width(ui, 300.0)),
                )
                .labelled_by(label)
                .on_hover_text(
                    "Where the report goes: each step a test case, as CI systems read it",
                );
            });
            if ui
                .add_enabled(!self.saved.busy(), Button::new("Save JUnit report…"))
                .on_hover_text("Choose where, then write this run's report, the one the command line's scenario run writes")
                .clicked()
            {
                save = Some(Action::Choose(Ask {
                    purpose: Purpose::Junit,
                    kind: Kind::Save,
                    title: "Save the JUnit report",
                    current: PathBuf::from(self.junit_to.trim()),
                    filter: ("JUnit report (XML)", "xml"),
                }));
            }
        });
        match &self.saved.last {
            Some(Ok(path)) => {
                ui.weak(format!("Saved {}.", path.display()));
            }
            Some(Err(why)) => error_text(ui, why),
            None => {}
        }
        save
    }
}

/// Where a run's report goes unless another file is named: beside the scenario.
fn default_report(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    file.with_file_name(format!("{stem}-junit.xml"))
}

/// The colour of an answer's status: accepted green, refused amber, failed or none red.
fn status_colour(ui: &Ui, status: Option<u16>) -> egui::Color32 {
    match status {
        Some(200..=299) => OK_GREEN,
        Some(400..=499) => ui.visuals().warn_fg_color,
        _ => ui.visuals().error_fg_color,
    }
}

/// The steps' deliveries on a time axis, a lane per step in the order they ran: a mark per
/// try coloured by its answer, a line for each wait before a retry. Screen readers read it
/// as an Image with a sentence.
fn deliveries(ui: &mut Ui, steps: &[StepView], running_for: Option<Duration>) {
    let tries: usize = steps.iter().map(|s| s.attempts.len()).sum();
    if tries == 0 {
        return;
    }
    let end = steps
        .iter()
        .flat_map(|s| &s.attempts)
        .map(|a| a.at + a.then_waits.unwrap_or_default())
        .max()
        .unwrap_or_default()
        .max(running_for.unwrap_or_default())
        .max(Duration::from_millis(1));
    let retried = steps
        .iter()
        .filter(|s| s.attempts.iter().any(|a| a.then_waits.is_some()))
        .count();
    let copied = steps
        .iter()
        .filter(|s| s.attempts.iter().any(|a| a.copy > 0))
        .count();
    let summary = format!(
        "Deliveries of {} step(s) over {:.1} s: {tries} request(s), {retried} step(s) retried, {copied} sent more than once",
        steps.iter().filter(|s| !s.attempts.is_empty()).count(),
        end.as_secs_f64(),
    );
    // At most MAX_LANES lanes: a long scenario shares each lane among neighbouring steps.
    let lanes = steps.len().min(MAX_LANES);
    let lane_of = |i: usize| i * lanes / steps.len();
    let lane = (120.0 / lanes as f32).clamp(3.0, 14.0);
    let width = ui.available_width().max(100.0);
    // The lanes, and a line under them for the time axis.
    let axis = 14.0;
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(width, lane * lanes as f32 + 8.0 + axis),
        egui::Sense::hover(),
    );
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Image, true, &summary));
    let mut area = rect.shrink2(egui::vec2(6.0, 4.0));
    area.max.y -= axis;
    let x = |at: Duration| area.left() + (at.as_secs_f32() / end.as_secs_f32()) * area.width();
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    let small = egui::FontId::proportional(10.0);
    let weak = visuals.weak_text_color();
    for (at, align) in [
        (Duration::ZERO, egui::Align2::LEFT_BOTTOM),
        (end / 2, egui::Align2::CENTER_BOTTOM),
        (end, egui::Align2::RIGHT_BOTTOM),
    ] {
        painter.text(
            egui::pos2(x(at), rect.bottom() - 1.0),
            align,
            format!("{:.1} s", at.as_secs_f64()),
            small.clone(),
            weak,
        );
    }
    let mut under_pointer = None;
    let pointer = response.hover_pos();
    // One mark per lane and pixel column: a million requests draw as many marks as fit.
    let mut drawn = std::collections::HashSet::new();
    for (i, step) in steps.iter().enumerate() {
        let y = area.top() + lane * (lane_of(i) as f32 + 0.5);
        // A step that failed has its lane tinted, whatever its answers were.
        if matches!(step.judged, Some((false, _))) {
            let band = egui::Rect::from_x_y_ranges(
                rect.left()..=rect.right(),
                (y - lane / 2.0)..=(y + lane / 2.0),
            );
            painter.rect_filled(band, 0.0, visuals.error_fg_color.gamma_multiply(0.18));
        }
        for attempt in &step.attempts {
            let at = x(attempt.at);
            let column = (at + 5.0 * attempt.copy.min(8) as f32) as i32;
            if !drawn.insert((lane_of(i), column, attempt.status)) {
                continue;
            }
            if let Some(wait) = attempt.then_waits {
                painter.line_segment(
                    [egui::pos2(at, y), egui::pos2(x(attempt.at + wait), y)],
                    egui::Stroke::new(1.0, visuals.weak_text_color()),
                );
            }
            // Copies sent at once are drawn side by side, not on top of each other.
            let mark = egui::Rect::from_center_size(
                egui::pos2(at + 5.0 * attempt.copy.min(8) as f32, y),
                egui::vec2(4.0, (lane - 2.0).max(2.0)),
            );
            painter.rect_filled(mark, 1.0, status_colour(ui, attempt.status));
            if pointer.is_some_and(|p| mark.expand(3.0).contains(p)) {
                under_pointer = Some((step, attempt));
            }
        }
    }
    match under_pointer {
        Some((step, attempt)) => {
            response.on_hover_text(attempt_sentence(step, attempt));
        }
        None => {
            response.on_hover_text(&summary);
        }
    }
    // The key, in words and colours.
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let key = |ui: &mut Ui, colour: egui::Color32, text: &str| {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(8.0, 8.0), egui::Sense::hover());
            ui.painter().rect_filled(swatch, 1.0, colour);
            ui.weak(text);
        };
        key(ui, OK_GREEN, "2xx");
        key(ui, ui.visuals().warn_fg_color, "4xx");
        key(ui, ui.visuals().error_fg_color, "5xx or no answer;");
        ui.weak("a lane per step, in the order sent; a line is Sinch's wait before a retry; a red lane failed.");
    });
}

/// The most lanes the picture of a scenario's deliveries has.
const MAX_LANES: usize = 60;

/// One try in words: "step 2, copy 2: answered 503 at 2.5 s, then waited 5.0 s".
fn attempt_sentence(step: &StepView, attempt: &Attempt) -> String {
    format!(
        "{}{}: {} at {:.1} s{}",
        step.name,
        if attempt.copy > 0 {
            format!(", copy {}", attempt.copy + 1)
        } else {
            String::new()
        },
        match attempt.status {
            Some(status) => format!("answered {status}"),
            None => "no answer".to_owned(),
        },
        attempt.at.as_secs_f64(),
        match attempt.then_waits {
            Some(wait) => format!(", then waited {:.1} s as Sinch would", wait.as_secs_f64()),
            None => String::new(),
        }
    )
}

/// Each step in a row, wrapped to the pane: how it went, its name and event, what it
/// expected, the answers, how long; and why, when it failed.
fn steps_list(ui: &mut Ui, run: &RunView) {
    if run.steps.len() > LONG_SCENARIO {
        long_steps_list(ui, run);
        return;
    }
    let ended = run.end.is_some();
    let mut under_way = !ended;
    for (i, step) in run.steps.iter().enumerate() {
        let (mark, colour) = match &step.judged {
            Some((true, _)) => ("pass", OK_GREEN),
            Some((false, _)) => ("FAIL", ui.visuals().error_fg_color),
            None if ended => ("not sent", ui.visuals().weak_text_color()),
            None if std::mem::take(&mut under_way) => match run.waiting {
                Some(_) if step.attempts.is_empty() => ("waiting", ui.visuals().text_color()),
                Some(_) => ("retrying", ui.visuals().warn_fg_color),
                None => ("sending", ui.visuals().text_color()),
            },
            None => ("queued", ui.visuals().weak_text_color()),
        };
        let answers = step
            .attempts
            .iter()
            .map(|a| a.status.map_or("no answer".to_owned(), |s| s.to_string()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut line = format!(
            "{} ({}), expects {}",
            step.name,
            step.event.name(),
            match step.expect {
                Expect::Accepted => "accepted",
                Expect::Refused => "refused",
            }
        );
        if !answers.is_empty() {
            line.push_str(&format!(": answered {answers}"));
        }
        if step.judged.is_some() {
            line.push_str(&format!(" in {} ms", step.took.as_millis()));
        } else if let Some(until) = run
            .waiting
            .filter(|_| matches!(mark, "waiting" | "retrying"))
        {
            let left = until.saturating_duration_since(std::time::Instant::now());
            let left = crate::sinch::time::format_duration(left.as_secs() + 1);
            line.push_str(&if mark == "waiting" {
                format!(": its delay, {left} left before it is sent")
            } else {
                format!(": sent again in {left}, as Sinch retries")
            });
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(mark).color(colour).strong());
            let said = wrapped(ui, line);
            if let Some((_, sentence)) = &step.judged {
                said.on_hover_text(capitalize(sentence));
            }
        });
        if let Some((false, sentence)) = &step.judged {
            ui.indent(("why", i), |ui| error_text(ui, sentence));
        }
    }
}

/// Past this many steps, the steps are a scrolled list of one line each, only the rows in
/// sight drawn (a scenario may have 10,000).
const LONG_SCENARIO: usize = 200;

/// The steps of a long scenario: one line each, the reason of a failure on hover.
fn long_steps_list(ui: &mut Ui, run: &RunView) {
    let ended = run.end.is_some();
    let under_way = run.steps.iter().position(|s| s.judged.is_none());
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    ScrollArea::vertical()
        .id_salt("scenario steps")
        .max_height(row_height * 20.0)
        .auto_shrink([false, true])
        .show_rows(ui, row_height, run.steps.len(), |ui, range| {
            for i in range {
                let step = &run.steps[i];
                let mark = match &step.judged {
                    Some((true, _)) => "pass",
                    Some((false, _)) => "FAIL",
                    None if ended => "not sent",
                    None if under_way == Some(i) => "sending",
                    None => "queued",
                };
                let line = format!(
                    "{mark:<8} {} ({}): {}",
                    step.name,
                    step.event.name(),
                    step.attempts
                        .iter()
                        .map(|a| a.status.map_or("no answer".to_owned(), |s| s.to_string()))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let text = match &step.judged {
                    Some((false, _)) => RichText::new(line).color(ui.visuals().error_fg_color),
                    _ => RichText::new(line),
                };
                let row = ui.add(egui::Label::new(text).truncate());
                if let Some((_, sentence)) = &step.judged {
                    row.on_hover_text(capitalize(sentence));
                }
            }
        });
}
