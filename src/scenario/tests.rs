//! The plan's checks and the runner, with a scripted delivery and a fixed clock: no socket.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on purpose.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};

use super::file::parse;
use super::plan::{PlanError, StepProblem};
use super::run::Judged;
use super::*;
use crate::net::client::{Answer, SendError};
use crate::sinch::AppSecret;
use crate::sinch::callback::{CallbackSecrets, Event, Headers};
use crate::sinch::signing::{CallbackKeys, RawRequest, verify_request};
use crate::sinch::webhook::{Scheme, WebhookSecret};

const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const TO: &str = "http://127.0.0.1:9/hooks";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap()
}

fn secrets() -> CallbackSecrets {
    let mut secrets = CallbackSecrets {
        application: Some(crate::sinch::Application {
            key: KEY.to_owned(),
            secret: AppSecret::from_base64(SECRET).unwrap(),
        }),
        ..CallbackSecrets::default()
    };
    secrets
        .webhooks
        .insert(Scheme::Conversation, WebhookSecret::new("whsec"));
    secrets
}

fn no_records(_: i64) -> Result<Option<Vec<u8>>, String> {
    Ok(None)
}

fn plan(text: &str) -> Result<Plan, PlanError> {
    plan_with(text, 1.0, &mut no_records)
}

fn plan_with(
    text: &str,
    scale: f64,
    records: &mut dyn FnMut(i64) -> Result<Option<Vec<u8>>, String>,
) -> Result<Plan, PlanError> {
    Plan::new(
        &parse(text.as_bytes()).unwrap(),
        Some(TO),
        scale,
        now(),
        records,
    )
}

fn problem(text: &str) -> StepProblem {
    match plan(text) {
        Err(PlanError::Step { problem, .. }) => problem,
        other => panic!("expected a step's problem, got {other:?}"),
    }
}

/// A server that answers from a script (200 once the script runs out) and a clock that
/// only moves when the runner waits.
#[derive(Default)]
struct Scripted {
    answers: VecDeque<Result<u16, ()>>,
    posts: Vec<(Headers, Vec<u8>)>,
    waits: Vec<Duration>,
    slept: Duration,
    /// Asked to stop once this many requests were sent.
    stop_after: Option<usize>,
}

impl Scripted {
    fn answering(statuses: &[u16]) -> Self {
        Scripted {
            answers: statuses.iter().map(|s| Ok(*s)).collect(),
            ..Scripted::default()
        }
    }
}

impl Delivery for Scripted {
    fn post(&mut self, url: &str, headers: &Headers, body: &[u8]) -> Result<Answer, SendError> {
        assert_eq!(url, TO);
        self.posts.push((headers.clone(), body.to_vec()));
        match self.answers.pop_front().unwrap_or(Ok(200)) {
            Ok(status) => Ok(Answer {
                status,
                reason: String::new(),
                content_type: None,
                location: None,
                www_authenticate: None,
                body: Vec::new(),
                took: Duration::ZERO,
            }),
            Err(()) => Err(SendError::Refused),
        }
    }

    fn wait(&mut self, how_long: Duration) {
        self.waits.push(how_long);
        self.slept += how_long;
    }

    fn now(&mut self) -> DateTime<Utc> {
        now() + self.slept
    }

    fn stopped(&mut self) -> bool {
        self.stop_after
            .is_some_and(|after| self.posts.len() >= after)
    }
}

fn run_plan(plan: &Plan, delivery: &mut Scripted) -> Report {
    let mut heard = Vec::new();
    let report = run(plan, &secrets(), delivery, &mut |o| {
        heard.push(o.name.clone())
    });
    let names: Vec<_> = report.outcomes.iter().map(|o| o.name.clone()).collect();
    assert_eq!(heard, names, "each outcome is told as it happens");
    report
}

