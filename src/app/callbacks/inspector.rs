//! The Listen part's inspector, as ngrok's is: what the listener receives and what the
//! history keeps, in one live list (newest first, filtered by text, event and verdict), and
//! the request picked shown in detail, with Replay, Edit & replay and Copy as curl.
//!
//! The list is built from two sources: the history's records (read on a worker thread, then
//! only what is new each time the keeper has kept more) and this window's arrivals (in
//! memory, with what the app answered in full). An arrival that the history also holds is
//! listed once, under its record's number.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Local, Utc};
use eframe::egui;

use super::listen::{Arrival, HistoryJobError};
use crate::app::job::Slot;
use crate::history::{Entry, Filter, History};
use crate::net::listen::{Reply, Seen};

/// How many history records the list reads at most.
pub const HISTORY_SHOWN: u64 = 100_000;

/// Which request a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// A record of the history, by its number.
    Kept(i64),
    /// An arrival of this window's listener, by its order of arrival.
    Live(u64),
}

/// One row of the list: its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Which request.
    pub key: RowKey,
    /// Its number in the history, when it is kept there.
    pub id: Option<i64>,
    /// When it arrived.
    pub time: DateTime<Utc>,
    /// The event its body names.
    pub event: Option<String>,
    /// Its method and path.
    pub method: String,
    /// Its path.
    pub path: String,
    /// Whether it verified.
    pub verified: bool,
    /// The verdict in a few words.
    pub verdict: String,
    /// What the listener answered.
    pub ours: Option<u16>,
    /// What the app answered, when it was forwarded.
    pub app: Option<String>,
    /// The record it replays.
    pub replay_of: Option<i64>,
}

impl Row {
    fn of_entry(entry: &Entry) -> Option<Self> {
        Some(Self {
            key: RowKey::Kept(entry.id?),
            id: entry.id,
            time: entry.time,
            event: entry.event.clone(),
            method: entry.method.clone(),
            path: entry.path.clone(),
            verified: entry.verified,
            verdict: entry.headline(),
            ours: entry.status,
            app: entry.app_answer(),
            replay_of: entry.replay_of,
        })
    }

    fn of_arrival(arrival: &Arrival, id: Option<i64>) -> Self {
        let key = RowKey::Live(arrival.seq);
        match &arrival.seen {
            Seen::Refused {
                at, status, reason, ..
            } => Self {
                key,
                id,
                time: *at,
                event: None,
                method: String::new(),
                path: String::new(),
                verified: false,
                verdict: format!("refused: {reason}"),
                ours: *status,
                app: None,
                replay_of: None,
            },
            Seen::Callback(callback) => Self {
                key,
                id,
                time: callback.received_at,
                event: callback.event.map(|e| e.name().to_owned()),
                method: callback.method.clone(),
                path: callback.path.clone(),
                verified: callback.verdict.verified,
                verdict: callback.verdict.headline(),
                ours: Some(callback.status()),
                app: match &callback.reply {
                    Reply::Forwarded { answer, .. } => {
                        Some(crate::history::app_answer(Some(u64::from(answer.status))))
                    }
                    Reply::ForwardFailed { .. } => Some(crate::history::app_answer(None)),
                    Reply::StandIn { .. } | Reply::NotForwarded { .. } => None,
                },
                replay_of: None,
            },
        }
    }

    /// Whether it failed: it did not verify (a replay this tool sent is not a failure).
    pub fn failed(&self) -> bool {
        !self.verified && self.replay_of.is_none()
    }

    /// The list's header, over rows of [`Self::line`] with events `event_width` wide.
    pub fn header(event_width: usize) -> String {
        format!(
            "{:>6}  {:<8}  {:<event_width$}  {:<24}  {:>4}  {:>9}  request",
            "#", "time", "event", "verdict", "ours", "your app"
        )
    }

