//! Reading any Sinch credential, from any generator, and checking it.
//!
//! Sinch's own generators disagree on key order, timestamp style and escaping, and Sinch's
//! server checks the MAC over the exact decoded bytes. So the inspector never re-serializes:
//! it verifies the bytes as they are, then reads fields by name.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Utc};
use hmac::Mac as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::jwt::{MIN_JWT_TTL_SECS, derive_signing_key, kid_date};
use super::text::terminal_safe;
use super::time::{
    LATEST_UNIX_SECS, MAX_LIFETIME_SECS, describe_expiry, format_duration, in_range,
    parse_generator_timestamp,
};
use super::{AppSecret, keyed_mac};

/// Standard base64 that accepts the padding or its absence, as pasted tickets come both ways.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
/// URL-safe base64 that accepts the padding or its absence (JWTs should have none).
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The two kinds of credential: what the inspector found, and what the faces make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A legacy user ticket (JS SDK v1).
    #[default]
    #[serde(alias = "LegacyTicket")]
    LegacyTicket,
    /// A registration JWT (current Voice & Video SDKs).
    #[serde(alias = "RegistrationJwt")]
    RegistrationJwt,
}

impl TokenKind {
    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::LegacyTicket => "legacy user ticket (JS SDK v1)",
            Self::RegistrationJwt => "registration JWT (Voice & Video SDKs)",
        }
    }

    /// What one credential of this kind is called: "ticket", "JWT".
    pub fn noun(self) -> &'static str {
        match self {
            Self::LegacyTicket => "ticket",
            Self::RegistrationJwt => "JWT",
        }
    }

    /// Where the SDK takes it, for a tooltip.
    pub fn where_used(self) -> &'static str {
        match self {
            Self::LegacyTicket => "sinchClient.start({userTicket}) in the JavaScript SDK v1",
            Self::RegistrationJwt => "registration.register(jwt) in onCredentialsRequired",
        }
    }
}

/// Who the credential is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// `username`, `email`, `number`, or `user id` for a JWT's `sub`.
    pub kind: String,
    /// The user id, address or number.
    pub endpoint: String,
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// Sinch may still accept it, but it is probably not what was meant.
    Warning,
    /// Sinch will reject the credential.
    Error,
}

/// One thing the inspector noticed, in a sentence a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What it is and what to do.
    pub message: String,
}

/// Whether the signature was checked, and how that went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    /// The signature verifies with the given secret.
    Verified,
    /// The signature does not verify; `reason` says what probably happened.
    Failed {
        /// Why, as precisely as the inspector can tell.
        reason: String,
    },
    /// No secret was given, so only the decoding was done.
    NotChecked,
}

/// What to verify against.
#[derive(Debug, Clone, Copy)]
pub struct VerifyWith<'a> {
    /// The application secret.
    pub secret: &'a AppSecret,
    /// The application key of the profile, to compare with the credential's; `None` skips that.
    pub application_key: Option<&'a str>,
}

/// Everything the inspector read from a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inspection {
    /// Ticket or JWT.
    pub kind: TokenKind,
    /// The decoded JSON exactly as it was signed (for a JWT: header, a line break, payload).
    pub json: String,
    /// Who it is for, when it says.
    pub identity: Option<Identity>,
    /// The application key it names.
    pub application_key: Option<String>,
    /// `created` (ticket) or `iat` (JWT).
    pub issued_at: Option<DateTime<Utc>>,
    /// When it stops being accepted, when that can be told.
    pub expires_at: Option<DateTime<Utc>>,
    /// `expires_at` relative to the inspection's `now`: "expires in 9m 58s", "expired 2h ago".
    pub expiry: Option<String>,
    /// Whether `expires_at` is at or before `now`.
    pub expired: Option<bool>,
    /// The signature check.
    pub verdict: Verdict,
    /// Everything else worth saying, most serious first.
    pub findings: Vec<Finding>,
}

