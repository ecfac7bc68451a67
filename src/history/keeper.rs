//! The one keeper of what a listener answers, for both faces (`listen` and the window's
//! Listen part): a thread of its own that writes to the history, fed through a queue bounded
//! by bytes. It never waits for the terminal (the command line prints on another thread),
//! and it does not give up:
//! - when SQLite falls behind, [`Keeper::keep`] waits (up to [`PATIENCE`]) for room: the
//!   listener's answers slow down a little rather than records being lost;
//! - a batch that fails for a passing reason (a full disk, the lock held past the busy
//!   timeout, a file made read-only) is kept and tried again, waiting longer each time, and
//!   the writer goes on when the disk or the lock comes back;
//! - a batch that fails for a lasting reason is split, so that one record that cannot be
//!   kept does not take the others with it;
//! - what it could not keep is counted in its [`KeeperReport`], with why, for the face to say.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Entry, History, HistoryError};
use crate::bounded::{Bounded, Gather};

/// How many bytes of records may wait to be written: past that, the listener waits.
pub const QUEUED_BYTES: usize = 32 * 1024 * 1024;
/// How long a record waits for room before it is counted lost.
pub const PATIENCE: Duration = Duration::from_secs(2);
/// How records are taken into one transaction: what comes within 2 ms of the last, up to 256
/// records or 8 MiB, for at most 20 ms. A lone record is kept at once; under load one commit
/// serves many (a commit per record cost the listener about a fifth of its loopback
/// throughput, `scripts/bench-listen.sh`).
pub const GATHER: Gather = Gather {
    items: 256,
    bytes: 8 * 1024 * 1024,
    linger: Duration::from_millis(2),
    max_wait: Duration::from_millis(20),
};
/// How often the WAL is cut back while records are written (its old pages hold copies of
/// what pruning deleted).
const TRUNCATE_EVERY: Duration = Duration::from_secs(1);
/// The longest wait between two tries of a batch that failed for a passing reason.
const MOST_BACKOFF: Duration = Duration::from_secs(1);
/// How long a keeper being finished goes on trying to write, in all, before it counts what
/// is left lost (Ctrl+C on a listener whose disk is full ends in this time, not one such
/// wait per batch waiting).
const FINISH_PATIENCE: Duration = Duration::from_secs(5);

/// What a keeper did so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeeperReport {
    /// Records kept.
    pub kept: u64,
    /// Records it could not keep (the queue stayed full, or they failed for good).
    pub lost: u64,
    /// Why the last record was lost.
    pub lost_because: Option<String>,
    /// Why writing fails right now (it is being retried), if it does.
    pub failing: Option<HistoryError>,
    /// Where a file that was not a history went, when opening moved one aside.
    pub warning: Option<String>,
    /// Why the history could not be opened at all (every record handed over is lost).
    pub unusable: Option<HistoryError>,
}

/// A record's weight in the queue: what it holds in memory.
fn weight(entry: &Entry) -> usize {
    entry.body.len()
        + entry.record.len()
        + entry.path.len()
        + entry.reason.as_ref().map_or(0, String::len)
        + entry
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 32)
            .sum::<usize>()
        + 256
}

