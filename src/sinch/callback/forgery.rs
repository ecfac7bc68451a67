//! A callback signed as Sinch signs it, or forged on purpose, and what a server's answer
//! to a forgery says about it.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use serde_json::Value;

use super::{Event, Product};
use crate::sinch::signing::{DEFAULT_MAX_AGE_SECS, SignRequest, sign_request};
use crate::sinch::webhook::{
    Scheme, WebhookSecret, conversation_signature, mailgun_signature, numbers_signature,
};
use crate::sinch::{AppSecret, time};

/// A forgery a careful server must refuse, sent on purpose, or none: one model for both
/// faces (the command line's `--signature` and `--timestamp-age`, the window's choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forgery {
    /// Signed as Sinch signs it.
    #[default]
    None,
    /// A wrong signature of the right shape.
    BadSignature,
    /// No `Authorization` header at all.
    NoSignature,
    /// Signed correctly, but this long ago: the body's timestamp and the `x-timestamp` are
    /// both aged, as a replayed callback's would be.
    Stale(Duration),
    /// Signed correctly and sent twice, with the same nonce (Conversation, SMS) or token
    /// (Mailgun): the first should be taken, the second refused.
    Replay,
}

/// Why a forgery cannot be sent as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForgeryError {
    /// A stale age that a careful server still accepts: its acceptance would prove nothing.
    #[error(
        "a callback {} old is still within the {} a careful server accepts, so accepting it is right: a stale forgery must be at least {} old, e.g. 20m",
        time::format_duration(*.age), time::format_duration(DEFAULT_MAX_AGE_SECS), time::format_duration(MIN_STALE_SECS)
    )]
    NotStale {
        /// The age asked for, in seconds.
        age: u64,
    },
    /// A stale age that reaches back before 1970.
    #[error("a callback {} old would be from before 1970: {} is enough", time::format_duration(*.age), time::format_duration(DEFAULT_STALE_SECS))]
    BeforeEpoch {
        /// The age asked for, in seconds.
        age: u64,
    },
    /// A stale forgery of a product whose signature covers no time.
    #[error("{} callbacks carry no signed timestamp, so a stale one cannot be forged: nothing but the body's own fields tells a server its age", .0.title())]
    NoTimestamp(Product),
    /// A replay of a product whose signature covers no nonce or token.
    #[error("{} callbacks carry no signed nonce or token, so a server cannot tell a replay from a new callback: sending twice is for Conversation, SMS and Mailgun", .0.title())]
    NoNonce(Product),
}

/// How much older than the accepted window a stale forgery must be, for clocks that differ.
pub const STALE_MARGIN_SECS: u64 = 60;
/// The least age of a stale forgery: the accepted window plus the margin.
pub const MIN_STALE_SECS: u64 = DEFAULT_MAX_AGE_SECS + STALE_MARGIN_SECS;
/// The age of a stale forgery when none is given.
pub const DEFAULT_STALE_SECS: u64 = 20 * 60;

impl Forgery {
    /// A stale forgery of the default age.
    pub const STALE: Forgery = Forgery::Stale(Duration::from_secs(DEFAULT_STALE_SECS));

    /// Whether this is a forgery at all.
    pub fn is_forged(self) -> bool {
        self != Forgery::None
    }

    /// The moment the callback claims to be from, for its body and its `x-timestamp`: `now`,
    /// or the stale age before it. Refuses a stale age that proves nothing.
    pub fn sent_at(self, now: DateTime<Utc>) -> Result<DateTime<Utc>, ForgeryError> {
        let Forgery::Stale(age) = self else {
            return Ok(now);
        };
        let age = age.as_secs();
        if age < MIN_STALE_SECS {
            return Err(ForgeryError::NotStale { age });
        }
        i64::try_from(age)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .and_then(|delta| now.checked_sub_signed(delta))
            .filter(|then| then.timestamp() > 0)
            .ok_or(ForgeryError::BeforeEpoch { age })
    }

