//! [`Failure`]: what the command line reports when a command cannot do its work, one
//! sentence and an exit status, and how each layer's typed error becomes one (its advice,
//! which flag to use, said here at the edge).

use super::exit;
use crate::net::oauth::FetchError;
use crate::profiles::{CredentialKind, KeyringError, ProfileError};
use crate::sinch::oauth::TokenError;

/// A failure to report: one sentence for the user, and the exit status.
#[derive(Debug)]
pub struct Failure {
    /// One of [`exit`]'s statuses.
    pub code: u8,
    /// What went wrong and what to do, never containing a secret.
    pub message: String,
}

impl Failure {
    /// A usage or input error (exit status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// An input/output error (exit status 3).
    pub fn io(what: &str, err: &std::io::Error) -> Self {
        Self {
            code: exit::IO,
            message: format!("{what} failed: {err}"),
        }
    }

    /// The machine failed the command, not its input (a signal handler or a thread that
    /// cannot be set up, JSON that cannot be written): exit status 3, as for input/output.
    pub fn system(message: impl Into<String>) -> Self {
        Self {
            code: exit::IO,
            message: message.into(),
        }
    }

    /// Standard output was closed by its reader (`| head -1`): end quietly, with success.
    pub fn closed_pipe() -> Self {
        Self {
            code: exit::OK,
            message: String::new(),
        }
    }
}

impl From<crate::net::target::TargetError> for Failure {
    fn from(err: crate::net::target::TargetError) -> Self {
        Self::usage(err.to_string())
    }
}

impl From<crate::net::client::SendError> for Failure {
    fn from(err: crate::net::client::SendError) -> Self {
        use crate::net::client::SendError;
        let code = if err.is_usage() {
            exit::USAGE
        } else {
            exit::IO
        };
        let message = match &err {
            SendError::Timeout(_) => format!("{err} Or allow it longer with --timeout."),
            _ => err.to_string(),
        };
        Self { code, message }
    }
}

impl From<crate::net::listen::StartError> for Failure {
    fn from(err: crate::net::listen::StartError) -> Self {
        use crate::net::listen::StartError;
        match &err {
            StartError::Forward(target) => Self::usage(format!("--forward-to: {target}")),
            StartError::PortInUse { ip, port } => Self {
                code: exit::IO,
                message: format!(
                    "port {port} is already in use on {ip}: stop the program that holds it, or choose another with --port"
                ),
            },
            _ => Self {
                code: exit::IO,
                message: err.to_string(),
            },
        }
    }
}

impl From<crate::sinch::callback::ForgeryError> for Failure {
    fn from(err: crate::sinch::callback::ForgeryError) -> Self {
        use crate::sinch::callback::ForgeryError;
        let flag = match err {
            ForgeryError::NoNonce(_) => "--replay",
            _ => "--timestamp-age",
        };
        Self::usage(format!("{flag}: {err}"))
    }
}

impl From<crate::net::trigger::TriggerError> for Failure {
    fn from(err: crate::net::trigger::TriggerError) -> Self {
        use crate::net::trigger::TriggerError;
        match err {
            TriggerError::Send(err) => err.into(),
            TriggerError::Refused(why) => Self::usage(why),
        }
    }
}

/// A token failure is a command-line failure with the right exit status.
impl From<FetchError> for Failure {
    fn from(err: FetchError) -> Self {
        let code = match &err {
            _ if err.is_usage() => exit::USAGE,
            FetchError::Token(TokenError::Refused { .. } | TokenError::Expired(_)) => {
                exit::REJECTED
            }
            _ => exit::IO,
        };
        Failure {
            code,
            message: err.to_string(),
        }
    }
}

impl From<ProfileError> for Failure {
    fn from(err: ProfileError) -> Self {
        let code = match err {
            ProfileError::Keyring(_)
            | ProfileError::MissingSecret(_)
            | ProfileError::NoCredential { listed: true, .. } => exit::KEYRING,
            ProfileError::Index(_) => exit::IO,
            ProfileError::Reference { .. } | ProfileError::BadReference { .. } => exit::KEYRING,
            _ => exit::USAGE,
        };
        // The command line's own advice, after the profiles layer's words.
        let advice = match &err {
            ProfileError::NotFound(name) => format!(
                ": see `sinch-ticket profile list`, or add it with `sinch-ticket profile add {name} --key KEY`"
            ),
            ProfileError::Exists(_) => ": add --force to replace it".to_owned(),
            ProfileError::Unlisted(name) => format!(
                ": bring it back with `sinch-ticket profile attach {name}`, or add --force to replace its secret"
            ),
            ProfileError::MissingSecret(name) => {
                format!(" (`sinch-ticket profile add {name} --key KEY --force`)")
            }
            ProfileError::Keyring(KeyringError::Unavailable(_)) => {
                "; until then give --key and SINCH_APPLICATION_SECRET".to_owned()
            }
            ProfileError::NoCredential { profile, kind, .. } => match kind {
                CredentialKind::AccessKey | CredentialKind::OAuthToken => format!(
                    ": add it with `sinch-ticket profile add {profile} --project-id P --key-id K`, or give --project-id and --key-id with {}",
                    super::project_keys::KEY_SECRET_ENV
                ),
                CredentialKind::ServicePlan => format!(
                    ": add it with `sinch-ticket profile add {profile} --service-plan-id ID`"
                ),
                _ => format!(
                    ": add it with `sinch-ticket profile webhook-secret add {profile} {kind}`, or set {}",
                    super::credentials::WEBHOOK_SECRET_ENV
                ),
            },
            ProfileError::CredentialExists { .. } => ": add --force to replace it".to_owned(),
            ProfileError::NoApplication(name) => format!(
                ": add them with `sinch-ticket profile add {name} --key KEY`, or use --auth oauth for the project APIs"
            ),
            ProfileError::Reference { profile, .. } => {
                format!(" (`sinch-ticket profile check {profile}` checks each of its references)")
            }
            _ => String::new(),
        };
        Failure {
            code,
            message: format!("{err}{advice}"),
        }
    }
}

/// A secret that is not one is wrong input.
impl From<crate::sinch::SecretError> for Failure {
    fn from(err: crate::sinch::SecretError) -> Self {
        Failure::usage(err.to_string())
    }
}

impl From<crate::history::HistoryError> for Failure {
    fn from(err: crate::history::HistoryError) -> Self {
        Failure {
            code: exit::IO,
            message: err.to_string(),
        }
    }
}
