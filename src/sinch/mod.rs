//! The credential core: Sinch legacy user tickets, registration JWTs, their inspection and
//! the JavaScript snippets that use them.
//!
//! Everything here is a pure function of its inputs and an explicit clock. It knows nothing
//! of the window, the keyring or the clipboard; the command line and the window are two thin
//! faces over it. The formats are described, with known-answer vectors, in docs/FORMATS.md.

pub mod api;
pub mod callback;
mod inspect;
mod json;
mod jwt;
mod make;
pub mod mock;
pub mod oauth;
pub mod received;
mod secret;
pub mod signing;
mod snippet;
pub mod text;
mod ticket;
pub mod time;
pub mod webhook;

pub use inspect::{
    Finding, Identity, InspectError, Inspection, Severity, TokenKind, Verdict, VerifyWith, inspect,
};
pub use jwt::{JwtRequest, MIN_JWT_TTL_SECS, derive_signing_key, registration_jwt};
pub use make::{Made, MakeError, MakeRequest, check_lifetime, fresh_nonce, make};
pub use secret::{AppSecret, Application, SecretError};
pub use snippet::{
    Capabilities, TEST_PAGE_MARK, js_string_literal, jwt_snippet, test_page, ticket_snippet,
};
pub use ticket::{NonAscii, TicketBatch, TicketSigner};

use hmac::{Hmac, KeyInit as _};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 keyed with `key`, its inner and outer states computed once so that clones
/// of it sign many messages without re-deriving anything from the key.
fn keyed_mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (longer ones are hashed first); `new_from_slice` only
    // fails for MACs with a fixed key size, which HMAC is not. hmac's own `new` relies on
    // the same fact.
    #[allow(clippy::expect_used)]
    HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// What is wrong, or merely unusual, about a user id typed for a credential.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserIdCheck {
    /// Set when no credential should be made for this user id.
    pub error: Option<String>,
    /// Things worth telling the user that do not stop generation.
    pub warnings: Vec<String>,
}

/// Checks a username or user id before a credential is made for it.
///
/// The core signs any string exactly as given (that is the compatibility promise); this check
/// is what the faces use to say something about input that is empty or probably a slip.
pub fn check_user_id(user: &str) -> UserIdCheck {
    let mut check = UserIdCheck::default();
    if user.is_empty() {
        check.error = Some("the username is empty: type the user id your app signs in with".into());
        return check;
    }
    if user.trim().is_empty() {
        check.error = Some(
            "the username is only white space: type the user id your app signs in with".into(),
        );
        return check;
    }
    if !user.bytes().all(|b| b.is_ascii_graphic()) {
        // (Visible ASCII, most user ids, holds none of what these look for.)
        white_space_and_invisible_warnings(user, &mut check.warnings);
    }
    if user.len() > 255 {
        check.warnings.push(format!(
            "the username is {} bytes long; Sinch user ids are usually short",
            user.len()
        ));
    }
    check
}

/// What `check_user_id` says of white space, control and invisible characters.
fn white_space_and_invisible_warnings(user: &str, warnings: &mut Vec<String>) {
    if user.trim() != user {
        warnings.push(
            "the username starts or ends with white space; it is kept as typed \
             (the sinch_auth gem would have removed it)"
                .into(),
        );
    } else if user.chars().any(char::is_whitespace) {
        warnings.push(
            "the username contains white space; it is kept as typed \
             (the sinch_auth gem would have removed it, so its tickets differ)"
                .into(),
        );
    }
    if user.chars().any(char::is_control) {
        warnings.push(
            "the username contains a control character (a tab or line break, say): \
             check that it was pasted correctly"
                .into(),
        );
    } else if let Some(invisible) = text::first_invisible(user) {
        warnings.push(format!(
            "the username contains an invisible character ({}), so it looks like another \
             name: check that it was pasted correctly",
            text::code_point(invisible)
        ));
    }
}

/// A warning when `key` does not look like a Sinch application key (a lower-case UUID such
/// as `196087a1-e815-4bc4-8984-60d8d8a43f1d`). Any text still works for signing.
pub fn application_key_warning(key: &str) -> Option<String> {
    let groups: Vec<&str> = key.split('-').collect();
    let uuid_shaped = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| {
            g.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b.to_ascii_lowercase()))
        });
    (!uuid_shaped).then(|| {
        "the application key does not look like a Sinch key (a UUID such as \
         196087a1-e815-4bc4-8984-60d8d8a43f1d): check that the key, not the secret, was pasted"
            .to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_about_keys_that_are_not_uuid_shaped() {
        assert_eq!(
            application_key_warning("196087a1-e815-4bc4-8984-60d8d8a43f1d"),
            None
        );
        assert_eq!(
            application_key_warning("196087A1-E815-4BC4-8984-60D8D8A43F1D"),
            None
        );
        assert!(application_key_warning("oYdgGRXoxEuJhGDY2KQ/HQ==").is_some());
        assert!(application_key_warning("196087a1-e815-4bc4-8984-60d8d8a43f1").is_some());
    }

    #[test]
    fn user_id_checks_stop_empty_names_and_flag_odd_ones() {
        assert!(check_user_id("").error.is_some());
        assert!(check_user_id(" \t").error.is_some());
        assert_eq!(check_user_id("alice"), UserIdCheck::default());
        assert!(check_user_id(" alice").warnings[0].contains("kept as typed"));
        assert!(check_user_id("al ice").warnings[0].contains("white space"));
        assert!(check_user_id("al\u{7}ice").warnings[0].contains("control character"));
        assert!(check_user_id(&"a".repeat(300)).warnings[0].contains("300 bytes"));
        for (user, named) in [
            ("ali\u{200b}ce", "U+200B"),
            ("\u{202e}ecila", "U+202E"),
            ("\u{feff}alice", "U+FEFF"),
        ] {
            let warnings = check_user_id(user).warnings;
            assert!(
                warnings
                    .iter()
                    .any(|w| w.contains("invisible") && w.contains(named)),
                "{user:?}: {warnings:?}"
            );
        }
        assert_eq!(check_user_id("Åsa"), UserIdCheck::default());
    }
}
