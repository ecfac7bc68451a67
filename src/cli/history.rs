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
    /// At most N, the newest (a list: 50 unless said; an export: all unless said).
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
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
    /// Say or change how much the history keeps, for every listener that writes to it.
    Keep {
        /// Keep the newest N requests (records past that are deleted now).
        #[arg(value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        records: Option<u64>,
        /// Keep at most BYTES of each body (the rest is cut, its length and SHA-256 kept).
        #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1024..=1_073_741_824))]
        body_bytes: Option<u64>,
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
    /// Sign the record with your secret even though it never verified (it may not be
    /// Sinch's: signing it vouches for it). The replay is listed as re-signed.
    #[arg(long, conflicts_with = "as_is")]
    resign_unverified: bool,
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

/// How many records `history` lists when `--limit` does not say.
const LISTED: u64 = 50;

/// Where this user's history is.
fn path() -> Result<PathBuf, Failure> {
    history::default_path()
        .ok_or_else(|| Failure::usage("no data folder for the history: set HOME or XDG_DATA_HOME"))
}

/// The history of this user (its warnings said).
fn open() -> Result<History, Failure> {
    said(History::open(&path()?)?)
}

/// The history of this user if there is one (its warnings said): reading makes no file.
fn open_existing() -> Result<Option<History>, Failure> {
    History::open_existing(&path()?)?.map(said).transpose()
}

fn said(opened: history::Opened) -> Result<History, Failure> {
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
            text: None,
            after: None,
            limit: self.limit,
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
        "resigned": entry.resigned,
        "reason": entry.reason,
        "status": entry.status,
        "replay_of": entry.replay_of,
        "body_size": entry.body_size,
        "app_answer": entry.app_answer(),
    })
}

fn line(entry: &Entry) -> String {
    let verdict = entry.headline();
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

/// `sinch-ticket history`: the records the filter takes, newest first (reading makes no
/// file where there is none).
fn list(args: &HistoryArgs) -> Result<u8, Failure> {
    let entries = match open_existing()? {
        Some(history) => {
            let mut filter = args.filter.filter();
            filter.limit = filter.limit.or(Some(LISTED));
            history.list(&filter)?
        }
        None => Vec::new(),
    };
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

/// `sinch-ticket history …`.
pub fn run(args: &HistoryArgs) -> Result<u8, Failure> {
    let Some(command) = &args.command else {
        return list(args);
    };
    let mut history = open()?;
    match command {
        HistoryCommand::Keep {
            records,
            body_bytes,
        } => {
            let now = history.settings()?;
            if records.is_none() && body_bytes.is_none() {
                return stdio::human(&format!(
                    "{} keeps the newest {} request(s), and up to {} bytes of each body.",
                    history.path().display(),
                    now.keep,
                    now.body_bytes
                ))
                .map(|()| exit::OK);
            }
            let wanted = history::Settings {
                keep: records.unwrap_or(now.keep),
                body_bytes: body_bytes.unwrap_or(now.body_bytes),
            };
            let pruned = history.set_settings(wanted)?;
            stdio::human(&format!(
                "{} now keeps the newest {} request(s), and up to {} bytes of each body{}.",
                history.path().display(),
                wanted.keep,
                wanted.body_bytes,
                if pruned > 0 {
                    format!("; {pruned} older request(s) were deleted")
                } else {
                    String::new()
                }
            ))
            .map(|()| exit::OK)
        }
        HistoryCommand::Show { id, json } => {
            let entry = find(&history, id)?;
            if *json {
                return stdio::line(&format!("{:#}", history::record_json(&entry)))
                    .map(|()| exit::OK);
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
            if let Some(cut) = entry.cut_note() {
                text.push_str(&format!("\n  ({cut})"));
            }
            if let Some(forwarded) = entry.forwarded() {
                let url = crate::sinch::text::one_line(&forwarded.url);
                text.push_str(&match (forwarded.status, &forwarded.error) {
                    (Some(status), _) => format!("\n  your app at {url} answered {status}"),
                    (None, error) => format!(
                        "\n  your app at {url} could not be reached: {}",
                        crate::sinch::text::one_line(error.as_deref().unwrap_or("?"))
                    ),
                });
                for problem in forwarded.problems.iter().flatten() {
                    text.push_str(&format!(
                        "\n  Sinch could not use it: {}",
                        crate::sinch::text::one_line(problem)
                    ));
                }
                for body_line in
                    crate::sinch::text::terminal_safe(forwarded.body.as_deref().unwrap_or_default())
                        .lines()
                {
                    text.push_str("\n  | ");
                    text.push_str(body_line);
                }
            }
            stdio::human(&text).map(|()| exit::OK)
        }
        HistoryCommand::Export { har, jsonl, filter } => {
            let filter = filter.filter();
            let (path, format) = match (har, jsonl) {
                (Some(path), _) => (path, history::Format::Har),
                (None, Some(path)) => (path, history::Format::JsonLines),
                (None, None) => return Err(Failure::usage("give --har FILE or --jsonl FILE")),
            };
            let count =
                history::export(&history, &filter, format, path).map_err(|err| match err {
                    history::ExportError::History(err) => Failure::from(err),
                    history::ExportError::Write { path, source } => {
                        Failure::io(&format!("writing {}", path.display()), &source)
                    }
                    onto @ history::ExportError::OntoHistory { .. } => {
                        Failure::usage(onto.to_string())
                    }
                })?;
            stdio::human(&format!(
                "Wrote {count} request(s) to {} (bodies hold phone numbers and messages: keep the file to yourself).",
                path.display()
            ))
            .map(|()| exit::OK)
        }
        HistoryCommand::Clear { before } => {
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
            even_unverified: args.resign_unverified,
        }
    };
    let replayed =
        history::replay::replay(&mut history, &entry, &args.to, how, timeout).map_err(|err| {
            match err {
                ReplayError::Send(err) => Failure::from(err),
                ReplayError::Trigger(err) => Failure::from(err),
                never @ ReplayError::NeverVerified { .. } => Failure::usage(format!(
                    "{never}: say --resign-unverified to sign it anyway, or send it unchanged with --as-is"
                )),
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
            "Sent record {id} ({}) again to {}, signed afresh with your secret (kept as re-signed, not verified).\n{}",
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
