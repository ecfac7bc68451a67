//! The callback history: every request a listener answered, kept on this machine in SQLite
//! (`$XDG_DATA_HOME/sinch-ticket/history.sqlite3`, mode 0600), so that it can be listed,
//! shown, exported, replayed and cleared across restarts.
//!
//! What it promises (docs/command-line.md, "History and replay", says the same to users):
//! - **Every request answered is kept** unless the user said `--no-history`: one [`Keeper`]
//!   per listener (the command line's and the window's) writes on its own thread, never
//!   behind the terminal; when SQLite falls behind, the listener waits a little rather than
//!   lose records, a failed batch is retried and split, and the writer recovers when the
//!   disk or the lock comes back. What it still could not keep is counted and said.
//! - **Bounded**: what waits to be written is bounded by bytes ([`keeper::QUEUED_BYTES`]); a
//!   body is kept once, as bytes, up to the file's cap (1 MiB by default), with its length
//!   and SHA-256 when cut. The file keeps the newest `keep` records (10,000 by default): a
//!   setting of the file (`history keep`), not of whichever listener started last.
//! - **Nothing kept that should not be**: HTTP Basic and Proxy-Authorization values are
//!   hidden; deleted and pruned records are overwritten (`secure_delete`), and `clear`
//!   checkpoints and truncates the WAL so no copy is left there.
//! - **A file that is not ours is set aside, never written into**: damaged, a later schema,
//!   another program's database; a link to a device or a read-only file is named at start.
//!   Opening holds a lock on the folder, so two processes never race to move a file aside.

pub mod export;
mod file;
pub mod keeper;
pub mod replay;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use export::{ExportError, Format, export, record_json, write_export, write_file};
pub use keeper::{Keeper, KeeperReport};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;

/// The history file's name inside the data folder.
pub const FILE: &str = "history.sqlite3";
/// The peer of a callback `sinch-ticket mock` sent (the calls it received keep their
/// caller's address, and an event `mock:OPERATION`).
pub const MOCK_PEER: &str = "mock";

/// The schema this version writes (SQLite's `user_version`): 2 added the body's length and
/// digest, `resigned` and the settings. Schema 1 files are brought up to it when opened.
pub const SCHEMA_VERSION: i32 = 2;
/// How many records a new file keeps.
pub const DEFAULT_KEEP: u64 = 10_000;
/// How many bytes of each body a new file keeps.
pub const DEFAULT_BODY_BYTES: u64 = 1024 * 1024;
/// How long a write waits for another writer.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// What SQLite or the file system said, or what to do.
    pub reason: String,
    /// Whether trying again later may work (a full disk, a lock held, an I/O error).
    passing: bool,
}

impl HistoryError {
    fn new(path: &Path, step: &'static str, reason: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            step,
            reason: reason.into(),
            passing: false,
        }
    }

    fn io(path: &Path, step: &'static str, err: std::io::Error) -> Self {
        Self::new(path, step, err.to_string())
    }

    fn sqlite(path: &Path, step: &'static str, err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as E;
        let code = err.sqlite_error_code();
        let reason = match code {
            Some(E::DiskFull) => format!("{err} (the disk is full: free some space)"),
            Some(E::ReadOnly) => format!(
                "{err} (make the file and its -wal and -shm files writable by you, or move them away)"
            ),
            Some(E::DatabaseBusy | E::DatabaseLocked) => {
                format!("{err} (another program holds it)")
            }
            _ => err.to_string(),
        };
        Self {
            passing: matches!(
                code,
                Some(
                    E::DiskFull
                        | E::DatabaseBusy
                        | E::DatabaseLocked
                        | E::SystemIoFailure
                        | E::ReadOnly
                        | E::CannotOpen
                        | E::OutOfMemory
                )
            ),
            ..Self::new(path, step, reason)
        }
    }

    /// Whether the same write may work later: the disk filled, another program held the
    /// lock, the file was made read-only. A record it failed for is kept waiting, not lost.
    pub fn is_passing(&self) -> bool {
        self.passing
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
    /// Its body, as sent: the bytes received, or their first bytes up to the file's cap.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// How many bytes the body had when received (more than `body` holds when it was cut).
    pub body_size: u64,
    /// The SHA-256 (hex) of the whole body, when what is kept was cut.
    pub body_sha256: Option<String>,
    /// The listener's record of it (answers, forwarding; not the body, kept once above),
    /// JSON text, read with [`Entry::record_value`].
    pub record: String,
    /// The request this one replayed.
    pub replay_of: Option<i64>,
    /// Whether this tool signed it (a replay re-signed): not verified, vouched for.
    pub resigned: bool,
}

