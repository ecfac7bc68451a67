//! Triggering a callback: one signed (or forged) event sent at the developer's server and
//! judged, for both faces (`trigger` and the window's Callbacks tab). The body, the signature
//! and the judgement are the core's ([`crate::sinch::callback`]); this sends it.

use std::time::Duration;

use serde_json::Value;

use crate::net::client::{self, Answer};
use crate::net::target::parse_url;
use crate::sinch::AppSecret;
use crate::sinch::callback::{
    CallbackRequest, Event, Signature, TriggerVerdict, judge_trigger, sign_callback,
};

/// An event to send.
pub struct Trigger<'a> {
    /// The event, for judging the answer.
    pub event: Event,
    /// The server's callback URL.
    pub url: &'a str,
    /// The application key and secret to sign with.
    pub key: &'a str,
    /// The secret.
    pub secret: &'a AppSecret,
    /// The body bytes, sent as given.
    pub body: Vec<u8>,
    /// The `x-timestamp` to send (an old one forges a replay).
    pub timestamp: &'a str,
    /// How to sign.
    pub signature: Signature,
    /// Whether the timestamp is stale on purpose.
    pub stale: bool,
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

/// Signs `trigger` (or forges it), sends it, and judges the answer. The error is one
/// sentence: the URL is not allowed, or the network failed.
pub fn send(trigger: Trigger<'_>) -> Result<Triggered, String> {
    let url = parse_url(trigger.url)?;
    url.check_transport()?;
    let headers = sign_callback(
        trigger.key,
        trigger.secret,
        &CallbackRequest {
            resource: url.resource,
            body: &trigger.body,
            timestamp: trigger.timestamp,
            signature: trigger.signature,
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
    let forged = trigger.signature != Signature::Valid || trigger.stale;
    let verdict = judge_trigger(trigger.event, &sent, forged, answer.status, &answer.body);
    Ok(Triggered { answer, verdict })
}
