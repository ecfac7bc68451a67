//! Listening for Sinch's callbacks: a small HTTP/1.1 server for both faces (`listen` and
//! the window's Callbacks tab). Each request is verified with the core
//! ([`crate::sinch::signing::verify_request`]), then either answered with the least
//! Sinch accepts or forwarded unchanged to the developer's app, whose answer is relayed back
//! and checked as Sinch would read it.
//!
//! Written on `std::net` rather than tiny_http: tiny_http 0.12 sets no read timeout on the
//! connections it accepts, so one slow client would hold a thread for ever. Here each
//! connection has its own thread, a timeout on every read, a deadline for the whole request,
//! a bound on its size, and one request per connection (`Connection: close`).

use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::net::client::{self, Answer};
use crate::net::http1::parse_request;
use crate::net::target::parse_url;
use crate::sinch::AppSecret;
use crate::sinch::callback::{AnswerCheck, Event, check_answer, stand_in_answer};
use crate::sinch::signing::{CallbackKeys, RawRequest, RequestVerdict, verify_request};

/// The largest body taken; a bigger one is answered 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The largest request line and headers taken; more is answered 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long one read may wait for the client.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send its whole request.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);
/// How many connections are served at once; more are answered 503.
pub const MAX_CONNECTIONS: usize = 64;

/// What to listen with.
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The application key callbacks must name.
    pub key: String,
    /// The application secret to verify them with.
    pub secret: AppSecret,
    /// How far an `x-timestamp` may be from now (`None`: any age).
    pub max_age: Option<u64>,
    /// The app to forward each request to, unchanged (`http://` only on loopback).
    pub forward_to: Option<String>,
    /// How long one read may wait (tests shorten it).
    pub read_timeout: Duration,
}

/// A callback that arrived, with its verdict and what it was answered.
#[derive(Debug, Clone)]
pub struct Callback {
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Who sent it.
    pub peer: SocketAddr,
    /// The method.
    pub method: String,
    /// The path and query, as on the request line.
    pub path: String,
    /// The event its body names.
    pub event: Option<Event>,
    /// The headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: Vec<u8>,
    /// The verification verdict.
    pub verdict: RequestVerdict,
    /// What it was answered.
    pub reply: Reply,
}

impl Callback {
    /// The body for people: pretty JSON when it is JSON, the text otherwise.
    pub fn pretty_body(&self) -> String {
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(json) => format!("{json:#}"),
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }

    /// What arrived, in one line for people: local time, method, path and event.
    pub fn headline(&self) -> String {
        format!(
            "{} {} {} {}",
            self.received_at
                .with_timezone(&chrono::Local)
                .format("%H:%M:%S"),
            self.method,
            self.path,
            self.event.map_or("(no event)", Event::name)
        )
    }

    /// The status it was answered with.
    pub fn status(&self) -> u16 {
        match &self.reply {
            Reply::StandIn { status } => *status,
            Reply::Forwarded { answer, .. } => answer.status,
            Reply::ForwardFailed { .. } => 502,
        }
    }
}

/// What a callback was answered.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The listener answered it itself: 200 with the least Sinch accepts, or 401.
    StandIn {
        /// The status sent.
        status: u16,
    },
    /// It was forwarded to the app, and the app's answer relayed.
    Forwarded {
        /// The app's answer.
        answer: Answer,
        /// The app's answer as Sinch would read it (when the event is known).
        check: Option<AnswerCheck>,
    },
    /// The app could not be reached; the sender was answered 502.
    ForwardFailed {
        /// Why, in a sentence.
        reason: String,
    },
}

/// What the listener saw.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A request, verified and answered.
    Callback(Box<Callback>),
    /// A connection refused before a whole request arrived (too big, too slow, not HTTP).
    Refused {
        /// When.
        at: DateTime<Utc>,
        /// Who.
        peer: SocketAddr,
        /// The status it was answered (when it could be).
        status: u16,
        /// Why, in a sentence.
        reason: String,
    },
}

