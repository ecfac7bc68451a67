//! `sinch-ticket mock` on the network: one HTTP server answering Sinch's API paths with
//! [`crate::sinch::mock`] (its credentials checked, its state kept), and the callbacks Sinch
//! would send after each call, signed as Sinch signs them ([`super::trigger::sign`]), sent
//! when due (scaled by the time scale), retried as the product retries, and what follows
//! their answers (the DiCE after an ACE's SVAML, a verification denied).
//!
//! The server is the listener's loop ([`super::server`]): the same bounds on heads, bodies,
//! times and connections. The credentials are checked outside the state's lock; the state
//! is held only to answer. A caller is never told why its credentials were refused: the
//! reason goes to [`Seen`], for the mock's output and history.
//!
//! Callbacks wait in one queue, bounded ([`MAX_QUEUED_CALLBACKS`], [`MAX_QUEUED_BYTES`]),
//! served by a few sending threads ([`SENDERS`]), at most [`PER_SERVER`] of them for one
//! server: past the bound a callback is dropped and said so, never held in memory without
//! end, and a server that never answers delays only its own callbacks.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::client::{self, Answer};
use super::listen::{ForwardRecord, SocketAddr, StartError};
use super::server::{self, Connection, Limits, Slots};
use super::target;
use super::trigger::{self, Trigger};
use crate::sinch::callback::{Event, Expects, Forgery, Product, SecretFor, check_answer};
use crate::sinch::mock::{self, Account, Checked, Delivered, Desk, Handled, Ids, Planned, State};

/// The largest request body taken (as the listener's).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// How many callbacks may wait to be sent at once; past it, new ones are dropped (and said).
pub const MAX_QUEUED_CALLBACKS: usize = 100_000;

/// How many bytes of callbacks may wait at once (a callout's `custom` of a megabyte rides in
/// its ACE and its DiCE); past it, new ones are dropped (and said).
pub const MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;

/// How many threads send callbacks.
pub const SENDERS: usize = 8;

/// How many callbacks go to one server (scheme, host and port) at once: a server that
/// holds its connections open without answering takes that many senders, never all of them,
/// so that the other servers' callbacks go on.
pub const PER_SERVER: usize = SENDERS / 2;

/// How long a callback whose server has [`PER_SERVER`] under way waits before it is looked
/// at again.
const SERVER_BUSY_WAIT: Duration = Duration::from_millis(25);

/// How much of an answer the mock keeps in its record of a call (for the output and the
/// history; the caller gets all of it).
const ANSWER_KEPT: usize = 64 * 1024;

/// Where callbacks go when the call names no URL of its own.
#[derive(Debug, Clone, Default)]
pub struct CallbackUrls {
    /// For every product without its own.
    pub default: Option<String>,
    /// Per product.
    pub by_product: Vec<(Product, String)>,
}

impl CallbackUrls {
    /// The URL for `event`'s product.
    pub fn for_event(&self, event: Event) -> Option<&str> {
        self.by_product
            .iter()
            .find(|(p, _)| *p == event.product())
            .map(|(_, url)| url.as_str())
            .or(self.default.as_deref())
    }

    /// Every URL given, checked as a callback target.
    pub fn check(&self) -> Result<(), target::TargetError> {
        for url in self
            .default
            .iter()
            .chain(self.by_product.iter().map(|(_, u)| u))
        {
            target::sendable(url)?;
        }
        Ok(())
    }
}

/// How the mock is started.
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The accounts it knows (profiles).
    pub accounts: Vec<Account>,
    /// Where its callbacks go.
    pub callback_urls: CallbackUrls,
    /// Sinch's delays and retry waits are multiplied by this (0: at once).
    pub time_scale: f64,
    /// How long the tokens it issues live, in seconds.
    pub token_lifetime_secs: i64,
    /// How long a callback waits for the developer's server.
    pub callback_timeout: Duration,
    /// How long one read from a client may wait.
    pub read_timeout: Duration,
}

