//! HTTP/1.1 requests as bytes: the one parser of request heads, on `httparse`, for the
//! listener, the verifier of pasted requests (`verify-callback`, the window's Verify part) and
//! the test servers.
//!
//! Two modes, one parser:
//! - [`parse_head`] reads a head **off the wire**, strictly: what RFC 9112 says a server must
//!   refuse is refused with the status to answer (two Content-Length values that differ, one
//!   that is not digits, Transfer-Encoding beside Content-Length, a folded header line, a
//!   space before a colon), and the head limit holds however the bytes arrive.
//! - [`parse_request`] reads a request **as a person pasted it** from a request bin, a proxy
//!   or a log: bare LF line ends, runs of spaces, a space before a colon and folded lines are
//!   forgiven, and a trailing line break after the body is cut off by its Content-Length.
//!
//! Either way the target is kept byte for byte as written (it is what a signature covers);
//! only its shape is checked, with `http::Uri`.

use std::str::FromStr as _;

use crate::sinch::signing::RawRequest;

/// The largest request line and headers taken; more is refused (431).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines taken; more is refused (431).
pub const MAX_HEADERS: usize = 128;

/// Why bytes are not a request this program takes, with the status a server answers. The
/// words are neutral: they are also the body of the listener's 400 sent on the wire. The
/// faces that read a pasted request add how to paste it ([`HeadError::is_incomplete_paste`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    /// Nothing at all.
    #[error("the request is empty")]
    Empty,
    /// The first line is not `METHOD /path HTTP/1.x`.
    #[error("the first line is not a request line such as `POST /callback HTTP/1.1`")]
    NoRequestLine,
    /// A header line that is not `Name: value`.
    #[error("line {0} is not a header (`Name: value`): the headers end at the first empty line")]
    BadHeader(usize),
    /// A header line that starts with white space (obsolete line folding).
    #[error("line {0} continues the header before it (a folded line): HTTP/1.1 forbids that")]
    FoldedLine(usize),
    /// White space between a header's name and its colon.
    #[error("line {0} has white space before its colon: HTTP/1.1 forbids that")]
    SpaceBeforeColon(usize),
    /// The target is not a path (or an absolute URL).
    #[error("the request target `{0}` is not a path such as /callback")]
    BadTarget(String),
    /// The head is larger than [`MAX_HEAD_BYTES`], or has more than [`MAX_HEADERS`] lines.
    #[error("the request line and headers are larger than {} KiB or {MAX_HEADERS} lines", MAX_HEAD_BYTES / 1024)]
    HeadTooLarge,
    /// Content-Length given twice, with different values.
    #[error("the request has two Content-Length values that differ")]
    ConflictingLengths,
    /// A Content-Length that is not a plain decimal number.
    #[error("the Content-Length `{0}` is not a number of bytes")]
    BadLength(String),
    /// Transfer-Encoding together with Content-Length: the framing is ambiguous.
    #[error(
        "the request has both Transfer-Encoding and Content-Length, so its length is ambiguous"
    )]
    LengthAndEncoding,
    /// A chunked (or otherwise encoded) body.
    #[error("the body is chunked: send it with a Content-Length, as Sinch does")]
    Chunked,
}

impl HeadError {
    /// Whether a person who pasted this most likely left part of the request out (its
    /// request line, or all of it): a face then says how to paste it whole.
    pub fn is_incomplete_paste(&self) -> bool {
        matches!(self, Self::Empty | Self::NoRequestLine)
    }

    /// The status a server answers this with.
    pub fn status(&self) -> u16 {
        match self {
            Self::HeadTooLarge => 431,
            Self::Chunked => 411,
            _ => 400,
        }
    }
}

/// A request head read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The method, as written.
    pub method: String,
    /// The target: path and query, as written.
    pub target: String,
    /// The headers in order, names as written.
    pub headers: Vec<(String, String)>,
    /// The head's length in bytes, its empty line included: the body starts here.
    pub len: usize,
    /// How many body bytes follow (0 without a Content-Length).
    pub content_length: usize,
}

