//! HTTP/1.1 requests as bytes: the one parser of request heads, for the listener, the
//! verifier of pasted requests and the test servers.

use crate::sinch::signing::RawRequest;

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