/// A call the mock answered.
#[derive(Debug, Clone)]
pub struct CallSeen {
    /// When it came.
    pub received_at: DateTime<Utc>,
    /// Who sent it.
    pub peer: SocketAddr,
    /// The method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Its headers, as sent.
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: Vec<u8>,
    /// The operation (`sms.send`), when the path names one.
    pub operation: Option<&'static str>,
    /// The profile whose credentials held.
    pub account: Option<String>,
    /// The scheme its credentials came in.
    pub scheme: Option<String>,
    /// Whether they held.
    pub verified: bool,
    /// Why it was refused (never told to the caller).
    pub reason: Option<String>,
    /// What an application signature should have covered.
    pub string_to_sign: Option<String>,
    /// The status answered.
    pub status: u16,
    /// The answer's body (its first [`ANSWER_KEPT`] bytes).
    pub answer: Vec<u8>,
    /// How many callbacks it planned.
    pub callbacks: usize,
}

/// One attempt at delivering a callback.
#[derive(Debug, Clone, Serialize)]
pub struct Try {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The status answered.
    pub status: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub took_ms: u64,
}

/// A callback the mock sent (or could not).
#[derive(Debug, Clone)]
pub struct CallbackSeen {
    /// The event.
    pub event: Event,
    /// The kind its body names.
    pub kind: String,
    /// The profile whose secrets signed it.
    pub account: String,
    /// Where it went (`None`: nowhere to send it).
    pub url: Option<String>,
    /// The scheme it was signed in (`None`: sent unsigned, no secret).
    pub signed_with: Option<&'static str>,
    /// The headers sent.
    pub headers: Vec<(String, String)>,
    /// The body sent.
    pub body: Vec<u8>,
    /// Each attempt.
    pub tries: Vec<Try>,
    /// The last answer, when there was one.
    pub answer: Option<Answer>,
    /// What is wrong with the answer, as Sinch reads it.
    pub problems: Vec<String>,
    /// Why it was not sent or not delivered.
    pub failure: Option<String>,
}

/// What the mock reports, after the fact: a call answered, a callback delivered (or given
/// up), or a connection refused before a whole request came.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A call.
    Call(Box<CallSeen>),
    /// A callback.
    Callback(Box<CallbackSeen>),
    /// A connection refused.
    Refused {
        /// Who.
        peer: SocketAddr,
        /// The status answered, when one could be.
        status: Option<u16>,
        /// Why.
        reason: String,
    },
}

fn text_or_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

impl CallbackSeen {
    /// What it says, in a few words, to tell callbacks of one kind apart in a list: an SMS
    /// report's recipient and status, a Conversation delivery's status, a DiCE's reason, a
    /// verification's or a number's status.
    pub fn gist(&self) -> String {
        let body: Value = serde_json::from_slice(&self.body).unwrap_or_default();
        let text = |value: &Value| {
            value
                .as_str()
                .map(|s| crate::sinch::text::one_line(s).into_owned())
        };
        let parts: Vec<String> = [
            text(&body["recipient"]),
            text(&body["message_delivery_report"]["status"]),
            text(&body["eventType"]),
            text(&body["reason"]),
            text(&body["status"]),
        ]
        .into_iter()
        .flatten()
        .map(|part| part.chars().take(40).collect())
        .collect();
        parts.join(" ")
    }

    /// Whether the developer's server took it (a 2xx Sinch can use).
    pub fn delivered(&self) -> bool {
        self.failure.is_none() && self.problems.is_empty()
    }

