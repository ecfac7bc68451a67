//! Verifying a received request signed with the application scheme (or HTTP Basic), and
//! saying as precisely as possible why a signature does not match.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{RawRequest, SignRequest, content_md5, signature_matches, string_to_sign};
use crate::sinch::{AppSecret, time};

/// What to verify a request with.
#[derive(Debug, Clone, Copy)]
pub struct CallbackKeys<'a> {
    /// The application key the request must name; `None` takes the one it names.
    pub key: Option<&'a str>,
    /// The application secret.
    pub secret: &'a AppSecret,
}

/// The scheme a request was checked in: the application's (Voice v1, Verification), a Voice
/// API v2 service's, HTTP Basic, a product's webhook scheme, or another plain scheme word
/// the header named (which Sinch never uses). Written as its lowercase name everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedWith {
    /// `Authorization: Application KEY:SIGNATURE`.
    Application,
    /// `Authorization: service ID:SIGNATURE` (Voice API v2).
    Service,
    /// `Authorization: Basic b64(KEY:SECRET)`.
    Basic,
    /// A webhook scheme (Conversation/SMS, Numbers, Mailgun).
    Webhook(crate::sinch::webhook::Scheme),
    /// Another scheme word, in lowercase.
    Other(String),
}

impl SignedWith {
    /// The scheme a plain `Authorization` scheme word (lowercase) names.
    pub fn from_word(word: &str) -> Self {
        match word {
            "application" => SignedWith::Application,
            "service" => SignedWith::Service,
            "basic" => SignedWith::Basic,
            other => SignedWith::Other(other.to_owned()),
        }
    }

    /// Its lowercase name, as lists, JSON and the history write it.
    pub fn name(&self) -> &str {
        match self {
            SignedWith::Application => "application",
            SignedWith::Service => "service",
            SignedWith::Basic => "basic",
            SignedWith::Webhook(scheme) => scheme.name(),
            SignedWith::Other(word) => word,
        }
    }
}

impl std::fmt::Display for SignedWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for SignedWith {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The verdict on a signed request, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestVerdict {
    /// Whether the request is what Sinch signs, and fresh enough.
    pub verified: bool,
    /// Why not, in a sentence (`None` when verified).
    pub reason: Option<String>,
    /// The scheme it was checked in (`None`: no scheme word could be read).
    pub scheme: Option<SignedWith>,
    /// What the signature should have covered, to compare with one's own server's.
    pub string_to_sign: Option<String>,
    /// Things worth knowing that do not decide the verdict.
    pub warnings: Vec<String>,
    /// Set when the signature holds but the request's age is outside the limit (or cannot be
    /// told): a wider limit would verify it. Each face says how to allow it.
    pub too_old: bool,
}

impl RequestVerdict {
    fn invalid(reason: impl Into<String>) -> Self {
        Self {
            verified: false,
            reason: Some(reason.into()),
            ..Self::valid(None)
        }
    }

