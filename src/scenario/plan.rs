//! A scenario checked whole: every mistake that can be known from the file, the command
//! line and the history is found here, before the first step is sent.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::file::{Expect, Order, ReplayOf, ScenarioFile, Signature, StepFile};
use crate::net::target::{self, TargetError};
use crate::sinch::callback::{
    BodyInputs, Event, Forgery, ForgeryError, SetPathError, default_body, set_path,
};
use crate::sinch::time;

/// The most times one step may be sent (`repeat`).
pub const MAX_REPEAT: u32 = 100;
/// The most steps a scenario may have, groups counted out.
pub const MAX_STEPS: usize = 10_000;
/// The longest wait before a step, once scaled.
pub const MAX_DELAY: Duration = Duration::from_secs(60 * 60);
/// The largest `--time-scale`: waits a hundred times Sinch's are already hours long.
pub const MAX_TIME_SCALE: f64 = 100.0;

/// A scenario ready to run.
#[derive(Debug)]
pub struct Plan {
    /// The server's URL.
    pub to: String,
    /// What every wait (delays, Sinch's retry backoff) is multiplied by.
    pub time_scale: f64,
    /// The steps in the order they run (a reversed group's reversed).
    pub steps: Vec<Planned>,
}

/// One step, checked.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Its name in the report.
    pub name: String,
    /// What it sends.
    pub source: Source,
    /// How it is forged, if at all.
    pub forgery: Forgery,
    /// How many times it is sent (1 to [`MAX_REPEAT`]).
    pub repeat: u32,
    /// How long to wait before it, already scaled.
    pub delay: Duration,
    /// What the server should do with it.
    pub expect: Expect,
    /// Whether it is sent again as Sinch retries its product.
    pub retry: bool,
}

/// What a step sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// The event's default body with these fields set, signed afresh.
    Trigger {
        /// The event.
        event: Event,
        /// Dotted paths and their values.
        set: Vec<(String, String)>,
    },
    /// The previous step's request, byte for byte (its old signature too).
    Last(Event),
    /// A history record's body, signed afresh.
    Record {
        /// Its number in the history.
        id: i64,
        /// The event its body names.
        event: Event,
        /// The body as it was received.
        body: Vec<u8>,
    },
}

impl Source {
    /// The event it sends.
    pub fn event(&self) -> Event {
        match self {
            Source::Trigger { event, .. } | Source::Last(event) | Source::Record { event, .. } => {
                *event
            }
        }
    }
}

/// Why a scenario cannot run.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Neither the command line nor the file names a server.
    #[error("no server to send to: give --to URL, or `to = \"URL\"` in the file")]
    NoServer,
    /// The server's URL cannot be sent to.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The file has no steps.
    #[error("the scenario has no [[step]]")]
    NoSteps,
    /// More steps than [`MAX_STEPS`].
    #[error("the scenario has more than {MAX_STEPS} steps")]
    TooManySteps,
    /// A time scale that is not a sane positive number.
    #[error("--time-scale must be a number above 0 and at most {MAX_TIME_SCALE}, e.g. 0.01")]
    TimeScale,
    /// One step is wrong.
    #[error("{step}: {problem}")]
    Step {
        /// Its name.
        step: String,
        /// What is wrong.
        problem: StepProblem,
    },
}

