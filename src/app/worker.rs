//! Keyring work off the UI thread: a named worker thread owns the profiles, takes requests,
//! and answers through a channel, asking the window to repaint when an answer arrives.
//! A slow or locked keyring therefore shows a spinner, never a frozen window.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use eframe::egui;

use crate::credential::AppSecret;
use crate::profiles::{MemoryStore, Profile, ProfileSummary, Profiles, SecretStore};

/// Where this session's profiles live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreKind {
    /// Not known yet (the first answer is on its way).
    Checking,
    /// A real store: the OS keyring (or, in tests, what stands in for it).
    Saved(&'static str),
    /// No usable keyring: profiles typed now last until the window closes.
    SessionOnly {
        /// Why the keyring could not be used, and what to do.
        reason: String,
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
    pub fn spawn(store: Box<dyn SecretStore>, config_dir: PathBuf, ctx: egui::Context) -> Self {
        let (requests, incoming) = mpsc::channel::<Request>();
        let (outgoing, replies) = mpsc::channel::<Reply>();
        let started = std::thread::Builder::new()
            .name("profiles".into())
            .spawn(move || serve(store, config_dir, &incoming, &outgoing, &ctx));
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
            if !matches!(reply, Reply::Store(_)) {
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

fn serve(
    store: Box<dyn SecretStore>,
    config_dir: PathBuf,
    requests: &Receiver<Request>,
    replies: &Sender<Reply>,
    ctx: &egui::Context,
) {
    let reply = |reply: Reply| {
        let _ = replies.send(reply);
        ctx.request_repaint();
    };
    // Held for the worker's life: the session-only index is deleted when the window closes.
    let mut _session_dir = None;
    let profiles = match store.status() {
        Ok(()) => {
            reply(Reply::Store(StoreKind::Saved(store.location())));
            Profiles::new(store, config_dir)
        }
        Err(err) => {
            let dir = tempfile::Builder::new()
                .prefix("sinch-ticket-session-")
                .tempdir();
            let index_dir = dir
                .as_ref()
                .map(|d| d.path().to_owned())
                .unwrap_or(config_dir);
            _session_dir = dir.ok();
            reply(Reply::Store(StoreKind::SessionOnly {
                reason: err.to_string(),
            }));
            Profiles::new(
                Box::new(MemoryStore::default()) as Box<dyn SecretStore>,
                index_dir,
            )
        }
    };
    let list = |profiles: &Profiles<Box<dyn SecretStore>>| match profiles.list() {
        Ok((list, warnings)) => Reply::Listed {
            default: list.iter().find(|p| p.is_default).map(|p| p.name.clone()),
            profiles: list,
            warnings,
        },
        Err(err) => Reply::Failed(err.to_string()),
    };
    reply(list(&profiles));

    for request in requests {
        let answer = match request {
            Request::Refresh => list(&profiles),
            Request::Load(name) => {
                let loaded = profiles.load(&name).map_err(|e| e.to_string());
                Reply::Loaded(name, loaded)
            }
            Request::Save {
                name,
                key,
                secret,
                replace,
                rename_from,
            } => {
                let mut saved = profiles
                    .add(&name, &key, &secret, replace)
                    .map_err(|e| e.to_string());
                if let (Ok(_), Some(old)) = (&saved, rename_from.filter(|old| *old != name)) {
                    let was_default =
                        profiles.default_name().ok().flatten().as_deref() == Some(old.as_str());
                    if let Err(err) = profiles.remove(&old) {
                        saved = Err(format!(
                            "saved as \"{name}\", but the old \"{old}\" could not be removed: {err}"
                        ));
                    } else if was_default {
                        let _ = profiles.set_default(&name);
                    }
                }
                Reply::Saved(name, saved)
            }
            Request::Delete(name) => {
                let deleted = profiles.remove(&name).map_err(|e| e.to_string());
                Reply::Deleted(name, deleted)
            }
            Request::SetDefault(name) => match profiles.set_default(&name) {
                Ok(()) => list(&profiles),
                Err(err) => Reply::Failed(err.to_string()),
            },
            Request::Remember { name, user, expiry } => {
                match profiles.remember(&name, &user, &expiry) {
                    Ok(()) => list(&profiles),
                    Err(err) => Reply::Failed(err.to_string()),
                }
            }
        };
        reply(answer);
    }
}
