//! Sending a request: the one HTTP client of the program (`send`, `trigger`, the listener's
//! forwarding, the window's Request and Callbacks tabs). A blocking ureq agent with rustls
//! that **follows no redirect**: a 3xx is an answer, shown with its Location, never a reason
//! to send the caller's signed headers and body to another host, port or scheme. Callers
//! that must not block (the window) run it on a worker thread.

use std::time::{Duration, Instant};

use crate::net::target::{RequestUrl, TargetError};

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
    /// Where a redirect points (the `Location` of a 3xx), when it has one.
    pub location: Option<String>,
    /// The `WWW-Authenticate` of a 401, when it has one (an expired OAuth2 token says so).
    pub www_authenticate: Option<String>,
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

    /// The status line for people, e.g. `HTTP 200 OK (12 ms)`, or
    /// `HTTP 302 Found (3 ms), a redirect to https://… (not followed)`.
    pub fn status_line(&self) -> String {
        let mut line = format!(
            "HTTP {} {} ({} ms)",
            self.status,
            self.reason,
            self.took.as_millis()
        );
        if (300..400).contains(&self.status) {
            match &self.location {
                Some(to) => line.push_str(&format!(
                    ", a redirect to {} (not followed)",
                    crate::sinch::text::terminal_safe(to)
                )),
                None => line.push_str(", a redirect without a Location (not followed)"),
            }
        }
        line
    }

    /// The body for people: pretty JSON when it is JSON, the text otherwise.
    pub fn pretty_body(&self) -> String {
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(json) => format!("{json:#}"),
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The URL may not be used (not a URL, plain http off this machine, …).
    #[error(transparent)]
    Target(#[from] TargetError),
    /// The request itself cannot be made (a header name or value HTTP cannot carry).
    #[error("the request cannot be built: {0}")]
    Build(String),
    /// The host name did not resolve.
    #[error("the host name could not be resolved (DNS): check the URL")]
    Dns,
    /// Nobody listens there, or the connection failed.
    #[error("the connection was refused or failed: is the server running on that port?")]
    Refused,
    /// The TLS handshake failed.
    #[error("the TLS handshake failed ({0}): check the host and its certificate")]
    Tls(String),
    /// No answer in time.
    #[error("the server did not answer in time (within {} s): is it up and reachable?", .0.as_secs_f32().ceil())]
    Timeout(Duration),
    /// The answer was larger than the limit (bytes; [`MAX_RESPONSE_BYTES`] unless said).
    #[error("the answer is larger than {} KiB", .0 >> 10)]
    TooLarge(u64),
    /// Anything else the connection did.
    #[error("the connection failed: {0}")]
    Io(String),
}

impl SendError {
    /// Whether the request was wrong before any network was involved: the caller's mistake
    /// (a usage error), not the network's.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::Target(_) | Self::Build(_))
    }
}

/// Sends `request` to `url`, which must allow it (see [`RequestUrl::check_transport`]).
/// Redirects are answers: nothing is sent twice, nor anywhere else.
pub fn send(url: &RequestUrl<'_>, request: Outgoing<'_>) -> Result<Answer, SendError> {
    send_within(url, request, MAX_RESPONSE_BYTES)
}

/// [`send`], taking an answer body of at most `limit` bytes (a longer one fails).
pub fn send_within(
    url: &RequestUrl<'_>,
    request: Outgoing<'_>,
    limit: u64,
) -> Result<Answer, SendError> {
    url.check_transport()?;
    let agent = agent(proxy_for(url.host), request.timeout);
    exchange(&agent, request, limit)
}