/// What is wrong with one step.
#[derive(Debug, thiserror::Error)]
pub enum StepProblem {
    /// `trigger` names no event.
    #[error("trigger = \"{0}\" is not an event (see `sinch-ticket trigger --help`)")]
    NotAnEvent(String),
    /// Both `trigger` and `replay`.
    #[error("a step either triggers or replays, not both")]
    TriggerAndReplay,
    /// Neither.
    #[error("say trigger = \"EVENT\", or replay = \"last\" or a history record's number")]
    Nothing,
    /// A group with fields of its own beside `steps`.
    #[error("a group of steps takes only name, order and steps: give the others to its steps")]
    GroupFields,
    /// `order` on a step that is not a group.
    #[error("order is for a group of steps: add steps = [...]")]
    OrderWithoutGroup,
    /// A `set` path that does not fit the event's body.
    #[error("set {path}: {why}")]
    Set {
        /// The path.
        path: String,
        /// Why it does not fit.
        why: SetPathError,
    },
    /// `set` on a replay.
    #[error("set changes a triggered event's body; a replay sends a body as it was")]
    SetOnReplay,
    /// A `timestamp_age` that is not a duration.
    #[error("timestamp_age: {0}")]
    Age(String),
    /// Two forgeries.
    #[error("signature and timestamp_age are two forgeries: choose one")]
    TwoForgeries,
    /// A forgery the event cannot carry, or a stale age that proves nothing.
    #[error(transparent)]
    Forgery(#[from] ForgeryError),
    /// A forgery on `replay = "last"`.
    #[error(
        "replay = \"last\" sends the previous request byte for byte: a forgery here would change it"
    )]
    ForgedLast,
    /// `replay = "last"` as the first step.
    #[error("replay = \"last\", but no step before it sends anything")]
    NothingBefore,
    /// `replay = ID` that is not in the history.
    #[error("replay = {0}: there is no record {0} in the history")]
    NoRecord(i64),
    /// `replay = ID` whose body is not an event.
    #[error("replay = {0}: the record's body names no event sinch-ticket knows")]
    RecordNotAnEvent(i64),
    /// The history cannot be read.
    #[error("replay = {id}: {why}")]
    History {
        /// The record asked for.
        id: i64,
        /// Why it cannot be read.
        why: String,
    },
    /// A `delay` that is not a duration.
    #[error("delay: {0}")]
    Delay(String),
    /// A `delay` longer than [`MAX_DELAY`] once scaled.
    #[error("delay: longer than an hour once scaled: a scenario is a test, not a timer")]
    DelayTooLong,
    /// `repeat = 0`.
    #[error("repeat = 0 sends nothing")]
    RepeatZero,
    /// `repeat` above [`MAX_REPEAT`].
    #[error("repeat = {0}: at most {MAX_REPEAT}")]
    RepeatTooMany(u32),
}

/// Where a step's `replay = ID` is looked up: `Ok(None)` when there is no such record.
pub type Records<'a> = &'a mut dyn FnMut(i64) -> Result<Option<Vec<u8>>, String>;

impl Plan {
    /// Checks `file` whole: `to` overrides its server; `now` is when it runs (a stale
    /// forgery must reach back to after 1970); `records` looks up history records.
    pub fn new(
        file: &ScenarioFile,
        to: Option<&str>,
        time_scale: f64,
        now: DateTime<Utc>,
        records: Records<'_>,
    ) -> Result<Plan, PlanError> {
        let to = to
            .map(str::to_owned)
            .or_else(|| file.to.clone())
            .ok_or(PlanError::NoServer)?;
        target::sendable(&to)?;
        if !(time_scale > 0.0 && time_scale <= MAX_TIME_SCALE) {
            return Err(PlanError::TimeScale);
        }
        if file.step.is_empty() {
            return Err(PlanError::NoSteps);
        }
        let mut checker = Checker {
            time_scale,
            now,
            records,
            steps: Vec::new(),
        };
        for (i, step) in file.step.iter().enumerate() {
            checker.step(step, &format!("step {}", i + 1))?;
        }
        Ok(Plan {
            to,
            time_scale,
            steps: checker.steps,
        })
    }

    /// Every event a step signs (a `replay = "last"` signs nothing), for finding their
    /// secrets before anything is sent.
    pub fn signed_events(&self) -> impl Iterator<Item = Event> + '_ {
        self.steps.iter().filter_map(|step| match &step.source {
            Source::Last(_) => None,
            source => Some(source.event()),
        })
    }
}

/// `wait` times `scale`, or `None` past what a Duration holds.
pub fn scaled(wait: Duration, scale: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(wait.as_secs_f64() * scale).ok()
}

/// A duration of the scenario file: `200ms`, or what `--expires-in` takes (`5s`, `1m`).
fn wait(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Some(ms) = text.strip_suffix("ms") {
        return ms
            .trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("'{text}' is not a duration: write e.g. 200ms, 5s or 1m"));
    }
    time::parse_duration(text)
        .map(Duration::from_secs)
        .map_err(|err| err.to_string())
}

struct Checker<'a> {
    time_scale: f64,
    now: DateTime<Utc>,
    records: Records<'a>,
    steps: Vec<Planned>,
}

