//! `ticket --users-from`: many tickets streamed from a file or a pipe, signed on every core,
//! written in input order. The fast path of ticket making, in a module of its own: the
//! plain path is `TicketSigner::ticket`, and its figures are in docs/development.md
//! (`scripts/bench-users-from.sh`).

use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::{Failure, exit, stdio, warn};
use crate::sinch::{TicketBatch, TicketSigner, check_user_id};

/// `ticket --users-from`: one ticket per input line, streamed, all with the same `created`.
///
/// Lines are taken together as far as the input already holds them (up to [`CHUNK_LINES`],
/// so a slow pipe is still answered as its lines come), signed on every core at once, and
/// written in input order: the output is byte for byte that of one thread. While a chunk is
/// signed, this thread writes the tickets of the chunk before and, from a file, reads the
/// chunk after. A bad line stops the batch after the tickets of the lines before it, as it
/// did line by line.
pub fn tickets(
    signer: &TicketSigner,
    path: &PathBuf,
    expires_in: u64,
    created: DateTime<Utc>,
) -> Result<u8, Failure> {
    let from_stdin = path.as_os_str() == "-";
    let input: Box<dyn std::io::Read> = if from_stdin {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|err| {
            Failure::io(
                &format!("opening the username file {}", path.display()),
                &err,
            )
        })?;
        Box::new(file)
    };
    let file = path.display().to_string();
    let mut reading = Reading {
        // 1 MiB at a time: a chunk is what the buffer holds.
        input: BufReader::with_capacity(1 << 20, input),
        number: 0,
        file: &file,
    };
    let mut output = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let (mut lines, mut ahead_lines) = (Vec::new(), Vec::new());
    let mut taken = reading.take(&mut lines);
    // The tickets of the chunk being signed, and of the one before (being written): their
    // buffers are kept from chunk to chunk, so memory is touched once, not per chunk.
    let (mut signing, mut pending) = (SignedTickets::default(), SignedTickets::default());
    loop {
        let chunk = Chunk {
            lines: &lines[..taken.count],
            first: taken.first,
            file: &file,
        };
        // A pipe is read ahead only as far as it already holds lines: waiting for more there
        // would hold back the tickets of those it sent.
        let read_ahead = taken.stopped.is_none() && !(from_stdin && reading.is_drained());
        let mut ahead = None;
        sign_lines(
            signer,
            expires_in,
            created,
            &chunk,
            cores,
            &mut signing,
            || {
                write_signed(&mut output, &mut pending, &file)?;
                if read_ahead {
                    ahead = Some(reading.take(&mut ahead_lines));
                }
                Ok(())
            },
        )?;
        std::mem::swap(&mut signing, &mut pending);
        // A pipe that has nothing more yet gets its tickets now, not with the next lines.
        if from_stdin && reading.is_drained() {
            write_signed(&mut output, &mut pending, &file)?;
            output.flush().map_err(stdio::write_failed)?;
        }
        match taken.stopped {
            None => {}
            Some(Ok(())) => break,
            Some(Err(failure)) => {
                write_signed(&mut output, &mut pending, &file)?;
                output.flush().map_err(stdio::write_failed)?;
                return Err(failure);
            }
        }
        taken = match ahead {
            Some(next) => {
                std::mem::swap(&mut lines, &mut ahead_lines);
                next
            }
            None => reading.take(&mut lines),
        };
    }
    write_signed(&mut output, &mut pending, &file)?;
    if reading.number == 0 {
        warn(&format!(
            "{file} holds no usernames, so no tickets were made"
        ));
    }
    output.flush().map_err(stdio::write_failed)?;
    Ok(exit::OK)
}

/// How many lines a batch takes together at most. The first chunk's reading and the last
/// one's writing are done alone, so a smaller chunk makes them shorter: 100,000 tickets take
/// 25.0 ms with 8,192 against 28.2 ms with 16,384 (side by side, hyperfine).
const CHUNK_LINES: usize = 8_192;

/// The lines a signing thread takes at a time; a chunk of fewer is signed on one thread
/// (starting another costs more).
const LINES_PER_PART: usize = 1_024;

/// A username file being read, line by line.
struct Reading<'a> {
    input: BufReader<Box<dyn std::io::Read>>,
    /// How many lines were read.
    number: usize,
    /// The file's name, for messages.
    file: &'a str,
}

