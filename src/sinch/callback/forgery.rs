//! A callback signed as Sinch signs it, or forged on purpose, and what a server's answer
//! to a forgery says about it.

use crate::sinch::AppSecret;
use crate::sinch::signing::{SignRequest, sign_request};

/// How a triggered callback is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signature {
    /// As Sinch signs it.
    #[default]
    Valid,
    /// A wrong signature of the right shape: a server must refuse it.
    Bad,
    /// No `Authorization` header at all: a server must refuse it.
    Missing,
}

/// A callback to send: what is signed and how.
#[derive(Debug, Clone, Copy)]
pub struct CallbackRequest<'a> {
    /// The path and query of the target URL, signed as written.
    pub resource: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
    /// The `x-timestamp` to send.
    pub timestamp: &'a str,
    /// How to sign it.
    pub signature: Signature,
}

/// The Content-Type Sinch sends its callbacks with.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The headers of a callback as Sinch sends it (`POST`, JSON, `x-timestamp`, the
/// `Application` scheme), or forged as `request.signature` says.
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
    if request.signature == Signature::Bad {
        signed.authorization = spoiled(&signed.authorization);
    }
    let mut headers = signed.headers();
    if request.signature == Signature::Missing {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    }
    headers
}

/// The same `Application KEY:SIGNATURE` with the signature's first byte changed: the right
/// shape and length, the wrong MAC.
fn spoiled(authorization: &str) -> String {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let Some((head, signature)) = authorization.rsplit_once(':') else {
        return format!("{authorization}x");
    };
    let mut bytes = STANDARD.decode(signature).unwrap_or_default();
    match bytes.first_mut() {
        Some(first) => *first ^= 0x01,
        None => bytes.push(0),
    }
    format!("{head}:{}", STANDARD.encode(bytes))
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