impl Entry {
    /// The headers with any credential hidden. An `Authorization` is kept only when it is a
    /// signature (`Application KEY:SIGNATURE`, `service ID:SIGNATURE`); any other (HTTP Basic,
    /// which carries the secret itself, a bearer token, or a value with no plain scheme word,
    /// such as `Basic,…`) is kept as its scheme word and `<hidden>`; a `Proxy-Authorization`
    /// as `<hidden>`.
    pub fn hide_secrets(headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let value = if name.eq_ignore_ascii_case("authorization") {
                    let (scheme, rest) = crate::sinch::signing::authorization_scheme(value);
                    let signature = scheme.is_some_and(|s| {
                        s.eq_ignore_ascii_case("application") || s.eq_ignore_ascii_case("service")
                    });
                    match scheme {
                        _ if signature || value.trim().is_empty() => value.clone(),
                        Some(scheme) if !rest.is_empty() => format!("{scheme} <hidden>"),
                        _ => "<hidden>".to_owned(),
                    }
                } else if name.eq_ignore_ascii_case("proxy-authorization") {
                    "<hidden>".to_owned()
                } else {
                    value.clone()
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// Whether the mock sent it (a callback of `sinch-ticket mock`, [`MOCK_PEER`]).
    pub fn sent_by_mock(&self) -> bool {
        self.peer == MOCK_PEER
    }

    /// Its verdict in a few words, as every list shows it: a replay this tool signed is
    /// "re-signed", never "verified"; a callback the mock sent says so.
    pub fn headline(&self) -> String {
        if self.sent_by_mock() {
            return match &self.scheme {
                Some(scheme) => format!("sent by the mock ({scheme})"),
                None => "sent by the mock, unsigned".to_owned(),
            };
        }
        if self.replay_of.is_some() && !self.resigned {
            return "replayed as recorded".to_owned();
        }
        if self.resigned {
            return match &self.scheme {
                Some(scheme) => format!("re-signed ({scheme})"),
                None => "re-signed".to_owned(),
            };
        }
        crate::sinch::received::headline(self.verified, self.scheme.as_deref())
    }

    /// Whether the body kept is only the first part of what was received.
    pub fn body_cut(&self) -> bool {
        self.body_sha256.is_some() || self.body_size > self.body.len() as u64
    }

    /// When the body was cut, how, in words: "its body was cut at 1048576 of its 2000000
    /// bytes (SHA-256 of the whole: …)".
    pub fn cut_note(&self) -> Option<String> {
        self.body_cut().then(|| {
            format!(
                "its body was cut at {} of its {} bytes (SHA-256 of the whole: {})",
                self.body.len(),
                self.body_size,
                self.body_sha256.as_deref().unwrap_or("not known")
            )
        })
    }

    /// The listener's record, read (`null` when it is no JSON).
    pub fn record_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.record).unwrap_or_default()
    }

    /// What happened when it was forwarded to the app: where, what the app answered, or
    /// why it could not be reached; `None` when it was not forwarded (also read from a
    /// list's records, which keep only this of the record).
    pub fn forwarded(&self) -> Option<crate::net::listen::ForwardRecord> {
        let mut record = self.record_value();
        let forwarded = record.get_mut("forwarded").filter(|f| !f.is_null())?.take();
        serde_json::from_value(forwarded).ok()
    }

