//! Where profile secrets live: the OS keyring, behind a small trait so that the logic above
//! it can be tested against an in-memory store (and the window can keep typed credentials
//! for the session when there is no keyring).

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

/// The keyring service name every profile entry is stored under.
pub const SERVICE: &str = "sinch-ticket";

/// How long a keyring call may take before it is abandoned. A locked keyring may be showing
/// an unlock prompt; past this the user is told to unlock it rather than left waiting.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the keyring could not be used. The messages say what to do and never hold a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyringError {
    /// No keyring service is reachable (no Secret Service on the session bus, or no bus).
    Unavailable(String),
    /// The keyring is there but locked, or refused access.
    Locked(String),
    /// A call did not return in time.
    NotAnswering(Duration),
    /// The entry holds something this program did not write.
    Unreadable(String),
    /// Anything else the platform reported.
    Failed(String),
    /// There is no folder for the profile index (no HOME): profiles can be kept for the
    /// session only, whatever the keyring could do.
    NoIndexFolder,
}

impl std::fmt::Display for KeyringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(detail) => write!(
                f,
                "the OS keyring is not available ({detail}): start a Secret Service such as \
                 gnome-keyring or KeePassXC (or log in to a desktop session)"
            ),
            Self::Locked(detail) => write!(
                f,
                "the OS keyring is locked or refused access ({detail}): unlock it (log in \
                 again, or open your keyring manager) and retry"
            ),
            Self::NotAnswering(after) => write!(
                f,
                "the OS keyring did not answer within {} s: it may be waiting for you to unlock \
                 it; unlock it and retry",
                after.as_secs()
            ),
            Self::Unreadable(name) => write!(
                f,
                "the keyring entry for profile \"{name}\" was not written by sinch-ticket: \
                 remove it and add the profile again"
            ),
            Self::Failed(detail) => write!(f, "the OS keyring failed: {detail}"),
            Self::NoIndexFolder => f.write_str(
                "there is no folder for the profile index (neither XDG_CONFIG_HOME nor HOME is \
                 set), so no profile can be saved: set HOME and start again",
            ),
        }
    }
}

impl std::error::Error for KeyringError {}

/// A store of secret texts, one per service and profile name (the keyring's own "service"
/// and "user"): the application entry of profile `sandbox` is [`SERVICE`] and `sandbox`,
/// its other credentials have a service of their own (see `CredentialKind::service`).
pub trait SecretStore: Send + Sync {
    /// Whether the store can be used at all, checked without touching any entry.
    fn status(&self) -> Result<(), KeyringError>;
    /// The stored text for `name` under `service`, or `None` when there is no such entry.
    fn get(&self, service: &str, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError>;
    /// Stores `value` for `name` under `service` in one call, replacing what was there.
    fn set(&self, service: &str, name: &str, value: &str) -> Result<(), KeyringError>;
    /// Deletes the entry for `name` under `service`; `false` when there was none.
    fn delete(&self, service: &str, name: &str) -> Result<bool, KeyringError>;
    /// Where the secrets live, in words for people.
    fn location(&self) -> &'static str;
}

/// Lets callers choose the store at run time (the window: OS keyring, or memory) and share it
/// (the window's worker probes a keyring that did not answer while it works in memory).
impl SecretStore for std::sync::Arc<dyn SecretStore> {
    fn status(&self) -> Result<(), KeyringError> {
        (**self).status()
    }
    fn get(&self, service: &str, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        (**self).get(service, name)
    }
    fn set(&self, service: &str, name: &str, value: &str) -> Result<(), KeyringError> {
        (**self).set(service, name, value)
    }
    fn delete(&self, service: &str, name: &str) -> Result<bool, KeyringError> {
        (**self).delete(service, name)
    }
    fn location(&self) -> &'static str {
        (**self).location()
    }
}

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
///
/// The default, for the command line, runs each call on a worker thread and abandons it
/// after [`DEFAULT_TIMEOUT`], so a command never hangs; the process then exits, and with it
/// the rest of the abandoned exchange. The window uses [`OsKeyring::patient`] instead.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    /// `None`: reads and writes wait for the keyring's answer, however long it takes.
    timeout: Option<Duration>,
}

impl Default for OsKeyring {
    fn default() -> Self {
        Self {
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }
}

impl OsKeyring {
    /// A keyring whose reads and writes are never abandoned, for a program that lives on
    /// after a slow call: an abandoned write could still land later, after its caller had
    /// reported it failed, and leave the keyring and the index disagreeing. The caller
    /// runs calls off its UI thread and tells the user while one is slow (the window's
    /// worker does). [`SecretStore::status`] still gives up after [`DEFAULT_TIMEOUT`]: it
    /// changes nothing.
    pub fn patient() -> Self {
        Self { timeout: None }
    }

    fn entry_call<T: Send + 'static>(
        &self,
        service: &str,
        name: &str,
        call: impl FnOnce(&keyring::Entry) -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, KeyringError> {
        let (service, name) = (service.to_owned(), name.to_owned());
        let run = move || {
            store_ready()?;
            let entry = keyring::Entry::new(&service, &name).map_err(|e| classify(&e, &name))?;
            call(&entry).map_err(|e| classify(&e, &name))
        };
        match self.timeout {
            Some(timeout) => with_timeout(timeout, run).and_then(|result| result),
            None => run(),
        }
    }
}

impl SecretStore for OsKeyring {
    fn status(&self) -> Result<(), KeyringError> {
        with_timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT), store_ready).and_then(|r| r)
    }

    fn get(&self, service: &str, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        self.entry_call(service, name, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(err),
        })
    }

    fn set(&self, service: &str, name: &str, value: &str) -> Result<(), KeyringError> {
        let value = Zeroizing::new(value.to_owned());
        self.entry_call(service, name, move |entry| entry.set_password(&value))
    }

    fn delete(&self, service: &str, name: &str) -> Result<bool, KeyringError> {
        self.entry_call(service, name, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(err),
        })
    }

    fn location(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "the macOS Keychain"
        } else if cfg!(windows) {
            "the Windows Credential Manager"
        } else {
            "the OS keyring (Secret Service)"
        }
    }
}

