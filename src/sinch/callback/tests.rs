use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::{Value, json};

use super::*;
use crate::net::http1::parse_request;
use crate::sinch::AppSecret;
use crate::sinch::signing::{CallbackKeys, verify_request};

const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn body(event: Event) -> Value {
    default_body(
        event,
        BodyInputs {
            application_key: KEY,
            id: "c0ffee00-0000-4000-8000-000000000001",
            now: now(),
        },
    )
}

fn check(event: Event, answer: &str) -> AnswerCheck {
    check_answer(event, &body(event), 200, answer.as_bytes())
}

#[test]
fn every_event_names_itself_and_round_trips_through_its_names() {
    for event in Event::ALL {
        let body = body(event);
        if event.product().scheme().is_none() {
            assert_eq!(body["event"], event.wire_name(), "{event}");
        }
        assert_eq!(Event::from_name(event.name()), Some(event));
        assert_eq!(
            Event::of_body(&serde_json::to_vec(&body).unwrap()),
            Some(event)
        );
    }
    assert_eq!(Event::from_name("ICE"), Some(Event::Ice));
    assert_eq!(Event::from_name("sms"), None);
}

#[test]
fn voice_bodies_carry_the_profiles_key_the_call_id_and_the_time_first_field_event() {
    for event in [Event::Ice, Event::Ace, Event::Dice, Event::Pie] {
        let body = body(event);
        assert_eq!(body["applicationKey"], KEY, "{event}");
        assert_eq!(body["callid"], "c0ffee00-0000-4000-8000-000000000001");
        assert_eq!(body["timestamp"], "2026-11-28T12:00:00Z");
        assert_eq!(body["version"], 1);
        let text = serde_json::to_string(&body).unwrap();
        assert!(text.starts_with("{\"event\":"), "{text}");
    }
    let ice = body(Event::Ice);
    for field in [
        "cli",
        "to",
        "domain",
        "originationType",
        "custom",
        "callResourceUrl",
    ] {
        assert!(ice.get(field).is_some(), "ICE lacks {field}");
    }
    assert_eq!(ice["to"]["endpoint"], "+46700000001");
    let verification = body(Event::VerificationRequest);
    assert_eq!(verification["identity"]["endpoint"], "+46700000000");
    assert_eq!(verification["method"], "sms");
}

