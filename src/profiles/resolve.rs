//! Fetching the value a [`SecretRef`] points at, when it is used: from the environment,
//! `pass show`, Vault's or OpenBao's KV version 2 API (through [`crate::net::vault`]), or
//! 1Password's `op read`. Every fetch has a time limit (a manager may be waiting for a
//! fingerprint or a passphrase), its output is bounded, and the value lives only in a buffer
//! wiped when dropped. Failures say which reference, which manager, and what to do; none
//! holds the value or a token.

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use wait_timeout::ChildExt as _;
use zeroize::Zeroizing;

use super::reference::{Backend, SecretRef};
use crate::net::vault::{self, KvError, KvRead};

/// The environment variable that sets how long a secret manager may take
/// (`30s`, `2m`, `1500ms`; a plain number is seconds).
pub const TIMEOUT_ENV: &str = "SINCH_TICKET_SECRET_TIMEOUT";
/// How long a secret manager may take unless [`TIMEOUT_ENV`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The most a manager's answer may hold: a secret is short.
const MAX_OUTPUT_BYTES: u64 = 64 * 1024;
/// The most of a manager's error output kept for a message.
const MAX_STDERR_BYTES: u64 = 4 * 1024;

/// Fetches the value of a reference.
pub trait Resolve: Send + Sync + fmt::Debug {
    /// The value `reference` points at now.
    fn resolve(&self, reference: &SecretRef) -> Result<Zeroizing<String>, ResolveError>;
}

/// Why a reference gave no value. The words are the same for both faces; none holds the
/// value, a token, or what a manager printed on its standard output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} ({reference}): {problem}", reference.describe())]
pub struct ResolveError {
    /// The reference.
    pub reference: SecretRef,
    /// What went wrong, with what to do.
    pub problem: Problem,
}

/// What went wrong fetching a value, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The manager's program is not installed (not on PATH).
    #[error(
        "`{0}` is not installed or not on PATH: install it, or refer to the secret another way"
    )]
    NotInstalled(&'static str),
    /// 1Password's CLI is not signed in.
    #[error(
        "1Password's CLI is not signed in ({0}): run `op signin` (or set OP_SERVICE_ACCOUNT_TOKEN) and retry"
    )]
    NotSignedIn(String),
    /// The store is locked: the GnuPG key could not decrypt.
    #[error("the entry could not be decrypted ({0}): unlock your GnuPG key (gpg-agent) and retry")]
    Locked(String),
    /// The manager could not be reached.
    #[error("{0}: check the address and that the server is up")]
    Unreachable(String),
    /// A setting the manager needs is missing or unusable.
    #[error("{0}")]
    Setting(String),
    /// The manager refused the credentials it was given.
    #[error("{0}")]
    Denied(String),
    /// Nothing is there: no variable, entry or field of that name.
    #[error("{0}")]
    Missing(String),
    /// No answer within the time limit.
    #[error(
        "no answer within {} s: the manager may be waiting for you to unlock or approve it; \
         do so and retry ({TIMEOUT_ENV} sets the limit)", .0.as_secs_f32().ceil()
    )]
    TimedOut(Duration),
    /// The value is there but is not a valid secret of its kind.
    #[error("the value is not a valid {0}")]
    Invalid(String),
    /// Anything else the manager said.
    #[error("{0}")]
    Failed(String),
}

/// The secret managers of this machine, reached as the user's shell would: environment
/// variables of this process, `pass` and `op` on PATH, Vault at `VAULT_ADDR`.
#[derive(Debug, Clone)]
pub struct Managers {
    /// How long one fetch may take.
    pub timeout: Duration,
}

impl Default for Managers {
    fn default() -> Self {
        Self::from_env()
    }
}

impl Managers {
    /// The managers, with the time limit [`TIMEOUT_ENV`] sets (or [`DEFAULT_TIMEOUT`]).
    pub fn from_env() -> Self {
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|text| parse_duration(&text))
            .unwrap_or(DEFAULT_TIMEOUT);
        Self { timeout }
    }
}

impl Resolve for Managers {
    fn resolve(&self, reference: &SecretRef) -> Result<Zeroizing<String>, ResolveError> {
        let fail = |problem| ResolveError {
            reference: reference.clone(),
            problem,
        };
        let value = match reference {
            SecretRef::Env(name) => from_env(name),
            SecretRef::Pass(path) => from_pass(path, self.timeout),
            SecretRef::Kv {
                backend,
                mount,
                path,
                field,
            } => from_kv(*backend, mount, path, field, self.timeout),
            SecretRef::OnePassword(uri) => from_op(uri, self.timeout),
        }
        .map_err(fail)?;
        if value.trim().is_empty() {
            return Err(fail(Problem::Invalid("secret: it is empty".to_owned())));
        }
        Ok(value)
    }
}