    /// The app's answer, as the listener records a forwarded one: the inspector's "your app"
    /// column and detail read it.
    pub fn forwarded(&self) -> Option<ForwardRecord> {
        let url = self.url.clone()?;
        let last = self.tries.last();
        let (body, body_size) = match &self.answer {
            Some(answer) => {
                let kept = &answer.body[..answer.body.len().min(super::listen::APP_BODY_KEPT)];
                (
                    Some(String::from_utf8_lossy(kept).into_owned()),
                    Some(answer.body.len() as u64),
                )
            }
            None => (None, None),
        };
        Some(ForwardRecord {
            url,
            status: self.answer.as_ref().map(|a| a.status),
            took_ms: last.map(|t| t.took_ms),
            location: self.answer.as_ref().and_then(|a| a.location.clone()),
            problems: (!self.problems.is_empty()).then(|| self.problems.clone()),
            error: self.failure.clone(),
            content_type: self.answer.as_ref().and_then(|a| a.content_type.clone()),
            body,
            body_size,
        })
    }
}

impl Seen {
    /// The record as JSON, as `mock --json` prints it and the history keeps it (`with_body`:
    /// the request body too; the history keeps that apart).
    pub fn record(&self, with_body: bool) -> Value {
        match self {
            Seen::Call(call) => {
                let mut record = json!({
                    "type": "call",
                    "mock": true,
                    "time": call.received_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    "peer": call.peer.to_string(),
                    "method": call.method,
                    "path": call.path,
                    "operation": call.operation,
                    "profile": call.account,
                    "scheme": call.scheme,
                    "verified": call.verified,
                    "reason": call.reason,
                    "string_to_sign": call.string_to_sign,
                    "status": call.status,
                    "answer": text_or_json(&call.answer),
                    "callbacks": call.callbacks,
                });
                if with_body {
                    record["body"] = text_or_json(&call.body);
                }
                record
            }
            Seen::Callback(callback) => {
                let mut record = json!({
                    "type": "callback",
                    "mock": true,
                    "time": callback.tries.first().map(|t| t.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                    "event": callback.event.name(),
                    "kind": callback.kind,
                    "profile": callback.account,
                    "url": callback.url,
                    "signed_with": callback.signed_with,
                    "tries": callback.tries,
                    "delivered": callback.delivered(),
                    "status": callback.answer.as_ref().map(|a| a.status),
                    "problems": callback.problems,
                    "failure": callback.failure,
                    "forwarded": callback.forwarded(),
                });
                if with_body {
                    record["body"] = text_or_json(&callback.body);
                }
                record
            }
            Seen::Refused {
                peer,
                status,
                reason,
            } => json!({
                "type": "refused",
                "mock": true,
                "peer": peer.to_string(),
                "status": status,
                "reason": reason,
            }),
        }
    }

    /// What the history keeps of it, marked as the mock's: a call under the event
    /// `mock:OPERATION`, a callback sent with the peer `mock` (as a replay has `replay`).
    pub fn history_entry(&self) -> Option<crate::history::Entry> {
        let record = self.record(false).to_string();
        match self {
            Seen::Call(call) => Some(crate::history::Entry {
                id: None,
                time: call.received_at,
                peer: call.peer.to_string(),
                method: call.method.clone(),
                path: call.path.clone(),
                event: Some(format!("mock:{}", call.operation.unwrap_or("unknown"))),
                scheme: call.scheme.clone(),
                verified: call.verified,
                reason: call.reason.clone(),
                status: Some(call.status),
                headers: call.headers.clone(),
                body_size: call.body.len() as u64,
                body: call.body.clone(),
                body_sha256: None,
                record,
                replay_of: None,
                resigned: false,
            }),
            Seen::Callback(callback) => Some(crate::history::Entry {
                id: None,
                time: callback.tries.first().map_or_else(Utc::now, |t| t.at),
                peer: crate::history::MOCK_PEER.into(),
                method: "POST".into(),
                path: callback.url.clone().unwrap_or_default(),
                event: Some(callback.event.name().to_owned()),
                scheme: callback.signed_with.map(str::to_owned),
                verified: callback.signed_with.is_some(),
                reason: callback.failure.clone(),
                status: callback.answer.as_ref().map(|a| a.status),
                headers: callback.headers.clone(),
                body_size: callback.body.len() as u64,
                body: callback.body.clone(),
                body_sha256: None,
                record,
                replay_of: None,
                resigned: true,
            }),
            Seen::Refused { .. } => None,
        }
    }
}

/// Fresh ids from UUID v4's randomness.
struct RandomIds;

impl Ids for RandomIds {
    fn next(&mut self) -> u128 {
        uuid::Uuid::new_v4().as_u128()
    }
}

/// One callback waiting to be sent.
struct Job {
    due: Instant,
    seq: u64,
    planned: Planned,
    /// Attempts made so far.
    tries: Vec<Try>,
    /// What it holds in memory, about.
    weight: usize,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.seq) == (other.due, other.seq)
    }
}
impl Eq for Job {}
impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Job {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due, self.seq).cmp(&(other.due, other.seq))
    }
}

