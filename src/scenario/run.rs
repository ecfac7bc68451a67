//! The runner: each planned step signed (or forged), sent through a [`Delivery`], retried as
//! Sinch retries when the step says so, and judged. It prints nothing; the outcomes go back
//! to whoever runs it, one by one as they happen and all together at the end.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::file::Expect;
use super::plan::{Plan, Planned, Source, scaled};
use crate::net::client::{self, Answer, SendError};
use crate::net::target;
use crate::net::trigger::{self, Trigger, TriggerError};
use crate::sinch::callback::{
    CallbackSecrets, Event, Headers, SetPathError, check_answer, set_path,
};

/// How a run reaches the server and the clock: [`Http`] for real, a fake in tests.
pub trait Delivery {
    /// POSTs `body` with `headers` to `url` and returns the answer.
    fn post(&mut self, url: &str, headers: &Headers, body: &[u8]) -> Result<Answer, SendError>;
    /// Waits `how_long` (a delay, or Sinch's backoff before a retry).
    fn wait(&mut self, how_long: Duration);
    /// The time now, for fresh signatures and the times of a run's deliveries.
    fn now(&mut self) -> DateTime<Utc>;
    /// Whether whoever runs it asked it to stop: checked before each step and after each
    /// wait, so a wait should end early when asked too.
    fn stopped(&mut self) -> bool {
        false
    }
}

/// The real delivery: HTTP with the client's bounds, the real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct Http;

impl Delivery for Http {
    fn post(&mut self, url: &str, headers: &Headers, body: &[u8]) -> Result<Answer, SendError> {
        let parsed = target::sendable(url)?;
        client::send(
            &parsed,
            client::Outgoing {
                method: "POST",
                url,
                headers: headers.clone(),
                body: body.to_vec(),
                timeout: client::DEFAULT_TIMEOUT,
            },
        )
    }

    fn wait(&mut self, how_long: Duration) {
        std::thread::sleep(how_long);
    }

    fn now(&mut self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Why a step could not be judged.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// It could not be signed as asked.
    #[error(transparent)]
    Sign(#[from] TriggerError),
    /// Its body could not be made.
    #[error("set {path}: {why}")]
    Set {
        /// The path.
        path: String,
        /// Why.
        why: SetPathError,
    },
    /// No secret signs its event (the plan's events were not all given one).
    #[error("no secret to sign {0} with")]
    NoSecret(&'static str),
    /// `replay = "last"` after a step that could not be made.
    #[error("the step before could not be made, so there is nothing to send again")]
    NothingToReplay,
    /// It could not be sent, or no answer came.
    #[error(transparent)]
    Send(#[from] SendError),
    /// The run was stopped while the step waited to send it again.
    #[error("stopped before it was judged")]
    Stopped,
}

/// How a step went.
#[derive(Debug)]
pub enum Judged {
    /// As the step expected.
    AsExpected,
    /// Not as it expected; for an answer Sinch could not use, what it could not use.
    Unexpected(Vec<String>),
    /// It could not be sent or judged.
    Failed(StepError),
}

/// One step's result.
#[derive(Debug)]
pub struct Outcome {
    /// The step's name.
    pub name: String,
    /// The event it sent.
    pub event: Event,
    /// What it expected.
    pub expect: Expect,
    /// Each time it was sent, in order (copies and retries included).
    pub attempts: Vec<Attempt>,
    /// How it went.
    pub judged: Judged,
    /// How long it took to send and judge, its delay left out.
    pub took: Duration,
}

/// One time a step was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// When, since the run began (by the delivery's clock).
    pub at: Duration,
    /// Which copy of a repeated step it was (0 for the first).
    pub copy: u32,
    /// The answer's status; `None` when no answer came.
    pub status: Option<u16>,
    /// How long Sinch would wait before sending it again, when it is sent again.
    pub then_waits: Option<Duration>,
}

impl Outcome {
    /// The status of each answer, in order (retries included).
    pub fn statuses(&self) -> Vec<u16> {
        self.attempts.iter().filter_map(|a| a.status).collect()
    }

    /// Whether it went as expected.
    pub fn passed(&self) -> bool {
        matches!(self.judged, Judged::AsExpected)
    }

    /// What happened, in one sentence ("dice answered 401, then 401: refused, as expected").
    pub fn sentence(&self) -> String {
        let said = || {
            format!(
                "{} answered {}",
                self.event.name(),
                self.statuses()
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", then ")
            )
        };
        match (&self.judged, self.expect) {
            (Judged::Failed(err), _) => err.to_string(),
            (Judged::AsExpected, Expect::Accepted) => format!("{}: accepted, as expected", said()),
            (Judged::AsExpected, Expect::Refused) => format!("{}: refused, as expected", said()),
            (Judged::Unexpected(problems), Expect::Accepted) if !problems.is_empty() => {
                format!(
                    "{}: Sinch could not use it: {}",
                    said(),
                    problems.join("; ")
                )
            }
            (Judged::Unexpected(_), Expect::Accepted) => {
                format!("{}: expected it accepted as Sinch needs", said())
            }
            (Judged::Unexpected(_), Expect::Refused) => {
                format!("{}: expected a refusal (4xx)", said())
            }
        }
    }
}

/// A whole run.
#[derive(Debug)]
pub struct Report {
    /// Each step's outcome, in order.
    pub outcomes: Vec<Outcome>,
    /// How long the run took.
    pub took: Duration,
    /// Whether it was stopped before its last step.
    pub stopped: bool,
}

impl Report {
    /// How many steps did not go as expected.
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| !o.passed()).count()
    }
}