    /// The row as one line, in the columns of [`Self::header`] (events `event_width` wide):
    /// what the list shows and a screen reader reads.
    pub fn line(&self, event_width: usize) -> String {
        let number = self.id.map_or_else(|| "-".to_owned(), |id| id.to_string());
        let event = self.event.as_deref().unwrap_or("(no event)");
        let request = if self.method.is_empty() {
            "(no request)".to_owned()
        } else {
            format!(
                "{} {}",
                self.method,
                crate::sinch::text::one_line(&self.path)
            )
        };
        let ours = self
            .ours
            .map_or_else(|| "-".to_owned(), |status| status.to_string());
        let app = self.app.as_deref().unwrap_or("-");
        let replay = self
            .replay_of
            .map_or_else(String::new, |of| format!("  replay of {of}"));
        // The request last: in a narrow pane, a long path is what is cut off, not the verdict.
        format!(
            "{number:>6}  {}  {event:<event_width$}  {:<24}  {ours:>4}  {app:>9}  {request}{replay}",
            self.time.with_timezone(&Local).format("%H:%M:%S"),
            self.verdict
        )
    }

    /// Whether the row's event, path or method holds `needle` (lower case): what the
    /// history's own filter matches besides the body, so that an arrival and its record are
    /// matched alike (the verdict has its menu).
    fn says(&self, needle: &str) -> bool {
        [
            self.event.as_deref().unwrap_or_default(),
            &self.path,
            &self.method,
        ]
        .iter()
        .any(|text| text.to_lowercase().contains(needle))
    }
}

/// Which verdicts the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerdictShown {
    /// All.
    #[default]
    All,
    /// Only those that verified.
    Verified,
    /// Only those that did not (refusals included).
    NotVerified,
}

impl VerdictShown {
    /// The choices, as the filter's menu words them.
    pub const ALL: [(Self, &'static str); 3] = [
        (Self::All, "Any verdict"),
        (Self::Verified, "Verified"),
        (Self::NotVerified, "Not verified"),
    ];

    fn takes(self, verified: bool) -> bool {
        match self {
            Self::All => true,
            Self::Verified => verified,
            Self::NotVerified => !verified,
        }
    }

    /// How the menu words it.
    pub fn label(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(shown, _)| *shown == self)
            .map_or("Any verdict", |(_, label)| label)
    }
}

/// The detail pane's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetailTab {
    /// Its headers, body and raw bytes.
    #[default]
    Request,
    /// What the app answered.
    AppAnswer,
    /// The verdict: the reason, the warnings, the string to sign.
    Verdict,
}

/// What a read of the history brought.
pub struct Read {
    /// The records, newest first, without bodies.
    pub entries: Vec<Entry>,
    /// Whether it is only what came after the records already listed.
    pub after: Option<i64>,
    /// The text it was filtered by.
    pub text: String,
    /// What opening the history had to say (a damaged file set aside).
    pub warning: Option<String>,
}

/// The inspector's state.
#[derive(Default)]
pub struct Inspector {
    /// The filter's text (event, path, verdict, or text in the body).
    pub text: String,
    /// Only this event.
    pub event: Option<String>,
    /// Only these verdicts.
    pub verdict: VerdictShown,
    /// The history's records read, oldest first, without bodies.
    pub kept: Vec<Entry>,
    /// The read under way, and the last one's failure.
    pub reading: Slot<Result<Read, HistoryJobError>>,
    /// The history file, opened by the first read and kept for the next (a read follows
    /// every batch the keeper writes); dropped after a failure, so the next one opens it
    /// afresh.
    opened: std::sync::Arc<std::sync::Mutex<Option<(History, FileId)>>>,
    /// The text the records listed were filtered by (`None`: not read yet).
    read_for: Option<String>,
    /// Read again once the read under way is done (more was kept, or the filter changed).
    again: bool,
    /// The filter text the last read failed with (not tried again for it by itself).
    failed_for: Option<String>,
    /// What opening the history had to say (a damaged file set aside), to be said once.
    pub warning: Option<String>,
    /// The rows, newest first, and which of them the filters show.
    rows: Vec<Row>,
    shown: Vec<usize>,
    /// The events the rows name, sorted.
    events: Vec<String>,
    /// The shown rows counted on a time axis, for the width last drawn.
    timeline: Option<Timeline>,
    /// Where each row is in `rows`.
    places: HashMap<RowKey, usize>,
    /// The shown rows in time order, oldest first (the list's order is the history's).
    by_time: Vec<usize>,
    /// What the rows were built from, to build them again only when that changed.
    built: Option<Built>,
    /// The history's records up to this number are not listed (*Clear list*).
    hidden_to: Option<i64>,
    /// The request picked.
    pub selected: Option<RowKey>,
    /// The detail pane's tab.
    pub tab: DetailTab,
}