#[test]
fn set_path_keeps_text_as_text_and_numbers_as_numbers() {
    let mut ice = body(Event::Ice);
    set_path(&mut ice, "to.endpoint", "+46700000099").unwrap();
    set_path(&mut ice, "custom", "order-17").unwrap();
    set_path(&mut ice, "version", "2").unwrap();
    set_path(&mut ice, "cli", "46700000000").unwrap();
    set_path(&mut ice, "userRate.amount", "0.5").unwrap();
    set_path(&mut ice, "brandNew.nested", "true").unwrap();
    set_path(&mut ice, "callHeaders", r#"[{"key":"k","value":"v"}]"#).unwrap();
    set_path(&mut ice, "callHeaders.0.value", "w").unwrap();
    assert_eq!(ice["to"]["endpoint"], "+46700000099");
    assert_eq!(ice["custom"], "order-17");
    assert_eq!(ice["version"], 2);
    assert_eq!(ice["cli"], "46700000000", "a phone number stays text");
    assert_eq!(ice["userRate"]["amount"], 0.5);
    assert_eq!(ice["brandNew"], json!({"nested": true}));
    assert_eq!(ice["callHeaders"][0]["value"], "w");
    // The order of existing fields is kept: `event` stays first.
    assert!(
        serde_json::to_string(&ice)
            .unwrap()
            .starts_with("{\"event\":\"ice\"")
    );
}

#[test]
fn set_path_says_what_is_wrong_with_a_path_or_a_value() {
    let mut ice = body(Event::Ice);
    let before = ice.clone();
    for (path, value, says) in [
        ("version", "two", "is a number"),
        ("custom.inner", "x", "'custom' is text, not an object"),
        ("to..endpoint", "x", "not a field path"),
        ("callHeaders.x", "1", "is a list"),
        ("callHeaders.3", "1", "has 0 item(s)"),
        ("", "1", "not a field path"),
    ] {
        let err = set_path(&mut ice, path, value).unwrap_err();
        assert!(err.to_string().contains(says), "{path}: {err}");
    }
    // A path deeper than any body is refused before anything is made (one 100,000 deep
    // once overflowed the stack of the JSON writer).
    let deep = ["a"; 100_000].join(".");
    let err = set_path(&mut ice, &deep, "x").unwrap_err();
    assert!(
        err.to_string().contains("deeper than any Sinch body"),
        "{err}"
    );
    assert!(set_path(&mut ice.clone(), &["a"; 32].join("."), "x").is_ok());
    assert_eq!(ice, before, "a refused --set changes nothing");
}

#[test]
fn a_triggered_callback_verifies_and_each_forgery_fails_for_its_own_reason() {
    let secret = AppSecret::from_base64(SECRET).unwrap();
    let body = serde_json::to_vec(&body(Event::Ice)).unwrap();
    let verdict_for = |forgery, stamp: &str| {
        let headers = sign_callback(
            KEY,
            &secret,
            &CallbackRequest {
                resource: "/sinch/callback?x=1",
                body: &body,
                timestamp: stamp,
                forgery,
            },
        );
        let mut raw = b"POST /sinch/callback?x=1 HTTP/1.1\r\n".to_vec();
        for (name, value) in headers {
            raw.extend(format!("{name}: {value}\r\n").bytes());
        }
        raw.extend(b"\r\n");
        raw.extend(&body);
        let keys = CallbackKeys {
            key: Some(KEY),
            secret: &secret,
        };
        verify_request(&parse_request(&raw).unwrap(), keys, now(), Some(900))
    };
    assert!(verdict_for(Forgery::None, "2026-11-28T12:00:00Z").verified);
    let bad = verdict_for(Forgery::BadSignature, "2026-11-28T12:00:00Z");
    assert!(bad.reason.unwrap().contains("does not match"));
    let none = verdict_for(Forgery::NoSignature, "2026-11-28T12:00:00Z");
    assert!(none.reason.unwrap().contains("no Authorization header"));
    let at = Forgery::STALE.sent_at(now()).unwrap();
    let stale = verdict_for(Forgery::STALE, &crate::sinch::signing::timestamp(at));
    assert!(stale.reason.unwrap().contains("replay"));
}

#[test]
fn a_stale_forgery_must_be_older_than_what_a_careful_server_accepts() {
    let stale = |secs| Forgery::Stale(std::time::Duration::from_secs(secs)).sent_at(now());
    assert_eq!(
        Forgery::STALE.sent_at(now()).unwrap(),
        now() - chrono::TimeDelta::minutes(20)
    );
    // Within the accepted 15 minutes (plus a minute for clocks), accepting it is right.
    let err = stale(5 * 60).unwrap_err();
    assert_eq!(err, ForgeryError::NotStale { age: 300 });
    assert!(err.to_string().contains("at least 16m"), "{err}");
    assert!(stale(16 * 60 - 1).is_err());
    assert!(stale(16 * 60).is_ok());
    assert!(matches!(
        stale(100 * 365 * 86_400),
        Err(ForgeryError::BeforeEpoch { .. })
    ));
    assert_eq!(Forgery::None.sent_at(now()), Ok(now()));
    assert_eq!(Forgery::BadSignature.sent_at(now()), Ok(now()));
}

#[test]
fn forged_callbacks_are_judged_by_status() {
    assert_eq!(ForgeryOutcome::of_status(401), ForgeryOutcome::Rejected);
    assert_eq!(ForgeryOutcome::of_status(403), ForgeryOutcome::Rejected);
    assert_eq!(ForgeryOutcome::of_status(200), ForgeryOutcome::Accepted);
    assert_eq!(ForgeryOutcome::of_status(500), ForgeryOutcome::Unclear);
    assert!(
        ForgeryOutcome::Accepted
            .sentence(200)
            .contains("your server accepted a forged callback")
    );
}

#[test]
fn good_svaml_passes_for_the_event_it_answers() {
    for (event, answer) in [
        (
            Event::Ice,
            r#"{"instructions":[{"name":"say","text":"Hi","locale":"en-US"}],"action":{"name":"connectPstn","number":"+46700000001","cli":"+46700000000"}}"#,
        ),
        (Event::Ice, r#"{"action":{"name":"connectPstn"}}"#),
        (
            Event::Ice,
            r#"{"action":{"name":"connectConf","conferenceId":"room-1"}}"#,
        ),
        (
            Event::Ice,
            r##"{"instructions":[{"name":"answer"},{"name":"playFiles","ids":["#tts[Hi]"]}],"action":{"name":"park"}}"##,
        ),
        (Event::Ace, r#"{"action":{"name":"continue"}}"#),
        (
            Event::Pie,
            r#"{"instructions":[{"name":"stopRecording"}],"action":{"name":"hangup"}}"#,
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"runMenu","menus":[{"id":"main","options":[{"dtmf":"1","action":"return(one)"},{"dtmf":"2","action":"menu(sub)"}]},{"id":"sub"}]}}"#,
        ),
        (Event::VerificationRequest, r#"{"action":"allow"}"#),
        (Event::Dice, ""),
        (Event::Notify, "not even JSON"),
    ] {
        let check = check(event, answer);
        assert!(check.ok(), "{event} {answer}: {:?}", check.problems);
    }
}

#[test]
fn bad_svaml_gets_one_sentence_per_problem() {
    for (event, answer, says) in [
        (Event::Ice, "", "the answer is empty"),
        (Event::Ice, "{oops", "not valid JSON"),
        (Event::Ice, "[]", "not an object"),
        (Event::Ice, r#"{"instructions":[]}"#, "has no \"action\""),
        (
            Event::Ice,
            r#"{"action":{"name":"dance"}}"#,
            "\"dance\" is not a SVAML action",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"continue"}}"#,
            "cannot answer an ICE",
        ),
        (
            Event::Ace,
            r#"{"action":{"name":"connectPstn","number":"+1"}}"#,
            "cannot answer an ACE",
        ),
        (
            Event::Pie,
            r#"{"action":{"name":"connectPstn"}}"#,
            "connectPstn needs a \"number\"",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"connectConf"}}"#,
            "needs a \"conferenceId\"",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"connectSip"}}"#,
            "needs a \"destination\"",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"runMenu","menus":[{"id":"other"}]}}"#,
            "no menu has that id",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"hangup"},"instructions":[{"name":"say"}]}"#,
            "say, needs a \"text\"",
        ),
        (
            Event::Ace,
            r#"{"action":{"name":"hangup"},"instructions":[{"name":"sendDtmf","value":"1"}]}"#,
            "\"sendDtmf\", cannot answer an ACE",
        ),
        (
            Event::Ice,
            r#"{"action":{"name":"hangup"},"instructions":[{"name":"playFiles"}]}"#,
            "needs \"ids\"",
        ),
        (
            Event::VerificationRequest,
            r#"{"action":"maybe"}"#,
            "\"allow\" or \"deny\"",
        ),
    ] {
        let check = check(event, answer);
        assert!(
            check.problems.iter().any(|p| p.contains(says)),
            "{event} {answer}: {:?}",
            check.problems
        );
    }
    let failed = check_answer(Event::Dice, &body(Event::Dice), 500, b"");
    assert!(failed.problems[0].contains("HTTP 500"));
}

