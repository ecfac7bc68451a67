//! `sinch-ticket mock`: a local stand-in for Sinch's APIs, for a backend (or an SDK) under
//! test. What it answers and calls back is [`crate::sinch::mock`]'s; the server and the
//! sending are [`crate::net::mock`]'s; here, the arguments, the accounts from the profiles,
//! and the words of each line.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use chrono::Local;
use clap::Args;

use super::args::duration;
use super::callbacks::{
    PRINT_PATIENCE, PRINT_QUEUED_BYTES, catch_interrupt, open_keeper, say_history_state,
    spawn_printer,
};
use super::{Failure, credentials, exit, stdio, warn};
use crate::bounded::Bounded;
use crate::net::listen::{self, IpAddr};
use crate::net::mock::{self, CallbackUrls, Seen};
use crate::sinch::callback::Product;

/// Arguments of `sinch-ticket mock`.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// The port to listen on (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 8766)]
    port: u16,
    /// The address to listen on; anything but loopback lets other machines call it.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// A profile whose credentials the mock accepts and whose secrets sign its callbacks
    /// (again for more; default: the default profile).
    #[arg(long, value_name = "NAME")]
    profile: Vec<String>,
    /// Where callbacks go when a call names no URL of its own: URL for every product, or
    /// PRODUCT=URL (sms, conversation, numbers, voice, verification), again for more.
    #[arg(long, value_name = "[PRODUCT=]URL")]
    callback_url: Vec<String>,
    /// Multiplies Sinch's delays and retry waits (0: callbacks at once; 0.01: a hundred
    /// times faster).
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = time_scale)]
    time_scale: f64,
    /// How long the OAuth2 tokens it issues live (Sinch's: 1h).
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = duration)]
    token_lifetime: u64,
    /// How long a callback waits for your server's answer.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    callback_timeout: u64,
    /// Print one JSON object per call and per callback.
    #[arg(long)]
    json: bool,
    /// Do not keep calls and callbacks in the history.
    #[arg(long)]
    no_history: bool,
    /// How long one read from a client may wait (for tests of slow clients).
    #[arg(long, hide = true, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    read_timeout: u64,
}

fn time_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(scale) if scale.is_finite() && (0.0..=1000.0).contains(&scale) => Ok(scale),
        _ => Err(format!(
            "\"{text}\" is not a time scale: give a number from 0 (at once) to 1000, e.g. 0.01"
        )),
    }
}

/// The products a `--callback-url PRODUCT=URL` may name.
const PRODUCTS: [Product; 5] = [
    Product::Sms,
    Product::Conversation,
    Product::Numbers,
    Product::Voice,
    Product::Verification,
];

fn callback_urls(given: &[String]) -> Result<CallbackUrls, Failure> {
    let mut urls = CallbackUrls::default();
    for text in given {
        let named = text.split_once('=').and_then(|(word, url)| {
            PRODUCTS
                .into_iter()
                .find(|p| mock::product_word(*p).eq_ignore_ascii_case(word.trim()))
                .map(|p| (p, url.trim()))
        });
        let url = named.map_or(text.trim(), |(_, url)| url);
        crate::net::target::sendable(url)
            .map_err(|why| Failure::usage(format!("--callback-url {text}: {why}")))?;
        match named {
            Some((product, url)) => urls.by_product.push((product, url.to_owned())),
            None if urls.default.is_some() => {
                return Err(Failure::usage(
                    "--callback-url without PRODUCT= is given twice: name the product of each (sms=URL, voice=URL, …)",
                ));
            }
            None => urls.default = Some(url.to_owned()),
        }
    }
    Ok(urls)
}

/// The accounts: each profile named, or the default one.
fn accounts(names: &[String]) -> Result<Vec<crate::sinch::mock::Account>, Failure> {
    let profiles = credentials::user_profiles()?;
    let names = if names.is_empty() {
        match profiles.default_name()? {
            Some(name) => vec![name],
            None => {
                return Err(Failure::usage(
                    "no profile to answer for and no default profile: give --profile NAME, or save one with `sinch-ticket profile add NAME --key KEY`",
                ));
            }
        }
    } else {
        names.to_vec()
    };
    names
        .iter()
        .map(|name| Ok(profiles.load_for_window(name)?.mock_account()))
        .collect()
}