impl Checker<'_> {
    /// Checks `step` (labelled `label` unless it has a name) and adds what it sends.
    fn step(&mut self, step: &StepFile, label: &str) -> Result<(), PlanError> {
        let name = step.name.clone().unwrap_or_else(|| label.to_owned());
        let wrong = |problem: StepProblem| PlanError::Step {
            step: name.clone(),
            problem,
        };
        if !step.steps.is_empty() {
            let own_fields = step.trigger.is_some()
                || step.replay.is_some()
                || !step.set.is_empty()
                || step.signature.is_some()
                || step.timestamp_age.is_some()
                || step.repeat.is_some()
                || step.delay.is_some()
                || step.expect.is_some()
                || step.retry.is_some();
            if own_fields {
                return Err(wrong(StepProblem::GroupFields));
            }
            let first = self.steps.len();
            for (i, inner) in step.steps.iter().enumerate() {
                self.step(inner, &format!("{name} / {}", i + 1))?;
            }
            if step.order.unwrap_or_default() == Order::Reverse {
                self.steps[first..].reverse();
                // A reversed `replay = "last"` replays what now comes before it.
                self.relink(first).map_err(wrong)?;
            }
            return Ok(());
        }
        if self.steps.len() >= MAX_STEPS {
            return Err(PlanError::TooManySteps);
        }
        if step.order.is_some() {
            return Err(wrong(StepProblem::OrderWithoutGroup));
        }
        let planned = self.one(step, &name).map_err(wrong)?;
        self.steps.push(planned);
        Ok(())
    }

    /// Checks a step that is not a group.
    fn one(&mut self, step: &StepFile, name: &str) -> Result<Planned, StepProblem> {
        let forgery = forgery_of(step)?;
        let source = match (&step.trigger, step.replay) {
            (Some(_), Some(_)) => return Err(StepProblem::TriggerAndReplay),
            (None, None) => return Err(StepProblem::Nothing),
            (Some(event), None) => {
                let event = Event::from_name(event)
                    .ok_or_else(|| StepProblem::NotAnEvent(event.clone()))?;
                let set = sets(event, &step.set)?;
                Source::Trigger { event, set }
            }
            (None, Some(_)) if !step.set.is_empty() => return Err(StepProblem::SetOnReplay),
            (None, Some(ReplayOf::Last)) => {
                if forgery.is_forged() {
                    return Err(StepProblem::ForgedLast);
                }
                let before = self.steps.last().ok_or(StepProblem::NothingBefore)?;
                Source::Last(before.source.event())
            }
            (None, Some(ReplayOf::Record(id))) => {
                let body = (self.records)(id)
                    .map_err(|why| StepProblem::History { id, why })?
                    .ok_or(StepProblem::NoRecord(id))?;
                let event = Event::of_body(&body).ok_or(StepProblem::RecordNotAnEvent(id))?;
                Source::Record { id, event, body }
            }
        };
        forgery.check_for(source.event())?;
        forgery.sent_at(self.now)?;
        let delay = match &step.delay {
            None => Duration::ZERO,
            Some(text) => scaled(wait(text).map_err(StepProblem::Delay)?, self.time_scale)
                .filter(|delay| *delay <= MAX_DELAY)
                .ok_or(StepProblem::DelayTooLong)?,
        };
        let repeat = match step.repeat.unwrap_or(1) {
            0 => return Err(StepProblem::RepeatZero),
            n if n > MAX_REPEAT => return Err(StepProblem::RepeatTooMany(n)),
            n => n,
        };
        Ok(Planned {
            name: name.to_owned(),
            source,
            forgery,
            repeat,
            delay,
            expect: step.expect.unwrap_or_default(),
            retry: step.retry.is_some(),
        })
    }

    /// After a group from `first` on was reversed: each `replay = "last"` in it replays
    /// the step now before it, which must exist.
    fn relink(&mut self, first: usize) -> Result<(), StepProblem> {
        for i in first..self.steps.len() {
            if let Source::Last(_) = self.steps[i].source {
                let before = i
                    .checked_sub(1)
                    .map(|b| self.steps[b].source.event())
                    .ok_or(StepProblem::NothingBefore)?;
                self.steps[i].source = Source::Last(before);
            }
        }
        Ok(())
    }
}

/// The forgery `signature` and `timestamp_age` ask for.
fn forgery_of(step: &StepFile) -> Result<Forgery, StepProblem> {
    match (step.signature, &step.timestamp_age) {
        (None | Some(Signature::Valid), None) => Ok(Forgery::None),
        (Some(Signature::Bad), None) => Ok(Forgery::BadSignature),
        (Some(Signature::None), None) => Ok(Forgery::NoSignature),
        (None | Some(Signature::Valid), Some(age)) => Ok(Forgery::Stale(Duration::from_secs(
            time::parse_duration(age).map_err(|e| StepProblem::Age(e.to_string()))?,
        ))),
        (Some(_), Some(_)) => Err(StepProblem::TwoForgeries),
    }
}

/// `set`'s paths and values, each tried on the event's default body.
fn sets(event: Event, table: &toml::Table) -> Result<Vec<(String, String)>, StepProblem> {
    let mut body = default_body(
        event,
        BodyInputs {
            application_key: "",
            id: "",
            now: DateTime::UNIX_EPOCH,
        },
    );
    let mut sets = Vec::new();
    for (path, value) in table {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        set_path(&mut body, path, &text).map_err(|why| StepProblem::Set {
            path: path.clone(),
            why,
        })?;
        sets.push((path.clone(), text));
    }
    Ok(sets)
}
