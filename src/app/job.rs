//! Background work owned by the panel that asked for it: a named thread that computes one
//! value, wakes the window when it is done, and is collected in [`crate::app::SinchTicketApp::tick`]
//! (so it completes while the window is hidden too). The result then stays with the panel,
//! beside the control that asked, until the panel's input changes.

use std::sync::mpsc::{self, Receiver, TryRecvError};

use eframe::egui;

/// One piece of work under way.
pub struct Job<T> {
    done: Receiver<T>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread called `name`; the window repaints when it has finished.
    /// The error says the thread could not start.
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<Self, String> {
        let (tx, done) = mpsc::channel();
        let ctx = ctx.clone();
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let _ = tx.send(work());
                ctx.request_repaint();
            })
            .map_err(|err| format!("could not start the work in the background: {err}"))?;
        Ok(Self { done })
    }
}

/// A panel's slot for one job at a time, with its last result.
pub struct Slot<T> {
    running: Option<Job<T>>,
    /// The last result.
    pub last: Option<T>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self {
            running: None,
            last: None,
        }
    }
}

impl<T: Send + 'static> Slot<T> {
    /// Starts `work` unless a job is running already (then says so).
    pub fn start(
        &mut self,
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<(), String> {
        if self.running.is_some() {
            return Err("the last one is still under way".into());
        }
        self.running = Some(Job::spawn(name, ctx, work)?);
        self.last = None;
        Ok(())
    }
}

impl<T> Slot<T> {
    /// Whether a job is under way.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Gives up on the job under way: its result, when it comes, is dropped, and another
    /// can start at once (the thread itself runs on until its work returns).
    pub fn abandon(&mut self) {
        self.running = None;
    }

    /// Collects a finished job's result: `true` when one arrived. A job whose thread died
    /// is forgotten, so that the panel can start another.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.running else {
            return false;
        };
        match job.done.try_recv() {
            Ok(result) => {
                self.last = Some(result);
                self.running = None;
                true
            }
            Err(TryRecvError::Disconnected) => {
                self.running = None;
                false
            }
            Err(TryRecvError::Empty) => false,
        }
    }
}
