use chrono::TimeZone as _;

use super::*;

const CONVERSATION_BODY: &str = r#"{"app_id":"","accepted_time":"2021-10-18T17:49:13.813615Z","project_id":"e2df3a34-a71b-4448-9db5-a8d2baad28e4","contact_create_notification":{"contact":{"id":"01FJA8B466Y0R2GNXD78MD9SM1","channel_identities":[{"channel":"SMS","identity":"48123456789","app_id":""}],"display_name":"New Test Contact","email":"new.contact@email.com","external_id":"","metadata":"","language":"EN_US"}},"message_metadata":""}"#;
const NUMBERS_BODY: &str = r#"{"eventId":"01hpa0mww4m79q8j2dwn3ggbgz","timestamp":"2024-02-10T17:22:09.412722588","projectId":"37b62a7b-0177-abcd-efgh-e10f848de123","resourceId":"+17818510001","resourceType":"ACTIVE_NUMBER","eventType":"DEPROVISIONING_FROM_VOICE_PLATFORM","status":"SUCCEEDED","failureCode":null}"#;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

fn request(headers: &[(&str, &str)], body: &[u8]) -> RawRequest {
    RawRequest {
        method: "POST".into(),
        target: "/webhooks".into(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.to_vec(),
    }
}

fn conversation(body: &[u8], signature: &str) -> RawRequest {
    request(
        &[
            (
                "x-sinch-webhook-signature-nonce",
                "01FJA8B4A7BM43YGWSG9GBV067",
            ),
            ("x-sinch-webhook-signature-timestamp", "1634579353"),
            ("x-sinch-webhook-signature-algorithm", "HmacSHA256"),
            ("x-sinch-webhook-signature", signature),
        ],
        body,
    )
}

#[test]
fn sinchs_conversation_vector_verifies_and_a_changed_byte_does_not() {
    let secret = WebhookSecret::new("foo_secret1234");
    let signature = conversation_signature(
        &secret,
        CONVERSATION_BODY.as_bytes(),
        "01FJA8B4A7BM43YGWSG9GBV067",
        "1634579353",
    );
    assert_eq!(signature, "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=");
    let good = conversation(CONVERSATION_BODY.as_bytes(), &signature);
    assert_eq!(Scheme::of_request(&good), Some(Scheme::Conversation));
    let verdict = verify_webhook(&good, None, &secret, at(1_634_579_400), Some(900));
    assert!(verdict.verified, "{verdict:?}");
    let changed = CONVERSATION_BODY.replace("New Test", "New Best");
    let verdict = verify_webhook(
        &conversation(changed.as_bytes(), &signature),
        None,
        &secret,
        at(1_634_579_400),
        Some(900),
    );
    assert!(!verdict.verified);
    assert!(verdict.reason.unwrap().contains("does not match"));
}

/// The SMS known answer of Sinch's Node SDK tests (`@sinch/sms`, `callbacks-webhook.test.ts`):
/// the same scheme as Conversation, with the SMS webhook's secret.
#[test]
fn sinchs_sms_vector_verifies_and_a_changed_byte_does_not() {
    let body = r#"{"at":"2025-01-13T09:22:40.914Z","batch_id":"01JHFFHQ0P99JPPNQPJDV7JTBP","client_reference":"a client reference","code":0,"operator_status_at":"2025-01-13T09:22:00Z","recipient":"33662162466","status":"Delivered","type":"recipient_delivery_report_sms"}"#;
    let secret = WebhookSecret::new("SMSWebhooksSecret");
    let signature = conversation_signature(
        &secret,
        body.as_bytes(),
        "01JHFFHWYY7HSS4FWTMDTQEK8V",
        "1736760161",
    );
    assert_eq!(signature, "ZoHei66PPN/kZjw7hFVfGhJOnml3iGNCMWoyQVcE5o0=");
    let sent = |body: &str| {
        request(
            &[
                (
                    "x-sinch-webhook-signature-nonce",
                    "01JHFFHWYY7HSS4FWTMDTQEK8V",
                ),
                ("x-sinch-webhook-signature-timestamp", "1736760161"),
                ("x-sinch-webhook-signature", &signature),
            ],
            body.as_bytes(),
        )
    };
    let verdict = verify_webhook(&sent(body), None, &secret, at(1_736_760_200), Some(900));
    assert!(verdict.verified, "{verdict:?}");
    assert_eq!(
        crate::sinch::callback::Event::of_body(body.as_bytes()),
        Some(crate::sinch::callback::Event::SmsDeliveryReport)
    );
    let changed = body.replace("Delivered", "Dispatched");
    assert!(!verify_webhook(&sent(&changed), None, &secret, at(1_736_760_200), None).verified);
}

#[test]
fn an_old_conversation_webhook_is_a_possible_replay_unless_allowed() {
    let secret = WebhookSecret::new("foo_secret1234");
    let good = conversation(
        CONVERSATION_BODY.as_bytes(),
        "6bpJoRmFoXVjfJIVglMoJzYXxnoxRujzR4k2GOXewOE=",
    );
    let later = at(1_634_579_353 + 3600);
    let verdict = verify_webhook(&good, None, &secret, later, Some(900));
    assert!(!verdict.verified && verdict.too_old, "{verdict:?}");
    assert!(verdict.reason.unwrap().contains("replay"));
    assert!(verify_webhook(&good, None, &secret, later, None).verified);
}

#[test]
fn a_conversation_mismatch_names_the_cause_that_fits() {
    let secret = WebhookSecret::new("foo_secret1234");
    let sign = |body: &str, secret: &WebhookSecret| {
        conversation_signature(
            secret,
            body.as_bytes(),
            "01FJA8B4A7BM43YGWSG9GBV067",
            "1634579353",
        )
    };
    let now = at(1_634_579_400);
    let reason = |request: &RawRequest| {
        verify_webhook(request, None, &secret, now, Some(900))
            .reason
            .unwrap_or_default()
    };
    // Signed compact, checked after a parse and pretty serialization.
    let pretty = format!(
        "{:#}",
        serde_json::from_str::<Value>(CONVERSATION_BODY).unwrap()
    );
    let signed_compact = sign(CONVERSATION_BODY, &secret);
    assert!(
        reason(&conversation(pretty.as_bytes(), &signed_compact))
            .contains("parsed and serialized again"),
    );
    // Signed with its letters escaped, checked after JSON.parse and JSON.stringify.
    let escaped = r#"{"text":"Hej \u00c5sa \ud83d\udc4b"}"#;
    assert!(
        reason(&conversation(
            "{\"text\":\"Hej Åsa 👋\"}".as_bytes(),
            &sign(escaped, &secret)
        ))
        .contains("parsed and serialized again"),
    );
    // CRLF turned into LF.
    let crlf = "{\r\n\"a\":1\r\n}";
    assert!(
        reason(&conversation(b"{\n\"a\":1\n}", &sign(crlf, &secret)))
            .contains("from CRLF (as signed) to LF")
    );
    // A trailing newline added.
    let with_newline = format!("{CONVERSATION_BODY}\n");
    assert!(
        reason(&conversation(with_newline.as_bytes(), &signed_compact))
            .contains("trailing line break was added")
    );
    // Nonce and timestamp swapped by the signer.
    let swapped = conversation_signature(
        &secret,
        CONVERSATION_BODY.as_bytes(),
        "1634579353",
        "01FJA8B4A7BM43YGWSG9GBV067",
    );
    assert!(
        reason(&conversation(CONVERSATION_BODY.as_bytes(), &swapped))
            .contains("timestamp before the nonce")
    );
    // The secret base64-decoded by the signer.
    let b64_secret = WebhookSecret::new("c2VjcmV0LXRleHQ=");
    let decoded = WebhookSecret::new("secret-text");
    let verdict = verify_webhook(
        &conversation(
            CONVERSATION_BODY.as_bytes(),
            &sign(CONVERSATION_BODY, &decoded),
        ),
        None,
        &b64_secret,
        now,
        Some(900),
    );
    assert!(verdict.reason.unwrap().contains("base64-decoded"));
    // Nothing fits: said so, with the string's parts.
    assert!(reason(&conversation(b"{}", &signed_compact)).contains("differ from what was signed"));
}

#[test]
fn sinchs_numbers_vector_verifies_and_says_nothing_protects_it_against_replay() {
    let secret = WebhookSecret::new("my-callback-secret");
    let signature = numbers_signature(&secret, NUMBERS_BODY.as_bytes());
    assert_eq!(signature, "b93021e0182c2772dbcdf4e8983ae8f409e78c3b");
    let good = request(
        &[("X-Sinch-Signature", &signature)],
        NUMBERS_BODY.as_bytes(),
    );
    assert_eq!(Scheme::of_request(&good), Some(Scheme::Numbers));
    let verdict = verify_webhook(&good, None, &secret, at(0), Some(900));
    assert!(verdict.verified, "{verdict:?}");
    assert!(verdict.warnings[0].contains("replay"));
    let changed = NUMBERS_BODY.replace("SUCCEEDED", "FAILED");
    let bad = request(&[("X-Sinch-Signature", &signature)], changed.as_bytes());
    assert!(!verify_webhook(&bad, None, &secret, at(0), Some(900)).verified);
}

#[test]
fn the_mailgun_vector_verifies_in_json_and_form_bodies_and_says_event_data_is_not_covered() {
    let key = WebhookSecret::new("key-3ax6xnjp29jd6fds4gc373sgvjxteol0");
    let token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
    let signature = mailgun_signature(&key, "1529006854", token);
    assert_eq!(
        signature,
        "b63c0701c4f4b614f272106a1b367c5c3369bcdca664ae73ebd52787e45eef07"
    );
    let json = format!(
        r#"{{"signature":{{"timestamp":"1529006854","token":"{token}","signature":"{signature}"}},"event-data":{{"event":"delivered"}}}}"#
    );
    let form = format!("timestamp=1529006854&token={token}&signature={signature}&event=delivered");
    for body in [json, form] {
        let webhook = request(&[], body.as_bytes());
        assert_eq!(Scheme::of_request(&webhook), Some(Scheme::Mailgun));
        let verdict = verify_webhook(&webhook, None, &key, at(1_529_006_900), Some(900));
        assert!(verdict.verified, "{verdict:?}");
        assert!(verdict.warnings[0].contains("event-data"));
        let verdict = verify_webhook(&webhook, None, &key, at(1_529_106_900), Some(900));
        assert!(verdict.too_old, "a day later: {verdict:?}");
        let other = WebhookSecret::new("key-another");
        assert!(!verify_webhook(&webhook, None, &other, at(1_529_006_900), None).verified);
    }
}

#[test]
fn a_request_without_a_webhook_signature_is_named_and_the_secret_never_shown() {
    let verdict = verify_webhook(
        &request(&[], b"{}"),
        None,
        &WebhookSecret::new("s3cr3t"),
        at(0),
        None,
    );
    assert!(!verdict.verified && verdict.scheme.is_none());
    assert!(verdict.reason.unwrap().contains("no webhook signature"));
    assert_eq!(
        format!("{:?}", WebhookSecret::new("s3cr3t")),
        "WebhookSecret(<redacted>)"
    );
}

/// The signature joins body, nonce and timestamp with dots: a captured webhook whose body's
/// tail is moved into the nonce still carries a valid MAC, and must not pass as a new one.
#[test]
fn moving_part_of_the_body_into_the_nonce_is_refused() {
    let secret = WebhookSecret::new("foo_secret1234");
    let signature = conversation_signature(
        &secret,
        CONVERSATION_BODY.as_bytes(),
        "01FJA8B4A7BM43YGWSG9GBV067",
        "1634579353",
    );
    let cut = CONVERSATION_BODY.rfind('.').unwrap();
    let (head, tail) = CONVERSATION_BODY.split_at(cut);
    let moved_nonce = format!("{}.01FJA8B4A7BM43YGWSG9GBV067", &tail[1..]);
    // The same MAC holds for the moved parts...
    assert_eq!(
        conversation_signature(&secret, head.as_bytes(), &moved_nonce, "1634579353"),
        signature
    );
    let moved = request(
        &[
            ("x-sinch-webhook-signature-nonce", &moved_nonce),
            ("x-sinch-webhook-signature-timestamp", "1634579353"),
            ("x-sinch-webhook-signature", &signature),
        ],
        head.as_bytes(),
    );
    // ...and the verdict refuses it, as it does a timestamp that is not Unix seconds.
    let verdict = verify_webhook(&moved, None, &secret, at(1_634_579_400), Some(900));
    assert!(!verdict.verified, "{verdict:?}");
    assert!(verdict.reason.unwrap().contains("nonce holds a dot"));
    let odd_stamp = request(
        &[
            (
                "x-sinch-webhook-signature-nonce",
                "01FJA8B4A7BM43YGWSG9GBV067",
            ),
            ("x-sinch-webhook-signature-timestamp", "1634579353.5"),
            ("x-sinch-webhook-signature", &signature),
        ],
        CONVERSATION_BODY.as_bytes(),
    );
    assert!(!verify_webhook(&odd_stamp, None, &secret, at(1_634_579_400), None).verified);
}

/// Mailgun's MAC covers timestamp and token simply joined, so other bytes signed with the
/// same secret (a Conversation webhook's, say) could be cut into a "timestamp" and a
/// "token": only Mailgun's shapes are taken, even with a MAC that holds.
#[test]
fn a_mailgun_signature_over_other_shapes_is_refused() {
    let key = WebhookSecret::new("key-3ax6xnjp29jd6fds4gc373sgvjxteol0");
    let token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
    for (stamp, token) in [
        ("{\"app_id\":\"\"", token),
        ("1529006854", &token[..49]),
        (
            "1529006854",
            "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3d.0",
        ),
        ("", token),
    ] {
        let signature = mailgun_signature(&key, stamp, token);
        let body = serde_json::json!({
            "signature": {"timestamp": stamp, "token": token, "signature": signature},
            "event-data": {"event": "delivered"},
        })
        .to_string();
        let verdict = verify_webhook(
            &request(&[], body.as_bytes()),
            None,
            &key,
            at(1_529_006_900),
            None,
        );
        assert!(!verdict.verified, "{stamp:?} {token:?}: {verdict:?}");
        assert!(verdict.reason.unwrap().contains("Unix seconds"));
    }
}
