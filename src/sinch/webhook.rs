//! Webhook signatures of Sinch's project products, with their own webhook secret (used as its
//! UTF-8 bytes, never base64-decoded): the Conversation API (and SMS, where HMAC is switched
//! on), the Numbers API and Mailgun. `docs/FORMATS.md` §5 has the rules and the
//! known answers; each is a test below.
//!
//! ```text
//! Conversation/SMS  x-sinch-webhook-signature = b64(HMAC-SHA256(secret, body "." nonce "." timestamp))
//! Numbers           X-Sinch-Signature         = hex(HMAC-SHA1(secret, body))
//! Mailgun           signature                 = hex(HMAC-SHA256(key, timestamp token))
//! ```
//!
//! Each signs the raw body bytes (Mailgun: only its timestamp and token), so a server that
//! re-serializes the JSON before checking cannot verify: when a signature does not match,
//! [`verify_webhook`] tries the usual causes and names the one that fits.
//!
//! Pure like the rest of the core: the request, the secret and the clock come in.
//! `listen`, `verify-callback` and the window's Verify part reach it through
//! [`crate::sinch::received::verify_received`]; `trigger` signs with the same functions.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

use super::signing::RawRequest;
use super::time;

/// Which product signed a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// The Conversation API, and SMS callbacks with HMAC switched on.
    Conversation,
    /// The Numbers API.
    Numbers,
    /// Mailgun.
    Mailgun,
}

impl Scheme {
    /// Its name, as `--scheme` and the verdicts write it.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Conversation => "conversation",
            Scheme::Numbers => "numbers",
            Scheme::Mailgun => "mailgun",
        }
    }

    /// The scheme a request carries the signature of, from its headers (and, for Mailgun,
    /// its body): `None` when it carries none of these.
    pub fn of_request(request: &RawRequest) -> Option<Scheme> {
        if request.header("x-sinch-webhook-signature").is_some() {
            return Some(Scheme::Conversation);
        }
        if request.header("x-sinch-signature").is_some() {
            return Some(Scheme::Numbers);
        }
        mailgun_fields(request).map(|_| Scheme::Mailgun)
    }
}

/// A webhook secret, as the dashboard shows it: its UTF-8 bytes are the HMAC key. Wiped when
/// dropped, never shown.
#[derive(Clone)]
pub struct WebhookSecret(Zeroizing<Vec<u8>>);

impl WebhookSecret {
    /// The secret typed or pasted (surrounding white space, such as a newline, dropped).
    pub fn new(text: &str) -> Self {
        Self(Zeroizing::new(text.trim().as_bytes().to_vec()))
    }

    fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Its text, for storing it again (in a buffer wiped when dropped). Never shown.
    pub fn expose_text(&self) -> Zeroizing<String> {
        Zeroizing::new(String::from_utf8_lossy(self.bytes()).into_owned())
    }

    /// How it is shown: never its characters, only its length.
    pub fn masked(&self) -> String {
        format!(
            "•••••••• ({} characters)",
            String::from_utf8_lossy(self.bytes()).chars().count()
        )
    }

    /// Whether two secrets are the same, in constant time.
    pub fn ct_eq(&self, other: &WebhookSecret) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(self.bytes().ct_eq(other.bytes()))
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// The webhook secrets at hand (a profile's, or one given for every scheme), each scheme at
/// most once.
#[derive(Debug, Clone, Default)]
pub struct WebhookSecrets(Vec<(Scheme, WebhookSecret)>);

impl WebhookSecrets {
    /// One secret for every scheme (SINCH_WEBHOOK_SECRET: whichever product sends).
    pub fn for_every_scheme(secret: &WebhookSecret) -> Self {
        Self(
            [Scheme::Conversation, Scheme::Numbers, Scheme::Mailgun]
                .into_iter()
                .map(|scheme| (scheme, secret.clone()))
                .collect(),
        )
    }

    /// The secret `scheme` is verified and signed with, when there is one.
    pub fn get(&self, scheme: Scheme) -> Option<&WebhookSecret> {
        self.0
            .iter()
            .find(|(s, _)| *s == scheme)
            .map(|(_, secret)| secret)
    }

