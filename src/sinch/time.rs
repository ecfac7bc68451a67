//! Durations and instants as the tool reads and shows them.
//!
//! Nothing here reads the clock: callers pass `now` in, so tests can pin it.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone as _, Utc};

/// The longest expiry or TTL the tool accepts: ten years. Sinch would take more, but a
/// larger number is almost always a unit slip (milliseconds typed as seconds).
pub const MAX_LIFETIME_SECS: u64 = 10 * 365 * 24 * 3600;

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(String);

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationError {}

/// Reads a duration as the command line and the window accept it: plain seconds (`3600`),
/// or numbers with units `d`, `h`, `m`, `s`, largest first, each at most once (`1h30m`).
/// Anything looser (`1h30`, `1h1h`, `30m1h`) is refused rather than guessed at. The result is
/// between 1 second and [`MAX_LIFETIME_SECS`].
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    let text = text.trim();
    let help = "write seconds (3600) or a number with a unit: 90s, 10m, 1h, 1d (combinations like 1h30m work too)";
    if text.is_empty() {
        return Err(DurationError(format!("the duration is empty: {help}")));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return checked_total(add_part(0, text, 1, text)?, text);
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    // The units seen so far must come in this order, each once.
    let mut last_unit: Option<u64> = None;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => {
                return Err(DurationError(format!(
                    "'{text}' is not a duration ('{c}' is not a unit): {help}"
                )));
            }
        };
        if digits.is_empty() {
            return Err(DurationError(format!(
                "'{text}' is not a duration (a unit needs a number before it): {help}"
            )));
        }
        if last_unit.is_some_and(|last| unit >= last) {
            return Err(DurationError(format!(
                "'{text}' is not a duration (each unit once, largest first, as in 1d2h3m4s): {help}"
            )));
        }
        total = add_part(total, &digits, unit, text)?;
        digits.clear();
        last_unit = Some(unit);
    }
    if !digits.is_empty() {
        return Err(DurationError(format!(
            "'{text}' is not a duration ('{digits}' at the end has no unit): {help}"
        )));
    }
    checked_total(total, text)
}

fn add_part(total: u64, digits: &str, unit: u64, text: &str) -> Result<u64, DurationError> {
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .and_then(|n| n.checked_add(total))
        .ok_or_else(|| {
            DurationError(format!(
                "'{text}' is far too long: the most this tool allows is ten years"
            ))
        })
}

fn checked_total(total: u64, text: &str) -> Result<u64, DurationError> {
    if total == 0 {
        return Err(DurationError(format!(
            "'{text}' is zero: a credential must live at least one second"
        )));
    }
    if total > MAX_LIFETIME_SECS {
        return Err(DurationError(format!(
            "'{text}' is {total} seconds, more than the ten years this tool allows; \
             if you meant milliseconds, divide by 1000"
        )));
    }
    Ok(total)
}

/// Formats a whole number of seconds compactly: `1h`, `10m`, `1h 30m`, `1d 2h 3m 4s`.
pub fn format_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut parts = Vec::with_capacity(4);
    let mut rest = secs;
    for (unit, name) in [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")] {
        let n = rest / unit;
        rest %= unit;
        if n > 0 {
            parts.push(format!("{n}{name}"));
        }
    }
    parts.join(" ")
}

/// How an expiry instant relates to now, in words a user reads at a glance.
pub fn describe_expiry(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = expires_at.signed_duration_since(now).num_seconds();
    if delta > 0 {
        format!("expires in {}", format_duration(delta.unsigned_abs()))
    } else if delta == 0 {
        "expires now".to_owned()
    } else {
        format!("expired {} ago", format_duration(delta.unsigned_abs()))
    }
}

/// The `created` stamp of a legacy ticket: `YYYY-MM-DDTHH:MM:SSZ`, whole seconds, UTC.
pub fn ticket_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The latest instant a credential can carry, 9999-12-31T23:59:59Z, in Unix seconds: the last
/// second that RFC 3339 (and so a ticket's `created`) can write. The generator makes nothing
/// that ends later, and the inspector flags any claim beyond it, so the two always agree.
pub const LATEST_UNIX_SECS: i64 = 253_402_300_799;

