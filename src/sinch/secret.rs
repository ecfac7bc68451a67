//! The application secret: decoded once, never printed, wiped when dropped.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::{Zeroize as _, Zeroizing};

/// The number of bytes a secret issued by the Sinch dashboard decodes to.
pub const USUAL_SECRET_LEN: usize = 16;

/// A Sinch application secret, held as the raw bytes that key every HMAC.
///
/// Its `Debug` output is redacted and its memory is zeroized on drop, so it can travel
/// through error values and logs without leaking.
#[derive(Clone)]
pub struct AppSecret {
    bytes: Zeroizing<Vec<u8>>,
}

/// Why a secret could not be used. The messages never contain the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// Nothing but white space was given.
    Empty,
    /// The text is not standard base64 (`A-Z a-z 0-9 + /`, `=` padding).
    NotBase64,
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str(
                "the application secret is empty: paste the secret shown for the app in the Sinch dashboard",
            ),
            Self::NotBase64 => f.write_str(
                "the application secret is not valid base64: copy it again from the Sinch dashboard \
                 (it looks like 24 characters of A-Z, a-z, 0-9, + and /, ending in ==)",
            ),
        }
    }
}

impl std::error::Error for SecretError {}

impl AppSecret {
    /// Decodes the secret as the Sinch dashboard shows it. Surrounding white space (a
    /// trailing newline from a pipe, say) is ignored; anything else must be standard base64.
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(text.len()));
        if STANDARD.decode_vec(text, &mut bytes).is_err() {
            // The partial output may hold part of the secret; Zeroizing wipes it here.
            bytes.zeroize();
            return Err(SecretError::NotBase64);
        }
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self { bytes })
    }

    /// The raw key bytes, for the HMAC functions of this crate.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret as base64 again, for storing it in the keyring. The result is wiped on drop.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.as_slice()))
    }

    /// A warning when the secret decodes to an unusual length. Sinch secrets are 16 bytes;
    /// another length still works as an HMAC key but usually means a copy-and-paste slip.
    pub fn length_warning(&self) -> Option<String> {
        (self.bytes.len() != USUAL_SECRET_LEN).then(|| {
            format!(
                "the application secret decodes to {} bytes, not the usual {USUAL_SECRET_LEN}: \
                 check that it was copied whole",
                self.bytes.len()
            )
        })
    }

    /// A masked form that is safe to show: the length and nothing of the content.
    pub fn masked(&self) -> String {
        format!("•••••••• ({} bytes)", self.bytes.len())
    }
}

impl std::fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppSecret(<redacted>)")
    }
}

impl AppSecret {
    /// Whether both are the same secret, compared in constant time (a secret a caller sent,
    /// as in HTTP Basic, may be compared with this one). There is deliberately no `==`.
    pub fn ct_eq(&self, other: &AppSecret) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(self.bytes.as_slice().ct_eq(other.bytes.as_slice()))
    }
}

/// An application as Sinch knows it: its key and its secret, the pair that signs tickets,
/// JWTs, REST requests and callbacks. One type for every place that carries both.
#[derive(Clone)]
pub struct Application {
    /// The application key, as the dashboard shows it.
    pub key: String,
    /// Its secret.
    pub secret: AppSecret,
}

impl Application {
    /// Whether it is the application `key` with `secret` (compared in constant time).
    pub fn matches(&self, key: &str, secret: &AppSecret) -> bool {
        self.key == key && self.secret.ct_eq(secret)
    }
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_dashboard_secret_and_ignores_a_trailing_newline() {
        let secret = AppSecret::from_base64("oYdgGRXoxEuJhGDY2KQ/HQ==\n").unwrap();
        assert_eq!(secret.bytes().len(), 16);
        assert_eq!(secret.length_warning(), None);
    }

    #[test]
    fn rejects_text_that_is_not_base64_without_echoing_it() {
        let err = AppSecret::from_base64("not a secret!").unwrap_err();
        assert_eq!(err, SecretError::NotBase64);
        assert!(!err.to_string().contains("not a secret"));
        assert_eq!(
            AppSecret::from_base64("  ").unwrap_err(),
            SecretError::Empty
        );
    }

    #[test]
    fn warns_about_an_unusual_length_and_never_shows_the_bytes() {
        let secret = AppSecret::from_base64("c2VjcmV0").unwrap();
        assert!(secret.length_warning().unwrap().contains("6 bytes"));
        assert_eq!(format!("{secret:?}"), "AppSecret(<redacted>)");
        assert!(!secret.masked().contains("c2Vj"));
    }
}
