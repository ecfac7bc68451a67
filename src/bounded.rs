//! A queue bounded by bytes, not by items: what the listener hands to the history's writer
//! and to the printing thread; and a [`Budget`] of bytes, for what it holds of bodies. A count bound let 1,024 records of up to 7 MiB each wait
//! (an unsigned 1 MiB body of NUL bytes is 6 MiB of JSON escapes): eight clients sending
//! such bodies got `listen` killed for memory in four seconds. Here what waits is weighed.
//!
//! Written on `Mutex` and `Condvar` rather than a channel crate: a sender must wait for room
//! *by weight* for a while and then get its item back (to count it lost), and the taker must
//! be able to give the weight back only once the item is dealt with (so a batch being retried
//! still counts against the bound). Neither std's nor crossbeam's channels weigh items.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A queue of items, each with a weight in bytes, holding at most `limit` bytes.
pub struct Bounded<T> {
    state: Mutex<State<T>>,
    /// Signalled when an item arrives or the queue closes.
    arrived: Condvar,
    /// Signalled when weight is given back.
    room: Condvar,
    limit: usize,
}

struct State<T> {
    items: VecDeque<(T, usize)>,
    /// The weight of what waits and of what was taken but not yet given back.
    bytes: usize,
    closed: bool,
}

/// How [`Bounded::take`] gathers a batch.
#[derive(Debug, Clone, Copy)]
pub struct Gather {
    /// At most this many items.
    pub items: usize,
    /// At most this many bytes (the first item is taken whatever it weighs).
    pub bytes: usize,
    /// How long to wait for the next item before taking what there is.
    pub linger: Duration,
    /// How long the first item waits at most for others to join it.
    pub max_wait: Duration,
}

