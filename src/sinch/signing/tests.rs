use super::*;
use crate::net::http1::parse_request;
use proptest::prelude::*;

const DOC_SECRET: &str = "JViE5vDor0Sw3WllZka15Q==";
const KEY: &str = "5F5C418A0F914BBC8234A9BF5EDDAD97";

fn secret() -> AppSecret {
    AppSecret::from_base64(DOC_SECRET).unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2014-06-04T13:45:00Z")
        .unwrap()
        .into()
}

fn doc_request() -> SignRequest<'static> {
    SignRequest {
        method: "POST",
        resource: "/v1/sms/+46700000000",
        content_type: Some("application/json"),
        body: br#"{"message":"Hello world"}"#,
        timestamp: "2014-06-04T13:41:58Z",
    }
}

/// A raw request as a server would receive `signed`.
fn raw(request: &SignRequest<'_>, signed: &Signed) -> Vec<u8> {
    let mut text = format!(
        "{} {} HTTP/1.1\r\nHost: example.com\r\nx-timestamp: {}\r\nAuthorization: {}\r\n",
        request.method, request.resource, signed.x_timestamp, signed.authorization
    );
    if let Some(ct) = request.content_type {
        text.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n", request.body.len()));
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(request.body);
    bytes
}

fn keys(secret: &AppSecret) -> CallbackKeys<'_> {
    CallbackKeys {
        key: Some(KEY),
        secret,
    }
}

#[test]
fn signs_sinchs_documented_example() {
    let signed = sign_request(KEY, &secret(), &doc_request());
    assert_eq!(signed.content_md5, "jANzQ+rgAHyf1MWQFSwvYw==");
    assert_eq!(
        signed.authorization,
        format!("Application {KEY}:qDXMwzfaxCRS849c/2R0hg0nphgdHciTo7OdM6MsdnM=")
    );
    assert_eq!(
        signed.string_to_sign,
        "POST\njANzQ+rgAHyf1MWQFSwvYw==\napplication/json\nx-timestamp:2014-06-04T13:41:58Z\n/v1/sms/+46700000000"
    );
}

#[test]
fn no_body_and_no_content_type_leave_their_lines_empty() {
    let signed = sign_request(
        KEY,
        &secret(),
        &SignRequest {
            method: "get",
            resource: "/verification/v1/verifications/id/1?x=%20",
            content_type: None,
            body: b"",
            timestamp: "2014-06-04T13:41:58.123Z",
        },
    );
    assert_eq!(
        signed.string_to_sign,
        "GET\n\n\nx-timestamp:2014-06-04T13:41:58.123Z\n/verification/v1/verifications/id/1?x=%20"
    );
}

#[test]
fn verifies_what_it_signs_with_crlf_or_bare_lf() {
    let secret = secret();
    let request = doc_request();
    let signed = sign_request(KEY, &secret, &request);
    let crlf = raw(&request, &signed);
    let lf: Vec<u8> = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    for bytes in [crlf, lf] {
        let parsed = parse_request(&bytes).unwrap();
        let verdict = verify_request(&parsed, keys(&secret), now(), Some(DEFAULT_MAX_AGE_SECS));
        assert!(verdict.verified, "{verdict:?}");
        assert_eq!(verdict.scheme, Some(SignedWith::Application));
    }
}

