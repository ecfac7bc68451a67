//! The network edge as a new user and an attacker try it: the built binary's listener fed
//! malformed, slow, hostile and plentiful requests over real sockets on 127.0.0.1, and its
//! client (`send`, `trigger`, `listen --forward-to`) against servers that redirect.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use sinch_ticket::sinch::callback::Forgery;
use support::listener::{KEY, Listener, SECRET, raw_exchange, signed_callback};
use support::server::{Answering, answering_server};

fn sinch_ticket() -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET);
    cmd
}

/// The body of a raw answer.
fn answer_body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// Whether anybody connected to `listener` (which is not accepting) so far.
fn was_contacted(listener: &TcpListener) -> bool {
    listener.set_nonblocking(true).unwrap();
    listener.accept().is_ok()
}

#[test]
fn the_listener_refuses_ambiguous_framing_with_400_and_an_oversized_head_with_431() {
    let listener = Listener::start(&["--json"]);
    for (case, head) in [
        (
            "two lengths",
            "POST /cb HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        ),
        (
            "a signed length",
            "POST /cb HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}",
        ),
        (
            "chunked and a length",
            "POST /cb HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n{}",
        ),
        (
            "a folded line",
            "POST /cb HTTP/1.1\r\nX-A: 1\r\n x-b: 2\r\nContent-Length: 2\r\n\r\n{}",
        ),
        (
            "a space before the colon",
            "POST /cb HTTP/1.1\r\nContent-Length : 2\r\n\r\n{}",
        ),
    ] {
        let answer = raw_exchange(listener.port, head.as_bytes());
        assert!(answer.starts_with("HTTP/1.1 400"), "{case}: {answer}");
        let seen = listener.next();
        assert_eq!(
            (seen["refused"].clone(), seen["status"].clone()),
            (true.into(), 400.into()),
            "{case}"
        );
    }
    // Garbage instead of a request line: a 400 in neutral words, with no advice meant for a
    // person pasting a request into this tool.
    let answer = raw_exchange(listener.port, b"HELLO THERE\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("not a request line"), "{answer}");
    assert!(!answer.to_lowercase().contains("paste"), "{answer}");
    listener.next();
    // The limit holds when the whole head, its end included, arrives in one piece.
    let big = format!(
        "POST /cb HTTP/1.1\r\nX-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(70 * 1024)
    );
    let answer = raw_exchange(listener.port, big.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert_eq!(listener.next()["status"], 431);
    listener.interrupt();
}

#[test]
fn a_redirect_is_an_answer_and_is_never_followed() {
    // Where the redirect points: nothing may reach it.
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    let location = format!(
        "http://127.0.0.1:{}/elsewhere",
        elsewhere.local_addr().unwrap().port()
    );
    let redirecting = || Answering {
        location: Some(location.clone()),
        ..Answering::careless(302, "")
    };

    let (port, server) = answering_server(SECRET, KEY, Some(900), redirecting());
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--to"])
        .arg(format!("http://127.0.0.1:{port}/cb"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("HTTP 302"))
        .stdout(predicate::str::contains(format!(
            "a redirect to {location} (not followed)"
        )))
        .stdout(predicate::str::contains("Sinch does not follow it"));
    server.join().unwrap();

    // A POST that gets a 302 is not sent again as a GET.
    let (port, server) = answering_server(SECRET, KEY, Some(900), redirecting());
    sinch_ticket()
        .args(["send", "POST", "--key", KEY, "--data", "{}"])
        .arg(format!("http://127.0.0.1:{port}/v1/callouts"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("HTTP 302"));
    server.join().unwrap();

    // The listener relays the app's redirect; it does not fetch it.
    let (app_port, app) = answering_server(SECRET, KEY, Some(900), redirecting());
    let listener = Listener::start(&[
        "--json",
        "--forward-to",
        &format!("http://127.0.0.1:{app_port}"),
    ]);
    sinch_ticket()
        .args(["trigger", "ice", "--key", KEY, "--to", &listener.url("/cb")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("HTTP 302"));
    app.join().unwrap();
    let seen = listener.next();
    assert_eq!(seen["forwarded"]["status"], 302, "{seen}");
    assert_eq!(seen["forwarded"]["location"], location.as_str());
    listener.interrupt();
    assert!(!was_contacted(&elsewhere), "a redirect was followed");
}

#[test]
fn send_refuses_headers_that_would_break_framing_or_replace_signed_ones() {
    for name in [
        "Content-Length",
        "transfer-encoding",
        "Host",
        "Authorization",
        "X-Timestamp",
        "Content-Type",
    ] {
        sinch_ticket()
            .args(["send", "POST", "http://127.0.0.1:9/v1/x", "--key", KEY])
            .args(["--data", "{}", "-H", &format!("{name}: 1")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("-H cannot set {name}")));
    }
    sinch_ticket()
        .args(["send", "GET", "http://127.0.0.1:9/v1/x", "--key", KEY])
        .args(["-H", "Bad Name: 1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a header name"));
}

#[test]
fn the_listener_forwards_only_what_verifies_and_tells_a_caller_nothing_about_the_profile() {
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let app_url = format!("http://127.0.0.1:{}", app.local_addr().unwrap().port());
    let listener = Listener::start(&["--json", "--forward-to", &app_url]);
    let forged = signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::BadSignature);
    let answer = raw_exchange(listener.port, &forged);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(
        answer_body(&answer),
        r#"{"error":"the signature is not valid"}"#,
        "no key, no diagnosis, no forward address for the caller"
    );
    assert!(!answer.contains(KEY) && !answer.contains(&app_url));
    assert!(
        !was_contacted(&app),
        "an unverified request reached the app"
    );
    let seen = listener.next();
    assert!(
        seen["reason"].as_str().unwrap().contains("does not match"),
        "the diagnosis stays in the local record: {seen}"
    );
    assert_eq!(seen["forwarded"], Value::Null);
    listener.interrupt();

    // With --forward-unverified, the app's own check is what is tested.
    let (port, app) = answering_server(SECRET, KEY, Some(900), Answering::careful(200, ""));
    let listener = Listener::start(&[
        "--json",
        "--forward-unverified",
        "--forward-to",
        &format!("http://127.0.0.1:{port}"),
    ]);
    let answer = raw_exchange(listener.port, &forged);
    assert!(
        answer.starts_with("HTTP/1.1 401"),
        "the app refused it: {answer}"
    );
    assert!(!app.join().unwrap().verified);
    assert_eq!(listener.next()["forwarded"]["status"], 401);
    listener.interrupt();

    // An app that is not there: 502, without its address.
    let gone = TcpListener::bind("127.0.0.1:0").unwrap();
    let gone_url = format!("http://127.0.0.1:{}", gone.local_addr().unwrap().port());
    drop(gone);
    let listener = Listener::start(&["--json", "--forward-to", &gone_url]);
    let answer = raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    assert!(answer.starts_with("HTTP/1.1 502"), "{answer}");
    assert!(!answer.contains(&gone_url), "{answer}");
    let seen = listener.next();
    assert!(
        seen["forwarded"]["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{seen}"
    );
    listener.interrupt();
}

#[test]
fn off_loopback_the_listener_takes_only_post() {
    let listener = Listener::start(&["--json", "--bind", "0.0.0.0"]);
    let answer = raw_exchange(listener.port, b"GET /cb HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    assert!(answer.contains("Allow: POST"), "{answer}");
    assert_eq!(listener.next()["status"], 405);
    let answer = raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    listener.interrupt();
}

#[test]
fn clients_that_drip_bytes_cannot_keep_a_signed_callback_out() {
    let listener = Listener::start(&["--json"]);
    // More slow clients than the listener serves at once, each a byte every 2 s.
    let mut drippers: Vec<TcpStream> = (0..144)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", listener.port)).unwrap();
            stream.write_all(b"POST /cb HTTP/1.1\r\nX-Drip: ").unwrap();
            stream
        })
        .collect();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let dripping = std::thread::spawn(move || {
        while stopped.recv_timeout(Duration::from_secs(2)).is_err() {
            for stream in &mut drippers {
                let _ = stream.write_all(b"a");
            }
        }
    });
    let started = Instant::now();
    let answer = raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"ice","callid":"c-1"}"#, Forgery::None),
    );
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        waited < Duration::from_secs(5),
        "a signed callback waited {waited:?}"
    );
    stop.send(()).unwrap();
    dripping.join().unwrap();
    listener.interrupt();
}

/// CPU seconds a process has used (user and system), from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[test]
fn accept_errors_back_off_instead_of_spinning_a_core() {
    // So few file descriptors that the listener runs out of them while connections wait.
    let listener = Listener::start_under(&["prlimit", "--nofile=24:24"], &["--json"]);
    let held: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(("127.0.0.1", listener.port)).unwrap())
        .collect();
    let pid = listener.child.id();
    let before = cpu_seconds(pid);
    let window = Instant::now();
    // A measuring window, not a wait for a condition: how much CPU does it burn meanwhile?
    // A loaded machine can only lower the figure.
    while window.elapsed() < Duration::from_millis(1500) {
        std::thread::park_timeout(Duration::from_millis(100));
    }
    let used = cpu_seconds(pid) - before;
    assert!(
        used < 0.4,
        "the listener used {used:.2} s of CPU in 1.5 s of accept errors"
    );
    drop(held);
    // It recovers once descriptors are free again (the connections it still holds close as
    // their clients have gone): a signed callback is answered again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = raw_exchange(
            listener.port,
            &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
        );
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still not answered after 30 s: {answer}"
        );
        std::thread::park_timeout(Duration::from_millis(50));
    }
    listener.interrupt();
}