/// What each account lets a caller do, for the line said at start.
fn account_line(account: &crate::sinch::mock::Account) -> String {
    let mut parts = Vec::new();
    if let Some(app) = &account.application {
        parts.push(format!("application {}", app.key));
    }
    match &account.access_key {
        Some(key) => parts.push(format!("project {} (access key {})", key.project_id, key.key_id)),
        None => parts.push("no access key: SMS, Conversation and Numbers by OAuth2 are refused (`profile project-key`)".into()),
    }
    if let Some((plan, _)) = &account.service_plan {
        parts.push(format!("service plan {plan}"));
    }
    let schemes: Vec<&str> = account
        .webhooks
        .schemes()
        .into_iter()
        .map(|s| s.name())
        .collect();
    if !schemes.is_empty() {
        parts.push(format!("{} webhook secret(s)", schemes.join(", ")));
    }
    format!("  {}: {}", account.name, parts.join("; "))
}

/// `sinch-ticket mock`.
pub fn run(args: &MockArgs) -> Result<u8, Failure> {
    let urls = callback_urls(&args.callback_url)?;
    let accounts = accounts(&args.profile)?;
    if listen::is_open_to_others(args.bind) {
        warn(&format!(
            "listening on {} lets other machines call the mock; use it only on a network you trust",
            args.bind
        ));
    }
    let interrupted = catch_interrupt()?;
    let keeper = open_keeper(args.no_history)?.map(Arc::new);
    let printing = Arc::new(Bounded::<String>::new(PRINT_QUEUED_BYTES));
    let (calls, callbacks, unprinted) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let (failed, output_failed) = mpsc::channel::<Failure>();
    let human = !args.json;
    // A person's lines go through the terminal's escaping: a caller's path, key or URL may
    // hold escape sequences, and an unknown caller can send them.
    let printer = spawn_printer(
        "mock-print",
        Arc::clone(&printing),
        failed,
        move |line: &String| {
            if human {
                stdio::human(line)
            } else {
                stdio::line(line)
            }
        },
    )?;
    let described: Vec<String> = accounts.iter().map(account_line).collect();
    let mocking = {
        let (calls, callbacks, unprinted, keeper, printing) = (
            Arc::clone(&calls),
            Arc::clone(&callbacks),
            Arc::clone(&unprinted),
            keeper.clone(),
            Arc::clone(&printing),
        );
        let json = args.json;
        mock::start(
            mock::Config {
                addr: listen::SocketAddr::new(args.bind, args.port),
                accounts,
                callback_urls: urls.clone(),
                time_scale: args.time_scale,
                token_lifetime_secs: i64::try_from(args.token_lifetime).unwrap_or(i64::MAX),
                callback_timeout: Duration::from_secs(args.callback_timeout.max(1)),
                read_timeout: Duration::from_secs(args.read_timeout.max(1)),
            },
            move |seen| {
                match &seen {
                    Seen::Call(_) => calls.fetch_add(1, Ordering::SeqCst),
                    Seen::Callback(_) => callbacks.fetch_add(1, Ordering::SeqCst),
                    Seen::Refused { .. } => 0,
                };
                if let Some(keeper) = &keeper
                    && let Some(entry) = seen.history_entry()
                {
                    keeper.keep(entry);
                }
                let line = if json {
                    seen.record(true).to_string()
                } else {
                    seen_text(&seen)
                };
                let weight = line.len() + 64;
                if printing.push(line, weight, PRINT_PATIENCE).is_err() {
                    unprinted.fetch_add(1, Ordering::SeqCst);
                }
            },
        )?
    };
    let to = match (&urls.default, urls.by_product.is_empty()) {
        (None, true) => {
            "nowhere: calls that name no callback URL get none (give --callback-url URL)".to_owned()
        }
        _ => {
            let mut named: Vec<String> = urls
                .by_product
                .iter()
                .map(|(p, u)| format!("{} to {u}", p.title()))
                .collect();
            if let Some(default) = &urls.default {
                named.push(format!("the rest to {default}"));
            }
            named.join(", ")
        }
    };
    stdio::to_stderr(&format!(
        "Mock of Sinch's APIs on http://{} for:\n{}\nCallbacks: {to}, time scale {}. Press Ctrl+C to stop.",
        mocking.addr(),
        described.join("\n"),
        args.time_scale
    ));
    let mut history_failing = false;
    let output = loop {
        if interrupted.recv_timeout(Duration::from_millis(200)).is_ok() {
            break None;
        }
        if let Ok(failure) = output_failed.try_recv() {
            break Some(failure);
        }
        if let Some(keeper) = &keeper {
            history_failing = say_history_state(&keeper.report(), history_failing);
        }
    };
    let dropped = mocking.callbacks_dropped();
    let unsent = mocking.stop();
    let report = keeper.as_ref().map(|keeper| keeper.finish());
    printing.close();
    let _ = printer.join();
    if let Some(failure) = output.or_else(|| output_failed.try_recv().ok()) {
        return Err(failure);
    }
    let mut stopped = format!(
        "Stopped after {} call(s) and {} callback(s).",
        calls.load(Ordering::SeqCst),
        callbacks.load(Ordering::SeqCst)
    );
    if unsent > 0 {
        stopped.push_str(&format!(" {unsent} callback(s) not yet due were not sent."));
    }
    if let Some(report) = &report {
        stopped.push_str(&format!(" {} kept in the history.", report.kept));
    }
    stdio::to_stderr(&stopped);
    if dropped > 0 {
        warn(&format!(
            "{dropped} callback(s) were dropped: the queue was full ({} callbacks or {} MiB waiting)",
            mock::MAX_QUEUED_CALLBACKS,
            mock::MAX_QUEUED_BYTES >> 20
        ));
    }
    let unprinted = unprinted.load(Ordering::SeqCst);
    if unprinted > 0 {
        warn(&format!(
            "{unprinted} line(s) could not be printed: the output was read too slowly"
        ));
    }
    if let Some(report) = report.filter(|r| r.lost > 0) {
        warn(&format!(
            "{} record(s) could not be kept in the history: {}",
            report.lost,
            report
                .lost_because
                .as_deref()
                .unwrap_or("the history could not be written")
        ));
    }
    Ok(exit::OK)
}

