//! `history` and `replay`: the callbacks `listen` kept, listed, shown, exported (HAR 1.2 or
//! JSON lines), cleared, and sent again re-signed. The store is [`crate::history`]; the
//! signing and judging are `trigger`'s.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::args::{apply_sets, duration};
use super::words::verdict_text;
use super::{CredentialArgs, Failure, credentials, exit, stdio};
use crate::history::replay::{ReplayAs, ReplayError};
use crate::history::{self, Entry, Filter, History};
use crate::net::target;

use crate::sinch::callback::Event;

/// Arguments of `sinch-ticket history`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    command: Option<HistoryCommand>,
    #[command(flatten)]
    filter: FilterArgs,
    /// Print the records as JSON (an array, newest first).
    #[arg(long)]
    json: bool,
}

/// Which records to take.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this event (ice, sms-inbound, …).
    #[arg(long, value_name = "EVENT")]
    event: Option<String>,
    /// Only this scheme (application, conversation, numbers, mailgun, …).
    #[arg(long, value_name = "SCHEME")]
    scheme: Option<String>,
    /// Only those that verified.
    #[arg(long, conflicts_with = "unverified")]
    verified: bool,
    /// Only those that did not verify.
    #[arg(long)]
    unverified: bool,
    /// Only those of the last DURATION (e.g. 1h).
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    since: Option<u64>,
    /// At most N, newest first.
    #[arg(long, value_name = "N", default_value_t = 50)]
    limit: u64,
}

#[derive(Debug, Subcommand)]
enum HistoryCommand {
    /// Show one request whole: headers, body, verdict and answers.
    Show {
        /// Its number (see `sinch-ticket history`), or `last`.
        id: String,
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the requests to a file: HAR 1.2 (what browsers and proxies import) or JSON lines.
    Export {
        /// Write HAR 1.2 to FILE.
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "jsonl",
            required_unless_present = "jsonl"
        )]
        har: Option<PathBuf>,
        /// Write one JSON object per request to FILE.
        #[arg(long, value_name = "FILE")]
        jsonl: Option<PathBuf>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Delete the requests kept (all, or those older than DURATION).
    Clear {
        /// Only those older than DURATION (e.g. 7d).
        #[arg(long, value_name = "DURATION", value_parser = duration)]
        before: Option<u64>,
    },
}

/// Arguments of `sinch-ticket replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The request's number in the history, or `last`.
    #[arg(value_name = "ID|last")]
    id: String,
    /// Where to send it.
    #[arg(long, value_name = "URL")]
    to: String,
    /// Set a field of the body first: PATH=VALUE (repeatable), as `trigger --set`.
    #[arg(long = "set", value_name = "PATH=VALUE", conflicts_with = "as_is")]
    sets: Vec<String>,
    /// Send the recorded bytes and headers unchanged: a stale replay, which a careful
    /// server refuses (it passes when refused with a 4xx).
    #[arg(long)]
    as_is: bool,
    /// Read the webhook secret from standard input (a Conversation, SMS, Numbers or Mailgun
    /// request), instead of the profile's or SINCH_WEBHOOK_SECRET.
    #[arg(long)]
    webhook_secret_stdin: bool,
    /// How long the exchange may take.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: u64,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// The history of this user (its warnings said).
fn open() -> Result<History, Failure> {
    let path = history::default_path().ok_or_else(|| {
        Failure::usage("no data folder for the history: set HOME or XDG_DATA_HOME")
    })?;
    let opened = History::open(&path, u64::MAX)?;
    if let Some(warning) = opened.warning {
        super::warn(&warning);
    }
    Ok(opened.history)
}

