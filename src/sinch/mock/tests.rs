//! The mock's answers and refusals, without a socket.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::{Value, json};

use super::*;
use crate::sinch::oauth::{AccessKey, KeySecret};
use crate::sinch::signing::{SignRequest, sign_request, timestamp};
use crate::sinch::{AppSecret, Application};

const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const PROJECT: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";
const KEY_ID: &str = "b5ae4a5c-47ae-4e8c-8e65-0fb1a8b5b6d1";
const KEY_SECRET: &str = "k3y-s3cr3t";
const PLAN: &str = "f7f4a0fd0a2a4b7c9c8a4f1d0f1e2d3c";
const PLAN_TOKEN: &str = "plan-token-123";

struct Counter(u128);

impl Ids for Counter {
    fn next(&mut self) -> u128 {
        self.0 += 1;
        self.0 * 0x1_0000_0001
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap()
}

fn desk() -> Desk {
    Desk::new(
        vec![Account {
            name: "sandbox".into(),
            application: Some(Application {
                key: KEY.into(),
                secret: AppSecret::from_base64(SECRET).unwrap(),
            }),
            access_key: Some(AccessKey {
                project_id: PROJECT.into(),
                key_id: KEY_ID.into(),
                key_secret: KeySecret::new(KEY_SECRET),
            }),
            service_plan: Some((PLAN.into(), KeySecret::new(PLAN_TOKEN))),
            webhooks: Default::default(),
        }],
        b"this run's token key",
        3600,
    )
}

fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> RawRequest {
    RawRequest {
        method: method.into(),
        target: target.into(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn signed(method: &str, target: &str, body: &str, at: DateTime<Utc>, secret: &str) -> RawRequest {
    let stamp = timestamp(at);
    let signed = sign_request(
        KEY,
        &AppSecret::from_base64(secret).unwrap(),
        &SignRequest {
            method,
            resource: target,
            content_type: Some("application/json"),
            body: body.as_bytes(),
            timestamp: &stamp,
        },
    );
    let mut headers: Vec<(String, String)> = signed.headers();
    headers.push(("Content-Type".into(), "application/json".into()));
    RawRequest {
        method: method.into(),
        target: target.into(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn token(desk: &Desk, at: DateTime<Utc>) -> String {
    let basic = STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"));
    let handled = handle(
        desk,
        &mut State::default(),
        &request(
            "POST",
            "/oauth2/token",
            &[("Authorization", &format!("Basic {basic}"))],
            "grant_type=client_credentials",
        ),
        at,
        &mut Counter(0),
    );
    assert_eq!(handled.reply.status, 200, "{:?}", handled.reason);
    let body = handled.reply.json_body().unwrap();
    assert_eq!(body["scope"], "");
    assert_eq!(body["expires_in"], 3600);
    body["access_token"].as_str().unwrap().to_owned()
}

fn json_of(handled: &Handled) -> Value {
    handled.reply.json_body().unwrap_or(Value::Null)
}

#[test]
fn issues_tokens_for_a_known_access_key_only_and_refuses_them_once_expired() {
    let desk = desk();
    let mut state = State::default();
    let token = token(&desk, now());
    let bearer = format!("Bearer {token}");
    let list = |at, auth: &str| {
        handle(
            &desk,
            &mut State::default(),
            &request(
                "GET",
                &format!("/xms/v1/{PROJECT}/batches"),
                &[("Authorization", auth)],
                "",
            ),
            at,
            &mut Counter(0),
        )
    };
    assert_eq!(list(now(), &bearer).reply.status, 200);
    let expired = list(now() + chrono::Duration::seconds(3601), &bearer);
    assert_eq!(expired.reply.status, 401);
    let challenge = expired
        .reply
        .headers
        .iter()
        .find(|(n, _)| n == "WWW-Authenticate")
        .unwrap();
    assert!(challenge.1.contains("expired"), "{challenge:?}");
    // A token of another run (another key) is not this mock's.
    let other = Desk::new(desk.accounts().to_vec(), b"another run", 3600);
    let foreign = handle(
        &other,
        &mut state,
        &request(
            "GET",
            &format!("/xms/v1/{PROJECT}/batches"),
            &[("Authorization", &bearer)],
            "",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(foreign.reply.status, 401);
    assert!(
        !foreign
            .reply
            .headers
            .iter()
            .any(|(_, v)| v.contains("expired"))
    );
    assert!(
        foreign
            .reason
            .unwrap()
            .contains("signature is not this run's")
    );
    // A wrong key secret: invalid_client, the reason kept local.
    let wrong = STANDARD.encode(format!("{KEY_ID}:not-it"));
    let refused = handle(
        &desk,
        &mut state,
        &request(
            "POST",
            "/oauth2/token",
            &[("Authorization", &format!("Basic {wrong}"))],
            "grant_type=client_credentials",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(refused.reply.status, 401);
    assert_eq!(json_of(&refused)["error"], "invalid_client");
    assert!(!String::from_utf8_lossy(&refused.reply.body).contains(KEY_ID));
    assert!(
        refused
            .reason
            .unwrap()
            .contains("Key Secret is not its own")
    );
}

#[test]
fn voice_refusals_say_40100_40101_or_40102_and_keep_the_string_to_sign_local() {
    let desk = desk();
    let mut state = State::default();
    let body = r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"Hi"}}"#;
    let call = |request: RawRequest, state: &mut State| {
        handle(&desk, state, &request, now(), &mut Counter(0))
    };
    let ok = call(
        signed("POST", "/calling/v1/callouts", body, now(), SECRET),
        &mut state,
    );
    assert_eq!(ok.reply.status, 200, "{:?}", ok.reason);
    assert!(json_of(&ok)["callId"].is_string());
    let none = call(
        request("POST", "/calling/v1/callouts", &[], body),
        &mut state,
    );
    assert_eq!(
        (none.reply.status, json_of(&none)["errorCode"].clone()),
        (401, json!(40100))
    );
    let old = call(
        signed(
            "POST",
            "/calling/v1/callouts",
            body,
            now() - chrono::Duration::hours(1),
            SECRET,
        ),
        &mut state,
    );
    assert_eq!(json_of(&old)["errorCode"], 40101);
    let wrong = call(
        signed(
            "POST",
            "/calling/v1/callouts",
            body,
            now(),
            "JViE5vDor0Sw3WllZka15Q==",
        ),
        &mut state,
    );
    assert_eq!(wrong.reply.status, 401);
    assert_eq!(
        json_of(&wrong),
        json!({"errorCode": 40102, "message": "Invalid Signature"})
    );
    assert!(wrong.string_to_sign.unwrap().starts_with("POST\n"));
    assert!(wrong.reason.is_some());
}

#[test]
fn an_sms_batch_is_kept_and_reported_per_recipient_by_the_number_table() {
    let desk = desk();
    let mut state = State::default();
    let body =
        json!({"to": ["+46700000000", "+46700010001", "+46700010002"], "from": "+12025550100",
        "body": "Hi", "delivery_report": "per_recipient", "callback_url": "http://127.0.0.1:9/sms"})
        .to_string();
    let auth = format!("Bearer {PLAN_TOKEN}");
    let sent = handle(
        &desk,
        &mut state,
        &request(
            "POST",
            &format!("/xms/v1/{PLAN}/batches"),
            &[("Authorization", &auth)],
            &body,
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(sent.reply.status, 201, "{:?}", sent.reason);
    let batch = json_of(&sent);
    assert_eq!(batch["type"], "mt_text");
    assert_eq!(batch["created_at"], "2026-12-06T09:00:00.000Z");
    let statuses: Vec<(String, String)> = sent
        .callbacks
        .iter()
        .map(|p| {
            let v: Value = serde_json::from_slice(&p.body).unwrap();
            (
                v["recipient"].as_str().unwrap().to_owned(),
                v["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("+46700000000".to_owned(), "Delivered".to_owned()),
            ("+46700010001".to_owned(), "Failed".to_owned()),
            ("+46700010002".to_owned(), "Dispatched".to_owned())
        ]
    );
    assert!(
        sent.callbacks
            .iter()
            .all(|p| p.url.as_deref() == Some("http://127.0.0.1:9/sms"))
    );
    let id = batch["id"].as_str().unwrap();
    let got = handle(
        &desk,
        &mut state,
        &request(
            "GET",
            &format!("/xms/v1/{PLAN}/batches/{id}"),
            &[("Authorization", &auth)],
            "",
        ),
        now(),
        &mut Counter(9),
    );
    assert_eq!(json_of(&got), batch);
    // A malformed body names its field, in SMS's shape.
    let bad = handle(
        &desk,
        &mut state,
        &request(
            "POST",
            &format!("/xms/v1/{PLAN}/batches"),
            &[("Authorization", &auth)],
            r#"{"to":"+46700000000","body":"x"}"#,
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(bad.reply.status, 400);
    assert!(json_of(&bad)["text"].as_str().unwrap().contains("\"to\""));
    // The service plan's token is not good for another plan.
    let other = handle(
        &desk,
        &mut state,
        &request(
            "GET",
            "/xms/v1/someoneelse/batches",
            &[("Authorization", &auth)],
            "",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(other.reply.status, 401);
}

#[test]
fn unknown_paths_name_what_is_served_and_garbage_never_panics() {
    let desk = desk();
    let mut state = State::default();
    let lost = handle(
        &desk,
        &mut state,
        &request("GET", "/nowhere", &[], ""),
        now(),
        &mut Counter(0),
    );
    assert_eq!(lost.reply.status, 404);
    assert!(String::from_utf8_lossy(&lost.reply.body).contains("/calling/v1/callouts"));
    let method = handle(
        &desk,
        &mut state,
        &request("PUT", "/oauth2/token", &[], ""),
        now(),
        &mut Counter(0),
    );
    assert_eq!(method.reply.status, 405);
    let token = token(&desk, now());
    let auth = format!("Bearer {token}");
    for (method, path) in [
        ("POST", format!("/v1/projects/{PROJECT}/messages:send")),
        ("POST", format!("/xms/v1/{PROJECT}/batches")),
        (
            "POST",
            format!("/v1/projects/{PROJECT}/availableNumbers/%2B12025550100:rent"),
        ),
    ] {
        for body in [
            "",
            "[]",
            "{",
            "{\"to\":[1]}",
            "\u{0}\u{ff}",
            "{\"message\":{},\"app_id\":\"\"}",
        ] {
            let handled = handle(
                &desk,
                &mut state,
                &request(method, &path, &[("Authorization", &auth)], body),
                now(),
                &mut Counter(0),
            );
            assert!(
                matches!(handled.reply.status, 200 | 400 | 409),
                "{method} {path} {body:?}: {}",
                handled.reply.status
            );
        }
    }
}

#[test]
fn a_callout_is_answered_then_its_ace_answer_decides_the_dice() {
    let desk = desk();
    let mut state = State::default();
    let body = r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"Hi"}}"#;
    let handled = handle(
        &desk,
        &mut state,
        &signed("POST", "/calling/v1/callouts", body, now(), SECRET),
        now(),
        &mut Counter(0),
    );
    let [ace] = handled.callbacks.as_slice() else {
        panic!("{:?}", handled.callbacks)
    };
    assert_eq!(ace.event, Event::Ace);
    let hangup = br#"{"instructions":[],"action":{"name":"hangup"}}"#;
    let next = followed(
        &desk,
        &mut state,
        ace,
        Delivered::Answered {
            status: 200,
            body: hangup,
        },
        now(),
    );
    let [dice] = next.as_slice() else {
        panic!("{next:?}")
    };
    let dice_body: Value = serde_json::from_slice(&dice.body).unwrap();
    assert_eq!(
        (dice_body["event"].as_str(), dice_body["reason"].as_str()),
        (Some("dice"), Some("MANAGERHANGUP"))
    );
    let id = json_of(&handled)["callId"].as_str().unwrap().to_owned();
    let got = handle(
        &desk,
        &mut state,
        &signed(
            "GET",
            &format!("/calling/v1/calls/id/{id}"),
            "",
            now(),
            SECRET,
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(json_of(&got)["status"], "FINAL");
}

#[test]
fn a_call_the_state_forgot_still_gets_its_dice() {
    let desk = desk();
    let mut state = State::with_cap(1);
    let body = r#"{"method":"ttsCallout","ttsCallout":{"destination":{"type":"number","endpoint":"+46700000000"},"text":"Hi"}}"#;
    let first = handle(
        &desk,
        &mut state,
        &signed("POST", "/calling/v1/callouts", body, now(), SECRET),
        now(),
        &mut Counter(0),
    );
    // A second call pushes the first out of a state that keeps one.
    handle(
        &desk,
        &mut state,
        &signed("POST", "/calling/v1/callouts", body, now(), SECRET),
        now(),
        &mut Counter(7),
    );
    let next = followed(
        &desk,
        &mut state,
        &first.callbacks[0],
        Delivered::NotDelivered,
        now(),
    );
    let [dice] = next.as_slice() else {
        panic!("{next:?}")
    };
    let dice_body: Value = serde_json::from_slice(&dice.body).unwrap();
    assert_eq!(dice_body["callid"], json_of(&first)["callId"]);
    assert_eq!(dice_body["to"]["endpoint"], "+46700000000");
}

#[test]
fn a_verification_takes_the_documented_code_and_the_number_table_decides() {
    let desk = desk();
    let mut state = State::default();
    let start = |endpoint: &str, state: &mut State| {
        let body = json!({"identity": {"type": "number", "endpoint": endpoint}, "method": "sms"})
            .to_string();
        let handled = handle(
            &desk,
            state,
            &signed(
                "POST",
                "/verification/v1/verifications",
                &body,
                now(),
                SECRET,
            ),
            now(),
            &mut Counter(endpoint.len() as u128),
        );
        json_of(&handled)["id"].as_str().unwrap().to_owned()
    };
    let report = |id: &str, code: &str, state: &mut State| {
        let body = json!({"method": "sms", "sms": {"code": code}}).to_string();
        let handled = handle(
            &desk,
            state,
            &signed(
                "PUT",
                &format!("/verification/v1/verifications/id/{id}"),
                &body,
                now(),
                SECRET,
            ),
            now(),
            &mut Counter(0),
        );
        json_of(&handled)["status"].as_str().unwrap().to_owned()
    };
    let good = start("+46700000000", &mut state);
    assert_eq!(report(&good, "1234", &mut state), "SUCCESSFUL");
    let wrong = start("+467000000000", &mut state);
    assert_eq!(report(&wrong, "9999", &mut state), "FAIL");
    let failing = start("+46700010001", &mut state);
    assert_eq!(report(&failing, "1234", &mut state), "FAIL");
    let pending = start("+46700010002", &mut state);
    assert_eq!(report(&pending, "1234", &mut state), "PENDING");
}

#[test]
fn state_stays_bounded_however_many_calls() {
    let desk = desk();
    let mut state = State::with_cap(50);
    let auth = format!("Bearer {PLAN_TOKEN}");
    let body = r#"{"to":["+46700000000"],"body":"x"}"#;
    for n in 0..500 {
        let handled = handle(
            &desk,
            &mut state,
            &request(
                "POST",
                &format!("/xms/v1/{PLAN}/batches"),
                &[("Authorization", &auth)],
                body,
            ),
            now(),
            &mut Counter(n),
        );
        assert_eq!(handled.reply.status, 201);
    }
    assert_eq!(state.len(), 50);
}

#[test]
fn large_bodies_are_kept_within_the_bytes_bound() {
    let desk = desk();
    let mut state = State::default();
    let token = token(&desk, now());
    let auth = format!("Bearer {token}");
    let text = "x".repeat(1000 * 1000);
    let body = json!({"app_id": "app", "recipient": {"contact_id": "c"}, "message": {"text_message": {"text": text}}}).to_string();
    for n in 0..100 {
        let handled = handle(
            &desk,
            &mut state,
            &request(
                "POST",
                &format!("/v1/projects/{PROJECT}/messages:send"),
                &[("Authorization", &auth)],
                &body,
            ),
            now(),
            &mut Counter(n * 3),
        );
        assert_eq!(handled.reply.status, 200);
    }
    assert!(
        state.books(0).messages.bytes() <= KEPT_BYTES_PER_KIND,
        "{}",
        state.books(0).messages.bytes()
    );
    assert!(state.books(0).messages.len() < 100);
}

/// Every field of `value` (at any depth) replaced, one at a time, by each of `kinds`.
fn mutations(value: &Value, kinds: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                for kind in kinds {
                    let mut changed = value.clone();
                    changed[key] = kind.clone();
                    out.push(changed);
                }
                for deeper in mutations(inner, kinds) {
                    let mut changed = value.clone();
                    changed[key] = deeper;
                    out.push(changed);
                }
            }
        }
        Value::Array(items) => {
            for (n, inner) in items.iter().enumerate() {
                for deeper in mutations(inner, kinds)
                    .into_iter()
                    .chain(kinds.iter().cloned())
                {
                    let mut changed = value.clone();
                    changed[n] = deeper;
                    out.push(changed);
                }
            }
        }
        _ => {}
    }
    out
}

#[test]
fn every_field_of_every_body_of_another_type_is_a_400_never_a_panic() {
    let desk = desk();
    let token = token(&desk, now());
    let bearer = format!("Bearer {token}");
    let kinds = [
        json!(5),
        json!("x"),
        json!([]),
        json!({}),
        json!(null),
        json!(true),
        json!([{}]),
        json!(-1.5e300),
    ];
    let project = |path: &str| format!("/v1/projects/{PROJECT}/{path}");
    let cases: Vec<(&str, String, Value, bool)> = vec![
        (
            "POST",
            format!("/xms/v1/{PROJECT}/batches"),
            json!({"to": ["+46700000000"], "from": "+1", "body": "x", "delivery_report": "full", "callback_url": "http://127.0.0.1:9/x", "client_reference": "r", "type": "mt_text"}),
            false,
        ),
        (
            "POST",
            project("messages:send"),
            json!({"app_id": "a", "recipient": {"identified_by": {"channel_identities": [{"channel": "SMS", "identity": "+46700000000"}]}}, "message": {"text_message": {"text": "x"}}, "callback_url": "http://127.0.0.1:9/x"}),
            false,
        ),
        (
            "POST",
            project("availableNumbers/+12025550101:rent"),
            json!({"smsConfiguration": {"servicePlanId": "p", "campaignId": "c"}, "voiceConfiguration": {"appId": "a", "type": "RTC"}, "callbackUrl": "http://127.0.0.1:9/x"}),
            false,
        ),
        (
            "POST",
            "/calling/v1/callouts".into(),
            json!({"method": "conferenceCallout", "conferenceCallout": {"destination": {"type": "number", "endpoint": "+46700000000"}, "conferenceId": "c", "cli": "+1", "custom": "x"}}),
            true,
        ),
        (
            "POST",
            "/calling/v1/callouts".into(),
            json!({"method": "ttsCallout", "ttsCallout": {"destination": {"type": "number", "endpoint": "+46700000000"}, "text": "x"}}),
            true,
        ),
        (
            "POST",
            "/verification/v1/verifications".into(),
            json!({"identity": {"type": "number", "endpoint": "+46700000000"}, "method": "sms", "reference": "r", "custom": "c"}),
            true,
        ),
        (
            "PUT",
            "/verification/v1/verifications/number/+46700000000".into(),
            json!({"method": "sms", "sms": {"code": "1234"}}),
            true,
        ),
        (
            "PATCH",
            "/calling/v1/conferences/id/c/x".into(),
            json!({"command": "mute"}),
            true,
        ),
        (
            "POST",
            "/oauth2/token".into(),
            json!({"grant_type": "client_credentials"}),
            false,
        ),
    ];
    for (method, path, good, signed_call) in cases {
        for body in std::iter::once(good.clone()).chain(mutations(&good, &kinds)) {
            let text = body.to_string();
            // A fresh state each time: a rent that worked leaves the number rented.
            let mut state = State::default();
            let request = if signed_call {
                signed(method, &path, &text, now(), SECRET)
            } else {
                request(method, &path, &[("Authorization", &bearer)], &text)
            };
            let handled = handle(&desk, &mut state, &request, now(), &mut Counter(1));
            assert!(
                matches!(handled.reply.status, 200 | 201 | 204 | 400 | 404 | 409),
                "{method} {path} {text}: {}",
                handled.reply.status
            );
            if handled.reply.status == 400 {
                assert!(
                    handled.reason.is_some_and(|r| r.contains('"')
                        || r.contains("JSON")
                        || r.contains("grant_type")),
                    "{method} {path} {text}: a 400 names the field"
                );
            }
        }
    }
}

#[test]
fn one_profiles_credentials_never_reach_anothers_batches_or_calls() {
    let mut accounts = desk().accounts().to_vec();
    let mut other = accounts[0].clone();
    other.name = "other".into();
    other.service_plan = Some(("other-plan".into(), KeySecret::new("other-token")));
    other.application = Some(Application {
        key: "a32e5a8d-f7d8-411c-9645-9038e8dd051d".into(),
        secret: AppSecret::from_base64("ax8hTTQJF0OPXL32r1LHMA==").unwrap(),
    });
    accounts.push(other);
    let desk = Desk::new(accounts, b"key", 3600);
    let mut state = State::default();
    let mine = format!("Bearer {PLAN_TOKEN}");
    let sent = handle(
        &desk,
        &mut state,
        &request(
            "POST",
            &format!("/xms/v1/{PLAN}/batches"),
            &[("Authorization", &mine)],
            r#"{"to":["+46700000000"],"body":"x"}"#,
        ),
        now(),
        &mut Counter(0),
    );
    let id = json_of(&sent)["id"].as_str().unwrap().to_owned();
    let theirs = "Bearer other-token";
    let got = handle(
        &desk,
        &mut state,
        &request(
            "GET",
            &format!("/xms/v1/other-plan/batches/{id}"),
            &[("Authorization", theirs)],
            "",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(
        got.reply.status, 404,
        "another profile's batch is not found"
    );
    let listed = handle(
        &desk,
        &mut state,
        &request(
            "GET",
            "/xms/v1/other-plan/batches",
            &[("Authorization", theirs)],
            "",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(json_of(&listed)["count"], 0);
    let own = handle(
        &desk,
        &mut state,
        &request(
            "GET",
            &format!("/xms/v1/{PLAN}/batches/{id}"),
            &[("Authorization", &mine)],
            "",
        ),
        now(),
        &mut Counter(0),
    );
    assert_eq!(own.reply.status, 200);
}

#[test]
fn a_callback_url_must_be_a_short_http_url() {
    let desk = desk();
    let mut state = State::default();
    let auth = format!("Bearer {PLAN_TOKEN}");
    let send = |url: &str, state: &mut State| {
        let body = json!({"to": ["+46700000000"], "body": "x", "delivery_report": "per_recipient", "callback_url": url}).to_string();
        handle(
            &desk,
            state,
            &request(
                "POST",
                &format!("/xms/v1/{PLAN}/batches"),
                &[("Authorization", &auth)],
                &body,
            ),
            now(),
            &mut Counter(0),
        )
    };
    let long = format!("https://example.com/{}", "a".repeat(3000));
    for bad in [
        long.as_str(),
        "not a url",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "http://x/\nforged",
    ] {
        let handled = send(bad, &mut state);
        assert_eq!(handled.reply.status, 400, "{bad}");
        assert!(handled.reason.unwrap().contains("callback_url"));
    }
    assert_eq!(
        send("https://example.com/sms", &mut state).reply.status,
        201
    );
}

#[test]
fn what_is_kept_is_weighed_as_parsed_not_as_text() {
    let zeros = Value::Array(vec![json!(0); 100_000]);
    assert!(weight_of(&zeros) >= 32 * 100_000, "{}", weight_of(&zeros));
    assert!(weight_of(&json!({"a": "xyz"})) < 200);
}

#[test]
fn ids_have_sinchs_shapes() {
    assert_eq!(
        uuid_text(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
        "01234567-89ab-cdef-0123-456789abcdef"
    );
    let ulid = ulid_text(u128::MAX);
    assert_eq!(ulid.len(), 26);
    assert!(
        ulid.chars()
            .all(|c| c.is_ascii_alphanumeric() && !c.is_ascii_lowercase())
    );
    assert_eq!(Outcome::of("+1 202 555 0001"), Outcome::Fails);
    assert_eq!(Outcome::of("+12025550002"), Outcome::Pending);
    assert_eq!(Outcome::of("+12025550100"), Outcome::Succeeds);
}
