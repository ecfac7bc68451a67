//! Secret references: where a profile's secret is fetched from when it is used, instead of a
//! copy of it in the keyring. A reference is not a secret: it is kept in the profile index,
//! shown by `profile show`, and named in error messages; the value it leads to is none of
//! these.
//!
//! - `env:NAME`: an environment variable (what `op run`, CI and shell plugins supply);
//! - `pass:PATH`: the first line of `pass show PATH`;
//! - `vault://MOUNT/PATH#FIELD` or `bao://MOUNT/PATH#FIELD`: a field of a KV version 2
//!   secret in HashiCorp Vault or OpenBao;
//! - `op://VAULT/ITEM/FIELD` (or `op://VAULT/ITEM/SECTION/FIELD`): 1Password's `op read`.
//!
//! This module only reads and writes the text; `resolve.rs` fetches values.

use std::fmt;

use crate::sinch::text::{code_point, first_invisible};

use super::CredentialKind;

/// The longest reference accepted, in bytes.
pub const MAX_REFERENCE_BYTES: usize = 1024;

/// Which of a profile's secrets a reference stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretSlot {
    /// The application secret (beside the application key).
    Application,
    /// A credential of another kind (a webhook secret, the access key's Key Secret, the
    /// service plan's API token).
    Credential(CredentialKind),
}

impl SecretSlot {
    /// Every slot a reference can fill, in the order lists show them.
    pub const ALL: [SecretSlot; 6] = [
        Self::Application,
        Self::Credential(CredentialKind::Conversation),
        Self::Credential(CredentialKind::Numbers),
        Self::Credential(CredentialKind::Mailgun),
        Self::Credential(CredentialKind::AccessKey),
        Self::Credential(CredentialKind::ServicePlan),
    ];

    /// Its name in the index and on the command line (`application`, `conversation`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Credential(kind) => kind.name(),
        }
    }

    /// The slot of that name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|slot| slot.name() == name)
    }

    /// What its secret is, for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Application => "application secret",
            Self::Credential(CredentialKind::AccessKey) => "access key's Key Secret",
            Self::Credential(kind) => kind.title(),
        }
    }
}

/// Which secret manager a reference reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An environment variable.
    Env,
    /// `pass`, the standard Unix password manager.
    Pass,
    /// HashiCorp Vault (spelled `vault://`).
    Vault,
    /// OpenBao (spelled `bao://`): the same KV version 2 API.
    OpenBao,
    /// 1Password's command-line tool, `op`.
    OnePassword,
}

impl Backend {
    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Self::Env => "environment variable",
            Self::Pass => "pass",
            Self::Vault => "Vault",
            Self::OpenBao => "OpenBao",
            Self::OnePassword => "1Password",
        }
    }
}

/// Where one secret is fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretRef {
    /// `env:NAME`.
    Env(String),
    /// `pass:PATH`.
    Pass(String),
    /// `vault://MOUNT/PATH#FIELD` or `bao://…`.
    Kv {
        /// Vault or OpenBao: which spelling, and so which of `VAULT_*`/`BAO_*` is read first.
        backend: Backend,
        /// The KV version 2 engine's mount (`secret`).
        mount: String,
        /// The secret's path under the mount (`sinch/dev`).
        path: String,
        /// The field of the secret (`app_secret`).
        field: String,
    },
    /// `op://VAULT/ITEM/FIELD`, kept whole: `op read` takes it as it is.
    OnePassword(String),
}

/// Why a reference could not be read. Text that starts like a reference is repeated (it is
/// not a secret); text that does not is never repeated, since the likeliest mistake is the
/// secret itself pasted where its reference belongs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Not one of the forms above (what was typed is not kept).
    #[error(
        "what was given is not a secret reference (if it is the secret itself, it was not \
         kept): use env:NAME, pass:PATH, vault://MOUNT/PATH#FIELD (or bao://), or \
         op://VAULT/ITEM/FIELD"
    )]
    Unknown,
    /// One of the forms, but a part is missing or not allowed.
    #[error("the reference {reference} is not usable: {why}")]
    Malformed {
        /// The reference as typed (control characters escaped).
        reference: String,
        /// What is wrong, and how it should look.
        why: String,
    },
}

