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

use std::collections::VecDeque;
use std::io::{Read as _, Write as _};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::http1::{self, HeadError};
use crate::sinch::signing::RawRequest;

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

struct Slot {
    id: u64,
    since: Instant,
    stream: TcpStream,
    reading: bool,
}

/// The connections being served: a bounded set, from which the oldest one still reading its
/// request is shed when a new one needs its place.
#[derive(Default)]
pub struct Slots {
    taken: Mutex<Vec<Slot>>,
    emptied: Condvar,
    next_id: std::sync::atomic::AtomicU64,
}

impl Slots {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.taken.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a place for `stream`, shedding the oldest reader when all are taken; `None`
    /// when every place is answering a request.
    fn admit(&self, stream: &TcpStream, max: usize) -> Option<u64> {
        let watcher = stream.try_clone().ok()?;
        let mut taken = self.lock();
        if taken.len() >= max {
            let oldest = taken
                .iter()
                .enumerate()
                .filter(|(_, slot)| slot.reading)
                .min_by_key(|(_, slot)| slot.since)
                .map(|(i, _)| i)?;
            let shed = taken.swap_remove(oldest);
            let _ = shed.stream.shutdown(Shutdown::Both);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        taken.push(Slot {
            id,
            since: Instant::now(),
            stream: watcher,
            reading: true,
        });
        Some(id)
    }

    /// The request has arrived whole: from now on the connection is not shed.
    fn answering(&self, id: u64) {
        if let Some(slot) = self.lock().iter_mut().find(|s| s.id == id) {
            slot.reading = false;
        }
    }

    /// How many connections have a place (each queued for a thread, or being served).
    fn count(&self) -> usize {
        self.lock().len()
    }

    fn leave(&self, id: u64) {
        let mut taken = self.lock();
        taken.retain(|s| s.id != id);
        if taken.is_empty() {
            self.emptied.notify_all();
        }
    }

    /// Ends every connection still sending its request (on stop: none of them is a request
    /// yet), then waits up to `patience` for those being answered.
    pub fn drain(&self, patience: Duration) {
        let mut taken = self.lock();
        for slot in taken.iter().filter(|s| s.reading) {
            let _ = slot.stream.shutdown(Shutdown::Both);
        }
        let until = Instant::now() + patience;
        while !taken.is_empty() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            taken = self
                .emptied
                .wait_timeout(taken, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// One accepted connection, with its deadlines.
pub struct Connection {
    stream: TcpStream,
    /// Who connected.
    pub peer: SocketAddr,
    started: Instant,
    limits: Limits,
    slot: u64,
    slots: Arc<Slots>,
    /// Whether any byte arrived: a bare connect and close (a port probe) is not a request.
    pub got_bytes: bool,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.slots.leave(self.slot);
    }
}

impl Connection {
    fn left(&self, deadline: Duration) -> Duration {
        deadline.saturating_sub(self.started.elapsed())
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
        let total = head.len + head.content_length;
        if raw.len() < total && head.expects_continue() {
            // curl asks before sending a body over 1 KiB, and waits a second for an answer.
            let _ = self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        while raw.len() < total {
            self.read_some(&mut raw, &mut buf, self.limits.deadline)?;
        }
        raw.truncate(total);
        let body = raw.split_off(head.len);
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
    pub fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<()> {
        let left = self.time_left().max(Duration::from_millis(100));
        self.stream.set_write_timeout(Some(left))?;
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        ));
        self.stream.write_all(head.as_bytes())?;
        self.stream.write_all(body)?;
        self.stream.flush()?;
        self.stream.shutdown(Shutdown::Write)
    }
}

/// The threads that serve connections: one is started only when no thread is idle, and each
/// is reused for the next connection instead of ending. The thread idle the shortest is
/// woken first, so under a steady load the same few threads serve and the others, idle for
/// [`Pool::IDLE`], end: the pool is as large as the load of the last seconds needs (at most
/// the connections served at once), not as its busiest moment. Dropping the pool lets its
/// threads serve what is queued and end.
pub struct Pool {
    shared: Arc<PoolShared>,
}

type Serve = Arc<dyn Fn(Connection) + Send + Sync>;

struct PoolShared {
    state: Mutex<PoolState>,
    serve: Serve,
    idle_for: Duration,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Connection>,
    /// The idle threads, each by what wakes it; the last one went idle last.
    idle: Vec<Arc<Condvar>>,
    threads: usize,
    closed: bool,
}

impl PoolShared {
    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next connection to serve; `None` when the pool is closed and empty, or when none
    /// came for `idle_for`: then this thread ends, and is counted out here, under the same
    /// lock as the decision, so that [`Pool::hand`] never counts on a thread that is leaving.
    fn next(&self, wake: &Arc<Condvar>) -> Option<Connection> {
        let mut state = self.lock();
        loop {
            if let Some(connection) = state.queue.pop_front() {
                return Some(connection);
            }
            if state.closed {
                state.threads -= 1;
                return None;
            }
            state.idle.push(Arc::clone(wake));
            let (woken, waited) = wake
                .wait_timeout(state, self.idle_for)
                .unwrap_or_else(PoisonError::into_inner);
            state = woken;
            // Woken by `hand`, it is off the list already; by the time or spuriously, not.
            state.idle.retain(|other| !Arc::ptr_eq(other, wake));
            if waited.timed_out() && state.queue.is_empty() {
                state.threads -= 1;
                return None;
            }
        }
    }
}

/// A serving thread; one whose `serve` panicked is counted out when it unwinds.
struct Worker {
    shared: Arc<PoolShared>,
    counted: bool,
}

impl Drop for Worker {
    fn drop(&mut self) {
        if self.counted {
            self.shared.lock().threads -= 1;
        }
    }
}

impl Pool {
    /// How long a thread waits for a connection before it ends.
    pub const IDLE: Duration = Duration::from_secs(10);

    /// A pool whose threads call `serve` for each connection handed to it.
    pub fn new(serve: Serve, idle_for: Duration) -> Self {
        Self {
            shared: Arc::new(PoolShared {
                state: Mutex::new(PoolState::default()),
                serve,
                idle_for,
            }),
        }
    }

    /// Serves `connection` on the thread idle the shortest, or on a new one when none is
    /// idle and there are fewer threads than connections with a place: with as many, one has
    /// just answered its connection (which left its place) and takes this one next. Under
    /// a load the cores cannot keep up with, that keeps the threads near the number of
    /// clients instead of the most connections allowed. When no thread can be started and
    /// none is left to serve it, the connection is dropped (and its place freed) at once.
    pub fn hand(&self, connection: Connection) {
        let placed = connection.slots.count();
        let mut state = self.shared.lock();
        state.queue.push_back(connection);
        if let Some(wake) = state.idle.pop() {
            drop(state);
            wake.notify_one();
            return;
        }
        if state.threads >= placed {
            return;
        }
        state.threads += 1;
        drop(state);
        let shared = Arc::clone(&self.shared);
        let started = std::thread::Builder::new()
            .name("listen-connection".into())
            .spawn(move || {
                let mut worker = Worker {
                    shared,
                    counted: true,
                };
                let wake = Arc::new(Condvar::new());
                while let Some(connection) = worker.shared.next(&wake) {
                    (worker.shared.serve)(connection);
                }
                worker.counted = false;
            });
        if started.is_err() {
            let mut state = self.shared.lock();
            state.threads -= 1;
            if state.threads == 0 {
                state.queue.clear();
            }
        }
    }

    /// How many threads the pool has (serving or idle).
    #[cfg(test)]
    fn threads(&self) -> usize {
        self.shared.lock().threads
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        for wake in state.idle.drain(..) {
            wake.notify_one();
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
        });
    }
}

/// The reason phrase of the statuses this program answers.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
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
    use std::collections::HashSet;
    use std::sync::mpsc;

    /// A connection accepted from a client of our own, which is returned beside it.
    fn connection(listener: &TcpListener, slots: &Arc<Slots>) -> (Connection, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, peer) = listener.accept().unwrap();
        let slot = slots.admit(&stream, 128).unwrap();
        let connection = Connection {
            stream,
            peer,
            started: Instant::now(),
            limits: Limits::default(),
            slot,
            slots: Arc::clone(slots),
            got_bytes: false,
        };
        (connection, client)
    }