/// The callbacks waiting, soonest first, and whether the mock is stopping.
#[derive(Default)]
struct Queue {
    jobs: BinaryHeap<Reverse<Job>>,
    stopping: bool,
    /// How many senders are sending one now.
    busy: usize,
    /// What the jobs waiting weigh.
    bytes: usize,
    /// How many callbacks are being sent to each server (scheme and authority).
    in_flight: std::collections::HashMap<String, usize>,
}

impl Job {
    fn new(due: Instant, seq: u64, planned: Planned, tries: Vec<Try>) -> Self {
        // An ACE carries its call as placed, parsed.
        let placed = match &planned.follow {
            mock::Follow::Ace { placed, .. } => mock::weight_of(placed),
            _ => 0,
        };
        let url = planned.url.as_ref().map_or(0, String::len);
        let weight = planned.body.len() + placed + url + 256;
        Self {
            due,
            seq,
            planned,
            tries,
            weight,
        }
    }

    /// What it holds in memory, about.
    fn weight(&self) -> usize {
        self.weight
    }
}

/// What the serving and sending threads share.
struct Shared {
    desk: Desk,
    state: Mutex<State>,
    queue: Mutex<Queue>,
    ready: Condvar,
    seq: AtomicU64,
    dropped: AtomicU64,
    urls: CallbackUrls,
    /// The HTTP agents callbacks go out with (their connections kept between callbacks).
    agents: client::Agents,
    time_scale: f64,
    callback_timeout: Duration,
    on_seen: Box<dyn Fn(Seen) + Send + Sync>,
}

