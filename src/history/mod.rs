//! The callback history: every request a listener answered, kept on this machine in SQLite
//! (`$XDG_DATA_HOME/sinch-ticket/history.sqlite3`, mode 0600), so that it can be listed,
//! shown, exported, replayed and cleared across restarts.
//!
//! - WAL mode and a busy timeout: several listeners and the window can write at once, and a
//!   listener killed mid-write loses at most the record it was writing.
//! - Retention: the newest `keep` records (10,000 by default), pruned as records arrive.
//! - A file that is not a history of this version (damaged, or written by a later one with
//!   a newer schema) is moved aside, never emptied, and the caller is told where it went.
//! - Never stored: the value of an HTTP Basic `Authorization`, which carries the secret
//!   (kept as `Basic <hidden>`).

mod har;
pub mod replay;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use har::har;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;

/// The history file's name inside the data folder.
pub const FILE: &str = "history.sqlite3";
/// The schema this version writes (SQLite's `user_version`).
pub const SCHEMA_VERSION: i32 = 1;
/// How many records are kept when nothing else is said.
pub const DEFAULT_KEEP: u64 = 10_000;
/// How long a write waits for another writer.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How many requests go into the history in one transaction at most.
pub const BATCH: usize = 256;
/// How long a writer waits for the next request before it keeps what it has.
pub const LINGER: Duration = Duration::from_millis(2);
/// How long the first request of a batch waits at most to be kept.
pub const MAX_WAIT: Duration = Duration::from_millis(20);

/// Takes, after `first`, what comes on `queue` to be kept in one transaction: while the
/// next request comes within [`LINGER`] of the last, up to [`BATCH`] requests and for at
/// most [`MAX_WAIT`]. A lone request is kept at once (after LINGER); under load one commit
/// serves many. Each commit writes whole pages of the table and its indexes to the WAL, so a
/// commit per request cost the listener about a fifth of its loopback throughput
/// (`scripts/bench-listen.sh`); a listener killed meanwhile loses at most this batch.
pub fn gather<T>(queue: &std::sync::mpsc::Receiver<T>, first: T) -> Vec<T> {
    let until = std::time::Instant::now() + MAX_WAIT;
    let mut batch = vec![first];
    while batch.len() < BATCH {
        let left = until.saturating_duration_since(std::time::Instant::now());
        match queue.recv_timeout(LINGER.min(left)) {
            Ok(next) => batch.push(next),
            Err(_) => break,
        }
    }
    batch
}

/// Where the history lives: the platform's data folder (`$XDG_DATA_HOME/sinch-ticket`).
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("sinch-ticket").join(FILE))
}

/// Why the history could not be used: which file, which step, and what the system said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the history {} {step}: {reason}", path.display())]
pub struct HistoryError {
    /// The history file.
    pub path: PathBuf,
    /// The step that failed, in words ("could not be written").
    pub step: &'static str,
    /// What SQLite or the file system said.
    pub reason: String,
}

impl HistoryError {
    fn at(path: &Path, step: &'static str, err: impl std::fmt::Display) -> Self {
        Self {
            path: path.to_owned(),
            step,
            reason: err.to_string(),
        }
    }
}

/// One request as kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Its number in the history (`None` before it is kept).
    pub id: Option<i64>,
    /// When it arrived (or was sent, for a replay).
    pub time: DateTime<Utc>,
    /// Who sent it (`replay` for a replay this tool sent).
    pub peer: String,
    /// The method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// The event its body names.
    pub event: Option<String>,
    /// The scheme it was signed in.
    pub scheme: Option<String>,
    /// Whether it verified.
    pub verified: bool,
    /// Why not.
    pub reason: Option<String>,
    /// The status it was answered.
    pub status: Option<u16>,
    /// Its headers, as sent (a Basic Authorization hidden).
    pub headers: Vec<(String, String)>,
    /// Its body, as sent.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The listener's whole record of it (answers, forwarding), JSON text as `listen --json`
    /// prints it: made once for both, kept as it is, read with [`Entry::record_value`].
    pub record: String,
    /// The request this one replayed.
    pub replay_of: Option<i64>,
}

