use super::*;

fn entry(event: &str, verified: bool) -> Entry {
    Entry {
        id: None,
        time: Utc::now(),
        peer: "127.0.0.1:5000".into(),
        method: "POST".into(),
        path: "/cb".into(),
        event: Some(event.into()),
        scheme: Some("application".into()),
        verified,
        reason: None,
        status: Some(200),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Authorization".into(), "Basic a2V5OnNlY3JldA==".into()),
        ],
        body: br#"{"event":"ice"}"#.to_vec(),
        body_size: 15,
        body_sha256: None,
        record: serde_json::json!({"event": event}).to_string(),
        replay_of: None,
        resigned: false,
    }
}

/// A history at `path` keeping the newest `keep`.
fn keeping(path: &Path, keep: u64) -> History {
    let mut history = History::open(path).unwrap().history;
    history
        .set_settings(Settings {
            keep,
            body_bytes: DEFAULT_BODY_BYTES,
        })
        .unwrap();
    history
}

/// Whether `needle` is anywhere in the history's files (the file, its WAL).
fn in_files(path: &Path, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        std::fs::read(format!("{}{suffix}", path.display()))
            .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
    })
}

#[test]
fn records_survive_a_reopen_newest_first_filtered_and_never_with_a_basic_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/history.sqlite3");
    let mut history = History::open(&path).unwrap().history;
    let first = history.record(&entry("ice", true)).unwrap();
    history.record(&entry("dice", false)).unwrap();
    drop(history);
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let opened = History::open(&path).unwrap();
    assert!(opened.warning.is_none());
    let all = opened.history.list(&Filter::default()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].event.as_deref(), Some("dice"), "newest first");
    let ice = opened.history.get(first).unwrap().unwrap();
    assert_eq!(ice.body, br#"{"event":"ice"}"#);
    assert!(
        ice.headers
            .contains(&("Authorization".into(), "Basic <hidden>".into()))
    );
    let raw = std::fs::read(&path).unwrap();
    assert!(
        !raw.windows(12).any(|w| w == b"a2V5OnNlY3Jl"),
        "the Basic value is not stored"
    );
    let only = Filter {
        verified: Some(false),
        ..Filter::default()
    };
    assert_eq!(opened.history.list(&only).unwrap().len(), 1);
    let ice_only = Filter {
        event: Some("ice".into()),
        limit: Some(5),
        ..Filter::default()
    };
    assert_eq!(opened.history.list(&ice_only).unwrap()[0].id, Some(first));
}

#[test]
fn only_the_newest_are_kept_and_clear_empties_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut history = keeping(&path, 3);
    for _ in 0..10 {
        history.record(&entry("ice", true)).unwrap();
    }
    let left = history.list(&Filter::default()).unwrap();
    assert_eq!(
        left.iter().map(|e| e.id.unwrap()).collect::<Vec<_>>(),
        [10, 9, 8]
    );
    assert_eq!(history.clear(None).unwrap(), 3);
    assert!(history.list(&Filter::default()).unwrap().is_empty());
}

#[test]
fn a_damaged_or_newer_file_is_moved_aside_never_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    std::fs::write(&path, b"this is not a database, but it is somebody's file").unwrap();
    let opened = History::open(&path).unwrap();
    let warning = opened.warning.unwrap();
    assert!(
        warning.contains("is damaged") && warning.contains(".damaged-"),
        "{warning}"
    );
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(
        std::fs::read(kept[0].path()).unwrap(),
        b"this is not a database, but it is somebody's file"
    );
    drop(opened.history);

    // A later version's schema.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 7).unwrap();
    drop(conn);
    let opened = History::open(&path).unwrap();
    assert!(opened.warning.unwrap().contains("later version"));
}

#[test]
fn several_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    drop(History::open(&path).unwrap());
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path).unwrap().history;
                for _ in 0..50 {
                    history.record(&entry("ice", true)).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let history = History::open(&path).unwrap().history;
    assert_eq!(history.list(&Filter::default()).unwrap().len(), 200);
}

