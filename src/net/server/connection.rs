//! One accepted connection: its request read with [`crate::net::http1`] within its deadlines,
//! and its answer written.

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::admission::Slots;
use super::{Limits, Refusal, reason_phrase};
use crate::net::http1;
use crate::sinch::signing::RawRequest;

/// One accepted connection, with its deadlines.
pub struct Connection {
    pub(super) stream: TcpStream,
    /// Who connected.
    pub peer: SocketAddr,
    pub(super) started: Instant,
    pub(super) limits: Limits,
    pub(super) slot: u64,
    pub(super) slots: Arc<Slots>,
    /// Whether any byte arrived: a bare connect and close (a port probe) is not a request.
    pub got_bytes: bool,
    /// How much of the bodies' budget this connection holds (its body's length).
    pub(super) body_held: usize,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.slots.bodies.give(self.body_held);
        self.slots.leave(self.slot);
    }
}

impl Connection {
    fn left(&self, deadline: Duration) -> Duration {
        deadline.saturating_sub(self.started.elapsed())
    }

    /// Whether this connection was dropped for a newer one while it sent its request: not a
    /// refusal to report, but one to count ([`Slots::shed_total`]).
    pub fn was_shed(&self) -> bool {
        self.slots.was_shed(self.slot)
    }

    /// Takes `bytes` more of the bodies' budget for this connection (until it ends), waiting
    /// within its deadline; whether it got them. For what the connection will hold besides
    /// its request's body: the app's answer it relays.
    pub fn hold(&mut self, bytes: usize) -> bool {
        let got = self
            .slots
            .bodies
            .take(bytes, self.left(self.limits.deadline));
        if got {
            self.body_held += bytes;
        }
        got
    }

    /// What is left of the whole exchange's time: a forward to the app gets no more.
    pub fn time_left(&self) -> Duration {
        self.left(self.limits.deadline)
    }

    /// Reads one request: the head (bounded, within the head deadline), then exactly
    /// Content-Length body bytes (bounded, within the whole deadline). `Ok(None)` when the
    /// client closed without sending a byte.
    pub fn read_request(&mut self) -> Result<Option<RawRequest>, Refusal> {
        let mut raw = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        let head = loop {
            if let Some(head) = http1::parse_head(&raw)? {
                break head;
            }
            if !self.read_some(&mut raw, &mut buf, self.limits.head_deadline)? {
                return Ok(None);
            }
        };
        if head.content_length > self.limits.max_body {
            return Err(Refusal {
                status: Some(413),
                reason: format!(
                    "the body is {} bytes: the listener takes at most {} MiB",
                    head.content_length,
                    self.limits.max_body >> 20
                ),
            });
        }
        // Its body counts against what all connections may hold at once, until it has been
        // answered and reported; when there is no room, it waits within its deadline.
        if !self
            .slots
            .bodies
            .take(head.content_length, self.left(self.limits.deadline))
        {
            return Err(Refusal {
                status: Some(503),
                reason: "too many large requests at once: send it again in a moment".to_owned(),
            });
        }
        self.body_held = head.content_length;
        let total = head.len + head.content_length;
        // Room for exactly the request: growing by doubling held up to twice a 1 MiB body.
        raw.reserve_exact(total.saturating_sub(raw.len()));
        if raw.len() < total && head.expects_continue() {
            // curl asks before sending a body over 1 KiB, and waits a second for an answer.
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        while raw.len() < total {
            self.read_some(&mut raw, &mut buf, self.limits.deadline)?;
        }
        raw.truncate(total);
        // The head moved out of the way rather than the body copied out: one allocation of a
        // megabyte per request, not two.
        raw.drain(..head.len);
        let body = raw;
        self.slots.answering(self.slot);
        Ok(Some(head.into_request(body)))
    }

    /// Reads what comes within `deadline` (from the start); `false` when the client closed
    /// before its first byte.
    fn read_some(
        &mut self,
        raw: &mut Vec<u8>,
        buf: &mut [u8],
        deadline: Duration,
    ) -> Result<bool, Refusal> {
        loop {
            let left = self.left(deadline);
            if left.is_zero() {
                return Err(self.too_slow());
            }
            let _ = self
                .stream
                .set_read_timeout(Some(self.limits.read_timeout.min(left)));
            match self.stream.read(buf) {
                Ok(0) if raw.is_empty() => return Ok(false),
                Ok(0) => {
                    return Err(Refusal::gone(
                        "the client closed the connection before the request was complete",
                    ));
                }
                Ok(n) => {
                    self.got_bytes = true;
                    raw.extend_from_slice(&buf[..n]);
                    return Ok(true);
                }
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(self.too_slow());
                }
                Err(err) if raw.is_empty() && !self.got_bytes => {
                    // Shed, or reset before a byte: not a request.
                    let _ = err;
                    return Ok(false);
                }
                Err(err) => {
                    return Err(Refusal::gone(format!("reading the request failed: {err}")));
                }
            }
        }
    }

    fn too_slow(&self) -> Refusal {
        Refusal {
            status: Some(408),
            reason: format!(
                "the client sent its request too slowly (its head must come within {} s, all of it within {} s, with no pause over {} s)",
                self.limits.head_deadline.as_secs(),
                self.limits.deadline.as_secs(),
                self.limits.read_timeout.as_secs()
            ),
        }
    }

    /// Writes a whole answer within what is left of the deadline, and closes the sending side.
    /// Each write waits only for what is left of the deadline: `write_all` with one timeout
    /// renewed it at every partial write, so a client reading a byte at a time held its
    /// connection for ever.
    pub fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<()> {
        // An answer gets at least a moment, even when the request took all the time.
        let until = Instant::now() + self.time_left().max(Duration::from_millis(100));
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        self.write_before(head.as_bytes(), until)?;
        self.write_before(body, until)?;
        self.stream.shutdown(Shutdown::Write)
    }

    /// Writes all of `bytes` before `until`, or fails with `TimedOut`.
    fn write_before(&mut self, mut bytes: &[u8], until: Instant) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            self.stream.set_write_timeout(Some(left))?;
            match self.stream.write(bytes) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }
}
