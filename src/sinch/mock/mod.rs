//! A local stand-in for Sinch's APIs (`sinch-ticket mock`): what it answers and what it
//! calls back, as pure functions of the request, the clock and fresh ids. The sockets and
//! the sending are [`crate::net::mock`]'s.
//!
//! - [`route`]: which operation a method and path name (and the list of what is served);
//! - [`auth`]: the accounts (profiles) and the check of each call's credentials, with the
//!   same verification as `verify-callback`, and the OAuth2 tokens the mock issues;
//! - [`reply`]: answers and errors in each API's shape;
//! - this file: the state kept while the mock runs, each operation's answer, and the
//!   callbacks that follow ([`Planned`]), with their outcome chosen by the recipient's number
//!   ([`Outcome`]).
//!
//! Not emulated: carriers, delivery times, prices and billing, quotas, regions, pagination
//! beyond one page, and any field the mock does not name in its answers.

pub mod auth;
mod fields;
mod kept;
mod products;
pub mod reply;
pub mod route;

#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use auth::{Account, Caller, Desk, Refusal};
pub use kept::Kept;
pub use reply::{Refused, Reply};
pub use route::{Api, NoRoute, Route, SERVED};

use crate::sinch::callback::Event;
use crate::sinch::signing::RawRequest;

/// How many of each kind (batches, messages, calls, verifications, numbers) the mock keeps:
/// the oldest is forgotten past it, so memory stays flat however long it runs.
pub const KEPT_PER_KIND: usize = 10_000;

/// How many bytes of each kind the mock keeps, about (a message of a megabyte weighs a
/// megabyte): the oldest is forgotten past it.
pub const KEPT_BYTES_PER_KIND: usize = 32 * 1024 * 1024;

/// The most participants a conference keeps.
pub const MAX_PARTICIPANTS: usize = 1_000;

/// Fresh random ids, from outside (the core draws no randomness).
pub trait Ids {
    /// 128 fresh random bits.
    fn next(&mut self) -> u128;
}

/// About how many bytes `value` holds in memory, parsed: a node's own size and its text. A
/// list of a million zeros is 2 MB of text and about 32 MB parsed; weighing what is kept
/// this way keeps the bounds on bytes true.
pub fn weight_of(value: &Value) -> usize {
    const NODE: usize = 32;
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => NODE,
        Value::String(text) => NODE + text.len(),
        Value::Array(items) => NODE + items.iter().map(weight_of).sum::<usize>(),
        Value::Object(map) => {
            NODE + map
                .iter()
                .map(|(key, value)| NODE + key.len() + weight_of(value))
                .sum::<usize>()
        }
    }
}

/// A UUID's text (lowercase, hyphenated) of `bits`.
pub fn uuid_text(bits: u128) -> String {
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A ULID-shaped id (26 characters of Crockford's base32), as SMS batch ids and
/// Conversation ids look.
pub fn ulid_text(bits: u128) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    (0..26)
        .rev()
        .map(|n| {
            let shift = n * 5;
            let index = if shift >= 128 {
                0
            } else {
                (bits >> shift) & 31
            };
            char::from(ALPHABET[index as usize & 31])
        })
        .collect()
}

/// A time as Sinch's APIs write it: ISO 8601 UTC with milliseconds.
pub fn time_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// What happens to a message, call, verification or number, chosen by the recipient's
/// number as SMS sandboxes do: the table the README documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered, answered, verified, provisioned (any number not below).
    Succeeds,
    /// Numbers ending in 0001: fails (not delivered, not answered, the code refused,
    /// provisioning failed).
    Fails,
    /// Numbers ending in 0002: stays pending for ever (dispatched, ringing, pending, in
    /// progress).
    Pending,
}

impl Outcome {
    /// The outcome for `number`.
    pub fn of(number: &str) -> Self {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        if digits.ends_with("0001") {
            Outcome::Fails
        } else if digits.ends_with("0002") {
            Outcome::Pending
        } else {
            Outcome::Succeeds
        }
    }
}

/// What follows a callback once the developer's server has answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Follow {
    /// Nothing.
    Nothing,
    /// A Voice ACE: the answer's SVAML decides how the call goes on.
    Ace {
        /// The call.
        call: String,
        /// The call as it was placed, for its DiCE when the state has forgotten it.
        placed: Box<Value>,
    },
    /// A Verification request event: the answer allows or denies it.
    VerificationRequest {
        /// The verification.
        id: String,
    },
}

