//! Frame time of the window while its history list scrolls: the Callbacks tab's Listen part
//! showing 100,000 kept requests, against the same part showing 100 (the normal frame).
//! Each measured frame takes one mouse-wheel step over the list, so every frame lays out
//! rows it has not shown before. The window is the real `SinchTicketApp`, driven headless
//! by egui_kittest (layout, widgets and the AccessKit tree of each frame, as eframe does it;
//! the GPU's share, the same for both, is not in it).
//!
//! Also a frame showing a request with a large JSON body, coloured, against plain text; and
//! the Scenario part showing a run of 10,000 steps, against one of 10.
//!
//!   cargo bench --bench window
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use sinch_ticket::app::clipboard::RecordingClipboard;
use sinch_ticket::app::{Parts, Settings, SinchTicketApp};
use sinch_ticket::history::{Entry, History, Settings as Kept};
use sinch_ticket::profiles::MemoryStore;

/// A history file of `count` requests of mixed events, as a listener keeps them.
fn history_of(count: usize, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("history.sqlite3");
    let mut history = History::open(&path).unwrap().history;
    history
        .set_settings(Kept {
            keep: count as u64,
            body_bytes: sinch_ticket::history::DEFAULT_BODY_BYTES,
        })
        .unwrap();
    let events = ["ice", "ace", "dice", "pie", "notify", "sms-inbound"];
    let batch: Vec<Entry> = (0..count)
        .map(|i| {
            let event = events[i % events.len()];
            let body = format!(
                r#"{{"event":"{event}","callid":"c-{i:06}","cli":"+46700000000","to":{{"type":"number","endpoint":"+46700000001"}}}}"#
            );
            Entry {
                id: None,
                time: Utc::now(),
                peer: "127.0.0.1:5000".into(),
                method: "POST".into(),
                path: format!("/sinch/{event}"),
                event: Some(event.into()),
                scheme: Some("application".into()),
                verified: i % 7 != 0,
                reason: None,
                status: Some(200),
                headers: vec![("Content-Type".into(), "application/json".into())],
                body_size: body.len() as u64,
                body: body.into_bytes(),
                body_sha256: None,
                record: serde_json::json!({ "event": event, "verified": true, "status": 200 })
                    .to_string(),
                replay_of: None,
                resigned: false,
            }
        })
        .collect();
    for chunk in batch.chunks(5_000) {
        history.record_all(chunk).unwrap();
    }
    path
}

/// The window on the Listen part with the history of `count` requests shown, and the mouse
/// over its list.
fn window_showing(count: usize, dir: &std::path::Path) -> Harness<'static, SinchTicketApp> {
    window_on(history_of(count, dir), count, dir)
}

/// The window on the Listen part with the history at `history` of `count` requests shown.
fn window_on(
    history: std::path::PathBuf,
    count: usize,
    dir: &std::path::Path,
) -> Harness<'static, SinchTicketApp> {
    let parts = Parts {
        store: Arc::new(MemoryStore::default()),
        keyring_patience: Duration::from_millis(200),
        config_dir: Some(dir.to_owned()),
        clipboard: Box::new(RecordingClipboard::default()),
        clock: Arc::new(Utc::now),
        history_path: Some(history),
        managers: Arc::new(sinch_ticket::profiles::Managers::from_env()),
        desktop: Arc::new(sinch_ticket::app::file_dialog::NoDesktop),
    };
    let mut harness = Harness::builder()
        .with_size([900.0, 1000.0])
        .build_eframe(move |cc| SinchTicketApp::new(&cc.egui_ctx, parts, Settings::default()));
    let wait_until = |harness: &mut Harness<'static, SinchTicketApp>,
                      done: &dyn Fn(&SinchTicketApp) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !done(harness.state()) {
            assert!(Instant::now() < deadline, "the window did not get there");
            harness.step();
            std::thread::sleep(Duration::from_millis(2));
        }
        harness.run_steps(2);
    };
    wait_until(&mut harness, &|app| !app.busy());
    for label in ["Callbacks", "Listen"] {
        harness.get_by_label(label).click();
        harness.run_steps(2);
    }
    wait_until(&mut harness, &|app| {
        let inspector = &app.callbacks.listen.inspector;
        !inspector.reading.busy() && inspector.kept.len() == count
    });
    let shown = format!("{count} request(s), newest first");
    assert!(
        count == 0 || harness.query_by_label_contains(&shown).is_some(),
        "the list of {count} is shown"
    );
    // A list long enough to scroll: the mouse goes over its newest row, where the wheel
    // scrolls the list.
    if count >= 100 {
        // The newest row is on screen: the mouse goes over it, where the wheel scrolls the list.
        let row = harness.get_by_label_contains(&format!("{count}  ")).rect();
        harness.hover_at(row.center());
        harness.run_steps(2);
        // The wheel does scroll it: after a few steps the newest row is out of sight.
        for _ in 0..TURN {
            wheel_step(&mut harness, true);
        }
        harness.run_steps(30);
        assert!(
            harness
                .query_by_label_contains(&format!("{count}  "))
                .is_none(),
            "the list scrolled"
        );
    }
    harness
}