impl Inspection {
    /// True when Sinch would accept the credential as far as can be told offline: the
    /// signature verifies and nothing was found that Sinch rejects. Expiry aside.
    pub fn accepted(&self) -> bool {
        self.verdict == Verdict::Verified
            && self.findings.iter().all(|f| f.severity != Severity::Error)
    }

    /// The verdict in one sentence, as both faces show it.
    pub fn verdict_sentence(&self) -> &'static str {
        if self.accepted() {
            match self.expired {
                Some(true) => "Sinch should accept it, but it has expired",
                _ => "Sinch should accept it",
            }
        } else if self.verdict == Verdict::NotChecked {
            "Decoded, not verified: unknown until the signature is checked"
        } else {
            "Sinch will reject it"
        }
    }

    fn note(&mut self, severity: Severity, message: impl Into<String>) {
        self.findings.push(Finding {
            severity,
            message: message.into(),
        });
    }
}

/// Why the input could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum InspectError {
    /// Nothing but white space.
    Empty,
    /// Neither `BASE64:BASE64` nor `header.payload.signature`.
    UnknownShape,
    /// A part that must be base64 is not.
    NotBase64 {
        /// Which part, in words.
        part: &'static str,
    },
    /// A part decodes, but not to JSON.
    NotJson {
        /// Which part, in words.
        part: &'static str,
        /// serde_json's account of where it stopped.
        detail: String,
    },
    /// The ticket JSON has no `identity` object, which the JS SDK v1 requires.
    NoIdentity,
}

impl std::fmt::Display for InspectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("there is nothing to inspect: paste a Sinch ticket or JWT"),
            Self::UnknownShape => f.write_str(
                "this is not a Sinch credential: a legacy ticket looks like BASE64:BASE64 and a \
                 registration JWT like header.payload.signature",
            ),
            Self::NotBase64 { part } => write!(
                f,
                "the {part} is not valid base64: the credential was probably cut short or altered \
                 when it was copied"
            ),
            Self::NotJson { part, detail } => write!(
                f,
                "the {part} decodes, but not to JSON ({detail}): this is not a Sinch credential, \
                 or it was altered"
            ),
            Self::NoIdentity => f.write_str(
                "the ticket's JSON has no \"identity\" object, which the Sinch JS SDK requires: \
                 this is not a Sinch user ticket",
            ),
        }
    }
}

impl std::error::Error for InspectError {}

/// Decodes `input` as a legacy ticket or a registration JWT and, given a secret, verifies it.
///
/// Surrounding white space and quotes, and an `Authorization: user ` or `Bearer ` prefix,
/// are ignored, so a value pasted from a header or from source code works as it is.
pub fn inspect(
    input: &str,
    verify: Option<VerifyWith<'_>>,
    now: DateTime<Utc>,
) -> Result<Inspection, InspectError> {
    let token = strip_wrapping(input);
    if token.is_empty() {
        return Err(InspectError::Empty);
    }
    let mut inspection = if let Some((json_part, mac_part)) = token.split_once(':') {
        if mac_part.contains(':') {
            return Err(InspectError::UnknownShape);
        }
        inspect_ticket(json_part, mac_part, verify)?
    } else {
        let mut parts = token.split('.');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(header), Some(payload), Some(signature), None) => {
                inspect_jwt(header, payload, signature, verify)?
            }
            _ => return Err(InspectError::UnknownShape),
        }
    };

    if let Some(expires_at) = inspection.expires_at {
        let expired = expires_at <= now;
        inspection.expired = Some(expired);
        inspection.expiry = Some(describe_expiry(expires_at, now));
        if expired {
            inspection.note(
                Severity::Warning,
                format!(
                    "it has expired ({}): generate a new one",
                    describe_expiry(expires_at, now)
                ),
            );
        }
    }
    if let (Some(verify), Some(key)) = (verify, inspection.application_key.as_deref())
        && let Some(expected) = verify.application_key
        && expected != key
    {
        let message = format!(
            "it was made for application key {key}, but the key given is {expected}: pick the \
             profile of that application"
        );
        inspection.note(Severity::Error, message);
    }
    inspection
        .findings
        .sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok(inspection)
}