    fn wait_until(what: &str, condition: impl Fn() -> bool) {
        let until = Instant::now() + Duration::from_secs(20);
        while !condition() {
            assert!(Instant::now() < until, "gave up waiting until {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn connections_one_after_another_reuse_the_same_few_threads() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (seen, threads) = mpsc::channel();
        let seen = Mutex::new(seen);
        let serve: Serve = Arc::new(move |mut connection: Connection| {
            let request = connection.read_request();
            let _ = seen.lock().unwrap().send(std::thread::current().id());
            let status = if matches!(request, Ok(Some(_))) {
                200
            } else {
                400
            };
            let _ = connection.respond(status, &[], b"");
        });
        let slots = Arc::new(Slots::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (stopping, taken) = (Arc::clone(&stop), Arc::clone(&slots));
        let accepting = std::thread::spawn(move || {
            accept_loop(&listener, Limits::default(), &taken, &stopping, &serve)
        });
        for _ in 0..100 {
            let mut client = TcpStream::connect(addr).unwrap();
            client
                .write_all(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}")
                .unwrap();
            let mut answer = String::new();
            client.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        }
        stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(addr);
        accepting.join().unwrap();
        let distinct: HashSet<_> = threads.try_iter().collect();
        assert!(
            !distinct.is_empty() && distinct.len() < 10,
            "100 connections one after another were served on {} threads",
            distinct.len()
        );
    }

    /// A pool whose first eight connections each wait for all eight (served one after
    /// another, none would end), with those eight handed to it and served; the receiver
    /// hears of each connection served.
    fn after_a_burst_of_eight(
        idle_for: Duration,
    ) -> (
        Pool,
        TcpListener,
        Arc<Slots>,
        Vec<TcpStream>,
        mpsc::Receiver<()>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let slots = Arc::new(Slots::default());
        let together = std::sync::Barrier::new(8);
        let count = std::sync::atomic::AtomicUsize::new(0);
        let (done, finished) = mpsc::channel();
        let done = Mutex::new(done);
        let pool = Pool::new(
            Arc::new(move |_connection: Connection| {
                if count.fetch_add(1, Ordering::SeqCst) < 8 {
                    together.wait();
                }
                let _ = done.lock().unwrap().send(());
            }),
            idle_for,
        );
        let mut clients = Vec::new();
        for _ in 0..8 {
            let (connection, client) = connection(&listener, &slots);
            clients.push(client);
            pool.hand(connection);
        }
        for _ in 0..8 {
            finished
                .recv_timeout(Duration::from_secs(20))
                .expect("eight connections at once were not served at once");
        }
        assert!(
            pool.threads() <= 8,
            "{} threads for 8 connections",
            pool.threads()
        );
        (pool, listener, slots, clients, finished)
    }

    #[test]
    fn connections_at_once_each_get_a_thread_and_idle_threads_end() {
        let (pool, listener, slots, clients, finished) =
            after_a_burst_of_eight(Duration::from_millis(50));
        wait_until("the idle threads ended", || pool.threads() == 0);
        wait_until("every connection left its place", || {
            slots.lock().is_empty()
        });
        // A connection after that starts a thread again.
        let (connection, _client) = connection(&listener, &slots);
        pool.hand(connection);
        finished
            .recv_timeout(Duration::from_secs(20))
            .expect("a connection after the threads ended was not served");
        drop(clients);
    }

    #[test]
    fn after_a_burst_a_steady_load_is_served_by_few_threads_and_the_others_end() {
        let (pool, listener, slots, _clients, finished) =
            after_a_burst_of_eight(Duration::from_millis(300));
        // One connection after another, without a pause longer than a few milliseconds:
        // woken in turn, all eight would stay; the last idle one first, the others end.
        let until = Instant::now() + Duration::from_secs(20);
        while pool.threads() > 2 {
            assert!(
                Instant::now() < until,
                "{} threads still up for one connection at a time",
                pool.threads()
            );
            let (connection, _client) = connection(&listener, &slots);
            pool.hand(connection);
            finished.recv_timeout(Duration::from_secs(20)).unwrap();
        }
    }

    #[test]
    fn a_connection_waits_for_the_thread_that_just_answered_instead_of_starting_another() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let slots = Arc::new(Slots::default());
        // The first connection's thread answers it (its place is freed), then is slow to
        // come back, as when the cores are busy: the second waits for it.
        let (answered, first_answered) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let (served, second_served) = mpsc::channel();
        let (answered, released, served) = (
            Mutex::new(answered),
            Mutex::new(released),
            Mutex::new(served),
        );
        let count = std::sync::atomic::AtomicUsize::new(0);
        let pool = Pool::new(
            Arc::new(move |connection: Connection| {
                drop(connection);
                if count.fetch_add(1, Ordering::SeqCst) == 0 {
                    answered.lock().unwrap().send(()).unwrap();
                    let _ = released
                        .lock()
                        .unwrap()
                        .recv_timeout(Duration::from_secs(20));
                } else {
                    served.lock().unwrap().send(()).unwrap();
                }
            }),
            Pool::IDLE,
        );
        let (first, _one) = connection(&listener, &slots);
        pool.hand(first);
        first_answered
            .recv_timeout(Duration::from_secs(20))
            .unwrap();
        let (second, _two) = connection(&listener, &slots);
        pool.hand(second);
        assert_eq!(pool.threads(), 1, "a second thread was started");
        assert!(
            second_served.try_recv().is_err(),
            "the second connection was served before the thread was free"
        );
        release.send(()).unwrap();
        second_served
            .recv_timeout(Duration::from_secs(20))
            .expect("the queued connection was not served by the thread that came back");
        assert_eq!(pool.threads(), 1);
    }
}