impl Head {
    /// The first header of that name (names compare without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    /// Whether the client waits for `100 Continue` before it sends the body.
    pub fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }

    /// The whole request, once `body` (exactly [`Head::content_length`] bytes) has arrived.
    pub fn into_request(self, body: Vec<u8>) -> RawRequest {
        RawRequest {
            method: self.method,
            target: self.target,
            headers: self.headers,
            body,
        }
    }
}

fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Reads the head of a request off the wire from what has arrived so far: `Ok(None)` while
/// it is incomplete (and still within [`MAX_HEAD_BYTES`]).
pub fn parse_head(bytes: &[u8]) -> Result<Option<Head>, HeadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut slots);
    let len = match request.parse(bytes) {
        Ok(httparse::Status::Partial) if bytes.len() > MAX_HEAD_BYTES => {
            return Err(HeadError::HeadTooLarge);
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(len)) => len,
        Err(err) => return Err(wire_error(bytes, err)),
    };
    if len > MAX_HEAD_BYTES {
        return Err(HeadError::HeadTooLarge);
    }
    let (Some(method), Some(target)) = (request.method, request.path) else {
        return Err(HeadError::NoRequestLine);
    };
    let headers = owned_headers(request.headers);
    let target = wire_target(target)?;
    let content_length = framing(&headers)?;
    Ok(Some(Head {
        method: method.to_owned(),
        target,
        headers,
        len,
        content_length,
    }))
}

/// The target of a request off the wire: origin form (`/path?query`) as written, or the path
/// and query of an absolute URL (what a proxy is sent), as written.
fn wire_target(target: &str) -> Result<String, HeadError> {
    let bad = || HeadError::BadTarget(target.chars().take(200).collect());
    if target.starts_with('/') {
        http::uri::PathAndQuery::from_str(target).map_err(|_| bad())?;
        if target.contains('#') {
            return Err(bad());
        }
        return Ok(target.to_owned());
    }
    let uri = http::Uri::from_str(target).map_err(|_| bad())?;
    if uri.scheme().is_none() {
        return Err(bad());
    }
    let start = target
        .find("://")
        .and_then(|at| target[at + 3..].find(['/', '?']).map(|i| at + 3 + i));
    match start {
        Some(at) if target[at..].starts_with('/') => Ok(target[at..].to_owned()),
        Some(_) => Err(bad()),
        None => Ok("/".to_owned()),
    }
}

/// The body's length, refusing what RFC 9112 §6 says is ambiguous.
fn framing(headers: &[(String, String)]) -> Result<usize, HeadError> {
    let encoded = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"));
    let mut length: Option<usize> = None;
    for (_, value) in headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        for part in value.split(',') {
            let part = part.trim_matches([' ', '\t']);
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(HeadError::BadLength(value.chars().take(40).collect()));
            }
            let n = part
                .parse::<usize>()
                .map_err(|_| HeadError::BadLength(value.chars().take(40).collect()))?;
            match length {
                Some(before) if before != n => return Err(HeadError::ConflictingLengths),
                _ => length = Some(n),
            }
        }
    }
    match (encoded, length) {
        (true, Some(_)) => Err(HeadError::LengthAndEncoding),
        (true, None) => Err(HeadError::Chunked),
        (false, length) => Ok(length.unwrap_or(0)),
    }
}

fn owned_headers(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).trim().to_owned(),
            )
        })
        .collect()
}

/// Names the line an httparse error is about, for the words of a 400.
fn wire_error(bytes: &[u8], err: httparse::Error) -> HeadError {
    match err {
        httparse::Error::TooManyHeaders => return HeadError::HeadTooLarge,
        httparse::Error::Token | httparse::Error::Version => return HeadError::NoRequestLine,
        _ => {}
    }
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    // Leading empty lines are skipped, as httparse skips them.
    let mut number = 0;
    for line in lines.by_ref() {
        number += 1;
        if !line.is_empty() {
            break;
        }
    }
    for line in lines {
        number += 1;
        if line.is_empty() {
            break;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return HeadError::FoldedLine(number);
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return HeadError::BadHeader(number);
        };
        if line[..colon].ends_with(b" ") || line[..colon].ends_with(b"\t") {
            return HeadError::SpaceBeforeColon(number);
        }
        if single_header_fails(line) {
            return HeadError::BadHeader(number);
        }
    }
    HeadError::NoRequestLine
}

