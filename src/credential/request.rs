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

/// A request URL taken apart: what the signature and the transport need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestUrl<'a> {
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host, without port (an IPv6 address without its brackets).
    pub host: &'a str,
    /// The path and query, exactly as written: what the signature covers.
    pub resource: &'a str,
}

impl RequestUrl<'_> {
    /// Whether a signed request may be sent to this URL: over https anywhere, over plain
    /// http only to this machine (a signed request in clear text can be read and replayed).
    pub fn check_transport(&self) -> Result<(), String> {
        let loopback = self.host.eq_ignore_ascii_case("localhost")
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if self.scheme == "http" && !loopback {
            return Err(format!(
                "plain http:// is only for loopback test servers: a signed request sent in \
                 clear text to {} could be read and replayed; use https://",
                self.host
            ));
        }
        Ok(())
    }
}

/// Takes a URL apart, or says why it is not one this tool can sign.
pub fn parse_url(url: &str) -> Result<RequestUrl<'_>, String> {
    let bad = || {
        format!(
            "'{url}' is not a URL: write it like https://calling.api.sinch.com/calling/v1/callouts"
        )
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme, "http" | "https") {
        return Err(format!(
            "'{scheme}' is not http or https: Sinch's APIs are called over https"
        ));
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, resource) = match rest.find(['/', '?']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if resource.starts_with('?') {
        return Err(format!(
            "'{url}' has a query but no path: write the path before the '?'"
        ));
    }
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host.split(':').next().unwrap_or(host),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok(RequestUrl {
        scheme,
        host,
        resource,
    })
}

/// Whether `method` is a plain HTTP method word.
pub fn check_method(method: &str) -> Result<(), String> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(format!(
            "'{method}' is not an HTTP method: use GET, POST, PUT, PATCH or DELETE"
        ));
    }
    Ok(())
}

/// Where a curl command takes the body from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurlBody<'a> {
    /// No body.
    None,
    /// The body's bytes, when they are text a shell word can carry.
    Bytes(&'a [u8]),
    /// A file that holds the body.
    File(&'a std::path::Path),
}

/// `text` as one POSIX shell word, whatever it holds.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A ready curl command that sends exactly what was signed: every value shell-quoted, the
/// body with `--data-binary` so that curl sends its bytes unchanged. The secret is never in
/// it (only the signature is).
pub fn curl_command(method: &str, url: &str, signed: &Signed, body: CurlBody<'_>) -> String {
    let mut parts = vec![
        "curl".to_owned(),
        "-X".to_owned(),
        method.to_ascii_uppercase(),
        shell_quote(url),
        "-H".to_owned(),
        shell_quote(&format!("x-timestamp: {}", signed.x_timestamp)),
        "-H".to_owned(),
        shell_quote(&format!("Authorization: {}", signed.authorization)),
    ];
    if let Some(ct) = &signed.content_type {
        parts.push("-H".to_owned());
        parts.push(shell_quote(&format!("Content-Type: {ct}")));
    }
    match body {
        CurlBody::None => {}
        CurlBody::Bytes([]) => {}
        CurlBody::File(path) => {
            parts.push("--data-binary".to_owned());
            parts.push(shell_quote(&format!("@{}", path.display())));
        }
        CurlBody::Bytes(bytes) => {
            parts.push("--data-binary".to_owned());
            match std::str::from_utf8(bytes) {
                Ok(text) if !text.contains('\0') => parts.push(shell_quote(text)),
                // Bytes a shell word cannot carry: curl reads them from standard input.
                _ => parts.push("@-".to_owned()),
            }
        }
    }
    parts.join(" ")
}

/// The signed headers as lines to paste into another tool.
pub fn header_lines(signed: &Signed) -> String {
    let mut text = format!(
        "x-timestamp: {}\nAuthorization: {}",
        signed.x_timestamp, signed.authorization
    );
    if let Some(ct) = &signed.content_type {
        text.push_str(&format!("\nContent-Type: {ct}"));
    }
    text
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

/// Why a text is not an HTTP request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing at all.
    #[error("there is nothing to verify: paste the whole request, from its first line to its body")]
    Empty,
    /// The first line is not `METHOD /path HTTP/1.x`.
    #[error(
        "the first line is not a request line such as `POST /callback HTTP/1.1`: paste the whole request, starting with it"
    )]
    NoRequestLine,
    /// A header line without a colon.
    #[error("line {0} is not a header (`Name: value`): the headers end at the first empty line")]
    BadHeader(usize),
}