impl SecretRef {
    /// Reads a reference as typed (white space at the ends ignored).
    pub fn parse(text: &str) -> Result<Self, ReferenceError> {
        let text = text.trim();
        let shown = || crate::sinch::text::terminal_safe(&truncated(text)).into_owned();
        let malformed = |why: &str| ReferenceError::Malformed {
            reference: shown(),
            why: why.to_owned(),
        };
        if text.len() > MAX_REFERENCE_BYTES {
            return Err(malformed(&format!(
                "it is longer than {MAX_REFERENCE_BYTES} bytes"
            )));
        }
        if let Some(hidden) = first_invisible(text) {
            return Err(malformed(&format!(
                "it holds an invisible or control character ({}): type it again",
                code_point(hidden)
            )));
        }
        if let Some(name) = text.strip_prefix("env:") {
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(malformed(
                    "an environment variable's name is letters, digits and _, not starting with a digit (env:SINCH_APP_SECRET)",
                ));
            }
            return Ok(Self::Env(name.to_owned()));
        }
        if let Some(path) = text.strip_prefix("pass:") {
            if path.is_empty() || path.starts_with('-') || path.starts_with('/') {
                return Err(malformed(
                    "a pass entry is its path in the store, e.g. pass:sinch/dev/app-secret",
                ));
            }
            if path.split('/').any(|part| part == ".." || part.is_empty()) {
                return Err(malformed(
                    "a pass path has no empty or .. parts: name the entry as `pass ls` shows it",
                ));
            }
            return Ok(Self::Pass(path.to_owned()));
        }
        for (scheme, backend) in [("vault://", Backend::Vault), ("bao://", Backend::OpenBao)] {
            let Some(rest) = text.strip_prefix(scheme) else {
                continue;
            };
            let how = format!(
                "write it as {scheme}MOUNT/PATH#FIELD, e.g. {scheme}secret/sinch/dev#app_secret"
            );
            let (location, field) = rest.split_once('#').ok_or_else(|| malformed(&how))?;
            let (mount, path) = location.split_once('/').ok_or_else(|| malformed(&how))?;
            let path = path.trim_end_matches('/');
            if mount.is_empty() || path.is_empty() || field.is_empty() {
                return Err(malformed(&how));
            }
            if path
                .split('/')
                .any(|part| part == ".." || part == "." || part.is_empty())
                || mount == ".."
                || mount == "."
            {
                return Err(malformed("a KV path has no empty, . or .. parts"));
            }
            return Ok(Self::Kv {
                backend,
                mount: mount.to_owned(),
                path: path.to_owned(),
                field: field.to_owned(),
            });
        }
        if let Some(rest) = text.strip_prefix("op://") {
            let parts: Vec<&str> = rest.split('/').collect();
            if !(3..=4).contains(&parts.len()) || parts.iter().any(|part| part.trim().is_empty()) {
                return Err(malformed(
                    "a 1Password reference is op://VAULT/ITEM/FIELD (or op://VAULT/ITEM/SECTION/FIELD), as `op item get --format json` shows it",
                ));
            }
            return Ok(Self::OnePassword(text.to_owned()));
        }
        Err(ReferenceError::Unknown)
    }

    /// The secret manager it reads.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Env(_) => Backend::Env,
            Self::Pass(_) => Backend::Pass,
            Self::Kv { backend, .. } => *backend,
            Self::OnePassword(_) => Backend::OnePassword,
        }
    }

    /// Where it points, for people: "OpenBao secret/sinch/dev, field app_secret".
    pub fn describe(&self) -> String {
        match self {
            Self::Env(name) => format!("environment variable {name}"),
            Self::Pass(path) => format!("pass {path}"),
            Self::Kv {
                backend,
                mount,
                path,
                field,
            } => format!("{} {mount}/{path}, field {field}", backend.title()),
            Self::OnePassword(uri) => {
                let parts: Vec<&str> = uri["op://".len()..].split('/').collect();
                match parts.as_slice() {
                    [vault, item, field] => {
                        format!("1Password vault {vault}, item {item}, field {field}")
                    }
                    [vault, item, section, field] => format!(
                        "1Password vault {vault}, item {item}, section {section}, field {field}"
                    ),
                    _ => format!("1Password {uri}"),
                }
            }
        }
    }
}

