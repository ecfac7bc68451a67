//! Keyring work off the UI thread: a named worker thread owns the profiles, takes requests,
//! and answers through a channel, asking the window to repaint when an answer arrives.
//! A slow or locked keyring therefore shows a spinner, never a frozen window.
//!
//! A keyring call from here is never abandoned: an abandoned write can still land later,
//! after the window said it failed, and leave the keyring and the index disagreeing. Instead
//! each request runs under a watchdog that tells the window when the keyring has not answered
//! for a while ([`Reply::Slow`]); the request completes when the keyring answers, and the
//! index follows what the keyring really did, in the same step.
//!
//! When the keyring cannot be used at start-up, the window works in memory ("session only")
//! and the worker tries the keyring again now and then; once it answers, the profiles typed
//! meanwhile are moved into it ([`Reply::KeyringBack`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use eframe::egui;

use crate::credential::AppSecret;
use crate::profiles::{
    IndexFile, KeyringError, MemoryStore, Profile, ProfileError, ProfileSummary, Profiles,
    SecretStore,
};

/// How long the keyring may take before the window says it is waiting for it.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(5);
/// The longest wait between two tries of a keyring that could not be used at start-up. The
/// first try comes after the worker's patience; the wait doubles up to this.
const RETRY_MAX: Duration = Duration::from_secs(60);

/// The store every worker request goes to.
type Store = Arc<dyn SecretStore>;

/// Where this session's profiles live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// Not known yet (the first answer is on its way).
    Checking,
    /// A real store: the OS keyring (or, in tests, what stands in for it).
    Saved(&'static str),
    /// The keyring is there, but locked: its profiles are listed and cannot be read until it
    /// is unlocked.
    Locked {
        /// What the keyring said, and what to do.
        reason: String,
    },
    /// No usable keyring: profiles typed now last until the window closes, unless the
    /// keyring answers again meanwhile.
    SessionOnly {
        /// Why the keyring could not be used, and what to do.
        reason: String,
        /// Profiles the index lists, saved in the keyring, out of reach until it answers.
        unreachable: Vec<String>,
    },
}

/// What the window asks of the worker.
pub enum Request {
    /// List the profiles (and the default).
    Refresh,
    /// Read a profile's key and secret.
    Load(String),
    /// Save a profile; `rename_from` removes the old entry after a rename.
    Save {
        /// The name to save under.
        name: String,
        /// The application key.
        key: String,
        /// The secret.
        secret: AppSecret,
        /// Replace a profile of that name.
        replace: bool,
        /// The profile's former name, when it was renamed in the editor.
        rename_from: Option<String>,
    },
    /// Delete a profile.
    Delete(String),
    /// Make a profile the default.
    SetDefault(String),
    /// Remember the username and expiry last used with a profile.
    Remember {
        /// The profile.
        name: String,
        /// The username.
        user: String,
        /// The expiry as typed.
        expiry: String,
    },
}

/// What the worker answers.
pub enum Reply {
    /// Where profiles live, sent first.
    Store(StoreKind),
    /// The profile list.
    Listed {
        /// Every profile.
        profiles: Vec<ProfileSummary>,
        /// The default profile's name.
        default: Option<String>,
        /// Warnings to show (a damaged index set aside, say).
        warnings: Vec<String>,
    },
    /// A profile loaded, or why not.
    Loaded(String, Result<Profile, String>),
    /// A profile saved (with warnings), or why not.
    Saved(String, Result<Vec<String>, String>),
    /// A profile deleted, or why not.
    Deleted(String, Result<(), String>),
    /// Something else failed.
    Failed(String),
    /// The request under way has waited [`DEFAULT_PATIENCE`] (or the patience the window
    /// was built with) for the keyring; its answer follows when the keyring answers.
    Slow(Duration),
    /// A keyring that could not be used at start-up answers now: profiles are saved in it
    /// from here on. The window asks for the list again.
    KeyringBack {
        /// Session profiles now saved in the keyring.
        moved: Vec<String>,
        /// Session profiles left out because the keyring has one of that name, and why.
        not_moved: Vec<String>,
    },
}

/// The window's handle on the worker.
pub struct Worker {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
    pending: usize,
}

