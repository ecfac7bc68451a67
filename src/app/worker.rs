//! Keyring work off the UI thread: a named worker thread owns the profiles, takes requests,
//! and answers through a channel, asking the window to repaint when an answer arrives.
//! A slow or locked keyring therefore shows a spinner, never a frozen window.
//!
//! A keyring call from here is never abandoned: an abandoned write can still land later,
//! after the window said it failed, and leave the keyring and the index disagreeing. Instead
//! each request runs under a watchdog that tells the window when the keyring has not answered
//! for a while ([`WorkerReply::Slow`]); the request completes when the keyring answers, and the
//! index follows what the keyring really did, in the same step.
//!
//! When the keyring cannot be used at start-up, the window works in memory ("session only")
//! and the worker tries the keyring again now and then; once it answers, the profiles typed
//! meanwhile are moved into it ([`WorkerReply::KeyringBack`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use eframe::egui;

use crate::profiles::{
    Cached, IndexFile, KeyringError, MemoryStore, Profile, ProfileError, ProfileSummary, Profiles,
    Resolve, SecretStore,
};

type Handled = (WorkerReply, Result<(), ProfileError>);

/// How long the keyring may take before the window says it is waiting for it.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(5);
/// The longest wait between two tries of a keyring that could not be used at start-up. The
/// first try comes after the worker's patience; the wait doubles up to this.
const RETRY_MAX: Duration = Duration::from_secs(60);

/// The store every worker request goes to.
type Store = Arc<dyn SecretStore>;

/// How long the window keeps a value fetched from a secret manager, so that a manager (and
/// its user: a fingerprint, a passphrase) is not asked on every click. *Forget* wipes them
/// sooner.
pub const KEEP_FETCHED: Duration = Duration::from_secs(5 * 60);

/// The values fetched from secret managers this session, shared by the worker (which fetches
/// through it) and the window (which forgets them).
pub type Fetched = Arc<Cached<Arc<dyn Resolve>>>;

/// Where this session's profiles live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// Not known yet (the first answer is on its way).
    Checking,
    /// A real store: the OS keyring (or, in tests, what stands in for it).
    Saved(&'static str),
    /// The keyring is there, but locked: its profiles are listed and cannot be read until it
    /// is unlocked.
    Locked(KeyringError),
    /// No usable keyring: profiles typed now last until the window closes, unless the
    /// keyring answers again meanwhile.
    SessionOnly {
        /// Why the keyring could not be used.
        reason: KeyringError,
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
    /// Save a profile (boxed: a draft carries every credential the editor holds).
    Save(Box<crate::profiles::ProfileDraft>),
    /// Delete a profile.
    Delete(String),
    /// Make a profile the default.
    SetDefault(String),
    /// List again a profile the keyring still holds but the index lost.
    Attach(String),
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

/// The profiles as listed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Listing {
    /// Every profile, sorted by name.
    pub profiles: Vec<ProfileSummary>,
    /// The default profile's name.
    pub default: Option<String>,
    /// Warnings to show (a damaged index set aside, say).
    pub warnings: Vec<String>,
}

/// What a change to the profiles did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A profile was saved, with warnings about what was typed.
    Saved {
        /// Its name.
        name: String,
        /// Odd key or secret length, say.
        warnings: Vec<String>,
    },
    /// A profile was deleted.
    Deleted(String),
    /// A profile the index had lost was listed again from the keyring.
    Attached(String),
    /// A profile became the default.
    MadeDefault(String),
    /// The last username and expiry were remembered.
    Remembered,
}

/// The profile to select after a change, read back from the keyring.
#[derive(Debug)]
pub struct Selected {
    /// Its name.
    pub name: String,
    /// Its key and secret, or why they could not be read.
    pub profile: Result<Profile, ProfileError>,
}