/// An agent that follows no redirect and takes any status as an answer, with its time
/// limits and proxy.
fn agent(proxy: Option<ureq::Proxy>, timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(proxy)
        .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// Agents kept for many requests (the mock's callbacks), each keeping its connections open
/// between them: one without a proxy for this machine's hosts, one with the environment's
/// proxy for the others, as [`send`] chooses. Building an agent sets up rustls each time,
/// which a sender of thousands of requests a second should do once.
pub struct Agents {
    local: ureq::Agent,
    remote: ureq::Agent,
}

impl Agents {
    /// Agents whose exchanges each take at most `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self {
            local: agent(None, timeout),
            remote: agent(ureq::Proxy::try_from_env(), timeout),
        }
    }

    /// [`send`] with these agents (the request's own timeout is theirs).
    pub fn send(&self, url: &RequestUrl<'_>, request: Outgoing<'_>) -> Result<Answer, SendError> {
        url.check_transport()?;
        let agent = if crate::net::target::is_loopback_host(url.host) {
            &self.local
        } else {
            &self.remote
        };
        exchange(agent, request, MAX_RESPONSE_BYTES)
    }
}

/// One exchange on `agent`: the request sent, the answer read (at most `limit` bytes).
fn exchange(agent: &ureq::Agent, request: Outgoing<'_>, limit: u64) -> Result<Answer, SendError> {
    let mut builder = ureq::http::Request::builder()
        .method(request.method.to_ascii_uppercase().as_str())
        .uri(request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = builder
        .body(request.body)
        .map_err(|err| SendError::Build(err.to_string()))?;
    let started = Instant::now();
    let failed = |err| network_failure(err, request.timeout);
    let response = agent.run(built).map_err(failed)?;
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, location) = (header("content-type"), header("location"));
    let www_authenticate = header("www-authenticate");
    let body = response
        .into_body()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(failed)?;
    Ok(Answer {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_owned(),
        content_type,
        location,
        www_authenticate,
        body,
        took: started.elapsed(),
    })
}

/// The proxy a request to `host` goes through: the environment's (HTTP_PROXY, HTTPS_PROXY,
/// ALL_PROXY) for hosts off this machine only, as Vault's own client does. For a loopback
/// host a proxy would decide what "127.0.0.1" is, and read what is sent in clear to a local
/// server (a signed request, a Vault token).
pub fn proxy_for(host: &str) -> Option<ureq::Proxy> {
    if crate::net::target::is_loopback_host(host) {
        None
    } else {
        ureq::Proxy::try_from_env()
    }
}

/// Which kind of failure a ureq error is.
fn network_failure(err: ureq::Error, timeout: Duration) -> SendError {
    use ureq::Error as E;
    match err {
        E::Timeout(_) => SendError::Timeout(timeout),
        E::HostNotFound => SendError::Dns,
        E::ConnectionFailed => SendError::Refused,
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => SendError::Refused,
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => SendError::Timeout(timeout),
        // rustls reports a certificate it does not trust as invalid data on the stream.
        E::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => SendError::Tls(io.to_string()),
        E::Io(io) => SendError::Io(io.to_string()),
        E::Tls(_) | E::Rustls(_) => SendError::Tls(err.to_string()),
        E::BodyExceedsLimit(limit) => SendError::TooLarge(limit),
        E::Http(_) | E::BadUri(_) | E::InvalidProxyUrl => SendError::Build(err.to_string()),
        other => SendError::Io(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_that_cannot_be_made_is_the_callers_mistake_not_the_networks() {
        assert!(SendError::Build("bad header".into()).is_usage());
        assert!(SendError::Target(TargetError::Credentials).is_usage());
        for network in [
            SendError::Dns,
            SendError::Refused,
            SendError::Timeout(Duration::from_secs(1)),
            SendError::TooLarge(MAX_RESPONSE_BYTES),
        ] {
            assert!(!network.is_usage(), "{network}");
        }
    }

    #[test]
    fn a_redirect_says_where_it_points_and_that_it_was_not_followed() {
        let answer = Answer {
            status: 302,
            reason: "Found".into(),
            content_type: None,
            location: Some("https://elsewhere.example/\u{1b}[2J".into()),
            www_authenticate: None,
            body: Vec::new(),
            took: Duration::from_millis(3),
        };
        assert_eq!(
            answer.status_line(),
            "HTTP 302 Found (3 ms), a redirect to https://elsewhere.example/\\u001b[2J (not followed)"
        );
    }
}
