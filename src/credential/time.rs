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
/// or numbers with units `s`, `m`, `h`, `d`, which may be combined (`1h30m`). The result is
/// between 1 second and [`MAX_LIFETIME_SECS`].
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    let text = text.trim();
    let help = "write seconds (3600) or a number with a unit: 90s, 10m, 1h, 1d (combinations like 1h30m work too)";
    if text.is_empty() {
        return Err(DurationError(format!("the duration is empty: {help}")));
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut saw_unit_last = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            saw_unit_last = false;
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
        total = add_part(total, &digits, unit, text)?;
        digits.clear();
        saw_unit_last = true;
    }
    if !saw_unit_last {
        total = add_part(total, &digits, 1, text)?;
    }
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

/// Reads a `--created` / `--issued-at` value: RFC 3339 with a zone (`Z` or an offset), whole
/// seconds, between 1970 and 9999.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, DurationError> {
    let text = text.trim();
    let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
        DurationError(format!(
            "'{text}' is not an RFC 3339 time: write it like 2026-01-02T03:04:05Z"
        ))
    })?;
    let at = parsed.with_timezone(&Utc);
    if at.timestamp_subsec_nanos() != 0 {
        return Err(DurationError(format!(
            "'{text}' has a fraction of a second: Sinch credentials use whole seconds"
        )));
    }
    if at.timestamp() < 0 || at.format("%Y").to_string().len() != 4 {
        return Err(DurationError(format!(
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

/// The current time in whole seconds: what a freshly made credential is stamped with.
pub fn now_whole_seconds() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
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
        assert!(
            parse_instant("1969-01-02T03:04:05Z")
                .unwrap_err()
                .to_string()
                .contains("1970")
        );
    }
}