/// Wheel steps in one direction before turning: about 40 rows, within even a list of 100.
const TURN: u64 = 10;

fn wheel_step(harness: &mut Harness<'static, SinchTicketApp>, down: bool) {
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, if down { -3.0 } else { 3.0 }),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    harness.step();
}

fn scrolling(c: &mut Criterion) {
    let mut group = c.benchmark_group("history_list");
    group.sample_size(200);
    for count in [100, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = window_showing(count, dir.path());
        // Down the list and back up, every frame showing rows the last one did not.
        let mut frame = 0u64;
        group.bench_function(format!("frame_scrolling_{count}_records"), |b| {
            b.iter(|| {
                frame += 1;
                wheel_step(&mut harness, (frame / TURN) % 2 == 1);
            });
        });
    }
    group.finish();
}

/// A frame of the window showing a request whose body is 125 KiB of JSON once pretty, of
/// which the first 66 KiB are shown (13,000 short lines: the worst a listener's caller can
/// send), coloured, against the same text shown plain: the colouring is laid out once and
/// kept, so what a frame costs is egui's for a text of that many lines.
fn big_body(c: &mut Criterion) {
    let mut group = c.benchmark_group("request_detail");
    group.sample_size(100);
    // Shown pretty, an array of 25,000 numbers is 125 KiB of text: the JSON is coloured; the
    // same text after an "x" is no JSON, and shown plain.
    let json = format!("[{}1]", "1,".repeat(25_000 - 1));
    let pretty = format!(
        "x{:#}",
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    );
    for (name, body) in [("json_125KiB", json), ("text_125KiB", pretty)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        let mut history = History::open(&path).unwrap().history;
        history
            .record(&Entry {
                id: None,
                time: Utc::now(),
                peer: "127.0.0.1:5000".into(),
                method: "POST".into(),
                path: "/sinch/big".into(),
                event: Some("ice".into()),
                scheme: None,
                verified: true,
                reason: None,
                status: Some(200),
                headers: Vec::new(),
                body_size: body.len() as u64,
                body: body.into_bytes(),
                body_sha256: None,
                record: "{}".into(),
                replay_of: None,
                resigned: false,
            })
            .unwrap();
        drop(history);
        let mut harness = window_on(path, 1, dir.path());
        harness.get_by_label_contains("1  ").click();
        for _ in 0..200 {
            harness.step();
            if harness.query_by_label("Body").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            harness.query_by_label("Body").is_some(),
            "the body is shown"
        );
        let mut frame = 0u64;
        group.bench_function(format!("frame_showing_{name}"), |b| {
            b.iter(|| {
                // The pointer moves each frame, as a hand over the window does.
                frame += 1;
                harness.hover_at(egui::pos2(600.0, 300.0 + (frame % 2) as f32));
                harness.step();
            });
        });
    }
    group.finish();
}

/// A frame of the Scenario part showing a finished run of 10,000 steps sent 3 times each
/// (30,000 requests on the picture), against one of 10 steps.
fn long_scenario(c: &mut Criterion) {
    use sinch_ticket::app::callbacks::scenario::{Ended, RunView, StepView};
    use sinch_ticket::scenario::Attempt;
    use sinch_ticket::scenario::file::Expect;
    let mut group = c.benchmark_group("scenario_run");
    group.sample_size(100);
    for steps in [10, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = window_on(dir.path().join("history.sqlite3"), 0, dir.path());
        for label in ["Callbacks", "Scenario"] {
            harness.get_by_label(label).click();
            harness.run_steps(2);
        }
        let run = RunView {
            file: "/tmp/long.toml".into(),
            to: "http://127.0.0.1:3000/".into(),
            steps: (0..steps)
                .map(|i| StepView {
                    name: format!("step {}", i + 1),
                    event: sinch_ticket::sinch::callback::Event::Dice,
                    expect: Expect::Accepted,
                    attempts: (0..3)
                        .map(|copy| Attempt {
                            at: Duration::from_millis(i as u64 * 2),
                            copy,
                            status: Some(if i % 50 == 0 { 503 } else { 200 }),
                            then_waits: None,
                        })
                        .collect(),
                    judged: Some((i % 50 != 0, "dice answered 200, then 200, then 200".into())),
                    took: Duration::from_millis(2),
                })
                .collect(),
            end: Some(Ok(Ended {
                passed: steps - steps / 50,
                failed: steps / 50,
                took: Duration::from_secs(20),
                stopped: false,
                junit: Ok(String::new()),
            })),
            started: None,
            waiting: None,
        };
        harness.state_mut().callbacks.scenario.run = Some(run);
        harness.run_steps(3);
        assert!(
            harness
                .query_by_label_contains(&format!("{steps} step(s) to"))
                .is_some(),
            "the run is shown"
        );
        let mut frame = 0u64;
        group.bench_function(format!("frame_showing_{steps}_steps"), |b| {
            b.iter(|| {
                frame += 1;
                harness.hover_at(egui::pos2(700.0, 300.0 + (frame % 2) as f32));
                harness.step();
            });
        });
    }
    group.finish();
}

criterion_group!(benches, scrolling, big_body, long_scenario);
criterion_main!(benches);
