//! Triggering a callback: one signed (or forged) event sent at the developer's server and
//! judged, for both faces (`trigger` and the window's Callbacks tab). The body, the signature,
//! the forgery and the judgement are the core's ([`crate::sinch::callback`]); this sends it
//! (twice for a replay).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::net::client::{self, Answer, SendError};
use crate::net::target;
use crate::sinch::callback::{
    BodyInputs, CallbackRequest, Event, Forgery, Headers, SecretFor, TriggerVerdict,
    WebhookRequest, default_body, judge_replay, judge_trigger, sign_callback, sign_webhook,
};
use crate::sinch::signing;
use crate::sinch::webhook::Scheme;

/// An event to send.
pub struct Trigger<'a> {
    /// The event, for judging the answer (its product says how it is signed).
    pub event: Event,
    /// The server's callback URL.
    pub url: &'a str,
    /// What signs it.
    pub signer: SecretFor<'a>,
    /// The body bytes, sent as given (a Mailgun body gets its `signature` object filled in).
    pub body: Vec<u8>,
    /// When the callback claims to be from: [`Forgery::sent_at`], which the body was made
    /// with too.
    pub sent_at: DateTime<Utc>,
    /// The webhook's nonce (Conversation, SMS) or token (Mailgun): [`fresh_nonce`].
    pub nonce: String,
    /// What to forge, if anything.
    pub forgery: Forgery,
    /// How long the exchange may take (both sends of a replay, together).
    pub timeout: Duration,
}

/// What the server answered, and the verdict on it.
#[derive(Debug, Clone)]
pub struct Triggered {
    /// The answer (to the second send, for a replay).
    pub answer: Answer,
    /// The answer to the first send of a replay.
    pub first: Option<Answer>,
    /// The body as sent.
    pub body: Vec<u8>,
    /// Whether it is what Sinch needs (or, for a forgery, a refusal).
    pub verdict: TriggerVerdict,
}

/// Why a trigger could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum TriggerError {
    /// The request could not be sent, or no answer came.
    #[error(transparent)]
    Send(#[from] SendError),
    /// The event cannot be signed or forged as asked.
    #[error("{0}")]
    Refused(String),
}

impl TriggerError {
    /// Whether the arguments were wrong (rather than the network).
    pub fn is_usage(&self) -> bool {
        match self {
            TriggerError::Send(err) => err.is_usage(),
            TriggerError::Refused(_) => true,
        }
    }
}

/// A fresh id for an event's body (a call id, a message id): a random UUID, as Sinch's are.
pub fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A fresh body for `event`, as sent at `sent_at`: its realistic default body with a new id
/// and the application key (empty for a webhook). The one way `trigger`, scenarios and the
/// window make a new event.
pub fn fresh_body(event: Event, application_key: &str, sent_at: DateTime<Utc>) -> Value {
    default_body(
        event,
        BodyInputs {
            application_key,
            id: &fresh_id(),
            now: sent_at,
        },
    )
}

/// A fresh random nonce for a webhook of `scheme`: 26 characters like Sinch's ULIDs, or a
/// Mailgun token of 50 hex digits.
pub fn fresh_nonce(scheme: Option<Scheme>) -> String {
    let hex = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    match scheme {
        Some(Scheme::Mailgun) => hex[..50].to_owned(),
        _ => hex[..26].to_ascii_uppercase(),
    }
}

/// The headers and body `trigger` goes out with: signed as its product signs it, or forged
/// as it says (a Mailgun body gets its `signature` object).
pub fn sign(trigger: &Trigger<'_>) -> Result<(Headers, Vec<u8>), TriggerError> {
    let url = target::sendable(trigger.url).map_err(SendError::from)?;
    trigger
        .forgery
        .check_for(trigger.event)
        .map_err(|err| TriggerError::Refused(err.to_string()))?;
    match (trigger.signer, trigger.event.product().scheme()) {
        (SecretFor::Application { key, secret }, None) => {
            let stamp = signing::timestamp(trigger.sent_at);
            let headers = sign_callback(
                key,
                secret,
                &CallbackRequest {
                    resource: url.resource,
                    body: &trigger.body,
                    timestamp: &stamp,
                    forgery: trigger.forgery,
                },
            );
            Ok((headers, trigger.body.clone()))
        }
        (SecretFor::Webhook(secret), Some(scheme)) => sign_webhook(
            secret,
            &WebhookRequest {
                scheme,
                body: &trigger.body,
                nonce: &trigger.nonce,
                sent_at: trigger.sent_at,
                forgery: trigger.forgery,
            },
        )
        .map_err(|err| TriggerError::Refused(err.to_string())),
        (SecretFor::Application { .. }, Some(_)) => Err(TriggerError::Refused(format!(
            "{} is signed with a webhook secret, not the application's",
            trigger.event.title()
        ))),
        (SecretFor::Webhook(_), None) => Err(TriggerError::Refused(format!(
            "{} is signed with the application key and secret, not a webhook secret",
            trigger.event.title()
        ))),
    }
}

/// Signs `trigger` (or forges it), sends it (twice for a replay), and judges the answer.
pub fn send(trigger: Trigger<'_>) -> Result<Triggered, TriggerError> {
    let url = target::sendable(trigger.url).map_err(SendError::from)?;
    let (headers, body) = sign(&trigger)?;
    let sent: Value = serde_json::from_slice(&body).unwrap_or_default();
    let started = Instant::now();
    let post = |timeout: Duration| {
        client::send(
            &url,
            client::Outgoing {
                method: "POST",
                url: trigger.url,
                headers: headers.clone(),
                body: body.clone(),
                timeout,
            },
        )
    };
    if trigger.forgery == Forgery::Replay {
        let first = post(trigger.timeout)?;
        let left = trigger
            .timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_secs(1));
        let answer = post(left)?;
        let verdict = judge_replay(trigger.event, first.status, answer.status);
        return Ok(Triggered {
            answer,
            first: Some(first),
            body,
            verdict,
        });
    }
    let answer = post(trigger.timeout)?;
    let verdict = judge_trigger(
        trigger.event,
        &sent,
        trigger.forgery,
        answer.status,
        &answer.body,
    );
    Ok(Triggered {
        answer,
        first: None,
        body,
        verdict,
    })
}