/// Which file a path names: its device and inode (elsewhere only whether there is one).
type FileId = (u64, u64);

fn file_id(path: &std::path::Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        path.exists().then_some((0, 0))
    }
}

/// The shown rows on a time axis: how many verified and how many did not, per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Where the axis starts (the oldest row, or a second before the newest).
    pub from: DateTime<Utc>,
    /// Where it ends (the newest row).
    pub to: DateTime<Utc>,
    /// The newest row's time.
    pub newest: DateTime<Utc>,
    /// How many rows.
    pub total: usize,
    /// How many of them verified.
    pub verified: usize,
    /// How many did not (a replay sent from here is neither).
    pub failed: usize,
    /// Per column: verified (or replays), not verified.
    pub counts: Vec<(u32, u32)>,
}

impl Timeline {
    /// The column of `time`.
    pub fn column(&self, time: DateTime<Utc>) -> usize {
        let span = (self.to - self.from).num_milliseconds().max(1) as f64;
        let share = (time - self.from).num_milliseconds() as f64 / span;
        ((share * self.counts.len() as f64) as usize).min(self.counts.len() - 1)
    }
}

/// What a list was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Built {
    hidden_to: Option<i64>,
    kept: usize,
    newest_kept: Option<i64>,
    arrivals: u64,
    text: String,
    event: Option<String>,
    verdict: VerdictShown,
}

impl Inspector {
    /// Reads the history (all of it when `whole`, else what came after the records listed)
    /// on a worker thread; when a read is under way, reads again once it is done.
    pub fn read(&mut self, ctx: &egui::Context, path: Option<&std::path::Path>, whole: bool) {
        let Some(path) = path.map(std::path::Path::to_owned) else {
            return;
        };
        if self.reading.busy() {
            self.again = true;
            return;
        }
        let text = self.text.trim().to_owned();
        // What is listed was read with another text: only a whole read can say what matches.
        let whole = whole || self.read_for.as_deref() != Some(text.as_str());
        let after = if whole {
            None
        } else {
            self.kept.last().and_then(|e| e.id)
        };
        let opened = self.opened.clone();
        let _ = self.reading.start("history", ctx, move || {
            // One read at a time (the slot says so): the lock is never waited for.
            let mut kept = opened
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut warning = None;
            // A file set aside (damaged) or removed since is not read on: the path's file is.
            let now = file_id(&path);
            if kept
                .as_ref()
                .is_some_and(|(_, id)| now.is_none() || Some(*id) != now)
            {
                *kept = None;
            }
            if kept.is_none() {
                // Reading makes no file where there is none.
                if let Some(fresh) = History::open_existing(&path)? {
                    warning = fresh.warning;
                    *kept = file_id(&path).map(|id| (fresh.history, id));
                }
            }
            let Some((history, _)) = kept.as_ref() else {
                return Ok(Read {
                    entries: Vec::new(),
                    after,
                    text,
                    warning,
                });
            };
            let listed = history.list(&Filter {
                text: Some(text.clone()),
                after,
                limit: Some(HISTORY_SHOWN),
                ..Filter::default()
            });
            let entries = match listed {
                Ok(entries) => entries,
                Err(err) => {
                    *kept = None;
                    return Err(err.into());
                }
            };
            Ok(Read {
                entries,
                after,
                text,
                warning,
            })
        });
    }

