//! How fast the core makes and reads credentials. Run with `cargo bench --bench credentials`;
//! criterion prints the median time per credential (the middle of the `time:` triple).

use std::hint::black_box;

use chrono::DateTime;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sinch_ticket::sinch::{
    AppSecret, JwtRequest, TicketSigner, VerifyWith, inspect, registration_jwt,
};

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";

fn credentials(c: &mut Criterion) {
    let Ok(secret) = AppSecret::from_base64(SECRET) else {
        return;
    };
    let created = DateTime::from_timestamp(1_767_323_045, 0).unwrap_or_default();
    let signer = TicketSigner::new(KEY, &secret);
    let users: Vec<String> = (0..1024).map(|i| format!("user-{i:05}@example")).collect();

    let mut group = c.benchmark_group("legacy_ticket");
    group.throughput(Throughput::Elements(1));
    group.bench_function("batch_push", |b| {
        let mut batch = signer.batch(3600, created);
        let mut out = String::with_capacity(512);
        let mut i = 0;
        b.iter(|| {
            out.clear();
            batch.push_ticket(black_box(&users[i & 1023]), &mut out);
            i += 1;
            black_box(out.len())
        });
    });
    group.bench_function("one_ticket", |b| {
        b.iter(|| signer.ticket(black_box("alice"), 3600, created));
    });
    group.finish();

    let mut group = c.benchmark_group("registration_jwt");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| {
            registration_jwt(
                &secret,
                &JwtRequest {
                    application_key: KEY,
                    user_id: black_box("alice"),
                    issued_at: created,
                    ttl_secs: 600,
                    instance_ttl_secs: None,
                    nonce: "6b438bda-2d5c-4e8c-92b0-39f20a94b34e",
                },
            )
        });
    });
    group.finish();

    let ticket = signer.ticket("alice", 3600, created);
    let verify = VerifyWith {
        secret: &secret,
        application_key: Some(KEY),
    };
    c.bench_function("inspect/legacy_ticket_verified", |b| {
        b.iter(|| inspect(black_box(&ticket), Some(verify), created).is_ok());
    });

    signed_requests(c, &secret);
    callbacks(c, created);
    webhooks(c, &secret);
}

/// A triggered event's body (made and written), and the check of a server's SVAML answer.
fn callbacks(c: &mut Criterion, now: DateTime<chrono::Utc>) {
    use sinch_ticket::sinch::callback::{BodyInputs, Event, check_answer, default_body};
    let inputs = BodyInputs {
        application_key: KEY,
        id: "c0ffee00-0000-4000-8000-000000000001",
        now,
    };
    let mut group = c.benchmark_group("callback");
    group.bench_function("ice_body", |b| {
        b.iter(|| {
            serde_json::to_vec(&default_body(Event::Ice, black_box(inputs))).unwrap_or_default()
        })
    });
    let sent = default_body(Event::Ice, inputs);
    let answer = br#"{"instructions":[{"name":"say","text":"Hello","locale":"en-US"},{"name":"setCookie","key":"k","value":"v"}],"action":{"name":"connectPstn","number":"+46700000001","cli":"+46700000000"}}"#;
    group.bench_function("check_ice_answer", |b| {
        b.iter(|| check_answer(Event::Ice, &sent, 200, black_box(answer)).ok())
    });
    group.finish();
}

