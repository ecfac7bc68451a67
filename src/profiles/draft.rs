//! A whole profile saved as the window's editor hands it over (its application, webhook
//! secrets, project credentials, a rename), and this session's profiles moved into the
//! keyring once it answers: use cases of the profiles, unit-tested here without a window.

use zeroize::Zeroizing;

use super::{CredentialKind, ProfileError, Profiles, SecretRef, SecretStore};
use crate::sinch::AppSecret;
use crate::sinch::oauth::{AccessKey, KeySecret};

/// Where a profile's application secret comes from, as the editor hands it over.
#[derive(Clone)]
pub enum SecretInput {
    /// This value, kept in the keyring.
    Value(AppSecret),
    /// Fetched from a secret manager each time it is used; nothing kept in the keyring.
    Reference(SecretRef),
}

/// A profile to save, as the editor hands it over.
pub struct ProfileDraft {
    /// The name to save under.
    pub name: String,
    /// The application key.
    pub key: String,
    /// The secret, or where it is fetched from.
    pub secret: SecretInput,
    /// Replace a profile of that name.
    pub replace: bool,
    /// The profile's former name, when it was renamed in the editor.
    pub rename_from: Option<String>,
    /// Webhook secrets to save or remove; a kind not named keeps what it has.
    pub webhooks: Vec<(CredentialKind, WebhookEdit)>,
    /// A project access key to save (replacing the one there); `None` keeps what it has.
    pub access_key: Option<AccessKey>,
    /// An SMS service plan (ID and API token) to save; `None` keeps what it has.
    pub service_plan: Option<(String, KeySecret)>,
    /// A project access key whose Key Secret is fetched from a secret manager: Project ID,
    /// Key ID, reference.
    pub access_key_reference: Option<(String, String, SecretRef)>,
    /// An SMS service plan whose API token is fetched from a secret manager: its ID and the
    /// reference.
    pub service_plan_reference: Option<(String, SecretRef)>,
}

/// What the editor does to one webhook secret.
pub enum WebhookEdit {
    /// Save this one (replacing what was there).
    Set(Zeroizing<String>),
    /// Fetch it from a secret manager each time it is used (replacing what was there).
    Refer(SecretRef),
    /// Remove it.
    Remove,
}

impl<S: SecretStore> Profiles<S> {
    /// Saves `draft` whole: its application key and secret (or reference), then the old name
    /// removed after a rename (the default and the webhook secrets follow it), then each
    /// webhook secret, access key and service plan it carries. Returns the warnings of the
    /// save.
    pub fn save_draft(&self, draft: &ProfileDraft) -> Result<Vec<String>, ProfileError> {
        let name = &draft.name;
        let warnings = match &draft.secret {
            SecretInput::Value(secret) => self.add(name, &draft.key, secret, draft.replace)?,
            SecretInput::Reference(reference) => {
                self.add_reference(name, &draft.key, reference, draft.replace)?
            }
        };
        self.rename_away(name, draft.rename_from.as_deref())?;
        for (kind, edit) in &draft.webhooks {
            match edit {
                WebhookEdit::Set(text) => {
                    self.set_webhook_secret(name, *kind, text, true)?;
                }
                WebhookEdit::Refer(reference) => {
                    self.set_webhook_reference(name, *kind, reference, true)?;
                }
                WebhookEdit::Remove => match self.remove_webhook_secret(name, *kind) {
                    Ok(()) | Err(ProfileError::NoCredential { .. }) => {}
                    Err(err) => return Err(err),
                },
            }
        }
        if let Some(key) = &draft.access_key {
            self.set_access_key(name, key, true)?;
        }
        if let Some((plan, token)) = &draft.service_plan {
            self.set_service_plan(name, plan, token, true)?;
        }
        if let Some((project, key_id, reference)) = &draft.access_key_reference {
            self.set_access_key_reference(name, project, key_id, reference, true)?;
        }
        if let Some((plan, reference)) = &draft.service_plan_reference {
            self.set_service_plan_reference(name, plan, reference, true)?;
        }
        Ok(warnings)
    }

    /// After a rename to `name`, removes the profile's old name, keeping it the default if it
    /// was; its webhook secrets go with it (unless `name` has its own), references as
    /// references.
    fn rename_away(&self, name: &str, old: Option<&str>) -> Result<(), ProfileError> {
        let Some(old) = old.filter(|old| *old != name) else {
            return Ok(());
        };
        let was_default = self.default_name()?.as_deref() == Some(old);
        self.copy_into(old, self, name, false)?;
        self.remove(old).map_err(|err| {
            ProfileError::Invalid(format!(
                "saved as \"{name}\", but the old \"{old}\" could not be removed: {err}"
            ))
        })?;
        if was_default {
            self.set_default(name)?;
        }
        Ok(())
    }

    /// Saves each of these profiles (a session's, kept in memory while the keyring could
    /// not be used) in `real`, now reachable: the names moved, and those left out with why
    /// (one of a name `real` already has is left out rather than replacing it). References
    /// move as references: nothing is fetched, nothing copied.
    pub fn move_all_into<T: SecretStore>(
        &self,
        real: &Profiles<T>,
    ) -> (Vec<String>, Vec<(String, ProfileError)>) {
        let (mut moved, mut not_moved) = (Vec::new(), Vec::new());
        let Ok((list, _)) = self.list() else {
            return (moved, not_moved);
        };
        for summary in list {
            match self.copy_into(&summary.name, real, &summary.name, true) {
                Ok(()) => moved.push(summary.name),
                Err(err) => not_moved.push((summary.name, err)),
            }
        }
        (moved, not_moved)
    }
}