impl Worker {
    /// Starts the worker over `store`, with the index in `config_dir`. When the store is not
    /// usable the worker falls back to an in-memory store with a throwaway index, and says so.
    /// `patience` is how long a keyring call runs before the window is told it is slow.
    pub fn spawn(
        store: Store,
        config_dir: PathBuf,
        patience: Duration,
        ctx: egui::Context,
    ) -> Self {
        let (requests, incoming) = mpsc::channel::<Request>();
        let (outgoing, replies) = mpsc::channel::<Reply>();
        let started = std::thread::Builder::new()
            .name("profiles".into())
            .spawn(move || {
                let reply = |reply: Reply| {
                    let _ = outgoing.send(reply);
                    ctx.request_repaint();
                };
                serve(store, &config_dir, patience, &incoming, &reply);
            });
        let mut worker = Self {
            requests,
            replies,
            // The first answers (store kind, list) are on their way.
            pending: 1,
        };
        if let Err(err) = started {
            worker.pending = 0;
            let (fail_tx, fail_rx) = mpsc::channel();
            let _ = fail_tx.send(Reply::Failed(format!(
                "could not start the profile worker: {err}"
            )));
            worker.replies = fail_rx;
        }
        worker
    }

    /// Sends a request; its answer arrives through [`Self::poll`].
    pub fn send(&mut self, request: Request) {
        if self.requests.send(request).is_ok() {
            self.pending += 1;
        }
    }

    /// The answers that arrived since the last call.
    pub fn poll(&mut self) -> Vec<Reply> {
        let replies: Vec<Reply> = self.replies.try_iter().collect();
        for reply in &replies {
            // These come unasked, besides the one answer each request gets.
            if !matches!(
                reply,
                Reply::Store(_) | Reply::Slow(_) | Reply::KeyringBack { .. }
            ) {
                self.pending = self.pending.saturating_sub(1);
            }
        }
        replies
    }

    /// Whether an answer is still awaited (the window shows a spinner meanwhile).
    pub fn busy(&self) -> bool {
        self.pending > 0
    }
}

/// The profiles in memory while the keyring cannot be used, with their throwaway index.
struct SessionOnly {
    profiles: Profiles<Store>,
    /// Held while the session lasts: the index folder is deleted when it ends.
    _dir: Option<tempfile::TempDir>,
    retry_after: Duration,
}

impl SessionOnly {
    fn start(config_dir: &Path, retry_after: Duration) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sinch-ticket-session-")
            .tempdir();
        let index_dir = dir
            .as_ref()
            .map(|d| d.path().to_owned())
            .unwrap_or_else(|_| config_dir.join("session"));
        Self {
            profiles: Profiles::new(Arc::new(MemoryStore::default()), index_dir),
            _dir: dir.ok(),
            retry_after,
        }
    }

    /// Saves each session profile in the keyring now reachable; one of a name the keyring
    /// already has is left out rather than replacing it.
    fn move_into(&self, real: &Profiles<Store>) -> (Vec<String>, Vec<String>) {
        let (mut moved, mut not_moved) = (Vec::new(), Vec::new());
        let Ok((list, _)) = self.profiles.list() else {
            return (moved, not_moved);
        };
        for summary in list {
            let saved = self
                .profiles
                .load(&summary.name)
                .and_then(|p| real.add(&p.name, &p.key, &p.secret, false));
            match saved {
                Ok(_) => moved.push(summary.name),
                Err(err) => not_moved.push(format!("{} ({err})", summary.name)),
            }
        }
        (moved, not_moved)
    }
}

/// The names the real index lists, to say which profiles are out of reach.
fn listed_names(config_dir: &Path) -> Vec<String> {
    IndexFile::new(config_dir.to_owned())
        .load()
        .map(|loaded| loaded.index.profiles.into_keys().collect())
        .unwrap_or_default()
}

/// Runs `op`, and calls `slow` if it has not finished after `patience`.
fn watched<T>(patience: Duration, slow: impl Fn() + Sync, op: impl FnOnce() -> T) -> T {
    let (done, finished) = mpsc::channel::<()>();
    let slow = &slow;
    std::thread::scope(|scope| {
        let watchdog = std::thread::Builder::new()
            .name("keyring-watch".into())
            .spawn_scoped(scope, move || {
                if finished.recv_timeout(patience) == Err(RecvTimeoutError::Timeout) {
                    slow();
                }
            });
        // Without a watchdog the request still runs; only the "still waiting" note is lost.
        drop(watchdog);
        let result = op();
        drop(done);
        result
    })
}

/// What a request's outcome says about the keyring itself.
fn locked_reason(err: &ProfileError) -> Option<String> {
    match err {
        ProfileError::Keyring(KeyringError::Locked(_)) => Some(err.to_string()),
        _ => None,
    }
}