#[test]
fn search_finds_by_event_path_or_body_text_and_leaves_the_bodies_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open(&dir.path().join("h.sqlite3"))
        .unwrap()
        .history;
    history.record(&entry("ice", true)).unwrap();
    let mut other = entry("dice", true);
    other.body = br#"{"event":"dice","custom":"order_17%"}"#.to_vec();
    history.record(&other).unwrap();
    let search = |text: &str| {
        history
            .list(&Filter {
                text: Some(text.into()),
                limit: Some(10),
                ..Filter::default()
            })
            .unwrap()
    };
    assert_eq!(search("").len(), 2);
    let found = search("order_17%");
    assert_eq!(found.len(), 1, "the body's text, % and _ taken literally");
    assert_eq!(found[0].event.as_deref(), Some("dice"));
    assert!(found[0].body.is_empty() && found[0].headers.is_empty());
    assert!(search("order_18").is_empty());
    assert_eq!(search("ice").len(), 2, "ice is in dice too");
}

#[test]
fn a_history_an_earlier_version_made_with_its_indexes_keeps_its_records_and_loses_the_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut history = History::open(&path).unwrap().history;
    history.record(&entry("ice", true)).unwrap();
    drop(history);
    // The indexes the version before made.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE INDEX requests_event ON requests (event, id);
         CREATE INDEX requests_time ON requests (time);",
    )
    .unwrap();
    drop(conn);

    let opened = History::open_for_writing(&path).unwrap();
    assert!(
        opened.warning.is_none(),
        "the same schema: nothing set aside"
    );
    let ice = Filter {
        event: Some("ice".into()),
        ..Filter::default()
    };
    assert_eq!(opened.history.list(&ice).unwrap().len(), 1);
    let indexes: i64 = opened
        .history
        .conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'requests_%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 0, "each record written costs no index update");
    let version: i32 = opened
        .history
        .conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn a_basic_credential_is_hidden_whatever_white_space_follows_the_word() {
    let headers = vec![
        (
            "Authorization".to_owned(),
            "Basic\ta2V5OnNlY3JldA==".to_owned(),
        ),
        (
            "authorization".to_owned(),
            "  BASIC   a2V5OnNlY3JldA==".to_owned(),
        ),
        (
            "Proxy-Authorization".to_owned(),
            "Basic a2V5OnNlY3JldA==".to_owned(),
        ),
        (
            "Authorization".to_owned(),
            "Application key:sig=".to_owned(),
        ),
        (
            "Authorization".to_owned(),
            "Basic,dXNlcjpTRUNSRVQ0".to_owned(),
        ),
        ("Authorization".to_owned(), "Bearer eyJhbGciOi".to_owned()),
    ];
    let kept = Entry::hide_secrets(&headers);
    assert_eq!(kept[0].1, "Basic <hidden>");
    assert_eq!(kept[1].1, "BASIC <hidden>");
    assert_eq!(
        kept[4].1, "<hidden>",
        "no plain scheme word: all of it hidden"
    );
    assert_eq!(kept[5].1, "Bearer <hidden>", "a token is a credential too");
    assert_eq!(kept[2].1, "<hidden>");
    assert_eq!(
        kept[3].1, "Application key:sig=",
        "a signature is no secret"
    );
}

/// Schema 1, as sessions 6 to 9 made it.
const SCHEMA_1: &str = "
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, peer TEXT NOT NULL,
        method TEXT NOT NULL, path TEXT NOT NULL, event TEXT, scheme TEXT,
        verified INTEGER NOT NULL, reason TEXT, status INTEGER, headers TEXT NOT NULL,
        body BLOB NOT NULL, record TEXT NOT NULL, replay_of INTEGER);
    PRAGMA user_version = 1;";

