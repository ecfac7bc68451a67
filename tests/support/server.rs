//! A real HTTP server on 127.0.0.1 for the tests of signed requests: it checks each
//! request's signature with the core, as a developer's server should.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;

use sinch_ticket::credential::AppSecret;
use sinch_ticket::credential::request::{CallbackKeys, parse_request, verify_request};

/// A server on 127.0.0.1 that answers one request: it checks the signature with the core
/// and answers 200 when it verifies, 401 when not. Returns its port and what it received.
/// With `hold`, it answers only once the test drops the sender (a server that hangs).
pub fn checking_server(
    secret: &'static str,
    key: &'static str,
    max_age: Option<u64>,
    hold: Option<std::sync::mpsc::Receiver<()>>,
) -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            received.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&received);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if received.len() >= end + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        if let Some(hold) = hold {
            // Returns when the test drops its end: until then, the server hangs.
            let _ = hold.recv();
        }
        let secret = AppSecret::from_base64(secret).unwrap();
        let parsed = parse_request(&received).unwrap();
        let verdict = verify_request(
            &parsed,
            CallbackKeys {
                key: Some(key),
                secret: &secret,
            },
            chrono::Utc::now(),
            max_age,
        );
        let (status, body) = if verdict.verified {
            ("200 OK", r#"{"callId":"c-1","ok":true}"#.to_owned())
        } else {
            (
                "401 Unauthorized",
                format!(r#"{{"reason":{:?}}}"#, verdict.reason.unwrap_or_default()),
            )
        };
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        String::from_utf8_lossy(&received).into_owned()
    });
    (port, handle)
}