impl<T> Bounded<T> {
    /// An empty queue holding at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                bytes: 0,
                closed: false,
            }),
            arrived: Condvar::new(),
            room: Condvar::new(),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A thread that panicked holding the lock left the queue whole (no step of ours
        // can panic half-way): go on with it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts `item` (weighing `weight` bytes) in, waiting up to `patience` for room; gives it
    /// back when there is still none, or when the queue is closed. An item heavier than the
    /// whole bound goes in once the queue is empty.
    pub fn push(&self, item: T, weight: usize, patience: Duration) -> Result<(), T> {
        let until = Instant::now() + patience;
        let mut state = self.lock();
        loop {
            if state.closed {
                return Err(item);
            }
            if state.bytes == 0 || state.bytes.saturating_add(weight) <= self.limit {
                state.bytes = state.bytes.saturating_add(weight);
                state.items.push_back((item, weight));
                drop(state);
                self.arrived.notify_one();
                return Ok(());
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(item);
            }
            state = self
                .room
                .wait_timeout(state, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Takes a batch as `gather` says, waiting for its first item; `None` once the queue is
    /// closed and empty. The batch's weight stays counted until [`Self::release`].
    pub fn take(&self, gather: Gather) -> Option<Vec<(T, usize)>> {
        self.take_within(gather, None)
    }

    /// [`Self::take`], waiting at most `first_within` for the first item (an empty batch when
    /// none came: time for the taker's own chores).
    pub fn take_within(
        &self,
        gather: Gather,
        first_within: Option<Duration>,
    ) -> Option<Vec<(T, usize)>> {
        let give_up = first_within.map(|wait| Instant::now() + wait);
        let mut state = self.lock();
        while state.items.is_empty() {
            if state.closed {
                return None;
            }
            state = match give_up {
                None => self
                    .arrived
                    .wait(state)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Some(Vec::new());
                    }
                    self.arrived
                        .wait_timeout(state, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
            };
        }
        let until = Instant::now() + gather.max_wait;
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        loop {
            while let Some((_, weight)) = state.items.front() {
                if batch.len() >= gather.items
                    || (!batch.is_empty() && bytes.saturating_add(*weight) > gather.bytes)
                {
                    return Some(batch);
                }
                bytes = bytes.saturating_add(*weight);
                if let Some(item) = state.items.pop_front() {
                    batch.push(item);
                }
            }
            let left = until.saturating_duration_since(Instant::now());
            if state.closed || left.is_zero() || batch.len() >= gather.items {
                return Some(batch);
            }
            let (next, timeout) = self
                .arrived
                .wait_timeout(state, gather.linger.min(left))
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            state = next;
            if timeout.timed_out() && state.items.is_empty() {
                return Some(batch);
            }
        }
    }

    /// Gives back `weight` bytes of what was taken: room for more.
    pub fn release(&self, weight: usize) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_sub(weight);
        drop(state);
        self.room.notify_all();
    }

    /// No more items: senders get theirs back, the taker ends once the queue is empty.
    pub fn close(&self) {
        self.lock().closed = true;
        self.arrived.notify_all();
        self.room.notify_all();
    }

    /// Whether [`Self::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }
}

/// A budget of bytes (or of anything counted) shared by threads: each takes what it needs,
/// waiting for a while when there is not enough left, and gives it back when done. What the
/// listener holds of request bodies in flight is bounded by one.
pub struct Budget {
    used: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl Budget {
    /// A budget of `limit`.
    pub fn new(limit: usize) -> Self {
        Self {
            used: Mutex::new(0),
            freed: Condvar::new(),
            limit,
        }
    }

    /// Takes `amount`, waiting up to `patience` for it; whether it was taken. An amount over
    /// the whole budget is taken once nothing else is.
    pub fn take(&self, amount: usize, patience: Duration) -> bool {
        let until = Instant::now() + patience;
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if *used == 0 || used.saturating_add(amount) <= self.limit {
                *used = used.saturating_add(amount);
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            used = self
                .freed
                .wait_timeout(used, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Gives `amount` back.
    pub fn give(&self, amount: usize) {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *used = used.saturating_sub(amount);
        drop(used);
        self.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const QUICK: Gather = Gather {
        items: 10,
        bytes: 100,
        linger: Duration::from_millis(1),
        max_wait: Duration::from_millis(5),
    };

    #[test]
    fn a_full_queue_gives_the_item_back_after_its_patience_and_takes_it_once_there_is_room() {
        let queue = Bounded::new(10);
        queue.push(1, 6, Duration::ZERO).unwrap();
        assert_eq!(queue.push(2, 6, Duration::from_millis(20)), Err(2));
        let batch = queue.take(QUICK).unwrap();
        assert_eq!(batch, vec![(1, 6)]);
        // Taken but not given back: still no room.
        assert_eq!(queue.push(2, 6, Duration::ZERO), Err(2));
        let queue = Arc::new(queue);
        let waiting = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || queue.push(2, 6, Duration::from_secs(30)))
        };
        queue.release(6);
        assert_eq!(waiting.join().unwrap(), Ok(()));
    }

    #[test]
    fn an_item_heavier_than_the_bound_goes_in_alone_and_a_batch_keeps_to_its_bytes() {
        let queue = Bounded::new(10);
        queue.push("big", 50, Duration::ZERO).unwrap();
        assert_eq!(queue.push("small", 1, Duration::ZERO), Err("small"));
        assert_eq!(queue.take(QUICK).unwrap().len(), 1);
        queue.release(50);
        for n in 0..5 {
            queue.push("x", 2, Duration::ZERO).unwrap();
            let _ = n;
        }
        let gather = Gather { bytes: 5, ..QUICK };
        assert_eq!(
            queue.take(gather).unwrap().len(),
            2,
            "2 + 2, a third is over 5"
        );
    }

    #[test]
    fn a_budget_waits_for_what_is_given_back_and_gives_up_after_its_patience() {
        let budget = Arc::new(Budget::new(10));
        assert!(budget.take(8, Duration::ZERO));
        assert!(!budget.take(3, Duration::from_millis(10)));
        let waiting = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.take(3, Duration::from_secs(30)))
        };
        budget.give(8);
        assert!(waiting.join().unwrap());
        budget.give(3);
        assert!(
            budget.take(50, Duration::ZERO),
            "alone, over the whole budget"
        );
    }

    #[test]
    fn closing_ends_the_taker_once_empty_and_refuses_new_items() {
        let queue = Bounded::new(10);
        queue.push(1, 1, Duration::ZERO).unwrap();
        queue.close();
        assert_eq!(queue.push(2, 1, Duration::ZERO), Err(2));
        assert_eq!(queue.take(QUICK).unwrap(), vec![(1, 1)]);
        assert!(queue.take(QUICK).is_none());
    }
}