/// What the worker answers.
pub enum WorkerReply {
    /// Where profiles live, sent first, and again when that changes.
    Store(StoreKind),
    /// The profile list (at start-up, and after a refresh).
    Listed(Result<Listing, ProfileError>),
    /// A profile's key and secret, or why they could not be read.
    Loaded {
        /// The profile asked for.
        name: String,
        /// What was read.
        profile: Result<Profile, ProfileError>,
    },
    /// A change to the profiles, answered in one reply: what happened or why not, the list
    /// after it, and the profile to select (`None`: keep the current one).
    Changed {
        /// What happened, or why not.
        change: Result<Change, ProfileError>,
        /// The list after the change.
        listing: Result<Listing, ProfileError>,
        /// The profile to select now, read back from the keyring.
        select: Option<Selected>,
    },
    /// The request under way has waited the worker's patience for the keyring; its answer
    /// follows when the keyring answers.
    Slow(Duration),
    /// A keyring that could not be used at start-up answers now: profiles are saved in it
    /// from here on, and the session's profiles were moved into it.
    KeyringBack {
        /// Session profiles now saved in the keyring.
        moved: Vec<String>,
        /// Session profiles left out, and why (the keyring has one of that name, say).
        not_moved: Vec<(String, ProfileError)>,
        /// The list after the move.
        listing: Result<Listing, ProfileError>,
    },
}

/// What the worker sends back: its replies, and a mark after each request is answered.
enum Message {
    WorkerReply(Box<WorkerReply>),
    Answered,
}

/// The window's handle on the worker.
pub struct Worker {
    /// The values fetched from secret managers, kept for [`KEEP_FETCHED`].
    pub fetched: Fetched,
    requests: Sender<Request>,
    replies: Receiver<Message>,
    /// Requests sent and not yet answered: counted down when the window takes the mark that
    /// follows an answer, so that "not busy" means the answers have been applied too.
    in_flight: usize,
}

impl Worker {
    /// Starts the worker over `store`, with the index in `config_dir`. When the store is not
    /// usable the worker falls back to an in-memory store with a throwaway index, and says so.
    /// `patience` is how long a keyring call runs before the window is told it is slow.
    pub fn spawn(
        store: Store,
        config_dir: Option<PathBuf>,
        patience: Duration,
        managers: Arc<dyn Resolve>,
        ctx: egui::Context,
    ) -> Self {
        let fetched: Fetched = Arc::new(Cached::new(managers, KEEP_FETCHED));
        let managers: Arc<dyn Resolve> = fetched.clone();
        let (requests, incoming) = mpsc::channel::<Request>();
        let (outgoing, replies) = mpsc::channel::<Message>();
        let started = std::thread::Builder::new()
            .name("profiles".into())
            .spawn(move || {
                let reply = |reply: WorkerReply| {
                    let _ = outgoing.send(Message::WorkerReply(Box::new(reply)));
                    ctx.request_repaint();
                };
                let answered = || {
                    let _ = outgoing.send(Message::Answered);
                    ctx.request_repaint();
                };
                serve(
                    store,
                    config_dir.as_deref(),
                    patience,
                    &managers,
                    &incoming,
                    &reply,
                    &answered,
                );
            });
        // The start-up (store check and first list) counts as one request.
        let mut worker = Self {
            fetched,
            requests,
            replies,
            in_flight: 1,
        };
        if let Err(err) = started {
            worker.in_flight = 0;
            let (fail_tx, fail_rx) = mpsc::channel();
            let _ = fail_tx.send(Message::WorkerReply(Box::new(WorkerReply::Listed(Err(
                ProfileError::Keyring(KeyringError::Failed(format!(
                    "could not start the profile worker: {err}"
                ))),
            )))));
            worker.replies = fail_rx;
        }
        worker
    }

    /// Sends a request; its answer arrives through [`Self::poll`].
    pub fn send(&mut self, request: Request) {
        if self.requests.send(request).is_ok() {
            self.in_flight += 1;
        }
    }

    /// The answers that arrived since the last call.
    pub fn poll(&mut self) -> Vec<WorkerReply> {
        let mut replies = Vec::new();
        for message in self.replies.try_iter() {
            match message {
                Message::WorkerReply(reply) => replies.push(*reply),
                Message::Answered => self.in_flight = self.in_flight.saturating_sub(1),
            }
        }
        replies
    }

