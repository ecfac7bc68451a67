//! The command line's only ways in and out: one writer for standard output, one for
//! standard error, and bounded reads of standard input.
//!
//! The output policy lives here and nowhere else. A closed pipe (`sinch-ticket … | head -1`)
//! ends the command quietly with success; any other write failure (`> /dev/full`) is exit
//! status 3 with one sentence; nothing panics. Standard error is written on a best-effort
//! basis: when it is gone too, there is no one left to tell. Text for people goes through
//! [`human`], which makes terminal control characters from decoded input visible instead of
//! letting them act on the terminal.

use std::io::{BufRead as _, ErrorKind, Read, Write as _};

use zeroize::{Zeroize as _, Zeroizing};

use super::{Failure, exit};
use crate::sinch::text::terminal_safe;

/// The longest secret read from standard input. A Sinch secret is 24 characters.
pub const MAX_SECRET_BYTES: usize = 4 * 1024;
/// The longest token `inspect` reads. Tickets and JWTs are a few hundred bytes.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;
/// The longest line of a `--users-from` file.
pub const MAX_USERNAME_LINE_BYTES: usize = 64 * 1024;

/// Writes `text` to standard output exactly as given, and flushes it, so a failure is known
/// now and not at exit.
pub fn raw(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(write_failed)
}

/// Writes `text` and a line break to standard output.
pub fn line(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(write_failed)
}

/// Writes `value` as one line of JSON to standard output, serialized straight into it: a
/// record of a megabyte body never becomes a string of several.
pub fn json_line(value: &impl serde::Serialize) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer(&mut stdout, value)
        .map_err(std::io::Error::from)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(write_failed)
}

/// Writes a line for people to standard output, with terminal control characters that came
/// from input (a crafted username, say) shown as escapes.
pub fn human(text: &str) -> Result<(), Failure> {
    line(&terminal_safe(text))
}

/// The failure for a write to standard output that did not succeed.
pub fn write_failed(err: std::io::Error) -> Failure {
    if err.kind() == ErrorKind::BrokenPipe {
        Failure::closed_pipe()
    } else {
        Failure::io("writing to standard output", &err)
    }
}

/// Writes a line to standard error, ignoring failure.
pub fn to_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", terminal_safe(text));
}

/// Writes a question to standard error without a line break, ignoring failure.
pub fn prompt(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{}", terminal_safe(text));
    let _ = stderr.flush();
}

/// Reads everything from `input`, at most `limit` bytes, as UTF-8 text; `what` names it in
/// messages ("the token on standard input").
pub fn read_text(input: impl Read, what: &str, limit: usize) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    read_bounded(input, what, limit, &mut bytes)?;
    String::from_utf8(bytes).map_err(|_| not_utf8(what))
}

/// Like [`read_text`] for a secret: its bytes live in one buffer, allocated once (so no
/// reallocation leaves a copy behind), and wiped when dropped.
pub fn read_secret(input: impl Read, what: &str) -> Result<Zeroizing<String>, Failure> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_SECRET_BYTES + 64));
    read_bounded(input, what, MAX_SECRET_BYTES, &mut bytes)?;
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(err) => {
            err.into_bytes().zeroize();
            Err(not_utf8(what))
        }
    }
}

/// Reads one line (up to and without its `\n`) of at most `limit` bytes into `line`; `false`
/// at the end of the input.
pub fn read_line(
    input: &mut impl std::io::BufRead,
    line: &mut Vec<u8>,
    limit: usize,
    what: impl Fn() -> String,
) -> Result<bool, Failure> {
    line.clear();
    let read = Read::take(&mut *input, limit as u64 + 1)
        .read_until(b'\n', line)
        .map_err(|err| Failure::io(&format!("reading {}", what()), &err))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
    } else if line.len() > limit {
        return Err(Failure::usage(format!(
            "{} is longer than {} KiB: is this the right file?",
            what(),
            limit / 1024
        )));
    }
    Ok(true)
}

fn read_bounded(
    input: impl Read,
    what: &str,
    limit: usize,
    bytes: &mut Vec<u8>,
) -> Result<(), Failure> {
    input
        .take(limit as u64 + 1)
        .read_to_end(bytes)
        .map_err(|err| Failure::io(&format!("reading {what}"), &err))?;
    if bytes.len() > limit {
        bytes.zeroize();
        return Err(Failure::usage(format!(
            "{what} is longer than {} KiB, far more than it can be: check what is piped in",
            limit / 1024
        )));
    }
    Ok(())
}

fn not_utf8(what: &str) -> Failure {
    Failure {
        code: exit::USAGE,
        message: format!("{what} is not UTF-8 text: check what is piped in"),
    }
}

/// Reads the body a `--data-file FILE|-` names ('-': standard input), at most `limit` bytes.
pub fn read_body_file(path: &std::path::Path, limit: usize) -> Result<Vec<u8>, Failure> {
    if path.as_os_str() == "-" {
        return read_body(std::io::stdin().lock(), "the body on standard input", limit);
    }
    let file = std::fs::File::open(path)
        .map_err(|err| Failure::io(&format!("opening the body file {}", path.display()), &err))?;
    read_body(file, &format!("the body file {}", path.display()), limit)
}

/// Reads at most `limit` bytes of `input`; more is a usage error that names `what`.
pub fn read_body(input: impl std::io::Read, what: &str, limit: usize) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    input
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Failure::io(&format!("reading {what}"), &err))?;
    if bytes.len() > limit {
        return Err(Failure::usage(format!(
            "{what} is larger than {} MiB: Sinch's APIs take far smaller bodies",
            limit >> 20
        )));
    }
    Ok(bytes)
}

/// Asks a yes/no question on the terminal; only "y" or "yes" is yes.
pub fn confirm(question: &str) -> bool {
    prompt(&format!("{question} [y/N] "));
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .take(256)
        .read_line(&mut answer)
        .is_ok()
        && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_say_so() {
        let big = std::io::repeat(b'a').take(10_000);
        let err = read_text(big, "the token", 1024).unwrap_err();
        assert_eq!(err.code, exit::USAGE);
        assert!(err.message.contains("longer than 1 KiB"), "{}", err.message);
        assert_eq!(read_text(&b"abc"[..], "x", 3).unwrap(), "abc");

        let err = read_secret(std::io::repeat(0), "the secret").unwrap_err();
        assert!(err.message.contains("longer than 4 KiB"), "{}", err.message);
        let err = read_secret(&b"\xff\xfe"[..], "the secret").unwrap_err();
        assert_eq!(err.code, exit::USAGE);
        assert!(err.message.contains("not UTF-8"), "{}", err.message);
    }

    #[test]
    fn lines_are_bounded_and_the_last_may_lack_its_break() {
        let mut input = std::io::BufReader::new(&b"alice\nbob"[..]);
        let mut line = Vec::new();
        assert!(read_line(&mut input, &mut line, 16, String::new).unwrap());
        assert_eq!(line, b"alice");
        assert!(read_line(&mut input, &mut line, 16, String::new).unwrap());
        assert_eq!(line, b"bob");
        assert!(!read_line(&mut input, &mut line, 16, String::new).unwrap());

        let mut endless = std::io::BufReader::new(std::io::repeat(0));
        let err = read_line(&mut endless, &mut line, 1024, || "line 1".into()).unwrap_err();
        assert!(
            err.message.contains("line 1 is longer than 1 KiB"),
            "{}",
            err.message
        );
    }
}
