//! The history's promise, tried as an attacker and a careless user would (issue 27): a request
//! the listener answered is in the history unless the user turned it off, whatever the
//! terminal, the disk or the other listeners do; what it holds is what was received; memory
//! and disk stay bounded whatever arrives. Each against the built binary, with real sockets,
//! a real SQLite file and (where it takes root) a real full file system.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use crate::support;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use sinch_ticket::sinch::callback::Forgery;
use support::listener::{KEY, Listener, SECRET, raw_exchange, signed_callback};

/// sinch-ticket with the test key and `data` as its data folder.
fn sinch_ticket(data: &Path) -> Command {
    let mut cmd = support::sinch_ticket();
    cmd.env("SINCH_APPLICATION_SECRET", SECRET)
        .env("XDG_DATA_HOME", data);
    cmd
}

/// How many records the history in `data` lists.
fn kept(data: &Path) -> usize {
    let out = sinch_ticket(data)
        .args(["history", "--json", "--limit", "1000000"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

/// A listener keeping its history in `data`, with `extra` arguments.
fn listener_in(data: &Path, extra: &[&str]) -> Listener {
    Listener::start_with(extra, |cmd| {
        cmd.env("XDG_DATA_HOME", data);
    })
}

/// The most memory `pid` has held so far, in MiB (Linux's VmHWM).
fn peak_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap();
    kib / 1024
}

/// The most memory a whole run of `command` held, in MiB (its rusage, read by Python).
fn run_peak_mib(command: &mut std::process::Command) -> (std::process::Output, u64) {
    let mut measured = std::process::Command::new("python3");
    measured.args([
        "-c",
        "import resource, subprocess, sys\n\
         done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n\
         print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)",
    ]);
    measured.arg(command.get_program()).args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => measured.env(name, value),
            None => measured.env_remove(name),
        };
    }
    let out = measured.output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut words = said.split_whitespace();
    let kib: u64 = words
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert_eq!(
        words.next(),
        Some("0"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out, kib / 1024)
}

/// Sends `body` (unsigned) to the listener until `until`, from `clients` threads at once;
/// how many were answered with a status (each then must be in the history).
fn flood(port: u16, clients: usize, body: &[u8], until: Instant) -> usize {
    std::thread::scope(|scope| {
        let senders: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(move || {
                    let mut answered = 0;
                    while Instant::now() < until {
                        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                        let head = format!(
                            "POST /cb HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
                            continue;
                        }
                        let mut answer = Vec::new();
                        let _ = stream.read_to_end(&mut answer);
                        if answer.starts_with(b"HTTP/1.1 4") || answer.starts_with(b"HTTP/1.1 2") {
                            answered += 1;
                        }
                    }
                    answered
                })
            })
            .collect();
        senders.into_iter().map(|s| s.join().unwrap()).sum()
    })
}

/// Reads the listener's output and forgets it (its lines are megabytes here).
fn drain(listener: &mut Listener) {
    let lines = std::mem::replace(&mut listener.lines, std::sync::mpsc::channel().1);
    std::thread::spawn(move || for _ in lines {});
}

/// The size of the history's files (the file, its WAL) in `data`.
fn history_bytes(data: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            std::fs::metadata(data.join(format!("sinch-ticket/history.sqlite3{suffix}"))).ok()
        })
        .map(|m| m.len())
        .sum()
}

#[test]
fn eight_clients_sending_1_mib_bodies_keep_listen_small_and_every_answer_in_the_history() {
    let data = tempfile::tempdir().unwrap();
    // JSON output read as it comes: every NUL of these bodies is a 6-byte escape there.
    let mut listener = listener_in(data.path(), &["--json"]);
    drain(&mut listener);
    let body = vec![0u8; 1024 * 1024];
    let answered = flood(
        listener.port,
        8,
        &body,
        Instant::now() + Duration::from_secs(4),
    );
    let peak = peak_mib(listener.child.id());
    let (code, said, _) = listener.finish();
    assert_eq!(code, 0, "{said}");
    assert!(answered > 8, "the flood got through: {answered}");
    assert!(peak < 256, "listen held {peak} MiB for 8 clients of 1 MiB");
    assert!(
        said.contains(&format!("{answered} kept in the history")),
        "{said}"
    );
    assert_eq!(
        kept(data.path()),
        answered,
        "every answered request is kept"
    );
    let bytes = history_bytes(data.path());
    assert!(
        bytes < 2 * answered as u64 * 1024 * 1024,
        "{bytes} bytes of history for {answered} MiB kept"
    );
}