/// A listener at work; dropping it (or [`Listening::stop`]) stops it.
pub struct Listening {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listening {
    /// Where it listens (with the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, and returns once the accepting thread has ended. Requests being
    /// served finish on their own threads.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let wake = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.addr.port())
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.addr.port())
            }
            _ => self.addr,
        };
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.halt();
        }
    }
}

/// Whether listening on `ip` opens the listener to other machines.
pub fn is_open_to_others(ip: IpAddr) -> bool {
    !ip.is_loopback()
}

/// Starts listening on `config.addr`; `on_seen` is called, on a connection's own thread,
/// for each request once it has been answered. The error is one sentence.
pub fn start(
    config: Config,
    on_seen: impl Fn(Seen) + Send + Sync + 'static,
) -> Result<Listening, String> {
    if let Some(target) = &config.forward_to {
        let url = parse_url(target).map_err(|e| format!("the forward address: {e}"))?;
        url.check_transport()
            .map_err(|e| format!("the forward address: {e}"))?;
    }
    let listener = TcpListener::bind(config.addr).map_err(|err| bind_failure(config.addr, &err))?;
    let addr = listener
        .local_addr()
        .map_err(|err| format!("the listening address cannot be read: {err}"))?;
    let stop = Arc::new(AtomicBool::new(false));
    let serving = Arc::new(AtomicUsize::new(0));
    let shared = Arc::new((config, on_seen));
    let stopping = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("listen".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if serving.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                    let _ = respond(&stream, 503, "text/plain", b"too many connections\n");
                    continue;
                }
                serving.fetch_add(1, Ordering::SeqCst);
                let (shared, done) = (Arc::clone(&shared), Arc::clone(&serving));
                let spawned = std::thread::Builder::new()
                    .name("listen-connection".into())
                    .spawn(move || {
                        let (config, on_seen) = &*shared;
                        if let Some(seen) = serve(stream, config) {
                            on_seen(seen);
                        }
                        done.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    serving.fetch_sub(1, Ordering::SeqCst);
                }
            }
        })
        .map_err(|err| format!("the listener could not start: {err}"))?;
    Ok(Listening {
        addr,
        stop,
        thread: Some(thread),
    })
}

fn bind_failure(addr: SocketAddr, err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::AddrInUse => format!(
            "port {} is already in use on {}: stop the program that holds it, or choose another port",
            addr.port(),
            addr.ip()
        ),
        K::PermissionDenied => format!(
            "listening on port {} needs privileges this user lacks: choose a port above 1023",
            addr.port()
        ),
        K::AddrNotAvailable => format!(
            "{} is not an address of this machine: listen on 127.0.0.1, or on one of its own addresses",
            addr.ip()
        ),
        _ => format!("cannot listen on {addr}: {err}"),
    }
}

/// Serves one connection: reads its request, verifies it, answers it.
fn serve(mut stream: TcpStream, config: &Config) -> Option<Seen> {
    let peer = stream.peer_addr().ok()?;
    let refused = |status: u16, reason: String| Seen::Refused {
        at: Utc::now(),
        peer,
        status,
        reason,
    };
    let raw = match read_request(&mut stream, config.read_timeout) {
        Ok(raw) => raw,
        Err(Refusal { status, reason }) => {
            if status != 0 {
                let _ = respond(
                    &stream,
                    status,
                    "text/plain",
                    format!("{reason}\n").as_bytes(),
                );
            }
            return Some(refused(status, reason));
        }
    };
    let request = match parse_request(&raw) {
        Ok(request) => request,
        Err(err) => {
            let reason = err.to_string();
            let _ = respond(&stream, 400, "text/plain", format!("{reason}\n").as_bytes());
            return Some(refused(400, reason));
        }
    };
    let received_at = Utc::now();
    let verdict = verify_request(
        &request,
        CallbackKeys {
            key: Some(&config.key),
            secret: &config.secret,
        },
        received_at,
        config.max_age,
    );
    let event = Event::of_body(&request.body);
    let reply = match &config.forward_to {
        Some(target) => forward(target, &request, event, &stream),
        None => {
            let (status, body) = if verdict.verified {
                (200, stand_in_answer(event).to_owned())
            } else {
                let reason = verdict.reason.clone().unwrap_or_default();
                (401, serde_json::json!({ "error": reason }).to_string())
            };
            let _ = respond(&stream, status, "application/json", body.as_bytes());
            Reply::StandIn { status }
        }
    };
    Some(Seen::Callback(Box::new(Callback {
        received_at,
        peer,
        method: request.method,
        path: request.target,
        event,
        headers: request.headers,
        body: request.body,
        verdict,
        reply,
    })))
}