/// The moment `secs` seconds ago (the beginning of time for an absurd duration).
fn ago(secs: u64) -> DateTime<Utc> {
    i64::try_from(secs)
        .ok()
        .and_then(chrono::TimeDelta::try_seconds)
        .and_then(|delta| Utc::now().checked_sub_signed(delta))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl FilterArgs {
    fn filter(&self) -> Filter {
        Filter {
            event: self.event.clone(),
            scheme: self.scheme.clone(),
            verified: match (self.verified, self.unverified) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            since: self.since.map(ago),
            limit: Some(self.limit),
        }
    }
}

/// A record's number, or `last`.
fn find(history: &History, id: &str) -> Result<Entry, Failure> {
    let number = if id == "last" {
        history.last_id()?.ok_or_else(|| {
            Failure::usage("the history is empty: `sinch-ticket listen` keeps what it answers")
        })?
    } else {
        id.parse::<i64>()
            .map_err(|_| Failure::usage(format!("'{id}' is not a record's number (or `last`)")))?
    };
    history.get(number)?.ok_or_else(|| {
        Failure::usage(format!(
            "there is no record {number} (the history keeps the newest; see `sinch-ticket history`)"
        ))
    })
}

fn body_json(entry: &Entry) -> Value {
    serde_json::from_slice(&entry.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&entry.body).into_owned()))
}

fn summary_json(entry: &Entry) -> Value {
    json!({
        "id": entry.id,
        "time": entry.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "peer": entry.peer,
        "method": entry.method,
        "path": entry.path,
        "event": entry.event,
        "scheme": entry.scheme,
        "verified": entry.verified,
        "reason": entry.reason,
        "status": entry.status,
        "replay_of": entry.replay_of,
    })
}

fn whole_json(entry: &Entry) -> Value {
    let mut value = summary_json(entry);
    if let Value::Object(map) = &mut value {
        map.insert(
            "headers".into(),
            entry
                .headers
                .iter()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect(),
        );
        map.insert("body".into(), body_json(entry));
        map.insert("record".into(), entry.record_value());
    }
    value
}

fn line(entry: &Entry) -> String {
    let verdict = crate::sinch::received::headline(entry.verified, entry.scheme.as_deref());
    format!(
        "{:>6}  {}  {:<30}  {verdict:<26}  {:>3}  {} {}{}",
        entry.id.unwrap_or_default(),
        entry.time.with_timezone(&Local).format("%Y-%m-%d %H:%M:%S"),
        entry.event.as_deref().unwrap_or("(no event)"),
        entry
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string()),
        entry.method,
        crate::sinch::text::one_line(&entry.path),
        entry
            .replay_of
            .map_or_else(String::new, |of| format!("  (replay of {of})"))
    )
}

/// `sinch-ticket history …`.
pub fn run(args: &HistoryArgs) -> Result<u8, Failure> {
    let history = open()?;
    match &args.command {
        None => {
            let entries = history.list(&args.filter.filter())?;
            if args.json {
                let list: Vec<Value> = entries.iter().map(summary_json).collect();
                return stdio::line(&format!("{:#}", Value::Array(list))).map(|()| exit::OK);
            }
            if entries.is_empty() {
                return stdio::human(
                    "No requests kept yet: `sinch-ticket listen` keeps each one it answers.",
                )
                .map(|()| exit::OK);
            }
            for entry in &entries {
                stdio::human(&line(entry))?;
            }
            Ok(exit::OK)
        }
        Some(HistoryCommand::Show { id, json }) => {
            let entry = find(&history, id)?;
            if *json {
                return stdio::line(&format!("{:#}", whole_json(&entry))).map(|()| exit::OK);
            }
            let mut text = line(&entry);
            if let Some(reason) = &entry.reason {
                text.push_str(&format!(
                    "\n  why: {}",
                    crate::sinch::text::one_line(reason)
                ));
            }
            text.push_str(&format!("\n  from: {}", entry.peer));
            for (name, value) in &entry.headers {
                text.push_str(&format!(
                    "\n  {}: {}",
                    crate::sinch::text::one_line(name),
                    crate::sinch::text::one_line(value)
                ));
            }
            for body_line in crate::sinch::text::terminal_safe(&entry.pretty_body()).lines() {
                text.push_str("\n  ");
                text.push_str(body_line);
            }
            stdio::human(&text).map(|()| exit::OK)
        }
        Some(HistoryCommand::Export { har, jsonl, filter }) => {
            let mut filter = filter.filter();
            filter.limit = None;
            let entries = history.list(&filter)?;
            let (path, text) = match (har, jsonl) {
                (Some(path), _) => (path, format!("{:#}\n", history::har(&entries))),
                (None, Some(path)) => (
                    path,
                    entries
                        .iter()
                        .rev()
                        .map(|e| format!("{}\n", whole_json(e)))
                        .collect::<String>(),
                ),
                (None, None) => return Err(Failure::usage("give --har FILE or --jsonl FILE")),
            };
            // Readable by you only, as the history is: the bodies hold phone numbers.
            history::write_export(path, text.as_bytes())
                .map_err(|err| Failure::io(&format!("writing {}", path.display()), &err))?;
            stdio::human(&format!(
                "Wrote {} request(s) to {} (bodies hold phone numbers and messages: keep the file to yourself).",
                entries.len(),
                path.display()
            ))
            .map(|()| exit::OK)
        }
        Some(HistoryCommand::Clear { before }) => {
            let deleted = history.clear(before.map(ago))?;
            stdio::human(&format!(
                "Deleted {deleted} request(s) from {}.",
                history.path().display()
            ))
            .map(|()| exit::OK)
        }
    }
}