    /// Takes a finished read (from the window's time-driven work); `true` when one was
    /// taken and another should start.
    pub fn take_read(&mut self) -> bool {
        if !self.reading.poll() {
            return false;
        }
        let read = match self.reading.last.take() {
            Some(Ok(read)) => read,
            Some(Err(err)) => {
                // Said where the list is, and not tried again until the filter changes or
                // more is kept (a damaged record once made it read again at once, for ever).
                self.failed_for = Some(self.text.trim().to_owned());
                self.reading.last = Some(Err(err));
                return std::mem::take(&mut self.again);
            }
            None => return std::mem::take(&mut self.again),
        };
        self.failed_for = None;
        self.warning = read.warning.clone().or(self.warning.take());
        {
            let mut entries = read.entries;
            entries.reverse();
            if read.after.is_none() {
                self.kept = entries;
            } else if self.read_for.as_deref() == Some(read.text.as_str()) {
                self.kept.extend(entries);
                // The history keeps the newest: the list as well.
                let extra = self.kept.len().saturating_sub(HISTORY_SHOWN as usize);
                self.kept.drain(..extra);
            }
            self.read_for = Some(read.text);
        }
        let text = self.text.trim();
        std::mem::take(&mut self.again)
            || (self.read_for.as_deref() != Some(text) && self.failed_for.as_deref() != Some(text))
    }

    /// Whether the history was read at least once (or is being read).
    pub fn started(&self) -> bool {
        self.read_for.is_some() || self.reading.busy() || self.reading.last.is_some()
    }

    /// Lists nothing of the history: read again from scratch (all of it) when next shown.
    pub fn forget(&mut self) {
        self.kept.clear();
        self.read_for = None;
        self.hidden_to = None;
        self.built = None;
    }

    /// Takes the history's records listed so far off the list (they stay in the history).
    pub fn hide_kept(&mut self) {
        self.hidden_to = self.kept.last().and_then(|e| e.id).or(self.hidden_to);
        if matches!(self.selected, Some(RowKey::Kept(_))) {
            self.selected = None;
        }
    }

    /// Whether the list lists nothing at all (whatever the filters).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Builds the rows again when their sources or the filters changed; how many the
    /// filters show ([`Self::shown`] gives them).
    pub fn refresh(&mut self, arrivals: &[Arrival], generation: u64) -> usize {
        let built = Built {
            hidden_to: self.hidden_to,
            kept: self.kept.len(),
            newest_kept: self.kept.last().and_then(|e| e.id),
            arrivals: generation,
            text: self.text.trim().to_lowercase(),
            event: self.event.clone(),
            verdict: self.verdict,
        };
        if self.built.as_ref() != Some(&built) {
            self.build(arrivals, &built);
            self.built = Some(built);
            self.timeline = None;
        }
        self.shown.len()
    }

    /// The `i`-th row the filters show, newest first.
    pub fn shown(&self, i: usize) -> Option<&Row> {
        self.shown.get(i).and_then(|&at| self.rows.get(at))
    }

    /// The rows the filters show on a time axis `columns` pixels wide (kept until the rows or
    /// the width change: a frame of a list of 100,000 does not count them again).
    pub fn timeline(&mut self, columns: usize) -> Option<&Timeline> {
        let columns = columns.max(1);
        if self
            .timeline
            .as_ref()
            .is_none_or(|t| t.counts.len() != columns)
        {
            self.timeline = self.count(columns);
        }
        self.timeline.as_ref()
    }

    fn count(&self, columns: usize) -> Option<Timeline> {
        let oldest = self.rows.get(*self.by_time.first()?)?.time;
        let newest = self.rows.get(*self.by_time.last()?)?.time;
        // The newest at the right end, and at least a second shown.
        let from = oldest.min(newest - chrono::TimeDelta::seconds(1));
        let to = newest;
        let mut timeline = Timeline {
            from,
            to,
            newest,
            total: self.shown.len(),
            verified: 0,
            failed: 0,
            counts: vec![(0, 0); columns],
        };
        for &at in &self.shown {
            let row = &self.rows[at];
            let column = timeline.column(row.time);
            timeline.verified += usize::from(row.verified);
            if row.failed() {
                timeline.failed += 1;
                timeline.counts[column].1 += 1;
            } else {
                timeline.counts[column].0 += 1;
            }
        }
        Some(timeline)
    }

