//! A real `sinch-ticket listen` for the tests: started on a free port with the test key, its
//! records read as they come, stopped with Ctrl+C.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use sinch_ticket::sinch::AppSecret;
use sinch_ticket::sinch::callback::{CallbackRequest, Forgery, sign_callback};
use sinch_ticket::sinch::signing;

/// The application secret the listener verifies with.
pub const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
/// Its application key.
pub const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

/// A running `sinch-ticket listen --port 0` with the test key, its output read line by line.
pub struct Listener {
    /// The process.
    pub child: Child,
    /// The port it chose.
    pub port: u16,
    /// Its standard output, line by line.
    pub lines: mpsc::Receiver<String>,
    /// Its standard output, when the test reads it itself (see [`Listener::start_unread`]).
    pub stdout: Option<std::process::ChildStdout>,
    /// Its standard error, line by line (after the first, which named the port).
    pub stderr: mpsc::Receiver<String>,
    /// Its own data folder, where it keeps its history (never the tester's).
    pub data: std::path::PathBuf,
    _data: tempfile::TempDir,
}

impl Listener {
    /// Starts it with `extra` arguments and waits until it says where it listens.
    pub fn start(extra: &[&str]) -> Self {
        Self::start_with(extra, |_| {})
    }

    /// Like [`Listener::start`], after `prepare` has had a go at the command (a prefix such
    /// as prlimit is given with [`Listener::start_under`]).
    pub fn start_with(extra: &[&str], prepare: impl FnOnce(&mut StdCommand)) -> Self {
        let mut command = super::program();
        prepare(&mut command);
        Self::spawn(command, extra, true)
    }

    /// Starts it under `program` (e.g. `prlimit --nofile=32`).
    pub fn start_under(program: &[&str], extra: &[&str]) -> Self {
        let binary = assert_cmd::cargo::cargo_bin("sinch-ticket");
        let mut command = StdCommand::new(program[0]);
        command.args(&program[1..]).arg(binary);
        Self::spawn(command, extra, true)
    }

    /// Starts it with its standard output a pipe that nobody reads until the test takes
    /// [`Listener::stdout`]: a terminal that cannot keep up.
    pub fn start_unread(extra: &[&str]) -> Self {
        Self::start_unread_with(extra, |_| {})
    }

    /// [`Listener::start_unread`], after `prepare` has had a go at the command.
    pub fn start_unread_with(extra: &[&str], prepare: impl FnOnce(&mut StdCommand)) -> Self {
        let mut command = super::program();
        prepare(&mut command);
        Self::spawn(command, extra, false)
    }

    fn spawn(mut command: StdCommand, extra: &[&str], read: bool) -> Self {
        // Its own data folder for the history, unless the test gave one (to share it).
        let data_dir = tempfile::tempdir().unwrap();
        // (program()'s shared stand-in folder is not a choice: listeners of tests running at
        // once would share one history.)
        let given = command
            .get_envs()
            .find(|(name, _)| *name == "XDG_DATA_HOME")
            .and_then(|(_, value)| value.map(std::path::PathBuf::from))
            .filter(|given| given.as_path() != std::path::Path::new(super::NO_HOME));
        let data = given.unwrap_or_else(|| data_dir.path().to_owned());
        let mut child = command
            .env("SINCH_APPLICATION_SECRET", SECRET)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("HOME", concat!(env!("CARGO_TARGET_TMPDIR"), "/no-home"))
            .env("XDG_DATA_HOME", &data)
            .args(["listen", "--port", "0", "--key", KEY])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out_tx, lines) = mpsc::channel();
        let mut stdout = child.stdout.take();
        if read {
            let out = stdout.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines() {
                    let _ = out_tx.send(line.unwrap());
                }
            });
        }
        let (err_tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let _ = err_tx.send(line.unwrap());
            }
        });
        // Warnings may come first; then it says where it listens.
        let port = loop {
            let said = stderr
                .recv_timeout(Duration::from_secs(30))
                .expect("listen says where it listens");
            let Some((_, rest)) = said.split_once("Listening on http://") else {
                assert!(said.contains("warning"), "unexpected: {said}");
                continue;
            };
            let addr = rest.split_whitespace().next().unwrap_or_default();
            break addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no port in {said:?}"));
        };
        Self {
            child,
            port,
            lines,
            stdout,
            stderr,
            data,
            _data: data_dir,
        }
    }

    /// A URL on it.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The next request it reported, as JSON.
    pub fn next(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(30))
            .expect("listen reports each request");
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"))
    }

    /// Ctrl+C, and the exit status and the last words on stderr.
    pub fn interrupt(self) -> (i32, String) {
        let (code, said, _) = self.finish();
        (code, said)
    }

    /// Ctrl+C, and the exit status, the last words on stderr, and every line of standard
    /// output not yet taken, to its end.
    pub fn finish(mut self) -> (i32, String, Vec<String>) {
        StdCommand::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let said: Vec<String> = self.stderr.iter().collect();
        let printed: Vec<String> = self.lines.iter().collect();
        (status.code().unwrap_or(-1), said.join("\n"), printed)
    }
}

/// Sends raw bytes to the listener and returns the whole answer.
pub fn raw_exchange(port: u16, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// A callback to `path`, signed as Sinch signs it now (or forged), as raw HTTP/1.1.
pub fn signed_callback(path: &str, body: &str, forgery: Forgery) -> Vec<u8> {
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let stamp = signing::timestamp(Utc::now());
    let headers = sign_callback(
        KEY,
        &secret,
        &CallbackRequest {
            resource: path,
            body: body.as_bytes(),
            timestamp: &stamp,
            forgery,
        },
    );
    let mut raw = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    raw.into_bytes()
}
