//! Opening the history file: made private, checked to be ours, moved aside when it is not,
//! brought up to this version's schema, and (for a writer) tried for writing at once, so
//! that a read-only file is said at start rather than at the first request.
//!
//! Opening is done holding a lock on the folder (`flock` on the folder itself): two
//! listeners starting together on a damaged file once raced to move it aside, and one of
//! them moved the other's new file away and ran with no history.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::Connection;

use super::{BUSY_TIMEOUT, DEFAULT_BODY_BYTES, DEFAULT_KEEP, HistoryError, SCHEMA_VERSION};

/// The columns this version reads and writes; a `requests` table without them is not ours.
const COLUMNS: [&str; 17] = [
    "id",
    "time",
    "peer",
    "method",
    "path",
    "event",
    "scheme",
    "verified",
    "reason",
    "status",
    "headers",
    "body",
    "record",
    "replay_of",
    "body_size",
    "body_sha256",
    "resigned",
];

/// Schema 2 from nothing.
const CREATE: &str = "
    CREATE TABLE requests (
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
        replay_of INTEGER,
        body_size INTEGER,
        body_sha256 TEXT,
        resigned INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

/// Schema 1 (sessions 6 to 9) to 2: the body's length and digest when it is cut, whether a
/// replay was signed here, and the file's own settings. A replay schema 1 kept as
/// "verified" because this tool signed it becomes re-signed.
const FROM_1: &str = "
    ALTER TABLE requests ADD COLUMN body_size INTEGER;
    ALTER TABLE requests ADD COLUMN body_sha256 TEXT;
    ALTER TABLE requests ADD COLUMN resigned INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    UPDATE requests SET resigned = 1, verified = 0
     WHERE peer = 'replay' AND replay_of IS NOT NULL AND verified = 1
       AND json_valid(record) AND json_extract(record, '$.as_is') = 0;";

/// Why a file cannot be used as it is.
pub(super) enum Unusable {
    /// Not a history this version reads: moved aside.
    SetAside(String),
    /// Anything else (permissions, a full disk): said, nothing moved.
    Other(HistoryError),
}

impl Unusable {
    fn sqlite(path: &Path, step: &'static str, err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as E;
        match err.sqlite_error_code() {
            Some(E::NotADatabase | E::DatabaseCorrupt) => {
                Unusable::SetAside(format!("is damaged ({err})"))
            }
            _ => Unusable::Other(HistoryError::sqlite(path, step, err)),
        }
    }
}

/// Opens `path` as a history of this version, `writing` or only reading; a file that is not
/// one is moved aside (and said in the second value) and a new one started.
pub(super) fn open(
    path: &Path,
    writing: bool,
) -> Result<(Connection, Option<String>), HistoryError> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    make_folder(&folder).map_err(|err| HistoryError::io(path, "folder cannot be made", err))?;
    // Held until this function returns: one process at a time opens, checks and moves aside.
    let _lock = lock_folder(&folder);
    // A link to a file that already exists (someone else's, perhaps) is followed only to a
    // history: an empty or foreign file there is never made one, nor has its mode changed.
    let linked =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && path.exists();
    make_file(path, writing)?;
    let (conn, warning) = match open_as_is(path, writing, !linked) {
        Ok(conn) => (conn, None),
        Err(Unusable::Other(err)) => return Err(err),
        Err(Unusable::SetAside(why)) => {
            let aside = set_aside(path)?;
            make_file(path, writing)?;
            let conn = open_as_is(path, writing, true).map_err(|err| match err {
                Unusable::Other(err) => err,
                Unusable::SetAside(why) => HistoryError::new(path, "cannot be started", why),
            })?;
            let warning = format!(
                "the history {} {why}; it was kept as {} and a new one started",
                path.display(),
                aside.display()
            );
            (conn, Some(warning))
        }
    };
    // Only now that it is known to be ours.
    make_private(path)?;
    Ok((conn, warning))
}

/// The data folder, readable by its owner only when this makes it.
fn make_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(folder)
}

/// An exclusive lock on `folder`, released when dropped; `None` where folders cannot be
/// locked (then opening goes on unlocked, as before).
fn lock_folder(folder: &Path) -> Option<std::fs::File> {
    let handle = std::fs::File::open(folder).ok()?;
    handle.lock().ok()?;
    Some(handle)
}

/// Makes sure `path` is a plain file, creating it (through a link, if it is a dangling one)
/// readable by its owner only. What is not a plain file (a link to `/dev/null`, a named
/// pipe, a folder) is refused, never opened for writing. A reader never creates one in an
/// existing place, nor opens one for writing.
fn make_file(path: &Path, writing: bool) -> Result<(), HistoryError> {
    // Looked at before it is opened: opening a named pipe waits for ever for its other end.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Err(not_a_file(path, &meta));
        }
        // An existing file is never opened here: closing any handle to a file drops every
        // POSIX lock this process holds on it, SQLite's included (a keeper writing it in this
        // process then lost its locks to a reader's open, and another program's open could
        // take the WAL from under it). Whether it can be written is found by the writer's
        // lock probe, through SQLite; a file or file system that is read-only is said here,
        // with what to do, asked without opening it.
        #[cfg(unix)]
        if writing && rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_err() {
            return Err(cannot_be_written(path));
        }
        return Ok(());
    }
    let opened = if writing || !path.exists() {
        super::private_file().create(true).open(path)
    } else {
        std::fs::File::open(path)
    };
    let file = opened.map_err(|err| match err.kind() {
        std::io::ErrorKind::IsADirectory => a_folder(path),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            cannot_be_written(path)
        }
        _ => HistoryError::io(path, "cannot be made", err),
    })?;
    let meta = file
        .metadata()
        .map_err(|err| HistoryError::io(path, "cannot be read", err))?;
    if !meta.is_file() {
        return Err(not_a_file(path, &meta));
    }
    Ok(())
}