/// A request as sent, to send again.
#[derive(Clone)]
struct Sent {
    event: Event,
    headers: Headers,
    body: Vec<u8>,
}

/// Runs `plan`'s steps in order, signing with `secrets`, through `delivery`; `each` hears
/// every outcome as it happens.
pub fn run(
    plan: &Plan,
    secrets: &CallbackSecrets,
    delivery: &mut dyn Delivery,
    each: &mut dyn FnMut(&Outcome),
) -> Report {
    let started = Instant::now();
    let began = delivery.now();
    let mut last: Option<Sent> = None;
    let mut outcomes = Vec::with_capacity(plan.steps.len());
    let mut stopped = false;
    for step in &plan.steps {
        if !step.delay.is_zero() {
            delivery.wait(step.delay);
        }
        let step_started = Instant::now();
        if delivery.stopped() {
            stopped = true;
            break;
        }
        let mut attempts = Vec::new();
        let judged = match make(plan, step, secrets, delivery, last.as_ref()) {
            Err(err) => Judged::Failed(err),
            Ok(sent) => {
                let mut sending = Sending {
                    delivery: &mut *delivery,
                    began,
                    attempts: &mut attempts,
                };
                let judged = sending.send(plan, step, &sent);
                last = Some(sent);
                judged
            }
        };
        stopped = matches!(judged, Judged::Failed(StepError::Stopped));
        let outcome = Outcome {
            name: step.name.clone(),
            event: step.source.event(),
            expect: step.expect,
            attempts,
            judged,
            took: step_started.elapsed(),
        };
        each(&outcome);
        outcomes.push(outcome);
        if stopped {
            break;
        }
    }
    Report {
        outcomes,
        took: started.elapsed(),
        stopped,
    }
}

