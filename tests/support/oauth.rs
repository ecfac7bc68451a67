//! Stand-ins on 127.0.0.1 for Sinch's OAuth2 auth server and a project API, for the tests of
//! `token` and `send --auth oauth`: the auth server checks the Basic credentials, the form
//! body and the grant type, issues JWT-shaped tokens with an `exp`, counts its requests and
//! answers what the test scripts (429, 401, silence); the API checks the bearer and can say
//! once that it expired.

#![allow(dead_code)] // Each test binary uses its own part of it.

use std::io::Write as _;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sinch_ticket::net::http1::parse_request;

use super::server::read_one;

/// The Key ID the stand-in takes.
pub const KEY_ID: &str = "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1";
/// Its Key Secret.
pub const KEY_SECRET: &str = "k3y-s3cr3t-Åsa";
/// The project.
pub const PROJECT_ID: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";

/// What the auth server answers, request by request (the last one repeats).
#[derive(Clone, Copy, Debug)]
pub enum AuthAnswer {
    /// A token, good for this many seconds.
    Token(i64),
    /// HTTP 429.
    RateLimited,
    /// Nothing, ever: the connection is held open.
    Silence,
}

/// One request the auth server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// Its headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: String,
}

impl Seen {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running stand-in auth server.
pub struct AuthServer {
    /// Its token URL.
    pub url: String,
    /// How many token requests it answered (whatever it answered).
    pub count: Arc<AtomicUsize>,
    /// What it saw.
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// The tokens it issued.
    pub issued: Arc<Mutex<Vec<String>>>,
}

/// A JWT-shaped token that expires in `ttl` seconds (signed with nothing: a stand-in).
pub fn jwt(ttl: i64, n: usize) -> String {
    let exp = chrono::Utc::now().timestamp() + ttl;
    let claims = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"iss":"stand-in","sub":"{KEY_ID}","exp":{exp},"n":{n}}}"#
    ));
    format!("eyJhbGciOiJSUzI1NiJ9.{claims}.c3RhbmQtaW4")
}

/// Starts the stand-in; `answers` says what it answers, in turn (the last repeats).
pub fn auth_server(answers: Vec<AuthAnswer>) -> AuthServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let issued = Arc::new(Mutex::new(Vec::new()));
    let (c, s, i) = (count.clone(), seen.clone(), issued.clone());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let raw = read_one(&mut stream);
            let Ok(request) = parse_request(&raw) else {
                continue;
            };
            let n = c.fetch_add(1, Ordering::SeqCst);
            let expected = format!(
                "Basic {}",
                STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"))
            );
            s.lock().unwrap().push(Seen {
                method: request.method.clone(),
                path: request.target.clone(),
                headers: request
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
                    .collect(),
                body: String::from_utf8_lossy(&request.body).into_owned(),
            });
            let form_ok = request.method == "POST"
                && request.target == "/oauth2/token"
                && request
                    .header("content-type")
                    .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
                && request.body == b"grant_type=client_credentials";
            let answer = answers[n.min(answers.len() - 1)];
            let (status, body) = if !form_ok {
                (400, r#"{"error":"invalid_request"}"#.to_owned())
            } else if request.header("authorization") != Some(expected.as_str()) {
                (401, r#"{"error":"invalid_client"}"#.to_owned())
            } else {
                match answer {
                    AuthAnswer::Silence => {
                        held.push(stream);
                        continue;
                    }
                    AuthAnswer::RateLimited => (429, r#"{"error":"too many requests"}"#.to_owned()),
                    AuthAnswer::Token(ttl) => {
                        let token = jwt(ttl, n);
                        i.lock().unwrap().push(token.clone());
                        (
                            200,
                            format!(
                                r#"{{"access_token":"{token}","token_type":"bearer","expires_in":{ttl},"scope":""}}"#
                            ),
                        )
                    }
                }
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    AuthServer {
        url: format!("http://127.0.0.1:{port}/oauth2/token"),
        count,
        seen,
        issued,
    }
}

/// A running stand-in project API.
pub struct ApiServer {
    /// Its base URL.
    pub base: String,
    /// The requests it took: path and the bearer they carried.
    pub calls: Arc<Mutex<Vec<(String, String)>>>,
}

/// Starts a project API that takes the tokens `issued` lists; with `expire_first`, it
/// answers the first call 401 with a WWW-Authenticate saying the token expired.
pub fn api_server(issued: Arc<Mutex<Vec<String>>>, expire_first: bool) -> ApiServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let raw = read_one(&mut stream);
            let Ok(request) = parse_request(&raw) else {
                continue;
            };
            let bearer = request
                .header("authorization")
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default()
                .to_owned();
            seen.lock()
                .unwrap()
                .push((request.target.clone(), bearer.clone()));
            let known = issued.lock().unwrap().contains(&bearer);
            let (status, extra, body) = if n == 0 && expire_first {
                (
                    401,
                    "WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"Jwt expired\"\r\n",
                    "",
                )
            } else if known {
                (200, "", r#"{"id":"01F","ok":true}"#)
            } else {
                (401, "WWW-Authenticate: Bearer\r\n", "")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    ApiServer {
        base: format!("http://127.0.0.1:{port}"),
        calls,
    }
}