    fn valid(string_to_sign: Option<String>) -> Self {
        Self {
            verified: true,
            reason: None,
            scheme: None,
            string_to_sign,
            warnings: Vec::new(),
            too_old: false,
        }
    }
}

/// How many leading path segments the diagnosis tries to remove, looking for a proxy's
/// prefix: a bound, so that a long path is judged in linear time.
const MAX_PREFIX_TRIES: usize = 4;

/// Verifies a request signed with the application's key and secret (a Sinch callback, or a
/// request a client signed), at `now`. `max_age_secs` bounds how far its `x-timestamp` may
/// be from now (`None`: any age).
pub fn verify_request(
    request: &RawRequest,
    keys: CallbackKeys<'_>,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> RequestVerdict {
    let Some(authorization) = request.header("authorization") else {
        return RequestVerdict::invalid(
            "there is no Authorization header: Sinch signs every callback, so this request did \
             not come from Sinch, or a proxy removed the header",
        );
    };
    let (scheme, value) = authorization_scheme(authorization);
    let word = scheme.map(str::to_ascii_lowercase);
    let mut verdict = match word.as_deref() {
        Some("application") => verify_application(request, value, keys, Signer::Application),
        Some("service") => verify_application(request, value, keys, Signer::Service),
        Some("basic") => verify_basic(value, keys),
        Some(_) => RequestVerdict::invalid(format!(
            "the Authorization scheme is \"{}\", but Sinch signs with \"Application\" \
             (or \"Basic\"; Voice API v2 with \"service\")",
            scheme.unwrap_or_default()
        )),
        None => RequestVerdict::invalid(
            "the Authorization header does not begin with a scheme word (\"Application KEY:SIGNATURE\"): \
             it is not shown, since it may be a credential itself",
        ),
    };
    verdict.scheme = word.as_deref().map(SignedWith::from_word);
    if verdict.verified
        && matches!(
            verdict.scheme,
            Some(SignedWith::Application | SignedWith::Service)
        )
    {
        check_age(&mut verdict, request, now, max_age_secs);
    }
    if verdict.scheme == Some(SignedWith::Service)
        && let Some(event) = request.header("ce-type")
    {
        verdict.warnings.push(format!(
            "a Voice API v2 (preview) webhook, CloudEvents type \"{}\": its ce-* headers \
             are not covered by the signature",
            crate::sinch::text::one_line(event)
        ));
    }
    verdict
}

/// Who signs with the application scheme's string to sign: an application (Voice v1,
/// Verification) or a Voice API v2 service (`Authorization: service ID:SIGNATURE`, with the
/// service's secret, docs/FORMATS.md §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signer {
    Application,
    Service,
}

impl Signer {
    fn word(self) -> &'static str {
        match self {
            Signer::Application => "Application",
            Signer::Service => "service",
        }
    }
}

/// The key (or service ID) a request names, for a verdict's reason: shown (keys and IDs are
/// public, and naming the wrong one helps), unless it has a Sinch secret's shape (base64 of
/// 16 bytes): then it is the secret put where the key goes, the two swapped.
fn shown_key(key: &str) -> String {
    if STANDARD
        .decode(key.trim())
        .is_ok_and(|bytes| bytes.len() == 16)
    {
        "a secret's shape where the key goes (not shown: are the key and the secret swapped?)"
            .to_owned()
    } else {
        format!("key {key}")
    }
}

/// An `Authorization` value's scheme word and what follows it (trimmed). The scheme ends at
/// any white space (a tab too), as RFC 9110 has it; it is a word only when it is plain
/// letters (at most 20): anything else may be a credential itself, and is never repeated
/// or kept. One rule for the verdicts and for what the history hides.
pub fn authorization_scheme(value: &str) -> (Option<&str>, &str) {
    let value = value.trim_start();
    let (scheme, rest) = value
        .split_once(|c: char| c.is_ascii_whitespace())
        .map_or((value, ""), |(s, r)| (s, r.trim()));
    let word = scheme.len() <= 20 && scheme.bytes().all(|b| b.is_ascii_alphabetic());
    (word.then_some(scheme), rest)
}

fn verify_basic(value: &str, keys: CallbackKeys<'_>) -> RequestVerdict {
    let warning = "HTTP Basic carries the application secret itself in every request: fine for \
                   a quick test, not for production";
    let decoded = STANDARD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(decoded) = decoded else {
        return RequestVerdict::invalid("the Basic credentials are not base64 of KEY:SECRET");
    };
    let decoded = zeroize::Zeroizing::new(decoded);
    let Some((key, secret)) = decoded.split_once(':') else {
        return RequestVerdict::invalid(
            "the Basic credentials hold no colon: they are not KEY:SECRET",
        );
    };
    let same_secret = AppSecret::from_base64(secret)
        .ok()
        .is_some_and(|given| given.ct_eq(keys.secret));
    let mut verdict = if let Some(expected) = keys.key.filter(|k| !k.eq_ignore_ascii_case(key)) {
        RequestVerdict::invalid(format!(
            "the Basic credentials name {}, but the profile's key is {expected}",
            shown_key(key)
        ))
    } else if !same_secret {
        // The secret is never echoed, not even the wrong one.
        RequestVerdict::invalid("the Basic credentials carry another secret than the profile's")
    } else {
        RequestVerdict::valid(None)
    };
    verdict.warnings.push(warning.to_owned());
    verdict
}