#[test]
fn connect_pstn_without_a_number_needs_a_dialled_number_in_the_ice() {
    let mut app_call = body(Event::Ice);
    set_path(&mut app_call, "to.type", "username").unwrap();
    let check = check_answer(
        Event::Ice,
        &app_call,
        200,
        br#"{"action":{"name":"connectPstn"}}"#,
    );
    assert!(
        check.problems[0].contains("needs a \"number\""),
        "{check:?}"
    );
}

#[test]
fn the_stand_in_answers_are_themselves_good_answers() {
    for event in [
        Event::Ice,
        Event::Ace,
        Event::Pie,
        Event::VerificationRequest,
    ] {
        let answer = stand_in_answer(Some(event));
        assert!(check(event, answer).ok(), "{event}: {answer}");
    }
}

mod webhooks {
    use super::*;
    use crate::sinch::webhook::{Scheme, WebhookSecret, verify_webhook};

    const WEBHOOK_SECRET: &str = "sëcret ünicode";

    fn webhook_events() -> impl Iterator<Item = Event> {
        Event::ALL
            .into_iter()
            .filter(|e| e.product().scheme().is_some())
    }

    /// A webhook as its product sends it, parsed as a server receives it.
    fn received(
        event: Event,
        forgery: Forgery,
        sent_at: DateTime<Utc>,
    ) -> crate::sinch::signing::RawRequest {
        let scheme = event.product().scheme().unwrap();
        let body = serde_json::to_vec(&body(event)).unwrap();
        let (headers, body) = sign_webhook(
            &WebhookSecret::new(WEBHOOK_SECRET),
            &WebhookRequest {
                scheme,
                body: &body,
                nonce: "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",
                sent_at,
                forgery,
            },
        )
        .unwrap();
        let mut raw = b"POST /webhooks HTTP/1.1\r\n".to_vec();
        for (name, value) in headers {
            raw.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&body);
        parse_request(&raw).unwrap()
    }

