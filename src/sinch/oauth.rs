//! Project credentials (docs/FORMATS.md §6): the OAuth2 client-credentials exchange that
//! turns a project's access key (Key ID and Key Secret) into a bearer token for the project
//! APIs (SMS, Conversation, Numbers, Fax, Voice v2), how long a token is good for, when an
//! API's 401 means "fetch a new one", how a 429 is backed off, and which APIs take which
//! authorization. Pure: the answers, the clock and the randomness come in.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroizing;

/// Sinch's token endpoint.
pub const AUTH_URL: &str = "https://auth.sinch.com/oauth2/token";

/// The form body of every token request.
pub const TOKEN_REQUEST_BODY: &str = "grant_type=client_credentials";

/// The Content-Type of a token request.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// A token is fetched anew this long before it expires (as Sinch's SDKs do).
pub const REFRESH_MARGIN_SECS: i64 = 60;

/// How many times a 429 from the token endpoint is retried (as Sinch's SDKs do).
pub const MAX_RATE_LIMIT_RETRIES: u32 = 3;

/// A project's access key secret, as the dashboard shows it once: used as its text. Wiped
/// when dropped, never shown.
#[derive(Clone)]
pub struct KeySecret(Zeroizing<String>);

impl KeySecret {
    /// The secret typed or pasted (surrounding white space dropped).
    pub fn new(text: &str) -> Self {
        Self(Zeroizing::new(text.trim().to_owned()))
    }

    /// Its text, for storing it. Never shown.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecret(<redacted>)")
    }
}

/// A project's access key.
#[derive(Debug, Clone)]
pub struct AccessKey {
    /// The project it belongs to.
    pub project_id: String,
    /// Its public half.
    pub key_id: String,
    /// Its secret half.
    pub key_secret: KeySecret,
}

/// The headers of a token request for `key`: HTTP Basic with the Key ID and Secret, and the
/// form's Content-Type. The value is built in a buffer wiped when dropped.
pub fn token_request_headers(key: &AccessKey) -> Vec<(String, Zeroizing<String>)> {
    let pair = Zeroizing::new(format!("{}:{}", key.key_id, key.key_secret.expose()));
    vec![
        (
            "Authorization".into(),
            Zeroizing::new(format!("Basic {}", STANDARD.encode(pair.as_bytes()))),
        ),
        ("Content-Type".into(), Zeroizing::new(FORM.into())),
    ]
}

/// An access token, as the auth server gave it.
#[derive(Clone)]
pub struct AccessToken {
    /// The bearer token (a JWT).
    pub token: Zeroizing<String>,
    /// Its type, `bearer`.
    pub token_type: String,
    /// When it stops being accepted: the sooner of `expires_in` and the JWT's `exp`.
    pub expires_at: DateTime<Utc>,
    /// Its scope, when the server says.
    pub scope: Option<String>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl AccessToken {
    /// Whether it can still be used at `now`: more than [`REFRESH_MARGIN_SECS`] before it
    /// expires.
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at - TimeDelta::seconds(REFRESH_MARGIN_SECS) > now
    }

    /// What `token --json` prints (the token included: that is what was asked for).
    pub fn report(&self) -> TokenReport<'_> {
        TokenReport {
            token: &self.token,
            token_type: &self.token_type,
            expires_at: self
                .expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            scope: self.scope.as_deref(),
        }
    }
}

/// The fields of a token, for JSON.
#[derive(Debug, Serialize)]
pub struct TokenReport<'a> {
    /// The bearer token.
    pub token: &'a str,
    /// Its type.
    #[serde(rename = "type")]
    pub token_type: &'a str,
    /// When it expires, RFC 3339.
    pub expires_at: String,
    /// Its scope.
    pub scope: Option<&'a str>,
}