fn verify_application(
    request: &RawRequest,
    value: &str,
    keys: CallbackKeys<'_>,
    signer: Signer,
) -> RequestVerdict {
    let Some((key, given)) = value.split_once(':') else {
        return RequestVerdict::invalid(format!(
            "the Authorization value is not ID:SIGNATURE after \"{}\"",
            signer.word()
        ));
    };
    // Keys are UUIDs; Sinch's own callback example writes one in upper case.
    if let Some(expected) = keys.key.filter(|k| !k.eq_ignore_ascii_case(key)) {
        let key = shown_key(key);
        return RequestVerdict::invalid(match signer {
            Signer::Application => format!(
                "the request is signed for application {key}, but the profile's key is \
                 {expected}: pick the profile of that application"
            ),
            Signer::Service => format!(
                "the request is signed for service {}, but the service ID given is {expected}: \
                 give that service's ID and secret",
                key.replacen("key ", "ID ", 1)
            ),
        });
    }
    let Some(given) = STANDARD
        .decode(given.trim())
        .ok()
        .filter(|mac| mac.len() == 32)
    else {
        return RequestVerdict::invalid(
            "the signature after ID: is not the base64 of a 32-byte HMAC-SHA256",
        );
    };
    let timestamp = request.header("x-timestamp");
    let content_type = request.header("content-type");
    // The body is hashed once, however many variants the diagnosis below tries.
    let body_md5 = content_md5(&request.body);
    let signed = |content_type: Option<&str>, resource: &str| {
        let sign = SignRequest {
            method: &request.method,
            resource,
            content_type,
            body: &request.body,
            timestamp: timestamp.unwrap_or_default(),
        };
        let text = string_to_sign(&sign, &body_md5);
        // In constant time: hmac's verify_slice compares with `subtle`.
        let matches = signature_matches(keys.secret, &text, &given);
        (text, matches)
    };
    let (text, matches) = signed(content_type, &request.target);
    if matches {
        return RequestVerdict::valid(Some(text));
    }
    let reason = mismatch_reason(request, &body_md5, timestamp, content_type, &signed);
    RequestVerdict {
        verified: false,
        reason: Some(reason),
        ..RequestVerdict::valid(Some(text))
    }
}

/// Signs the arrived request as if it had this Content-Type and path: the string to sign,
/// and whether its signature matches the one given.
type SignsAs<'a> = dyn Fn(Option<&str>, &str) -> (String, bool) + 'a;

