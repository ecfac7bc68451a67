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
        record: serde_json::json!({"event": event}).to_string(),
        replay_of: None,
    }
}

#[test]
fn records_survive_a_reopen_newest_first_filtered_and_never_with_a_basic_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/history.sqlite3");
    let mut history = History::open(&path, 100).unwrap().history;
    let first = history.record(&entry("ice", true)).unwrap();
    history.record(&entry("dice", false)).unwrap();
    drop(history);
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let opened = History::open(&path, 100).unwrap();
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
    let mut history = History::open(&path, 3).unwrap().history;
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
    let opened = History::open(&path, 10).unwrap();
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
    let opened = History::open(&path, 10).unwrap();
    assert!(opened.warning.unwrap().contains("later version"));
}

#[test]
fn several_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    drop(History::open(&path, 100_000).unwrap());
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path, 100_000).unwrap().history;
                for _ in 0..50 {
                    history.record(&entry("ice", true)).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let history = History::open(&path, 100_000).unwrap().history;
    assert_eq!(history.list(&Filter::default()).unwrap().len(), 200);
}

#[test]
fn search_finds_by_event_path_or_body_text_and_leaves_the_bodies_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut history = History::open(&dir.path().join("h.sqlite3"), 100)
        .unwrap()
        .history;
    history.record(&entry("ice", true)).unwrap();
    let mut other = entry("dice", true);
    other.body = br#"{"event":"dice","custom":"order_17%"}"#.to_vec();
    history.record(&other).unwrap();
    assert_eq!(history.search("", 10).unwrap().len(), 2);
    let found = history.search("order_17%", 10).unwrap();
    assert_eq!(found.len(), 1, "the body's text, % and _ taken literally");
    assert_eq!(found[0].event.as_deref(), Some("dice"));
    assert!(found[0].body.is_empty() && found[0].headers.is_empty());
    assert!(history.search("order_18", 10).unwrap().is_empty());
    assert_eq!(
        history.search("ice", 10).unwrap().len(),
        2,
        "ice is in dice too"
    );
}

#[test]
fn a_history_an_earlier_version_made_with_its_indexes_keeps_its_records_and_loses_the_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let mut history = History::open(&path, 100).unwrap().history;
    history.record(&entry("ice", true)).unwrap();
    drop(history);
    // The indexes the previous version made with schema 1.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE INDEX requests_event ON requests (event, id);
         CREATE INDEX requests_time ON requests (time);",
    )
    .unwrap();
    drop(conn);

    let opened = History::open(&path, 100).unwrap();
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
    assert_eq!(version, SCHEMA_VERSION, "an earlier version still reads it");
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
    ];
    let kept = Entry::hide_secrets(&headers);
    assert_eq!(kept[0].1, "Basic <hidden>");
    assert_eq!(kept[1].1, "Basic <hidden>");
    assert_eq!(kept[2].1, "<hidden>");
    assert_eq!(
        kept[3].1, "Application key:sig=",
        "a signature is no secret"
    );
}