impl Shared {
    fn scaled(&self, wait: Duration) -> Duration {
        if self.time_scale <= 0.0 {
            Duration::ZERO
        } else {
            wait.mul_f64(self.time_scale.min(1_000.0))
        }
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `planned`, due after its delay; dropped (and said) when the queue is full.
    fn plan(&self, planned: Vec<Planned>) {
        if planned.is_empty() {
            return;
        }
        let mut queue = self.lock_queue();
        let mut queued = 0;
        for planned in planned {
            if queue.stopping {
                return;
            }
            let due = Instant::now() + self.scaled(planned.after);
            let seq = self.seq.fetch_add(1, Ordering::SeqCst);
            let job = Job::new(due, seq, planned, Vec::new());
            let weight = job.weight();
            if queue.jobs.len() >= MAX_QUEUED_CALLBACKS || queue.bytes + weight > MAX_QUEUED_BYTES {
                self.dropped.fetch_add(1, Ordering::SeqCst);
                continue;
            }
            queue.bytes += weight;
            queue.jobs.push(Reverse(job));
            queued += 1;
        }
        drop(queue);
        // One sender woken per callback: a sender that finishes one looks for the next
        // itself, so waking them all for each would only make them fight for the queue.
        for _ in 0..queued {
            self.ready.notify_one();
        }
    }

    /// A sending thread: takes each job when due, until the mock stops.
    fn send_loop(&self) {
        loop {
            let mut queue = self.lock_queue();
            let job = loop {
                if queue.stopping {
                    return;
                }
                let now = Instant::now();
                match queue.jobs.peek() {
                    Some(Reverse(job)) if job.due <= now => {
                        let Some(Reverse(mut job)) = queue.jobs.pop() else {
                            continue;
                        };
                        let server = self.server_of(&job.planned);
                        let busy = queue.in_flight.get(&server).copied().unwrap_or(0);
                        if busy >= PER_SERVER {
                            // Its server has its share under way: looked at again shortly,
                            // behind the callbacks of other servers that are due.
                            job.due = now + SERVER_BUSY_WAIT;
                            job.seq = self.seq.fetch_add(1, Ordering::SeqCst);
                            queue.jobs.push(Reverse(job));
                            continue;
                        }
                        *queue.in_flight.entry(server.clone()).or_insert(0) += 1;
                        queue.bytes = queue.bytes.saturating_sub(job.weight());
                        break (job, server);
                    }
                    Some(Reverse(job)) => {
                        let wait = job.due - now;
                        queue = self
                            .ready
                            .wait_timeout(queue, wait)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0;
                    }
                    None => {
                        queue = self
                            .ready
                            .wait(queue)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                }
            };
            let (job, server) = job;
            queue.busy += 1;
            drop(queue);
            self.send_one(job);
            let mut queue = self.lock_queue();
            queue.busy -= 1;
            if let Some(count) = queue.in_flight.get_mut(&server) {
                *count -= 1;
                if *count == 0 {
                    queue.in_flight.remove(&server);
                }
            }
        }
    }

    /// The server a callback goes to: its URL's scheme and authority (empty: no URL).
    fn server_of(&self, planned: &Planned) -> String {
        let url = planned
            .url
            .as_deref()
            .or_else(|| self.urls.for_event(planned.event))
            .unwrap_or_default();
        let after_scheme = url.find("://").map_or(0, |at| at + 3);
        let end = url[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |at| after_scheme + at);
        url[..end].to_ascii_lowercase()
    }

    /// Sends one callback: signed, posted, its answer judged; retried when the product
    /// retries that answer, else reported and followed.
    fn send_one(&self, mut job: Job) {
        let planned = &job.planned;
        let account = &self.desk.accounts()[planned.account];
        let url = planned
            .url
            .clone()
            .or_else(|| self.urls.for_event(planned.event).map(str::to_owned));
        let mut seen = CallbackSeen {
            event: planned.event,
            kind: planned.kind.clone(),
            account: account.name.clone(),
            url: url.clone(),
            signed_with: None,
            headers: Vec::new(),
            body: planned.body.clone(),
            tries: std::mem::take(&mut job.tries),
            answer: None,
            problems: Vec::new(),
            failure: None,
        };
        let Some(url) = url else {
            seen.failure = Some(format!(
                "no callback URL: give --callback-url (or --callback-url {}=URL) for {} callbacks",
                product_word(planned.event.product()),
                planned.event.product().title()
            ));
            self.finish(&job.planned, seen, Delivered::NotDelivered);
            return;
        };
        let sent_at = Utc::now();
        let signed = match sign(account, planned, &url, sent_at) {
            Ok(signed) => signed,
            Err(why) => {
                seen.failure = Some(why);
                self.finish(&job.planned, seen, Delivered::NotDelivered);
                return;
            }
        };
        seen.signed_with = signed.scheme;
        seen.headers.clone_from(&signed.headers);
        let started = Instant::now();
        let sent = target::sendable(&url)
            .map_err(client::SendError::from)
            .and_then(|target| {
                self.agents.send(
                    &target,
                    client::Outgoing {
                        method: "POST",
                        url: &url,
                        headers: signed.headers,
                        body: planned.body.clone(),
                        timeout: self.callback_timeout,
                    },
                )
            });
        let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, error) = match &sent {
            Ok(answer) => (Some(answer.status), None),
            Err(err) => (None, Some(err.to_string())),
        };
        seen.tries.push(Try {
            at: sent_at,
            status,
            error: error.clone(),
            took_ms,
        });
        let retried = retries(planned.event, status);
        let waits = planned.event.product().retry_waits();
        let attempt = seen.tries.len();
        if retried && attempt <= waits.len() {
            let wait = self.scaled(waits[attempt - 1]);
            let mut queue = self.lock_queue();
            if !queue.stopping {
                let seq = self.seq.fetch_add(1, Ordering::SeqCst);
                let again = Job::new(Instant::now() + wait, seq, job.planned, seen.tries);
                // A retry is not held to the queue's bounds again: it was admitted when first
                // queued, and its weight counts again until it is sent.
                queue.bytes += again.weight();
                queue.jobs.push(Reverse(again));
                drop(queue);
                self.ready.notify_one();
                return;
            }
        }
        match sent {
            Ok(answer) => {
                let sent_json: Value = serde_json::from_slice(&planned.body).unwrap_or_default();
                seen.problems =
                    check_answer(planned.event, &sent_json, answer.status, &answer.body).problems;
                let body = answer.body.clone();
                let status = answer.status;
                seen.answer = Some(answer);
                self.finish(
                    &job.planned,
                    seen,
                    Delivered::Answered {
                        status,
                        body: &body,
                    },
                );
            }
            Err(_) => {
                seen.failure = Some(format!(
                    "{} (after {} attempt(s))",
                    error.unwrap_or_default(),
                    seen.tries.len()
                ));
                self.finish(&job.planned, seen, Delivered::NotDelivered);
            }
        }
    }

    /// Reports a callback's end and queues what follows it.
    fn finish(&self, planned: &Planned, seen: CallbackSeen, delivered: Delivered<'_>) {
        let next = {
            let mut state = self.lock_state();
            mock::followed(&self.desk, &mut state, planned, delivered, Utc::now())
        };
        (self.on_seen)(Seen::Callback(Box::new(seen)));
        self.plan(next);
    }
}

/// The word `--callback-url PRODUCT=URL` takes for `product`.
pub fn product_word(product: Product) -> &'static str {
    match product {
        Product::Voice => "voice",
        Product::Verification => "verification",
        Product::Conversation => "conversation",
        Product::Sms => "sms",
        Product::Numbers => "numbers",
        Product::Mailgun => "mailgun",
    }
}