#[test]
fn a_terminal_that_reads_slowly_never_makes_the_listener_refuse_sinch() {
    let mut listener = Listener::start_unread(&["--json"]);
    // Each record is about 3 KiB: a few dozen fill the pipe that nobody reads.
    let body = format!(r#"{{"event":"dice","custom":"{}"}}"#, "x".repeat(3000));
    for i in 0..300 {
        let answer = raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i}: {answer}");
    }
    // The terminal catches up: every record is there.
    let mut stdout = listener.stdout.take().unwrap();
    let reading = std::thread::spawn(move || {
        let mut all = String::new();
        stdout.read_to_string(&mut all).unwrap();
        all
    });
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("Stopped after 300 request(s)."), "{said}");
    assert_eq!(reading.join().unwrap().lines().count(), 300);
}

#[test]
fn ctrl_c_prints_every_answered_request_and_a_port_probe_is_no_request() {
    let listener = Listener::start(&["--json"]);
    // Port probes: connect and close.
    for _ in 0..3 {
        drop(TcpStream::connect(("127.0.0.1", listener.port)).unwrap());
    }
    let port = listener.port;
    let senders: Vec<_> = (0..40)
        .map(|i| {
            std::thread::spawn(move || {
                let body = format!(r#"{{"event":"dice","callid":"c-{i}"}}"#);
                raw_exchange(port, &signed_callback("/cb", &body, Forgery::None))
            })
        })
        .collect();
    for sender in senders {
        assert!(sender.join().unwrap().starts_with("HTTP/1.1 200"));
    }
    // Interrupted at once, once every request has its answer.
    let (code, said, printed) = listener.finish();
    assert_eq!(code, 0, "{said}");
    assert_eq!(printed.len(), 40, "{printed:?}");
    assert!(said.contains("Stopped after 40 request(s)."), "{said}");
}

#[test]
fn listen_json_records_have_the_same_keys_every_time() {
    let listener = Listener::start(&["--json", "--read-timeout", "1s"]);
    raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::NoSignature),
    );
    raw_exchange(
        listener.port,
        b"POST /cb HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n",
    );
    // Half a request, then the client leaves: nothing could be answered.
    let mut half = TcpStream::connect(("127.0.0.1", listener.port)).unwrap();
    half.write_all(b"POST /cb HTTP/1.1\r\nContent-Le").unwrap();
    drop(half);
    let records: Vec<Value> = (0..4).map(|_| listener.next()).collect();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    for record in &records[1..] {
        assert_eq!(keys(record), keys(&records[0]), "{record}");
    }
    // Records come as their requests are answered, which is not always the order sent.
    let with_status = |status: u16| records.iter().find(|r| r["status"] == status);
    let good = with_status(200).expect("the signed one");
    assert_eq!(good["scheme"], "application");
    assert_eq!(good["verified"], true);
    assert_eq!(
        with_status(401).expect("the unsigned one")["verified"],
        false
    );
    assert_eq!(with_status(413).expect("the big one")["refused"], true);
    let left = records
        .iter()
        .find(|r| r["reason"].as_str().is_some_and(|r| r.contains("closed")))
        .expect("the client that left is recorded");
    assert_eq!(left["status"], Value::Null, "no status: 0 placeholder");
    listener.interrupt();
}