    /// Refuses a forgery that `event`'s product cannot carry.
    pub fn check_for(self, event: Event) -> Result<(), ForgeryError> {
        let product = event.product();
        match (self, product.scheme()) {
            (Forgery::Stale(_), Some(Scheme::Numbers)) => Err(ForgeryError::NoTimestamp(product)),
            (Forgery::Replay, None | Some(Scheme::Numbers)) => Err(ForgeryError::NoNonce(product)),
            _ => Ok(()),
        }
    }

    /// What was forged, in words (`None` for a genuine callback).
    pub fn words(self) -> Option<String> {
        match self {
            Forgery::None => None,
            Forgery::BadSignature => Some("a wrong signature".into()),
            Forgery::NoSignature => Some("no signature".into()),
            Forgery::Replay => Some("the same callback sent twice".into()),
            Forgery::Stale(age) => Some(format!(
                "a timestamp {} old",
                time::format_duration(age.as_secs())
            )),
        }
    }
}

/// A callback to send: what is signed and how.
#[derive(Debug, Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The path and query of the target URL, signed as written.
    pub resource: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
    /// The `x-timestamp` to send (already aged for a stale forgery).
    pub timestamp: &'a str,
    /// What to forge, if anything.
    pub forgery: Forgery,
}

/// The Content-Type Sinch sends its callbacks with.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The headers of a callback as Sinch sends it (`POST`, JSON, `x-timestamp`, the
/// `Application` scheme), or forged as `request.forgery` says.
pub fn sign_callback(
    key: &str,
    secret: &AppSecret,
    request: &CallbackRequest<'_>,
) -> Vec<(String, String)> {
    let mut signed = sign_request(
        key,
        secret,
        &SignRequest {
            method: "POST",
            resource: request.resource,
            content_type: Some(CONTENT_TYPE),
            body: request.body,
            timestamp: request.timestamp,
        },
    );
    if request.forgery == Forgery::BadSignature {
        signed.authorization = spoiled(&signed.authorization);
    }
    let mut headers = signed.headers();
    if request.forgery == Forgery::NoSignature {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    }
    headers
}

/// The same `Application KEY:SIGNATURE` with the signature's first byte changed: the right
/// shape and length, the wrong MAC.
fn spoiled(authorization: &str) -> String {
    let Some((head, signature)) = authorization.rsplit_once(':') else {
        return format!("{authorization}x");
    };
    format!("{head}:{}", spoiled_base64(signature))
}

/// A webhook to sign with a webhook secret.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The scheme of the product that sends it.
    pub scheme: Scheme,
    /// The body bytes (for Mailgun, a JSON object whose `signature` is filled in).
    pub body: &'a [u8],
    /// A fresh random nonce (Conversation, SMS) or token (Mailgun; 50 characters).
    pub nonce: &'a str,
    /// When it claims to be sent (already aged for a stale forgery).
    pub sent_at: DateTime<Utc>,
    /// What to forge, if anything ([`Forgery::Replay`] signs as genuine: sending twice is
    /// the sender's part).
    pub forgery: Forgery,
}

/// Header names and values, in the order sent.
pub type Headers = Vec<(String, String)>;

/// Why a webhook cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSignError {
    /// A Mailgun body that is not a JSON object: its signature has nowhere to go.
    #[error(
        "a Mailgun webhook is a JSON object with \"signature\" and \"event-data\": this body is not a JSON object"
    )]
    MailgunNotObject,
}

