//! A load generator for `sinch-ticket mock`, for `scripts/bench-mock.sh`: verified API calls
//! over real sockets on loopback, one request per connection, and a receiver for the
//! callbacks the mock sends after them.
//!
//! ```text
//! mock_load receive COUNT_FILE          a callback receiver on a free port (printed), keeping
//!                                       connections open: answers 200 (an ACE with SVAML that
//!                                       hangs up) and writes how many it received to
//!                                       COUNT_FILE every 100 ms
//! mock_load load PORT CLIENTS SECONDS [RATE]
//!                                       calls/s and latency percentiles (as fast as it can,
//!                                       or RATE calls a second in all): in turn, an SMS
//!                                       batch sent with an OAuth2 bearer (one delivery
//!                                       report follows) and a Voice callout signed with the
//!                                       application (an ACE and a DiCE follow); prints how
//!                                       many callbacks to expect
//! ```
//! The credentials are those of the profile the script saves (env: references).

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark tool: it fails loudly.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sinch_ticket::sinch::AppSecret;
use sinch_ticket::sinch::signing::{self, SignRequest, sign_request};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const PROJECT: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";
const KEY_ID: &str = "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1";
const KEY_SECRET: &str = "k3y-s3cr3t.Z_4~q";

/// One exchange: connect, send, read the whole answer. Its latency and its bytes.
fn exchange(port: u16, request: &[u8]) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (started.elapsed(), Vec::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    if stream.write_all(request).is_err() {
        return (started.elapsed(), Vec::new());
    }
    let mut answer = Vec::with_capacity(1024);
    let _ = stream.read_to_end(&mut answer);
    (started.elapsed(), answer)
}

fn raw(method: &str, path: &str, headers: &[(String, String)], body: &str) -> Vec<u8> {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    raw.into_bytes()
}

fn token(port: u16) -> String {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"));
    let request = raw(
        "POST",
        "/oauth2/token",
        &[
            ("Authorization".into(), format!("Basic {basic}")),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        "grant_type=client_credentials",
    );
    let (_, answer) = exchange(port, &request);
    let text = String::from_utf8_lossy(&answer);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(body).expect("a token answer");
    value["access_token"].as_str().expect("a token").to_owned()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn load(port: u16, clients: usize, seconds: u64, rate: u64) {
    let bearer = format!("Bearer {}", token(port));
    let sms_body = r#"{"to":["+46700000000"],"from":"+12025550100","body":"load","delivery_report":"per_recipient"}"#;
    let sms = raw(
        "POST",
        &format!("/xms/v1/{PROJECT}/batches"),
        &[
            ("Authorization".into(), bearer),
            ("Content-Type".into(), "application/json".into()),
        ],
        sms_body,
    );
    // Signed once: a signed request stays good for the 15 minutes the mock allows.
    let callout_body = r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"load"}}"#;
    let stamp = signing::timestamp(chrono::Utc::now());
    let signed = sign_request(
        KEY,
        &AppSecret::from_base64(SECRET).unwrap(),
        &SignRequest {
            method: "POST",
            resource: "/calling/v1/callouts",
            content_type: Some("application/json"),
            body: callout_body.as_bytes(),
            timestamp: &stamp,
        },
    );
    let mut headers = signed.headers();
    headers.push(("Content-Type".into(), "application/json".into()));
    let callout = raw("POST", "/calling/v1/callouts", &headers, callout_body);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|n| {
            let (sms, callout) = (sms.clone(), callout.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let (mut failed, mut sent_sms, mut sent_calls) = (0usize, 0u64, 0u64);
                let mut turn = n;
                // Paced at `rate` calls a second in all, when one is given.
                let interval =
                    (rate > 0).then(|| Duration::from_secs_f64(clients as f64 / rate as f64));
                let mut next = Instant::now();
                while Instant::now() < until {
                    if let Some(interval) = interval {
                        next += interval;
                        if let Some(wait) = next.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    turn += 1;
                    let is_sms = turn.is_multiple_of(2);
                    let request = if is_sms { &sms } else { &callout };
                    let (took, answer) = exchange(port, request);
                    let ok = if is_sms {
                        answer.starts_with(b"HTTP/1.1 201")
                    } else {
                        answer.starts_with(b"HTTP/1.1 200")
                    };
                    if ok {
                        latencies.push(took);
                        if is_sms {
                            sent_sms += 1;
                        } else {
                            sent_calls += 1;
                        }
                    } else {
                        failed += 1;
                    }
                }
                (latencies, failed, sent_sms, sent_calls)
            })
        })
        .collect();
    let mut all = Vec::new();
    let (mut failed, mut sms_sent, mut calls) = (0, 0, 0);
    for worker in workers {
        let (latencies, f, s, c) = worker.join().unwrap();
        all.extend(latencies);
        failed += f;
        sms_sent += s;
        calls += c;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "clients={clients} calls={} failed={failed} rps={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} callbacks_expected={}",
        all.len(),
        all.len() as f64 / elapsed,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        sms_sent + 2 * calls,
    );
}

fn receive(count_file: &str) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    let _ = std::io::stdout().flush();
    let received = Arc::new(AtomicU64::new(0));
    {
        let (received, count_file) = (Arc::clone(&received), count_file.to_owned());
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(100));
                // Written beside it and renamed, so that a reader never sees it empty.
                let partial = format!("{count_file}.partial");
                let _ = std::fs::write(&partial, received.load(Ordering::SeqCst).to_string());
                let _ = std::fs::rename(&partial, &count_file);
            }
        });
    }
    let answer = br#"{"instructions":[],"action":{"name":"hangup"}}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        answer.len(),
        String::from_utf8_lossy(answer)
    );
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let (received, reply) = (Arc::clone(&received), reply.clone());
        std::thread::spawn(move || {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let mut got: Vec<u8> = Vec::new();
            let mut buf = [0u8; 8192];
            // Requests one after another on the connection, as a server that keeps it open:
            // each head, then Content-Length bytes of body.
            loop {
                let whole = {
                    let text = String::from_utf8_lossy(&got);
                    text.find("\r\n\r\n").and_then(|end| {
                        let length = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        (got.len() >= end + 4 + length).then_some(end + 4 + length)
                    })
                };
                if let Some(used) = whole {
                    got.drain(..used);
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                    received.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
        });
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| -> u64 { args.get(i).and_then(|a| a.parse().ok()).unwrap_or(0) };
    match args.get(1).map(String::as_str) {
        Some("load") => load(
            u16::try_from(number(2)).unwrap_or(0),
            number(3) as usize,
            number(4),
            number(5),
        ),
        Some("receive") => receive(args.get(2).map_or("/dev/null", String::as_str)),
        _ => eprintln!("usage: mock_load load PORT CLIENTS SECONDS [RATE] | receive COUNT_FILE"),
    }
}