    /// What the app it was forwarded to answered, in a few words: its status ("200"), "no
    /// answer" when it could not be reached, `None` when it was not forwarded.
    pub fn app_answer(&self) -> Option<String> {
        self.forwarded()
            .map(|forwarded| app_answer(forwarded.status.map(u64::from)))
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
    /// Only those whose event, path or body holds this text.
    pub text: Option<String>,
    /// Only those kept after the record numbered this (a list read again takes only what is
    /// new).
    pub after: Option<i64>,
    /// At most this many, newest first.
    pub limit: Option<u64>,
}

/// The file's own settings: how much it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// How many records (the newest).
    pub keep: u64,
    /// How many bytes of each body.
    pub body_bytes: u64,
}

/// The columns of a whole record, in [`row_entry`]'s order.
const WHOLE: &str = "id, time, peer, method, path, event, scheme, verified, reason, status, headers, body, record, replay_of, body_size, body_sha256, resigned";
/// The same, with the headers and body left out, and of the record only the app's status
/// (not the body it answered): for lists.
const SUMMARY: &str = "id, time, peer, method, path, event, scheme, verified, reason, status, '[]', X'', CASE WHEN NOT json_valid(record) THEN 'null' WHEN json_type(record, '$.forwarded') = 'object' THEN json_object('forwarded', json_object('status', json_extract(record, '$.forwarded.status'))) ELSE 'null' END, replay_of, body_size, body_sha256, resigned";

/// The history file, open.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// A history opened, with a warning when a file had to be moved aside.
pub struct Opened {
    /// The history.
    pub history: History,
    /// Where a damaged, foreign or newer file went, in a sentence.
    pub warning: Option<String>,
}

impl History {
    /// Opens (or creates, mode 0600) the history at `path` to read it. A file that is not a
    /// history of this version is moved aside and a new one started.
    pub fn open(path: &Path) -> Result<Opened, HistoryError> {
        let (conn, warning) = file::open(path, false)?;
        Ok(Opened {
            history: History {
                conn,
                path: path.to_owned(),
            },
            warning,
        })
    }

    /// [`Self::open`] to write: the write lock is taken once at once, so a read-only file is
    /// said now rather than at the first record.
    pub fn open_for_writing(path: &Path) -> Result<Opened, HistoryError> {
        let (conn, warning) = file::open(path, true)?;
        Ok(Opened {
            history: History {
                conn,
                path: path.to_owned(),
            },
            warning,
        })
    }

    /// The history at `path` if there is one: looking a record up makes no file.
    pub fn open_existing(path: &Path) -> Result<Option<Opened>, HistoryError> {
        if !path.exists() {
            return Ok(None);
        }
        Self::open(path).map(Some)
    }