/// Whether Sinch sends `event` again after this answer (`None`: no answer at all). The
/// events whose answer steers a call or a verification (ICE, ACE, PIE, a verification
/// request) are not retried: Sinch goes on without an answer.
fn retries(event: Event, status: Option<u16>) -> bool {
    if event.expects() != Expects::AnyBody {
        return false;
    }
    match status {
        None => true,
        Some(status) => status == 429 || status >= 500,
    }
}

/// A callback's headers, signed with the account's secret for its product when it has one.
struct Signed {
    headers: Vec<(String, String)>,
    scheme: Option<&'static str>,
}

fn sign(
    account: &Account,
    planned: &Planned,
    url: &str,
    sent_at: DateTime<Utc>,
) -> Result<Signed, String> {
    let product = planned.event.product();
    let signer = match product.scheme() {
        None => account
            .application
            .as_ref()
            .map(|app| SecretFor::Application {
                key: &app.key,
                secret: &app.secret,
            }),
        Some(scheme) => account.webhooks.get(scheme).map(SecretFor::Webhook),
    };
    let content_type = ("Content-Type".to_owned(), "application/json".to_owned());
    let Some(signer) = signer else {
        // As Sinch sends SMS callbacks before HMAC is switched on: unsigned.
        return Ok(Signed {
            headers: vec![content_type],
            scheme: None,
        });
    };
    let trigger = Trigger {
        event: planned.event,
        url,
        signer,
        body: planned.body.clone(),
        sent_at,
        nonce: trigger::fresh_nonce(product.scheme()),
        forgery: Forgery::None,
        timeout: Duration::from_secs(10),
    };
    let (mut headers, _) = trigger::sign(&trigger).map_err(|err| err.to_string())?;
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(content_type);
    }
    let scheme = match product.scheme() {
        None => "application",
        Some(scheme) => scheme.name(),
    };
    Ok(Signed {
        headers,
        scheme: Some(scheme),
    })
}

