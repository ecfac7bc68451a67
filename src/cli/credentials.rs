//! Where a command's application key and secret come from.

use std::io::Read as _;

use zeroize::Zeroizing;

use super::{CredentialArgs, Failure, warn};
use crate::credential::AppSecret;

/// The environment variable that carries the application secret.
pub const SECRET_ENV: &str = "SINCH_APPLICATION_SECRET";

/// An application key and its secret, ready to sign or verify with.
pub struct Credentials {
    /// The application key.
    pub key: Option<String>,
    /// The decoded secret.
    pub secret: AppSecret,
}

const HOW_TO_GIVE_A_SECRET: &str =
    "set SINCH_APPLICATION_SECRET, or pipe it in with --secret-stdin";

/// Reads the secret from where the arguments say, or `None` when none was given.
///
/// `stdin_taken` names what else already reads standard input, so that both cannot.
pub fn secret(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<Option<AppSecret>, Failure> {
    if args.secret.is_some() {
        return Err(Failure::usage(format!(
            "the secret is never taken as an argument, since other processes can read arguments: {HOW_TO_GIVE_A_SECRET}"
        )));
    }
    let text = if args.secret_stdin {
        if let Some(other) = stdin_taken {
            return Err(Failure::usage(format!(
                "--secret-stdin and {other} cannot both read standard input: put the secret in SINCH_APPLICATION_SECRET instead"
            )));
        }
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|err| Failure::io("reading the secret from standard input", &err))?;
        text
    } else {
        match std::env::var(super::SECRET_ENV) {
            Ok(text) => Zeroizing::new(text),
            Err(std::env::VarError::NotPresent) => return Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Failure::usage(
                    "SINCH_APPLICATION_SECRET is not valid text: set it to the base64 secret from the Sinch dashboard",
                ));
            }
        }
    };
    let secret = AppSecret::from_base64(&text).map_err(|err| Failure::usage(err.to_string()))?;
    if let Some(warning) = secret.length_warning() {
        warn(&warning);
    }
    Ok(Some(secret))
}

/// Key and secret for commands that sign: both are required.
pub fn for_signing(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<(String, AppSecret), Failure> {
    let Some(key) = args.key.clone().filter(|k| !k.trim().is_empty()) else {
        return Err(Failure::usage(format!(
            "no application key: give --key KEY (from the Sinch dashboard), and the secret ({HOW_TO_GIVE_A_SECRET})"
        )));
    };
    let Some(secret) = secret(args, stdin_taken)? else {
        return Err(Failure::usage(format!(
            "no application secret: {HOW_TO_GIVE_A_SECRET}"
        )));
    };
    if let Some(warning) = crate::credential::application_key_warning(&key) {
        warn(&warning);
    }
    Ok((key, secret))
}

/// Key and secret for verifying: the secret decides whether anything is verified at all; the
/// key, when given, is compared with the credential's.
pub fn for_verifying(
    args: &CredentialArgs,
    stdin_taken: Option<&str>,
) -> Result<Option<Credentials>, Failure> {
    Ok(secret(args, stdin_taken)?.map(|secret| Credentials {
        key: args.key.clone(),
        secret,
    }))
}
