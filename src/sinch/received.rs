//! A received request verified with whichever scheme it carries, side by side: the
//! application scheme (Voice, Verification, Voice v2's `service`, HTTP Basic) with the
//! application key and secret, and the project products' webhook schemes with their webhook
//! secrets. The one decision `listen` and the window's Verify part share; each face words
//! the advice (which flag, which button) itself.

use chrono::{DateTime, Utc};

use super::signing::{CallbackKeys, RawRequest, RequestVerdict, SignedWith, verify_request};
use super::webhook::{Scheme, WebhookSecrets, WebhookVerdict, verify_webhook};

/// Everything a request can be verified with.
#[derive(Debug, Clone, Copy)]
pub struct Secrets<'a> {
    /// The application key and secret, when there are any.
    pub application: Option<CallbackKeys<'a>>,
    /// The webhook secrets, by scheme.
    pub webhooks: &'a WebhookSecrets,
}

/// Why a request could not be checked at all: it carries a scheme there is no secret for.
/// The verdict says so; this tells a face which secret to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The application key and secret.
    Application,
    /// The webhook secret of this scheme.
    Webhook(Scheme),
}

/// The headers a signature or its freshness rests on: each must come once.
const SIGNATURE_HEADERS: [&str; 7] = [
    "authorization",
    "x-timestamp",
    "content-type",
    "x-sinch-webhook-signature",
    "x-sinch-webhook-signature-nonce",
    "x-sinch-webhook-signature-timestamp",
    "x-sinch-signature",
];

/// The first of [`SIGNATURE_HEADERS`] that `request` carries more than once.
fn doubled_signature_header(request: &RawRequest) -> Option<&'static str> {
    SIGNATURE_HEADERS.into_iter().find(|name| {
        request
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
            > 1
    })
}

/// The scheme `request` is checked in: `forced` when given (`Some(None)`: the application
/// scheme), else the webhook scheme its headers carry, else the application scheme. A face
/// that fetches secrets one kind at a time asks this first, then [`verify_received`].
pub fn scheme_to_check(request: &RawRequest, forced: Option<Option<Scheme>>) -> Option<Scheme> {
    forced.unwrap_or_else(|| Scheme::of_request(request))
}

/// Verifies `request` with the scheme it carries (a webhook's, or the application scheme:
/// an `Authorization` header or nothing at all), or with `forced`, at `now`; `max_age_secs`
/// bounds the age of every scheme that has a timestamp. The second value names the secret
/// that was missing, when the verdict is "nothing to check it with".
pub fn verify_received(
    request: &RawRequest,
    secrets: Secrets<'_>,
    forced: Option<Option<Scheme>>,
    now: DateTime<Utc>,
    max_age_secs: Option<u64>,
) -> (RequestVerdict, Option<Missing>) {
    if let Some(name) = doubled_signature_header(request) {
        return (
            RequestVerdict {
                verified: false,
                reason: Some(format!(
                    "the request carries {name} twice: which one a server reads differs from \
                     server to server, so a forger could add one; Sinch sends each once"
                )),
                scheme: None,
                string_to_sign: None,
                warnings: Vec::new(),
                too_old: false,
            },
            None,
        );
    }
    match scheme_to_check(request, forced) {
        Some(scheme) => match secrets.webhooks.get(scheme) {
            Some(secret) => (
                verify_webhook(request, Some(scheme), secret, now, max_age_secs).into(),
                None,
            ),
            None => (
                RequestVerdict {
                    verified: false,
                    reason: Some(format!(
                        "this is a {} webhook, and there is no webhook secret of that kind to \
                         check it with",
                        scheme.name()
                    )),
                    scheme: Some(SignedWith::Webhook(scheme)),
                    string_to_sign: None,
                    warnings: Vec::new(),
                    too_old: false,
                },
                Some(Missing::Webhook(scheme)),
            ),
        },
        None => match secrets.application {
            Some(keys) => (verify_request(request, keys, now, max_age_secs), None),
            None => (
                RequestVerdict {
                    verified: false,
                    reason: Some(
                        "the request is signed with the application scheme (or not at all), \
                         and there is no application secret to check it with"
                            .to_owned(),
                    ),
                    scheme: None,
                    string_to_sign: None,
                    warnings: Vec::new(),
                    too_old: false,
                },
                Some(Missing::Application),
            ),
        },
    }
}