/// The step's request: a fresh body signed now, a record signed afresh, or the last one.
fn make(
    plan: &Plan,
    step: &Planned,
    secrets: &CallbackSecrets,
    delivery: &mut dyn Delivery,
    last: Option<&Sent>,
) -> Result<Sent, StepError> {
    let event = step.source.event();
    let (recorded, set) = match &step.source {
        // The plan made sure a step came before; one that could not even be made leaves
        // nothing to replay.
        Source::Last(_) => return last.cloned().ok_or(StepError::NothingToReplay),
        Source::Record { body, .. } => (Some(body), &[][..]),
        Source::Trigger { set, .. } => (None, set.as_slice()),
    };
    let secret = secrets
        .for_event(event)
        .ok_or(StepError::NoSecret(event.name()))?;
    let sent_at = step
        .forgery
        .sent_at(delivery.now())
        .map_err(|err| TriggerError::Refused(err.to_string()))?;
    let body = match recorded {
        Some(body) => body.clone(),
        None => {
            let mut value = trigger::fresh_body(event, secrets.application_key(), sent_at);
            for (path, text) in set {
                set_path(&mut value, path, text).map_err(|why| StepError::Set {
                    path: path.clone(),
                    why,
                })?;
            }
            serde_json::to_vec(&value).unwrap_or_default()
        }
    };
    let (headers, body) = trigger::sign(&Trigger {
        event,
        url: &plan.to,
        signer: secret,
        body,
        sent_at,
        nonce: trigger::fresh_nonce(event.product().scheme()),
        forgery: step.forgery,
        timeout: client::DEFAULT_TIMEOUT,
    })?;
    Ok(Sent {
        event,
        headers,
        body,
    })
}

/// A step being sent: where, since when, and what each try got.
struct Sending<'a> {
    delivery: &'a mut dyn Delivery,
    began: DateTime<Utc>,
    attempts: &'a mut Vec<Attempt>,
}

impl Sending<'_> {
    /// Sends `sent` as often as the step says, each time retried as Sinch would when asked,
    /// and judges the last answer.
    fn send(&mut self, plan: &Plan, step: &Planned, sent: &Sent) -> Judged {
        let waits = if step.retry {
            sent.event.product().retry_waits()
        } else {
            &[]
        };
        let mut answer = None;
        for copy in 0..step.repeat {
            if copy > 0 && self.delivery.stopped() {
                return Judged::Failed(StepError::Stopped);
            }
            let mut retries = waits.iter();
            loop {
                let at = (self.delivery.now() - self.began)
                    .to_std()
                    .unwrap_or_default();
                let tried = self.delivery.post(&plan.to, &sent.headers, &sent.body);
                let again = match &tried {
                    Ok(a) => a.status >= 500 || a.status == 429,
                    Err(_) => true,
                };
                let status = tried.as_ref().ok().map(|a| a.status);
                match retries.next() {
                    Some(wait) if again => {
                        let wait = scaled(*wait, plan.time_scale).unwrap_or(*wait);
                        self.attempts.push(Attempt {
                            at,
                            copy,
                            status,
                            then_waits: Some(wait),
                        });
                        self.delivery.wait(wait);
                        if self.delivery.stopped() {
                            return Judged::Failed(StepError::Stopped);
                        }
                    }
                    _ => {
                        self.attempts.push(Attempt {
                            at,
                            copy,
                            status,
                            then_waits: None,
                        });
                        match tried {
                            Ok(a) => {
                                answer = Some(a);
                                break;
                            }
                            Err(err) => return Judged::Failed(StepError::Send(err)),
                        }
                    }
                }
            }
        }
        let Some(answer) = answer else {
            return Judged::Unexpected(Vec::new());
        };
        let problems = match step.expect {
            Expect::Refused if (400..500).contains(&answer.status) => None,
            Expect::Refused => Some(Vec::new()),
            Expect::Accepted if step.forgery.is_forged() => (!answer.is_success()).then(Vec::new),
            Expect::Accepted => {
                let value: Value = serde_json::from_slice(&sent.body).unwrap_or_default();
                let check = check_answer(sent.event, &value, answer.status, &answer.body);
                (!check.ok()).then_some(check.problems)
            }
        };
        match problems {
            None => Judged::AsExpected,
            Some(problems) => Judged::Unexpected(problems),
        }
    }
}