impl Entry {
    /// The headers with any HTTP Basic credentials hidden: they carry the secret.
    pub fn hide_secrets(headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                // Basic carries the secret itself, whatever white space follows the word.
                let basic = name.eq_ignore_ascii_case("authorization")
                    && value
                        .split_whitespace()
                        .next()
                        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("basic"))
                    && value.trim().len() > "basic".len();
                let value = if basic {
                    "Basic <hidden>".to_owned()
                } else if name.eq_ignore_ascii_case("proxy-authorization") {
                    "<hidden>".to_owned()
                } else {
                    value.clone()
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// The listener's record, read (`null` when it is no JSON).
    pub fn record_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.record).unwrap_or_default()
    }

    /// The body for people: pretty JSON, or the text.
    pub fn pretty_body(&self) -> String {
        match serde_json::from_slice::<serde_json::Value>(&self.body) {
            Ok(json) => format!("{json:#}"),
            Err(_) => String::from_utf8_lossy(&self.body).into_owned(),
        }
    }
}

/// Which records a listing takes.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this event.
    pub event: Option<String>,
    /// Only this scheme.
    pub scheme: Option<String>,
    /// Only those that verified (`Some(true)`) or did not.
    pub verified: Option<bool>,
    /// Only those since this time.
    pub since: Option<DateTime<Utc>>,
    /// At most this many, newest first.
    pub limit: Option<u64>,
}

/// The history file, open.
pub struct History {
    conn: Connection,
    path: PathBuf,
    keep: u64,
}

/// A history opened, with a warning when a file had to be moved aside.
pub struct Opened {
    /// The history.
    pub history: History,
    /// Where a damaged or newer file went, in a sentence.
    pub warning: Option<String>,
}