#[test]
fn names_what_probably_differs() {
    let secret = secret();
    let request = doc_request();
    let signed = sign_request(KEY, &secret, &request);
    let text = String::from_utf8(raw(&request, &signed)).unwrap();
    let verdict_of = |text: &str, max_age: Option<u64>| {
        verify_request(
            &parse_request(text.as_bytes()).unwrap(),
            keys(&secret),
            now(),
            max_age,
        )
    };

    let charset = text.replace(
        "Content-Type: application/json",
        "Content-Type: application/json; charset=utf-8",
    );
    let v = verdict_of(&charset, None);
    assert!(
        v.reason.as_deref().unwrap().contains("Content-Type"),
        "{v:?}"
    );

    let proxied = text.replace("POST /v1/sms", "POST /api/v1/sms");
    let v = verdict_of(&proxied, None);
    assert!(
        v.reason
            .as_deref()
            .unwrap()
            .contains("proxy that added /api"),
        "{v:?}"
    );

    let with_md5 = text.replace("Host:", "Content-MD5: jANzQ+rgAHyf1MWQFSwvYw==\r\nHost:");
    let changed = with_md5.replace("Hello world", "Hello World");
    let v = verdict_of(&changed, None);
    assert!(
        v.reason
            .as_deref()
            .unwrap()
            .contains("body changed in transit"),
        "{v:?}"
    );
    assert!(
        v.string_to_sign.as_deref().unwrap().starts_with("POST\n"),
        "{v:?}"
    );

    let no_stamp = text.replace("x-timestamp: 2014-06-04T13:41:58Z\r\n", "");
    let v = verdict_of(&no_stamp, None);
    assert!(
        v.reason.as_deref().unwrap().contains("no x-timestamp"),
        "{v:?}"
    );

    let other_key = text.replace(KEY, "ffffffffffffffffffffffffffffffff");
    let v = verdict_of(&other_key, None);
    assert!(
        v.reason
            .as_deref()
            .unwrap()
            .contains("application key ffff"),
        "{v:?}"
    );

    let no_auth = text.replace(&format!("Authorization: {}\r\n", signed.authorization), "");
    let v = verdict_of(&no_auth, None);
    assert!(
        v.reason
            .as_deref()
            .unwrap()
            .contains("no Authorization header"),
        "{v:?}"
    );

    let bearer = text.replace("Authorization: Application", "Authorization: Bearer");
    let v = verdict_of(&bearer, None);
    assert!(v.reason.as_deref().unwrap().contains("\"Bearer\""), "{v:?}");
}

#[test]
fn a_stale_timestamp_is_a_possible_replay_unless_allowed() {
    let secret = secret();
    let request = doc_request();
    let signed = sign_request(KEY, &secret, &request);
    let parsed = parse_request(&raw(&request, &signed)).unwrap();
    let later = now() + chrono::TimeDelta::hours(2);
    let v = verify_request(&parsed, keys(&secret), later, Some(DEFAULT_MAX_AGE_SECS));
    assert!(!v.verified);
    assert!(v.reason.as_deref().unwrap().contains("replay"), "{v:?}");
    assert!(verify_request(&parsed, keys(&secret), later, None).verified);
}

#[test]
fn basic_is_checked_as_rfc_7617_says_and_warned_about() {
    let secret = secret();
    let basic = |credentials: &str| {
        let text = format!(
            "POST /cb HTTP/1.1\nAuthorization: Basic {}\n\n{{}}",
            STANDARD.encode(credentials)
        );
        verify_request(
            &parse_request(text.as_bytes()).unwrap(),
            keys(&secret),
            now(),
            None,
        )
    };
    let v = basic(&format!("{KEY}:{DOC_SECRET}"));
    assert!(v.verified, "{v:?}");
    assert!(v.warnings[0].contains("carries the application secret itself"));
    let v = basic(&format!("{KEY}:ax8hTTQJF0OPXL32r1LHMA=="));
    assert!(!v.verified);
    assert!(
        !format!("{v:?}").contains("ax8hTTQJF0OPXL32r1LHMA=="),
        "the secret is never echoed"
    );
    assert!(!format!("{v:?}").contains(DOC_SECRET));
    // The key and the secret swapped: the secret, where the key goes, is not shown either.
    let v = basic(&format!("{DOC_SECRET}:{KEY}"));
    assert!(!v.verified);
    assert!(!format!("{v:?}").contains(DOC_SECRET), "{v:?}");
    assert!(v.reason.as_deref().unwrap().contains("swapped"), "{v:?}");
    // A wrong key of a key's shape is named: it is public, and telling it helps.
    let other = "00000000-1111-2222-3333-444444444444";
    let v = basic(&format!("{other}:{DOC_SECRET}"));
    assert!(v.reason.as_deref().unwrap().contains(other), "{v:?}");
}