/// Reads a raw HTTP/1.1 request: a request line, headers, an empty line and the body, with
/// CRLF or bare LF line ends. A `Content-Length` shorter than what follows the headers cuts
/// the body there (a trailing line break a log or an editor added is not part of it).
pub fn parse_request(bytes: &[u8]) -> Result<RawRequest, ParseError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(ParseError::Empty)?;
    let bytes = &bytes[start..];
    let mut rest = bytes;
    let mut next_line = || -> Option<&[u8]> {
        if rest.is_empty() {
            return None;
        }
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or_default();
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    };
    let request_line = next_line().ok_or(ParseError::Empty)?;
    let request_line = std::str::from_utf8(request_line).map_err(|_| ParseError::NoRequestLine)?;
    let mut parts = request_line.split(' ').filter(|p| !p.is_empty());
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::NoRequestLine);
    };
    if !version.starts_with("HTTP/")
        || !method.bytes().all(|b| b.is_ascii_alphabetic())
        || !target.starts_with('/')
    {
        return Err(ParseError::NoRequestLine);
    }
    let mut headers = Vec::new();
    let mut number = 1;
    loop {
        number += 1;
        let Some(line) = next_line() else { break };
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(line);
        let Some((name, value)) = line.split_once(':') else {
            return Err(ParseError::BadHeader(number));
        };
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut request = RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: rest.to_vec(),
    };
    if let Some(length) = request
        .header("content-length")
        .and_then(|l| l.parse::<usize>().ok())
        && length < request.body.len()
    {
        request.body.truncate(length);
    }
    Ok(request)
}

/// What to verify a request with.
#[derive(Debug, Clone, Copy)]
pub struct CallbackKeys<'a> {
    /// The application key the request must name; `None` takes the one it names.
    pub key: Option<&'a str>,
    /// The application secret.
    pub secret: &'a AppSecret,
}

/// The verdict on a signed request, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestVerdict {
    /// Whether the request is what Sinch signs, and fresh enough.
    pub verified: bool,
    /// Why not, in a sentence (`None` when verified).
    pub reason: Option<String>,
    /// `application`, `basic`, or what the header says.
    pub scheme: Option<String>,
    /// What the signature should have covered, to compare with one's own server's.
    pub string_to_sign: Option<String>,
    /// Things worth knowing that do not decide the verdict.
    pub warnings: Vec<String>,
}

impl RequestVerdict {
    fn invalid(reason: impl Into<String>) -> Self {
        Self {
            verified: false,
            reason: Some(reason.into()),
            scheme: None,
            string_to_sign: None,
            warnings: Vec::new(),
        }
    }
}

/// Verifies a request signed with the application's key and secret (a Sinch callback, or a
/// request a client signed), at `now`. `max_age_secs` bounds how far its `x-timestamp` may
/// be from now (`None`: any age).
pub fn verify_request(
    request: &RawRequest,
    keys: CallbackKeys<'_>,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> RequestVerdict {
    let Some(authorization) = request.header("authorization") else {
        return RequestVerdict::invalid(
            "there is no Authorization header: Sinch signs every callback, so this request did \
             not come from Sinch, or a proxy removed the header",
        );
    };
    let (scheme, value) = authorization
        .split_once(' ')
        .map_or((authorization, ""), |(s, v)| (s, v.trim()));
    let mut verdict = match scheme.to_ascii_lowercase().as_str() {
        "application" => verify_application(request, value, keys),
        "basic" => verify_basic(value, keys),
        _ => RequestVerdict::invalid(format!(
            "the Authorization scheme is \"{scheme}\", but Sinch signs with \"Application\" \
             (or \"Basic\")"
        )),
    };
    verdict.scheme = Some(scheme.to_ascii_lowercase());
    if verdict.verified && verdict.scheme.as_deref() == Some("application") {
        check_age(&mut verdict, request, now, max_age_secs);
    }
    verdict
}

fn verify_basic(value: &str, keys: CallbackKeys<'_>) -> RequestVerdict {
    let warning = "HTTP Basic carries the application secret itself in every request: fine for \
                   a quick test, not for production";
    let decoded = STANDARD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return RequestVerdict::invalid("the Basic credentials are not base64 of KEY:SECRET");
    };
    let decoded = zeroize::Zeroizing::new(decoded);
    let Some((key, secret)) = decoded.split_once(':') else {
        return RequestVerdict::invalid(
            "the Basic credentials hold no colon: they are not KEY:SECRET",
        );
    };
    let mut verdict = if let Some(expected) = keys.key.filter(|k| *k != key) {
        RequestVerdict::invalid(format!(
            "the Basic credentials name key {key}, but the profile's key is {expected}"
        ))
    } else if AppSecret::from_base64(secret).ok().as_ref() != Some(keys.secret) {
        // The secret is never echoed, not even the wrong one.
        RequestVerdict::invalid("the Basic credentials carry another secret than the profile's")
    } else {
        RequestVerdict {
            verified: true,
            reason: None,
            scheme: None,
            string_to_sign: None,
            warnings: Vec::new(),
        }
    };
    verdict.warnings.push(warning.to_owned());
    verdict
}