fn strip_wrapping(input: &str) -> &str {
    let mut token = input.trim();
    // HTTP header names and auth schemes are case-insensitive: `authorization: bearer` too.
    for prefix in ["authorization:", "user ", "bearer "] {
        if let Some(head) = token.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            token = token[prefix.len()..].trim_start();
        }
    }
    for quote in ['"', '\'', '`'] {
        if let Some(inner) = token
            .strip_prefix(quote)
            .and_then(|t| t.strip_suffix(quote))
        {
            token = inner.trim();
        }
    }
    token
}

fn new_inspection(kind: TokenKind, json: String) -> Inspection {
    Inspection {
        kind,
        json,
        identity: None,
        application_key: None,
        issued_at: None,
        expires_at: None,
        expiry: None,
        expired: None,
        verdict: Verdict::NotChecked,
        findings: Vec::new(),
    }
}

fn parse_object(text: &str, part: &'static str) -> Result<Map<String, Value>, InspectError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(InspectError::NotJson {
            part,
            detail: "it is JSON, but not an object".into(),
        }),
        Err(err) => Err(InspectError::NotJson {
            part,
            detail: err.to_string(),
        }),
    }
}

fn str_field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Value::as_str)
}

/// A field's value as a sentence shows it: its JSON text, or "missing".
fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), Value::to_string)
}

fn inspect_ticket(
    json_part: &str,
    mac_part: &str,
    verify: Option<VerifyWith<'_>>,
) -> Result<Inspection, InspectError> {
    let json_bytes = LENIENT_STANDARD
        .decode(json_part)
        .map_err(|_| InspectError::NotBase64 {
            part: "first part (the ticket's JSON)",
        })?;
    let mac = LENIENT_STANDARD
        .decode(mac_part)
        .map_err(|_| InspectError::NotBase64 {
            part: "second part (the signature)",
        })?;
    let (text, latin1) = match std::str::from_utf8(&json_bytes) {
        Ok(text) => (text.to_owned(), false),
        // Only the npm generator writes Latin-1; every byte is a character there.
        Err(_) => (json_bytes.iter().map(|&b| char::from(b)).collect(), true),
    };
    let map = parse_object(&text, "first part (the ticket's JSON)")?;
    let mut inspection = new_inspection(TokenKind::LegacyTicket, text.clone());
    if latin1 {
        inspection.note(
            Severity::Error,
            "the ticket's JSON is Latin-1, not UTF-8, as the npm sinch-ticketgen generator writes \
             it for non-ASCII usernames: Sinch cannot verify such a ticket; generate it with this tool",
        );
    }

    let Some(Value::Object(identity)) = map.get("identity") else {
        return Err(InspectError::NoIdentity);
    };
    match (str_field(identity, "type"), str_field(identity, "endpoint")) {
        (Some(kind), Some(endpoint)) => {
            inspection.identity = Some(Identity {
                kind: kind.to_owned(),
                endpoint: endpoint.to_owned(),
            });
        }
        _ => inspection.note(
            Severity::Error,
            "the identity lacks a string \"type\" or \"endpoint\": the JS SDK cannot tell who it is for",
        ),
    }

    if !latin1 && !json_bytes.is_ascii() {
        note_sdk_v1_view(&mut inspection, &json_bytes);
    }

    if let Some(key) = str_field(&map, "applicationKey") {
        inspection.application_key = Some(key.to_owned());
    } else if let Some(key) = str_field(&map, "applicationkey") {
        inspection.application_key = Some(key.to_owned());
        inspection.note(
            Severity::Info,
            "the application key is spelled \"applicationkey\", as Sinch's C# sample writes it",
        );
    } else {
        inspection.note(
            Severity::Error,
            "there is no \"applicationKey\": Sinch cannot tell which application it is for",
        );
    }

    match str_field(&map, "created") {
        Some(created) => match parse_generator_timestamp(created) {
            Some(at) if in_range(at.timestamp()) => inspection.issued_at = Some(at),
            Some(_) => inspection.note(
                Severity::Error,
                format!(
                    "\"created\" is {}, outside the years 1970 to 9999 that a credential's \
                     times may take",
                    shown(map.get("created"))
                ),
            ),
            None => inspection.note(
                Severity::Error,
                format!(
                    "\"created\" is {}, which is not a time Sinch can read",
                    shown(map.get("created"))
                ),
            ),
        },
        None => inspection.note(Severity::Error, "there is no \"created\" time"),
    }

    match map.get("expiresIn") {
        Some(value) => match value.as_u64() {
            Some(secs) if secs > MAX_LIFETIME_SECS => inspection.note(
                Severity::Error,
                format!(
                    "\"expiresIn\" is {secs} s, out of range: more than the ten years a \
                     credential may live (milliseconds written as seconds, perhaps)"
                ),
            ),
            Some(secs) => {
                if let Some(created) = inspection.issued_at {
                    // secs is at most ten years here, so the sum cannot overflow.
                    let end = i64::try_from(secs)
                        .ok()
                        .and_then(chrono::TimeDelta::try_seconds)
                        .and_then(|lifetime| created.checked_add_signed(lifetime));
                    match end.filter(|end| in_range(end.timestamp())) {
                        Some(at) => inspection.expires_at = Some(at),
                        None => inspection.note(
                            Severity::Error,
                            "\"created\" plus \"expiresIn\" ends after the year 9999, out \
                             of the range a credential's times may take",
                        ),
                    }
                }
            }
            None => inspection.note(
                Severity::Error,
                format!("\"expiresIn\" is {value}, not a whole number of seconds"),
            ),
        },
        None => inspection.note(
            Severity::Info,
            "there is no \"expiresIn\" (as Sinch's C# sample and REST login write it): Sinch's \
             server decides how long it lasts",
        ),
    }

    if let Some(verify) = verify {
        inspection.verdict = verify_ticket(&json_bytes, &text, latin1, &mac, verify.secret);
    }
    Ok(inspection)
}