#[test]
fn without_a_history_json_output_of_large_bodies_stays_small_too() {
    let data = tempfile::tempdir().unwrap();
    let mut listener = listener_in(data.path(), &["--json", "--no-history"]);
    drain(&mut listener);
    let body = vec![0u8; 1024 * 1024];
    let answered = flood(
        listener.port,
        8,
        &body,
        Instant::now() + Duration::from_secs(3),
    );
    let peak = peak_mib(listener.child.id());
    let (code, said, _) = listener.finish();
    assert_eq!(code, 0, "{said}");
    assert!(answered > 8, "{answered}");
    assert!(peak < 256, "listen --no-history --json held {peak} MiB");
}

#[test]
fn a_terminal_that_stops_reading_holds_back_neither_the_answers_nor_the_history() {
    // Human output into a pipe nobody reads: a paused `listen | less`.
    let data = tempfile::tempdir().unwrap();
    let listener = Listener::start_unread_with(&[], |cmd| {
        cmd.env("XDG_DATA_HOME", data.path());
    });
    let port = listener.port;
    let answered: usize = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..4)
            .map(|t| {
                scope.spawn(move || {
                    (0..500)
                        .filter(|i| {
                            let body = format!(
                                r#"{{"event":"dice","callid":"c-{t}-{i}","custom":"{}"}}"#,
                                "x".repeat(2000)
                            );
                            raw_exchange(port, &signed_callback("/cb", &body, Forgery::None))
                                .starts_with("HTTP/1.1 200")
                        })
                        .count()
                })
            })
            .collect();
        senders.into_iter().map(|s| s.join().unwrap()).sum()
    });
    assert_eq!(answered, 2000);
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("2000 kept in the history"), "{said}");
    assert!(said.contains("not being read"), "{said}");
    assert_eq!(kept(data.path()), 2000);
}

