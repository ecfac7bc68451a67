//! The history written out, for both faces (`history export`, `history show --json` and the
//! window's Export): HAR 1.2, which browsers' and proxies' viewers import, or one JSON
//! object per line. Both give the bytes received: a body that is UTF-8 as its exact text
//! (never re-serialized: `1.10` stays `1.10`, a 23-digit number stays whole), any other as
//! base64, said so.
//!
//! An export streams: records are read one at a time into a new private file beside the
//! target, which then takes its name. Its memory is one record's whatever the history
//! holds, an earlier export is never left half-written, and a link at the target is
//! replaced, never written through.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::{EachError, Entry, Filter, History, HistoryError};

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HAR 1.2.
    Har,
    /// One JSON object per record ([`record_json`]).
    JsonLines,
}

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The history could not be read.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The target is the history itself (or its WAL): it would be replaced by the export.
    #[error("{} is the history itself: export to another file", path.display())]
    OntoHistory {
        /// The target.
        path: PathBuf,
    },
    /// The file could not be written.
    #[error("{} could not be written: {source}", path.display())]
    Write {
        /// The target.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Writes the records `filter` takes, oldest first, to `path` as `format`, readable by its
/// owner only (the bodies hold phone numbers and messages); how many.
pub fn export(
    history: &History,
    filter: &Filter,
    format: Format,
    path: &Path,
) -> Result<usize, ExportError> {
    if is_history_file(history.path(), path) {
        return Err(ExportError::OntoHistory {
            path: path.to_owned(),
        });
    }
    let written = write_export(path, |out| {
        if format == Format::Har {
            out.write_all(
                format!(
                    "{{\"log\": {{\"version\": \"1.2\", \"creator\": {{\"name\": \"sinch-ticket\", \"version\": \"{}\"}}, \"entries\": [\n",
                    env!("CARGO_PKG_VERSION")
                )
                .as_bytes(),
            )?;
        }
        let mut first = true;
        let count = history.each(filter, |entry| -> std::io::Result<()> {
            match format {
                Format::Har => {
                    if !first {
                        out.write_all(b",\n")?;
                    }
                    serde_json::to_writer_pretty(&mut *out, &har_entry(&entry))?;
                }
                Format::JsonLines => {
                    serde_json::to_writer(&mut *out, &record_json(&entry))?;
                    out.write_all(b"\n")?;
                }
            }
            first = false;
            Ok(())
        });
        if format == Format::Har {
            out.write_all(b"\n]}}\n")?;
        }
        Ok(count)
    })
    .map_err(|source| ExportError::Write {
        path: path.to_owned(),
        source,
    })?;
    match written {
        Ok(count) => Ok(count),
        Err(EachError::History(err)) => Err(err.into()),
        Err(EachError::Each(source)) => Err(ExportError::Write {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Whether `target` is the history at `history`, or its `-wal` or `-shm`, by any name.
fn is_history_file(history: &Path, target: &Path) -> bool {
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let side = PathBuf::from(format!("{}{suffix}", history.display()));
        same(&side, target)
    })
}

/// Writes `bytes` to `path` as [`write_export`] writes (a report, a page): beside it, then
/// renamed over it, readable by its owner only.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_export(path, |out| {
        out.write_all(bytes).map(Ok::<(), std::convert::Infallible>)
    })?
    .unwrap_or_else(|never| match never {});
    Ok(())
}

/// Writes what `write` writes to `path`, readable by its owner only, whole or not at all:
/// the bytes go to a new private file beside it, which then takes the name. So an earlier
/// export is never left half-written (a full disk), a link at `path` is replaced, never
/// written through (an export once overwrote the `.bashrc` a link pointed at), and an
/// existing file readable by others does not stay so. A failure inside `write` that it
/// returns as its value (`Err` in a `Result` it gives) leaves the target as it was too.
pub fn write_export<T, E>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<Result<T, E>>,
) -> std::io::Result<Result<T, E>> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // tempfile's files are made with mode 0600, and removed when not persisted.
    let file = tempfile::NamedTempFile::new_in(folder)?;
    let mut out = std::io::BufWriter::new(file);
    let result = write(&mut out)?;
    if result.is_err() {
        return Ok(result);
    }
    let file = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|err| err.error)?;
    Ok(result)
}