impl History {
    /// Opens (or creates, mode 0600) the history at `path`, keeping the newest `keep`
    /// records. A damaged file, or one with a newer schema, is moved aside and a new one
    /// started.
    pub fn open(path: &Path, keep: u64) -> Result<Opened, HistoryError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|err| HistoryError::at(path, "folder cannot be made", err))?;
        }
        match Self::open_as_is(path, keep) {
            Ok(history) => Ok(Opened {
                history,
                warning: None,
            }),
            Err(Unusable::Other(err)) => Err(err),
            Err(Unusable::SetAside(why)) => {
                let aside = set_aside(path)?;
                let history = Self::open_as_is(path, keep).map_err(|err| match err {
                    Unusable::Other(err) => err,
                    Unusable::SetAside(why) => HistoryError::at(path, "cannot be started", why),
                })?;
                Ok(Opened {
                    history,
                    warning: Some(format!(
                        "the history {} {why}; it was kept as {} and a new one started",
                        path.display(),
                        aside.display()
                    )),
                })
            }
        }
    }

    fn open_as_is(path: &Path, keep: u64) -> Result<History, Unusable> {
        create_private(path)
            .map_err(|err| Unusable::Other(HistoryError::at(path, "cannot be made", err)))?;
        let conn = Connection::open(path).map_err(|err| Unusable::from_sqlite(path, err))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|err| Unusable::from_sqlite(path, err))?;
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|err| Unusable::from_sqlite(path, err))?;
        if version > SCHEMA_VERSION {
            return Err(Unusable::SetAside(format!(
                "was written by a later version of sinch-ticket (schema {version}, this one reads {SCHEMA_VERSION})"
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|err| Unusable::from_sqlite(path, err))?;
        // In WAL mode, NORMAL keeps every committed record through a crash of the process
        // (a kill -9); only the machine losing power may take the last ones. It spares an
        // fsync per record, which the listener's throughput feels.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|err| Unusable::from_sqlite(path, err))?;
        if version == 0 {
            conn.execute_batch(
                "BEGIN;
                 CREATE TABLE IF NOT EXISTS requests (
                     id INTEGER PRIMARY KEY AUTOINCREMENT,
                     time TEXT NOT NULL,
                     peer TEXT NOT NULL,
                     method TEXT NOT NULL,
                     path TEXT NOT NULL,
                     event TEXT,
                     scheme TEXT,
                     verified INTEGER NOT NULL,
                     reason TEXT,
                     status INTEGER,
                     headers TEXT NOT NULL,
                     body BLOB NOT NULL,
                     record TEXT NOT NULL,
                     replay_of INTEGER
                 );
                 PRAGMA user_version = 1;
                 COMMIT;",
            )
            .map_err(|err| Unusable::from_sqlite(path, err))?;
        }
        // No index but the id's: an index on the event or the time cost the listener about
        // 6 % of its throughput each (each record kept and each pruned is two more B-tree
        // writes), while a filter that reads all of 100,000 records takes about 14 ms
        // (`scripts/bench-history.sh`). A file an earlier version made has them; they go
        // (the schema is the same without them, so either version reads the file).
        conn.execute_batch(
            "DROP INDEX IF EXISTS requests_event; DROP INDEX IF EXISTS requests_time;",
        )
        .map_err(|err| Unusable::from_sqlite(path, err))?;
        Ok(History {
            conn,
            path: path.to_owned(),
            keep: keep.max(1),
        })
    }

    /// Where it lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps `entry` (its Basic credentials hidden) and prunes past `keep`; its id.
    pub fn record(&mut self, entry: &Entry) -> Result<i64, HistoryError> {
        let ids = self.record_all(std::slice::from_ref(entry))?;
        Ok(ids.first().copied().unwrap_or_default())
    }

    /// Keeps `entries` in one transaction (all or none) and prunes past `keep`; their ids.
    pub fn record_all(&mut self, entries: &[Entry]) -> Result<Vec<i64>, HistoryError> {
        let fail = |err: rusqlite::Error| HistoryError::at(&self.path, "could not be written", err);
        let tx = self.conn.transaction().map_err(fail)?;
        let mut ids = Vec::with_capacity(entries.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO requests (time, peer, method, path, event, scheme, verified, reason, status, headers, body, record, replay_of)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .map_err(fail)?;
            for entry in entries {
                let headers =
                    serde_json::to_string(&Entry::hide_secrets(&entry.headers)).unwrap_or_default();
                insert
                    .execute(params![
                        entry
                            .time
                            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        entry.peer,
                        entry.method,
                        entry.path,
                        entry.event,
                        entry.scheme,
                        entry.verified,
                        entry.reason,
                        entry.status,
                        headers,
                        entry.body,
                        entry.record,
                        entry.replay_of,
                    ])
                    .map_err(fail)?;
                ids.push(tx.last_insert_rowid());
            }
        }
        if let Some(last) = ids.last() {
            let keep = i64::try_from(self.keep).unwrap_or(i64::MAX);
            tx.execute("DELETE FROM requests WHERE id <= ?1", params![last - keep])
                .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(ids)
    }

    /// The records `filter` takes, newest first.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Entry>, HistoryError> {
        let mut sql = String::from(
            "SELECT id, time, peer, method, path, event, scheme, verified, reason, status, headers, body, record, replay_of FROM requests WHERE 1 = 1",
        );
        let mut values: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        if let Some(event) = &filter.event {
            sql.push_str(" AND event = ?");
            values.push(Box::new(event.clone()));
        }
        if let Some(scheme) = &filter.scheme {
            sql.push_str(" AND scheme = ?");
            values.push(Box::new(scheme.clone()));
        }
        if let Some(verified) = filter.verified {
            sql.push_str(" AND verified = ?");
            values.push(Box::new(verified));
        }
        if let Some(since) = filter.since {
            sql.push_str(" AND time >= ?");
            values.push(Box::new(
                since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            values.push(Box::new(i64::try_from(limit).unwrap_or(i64::MAX)));
        }
        let fail = |err: rusqlite::Error| HistoryError::at(&self.path, "could not be read", err);
        let mut statement = self.conn.prepare(&sql).map_err(fail)?;
        let rows = statement
            .query_map(
                rusqlite::params_from_iter(values.iter().map(|v| &**v)),
                row_entry,
            )
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// The newest `limit` records whose event, path or body holds `text` (all, for an empty
    /// one), without their headers, bodies and records: a list to show, fast on 100,000.
    pub fn search(&self, text: &str, limit: u64) -> Result<Vec<Entry>, HistoryError> {
        self.search_in(text, limit, false)
    }

    /// [`Self::search`] with each record whole (headers, body, record): for an export.
    pub fn search_whole(&self, text: &str, limit: u64) -> Result<Vec<Entry>, HistoryError> {
        self.search_in(text, limit, true)
    }

    fn search_in(&self, text: &str, limit: u64, whole: bool) -> Result<Vec<Entry>, HistoryError> {
        let fail = |err: rusqlite::Error| HistoryError::at(&self.path, "could not be read", err);
        let pattern = format!(
            "%{}%",
            text.trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT id, time, peer, method, path, event, scheme, verified, reason, status, {}, replay_of
                 FROM requests
                 WHERE ?1 = '' OR event LIKE ?2 ESCAPE '\\' OR path LIKE ?2 ESCAPE '\\' OR CAST(body AS TEXT) LIKE ?2 ESCAPE '\\'
                 ORDER BY id DESC LIMIT ?3",
                if whole { "headers, body, record" } else { "'[]', X'', 'null'" }
            ))
            .map_err(fail)?;
        let rows = statement
            .query_map(
                params![
                    text.trim(),
                    pattern,
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                row_entry,
            )
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// The record numbered `id`.
    pub fn get(&self, id: i64) -> Result<Option<Entry>, HistoryError> {
        self.conn
            .query_row(
                "SELECT id, time, peer, method, path, event, scheme, verified, reason, status, headers, body, record, replay_of FROM requests WHERE id = ?1",
                params![id],
                row_entry,
            )
            .optional()
            .map_err(|err| HistoryError::at(&self.path, "could not be read", err))
    }

    /// The newest record's number.
    pub fn last_id(&self) -> Result<Option<i64>, HistoryError> {
        self.conn
            .query_row("SELECT max(id) FROM requests", [], |row| row.get(0))
            .map_err(|err| HistoryError::at(&self.path, "could not be read", err))
    }

    /// Deletes every record (or those before `before`); how many.
    pub fn clear(&self, before: Option<DateTime<Utc>>) -> Result<usize, HistoryError> {
        let fail = |err: rusqlite::Error| HistoryError::at(&self.path, "could not be cleared", err);
        let deleted = match before {
            Some(before) => self
                .conn
                .execute(
                    "DELETE FROM requests WHERE time < ?1",
                    params![before.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)],
                )
                .map_err(fail)?,
            None => self
                .conn
                .execute("DELETE FROM requests", [])
                .map_err(fail)?,
        };
        // The freed pages go too: what was cleared is not left in the file.
        self.conn.execute_batch("VACUUM").map_err(fail)?;
        Ok(deleted)
    }
}

fn row_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let time: String = row.get(1)?;
    let headers: String = row.get(10)?;
    let record: String = row.get(12)?;
    Ok(Entry {
        id: Some(row.get(0)?),
        time: DateTime::parse_from_rfc3339(&time)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
        peer: row.get(2)?,
        method: row.get(3)?,
        path: row.get(4)?,
        event: row.get(5)?,
        scheme: row.get(6)?,
        verified: row.get(7)?,
        reason: row.get(8)?,
        status: row.get(9)?,
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        body: row.get(11)?,
        record,
        replay_of: row.get(13)?,
    })
}

/// Why a file cannot be used as it is.
enum Unusable {
    /// Not a history this version reads: moved aside.
    SetAside(String),
    /// Anything else (permissions, a full disk): said, nothing moved.
    Other(HistoryError),
}

impl Unusable {
    fn from_sqlite(path: &Path, err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as E;
        match err.sqlite_error_code() {
            Some(E::NotADatabase | E::DatabaseCorrupt) => {
                Unusable::SetAside(format!("is damaged ({err})"))
            }
            _ => Unusable::Other(HistoryError::at(path, "cannot be opened", err)),
        }
    }
}

/// Options that create a file readable by its owner only (mode 0600 where there are modes):
/// for the history and what is exported from it, which hold phone numbers and messages.
pub fn private_file() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
}

/// Writes an export of the history to `path`, readable by its owner only, whole or not at
/// all: the bytes go to a new private file beside it, which then takes the name. So an
/// earlier export is never left half-written (a full disk), a link at `path` is replaced,
/// never written through (an export once overwrote the `.bashrc` a link pointed at), and an
/// existing file readable by others does not stay so.
pub fn write_export(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // tempfile's files are made with mode 0600.
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Creates `path` readable by its owner only, when it does not exist.
fn create_private(path: &Path) -> std::io::Result<()> {
    match private_file().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}

/// Moves `path` (and its WAL files) aside as `history.sqlite3.damaged-…`.
fn set_aside(path: &Path) -> Result<PathBuf, HistoryError> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    let mut aside = PathBuf::from(format!("{}.damaged-{stamp}", path.display()));
    let mut n = 1;
    while aside.exists() {
        aside = PathBuf::from(format!("{}.damaged-{stamp}-{n}", path.display()));
        n += 1;
    }
    std::fs::rename(path, &aside)
        .map_err(|err| HistoryError::at(path, "could not be moved aside", err))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests;
