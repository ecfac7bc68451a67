//! `scenario run FILE`: callbacks sent in order, as a test of the developer's server that CI
//! can run: each step triggers an event (or replays one), signed or forged, sent once or
//! several times, in order or out of it, retried as Sinch retries, and expects it accepted
//! or refused. A JUnit report lists each step as a test case.
//!
//! The file is TOML: `to = URL` and `[[step]]` tables (see `scenario run --help`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::{Args, Subcommand};
use serde::Deserialize;
use serde_json::Value;

use super::{CredentialArgs, Failure, credentials, exit, stdio};
use crate::net::client::{self, Answer};
use crate::net::target;
use crate::net::trigger::{self, Trigger};
use crate::sinch::callback::{BodyInputs, Event, Forgery, Product, default_body, set_path};
use crate::sinch::time;

/// Arguments of `sinch-ticket scenario`.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Run the steps of FILE in order; exit 0 when every expectation holds.
    Run(RunArgs),
}

/// Arguments of `sinch-ticket scenario run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario, TOML.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Your server's URL (overrides the file's `to`).
    #[arg(long, value_name = "URL")]
    to: Option<String>,
    /// Write a JUnit XML report to FILE (each step a test case).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Shorten every wait (delays, Sinch's retry backoff) by this factor, e.g. 0.01.
    #[arg(long, value_name = "FACTOR", default_value_t = 1.0)]
    time_scale: f64,
    /// Read the webhook secret from standard input (for webhook events).
    #[arg(long)]
    webhook_secret_stdin: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// A scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    to: Option<String>,
    #[serde(default)]
    step: Vec<Step>,
}

/// One step (or a group of steps, with `steps`).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Step {
    name: Option<String>,
    trigger: Option<String>,
    replay: Option<toml::Value>,
    #[serde(default)]
    set: toml::Table,
    signature: Option<String>,
    timestamp_age: Option<String>,
    #[serde(default = "one")]
    repeat: u32,
    delay: Option<String>,
    expect: Option<String>,
    retry: Option<String>,
    order: Option<String>,
    #[serde(default)]
    steps: Vec<Step>,
}

fn one() -> u32 {
    1
}

/// What a step expects of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Answered as Sinch needs.
    Accepted,
    /// Refused with a 4xx.
    Refused,
}

