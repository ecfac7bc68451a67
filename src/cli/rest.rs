//! `sign`, `send` and `verify-callback`: Sinch REST requests signed with a profile's key and
//! secret, and the signed callbacks Sinch sends back. The signing and checking are the
//! core's ([`crate::credential::request`]); this file reads arguments and prints.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use clap::Args;

use super::{CredentialArgs, Failure, credentials, exit, stdio, warn};
use crate::credential::request::{
    self, CallbackKeys, SignRequest, Signed, parse_request, sign_request, verify_request,
};
use crate::credential::time;

/// The largest body read from a file or standard input.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// The request to sign or send.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// The HTTP method: GET, POST, PUT, PATCH, DELETE.
    #[arg(value_name = "METHOD")]
    method: String,
    /// The full URL, e.g. https://calling.api.sinch.com/calling/v1/callouts; its path and
    /// query are signed exactly as written.
    #[arg(value_name = "URL")]
    url: String,
    /// The body, sent and signed byte for byte.
    #[arg(long, value_name = "TEXT", conflicts_with = "data_file")]
    data: Option<String>,
    /// Read the body from FILE ('-' for standard input), byte for byte.
    #[arg(long, value_name = "FILE|-")]
    data_file: Option<PathBuf>,
    /// The Content-Type, signed exactly as written (a body without one is sent as
    /// application/json).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
}

/// Arguments of `sinch-ticket sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    request: RequestArgs,
    /// The x-timestamp to sign (RFC 3339, used verbatim); defaults to now, whole seconds.
    #[arg(long, value_name = "RFC3339")]
    timestamp: Option<String>,
    /// Print the headers and what was signed as JSON.
    #[arg(long, conflicts_with = "curl")]
    json: bool,
    /// Print a ready curl command that sends the exact body.
    #[arg(long)]
    curl: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    request: RequestArgs,
    /// Another header to send, as 'Name: value' (not signed; repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// How long the whole exchange may take (connecting takes at most 10 s of it).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: u64,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket verify-callback`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The raw HTTP request (request line, headers, empty line, body); '-' or nothing reads
    /// it from standard input.
    #[arg(value_name = "FILE|-")]
    file: Option<PathBuf>,
    /// How far the x-timestamp may be from now (a duration such as 15m, or 'none'); older
    /// requests may be replays.
    #[arg(long, value_name = "DURATION|none", default_value = "15m", value_parser = max_age)]
    max_age: MaxAge,
    /// Print the verdict as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// How old a callback may be.
#[derive(Debug, Clone, Copy)]
pub struct MaxAge(Option<u64>);

fn duration(text: &str) -> Result<u64, String> {
    time::parse_duration(text).map_err(|e| e.to_string())
}

fn max_age(text: &str) -> Result<MaxAge, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxAge(None));
    }
    time::parse_duration(text)
        .map(|secs| MaxAge(Some(secs)))
        .map_err(|e| e.to_string())
}

/// A URL taken apart: what the signature and the transport need.
struct Target<'a> {
    /// `http` or `https`.
    scheme: &'a str,
    /// The host, without port.
    host: &'a str,
    /// The path and query, as written.
    resource: &'a str,
}

