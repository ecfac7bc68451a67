//! Listening for Sinch's callbacks, for both faces (`listen` and the window's Callbacks tab):
//! each request is read by the server loop ([`super::server`]), verified with the core
//! ([`crate::sinch::received::verify_received`]: the application scheme and every webhook
//! scheme there is a secret for, side by side), then answered with the least Sinch accepts or
//! forwarded unchanged to the developer's app, whose answer is relayed back and checked as
//! Sinch would read it.
//!
//! A tool, not a relay:
//! - only requests that verify are forwarded, unless [`Config::forward_unverified`] says so;
//! - listening off loopback, only POST is taken (Sinch's callbacks are POSTs);
//! - a refusal tells the caller only that the signature is not valid: no key, no diagnosis,
//!   no forward address. The diagnosis is in the local record ([`Seen`]);
//! - answering never waits for whoever reads the records: `on_seen` is called after the
//!   answer is written, and must not block (the command line queues them).

use std::net::{Ipv4Addr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::server::{self, Connection, Limits, Refusal, Slots};
use crate::net::client::{self, Answer, SendError};
use crate::net::target::{self, TargetError};
use crate::sinch::callback::{AnswerCheck, Event, check_answer, stand_in_answer};
use crate::sinch::received::{Secrets, verify_received};
use crate::sinch::signing::{CallbackKeys, RawRequest, RequestVerdict};
use crate::sinch::webhook::{Scheme, WebhookSecrets, replay_mark};

/// The largest body taken; a bigger one is answered 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The largest answer relayed from the app (Sinch's callbacks are answered with a few hundred
/// bytes of SVAML or nothing); a bigger one is a 502.
pub const MAX_APP_ANSWER_BYTES: u64 = 1024 * 1024;
/// How long one read may wait for the client.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many requests are reported (`on_seen`) at once at most.
const REPORTS_AT_ONCE: usize = 4;
/// How long a request waits for its turn to be reported: in practice, until it comes.
const REPORT_PATIENCE: Duration = Duration::from_secs(3600);

/// What the caller of an unverified request is told: nothing about why.
const NOT_VALID: &str = r#"{"error":"the signature is not valid"}"#;

/// How many nonces and tokens the listener remembers at most; past that the oldest are
/// forgotten (a flood of distinct valid webhooks needs the secret to make).
const REMEMBERED: usize = 65_536;

/// The nonces (Conversation, SMS) and tokens (Mailgun) of the webhooks that verified, for
/// as long as their age is accepted: one seen again is a replay, and refused.
#[derive(Default)]
struct Remembered {
    /// Each token, with when it was first seen.
    seen: std::collections::HashMap<String, DateTime<Utc>>,
    /// When each may be forgotten, earliest first.
    order: std::collections::BTreeSet<(DateTime<Utc>, String)>,
}

impl Remembered {
    /// Notes `token`, seen at `now` and signed at `signed_at`; when it was seen already,
    /// when that was. It is kept until `max_age` after the later of the two: a webhook
    /// stamped ahead of this clock is accepted for longer, so it is remembered for longer.
    fn note(
        &mut self,
        token: String,
        now: DateTime<Utc>,
        signed_at: Option<DateTime<Utc>>,
        max_age: Option<u64>,
    ) -> Option<DateTime<Utc>> {
        // An age limit too long to count is no limit (only the count bounds the memory).
        let keep = max_age
            .and_then(|secs| i64::try_from(secs).ok())
            .and_then(chrono::TimeDelta::try_seconds);
        while let Some((until, _)) = self.order.first() {
            let expired = keep.is_some() && *until < now;
            if !expired && self.order.len() < REMEMBERED {
                break;
            }
            if let Some((_, old)) = self.order.pop_first() {
                self.seen.remove(&old);
            }
        }
        if let Some(at) = self.seen.get(&token) {
            return Some(*at);
        }
        let anchor = signed_at.map_or(now, |signed| signed.max(now));
        let until = keep
            .and_then(|keep| anchor.checked_add_signed(keep))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.seen.insert(token.clone(), now);
        self.order.insert((until, token));
        None
    }
}

/// What to listen with.
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The application key callbacks must name, and its secret; `None`: only webhooks are
    /// verified.
    pub application: Option<crate::sinch::Application>,
    /// The webhook secrets, by scheme (Conversation/SMS, Numbers, Mailgun).
    pub webhooks: WebhookSecrets,
    /// How far an `x-timestamp` may be from now (`None`: any age).
    pub max_age: Option<u64>,
    /// The app to forward requests to, unchanged (`http://` only on loopback).
    pub forward_to: Option<String>,
    /// Forward requests that do not verify too (to test the app's own check).
    pub forward_unverified: bool,
    /// How long one read may wait (tests shorten it).
    pub read_timeout: Duration,
}

