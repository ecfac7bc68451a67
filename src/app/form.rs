//! The generate form's choices (persisted between runs) and their validation, kept apart from
//! drawing so that the rules can be tested on their own.

use serde::{Deserialize, Serialize};

use crate::sinch::{Capabilities, NonAscii, TokenKind, check_lifetime, check_user_id, time};

/// The expiry presets, and "custom" for anything typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Expiry {
    /// 10 minutes.
    TenMinutes,
    /// 1 hour.
    #[default]
    OneHour,
    /// 24 hours.
    OneDay,
    /// What is typed in the custom field.
    Custom,
}

impl Expiry {
    /// The presets in the order shown.
    pub const ALL: [Self; 4] = [Self::TenMinutes, Self::OneHour, Self::OneDay, Self::Custom];

    /// The label shown on its button.
    pub fn label(self) -> &'static str {
        match self {
            Self::TenMinutes => "10 min",
            Self::OneHour => "1 h",
            Self::OneDay => "24 h",
            Self::Custom => "Custom",
        }
    }

    /// The preset as the CLI would take it (`None` for custom).
    pub fn as_duration_text(self) -> Option<&'static str> {
        match self {
            Self::TenMinutes => Some("10m"),
            Self::OneHour => Some("1h"),
            Self::OneDay => Some("1d"),
            Self::Custom => None,
        }
    }
}

/// The form as the user left it: remembered between runs. Nothing secret, no credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FormState {
    /// The username (user id) to make the credential for.
    pub username: String,
    /// The chosen expiry.
    pub expiry: Expiry,
    /// The custom expiry as typed (`90s`, `2h`, `3600`).
    pub custom_expiry: String,
    /// Ticket or JWT.
    pub format: TokenKind,
    /// The JS SDK v1 capabilities for the snippet.
    pub capabilities: Capabilities,
    /// How a ticket writes non-ASCII characters: escaped (the default), or raw UTF-8 as
    /// the sinch_auth gem does.
    pub non_ascii: NonAscii,
}

impl Default for FormState {
    fn default() -> Self {
        Self {
            username: String::new(),
            expiry: Expiry::default(),
            custom_expiry: "2h".into(),
            format: TokenKind::default(),
            capabilities: Capabilities::default(),
            non_ascii: NonAscii::default(),
        }
    }
}

/// The verdict on each field, for inline messages and the generate button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormCheck {
    /// Blocks generation: what is wrong with the username.
    pub username_error: Option<String>,
    /// Does not block: what is odd about the username.
    pub username_warnings: Vec<String>,
    /// The expiry in seconds, or what is wrong with it.
    pub expiry: Result<u64, String>,
}

impl FormState {
    /// The expiry as text, as the CLI would take it.
    pub fn expiry_text(&self) -> &str {
        self.expiry
            .as_duration_text()
            .unwrap_or(&self.custom_expiry)
    }

    /// Checks every field.
    pub fn check(&self) -> FormCheck {
        let user = check_user_id(&self.username);
        let expiry = time::parse_duration(self.expiry_text())
            .map_err(|e| e.to_string())
            .and_then(|secs| {
                check_lifetime(self.format, secs)
                    .map(|()| secs)
                    .map_err(|err| err.to_string())
            });
        FormCheck {
            username_error: user.error,
            username_warnings: user.warnings,
            expiry,
        }
    }
}

impl FormCheck {
    /// What keeps the form from being made into a credential, or `None`.
    pub fn blocker(&self) -> Option<String> {
        if let Some(error) = &self.username_error {
            return Some(error.clone());
        }
        self.expiry.as_ref().err().map(|e| format!("expiry: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_username_blocks_with_a_reason() {
        let form = FormState::default();
        let check = form.check();
        assert_eq!(
            check.blocker().unwrap(),
            "the username is empty: type the user id your app signs in with"
        );
        assert_eq!(check.expiry, Ok(3600));
    }

    #[test]
    fn custom_expiries_use_the_cli_units_and_jwts_need_a_minute() {
        let mut form = FormState {
            username: "alice".into(),
            expiry: Expiry::Custom,
            ..Default::default()
        };
        form.custom_expiry = "1h30m".into();
        assert_eq!(form.check().expiry, Ok(5400));
        form.custom_expiry = "forever".into();
        assert!(form.check().blocker().unwrap().contains("not a duration"));
        form.custom_expiry = "30s".into();
        assert_eq!(form.check().blocker(), None);
        form.format = TokenKind::RegistrationJwt;
        assert!(form.check().blocker().unwrap().contains("at least 60 s"));
    }

    #[test]
    fn odd_usernames_warn_without_blocking() {
        let form = FormState {
            username: "alice ".into(),
            ..Default::default()
        };
        let check = form.check();
        assert_eq!(check.blocker(), None);
        assert_eq!(check.username_warnings.len(), 1);
    }
}
