//! Signed REST requests and signed callbacks of Sinch's Voice and Verification APIs.
//!
//! ```text
//! Content-MD5   = b64(MD5(body bytes)), or empty when there is no body
//! StringToSign  = VERB "\n" Content-MD5 "\n" Content-Type "\n" "x-timestamp:" TIMESTAMP "\n" RESOURCE
//! Authorization = "Application " KEY ":" b64(HMAC-SHA256(b64decode(secret), StringToSign))
//! ```
//!
//! The signature covers exactly what is sent: the body bytes as given (never re-serialized),
//! the Content-Type value, the `x-timestamp` value and the path with its query as they stand
//! on the request line. Verifying parses a raw HTTP/1.1 request as a person copies it from a
//! request bin, a proxy or a server log, and says as precisely as it can why a signature does
//! not match.
//!
//! - this file: what is signed and how ([`sign_request`]);
//! - [`verify`]: checking a received request, and saying why it does not match;
//! - [`render`]: a signed request as a curl command or header lines.

mod render;
mod verify;

pub use render::{CurlBody, curl_command, curl_with_headers, header_lines, shell_quote};
pub use verify::{CallbackKeys, RequestVerdict, SignedWith, authorization_scheme, verify_request};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::Mac as _;
use md5::Digest as _;
use serde::Serialize;

use super::{AppSecret, keyed_mac, time};

/// How far an `x-timestamp` may be from now before a request counts as a possible replay.
pub const DEFAULT_MAX_AGE_SECS: u64 = 15 * 60;

/// What a request is signed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignRequest<'a> {
    /// The HTTP method; signed (and sent) in upper case.
    pub method: &'a str,
    /// The path and query exactly as on the request line, e.g. `/calling/v1/callouts`.
    pub resource: &'a str,
    /// The Content-Type value exactly as sent, or `None` when there is no such header.
    pub content_type: Option<&'a str>,
    /// The body bytes exactly as sent (empty: no body).
    pub body: &'a [u8],
    /// The `x-timestamp` value exactly as sent.
    pub timestamp: &'a str,
}

/// A signed request's headers and what they were computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signed {
    /// The `Authorization` header's value.
    pub authorization: String,
    /// The `x-timestamp` header's value.
    pub x_timestamp: String,
    /// The `Content-Type` header's value, when there is one.
    pub content_type: Option<String>,
    /// `b64(MD5(body))`, or empty without a body.
    pub content_md5: String,
    /// The exact text the signature covers.
    pub string_to_sign: String,
}

impl Signed {
    /// The headers that carry the signature, as they are sent: `x-timestamp`,
    /// `Authorization` and, when there is one, `Content-Type`.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![
            ("x-timestamp".to_owned(), self.x_timestamp.clone()),
            ("Authorization".to_owned(), self.authorization.clone()),
        ];
        if let Some(ct) = &self.content_type {
            headers.push(("Content-Type".to_owned(), ct.clone()));
        }
        headers
    }
}

/// `b64(MD5(body))`, or the empty text when there is no body.
pub fn content_md5(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    STANDARD.encode(md5::Md5::digest(body))
}

/// The text the signature covers, given the body's Content-MD5 (computed once by callers).
fn string_to_sign(request: &SignRequest<'_>, content_md5: &str) -> String {
    format!(
        "{}\n{}\n{}\nx-timestamp:{}\n{}",
        request.method.to_ascii_uppercase(),
        content_md5,
        request.content_type.unwrap_or_default(),
        request.timestamp,
        request.resource
    )
}

/// Whether `given` (the decoded MAC of a request) is the MAC of `string_to_sign`, compared in
/// constant time.
fn signature_matches(secret: &AppSecret, string_to_sign: &str, given: &[u8]) -> bool {
    keyed_mac(secret.bytes())
        .chain_update(string_to_sign.as_bytes())
        .verify_slice(given)
        .is_ok()
}

fn signature(secret: &AppSecret, string_to_sign: &str) -> String {
    let tag = keyed_mac(secret.bytes())
        .chain_update(string_to_sign.as_bytes())
        .finalize()
        .into_bytes();
    STANDARD.encode(tag)
}

/// Signs `request` with the application's key and secret.
pub fn sign_request(key: &str, secret: &AppSecret, request: &SignRequest<'_>) -> Signed {
    let content_md5 = content_md5(request.body);
    let string_to_sign = string_to_sign(request, &content_md5);
    Signed {
        authorization: format!("Application {key}:{}", signature(secret, &string_to_sign)),
        x_timestamp: request.timestamp.to_owned(),
        content_type: request.content_type.map(str::to_owned),
        content_md5,
        string_to_sign,
    }
}

/// The `x-timestamp` of a request made at `now`: UTC, whole seconds, with `Z`.
pub fn timestamp(now: DateTime<Utc>) -> String {
    time::ticket_timestamp(now)
}

/// Why a request cannot be signed as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestShapeError {
    /// The method is not a plain HTTP method word.
    #[error("'{0}' is not an HTTP method: use GET, POST, PUT, PATCH or DELETE")]
    Method(String),
    /// The Content-Type holds a character a header cannot carry.
    #[error(
        "the Content-Type holds a line break or another control character: a header cannot carry it"
    )]
    ContentType,
}

/// Whether `method` is a plain HTTP method word.
pub fn check_method(method: &str) -> Result<(), RequestShapeError> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(RequestShapeError::Method(method.to_owned()));
    }
    Ok(())
}

/// Whether `content_type` can be sent as a header and signed as it is: a line break in it
/// would end the header (and start another one), which no signature should cover.
pub fn check_content_type(content_type: &str) -> Result<(), RequestShapeError> {
    if content_type.chars().any(|c| c.is_control() && c != '\t') {
        return Err(RequestShapeError::ContentType);
    }
    Ok(())
}

/// An HTTP/1.1 request as it was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The method, as written.
    pub method: String,
    /// The request target: path and query, as written.
    pub target: String,
    /// The headers in order, names as written.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The first header of that name (names compare without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests;