/// The secrets a listener verifies with now: those of [`Config`] at start, then whatever
/// [`Listening::use_secrets`] gave (a profile saved while it runs).
struct InUse {
    application: Option<crate::sinch::Application>,
    webhooks: WebhookSecrets,
}

impl InUse {
    fn of(config: &Config) -> Self {
        Self {
            application: config.application.clone(),
            webhooks: config.webhooks.clone(),
        }
    }
}

/// A callback that arrived, with its verdict and what it was answered.
#[derive(Debug, Clone)]
pub struct Callback {
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Who sent it.
    pub peer: SocketAddr,
    /// The method.
    pub method: String,
    /// The path and query, as on the request line.
    pub path: String,
    /// The event its body names.
    pub event: Option<Event>,
    /// The headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: Vec<u8>,
    /// The verification verdict.
    pub verdict: RequestVerdict,
    /// What it was answered.
    pub reply: Reply,
}

impl Callback {
    /// The body for people: pretty JSON when it is JSON, the text otherwise.
    pub fn pretty_body(&self) -> String {
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(json) => format!("{json:#}"),
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }

    /// What arrived, in one line for people: local time, method, path and event.
    pub fn headline(&self) -> String {
        format!(
            "{} {} {} {}",
            self.received_at
                .with_timezone(&chrono::Local)
                .format("%H:%M:%S"),
            self.method,
            self.path,
            self.event.map_or("(no event)", Event::name)
        )
    }

    /// The status it was answered with.
    pub fn status(&self) -> u16 {
        match &self.reply {
            Reply::StandIn { status } | Reply::NotForwarded { status } => *status,
            Reply::Forwarded { answer, .. } => answer.status,
            Reply::ForwardFailed { .. } => 502,
        }
    }
}

/// What a callback was answered.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The listener answered it itself: 200 with the least Sinch accepts, or 401.
    StandIn {
        /// The status sent.
        status: u16,
    },
    /// Not forwarded, since it did not verify (or was not a POST off loopback).
    NotForwarded {
        /// The status sent instead.
        status: u16,
    },
    /// It was forwarded to the app, and the app's answer relayed.
    Forwarded {
        /// Where it went.
        url: String,
        /// The app's answer.
        answer: Answer,
        /// The app's answer as Sinch would read it (when the event is known).
        check: Option<AnswerCheck>,
    },
    /// The app could not be reached; the sender was answered 502.
    ForwardFailed {
        /// Where it should have gone.
        url: String,
        /// Why not.
        error: SendError,
    },
}

/// What the listener saw.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A request, verified and answered.
    Callback(Box<Callback>),
    /// A connection refused before a whole request arrived (too big, too slow, not HTTP).
    Refused {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        peer: SocketAddr,
        /// The status it was answered, when it could be.
        status: Option<u16>,
        /// Why, in a sentence.
        reason: String,
    },
}

/// One record of what the listener saw, as `listen --json` prints it: the same keys every
/// time, `null` where there is no value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// When, RFC 3339 with milliseconds, UTC.
    pub time: String,
    /// Who sent it.
    pub peer: String,
    /// The method.
    pub method: Option<String>,
    /// The path and query.
    pub path: Option<String>,
    /// The event its body names.
    pub event: Option<&'static str>,
    /// The scheme it is signed in (`application`, `basic`, `service`, `conversation`,
    /// `numbers`, `mailgun`).
    pub scheme: Option<String>,
    /// Whether it verified.
    pub verified: bool,
    /// Why not (or why it was refused).
    pub reason: Option<String>,
    /// The status it was answered.
    pub status: Option<u16>,
    /// Whether it was refused before a whole request arrived.
    pub refused: bool,
    /// What is worth knowing.
    pub warnings: Vec<String>,
    /// What the app answered, when it was forwarded.
    pub forwarded: Option<ForwardRecord>,
    /// The body: JSON when it is JSON, text otherwise (`null` in the history's record,
    /// which keeps the bytes themselves).
    pub body: Option<Value>,
}