/// A verdict's headline, the same in every list and line that shows one: "verified
/// (conversation)", "verified", or "NOT VERIFIED" (capitals: it must not be missed).
pub fn headline(verified: bool, scheme: Option<&str>) -> String {
    match (verified, scheme) {
        (true, Some(scheme)) => format!("verified ({scheme})"),
        (true, None) => "verified".to_owned(),
        (false, _) => "NOT VERIFIED".to_owned(),
    }
}

impl RequestVerdict {
    /// Its headline: [`headline`].
    pub fn headline(&self) -> String {
        headline(self.verified, self.scheme.as_ref().map(SignedWith::name))
    }
}

/// A webhook verdict in the shape every face shows.
impl From<WebhookVerdict> for RequestVerdict {
    fn from(verdict: WebhookVerdict) -> Self {
        RequestVerdict {
            verified: verdict.verified,
            reason: verdict.reason,
            scheme: verdict.scheme.map(SignedWith::Webhook),
            string_to_sign: None,
            warnings: verdict.warnings,
            too_old: verdict.too_old,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::http1::parse_request;
    use crate::sinch::AppSecret;
    use crate::sinch::webhook::{WebhookSecret, numbers_signature};

    #[test]
    fn each_request_is_checked_with_the_secret_of_its_own_scheme() {
        let app = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==").unwrap();
        let mut webhooks = WebhookSecrets::default();
        webhooks.insert(Scheme::Numbers, WebhookSecret::new("my-callback-secret"));
        let secrets = Secrets {
            application: Some(CallbackKeys {
                key: None,
                secret: &app,
            }),
            webhooks: &webhooks,
        };
        let now = Utc::now();
        let body = r#"{"eventId":"e"}"#;
        let signature =
            numbers_signature(&WebhookSecret::new("my-callback-secret"), body.as_bytes());
        let numbers = format!("POST /n HTTP/1.1\r\nX-Sinch-Signature: {signature}\r\n\r\n{body}");
        let (verdict, missing) = verify_received(
            &parse_request(numbers.as_bytes()).unwrap(),
            secrets,
            None,
            now,
            Some(900),
        );
        assert!(verdict.verified && missing.is_none(), "{verdict:?}");
        assert_eq!(verdict.scheme, Some(SignedWith::Webhook(Scheme::Numbers)));

        // A Conversation webhook with no Conversation secret: said, and which is missing.
        let conversation = "POST /c HTTP/1.1\r\nx-sinch-webhook-signature: AAAA\r\n\r\n{}";
        let (verdict, missing) = verify_received(
            &parse_request(conversation.as_bytes()).unwrap(),
            secrets,
            None,
            now,
            Some(900),
        );
        assert!(!verdict.verified);
        assert_eq!(missing, Some(Missing::Webhook(Scheme::Conversation)));

        // An application-scheme request with webhook secrets only.
        let voice = "POST /v HTTP/1.1\r\nAuthorization: Application k:AAAA\r\n\r\n{}";
        let (_, missing) = verify_received(
            &parse_request(voice.as_bytes()).unwrap(),
            Secrets {
                application: None,
                webhooks: &webhooks,
            },
            None,
            now,
            None,
        );
        assert_eq!(missing, Some(Missing::Application));
    }

    #[test]
    fn a_signature_header_sent_twice_is_refused_whichever_copy_is_right() {
        let app = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==").unwrap();
        let webhooks = WebhookSecrets::default();
        let secrets = Secrets {
            application: Some(CallbackKeys {
                key: None,
                secret: &app,
            }),
            webhooks: &webhooks,
        };
        for doubled in [
            "Authorization: Application k:AAAA\r\nAuthorization: Application k:BBBB",
            "x-timestamp: 2026-01-01T00:00:00Z\r\nX-Timestamp: 2026-01-01T00:00:01Z",
            "x-sinch-webhook-signature-nonce: A\r\nx-sinch-webhook-signature-nonce: B",
        ] {
            let text = format!("POST /cb HTTP/1.1\r\n{doubled}\r\n\r\n{{}}");
            let (verdict, _) = verify_received(
                &parse_request(text.as_bytes()).unwrap(),
                secrets,
                None,
                Utc::now(),
                None,
            );
            assert!(!verdict.verified);
            assert!(verdict.reason.unwrap().contains("twice"), "{doubled}");
        }
    }
}