    /// Where it lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, step: &'static str) -> impl Fn(rusqlite::Error) -> HistoryError + '_ {
        move |err| HistoryError::sqlite(&self.path, step, err)
    }

    /// How much the file keeps.
    pub fn settings(&self) -> Result<Settings, HistoryError> {
        let read = |name: &str, default: u64| -> Result<u64, HistoryError> {
            let value: Option<i64> = self
                .conn
                .query_row(
                    "SELECT value FROM settings WHERE name = ?1",
                    params![name],
                    |row| row.get(0),
                )
                .optional()
                .map_err(self.fail("could not be read"))?;
            Ok(value.and_then(|v| u64::try_from(v).ok()).unwrap_or(default))
        };
        Ok(Settings {
            keep: read("keep", DEFAULT_KEEP)?,
            body_bytes: read("body_bytes", DEFAULT_BODY_BYTES)?,
        })
    }

    /// Changes how much the file keeps, for every listener that writes to it; records past
    /// the new `keep` are deleted now (and overwritten). How many went.
    pub fn set_settings(&mut self, settings: Settings) -> Result<usize, HistoryError> {
        let path = self.path.clone();
        let fail = |err| HistoryError::sqlite(&path, "could not be changed", err);
        // Immediate: the write lock is taken (waiting for another writer) before the settings
        // are read; a read then a write in one deferred transaction fails at once, without
        // waiting, when another writer came in between.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(fail)?;
        for (name, value) in [("keep", settings.keep), ("body_bytes", settings.body_bytes)] {
            tx.execute(
                "INSERT INTO settings (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, i64::try_from(value).unwrap_or(i64::MAX)],
            )
            .map_err(fail)?;
        }
        let pruned = prune(&tx).map_err(fail)?;
        tx.commit().map_err(fail)?;
        self.truncate_wal();
        Ok(pruned)
    }

    /// Keeps `entry` (its credentials hidden, its body up to the file's cap) and prunes past
    /// the file's `keep`; its id.
    pub fn record(&mut self, entry: &Entry) -> Result<i64, HistoryError> {
        let ids = self.record_all(std::slice::from_ref(entry))?;
        Ok(ids.first().copied().unwrap_or_default())
    }

    /// Keeps `entries` in one transaction (all or none) and prunes past the file's `keep`;
    /// their ids.
    pub fn record_all(&mut self, entries: &[Entry]) -> Result<Vec<i64>, HistoryError> {
        use sha2::Digest as _;
        let fail = HistoryError::sqlite;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| fail(&path, "could not be written", e))?;
        let cap: i64 = tx
            .query_row(
                "SELECT value FROM settings WHERE name = 'body_bytes'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| fail(&path, "could not be written", e))?
            .unwrap_or(i64::try_from(DEFAULT_BODY_BYTES).unwrap_or(i64::MAX));
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        let mut ids = Vec::with_capacity(entries.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO requests (time, peer, method, path, event, scheme, verified, reason, status, headers, body, record, replay_of, body_size, body_sha256, resigned)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(|e| fail(&path, "could not be written", e))?;
            for entry in entries {
                let headers =
                    serde_json::to_string(&Entry::hide_secrets(&entry.headers)).unwrap_or_default();
                let size = entry.body_size.max(entry.body.len() as u64);
                let (body, digest) = if entry.body.len() > cap {
                    let digest = entry.body_sha256.clone().unwrap_or_else(|| {
                        sha2::Sha256::digest(&entry.body)
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect()
                    });
                    (&entry.body[..cap], Some(digest))
                } else {
                    (&entry.body[..], entry.body_sha256.clone())
                };
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
                        body,
                        entry.record,
                        entry.replay_of,
                        i64::try_from(size).unwrap_or(i64::MAX),
                        digest,
                        entry.resigned,
                    ])
                    .map_err(|e| fail(&path, "could not be written", e))?;
                ids.push(tx.last_insert_rowid());
            }
        }
        prune(&tx).map_err(|e| fail(&path, "could not be written", e))?;
        tx.commit()
            .map_err(|e| fail(&path, "could not be written", e))?;
        Ok(ids)
    }

    fn select(filter: &Filter, columns: &str) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
        let mut sql = format!("SELECT {columns} FROM requests WHERE 1 = 1");
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
        if let Some(after) = filter.after {
            sql.push_str(" AND id > ?");
            values.push(Box::new(after));
        }
        if let Some(since) = filter.since {
            sql.push_str(" AND time >= ?");
            values.push(Box::new(
                since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
        }
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            sql.push_str(
                " AND (event LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\' OR CAST(body AS TEXT) LIKE ? ESCAPE '\\')",
            );
            let pattern = format!(
                "%{}%",
                text.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            for _ in 0..3 {
                values.push(Box::new(pattern.clone()));
            }
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            values.push(Box::new(i64::try_from(limit).unwrap_or(i64::MAX)));
        }
        (sql, values)
    }

    /// The records `filter` takes, newest first, without their headers, bodies and records:
    /// a list to show, read in milliseconds however large the bodies.
    pub fn list(&self, filter: &Filter) -> Result<Vec<Entry>, HistoryError> {
        let (sql, values) = Self::select(filter, SUMMARY);
        let fail = self.fail("could not be read");
        let mut statement = self.conn.prepare(&sql).map_err(&fail)?;
        let rows = statement
            .query_map(
                rusqlite::params_from_iter(values.iter().map(|v| &**v)),
                row_entry,
            )
            .map_err(&fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    /// Each record `filter` takes, whole, oldest first, one at a time: an export's memory
    /// is one record's, whatever the history's size. How many.
    pub fn each<E>(
        &self,
        filter: &Filter,
        mut each: impl FnMut(Entry) -> Result<(), E>,
    ) -> Result<usize, EachError<E>> {
        let (sql, values) = Self::select(filter, WHOLE);
        let sql = format!("SELECT * FROM ({sql}) ORDER BY id ASC");
        let fail = |e| EachError::History(self.fail("could not be read")(e));
        let mut statement = self.conn.prepare(&sql).map_err(fail)?;
        let mut rows = statement
            .query(rusqlite::params_from_iter(values.iter().map(|v| &**v)))
            .map_err(fail)?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(fail)? {
            each(row_entry(row).map_err(fail)?).map_err(EachError::Each)?;
            count += 1;
        }
        Ok(count)
    }

    /// The record numbered `id`, whole.
    pub fn get(&self, id: i64) -> Result<Option<Entry>, HistoryError> {
        self.conn
            .query_row(
                &format!("SELECT {WHOLE} FROM requests WHERE id = ?1"),
                params![id],
                row_entry,
            )
            .optional()
            .map_err(self.fail("could not be read"))
    }

    /// The newest record's number.
    pub fn last_id(&self) -> Result<Option<i64>, HistoryError> {
        self.conn
            .query_row("SELECT max(id) FROM requests", [], |row| row.get(0))
            .map_err(self.fail("could not be read"))
    }

    /// Deletes every record (or those before `before`); how many. What was deleted is
    /// overwritten in the file and gone from its WAL, even with a listener writing meanwhile.
    pub fn clear(&self, before: Option<DateTime<Utc>>) -> Result<usize, HistoryError> {
        let fail = self.fail("could not be cleared");
        let deleted = match before {
            Some(before) => self
                .conn
                .execute(
                    "DELETE FROM requests WHERE time < ?1",
                    params![before.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)],
                )
                .map_err(&fail)?,
            None => self
                .conn
                .execute("DELETE FROM requests", [])
                .map_err(&fail)?,
        };
        // The freed pages go too, and the WAL's copies of the old pages with them.
        self.conn.execute_batch("VACUUM").map_err(&fail)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0))
            .map_err(&fail)
            .and_then(|busy| {
                if busy == 0 {
                    Ok(())
                } else {
                    Err(HistoryError::new(
                        &self.path,
                        "was cleared, but its WAL still holds old copies",
                        "another program is reading it; run `sinch-ticket history clear` again once it is done",
                    ))
                }
            })?;
        Ok(deleted)
    }

    /// Copies the WAL into the file and cuts it to nothing when no one is reading: what was
    /// deleted leaves no copy there. Best effort (a reader at work keeps it for now).
    pub fn truncate_wal(&self) {
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                row.get::<_, i64>(0)
            });
    }
}