/// A callback to send, as Sinch would after a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The event, which says how it is signed and how its answer is read.
    pub event: Event,
    /// The kind its body names (`recipient_delivery_report_sms`, `ace`…), for the output.
    pub kind: String,
    /// The account whose secrets sign it.
    pub account: usize,
    /// Where to: the URL the call named; `None`: the mock's callback URL for the product.
    pub url: Option<String>,
    /// The body, signed as these bytes.
    pub body: Vec<u8>,
    /// How long after the call Sinch would send it (before the time scale).
    pub after: Duration,
    /// What its answer decides.
    pub follow: Follow,
}

/// How a callback's delivery ended, for what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered<'a> {
    /// The server answered (the last attempt's answer).
    Answered {
        /// Its status.
        status: u16,
        /// Its body.
        body: &'a [u8],
    },
    /// No answer (refused, timed out, every retry), or no URL to send it to.
    NotDelivered,
}

/// What the mock did with one call: its answer, and for its own output and history the
/// operation, the account, how the credentials were judged and the callbacks that follow.
#[derive(Debug, Clone)]
pub struct Handled {
    /// The answer.
    pub reply: Reply,
    /// The operation, when the path names one.
    pub route: Option<Route>,
    /// The account whose credentials held.
    pub account: Option<usize>,
    /// The scheme the credentials came in.
    pub scheme: Option<String>,
    /// Whether they held.
    pub verified: bool,
    /// Why the call was refused (credentials, body, state), for the mock's output only.
    pub reason: Option<String>,
    /// What the application signature covered, when one was checked.
    pub string_to_sign: Option<String>,
    /// The callbacks that follow.
    pub callbacks: Vec<Planned>,
}

/// The state kept while the mock runs: each account's books apart (one profile's credentials
/// never reach another's batches, calls or numbers, as two Sinch projects are apart).
pub struct State {
    books: std::collections::HashMap<usize, Books>,
    cap: usize,
}

/// What one account made while the mock runs, each kind bounded by [`KEPT_PER_KIND`] and
/// [`KEPT_BYTES_PER_KIND`].
pub struct Books {
    pub(crate) batches: Kept<products::Batch>,
    pub(crate) messages: Kept<products::Message>,
    pub(crate) calls: Kept<products::Call>,
    pub(crate) conferences: Kept<Vec<String>>,
    pub(crate) verifications: Kept<products::Verification>,
    pub(crate) numbers: Kept<products::Rented>,
}

impl Default for State {
    fn default() -> Self {
        Self::with_cap(KEPT_PER_KIND)
    }
}

impl State {
    /// A state keeping at most `cap` of each kind per account, and [`KEPT_BYTES_PER_KIND`].
    pub fn with_cap(cap: usize) -> Self {
        Self {
            books: std::collections::HashMap::new(),
            cap,
        }
    }

    /// The books of `account`.
    pub fn books(&mut self, account: usize) -> &mut Books {
        let cap = self.cap;
        self.books
            .entry(account)
            .or_insert_with(|| Books::with_cap(cap))
    }

    /// How many things it keeps, all accounts and kinds together.
    pub fn len(&self) -> usize {
        self.books.values().map(Books::len).sum()
    }

    /// Whether it keeps nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Books {
    fn with_cap(cap: usize) -> Self {
        Self {
            batches: Kept::new(cap, KEPT_BYTES_PER_KIND),
            messages: Kept::new(cap, KEPT_BYTES_PER_KIND),
            calls: Kept::new(cap, KEPT_BYTES_PER_KIND),
            conferences: Kept::new(cap, KEPT_BYTES_PER_KIND),
            verifications: Kept::new(cap, KEPT_BYTES_PER_KIND),
            numbers: Kept::new(cap, KEPT_BYTES_PER_KIND),
        }
    }

    /// How many things they keep, all kinds together.
    pub fn len(&self) -> usize {
        self.batches.len()
            + self.messages.len()
            + self.calls.len()
            + self.conferences.len()
            + self.verifications.len()
            + self.numbers.len()
    }