impl fmt::Display for SecretRef {
    /// The reference as it is typed and kept.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => write!(f, "env:{name}"),
            Self::Pass(path) => write!(f, "pass:{path}"),
            Self::Kv {
                backend,
                mount,
                path,
                field,
            } => {
                let scheme = if *backend == Backend::OpenBao {
                    "bao"
                } else {
                    "vault"
                };
                write!(f, "{scheme}://{mount}/{path}#{field}")
            }
            Self::OnePassword(uri) => f.write_str(uri),
        }
    }
}

impl std::str::FromStr for SecretRef {
    type Err = ReferenceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// At most 120 characters of what was typed, for a message.
fn truncated(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_reads_back_as_it_was_typed_and_says_where_it_points() {
        for (text, described) in [
            (
                "env:SINCH_APP_SECRET",
                "environment variable SINCH_APP_SECRET",
            ),
            ("pass:sinch/dev/app-secret", "pass sinch/dev/app-secret"),
            (
                "vault://secret/sinch/dev#app_secret",
                "Vault secret/sinch/dev, field app_secret",
            ),
            (
                "bao://kv/team/sinch#webhook",
                "OpenBao kv/team/sinch, field webhook",
            ),
            (
                "op://Dev/Sinch app/secret",
                "1Password vault Dev, item Sinch app, field secret",
            ),
            (
                "op://Dev/Sinch/keys/secret",
                "1Password vault Dev, item Sinch, section keys, field secret",
            ),
        ] {
            let reference = SecretRef::parse(&format!("  {text}\n")).unwrap();
            assert_eq!(reference.to_string(), text);
            assert_eq!(reference.describe(), described);
            assert_eq!(SecretRef::parse(&reference.to_string()).unwrap(), reference);
        }
    }

    #[test]
    fn a_malformed_reference_says_how_it_should_look() {
        for (text, says) in [
            ("env:", "letters, digits and _"),
            ("env:1PASSWORD", "not starting with a digit"),
            ("env:A-B", "letters, digits and _"),
            ("pass:", "its path in the store"),
            ("pass:--clip", "its path in the store"),
            ("pass:/etc/passwd", "its path in the store"),
            ("pass:sinch/../../x", "no empty or .. parts"),
            ("vault://secret/sinch/dev", "vault://MOUNT/PATH#FIELD"),
            ("vault://secret#f", "vault://MOUNT/PATH#FIELD"),
            ("bao://secret/#f", "bao://MOUNT/PATH#FIELD"),
            ("vault://secret/a/../b#f", "no empty, . or .. parts"),
            ("op://Dev/item", "op://VAULT/ITEM/FIELD"),
            ("op://Dev//field", "op://VAULT/ITEM/FIELD"),
            ("env:A\u{202e}B", "U+202E"),
        ] {
            let err = SecretRef::parse(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text}: {err}");
        }
        // The secret itself pasted by mistake: not repeated.
        let err = SecretRef::parse("AAAAbbbbCCCCdddd==").unwrap_err();
        assert_eq!(err, ReferenceError::Unknown);
        assert!(err.to_string().contains("env:NAME"), "{err}");
        assert!(!err.to_string().contains("AAAAbbbb"), "{err}");
        let long = format!("env:{}", "A".repeat(MAX_REFERENCE_BYTES));
        assert!(
            SecretRef::parse(&long)
                .unwrap_err()
                .to_string()
                .contains("longer than")
        );
    }

    #[test]
    fn every_slot_has_a_name_it_is_found_by() {
        for slot in SecretSlot::ALL {
            assert_eq!(SecretSlot::from_name(slot.name()), Some(slot));
        }
        assert_eq!(SecretSlot::from_name("oauth-token"), None);
    }
}