/// Lines taken together.
struct Taken {
    /// How many (the first of the buffer's lines).
    count: usize,
    /// The number of the first.
    first: usize,
    /// `Some` when the input ended after them (`Ok`) or failed (`Err`).
    stopped: Option<Result<(), Failure>>,
}

impl Reading<'_> {
    /// Whether what was read so far is all there is to take without waiting.
    fn is_drained(&self) -> bool {
        self.input.buffer().is_empty()
    }

    /// Reads into `lines` as many lines as the input holds, up to [`CHUNK_LINES`], each
    /// without its line break (and the first without a byte order mark). `lines` keeps its
    /// buffers from one chunk to the next.
    fn take(&mut self, lines: &mut Vec<Vec<u8>>) -> Taken {
        let first = self.number + 1;
        let mut count = 0;
        let file = self.file;
        loop {
            if count == lines.len() {
                lines.push(Vec::with_capacity(64));
            }
            let line = &mut lines[count];
            let number = self.number + 1;
            let this_line = || format!("line {number} of {file}");
            match stdio::read_line(
                &mut self.input,
                line,
                stdio::MAX_USERNAME_LINE_BYTES,
                this_line,
            ) {
                Ok(true) => {}
                Ok(false) => {
                    return Taken {
                        count,
                        first,
                        stopped: Some(Ok(())),
                    };
                }
                Err(failure) => {
                    return Taken {
                        count,
                        first,
                        stopped: Some(Err(failure)),
                    };
                }
            }
            self.number = number;
            count += 1;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if number == 1 && line.starts_with(UTF8_BOM) {
                line.drain(..UTF8_BOM.len());
                warn(&format!(
                    "{file} starts with a byte order mark (U+FEFF), as some Windows editors save; it \
                     was not taken as part of the first username"
                ));
            }
            if count == CHUNK_LINES || self.is_drained() {
                return Taken {
                    count,
                    first,
                    stopped: None,
                };
            }
        }
    }
}

/// The tickets of a chunk, as its threads signed them: each thread's parts one after another
/// on its own sheet. Written, it is emptied, and its sheets keep their memory for the next.
#[derive(Default)]
struct SignedTickets {
    sheets: Vec<Sheet>,
    /// How many parts the chunk had.
    parts: usize,
}

/// What one thread signed.
#[derive(Default)]
struct Sheet {
    /// The tickets, each with its line break, of its parts in the order it signed them.
    tickets: String,
    parts: Vec<Part>,
}

/// One part's place on a sheet, with what was said about its lines.
struct Part {
    /// Which part of the chunk.
    index: usize,
    /// Where its tickets start and end on the sheet.
    start: usize,
    end: usize,
    /// Warnings, each naming its line.
    warnings: Vec<String>,
    /// Why its first bad line is bad, naming it: its tickets are those of the lines before.
    error: Option<String>,
}

impl Sheet {
    fn clear(&mut self) {
        self.tickets.clear();
        self.parts.clear();
    }
}

/// Consecutive lines of a username file.
struct Chunk<'a> {
    lines: &'a [Vec<u8>],
    /// The number of the first.
    first: usize,
    /// The file's name, for messages.
    file: &'a str,
}

/// Writes what was signed in input order, with its warnings; at the first bad line, the
/// tickets before it and then the error. Empties `signed` (keeping its memory).
fn write_signed(
    output: &mut impl Write,
    signed: &mut SignedTickets,
    file: &str,
) -> Result<(), Failure> {
    let mut order: Vec<(&Part, &str)> = signed
        .sheets
        .iter()
        .flat_map(|sheet| {
            sheet
                .parts
                .iter()
                .map(|part| (part, sheet.tickets.as_str()))
        })
        .collect();
    order.sort_unstable_by_key(|(part, _)| part.index);
    // A thread that failed took its part with it.
    let missing =
        || format!("the usernames of {file} could not all be signed: a signing thread failed");
    let mut failed = None;
    for (at, (part, tickets)) in order.iter().enumerate() {
        if part.index != at {
            failed = Some(missing());
            break;
        }
        for warning in &part.warnings {
            warn(warning);
        }
        output
            .write_all(&tickets.as_bytes()[part.start..part.end])
            .map_err(stdio::write_failed)?;
        if let Some(error) = &part.error {
            failed = Some(error.clone());
            break;
        }
    }
    if failed.is_none() && order.len() < signed.parts {
        failed = Some(missing());
    }
    drop(order);
    signed.sheets.iter_mut().for_each(Sheet::clear);
    signed.parts = 0;
    match failed {
        Some(error) => {
            output.flush().map_err(stdio::write_failed)?;
            Err(Failure::usage(error))
        }
        None => Ok(()),
    }
}