    /// Whether they keep nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What [`check`] found: the operation and its caller, or the answer already decided.
pub enum Checked {
    /// The credentials held: [`answer`] it.
    Go {
        /// The operation.
        route: Route,
        /// Who called.
        caller: Caller,
    },
    /// Answered without the state: a refusal, a 404, a token.
    Done(Box<Handled>),
}

fn decided(reply: Reply) -> Handled {
    Handled {
        reply,
        route: None,
        account: None,
        scheme: None,
        verified: false,
        reason: None,
        string_to_sign: None,
        callbacks: Vec::new(),
    }
}

/// Routes a call and checks its credentials, without the state (the server does this
/// outside its lock). The token endpoint is answered here.
pub fn check(desk: &Desk, request: &RawRequest, now: DateTime<Utc>, ids: &mut dyn Ids) -> Checked {
    let route = match route::route(&request.method, &request.target) {
        Ok(route) => route,
        Err(NoRoute::NotFound) => {
            let (path, _) = route::split_target(&request.target);
            let mut handled = decided(reply::not_served(
                &crate::sinch::text::one_line(&request.method),
                &crate::sinch::text::one_line(path),
            ));
            handled.reason =
                Some("no operation of Sinch's APIs the mock serves has this path".into());
            return Checked::Done(Box::new(handled));
        }
        Err(NoRoute::Method(allowed)) => {
            let mut handled = decided(reply::wrong_method(
                &crate::sinch::text::one_line(&request.method),
                allowed,
            ));
            handled.reason = Some(format!("this path takes {}", allowed.join(", ")));
            return Checked::Done(Box::new(handled));
        }
    };
    if route == Route::Token {
        let issued = desk.issue_token(request, now, &uuid_text(ids.next()));
        return Checked::Done(Box::new(Handled {
            verified: issued.account.is_some(),
            account: issued.account,
            scheme: request
                .header("authorization")
                .and_then(|a| crate::sinch::signing::authorization_scheme(a).0)
                .map(str::to_ascii_lowercase)
                .or_else(|| issued.account.map(|_| "form".to_owned())),
            reason: issued.refused,
            route: Some(route),
            ..decided(issued.reply)
        }));
    }
    match desk.check(&route, request, now) {
        Ok(caller) => Checked::Go { route, caller },
        Err(refusal) => Checked::Done(Box::new(Handled {
            reply: reply::unauthorized(route.api(), refusal.kind),
            scheme: refusal.scheme,
            reason: Some(refusal.reason),
            string_to_sign: refusal.string_to_sign,
            route: Some(route),
            ..decided(Reply::empty(401))
        })),
    }
}

/// Answers a call whose credentials held, changing the state, and plans the callbacks that
/// follow.
pub fn answer(
    desk: &Desk,
    state: &mut State,
    route: Route,
    caller: Caller,
    request: &RawRequest,
    now: DateTime<Utc>,
    ids: &mut dyn Ids,
) -> Handled {
    let mut asked = products::Asked {
        desk,
        account: caller.account,
        request,
        now,
        ids,
        callbacks: Vec::new(),
    };
    let result = products::answer(state.books(caller.account), &route, &mut asked);
    let callbacks = std::mem::take(&mut asked.callbacks);
    let (reply, reason) = match result {
        Ok(reply) => (reply, None),
        Err((failure, message)) => (reply::error(route.api(), failure, &message), Some(message)),
    };
    Handled {
        reply,
        account: Some(caller.account),
        scheme: Some(caller.scheme.to_owned()),
        verified: true,
        reason,
        string_to_sign: caller.string_to_sign,
        callbacks,
        route: Some(route),
    }
}

/// Checks and answers a call in one go (for tests and callers without a lock to spare).
pub fn handle(
    desk: &Desk,
    state: &mut State,
    request: &RawRequest,
    now: DateTime<Utc>,
    ids: &mut dyn Ids,
) -> Handled {
    match check(desk, request, now, ids) {
        Checked::Done(handled) => *handled,
        Checked::Go { route, caller } => answer(desk, state, route, caller, request, now, ids),
    }
}

/// What follows `planned` once its delivery ended: the DiCE after an ACE's SVAML, a
/// verification allowed or denied. Changes the state as the answer says.
pub fn followed(
    desk: &Desk,
    state: &mut State,
    planned: &Planned,
    delivered: Delivered<'_>,
    now: DateTime<Utc>,
) -> Vec<Planned> {
    products::followed(desk, state.books(planned.account), planned, delivered, now)
}

/// The body a callback carries, as JSON, for its `kind`.
pub fn body_kind(body: &Value) -> String {
    for key in ["type", "event", "eventType"] {
        if let Some(kind) = body.get(key).and_then(Value::as_str) {
            return kind.to_owned();
        }
    }
    ["message_delivery_report", "message", "event"]
        .into_iter()
        .find(|k| body.get(*k).is_some())
        .unwrap_or("callback")
        .to_owned()
}