#[test]
fn a_schema_1_history_keeps_its_records_and_its_signed_replays_become_re_signed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(SCHEMA_1).unwrap();
    conn.execute_batch(
        r#"INSERT INTO requests VALUES (1, '2026-12-01T10:00:00.000Z', '127.0.0.1:1', 'POST', '/cb', 'ice', 'application', 0, 'bad signature', 401, '[]', X'7B7D', '{"event":"ice"}', NULL);
           INSERT INTO requests VALUES (2, '2026-12-01T10:01:00.000Z', 'replay', 'POST', '/cb', 'ice', 'application', 1, NULL, 200, '[]', X'7B7D', '{"to":"http://127.0.0.1:1/cb","as_is":false,"passed":true}', 1);"#,
    )
    .unwrap();
    drop(conn);
    let opened = History::open(&path).unwrap();
    assert!(opened.warning.is_none(), "an upgrade moves nothing aside");
    let history = opened.history;
    let all = history.list(&Filter::default()).unwrap();
    assert_eq!(all.len(), 2);
    let replay = history.get(2).unwrap().unwrap();
    assert!(replay.resigned && !replay.verified, "{replay:?}");
    assert_eq!(replay.headline(), "re-signed (application)");
    let first = history.get(1).unwrap().unwrap();
    assert_eq!((first.body_size, first.body_cut()), (2, false));
    assert_eq!(history.settings().unwrap().keep, DEFAULT_KEEP);
}

#[test]
fn another_programs_database_is_set_aside_and_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    let opened = History::open_for_writing(&path).unwrap();
    let warning = opened.warning.unwrap();
    assert!(warning.contains("not a sinch-ticket history"), "{warning}");
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .unwrap();
    let theirs = Connection::open(aside.path()).unwrap();
    let tables: i64 = theirs
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1, "nothing of ours was added to their file");
}

#[cfg(unix)]
#[test]
fn a_history_made_through_a_link_or_found_open_to_others_is_made_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.sqlite3");
    let path = dir.path().join("history.sqlite3");
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let mut history = History::open_for_writing(&path).unwrap().history;
    history.record(&entry("ice", true)).unwrap();
    drop(history);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&target), 0o600, "made through a dangling link");

    let loose = dir.path().join("loose.sqlite3");
    drop(History::open(&loose).unwrap());
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(History::open(&loose).unwrap());
    assert_eq!(mode(&loose), 0o600, "an existing 0644 file is tightened");
}

#[cfg(unix)]
#[test]
fn a_link_to_a_device_is_named_and_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    std::os::unix::fs::symlink("/dev/null", &path).unwrap();
    let err = History::open_for_writing(&path).err().unwrap();
    assert!(err.to_string().contains("not a plain file"), "{err}");
    assert!(err.to_string().contains("remove it"), "{err}");
}

#[test]
fn retention_is_the_files_and_a_body_past_the_cap_is_cut_with_its_length_and_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut one = History::open_for_writing(&path).unwrap().history;
    let mut other = History::open_for_writing(&path).unwrap().history;
    for _ in 0..20 {
        one.record(&entry("ice", true)).unwrap();
    }
    // Another writer changing nothing prunes nothing.
    other.record(&entry("dice", true)).unwrap();
    assert_eq!(one.list(&Filter::default()).unwrap().len(), 21);
    let pruned = other
        .set_settings(Settings {
            keep: 5,
            body_bytes: 4,
        })
        .unwrap();
    assert_eq!(pruned, 16);
    let mut big = entry("ice", true);
    big.body = b"0123456789".to_vec();
    big.body_size = 10;
    let id = one.record(&big).unwrap();
    assert_eq!(
        one.list(&Filter::default()).unwrap().len(),
        5,
        "the file's keep, for every writer"
    );
    let kept = one.get(id).unwrap().unwrap();
    assert_eq!(kept.body, b"0123");
    assert_eq!(kept.body_size, 10);
    assert!(kept.body_cut());
    assert_eq!(
        kept.body_sha256.as_deref(),
        Some("84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882")
    );
    assert_eq!(
        kept.cut_note().unwrap(),
        "its body was cut at 4 of its 10 bytes (SHA-256 of the whole: 84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882)"
    );
}

#[test]
fn what_is_pruned_or_cleared_is_not_left_readable_in_the_file_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut history = keeping(&path, 2);
    // A reader that stays open, as a listener's connection does.
    let _listener = History::open_for_writing(&path).unwrap().history;
    let mut pruned = entry("ice", true);
    pruned.body = br#"{"event":"ice","custom":"PRUNED-SECRET-TEXT"}"#.to_vec();
    history.record(&pruned).unwrap();
    for _ in 0..3 {
        history.record(&entry("dice", true)).unwrap();
    }
    history.truncate_wal();
    assert!(
        !in_files(&path, b"PRUNED-SECRET-TEXT"),
        "pruned records are overwritten"
    );

    let mut cleared = entry("ice", true);
    cleared.body = br#"{"event":"ice","custom":"CLEARED-SECRET-TEXT"}"#.to_vec();
    for _ in 0..2 {
        history.record(&cleared).unwrap();
    }
    assert!(in_files(&path, b"CLEARED-SECRET-TEXT"));
    assert_eq!(history.clear(None).unwrap(), 2);
    assert!(
        !in_files(&path, b"CLEARED-SECRET-TEXT"),
        "clear leaves no copy in the WAL"
    );
}

