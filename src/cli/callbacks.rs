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
use crate::bounded::{Bounded, Gather};
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
    /// Moved: how much the history keeps is a setting of the file (`history keep N`), so
    /// that one listener does not prune another's records.
    #[arg(long, hide = true, value_name = "N")]
    keep: Option<u64>,
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

/// How many bytes of records may wait for the terminal: past that, and after
/// [`PRINT_PATIENCE`], a record is counted, not printed, so that a slow reader of the output
/// (`listen | less`, a slow `jq`) never holds the listener's answers for long. The history
/// does not wait for the terminal: it has its own keeper ([`crate::history::Keeper`]).
pub(super) const PRINT_QUEUED_BYTES: usize = 8 * 1024 * 1024;

/// How long a connection's thread waits for room in a full print queue before its record is
/// left unprinted (counted, and said at exit).
pub(super) const PRINT_PATIENCE: Duration = Duration::from_millis(50);

/// How long the program waits at exit for the terminal to take what is left to print.
const PRINT_AT_EXIT: Duration = Duration::from_secs(5);

/// How often the connections shed meanwhile are summed up in a line.
const SHED_EVERY: Duration = Duration::from_secs(5);

/// The largest body whose request's JSON line is made on the connection's thread (where
/// the work is spread over the cores); a larger one's is written by the printing thread
/// straight to the output, so that no string of several megabytes is made (a NUL byte is 6
/// in JSON).
const JSON_MADE_AHEAD: usize = 64 * 1024;

/// How much of a body the human output shows (the history keeps it whole).
const BODY_SHOWN: usize = 4 * 1024;

/// A request as the printing thread takes it: its JSON line made on the connection's thread
/// (for a small body).
struct Printable {
    seen: Seen,
    /// Its JSON line, when the output is JSON and its body small.
    json: Option<String>,
}

impl Printable {
    /// What it holds in memory, about.
    fn weight(&self) -> usize {
        let held = match &self.seen {
            Seen::Refused { reason, .. } => reason.len(),
            Seen::Callback(callback) => {
                let answer = match &callback.reply {
                    Reply::Forwarded { answer, .. } => answer.body.len(),
                    _ => 0,
                };
                callback.body.len()
                    + answer
                    + callback
                        .headers
                        .iter()
                        .map(|(n, v)| n.len() + v.len() + 32)
                        .sum::<usize>()
            }
        };
        held + self.json.as_ref().map_or(0, String::len) + 512
    }
}

/// `sinch-ticket listen`.
pub fn listen(args: &ListenArgs) -> Result<u8, Failure> {
    if let Some(keep) = args.keep {
        return Err(Failure::usage(format!(
            "--keep is now a setting of the history file, shared by every listener: run `sinch-ticket history keep {keep}`"
        )));
    }
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
    let interrupted = catch_interrupt()?;
    let keeper = open_keeper(args.no_history)?.map(Arc::new);
    // Records go through a queue bounded by bytes to one printing thread: answering never
    // waits for the terminal. Each record's JSON is made on the connection's own thread.
    let printing = Arc::new(Bounded::<Printable>::new(PRINT_QUEUED_BYTES));
    let (seen, unprinted) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    // Connections refused before a whole request came: said apart, since they are no
    // request and the history keeps none of them.
    let refusals = Arc::new(AtomicUsize::new(0));
    let json = args.json;
    let (failed, output_failed) = mpsc::channel::<Failure>();
    let printer = spawn_printer(
        "listen-print",
        Arc::clone(&printing),
        failed,
        move |printable| match &printable.json {
            Some(line) => stdio::line(line),
            None if json => stdio::json_line(&printable.seen.record()),
            None => stdio::human(&seen_text(&printable.seen)),
        },
    )?;
    let listening = {
        let refused = Arc::clone(&refusals);
        let (counted, unprinted, keeper, printing) = (
            Arc::clone(&seen),
            Arc::clone(&unprinted),
            keeper.clone(),
            Arc::clone(&printing),
        );
        listen::start(
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
                match &seen {
                    Seen::Callback(_) => counted.fetch_add(1, Ordering::SeqCst),
                    Seen::Refused { .. } => refused.fetch_add(1, Ordering::SeqCst),
                };
                // Kept first: the keeper makes this thread wait (a little) when the history
                // falls behind, rather than lose the record.
                if let Some(keeper) = &keeper
                    && let Some(entry) = seen.history_entry()
                {
                    keeper.keep(entry);
                }
                let small = match &seen {
                    Seen::Callback(callback) => callback.body.len() <= JSON_MADE_AHEAD,
                    Seen::Refused { .. } => true,
                };
                let printable = Printable {
                    json: (json && small).then(|| seen.record_json()),
                    seen,
                };
                let weight = printable.weight();
                if printing.push(printable, weight, PRINT_PATIENCE).is_err() {
                    unprinted.fetch_add(1, Ordering::SeqCst);
                }
            },
        )?
    };
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
    // Until Ctrl+C, or until the output cannot be written; saying meanwhile when the
    // history cannot be written (and again when it can), and the connections shed.
    let mut failing = false;
    let (mut shed_said, mut shed_at) = (0, Instant::now());
    let output = loop {
        if interrupted.recv_timeout(Duration::from_millis(200)).is_ok() {
            break None;
        }
        if let Ok(failure) = output_failed.try_recv() {
            break Some(failure);
        }
        if let Some(keeper) = &keeper {
            failing = say_history_state(&keeper.report(), failing);
        }
        if shed_at.elapsed() >= SHED_EVERY {
            shed_said = say_shed(listening.shed(), shed_said, shed_at.elapsed());
            shed_at = Instant::now();
        }
    };
    // Every request answered so far is reported before the listener is gone, and kept
    // before the program ends; it is printed too, unless the terminal has stopped reading
    // (a paused `less`): that is waited for a few seconds only.
    let shed = listening.shed();
    drop(listening);
    let report = keeper.as_ref().map(|keeper| keeper.finish());
    printing.close();
    let (printed, all_printed) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = printer.join();
        let _ = printed.send(());
    });
    let stuck = all_printed.recv_timeout(PRINT_AT_EXIT).is_err();
    if let Some(failure) = output.or_else(|| output_failed.try_recv().ok()) {
        return Err(failure);
    }
    say_shed(shed, shed_said, shed_at.elapsed());
    if stuck {
        warn("the output is not being read: the requests still waiting were not printed");
    }
    let unprinted = unprinted.load(Ordering::SeqCst);
    if unprinted > 0 {
        warn(&format!(
            "{unprinted} request(s) could not be printed: the output was read too slowly (every request was answered{})",
            if keeper.is_some() {
                ", and kept in the history unless said below"
            } else {
                ""
            }
        ));
    }
    let mut stopped = format!("Stopped after {} request(s).", seen.load(Ordering::SeqCst));
    let refused = refusals.load(Ordering::SeqCst);
    if refused > 0 {
        stopped.push_str(&format!(
            " {refused} connection(s) were refused before a whole request came."
        ));
    }
    if let Some(report) = &report {
        stopped.push_str(&format!(" {} kept in the history.", report.kept));
    }
    stdio::to_stderr(&stopped);
    if let Some(report) = report.filter(|r| r.lost > 0) {
        warn(&format!(
            "{} request(s) answered could not be kept in the history: {}",
            report.lost,
            report
                .lost_because
                .as_deref()
                .unwrap_or("the history could not be written")
        ));
    }
    Ok(exit::OK)
}