/// `sinch-ticket replay`.
pub fn replay(args: &ReplayArgs) -> Result<u8, Failure> {
    target::sendable(&args.to)?;
    let mut history = open()?;
    let entry = find(&history, &args.id)?;
    let id = entry.id.unwrap_or_default();
    let timeout = Duration::from_secs(args.timeout);
    let mut body = entry.body.clone();
    if !args.sets.is_empty() {
        let mut value: Value = serde_json::from_slice(&body).map_err(|_| {
            Failure::usage(format!(
                "record {id}'s body is not JSON: --set cannot edit it"
            ))
        })?;
        apply_sets(&mut value, &args.sets)?;
        body = serde_json::to_vec(&value).unwrap_or(body);
    }
    let secrets;
    let how = if args.as_is {
        ReplayAs::AsIs
    } else {
        let Some(event) = Event::of_body(&body) else {
            return Err(Failure::usage(format!(
                "record {id}'s body names no event sinch-ticket knows, so it cannot be signed as one: send it unchanged with --as-is"
            )));
        };
        secrets = credentials::callback_secrets(
            &args.credentials,
            args.webhook_secret_stdin,
            None,
            [event],
        )?;
        ReplayAs::Resigned {
            body,
            secrets: &secrets,
        }
    };
    let replayed =
        history::replay::replay(&mut history, &entry, &args.to, how, timeout).map_err(|err| {
            match err {
                ReplayError::Send(err) => Failure::from(err),
                ReplayError::Trigger(err) => Failure::from(err),
                other => Failure::usage(other.to_string()),
            }
        })?;
    let answer = &replayed.answer;
    if args.as_is {
        stdio::human(&format!(
            "Sent record {id} again unchanged (its old signature and timestamp) to {}.\n{}",
            args.to,
            answer.status_line()
        ))?;
        stdio::human(&replayed.summary)?;
    } else {
        stdio::human(&format!(
            "Sent record {id} ({}) again to {}, signed afresh.\n{}",
            replayed.event.map_or("?", Event::name),
            args.to,
            answer.status_line()
        ))?;
        if !answer.body.is_empty() {
            stdio::human(&answer.pretty_body())?;
        }
        if let Some(verdict) = &replayed.verdict {
            stdio::human(&verdict_text(verdict))?;
        }
    }
    if let Err(err) = &replayed.kept {
        super::warn(&format!(
            "the replay could not be kept in the history: {err}"
        ));
    }
    let passed = replayed.passed;
    Ok(if passed { exit::OK } else { exit::REJECTED })
}