/// What happened to a forwarded request (read back from the history's records, where a
/// field an older version did not write is `None`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ForwardRecord {
    /// Where it went.
    pub url: String,
    /// The app's status.
    pub status: Option<u16>,
    /// How long the app took.
    pub took_ms: Option<u64>,
    /// Where the app redirected to (not followed).
    pub location: Option<String>,
    /// What Sinch could not use in the app's answer (`null`: not checked).
    pub problems: Option<Vec<String>>,
    /// Why the app could not be reached.
    pub error: Option<String>,
    /// The Content-Type of the app's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The app's body, as text (lossy UTF-8), at most [`APP_BODY_KEPT`] bytes of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The size of the app's body, when only its start is in `body`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_size: Option<u64>,
}

/// How much of an app's answer a record keeps: what a person reads of an answer to a
/// callback (SVAML, `{}`), with room to spare.
pub const APP_BODY_KEPT: usize = 64 * 1024;

/// The app's body as a record keeps it: its text, and its size when cut.
fn kept_app_body(body: &[u8]) -> (Option<String>, Option<u64>) {
    if body.is_empty() {
        return (None, None);
    }
    let cut = body.len() > APP_BODY_KEPT;
    let text = String::from_utf8_lossy(&body[..body.len().min(APP_BODY_KEPT)]).into_owned();
    (Some(text), cut.then_some(body.len() as u64))
}

impl Seen {
    /// The record of it.
    pub fn record(&self) -> Record {
        self.record_with(true)
    }

    /// [`Self::record`], with its body or without it (the history keeps the bytes, so its
    /// record does not parse and copy a body only to drop it).
    fn record_with(&self, with_body: bool) -> Record {
        let millis = |at: &DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        match self {
            Seen::Refused {
                at,
                peer,
                status,
                reason,
            } => Record {
                time: millis(at),
                peer: peer.to_string(),
                method: None,
                path: None,
                event: None,
                scheme: None,
                verified: false,
                reason: Some(reason.clone()),
                status: *status,
                refused: true,
                warnings: Vec::new(),
                forwarded: None,
                body: None,
            },
            Seen::Callback(callback) => {
                let body = (with_body && !callback.body.is_empty()).then(|| {
                    serde_json::from_slice::<Value>(&callback.body).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&callback.body).into_owned())
                    })
                });
                let forwarded = match &callback.reply {
                    Reply::Forwarded { url, answer, check } => {
                        let (body, body_size) = kept_app_body(&answer.body);
                        Some(ForwardRecord {
                            url: url.clone(),
                            status: Some(answer.status),
                            took_ms: Some(
                                u64::try_from(answer.took.as_millis()).unwrap_or(u64::MAX),
                            ),
                            location: answer.location.clone(),
                            problems: check.as_ref().map(|c| c.problems.clone()),
                            error: None,
                            content_type: answer.content_type.clone(),
                            body,
                            body_size,
                        })
                    }
                    Reply::ForwardFailed { url, error } => Some(ForwardRecord {
                        url: url.clone(),
                        status: None,
                        took_ms: None,
                        location: None,
                        problems: None,
                        error: Some(error.to_string()),
                        content_type: None,
                        body: None,
                        body_size: None,
                    }),
                    Reply::StandIn { .. } | Reply::NotForwarded { .. } => None,
                };
                Record {
                    time: millis(&callback.received_at),
                    peer: callback.peer.to_string(),
                    method: Some(callback.method.clone()),
                    path: Some(callback.path.clone()),
                    event: callback.event.map(Event::name),
                    scheme: callback
                        .verdict
                        .scheme
                        .as_ref()
                        .map(|s| s.name().to_owned()),
                    verified: callback.verdict.verified,
                    reason: callback.verdict.reason.clone(),
                    status: Some(callback.status()),
                    refused: false,
                    warnings: callback.verdict.warnings.clone(),
                    forwarded,
                    body,
                }
            }
        }
    }
}

impl Seen {
    /// The record as JSON text, as `listen --json` prints it (the body included).
    pub fn record_json(&self) -> String {
        serde_json::to_string(&self.record()).unwrap_or_default()
    }