/// Forwards `request` unchanged to the app at `target`, relays its answer, and checks it.
fn forward(target: &str, request: &RawRequest, event: Option<Event>, stream: &TcpStream) -> Reply {
    let url = forward_url(target, &request.target);
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| !NOT_FORWARDED.iter().any(|h| name.eq_ignore_ascii_case(h)))
        .cloned()
        .collect();
    let answer = parse_url(&url).and_then(|parsed| {
        client::send(
            &parsed,
            client::Outgoing {
                method: &request.method,
                url: &url,
                headers,
                body: request.body.clone(),
                timeout: client::DEFAULT_TIMEOUT,
            },
        )
    });
    match answer {
        Ok(answer) => {
            let content_type = answer.content_type.as_deref().unwrap_or("text/plain");
            let _ = respond(stream, answer.status, content_type, &answer.body);
            let check = event.map(|event| {
                let sent = serde_json::from_slice(&request.body).unwrap_or_default();
                check_answer(event, &sent, answer.status, &answer.body)
            });
            Reply::Forwarded { answer, check }
        }
        Err(reason) => {
            let reason = format!("the app at {url} could not be reached: {reason}");
            let _ = respond(stream, 502, "text/plain", format!("{reason}\n").as_bytes());
            Reply::ForwardFailed { reason }
        }
    }
}

/// Headers about this one connection, not the request, never forwarded (the HTTP client
/// writes its own); and Accept-Encoding, so that the app's answer comes back as plain bytes
/// to relay. None of them is signed.
const NOT_FORWARDED: [&str; 8] = [
    "host",
    "connection",
    "keep-alive",
    "content-length",
    "transfer-encoding",
    "expect",
    "upgrade",
    "accept-encoding",
];

/// Where a request for `path` goes: to `target` with the request's own path and query when
/// `target` names no path (the signature covers the path, so it stays), to `target` as
/// written otherwise.
pub fn forward_url(target: &str, path: &str) -> String {
    let after_scheme = target.split_once("://").map_or(target, |(_, rest)| rest);
    if after_scheme.trim_end_matches('/').contains('/') {
        target.to_owned()
    } else {
        format!("{}{path}", target.trim_end_matches('/'))
    }
}

struct Refusal {
    /// 0: nothing can be answered (the client left).
    status: u16,
    reason: String,
}

/// Reads one request: the head (bounded), then exactly Content-Length body bytes (bounded),
/// within the per-read timeout and the whole-request deadline.
fn read_request(stream: &mut TcpStream, read_timeout: Duration) -> Result<Vec<u8>, Refusal> {
    let started = Instant::now();
    let deadline = REQUEST_DEADLINE.max(read_timeout);
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let mut wanted: Option<usize> = None;
    loop {
        if let Some(total) = wanted
            && raw.len() >= total
        {
            raw.truncate(total);
            return Ok(raw);
        }
        let left = deadline.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(slow(deadline));
        }
        let _ = stream.set_read_timeout(Some(read_timeout.min(left)));
        let n = match stream.read(&mut buf) {
            Ok(0) => {
                return Err(Refusal {
                    status: 0,
                    reason: "the client closed the connection before the request was complete"
                        .into(),
                });
            }
            Ok(n) => n,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(slow(read_timeout));
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err(Refusal {
                    status: 0,
                    reason: format!("reading the request failed: {err}"),
                });
            }
        };
        raw.extend_from_slice(&buf[..n]);
        if wanted.is_none() {
            wanted = head_then_length(&raw)?;
            // curl asks before sending a body over 1 KiB, and waits a second for an answer.
            if let Some(total) = wanted
                && raw.len() < total
                && expects_continue(&raw)
            {
                let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
        }
    }
}