/// One call or callback, for people.
pub fn seen_text(seen: &Seen) -> String {
    let now = Local::now().format("%H:%M:%S");
    match seen {
        Seen::Call(call) => {
            let who = call
                .account
                .as_deref()
                .map_or_else(String::new, |name| format!(" [{name}]"));
            let mut text = format!(
                "{now} {} {} -> {} {}{who}",
                call.method,
                crate::sinch::text::one_line(&call.path),
                call.status,
                call.operation.unwrap_or("(no such operation)"),
            );
            if let Some(scheme) = &call.scheme {
                text.push_str(&format!(", {scheme}"));
            }
            if call.callbacks > 0 {
                text.push_str(&format!(", {} callback(s) to follow", call.callbacks));
            }
            if let Some(reason) = &call.reason {
                let label = if call.verified { "not done" } else { "REFUSED" };
                let reason = crate::sinch::text::one_line(reason);
                text.push_str(&format!("\n  {label}: {reason}"));
            }
            if !call.verified
                && let Some(signed) = &call.string_to_sign
            {
                text.push_str("\n  the signature should cover:");
                for line in signed.split('\n') {
                    text.push_str(&format!("\n    {line}"));
                }
            }
            text
        }
        Seen::Callback(callback) => {
            let to = callback
                .url
                .as_deref()
                .map_or_else(|| "(no URL)".into(), crate::sinch::text::one_line);
            let signed = callback.signed_with.unwrap_or("unsigned");
            let tries = callback.tries.len();
            let gist = callback.gist();
            let mut text = format!(
                "{now} callback {}{}{gist} to {to}, {signed}",
                callback.event.name(),
                if gist.is_empty() { "" } else { " " },
            );
            match (&callback.answer, &callback.failure) {
                (Some(answer), _) => text.push_str(&format!(
                    ": your server answered {}{}",
                    answer.status,
                    if tries > 1 {
                        format!(" (attempt {tries})")
                    } else {
                        String::new()
                    }
                )),
                (None, Some(failure)) => text.push_str(&format!(
                    ": NOT DELIVERED: {}",
                    crate::sinch::text::one_line(failure)
                )),
                (None, None) => {}
            }
            for problem in &callback.problems {
                text.push_str(&format!("\n  {problem}"));
            }
            text
        }
        Seen::Refused {
            peer,
            status,
            reason,
        } => format!(
            "{now} connection from {peer} refused{}: {reason}",
            status.map_or_else(String::new, |s| format!(" ({s})"))
        ),
    }
}