/// `30`, `30s`, `1500ms`, `2m`.
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, ""), |at| text.split_at(at));
    let n: u64 = digits.parse().ok()?;
    let duration = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.checked_mul(60)?),
        _ => return None,
    };
    (!duration.is_zero() && duration <= Duration::from_secs(3600)).then_some(duration)
}

/// Why `reference` cannot work in this process at all, said before it is used: an
/// environment variable this process was not started with (a running window never sees one
/// set later). `None` for every other manager: whether they answer is known when asked.
pub fn unavailable_here(reference: &SecretRef) -> Option<String> {
    match reference {
        SecretRef::Env(name) if std::env::var_os(name).is_none() => Some(format!(
            "{name} is not set in this program's environment: a program sees only the \
             variables it was started with, so start it where {name} is set (or under `op run`)"
        )),
        _ => None,
    }
}

fn from_env(name: &str) -> Result<Zeroizing<String>, Problem> {
    match std::env::var_os(name) {
        None => Err(Problem::Missing(format!(
            "the environment variable {name} is not set: set it where this program is started \
             (a running window sees only the variables it was started with), or run it under \
             `op run` or your CI's secrets"
        ))),
        Some(value) => match value.into_string() {
            Ok(text) => Ok(Zeroizing::new(text)),
            Err(_) => Err(Problem::Invalid(format!(
                "secret: {name} is not valid UTF-8 text"
            ))),
        },
    }
}

fn from_pass(path: &str, timeout: Duration) -> Result<Zeroizing<String>, Problem> {
    let ran = run("pass", &["show", "--", path], timeout)?;
    if !ran.success {
        let said = ran.stderr_line();
        return Err(if said.contains("is not in the password store") {
            Problem::Missing(format!(
                "there is no entry {path} in the password store: see `pass ls`"
            ))
        } else if said.contains("decryption failed") || said.contains("No secret key") {
            Problem::Locked(said)
        } else if said.contains("password store is empty") || said.contains("pass init") {
            Problem::Setting(format!(
                "the password store is not set up ({said}): run `pass init GPG-ID`, or set PASSWORD_STORE_DIR"
            ))
        } else {
            Problem::Failed(format!("`pass show` failed: {said}"))
        });
    }
    // pass keeps the password on the entry's first line, other fields below it.
    let text = std::str::from_utf8(&ran.stdout)
        .map_err(|_| Problem::Invalid("secret: the entry is not UTF-8 text".into()))?;
    let first = text.split('\n').next().unwrap_or("").trim_end_matches('\r');
    Ok(Zeroizing::new(first.to_owned()))
}

fn from_op(uri: &str, timeout: Duration) -> Result<Zeroizing<String>, Problem> {
    let ran = run("op", &["read", "--no-newline", uri], timeout)?;
    if !ran.success {
        let said = ran.stderr_line();
        let lower = said.to_lowercase();
        return Err(
            if lower.contains("not currently signed in")
                || lower.contains("sign in")
                || lower.contains("signin")
                || lower.contains("session expired")
            {
                Problem::NotSignedIn(said)
            } else if lower.contains("isn't")
                || lower.contains("not found")
                || lower.contains("could not find")
                || lower.contains("no item")
            {
                Problem::Missing(format!(
                    "1Password found nothing there ({said}): check the vault, item and field names with `op item get`"
                ))
            } else {
                Problem::Failed(format!("`op read` failed: {said}"))
            },
        );
    }
    let text = std::str::from_utf8(&ran.stdout)
        .map_err(|_| Problem::Invalid("secret: the field is not UTF-8 text".into()))?;
    Ok(Zeroizing::new(
        text.strip_suffix('\n').unwrap_or(text).to_owned(),
    ))
}

/// The first of these environment variables that is set (and not empty): its name and
/// value.
fn first_var(names: &[String]) -> Option<(String, Zeroizing<String>)> {
    names.iter().find_map(|name| {
        let value = Zeroizing::new(std::env::var(name).ok()?);
        (!value.trim().is_empty()).then(|| (name.clone(), value))
    })
}