/// The history cannot be written, with what to do.
fn cannot_be_written(path: &Path) -> HistoryError {
    HistoryError::new(
        path,
        "cannot be written",
        "make it (and its -wal and -shm files) writable by you, or move them away",
    )
}

/// Tightens the history, and its `-wal` and `-shm`, when others could read them: it holds
/// phone numbers and messages. Only for a file known to be a history.
fn make_private(path: &Path) -> Result<(), HistoryError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let tighten = |file: &Path| -> std::io::Result<()> {
            let mode = std::fs::metadata(file)?.permissions().mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode & 0o700))?;
            }
            Ok(())
        };
        tighten(path).map_err(|err| HistoryError::io(path, "cannot be made private", err))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", path.display()));
            if side.exists() {
                let _ = tighten(&side);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Why what is at `path` is no history file, with what to do.
fn not_a_file(path: &Path, meta: &std::fs::Metadata) -> HistoryError {
    if meta.is_dir() {
        return a_folder(path);
    }
    HistoryError::new(
        path,
        "is not a plain file (a device, a pipe or a socket, or a link to one)",
        "remove it: sinch-ticket makes a new history there",
    )
}

/// A folder where the history file should be, with what to do.
fn a_folder(path: &Path) -> HistoryError {
    HistoryError::new(
        path,
        "is a folder, not a file",
        "move it away, or set XDG_DATA_HOME to another folder",
    )
}

/// Opens the file as it is, and brings a schema 0 (new) or 1 file to this version; an empty
/// file is made a history only when `empty_is_ours`.
fn open_as_is(path: &Path, writing: bool, empty_is_ours: bool) -> Result<Connection, Unusable> {
    let opening = |err| Unusable::sqlite(path, "cannot be opened", err);
    let conn = Connection::open(path).map_err(opening)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(opening)?;
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(opening)?;
    if version > SCHEMA_VERSION {
        return Err(Unusable::SetAside(format!(
            "was written by a later version of sinch-ticket (schema {version}, this one reads {SCHEMA_VERSION})"
        )));
    }
    let tables = names(
        &conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .map_err(opening)?;
    if version == 0 && tables.is_empty() && !empty_is_ours {
        return Err(Unusable::SetAside(
            "is a link to a file that is not a sinch-ticket history".to_owned(),
        ));
    }
    if version == 0 && !tables.is_empty() {
        return Err(Unusable::SetAside(format!(
            "is not a sinch-ticket history (it holds the table(s) {})",
            tables.join(", ")
        )));
    }
    if version > 0 {
        let columns =
            names(&conn, "SELECT name FROM pragma_table_info('requests')").map_err(opening)?;
        let needed = if version == 1 {
            &COLUMNS[..14]
        } else {
            &COLUMNS[..]
        };
        if let Some(missing) = needed
            .iter()
            .find(|c| !columns.iter().any(|have| have == *c))
        {
            return Err(Unusable::SetAside(format!(
                "is not a sinch-ticket history (its requests have no {missing})"
            )));
        }
    }
    // Deleted records are overwritten with zeros, not left readable in free pages.
    conn.pragma_update(None, "secure_delete", "ON")
        .map_err(opening)?;
    if version < SCHEMA_VERSION || writing {
        let writing_err = |err| Unusable::sqlite(path, "cannot be written", err);
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(writing_err)?;
        // In WAL mode, NORMAL keeps every committed record through a crash of the process (a
        // kill -9); only the machine losing power may take the last ones. It spares an fsync
        // per batch.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(writing_err)?;
        // The WAL is cut back after each checkpoint: old pages (records since deleted) do not
        // linger in it beyond this.
        conn.pragma_update(None, "journal_size_limit", 4 * 1024 * 1024)
            .map_err(writing_err)?;
        let upgrade = match version {
            0 => Some(CREATE),
            1 => Some(FROM_1),
            _ => None,
        };
        // Taking the write lock at once tells a read-only file (or a read-only -shm left
        // behind) now, not at the first request.
        let mut script = String::from("BEGIN IMMEDIATE;");
        if let Some(upgrade) = upgrade {
            script.push_str(upgrade);
            script.push_str(&format!("PRAGMA user_version = {SCHEMA_VERSION};"));
        }
        script.push_str(&format!(
            "INSERT OR IGNORE INTO settings (name, value) VALUES ('keep', {DEFAULT_KEEP}), ('body_bytes', {DEFAULT_BODY_BYTES});"
        ));
        script.push_str("COMMIT;");
        if let Err(err) = conn.execute_batch(&script) {
            let _ = conn.execute_batch("ROLLBACK;");
            return Err(writing_err(err));
        }
        // Earlier versions made indexes on the event and the time; each cost the listener
        // about 6 % of its throughput, while a filter that reads all of 100,000 records
        // takes about 14 ms (`scripts/bench-history.sh`).
        conn.execute_batch(
            "DROP INDEX IF EXISTS requests_event; DROP INDEX IF EXISTS requests_time;",
        )
        .map_err(writing_err)?;
    }
    Ok(conn)
}

/// The first column of what `sql` selects, as text.
fn names(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(sql)?;
    statement.query_map([], |row| row.get(0))?.collect()
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
        .map_err(|err| HistoryError::io(path, "could not be moved aside", err))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
    }
    Ok(aside)
}