fn store_ready() -> Result<(), KeyringError> {
    match keyring::Entry::store_status() {
        Ok(()) => Ok(()),
        Err(err) => Err(classify(err, "")),
    }
}

/// Names a keyring error in the terms the user can act on. Variants that carry stored bytes
/// are never formatted, so no secret can reach a message.
fn classify(err: &keyring::Error, name: &str) -> KeyringError {
    match err {
        keyring::Error::NoDefaultStore => {
            KeyringError::Unavailable("no keyring service could be reached".into())
        }
        keyring::Error::PlatformFailure(detail) => KeyringError::Unavailable(detail.to_string()),
        keyring::Error::NoStorageAccess(detail) => KeyringError::Locked(detail.to_string()),
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
            KeyringError::Unreadable(name.to_owned())
        }
        keyring::Error::NoEntry => KeyringError::Failed("the entry vanished while in use".into()),
        keyring::Error::TooLong(attribute, limit) => KeyringError::Failed(format!(
            "the {attribute} is longer than the keyring allows ({limit})"
        )),
        keyring::Error::Invalid(what, why) => KeyringError::Failed(format!("{what}: {why}")),
        keyring::Error::Ambiguous(_) => KeyringError::Failed(format!(
            "the keyring holds several entries named \"{name}\"; remove the extra ones with \
             your keyring manager"
        )),
        other => KeyringError::Failed(other.to_string().chars().take(200).collect()),
    }
}

/// Runs `call` on a named worker thread and gives up waiting after `timeout`. An abandoned
/// call finishes (or hangs) on its own thread; nothing waits for it.
pub(crate) fn with_timeout<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            // The receiver is gone when the caller gave up; the result is dropped then.
            let _ = tx.send(call());
        })
        .map_err(|err| KeyringError::Failed(format!("could not start a keyring thread: {err}")))?;
    rx.recv_timeout(timeout).map_err(|err| match err {
        mpsc::RecvTimeoutError::Timeout => KeyringError::NotAnswering(timeout),
        mpsc::RecvTimeoutError::Disconnected => {
            KeyringError::Failed("the keyring call stopped without an answer".into())
        }
    })
}

/// The in-memory store's entries, by service and name.
type Entries = BTreeMap<(String, String), Zeroizing<String>>;

/// An in-memory store: for tests of the logic above the keyring, and for the window's
/// "session only" mode when there is no keyring. Nothing in it outlives the process.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    entries: Arc<Mutex<Entries>>,
    failure: Option<KeyringError>,
}

impl MemoryStore {
    /// A store whose every call fails with `failure` (to test how failures are shown).
    pub fn failing(failure: KeyringError) -> Self {
        Self {
            failure: Some(failure),
            ..Self::default()
        }
    }

    fn entries(&self) -> Result<std::sync::MutexGuard<'_, Entries>, KeyringError> {
        if let Some(failure) = &self.failure {
            return Err(failure.clone());
        }
        self.entries
            .lock()
            .map_err(|_| KeyringError::Failed("the in-memory store was poisoned".into()))
    }
}

impl SecretStore for MemoryStore {
    fn status(&self) -> Result<(), KeyringError> {
        self.entries().map(|_| ())
    }

    fn get(&self, service: &str, name: &str) -> Result<Option<Zeroizing<String>>, KeyringError> {
        let key = (service.to_owned(), name.to_owned());
        Ok(self.entries()?.get(&key).cloned())
    }

    fn set(&self, service: &str, name: &str, value: &str) -> Result<(), KeyringError> {
        let key = (service.to_owned(), name.to_owned());
        self.entries()?
            .insert(key, Zeroizing::new(value.to_owned()));
        Ok(())
    }

    fn delete(&self, service: &str, name: &str) -> Result<bool, KeyringError> {
        let key = (service.to_owned(), name.to_owned());
        Ok(self.entries()?.remove(&key).is_some())
    }

    fn location(&self) -> &'static str {
        "this session only (not saved)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_call_that_hangs_is_abandoned_with_a_message() {
        let start = Instant::now();
        let result = with_timeout(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(5));
        });
        assert_eq!(
            result,
            Err(KeyringError::NotAnswering(Duration::from_millis(100)))
        );
        assert!(start.elapsed() < Duration::from_secs(2));
        let message = KeyringError::NotAnswering(DEFAULT_TIMEOUT).to_string();
        assert!(message.contains("did not answer within 5 s") && message.contains("unlock"));
    }

    #[test]
    fn a_call_that_answers_returns_its_value() {
        assert_eq!(with_timeout(Duration::from_secs(5), || 42), Ok(42));
    }

    #[test]
    fn messages_say_what_to_do() {
        assert!(
            KeyringError::Unavailable("x".into())
                .to_string()
                .contains("start a Secret Service")
        );
        assert!(
            KeyringError::Locked("x".into())
                .to_string()
                .contains("unlock it")
        );
    }
}