fn target(url: &str) -> Result<Target<'_>, Failure> {
    let bad = || {
        Failure::usage(format!(
            "'{url}' is not a URL: write it like https://calling.api.sinch.com/calling/v1/callouts"
        ))
    };
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !matches!(scheme, "http" | "https") {
        return Err(Failure::usage(format!(
            "'{scheme}' is not http or https: Sinch's APIs are called over https"
        )));
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, resource) = match rest.find(['/', '?']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    if host.is_empty() {
        return Err(bad());
    }
    // A query right after the host still signs a path.
    let resource = if resource.starts_with('?') {
        return Err(Failure::usage(format!(
            "'{url}' has a query but no path: write the path before the '?'"
        )));
    } else {
        resource
    };
    Ok(Target {
        scheme,
        host,
        resource,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The body and Content-Type to send, read and checked.
fn body(args: &RequestArgs) -> Result<(Vec<u8>, Option<String>), Failure> {
    let body = match (&args.data, &args.data_file) {
        (Some(text), _) => text.as_bytes().to_vec(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            read_body(std::io::stdin().lock(), "the body on standard input")?
        }
        (None, Some(path)) => {
            let file = std::fs::File::open(path).map_err(|err| {
                Failure::io(&format!("opening the body file {}", path.display()), &err)
            })?;
            read_body(file, &format!("the body file {}", path.display()))?
        }
        (None, None) => Vec::new(),
    };
    let content_type = match &args.content_type {
        Some(ct) => Some(ct.clone()),
        None if !body.is_empty() => {
            warn("no --content-type given: the body is sent and signed as application/json");
            Some("application/json".to_owned())
        }
        None => None,
    };
    if content_type
        .as_deref()
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
        && !body.is_empty()
        && serde_json::from_slice::<serde_json::Value>(&body).is_err()
    {
        warn("the body is not valid JSON, though its Content-Type says JSON: it is sent as given");
    }
    Ok((body, content_type))
}

fn read_body(input: impl std::io::Read, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    input
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Failure::io(&format!("reading {what}"), &err))?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(Failure::usage(format!(
            "{what} is larger than {} MiB: Sinch's API takes far smaller bodies",
            MAX_BODY_BYTES >> 20
        )));
    }
    Ok(bytes)
}

fn stdin_for(args: &RequestArgs) -> Option<&'static str> {
    args.data_file
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-")
        .then_some("--data-file -")
}

/// Signs what `args` describe, at `stamp`.
fn signed(
    args: &RequestArgs,
    key: &str,
    secret: &crate::credential::AppSecret,
    stamp: &str,
    body: &[u8],
    content_type: Option<&str>,
) -> Result<Signed, Failure> {
    let target = target(&args.url)?;
    if !args.method.bytes().all(|b| b.is_ascii_alphabetic()) || args.method.is_empty() {
        return Err(Failure::usage(format!(
            "'{}' is not an HTTP method: use GET, POST, PUT, PATCH or DELETE",
            args.method
        )));
    }
    Ok(sign_request(
        key,
        secret,
        &SignRequest {
            method: &args.method,
            resource: target.resource,
            content_type,
            body,
            timestamp: stamp,
        },
    ))
}

/// `sinch-ticket sign`.
pub fn sign(args: &SignArgs) -> Result<u8, Failure> {
    let stamp = match &args.timestamp {
        Some(text) => {
            chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
                Failure::usage(format!(
                    "--timestamp '{text}' is not an RFC 3339 time: write it like 2014-06-04T13:41:58Z"
                ))
            })?;
            text.clone()
        }
        None => request::timestamp(Utc::now()),
    };
    let (key, secret) = credentials::for_signing(&args.credentials, stdin_for(&args.request))?;
    let (body, content_type) = body(&args.request)?;
    let signed = signed(
        &args.request,
        &key,
        &secret,
        &stamp,
        &body,
        content_type.as_deref(),
    )?;
    if args.json {
        let report = serde_json::to_value(&signed)
            .map_err(|err| Failure::usage(format!("could not write JSON: {err}")))?;
        return stdio::line(&format!("{report:#}")).map(|()| exit::OK);
    }
    if args.curl {
        return stdio::line(&curl(&args.request, &signed, &body)).map(|()| exit::OK);
    }
    let mut text = format!(
        "x-timestamp: {}\nAuthorization: {}",
        signed.x_timestamp, signed.authorization
    );
    if let Some(ct) = &signed.content_type {
        text.push_str(&format!("\nContent-Type: {ct}"));
    }
    stdio::human(&text).map(|()| exit::OK)
}