fn verify_application(request: &RawRequest, value: &str, keys: CallbackKeys<'_>) -> RequestVerdict {
    let Some((key, given)) = value.split_once(':') else {
        return RequestVerdict::invalid(
            "the Authorization value is not KEY:SIGNATURE after \"Application\"",
        );
    };
    if let Some(expected) = keys.key.filter(|k| *k != key) {
        return RequestVerdict::invalid(format!(
            "the request is signed for application key {key}, but the profile's key is \
             {expected}: pick the profile of that application"
        ));
    }
    let timestamp = request.header("x-timestamp");
    let content_type = request.header("content-type");
    // The body is hashed once, however many variants the diagnosis below tries.
    let body_md5 = content_md5(&request.body);
    let signed = |content_type: Option<&str>, resource: &str| {
        let sign = SignRequest {
            method: &request.method,
            resource,
            content_type,
            body: &request.body,
            timestamp: timestamp.unwrap_or_default(),
        };
        let text = string_to_sign(&sign, &body_md5);
        let matches = signature(keys.secret, &text) == given;
        (text, matches)
    };
    let (text, matches) = signed(content_type, &request.target);
    if matches {
        return RequestVerdict {
            verified: true,
            reason: None,
            scheme: None,
            string_to_sign: Some(text),
            warnings: Vec::new(),
        };
    }
    let reason = mismatch_reason(request, &body_md5, timestamp, content_type, &signed);
    RequestVerdict {
        verified: false,
        reason: Some(reason),
        scheme: None,
        string_to_sign: Some(text),
        warnings: Vec::new(),
    }
}

/// Signs the arrived request as if it had this Content-Type and path: the string to sign,
/// and whether its signature matches the one given.
type SignsAs<'a> = dyn Fn(Option<&str>, &str) -> (String, bool) + 'a;

/// What probably differs between what was signed and what arrived.
fn mismatch_reason(
    request: &RawRequest,
    body_md5: &str,
    timestamp: Option<&str>,
    content_type: Option<&str>,
    signed: &SignsAs<'_>,
) -> String {
    let base = "the signature does not match this secret";
    if timestamp.is_none() {
        return format!(
            "{base}: the request has no x-timestamp header, which the signature covers"
        );
    }
    if let Some(md5) = request.header("content-md5")
        && md5 != body_md5
    {
        return format!(
            "{base}: the Content-MD5 header does not match the body, so the body changed in \
             transit (re-serialized JSON, changed line ends or white space)"
        );
    }
    // A Content-Type whose charset or case differs.
    let mut variants: Vec<Option<String>> = vec![None];
    if let Some(sent) = content_type {
        let bare = sent.split(';').next().unwrap_or(sent).trim().to_owned();
        variants.push(Some(bare.clone()));
        variants.push(Some(bare.to_ascii_lowercase()));
        variants.push(Some(format!("{bare}; charset=utf-8")));
        variants.push(Some(format!("{bare}; charset=UTF-8")));
        variants.push(Some(sent.to_ascii_lowercase()));
    } else {
        variants.push(Some("application/json".into()));
    }
    for variant in variants.iter().filter(|v| v.as_deref() != content_type) {
        if signed(variant.as_deref(), &request.target).1 {
            return format!(
                "{base} as sent, but it does with Content-Type {}: the Content-Type header \
                 was changed on the way (its charset or case), or the signer used another",
                variant
                    .as_deref()
                    .map_or("absent".to_owned(), |v| format!("\"{v}\""))
            );
        }
    }
    // A path behind a proxy prefix.
    let path = request.target.as_str();
    let mut trimmed = path;
    while let Some(rest) = trimmed
        .strip_prefix('/')
        .and_then(|t| t.find('/').map(|i| &t[i..]))
    {
        trimmed = rest;
        if signed(content_type, trimmed).1 {
            let prefix = &path[..path.len() - trimmed.len()];
            return format!(
                "{base} for path {path}, but it does for {trimmed}: the request passed through \
                 a proxy that added {prefix}; verify against the path Sinch called"
            );
        }
    }
    format!(
        "{base}: the body, the Content-Type, the path or the x-timestamp differ from what was \
         signed, or another application's secret signed it; compare the string to sign below \
         with your server's"
    )
}

fn check_age(
    verdict: &mut RequestVerdict,
    request: &RawRequest,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) {
    let Some(stamp) = request.header("x-timestamp") else {
        return;
    };
    let Some(at) = time::parse_generator_timestamp(stamp) else {
        verdict.warnings.push(format!(
            "the x-timestamp \"{stamp}\" is not an ISO 8601 time: Sinch writes e.g. 2014-06-04T13:41:58Z"
        ));
        return;
    };
    let age = (now - at).num_seconds().unsigned_abs();
    let Some(max) = max_age_secs else {
        return;
    };
    if age > max {
        verdict.verified = false;
        verdict.reason = Some(format!(
            "the signature is valid, but the x-timestamp is {} away from now (more than {}): \
             the request may be a replay; allow it with --max-age",
            time::format_duration(age),
            time::format_duration(max)
        ));
    }
}

#[cfg(test)]
mod tests;