    #[test]
    fn every_webhook_event_has_a_body_its_product_names_and_a_signature_that_verifies() {
        let secret = WebhookSecret::new(WEBHOOK_SECRET);
        for event in webhook_events() {
            let request = received(event, Forgery::None, now());
            assert_eq!(Event::of_body(&request.body), Some(event), "{event}");
            assert_eq!(
                Scheme::of_request(&request),
                event.product().scheme(),
                "{event}"
            );
            let verdict = verify_webhook(&request, None, &secret, now(), Some(900));
            assert!(verdict.verified, "{event}: {verdict:?}");
            assert_eq!(Event::from_name(event.name()), Some(event));
        }
        // The Voice events are still told by their `event` field, and nothing else is.
        assert_eq!(Event::of_body(br#"{"event":"ice"}"#), Some(Event::Ice));
        assert_eq!(Event::of_body(br#"{"type":"mo_binary"}"#), None);
    }

    #[test]
    fn every_webhook_forgery_is_refused_by_the_verifier_with_its_reason() {
        let secret = WebhookSecret::new(WEBHOOK_SECRET);
        for event in webhook_events() {
            for forgery in [Forgery::BadSignature, Forgery::NoSignature] {
                let verdict = verify_webhook(
                    &received(event, forgery, now()),
                    event.product().scheme(),
                    &secret,
                    now(),
                    Some(900),
                );
                assert!(!verdict.verified, "{event} {forgery:?}: {verdict:?}");
            }
            if event.product() != Product::Numbers {
                let stale = Forgery::STALE;
                let at = stale.sent_at(now()).unwrap();
                let verdict =
                    verify_webhook(&received(event, stale, at), None, &secret, now(), Some(900));
                assert!(!verdict.verified && verdict.too_old, "{event}: {verdict:?}");
                assert!(Forgery::Replay.check_for(event).is_ok());
            } else {
                let err = Forgery::STALE.check_for(event).unwrap_err();
                assert!(err.to_string().contains("no signed timestamp"), "{err}");
                let err = Forgery::Replay.check_for(event).unwrap_err();
                assert!(err.to_string().contains("no signed nonce"), "{err}");
            }
        }
        assert!(Forgery::Replay.check_for(Event::Ice).is_err());
        assert!(Forgery::STALE.check_for(Event::Ice).is_ok());
    }

    #[test]
    fn a_mailgun_webhook_is_signed_in_its_body_and_a_body_that_is_no_object_is_refused() {
        let request = received(Event::MailgunFailed, Forgery::None, now());
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body["signature"]["timestamp"],
            now().timestamp().to_string()
        );
        assert_eq!(body["event-data"]["event"], "failed");
        assert_eq!(body["event-data"]["severity"], "permanent");
        let err = sign_webhook(
            &WebhookSecret::new("k"),
            &WebhookRequest {
                scheme: Scheme::Mailgun,
                body: b"[1]",
                nonce: "t",
                sent_at: now(),
                forgery: Forgery::None,
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("not a JSON object"));
    }

    #[test]
    fn answers_are_judged_as_each_product_reads_them() {
        let mailgun = |status| check_answer(Event::MailgunDelivered, &Value::Null, status, b"");
        assert!(mailgun(200).ok());
        assert!(mailgun(406).problems[0].contains("never sends this webhook again"));
        assert!(mailgun(204).problems[0].contains("retries anything else for up to 8 hours"));
        assert!(mailgun(500).problems[0].contains("8 hours"));
        let sms = |status| check_answer(Event::SmsInbound, &Value::Null, status, b"");
        assert!(sms(204).ok());
        assert!(
            sms(503).problems[0].contains("5 s, 10 s, 20 s"),
            "{:?}",
            sms(503)
        );
        assert!(sms(429).problems[0].contains("doubling"));
        assert!(sms(400).problems[0].contains("does not retry"));
        assert!(check_answer(Event::NumbersProvisioning, &Value::Null, 201, b"").ok());
        assert!(!check_answer(Event::ConversationMessageInbound, &Value::Null, 302, b"").ok());
    }

    #[test]
    fn a_replay_passes_only_when_the_first_is_taken_and_the_second_refused() {
        let event = Event::ConversationMessageInbound;
        assert!(judge_replay(event, 200, 409).passed);
        let twice = judge_replay(event, 200, 200);
        assert!(!twice.passed && twice.summary.contains("accepted the same callback twice"));
        assert!(twice.summary.contains("nonce"));
        assert!(!judge_replay(event, 500, 401).passed);
        assert!(
            judge_replay(Event::MailgunDelivered, 200, 406)
                .summary
                .contains("token")
        );
        assert!(
            !judge_replay(Event::MailgunDelivered, 204, 406).passed,
            "Mailgun retries a 204"
        );
    }
}