/// A credential is never repeated in a verdict, whatever separates it from its scheme and
/// whatever the header holds instead of a scheme word.
#[test]
fn an_authorization_value_is_never_echoed_in_a_verdict() {
    let secret = secret();
    let encoded = STANDARD.encode(format!("{KEY}:{DOC_SECRET}"));
    for header in [
        format!("Basic\t{encoded}"),
        format!("  basic  {encoded}"),
        encoded.clone(),
        format!("Bearer-{encoded}"),
        format!("{DOC_SECRET} x"),
        format!("Application {DOC_SECRET}:c2lnbmF0dXJl"),
    ] {
        let request = RawRequest {
            method: "POST".into(),
            target: "/cb".into(),
            headers: vec![("Authorization".into(), header.clone())],
            body: b"{}".to_vec(),
        };
        let v = verify_request(&request, keys(&secret), now(), None);
        let shown = format!("{v:?}");
        assert!(
            !shown.contains(&encoded) && !shown.contains(DOC_SECRET),
            "{header:?}: {shown}"
        );
    }
    // Basic with a tab is still Basic, and verifies.
    let request = RawRequest {
        method: "POST".into(),
        target: "/cb".into(),
        headers: vec![("Authorization".into(), format!("Basic\t{encoded}"))],
        body: b"{}".to_vec(),
    };
    let v = verify_request(&request, keys(&secret), now(), None);
    assert!(v.verified, "{v:?}");
    assert_eq!(v.scheme, Some(SignedWith::Basic));
}

proptest! {
    #[test]
    fn sign_then_verify_holds_and_any_changed_byte_breaks_it(
        body in proptest::collection::vec(any::<u8>(), 1..200),
        path in "/[a-zA-Z0-9/_.~%+-]{0,40}(\\?[a-z0-9=&%]{0,20})?",
        content_type in "[a-z]{1,12}/[a-z+.-]{1,16}(; charset=[a-zA-Z0-9-]{1,8})?",
        flip in any::<prop::sample::Index>(),
        which in 0usize..4,
    ) {
        let secret = secret();
        let stamp = "2014-06-04T13:41:58Z";
        let request = SignRequest {
            method: "POST", resource: &path, content_type: Some(&content_type), body: &body, timestamp: stamp,
        };
        let signed = sign_request(KEY, &secret, &request);
        let parsed = RawRequest {
            method: "POST".into(),
            target: path.clone(),
            headers: vec![
                ("x-timestamp".into(), stamp.into()),
                ("Authorization".into(), signed.authorization.clone()),
                ("Content-Type".into(), content_type.clone()),
            ],
            body: body.clone(),
        };
        prop_assert!(verify_request(&parsed, keys(&secret), now(), None).verified);

        let mut changed = parsed.clone();
        match which {
            0 => { let i = flip.index(changed.body.len()); changed.body[i] ^= 0x01; }
            1 => changed.target.push('x'),
            2 => changed.headers[0].1 = "2014-06-04T13:41:59Z".into(),
            _ => changed.headers[2].1.push('x'),
        }
        prop_assert!(!verify_request(&changed, keys(&secret), now(), None).verified);
    }
}

#[test]
fn methods_are_plain_words() {
    assert!(check_method("PO ST").is_err() && check_method("patch").is_ok());
}

