//! Triggering a callback: one signed (or forged) event sent at the developer's server and
//! judged, for both faces (`trigger` and the window's Callbacks tab). The body, the signature,
//! the forgery and the judgement are the core's ([`crate::sinch::callback`]); this sends it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::net::client::{self, Answer, SendError};
use crate::net::target;
use crate::sinch::AppSecret;
use crate::sinch::callback::{
    CallbackRequest, Event, Forgery, TriggerVerdict, judge_trigger, sign_callback,
};
use crate::sinch::signing;

/// An event to send.
pub struct Trigger<'a> {
    /// The event, for judging the answer.
    pub event: Event,
    /// The server's callback URL.
    pub url: &'a str,
    /// The application key to sign with.
    pub key: &'a str,
    /// The secret.
    pub secret: &'a AppSecret,
    /// The body bytes, sent as given.
    pub body: Vec<u8>,
    /// When the callback claims to be from: [`Forgery::sent_at`], which the body was made
    /// with too.
    pub sent_at: DateTime<Utc>,
    /// What to forge, if anything.
    pub forgery: Forgery,
    /// How long the exchange may take.
    pub timeout: Duration,
}

/// What the server answered, and the verdict on it.
#[derive(Debug, Clone)]
pub struct Triggered {
    /// The answer.
    pub answer: Answer,
    /// Whether it is what Sinch needs (or, for a forgery, a refusal).
    pub verdict: TriggerVerdict,
}

/// Signs `trigger` (or forges it), sends it, and judges the answer.
pub fn send(trigger: Trigger<'_>) -> Result<Triggered, SendError> {
    let url = target::sendable(trigger.url)?;
    let stamp = signing::timestamp(trigger.sent_at);
    let headers = sign_callback(
        trigger.key,
        trigger.secret,
        &CallbackRequest {
            resource: url.resource,
            body: &trigger.body,
            timestamp: &stamp,
            forgery: trigger.forgery,
        },
    );
    let sent: Value = serde_json::from_slice(&trigger.body).unwrap_or_default();
    let answer = client::send(
        &url,
        client::Outgoing {
            method: "POST",
            url: trigger.url,
            headers,
            body: trigger.body,
            timeout: trigger.timeout,
        },
    )?;
    let verdict = judge_trigger(
        trigger.event,
        &sent,
        trigger.forgery,
        answer.status,
        &answer.body,
    );
    Ok(Triggered { answer, verdict })
}