/// Where a token is kept between calls (a profile's keyring entry, or nowhere): the
/// interface the sender uses, kept here so that the keeper need not know the sender.
pub trait TokenCache {
    /// The token kept, when there is one.
    fn cached(&self) -> Option<AccessToken>;
    /// Keeps `token` (a failure to keep it only means it is fetched again next time).
    fn keep(&self, token: &AccessToken);
    /// Forgets the token kept (an API said it expired).
    fn forget(&self);
}

/// No cache: a token lives as long as the process.
pub struct NoCache;

impl TokenCache for NoCache {
    fn cached(&self) -> Option<AccessToken> {
        None
    }
    fn keep(&self, _: &AccessToken) {}
    fn forget(&self) {}
}

/// Why no token came from the auth server's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// 401 or 403: the Key ID or its secret is wrong (the secret is never named).
    #[error(
        "the auth server refused Key ID {key_id} with its secret (HTTP {status}): check both under Access keys in the Sinch dashboard (a Key Secret is shown once, when the key is made)"
    )]
    Refused {
        /// The Key ID used.
        key_id: String,
        /// The status.
        status: u16,
    },
    /// 429 after every retry.
    #[error(
        "the auth server is rate-limiting token requests (HTTP 429, {retries} retries with backoff): wait a few seconds and retry"
    )]
    RateLimited {
        /// How many retries were made.
        retries: u32,
    },
    /// A 5xx: the auth server is down or failing.
    #[error("the auth server failed (HTTP {0}): retry later, or check Sinch's status page")]
    ServerDown(u16),
    /// Another status.
    #[error("the auth server answered HTTP {0}, not a token")]
    Unexpected(u16),
    /// A 200 without a usable token.
    #[error("the auth server's answer holds no usable token: {0}")]
    Malformed(String),
    /// A token that had expired when it arrived (its `expires_in` or `exp` is past): no API
    /// would take it.
    #[error(
        "the auth server issued a token that had already expired ({}): check this machine's clock, or the auth server",
        .0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )]
    Expired(DateTime<Utc>),
}