fn from_kv(
    backend: Backend,
    mount: &str,
    path: &str,
    field: &str,
    timeout: Duration,
) -> Result<Zeroizing<String>, Problem> {
    // The spelling of the reference decides which product's variables are read first.
    let (first, second, cli) = if backend == Backend::OpenBao {
        ("BAO", "VAULT", "bao")
    } else {
        ("VAULT", "BAO", "vault")
    };
    let names = |what: &str| [format!("{first}_{what}"), format!("{second}_{what}")];
    let Some((addr_name, addr)) = first_var(&names("ADDR")) else {
        return Err(Problem::Setting(format!(
            "{first}_ADDR is not set: set it to the server's address (e.g. https://vault.example:8200), \
             or {second}_ADDR"
        )));
    };
    let (token_name, token) = match first_var(&names("TOKEN")) {
        Some(found) => found,
        None => token_file()?.ok_or_else(|| {
            Problem::Setting(format!(
                "no token: set {first}_TOKEN, or log in (`{cli} login`) so that ~/.vault-token holds one"
            ))
        })?,
    };
    let namespace = first_var(&names("NAMESPACE"));
    let ca_name = first_var(&names("CACERT")).map(|(name, file)| (name, file.trim().to_owned()));
    let ca = match &ca_name {
        Some((name, file)) => Some(read_bounded(std::path::Path::new(file), 1 << 20).map_err(
            |err| {
                Problem::Setting(format!(
                    "the CA file {file} named by {name} could not be read: {err}"
                ))
            },
        )?),
        None => None,
    };
    let request = KvRead {
        addr: addr.trim(),
        token: token.trim(),
        namespace: namespace.as_ref().map(|(_, n)| n.trim()),
        ca_pem: ca.as_deref().map(|v| v.as_slice()),
        mount,
        path,
        field,
        timeout,
    };
    let at = crate::sinch::text::terminal_safe(addr.trim()).into_owned();
    vault::read_field(&request).map_err(|err| match err {
        KvError::Address { .. } => Problem::Setting(format!("{err} (from {addr_name})")),
        KvError::CaFile => Problem::Setting(format!(
            "{err} ({}): name a PEM file with the CA's certificate",
            ca_name
                .as_ref()
                .map_or(String::new(), |(name, file)| format!("{file}, from {name}"))
        )),
        KvError::BadToken => Problem::Setting(format!("{err} ({token_name}): set it again")),
        KvError::BadNamespace => Problem::Setting(format!("{err}: set {first}_NAMESPACE again")),
        KvError::Tls(_) => Problem::Setting(format!(
            "{err} at {at}: for a private CA, set {first}_CACERT to its certificate (PEM); \
             check that the host in {addr_name} is the one the certificate names"
        )),
        KvError::Unreachable(_) => {
            Problem::Unreachable(format!("{err} at {at} (from {addr_name})"))
        }
        KvError::Timeout(after) => Problem::TimedOut(after),
        KvError::Denied(_) => Problem::Denied(format!(
            "{err}: check {token_name} and the token's policy for {mount}/{path}"
        )),
        KvError::NotFound => Problem::Missing(format!(
            "{err}: check the mount and path (`{cli} kv get -mount={mount} {path}`)"
        )),
        KvError::NoField(_) => Problem::Missing(format!("{err}: check the field's name after #")),
        KvError::Sealed => Problem::Unreachable(format!("{err}, at {at}")),
        KvError::NotText(_) => Problem::Invalid(format!("secret: {err}")),
        KvError::Unexpected(_) => Problem::Failed(err.to_string()),
    })
}

/// The token Vault's (and OpenBao's) default token helper keeps: `~/.vault-token`, with the
/// name to give it in messages. `None` when there is no such file.
fn token_file() -> Result<Option<(String, Zeroizing<String>)>, Problem> {
    let Some(path) = dirs::home_dir().map(|home| home.join(".vault-token")) else {
        return Ok(None);
    };
    let bytes = match read_bounded(&path, 64 * 1024) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(Problem::Setting(format!(
                "the token file {} could not be read: {err}",
                path.display()
            )));
        }
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Problem::Setting(format!("the token file {} is not text", path.display())))?;
    let text = Zeroizing::new(text.to_owned());
    Ok((!text.trim().is_empty()).then(|| ("~/.vault-token".to_owned(), text)))
}