/// The keeper at work; [`Keeper::finish`] writes what waits and ends it.
pub struct Keeper {
    queue: Arc<Bounded<Entry>>,
    report: Arc<Mutex<KeeperReport>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Keeper {
    /// Starts writing to `history`, opened (and tried for writing) by the caller, so that a
    /// file that cannot be used is said before the listener starts.
    pub fn start(history: History) -> std::io::Result<Keeper> {
        Self::spawn(move |_| Some(history))
    }

    /// Opens the history at `path` for writing on the writer's own thread (opening may wait
    /// for another program's lock), and keeps what it is handed meanwhile: for the window,
    /// which must not wait. Why it could not be opened, or where a file was moved aside, is
    /// in [`Self::report`].
    pub fn open(path: std::path::PathBuf) -> std::io::Result<Keeper> {
        Self::spawn(move |report| match History::open_for_writing(&path) {
            Ok(opened) => {
                report
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .warning = opened.warning;
                Some(opened.history)
            }
            Err(err) => {
                report
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .unusable = Some(err);
                None
            }
        })
    }

    fn spawn(
        history: impl FnOnce(&Mutex<KeeperReport>) -> Option<History> + Send + 'static,
    ) -> std::io::Result<Keeper> {
        let queue = Arc::new(Bounded::new(QUEUED_BYTES));
        let report = Arc::new(Mutex::new(KeeperReport::default()));
        let writer = {
            let (queue, report) = (Arc::clone(&queue), Arc::clone(&report));
            std::thread::Builder::new()
                .name("history-keeper".into())
                .spawn(move || match history(&report) {
                    Some(history) => Writer {
                        history,
                        queue,
                        report,
                        closing_since: None,
                        truncated: Instant::now(),
                    }
                    .run(),
                    None => lose_all(&queue, &report),
                })?
        };
        Ok(Keeper {
            queue,
            report,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Hands `entry` to the writer, waiting up to [`PATIENCE`] for room; whether it was
    /// taken (when not, it is counted lost).
    pub fn keep(&self, entry: Entry) -> bool {
        let weight = weight(&entry);
        match self.queue.push(entry, weight, PATIENCE) {
            Ok(()) => true,
            Err(_) => {
                self.with_report(|report| {
                    report.lost += 1;
                    report.lost_because = Some(if self.queue.is_closed() {
                        "the history was closing".to_owned()
                    } else {
                        format!("the history fell {} s behind", PATIENCE.as_secs())
                    });
                });
                false
            }
        }
    }

    fn with_report(&self, change: impl FnOnce(&mut KeeperReport)) {
        change(
            &mut self
                .report
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }

    /// What it did so far.
    pub fn report(&self) -> KeeperReport {
        self.report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Writes what waits (trying a failing batch for a few seconds more), ends the writer,
    /// and says what it did. Records handed over after this are counted lost.
    pub fn finish(&self) -> KeeperReport {
        self.queue.close();
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        self.report()
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Counts every record handed over as lost: the history could not be opened.
fn lose_all(queue: &Bounded<Entry>, report: &Mutex<KeeperReport>) {
    while let Some(batch) = queue.take(GATHER) {
        let weight: usize = batch.iter().map(|(_, w)| w).sum();
        let mut report = report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        report.lost += batch.len() as u64;
        report.lost_because = report.unusable.as_ref().map(ToString::to_string);
        drop(report);
        queue.release(weight);
    }
}

/// The writing thread.
struct Writer {
    history: History,
    queue: Arc<Bounded<Entry>>,
    report: Arc<Mutex<KeeperReport>>,
    /// When the keeper was first seen closing while a write failed: from then on it has
    /// [`FINISH_PATIENCE`] in all.
    closing_since: Option<Instant>,
    /// When the WAL was last cut back.
    truncated: Instant,
}

impl Writer {
    fn run(mut self) {
        // Whether records were written since the WAL was last cut back.
        let mut written = false;
        loop {
            // While something written waits to be cut back from the WAL, the wait for the
            // next records is bounded: the WAL is cut back a second after the last write.
            let wait = written.then(|| TRUNCATE_EVERY.saturating_sub(self.truncated.elapsed()));
            let Some(batch) = self.queue.take_within(GATHER, wait) else {
                break;
            };
            if !batch.is_empty() {
                let weight: usize = batch.iter().map(|(_, w)| w).sum();
                let entries: Vec<Entry> = batch.into_iter().map(|(e, _)| e).collect();
                self.write(&entries);
                // Room again only once they are written (or counted lost): a batch being
                // retried still counts against the bound.
                self.queue.release(weight);
                written = true;
            }
            // What pruning overwrote in the file still has copies in the WAL (and the file
            // old ones) until a checkpoint: at most a second later.
            if written && self.truncated.elapsed() >= TRUNCATE_EVERY {
                self.history.truncate_wal();
                self.truncated = Instant::now();
                written = false;
            }
        }
        // Nothing deleted by pruning is left in the WAL once the listener stops.
        self.history.truncate_wal();
    }

    fn report(&self, change: impl FnOnce(&mut KeeperReport)) {
        change(
            &mut self
                .report
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }

    /// Writes `entries`, retrying a passing failure and splitting on a lasting one.
    fn write(&mut self, entries: &[Entry]) {
        let mut backoff = Duration::from_millis(50);
        loop {
            if self
                .closing_since
                .is_some_and(|since| since.elapsed() >= FINISH_PATIENCE)
            {
                let why = self
                    .report
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .failing
                    .as_ref()
                    .map(ToString::to_string);
                self.report(|r| {
                    r.lost += entries.len() as u64;
                    r.lost_because = why;
                });
                return;
            }
            match self.history.record_all(entries) {
                Ok(ids) => {
                    self.report(|r| {
                        r.kept += ids.len() as u64;
                        r.failing = None;
                    });
                    return;
                }
                Err(err) if !err.is_passing() => {
                    if entries.len() > 1 {
                        let (first, second) = entries.split_at(entries.len() / 2);
                        self.write(first);
                        self.write(second);
                    } else {
                        self.report(|r| {
                            r.lost += 1;
                            r.lost_because = Some(err.to_string());
                        });
                    }
                    return;
                }
                Err(err) => {
                    if self.queue.is_closed() {
                        let since = *self.closing_since.get_or_insert_with(Instant::now);
                        if since.elapsed() >= FINISH_PATIENCE {
                            self.report(|r| {
                                r.lost += entries.len() as u64;
                                r.lost_because = Some(err.to_string());
                            });
                            return;
                        }
                    }
                    self.report(|r| r.failing = Some(err));
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MOST_BACKOFF);
                }
            }
        }
    }
}