fn serve(
    real: Store,
    config_dir: &Path,
    patience: Duration,
    requests: &Receiver<Request>,
    reply: &(impl Fn(Reply) + Sync),
) {
    let slow = || reply(Reply::Slow(patience));
    let real_profiles = Profiles::new(real.clone(), config_dir.to_owned());
    let mut session = match watched(patience, slow, || real.status()) {
        Ok(()) => {
            reply(Reply::Store(StoreKind::Saved(real.location())));
            None
        }
        Err(err) => {
            reply(Reply::Store(StoreKind::SessionOnly {
                reason: err.to_string(),
                unreachable: listed_names(config_dir),
            }));
            Some(SessionOnly::start(config_dir, patience))
        }
    };
    let mut locked = false;
    let list = |profiles: &Profiles<Store>| match profiles.list() {
        Ok((list, warnings)) => Reply::Listed {
            default: list.iter().find(|p| p.is_default).map(|p| p.name.clone()),
            profiles: list,
            warnings,
        },
        Err(err) => Reply::Failed(err.to_string()),
    };
    reply(list(
        session.as_ref().map_or(&real_profiles, |s| &s.profiles),
    ));

    loop {
        let request = match &mut session {
            None => match requests.recv() {
                Ok(request) => request,
                Err(_) => return,
            },
            Some(waiting) => match requests.recv_timeout(waiting.retry_after) {
                Ok(request) => request,
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    if real.status().is_ok() {
                        let (moved, not_moved) = waiting.move_into(&real_profiles);
                        session = None;
                        reply(Reply::Store(StoreKind::Saved(real.location())));
                        reply(Reply::KeyringBack { moved, not_moved });
                    } else {
                        waiting.retry_after = (waiting.retry_after * 2).min(RETRY_MAX);
                    }
                    continue;
                }
            },
        };
        let profiles = session.as_ref().map_or(&real_profiles, |s| &s.profiles);
        let (answer, outcome) = watched(patience, slow, || handle(profiles, request, &list));
        if session.is_none() {
            match outcome.as_ref().err().and_then(locked_reason) {
                Some(reason) => {
                    locked = true;
                    reply(Reply::Store(StoreKind::Locked { reason }));
                }
                None if locked && outcome.is_ok() => {
                    locked = false;
                    reply(Reply::Store(StoreKind::Saved(real.location())));
                }
                None => {}
            }
        }
        reply(answer);
    }
}

/// Carries out one request: the answer for the window, and the outcome as a typed result
/// (to tell a locked keyring from other failures).
fn handle(
    profiles: &Profiles<Store>,
    request: Request,
    list: &impl Fn(&Profiles<Store>) -> Reply,
) -> (Reply, Result<(), ProfileError>) {
    let text = |err: &ProfileError| err.to_string();
    match request {
        Request::Refresh => (list(profiles), Ok(())),
        Request::Load(name) => {
            let loaded = profiles.load(&name);
            let outcome = loaded.as_ref().map(drop).map_err(Clone::clone);
            (Reply::Loaded(name, loaded.map_err(|e| text(&e))), outcome)
        }
        Request::Save {
            name,
            key,
            secret,
            replace,
            rename_from,
        } => {
            let mut saved = profiles.add(&name, &key, &secret, replace);
            let outcome = saved.as_ref().map(drop).map_err(Clone::clone);
            let mut saved_text = saved.as_mut().map(std::mem::take).map_err(|e| text(e));
            if let (Ok(_), Some(old)) = (&saved, rename_from.filter(|old| *old != name)) {
                let was_default =
                    profiles.default_name().ok().flatten().as_deref() == Some(old.as_str());
                if let Err(err) = profiles.remove(&old) {
                    saved_text = Err(format!(
                        "saved as \"{name}\", but the old \"{old}\" could not be removed: {err}"
                    ));
                } else if was_default {
                    let _ = profiles.set_default(&name);
                }
            }
            (Reply::Saved(name, saved_text), outcome)
        }
        Request::Delete(name) => {
            let deleted = profiles.remove(&name);
            let outcome = deleted.clone();
            (Reply::Deleted(name, deleted.map_err(|e| text(&e))), outcome)
        }
        Request::SetDefault(name) => match profiles.set_default(&name) {
            Ok(()) => (list(profiles), Ok(())),
            Err(err) => (Reply::Failed(text(&err)), Err(err)),
        },
        Request::Remember { name, user, expiry } => {
            match profiles.remember(&name, &user, &expiry) {
                Ok(()) => (list(profiles), Ok(())),
                Err(err) => (Reply::Failed(text(&err)), Err(err)),
            }
        }
    }
}
