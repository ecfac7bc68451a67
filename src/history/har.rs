//! The history as HAR 1.2, what browsers' and proxies' viewers import: for the command
//! line's `history export --har` and the window's Export alike.

use serde_json::{Value, json};

use super::Entry;

/// The requests as a HAR 1.2 log, oldest first.
pub fn har(entries: &[Entry]) -> Value {
    let har_entries: Vec<Value> = entries
        .iter()
        .rev()
        .map(|entry| {
            let header = |name: &str| {
                entry
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            let host = header("host").unwrap_or_else(|| "localhost".into());
            let mime = header("content-type").unwrap_or_else(|| "application/octet-stream".into());
            let took = entry
                .record_value()
                .get("forwarded")
                .and_then(|f| f.get("took_ms"))
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            let status = entry.status.unwrap_or(0);
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
                    "postData": {"mimeType": mime, "text": String::from_utf8_lossy(&entry.body)},
                    "headersSize": -1,
                    "bodySize": entry.body.len(),
                },
                "response": {
                    "status": status,
                    "statusText": "",
                    "httpVersion": "HTTP/1.1",
                    "cookies": [],
                    "headers": [],
                    "content": {"size": 0, "mimeType": "application/json"},
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": -1,
                },
                "cache": {},
                "timings": {"send": 0, "wait": took, "receive": 0},
                "comment": format!(
                    "sinch-ticket record {}: {}",
                    entry.id.unwrap_or_default(),
                    if entry.verified { "verified" } else { "not verified" }
                ),
            })
        })
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "sinch-ticket", "version": env!("CARGO_PKG_VERSION")},
            "entries": har_entries,
        }
    })
}