#[test]
fn two_openers_of_a_damaged_file_at_once_move_it_aside_once_and_both_keep_records() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        std::fs::write(&path, b"damaged").unwrap();
        let openers: Vec<_> = (0..6)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut history = History::open_for_writing(&path).unwrap().history;
                    history.record(&entry("ice", true)).unwrap();
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap();
        }
        let asides = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.contains(".damaged-") && !name.ends_with("-wal") && !name.ends_with("-shm")
            })
            .count();
        assert_eq!(asides, 1, "moved aside once");
        let history = History::open(&path).unwrap().history;
        assert_eq!(history.list(&Filter::default()).unwrap().len(), 6);
    }
}

#[test]
fn an_export_gives_the_bytes_received_streams_oldest_first_and_says_base64() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut history = History::open(&path).unwrap().history;
    let mut exact = entry("ice", true);
    exact.body = br#"{"event":"ice","n":12345678901234567890123,"x":1.10}"#.to_vec();
    history.record(&exact).unwrap();
    let mut binary = entry("ice", false);
    binary.body = vec![0xff, 0x00, 0xfe];
    history.record(&binary).unwrap();

    let jsonl = dir.path().join("out.jsonl");
    let count = export(&history, &Filter::default(), Format::JsonLines, &jsonl).unwrap();
    assert_eq!(count, 2);
    let text = std::fs::read_to_string(&jsonl).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0]["body"],
        r#"{"event":"ice","n":12345678901234567890123,"x":1.10}"#
    );
    assert_eq!(lines[1]["body"], "/wD+");
    assert_eq!(lines[1]["body_encoding"], "base64");

    let har_path = dir.path().join("out.har");
    export(&history, &Filter::default(), Format::Har, &har_path).unwrap();
    let har: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&har_path).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0]["request"]["postData"]["text"],
        r#"{"event":"ice","n":12345678901234567890123,"x":1.10}"#
    );
    assert_eq!(entries[1]["request"]["postData"]["encoding"], "base64");
    assert_eq!(entries[1]["request"]["postData"]["text"], "/wD+");
    assert_eq!(
        entries[0]["response"]["content"]["text"], "",
        "not forwarded: no app answered"
    );

    // A forwarded request: the app's answer as the record keeps it is the HAR's response.
    let mut forwarded = entry("ice", true);
    forwarded.record = serde_json::json!({
        "forwarded": {
            "url": "http://127.0.0.1:3000/",
            "status": 200,
            "took_ms": 7,
            "content_type": "application/json",
            "body": r#"{"action":{"name":"hangup"}}"#,
        }
    })
    .to_string();
    history.record(&forwarded).unwrap();
    export(&history, &Filter::default(), Format::Har, &har_path).unwrap();
    let har: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&har_path).unwrap()).unwrap();
    let newest = &har["log"]["entries"][2];
    let response = &newest["response"];
    assert_eq!(
        response["content"]["text"],
        r#"{"action":{"name":"hangup"}}"#
    );
    assert_eq!(response["content"]["size"], 28);
    assert_eq!(response["headers"][0]["value"], "application/json");
    assert_eq!(newest["time"], 7.0);
}

#[test]
fn the_keeper_keeps_everything_handed_to_it_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let keeper = Keeper::open(path.clone()).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..250 {
                    assert!(keeper.keep(entry("ice", true)));
                }
            });
        }
    });
    let report = keeper.finish();
    assert_eq!((report.kept, report.lost), (1000, 0), "{report:?}");
    assert!(
        !keeper.keep(entry("ice", true)),
        "nothing taken once finished"
    );
    assert_eq!(keeper.report().lost, 1, "and that one is counted");
    let history = History::open(&path).unwrap().history;
    assert_eq!(history.list(&Filter::default()).unwrap().len(), 1000);
}

