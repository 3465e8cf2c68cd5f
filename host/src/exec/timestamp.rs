//! Timestamps in requests: read from what the user wrote the way botocore
//! reads them (ISO 8601 with or without a zone, a date alone, or seconds
//! since 1970; no zone means UTC), written in the format the protocol or the
//! member asks for. Responses keep timestamps exactly as they came over the
//! wire, as the AWS CLI v1 prints them (`cli_timestamp_format = wire`), so
//! nothing here parses responses.

use serde_json::Value;

/// A moment: seconds since 1970 and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub secs: i64,
    pub nanos: u32,
}

/// The wire formats of the models (`timestampFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `2026-11-25T22:01:49Z`, with `.ffffffZ` when there are fractions.
    Iso8601,
    /// Whole seconds since 1970, as botocore sends them.
    Unix,
    /// `Wed, 25 Nov 2026 22:01:49 GMT`.
    Rfc822,
}

impl Format {
    /// The member's `timestampFormat`, or `default`.
    pub fn from_model(name: Option<&str>, default: Format) -> Format {
        match name {
            Some("iso8601") => Format::Iso8601,
            Some("unixTimestamp") => Format::Unix,
            Some("rfc822") => Format::Rfc822,
            _ => default,
        }
    }
}

/// Reads a parameter value as a moment.
pub fn read(value: &Value) -> Result<Moment, String> {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map(from_f64)
            .ok_or_else(|| format!("`{n}` is not a timestamp")),
        Value::String(text) => parse(text.trim()),
        other => Err(format!("`{other}` is not a timestamp")),
    }
}

fn from_f64(secs: f64) -> Moment {
    let whole = secs.floor();
    Moment {
        secs: whole as i64,
        nanos: ((secs - whole) * 1e9).round().min(999_999_999.0) as u32,
    }
}

/// HTTP dates as S3 sends them in headers: `Thu, 26 Nov 2026 02:47:52 GMT`.
fn parse_rfc822(text: &str) -> Option<Moment> {
    let (_, rest) = text.split_once(", ")?;
    let mut words = rest.split_whitespace();
    let day: i64 = words.next()?.parse().ok()?;
    let month = match words.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = words.next()?.parse().ok()?;
    let mut time = words.next()?.split(':');
    let (h, m, sec): (i64, i64, i64) = (
        time.next()?.parse().ok()?,
        time.next()?.parse().ok()?,
        time.next()?.parse().ok()?,
    );
    if !matches!(words.next(), Some("GMT" | "UTC" | "+0000") | None)
        || day < 1
        || day > days_in_month(year, month)
        || h > 23
        || m > 59
        || sec > 60
    {
        return None;
    }
    Some(Moment {
        secs: days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + sec,
        nanos: 0,
    })
}

/// Parses ISO 8601 (`2026-11-25`, `2026-11-25T22:01:49.5+02:00`, a space
/// for the `T`, `Z` or an offset or nothing) or seconds since 1970.
pub fn parse(text: &str) -> Result<Moment, String> {
    let bad = || {
        format!(
            "`{text}` is not a timestamp: write ISO 8601 such as `2026-01-31T12:00:00Z`, or seconds since 1970"
        )
    };
    if let Ok(secs) = text.parse::<f64>()
        && secs.is_finite()
    {
        return Ok(from_f64(secs));
    }
    if let Some(moment) = parse_rfc822(text) {
        return Ok(moment);
    }
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let (year, month, day) = (
        num(0..4).ok_or_else(bad)?,
        num(5..7).ok_or_else(bad)?,
        num(8..10).ok_or_else(bad)?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad());
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut nanos = 0u32;
    let mut rest = &text[10..];
    if let Some(time) = rest.strip_prefix(['T', 't', ' ']) {
        let tb = time.as_bytes();
        if tb.len() < 5 || tb[2] != b':' {
            return Err(bad());
        }
        let hour: i64 = time[0..2].parse().map_err(|_| bad())?;
        let minute: i64 = time[3..5].parse().map_err(|_| bad())?;
        let mut used = 5;
        let mut second = 0i64;
        if tb.get(5) == Some(&b':') {
            second = time
                .get(6..8)
                .and_then(|s| s.parse().ok())
                .ok_or_else(bad)?;
            used = 8;
            if tb.get(8) == Some(&b'.') || tb.get(8) == Some(&b',') {
                let digits: String = time[9..].chars().take_while(char::is_ascii_digit).collect();
                if digits.is_empty() {
                    return Err(bad());
                }
                used = 9 + digits.len();
                let mut padded = digits.chars().take(9).collect::<String>();
                while padded.len() < 9 {
                    padded.push('0');
                }
                nanos = padded.parse().map_err(|_| bad())?;
            }
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(bad());
        }
        secs += hour * 3600 + minute * 60 + second;
        rest = &time[used..];
    }
    match rest {
        "" | "Z" | "z" => {}
        zone if zone.starts_with(['+', '-']) => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 && digits.len() != 2 {
                return Err(bad());
            }
            let hours: i64 = digits[0..2].parse().map_err(|_| bad())?;
            let minutes: i64 = digits
                .get(2..4)
                .map_or(Ok(0), str::parse)
                .map_err(|_| bad())?;
            secs -= sign * (hours * 3600 + minutes * 60);
        }
        _ => return Err(bad()),
    }
    Ok(Moment { secs, nanos })
}