fn verified(headers: &Headers, body: &[u8], at: DateTime<Utc>) -> bool {
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let request = RawRequest {
        method: "POST".into(),
        target: "/hooks".into(),
        headers: headers.clone(),
        body: body.to_vec(),
    };
    verify_request(
        &request,
        CallbackKeys {
            key: Some(KEY),
            secret: &secret,
        },
        at,
        Some(600),
    )
    .verified
}

#[test]
fn a_plan_is_the_file_in_the_order_it_runs_with_a_reversed_group_relinked() {
    let plan = plan(
        r#"
[[step]]
trigger = "ice"
[[step]]
name = "g"
order = "reverse"
steps = [{ trigger = "ace" }, { replay = "last" }, { trigger = "dice", delay = "2s" }]
"#,
    )
    .unwrap();
    let steps: Vec<_> = plan
        .steps
        .iter()
        .map(|s| (s.name.as_str(), s.source.event().name()))
        .collect();
    // Reversed: dice, then the replay (now of dice), then ace.
    assert_eq!(
        steps,
        [
            ("step 1", "ice"),
            ("g / 3", "dice"),
            ("g / 2", "dice"),
            ("g / 1", "ace")
        ]
    );
    assert!(matches!(plan.steps[2].source, Source::Last(Event::Dice)));
    assert_eq!(plan.steps[1].delay, Duration::from_secs(2));
    // The replay signs nothing of its own.
    let signed: Vec<_> = plan.signed_events().map(Event::name).collect();
    assert_eq!(signed, ["ice", "dice", "ace"]);
}

#[test]
fn every_mistake_that_the_file_shows_is_found_before_running() {
    assert!(matches!(
        problem("[[step]]\nreplay = \"last\"\n"),
        StepProblem::NothingBefore
    ));
    // A reversed group whose replay ends up first has nothing before it either.
    assert!(matches!(
        problem(
            "[[step]]\norder = \"reverse\"\nsteps = [{ trigger = \"ice\" }, { replay = \"last\" }]\n"
        ),
        StepProblem::NothingBefore
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"ice\"\n[[step]]\nreplay = \"last\"\nsignature = \"bad\"\n"),
        StepProblem::ForgedLast
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"dice\"\ntimestamp_age = \"15m\"\n"),
        StepProblem::Forgery(_)
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"numbers-provisioning\"\ntimestamp_age = \"20m\"\n"),
        StepProblem::Forgery(_)
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"ice\"\nset = { \"to.endpoint.x\" = 1 }\n"),
        StepProblem::Set { .. }
    ));
    assert!(matches!(
        problem("[[step]]\nreplay = 7\nset = { a = 1 }\n"),
        StepProblem::SetOnReplay
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"ice\"\nrepeat = 101\n"),
        StepProblem::RepeatTooMany(101)
    ));
    assert!(matches!(
        problem("[[step]]\ntrigger = \"ice\"\norder = \"reverse\"\n"),
        StepProblem::OrderWithoutGroup
    ));
    assert!(matches!(
        problem("[[step]]\nexpect = \"refused\"\nsteps = [{ trigger = \"ice\" }]\n"),
        StepProblem::GroupFields
    ));
    assert!(matches!(plan("to = \"x\"\n"), Err(PlanError::NoSteps)));
    // Waits: an hour at most once scaled, and a scale that is a sane number.
    let long = "[[step]]\ntrigger = \"ice\"\ndelay = \"30m\"\n";
    assert!(plan_with(long, 1.0, &mut no_records).is_ok());
    assert!(matches!(
        plan_with(long, 3.0, &mut no_records),
        Err(PlanError::Step {
            problem: StepProblem::DelayTooLong,
            ..
        })
    ));
    for scale in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300] {
        assert!(
            matches!(
                plan_with(long, scale, &mut no_records),
                Err(PlanError::TimeScale)
            ),
            "{scale}"
        );
    }
}

