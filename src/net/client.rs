//! Sending a signed request: the one HTTP client both faces use (the command line's `send`
//! and the window's Request tab). A blocking ureq agent with rustls; callers that must not
//! block (the window) run it on a worker thread.

use std::time::{Duration, Instant};

use crate::net::target::RequestUrl;

/// The largest response body read.
pub const MAX_RESPONSE_BYTES: u64 = 10 * 1024 * 1024;
/// How long connecting may take at most.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the whole exchange may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A signed request ready to go.
pub struct Outgoing<'a> {
    /// The method.
    pub method: &'a str,
    /// The whole URL.
    pub url: &'a str,
    /// The headers, in order: the signed ones ([`crate::sinch::signing::Signed::headers`])
    /// and any others.
    pub headers: Vec<(String, String)>,
    /// The body bytes, exactly as signed.
    pub body: Vec<u8>,
    /// How long the whole exchange may take.
    pub timeout: Duration,
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Its reason phrase ("OK").
    pub reason: String,
    /// The Content-Type of the answer, when it has one.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// How long the exchange took.
    pub took: Duration,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The status line for people, e.g. `HTTP 200 OK (12 ms)`.
    pub fn status_line(&self) -> String {
        format!(
            "HTTP {} {} ({} ms)",
            self.status,
            self.reason,
            self.took.as_millis()
        )
    }

    /// The body for people: pretty JSON when it is JSON, the text otherwise.
    pub fn pretty_body(&self) -> String {
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(json) => format!("{json:#}"),
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }
}

/// Sends `request` to `url`, which must allow it (see [`RequestUrl::check_transport`]).
/// The error is one sentence that says whether the network, DNS or TLS failed.
pub fn send(url: &RequestUrl<'_>, request: Outgoing<'_>) -> Result<Answer, String> {
    url.check_transport()?;
    let mut builder = ureq::http::Request::builder()
        .method(request.method.to_ascii_uppercase().as_str())
        .uri(request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = builder
        .body(request.body)
        .map_err(|err| format!("the request cannot be built: {err}"))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT.min(request.timeout)))
        .timeout_global(Some(request.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let started = Instant::now();
    let response = agent.run(built).map_err(network_failure)?;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .into_body()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(network_failure)?;
    Ok(Answer {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_owned(),
        content_type,
        body,
        took: started.elapsed(),
    })
}

/// One sentence for a failure to reach the server: which kind, and what to check.
fn network_failure(err: ureq::Error) -> String {
    use ureq::Error as E;
    match &err {
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
            format!(
                "the response is larger than {} MiB",
                MAX_RESPONSE_BYTES >> 20
            )
        }
        _ => format!("the request failed: {err}"),
    }
}
