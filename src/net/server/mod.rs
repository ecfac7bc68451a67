//! The listener's server loop, with a bound on every size and time: how connections are
//! accepted, how many are served at once, how one request is read (with [`super::http1`]) and
//! how it is answered. What a request means is [`super::listen`]'s business.
//!
//! Written on `std::net`, each connection served on a thread of its own, rather than on
//! tiny_http: tiny_http 0.12 sets no read timeout on the connections it accepts, so one slow
//! client would hold a thread for ever. The threads are kept and reused (a [`Pool`]): starting
//! one per connection was the listener's largest cost under load. Here:
//! - a request's head must arrive within [`Limits::head_deadline`], and the whole exchange,
//!   the answer written included, within [`Limits::deadline`];
//! - at most [`Limits::max_connections`] are served at once; when all are taken, the oldest
//!   connection still sending its request is dropped for the new one (a client that drips a
//!   byte every few seconds cannot keep Sinch out), and only when every connection is already
//!   being answered does a new one get 503;
//! - a failing `accept` (out of file descriptors) backs off instead of spinning a core;
//! - one request per connection (`Connection: close`);
//! - a thread idle for [`Pool::IDLE`] ends, so a quiet listener holds no threads.

//!
//! By job: [`admission`] (how many connections at once, who is shed), [`connection`] (one
//! request read and answered within its deadlines), [`pool`] (the serving threads), and here
//! the bounds and the accept loop.

mod admission;
mod connection;
mod pool;

pub use admission::Slots;
pub use connection::Connection;
pub use pool::Pool;

use std::io::Write as _;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use pool::Serve;

use super::http1::HeadError;

/// The bounds a server keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most connections served at once.
    pub max_connections: usize,
    /// How long one read may wait for the client.
    pub read_timeout: Duration,
    /// How long the client may take to send the request line and headers.
    pub head_deadline: Duration,
    /// How long the whole exchange may take, from accepting to the answer written.
    pub deadline: Duration,
    /// The largest body taken; a bigger one is answered 413 before it is read.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 128,
            read_timeout: Duration::from_secs(10),
            head_deadline: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            max_body: 1024 * 1024,
        }
    }
}

/// Why a connection ended before a whole request arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The status answered; `None` when nothing could be answered (the client left).
    pub status: Option<u16>,
    /// Why, in a sentence (for the local output, and the answer's body).
    pub reason: String,
}

impl Refusal {
    fn gone(reason: impl Into<String>) -> Self {
        Self {
            status: None,
            reason: reason.into(),
        }
    }
}

impl From<HeadError> for Refusal {
    fn from(err: HeadError) -> Self {
        Self {
            status: Some(err.status()),
            reason: err.to_string(),
        }
    }
}

/// Accepts connections on `listener` until `stop` is set, handing each (with its place
/// among [`Limits::max_connections`]) to `serve` on a thread of a [`Pool`]. A connection for
/// which there is no place gets 503. A failing `accept` (no file descriptor left, say) is
/// retried after a pause that doubles up to a second, so it never spins a core.
pub fn accept_loop(
    listener: &TcpListener,
    limits: Limits,
    slots: &Arc<Slots>,
    stop: &AtomicBool,
    serve: &Serve,
) {
    let pool = Pool::new(Arc::clone(serve), Pool::IDLE);
    let mut pause = Duration::from_millis(5);
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => {
                pause = Duration::from_millis(5);
                accepted
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Some(slot) = slots.admit(&stream, limits.max_connections) else {
            let mut busy = stream;
            let _ = busy.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = busy.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n",
            );
            continue;
        };
        pool.hand(Connection {
            stream,
            peer,
            started: Instant::now(),
            limits,
            slot,
            slots: Arc::clone(slots),
            got_bytes: false,
            body_held: 0,
        });
    }
}

/// Wakes an accept loop blocked on `addr` with a connection of our own (after its stop
/// flag is set): an unspecified address is reached on loopback.
pub fn wake(addr: std::net::SocketAddr) {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
    let wake = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    };
    let _ = std::net::TcpStream::connect_timeout(&wake, Duration::from_secs(1));
}

/// The reason phrase of `status`, as `http` names it (empty for a status it does not know).
pub fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests;
