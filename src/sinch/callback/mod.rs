//! Sinch's callbacks, as a developer's server receives them: realistic event bodies to send
//! at it (`trigger`), the forgeries a careful server refuses, and the check of its answer as
//! Sinch reads it (SVAML for the Voice events that control a call, `allow`/`deny` for a
//! Verification request).
//!
//! The bodies and the rules follow Sinch's current reference:
//! - Voice callbacks: <https://developers.sinch.com/docs/voice/api-reference/voice/callbacks>
//!   (pages `ice`, `ace`, `dice`, `pie` and `notify`) and the same types in Sinch's Node SDK
//!   (`@sinch/voice`, `models/v1/mod-callbacks`);
//! - SVAML: <https://developers.sinch.com/docs/voice/api-reference/svaml> (which action and
//!   instruction each event takes), its `actions` and `instructions` pages (required fields);
//! - Verification callbacks:
//!   <https://developers.sinch.com/docs/verification/api-reference/verification/callbacks>
//!   and `@sinch/verification`'s `VerificationRequestEvent` and `VerificationResultEvent`.
//!
//! Like the rest of the core, everything here is a pure function: ids and the clock come in.
//!
//! - this file: the events ([`Event`]) and what Sinch reads in each answer;
//! - [`body`]: realistic default bodies and `--set` paths;
//! - [`forgery`]: signing a callback as Sinch does, or forging it on purpose;
//! - [`answer`]: the check of a server's answer, and the verdict on a trigger.

mod answer;
mod body;
mod forgery;

pub use answer::{AnswerCheck, TriggerVerdict, check_answer, judge_trigger, stand_in_answer};
pub use body::{BodyInputs, default_body, set_path};
pub use forgery::{
    CONTENT_TYPE, CallbackRequest, DEFAULT_STALE_SECS, Forgery, ForgeryError, ForgeryOutcome,
    MIN_STALE_SECS, sign_callback,
};

use serde_json::Value;

/// A callback event Sinch sends to an application's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Event {
    /// Incoming Call Event: a call reaches Sinch; the answer (SVAML) says what to do.
    #[default]
    Ice,
    /// Answered Call Event: the callee answered; the answer (SVAML) says what happens next.
    Ace,
    /// Disconnected Call Event: the call ended; any 2xx.
    Dice,
    /// Prompt Input Event: the caller answered a menu; the answer (SVAML) goes on.
    Pie,
    /// Notify Event: a recording is ready, an error happened; any 2xx.
    Notify,
    /// Verification Request Event: the answer allows or denies the verification.
    VerificationRequest,
    /// Verification Result Event: how a verification ended; any 2xx.
    VerificationResult,
}

/// What Sinch reads in the server's answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expects {
    /// A SVAML object: exactly one action, and instructions, that this event takes.
    Svaml,
    /// `{"action": "allow"}` or `{"action": "deny"}`.
    AllowOrDeny,
    /// Any 2xx; the body is not read.
    AnyBody,
}

impl Event {
    /// Every event, in the order the faces list them.
    pub const ALL: [Event; 7] = [
        Event::Ice,
        Event::Ace,
        Event::Dice,
        Event::Pie,
        Event::Notify,
        Event::VerificationRequest,
        Event::VerificationResult,
    ];

    /// The name on the command line: `ice`, …, `verification-request`.
    pub fn name(self) -> &'static str {
        match self {
            Event::Ice => "ice",
            Event::Ace => "ace",
            Event::Dice => "dice",
            Event::Pie => "pie",
            Event::Notify => "notify",
            Event::VerificationRequest => "verification-request",
            Event::VerificationResult => "verification-result",
        }
    }

    /// The value of the body's `event` field, as Sinch sends it.
    pub fn wire_name(self) -> &'static str {
        match self {
            Event::VerificationRequest => "VerificationRequestEvent",
            Event::VerificationResult => "VerificationResultEvent",
            other => other.name(),
        }
    }

    /// What Sinch calls it.
    pub fn title(self) -> &'static str {
        match self {
            Event::Ice => "Incoming Call Event (Voice)",
            Event::Ace => "Answered Call Event (Voice)",
            Event::Dice => "Disconnected Call Event (Voice)",
            Event::Pie => "Prompt Input Event (Voice)",
            Event::Notify => "Notify Event (Voice)",
            Event::VerificationRequest => "Verification Request Event",
            Event::VerificationResult => "Verification Result Event",
        }
    }

    /// What Sinch reads in the answer.
    pub fn expects(self) -> Expects {
        match self {
            Event::Ice | Event::Ace | Event::Pie => Expects::Svaml,
            Event::VerificationRequest => Expects::AllowOrDeny,
            Event::Dice | Event::Notify | Event::VerificationResult => Expects::AnyBody,
        }
    }

    /// The event a command-line name, or a body's `event` value, names.
    pub fn from_name(name: &str) -> Option<Event> {
        let name = name.trim();
        Event::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name) || e.wire_name() == name)
    }

    /// The event a received body says it is.
    pub fn of_body(body: &[u8]) -> Option<Event> {
        let value: Value = serde_json::from_slice(body).ok()?;
        Event::from_name(value.get("event")?.as_str()?)
    }

    /// The SVAML actions this event's answer may hold (empty: the answer is not SVAML).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Event::Ice => &[
                "hangup",
                "connectPstn",
                "connectMxp",
                "connectConf",
                "connectSip",
                "connectStream",
                "runMenu",
                "park",
            ],
            Event::Ace => &["hangup", "continue", "connectConf", "runMenu"],
            Event::Pie => &[
                "hangup",
                "continue",
                "connectPstn",
                "connectConf",
                "connectSip",
                "runMenu",
            ],
            _ => &[],
        }
    }

    /// The SVAML instructions this event's answer may hold.
    pub fn instructions(self) -> &'static [&'static str] {
        match self {
            Event::Ice => &[
                "playFiles",
                "say",
                "sendDtmf",
                "setCookie",
                "startRecording",
                "answer",
            ],
            Event::Ace => &["playFiles", "say", "setCookie", "startRecording"],
            Event::Pie => &[
                "playFiles",
                "say",
                "sendDtmf",
                "setCookie",
                "startRecording",
                "stopRecording",
            ],
            _ => &[],
        }
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests;
