//! A kept request sent again, for both faces (`replay` and the window's *Replay*): the
//! recorded bytes re-signed now with the profile's secret of the event's kind, or sent as
//! they were (a stale replay a careful server refuses). The replay is kept too, linked to its
//! original, and listed as re-signed (this tool vouched for it), never as verified. A record
//! that never verified is re-signed only when the user says so.

use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::{Entry, History, HistoryError};
use crate::net::client::{self, Answer, SendError};
use crate::net::target;
use crate::net::trigger::{self, Trigger, TriggerError, Triggered};
use crate::sinch::callback::{CallbackSecrets, Event, Forgery, ForgeryOutcome, TriggerVerdict};
use crate::sinch::webhook::Scheme;

/// Headers of a recorded request that belong to its connection, not to it: never replayed.
const NOT_REPLAYED: [&str; 6] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "expect",
    "accept-encoding",
];

/// A curl command that sends a recorded request to `to` as it was recorded: its method, its
/// headers (without those of its connection, and with any credential hidden as the history
/// hides it), its body's exact bytes. What *Copy as curl* copies for a received request.
pub fn curl(method: &str, to: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let headers: Vec<(String, String)> = Entry::hide_secrets(headers)
        .into_iter()
        .filter(|(name, _)| !NOT_REPLAYED.iter().any(|h| name.eq_ignore_ascii_case(h)))
        .collect();
    crate::sinch::signing::curl_with_headers(
        method,
        to,
        &headers,
        crate::sinch::signing::CurlBody::Bytes(body),
    )
}

/// What a server should do with a record sent again as recorded, and whether it did: a copy
/// of a request that verified, younger than the x-timestamp window, carrying no nonce
/// (Voice, Verification, Numbers) is still good, and a server takes it; one that is older,
/// never verified, or carries a nonce already seen (the project webhooks) should be refused.
/// Whether it went as it should, and that in a sentence.
pub fn as_recorded(
    entry: &Entry,
    event: Option<Event>,
    status: u16,
    now: chrono::DateTime<Utc>,
) -> (bool, String) {
    // Its age is the signature's: the x-timestamp it was signed with (a callback may have
    // arrived long after it was signed), else when it arrived.
    let signed_at = entry
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-timestamp"))
        .and_then(|(_, value)| chrono::DateTime::parse_from_rfc3339(value.trim()).ok())
        .map_or(entry.time, |at| at.with_timezone(&Utc));
    let age = (now - signed_at).num_seconds();
    let window = i64::try_from(crate::sinch::signing::DEFAULT_MAX_AGE_SECS).unwrap_or(i64::MAX);
    let has_nonce = event.is_some_and(|e| Forgery::Replay.check_for(e).is_ok());
    let fresh = (0..window).contains(&age);
    if entry.verified && fresh && !has_nonce {
        let passed = (200..300).contains(&status);
        let summary = format!(
            "an identical copy, signed {} ago, still inside the {}-minute x-timestamp window: \
             these callbacks carry no nonce, so a server that checks signatures takes it \
             (HTTP {status}{}); it must refuse it once the copy is older than that",
            crate::sinch::time::format_duration(age.max(0).unsigned_abs()),
            window / 60,
            if passed {
                ", as it did"
            } else {
                ", which it did not"
            }
        );
        return (passed, summary);
    }
    if entry.verified && fresh && has_nonce {
        let outcome = ForgeryOutcome::of_status(status);
        let summary = match outcome {
            ForgeryOutcome::Rejected => format!(
                "your server refused the same webhook a second time (HTTP {status}), as it should: its nonce was seen before"
            ),
            _ => format!(
                "your server took the same webhook a second time (HTTP {status}): refuse a nonce it has seen before with a 4xx"
            ),
        };
        return (outcome == ForgeryOutcome::Rejected, summary);
    }
    let outcome = ForgeryOutcome::of_status(status);
    (
        outcome == ForgeryOutcome::Rejected,
        outcome.sentence(status),
    )
}

/// How a record is sent again.
pub enum ReplayAs<'a> {
    /// Its bytes and headers as recorded: its old signature and timestamp.
    AsIs,
    /// Its body (as recorded, or edited) signed afresh with these secrets.
    Resigned {
        /// The body to send.
        body: Vec<u8>,
        /// What signs it.
        secrets: &'a CallbackSecrets,
        /// Sign it even though it never verified: the user said so (a stranger's bytes
        /// signed with the developer's secret would otherwise pass as Sinch's).
        even_unverified: bool,
    },
}

/// A replay sent.
pub struct Replayed {
    /// The record it replayed.
    pub of: i64,
    /// Where it was sent.
    pub to: String,
    /// The event its body names.
    pub event: Option<Event>,
    /// The answer.
    pub answer: Answer,
    /// The judgement of a re-signed replay (what Sinch would make of the answer).
    pub verdict: Option<TriggerVerdict>,
    /// Whether it went as it should: a re-signed one answered as Sinch needs, a stale one
    /// refused.
    pub passed: bool,
    /// That, in a sentence.
    pub summary: String,
    /// The replay's own number in the history, or why it could not be kept.
    pub kept: Result<i64, HistoryError>,
}