    /// What the history keeps of it: a request, with its verdict and answers; the body kept
    /// once, as bytes, not again inside the record (a connection refused before a whole
    /// request came is no request).
    pub fn history_entry(&self) -> Option<crate::history::Entry> {
        let Seen::Callback(callback) = self else {
            return None;
        };
        let record = self.record_with(false);
        Some(crate::history::Entry {
            id: None,
            time: callback.received_at,
            peer: callback.peer.to_string(),
            method: callback.method.clone(),
            path: callback.path.clone(),
            event: callback.event.map(|e| e.name().to_owned()),
            scheme: callback
                .verdict
                .scheme
                .as_ref()
                .map(|s| s.name().to_owned()),
            verified: callback.verdict.verified,
            reason: callback.verdict.reason.clone(),
            status: Some(callback.status()),
            headers: callback.headers.clone(),
            body_size: callback.body.len() as u64,
            body: callback.body.clone(),
            body_sha256: None,
            record: serde_json::to_string(&record).unwrap_or_default(),
            replay_of: None,
            resigned: false,
        })
    }
}

/// Why the listener cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// The forward address cannot be used.
    #[error("the forward address: {0}")]
    Forward(#[from] TargetError),
    /// The port is taken.
    #[error(
        "port {port} is already in use on {ip}: stop the program that holds it, or choose another port"
    )]
    PortInUse {
        /// The address.
        ip: IpAddr,
        /// The port.
        port: u16,
    },
    /// A port below 1024 without the privilege.
    #[error("listening on port {0} needs privileges this user lacks: choose a port above 1023")]
    Privileged(u16),
    /// Not an address of this machine.
    #[error(
        "{0} is not an address of this machine: listen on 127.0.0.1, or on one of its own addresses"
    )]
    NotHere(IpAddr),
    /// Anything else.
    #[error("cannot listen on {addr}: {reason}")]
    Other {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        reason: String,
    },
}

/// A listener at work; dropping it (or [`Listening::stop`]) stops it.
pub struct Listening {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    slots: Arc<Slots>,
    secrets: Arc<std::sync::RwLock<InUse>>,
    thread: Option<JoinHandle<()>>,
}

impl Listening {
    /// Verifies from now on with these secrets (a profile saved while the listener runs):
    /// the next request is checked with them, without a restart.
    pub fn use_secrets(
        &self,
        application: Option<crate::sinch::Application>,
        webhooks: WebhookSecrets,
    ) {
        let mut in_use = self
            .secrets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *in_use = InUse {
            application,
            webhooks,
        };
    }

    /// Where it listens (with the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were shed so far: dropped while still sending their requests,
    /// because every place was taken and a newer one needed it. Counted, not reported one
    /// by one.
    pub fn shed(&self) -> u64 {
        self.slots.shed_total()
    }

    /// Stops accepting, ends the connections still sending their requests (none of them is
    /// a request yet), and returns once every request being answered has been answered and
    /// reported, so that whoever reads the records has them all.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        server::wake(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.slots.drain(Limits::default().deadline);
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.halt();
        }
    }
}

/// The addresses a listener is told where to listen with (re-exported, so that the faces
/// name no `std::net`).
pub use std::net::{IpAddr, SocketAddr};