fn single_header_fails(line: &[u8]) -> bool {
    let mut one = [httparse::EMPTY_HEADER; 1];
    let mut text = line.to_vec();
    text.extend_from_slice(b"\r\n\r\n");
    httparse::parse_headers(&text, &mut one).is_err()
}

/// Reads a whole request as a person pasted it: a request line, headers, an empty line and
/// the body, with CRLF or bare LF line ends. Runs of spaces in the request line, white space
/// before a colon and folded header lines are forgiven. A `Content-Length` shorter than what
/// follows the headers cuts the body there (a trailing line break a log or an editor added is
/// not part of it).
pub fn parse_request(bytes: &[u8]) -> Result<RawRequest, HeadError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(HeadError::Empty)?;
    let bytes = &bytes[start..];
    // The head ends at the first empty line; without one, it is all head.
    let mut lines = Vec::new();
    let mut at = 0;
    let mut body_at = bytes.len();
    while at < bytes.len() {
        let end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| at + i);
        let line = &bytes[at..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at = (end + 1).min(bytes.len());
        if line.is_empty() {
            body_at = at;
            break;
        }
        lines.push(line);
        if lines.len() > MAX_HEADERS + 1 {
            return Err(HeadError::HeadTooLarge);
        }
    }
    let Some((request_line, header_lines)) = lines.split_first() else {
        return Err(HeadError::Empty);
    };
    let (method, target) = pasted_request_line(request_line)?;
    let mut headers: Vec<(String, String)> = Vec::new();
    for (i, line) in header_lines.iter().enumerate() {
        let number = i + 2;
        if matches!(line.first(), Some(b' ' | b'\t')) {
            // A folded line continues the header before it.
            let Some((_, value)) = headers.last_mut() else {
                return Err(HeadError::BadHeader(number));
            };
            let more = String::from_utf8_lossy(line);
            value.push(' ');
            value.push_str(more.trim());
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(HeadError::BadHeader(number));
        };
        let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
        let mut tidy = name.clone().into_bytes();
        tidy.push(b':');
        tidy.extend_from_slice(&line[colon + 1..]);
        if name.is_empty() || single_header_fails(&tidy) {
            return Err(HeadError::BadHeader(number));
        }
        let value = String::from_utf8_lossy(&line[colon + 1..])
            .trim()
            .to_owned();
        headers.push((name, value));
    }
    let mut body = bytes[body_at..].to_vec();
    if let Some(length) =
        header_in(&headers, "content-length").and_then(|l| l.trim().parse::<usize>().ok())
        && length < body.len()
    {
        body.truncate(length);
    }
    Ok(RawRequest {
        method,
        target,
        headers,
        body,
    })
}

/// `METHOD TARGET HTTP/1.x`, with any run of spaces or tabs between the parts.
fn pasted_request_line(line: &[u8]) -> Result<(String, String), HeadError> {
    let line = std::str::from_utf8(line).map_err(|_| HeadError::NoRequestLine)?;
    let mut parts = line.split([' ', '\t']).filter(|p| !p.is_empty());
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::NoRequestLine);
    };
    let mut slots = [httparse::EMPTY_HEADER; 0];
    let tidy = format!("{method} {target} {version}\r\n\r\n");
    let mut request = httparse::Request::new(&mut slots);
    match request.parse(tidy.as_bytes()) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(HeadError::NoRequestLine),
    }
    let target = if target.starts_with('/') {
        target.to_owned()
    } else {
        wire_target(target).map_err(|_| HeadError::NoRequestLine)?
    };
    Ok((method.to_owned(), target))
}

#[cfg(test)]
mod tests;