/// Signs the chunk's lines on every core, in parts of [`LINES_PER_PART`] that each thread
/// takes as it is free, onto the sheets of `signed`: a signing thread per core, and this
/// one, which first does `meanwhile` (writing the chunk before, reading the next) and then
/// signs parts too. With a thread fewer, a core would wait whenever this one's writing and
/// reading take longer than the others' signing (measured: 1.24 cores busy instead of 1.5).
fn sign_lines(
    signer: &TicketSigner,
    expires_in: u64,
    created: DateTime<Utc>,
    chunk: &Chunk<'_>,
    cores: usize,
    signed: &mut SignedTickets,
    meanwhile: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    let lines = chunk.lines;
    let parts = lines.len().div_ceil(LINES_PER_PART).max(1);
    let helpers = cores.min(parts - 1);
    signed.parts = parts;
    if signed.sheets.len() < helpers + 1 {
        signed.sheets.resize_with(helpers + 1, Sheet::default);
    }
    // Room for the whole chunk on every sheet: which thread signs how much is not known
    // beforehand, and memory reserved but not written costs nothing.
    let room = lines.len() * TICKET_BYTES;
    let next_part = std::sync::atomic::AtomicUsize::new(0);
    let work = |sheet: &mut Sheet| {
        sheet
            .tickets
            .reserve(room.saturating_sub(sheet.tickets.len()));
        // One batch for every part this thread takes: its pieces are laid out once.
        let mut batch = signer.batch(expires_in, created);
        loop {
            let index = next_part.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if index >= parts {
                return;
            }
            let start = (index * LINES_PER_PART).min(lines.len());
            let end = (start + LINES_PER_PART).min(lines.len());
            let part = Chunk {
                lines: &lines[start..end],
                first: chunk.first + start,
                file: chunk.file,
            };
            sign_part(&mut batch, &part, index, sheet);
        }
    };
    let (own, others) = signed.sheets.split_at_mut(1);
    if helpers == 0 {
        meanwhile()?;
        work(&mut own[0]);
        return Ok(());
    }
    std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others.
        let helping: Vec<_> = others
            .iter_mut()
            .take(helpers)
            .filter_map(|sheet| {
                std::thread::Builder::new()
                    .name("tickets".into())
                    .spawn_scoped(scope, move || work(sheet))
                    .ok()
            })
            .collect();
        meanwhile()?;
        work(&mut own[0]);
        for helper in helping {
            // One that failed took its part with it: `write_signed` finds it missing.
            let _ = helper.join();
        }
        Ok(())
    })
}

/// About how long a ticket is, with its line break, for a username of a few dozen bytes.
const TICKET_BYTES: usize = 256;

/// Signs the part's lines onto `sheet`, stopping at the first bad one.
fn sign_part(batch: &mut TicketBatch<'_>, chunk: &Chunk<'_>, index: usize, sheet: &mut Sheet) {
    let mut part = Part {
        index,
        start: sheet.tickets.len(),
        end: 0,
        warnings: Vec::new(),
        error: None,
    };
    for (line, number) in chunk.lines.iter().zip(chunk.first..) {
        let Ok(user) = std::str::from_utf8(line) else {
            part.error = Some(format!(
                "line {number} of {} is not UTF-8 text: save the file as UTF-8",
                chunk.file
            ));
            break;
        };
        let check = check_user_id(user);
        if let Some(error) = check.error {
            part.error = Some(format!("line {number} of {}: {error}", chunk.file));
            break;
        }
        for warning in &check.warnings {
            part.warnings.push(format!("line {number}: {warning}"));
        }
        batch.push_ticket(user, &mut sheet.tickets);
        sheet.tickets.push('\n');
    }
    part.end = sheet.tickets.len();
    sheet.parts.push(part);
}

/// What a UTF-8 file saved "with signature" begins with.
const UTF8_BOM: &[u8] = "\u{feff}".as_bytes();
