//! Real HTTP servers on 127.0.0.1 for the tests of signed requests and callbacks: they check
//! each request's signature with the core, as a developer's server should (or, on purpose,
//! do not), and answer what the test asks for.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::Receiver;

use sinch_ticket::net::http1::{parse_head, parse_request};
use sinch_ticket::sinch::AppSecret;
use sinch_ticket::sinch::signing::{CallbackKeys, verify_request};

/// How a test server answers its one request.
pub struct Answering {
    /// The status when the request verifies (or always, without `check_signature`).
    pub status: u16,
    /// The body of that answer.
    pub body: String,
    /// Whether a request that does not verify is answered 401 (a careful server) or like
    /// any other (a careless one).
    pub check_signature: bool,
    /// With `Some`, the server answers only once the test drops the sender (it hangs).
    pub hold: Option<Receiver<()>>,
    /// With `Some`, a `Location` header in the answer (for redirects).
    pub location: Option<String>,
}

impl Answering {
    /// A careful server that answers `status` and `body` to a request that verifies.
    pub fn careful(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.to_owned(),
            check_signature: true,
            hold: None,
            location: None,
        }
    }

    /// A careless server: it answers `status` and `body` whatever the signature.
    pub fn careless(status: u16, body: &str) -> Self {
        Self {
            check_signature: false,
            ..Self::careful(status, body)
        }
    }
}

/// What a test server received, and whether it verified.
pub struct Received {
    /// The raw request.
    pub raw: String,
    /// Whether its signature verified (at most 15 minutes old).
    pub verified: bool,
}

/// Reads one request off the wire with the program's own HTTP/1.1 parser: the head, then
/// Content-Length bytes. Returns the bytes as received.
pub fn read_one(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(head) = parse_head(&received).unwrap()
            && received.len() >= head.len + head.content_length
        {
            received.truncate(head.len + head.content_length);
            return received;
        }
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            return received;
        }
        received.extend_from_slice(&buf[..n]);
    }
}

/// A server on 127.0.0.1 that answers one request as `answering` says. Returns its port and
/// what it received.
pub fn answering_server(
    secret: &'static str,
    key: &'static str,
    max_age: Option<u64>,
    answering: Answering,
) -> (u16, std::thread::JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || serve_one(&listener, secret, key, max_age, answering));
    (port, handle)
}

/// A server on 127.0.0.1 that answers one request: it checks the signature with the core
/// and answers 200 when it verifies, 401 when not. Returns its port and what it received.
/// With `hold`, it answers only once the test drops the sender (a server that hangs).
pub fn checking_server(
    secret: &'static str,
    key: &'static str,
    max_age: Option<u64>,
    hold: Option<Receiver<()>>,
) -> (u16, std::thread::JoinHandle<String>) {
    let (port, handle) = answering_server(
        secret,
        key,
        max_age,
        Answering {
            hold,
            ..Answering::careful(200, r#"{"callId":"c-1","ok":true}"#)
        },
    );
    (port, std::thread::spawn(move || handle.join().unwrap().raw))
}

/// A server on 127.0.0.1 that answers `answers.len()` requests in turn, each as its
/// [`Answering`] says (a careful one refuses a request that does not verify with 401).
/// Returns its port and what it received, in order.
pub fn answering_in_turn(
    secret: &'static str,
    key: &'static str,
    answers: Vec<Answering>,
) -> (u16, std::thread::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        answers
            .into_iter()
            .map(|answering| serve_one(&listener, secret, key, None, answering))
            .collect()
    });
    (port, handle)
}

/// Accepts one connection on `listener` and answers its request as `answering` says.
fn serve_one(
    listener: &TcpListener,
    secret: &'static str,
    key: &'static str,
    max_age: Option<u64>,
    answering: Answering,
) -> Received {
    let (mut stream, _) = listener.accept().unwrap();
    let received = read_one(&mut stream);
    if let Some(hold) = answering.hold {
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
    let (status, body) = if verdict.verified || !answering.check_signature {
        (answering.status, answering.body)
    } else {
        (
            401,
            format!(r#"{{"reason":{:?}}}"#, verdict.reason.unwrap_or_default()),
        )
    };
    let location = answering
        .location
        .map(|to| format!("Location: {to}\r\n"))
        .unwrap_or_default();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} Whatever\r\n{location}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    Received {
        raw: String::from_utf8_lossy(&received).into_owned(),
        verified: verdict.verified,
    }
}