/// Writes `moment` in `format` as botocore does.
pub fn write(moment: Moment, format: Format) -> Value {
    match format {
        Format::Unix => Value::from(moment.secs),
        Format::Iso8601 => Value::String(iso8601(moment)),
        Format::Rfc822 => Value::String(rfc822(moment)),
    }
}

/// `2026-11-25T22:01:49Z`, or `2026-11-25T22:01:49.500000Z` (botocore's
/// `%Y-%m-%dT%H:%M:%S.%fZ` when there are microseconds).
pub fn iso8601(moment: Moment) -> String {
    let (y, mo, d, h, mi, s) = civil(moment.secs);
    let micros = moment.nanos / 1000;
    if micros > 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{micros:06}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// `Wed, 25 Nov 2026 22:01:49 GMT`.
pub fn rfc822(moment: Moment) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, mo, d, h, mi, s) = civil(moment.secs);
    let weekday = DAYS[moment.secs.div_euclid(86_400).rem_euclid(7) as usize];
    format!(
        "{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
        MONTHS[(mo - 1) as usize]
    )
}

/// The AMZ date of SigV4 and of S3's `x-amz-date`: `20261125T220149Z`.
pub fn civil(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_botocore_reads() {
        let at = |t: &str| parse(t).unwrap();
        assert_eq!(at("2026-11-25T22:01:49Z").secs, 1_795_644_109);
        assert_eq!(at("2026-11-25 22:01:49").secs, 1_795_644_109);
        assert_eq!(at("2026-11-26T00:01:49+02:00").secs, 1_795_644_109);
        assert_eq!(at("2026-11-25").secs, 1_795_564_800);
        assert_eq!(at("1795644109").secs, 1_795_644_109);
        assert_eq!(at("2026-11-25T22:01:49.25Z").nanos, 250_000_000);
        assert!(parse("yesterday").is_err());
        assert!(parse("2026-02-30").is_err());
        assert!(parse("2026-11-25T22:01:49Q").is_err());
        // HTTP dates, as S3 headers carry them.
        assert_eq!(at("Wed, 25 Nov 2026 22:01:49 GMT").secs, 1_795_644_109);
        assert!(parse("Wed, 31 Nov 2026 22:01:49 GMT").is_err());
    }

    #[test]
    fn writes_botocore_formats() {
        let m = parse("2026-11-25T22:01:49Z").unwrap();
        assert_eq!(iso8601(m), "2026-11-25T22:01:49Z");
        assert_eq!(rfc822(m), "Wed, 25 Nov 2026 22:01:49 GMT");
        assert_eq!(write(m, Format::Unix), Value::from(1_795_644_109));
        let f = parse("2026-11-25T22:01:49.5Z").unwrap();
        assert_eq!(iso8601(f), "2026-11-25T22:01:49.500000Z");
        assert_eq!(
            iso8601(parse("1969-12-31T23:59:59Z").unwrap()),
            "1969-12-31T23:59:59Z"
        );
    }
}