#[test]
fn retention_is_the_files_not_the_last_listeners_and_keep_0_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let first = listener_in(data.path(), &["--json"]);
    for i in 0..12 {
        let body = format!(r#"{{"event":"dice","callid":"c-{i}"}}"#);
        raw_exchange(first.port, &signed_callback("/cb", &body, Forgery::None));
    }
    // A second listener that asks to keep 5 is told where that is decided, and deletes
    // nothing of the first one's.
    sinch_ticket(data.path())
        .args(["listen", "--port", "0", "--key", KEY, "--keep", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sinch-ticket history keep 5"));
    let (code, said) = first.interrupt();
    assert_eq!(code, 0, "{said}");
    assert_eq!(kept(data.path()), 12);
    sinch_ticket(data.path())
        .args(["history", "keep", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("0 is not in 1.."));
    assert_eq!(kept(data.path()), 12);
    sinch_ticket(data.path())
        .args(["history", "keep", "5"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("7 older request(s) were deleted"));
    assert_eq!(kept(data.path()), 5);
    sinch_ticket(data.path())
        .args(["history", "keep"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("keeps the newest 5 request(s)"));
    // A listener after that keeps to it.
    let next = listener_in(data.path(), &["--json"]);
    for i in 0..3 {
        let body = format!(r#"{{"event":"dice","callid":"n-{i}"}}"#);
        raw_exchange(next.port, &signed_callback("/cb", &body, Forgery::None));
    }
    next.interrupt();
    assert_eq!(kept(data.path()), 5);
}

/// Whether `needle` is in any of the history's files in `data`.
fn in_history_files(data: &Path, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        std::fs::read(data.join(format!("sinch-ticket/history.sqlite3{suffix}")))
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
    })
}

#[test]
fn clear_with_a_listener_running_leaves_no_copy_in_the_file_or_its_wal() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path(), &["--json"]);
    for i in 0..20 {
        let body = format!(r#"{{"event":"dice","callid":"c-{i}","custom":"CLEAR-ME-PLEASE"}}"#);
        raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        listener.next();
    }
    // Kept once the keeper has written them.
    let until = Instant::now() + Duration::from_secs(30);
    while kept(data.path()) < 20 {
        assert!(Instant::now() < until, "the 20 were never kept");
        std::thread::park_timeout(Duration::from_millis(50));
    }
    assert!(in_history_files(data.path(), b"CLEAR-ME-PLEASE"));
    sinch_ticket(data.path())
        .args(["history", "clear"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Deleted 20"));
    assert!(
        !in_history_files(data.path(), b"CLEAR-ME-PLEASE"),
        "cleared, yet still readable in the file or its WAL"
    );
    // The listener goes on keeping.
    raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert_eq!(kept(data.path()), 1);
}

#[test]
fn a_history_that_is_a_link_to_a_device_is_named_at_start_and_never_written_into() {
    use std::os::unix::fs::FileTypeExt as _;
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(data.path().join("sinch-ticket")).unwrap();
    std::os::unix::fs::symlink(
        "/dev/null",
        data.path().join("sinch-ticket/history.sqlite3"),
    )
    .unwrap();
    let mut child = support::program()
        .env("SINCH_APPLICATION_SECRET", SECRET)
        .env("XDG_DATA_HOME", data.path())
        .args(["listen", "--port", "0", "--key", KEY, "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let said = first_lines_until_listening(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        said.contains("not a plain file")
            && said.contains("remove it")
            && said.contains("not kept"),
        "{said}"
    );
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/null is still a device"
    );
    sinch_ticket(data.path())
        .args(["history", "keep"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a plain file"));
}

/// A tmpfs of `size` mounted on a new folder, unmounted when dropped (needs root).
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Self {
        assert!(
            rustix::process::geteuid().is_root(),
            "this test mounts a small tmpfs: run it as root (scripts/test.sh does on CI)"
        );
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "mount tmpfs");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills it up with one file; its path.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![7u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

/// Waits until the listener says something containing `words` on its standard error.
fn wait_for_said(listener: &Listener, words: &str) -> String {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match listener.stderr.recv_timeout(left) {
            Ok(line) if line.contains(words) => return line,
            Ok(_) => {}
            Err(_) => panic!("listen never said {words:?}"),
        }
    }
}

#[test]
#[ignore = "mounts a small tmpfs, which takes root: scripts/test.sh runs it"]
fn a_full_disk_delays_the_history_and_loses_nothing_once_space_is_freed() {
    let disk = SmallDisk::mount("4m");
    let data = disk.path().to_owned();
    let listener = listener_in(&data, &["--json"]);
    // Opened and made; now the disk fills up.
    let filler = disk.fill();
    for i in 0..40 {
        let body = format!(
            r#"{{"event":"dice","callid":"c-{i}","custom":"{}"}}"#,
            "x".repeat(8000)
        );
        let answer = raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        assert!(answer.starts_with("HTTP/1.1 200"), "request {i}: {answer}");
        listener.next();
    }
    let failing = wait_for_said(&listener, "wait in memory");
    assert!(failing.contains("full"), "{failing}");
    std::fs::remove_file(filler).unwrap();
    wait_for_said(&listener, "can be written again");
    for i in 0..5 {
        let body = format!(r#"{{"event":"dice","callid":"after-{i}"}}"#);
        raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        listener.next();
    }
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("45 kept in the history"), "{said}");
    assert_eq!(kept(&data), 45);
}

#[test]
#[ignore = "mounts a small tmpfs, which takes root: scripts/test.sh runs it"]
fn a_read_only_history_is_named_when_listen_starts_with_what_to_do() {
    let disk = SmallDisk::mount("4m");
    let data = disk.path().to_owned();
    sinch_ticket(&data)
        .args(["history", "keep"])
        .assert()
        .code(0);
    let remount = std::process::Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(disk.path())
        .status()
        .unwrap();
    assert!(remount.success());
    let out = support::program()
        .env("SINCH_APPLICATION_SECRET", SECRET)
        .env("XDG_DATA_HOME", &data)
        .args(["listen", "--port", "0", "--key", KEY])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = out;
    let said = first_lines_until_listening(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        said.contains("cannot be written")
            && said.contains("writable by you")
            && said.contains("not kept"),
        "{said}"
    );
}

/// What a started `listen` says on standard error up to where it listens.
fn first_lines_until_listening(child: &mut std::process::Child) -> String {
    use std::io::BufRead as _;
    let mut said = Vec::new();
    for line in std::io::BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let listening = line.contains("Listening on");
        said.push(line);
        if listening {
            break;
        }
    }
    said.join("\n")
}

#[test]
fn history_and_its_exports_read_one_record_at_a_time() {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("sinch-ticket/history.sqlite3");
    let mut history = sinch_ticket::history::History::open(&path).unwrap().history;
    let body = vec![b'a'; 1024 * 1024];
    for chunk in 0..5 {
        let entries: Vec<_> = (0..10)
            .map(|i| sinch_ticket::history::Entry {
                id: None,
                time: chrono::Utc::now(),
                peer: "127.0.0.1:1".into(),
                method: "POST".into(),
                path: format!("/cb/{chunk}/{i}"),
                event: Some("dice".into()),
                scheme: Some("application".into()),
                verified: true,
                reason: None,
                status: Some(200),
                headers: vec![],
                body: body.clone(),
                body_size: body.len() as u64,
                body_sha256: None,
                record: "{}".into(),
                replay_of: None,
                resigned: false,
            })
            .collect();
        history.record_all(&entries).unwrap();
    }
    drop(history);
    let program = || {
        let mut command = support::program();
        command.env("XDG_DATA_HOME", data.path());
        command
    };
    let (_, listing) = run_peak_mib(program().args(["history", "--limit", "50"]));
    assert!(
        listing < 48,
        "`history` held {listing} MiB to list 50 records of 1 MiB"
    );
    let (_, shown) = run_peak_mib(program().args(["history", "show", "last", "--json"]));
    assert!(
        shown < 48,
        "`history show` held {shown} MiB for one record of 1 MiB"
    );
    let out = data.path().join("all.jsonl");
    let (_, exported) = run_peak_mib(program().args(["history", "export", "--jsonl"]).arg(&out));
    assert!(
        exported < 64,
        "the export held {exported} MiB for 50 MiB of records"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 50);
    let har = data.path().join("all.har");
    let (_, exported) = run_peak_mib(program().args(["history", "export", "--har"]).arg(&har));
    assert!(exported < 64, "the HAR export held {exported} MiB");
}

#[test]
fn connections_shed_by_dripping_clients_are_summed_up_not_printed_one_by_one() {
    let listener = Listener::start(&["--json"]);
    // Every place taken by a client that sends half a head and waits, then as many more:
    // each new one sheds the oldest reader.
    let mut dripping: Vec<TcpStream> = Vec::new();
    for _ in 0..(128 + 60) {
        let mut stream = TcpStream::connect(("127.0.0.1", listener.port)).unwrap();
        stream
            .write_all(b"POST /cb HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        dripping.push(stream);
    }
    // A signed callback still gets through (it sheds one more reader).
    let answer = raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (code, said, printed) = listener.finish();
    drop(dripping);
    assert_eq!(code, 0, "{said}");
    let dropped: u64 = said
        .lines()
        .filter_map(|line| line.split_once(" connection(s) were dropped"))
        .filter_map(|(before, _)| before.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(dropped, 61, "the shed ones are summed up: {said}");
    assert!(
        said.contains("connection(s) were refused before a whole request came"),
        "the drained ones are said apart from the requests: {said}"
    );
    let refused = printed
        .iter()
        .filter(|line| line.contains("\"refused\":true"))
        .count();
    assert!(
        refused <= 128,
        "{refused} refusals printed for 61 shed and 128 drained"
    );
}

#[test]
fn another_program_holding_the_lock_past_the_busy_timeout_delays_the_history_and_loses_nothing() {
    use std::io::BufRead as _;
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path(), &["--json"]);
    // Another program takes the write lock and keeps it until told.
    let path = data.path().join("sinch-ticket/history.sqlite3");
    let mut holder = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
             c.execute('BEGIN EXCLUSIVE')\n\
             print('locked', flush=True)\n\
             sys.stdin.readline()\n\
             c.execute('COMMIT')",
        ])
        .arg(&path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    std::io::BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut said)
        .unwrap();
    assert_eq!(said.trim(), "locked");
    for i in 0..20 {
        let body = format!(r#"{{"event":"dice","callid":"c-{i}"}}"#);
        let answer = raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "answered while locked: {answer}"
        );
        listener.next();
    }
    // After the 10 s busy timeout the listener says so, and goes on trying.
    let failing = wait_for_said(&listener, "wait in memory");
    assert!(failing.contains("another program holds it"), "{failing}");
    holder.stdin.take().unwrap().write_all(b"go\n").unwrap();
    assert!(holder.wait().unwrap().success());
    wait_for_said(&listener, "can be written again");
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("20 kept in the history"), "{said}");
    assert_eq!(kept(data.path()), 20);
}

#[test]
#[ignore = "runs the program as the user nobody, which takes root: scripts/test.sh runs it"]
fn a_read_only_shm_left_behind_is_named_when_listen_starts() {
    use std::os::unix::fs::PermissionsExt as _;
    assert!(
        rustix::process::geteuid().is_root(),
        "this test runs the program as nobody: run it as root (scripts/test.sh does on CI)"
    );
    let top = tempfile::tempdir().unwrap();
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = top.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let as_nobody = |args: &[&str]| {
        let mut command = std::process::Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_sinch-ticket"))
            .args(args)
            .env_clear()
            .env("HOME", top.path())
            .env("XDG_DATA_HOME", &data)
            .env("SINCH_APPLICATION_SECRET", SECRET);
        command
    };
    std::process::Command::new("chown")
        .args(["nobody"])
        .arg(&data)
        .status()
        .unwrap();
    assert!(as_nobody(&["history", "keep"]).status().unwrap().success());
    // A -shm another user left behind, which this one cannot write.
    let shm = data.join("sinch-ticket/history.sqlite3-shm");
    std::fs::write(&shm, vec![0u8; 32 * 1024]).unwrap();
    std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = as_nobody(&["listen", "--port", "0", "--key", KEY])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let said = first_lines_until_listening(&mut child);
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        said.contains("cannot be written") && said.contains("-shm") && said.contains("not kept"),
        "said at start, with what to do: {said}"
    );
}

#[test]
#[ignore = "mounts a small tmpfs, which takes root: scripts/test.sh runs it"]
fn ctrl_c_with_the_disk_full_ends_within_seconds_and_counts_what_was_not_kept() {
    let disk = SmallDisk::mount("4m");
    let data = disk.path().to_owned();
    let listener = listener_in(&data, &["--json"]);
    let _filler = disk.fill();
    let port = listener.port;
    // Many batches waiting: each once had 5 s of retries of its own after Ctrl+C.
    std::thread::scope(|scope| {
        for t in 0..8 {
            scope.spawn(move || {
                for i in 0..40 {
                    let body = format!(r#"{{"event":"dice","callid":"c-{t}-{i}"}}"#);
                    raw_exchange(port, &signed_callback("/cb", &body, Forgery::None));
                }
            });
        }
    });
    wait_for_said(&listener, "wait in memory");
    let started = Instant::now();
    let (code, said) = listener.interrupt();
    let took = started.elapsed();
    assert_eq!(code, 0, "{said}");
    assert!(took < Duration::from_secs(30), "Ctrl+C took {took:?}");
    assert!(
        said.contains("320 request(s) answered could not be kept in the history"),
        "{said}"
    );
}

#[test]
fn pruned_records_leave_the_file_and_its_wal_within_seconds_while_the_listener_runs() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path(), &["--json"]);
    let send = |text: &str| {
        let body = format!(r#"{{"event":"dice","custom":"{text}"}}"#);
        raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        listener.next();
    };
    for i in 0..10 {
        send(&format!("PRUNE-ME-{i:02}"));
    }
    sinch_ticket(data.path())
        .args(["history", "keep", "3"])
        .assert()
        .code(0);
    for i in 0..3 {
        send(&format!("KEEP-ME-{i}"));
    }
    // Pruned now; gone from the bytes once the keeper has cut the WAL back (a second).
    let until = Instant::now() + Duration::from_secs(20);
    while (0..10).any(|i| in_history_files(data.path(), format!("PRUNE-ME-{i:02}").as_bytes())) {
        assert!(
            Instant::now() < until,
            "pruned records still readable in the files"
        );
        std::thread::park_timeout(Duration::from_millis(100));
    }
    assert!(in_history_files(data.path(), b"KEEP-ME-2"));
    let (code, said) = listener.interrupt();
    assert_eq!(code, 0, "{said}");
}

#[test]
fn an_export_keeps_to_its_limit_and_never_replaces_the_history() {
    let data = tempfile::tempdir().unwrap();
    let listener = listener_in(data.path(), &["--json"]);
    for i in 0..5 {
        let body = format!(r#"{{"event":"dice","callid":"c-{i}"}}"#);
        raw_exchange(listener.port, &signed_callback("/cb", &body, Forgery::None));
        listener.next();
    }
    listener.interrupt();
    let out = data.path().join("three.jsonl");
    sinch_ticket(data.path())
        .args(["history", "export", "--limit", "3", "--jsonl"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Wrote 3 request(s)"));
    let ids: Vec<i64> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, [3, 4, 5], "the newest 3, oldest first");
    let history = data.path().join("sinch-ticket/history.sqlite3");
    sinch_ticket(data.path())
        .args(["history", "export", "--jsonl"])
        .arg(&history)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is the history itself"));
    assert_eq!(kept(data.path()), 5, "the history is whole");
}

#[test]
fn an_apps_answer_over_1_mib_is_not_relayed_and_is_said() {
    // An app that answers every request with 2 MiB.
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app_port = app.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in app.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                // The whole request read first: closing on unread bytes resets the
                // connection, which the listener may see before the answer (once in a
                // clean-clone run: "Peer disconnected" instead of the size).
                let _ = support::server::read_one(&mut stream);
                let body = vec![b'a'; 2 * 1024 * 1024];
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    let forward = format!("http://127.0.0.1:{app_port}");
    let listener = Listener::start(&["--json", "--forward-to", &forward]);
    let answer = raw_exchange(
        listener.port,
        &signed_callback("/cb", r#"{"event":"dice"}"#, Forgery::None),
    );
    assert!(
        answer.starts_with("HTTP/1.1 502"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    let record = listener.next();
    assert!(
        record["forwarded"]["error"]
            .as_str()
            .unwrap()
            .contains("larger than 1024 KiB"),
        "{record}"
    );
    listener.interrupt();
}

#[test]
fn reading_the_history_in_the_process_that_writes_it_loses_nothing_it_writes() {
    use sinch_ticket::history::{Entry, Filter, History};
    let entry = |event: &str| Entry {
        id: None,
        time: chrono::Utc::now(),
        peer: "127.0.0.1:5000".into(),
        method: "POST".into(),
        path: "/cb".into(),
        event: Some(event.into()),
        scheme: Some("application".into()),
        verified: true,
        reason: None,
        status: Some(200),
        headers: Vec::new(),
        body: Vec::new(),
        body_size: 0,
        body_sha256: None,
        record: "{}".into(),
        replay_of: None,
        resigned: false,
    };
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("history.sqlite3");
    // The keeper's connection, open the whole time, as while listening.
    let mut writer = History::open_for_writing(&path).unwrap().history;
    writer.record(&entry("ice")).unwrap();
    // The window's list reads the history meanwhile, in the same process.
    let reader = History::open(&path).unwrap().history;
    reader.list(&Filter::default()).unwrap();
    drop(reader);
    // Another program reads it too, and closes. Had this process lost its locks on the file
    // (opening it outside SQLite and closing it drops them all), that program would take
    // itself for the last one and delete the WAL the writer still writes into.
    let count = || {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sqlite3, sys\n\
                 c = sqlite3.connect(sys.argv[1])\n\
                 print(c.execute('SELECT count(*) FROM requests').fetchone()[0])\n\
                 c.close()",
            ])
            .arg(&path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(count(), "1");
    writer.record(&entry("dice")).unwrap();
    assert_eq!(
        count(),
        "2",
        "what the writer wrote after is seen by others"
    );
    assert!(
        std::path::Path::new(&format!("{}-wal", path.display())).exists(),
        "the WAL the writer uses is still there"
    );
}
