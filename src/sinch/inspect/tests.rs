use super::*;
use crate::sinch::{JwtRequest, TicketSigner, registration_jwt};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;

const SECRET: &str = "oYdgGRXoxEuJhGDY2KQ/HQ==";
const KEY: &str = "196087a1-e815-4bc4-8984-60d8d8a43f1d";
const VECTOR: &str = "eyJpZGVudGl0eSI6eyJ0eXBlIjoidXNlcm5hbWUiLCJlbmRwb2ludCI6ImFsaWNlIn0sImV4cGlyZXNJbiI6MzYwMCwiYXBwbGljYXRpb25LZXkiOiIxOTYwODdhMS1lODE1LTRiYzQtODk4NC02MGQ4ZDhhNDNmMWQiLCJjcmVhdGVkIjoiMjAyNi0wMS0wMlQwMzowNDowNVoifQ==:aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=";
const JWT_SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
const JWT_KEY: &str = "a32e5a8d-f7d8-411c-9645-9038e8dd051d";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImhrZGZ2MS0yMDE4MDEwMiJ9.eyJpc3MiOiIvL3J0Yy5zaW5jaC5jb20vYXBwbGljYXRpb25zL2EzMmU1YThkLWY3ZDgtNDExYy05NjQ1LTkwMzhlOGRkMDUxZCIsInN1YiI6Ii8vcnRjLnNpbmNoLmNvbS9hcHBsaWNhdGlvbnMvYTMyZTVhOGQtZjdkOC00MTFjLTk2NDUtOTAzOGU4ZGQwNTFkL3VzZXJzL2ZvbyIsImlhdCI6MTUxNDg2MjI0NSwiZXhwIjoxNTE0ODYyODQ1LCJub25jZSI6IjZiNDM4YmRhLTJkNWMtNGU4Yy05MmIwLTM5ZjIwYTk0YjM0ZSJ9.EUltTTD4fxhkwCgLgj6qSQXKawpwQ952Ywm3OwQSARo";

fn secret() -> AppSecret {
    AppSecret::from_base64(SECRET).unwrap()
}

fn with(secret: &AppSecret) -> Option<VerifyWith<'_>> {
    Some(VerifyWith {
        secret,
        application_key: None,
    })
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().into()
}

/// A ticket as another generator lays it out: these exact JSON bytes, signed as Sinch does.
fn foreign_ticket(json: &[u8], secret: &AppSecret) -> String {
    let mac = keyed_mac(secret.bytes())
        .chain_update(json)
        .finalize()
        .into_bytes();
    format!("{}:{}", STANDARD.encode(json), STANDARD.encode(mac))
}

fn has_finding(inspection: &Inspection, severity: Severity, text: &str) -> bool {
    inspection
        .findings
        .iter()
        .any(|f| f.severity == severity && f.message.contains(text))
}