/// The JS SDK v1 reads a ticket's JSON with `atob`, one character per byte, and takes its
/// user id from that: raw UTF-8 reaches it as Latin-1. Says what the SDK will call the user
/// when that differs from what Sinch's server (which reads UTF-8) calls it.
fn note_sdk_v1_view(inspection: &mut Inspection, json_bytes: &[u8]) {
    let as_the_sdk_reads: String = json_bytes.iter().map(|&b| char::from(b)).collect();
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&as_the_sdk_reads) else {
        return;
    };
    let sdk_user = map
        .get("identity")
        .and_then(|identity| identity.get("endpoint"))
        .and_then(Value::as_str);
    let Some(identity) = &inspection.identity else {
        return;
    };
    if identity.kind != "username" {
        return;
    }
    if let Some(sdk_user) = sdk_user.filter(|u| *u != identity.endpoint) {
        let message = format!(
            "the JS SDK v1 will see this user as \"{}\", not \"{}\": it reads the ticket's \
             raw UTF-8 one byte per character, while Sinch's server reads UTF-8. A ticket that \
             writes non-ASCII as \\u escapes (this tool's default) avoids it",
            terminal_safe(sdk_user),
            identity.endpoint
        );
        inspection.note(Severity::Warning, message);
    }
}

fn verify_ticket(json: &[u8], text: &str, latin1: bool, mac: &[u8], secret: &AppSecret) -> Verdict {
    let signer = keyed_mac(secret.bytes());
    if signer.clone().chain_update(json).verify_slice(mac).is_ok() {
        return Verdict::Verified;
    }
    let full = signer.clone().chain_update(json).finalize().into_bytes();
    let reason = if mac.len() != full.len() {
        // Ruby's String#strip removes NUL and white space bytes from both ends.
        let stripped = full
            .iter()
            .position(|b| !is_ruby_strip_byte(*b))
            .and_then(|start| {
                let end = full.iter().rposition(|b| !is_ruby_strip_byte(*b))?;
                Some(&full[start..=end])
            })
            .unwrap_or(&[]);
        if stripped == mac {
            format!(
                "the signature is {} of 32 bytes: the MAC was cut short by the sinch_auth gem's \
                 strip defect, so Sinch rejects this ticket; generate it again with this tool",
                mac.len()
            )
        } else {
            format!(
                "the signature is {} bytes, but an HMAC-SHA256 is 32: the ticket was cut short \
                 or altered",
                mac.len()
            )
        }
    } else if latin1
        && signer
            .chain_update(text.as_bytes())
            .verify_slice(mac)
            .is_ok()
    {
        "the signature was made over the UTF-8 JSON but the ticket carries it in Latin-1 \
         (the npm sinch-ticketgen defect): Sinch rejects it; generate it again with this tool"
            .to_owned()
    } else {
        "the signature does not match this secret: the ticket was made with another \
         application's secret, or altered after signing"
            .to_owned()
    };
    Verdict::Failed { reason }
}