/// Where to listen on `port`: this machine only (127.0.0.1), or every address of it when
/// `open_to_others` (0.0.0.0).
pub fn address(open_to_others: bool, port: u16) -> SocketAddr {
    let ip = if open_to_others {
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    SocketAddr::new(IpAddr::V4(ip), port)
}

/// The port typed in a field, or why it is not one (0: any free port).
pub fn parse_port(typed: &str) -> Result<u16, String> {
    typed.trim().parse::<u16>().map_err(|_| {
        format!(
            "'{}' is not a port: type a number from 1 to 65535 (0: any free port)",
            typed.trim()
        )
    })
}

/// Whether listening on `ip` opens the listener to other machines.
pub fn is_open_to_others(ip: IpAddr) -> bool {
    !ip.is_loopback()
}

/// Starts listening on `config.addr`; `on_seen` is called, on the thread that served the
/// connection, for each request once it has been answered (a bare connect and close is no
/// request). It must not block for long: the next callback may be waiting for that thread.
pub fn start(
    config: Config,
    on_seen: impl Fn(Seen) + Send + Sync + 'static,
) -> Result<Listening, StartError> {
    if let Some(forward) = &config.forward_to {
        target::sendable(forward)?;
    }
    let listener = TcpListener::bind(config.addr).map_err(|err| bind_failure(config.addr, &err))?;
    let addr = listener.local_addr().map_err(|err| StartError::Other {
        addr: config.addr,
        reason: err.to_string(),
    })?;
    let limits = Limits {
        read_timeout: config.read_timeout,
        max_body: MAX_BODY_BYTES,
        ..Limits::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let slots = Arc::new(Slots::default());
    let remembered = std::sync::Mutex::new(Remembered::default());
    let reporting = crate::bounded::Budget::new(REPORTS_AT_ONCE);
    let secrets = Arc::new(std::sync::RwLock::new(InUse::of(&config)));
    let in_use = Arc::clone(&secrets);
    let serve: Arc<dyn Fn(Connection) + Send + Sync> = Arc::new(move |connection| {
        // The connection (and its place among those being served) is held until the
        // request is reported too: `Listening::stop` waits for the places to empty, so
        // nothing answered is reported after it returns.
        let mut connection = connection;
        if let Some(seen) = answer_one(&mut connection, &config, &in_use, &remembered) {
            // A few reports are made at once: what a face makes of a request (its JSON, its
            // history record) can be several times its body, and the clients, answered
            // already, keep sending.
            let turn = reporting.take(1, REPORT_PATIENCE);
            on_seen(seen);
            if turn {
                reporting.give(1);
            }
        }
        drop(connection);
    });
    let (stopping, taken) = (Arc::clone(&stop), Arc::clone(&slots));
    let thread = std::thread::Builder::new()
        .name("listen".into())
        .spawn(move || server::accept_loop(&listener, limits, &taken, &stopping, &serve))
        .map_err(|err| StartError::Other {
            addr,
            reason: err.to_string(),
        })?;
    Ok(Listening {
        addr,
        stop,
        slots,
        secrets,
        thread: Some(thread),
    })
}

/// Why binding `addr` failed, as [`StartError`] says it (the mock's too).
pub(crate) fn bind_failure(addr: SocketAddr, err: &std::io::Error) -> StartError {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::AddrInUse => StartError::PortInUse {
            ip: addr.ip(),
            port: addr.port(),
        },
        K::PermissionDenied => StartError::Privileged(addr.port()),
        K::AddrNotAvailable => StartError::NotHere(addr.ip()),
        _ => StartError::Other {
            addr,
            reason: err.to_string(),
        },
    }
}

/// What the listener does with a request it has read.
#[derive(Debug, PartialEq, Eq)]
enum Action<'a> {
    /// Refuse it with 405: off loopback the listener takes Sinch's POSTs only.
    OnlyPost,
    /// Send it on to the app at this address and relay the app's answer.
    Forward(&'a str),
    /// Answer it here.
    Answer {
        /// The status.
        status: u16,
        /// The JSON body.
        body: &'static str,
        /// Whether an app is configured and this request was kept from it.
        instead_of_forwarding: bool,
    },
}

/// The decision on one request, and why.
#[derive(Debug)]
struct Decided<'a> {
    verdict: crate::sinch::signing::RequestVerdict,
    event: Option<Event>,
    action: Action<'a>,
}