/// Why an instant, or an instant plus a lifetime, cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstantError(String);

impl std::fmt::Display for InstantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InstantError {}

/// Whether `secs` since 1970 lies in the range a credential's times may take: from 1970 to
/// [`LATEST_UNIX_SECS`].
pub fn in_range(secs: i64) -> bool {
    (0..=LATEST_UNIX_SECS).contains(&secs)
}

/// When a credential issued at `issued` and valid for `lifetime_secs` expires: the one check
/// both faces make before generating, with the same limits the inspector applies.
pub fn expiry(issued: DateTime<Utc>, lifetime_secs: u64) -> Result<DateTime<Utc>, InstantError> {
    if !in_range(issued.timestamp()) {
        return Err(InstantError(format!(
            "the issue time {} is outside the years 1970 to 9999",
            ticket_timestamp(issued)
        )));
    }
    if lifetime_secs == 0 || lifetime_secs > MAX_LIFETIME_SECS {
        return Err(InstantError(format!(
            "a lifetime of {lifetime_secs} s is outside 1 s to ten years"
        )));
    }
    let end = issued.timestamp().saturating_add_unsigned(lifetime_secs);
    match DateTime::from_timestamp(end, 0).filter(|_| in_range(end)) {
        Some(at) => Ok(at),
        None => Err(InstantError(format!(
            "issued at {} and valid for {}, it would expire after 9999-12-31T23:59:59Z, later \
             than a credential can say: issue it earlier or make it shorter",
            ticket_timestamp(issued),
            format_duration(lifetime_secs)
        ))),
    }
}

/// Reads a `--created` / `--issued-at` value: RFC 3339 with a zone (`Z` or an offset), whole
/// seconds, between 1970 and 9999.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, InstantError> {
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
        InstantError(format!(
            "'{text}' is not an RFC 3339 time: write it like 2026-01-02T03:04:05Z"
        ))
    })?;
    let at = parsed.with_timezone(&Utc);
    if at.timestamp_subsec_nanos() >= 1_000_000_000 {
        // chrono keeps a leap second as a second of 1000 to 1999 ms.
        return Err(InstantError(format!(
            "'{text}' is a leap second (:60), which Unix time cannot hold: use :59 or the \
             next minute's :00"
        )));
    }
    if at.timestamp_subsec_nanos() != 0 {
        return Err(InstantError(format!(
            "'{text}' has a fraction of a second: Sinch credentials use whole seconds"
        )));
    }
    if !in_range(at.timestamp()) {
        return Err(InstantError(format!(
            "'{text}' is outside the years 1970 to 9999"
        )));
    }
    Ok(at)
}

/// Reads a `created` value as any Sinch generator writes it: RFC 3339 with `Z` or an offset
/// and any fraction, or a plain `YYYY-MM-DDTHH:MM:SS[.fraction]` with no zone, meaning UTC.
pub fn parse_generator_timestamp(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| Utc.from_utc_datetime(&naive))
}

/// `at` without its fraction of a second: what a credential is stamped with.
pub fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

/// The current time in whole seconds: what a freshly made credential is stamped with.
pub fn now_whole_seconds() -> DateTime<Utc> {
    whole_seconds(Utc::now())
}