/// Signing a REST request, and parsing and verifying a raw signed request: a small JSON body
/// and a 1 MB one.
fn signed_requests(c: &mut Criterion, secret: &AppSecret) {
    use sinch_ticket::net::http1::parse_request;
    use sinch_ticket::sinch::signing::{CallbackKeys, SignRequest, sign_request, verify_request};
    let now = DateTime::from_timestamp(1_401_889_318, 0).unwrap_or_default();
    let small = br#"{"event":"ice","callid":"c-1","cli":"46700000000","to":{"type":"number","endpoint":"46700000001"}}"#.to_vec();
    let large = vec![b'x'; 1 << 20];
    let mut group = c.benchmark_group("request");
    for (name, body) in [("small", &small), ("1MB", &large)] {
        let request = SignRequest {
            method: "POST",
            resource: "/callbacks/ice",
            content_type: Some("application/json"),
            body,
            timestamp: "2014-06-04T13:41:58Z",
        };
        group.bench_function(format!("sign_{name}"), |b| {
            b.iter(|| sign_request(KEY, secret, black_box(&request)))
        });
        let signed = sign_request(KEY, secret, &request);
        let mut raw = format!(
            "POST /callbacks/ice HTTP/1.1\r\nContent-Type: application/json\r\nx-timestamp: 2014-06-04T13:41:58Z\r\nAuthorization: {}\r\nContent-Length: {}\r\n\r\n",
            signed.authorization,
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        let keys = CallbackKeys {
            key: Some(KEY),
            secret,
        };
        group.bench_function(format!("parse_and_verify_{name}"), |b| {
            b.iter(|| {
                parse_request(black_box(&raw))
                    .is_ok_and(|parsed| verify_request(&parsed, keys, now, Some(900)).verified)
            })
        });
    }
    // A request that does not verify, with a 200 KB path of 100,000 segments: the diagnosis
    // of why (charsets, proxy prefixes) stays linear in the request's size.
    let path = "/a".repeat(100_000);
    let raw = format!(
        "POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nx-timestamp: 2014-06-04T13:41:58Z\r\nAuthorization: Application {KEY}:qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=\r\n\r\n{{}}"
    );
    let keys = CallbackKeys {
        key: Some(KEY),
        secret,
    };
    let parsed = parse_request(raw.as_bytes()).unwrap_or_else(|_| unreachable!());
    group.bench_function("mismatch_diagnosis_200KB_path", |b| {
        b.iter(|| verify_request(black_box(&parsed), keys, now, Some(900)).verified)
    });
    group.finish();
}

/// Verifying a received 1 MiB webhook in each scheme, as `listen` and `verify-callback` do
/// (parse, pick the scheme, check the signature), and the same webhook with one byte of its
/// body changed: its signature no longer matches, and the usual causes are tried
/// (re-serialized JSON, line ends, the secret decoded), the price of the diagnosis. (A
/// Mailgun webhook still verifies: its signature does not cover the body.)
fn webhooks(c: &mut Criterion, app_secret: &AppSecret) {
    use sinch_ticket::net::http1::parse_request;
    use sinch_ticket::sinch::callback::{Forgery, WebhookRequest, sign_webhook};
    use sinch_ticket::sinch::received::{Secrets, verify_received};
    use sinch_ticket::sinch::signing::{CallbackKeys, SignRequest, sign_request};
    use sinch_ticket::sinch::webhook::{Scheme, WebhookSecret, WebhookSecrets};
    let now = DateTime::from_timestamp(1_767_323_045, 0).unwrap_or_default();
    let secret = WebhookSecret::new("foo_secret1234");
    let secrets = WebhookSecrets::for_every_scheme(&secret);
    // A 1 MiB JSON body: a Mailgun webhook must be an object with its signature in it.
    let filler = "x".repeat((1 << 20) - 64);
    let body = format!(r#"{{"event-data":{{"event":"delivered","note":"{filler}"}}}}"#);
    let raw_of = |headers: &[(String, String)], body: &[u8]| {
        let mut raw = b"POST /hooks HTTP/1.1\r\n".to_vec();
        for (name, value) in headers {
            raw.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        raw.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        raw.extend_from_slice(body);
        raw
    };
    let mut group = c.benchmark_group("webhook_1MiB");
    group.throughput(Throughput::Bytes(1 << 20));
    for scheme in [Scheme::Conversation, Scheme::Numbers, Scheme::Mailgun] {
        let Ok((headers, signed)) = sign_webhook(
            &secret,
            &WebhookRequest {
                scheme,
                body: body.as_bytes(),
                nonce: "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",
                sent_at: now,
                forgery: Forgery::None,
            },
        ) else {
            return;
        };
        let good = raw_of(&headers, &signed);
        let mut tampered = signed.clone();
        if let Some(last) = tampered.iter().rposition(|b| *b == b'x') {
            tampered[last] = b'y';
        }
        let bad = raw_of(&headers, &tampered);
        for (case, raw) in [("verify", good), ("tampered_body", bad)] {
            group.bench_function(format!("{case}_{}", scheme.name()), |b| {
                b.iter(|| {
                    parse_request(black_box(&raw)).is_ok_and(|parsed| {
                        verify_received(
                            &parsed,
                            Secrets {
                                application: None,
                                webhooks: &secrets,
                            },
                            None,
                            now,
                            Some(900),
                        )
                        .0
                        .verified
                    })
                })
            });
        }
    }
    // The application scheme (Voice, Verification) through the same door, for comparison.
    let stamp = "2026-01-02T03:04:05Z";
    let signed = sign_request(
        KEY,
        app_secret,
        &SignRequest {
            method: "POST",
            resource: "/hooks",
            content_type: Some("application/json"),
            body: body.as_bytes(),
            timestamp: stamp,
        },
    );
    let headers = [
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("x-timestamp".to_owned(), stamp.to_owned()),
        ("Authorization".to_owned(), signed.authorization.clone()),
    ];
    let raw = raw_of(&headers, body.as_bytes());
    let empty = WebhookSecrets::default();
    group.bench_function("verify_application", |b| {
        b.iter(|| {
            parse_request(black_box(&raw)).is_ok_and(|parsed| {
                verify_received(
                    &parsed,
                    Secrets {
                        application: Some(CallbackKeys {
                            key: Some(KEY),
                            secret: app_secret,
                        }),
                        webhooks: &empty,
                    },
                    None,
                    now,
                    Some(900),
                )
                .0
                .verified
            })
        })
    });
    group.finish();
}

criterion_group!(benches, credentials);
criterion_main!(benches);