    /// Puts in (or replaces) the secret of `scheme`.
    pub fn insert(&mut self, scheme: Scheme, secret: WebhookSecret) {
        self.0.retain(|(s, _)| *s != scheme);
        self.0.push((scheme, secret));
        self.0.sort_by_key(|(s, _)| *s);
    }

    /// The schemes held, in order.
    pub fn schemes(&self) -> Vec<Scheme> {
        self.0.iter().map(|(s, _)| *s).collect()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `other` holds the same secrets for the same schemes (each compared in
    /// constant time).
    pub fn same_as(&self, other: &WebhookSecrets) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((a, x), (b, y))| a == b && x.ct_eq(y))
    }
}

fn hmac256(key: &[u8], parts: &[&[u8]]) -> Hmac<sha2::Sha256> {
    let mut mac = super::keyed_mac(key);
    for part in parts {
        mac.update(part);
    }
    mac
}

fn hmac1(key: &[u8], body: &[u8]) -> Hmac<sha1::Sha1> {
    // HMAC takes keys of any length (longer ones are hashed first); `new_from_slice` only
    // fails for MACs with a fixed key size, which HMAC is not (as for `keyed_mac`).
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC accepts any key");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The Conversation (and SMS) signature of `body` with `nonce` and `timestamp`.
pub fn conversation_signature(
    secret: &WebhookSecret,
    body: &[u8],
    nonce: &str,
    timestamp: &str,
) -> String {
    let mac = hmac256(
        secret.bytes(),
        &[body, b".", nonce.as_bytes(), b".", timestamp.as_bytes()],
    );
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The Numbers signature of `body`.
pub fn numbers_signature(secret: &WebhookSecret, body: &[u8]) -> String {
    hex(&hmac1(secret.bytes(), body).finalize().into_bytes())
}

/// The Mailgun signature of `timestamp` and `token`.
pub fn mailgun_signature(key: &WebhookSecret, timestamp: &str, token: &str) -> String {
    let mac = hmac256(key.bytes(), &[timestamp.as_bytes(), token.as_bytes()]);
    hex(&mac.finalize().into_bytes())
}

/// What makes a webhook of `scheme` unique, so that a receiver can refuse one it has seen:
/// the nonce (Conversation, SMS) or Mailgun's token, prefixed with the scheme, and when the
/// webhook says it was signed (its timestamp, as Unix seconds), read in one pass. `None` for
/// Numbers, which has neither.
pub fn replay_mark(
    request: &RawRequest,
    scheme: Scheme,
) -> Option<(String, Option<DateTime<Utc>>)> {
    let (token, stamp) = match scheme {
        Scheme::Conversation => (
            request
                .header("x-sinch-webhook-signature-nonce")?
                .to_owned(),
            request
                .header("x-sinch-webhook-signature-timestamp")
                .map(str::to_owned),
        ),
        Scheme::Mailgun => {
            let (stamp, token, _) = mailgun_fields(request)?;
            (token, Some(stamp))
        }
        Scheme::Numbers => return None,
    };
    let signed_at = stamp
        .and_then(|text| text.trim().parse().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0));
    Some((format!("{}:{}", scheme.name(), token.trim()), signed_at))
}

/// The verdict on a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookVerdict {
    /// Whether it is what the product signs, and fresh enough.
    pub verified: bool,
    /// The scheme its signature is in.
    pub scheme: Option<Scheme>,
    /// Why not, in a sentence.
    pub reason: Option<String>,
    /// What is worth knowing that does not decide the verdict.
    pub warnings: Vec<String>,
    /// Set when the signature holds but the age is outside the limit (or cannot be told).
    pub too_old: bool,
}

impl WebhookVerdict {
    fn refused(scheme: Option<Scheme>, reason: impl Into<String>) -> Self {
        Self {
            verified: false,
            scheme,
            reason: Some(reason.into()),
            warnings: Vec::new(),
            too_old: false,
        }
    }
}

/// Verifies a webhook in `scheme` (or the one the request carries) with `secret`, at `now`;
/// `max_age_secs` bounds how old its timestamp may be, for the schemes that have one.
pub fn verify_webhook(
    request: &RawRequest,
    scheme: Option<Scheme>,
    secret: &WebhookSecret,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> WebhookVerdict {
    let Some(scheme) = scheme.or_else(|| Scheme::of_request(request)) else {
        return WebhookVerdict::refused(
            None,
            "the request carries no webhook signature: no x-sinch-webhook-signature \
             (Conversation, SMS), no X-Sinch-Signature (Numbers), no Mailgun signature",
        );
    };
    match scheme {
        Scheme::Conversation => verify_conversation(request, secret, now, max_age_secs),
        Scheme::Numbers => verify_numbers(request, secret),
        Scheme::Mailgun => verify_mailgun(request, secret, now, max_age_secs),
    }
}

/// What commonly happens to a body between Sinch and the code that checks it, each with the
/// sentence that names it: the body as the checker may have had it.
fn body_variants(body: &[u8]) -> Vec<(Vec<u8>, &'static str)> {
    // The smallest changes first, so that the cause named is the one that happened.
    let mut variants = Vec::new();
    if let Some(trimmed) = body.strip_suffix(b"\n") {
        variants.push((
            trimmed.strip_suffix(b"\r").unwrap_or(trimmed).to_vec(),
            "a trailing line break was added to the body after it was signed",
        ));
    } else {
        let mut longer = body.to_vec();
        longer.push(b'\n');
        variants.push((
            longer,
            "a trailing line break was removed from the body after it was signed",
        ));
    }
    let text = String::from_utf8_lossy(body);
    if text.contains("\r\n") {
        variants.push((
            text.replace("\r\n", "\n").into_bytes(),
            "the line ends changed from LF (as signed) to CRLF on the way: check the raw bytes",
        ));
    } else if text.contains('\n') {
        variants.push((
            text.replace('\n', "\r\n").into_bytes(),
            "the line ends changed from CRLF (as signed) to LF on the way: check the raw bytes",
        ));
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        const RESERIALIZED: &str = "the body was parsed and serialized again before checking \
             (JSON.stringify and the like change spacing, escapes and numbers): check the raw \
             bytes as they arrived";
        // As signed, the body may have been compact, or had its non-ASCII letters escaped
        // (\u00e9 where the checker has é): what parsing and serializing again undoes.
        let compact = serde_json::to_string(&value).unwrap_or_default();
        for candidate in [
            escape_non_ascii(&text),
            compact.clone(),
            escape_non_ascii(&compact),
        ] {
            if candidate.as_bytes() != body
                && !variants
                    .iter()
                    .any(|(seen, _)| seen == candidate.as_bytes())
            {
                variants.push((candidate.into_bytes(), RESERIALIZED));
            }
        }
    }
    variants
}

/// JSON text with every non-ASCII character written as a `\uXXXX` escape (surrogate pairs
/// beyond the first plane), as many serializers write it. In JSON, such characters can only
/// be inside strings, so the text means the same.
fn escape_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

/// The secret as it may have been used by mistake: base64-decoded, or base64-encoded.
fn secret_variants(secret: &WebhookSecret) -> Vec<(WebhookSecret, &'static str)> {
    let mut variants = Vec::new();
    if let Ok(decoded) = STANDARD.decode(secret.bytes()) {
        variants.push((
            WebhookSecret(Zeroizing::new(decoded)),
            "the signer used the secret base64-decoded; a webhook secret is used as its text",
        ));
    }
    variants.push((
        WebhookSecret(Zeroizing::new(STANDARD.encode(secret.bytes()).into_bytes())),
        "the signer used the secret base64-encoded; a webhook secret is used as its text",
    ));
    variants
}

/// The cause of a mismatch that fits, by trying, smallest change first: the body as the
/// checker may have had it, then `between` (what only one scheme can get wrong), then the
/// secret as the signer may have used it. `holds` says whether a secret and body verify.
fn mismatch_cause(
    secret: &WebhookSecret,
    body: &[u8],
    holds: &dyn Fn(&WebhookSecret, &[u8]) -> bool,
    between: impl FnOnce() -> Option<&'static str>,
) -> Option<&'static str> {
    body_variants(body)
        .into_iter()
        .find(|(variant, _)| holds(secret, variant))
        .map(|(_, cause)| cause)
        .or_else(between)
        .or_else(|| {
            secret_variants(secret)
                .into_iter()
                .find(|(other, _)| holds(other, body))
                .map(|(_, cause)| cause)
        })
}

fn age_refusal(
    stamp: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> Option<String> {
    let max = max_age_secs?;
    let Some(at) = stamp else {
        return Some(
            "the signature is valid, but the timestamp cannot be read, so its age cannot be \
             checked: it may be a replay"
                .to_owned(),
        );
    };
    let age = (now - at).num_seconds().unsigned_abs();
    (age > max).then(|| {
        format!(
            "the signature is valid, but the timestamp is {} away from now (more than {}): \
             it may be a replay",
            time::format_duration(age),
            time::format_duration(max)
        )
    })
}

fn unix_time(text: &str) -> Option<DateTime<Utc>> {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
}

fn verify_conversation(
    request: &RawRequest,
    secret: &WebhookSecret,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> WebhookVerdict {
    let scheme = Some(Scheme::Conversation);
    let (Some(given), Some(nonce), Some(stamp)) = (
        request.header("x-sinch-webhook-signature"),
        request.header("x-sinch-webhook-signature-nonce"),
        request.header("x-sinch-webhook-signature-timestamp"),
    ) else {
        return WebhookVerdict::refused(
            scheme,
            "a Conversation or SMS webhook needs x-sinch-webhook-signature, -nonce and \
             -timestamp: one is missing",
        );
    };
    let Some(given) = STANDARD.decode(given.trim()).ok().filter(|m| m.len() == 32) else {
        return WebhookVerdict::refused(
            scheme,
            "x-sinch-webhook-signature is not the base64 of a 32-byte HMAC-SHA256",
        );
    };
    // The MAC covers body "." nonce "." timestamp, joined: a dot in the nonce, or anything
    // but digits in the timestamp, would let bytes move from one part to the next under the
    // same MAC (the tail of a captured body made into a "new" nonce). Sinch's nonces have no
    // dot and its timestamps are Unix seconds.
    if nonce.contains('.') || stamp.is_empty() || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return WebhookVerdict::refused(
            scheme,
            "the nonce holds a dot or the timestamp is not Unix seconds: the signature joins \
             body, nonce and timestamp with dots, so parts could have been moved from one to \
             the next; Sinch's never are",
        );
    }
    let holds = |secret: &WebhookSecret, body: &[u8], nonce: &str, stamp: &str| {
        hmac256(
            secret.bytes(),
            &[body, b".", nonce.as_bytes(), b".", stamp.as_bytes()],
        )
        .verify_slice(&given)
        .is_ok()
    };
    if !holds(secret, &request.body, nonce, stamp) {
        let base = "the signature does not match this webhook secret";
        let cause = mismatch_cause(
            secret,
            &request.body,
            &|secret, body| holds(secret, body, nonce, stamp),
            || {
                holds(secret, &request.body, stamp, nonce).then_some(
                    "the signer put the timestamp before the nonce: it is body.nonce.timestamp",
                )
            },
        );
        return WebhookVerdict::refused(
            scheme,
            match cause {
                Some(cause) => format!("{base}: {cause}"),
                None => format!(
                    "{base}: the body, the nonce or the timestamp differ from what was signed \
                     (a server that parses the JSON and serializes it again before checking \
                     changes the body), or another secret signed it (an overridden callback \
                     URL is signed with the app's secret_for_overridden_callback_urls)"
                ),
            },
        );
    }
    let mut verdict = WebhookVerdict {
        verified: true,
        scheme,
        reason: None,
        warnings: Vec::new(),
        too_old: false,
    };
    if let Some(refusal) = age_refusal(unix_time(stamp), now, max_age_secs) {
        verdict.verified = false;
        verdict.too_old = true;
        verdict.reason = Some(refusal);
    }
    verdict
}

fn verify_numbers(request: &RawRequest, secret: &WebhookSecret) -> WebhookVerdict {
    let scheme = Some(Scheme::Numbers);
    let Some(given) = request
        .header("x-sinch-signature")
        .and_then(unhex)
        .filter(|m| m.len() == 20)
    else {
        return WebhookVerdict::refused(
            scheme,
            "X-Sinch-Signature is not the hex of a 20-byte HMAC-SHA1",
        );
    };
    let holds = |secret: &WebhookSecret, body: &[u8]| {
        hmac1(secret.bytes(), body).verify_slice(&given).is_ok()
    };
    if !holds(secret, &request.body) {
        let base = "the signature does not match this callback secret";
        let cause = mismatch_cause(secret, &request.body, &holds, || None);
        return WebhookVerdict::refused(
            scheme,
            match cause {
                Some(cause) => format!("{base}: {cause}"),
                None => format!(
                    "{base}: the body differs from what was signed, or another project's \
                     hmacSecret signed it"
                ),
            },
        );
    }
    WebhookVerdict {
        verified: true,
        scheme,
        reason: None,
        warnings: vec![
            "a Numbers callback has no timestamp and no nonce: nothing protects it against a \
             replay"
                .to_owned(),
        ],
        too_old: false,
    }
}

/// Mailgun's timestamp, token and signature: from the JSON body's `signature` object, or
/// from form fields.
fn mailgun_fields(request: &RawRequest) -> Option<(String, String, String)> {
    if let Ok(body) = serde_json::from_slice::<Value>(&request.body) {
        let signature = body.get("signature")?;
        let field = |name: &str| {
            signature.get(name).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        return Some((field("timestamp")?, field("token")?, field("signature")?));
    }
    let text = std::str::from_utf8(&request.body).ok()?;
    let field = |name: &str| {
        text.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    };
    Some((field("timestamp")?, field("token")?, field("signature")?))
}

fn verify_mailgun(
    request: &RawRequest,
    secret: &WebhookSecret,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> WebhookVerdict {
    let scheme = Some(Scheme::Mailgun);
    let Some((stamp, token, given)) = mailgun_fields(request) else {
        return WebhookVerdict::refused(
            scheme,
            "a Mailgun webhook carries timestamp, token and signature (a \"signature\" object \
             in JSON, or form fields): they are not all there",
        );
    };
    // The MAC covers timestamp and token simply joined: anything but Mailgun's shapes (Unix
    // seconds, a 50-character token) would let other signed bytes pass as a Mailgun
    // webhook signed with the same secret.
    let digits =
        !stamp.is_empty() && stamp.len() <= 12 && stamp.bytes().all(|b| b.is_ascii_digit());
    let token_shape = token.len() == 50 && token.bytes().all(|b| b.is_ascii_alphanumeric());
    if !digits || !token_shape {
        return WebhookVerdict::refused(
            scheme,
            "a Mailgun timestamp is Unix seconds and its token 50 letters and digits: these are \
             not, so the signature cannot be Mailgun's",
        );
    }
    let Some(given) = unhex(&given).filter(|m| m.len() == 32) else {
        return WebhookVerdict::refused(
            scheme,
            "the Mailgun signature is not the hex of a 32-byte HMAC-SHA256",
        );
    };
    let holds = |key: &WebhookSecret| {
        hmac256(key.bytes(), &[stamp.as_bytes(), token.as_bytes()])
            .verify_slice(&given)
            .is_ok()
    };
    if !holds(secret) {
        return WebhookVerdict::refused(
            scheme,
            "the signature does not match this signing key: use the \"HTTP webhook signing \
             key\" of the Mailgun domain, not its API key",
        );
    }
    let mut verdict = WebhookVerdict {
        verified: true,
        scheme,
        reason: None,
        warnings: vec![
            "Mailgun's signature covers only its timestamp and token, not event-data: the \
             event itself is not protected"
                .to_owned(),
        ],
        too_old: false,
    };
    if let Some(refusal) = age_refusal(unix_time(&stamp), now, max_age_secs) {
        verdict.verified = false;
        verdict.too_old = true;
        verdict.reason = Some(refusal);
    }
    verdict
}

#[cfg(test)]
mod tests;