/// An instant as both faces show it: in UTC, and in the local time zone of this machine.
pub fn both_zones(at: DateTime<Utc>) -> String {
    format!(
        "{} (local {})",
        at.format("%Y-%m-%d %H:%M:%S UTC"),
        at.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S %:z")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_and_units() {
        assert_eq!(parse_duration("3600"), Ok(3600));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("10m"), Ok(600));
        assert_eq!(parse_duration("1h"), Ok(3600));
        assert_eq!(parse_duration("1d"), Ok(86_400));
        assert_eq!(parse_duration(" 1h30m "), Ok(5400));
        assert_eq!(parse_duration("1H"), Ok(3600));
        assert_eq!(parse_duration("1d2h3m4s"), Ok(93_784));
    }

    #[test]
    fn loose_durations_are_refused_not_guessed() {
        for (text, says) in [
            ("1h30", "'30' at the end has no unit"),
            ("1h1h", "each unit once"),
            ("30m1h", "largest first"),
            ("1s1s", "each unit once"),
        ] {
            let err = parse_duration(text).unwrap_err().to_string();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn explains_bad_durations() {
        assert!(
            parse_duration("")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            parse_duration("1y")
                .unwrap_err()
                .to_string()
                .contains("'y' is not a unit")
        );
        assert!(
            parse_duration("h")
                .unwrap_err()
                .to_string()
                .contains("needs a number")
        );
        assert!(
            parse_duration("0")
                .unwrap_err()
                .to_string()
                .contains("zero")
        );
        assert!(
            parse_duration("-5")
                .unwrap_err()
                .to_string()
                .contains("not a unit")
        );
        let absurd = parse_duration("1700000000000").unwrap_err().to_string();
        assert!(absurd.contains("milliseconds"), "{absurd}");
        let overflow = parse_duration("99999999999999999999999d").unwrap_err();
        assert!(overflow.to_string().contains("too long"));
    }

    #[test]
    fn formats_durations_and_expiry() {
        assert_eq!(format_duration(5400), "1h 30m");
        assert_eq!(format_duration(90_061), "1d 1h 1m 1s");
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let later = DateTime::from_timestamp(1_000_090, 0).unwrap();
        assert_eq!(describe_expiry(later, now), "expires in 1m 30s");
        assert_eq!(describe_expiry(now, later), "expired 1m 30s ago");
    }

    #[test]
    fn expiry_stays_inside_the_range_the_inspector_accepts() {
        let at = |t: &str| parse_instant(t).unwrap();
        assert_eq!(
            expiry(at("2026-01-02T03:04:05Z"), 3600),
            Ok(at("2026-01-02T04:04:05Z"))
        );
        assert_eq!(
            expiry(at("9999-12-31T22:59:59Z"), 3600).map(|t| t.timestamp()),
            Ok(LATEST_UNIX_SECS)
        );
        let late = expiry(at("9999-12-31T23:59:59Z"), 60).unwrap_err();
        assert!(late.to_string().contains("after 9999-12-31"), "{late}");
        assert!(expiry(at("2026-01-02T03:04:05Z"), MAX_LIFETIME_SECS + 1).is_err());
        assert!(expiry(at("2026-01-02T03:04:05Z"), 0).is_err());
    }

    #[test]
    fn reads_every_generator_timestamp() {
        let expect = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").unwrap();
        for text in [
            "2026-01-02T03:04:05Z",
            "2026-01-02T03:04:05.000Z",
            "2026-01-02T04:04:05+01:00",
            "2026-01-02T03:04:05",
        ] {
            assert_eq!(
                parse_generator_timestamp(text),
                Some(expect.into()),
                "{text}"
            );
        }
        let fractional = parse_generator_timestamp("2026-01-02T03:04:05.1234567Z").unwrap();
        assert_eq!(fractional.timestamp(), expect.timestamp());
        assert!(parse_generator_timestamp("2026-01-02T03:04:05.123456").is_some());
        assert_eq!(parse_generator_timestamp("yesterday"), None);
    }

    #[test]
    fn reads_created_arguments_strictly() {
        let at = parse_instant("2026-01-02T04:04:05+01:00").unwrap();
        assert_eq!(ticket_timestamp(at), "2026-01-02T03:04:05Z");
        assert!(
            parse_instant("2026-01-02")
                .unwrap_err()
                .to_string()
                .contains("RFC 3339")
        );
        assert!(
            parse_instant("2026-01-02T03:04:05.5Z")
                .unwrap_err()
                .to_string()
                .contains("fraction")
        );
        let leap = parse_instant("2016-12-31T23:59:60Z")
            .unwrap_err()
            .to_string();
        assert!(
            leap.contains("leap second") && !leap.contains("fraction"),
            "{leap}"
        );
        assert!(
            parse_instant("1969-01-02T03:04:05Z")
                .unwrap_err()
                .to_string()
                .contains("1970")
        );
    }
}