    /// The newest row drawn in the timeline's `column`, or in the nearest column within
    /// `reach` that has one (what the pointer is on): found by halving the rows in time order.
    pub fn newest_near(&self, column: usize, reach: usize) -> Option<&Row> {
        let timeline = self.timeline.as_ref()?;
        let counts = &timeline.counts;
        let drawn = (0..=reach)
            .flat_map(|d| [column.checked_sub(d), column.checked_add(d)])
            .flatten()
            .find(|&c| counts.get(c).is_some_and(|(ok, failed)| ok + failed > 0))?;
        let end = self
            .by_time
            .partition_point(|&at| timeline.column(self.rows[at].time) <= drawn);
        self.by_time
            .get(end.checked_sub(1)?)
            .and_then(|&at| self.rows.get(at))
    }

    /// The events the rows name, for the event filter's menu.
    pub fn events(&self) -> &[String] {
        &self.events
    }

    /// How wide the event column is: the longest event listed (within reason).
    pub fn event_width(&self) -> usize {
        self.events
            .iter()
            .map(|e| e.chars().count())
            .max()
            .unwrap_or(0)
            .clamp("(no event)".len(), 28)
    }

    /// Whether *Clear list* took the history's records listed so far off the list.
    pub fn cleared(&self) -> bool {
        self.hidden_to.is_some()
    }

    /// The row of `key`, when it is listed.
    pub fn row(&self, key: RowKey) -> Option<&Row> {
        self.places.get(&key).and_then(|&at| self.rows.get(at))
    }

    fn build(&mut self, arrivals: &[Arrival], built: &Built) {
        // An arrival the history holds too is the record of the same time, peer and path.
        // Only records as new as the oldest arrival can be one.
        let oldest = arrivals
            .iter()
            .map(|a| arrival_time(a).timestamp_millis())
            .min();
        let mut twins: HashMap<(i64, &str, &str), i64> = HashMap::new();
        if let Some(oldest) = oldest {
            for entry in self.kept.iter().rev() {
                let millis = entry.time.timestamp_millis();
                if millis < oldest {
                    break;
                }
                if let Some(id) = entry.id {
                    twins.insert((millis, &entry.peer, &entry.path), id);
                }
            }
        }
        let mut rows = Vec::with_capacity(self.kept.len() + arrivals.len());
        let mut listed_twice = HashSet::new();
        for arrival in arrivals {
            let id = match &arrival.seen {
                Seen::Callback(callback) => twins
                    .get(&(
                        callback.received_at.timestamp_millis(),
                        callback.peer.to_string().as_str(),
                        callback.path.as_str(),
                    ))
                    .copied(),
                Seen::Refused { .. } => None,
            };
            if let Some(id) = id {
                listed_twice.insert(id);
            }
            rows.push(Row::of_arrival(arrival, id));
        }
        rows.extend(
            self.kept
                .iter()
                .filter(|entry| {
                    entry.id.is_none_or(|id| {
                        !listed_twice.contains(&id) && self.hidden_to.is_none_or(|to| id > to)
                    })
                })
                .filter_map(Row::of_entry),
        );
        // Newest first: what is not in the history yet (just arrived, or no history kept) by
        // time, above the history's records by number (the order they were kept in: a
        // replay's own time is when it was sent, not when it was kept).
        rows.sort_by(|a, b| match (a.id, b.id) {
            (None, None) => b.time.cmp(&a.time),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => b.cmp(&a),
        });
        // The history's records were filtered by the text when read (their bodies too);
        // arrivals are filtered here, by their words and their body.
        let text_read = self.read_for.as_deref().map(str::to_lowercase) == Some(built.text.clone());
        let bodies: HashMap<u64, &[u8]> = arrivals
            .iter()
            .filter_map(|a| match &a.seen {
                Seen::Callback(callback) => Some((a.seq, callback.body.as_slice())),
                Seen::Refused { .. } => None,
            })
            .collect();
        self.shown = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| built.verdict.takes(row.verified))
            .filter(|(_, row)| built.event.is_none() || row.event == built.event)
            .filter(|(_, row)| {
                built.text.is_empty()
                    || match row.key {
                        RowKey::Kept(_) if text_read => true,
                        RowKey::Kept(_) => row.says(&built.text),
                        RowKey::Live(seq) => {
                            row.says(&built.text)
                                || bodies
                                    .get(&seq)
                                    .is_some_and(|body| holds(body, built.text.as_bytes()))
                        }
                    }
            })
            .map(|(i, _)| i)
            .collect();
        let mut events: Vec<String> = rows
            .iter()
            .filter_map(|row| row.event.as_deref())
            .collect::<HashSet<_>>()
            .into_iter()
            .map(str::to_owned)
            .collect();
        events.sort_unstable();
        self.events = events;
        self.places = rows
            .iter()
            .enumerate()
            .map(|(at, row)| (row.key, at))
            .collect();
        let mut by_time = self.shown.clone();
        by_time.sort_by_key(|&at| rows[at].time);
        self.by_time = by_time;
        self.rows = rows;
    }
}