/// At most `limit` bytes of a regular file (a FIFO or a device named in its place would block
/// or never end: refused before it is opened).
fn read_bounded(path: &std::path::Path, limit: u64) -> std::io::Result<Zeroizing<Vec<u8>>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// What a manager's program did.
struct Ran {
    success: bool,
    stdout: Zeroizing<Vec<u8>>,
    stderr: Vec<u8>,
}

impl Ran {
    /// The last non-empty line of its error output, safe to print, at most 200 characters.
    fn stderr_line(&self) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        let line = text
            .lines()
            .map(str::trim)
            .rfind(|line| !line.is_empty())
            .unwrap_or("no message");
        let short: String = line.chars().take(200).collect();
        crate::sinch::text::terminal_safe(&short).into_owned()
    }
}

/// Runs `program` with `args` (standard input closed), within `limit`: killed past it.
fn run(program: &'static str, args: &[&str], limit: Duration) -> Result<Ran, Problem> {
    let started = Instant::now();
    let mut command = Command::new(program);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => Problem::NotInstalled(program),
            _ => Problem::Failed(format!("`{program}` could not be started: {err}")),
        })?;
    // Both pipes are read on threads of their own, so a program that fills one while we wait
    // on the other cannot stall; each is bounded.
    let (out_tx, out_rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut bytes = Zeroizing::new(Vec::new());
            let _ = stdout.take(MAX_OUTPUT_BYTES + 1).read_to_end(&mut bytes);
            let _ = out_tx.send(bytes);
        });
    }
    let (err_tx, err_rx) = mpsc::channel();
    if let Some(stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr.take(MAX_STDERR_BYTES).read_to_end(&mut bytes);
            let _ = err_tx.send(bytes);
        });
    }
    let waited = child.wait_timeout(limit);
    // Whatever the program left behind in its group (a wrapper's children) ends with it, so
    // nothing lives on holding its output open or waiting for a prompt.
    end_group(&child);
    let status = match waited {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Problem::TimedOut(limit));
        }
        Err(err) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Problem::Failed(format!(
                "waiting for `{program}` failed: {err}"
            )));
        }
    };
    // A program that left a child of its own holding the pipes open does not hold us past
    // the limit either.
    let left = limit
        .saturating_sub(started.elapsed())
        .max(Duration::from_millis(100));
    let stdout: Zeroizing<Vec<u8>> = out_rx
        .recv_timeout(left)
        .map_err(|_| Problem::TimedOut(limit))?;
    let stderr = err_rx.recv_timeout(left).unwrap_or_default();
    if stdout.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(Problem::Invalid(format!(
            "secret: `{program}` printed more than {} KiB",
            MAX_OUTPUT_BYTES >> 10
        )));
    }
    Ok(Ran {
        success: status.success(),
        stdout,
        stderr,
    })
}

