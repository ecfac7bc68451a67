//! `trigger` and `listen`: Sinch's callbacks on the developer's desk. `trigger` sends a
//! realistic, signed (or deliberately forged) event at the developer's server and judges the
//! answer as Sinch would; `listen` receives callbacks, verifies them, and forwards them to
//! the developer's app. The bodies, signatures and judgements are the core's
//! ([`crate::sinch::callback`]); the server is [`crate::net::listen`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Local, Utc};
use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::args::{MaxAge, apply_sets, duration, max_age};
use super::stdio::read_body_file;
use super::words::verdict_text;
use super::{CredentialArgs, Failure, credentials, exit, stdio, warn};
use crate::net::listen::{self, Callback, Reply, Seen};
use crate::net::target;
use crate::net::trigger::{self, Trigger, Triggered};
use crate::sinch::callback::{Event, Forgery};

/// The largest body `--data-file` takes: what `listen` (and a sane callback handler) takes.
const MAX_TRIGGER_BODY: usize = listen::MAX_BODY_BYTES;

/// The events, as named on the command line: the core's list, each with its title as help
/// (so that `--help` and the shell completions list them).
fn event_parser() -> impl clap::builder::TypedValueParser<Value = Event> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(Event::ALL.map(|e| PossibleValue::new(e.name()).help(e.title())))
        // Only the names above get here, and each names an event.
        .map(|name| Event::from_name(&name).unwrap_or_default())
}

/// How `trigger` signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignatureArg {
    /// As Sinch signs it.
    Valid,
    /// A wrong signature: your server should answer 401.
    Bad,
    /// No signature (no Authorization header; no webhook signature): your server should
    /// answer 401.
    None,
}

/// Arguments of `sinch-ticket trigger`.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// The event to send.
    #[arg(value_name = "EVENT", value_parser = event_parser())]
    event: Event,
    /// Your server's callback URL (https://, or http:// on this machine).
    #[arg(long, value_name = "URL")]
    to: String,
    /// Set a field of the body: PATH=VALUE, with dots into objects (repeatable), e.g.
    /// --set to.endpoint=+46700000000 --set custom=order-17.
    #[arg(long = "set", value_name = "PATH=VALUE", conflicts_with = "data_file")]
    sets: Vec<String>,
    /// Send this body instead (a file, or '-' for standard input), byte for byte.
    #[arg(long, value_name = "FILE|-")]
    data_file: Option<PathBuf>,
    /// Forge the signature: 'bad' (wrong) or 'none' (no Authorization header). Passes
    /// (exit 0) when your server refuses it with a 4xx.
    #[arg(long, value_enum, value_name = "HOW", default_value = "valid")]
    signature: SignatureArg,
    /// Send a stale callback, this long ago (at least 16m, e.g. 20m): its signed timestamp and
    /// its body's timestamps are all aged. A forgery your server should refuse as a replay.
    #[arg(long, value_name = "DURATION", value_parser = duration, conflicts_with = "signature")]
    timestamp_age: Option<u64>,
    /// Send the same genuine webhook twice, with the same nonce (Conversation, SMS) or token
    /// (Mailgun): passes when your server takes the first and refuses the second with a 4xx.
    #[arg(long, conflicts_with_all = ["signature", "timestamp_age"])]
    replay: bool,
    /// Read the webhook secret (Conversation, SMS, Numbers, Mailgun events) from standard
    /// input, instead of the profile's (--profile) or SINCH_WEBHOOK_SECRET.
    #[arg(long)]
    webhook_secret_stdin: bool,
    /// How long the whole exchange may take.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    timeout: u64,
    /// Print what was sent, the answer and the verdict as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Arguments of `sinch-ticket listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The port to listen on (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 8765)]
    port: u16,
    /// The address to listen on; anything but loopback lets other machines send to it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: listen::IpAddr,
    /// Forward each request that verifies, unchanged, to your app at URL, and relay its
    /// answer back (a URL without a path keeps each request's own path, which the signature
    /// covers).
    #[arg(long, value_name = "URL")]
    forward_to: Option<String>,
    /// Forward requests that do not verify too (to test your app's own check); without it
    /// they are answered 401 here.
    #[arg(long, requires = "forward_to")]
    forward_unverified: bool,
    /// How far the x-timestamp may be from now (a duration such as 15m, or 'none').
    #[arg(long, value_name = "DURATION|none", default_value = "15m", value_parser = max_age)]
    max_age: MaxAge,
    /// Print one JSON object per request (time, method, path, event, scheme, verified,
    /// reason, …).
    #[arg(long)]
    json: bool,
    /// Read a webhook secret (used for Conversation, SMS, Numbers and Mailgun webhooks the
    /// profile has no secret for) from standard input, instead of SINCH_WEBHOOK_SECRET.
    #[arg(long)]
    webhook_secret_stdin: bool,
    /// Do not keep the requests in the history (by default each one answered is kept in
    /// $XDG_DATA_HOME/sinch-ticket/history.sqlite3).
    #[arg(long)]
    no_history: bool,
    /// How many requests the history keeps (the newest).
    #[arg(long, value_name = "N", default_value_t = crate::history::DEFAULT_KEEP)]
    keep: u64,
    /// How long one read from a client may wait (for tests of slow clients).
    #[arg(long, hide = true, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    read_timeout: u64,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// The forgery the arguments ask for.