#[test]
fn a_history_record_is_looked_up_once_while_planning() {
    let body = br#"{"event":"dice","callId":"c1"}"#.to_vec();
    let mut asked = Vec::new();
    let mut records = |id: i64| {
        asked.push(id);
        Ok(match id {
            7 => Some(body.clone()),
            8 => Some(b"not json".to_vec()),
            _ => None,
        })
    };
    let plan = plan_with("[[step]]\nreplay = 7\n", 1.0, &mut records).unwrap();
    assert!(matches!(
        &plan.steps[0].source,
        Source::Record {
            id: 7,
            event: Event::Dice,
            ..
        }
    ));
    for (id, expected) in [(8, "names no event"), (9, "there is no record 9")] {
        let err = plan_with(&format!("[[step]]\nreplay = {id}\n"), 1.0, &mut records).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    assert_eq!(asked, [7, 8, 9]);
}

#[test]
fn steps_are_signed_fresh_sent_as_often_as_asked_and_judged() {
    let plan = plan(
        r#"
[[step]]
name = "call"
trigger = "ice"
set = { custom = "order-17" }
[[step]]
replay = "last"
repeat = 2
expect = "refused"
[[step]]
trigger = "ice"
signature = "bad"
expect = "refused"
"#,
    )
    .unwrap();
    let mut server = Scripted::answering(&[200, 401, 401, 200]);
    let report = run_plan(&plan, &mut server);
    // The first ice got a 200 with no SVAML: not what Sinch needs.
    assert!(matches!(report.outcomes[0].judged, Judged::Unexpected(_)));
    let said = report.outcomes[0].sentence();
    assert!(
        said.starts_with("ice answered 200: Sinch could not use it: ") && said.contains("SVAML"),
        "what Sinch could not use is said: {said}"
    );
    assert!(report.outcomes[1].passed());
    assert_eq!(
        report.outcomes[1].sentence(),
        "ice answered 401, then 401: refused, as expected"
    );
    // The forged step was answered 200: a careless server.
    assert!(!report.outcomes[2].passed());
    assert_eq!(report.failed(), 2);

    assert_eq!(server.posts.len(), 4);
    let (headers, body) = &server.posts[0];
    assert!(verified(headers, body, now()), "signed as Sinch signs");
    let value: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(value["custom"], "order-17");
    assert_eq!(value["event"], "ice");
    // The replays are the same bytes and headers.
    assert_eq!(server.posts[1], server.posts[0]);
    assert_eq!(server.posts[2], server.posts[0]);
    // The forgery is the right shape, and does not verify.
    let (headers, body) = &server.posts[3];
    assert!(
        headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    );
    assert!(!verified(headers, body, now()));
}

#[test]
fn a_retried_step_waits_as_sinch_does_scaled_and_lists_every_answer() {
    let plan = plan_with(
        "[[step]]\ntrigger = \"sms-delivery-report\"\nretry = \"sinch\"\n[[step]]\ntrigger = \"sms-inbound\"\n",
        0.5,
        &mut no_records,
    )
    .unwrap();
    let mut server = Scripted::answering(&[503, 429, 200, 503]);
    let report = run_plan(&plan, &mut server);
    assert_eq!(report.outcomes[0].statuses(), [503, 429, 200]);
    assert!(report.outcomes[0].passed());
    assert_eq!(
        server.waits,
        [Duration::from_millis(2500), Duration::from_secs(5)],
        "SMS's 5 s and 10 s, halved"
    );
    // Without retry, a 503 is the answer.
    assert_eq!(report.outcomes[1].statuses(), [503]);
    assert!(!report.outcomes[1].passed());
    // Each try is timed from the run's start, with the wait that followed it.
    let s = Duration::from_secs;
    let times: Vec<_> = report
        .outcomes
        .iter()
        .flat_map(|o| o.attempts.iter().map(|a| (a.at, a.status, a.then_waits)))
        .collect();
    assert_eq!(
        times,
        [
            (s(0), Some(503), Some(Duration::from_millis(2500))),
            (Duration::from_millis(2500), Some(429), Some(s(5))),
            (Duration::from_millis(7500), Some(200), None),
            (Duration::from_millis(7500), Some(503), None),
        ]
    );
}

#[test]
fn a_repeated_step_numbers_its_copies_and_a_stopped_run_ends_at_the_step_under_way() {
    let plan = plan(
        "[[step]]\ntrigger = \"dice\"\nrepeat = 3\nexpect = \"accepted\"\n[[step]]\ntrigger = \"sms-delivery-report\"\nretry = \"sinch\"\n[[step]]\ntrigger = \"ice\"\n",
    )
    .unwrap();
    let mut server = Scripted {
        answers: [Ok(200), Ok(200), Ok(200), Ok(503)].into(),
        stop_after: Some(4),
        ..Scripted::default()
    };
    let report = run_plan(&plan, &mut server);
    let copies: Vec<_> = report.outcomes[0].attempts.iter().map(|a| a.copy).collect();
    assert_eq!(copies, [0, 1, 2]);
    assert!(report.stopped, "asked to stop during the retry's wait");
    assert_eq!(report.outcomes.len(), 2, "the third step is never sent");
    assert_eq!(
        report.outcomes[1].sentence(),
        "stopped before it was judged"
    );
    assert_eq!(server.posts.len(), 4);

    // Stopped between the copies of a repeated step: the copies left are not sent.
    let repeated = self::plan("[[step]]\ntrigger = \"dice\"\nrepeat = 20\n").unwrap();
    let mut server = Scripted {
        stop_after: Some(2),
        ..Scripted::default()
    };
    let report = run_plan(&repeated, &mut server);
    assert_eq!(server.posts.len(), 2);
    assert!(report.stopped);
}

#[test]
fn a_step_that_cannot_be_sent_fails_alone_and_gives_up_after_sinchs_last_retry() {
    let plan = plan(
        "[[step]]\ntrigger = \"dice\"\nretry = \"sinch\"\n[[step]]\nreplay = \"last\"\nexpect = \"refused\"\n",
    )
    .unwrap();
    let mut server = Scripted {
        answers: [Err(()), Err(()), Err(()), Err(()), Ok(409)].into(),
        ..Scripted::default()
    };
    let report = run_plan(&plan, &mut server);
    assert!(matches!(report.outcomes[0].judged, Judged::Failed(_)));
    assert!(
        report.outcomes[0]
            .sentence()
            .contains("connection was refused"),
        "{}",
        report.outcomes[0].sentence()
    );
    assert_eq!(server.waits.len(), 3, "three retries, then it gives up");
    // The request was made, so the replay still sends it.
    assert!(report.outcomes[1].passed());
    assert_eq!(server.posts[4], server.posts[0]);
}

#[test]
fn a_step_without_its_secret_fails_without_sending() {
    let plan = plan("[[step]]\ntrigger = \"numbers-provisioning\"\n").unwrap();
    let mut server = Scripted::default();
    let report = run_plan(&plan, &mut server);
    assert!(report.outcomes[0].sentence().contains("no secret"));
    assert!(server.posts.is_empty());
}

#[test]
fn the_junit_report_counts_failures_and_leaves_out_what_xml_forbids() {
    let plan =
        plan("[[step]]\nname = \"a\\u0001b <&>\\uFFFE\\uFFFF\"\ntrigger = \"ice\"\nsignature = \"none\"\n")
            .unwrap();
    let report = run_plan(&plan, &mut Scripted::answering(&[401]));
    let xml = junit::junit("s\u{ffff}.toml", &report).unwrap();
    assert!(!xml.contains('\u{1}'), "{xml}");
    assert!(
        !xml.contains('\u{fffe}') && !xml.contains('\u{ffff}'),
        "{xml}"
    );
    assert!(xml.contains("name=\"ab &lt;&amp;&gt;\""), "{xml}");
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(xml.contains("<failure message=\"ice answered 401"), "{xml}");
}