/// Why a record could not be sent again.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// Its body names no event, so it cannot be signed as one.
    #[error(
        "record {0}'s body names no event sinch-ticket knows, so it cannot be signed as one: send it unchanged instead"
    )]
    NotAnEvent(i64),
    /// No secret of the event's kind was given.
    #[error("no secret to sign {0} with")]
    NoSecret(&'static str),
    /// It never verified, and signing it was not asked for.
    #[error(
        "record {id} never verified{}: signing it with your secret would vouch for bytes Sinch may never have sent",
        why.as_ref().map_or_else(String::new, |why| format!(" ({why})"))
    )]
    NeverVerified {
        /// The record.
        id: i64,
        /// Why it did not verify.
        why: Option<String>,
    },
    /// Only the first part of its body was kept.
    #[error("record {id}: {cut} when it was kept, so it cannot be sent again whole")]
    BodyCut {
        /// The record.
        id: i64,
        /// How it was cut ([`Entry::cut_note`]).
        cut: String,
    },
    /// It could not be signed.
    #[error(transparent)]
    Trigger(#[from] TriggerError),
    /// It could not be sent.
    #[error(transparent)]
    Send(#[from] SendError),
}

impl ReplayError {
    /// Whether the request asked for was wrong (rather than the network).
    pub fn is_usage(&self) -> bool {
        match self {
            ReplayError::NotAnEvent(_)
            | ReplayError::NoSecret(_)
            | ReplayError::NeverVerified { .. }
            | ReplayError::BodyCut { .. } => true,
            ReplayError::Trigger(err) => err.is_usage(),
            ReplayError::Send(err) => err.is_usage(),
        }
    }
}

/// Sends `entry` again to `to`, as `how` says, and keeps the replay in `history`.
pub fn replay(
    history: &mut History,
    entry: &Entry,
    to: &str,
    how: ReplayAs<'_>,
    timeout: Duration,
) -> Result<Replayed, ReplayError> {
    let url = target::sendable(to).map_err(SendError::from)?;
    let of = entry.id.unwrap_or_default();
    if let Some(cut) = entry.cut_note() {
        return Err(ReplayError::BodyCut { id: of, cut });
    }
    if let ReplayAs::Resigned {
        even_unverified: false,
        ..
    } = how
        && !entry.verified
        && !entry.resigned
    {
        return Err(ReplayError::NeverVerified {
            id: of,
            why: entry.reason.clone(),
        });
    }
    let as_is = matches!(how, ReplayAs::AsIs);
    let (event, answer, verdict, passed, summary, headers, body) = match how {
        ReplayAs::AsIs => {
            let headers: Vec<(String, String)> = entry
                .headers
                .iter()
                .filter(|(name, _)| !NOT_REPLAYED.iter().any(|h| name.eq_ignore_ascii_case(h)))
                .cloned()
                .collect();
            let answer = client::send(
                &url,
                client::Outgoing {
                    method: &entry.method,
                    url: to,
                    headers: headers.clone(),
                    body: entry.body.clone(),
                    timeout,
                },
            )?;
            let event = Event::of_body(&entry.body);
            let (passed, summary) = as_recorded(entry, event, answer.status, Utc::now());
            (
                event,
                answer,
                None,
                passed,
                summary,
                headers,
                entry.body.clone(),
            )
        }
        ReplayAs::Resigned { body, secrets, .. } => {
            let event = Event::of_body(&body).ok_or(ReplayError::NotAnEvent(of))?;
            let signer = secrets
                .for_event(event)
                .ok_or(ReplayError::NoSecret(event.name()))?;
            let Triggered {
                answer,
                verdict,
                body,
                ..
            } = trigger::send(Trigger {
                event,
                url: to,
                signer,
                body,
                sent_at: Utc::now(),
                nonce: trigger::fresh_nonce(event.product().scheme()),
                forgery: Forgery::None,
                timeout,
            })?;
            let (passed, summary) = (verdict.passed, verdict.summary.clone());
            (
                Some(event),
                answer,
                Some(verdict),
                passed,
                summary,
                Vec::new(),
                body,
            )
        }
    };
    let scheme = if as_is {
        entry.scheme.clone().unwrap_or_default()
    } else {
        event
            .and_then(|e| e.product().scheme())
            .map_or("application", Scheme::name)
            .to_owned()
    };
    let kept = history.record(&Entry {
        id: None,
        time: Utc::now(),
        peer: "replay".into(),
        method: entry.method.clone(),
        path: target::parse_url(to).map_or_else(|_| to.to_owned(), |u| u.resource.to_owned()),
        event: event.map(|e| e.name().to_owned()),
        scheme: Some(scheme),
        // Signed here, not by Sinch: listed as re-signed, never as verified.
        verified: false,
        reason: None,
        status: Some(answer.status),
        headers,
        body_size: body.len() as u64,
        body,
        body_sha256: None,
        record: json!({"to": to, "as_is": as_is, "passed": passed, "summary": summary}).to_string(),
        replay_of: Some(of),
        resigned: !as_is,
    });
    Ok(Replayed {
        of,
        to: to.to_owned(),
        event,
        answer,
        verdict,
        passed,
        summary,
        kept,
    })
}

#[cfg(test)]
mod tests {
    use super::{Entry, Event, as_recorded, curl};

    fn recorded(body: &str, seconds_ago: i64, verified: bool) -> Entry {
        Entry {
            id: Some(1),
            time: chrono::Utc::now() - chrono::TimeDelta::seconds(seconds_ago),
            peer: "127.0.0.1:5000".into(),
            method: "POST".into(),
            path: "/sinch".into(),
            event: None,
            scheme: Some("application".into()),
            verified,
            reason: None,
            status: Some(200),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            body_size: body.len() as u64,
            body_sha256: None,
            record: "{}".into(),
            replay_of: None,
            resigned: false,
        }
    }

    #[test]
    fn a_copy_as_recorded_is_judged_by_its_age_its_verdict_and_its_nonce() {
        let now = chrono::Utc::now();
        let ice = r#"{"event":"ice"}"#;
        let judge =
            |entry: &Entry, status| as_recorded(entry, Event::of_body(&entry.body), status, now);
        // A fresh Voice callback that verified: still good, taken.
        let (passed, said) = judge(&recorded(ice, 60, true), 200);
        assert!(
            passed && said.contains("still inside the 15-minute"),
            "{said}"
        );
        assert!(
            !judge(&recorded(ice, 60, true), 401).0,
            "refusing a good copy is wrong"
        );
        // Older than the window: a stale copy, to refuse.
        let (passed, said) = judge(&recorded(ice, 20 * 60, true), 200);
        assert!(
            !passed && said.contains("accepted a forged callback"),
            "{said}"
        );
        assert!(judge(&recorded(ice, 20 * 60, true), 401).0);
        // Its age is its signature's: signed three days ago, arrived (and kept) just now.
        let mut late = recorded(ice, 10, true);
        late.headers = vec![(
            "x-timestamp".into(),
            (now - chrono::TimeDelta::days(3)).to_rfc3339(),
        )];
        let (passed, said) = judge(&late, 200);
        assert!(
            !passed && said.contains("accepted a forged callback"),
            "{said}"
        );
        assert!(judge(&late, 401).0);
        // Never verified: to refuse, however fresh.
        assert!(!judge(&recorded(ice, 10, false), 200).0);
        // A webhook with a nonce: the same one twice, to refuse.
        let webhook =
            r#"{"app_id":"a","event":"x","message":{"id":"m"},"trigger":"MESSAGE_INBOUND"}"#;
        let entry = recorded(webhook, 10, true);
        let event = Some(Event::ConversationMessageInbound);
        let (passed, said) = as_recorded(&entry, event, 200, now);
        assert!(!passed && said.contains("a second time"), "{said}");
        assert!(as_recorded(&entry, event, 409, now).0);
    }

    #[test]
    fn a_recorded_request_as_curl_keeps_its_signature_and_bytes_but_no_secret_or_connection() {
        let headers = vec![
            ("Host".to_owned(), "127.0.0.1:8765".to_owned()),
            ("Content-Length".to_owned(), "13".to_owned()),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("x-timestamp".to_owned(), "2026-01-02T03:04:05Z".to_owned()),
            (
                "Authorization".to_owned(),
                "Application key:c2lnbmF0dXJl".to_owned(),
            ),
            (
                "Proxy-Authorization".to_owned(),
                "Basic a2V5OnNlY3JldA==".to_owned(),
            ),
        ];
        let command = curl(
            "POST",
            "http://127.0.0.1:3000/sinch/ice",
            &headers,
            br#"{"it's":"ice"}"#,
        );
        assert_eq!(
            command,
            "curl --path-as-is -X POST 'http://127.0.0.1:3000/sinch/ice' \
             -H 'Content-Type: application/json' -H 'x-timestamp: 2026-01-02T03:04:05Z' \
             -H 'Authorization: Application key:c2lnbmF0dXJl' \
             -H 'Proxy-Authorization: <hidden>' --data-binary '{\"it'\\''s\":\"ice\"}'"
        );
        let basic = vec![(
            "Authorization".to_owned(),
            "Basic a2V5OnNlY3JldA==".to_owned(),
        )];
        let command = curl("POST", "http://127.0.0.1:3000/", &basic, b"");
        assert!(!command.contains("a2V5OnNlY3JldA=="), "{command}");
    }
}