/// Ctrl+C (SIGINT, SIGTERM) caught: a message arrives on the receiver for each, and the
/// server that waits on it stops cleanly.
pub(super) fn catch_interrupt() -> Result<mpsc::Receiver<()>, Failure> {
    let (interrupt, interrupted) = mpsc::channel::<()>();
    ctrlc::set_handler(move || {
        let _ = interrupt.send(());
    })
    .map_err(|err| Failure::system(format!("cannot catch Ctrl+C: {err}")))?;
    Ok(interrupted)
}

/// Starts the one thread that prints what `queue` holds, with `write`, until the queue is
/// closed; the first failure to write is sent on `failed` and closes the queue (the
/// producers then count what they cannot print instead of waiting).
pub(super) fn spawn_printer<T: Send + 'static>(
    name: &str,
    queue: Arc<Bounded<T>>,
    failed: mpsc::Sender<Failure>,
    write: impl Fn(&T) -> Result<(), Failure> + Send + 'static,
) -> Result<std::thread::JoinHandle<()>, Failure> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let at_once = Gather {
                items: 64,
                bytes: 1024 * 1024,
                linger: Duration::ZERO,
                max_wait: Duration::ZERO,
            };
            while let Some(batch) = queue.take(at_once) {
                for (item, weight) in batch {
                    queue.release(weight);
                    if let Err(failure) = write(&item) {
                        let _ = failed.send(failure);
                        queue.close();
                        return;
                    }
                }
            }
        })
        .map_err(|err| Failure::system(format!("cannot start printing: {err}")))
}

/// Says when writing the history starts failing (the records wait and are retried) and when
/// it works again; whether it is failing now.
pub(super) fn say_history_state(report: &crate::history::KeeperReport, was_failing: bool) -> bool {
    match (&report.failing, was_failing) {
        (Some(err), false) => {
            warn(&format!(
                "{err}; the requests answered wait in memory and are kept as soon as it can be written"
            ));
            true
        }
        (None, true) => {
            stdio::to_stderr(
                "The history can be written again: the requests that waited are kept.",
            );
            false
        }
        (failing, _) => failing.is_some(),
    }
}

/// Says how many connections were shed since `said`; the new total said.
fn say_shed(total: u64, said: u64, over: Duration) -> u64 {
    if total > said {
        warn(&format!(
            "{} connection(s) were dropped in the last {} s while still sending their requests: every place was taken, and newer connections took theirs",
            total - said,
            over.as_secs().max(1)
        ));
    }
    total
}

/// The history's keeper for the listener, unless `--no-history`; a file moved aside is said,
/// and a file that cannot be written is said now, with what to do.
/// The history's keeper, unless `no_history` (or there is no data folder, or the file cannot
/// be written: said, and nothing is kept).
pub(super) fn open_keeper(no_history: bool) -> Result<Option<crate::history::Keeper>, Failure> {
    if no_history {
        return Ok(None);
    }
    let Some(path) = crate::history::default_path() else {
        warn("no data folder for the history (HOME is not set): requests are not kept");
        return Ok(None);
    };
    match crate::history::History::open_for_writing(&path) {
        Ok(opened) => {
            if let Some(warning) = opened.warning {
                warn(&warning);
            }
            let keeper = crate::history::Keeper::start(opened.history)
                .map_err(|err| Failure::system(format!("cannot start the history: {err}")))?;
            Ok(Some(keeper))
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
            if callback.body.len() > BODY_SHOWN {
                text.push_str(&format!(
                    "\n  (a body of {} bytes: `sinch-ticket history show last` shows it whole)",
                    callback.body.len()
                ));
                for line in String::from_utf8_lossy(&callback.body[..BODY_SHOWN]).lines() {
                    text.push_str("\n  ");
                    text.push_str(line);
                }
                text.push_str("\n  …");
            } else if !callback.body.is_empty() {
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