#[test]
fn reads_and_verifies_the_known_answer_ticket() {
    let secret = secret();
    let now = at("2026-01-02T03:34:05Z");
    let report = inspect(VECTOR, with(&secret), now).unwrap();
    assert_eq!(report.kind, TokenKind::LegacyTicket);
    assert_eq!(report.verdict, Verdict::Verified);
    assert!(report.accepted());
    assert_eq!(
        report.identity,
        Some(Identity {
            kind: "username".into(),
            endpoint: "alice".into()
        })
    );
    assert_eq!(report.application_key.as_deref(), Some(KEY));
    assert_eq!(report.issued_at, Some(at("2026-01-02T03:04:05Z")));
    assert_eq!(report.expires_at, Some(at("2026-01-02T04:04:05Z")));
    assert_eq!(report.expiry.as_deref(), Some("expires in 30m"));
    assert_eq!(report.expired, Some(false));
    assert!(report.json.starts_with(r#"{"identity":{"type":"username""#));
}

#[test]
fn says_when_a_ticket_has_expired_without_failing_its_signature() {
    let secret = secret();
    let report = inspect(VECTOR, with(&secret), at("2026-01-02T06:04:05Z")).unwrap();
    assert_eq!(report.expired, Some(true));
    assert_eq!(report.expiry.as_deref(), Some("expired 2h ago"));
    assert!(has_finding(&report, Severity::Warning, "expired"));
    assert_eq!(report.verdict, Verdict::Verified);
}

#[test]
fn decodes_without_a_secret_and_says_it_did_not_check() {
    let report = inspect(VECTOR, None, at("2026-01-02T03:04:05Z")).unwrap();
    assert_eq!(report.verdict, Verdict::NotChecked);
    assert!(!report.accepted());
}

#[test]
fn accepts_pasted_wrapping() {
    let now = at("2026-01-02T03:04:05Z");
    for wrapped in [
        format!("  {VECTOR}\n"),
        format!("\"{VECTOR}\""),
        format!("Authorization: user {VECTOR}"),
        format!("Bearer {JWT}"),
        format!("authorization: bearer {JWT}"),
        format!("AUTHORIZATION: User {VECTOR}"),
    ] {
        assert!(inspect(&wrapped, None, now).is_ok(), "{wrapped}");
    }
}

#[test]
fn verifies_every_generator_layout_over_its_own_bytes() {
    let secret = secret();
    let now = at("2026-01-02T03:04:06Z");
    let layouts: &[(&str, &str, Option<&str>)] = &[
        (
            "npm sinch-ticketgen",
            r#"{"applicationKey":"K","identity":{"type":"username","endpoint":"alice"},"created":"2026-01-02T03:04:05.000Z","expiresIn":86400}"#,
            Some("2026-01-03T03:04:05Z"),
        ),
        (
            "PHP sample",
            r#"{"identity":{"type":"username","endpoint":"\u00c5sa\/x"},"expiresIn":3600,"applicationKey":"K","created":"2026-01-02T04:04:05+01:00"}"#,
            Some("2026-01-02T04:04:05Z"),
        ),
        (
            "Python 2 sample",
            r#"{"expiresIn": 3600, "applicationKey": "K", "identity": {"endpoint": "alice", "type": "username"}, "created": "2026-01-02T03:04:05"}"#,
            Some("2026-01-02T04:04:05Z"),
        ),
        (
            "Python 2 sample with microseconds",
            r#"{"expiresIn": 3600, "applicationKey": "K", "identity": {"endpoint": "alice", "type": "username"}, "created": "2026-01-02T03:04:05.123456"}"#,
            Some("2026-01-02T04:04:05.123456Z"),
        ),
        (
            "C# sample",
            r#"{"identity":{"type":"username","endpoint":"alice"},"applicationkey":"K","created":"2026-01-02T03:04:05.1234567Z"}"#,
            None,
        ),
        (
            "Sinch REST login",
            r#"{"applicationKey":"K","identity":{"type":"email","endpoint":"address@example.com"},"created":"2015-06-24T08:32:32.9417605Z"}"#,
            None,
        ),
        (
            "number identity",
            r#"{"identity":{"type":"number","endpoint":"+46700000000"},"expiresIn":60,"applicationKey":"K","created":"2026-01-02T03:04:05Z"}"#,
            Some("2026-01-02T03:05:05Z"),
        ),
    ];
    for (name, json, expires) in layouts {
        let ticket = foreign_ticket(json.as_bytes(), &secret);
        let report = inspect(&ticket, with(&secret), now).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report.verdict, Verdict::Verified, "{name}");
        assert_eq!(
            report.json, *json,
            "{name}: the JSON is shown exactly as signed"
        );
        assert_eq!(report.application_key.as_deref(), Some("K"), "{name}");
        assert!(report.issued_at.is_some(), "{name}");
        assert_eq!(report.expires_at, expires.map(at), "{name}");
    }
    let php = foreign_ticket(layouts[1].1.as_bytes(), &secret);
    let php = inspect(&php, None, now).unwrap();
    assert_eq!(php.identity.unwrap().endpoint, "Åsa/x");
}

#[test]
fn reads_the_server_issued_example_without_its_secret() {
    let json = r#"{"applicationKey":"YOUR_APPLICATION_KEY","identity":{"type":"email","endpoint":"address@example.com"},"created":"2015-06-24T08:32:32.9417605Z"}"#;
    let ticket = format!("{}:{}", STANDARD.encode(json), STANDARD.encode([7u8; 32]));
    let report = inspect(&ticket, None, at("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(report.identity.as_ref().unwrap().kind, "email");
    assert_eq!(
        report.application_key.as_deref(),
        Some("YOUR_APPLICATION_KEY")
    );
    assert_eq!(report.issued_at.unwrap().timestamp(), 1_435_134_752);
    assert_eq!(report.expires_at, None);
    assert!(has_finding(&report, Severity::Info, "no \"expiresIn\""));
}

#[test]
fn explains_a_wrong_secret_and_a_wrong_key() {
    let other = AppSecret::from_base64("ax8hTTQJF0OPXL32r1LHMA==").unwrap();
    let now = at("2026-01-02T03:04:05Z");
    let report = inspect(VECTOR, with(&other), now).unwrap();
    let Verdict::Failed { reason } = &report.verdict else {
        panic!("{report:?}")
    };
    assert!(reason.contains("does not match this secret"), "{reason}");

    let secret = secret();
    let verify = VerifyWith {
        secret: &secret,
        application_key: Some("another-key"),
    };
    let report = inspect(VECTOR, Some(verify), now).unwrap();
    assert_eq!(report.verdict, Verdict::Verified);
    assert!(!report.accepted());
    assert!(has_finding(
        &report,
        Severity::Error,
        "but the key given is another-key"
    ));
}

#[test]
fn recognises_the_sinch_auth_gems_truncated_mac() {
    let secret = secret();
    let signer = TicketSigner::new(KEY, &secret);
    let created = at("2026-01-02T03:04:05Z");
    // Find a username whose MAC starts or ends with a byte Ruby's strip removes.
    let (ticket, mac) = (0..10_000)
        .find_map(|i| {
            let ticket = signer.ticket(&format!("user{i}"), 3600, created);
            let (_, mac) = ticket.split_once(':')?;
            let mac = STANDARD.decode(mac).ok()?;
            (is_ruby_strip_byte(mac[0]) || is_ruby_strip_byte(mac[31])).then_some((ticket, mac))
        })
        .unwrap();
    let start = mac.iter().position(|b| !is_ruby_strip_byte(*b)).unwrap();
    let end = mac.iter().rposition(|b| !is_ruby_strip_byte(*b)).unwrap();
    let (json, _) = ticket.split_once(':').unwrap();
    let gem_ticket = format!("{json}:{}", STANDARD.encode(&mac[start..=end]));
    let report = inspect(&gem_ticket, with(&secret), created).unwrap();
    let Verdict::Failed { reason } = report.verdict else {
        panic!()
    };
    assert!(reason.contains("sinch_auth gem's strip defect"), "{reason}");
}

#[test]
fn recognises_the_npm_generators_latin1_encoding() {
    let secret = secret();
    let utf8 = r#"{"applicationKey":"K","identity":{"type":"username","endpoint":"Åsa"},"created":"2026-01-02T03:04:05.000Z","expiresIn":86400}"#;
    let mac = keyed_mac(secret.bytes())
        .chain_update(utf8.as_bytes())
        .finalize()
        .into_bytes();
    let latin1: Vec<u8> = utf8
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let ticket = format!("{}:{}", STANDARD.encode(&latin1), STANDARD.encode(mac));
    let report = inspect(&ticket, with(&secret), at("2026-01-02T03:04:05Z")).unwrap();
    assert_eq!(report.identity.as_ref().unwrap().endpoint, "Åsa");
    assert!(has_finding(&report, Severity::Error, "Latin-1"));
    let Verdict::Failed { reason } = report.verdict else {
        panic!()
    };
    assert!(reason.contains("npm sinch-ticketgen"), "{reason}");
}

#[test]
fn explains_garbage_precisely() {
    let now = at("2026-01-02T03:04:05Z");
    let cases: &[(&str, &str)] = &[
        ("", "nothing to inspect"),
        ("hello world", "not a Sinch credential"),
        ("a:b:c", "not a Sinch credential"),
        ("a.b", "not a Sinch credential"),
        (
            "!!!:AAAA",
            "first part (the ticket's JSON) is not valid base64",
        ),
        (
            "e30=:!!!",
            "second part (the signature) is not valid base64",
        ),
        ("aGVsbG8=:AAAA", "decodes, but not to JSON"),
        ("WzFd:AAAA", "not an object"),
        ("e30=:AAAA", "no \"identity\" object"),
        ("%%.e30.AAAA", "JWT header is not valid base64"),
        ("e30.e30.%%", "JWT signature is not valid base64"),
        ("e30.aGVsbG8.AAAA", "JWT payload decodes, but not to JSON"),
    ];
    for (input, expected) in cases {
        let err = inspect(input, None, now).unwrap_err().to_string();
        assert!(err.contains(expected), "{input:?}: {err}");
    }
}

#[test]
fn reads_and_verifies_sinchs_published_jwt() {
    let secret = AppSecret::from_base64(JWT_SECRET).unwrap();
    let now = at("2018-01-02T03:09:05Z");
    let report = inspect(
        JWT,
        Some(VerifyWith {
            secret: &secret,
            application_key: Some(JWT_KEY),
        }),
        now,
    )
    .unwrap();
    assert_eq!(report.kind, TokenKind::RegistrationJwt);
    assert_eq!(report.verdict, Verdict::Verified);
    assert!(report.accepted(), "{report:?}");
    assert_eq!(report.identity.as_ref().unwrap().endpoint, "foo");
    assert_eq!(report.application_key.as_deref(), Some(JWT_KEY));
    assert_eq!(report.issued_at.unwrap().timestamp(), 1_514_862_245);
    assert_eq!(report.expiry.as_deref(), Some("expires in 5m"));
    assert!(has_finding(&report, Severity::Info, "valid for 10m"));
}

fn signed_jwt(header: &str, payload: &str, secret: &AppSecret, day: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let key = derive_signing_key(secret, day);
    let tag = keyed_mac(key.as_slice())
        .chain_update(message.as_bytes())
        .finalize()
        .into_bytes();
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(tag))
}

#[test]
fn verifies_the_alphabetically_sorted_jwt_from_sinchs_examples() {
    let secret = AppSecret::from_base64(JWT_SECRET).unwrap();
    let payload = format!(
        r#"{{"exp":1514862845,"iat":1514862245,"iss":"//rtc.sinch.com/applications/{JWT_KEY}","nonce":"6b438bda-2d5c-4e8c-92b0-39f20a94b34e","sub":"//rtc.sinch.com/applications/{JWT_KEY}/users/foo"}}"#
    );
    let jwt = signed_jwt(
        r#"{"alg":"HS256","kid":"hkdfv1-20180102"}"#,
        &payload,
        &secret,
        "20180102",
    );
    assert!(
        jwt.ends_with(".10N-QAvRK0-dacox5X5YusK7C0AWb-kZLiNNTKLQw8I"),
        "{jwt}"
    );
    let report = inspect(&jwt, with(&secret), at("2018-01-02T03:04:05Z")).unwrap();
    assert_eq!(report.verdict, Verdict::Verified);
    assert!(report.accepted());

    let typed = signed_jwt(
        r#"{"typ":"JWT","kid":"hkdfv1-20180102","alg":"HS256"}"#,
        &payload,
        &secret,
        "20180102",
    );
    let report = inspect(&typed, with(&secret), at("2018-01-02T03:04:05Z")).unwrap();
    assert!(report.accepted());
}

#[test]
fn explains_jwts_sinch_would_reject() {
    let secret = AppSecret::from_base64(JWT_SECRET).unwrap();
    let now = at("2018-01-02T03:04:05Z");
    let iss = format!("//rtc.sinch.com/applications/{JWT_KEY}");
    let sub = format!("{iss}/users/foo");
    let cases: &[(&str, String, &str)] = &[
        (
            "hkdfv1-20180102",
            format!(
                r#"{{"iss":"{iss}","sub":"{sub}","iat":1514862245000,"exp":1514862845000,"nonce":"n"}}"#
            ),
            "looks like milliseconds",
        ),
        (
            "hkdfv1-20180102",
            format!(
                r#"{{"iss":"{iss}","sub":"{sub}","iat":1514862245,"exp":1514862275,"nonce":"n"}}"#
            ),
            "exp - iat is 30 s",
        ),
        (
            "hkdfv1-20180101",
            format!(
                r#"{{"iss":"{iss}","sub":"{sub}","iat":1514862245,"exp":1514862845,"nonce":"n"}}"#
            ),
            "not the UTC date of iat",
        ),
    ];
    for (kid, payload, expected) in cases {
        let day = kid.trim_start_matches("hkdfv1-");
        let header = format!(r#"{{"alg":"HS256","kid":"{kid}"}}"#);
        let jwt = signed_jwt(&header, payload, &secret, day);
        let report = inspect(&jwt, with(&secret), now).unwrap();
        assert!(
            has_finding(&report, Severity::Error, expected),
            "{expected}: {report:?}"
        );
        assert!(!report.accepted(), "{expected}");
    }

    let other = AppSecret::from_base64(SECRET).unwrap();
    let report = inspect(JWT, with(&other), now).unwrap();
    let Verdict::Failed { reason } = report.verdict else {
        panic!()
    };
    assert!(reason.contains("does not match this secret"), "{reason}");
}

#[test]
fn out_of_range_numbers_are_reasons_sinch_rejects_not_fine() {
    let secret = secret();
    let now = at("2026-01-02T03:04:05Z");
    let ticket = foreign_ticket(
        format!(
            r#"{{"identity":{{"type":"username","endpoint":"alice"}},"expiresIn":9223372036854775807,"applicationKey":"{KEY}","created":"2026-01-02T03:04:05Z"}}"#
        )
        .as_bytes(),
        &secret,
    );
    let report = inspect(&ticket, with(&secret), now).unwrap();
    assert!(
        has_finding(&report, Severity::Error, "out of range"),
        "{report:?}"
    );
    assert!(!report.accepted());

    let ends_late = foreign_ticket(
        format!(
            r#"{{"identity":{{"type":"username","endpoint":"alice"}},"expiresIn":86400,"applicationKey":"{KEY}","created":"9999-12-31T12:00:00Z"}}"#
        )
        .as_bytes(),
        &secret,
    );
    let report = inspect(&ends_late, with(&secret), now).unwrap();
    assert!(
        has_finding(&report, Severity::Error, "after the year 9999"),
        "{report:?}"
    );

    let jwt_secret = AppSecret::from_base64(JWT_SECRET).unwrap();
    let iss = format!("//rtc.sinch.com/applications/{JWT_KEY}");
    let payload = format!(
        r#"{{"iss":"{iss}","sub":"{iss}/users/foo","iat":-9223372036854775808,"exp":1514862845,"nonce":"n"}}"#
    );
    let jwt = signed_jwt(
        r#"{"alg":"HS256","kid":"hkdfv1-20180102"}"#,
        &payload,
        &jwt_secret,
        "20180102",
    );
    let report = inspect(&jwt, with(&jwt_secret), now).unwrap();
    assert!(
        has_finding(
            &report,
            Severity::Error,
            "\"iat\" is -9223372036854775808, out of range"
        ),
        "{report:?}"
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.message.contains("valid for")),
        "{report:?}"
    );
    assert!(!report.accepted());
}

#[test]
fn messages_show_json_values_not_rust_debug_text() {
    let secret = AppSecret::from_base64(JWT_SECRET).unwrap();
    let iss = format!("//rtc.sinch.com/applications/{JWT_KEY}");
    let payload = format!(
        r#"{{"iss":"{iss}","sub":"{iss}/users/foo","iat":1514862245,"exp":1514862845,"nonce":"n"}}"#
    );
    let jwt = signed_jwt(r#"{"alg":"none"}"#, &payload, &secret, "20180102");
    let report = inspect(&jwt, with(&secret), at("2018-01-02T03:04:05Z")).unwrap();
    let all: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        all.iter().any(|m| m.contains(r#""alg" is "none""#)),
        "{all:?}"
    );
    assert!(
        all.iter().any(|m| m.contains(r#""kid" is missing"#)),
        "{all:?}"
    );
    assert!(
        !all.iter()
            .any(|m| m.contains("Some(") || m.contains("None")),
        "{all:?}"
    );
}

proptest! {
    /// Whatever the faces agree to generate (the core's `time::expiry` allows it), the
    /// inspector accepts: the two share one set of limits.
    #[test]
    fn the_generator_and_the_inspector_agree_on_limits(
        iat in 0i64..=crate::sinch::time::LATEST_UNIX_SECS,
        ttl in 60u64..=crate::sinch::time::MAX_LIFETIME_SECS,
        near_the_end in any::<bool>(),
    ) {
        let latest = crate::sinch::time::LATEST_UNIX_SECS;
        let iat = if near_the_end { latest - (iat % (2 * ttl as i64)) } else { iat };
        let secret = secret();
        let issued_at = DateTime::from_timestamp(iat, 0).unwrap();
        let Ok(expires) = crate::sinch::time::expiry(issued_at, ttl) else {
            prop_assert!(iat + ttl as i64 > latest);
            return Ok(());
        };
        let jwt = registration_jwt(&secret, &JwtRequest {
            application_key: KEY, user_id: "u", issued_at, ttl_secs: ttl,
            instance_ttl_secs: None, nonce: "n",
        });
        let report = inspect(&jwt, with(&secret), issued_at).unwrap();
        prop_assert!(report.accepted(), "{:?}", report);
        prop_assert_eq!(report.expires_at, Some(expires));
        let ticket = TicketSigner::new(KEY, &secret).ticket("u", ttl, issued_at);
        let report = inspect(&ticket, with(&secret), issued_at).unwrap();
        prop_assert!(report.accepted(), "{:?}", report);
        prop_assert_eq!(report.expires_at, Some(expires));
    }

    #[test]
    fn every_generated_ticket_inspects_as_what_was_asked(
        user in "\\PC{1,40}|[\\s\\S]{1,20}",
        expires_in in 1u64..=crate::sinch::time::MAX_LIFETIME_SECS,
        created_secs in 0i64..4_000_000_000,
    ) {
        let secret = secret();
        let created = DateTime::from_timestamp(created_secs, 0).unwrap();
        let ticket = TicketSigner::new(KEY, &secret).ticket(&user, expires_in, created);
        let report = inspect(&ticket, with(&secret), created).unwrap();
        prop_assert_eq!(&report.verdict, &Verdict::Verified);
        prop_assert_eq!(&report.identity.as_ref().unwrap().endpoint, &user);
        prop_assert_eq!(report.issued_at, Some(created));
        prop_assert_eq!(report.expires_at, Some(created + chrono::TimeDelta::seconds(expires_in as i64)));
    }

    #[test]
    fn every_generated_jwt_inspects_as_what_was_asked(
        user in "\\PC{1,40}",
        ttl in 60u64..=86_400 * 365,
        iat in 0i64..4_000_000_000,
    ) {
        let secret = secret();
        let issued_at = DateTime::from_timestamp(iat, 0).unwrap();
        let jwt = registration_jwt(&secret, &JwtRequest {
            application_key: KEY, user_id: &user, issued_at, ttl_secs: ttl,
            instance_ttl_secs: Some(ttl), nonce: "n",
        });
        let report = inspect(&jwt, with(&secret), issued_at).unwrap();
        prop_assert!(report.accepted(), "{:?}", report);
        prop_assert_eq!(&report.identity.as_ref().unwrap().endpoint, &user);
        prop_assert_eq!(report.expires_at.unwrap().timestamp(), iat + ttl as i64);
    }

    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        let _ = inspect(&input, with(&secret()), Utc::now());
    }

    #[test]
    fn never_panics_on_credential_shaped_noise(
        a in proptest::collection::vec(any::<u8>(), 0..200),
        b in proptest::collection::vec(any::<u8>(), 0..40),
        c in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let secret = secret();
        let _ = inspect(&format!("{}:{}", STANDARD.encode(&a), STANDARD.encode(&b)), with(&secret), Utc::now());
        let jwt = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(&a), URL_SAFE_NO_PAD.encode(&b), URL_SAFE_NO_PAD.encode(&c));
        let _ = inspect(&jwt, with(&secret), Utc::now());
    }
}

#[test]
fn says_what_the_js_sdk_v1_makes_of_raw_utf8_and_not_of_escapes() {
    use crate::sinch::NonAscii;
    let secret = secret();
    let now = at("2026-01-02T03:04:05Z");
    let raw = TicketSigner::new(KEY, &secret)
        .with_non_ascii(NonAscii::RawUtf8)
        .ticket("Åsa", 3600, now);
    let report = inspect(&raw, with(&secret), now).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Verified,
        "a raw UTF-8 ticket still verifies"
    );
    assert!(report.accepted());
    assert!(
        has_finding(
            &report,
            Severity::Warning,
            "the JS SDK v1 will see this user as \"Ã\\u0085sa\""
        ),
        "{report:?}"
    );
    assert!(
        has_finding(&report, Severity::Warning, "\\u escapes"),
        "{report:?}"
    );

    let escaped = TicketSigner::new(KEY, &secret).ticket("Åsa", 3600, now);
    let report = inspect(&escaped, with(&secret), now).unwrap();
    assert_eq!(report.identity.unwrap().endpoint, "Åsa");
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.message.contains("JS SDK v1")),
        "{:?}",
        report.findings
    );
}
