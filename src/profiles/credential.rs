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
}

impl CredentialKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [CredentialKind; 3] = [Self::Conversation, Self::Numbers, Self::Mailgun];

    /// Its name on the command line and in the index.
    pub fn name(self) -> &'static str {
        match self {
            Self::Conversation => "conversation",
            Self::Numbers => "numbers",
            Self::Mailgun => "mailgun",
        }
    }

    /// The kind of that name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// What it is, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Conversation => "Conversation/SMS webhook secret",
            Self::Numbers => "Numbers callback secret",
            Self::Mailgun => "Mailgun webhook signing key",
        }
    }

    /// The keyring service its entries are filed under (`sinch-ticket:conversation`).
    pub fn service(self) -> String {
        format!("{SERVICE}:{}", self.name())
    }

    /// The webhook scheme it verifies and signs.
    pub fn scheme(self) -> Scheme {
        match self {
            Self::Conversation => Scheme::Conversation,
            Self::Numbers => Scheme::Numbers,
            Self::Mailgun => Scheme::Mailgun,
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

/// What a credential's keyring entry holds: JSON, so that a kind with a public half (a key
/// ID) adds a field rather than a format.
#[derive(Deserialize)]
struct Stored {
    secret: String,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    secret: &'a str,
}

/// The entry's text for `secret`, in a buffer allocated once and wiped when dropped.
pub(super) fn encode(secret: &str) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(16 + secret.len() * 6));
    // Writing a plain string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *bytes, &StoredRef { secret });
    Zeroizing::new(String::from_utf8(std::mem::take(&mut *bytes)).unwrap_or_default())
}

/// The secret in an entry's text, `None` when this program did not write it.
pub(super) fn decode(text: &str) -> Option<WebhookSecret> {
    let stored: Stored = serde_json::from_str(text).ok()?;
    let secret = Zeroizing::new(stored.secret);
    Some(WebhookSecret::new(&secret))
}

/// The longest webhook secret accepted (Sinch's are tens of characters).
pub const MAX_SECRET_BYTES: usize = 1024;

/// Checks a webhook secret as typed, before it is stored.
pub fn check_webhook_secret(kind: CredentialKind, text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "the {} is empty: copy it from the dashboard",
            kind.title()
        ));
    }
    if text.len() > MAX_SECRET_BYTES {
        return Err(format!(
            "the {} is longer than {MAX_SECRET_BYTES} bytes: that is not one; copy it again",
            kind.title()
        ));
    }
    if let Some(hidden) = crate::sinch::text::first_invisible(text) {
        return Err(format!(
            "the {} holds an invisible or control character ({}): paste it again",
            kind.title(),
            crate::sinch::text::code_point(hidden)
        ));
    }
    Ok(())
}
