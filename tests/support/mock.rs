//! A real `sinch-ticket mock` for the tests: a profile "sandbox" whose secrets all come from
//! environment variables (so no keyring is needed), in a config folder of its own, started on
//! a free port with `--json`, its lines read as they come, stopped with Ctrl+C.

#![allow(dead_code)] // Each test binary uses its own part of it.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The application key.
pub const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
/// Its secret.
pub const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
/// The project.
pub const PROJECT: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";
/// The access key's Key ID.
pub const KEY_ID: &str = "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1";
/// Its Key Secret (ASCII, as Sinch's are: Python's requests sends Basic credentials in
/// Latin-1).
pub const KEY_SECRET: &str = "k3y-s3cr3t.Z_4~q";
/// The SMS service plan.
pub const PLAN: &str = "f7f4a0fd0a2a4b7c9c8a4f1d0f1e2d3c";
/// Its API token.
pub const PLAN_TOKEN: &str = "0123456789abcdef0123456789abcdef";
/// The Conversation (and SMS) webhook secret.
pub const CONVERSATION_SECRET: &str = "foo_secret1234";
/// The Numbers callback secret.
pub const NUMBERS_SECRET: &str = "my-callback-secret";

/// The environment the profile's references read.
pub const SECRETS: [(&str, &str); 5] = [
    ("MOCK_APP_SECRET", SECRET),
    ("MOCK_KEY_SECRET", KEY_SECRET),
    ("MOCK_PLAN_TOKEN", PLAN_TOKEN),
    ("MOCK_CONVERSATION_SECRET", CONVERSATION_SECRET),
    ("MOCK_NUMBERS_SECRET", NUMBERS_SECRET),
];

/// A config and data folder with the profile "sandbox" saved in it.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    /// Saves the profile (secrets as `env:` references).
    pub fn new() -> Self {
        let home = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let run = |args: &[&str]| {
            let out = home.command().args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&[
            "profile",
            "add",
            "sandbox",
            "--key",
            KEY,
            "--secret-from",
            "env:MOCK_APP_SECRET",
            "--project-id",
            PROJECT,
            "--key-id",
            KEY_ID,
            "--key-secret-from",
            "env:MOCK_KEY_SECRET",
        ]);
        run(&[
            "profile",
            "add",
            "sandbox",
            "--service-plan-id",
            PLAN,
            "--service-plan-token-from",
            "env:MOCK_PLAN_TOKEN",
        ]);
        run(&[
            "profile",
            "webhook-secret",
            "add",
            "sandbox",
            "conversation",
            "--from",
            "env:MOCK_CONVERSATION_SECRET",
        ]);
        run(&[
            "profile",
            "webhook-secret",
            "add",
            "sandbox",
            "numbers",
            "--from",
            "env:MOCK_NUMBERS_SECRET",
        ]);
        home
    }

    /// The program, with this folder as its HOME, config and data, and the secrets set.
    pub fn command(&self) -> StdCommand {
        let mut command = super::program();
        command
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .envs(SECRETS);
        command
    }
}

/// A running `sinch-ticket mock --port 0 --json`.
pub struct Mock {
    /// The process.
    pub child: Child,
    /// The port it chose.
    pub port: u16,
    /// Its JSON lines.
    pub lines: mpsc::Receiver<Value>,
    /// Its standard error, line by line (after those that named the port).
    pub stderr: mpsc::Receiver<String>,
    /// What it said at start.
    pub banner: String,
    home: Option<Home>,
    /// Lines read but not yet awaited.
    skipped: std::cell::RefCell<Vec<Value>>,
}

impl Mock {
    /// Starts it in a new home with `extra` arguments.
    pub fn start(extra: &[&str]) -> Self {
        Self::start_in(Home::new(), extra)
    }

    /// Starts it in `home` with `extra` arguments, and waits until it says where it listens.
    pub fn start_in(home: Home, extra: &[&str]) -> Self {
        let mut child = home
            .command()
            .args(["mock", "--port", "0", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out_tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let line = line.unwrap();
                let value = serde_json::from_str(&line).unwrap_or_else(|_| {
                    panic!("mock --json printed a line that is not JSON: {line}")
                });
                if out_tx.send(value).is_err() {
                    return;
                }
            }
        });
        let (err_tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let _ = err_tx.send(line.unwrap());
            }
        });
        let mut banner = String::new();
        let port = loop {
            let said = stderr
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("mock says where it listens; it said: {banner}"));
            banner.push_str(&said);
            banner.push('\n');
            let Some((_, rest)) = said.split_once("Mock of Sinch's APIs on http://") else {
                continue;
            };
            let addr = rest.split_whitespace().next().unwrap_or_default();
            break addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no port in {said:?}"));
        };
        // The lines after it (the accounts, the callbacks) belong to the banner too.
        while let Ok(said) = stderr.recv_timeout(Duration::from_millis(200)) {
            banner.push_str(&said);
            banner.push('\n');
            if said.contains("Press Ctrl+C") {
                break;
            }
        }
        Self {
            child,
            port,
            lines,
            stderr,
            banner,
            home: Some(home),
            skipped: std::cell::RefCell::default(),
        }
    }

    /// Its folders (the history is under `data`).
    pub fn home(&self) -> &Home {
        self.home
            .as_ref()
            .expect("a mock has its home until it is finished")
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The first line it printed for which `wanted` holds and that no earlier call took,
    /// waiting up to a minute for it (the lines it passes over are kept for later calls).
    pub fn next_where(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let mut skipped = self.skipped.borrow_mut();
        if let Some(at) = skipped.iter().position(&wanted) {
            return skipped.remove(at);
        }
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!("mock prints the line awaited within a minute; it printed: {skipped:?}")
            });
            if wanted(&line) {
                return line;
            }
            skipped.push(line);
        }
    }

    /// Ctrl+C: the exit status and what it said on standard error.
    pub fn finish(self) -> (i32, String) {
        let (code, said, _) = self.finish_keeping_home();
        (code, said)
    }

    /// [`Mock::finish`], its folders kept for a look at what it left (its history).
    pub fn finish_keeping_home(mut self) -> (i32, String, Home) {
        StdCommand::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let said: Vec<String> = self.stderr.iter().collect();
        let home = self.home.take().expect("finished once");
        (status.code().unwrap_or(-1), said.join("\n"), home)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