/// Sinch's documented signed callback (the ACE example of "Callback Request Signing"),
/// whose header writes the scheme in lower case.
#[test]
fn verifies_sinchs_documented_callback() {
    let secret = AppSecret::from_base64("BeIukql3pTKJ8RGL5zo0DA==").unwrap();
    let key = "669E367E-6BBA-48AB-AF15-266871C28135";
    let body = r#"{"event":"ace","callid":"822aa4b7-05b4-4d83-87c7-1f835ee0b6f6_257","timestamp":"2014-09-24T10:59:41Z","version":1}"#;
    assert_eq!(content_md5(body.as_bytes()), "REWF+X220L4/Gw1spXOU7g==");
    let raw = format!(
        "POST /sinch/callback/ace HTTP/1.1\r\nHost: callbacks.yourdomain.com\r\ncontent-type: application/json\r\nx-timestamp: 2014-09-24T10:59:41Z\r\nauthorization: application {key}:Tg6fMyo8mj9pYfWQ9ssbx3Tc1BNC87IEygAfLbJqZb4=\r\n\r\n{body}"
    );
    let verdict = verify_request(
        &parse_request(raw.as_bytes()).unwrap(),
        CallbackKeys {
            key: Some(key),
            secret: &secret,
        },
        now(),
        None,
    );
    assert!(verdict.verified, "{verdict:?}");
}

#[test]
fn keys_compare_without_regard_to_case_and_a_malformed_mac_is_named() {
    let secret = secret();
    let signed = sign_request(&KEY.to_ascii_lowercase(), &secret, &doc_request());
    let text = String::from_utf8(raw(&doc_request(), &signed)).unwrap();
    let parsed = parse_request(text.as_bytes()).unwrap();
    assert!(
        verify_request(&parsed, keys(&secret), now(), None).verified,
        "{KEY} in upper case"
    );
    let short = text.replace(&signed.authorization, &format!("Application {KEY}:AAAA"));
    let verdict = verify_request(
        &parse_request(short.as_bytes()).unwrap(),
        keys(&secret),
        now(),
        None,
    );
    assert!(!verdict.verified);
    assert!(verdict.reason.unwrap().contains("32-byte"));
}

/// Voice API v2 (preview) webhooks: the application scheme's string to sign, the word
/// `service`, a service ID and the service's secret (docs/FORMATS.md §5.4).
#[test]
fn verifies_the_voice_v2_service_vector_and_a_changed_byte_breaks_it() {
    let secret = AppSecret::from_base64("F5wrP9SKYU6w8sbZXkp7GA==").unwrap();
    let body = r#"{"event":"call.incoming","call":{"callId":"01AN4Z07BY79KA1307SR9X4MV3"}}"#;
    let request = |body: &str, id: &str| {
        format!(
            "POST /voice-webhooks HTTP/1.1\r\nContent-Type: application/json; charset=utf-8\r\n\
             x-timestamp: 2026-04-01T12:00:00.0000000Z\r\nce-id: 1\r\nce-source: /voice\r\n\
             ce-specversion: 1.0\r\nce-time: 2026-04-01T12:00:00Z\r\nce-type: call.incoming\r\n\
             Authorization: service {id}:EWFtVTrykdhMTdyYSbn40GBJpf5UBeggO9T99sdwLyY=\r\n\r\n{body}"
        )
    };
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-04-01T12:01:00Z")
        .unwrap()
        .into();
    let check = |text: String, key: Option<&str>| {
        verify_request(
            &parse_request(text.as_bytes()).unwrap(),
            CallbackKeys {
                key,
                secret: &secret,
            },
            at,
            Some(900),
        )
    };
    let verdict = check(request(body, "my-service"), Some("my-service"));
    assert!(verdict.verified, "{verdict:?}");
    assert_eq!(verdict.scheme, Some(SignedWith::Service));
    assert!(
        verdict.warnings.iter().any(|w| w.contains("call.incoming")),
        "{verdict:?}"
    );
    // Within 15 minutes of its x-timestamp only, as for the application scheme.
    let late = verify_request(
        &parse_request(request(body, "s").as_bytes()).unwrap(),
        CallbackKeys {
            key: None,
            secret: &secret,
        },
        at + chrono::Duration::hours(1),
        Some(900),
    );
    assert!(!late.verified && late.too_old, "{late:?}");

    let changed = body.replace("01AN", "01AM");
    assert!(!check(request(&changed, "s"), None).verified);
    let other = check(request(body, "my-service"), Some("another"));
    assert!(other.reason.unwrap().contains("service ID my-service"));
}
