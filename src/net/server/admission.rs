//! Admission: the connections being served, a bounded set, and who gives up a place when a
//! new connection needs one.

use std::net::Shutdown;
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

struct Place {
    id: u64,
    since: Instant,
    stream: TcpStream,
    reading: bool,
}

/// How many bytes of request bodies the connections being served may hold at once: a body
/// that does not fit waits (within its deadline) for others to be answered and reported.
/// Without it, 128 places of 1 MiB each, and what is made of each body when it is reported,
/// got `listen` killed for memory.
pub const BODIES_IN_FLIGHT: usize = 32 * 1024 * 1024;

/// The connections being served: a bounded set, from which the oldest one still reading its
/// request is shed when a new one needs its place.
pub struct Slots {
    taken: Mutex<Vec<Place>>,
    emptied: Condvar,
    next_id: std::sync::atomic::AtomicU64,
    /// The places shed whose connections have not ended yet: their end is no refusal to
    /// report one by one (150 dripping clients once printed 64,136 of them in 30 s).
    shed: Mutex<std::collections::HashSet<u64>>,
    /// How many connections were shed in all.
    shed_total: std::sync::atomic::AtomicU64,
    /// What the connections hold of request bodies.
    pub(super) bodies: crate::bounded::Budget,
}

impl Default for Slots {
    fn default() -> Self {
        Self {
            taken: Mutex::default(),
            emptied: Condvar::new(),
            next_id: std::sync::atomic::AtomicU64::new(0),
            shed: Mutex::default(),
            shed_total: std::sync::atomic::AtomicU64::new(0),
            bodies: crate::bounded::Budget::new(BODIES_IN_FLIGHT),
        }
    }
}

impl Slots {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Place>> {
        self.taken.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a place for `stream`, shedding the oldest reader when all are taken; `None`
    /// when every place is answering a request.
    pub(super) fn admit(&self, stream: &TcpStream, max: usize) -> Option<u64> {
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
            self.shed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(shed.id);
            self.shed_total.fetch_add(1, Ordering::Relaxed);
            let _ = shed.stream.shutdown(Shutdown::Both);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        taken.push(Place {
            id,
            since: Instant::now(),
            stream: watcher,
            reading: true,
        });
        Some(id)
    }

    /// The request has arrived whole: from now on the connection is not shed.
    pub(super) fn answering(&self, id: u64) {
        if let Some(slot) = self.lock().iter_mut().find(|s| s.id == id) {
            slot.reading = false;
        }
    }

    /// How many connections have a place (each queued for a thread, or being served).
    pub(super) fn count(&self) -> usize {
        self.lock().len()
    }

    /// Whether the connection in place `id` was shed for a newer one.
    pub(super) fn was_shed(&self, id: u64) -> bool {
        self.shed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&id)
    }

    /// How many connections were shed so far, each one dropped while still sending its
    /// request because every place was taken.
    pub fn shed_total(&self) -> u64 {
        self.shed_total.load(Ordering::Relaxed)
    }

    pub(super) fn leave(&self, id: u64) {
        self.shed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
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
