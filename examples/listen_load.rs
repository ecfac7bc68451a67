//! A load generator for `sinch-ticket listen`, for `scripts/bench-listen.sh`: signed Sinch
//! callbacks over real sockets on loopback, one request per connection as Sinch sends them.
//!
//! ```text
//! listen_load load PORT CLIENTS SECONDS     requests/s and latency percentiles
//! listen_load slowloris PORT DRIPPERS       how long a signed callback waits while
//!                                           DRIPPERS clients send a byte every 2 s
//! listen_load large PORT CLIENTS SECONDS    1 MiB bodies, signed and unsigned (NUL bytes)
//!                                           in turn: how many were answered, and how
//! ```
//! The secret and key are the test vector's (`oYdgGRXoxEuJhGDY2KQ/HQ==`); start the listener
//! with `--key 196087a1-e815-4bc4-8984-60d8d8a43f1d` and that secret.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A benchmark tool: it fails loudly.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use sinch_ticket::sinch::AppSecret;
use sinch_ticket::sinch::callback::{CallbackRequest, Forgery, sign_callback};
use sinch_ticket::sinch::signing;

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

/// A signed DiCE, as raw HTTP/1.1 (valid for the 15 minutes the listener allows).
fn signed_request() -> Vec<u8> {
    signed_request_of(
        r#"{"event":"dice","callid":"load-1","timestamp":"2026-12-01T00:00:00Z","reason":"CALLERHANGUP","result":"ANSWERED","version":1,"custom":"customData","duration":120}"#,
    )
}

/// `body`, signed as Sinch signs a callback, as raw HTTP/1.1.
fn signed_request_of(body: &str) -> Vec<u8> {
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let stamp = signing::timestamp(chrono::Utc::now());
    let headers = sign_callback(
        KEY,
        &secret,
        &CallbackRequest {
            resource: "/sinch/callback",
            body: body.as_bytes(),
            timestamp: &stamp,
            forgery: Forgery::None,
        },
    );
    let mut raw = String::from("POST /sinch/callback HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    raw.into_bytes()
}

/// One exchange: connect, send, read the whole answer. Its latency, and whether it was 200.
fn exchange(port: u16, request: &[u8]) -> (Duration, bool) {
    let started = Instant::now();
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return (started.elapsed(), false);
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    if stream.write_all(request).is_err() {
        return (started.elapsed(), false);
    }
    let mut answer = Vec::with_capacity(256);
    let ok = stream.read_to_end(&mut answer).is_ok() && answer.starts_with(b"HTTP/1.1 200");
    (started.elapsed(), ok)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn load(port: u16, clients: usize, seconds: u64) {
    let request = signed_request();
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let request = request.clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failed = 0usize;
                while Instant::now() < until {
                    let (took, ok) = exchange(port, &request);
                    if ok {
                        latencies.push(took);
                    } else {
                        failed += 1;
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for worker in workers {
        let (latencies, f) = worker.join().unwrap();
        all.extend(latencies);
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "clients={clients} requests={} failed={failed} rps={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        all.len(),
        all.len() as f64 / elapsed,
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// CLIENTS clients send 1 MiB bodies for SECONDS, signed DiCEs and unsigned NUL bytes in
/// turn; prints how many were answered 200 (signed) and 401 (unsigned), and how many got
/// anything else (503 when the listener's budget for bodies is spent, or no answer).
fn large(port: u16, clients: usize, seconds: u64) {
    let size = 1024 * 1024;
    let prefix = r#"{"event":"dice","callid":"large","custom":""#;
    let signed = signed_request_of(&format!(
        "{prefix}{}\"}}",
        "x".repeat(size - prefix.len() - 2)
    ));
    let mut unsigned = format!(
        "POST /sinch/callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n"
    )
    .into_bytes();
    unsigned.resize(unsigned.len() + size, 0);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (signed, unsigned) = (signed.clone(), unsigned.clone());
            std::thread::spawn(move || {
                let (mut ok, mut refused, mut other) = (0u64, 0u64, 0u64);
                let mut turn = 0u64;
                while Instant::now() < until {
                    turn += 1;
                    let request = if turn.is_multiple_of(2) {
                        &signed
                    } else {
                        &unsigned
                    };
                    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                        other += 1;
                        continue;
                    };
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
                    let _ = stream.write_all(request);
                    let mut answer = Vec::new();
                    let _ = stream.read_to_end(&mut answer);
                    if answer.starts_with(b"HTTP/1.1 200") {
                        ok += 1;
                    } else if answer.starts_with(b"HTTP/1.1 401") {
                        refused += 1;
                    } else {
                        other += 1;
                    }
                }
                (ok, refused, other)
            })
        })
        .collect();
    let (mut ok, mut refused, mut other) = (0, 0, 0);
    for worker in workers {
        let (o, r, x) = worker.join().unwrap();
        ok += o;
        refused += r;
        other += x;
    }
    println!(
        "clients={clients} seconds={:.1} answered_200={ok} answered_401={refused} other={other} answered_mib={}",
        started.elapsed().as_secs_f64(),
        ok + refused
    );
}

fn slowloris(port: u16, drippers: usize) {
    let mut streams: Vec<TcpStream> = (0..drippers)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
            stream.write_all(b"POST /cb HTTP/1.1\r\nX-Drip: ").ok()?;
            Some(stream)
        })
        .collect();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let dripping = std::thread::spawn(move || {
        while stopped.recv_timeout(Duration::from_secs(2)).is_err() {
            for stream in &mut streams {
                let _ = stream.write_all(b"a");
            }
        }
    });
    let request = signed_request();
    let mut waits = Vec::new();
    for _ in 0..5 {
        let (took, ok) = exchange(port, &request);
        assert!(
            ok,
            "a signed callback was refused while {drippers} clients dripped"
        );
        waits.push(took);
    }
    let _ = stop.send(());
    let _ = dripping.join();
    waits.sort_unstable();
    println!(
        "drippers={drippers} signed_callback_median_ms={:.2} max_ms={:.2}",
        percentile(&waits, 0.5).as_secs_f64() * 1e3,
        waits.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| -> u64 { args.get(i).and_then(|a| a.parse().ok()).unwrap_or(0) };
    let port = u16::try_from(number(2)).unwrap_or(0);
    match args.get(1).map(String::as_str) {
        Some("load") => load(port, number(3) as usize, number(4)),
        Some("slowloris") => slowloris(port, number(3) as usize),
        Some("large") => large(port, number(3) as usize, number(4)),
        _ => eprintln!(
            "usage: listen_load load PORT CLIENTS SECONDS | slowloris PORT DRIPPERS | large PORT CLIENTS SECONDS"
        ),
    }
}