/// When an arrival came.
fn arrival_time(arrival: &Arrival) -> DateTime<Utc> {
    match &arrival.seen {
        Seen::Refused { at, .. } => *at,
        Seen::Callback(callback) => callback.received_at,
    }
}

/// Whether `haystack` holds `needle`, ignoring ASCII case (as the history's filter does).
fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(id: i64, seconds: i64, verified: bool, event: &str) -> Entry {
        Entry {
            id: Some(id),
            time: DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap(),
            peer: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: format!("/sinch/{event}"),
            event: Some(event.into()),
            scheme: Some("application".into()),
            verified,
            reason: None,
            status: Some(if verified { 200 } else { 401 }),
            headers: Vec::new(),
            body: Vec::new(),
            body_size: 0,
            body_sha256: None,
            record: "{}".into(),
            replay_of: None,
            resigned: false,
        }
    }

    #[test]
    fn rows_are_newest_first_filtered_found_by_time_and_counted_on_the_axis() {
        let mut inspector = Inspector {
            kept: vec![
                kept(1, 0, true, "ice"),
                kept(2, 1, false, "dice"),
                kept(3, 10, true, "ice"),
            ],
            ..Inspector::default()
        };
        assert_eq!(inspector.refresh(&[], 0), 3);
        assert_eq!(inspector.shown(0).unwrap().id, Some(3), "newest first");
        assert_eq!(inspector.events(), ["dice", "ice"]);
        // Five columns of two seconds each.
        let timeline = inspector.timeline(5).unwrap().clone();
        // The pointer on a column: its newest request; on an empty one, the nearest drawn.
        assert_eq!(inspector.newest_near(0, 0).unwrap().id, Some(2));
        assert_eq!(inspector.newest_near(4, 0).unwrap().id, Some(3));
        assert_eq!(inspector.newest_near(3, 1).unwrap().id, Some(3));
        assert!(inspector.newest_near(2, 0).is_none(), "nothing drawn there");
        assert_eq!((timeline.total, timeline.verified), (3, 2));
        assert_eq!(timeline.counts[0], (1, 1), "the first two within a column");
        assert_eq!(timeline.counts[4], (1, 0), "the newest at the end");
        assert_eq!(
            inspector.row(RowKey::Kept(2)).unwrap().event.as_deref(),
            Some("dice")
        );

        inspector.verdict = VerdictShown::NotVerified;
        assert_eq!(inspector.refresh(&[], 0), 1);
        assert_eq!(inspector.timeline(5).unwrap().total, 1, "counted again");
        inspector.verdict = VerdictShown::All;
        inspector.event = Some("ice".into());
        assert_eq!(inspector.refresh(&[], 0), 2);
        // Cleared: the records listed so far leave the list.
        inspector.hide_kept();
        inspector.event = None;
        assert_eq!(inspector.refresh(&[], 0), 0);
        assert!(inspector.timeline(5).is_none());
    }

    #[test]
    fn a_body_holds_text_whatever_its_ascii_case() {
        assert!(holds(
            br#"{"custom":"From-The-History"}"#,
            b"from-the-history"
        ));
        assert!(!holds(b"short", b"longer than it"));
        assert!(!holds(b"anything", b""));
    }
}
