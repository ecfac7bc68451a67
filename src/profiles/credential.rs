//! The credentials a profile holds besides its application key and secret, as a small set of
//! kinds. Each kind lives in a keyring entry of its own, under a service of its own (the
//! profile's name is the entry's user, as for the application entry), so that:
//!
//! - the application entry stays exactly what every earlier version wrote and reads, and an
//!   older version, which knows no other service, never touches the others;
//! - adding a kind later (a project access key for OAuth2, a service-plan token) needs no
//!   migration: a new variant, its service name, its words.
//!
//! The index lists which kinds a profile has (by name, so that a kind a later version adds
//! survives this version's rewrites), so `profile list` says so without the keyring; the
//! keyring stays the truth, and reading a kind puts the index right.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keyring::SERVICE;
pub use crate::sinch::webhook::WebhookSecrets;
use crate::sinch::webhook::{Scheme, WebhookSecret};

/// One kind of credential a profile can hold besides its application key and secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialKind {
    /// The Conversation API's webhook secret, also what signs SMS callbacks with HMAC on.
    Conversation,
    /// The Numbers API's callback secret (`hmacSecret`).
    Numbers,
    /// Mailgun's HTTP webhook signing key.
    Mailgun,
    /// The project's access key: its Key Secret (the Key ID and Project ID beside it).
    AccessKey,
    /// The SMS API's service plan: its API token (the Service Plan ID beside it).
    ServicePlan,
    /// The OAuth2 token last fetched with the access key, reused until it nears expiry.
    OAuthToken,
}

impl CredentialKind {
    /// The webhook secrets, in the order lists show them.
    pub const WEBHOOKS: [CredentialKind; 3] = [Self::Conversation, Self::Numbers, Self::Mailgun];

    /// Every kind, in the order lists show them.
    pub const ALL: [CredentialKind; 6] = [
        Self::Conversation,
        Self::Numbers,
        Self::Mailgun,
        Self::AccessKey,
        Self::ServicePlan,
        Self::OAuthToken,
    ];

    /// Its name on the command line and in the index.
    pub fn name(self) -> &'static str {
        match self {
            Self::Conversation => "conversation",
            Self::Numbers => "numbers",
            Self::Mailgun => "mailgun",
            Self::AccessKey => "access-key",
            Self::ServicePlan => "service-plan",
            Self::OAuthToken => "oauth-token",
        }
    }

    /// What it is, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Conversation => "Conversation/SMS webhook secret",
            Self::Numbers => "Numbers callback secret",
            Self::Mailgun => "Mailgun webhook signing key",
            Self::AccessKey => "project access key",
            Self::ServicePlan => "SMS service plan API token",
            Self::OAuthToken => "cached OAuth2 token",
        }
    }

    /// The keyring service its entries are filed under (`sinch-ticket:conversation`).
    pub fn service(self) -> String {
        format!("{SERVICE}:{}", self.name())
    }

    /// The webhook scheme it verifies and signs (`None`: not a webhook secret).
    pub fn scheme(self) -> Option<Scheme> {
        match self {
            Self::Conversation => Some(Scheme::Conversation),
            Self::Numbers => Some(Scheme::Numbers),
            Self::Mailgun => Some(Scheme::Mailgun),
            Self::AccessKey | Self::ServicePlan | Self::OAuthToken => None,
        }
    }

    /// The kind whose secret a webhook scheme needs.
    pub fn for_scheme(scheme: Scheme) -> Self {
        match scheme {
            Scheme::Conversation => Self::Conversation,
            Scheme::Numbers => Self::Numbers,
            Scheme::Mailgun => Self::Mailgun,
        }
    }
}

impl std::fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a credential's keyring entry holds: JSON, the secret and, for the kinds that have
/// one, its public half (a Key ID, a Service Plan ID), the project, the URL it was fetched
/// from and when it expires (a cached token). A kind adds a field rather than a format.
#[derive(Deserialize, Serialize)]
pub(super) struct Stored {
    pub(super) secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) expires_at: Option<String>,
}

impl Drop for Stored {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.secret.zeroize();
    }
}

/// The entry's text for `stored`, in a buffer allocated once and wiped when dropped.
pub(super) fn encode_stored(stored: &Stored) -> Zeroizing<String> {
    let extra: usize = [&stored.id, &stored.project, &stored.url, &stored.expires_at]
        .iter()
        .map(|field| field.as_ref().map_or(0, |f| f.len() * 6 + 16))
        .sum();
    let mut bytes = Zeroizing::new(Vec::with_capacity(16 + stored.secret.len() * 6 + extra));
    // Writing plain strings into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *bytes, stored);
    Zeroizing::new(String::from_utf8(std::mem::take(&mut *bytes)).unwrap_or_default())
}

/// The entry's text for a plain `secret`.
pub(super) fn encode(secret: &str) -> Zeroizing<String> {
    encode_stored(&Stored {
        secret: secret.to_owned(),
        id: None,
        project: None,
        url: None,
        expires_at: None,
    })
}

/// What an entry's text holds, `None` when this program did not write it.
pub(super) fn decode_stored(text: &str) -> Option<Stored> {
    serde_json::from_str(text).ok()
}

/// The secret in an entry's text, `None` when this program did not write it.
pub(super) fn decode(text: &str) -> Option<WebhookSecret> {
    let stored = decode_stored(text)?;
    Some(WebhookSecret::new(&stored.secret))
}

/// The longest webhook secret accepted (Sinch's are tens of characters).
pub const MAX_SECRET_BYTES: usize = 1024;

/// Why a webhook secret as typed is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookSecretError {
    /// Nothing was typed.
    #[error("the {} is empty: copy it from the dashboard", .0.title())]
    Empty(CredentialKind),
    /// Far longer than any.
    #[error("the {} is longer than {MAX_SECRET_BYTES} bytes: that is not one; copy it again", .0.title())]
    TooLong(CredentialKind),
    /// It holds a character no secret has (the code point, said).
    #[error("the {} holds an invisible or control character ({character}): paste it again", kind.title())]
    Invisible {
        /// The kind of secret.
        kind: CredentialKind,
        /// The character, as a code point.
        character: String,
    },
}

/// Checks a webhook secret as typed, before it is stored.
pub fn check_webhook_secret(kind: CredentialKind, text: &str) -> Result<(), WebhookSecretError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(WebhookSecretError::Empty(kind));
    }
    if text.len() > MAX_SECRET_BYTES {
        return Err(WebhookSecretError::TooLong(kind));
    }
    if let Some(hidden) = crate::sinch::text::first_invisible(text) {
        return Err(WebhookSecretError::Invisible {
            kind,
            character: crate::sinch::text::code_point(hidden),
        });
    }
    Ok(())
}