    /// Whether a request is still being answered, or its answer not yet taken (the window
    /// shows a spinner meanwhile).
    pub fn busy(&self) -> bool {
        self.in_flight > 0
    }
}

/// The profiles in memory while the keyring cannot be used, with their throwaway index.
struct SessionOnly {
    profiles: Profiles<Store>,
    /// Held while the session lasts: the index folder is deleted when it ends.
    _dir: Option<tempfile::TempDir>,
    /// The wait between tries of the keyring, doubling while it keeps failing.
    retry_after: Duration,
    /// When the keyring is tried next: requests in between do not push it back.
    next_try: Instant,
}

impl SessionOnly {
    /// The session's profiles, with their index in a private folder of their own (made for
    /// this session, mode 0700, removed when it ends); `fallback` only if none can be made.
    fn start(fallback: Option<&Path>, retry_after: Duration, managers: &Arc<dyn Resolve>) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("sinch-ticket-session-")
            .tempdir();
        let index_dir = match (&dir, fallback) {
            (Ok(dir), _) => dir.path().to_owned(),
            (Err(_), Some(config_dir)) => config_dir.join("session"),
            // Nowhere at all: the index cannot be written, and saving says so.
            (Err(_), None) => PathBuf::from("/nonexistent/sinch-ticket-session"),
        };
        Self {
            profiles: Profiles::new(Arc::new(MemoryStore::default()) as Store, index_dir)
                .with_managers(managers.clone()),
            _dir: dir.ok(),
            retry_after,
            next_try: Instant::now() + retry_after,
        }
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
fn locked(err: &ProfileError) -> Option<KeyringError> {
    match err {
        ProfileError::Keyring(err @ KeyringError::Locked(_)) => Some(err.clone()),
        _ => None,
    }
}

fn listing(profiles: &Profiles<Store>) -> Result<Listing, ProfileError> {
    let (profiles, warnings) = profiles.list()?;
    Ok(Listing {
        default: profiles
            .iter()
            .find(|p| p.is_default)
            .map(|p| p.name.clone()),
        profiles,
        warnings,
    })
}

fn serve(
    real: Store,
    config_dir: Option<&Path>,
    patience: Duration,
    managers: &Arc<dyn Resolve>,
    requests: &Receiver<Request>,
    reply: &(impl Fn(WorkerReply) + Sync),
    answered: &impl Fn(),
) {
    let slow = || reply(WorkerReply::Slow(patience));
    let Some(config_dir) = config_dir else {
        // No folder for the index: session only, for good (the keyring is not retried,
        // since nothing could be listed in it anyway).
        reply(WorkerReply::Store(StoreKind::SessionOnly {
            reason: KeyringError::NoIndexFolder,
            unreachable: Vec::new(),
        }));
        let session = SessionOnly::start(None, patience, managers);
        reply(WorkerReply::Listed(listing(&session.profiles)));
        answered();
        while let Ok(request) = requests.recv() {
            let (answer, _) = watched(patience, slow, || handle(&session.profiles, request));
            reply(answer);
            answered();
        }
        return;
    };
    let real_profiles =
        Profiles::new(real.clone(), config_dir.to_owned()).with_managers(managers.clone());
    let mut session = match watched(patience, slow, || real.status()) {
        Ok(()) => {
            reply(WorkerReply::Store(StoreKind::Saved(real.location())));
            None
        }
        Err(reason) => {
            reply(WorkerReply::Store(StoreKind::SessionOnly {
                reason,
                unreachable: listed_names(config_dir),
            }));
            Some(SessionOnly::start(Some(config_dir), patience, managers))
        }
    };
    let mut locked_now = false;
    reply(WorkerReply::Listed(listing(
        session.as_ref().map_or(&real_profiles, |s| &s.profiles),
    )));
    answered();

    loop {
        let request = match &mut session {
            None => match requests.recv() {
                Ok(request) => request,
                Err(_) => return,
            },
            Some(waiting) => match requests
                .recv_timeout(waiting.next_try.saturating_duration_since(Instant::now()))
            {
                Ok(request) => request,
                Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    if real.status().is_ok() {
                        let (moved, not_moved) = waiting.profiles.move_all_into(&real_profiles);
                        session = None;
                        reply(WorkerReply::Store(StoreKind::Saved(real.location())));
                        reply(WorkerReply::KeyringBack {
                            moved,
                            not_moved,
                            listing: listing(&real_profiles),
                        });
                    } else {
                        waiting.retry_after = (waiting.retry_after * 2).min(RETRY_MAX);
                        waiting.next_try = Instant::now() + waiting.retry_after;
                    }
                    continue;
                }
            },
        };
        let profiles = session.as_ref().map_or(&real_profiles, |s| &s.profiles);
        let (answer, outcome) = watched(patience, slow, || handle(profiles, request));
        if session.is_none() {
            match outcome.as_ref().err().and_then(locked) {
                Some(reason) => {
                    locked_now = true;
                    reply(WorkerReply::Store(StoreKind::Locked(reason)));
                }
                None if locked_now && outcome.is_ok() => {
                    locked_now = false;
                    reply(WorkerReply::Store(StoreKind::Saved(real.location())));
                }
                None => {}
            }
        }
        reply(answer);
        answered();
    }
}