/// The headers and body of a webhook as its product sends it, signed with `secret` (or
/// forged as `request.forgery` says): Conversation and SMS in `x-sinch-webhook-signature*`
/// headers, Numbers in `X-Sinch-Signature`, Mailgun in the body's `signature` object (the
/// only case where the body changes).
pub fn sign_webhook(
    secret: &WebhookSecret,
    request: &WebhookRequest<'_>,
) -> Result<(Headers, Vec<u8>), WebhookSignError> {
    let json = ("Content-Type".to_owned(), "application/json".to_owned());
    let forged = request.forgery;
    match request.scheme {
        Scheme::Conversation => {
            let stamp = request.sent_at.timestamp().to_string();
            let mut signature = conversation_signature(secret, request.body, request.nonce, &stamp);
            if forged == Forgery::BadSignature {
                signature = spoiled_base64(&signature);
            }
            let mut headers = vec![
                json,
                (
                    "x-sinch-webhook-signature-nonce".into(),
                    request.nonce.into(),
                ),
                ("x-sinch-webhook-signature-timestamp".into(), stamp),
                (
                    "x-sinch-webhook-signature-algorithm".into(),
                    "HmacSHA256".into(),
                ),
                ("x-sinch-webhook-signature".into(), signature),
            ];
            if forged == Forgery::NoSignature {
                headers.retain(|(name, _)| !name.starts_with("x-sinch-webhook-signature"));
            }
            Ok((headers, request.body.to_vec()))
        }
        Scheme::Numbers => {
            let mut headers = vec![json];
            if forged != Forgery::NoSignature {
                let mut signature = numbers_signature(secret, request.body);
                if forged == Forgery::BadSignature {
                    signature = spoiled_hex(&signature);
                }
                headers.push(("X-Sinch-Signature".into(), signature));
            }
            Ok((headers, request.body.to_vec()))
        }
        Scheme::Mailgun => {
            let mut body: Value = serde_json::from_slice(request.body)
                .ok()
                .filter(Value::is_object)
                .ok_or(WebhookSignError::MailgunNotObject)?;
            let stamp = request.sent_at.timestamp().to_string();
            let mut signature = mailgun_signature(secret, &stamp, request.nonce);
            if forged == Forgery::BadSignature {
                signature = spoiled_hex(&signature);
            }
            if let Value::Object(map) = &mut body {
                if forged == Forgery::NoSignature {
                    map.shift_remove("signature");
                } else {
                    map.insert(
                        "signature".into(),
                        serde_json::json!({
                            "timestamp": stamp,
                            "token": request.nonce,
                            "signature": signature,
                        }),
                    );
                }
            }
            // Writing a JSON value into a Vec cannot fail.
            let bytes = serde_json::to_vec(&body).unwrap_or_default();
            Ok((vec![json], bytes))
        }
    }
}

/// The same base64 MAC with its first byte changed.
fn spoiled_base64(mac: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let mut bytes = STANDARD.decode(mac).unwrap_or_default();
    match bytes.first_mut() {
        Some(first) => *first ^= 0x01,
        None => bytes.push(0),
    }
    STANDARD.encode(bytes)
}

/// The same hex MAC with its first digit changed.
fn spoiled_hex(mac: &str) -> String {
    let mut chars: Vec<char> = mac.chars().collect();
    if let Some(first) = chars.first_mut() {
        *first = if *first == '0' { '1' } else { '0' };
    }
    chars.into_iter().collect()
}

/// What a server did with a forged callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForgeryOutcome {
    /// A 4xx: refused, as it should.
    Rejected,
    /// A 2xx: it acted on a callback anyone could have sent.
    Accepted,
    /// Something else (3xx, 5xx): neither a refusal nor an acceptance.
    Unclear,
}

impl ForgeryOutcome {
    /// Judges the status a server answered a forged callback with.
    pub fn of_status(status: u16) -> Self {
        match status {
            400..=499 => ForgeryOutcome::Rejected,
            200..=299 => ForgeryOutcome::Accepted,
            _ => ForgeryOutcome::Unclear,
        }
    }

    /// One sentence for the user.
    pub fn sentence(self, status: u16) -> String {
        match self {
            ForgeryOutcome::Rejected => {
                format!("your server rejected the forged callback (HTTP {status}), as it should")
            }
            ForgeryOutcome::Accepted => format!(
                "your server accepted a forged callback (HTTP {status}): verify the signature and \
                 the x-timestamp, and answer 401 when they do not hold"
            ),
            ForgeryOutcome::Unclear => format!(
                "your server answered HTTP {status} to a forged callback: refuse it with a 4xx \
                 (401 or 403) instead"
            ),
        }
    }
}