/// `text` as one shell word, whatever it holds.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A curl command that sends exactly what was signed: `--data-binary` keeps the bytes.
fn curl(args: &RequestArgs, signed: &Signed, body: &[u8]) -> String {
    let mut parts = vec![
        "curl".to_owned(),
        "-X".to_owned(),
        args.method.to_ascii_uppercase(),
        shell_quote(&args.url),
        "-H".to_owned(),
        shell_quote(&format!("x-timestamp: {}", signed.x_timestamp)),
        "-H".to_owned(),
        shell_quote(&format!("Authorization: {}", signed.authorization)),
    ];
    if let Some(ct) = &signed.content_type {
        parts.push("-H".to_owned());
        parts.push(shell_quote(&format!("Content-Type: {ct}")));
    }
    if !body.is_empty() {
        parts.push("--data-binary".to_owned());
        match (&args.data_file, std::str::from_utf8(body)) {
            (Some(path), _) if path.as_os_str() != "-" => {
                parts.push(shell_quote(&format!("@{}", path.display())));
            }
            (_, Ok(text)) if !text.contains('\0') => parts.push(shell_quote(text)),
            // Bytes a shell word cannot carry: curl reads them from standard input.
            _ => parts.push("@-".to_owned()),
        }
    }
    parts.join(" ")
}