/// Reads the auth server's answer (`status`, `body`) at `now`.
pub fn parse_token_answer(
    key_id: &str,
    status: u16,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<AccessToken, TokenError> {
    match status {
        200..=299 => {}
        401 | 403 => {
            return Err(TokenError::Refused {
                key_id: key_id.to_owned(),
                status,
            });
        }
        429 => return Err(TokenError::RateLimited { retries: 0 }),
        500..=599 => return Err(TokenError::ServerDown(status)),
        other => return Err(TokenError::Unexpected(other)),
    }
    let answer: Value =
        serde_json::from_slice(body).map_err(|_| TokenError::Malformed("it is not JSON".into()))?;
    let token = answer
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| TokenError::Malformed("there is no access_token".into()))?;
    let token_type = answer
        .get("token_type")
        .and_then(Value::as_str)
        .unwrap_or("bearer")
        .to_owned();
    let from_expires_in = answer
        .get("expires_in")
        .and_then(Value::as_i64)
        .and_then(TimeDelta::try_seconds)
        .and_then(|ttl| now.checked_add_signed(ttl));
    let from_exp = jwt_exp(token);
    let expires_at = match (from_expires_in, from_exp) {
        (Some(a), Some(b)) => a.min(b),
        (Some(at), None) | (None, Some(at)) => at,
        (None, None) => {
            return Err(TokenError::Malformed(
                "it says neither expires_in nor a JWT exp, so its lifetime is unknown".into(),
            ));
        }
    };
    if expires_at <= now {
        return Err(TokenError::Expired(expires_at));
    }
    Ok(AccessToken {
        token: Zeroizing::new(token.to_owned()),
        token_type,
        expires_at,
        scope: answer
            .get("scope")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// The claims of a JWT-shaped token, undecoded signature aside (`None`: not a JWT).
pub fn jwt_claims(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else {
        return None;
    };
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A JWT's `exp`, when it has one.
pub fn jwt_exp(token: &str) -> Option<DateTime<Utc>> {
    let exp = jwt_claims(token)?.get("exp")?.as_i64()?;
    DateTime::from_timestamp(exp, 0)
}

/// Whether an API's 401 says the token expired (its `WWW-Authenticate` names it), so that a
/// new one is fetched and the call retried once.
pub fn says_expired(status: u16, www_authenticate: Option<&str>) -> bool {
    status == 401 && www_authenticate.is_some_and(|v| v.to_ascii_lowercase().contains("expired"))
}

/// How long to wait before retry `attempt` (0, 1, 2) of a rate-limited token request:
/// full jitter, `unit` (uniform in [0, 1)) of a ceiling that starts at `base` and grows 4x
/// each attempt (Sinch's SDKs: base 1 s).
pub fn rate_limit_backoff(attempt: u32, unit: f64, base: Duration) -> Duration {
    let ceiling = base.saturating_mul(4u32.saturating_pow(attempt));
    ceiling.mul_f64(unit.clamp(0.0, 1.0))
}

/// Which authorization a Sinch API takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiAuth {
    /// The application's signing (Voice, Verification).
    Application,
    /// HTTP Basic with the application key and secret (Voice, Verification; tests only).
    Basic,
    /// An OAuth2 bearer from the project's access key.
    OAuth,
    /// The SMS API's service plan: its API token as the bearer.
    ServicePlan,
}

impl ApiAuth {
    /// The authorization an API host takes, when the host says: the Voice and Verification
    /// hosts sign with the application; Conversation, Numbers and SMS's `zt.` hosts take
    /// OAuth2; SMS's other hosts (`us.`, `eu.`, `br.`, `ca.`, `au.`) a service plan's token.
    pub fn for_host(host: &str) -> Option<ApiAuth> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if host.starts_with("calling") && under("api.sinch.com")
            || host == "callingapi.sinch.com"
            || under("verification.api.sinch.com")
        {
            Some(ApiAuth::Application)
        } else if host.starts_with("zt.") && under("sms.api.sinch.com")
            || under("conversation.api.sinch.com")
            || host == "numbers.api.sinch.com"
        {
            Some(ApiAuth::OAuth)
        } else if under("sms.api.sinch.com") {
            Some(ApiAuth::ServicePlan)
        } else {
            None
        }
    }
}

/// `path` with `{project}` (and `{service_plan_id}`) filled in, where given.
pub fn fill_path(path: &str, project_id: Option<&str>, service_plan_id: Option<&str>) -> String {
    let mut filled = path.to_owned();
    if let Some(project) = project_id {
        filled = filled
            .replace("{project}", project)
            .replace("{projectId}", project);
    }
    if let Some(plan) = service_plan_id {
        filled = filled.replace("{service_plan_id}", plan);
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_323_045, 0).unwrap()
    }

    fn jwt(exp: i64) -> String {
        let claims = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"k","exp":{exp}}}"#));
        format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2ln")
    }

    #[test]
    fn the_token_request_is_basic_with_the_key_and_a_form() {
        let key = AccessKey {
            project_id: "p".into(),
            key_id: "key-id".into(),
            key_secret: KeySecret::new("s3cret\n"),
        };
        let headers = token_request_headers(&key);
        assert_eq!(headers[0].1.as_str(), "Basic a2V5LWlkOnMzY3JldA==");
        assert_eq!(headers[1].1.as_str(), FORM);
        assert_eq!(TOKEN_REQUEST_BODY, "grant_type=client_credentials");
        assert!(!format!("{key:?}").contains("s3cret"));
    }

    #[test]
    fn a_token_that_had_expired_when_it_arrived_is_refused_with_when() {
        let now = Utc::now();
        for answer in [
            r#"{"access_token":"opaque","expires_in":0}"#,
            r#"{"access_token":"opaque","expires_in":-60}"#,
        ] {
            let err = parse_token_answer("key", 200, answer.as_bytes(), now).unwrap_err();
            assert!(
                matches!(err, TokenError::Expired(at) if at <= now),
                "{err:?}"
            );
            assert!(err.to_string().contains("already expired"), "{err}");
        }
        assert!(
            parse_token_answer(
                "key",
                200,
                br#"{"access_token":"opaque","expires_in":60}"#,
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn a_token_lasts_the_sooner_of_expires_in_and_its_exp_less_a_minute() {
        let body = format!(
            r#"{{"access_token":"{}","token_type":"bearer","expires_in":3600,"scope":""}}"#,
            jwt(now().timestamp() + 1800)
        );
        let token = parse_token_answer("k", 200, body.as_bytes(), now()).unwrap();
        assert_eq!(token.expires_at.timestamp(), now().timestamp() + 1800);
        assert!(token.is_fresh(now() + TimeDelta::seconds(1739)));
        assert!(!token.is_fresh(now() + TimeDelta::seconds(1741)));
        assert!(!format!("{token:?}").contains("eyJ"));
        let opaque = r#"{"access_token":"opaque","expires_in":60}"#;
        let token = parse_token_answer("k", 200, opaque.as_bytes(), now()).unwrap();
        assert!(
            !token.is_fresh(now()),
            "a one-minute token is refreshed at once"
        );
    }

    #[test]
    fn each_failure_says_which() {
        let err = parse_token_answer("my-key-id", 401, b"{}", now()).unwrap_err();
        assert!(err.to_string().contains("Key ID my-key-id"), "{err}");
        assert!(matches!(
            parse_token_answer("k", 503, b"", now()),
            Err(TokenError::ServerDown(503))
        ));
        assert!(matches!(
            parse_token_answer("k", 200, b"<html>", now()),
            Err(TokenError::Malformed(_))
        ));
        assert!(matches!(
            parse_token_answer("k", 200, br#"{"access_token":"x"}"#, now()),
            Err(TokenError::Malformed(_))
        ));
    }

    #[test]
    fn expiry_retries_and_backoff_follow_sinchs_sdks() {
        assert!(says_expired(
            401,
            Some(r#"Bearer error="invalid_token", error_description="Jwt expired""#)
        ));
        assert!(!says_expired(401, Some("Bearer")));
        assert!(!says_expired(403, Some("expired")));
        let base = Duration::from_secs(1);
        assert_eq!(rate_limit_backoff(0, 0.5, base), Duration::from_millis(500));
        assert_eq!(rate_limit_backoff(2, 0.5, base), Duration::from_secs(8));
        assert_eq!(rate_limit_backoff(1, 2.0, base), Duration::from_secs(4));
    }

    #[test]
    fn hosts_choose_their_authorization_and_paths_take_the_project() {
        for (host, auth) in [
            ("calling.api.sinch.com", Some(ApiAuth::Application)),
            ("calling-euc1.api.sinch.com", Some(ApiAuth::Application)),
            ("callingapi.sinch.com", Some(ApiAuth::Application)),
            ("verification.api.sinch.com", Some(ApiAuth::Application)),
            ("us.sms.api.sinch.com", Some(ApiAuth::ServicePlan)),
            ("au.sms.api.sinch.com", Some(ApiAuth::ServicePlan)),
            ("zt.eu.sms.api.sinch.com", Some(ApiAuth::OAuth)),
            ("eu.conversation.api.sinch.com", Some(ApiAuth::OAuth)),
            ("numbers.api.sinch.com", Some(ApiAuth::OAuth)),
            ("example.com", None),
            ("sms.api.sinch.com.evil.example", None),
        ] {
            assert_eq!(ApiAuth::for_host(host), auth, "{host}");
        }
        assert_eq!(
            fill_path("/v1/projects/{project}/messages:send", Some("p-1"), None),
            "/v1/projects/p-1/messages:send"
        );
        assert_eq!(
            fill_path("/xms/v1/{service_plan_id}/batches", None, Some("sp")),
            "/xms/v1/sp/batches"
        );
    }
}