/// What probably differs between what was signed and what arrived.
fn mismatch_reason(
    request: &RawRequest,
    body_md5: &str,
    timestamp: Option<&str>,
    content_type: Option<&str>,
    signed: &SignsAs<'_>,
) -> String {
    let base = "the signature does not match this secret";
    if timestamp.is_none() {
        return format!(
            "{base}: the request has no x-timestamp header, which the signature covers"
        );
    }
    if let Some(md5) = request.header("content-md5")
        && md5 != body_md5
    {
        return format!(
            "{base}: the Content-MD5 header does not match the body, so the body changed in \
             transit (re-serialized JSON, changed line ends or white space)"
        );
    }
    // A Content-Type whose charset or case differs.
    let mut variants: Vec<Option<String>> = vec![None];
    if let Some(sent) = content_type {
        let bare = sent.split(';').next().unwrap_or(sent).trim().to_owned();
        variants.push(Some(bare.clone()));
        variants.push(Some(bare.to_ascii_lowercase()));
        variants.push(Some(format!("{bare}; charset=utf-8")));
        variants.push(Some(format!("{bare}; charset=UTF-8")));
        variants.push(Some(sent.to_ascii_lowercase()));
    } else {
        variants.push(Some("application/json".into()));
    }
    for variant in variants.iter().filter(|v| v.as_deref() != content_type) {
        if signed(variant.as_deref(), &request.target).1 {
            return format!(
                "{base} as sent, but it does with Content-Type {}: the Content-Type header \
                 was changed on the way (its charset or case), or the signer used another",
                variant
                    .as_deref()
                    .map_or("absent".to_owned(), |v| format!("\"{v}\""))
            );
        }
    }
    // A path behind a proxy prefix.
    let path = request.target.as_str();
    let mut trimmed = path;
    for _ in 0..MAX_PREFIX_TRIES {
        let Some(rest) = trimmed
            .strip_prefix('/')
            .and_then(|t| t.find('/').map(|i| &t[i..]))
        else {
            break;
        };
        trimmed = rest;
        if signed(content_type, trimmed).1 {
            let prefix = &path[..path.len() - trimmed.len()];
            return format!(
                "{base} for path {path}, but it does for {trimmed}: the request passed through \
                 a proxy that added {prefix}; verify against the path Sinch called"
            );
        }
    }
    format!(
        "{base}: the body, the Content-Type, the path or the x-timestamp differ from what was \
         signed, or another application's secret signed it; compare the string to sign below \
         with your server's"
    )
}

/// Fails a verified request closed when an age limit is in force and its `x-timestamp` is
/// missing, not a time, or too far from `now`: such a request could be a replay.
fn check_age(
    verdict: &mut RequestVerdict,
    request: &RawRequest,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) {
    let stamp = request.header("x-timestamp");
    let at = stamp.and_then(time::parse_generator_timestamp);
    let Some(max) = max_age_secs else {
        if let (Some(stamp), None) = (stamp, at) {
            verdict.warnings.push(format!(
                "the x-timestamp \"{stamp}\" is not an ISO 8601 time: Sinch writes e.g. 2014-06-04T13:41:58Z"
            ));
        }
        return;
    };
    let refusal = match (stamp, at) {
        (None, _) => "the signature is valid, but the request has no x-timestamp, so its age \
                      cannot be checked: it may be a replay"
            .to_owned(),
        (Some(stamp), None) => format!(
            "the signature is valid, but the x-timestamp \"{stamp}\" is not an ISO 8601 time \
             (Sinch writes e.g. 2014-06-04T13:41:58Z), so its age cannot be checked: it may be \
             a replay"
        ),
        (Some(_), Some(at)) => {
            let age = (now - at).num_seconds().unsigned_abs();
            if age <= max {
                return;
            }
            format!(
                "the signature is valid, but the x-timestamp is {} away from now (more than \
                 {}): the request may be a replay",
                time::format_duration(age),
                time::format_duration(max)
            )
        }
    };
    verdict.verified = false;
    verdict.too_old = true;
    verdict.reason = Some(refusal);
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn the_mismatch_diagnosis_tries_a_bounded_number_of_variants_whatever_the_path() {
        // 100,000 path segments: trying each as a proxy prefix would hash the path 100,000
        // times (about 7 s for a 200 KB path); the diagnosis stays linear in its size.
        let request = RawRequest {
            method: "POST".into(),
            target: "/a".repeat(100_000),
            headers: vec![
                ("x-timestamp".into(), "2014-06-04T13:41:58Z".into()),
                ("content-type".into(), "application/json".into()),
            ],
            body: b"{}".to_vec(),
        };
        let tries = Cell::new(0usize);
        let signed = |_: Option<&str>, _: &str| {
            tries.set(tries.get() + 1);
            (String::new(), false)
        };
        let reason = mismatch_reason(
            &request,
            &content_md5(&request.body),
            request.header("x-timestamp"),
            request.header("content-type"),
            &signed,
        );
        assert!(reason.contains("does not match"), "{reason}");
        assert!(tries.get() <= 12, "{} variants tried", tries.get());
    }
}