/// Deletes what is past the file's `keep`; how many.
fn prune(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM requests WHERE id <= (SELECT max(id) FROM requests)
             - max(1, coalesce((SELECT value FROM settings WHERE name = 'keep'), ?1))",
        params![i64::try_from(DEFAULT_KEEP).unwrap_or(i64::MAX)],
    )
}

/// Why [`History::each`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum EachError<E> {
    /// The history could not be read.
    #[error(transparent)]
    History(HistoryError),
    /// What was done with a record failed.
    #[error("{0}")]
    Each(E),
}

fn row_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let time: String = row.get(1)?;
    let headers: String = row.get(10)?;
    let body: Vec<u8> = row.get(11)?;
    let size: Option<i64> = row.get(14)?;
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
        // A status no HTTP answer has (written by another program) is none, not an error
        // that would keep every other record from being listed.
        status: row
            .get::<_, Option<i64>>(9)?
            .and_then(|status| u16::try_from(status).ok()),
        headers: serde_json::from_str(&headers).unwrap_or_default(),
        body_size: size
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(body.len() as u64),
        body,
        record: row.get(12)?,
        replay_of: row.get(13)?,
        body_sha256: row.get(15)?,
        resigned: row.get(16)?,
    })
}

/// What a forwarded request's app answered, in a few words: its status, or "no answer" when
/// it could not be reached. One wording for the history's records and the window's arrivals.
pub fn app_answer(status: Option<u64>) -> String {
    status.map_or_else(|| "no answer".to_owned(), |status| status.to_string())
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

#[cfg(test)]
mod tests;