fn is_ruby_strip_byte(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

fn inspect_jwt(
    header_part: &str,
    payload_part: &str,
    signature_part: &str,
    verify: Option<VerifyWith<'_>>,
) -> Result<Inspection, InspectError> {
    let decode_text = |part: &str, name: &'static str| -> Result<String, InspectError> {
        let bytes = LENIENT_URL_SAFE
            .decode(part)
            .map_err(|_| InspectError::NotBase64 { part: name })?;
        String::from_utf8(bytes).map_err(|_| InspectError::NotJson {
            part: name,
            detail: "it is not UTF-8 text".into(),
        })
    };
    let header_text = decode_text(header_part, "JWT header")?;
    let payload_text = decode_text(payload_part, "JWT payload")?;
    let signature =
        LENIENT_URL_SAFE
            .decode(signature_part)
            .map_err(|_| InspectError::NotBase64 {
                part: "JWT signature",
            })?;
    let header = parse_object(&header_text, "JWT header")?;
    let payload = parse_object(&payload_text, "JWT payload")?;
    let mut inspection = new_inspection(
        TokenKind::RegistrationJwt,
        format!("{header_text}\n{payload_text}"),
    );

    match str_field(&header, "alg") {
        Some("HS256") => {}
        _ => inspection.note(
            Severity::Error,
            format!(
                "\"alg\" is {}, but Sinch registration JWTs are signed with \"HS256\"",
                shown(header.get("alg"))
            ),
        ),
    }
    let kid = str_field(&header, "kid");
    let kid_day = kid
        .and_then(|kid| kid.strip_prefix("hkdfv1-"))
        .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
    if kid_day.is_none() {
        inspection.note(
            Severity::Error,
            format!(
                "\"kid\" is {}, but Sinch expects \"hkdfv1-YYYYMMDD\" naming the signing key's date",
                shown(header.get("kid"))
            ),
        );
    }

    const APPS: &str = "//rtc.sinch.com/applications/";
    match str_field(&payload, "iss").and_then(|iss| iss.strip_prefix(APPS)) {
        Some(key) => inspection.application_key = Some(key.to_owned()),
        None => inspection.note(
            Severity::Error,
            format!("\"iss\" should be \"{APPS}KEY\", naming the application"),
        ),
    }
    let user = str_field(&payload, "sub").and_then(|sub| {
        let rest = sub.strip_prefix(APPS)?;
        let (key, user) = rest.split_once("/users/")?;
        Some((key, user))
    });
    match user {
        Some((key, user)) => {
            if inspection
                .application_key
                .as_deref()
                .is_some_and(|k| k != key)
            {
                inspection.note(
                    Severity::Error,
                    "\"iss\" and \"sub\" name different applications",
                );
            }
            inspection.identity = Some(Identity {
                kind: "user id".into(),
                endpoint: user.to_owned(),
            });
        }
        None => inspection.note(
            Severity::Error,
            format!("\"sub\" should be \"{APPS}KEY/users/USER_ID\", naming the user"),
        ),
    }

    let iat = claim_seconds(&mut inspection, &payload, "iat");
    let exp = claim_seconds(&mut inspection, &payload, "exp");
    claim_seconds(&mut inspection, &payload, "sinch:rtc:instance:exp");
    inspection.issued_at = iat.and_then(|s| DateTime::from_timestamp(s, 0));
    inspection.expires_at = exp.and_then(|s| DateTime::from_timestamp(s, 0));
    if let (Some(iat), Some(exp)) = (iat, exp) {
        // Both lie in 1970..=9999 here, so the difference cannot overflow.
        let ttl = exp - iat;
        if ttl > i64::try_from(MAX_LIFETIME_SECS).unwrap_or(i64::MAX) {
            inspection.note(
                Severity::Error,
                format!(
                    "exp - iat is {}, out of range: more than the ten years a credential may live",
                    format_duration(ttl.unsigned_abs())
                ),
            );
        } else if ttl < i64::try_from(MIN_JWT_TTL_SECS).unwrap_or(i64::MAX) {
            inspection.note(
                Severity::Error,
                format!(
                    "exp - iat is {ttl} s, but Sinch requires at least {MIN_JWT_TTL_SECS} s: make it live longer"
                ),
            );
        } else {
            inspection.note(
                Severity::Info,
                format!(
                    "it is valid for {} after iat",
                    format_duration(ttl.unsigned_abs())
                ),
            );
        }
    }
    let iat_day = inspection.issued_at.map(kid_date);
    if let (Some(kid_day), Some(iat_day)) = (kid_day, iat_day.as_deref())
        && kid_day != iat_day
    {
        inspection.note(
            Severity::Error,
            format!(
                "the kid's date {kid_day} is not the UTC date of iat ({iat_day}): the key was \
                 derived from another day, perhaps the local date instead of UTC"
            ),
        );
    }
    if str_field(&payload, "nonce").is_none() {
        inspection.note(
            Severity::Warning,
            "there is no \"nonce\": Sinch expects a unique one in every token",
        );
    }

    if let Some(verify) = verify {
        let message = format!("{header_part}.{payload_part}");
        let verifies_with = |day: &str| {
            let key = derive_signing_key(verify.secret, day);
            keyed_mac(key.as_slice())
                .chain_update(message.as_bytes())
                .verify_slice(&signature)
                .is_ok()
        };
        let day = kid_day.or(iat_day.as_deref());
        inspection.verdict = match day {
            Some(day) if verifies_with(day) => Verdict::Verified,
            Some(_) if signature.len() != 32 => Verdict::Failed {
                reason: format!(
                    "the signature is {} bytes, but an HMAC-SHA256 is 32: the JWT was cut short or altered",
                    signature.len()
                ),
            },
            Some(day) => Verdict::Failed {
                reason: format!(
                    "the signature does not match this secret with the key of {day}: the JWT was \
                     made with another application's secret, or altered after signing"
                ),
            },
            None => Verdict::Failed {
                reason:
                    "neither kid nor iat names the day of the signing key, so it cannot be derived"
                        .into(),
            },
        };
    }
    Ok(inspection)
}

fn claim_seconds(
    inspection: &mut Inspection,
    payload: &Map<String, Value>,
    name: &str,
) -> Option<i64> {
    let Some(value) = payload.get(name) else {
        if name != "sinch:rtc:instance:exp" {
            inspection.note(Severity::Error, format!("there is no \"{name}\" claim"));
        }
        return None;
    };
    let Some(secs) = value.as_i64() else {
        inspection.note(
            Severity::Error,
            format!("\"{name}\" is {value}, not a whole number of seconds"),
        );
        return None;
    };
    if !in_range(secs) {
        let message = if in_range(secs / 1000) && secs > LATEST_UNIX_SECS {
            format!(
                "\"{name}\" is {secs}, which looks like milliseconds: Sinch wants whole seconds \
                 since 1970 (divide by 1000)"
            )
        } else {
            format!(
                "\"{name}\" is {secs}, out of range: a credential's times lie between 1970 and \
                 the year 9999, in whole seconds since 1970"
            )
        };
        inspection.note(Severity::Error, message);
        return None;
    }
    Some(secs)
}

#[cfg(test)]
mod tests;