/// Reads `name` back after a change, to select it.
fn selected(profiles: &Profiles<Store>, name: String) -> Selected {
    Selected {
        profile: profiles.load_for_window(&name),
        name,
    }
}

/// A change's reply: what happened, the list after it, and what to select.
fn changed(
    profiles: &Profiles<Store>,
    change: Result<Change, ProfileError>,
    select: Option<String>,
) -> Handled {
    let outcome = change.as_ref().map(drop).map_err(Clone::clone);
    let listing = listing(profiles);
    let select = select.map(|name| selected(profiles, name));
    (
        WorkerReply::Changed {
            change,
            listing,
            select,
        },
        outcome,
    )
}

/// Carries out one request: the answer for the window, and the outcome as a typed result
/// (to tell a locked keyring from other failures).
fn handle(profiles: &Profiles<Store>, request: Request) -> Handled {
    match request {
        Request::Refresh => {
            let listed = listing(profiles);
            let outcome = listed.as_ref().map(drop).map_err(Clone::clone);
            (WorkerReply::Listed(listed), outcome)
        }
        Request::Load(name) => {
            let profile = profiles.load_for_window(&name);
            let outcome = profile.as_ref().map(drop).map_err(Clone::clone);
            (WorkerReply::Loaded { name, profile }, outcome)
        }
        Request::Save(draft) => {
            let name = draft.name.clone();
            let saved = profiles.save_draft(&draft).map(|warnings| Change::Saved {
                name: name.clone(),
                warnings,
            });
            let select = saved.is_ok().then_some(name);
            changed(profiles, saved, select)
        }
        Request::Delete(name) => {
            let deleted = profiles.remove(&name).map(|()| Change::Deleted(name));
            // After a delete the default (or the first profile) is selected.
            let next = deleted.is_ok().then(|| {
                listing(profiles).ok().and_then(|l| {
                    l.default
                        .or_else(|| l.profiles.first().map(|p| p.name.clone()))
                })
            });
            changed(profiles, deleted, next.flatten())
        }
        Request::Attach(name) => {
            let attached = profiles
                .attach(&name)
                .map(|_| Change::Attached(name.clone()));
            let select = attached.is_ok().then_some(name);
            changed(profiles, attached, select)
        }
        Request::SetDefault(name) => {
            let made = profiles
                .set_default(&name)
                .map(|()| Change::MadeDefault(name));
            changed(profiles, made, None)
        }
        Request::Remember { name, user, expiry } => {
            let remembered = profiles
                .remember(&name, &user, &expiry)
                .map(|()| Change::Remembered);
            changed(profiles, remembered, None)
        }
    }
}