/// The mock at work; dropping it (or [`Mocking::stop`]) stops it.
pub struct Mocking {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    slots: Arc<Slots>,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Mocking {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many callbacks wait to be sent (or are being sent).
    pub fn callbacks_waiting(&self) -> usize {
        let queue = self.shared.lock_queue();
        queue.jobs.len() + queue.busy
    }

    /// How many callbacks were dropped because the queue was full.
    pub fn callbacks_dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::SeqCst)
    }

    /// How many things (batches, calls…) its state keeps.
    pub fn kept(&self) -> usize {
        self.shared.lock_state().len()
    }

    /// Stops answering, then sending: calls being answered are answered and reported;
    /// callbacks not yet sent are dropped (their count returned).
    pub fn stop(mut self) -> usize {
        self.halt()
    }

    fn halt(&mut self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        server::wake(self.addr);
        let mut threads = std::mem::take(&mut self.threads);
        if let Some(accept) = (!threads.is_empty()).then(|| threads.remove(0)) {
            let _ = accept.join();
        }
        self.slots.drain(Limits::default().deadline);
        let unsent = {
            let mut queue = self.shared.lock_queue();
            queue.stopping = true;
            let unsent = queue.jobs.len();
            queue.jobs.clear();
            queue.bytes = 0;
            unsent
        };
        self.shared.ready.notify_all();
        for sender in threads {
            let _ = sender.join();
        }
        unsent
    }
}

impl Drop for Mocking {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            self.halt();
        }
    }
}

/// Starts the mock on `config.addr`; `on_seen` is called for each call once answered and for
/// each callback once delivered or given up, on the thread that did it. It must not block
/// for long.
pub fn start(
    config: Config,
    on_seen: impl Fn(Seen) + Send + Sync + 'static,
) -> Result<Mocking, StartError> {
    config
        .callback_urls
        .check()
        .map_err(|err| StartError::Other {
            addr: config.addr,
            reason: format!("the callback URL: {err}"),
        })?;
    let listener = TcpListener::bind(config.addr)
        .map_err(|err| super::listen::bind_failure(config.addr, &err))?;
    let addr = listener.local_addr().map_err(|err| StartError::Other {
        addr: config.addr,
        reason: err.to_string(),
    })?;
    let limits = Limits {
        read_timeout: config.read_timeout,
        max_body: MAX_BODY_BYTES,
        ..Limits::default()
    };
    let token_key: [u8; 32] = {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key
    };
    let shared = Arc::new(Shared {
        desk: Desk::new(config.accounts, &token_key, config.token_lifetime_secs),
        state: Mutex::new(State::default()),
        queue: Mutex::new(Queue::default()),
        ready: Condvar::new(),
        seq: AtomicU64::new(0),
        dropped: AtomicU64::new(0),
        urls: config.callback_urls,
        agents: client::Agents::new(config.callback_timeout),
        time_scale: config.time_scale.max(0.0),
        callback_timeout: config.callback_timeout,
        on_seen: Box::new(on_seen),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let slots = Arc::new(Slots::default());
    let serving = Arc::clone(&shared);
    let serve: Arc<dyn Fn(Connection) + Send + Sync> = Arc::new(move |mut connection| {
        if let Some(seen) = answer_one(&mut connection, &serving) {
            (serving.on_seen)(seen);
        }
        drop(connection);
    });
    let mut threads = Vec::with_capacity(SENDERS + 1);
    let (stopping, taken) = (Arc::clone(&stop), Arc::clone(&slots));
    let spawn_failed = |err: std::io::Error| StartError::Other {
        addr,
        reason: err.to_string(),
    };
    threads.push(
        std::thread::Builder::new()
            .name("mock".into())
            .spawn(move || server::accept_loop(&listener, limits, &taken, &stopping, &serve))
            .map_err(spawn_failed)?,
    );
    for n in 0..SENDERS {
        let sending = Arc::clone(&shared);
        threads.push(
            std::thread::Builder::new()
                .name(format!("mock-send-{n}"))
                .spawn(move || sending.send_loop())
                .map_err(spawn_failed)?,
        );
    }
    Ok(Mocking {
        addr,
        stop,
        slots,
        shared,
        threads,
    })
}

/// What is kept of a token request's body: `grant_type`, `client_id` and `scope` as sent, the
/// `client_secret` as `<hidden>`, and anything else (a secret sent another way, in JSON) only
/// counted. The Key Secret is never kept, printed or shown.
fn token_body_kept(body: &[u8]) -> Vec<u8> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut others = 0;
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "grant_type" | "client_id" | "scope" => {
                kept.append_pair(&name, &value);
            }
            "client_secret" => {
                kept.append_pair("client_secret", "<hidden>");
            }
            _ => others += 1,
        }
    }
    if others > 0 {
        kept.append_pair("fields_not_kept", &others.to_string());
    }
    kept.finish().into_bytes()
}

