//! The registration JWT of the current Sinch Voice & Video SDKs.
//!
//! ```text
//! signing_key = HMAC-SHA256(b64decode(secret), "YYYYMMDD")      (UTC date of iat; "hkdfv1" is one HMAC step)
//! header      = {"alg":"HS256","kid":"hkdfv1-YYYYMMDD"}
//! payload     = {"iss":"//rtc.sinch.com/applications/KEY","sub":".../users/USER","iat":N,"exp":N,"nonce":"..."}
//! jwt         = b64url(header) "." b64url(payload) "." b64url(HMAC-SHA256(signing_key, the first two parts))
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::Mac as _;
use zeroize::Zeroizing;

use super::{AppSecret, json, keyed_mac};

/// Sinch refuses registration JWTs whose `exp - iat` is shorter than this.
pub const MIN_JWT_TTL_SECS: u64 = 60;

/// What goes into one registration JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtRequest<'a> {
    /// The application key (the `KEY` in `iss` and `sub`).
    pub application_key: &'a str,
    /// The user id the SDK registers as.
    pub user_id: &'a str,
    /// `iat`: when the token is issued. Its UTC date also picks the signing key.
    pub issued_at: DateTime<Utc>,
    /// `exp - iat`, in seconds.
    pub ttl_secs: u64,
    /// How long the resulting registration stays valid (`sinch:rtc:instance:exp - iat`);
    /// `None` leaves it valid until revoked.
    pub instance_ttl_secs: Option<u64>,
    /// A value unique to this token.
    pub nonce: &'a str,
}

/// The per-day signing key: `HMAC-SHA256(secret, "YYYYMMDD")`, used as-is.
pub fn derive_signing_key(secret: &AppSecret, date: &str) -> Zeroizing<[u8; 32]> {
    let tag = keyed_mac(secret.bytes())
        .chain_update(date.as_bytes())
        .finalize()
        .into_bytes();
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&tag);
    key
}

/// The `YYYYMMDD` UTC date that names the signing key of a token issued at `at`.
pub(crate) fn kid_date(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d").to_string()
}

/// Builds and signs a registration JWT.
pub fn registration_jwt(secret: &AppSecret, request: &JwtRequest<'_>) -> String {
    let date = kid_date(request.issued_at);
    let header = format!(r#"{{"alg":"HS256","kid":"hkdfv1-{date}"}}"#);

    let iat = request.issued_at.timestamp();
    let offset = |secs: u64| iat.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX));
    let mut payload = Vec::with_capacity(256);
    payload.extend_from_slice(br#"{"iss":"#);
    json::push_string(
        &mut payload,
        &format!("//rtc.sinch.com/applications/{}", request.application_key),
    );
    payload.extend_from_slice(br#","sub":"#);
    json::push_string(
        &mut payload,
        &format!(
            "//rtc.sinch.com/applications/{}/users/{}",
            request.application_key, request.user_id
        ),
    );
    payload.extend_from_slice(
        format!(r#","iat":{iat},"exp":{}"#, offset(request.ttl_secs)).as_bytes(),
    );
    payload.extend_from_slice(br#","nonce":"#);
    json::push_string(&mut payload, request.nonce);
    if let Some(instance_ttl) = request.instance_ttl_secs {
        payload.extend_from_slice(
            format!(r#","sinch:rtc:instance:exp":{}"#, offset(instance_ttl)).as_bytes(),
        );
    }
    payload.push(b'}');

    let mut jwt = URL_SAFE_NO_PAD.encode(header);
    jwt.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut jwt);
    let signing_key = derive_signing_key(secret, &date);
    let tag = keyed_mac(signing_key.as_slice())
        .chain_update(jwt.as_bytes())
        .finalize()
        .into_bytes();
    jwt.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut jwt);
    jwt
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    pub(crate) const SECRET: &str = "ax8hTTQJF0OPXL32r1LHMA==";
    pub(crate) const KEY: &str = "a32e5a8d-f7d8-411c-9645-9038e8dd051d";
    pub(crate) const NONCE: &str = "6b438bda-2d5c-4e8c-92b0-39f20a94b34e";
    pub(crate) const JWT: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImhrZGZ2MS0yMDE4MDEwMiJ9.eyJpc3MiOiIvL3J0Yy5zaW5jaC5jb20vYXBwbGljYXRpb25zL2EzMmU1YThkLWY3ZDgtNDExYy05NjQ1LTkwMzhlOGRkMDUxZCIsInN1YiI6Ii8vcnRjLnNpbmNoLmNvbS9hcHBsaWNhdGlvbnMvYTMyZTVhOGQtZjdkOC00MTFjLTk2NDUtOTAzOGU4ZGQwNTFkL3VzZXJzL2ZvbyIsImlhdCI6MTUxNDg2MjI0NSwiZXhwIjoxNTE0ODYyODQ1LCJub25jZSI6IjZiNDM4YmRhLTJkNWMtNGU4Yy05MmIwLTM5ZjIwYTk0YjM0ZSJ9.EUltTTD4fxhkwCgLgj6qSQXKawpwQ952Ywm3OwQSARo";

    fn request() -> JwtRequest<'static> {
        JwtRequest {
            application_key: KEY,
            user_id: "foo",
            issued_at: DateTime::from_timestamp(1_514_862_245, 0).unwrap(),
            ttl_secs: 600,
            instance_ttl_secs: None,
            nonce: NONCE,
        }
    }

    #[test]
    fn derives_sinchs_published_signing_key() {
        let secret = AppSecret::from_base64(SECRET).unwrap();
        let key = derive_signing_key(&secret, "20180102");
        assert_eq!(
            STANDARD.encode(key.as_slice()),
            "AZj5EsS8S7wb06xr5jERqPHsraQt3w/+Ih5EfrhisBQ="
        );
    }

    #[test]
    fn matches_sinchs_published_jwt() {
        let secret = AppSecret::from_base64(SECRET).unwrap();
        assert_eq!(registration_jwt(&secret, &request()), JWT);
    }

    #[test]
    fn adds_the_instance_expiry_when_asked() {
        let secret = AppSecret::from_base64(SECRET).unwrap();
        let jwt = registration_jwt(
            &secret,
            &JwtRequest {
                instance_ttl_secs: Some(86_400),
                ..request()
            },
        );
        let payload = jwt.split('.').nth(1).unwrap();
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert!(
            payload.ends_with(r#""nonce":"6b438bda-2d5c-4e8c-92b0-39f20a94b34e","sinch:rtc:instance:exp":1514948645}"#),
            "{payload}"
        );
    }

    #[test]
    fn dates_the_key_in_utc_not_local_time() {
        // 23:30 on the 1st in UTC is already the 2nd east of Greenwich: the kid says the 1st.
        let at = chrono::DateTime::parse_from_rfc3339("2018-01-02T00:30:00+01:00").unwrap();
        assert_eq!(kid_date(at.with_timezone(&Utc)), "20180101");
    }
}