/// Decides what to do with `request`, received at `now`: verified with the scheme it
/// carries, a webhook's nonce or token checked against (and added to) `remembered`, the
/// method policy, then forwarded or answered. No socket: the caller does what it says. The
/// memory is locked only for a webhook that verified, so that callbacks of the application
/// scheme never wait for one another.
fn decide<'a>(
    request: &RawRequest,
    config: &'a Config,
    in_use: &InUse,
    remembered: &std::sync::Mutex<Remembered>,
    now: DateTime<Utc>,
) -> Decided<'a> {
    let (mut verdict, _) = verify_received(
        request,
        Secrets {
            application: in_use.application.as_ref().map(|app| CallbackKeys {
                key: Some(&app.key),
                secret: &app.secret,
            }),
            webhooks: &in_use.webhooks,
        },
        None,
        now,
        config.max_age,
    );
    if verdict.verified
        && let Some(scheme) = Scheme::of_request(request)
        && let Some((token, signed_at)) = replay_mark(request, scheme)
        && let Some(first) = remembered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .note(token, now, signed_at, config.max_age)
    {
        verdict.verified = false;
        verdict.reason = Some(format!(
            "the signature is valid, but this {} was seen {} ago: a replay",
            if scheme == Scheme::Mailgun {
                "token"
            } else {
                "nonce"
            },
            crate::sinch::time::format_duration((now - first).num_seconds().unsigned_abs())
        ));
    }
    let event = Event::of_body(&request.body);
    let action =
        if is_open_to_others(config.addr.ip()) && !request.method.eq_ignore_ascii_case("POST") {
            Action::OnlyPost
        } else {
            match &config.forward_to {
                Some(forward) if verdict.verified || config.forward_unverified => {
                    Action::Forward(forward)
                }
                forward => {
                    let (status, body) = if verdict.verified {
                        (200, stand_in_answer(event))
                    } else {
                        (401, NOT_VALID)
                    };
                    Action::Answer {
                        status,
                        body,
                        instead_of_forwarding: forward.is_some(),
                    }
                }
            }
        };
    Decided {
        verdict,
        event,
        action,
    }
}

/// Serves one connection: reads its request, verifies it, answers it.
fn answer_one(
    connection: &mut Connection,
    config: &Config,
    secrets: &std::sync::RwLock<InUse>,
    remembered: &std::sync::Mutex<Remembered>,
) -> Option<Seen> {
    let peer = connection.peer;
    let request = match connection.read_request() {
        Ok(Some(request)) => request,
        Ok(None) => return None,
        Err(Refusal { status, reason }) => {
            if let Some(status) = status {
                let body = format!("{reason}\n");
                let _ =
                    connection.respond(status, &[("Content-Type", "text/plain")], body.as_bytes());
            }
            // A bare connect and close is no request; a connection shed for a newer one is
            // counted ([`Listening::shed`]), not reported one by one.
            if !connection.got_bytes || connection.was_shed() {
                return None;
            }
            return Some(Seen::Refused {
                at: Utc::now(),
                peer,
                status,
                reason,
            });
        }
    };
    let received_at = Utc::now();
    // The secrets as they are now, read (not copied) for the decision only: a change waits
    // at most for the decisions under way.
    let in_use = secrets
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let decided = decide(&request, config, &in_use, remembered, received_at);
    drop(in_use);
    let Decided {
        verdict,
        event,
        action,
    } = decided;
    let reply = match action {
        Action::OnlyPost => {
            let body = b"only POST is taken here: Sinch's callbacks are POSTs\n";
            let _ = connection.respond(
                405,
                &[("Allow", "POST"), ("Content-Type", "text/plain")],
                body,
            );
            Reply::NotForwarded { status: 405 }
        }
        Action::Forward(forward) => relay(connection, forward, &request, event),
        Action::Answer {
            status,
            body,
            instead_of_forwarding,
        } => {
            let _ = connection.respond(
                status,
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            );
            if instead_of_forwarding {
                Reply::NotForwarded { status }
            } else {
                Reply::StandIn { status }
            }
        }
    };
    Some(Seen::Callback(Box::new(Callback {
        received_at,
        peer,
        method: request.method,
        path: request.target,
        event,
        headers: request.headers,
        body: request.body,
        verdict,
        reply,
    })))
}