/// What is kept of a token endpoint's answer: the token itself hidden (it opens the project
/// APIs until it expires).
fn token_answer_kept(answer: &[u8]) -> Vec<u8> {
    match serde_json::from_slice::<Value>(answer) {
        Ok(mut value) if value.get("access_token").is_some() => {
            value["access_token"] = Value::String("<hidden>".into());
            value.to_string().into_bytes()
        }
        _ => answer.to_vec(),
    }
}

/// Reads one call, answers it and queues its callbacks; what to report.
fn answer_one(connection: &mut Connection, shared: &Shared) -> Option<Seen> {
    let request = match connection.read_request() {
        Ok(Some(request)) => request,
        Ok(None) => return None,
        Err(refusal) => {
            if let Some(status) = refusal.status {
                let body = json!({"error": refusal.reason}).to_string();
                let _ = connection.respond(
                    status,
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                );
            }
            if connection.was_shed() || !connection.got_bytes {
                return None;
            }
            return Some(Seen::Refused {
                peer: connection.peer,
                status: refusal.status,
                reason: refusal.reason,
            });
        }
    };
    let received_at = Utc::now();
    let mut ids = RandomIds;
    let handled: Handled = match mock::check(&shared.desk, &request, received_at, &mut ids) {
        Checked::Done(handled) => *handled,
        Checked::Go { route, caller } => {
            let mut state = shared.lock_state();
            mock::answer(
                &shared.desk,
                &mut state,
                route,
                caller,
                &request,
                received_at,
                &mut ids,
            )
        }
    };
    let headers: Vec<(&str, &str)> = handled
        .reply
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let _ = connection.respond(handled.reply.status, &headers, &handled.reply.body);
    let planned = handled.callbacks.len();
    let account = handled
        .account
        .and_then(|n| shared.desk.accounts().get(n))
        .map(|a| a.name.clone());
    shared.plan(handled.callbacks);
    // A token request carries the Key Secret, its answer a token: neither is kept, printed or
    // shown (any request to /oauth2, routed or not).
    let token_path = request.target.starts_with("/oauth2");
    let (body, answer) = if token_path {
        (
            token_body_kept(&request.body),
            token_answer_kept(&handled.reply.body),
        )
    } else {
        (request.body, handled.reply.body)
    };
    let answer = answer[..answer.len().min(ANSWER_KEPT)].to_vec();
    Some(Seen::Call(Box::new(CallSeen {
        received_at,
        peer: connection.peer,
        method: request.method,
        path: request.target,
        headers: request.headers,
        body,
        operation: handled.route.as_ref().map(mock::Route::name),
        account,
        scheme: handled.scheme,
        verified: handled.verified,
        reason: handled.reason,
        string_to_sign: handled.string_to_sign,
        status: handled.reply.status,
        answer,
        callbacks: planned,
    })))
}