/// Ends every process left in `child`'s process group (started with `process_group(0)`).
#[cfg(unix)]
fn end_group(child: &std::process::Child) {
    if let Ok(raw) = i32::try_from(child.id())
        && let Some(pid) = rustix::process::Pid::from_raw(raw)
    {
        // None left is the usual case (ESRCH).
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(not(unix))]
fn end_group(_: &std::process::Child) {}

/// A resolver that keeps each value it fetched for a while, so that a window session does not
/// ask a manager (and its user) on every click. [`Cached::forget`] wipes them at once.
#[derive(Debug)]
pub struct Cached<R> {
    inner: R,
    keep: Duration,
    values: Mutex<HashMap<SecretRef, (Zeroizing<String>, Instant)>>,
}

impl<R: Resolve> Cached<R> {
    /// `inner`'s values, each kept for `keep` after it was fetched.
    pub fn new(inner: R, keep: Duration) -> Self {
        Self {
            inner,
            keep,
            values: Mutex::new(HashMap::new()),
        }
    }

    fn values(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<SecretRef, (Zeroizing<String>, Instant)>> {
        self.values
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wipes every value kept; how many there were.
    pub fn forget(&self) -> usize {
        let mut values = self.values();
        let count = values.len();
        values.clear();
        count
    }

    /// Wipes the values kept past their time; when the next one is due to go.
    pub fn expire(&self, now: Instant) -> Option<Instant> {
        let mut values = self.values();
        values.retain(|_, (_, fetched)| now < *fetched + self.keep);
        values
            .values()
            .map(|(_, fetched)| *fetched + self.keep)
            .min()
    }

    /// How long ago the value kept for `reference` was fetched (`None`: none is kept).
    pub fn age(&self, reference: &SecretRef) -> Option<Duration> {
        self.values()
            .get(reference)
            .map(|(_, fetched)| fetched.elapsed())
    }

    /// How many values are kept now.
    pub fn held(&self) -> usize {
        self.values().len()
    }
}

impl<R: Resolve> Resolve for Cached<R> {
    fn resolve(&self, reference: &SecretRef) -> Result<Zeroizing<String>, ResolveError> {
        let now = Instant::now();
        if let Some((value, fetched)) = self.values().get(reference)
            && now < *fetched + self.keep
        {
            return Ok(value.clone());
        }
        // Fetched without the lock: a slow manager holds up only its own fetch.
        let value = self.inner.resolve(reference)?;
        self.values()
            .insert(reference.clone(), (value.clone(), Instant::now()));
        Ok(value)
    }
}

impl<R: Resolve + ?Sized> Resolve for std::sync::Arc<R> {
    fn resolve(&self, reference: &SecretRef) -> Result<Zeroizing<String>, ResolveError> {
        (**self).resolve(reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug, Default)]
    struct Counting(AtomicUsize);

    impl Resolve for Counting {
        fn resolve(&self, _: &SecretRef) -> Result<Zeroizing<String>, ResolveError> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Zeroizing::new(format!("value-{n}")))
        }
    }

    #[test]
    fn a_kept_value_is_not_fetched_again_until_forgotten_or_expired() {
        let cached = Cached::new(Counting::default(), Duration::from_secs(300));
        let a = SecretRef::parse("env:A").unwrap();
        let b = SecretRef::parse("env:B").unwrap();
        assert_eq!(cached.resolve(&a).unwrap().as_str(), "value-0");
        assert_eq!(cached.resolve(&a).unwrap().as_str(), "value-0");
        assert_eq!(cached.resolve(&b).unwrap().as_str(), "value-1");
        assert_eq!(cached.held(), 2);
        assert!(
            cached
                .age(&a)
                .is_some_and(|age| age < Duration::from_secs(60))
        );
        assert_eq!(cached.age(&SecretRef::parse("env:C").unwrap()), None);
        assert_eq!(cached.forget(), 2);
        assert_eq!(cached.age(&a), None);
        assert_eq!(cached.resolve(&a).unwrap().as_str(), "value-2");
        // Past its time, a value is gone and fetched anew.
        let later = Instant::now() + Duration::from_secs(301);
        assert_eq!(cached.expire(later), None);
        assert_eq!(cached.held(), 0);
        assert_eq!(cached.resolve(&a).unwrap().as_str(), "value-3");
        assert!(cached.expire(Instant::now()).is_some());
    }

    #[test]
    fn durations_read_as_people_write_them_and_absurd_ones_are_ignored() {
        assert_eq!(parse_duration("45"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("45s"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("1500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        for absurd in ["0", "", "soon", "99999999999999999999", "2h", "-1"] {
            assert_eq!(parse_duration(absurd), None, "{absurd}");
        }
    }

    #[test]
    fn a_program_past_its_time_is_killed_and_said_so() {
        let started = Instant::now();
        let err = run("sh", &["-c", "exec sleep 30"], Duration::from_millis(300))
            .err()
            .unwrap();
        assert_eq!(err, Problem::TimedOut(Duration::from_millis(300)));
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_program_whose_child_keeps_its_output_open_is_answered_at_once_and_the_child_ended() {
        let started = Instant::now();
        let ran = run(
            "sh",
            &["-c", "(sleep 30 &); printf value"],
            Duration::from_secs(20),
        )
        .unwrap();
        assert!(ran.success);
        assert_eq!(ran.stdout.as_slice(), b"value");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_program_that_is_not_there_is_named() {
        let err = run("sinch-ticket-no-such-program", &[], Duration::from_secs(5))
            .err()
            .unwrap();
        assert!(err.to_string().contains("not installed"), "{err}");
    }

    #[test]
    fn output_beyond_the_bound_is_refused_and_the_error_line_is_made_safe() {
        let err = run(
            "sh",
            &["-c", "head -c 200000 /dev/zero"],
            Duration::from_secs(10),
        )
        .err()
        .unwrap();
        assert!(err.to_string().contains("more than 64 KiB"), "{err}");
        let ran = run(
            "sh",
            &["-c", "printf 'first\\n\\033[2Jlast\\n' >&2; exit 3"],
            Duration::from_secs(10),
        )
        .unwrap();
        assert!(!ran.success);
        assert_eq!(ran.stderr_line(), "\\u001b[2Jlast");
    }
}