/// A request as sent, to send again.
#[derive(Clone)]
struct Sent {
    event: Event,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A step's result.
struct Outcome {
    name: String,
    passed: bool,
    message: String,
    took: Duration,
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

/// `wait` times `scale`, at most what a Duration holds.
fn scaled(wait: Duration, scale: f64) -> Duration {
    Duration::try_from_secs_f64(wait.as_secs_f64() * scale).unwrap_or(Duration::MAX)
}

/// `sinch-ticket scenario …`.
pub fn run(args: &ScenarioArgs) -> Result<u8, Failure> {
    let ScenarioCommand::Run(args) = &args.command;
    let text = std::fs::read_to_string(&args.file)
        .map_err(|err| Failure::io(&format!("reading {}", args.file.display()), &err))?;
    let file: File = toml::from_str(&text).map_err(|err| {
        Failure::usage(format!("{} is not a scenario: {err}", args.file.display()))
    })?;
    let to = args.to.clone().or(file.to.clone()).ok_or_else(|| {
        Failure::usage("no server to send to: give --to URL, or `to = \"URL\"` in the file")
    })?;
    target::sendable(&to)?;
    if file.step.is_empty() {
        return Err(Failure::usage(format!(
            "{} has no [[step]]",
            args.file.display()
        )));
    }
    if !(args.time_scale > 0.0 && args.time_scale.is_finite()) {
        return Err(Failure::usage(
            "--time-scale must be a positive number, e.g. 0.01",
        ));
    }
    // Every step is checked before the first is sent: a bad file sends nothing.
    let mut flat = Vec::new();
    for (i, step) in file.step.iter().enumerate() {
        flatten(step, &format!("step {}", i + 1), &mut flat).map_err(Failure::usage)?;
    }
    let mut runner = Runner {
        args,
        to: &to,
        last: None,
    };
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for (label, step) in &flat {
        let outcome = runner.step(label, step);
        stdio::human(&format!(
            "{} {}: {}",
            if outcome.passed { "ok  " } else { "FAIL" },
            outcome.name,
            outcome.message
        ))?;
        outcomes.push(outcome);
    }
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    stdio::human(&format!(
        "{} step(s), {failed} failed, in {} ms.",
        outcomes.len(),
        started.elapsed().as_millis()
    ))?;
    if let Some(path) = &args.junit {
        std::fs::write(path, junit(&args.file, &outcomes, started.elapsed()))
            .map_err(|err| Failure::io(&format!("writing {}", path.display()), &err))?;
    }
    Ok(if failed == 0 {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// The steps in the order they run (a group's steps reversed for `order = "reverse"`), each
/// checked, with its label.
fn flatten(step: &Step, label: &str, into: &mut Vec<(String, Step)>) -> Result<(), String> {
    let name = step.name.clone().unwrap_or_else(|| label.to_owned());
    if !step.steps.is_empty() {
        let mut group = Vec::new();
        for (i, inner) in step.steps.iter().enumerate() {
            flatten(inner, &format!("{name} / {}", i + 1), &mut group)?;
        }
        match step.order.as_deref() {
            None | Some("in-order") => {}
            Some("reverse") => group.reverse(),
            Some(other) => {
                return Err(format!(
                    "{name}: order = \"{other}\": write \"reverse\" or \"in-order\""
                ));
            }
        }
        into.extend(group);
        return Ok(());
    }
    match (&step.trigger, &step.replay) {
        (Some(event), None) => {
            Event::from_name(event).ok_or_else(|| {
                format!("{name}: trigger = \"{event}\" is not an event (see `sinch-ticket trigger --help`)")
            })?;
        }
        (None, Some(toml::Value::String(last))) if last == "last" => {}
        (None, Some(toml::Value::Integer(_))) => {}
        (None, Some(other)) => {
            return Err(format!(
                "{name}: replay = {other}: write \"last\" (the previous step's request) or a history record's number"
            ));
        }
        (Some(_), Some(_)) => {
            return Err(format!(
                "{name}: a step either triggers or replays, not both"
            ));
        }
        (None, None) => {
            return Err(format!(
                "{name}: say trigger = \"EVENT\", or replay = \"last\" or a history record's number"
            ));
        }
    }
    expect_of(step).map_err(|why| format!("{name}: {why}"))?;
    forgery_of(step).map_err(|why| format!("{name}: {why}"))?;
    if let Some(delay) = &step.delay {
        wait(delay).map_err(|why| format!("{name}: delay: {why}"))?;
    }
    match step.retry.as_deref() {
        None | Some("sinch") => {}
        Some(other) => return Err(format!("{name}: retry = \"{other}\": write \"sinch\"")),
    }
    if step.repeat == 0 {
        return Err(format!("{name}: repeat = 0 sends nothing"));
    }
    into.push((name, step.clone()));
    Ok(())
}

fn expect_of(step: &Step) -> Result<Expect, String> {
    match step.expect.as_deref() {
        None | Some("accepted") => Ok(Expect::Accepted),
        Some("refused") => Ok(Expect::Refused),
        Some(other) => Err(format!(
            "expect = \"{other}\": write \"accepted\" or \"refused\""
        )),
    }
}

fn forgery_of(step: &Step) -> Result<Forgery, String> {
    match (step.signature.as_deref(), &step.timestamp_age) {
        (None | Some("valid"), None) => Ok(Forgery::None),
        (Some("bad"), None) => Ok(Forgery::BadSignature),
        (Some("none"), None) => Ok(Forgery::NoSignature),
        (None | Some("valid"), Some(age)) => Ok(Forgery::Stale(Duration::from_secs(
            time::parse_duration(age).map_err(|e| format!("timestamp_age: {e}"))?,
        ))),
        (Some(other), None) => Err(format!(
            "signature = \"{other}\": write \"valid\", \"bad\" or \"none\""
        )),
        (Some(_), Some(_)) => {
            Err("signature and timestamp_age are two forgeries: choose one".into())
        }
    }
}

struct Runner<'a> {
    args: &'a RunArgs,
    to: &'a str,
    last: Option<Sent>,
}

impl Runner<'_> {
    fn step(&mut self, label: &str, step: &Step) -> Outcome {
        let started = Instant::now();
        if let Some(delay) = step.delay.as_deref().and_then(|d| wait(d).ok()) {
            std::thread::sleep(scaled(delay, self.args.time_scale));
        }
        let result = self.send_step(step);
        let (passed, message) = match result {
            Ok(message) => (true, message),
            Err(message) => (false, message),
        };
        Outcome {
            name: label.to_owned(),
            passed,
            message,
            took: started.elapsed(),
        }
    }

    /// Sends the step (as often as it says) and says whether it went as expected.
    fn send_step(&mut self, step: &Step) -> Result<String, String> {
        let expect = expect_of(step)?;
        let forgery = forgery_of(step)?;
        let sent = match (&step.trigger, &step.replay) {
            (Some(event), _) => self.make(event, step, forgery)?,
            (None, Some(toml::Value::Integer(id))) => self.recorded(*id, forgery)?,
            (None, Some(_)) => self
                .last
                .clone()
                .ok_or("replay = \"last\", but no step sent anything before")?,
            (None, None) => return Err("nothing to send".into()),
        };
        let mut statuses = Vec::new();
        let mut last_answer = None;
        for _ in 0..step.repeat {
            let answer = self.deliver(&sent, step.retry.is_some())?;
            statuses.push(answer.status);
            last_answer = Some(answer);
        }
        self.last = Some(sent.clone());
        let Some(answer) = last_answer else {
            return Err("nothing was sent".into());
        };
        let refused = (400..500).contains(&answer.status);
        let accepted = if forgery.is_forged() {
            answer.is_success()
        } else {
            let value: Value = serde_json::from_slice(&sent.body).unwrap_or_default();
            crate::sinch::callback::check_answer(sent.event, &value, answer.status, &answer.body)
                .ok()
        };
        let said = format!(
            "{} answered {}",
            sent.event.name(),
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", then ")
        );
        match expect {
            Expect::Accepted if accepted => Ok(format!("{said}: accepted, as expected")),
            Expect::Refused if refused => Ok(format!("{said}: refused, as expected")),
            Expect::Accepted => Err(format!("{said}: expected it accepted as Sinch needs")),
            Expect::Refused => Err(format!("{said}: expected a refusal (4xx)")),
        }
    }

    /// Makes the step's request: the event's default body with `set`, signed or forged.
    fn make(&self, event: &str, step: &Step, forgery: Forgery) -> Result<Sent, String> {
        let event = Event::from_name(event).ok_or_else(|| format!("{event} is not an event"))?;
        let (sent_at, secret) = self.prepare(event, forgery)?;
        let key = secret.key().to_owned();
        let id = uuid::Uuid::new_v4().to_string();
        let mut body = default_body(
            event,
            BodyInputs {
                application_key: &key,
                id: &id,
                now: sent_at,
            },
        );
        for (path, value) in &step.set {
            let text = match value {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            set_path(&mut body, path, &text).map_err(|why| format!("set {path}: {why}"))?;
        }
        let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        self.sign(event, &secret, bytes, sent_at, forgery)
    }

    /// A request from the history, signed afresh (or forged as the step says).
    fn recorded(&self, id: i64, forgery: Forgery) -> Result<Sent, String> {
        let path =
            crate::history::default_path().ok_or("there is no data folder for the history")?;
        let opened = crate::history::History::open(&path, u64::MAX).map_err(|e| e.to_string())?;
        let entry = opened
            .history
            .get(id)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("replay = {id}: there is no record {id} in the history"))?;
        let event = Event::of_body(&entry.body)
            .ok_or_else(|| format!("record {id}'s body names no event sinch-ticket knows"))?;
        let (sent_at, secret) = self.prepare(event, forgery)?;
        self.sign(event, &secret, entry.body.clone(), sent_at, forgery)
    }

    /// What sending `event` with `forgery` needs first: the moment it claims to be from,
    /// and the secret it is signed with (a forgery its product cannot carry is refused).
    fn prepare(
        &self,
        event: Event,
        forgery: Forgery,
    ) -> Result<(chrono::DateTime<Utc>, credentials::EventSecret), String> {
        forgery.check_for(event).map_err(|e| e.to_string())?;
        let sent_at = forgery.sent_at(Utc::now()).map_err(|e| e.to_string())?;
        let secret = credentials::EventSecret::for_event(
            &self.args.credentials,
            self.args.webhook_secret_stdin,
            None,
            event,
        )
        .map_err(|f| f.message)?;
        Ok((sent_at, secret))
    }

    /// `body` of `event`, signed with `secret` as sent at `sent_at` (or forged).
    fn sign(
        &self,
        event: Event,
        secret: &credentials::EventSecret,
        bytes: Vec<u8>,
        sent_at: chrono::DateTime<Utc>,
        forgery: Forgery,
    ) -> Result<Sent, String> {
        let scheme = event.product().scheme();
        let (headers, body) = trigger::sign(&Trigger {
            event,
            url: self.to,
            signer: secret.signer(),
            body: bytes,
            sent_at,
            nonce: trigger::fresh_nonce(scheme),
            forgery,
            timeout: client::DEFAULT_TIMEOUT,
        })
        .map_err(|e| e.to_string())?;
        Ok(Sent {
            event,
            headers,
            body,
        })
    }

    /// Sends `sent` once; with `retry`, again on a 5xx or 429 or no answer, as its product
    /// retries (SMS: 5 s, 10 s, 20 s; the others, as SMS), the waits scaled.
    fn deliver(&self, sent: &Sent, retry: bool) -> Result<Answer, String> {
        let url = target::sendable(self.to).map_err(|e| e.to_string())?;
        let waits: &[u64] = if retry {
            match sent.event.product() {
                Product::Mailgun => &[10, 10, 15],
                _ => &[5, 10, 20],
            }
        } else {
            &[]
        };
        let mut attempt = 0;
        loop {
            let answer = client::send(
                &url,
                client::Outgoing {
                    method: "POST",
                    url: self.to,
                    headers: sent.headers.clone(),
                    body: sent.body.clone(),
                    timeout: client::DEFAULT_TIMEOUT,
                },
            );
            let again = match &answer {
                Ok(a) => a.status >= 500 || a.status == 429,
                Err(_) => true,
            };
            match waits.get(attempt) {
                Some(secs) if again => {
                    std::thread::sleep(scaled(Duration::from_secs(*secs), self.args.time_scale));
                    attempt += 1;
                }
                _ => return answer.map_err(|e| e.to_string()),
            }
        }
    }
}

/// The JUnit XML report.
fn junit(file: &std::path::Path, outcomes: &[Outcome], took: Duration) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let failures = outcomes.iter().filter(|o| !o.passed).count();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{:.3}\">\n",
        escape(&file.display().to_string()),
        outcomes.len(),
        took.as_secs_f64()
    );
    for outcome in outcomes {
        xml.push_str(&format!(
            "  <testcase classname=\"sinch-ticket.scenario\" name=\"{}\" time=\"{:.3}\"",
            escape(&outcome.name),
            outcome.took.as_secs_f64()
        ));
        if outcome.passed {
            xml.push_str("/>\n");
        } else {
            xml.push_str(&format!(
                ">\n    <failure message=\"{}\"/>\n  </testcase>\n",
                escape(&outcome.message)
            ));
        }
    }
    xml.push_str("</testsuite>\n");
    xml
}