#[test]
fn a_keeper_whose_history_cannot_be_opened_counts_every_record_lost_with_why() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the file should be.
    let path = dir.path().join("history.sqlite3");
    std::fs::create_dir(&path).unwrap();
    let keeper = Keeper::open(path).unwrap();
    keeper.keep(entry("ice", true));
    let report = keeper.finish();
    assert_eq!(report.lost, 1);
    assert!(report.unusable.unwrap().to_string().contains("is a folder"));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_where_the_history_should_be_is_refused_without_waiting_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap()
            .success()
    );
    let (done, result) = std::sync::mpsc::channel();
    for writing in [true, false] {
        let (path, done) = (path.clone(), done.clone());
        std::thread::spawn(move || {
            let opened = if writing {
                History::open_for_writing(&path)
            } else {
                History::open(&path)
            };
            let _ = done.send(opened.err().map(|e| e.to_string()));
        });
        let said = result
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("opening a pipe must not wait for its other end")
            .unwrap();
        assert!(said.contains("not a plain file"), "{said}");
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_someone_elses_file_is_set_aside_and_the_file_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (name, content) in [
        ("victim.txt", &b"export PATH=$PATH\n"[..]),
        ("other.lock", &b""[..]),
    ] {
        let victim = dir.path().join(name);
        std::fs::write(&victim, content).unwrap();
        std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
        let path = dir.path().join(format!("{name}.history"));
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        // Even a reader: nothing written into the file, its mode unchanged.
        let opened = History::open(&path).unwrap();
        assert!(opened.warning.unwrap().contains("kept as"), "{name}");
        assert_eq!(std::fs::read(&victim).unwrap(), content, "{name} untouched");
        assert_eq!(mode(&victim), 0o644, "{name}'s mode untouched");
        assert!(
            !std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink(),
            "a history of its own now"
        );
    }
}

#[test]
fn a_list_read_again_takes_only_what_is_new_and_says_what_the_app_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open(&dir.path().join("h.sqlite3"))
        .unwrap()
        .history;
    let first = history.record(&entry("ice", true)).unwrap();
    let mut forwarded = entry("dice", true);
    forwarded.record = serde_json::json!({
        "event": "dice",
        "forwarded": {"url": "http://127.0.0.1:3000/", "status": 503, "took_ms": 4}
    })
    .to_string();
    let second = history.record(&forwarded).unwrap();
    let mut unreachable = entry("ace", true);
    unreachable.record = serde_json::json!({
        "forwarded": {"url": "http://127.0.0.1:3000/", "status": null, "error": "refused"}
    })
    .to_string();
    history.record(&unreachable).unwrap();

    let newer = history
        .list(&Filter {
            after: Some(first),
            ..Filter::default()
        })
        .unwrap();
    let events: Vec<_> = newer.iter().map(|e| e.event.as_deref().unwrap()).collect();
    assert_eq!(
        events,
        ["ace", "dice"],
        "newest first, none at or before {first}"
    );
    // A list keeps no body and no headers, but what the app answered.
    let dice = newer.iter().find(|e| e.id == Some(second)).unwrap();
    assert!(dice.body.is_empty() && dice.headers.is_empty());
    assert_eq!(dice.app_answer().as_deref(), Some("503"));
    assert_eq!(newer[0].app_answer().as_deref(), Some("no answer"));
    let all = history.list(&Filter::default()).unwrap();
    assert_eq!(all.last().unwrap().app_answer(), None, "not forwarded");
}

#[test]
fn a_record_another_program_damaged_is_listed_with_the_others_never_failing_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let mut history = History::open(&path).unwrap().history;
    history.record(&entry("ice", true)).unwrap();
    let odd = history.record(&entry("dice", true)).unwrap();
    // Written by another program: a record that is no JSON, a status no answer has.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE requests SET record = '{not json', status = 99999 WHERE id = ?1",
        [odd],
    )
    .unwrap();
    let listed = history.list(&Filter::default()).unwrap();
    assert_eq!(listed.len(), 2);
    let damaged = listed.iter().find(|e| e.id == Some(odd)).unwrap();
    assert_eq!((damaged.status, damaged.app_answer()), (None, None));
}
