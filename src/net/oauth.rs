//! The OAuth2 exchange on the wire, for both faces: a token request to the auth server
//! (docs/FORMATS.md §6), retried on 429 with full-jitter backoff, and a call to a project
//! API with the bearer that fetches a new token and retries once when the API says the
//! token expired. The rules are the core's ([`crate::sinch::oauth`]); this sends.

use std::time::{Duration, Instant};

use chrono::Utc;

use crate::net::client::{self, Answer, SendError};
use crate::net::target;
use crate::sinch::oauth::{
    AccessKey, AccessToken, MAX_RATE_LIMIT_RETRIES, TOKEN_REQUEST_BODY, TokenError,
    parse_token_answer, rate_limit_backoff, token_request_headers,
};
pub use crate::sinch::oauth::{NoCache, TokenCache};

/// Why no token was had.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The auth server could not be reached, or did not answer in time.
    #[error("the auth server at {url} could not be reached: {error}")]
    Network {
        /// Where it was asked.
        url: String,
        /// Why not.
        error: SendError,
    },
    /// It answered, without a token.
    #[error(transparent)]
    Token(#[from] TokenError),
}

impl FetchError {
    /// Whether the request could not be made as given (a URL not allowed, say).
    pub fn is_usage(&self) -> bool {
        matches!(self, FetchError::Network { error, .. } if error.is_usage())
    }
}

/// How a token request is made.
#[derive(Debug, Clone, Copy)]
pub struct Fetch<'a> {
    /// The token endpoint (https, or http on loopback for a stand-in).
    pub auth_url: &'a str,
    /// How long the whole exchange may take, retries included.
    pub timeout: Duration,
    /// The first backoff ceiling (Sinch's SDKs: 1 s); tests shorten it.
    pub backoff_base: Duration,
}

/// Fetches a token for `key` from `fetch.auth_url`, retrying a 429 up to
/// [`MAX_RATE_LIMIT_RETRIES`] times with full-jitter backoff.
pub fn fetch_token(key: &AccessKey, fetch: Fetch<'_>) -> Result<AccessToken, FetchError> {
    let network = |error: SendError| FetchError::Network {
        url: fetch.auth_url.to_owned(),
        error,
    };
    let url = target::sendable(fetch.auth_url).map_err(|err| network(err.into()))?;
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let left = fetch.timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(network(SendError::Timeout(fetch.timeout)));
        }
        let headers = token_request_headers(key)
            .into_iter()
            .map(|(name, value)| (name, value.as_str().to_owned()))
            .collect();
        let answer = client::send(
            &url,
            client::Outgoing {
                method: "POST",
                url: fetch.auth_url,
                headers,
                body: TOKEN_REQUEST_BODY.as_bytes().to_vec(),
                timeout: left,
            },
        )
        .map_err(network)?;
        match parse_token_answer(&key.key_id, answer.status, &answer.body, Utc::now()) {
            Err(TokenError::RateLimited { .. }) if attempt < MAX_RATE_LIMIT_RETRIES => {
                let wait = rate_limit_backoff(attempt, jitter(), fetch.backoff_base);
                std::thread::sleep(wait.min(fetch.timeout.saturating_sub(started.elapsed())));
                attempt += 1;
            }
            Err(TokenError::RateLimited { .. }) => {
                return Err(TokenError::RateLimited { retries: attempt }.into());
            }
            other => return Ok(other?),
        }
    }
}

/// A uniform sample in [0, 1) for the backoff's jitter, from a fresh random UUID: its
/// first 6 bytes are random in a version 4 UUID (the version and variant bits come later).
fn jitter() -> f64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let bits = bytes[..6]
        .iter()
        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
    // 48 random bits: exactly representable.
    #[allow(clippy::cast_precision_loss)]
    let unit = bits as f64 / (1u64 << 48) as f64;
    unit
}

/// Sends `outgoing` with `token` as the bearer; when the API answers that the token expired,
/// asks `renew` for a new one and sends once more. Returns the answer and the token used
/// last (the renewed one, when it was renewed).
pub fn send_with_bearer(
    url: &target::RequestUrl<'_>,
    outgoing: &client::Outgoing<'_>,
    token: AccessToken,
    renew: impl FnOnce() -> Result<AccessToken, FetchError>,
) -> Result<(Answer, AccessToken, bool), BearerError> {
    let send = |token: &AccessToken| {
        let mut headers = outgoing.headers.clone();
        headers.push((
            "Authorization".into(),
            format!("Bearer {}", token.token.as_str()),
        ));
        client::send(
            url,
            client::Outgoing {
                method: outgoing.method,
                url: outgoing.url,
                headers,
                body: outgoing.body.clone(),
                timeout: outgoing.timeout,
            },
        )
    };
    let answer = send(&token)?;
    if !crate::sinch::oauth::says_expired(answer.status, answer.www_authenticate.as_deref()) {
        return Ok((answer, token, false));
    }
    let renewed = renew()?;
    let answer = send(&renewed)?;
    Ok((answer, renewed, true))
}

/// Why a call with a bearer failed.
#[derive(Debug, thiserror::Error)]
pub enum BearerError {
    /// The call itself.
    #[error(transparent)]
    Send(#[from] SendError),
    /// Fetching the new token.
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// A token for `key`: the cached one while it is fresh (more than a minute before it
/// expires), else a new one, kept in `cache`. Whether it was fetched.
pub fn token(
    key: &AccessKey,
    fetch: Fetch<'_>,
    cache: &dyn TokenCache,
) -> Result<(AccessToken, bool), FetchError> {
    if let Some(token) = cache.cached().filter(|t| t.is_fresh(Utc::now())) {
        return Ok((token, false));
    }
    let token = fetch_token(key, fetch)?;
    cache.keep(&token);
    Ok((token, true))
}

/// A new token for `key`, the cached one forgotten first: what a call does when the API
/// said its token expired.
pub fn renew(
    key: &AccessKey,
    fetch: Fetch<'_>,
    cache: &dyn TokenCache,
) -> Result<AccessToken, FetchError> {
    cache.forget();
    token(key, fetch, cache).map(|(token, _)| token)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_jitter_is_in_the_unit_interval_and_varies() {
        let samples: Vec<f64> = (0..200).map(|_| super::jitter()).collect();
        assert!(samples.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(samples.iter().any(|u| *u < 0.25) && samples.iter().any(|u| *u > 0.75));
    }
}
