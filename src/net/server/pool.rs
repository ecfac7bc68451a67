//! The serving threads, kept and reused.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use super::Connection;

/// The threads that serve connections: one is started only when no thread is idle, and each
/// is reused for the next connection instead of ending. The thread idle the shortest is
/// woken first, so under a steady load the same few threads serve and the others, idle for
/// [`Pool::IDLE`], end: the pool is as large as the load of the last seconds needs (at most
/// the connections served at once), not as its busiest moment. Dropping the pool lets its
/// threads serve what is queued and end.
pub struct Pool {
    shared: Arc<PoolShared>,
}

pub(super) type Serve = Arc<dyn Fn(Connection) + Send + Sync>;

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
    pub(super) fn threads(&self) -> usize {
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