fn slow(waited: Duration) -> Refusal {
    Refusal {
        status: 408,
        reason: format!(
            "the client sent its request too slowly (nothing for {} s, or not all of it within {} s)",
            waited.as_secs(),
            REQUEST_DEADLINE.as_secs()
        ),
    }
}

/// Once the head is complete: the whole request's length in bytes. Refuses heads and bodies
/// that are too big, and bodies without a Content-Length.
fn head_then_length(raw: &[u8]) -> Result<Option<usize>, Refusal> {
    let end = find(raw, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(raw, b"\n\n").map(|i| i + 2));
    let Some(end) = end else {
        if raw.len() > MAX_HEAD_BYTES {
            return Err(Refusal {
                status: 431,
                reason: format!(
                    "the request line and headers are larger than {} KiB",
                    MAX_HEAD_BYTES / 1024
                ),
            });
        }
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&raw[..end]);
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    if header("transfer-encoding").is_some_and(|te| !te.eq_ignore_ascii_case("identity")) {
        return Err(Refusal {
            status: 411,
            reason: "the body is chunked: send it with a Content-Length, as Sinch does".into(),
        });
    }
    let length = match header("content-length") {
        None => 0,
        Some(text) => text.parse::<usize>().map_err(|_| Refusal {
            status: 400,
            reason: format!("the Content-Length '{text}' is not a number"),
        })?,
    };
    if length > MAX_BODY_BYTES {
        return Err(Refusal {
            status: 413,
            reason: format!(
                "the body is {length} bytes: the listener takes at most {} MiB",
                MAX_BODY_BYTES >> 20
            ),
        });
    }
    Ok(Some(end + length))
}

/// Whether a complete head asks for `100 Continue` before its body.
fn expects_continue(raw: &[u8]) -> bool {
    String::from_utf8_lossy(raw)
        .lines()
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_once(':'))
        .any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("expect")
                && value.trim().eq_ignore_ascii_case("100-continue")
        })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Writes a whole response and closes the connection's sending side.
fn respond(
    mut stream: &TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason_phrase(status),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarding_keeps_the_signed_path_unless_the_target_names_one() {
        assert_eq!(
            forward_url("http://127.0.0.1:3000", "/sinch/ice?x=1"),
            "http://127.0.0.1:3000/sinch/ice?x=1"
        );
        assert_eq!(
            forward_url("http://127.0.0.1:3000/", "/sinch/ice"),
            "http://127.0.0.1:3000/sinch/ice"
        );
        assert_eq!(
            forward_url("http://127.0.0.1:3000/hooks/voice", "/sinch/ice"),
            "http://127.0.0.1:3000/hooks/voice"
        );
    }

    #[test]
    fn a_head_is_measured_and_oversized_or_chunked_bodies_are_refused() {
        assert!(matches!(
            head_then_length(b"POST / HTTP/1.1\r\nHost: x"),
            Ok(None)
        ));
        assert!(matches!(
            head_then_length(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab"),
            Ok(Some(n)) if n == 41
        ));
        let big = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY_BYTES + 1
        );
        assert!(matches!(
            head_then_length(big.as_bytes()),
            Err(Refusal { status: 413, .. })
        ));
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(
            head_then_length(chunked),
            Err(Refusal { status: 411, .. })
        ));
        let endless = vec![b'a'; MAX_HEAD_BYTES + 1];
        assert!(matches!(
            head_then_length(&endless),
            Err(Refusal { status: 431, .. })
        ));
    }
}
