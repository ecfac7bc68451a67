//! Making a credential: the one place where both faces turn "this kind, for this user, this
//! long" into a signed credential and the snippet that starts a client with it. Every check
//! a credential must pass before it is made is made here, once.

use chrono::{DateTime, Utc};

use super::time::{self, InstantError};
use super::{
    AppSecret, Capabilities, JwtRequest, MIN_JWT_TTL_SECS, NonAscii, TicketSigner, TokenKind,
    check_user_id, jwt_snippet, registration_jwt, ticket_snippet,
};

/// Everything that decides a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeRequest<'a> {
    /// Ticket or JWT.
    pub kind: TokenKind,
    /// The application key.
    pub application_key: &'a str,
    /// The username (ticket) or user id (JWT), signed exactly as given.
    pub user: &'a str,
    /// How long it is valid, in seconds (`expiresIn`, or `exp - iat`).
    pub lifetime_secs: u64,
    /// When it is issued: `created` or `iat`, whole seconds.
    pub issued_at: DateTime<Utc>,
    /// JWT only: how long the registration it makes stays valid; `None` until revoked.
    pub instance_ttl_secs: Option<u64>,
    /// JWT only: its unique nonce (see [`fresh_nonce`]).
    pub nonce: &'a str,
    /// Ticket snippet only: what the v1 client starts with.
    pub capabilities: Capabilities,
    /// Ticket only: how characters beyond ASCII are written (escaped, unless the gem's raw
    /// bytes are wanted).
    pub non_ascii: NonAscii,
}

/// A credential and the JavaScript snippet that starts a Sinch client with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    /// The ticket or JWT.
    pub credential: String,
    /// The `<script>` snippet for a web page.
    pub snippet: String,
}

/// A nonce for a new JWT: a random UUID, as in Sinch's samples.
pub fn fresh_nonce() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Why a credential cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MakeError {
    /// The user id is not one Sinch takes (the sentence of [`check_user_id`]).
    #[error("{0}")]
    User(String),
    /// A lifetime outside 1 s to ten years.
    #[error("a lifetime of {0} s is outside 1 s to ten years")]
    Lifetime(u64),
    /// A JWT shorter-lived than Sinch takes.
    #[error(
        "a registration JWT must live at least {MIN_JWT_TTL_SECS} s (Sinch rejects shorter ones)"
    )]
    JwtTooShort,
    /// Its expiry would be past what a timestamp holds.
    #[error(transparent)]
    Expiry(InstantError),
    /// The instance's expiry would be.
    #[error("the instance lifetime: {0}")]
    InstanceExpiry(InstantError),
    /// An empty JWT nonce.
    #[error("the nonce is empty: leave it out for a random one")]
    EmptyNonce,
}

/// Whether a credential of `kind` may live `secs`: the ten-year limit for both, and Sinch's
/// minimum of a minute for JWTs. The form checks this as it is typed; [`make`] checks it too.
pub fn check_lifetime(kind: TokenKind, secs: u64) -> Result<(), MakeError> {
    if secs == 0 || secs > time::MAX_LIFETIME_SECS {
        return Err(MakeError::Lifetime(secs));
    }
    if kind == TokenKind::RegistrationJwt && secs < MIN_JWT_TTL_SECS {
        return Err(MakeError::JwtTooShort);
    }
    Ok(())
}

/// Makes the credential `request` describes, or says why it cannot be made.
pub fn make(secret: &AppSecret, request: &MakeRequest<'_>) -> Result<Made, MakeError> {
    if let Some(error) = check_user_id(request.user).error {
        return Err(MakeError::User(error));
    }
    check_lifetime(request.kind, request.lifetime_secs)?;
    let in_range = |secs| time::expiry(request.issued_at, secs).map(drop);
    in_range(request.lifetime_secs).map_err(MakeError::Expiry)?;
    if request.kind == TokenKind::RegistrationJwt {
        if let Some(secs) = request.instance_ttl_secs {
            in_range(secs).map_err(MakeError::InstanceExpiry)?;
        }
        if request.nonce.is_empty() {
            return Err(MakeError::EmptyNonce);
        }
    }
    Ok(match request.kind {
        TokenKind::LegacyTicket => {
            let ticket = TicketSigner::new(request.application_key, secret)
                .with_non_ascii(request.non_ascii)
                .ticket(request.user, request.lifetime_secs, request.issued_at);
            Made {
                snippet: ticket_snippet(request.application_key, &ticket, request.capabilities),
                credential: ticket,
            }
        }
        TokenKind::RegistrationJwt => {
            let jwt = registration_jwt(
                secret,
                &JwtRequest {
                    application_key: request.application_key,
                    user_id: request.user,
                    issued_at: request.issued_at,
                    ttl_secs: request.lifetime_secs,
                    instance_ttl_secs: request.instance_ttl_secs,
                    nonce: request.nonce,
                },
            );
            Made {
                snippet: jwt_snippet(request.application_key, request.user, &jwt),
                credential: jwt,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: TokenKind) -> MakeRequest<'static> {
        MakeRequest {
            kind,
            application_key: "196087a1-e815-4bc4-8984-60d8d8a43f1d",
            user: "alice",
            lifetime_secs: 3600,
            issued_at: time::parse_instant("2026-01-02T03:04:05Z").unwrap(),
            instance_ttl_secs: None,
            nonce: "n",
            capabilities: Capabilities::default(),
            non_ascii: NonAscii::default(),
        }
    }

    #[test]
    fn makes_the_known_answer_ticket_and_its_snippet() {
        let secret = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==").unwrap();
        let made = make(&secret, &request(TokenKind::LegacyTicket)).unwrap();
        assert!(
            made.credential
                .ends_with(":aOs0i+KiTP6mVdWD+kQYXgkYLtwm0qcGU6fIi5XqY9I=")
        );
        assert!(made.snippet.contains(&made.credential));
        let jwt = make(&secret, &request(TokenKind::RegistrationJwt)).unwrap();
        assert_eq!(jwt.credential.split('.').count(), 3);
        assert!(jwt.snippet.contains("registration.register"));
    }

    #[test]
    fn refuses_what_sinch_or_the_inspector_would_reject() {
        let secret = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==").unwrap();
        let refused = |change: &dyn Fn(&mut MakeRequest<'static>)| {
            let mut r = request(TokenKind::RegistrationJwt);
            change(&mut r);
            make(&secret, &r).unwrap_err().to_string()
        };
        assert!(refused(&|r| r.user = "").contains("username is empty"));
        assert!(refused(&|r| r.lifetime_secs = 30).contains("at least 60 s"));
        assert!(refused(&|r| r.nonce = "").contains("nonce is empty"));
        assert!(
            refused(&|r| r.issued_at = time::parse_instant("9999-12-31T23:59:00Z").unwrap())
                .contains("after 9999-12-31")
        );
        assert!(refused(&|r| r.instance_ttl_secs = Some(0)).contains("instance lifetime"));
    }
}