fn forgery(args: &TriggerArgs) -> Forgery {
    if args.replay {
        return Forgery::Replay;
    }
    match (args.timestamp_age, args.signature) {
        (Some(age), _) => Forgery::Stale(Duration::from_secs(age)),
        (None, SignatureArg::Valid) => Forgery::None,
        (None, SignatureArg::Bad) => Forgery::BadSignature,
        (None, SignatureArg::None) => Forgery::NoSignature,
    }
}

/// `sinch-ticket trigger`.
pub fn trigger(args: &TriggerArgs) -> Result<u8, Failure> {
    let event = args.event;
    target::sendable(&args.to)?;
    let forgery = forgery(args);
    forgery.check_for(event)?;
    // A stale callback is stale throughout: its body's timestamp too.
    let sent_at = forgery.sent_at(Utc::now())?;
    let from_stdin = args
        .data_file
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-");
    let stdin_taken = from_stdin.then_some("--data-file -");
    let scheme = event.product().scheme();
    let secrets = credentials::callback_secrets(
        &args.credentials,
        args.webhook_secret_stdin,
        stdin_taken,
        [event],
    )?;
    let signer = secrets
        .for_event(event)
        .ok_or_else(|| Failure::system("no secret was found for the event"))?;
    let key = secrets.application_key().to_owned();
    let body = match &args.data_file {
        Some(path) => {
            let bytes = read_body_file(path, MAX_TRIGGER_BODY)?;
            if serde_json::from_slice::<Value>(&bytes).is_err() {
                warn("the body is not JSON: it is sent as given, but Sinch always sends JSON");
            }
            bytes
        }
        None => {
            let mut sent = trigger::fresh_body(event, &key, sent_at);
            apply_sets(&mut sent, &args.sets)?;
            serde_json::to_vec(&sent)
                .map_err(|err| Failure::system(format!("the body cannot be written: {err}")))?
        }
    };
    let Triggered {
        answer,
        first,
        body,
        verdict,
    } = trigger::send(Trigger {
        event,
        url: &args.to,
        signer,
        body,
        sent_at,
        nonce: trigger::fresh_nonce(scheme),
        forgery,
        timeout: Duration::from_secs(args.timeout),
    })?;
    drop(secrets);
    let sent = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    if args.json {
        let report = json!({
            "event": event.name(),
            "product": event.product().title(),
            "url": args.to,
            "forgery": forgery.words(),
            "sent": sent,
            "first_status": first.as_ref().map(|a| a.status),
            "status": answer.status,
            "location": answer.location,
            "took_ms": u64::try_from(answer.took.as_millis()).unwrap_or(u64::MAX),
            "answer": serde_json::from_slice::<Value>(&answer.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer.body).into_owned())),
            "passed": verdict.passed,
            "summary": verdict.summary,
            "problems": verdict.problems,
            "notes": verdict.notes,
        });
        stdio::line(&format!("{report:#}"))?;
    } else {
        let signed = match scheme {
            None => "signed as Sinch signs it".to_owned(),
            Some(scheme) => format!("signed with the {} webhook secret", scheme.name()),
        };
        let how = forgery.words().map_or(signed, |f| format!("forged: {f}"));
        let mut text = format!(
            "Sent {} ({}) to {}, {how}.",
            event.name(),
            event.title(),
            args.to
        );
        if let Some(first) = &first {
            text.push_str(&format!(
                "
First: {}
Again: ",
                first.status_line()
            ));
        } else {
            text.push('\n');
        }
        text.push_str(&answer.status_line());
        stdio::human(&text)?;
        if !answer.body.is_empty() {
            stdio::human(&answer.pretty_body())?;
        }
        stdio::human(&verdict_text(&verdict))?;
    }
    Ok(if verdict.passed {
        exit::OK
    } else {
        exit::REJECTED
    })
}