/// `sinch-ticket send`.
pub fn send(args: &SendArgs) -> Result<u8, Failure> {
    let target = target(&args.request.url)?;
    if target.scheme == "http" && !is_loopback(target.host) {
        return Err(Failure::usage(format!(
            "plain http:// is only for loopback test servers: a signed request sent in clear \
             text to {} could be read and replayed; use https://",
            target.host
        )));
    }
    let mut extra = Vec::new();
    for header in &args.headers {
        let Some((name, value)) = header.split_once(':') else {
            return Err(Failure::usage(format!(
                "-H '{header}' is not 'Name: value'"
            )));
        };
        extra.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let (key, secret) = credentials::for_signing(&args.credentials, stdin_for(&args.request))?;
    let (body, content_type) = body(&args.request)?;
    let stamp = request::timestamp(Utc::now());
    let signed = signed(
        &args.request,
        &key,
        &secret,
        &stamp,
        &body,
        content_type.as_deref(),
    )?;
    drop(secret);

    let mut request = ureq::http::Request::builder()
        .method(args.request.method.to_ascii_uppercase().as_str())
        .uri(&args.request.url)
        .header("x-timestamp", &signed.x_timestamp)
        .header("Authorization", &signed.authorization);
    if let Some(ct) = &signed.content_type {
        request = request.header("Content-Type", ct);
    }
    for (name, value) in &extra {
        request = request.header(name, value);
    }
    let request = request
        .body(body)
        .map_err(|err| Failure::usage(format!("the request cannot be built: {err}")))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(args.timeout.min(10))))
        .timeout_global(Some(Duration::from_secs(args.timeout)))
        .http_status_as_error(false)
        .build()
        .into();
    let started = Instant::now();
    let response = agent.run(request).map_err(network_failure)?;
    let status = response.status();
    let text = response
        .into_body()
        .with_config()
        .limit(MAX_BODY_BYTES as u64)
        .read_to_vec()
        .map_err(network_failure)?;
    let took = started.elapsed();
    stdio::human(&format!(
        "HTTP {} {} ({} ms)",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        took.as_millis()
    ))?;
    if !text.is_empty() {
        stdio::human(&pretty(&text))?;
    }
    Ok(if status.is_success() {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// A response body for people: pretty JSON when it is JSON, the text otherwise.
pub fn pretty(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => format!("{json:#}"),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// One sentence for a failure to reach the server: which kind, and what to check.
fn network_failure(err: ureq::Error) -> Failure {
    use ureq::Error as E;
    let message = match &err {
        E::Timeout(_) => {
            format!("the server did not answer in time ({err}): is it up and reachable?")
        }
        E::HostNotFound => "the host name could not be resolved (DNS): check the URL".to_owned(),
        E::ConnectionFailed => {
            "the connection was refused or failed: is the server running on that port?".to_owned()
        }
        E::Io(io) => format!("the connection failed: {io}"),
        E::Tls(_) | E::Rustls(_) => {
            format!("the TLS handshake failed ({err}): check the host and its certificate")
        }
        E::BodyExceedsLimit(_) => {
            format!("the response is larger than {} MiB", MAX_BODY_BYTES >> 20)
        }
        _ => format!("the request failed: {err}"),
    };
    Failure {
        code: exit::IO,
        message,
    }
}

/// `sinch-ticket verify-callback`.
pub fn verify_callback(args: &VerifyArgs) -> Result<u8, Failure> {
    let from_stdin = args.file.as_ref().is_none_or(|f| f.as_os_str() == "-");
    let credentials = credentials::for_verifying(
        &args.credentials,
        from_stdin.then_some("reading the request from it"),
    )?;
    let raw = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            let file = std::fs::File::open(path)
                .map_err(|err| Failure::io(&format!("opening {}", path.display()), &err))?;
            read_body(file, &path.display().to_string())?
        }
        _ => read_body(std::io::stdin().lock(), "the request on standard input")?,
    };
    let parsed = parse_request(&raw).map_err(|err| Failure::usage(err.to_string()))?;
    let Some(credentials) = credentials else {
        return Err(Failure::usage(format!(
            "no secret to verify with: use --profile NAME, or --key KEY with {} or --secret-stdin",
            super::SECRET_ENV
        )));
    };
    if credentials.key.is_none() {
        warn("no --key given: the key the request names is taken as it is");
    }
    let verdict = verify_request(
        &parsed,
        CallbackKeys {
            key: credentials.key.as_deref(),
            secret: &credentials.secret,
        },
        Utc::now(),
        args.max_age.0,
    );
    if args.json {
        let report = serde_json::to_value(&verdict)
            .map_err(|err| Failure::usage(format!("could not write JSON: {err}")))?;
        stdio::line(&format!("{report:#}"))?;
    } else {
        let mut text = if verdict.verified {
            format!(
                "Verified: {} {} signed with the {} scheme.",
                parsed.method,
                parsed.target,
                verdict.scheme.as_deref().unwrap_or("?")
            )
        } else {
            format!(
                "NOT VERIFIED: {}",
                verdict.reason.as_deref().unwrap_or("unknown")
            )
        };
        for warning in &verdict.warnings {
            text.push_str(&format!("\nwarning: {warning}"));
        }
        if !verdict.verified
            && let Some(string_to_sign) = &verdict.string_to_sign
        {
            text.push_str("\nString to sign (between the lines):\n---\n");
            text.push_str(string_to_sign);
            text.push_str("\n---");
        }
        stdio::human(&text)?;
    }
    Ok(if verdict.verified {
        exit::OK
    } else {
        exit::REJECTED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_their_path_and_query_as_written() {
        let t = target("https://calling.api.sinch.com/calling/v1/callouts?x=%20y#frag").unwrap();
        assert_eq!(
            (t.scheme, t.host, t.resource),
            (
                "https",
                "calling.api.sinch.com",
                "/calling/v1/callouts?x=%20y"
            )
        );
        let t = target("http://127.0.0.1:8080").unwrap();
        assert_eq!((t.host, t.resource), ("127.0.0.1", "/"));
        let t = target("http://[::1]:9/cb").unwrap();
        assert_eq!((t.host, t.resource), ("::1", "/cb"));
        assert!(target("calling.api.sinch.com/x").is_err());
        assert!(target("ftp://x/y").is_err());
        assert!(is_loopback("localhost") && is_loopback("127.0.0.2") && is_loopback("::1"));
        assert!(!is_loopback("10.0.0.1") && !is_loopback("example.com"));
    }

    #[test]
    fn curl_words_survive_any_quote() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