/// The body as text: its exact UTF-8, or base64 (the second value says which).
fn body_text(body: &[u8]) -> (String, bool) {
    match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (base64::engine::general_purpose::STANDARD.encode(body), true),
    }
}

/// One record as JSON: what it was, its verdict, its headers and its body as received (the
/// exact text, or base64 with `"body_encoding": "base64"`), with the listener's record.
pub fn record_json(entry: &Entry) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(entry.id));
    map.insert(
        "time".into(),
        json!(
            entry
                .time
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        ),
    );
    for (name, value) in [
        ("peer", json!(entry.peer)),
        ("method", json!(entry.method)),
        ("path", json!(entry.path)),
        ("event", json!(entry.event)),
        ("scheme", json!(entry.scheme)),
        ("verified", json!(entry.verified)),
        ("resigned", json!(entry.resigned)),
        ("reason", json!(entry.reason)),
        ("status", json!(entry.status)),
        ("replay_of", json!(entry.replay_of)),
        (
            "headers",
            entry
                .headers
                .iter()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect(),
        ),
    ] {
        map.insert(name.into(), value);
    }
    let (body, base64) = body_text(&entry.body);
    map.insert("body".into(), Value::String(body));
    if base64 {
        map.insert("body_encoding".into(), json!("base64"));
    }
    map.insert("body_size".into(), json!(entry.body_size));
    if entry.body_cut() {
        map.insert("body_cut".into(), json!(true));
        map.insert("body_sha256".into(), json!(entry.body_sha256));
    }
    map.insert("record".into(), entry.record_value());
    Value::Object(map)
}

/// One record as a HAR 1.2 entry.
fn har_entry(entry: &Entry) -> Value {
    let header = |name: &str| {
        entry
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let host = header("host").unwrap_or_else(|| "localhost".into());
    let mime = header("content-type").unwrap_or_else(|| "application/octet-stream".into());
    // The app's answer, when the request was forwarded and it answered: its body as kept.
    let forwarded = entry.forwarded().unwrap_or_default();
    let took = forwarded.took_ms.unwrap_or(0) as f64;
    let app_body = forwarded.body.as_deref().unwrap_or_default();
    let content = json!({
        "size": forwarded.body_size.unwrap_or(app_body.len() as u64),
        "mimeType": forwarded.content_type.as_deref().unwrap_or("application/json"),
        "text": app_body,
    });
    let response_headers: Vec<Value> = forwarded
        .content_type
        .as_deref()
        .map(|ct| json!({"name": "Content-Type", "value": ct}))
        .into_iter()
        .collect();
    let query: Vec<Value> = entry
        .path
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (n, v) = p.split_once('=').unwrap_or((p, ""));
                    json!({"name": n, "value": v})
                })
                .collect()
        })
        .unwrap_or_default();
    let (text, base64) = body_text(&entry.body);
    let mut post = json!({"mimeType": mime, "text": text});
    if base64 {
        post["encoding"] = json!("base64");
    }
    let verdict = if entry.resigned {
        "re-signed by sinch-ticket"
    } else if entry.verified {
        "verified"
    } else {
        "not verified"
    };
    let mut comment = format!(
        "sinch-ticket record {}: {verdict}",
        entry.id.unwrap_or_default()
    );
    if let Some(cut) = entry.cut_note() {
        comment.push_str(&format!("; {cut}"));
    }
    json!({
        "startedDateTime": entry.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "time": took,
        "request": {
            "method": entry.method,
            "url": format!("http://{host}{}", entry.path),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": entry.headers.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
            "queryString": query,
            "postData": post,
            "headersSize": -1,
            "bodySize": entry.body_size,
        },
        "response": {
            "status": entry.status.unwrap_or(0),
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": response_headers,
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": took, "receive": 0},
        "comment": comment,
    })
}