/// Forwards `request` unchanged to the app at `forward`, relays its answer, and checks it.
fn relay(
    connection: &mut Connection,
    forward: &str,
    request: &RawRequest,
    event: Option<Event>,
) -> Reply {
    let url = target::forward_url(forward, &request.target);
    // The copy of the body sent and the app's answer count against what the connections may
    // hold, as the request's body does: 64 clients once got `listen --forward-to` to 8 GB with
    // an app answering 9 MiB each.
    if !connection.hold(request.body.len() + MAX_APP_ANSWER_BYTES as usize) {
        let _ = connection.respond(
            503,
            &[("Content-Type", "text/plain")],
            b"too many large requests at once: send it again in a moment\n",
        );
        return Reply::ForwardFailed {
            url,
            error: SendError::Io(
                "not forwarded: the listener held too many large requests at once".to_owned(),
            ),
        };
    }
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| !NOT_FORWARDED.iter().any(|h| name.eq_ignore_ascii_case(h)))
        .cloned()
        .collect();
    let answer = target::sendable(&url)
        .map_err(SendError::from)
        .and_then(|parsed| {
            client::send_within(
                &parsed,
                client::Outgoing {
                    method: &request.method,
                    url: &url,
                    headers,
                    body: request.body.clone(),
                    timeout: connection
                        .time_left()
                        .min(client::DEFAULT_TIMEOUT)
                        .max(Duration::from_secs(1)),
                },
                MAX_APP_ANSWER_BYTES,
            )
        });
    match answer {
        Ok(answer) => {
            let content_type = answer.content_type.as_deref().unwrap_or("text/plain");
            let _ = connection.respond(
                answer.status,
                &[("Content-Type", content_type)],
                &answer.body,
            );
            let check = event.map(|event| {
                let sent = serde_json::from_slice(&request.body).unwrap_or_default();
                check_answer(event, &sent, answer.status, &answer.body)
            });
            Reply::Forwarded { url, answer, check }
        }
        Err(error) => {
            let _ = connection.respond(
                502,
                &[("Content-Type", "text/plain")],
                b"the app behind this listener could not be reached\n",
            );
            Reply::ForwardFailed { url, error }
        }
    }
}

/// Headers about this one connection, not the request, never forwarded (the HTTP client
/// writes its own); and Accept-Encoding, so that the app's answer comes back as plain bytes
/// to relay. None of them is signed.
const NOT_FORWARDED: [&str; 8] = [
    "host",
    "connection",
    "keep-alive",
    "content-length",
    "transfer-encoding",
    "expect",
    "upgrade",
    "accept-encoding",
];

#[cfg(test)]
mod tests {
    //! The listener's decision for one request, without a socket.
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::sinch::AppSecret;
    use crate::sinch::callback::{
        CallbackRequest, Forgery, WebhookRequest, sign_callback, sign_webhook,
    };
    use crate::sinch::signing;
    use crate::sinch::webhook::WebhookSecret;

    const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
    const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";

    fn config(addr: &str, forward_to: Option<&str>, forward_unverified: bool) -> Config {
        let mut webhooks = WebhookSecrets::default();
        webhooks.insert(Scheme::Conversation, WebhookSecret::new("whsec"));
        Config {
            addr: addr.parse().unwrap(),
            application: Some(crate::sinch::Application {
                key: KEY.into(),
                secret: AppSecret::from_base64(SECRET).unwrap(),
            }),
            webhooks,
            max_age: Some(600),
            forward_to: forward_to.map(str::to_owned),
            forward_unverified,
            read_timeout: READ_TIMEOUT,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_323_045, 0).unwrap()
    }

    fn dice(forgery: Forgery) -> RawRequest {
        let body = br#"{"event":"dice","callid":"c-1"}"#;
        let headers = sign_callback(
            KEY,
            &AppSecret::from_base64(SECRET).unwrap(),
            &CallbackRequest {
                resource: "/sinch",
                body,
                timestamp: &signing::timestamp(now()),
                forgery,
            },
        );
        RawRequest {
            method: "POST".into(),
            target: "/sinch".into(),
            headers,
            body: body.to_vec(),
        }
    }

    fn inbound(nonce: &str) -> RawRequest {
        inbound_at(nonce, now())
    }

    fn inbound_at(nonce: &str, sent_at: DateTime<Utc>) -> RawRequest {
        let body = br#"{"app_id":"a","message":{"id":"m"}}"#;
        let (headers, body) = sign_webhook(
            &WebhookSecret::new("whsec"),
            &WebhookRequest {
                scheme: Scheme::Conversation,
                body,
                nonce,
                sent_at,
                forgery: Forgery::None,
            },
        )
        .unwrap();
        RawRequest {
            method: "POST".into(),
            target: "/hooks".into(),
            headers,
            body,
        }
    }

    #[test]
    fn a_verified_callback_gets_the_stand_in_answer_and_a_forged_one_401() {
        let config = config("127.0.0.1:0", None, false);
        let memory = std::sync::Mutex::new(Remembered::default());
        let ok = decide(
            &dice(Forgery::None),
            &config,
            &InUse::of(&config),
            &memory,
            now(),
        );
        assert!(ok.verdict.verified, "{:?}", ok.verdict);
        assert_eq!(ok.event, Some(Event::Dice));
        assert!(matches!(
            ok.action,
            Action::Answer {
                status: 200,
                instead_of_forwarding: false,
                ..
            }
        ));
        let bad = decide(
            &dice(Forgery::BadSignature),
            &config,
            &InUse::of(&config),
            &memory,
            now(),
        );
        assert!(!bad.verdict.verified);
        assert_eq!(
            bad.action,
            Action::Answer {
                status: 401,
                body: NOT_VALID,
                instead_of_forwarding: false
            },
            "the caller learns nothing of why"
        );
    }