/// How many records wait for the terminal (and the history) at most; past that, and after
/// [`PRINT_PATIENCE`], they are counted, not kept, so that a slow reader of the output never
/// holds the listener's answers for long. Under a load beyond the cores the queue stays
/// full, so its size is memory held: 1,024 records of a few KiB keep the printing thread's
/// batches (256) fed.
const PRINT_QUEUE: usize = 1024;

/// How long a connection's thread waits for room in a full print queue before its record is
/// dropped (counted, and said at exit).
const PRINT_PATIENCE: Duration = Duration::from_millis(50);

/// A request as the printing thread takes it: made ready on the connection's thread.
struct Prepared {
    seen: Seen,
    /// Its JSON line, when the output is JSON.
    record: Option<String>,
    /// Its history entry, when the history is on (a callback, not a refusal).
    entry: Option<crate::history::Entry>,
}

/// `sinch-ticket listen`.
pub fn listen(args: &ListenArgs) -> Result<u8, Failure> {
    if let Some(forward) = &args.forward_to {
        target::sendable(forward)
            .map_err(|why| Failure::usage(format!("--forward-to {forward}: {why}")))?;
    }
    let (application, webhooks) =
        credentials::for_listening(&args.credentials, args.webhook_secret_stdin)?;
    let addr = listen::SocketAddr::new(args.bind, args.port);
    if listen::is_open_to_others(args.bind) {
        warn(&format!(
            "listening on {} lets other machines send requests to this one; use it only on a network you trust (only POST is taken)",
            args.bind
        ));
    }
    let (interrupt, interrupted) = mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = interrupt.send(());
    })
    .map_err(|err| Failure::system(format!("cannot catch Ctrl+C: {err}")))?;
    // Records go through a bounded queue to one printing thread: answering never waits for
    // the terminal. Each record's JSON and history entry are made on the connection's own
    // thread, so the printing thread only keeps and prints: under 64 clients it was the
    // one thread doing that for every request, and it fell behind.
    let (records, queue) = mpsc::sync_channel::<Prepared>(PRINT_QUEUE);
    let (seen, dropped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (counted, lost) = (Arc::clone(&seen), Arc::clone(&dropped));
    let json = args.json;
    let mut history = open_history(args)?;
    let keeping = history.is_some();
    let (failed, output_failed) = mpsc::channel::<Failure>();
    let printer = std::thread::Builder::new()
        .name("listen-print".into())
        .spawn(move || {
            while let Ok(first) = queue.recv() {
                // What comes together is taken together: one transaction for the lot,
                // kept before any of it is printed (a listener killed now loses at most
                // this batch, none of which was printed).
                let mut batch = if history.is_some() {
                    crate::history::gather(&queue, first)
                } else {
                    vec![first]
                };
                if let Some(kept) = history.as_mut() {
                    let entries: Vec<_> = batch.iter_mut().filter_map(|p| p.entry.take()).collect();
                    if let Err(err) = kept.record_all(&entries) {
                        warn(&format!(
                            "{err}; the history is off for the rest of this run"
                        ));
                        history = None;
                    }
                }
                for prepared in &batch {
                    let written = match &prepared.record {
                        Some(record) if json => stdio::line(record),
                        _ if json => Err(Failure::system("could not write JSON")),
                        _ => stdio::human(&seen_text(&prepared.seen)),
                    };
                    if let Err(failure) = written {
                        let _ = failed.send(failure);
                        return;
                    }
                }
            }
        })
        .map_err(|err| Failure::system(format!("cannot start printing: {err}")))?;
    let listening = listen::start(
        listen::Config {
            addr,
            application: application.clone(),
            webhooks: webhooks.clone(),
            max_age: args.max_age.0,
            forward_to: args.forward_to.clone(),
            forward_unverified: args.forward_unverified,
            read_timeout: Duration::from_secs(args.read_timeout.max(1)),
        },
        move |seen| {
            counted.fetch_add(1, Ordering::SeqCst);
            // Each record is made once, for the history and the JSON line alike.
            let (record, entry) = match (json || keeping).then(|| seen.record_json()) {
                Some(record) if keeping && json => {
                    let entry = seen.history_entry_with(record.clone());
                    (Some(record), entry)
                }
                Some(record) if keeping => (None, seen.history_entry_with(record)),
                record => (record, None),
            };
            let prepared = Prepared {
                seen,
                record,
                entry,
            };
            // A full queue gets a moment: under a load the cores cannot keep up with, the
            // printing thread is one among dozens and a connection thread that waits gives
            // it the core. Only a queue still full after that (nobody reads the output)
            // loses the record; the request was answered before this in any case.
            let patience = Instant::now() + PRINT_PATIENCE;
            let mut waiting = prepared;
            loop {
                match records.try_send(waiting) {
                    Ok(()) => break,
                    Err(mpsc::TrySendError::Full(back)) if Instant::now() < patience => {
                        waiting = back;
                        std::thread::sleep(Duration::from_micros(200));
                    }
                    Err(_) => {
                        lost.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                }
            }
        },
    )?;
    let forwarding = args.forward_to.as_ref().map_or_else(String::new, |to| {
        format!(", forwarding each that verifies to {to}")
    });
    let mut signed = Vec::new();
    if let Some(crate::sinch::Application { key, .. }) = &application {
        signed.push(format!("key {key}"));
    }
    let schemes: Vec<&str> = webhooks.schemes().into_iter().map(|s| s.name()).collect();
    if !schemes.is_empty() {
        signed.push(format!("the {} webhook secret(s)", schemes.join(", ")));
    }
    drop((application, webhooks));
    stdio::to_stderr(&format!(
        "Listening on http://{} for Sinch callbacks signed with {}{forwarding}. Press Ctrl+C to stop.",
        listening.addr(),
        signed.join(" and ")
    ));
    // Until Ctrl+C, or until the output cannot be written.
    let output = loop {
        if interrupted.recv_timeout(Duration::from_millis(200)).is_ok() {
            break None;
        }
        if let Ok(failure) = output_failed.try_recv() {
            break Some(failure);
        }
    };
    // Every request answered so far is reported before the listener is gone, and printed
    // before the program ends.
    drop(listening);
    let _ = printer.join();
    if let Some(failure) = output.or_else(|| output_failed.try_recv().ok()) {
        return Err(failure);
    }
    let dropped = dropped.load(Ordering::SeqCst);
    if dropped > 0 {
        warn(&format!(
            "{dropped} record(s) could not be printed: the output was read too slowly (every request was answered)"
        ));
    }
    stdio::to_stderr(&format!(
        "Stopped after {} request(s).",
        seen.load(Ordering::SeqCst)
    ));
    Ok(exit::OK)
}

/// The history the listener keeps, unless `--no-history`; a file moved aside is said.
fn open_history(args: &ListenArgs) -> Result<Option<crate::history::History>, Failure> {
    if args.no_history {
        return Ok(None);
    }
    let Some(path) = crate::history::default_path() else {
        warn("no data folder for the history (HOME is not set): requests are not kept");
        return Ok(None);
    };
    match crate::history::History::open(&path, args.keep) {
        Ok(opened) => {
            if let Some(warning) = opened.warning {
                warn(&warning);
            }
            Ok(Some(opened.history))
        }
        Err(err) => {
            warn(&format!(
                "{err}: requests are not kept (--no-history says so quietly)"
            ));
            Ok(None)
        }
    }
}

/// One request for people: a line that says what and whether it verified, what it was
/// answered, then its body.
pub fn seen_text(seen: &Seen) -> String {
    match seen {
        Seen::Refused {
            at,
            peer,
            status,
            reason,
        } => format!(
            "{} refused a request from {peer}{}: {reason}",
            at.with_timezone(&Local).format("%H:%M:%S"),
            status.map_or_else(String::new, |status| format!(" (answered {status})"))
        ),
        Seen::Callback(callback) => {
            let mut verdict = callback.verdict.headline();
            if let Some(reason) = &callback.verdict.reason {
                verdict.push_str(": ");
                verdict.push_str(reason);
            }
            let mut text = format!(
                "{} {verdict}\n  {}",
                callback.headline(),
                reply_text(callback)
            );
            if !callback.body.is_empty() {
                for line in callback.pretty_body().lines() {
                    text.push_str("\n  ");
                    text.push_str(line);
                }
            }
            text
        }
    }
}

/// What Mailgun does with a refusal other than 406: it sends the webhook again.
fn mailgun_retries(callback: &Callback) -> &'static str {
    let mailgun = callback
        .event
        .is_some_and(|e| e.product() == crate::sinch::callback::Product::Mailgun);
    if mailgun && callback.status() != 200 {
        "; Mailgun retries it for up to 8 hours (only a 406 from your app refuses it for good)"
    } else {
        ""
    }
}

fn reply_text(callback: &Callback) -> String {
    match &callback.reply {
        Reply::StandIn { status: 200 } => {
            let answer = crate::sinch::callback::stand_in_answer(callback.event);
            if answer.is_empty() {
                "answered 200".to_owned()
            } else {
                format!("answered 200 {answer} (use --forward-to for your app's answer)")
            }
        }
        Reply::StandIn { status } => format!("answered {status}{}", mailgun_retries(callback)),
        Reply::NotForwarded { status: 405 } => {
            "answered 405, not forwarded: only POST is taken off loopback".to_owned()
        }
        Reply::NotForwarded { status } => format!(
            "answered {status}, not forwarded since it did not verify (--forward-unverified forwards such requests too){}",
            mailgun_retries(callback)
        ),
        Reply::ForwardFailed { url, error } => {
            format!("answered 502: the app at {url} could not be reached: {error}")
        }
        Reply::Forwarded { answer, check, .. } => {
            let mut text = format!("your app answered {}", answer.status_line());
            if let Some(check) = check {
                if check.ok() {
                    text.push_str("; Sinch can use it");
                } else {
                    text.push_str("; Sinch could not use it:");
                    for problem in &check.problems {
                        text.push_str(&format!("\n    - {problem}"));
                    }
                }
            }
            text
        }
    }
}