    #[test]
    fn a_webhook_nonce_seen_again_is_a_replay_until_it_is_too_old_to_matter() {
        let config = config("127.0.0.1:0", None, false);
        let memory = std::sync::Mutex::new(Remembered::default());
        let first = decide(
            &inbound("01NONCE"),
            &config,
            &InUse::of(&config),
            &memory,
            now(),
        );
        assert!(first.verdict.verified, "{:?}", first.verdict);
        let again = decide(
            &inbound("01NONCE"),
            &config,
            &InUse::of(&config),
            &memory,
            now() + chrono::TimeDelta::seconds(30),
        );
        assert!(!again.verdict.verified);
        let reason = again.verdict.reason.unwrap();
        assert!(reason.contains("was seen 30s ago: a replay"), "{reason}");
        assert!(matches!(again.action, Action::Answer { status: 401, .. }));
        let other = decide(
            &inbound("01OTHER"),
            &config,
            &InUse::of(&config),
            &memory,
            now(),
        );
        assert!(other.verdict.verified, "another nonce is another webhook");
    }

    #[test]
    fn forwarding_takes_what_verified_unless_told_to_take_everything() {
        let careful = config("127.0.0.1:0", Some("http://127.0.0.1:3000"), false);
        let memory = std::sync::Mutex::new(Remembered::default());
        assert_eq!(
            decide(
                &dice(Forgery::None),
                &careful,
                &InUse::of(&careful),
                &memory,
                now()
            )
            .action,
            Action::Forward("http://127.0.0.1:3000")
        );
        assert!(matches!(
            decide(
                &dice(Forgery::NoSignature),
                &careful,
                &InUse::of(&careful),
                &memory,
                now()
            )
            .action,
            Action::Answer {
                status: 401,
                instead_of_forwarding: true,
                ..
            }
        ));
        let everything = config("127.0.0.1:0", Some("http://127.0.0.1:3000"), true);
        assert_eq!(
            decide(
                &dice(Forgery::NoSignature),
                &everything,
                &InUse::of(&everything),
                &memory,
                now()
            )
            .action,
            Action::Forward("http://127.0.0.1:3000")
        );
    }

    #[test]
    fn open_to_other_machines_only_posts_are_taken() {
        let open = config("0.0.0.0:0", None, false);
        let memory = std::sync::Mutex::new(Remembered::default());
        let mut get = dice(Forgery::None);
        get.method = "GET".into();
        assert_eq!(
            decide(&get, &open, &InUse::of(&open), &memory, now()).action,
            Action::OnlyPost
        );
        let local = config("127.0.0.1:0", None, false);
        assert!(matches!(
            decide(&get, &local, &InUse::of(&local), &memory, now()).action,
            Action::Answer { .. }
        ));
    }

    /// A webhook stamped ahead of this clock is accepted for longer than `max_age` after it
    /// arrives, so its nonce is remembered until `max_age` after the later of the two.
    #[test]
    fn a_nonce_stamped_ahead_is_remembered_as_long_as_it_is_accepted() {
        let mut config = config("127.0.0.1:0", None, false);
        config.max_age = Some(10);
        let memory = std::sync::Mutex::new(Remembered::default());
        let ahead = now() + chrono::TimeDelta::seconds(9);
        let first = decide(
            &inbound_at("01AHEAD", ahead),
            &config,
            &InUse::of(&config),
            &memory,
            now(),
        );
        assert!(first.verdict.verified, "{:?}", first.verdict);
        let later = now() + chrono::TimeDelta::milliseconds(11_500);
        let again = decide(
            &inbound_at("01AHEAD", ahead),
            &config,
            &InUse::of(&config),
            &memory,
            later,
        );
        assert!(
            !again.verdict.verified,
            "still within its age: {:?}",
            again.verdict
        );
        assert!(again.verdict.reason.unwrap().contains("a replay"));
    }
}
