//! INTERVAL: months, days and a time part, each with its own sign.
//!
//! BigQuery keeps an INTERVAL as three independent parts: a number of months
//! (years × 12 + months), a number of days, and a time part. The parts are not
//! normalised against each other: `0-0 30 0:0:0` (30 days) and `0-1 0 0:0:0`
//! (one month) are different values, and so are `0-0 1 0:0:0` and
//! `0-0 0 24:0:0`. [`Interval`] keeps them apart the same way.
//!
//! # Ranges and precision
//!
//! From BigQuery's data type reference (Interval type):
//! `-10000-0 -3660000 -87840000:0:0` to `10000-0 3660000 87840000:0:0`, that
//! is months within ±120 000, days within ±3 660 000 and the time part within
//! ±87 840 000 hours. The time part has microsecond precision ("up to six
//! fractional digits"). The time part is held in nanoseconds (`i128`) because
//! Arrow's month-day-nano type counts nanoseconds, but it is always a whole
//! number of microseconds: a value with a sub-microsecond remainder is an
//! error, never truncated.
//!
//! # Text forms
//!
//! [`Interval::parse`] accepts the forms BigQuery's `CAST(STRING AS INTERVAL)`
//! accepts (the grammar of ZetaSQL's `IntervalValue::Parse`):
//!
//! | form | example | parts |
//! | --- | --- | --- |
//! | `Y-M D H:M:S[.F]` | `1-2 3 4:5:6.789` | all (canonical) |
//! | `Y-M D H:M` | `1-2 3 4:5` | |
//! | `Y-M D H` | `1-2 3 4` | |
//! | `Y-M D` | `1-2 3` | |
//! | `Y-M` | `1-2` | |
//! | `M D H:M:S[.F]` | `1 2 3:4:5` | months, not years |
//! | `M D H:M` | `1 2 3:4` | |
//! | `M D H` | `1 2 3` | |
//! | `D H:M:S[.F]` | `1 2:3:4` | |
//! | `D H:M` | `1 2:3` | |
//! | `H:M:S[.F]` | `10:20:30.52` | |
//! | ISO 8601 duration | `P1Y2M3DT4H5M6.5S` | |
//!
//! In the text forms a sign (`-` or `+`) may precede the `Y-M` (or `M`) group,
//! the day number, and the `H:M:S` group; each sign applies to its whole group
//! (`-1-2` is −14 months, `-4:5:6` is −(4 h 5 min 6 s)). Every number is a
//! run of ASCII digits of any length; components are not limited to their
//! clock range (`0-13` is 13 months, `100:100:100` is 101:41:40), only the
//! three totals are range-checked. Fields are separated by exactly one space;
//! leading or trailing whitespace is rejected, as BigQuery does. `D H` and
//! `H:M` alone are ambiguous (`M D` or `D H`, `H:M` or `M:S`) and rejected.
//!
//! The ISO 8601 form follows BigQuery's extended reading: each number may
//! carry its own `-` sign (`P-1Y2M`, `PT-5H`), designators may repeat and come
//! in any order (their values add up: `P1Y-1M` is 11 months), `W` (weeks of 7
//! days) is allowed in the date part, only seconds may have a fraction, written
//! with `.` or `,`. `PT` alone is the zero interval, as in BigQuery; `P` alone
//! is an error. Designator letters are upper case only.
//!
//! Seconds fractions may have 1 to 9 digits (the grammar's limit), but digits
//! after the sixth must be zeros: `0:0:0.000001` is accepted,
//! `0:0:0.0000001` is an error (BigQuery INTERVAL has microsecond precision).
//!
//! # Output
//!
//! [`Display`](fmt::Display) writes BigQuery's canonical text (the form
//! `CAST(INTERVAL AS STRING)` prints): `[-]Y-M [-]D [-]H:M:S[.F]`, numbers
//! without zero padding, the fraction omitted when zero and otherwise printed
//! with 3 or 6 digits (`0-0 0 0:0:1.500`, `0-0 0 0:0:0.000001`).
//! [`Interval::to_iso8601`] writes the ISO 8601 form BigQuery's `ToISO8601`
//! writes (`P1Y2M3DT4H5M6.789S`, each component signed, `P0Y` for zero).

use super::Input;
use crate::error::ValueError;
use std::fmt;
use std::str::FromStr;

/// What [`Interval::parse`] accepts, for error messages.
const EXPECTED: &str = "INTERVAL (\"Y-M D H:M:S[.F]\" or one of its partial forms such as \
                        \"Y-M\", \"Y-M D\", \"D H:M:S\", \"H:M:S\", or an ISO 8601 duration \
                        \"P1Y2M3DT4H5M6.5S\")";
/// The accepted range, for error messages.
const RANGE: &str =
    "INTERVAL within -10000-0 -3660000 -87840000:0:0 to 10000-0 3660000 87840000:0:0";
/// The precision rule, for error messages.
const PRECISION: &str =
    "INTERVAL with at most microsecond precision (fraction digits after the sixth must be 0)";

/// The largest number of months: 10 000 years.
///
/// # Examples
///
/// ```
/// use bqcodec::value::interval::{Interval, MAX_MONTHS};
///
/// assert_eq!(MAX_MONTHS, 10_000 * 12);
/// assert!(Interval::new(MAX_MONTHS + 1, 0, 0).unwrap_err().is_out_of_range());
/// ```
pub const MAX_MONTHS: i32 = 120_000;
/// The largest number of days.
///
/// # Examples
///
/// ```
/// use bqcodec::value::interval::{Interval, MAX_DAYS};
///
/// assert!(Interval::new(0, -MAX_DAYS, 0).is_ok());
/// assert!(Interval::new(0, MAX_DAYS + 1, 0).unwrap_err().is_out_of_range());
/// ```
pub const MAX_DAYS: i32 = 3_660_000;

const NANOS_PER_MICRO: i128 = 1_000;
const NANOS_PER_SECOND: i128 = 1_000_000_000;
const NANOS_PER_MINUTE: i128 = 60 * NANOS_PER_SECOND;
const NANOS_PER_HOUR: i128 = 60 * NANOS_PER_MINUTE;
/// The largest time part: 87 840 000 hours, in nanoseconds.
///
/// # Examples
///
/// ```
/// use bqcodec::value::interval::{Interval, MAX_NANOS};
///
/// assert_eq!(Interval::new(0, 0, MAX_NANOS)?.to_string(), "0-0 0 87840000:0:0");
/// assert!(Interval::new(0, 0, MAX_NANOS + 1_000).unwrap_err().is_out_of_range());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub const MAX_NANOS: i128 = 87_840_000 * NANOS_PER_HOUR;

/// An INTERVAL: (months, days, nanoseconds), each part signed independently.
///
/// Invariants (checked by every constructor): `|months| ≤ 120 000`,
/// `|days| ≤ 3 660 000`, `|nanos| ≤ 87 840 000 h`, and `nanos` is a whole
/// number of microseconds.
///
/// Equality and hashing compare the three parts as stored: one month and 30
/// days are different values here (BigQuery's `=` operator would call them
/// equal, but it stores and prints them differently).
///
/// # Examples
///
/// This also shows [`ZERO`](Self::ZERO), [`months`](Self::months),
/// [`days`](Self::days) and [`nanos`](Self::nanos).
///
/// ```
/// use bqcodec::value::interval::Interval;
///
/// let i: Interval = "1-2 3 4:05:06.5".parse()?;
/// assert_eq!((i.months(), i.days(), i.nanos()), (14, 3, 14_706_500_000_000));
/// assert_eq!(i.to_string(), "1-2 3 4:5:6.500"); // whole milliseconds: 3 fraction digits
/// assert_eq!(Interval::ZERO.to_string(), "0-0 0 0:0:0");
/// // Parts are kept apart: one month is not 30 days.
/// assert_ne!(Interval::new(1, 0, 0)?, Interval::new(0, 30, 0)?);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interval {
    months: i32,
    days: i32,
    nanos: i128,
}

/// Why a text did not parse; turned into a [`ValueError`] with the whole input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    Syntax,
    Range,
    Precision,
}

impl Bad {
    fn into_error(self, text: &str) -> ValueError {
        match self {
            Bad::Syntax => ValueError::invalid(EXPECTED, text),
            Bad::Range => ValueError::out_of_range(RANGE, text),
            Bad::Precision => ValueError::invalid(PRECISION, text),
        }
    }
}

impl Interval {
    /// The zero interval, `0-0 0 0:0:0`.
    pub const ZERO: Interval = Interval {
        months: 0,
        days: 0,
        nanos: 0,
    };

    /// From its parts; range-checked.
    ///
    /// Rejects months outside ±120 000, days outside ±3 660 000, a time part
    /// outside ±87 840 000 hours (all out-of-range errors), and a time part
    /// that is not a whole number of microseconds (BigQuery's precision).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::interval::Interval;
    ///
    /// assert_eq!(Interval::new(-13, 2, -1_000)?.to_string(), "-1-1 2 -0:0:0.000001");
    /// assert_eq!(Interval::new(0, 0, 1).unwrap_err().to_string(),
    ///     r#"expected INTERVAL with at most microsecond precision (fraction digits after the sixth must be 0), found "months 0, days 0, nanoseconds 1""#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(months: i32, days: i32, nanos: i128) -> Result<Self, ValueError> {
        let found = || format!("months {months}, days {days}, nanoseconds {nanos}");
        if !(-MAX_MONTHS..=MAX_MONTHS).contains(&months)
            || !(-MAX_DAYS..=MAX_DAYS).contains(&days)
            || !(-MAX_NANOS..=MAX_NANOS).contains(&nanos)
        {
            return Err(ValueError::out_of_range(RANGE, &found()));
        }
        if nanos % NANOS_PER_MICRO != 0 {
            return Err(ValueError::invalid(PRECISION, &found()));
        }
        Ok(Interval {
            months,
            days,
            nanos,
        })
    }

    /// Months (years × 12 + months).
    pub fn months(self) -> i32 {
        self.months
    }

    /// Days.
    pub fn days(self) -> i32 {
        self.days
    }

    /// The time part in nanoseconds (always a multiple of 1 000).
    pub fn nanos(self) -> i128 {
        self.nanos
    }

    /// Parses a JSON string holding one of the text forms in the
    /// [module documentation](self): the canonical form "[-]Y-M [-]D [-]H:M:S[.F]",
    /// its partial forms, or an ISO 8601 duration "P…".
    ///
    /// Rejects every other JSON kind (numbers included: a bare number has no
    /// unit), text that matches no form, values out of range, and fractions
    /// finer than a microsecond.
    ///
    /// ```
    /// use bqcodec::value::{Input, interval::Interval};
    /// let i = Interval::parse(Input::Str("-0-2 -3 10:20:30"))?;
    /// assert_eq!((i.months(), i.days()), (-2, -3));
    /// assert_eq!(i.to_string(), "-0-2 -3 10:20:30");
    /// assert_eq!(Interval::parse(Input::Str("PT-5H"))?.to_string(), "0-0 0 -5:0:0");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => text.parse(),
            other => Err(ValueError::wrong_kind(EXPECTED, other.kind())),
        }
    }

    /// Arrow's month-day-nano; an error when the time part exceeds i64 nanoseconds.
    ///
    /// An `i64` holds about ±2 562 047 hours of nanoseconds, a small part of
    /// BigQuery's ±87 840 000 hours; larger time parts are an out-of-range
    /// error rather than a wrapped or clamped value.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::interval::Interval;
    ///
    /// assert_eq!("0-1 2 0:0:1".parse::<Interval>()?.to_month_day_nano()?, (1, 2, 1_000_000_000));
    /// // 87 840 000 hours of nanoseconds do not fit an i64: an error, not a wrap.
    /// assert!("0-0 0 87840000:0:0".parse::<Interval>()?.to_month_day_nano().unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_month_day_nano(self) -> Result<(i32, i32, i64), ValueError> {
        let nanos = i64::try_from(self.nanos).map_err(|_| {
            ValueError::out_of_range(
                "an INTERVAL whose time part fits Arrow's month-day-nano \
                 (±9223372036.854775807 seconds)",
                &self.to_string(),
            )
        })?;
        Ok((self.months, self.days, nanos))
    }

    /// From Arrow's month-day-nano; range-checked like [`Interval::new`]
    /// (sub-microsecond nanoseconds are an error).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::interval::Interval;
    ///
    /// assert_eq!(Interval::from_month_day_nano(1, 2, 1_000_000_000)?.to_string(), "0-1 2 0:0:1");
    /// assert!(Interval::from_month_day_nano(0, 0, 999).is_err()); // sub-microsecond
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_month_day_nano(months: i32, days: i32, nanos: i64) -> Result<Self, ValueError> {
        Interval::new(months, days, nanos.into())
    }

    /// ISO 8601 duration text ("P1Y2M3DT4H5M6.5S"), as BigQuery writes it.
    ///
    /// Years and months are split from the month count, hours, minutes and
    /// seconds from the time part, each keeping the sign of its part
    /// (`-0-2 3 -4:0:0` is `P-2M3DT-4H`); zero components are left out, and
    /// the zero interval is `P0Y`. The fraction of a second is written
    /// without trailing zeros. [`Interval::parse`] reads the result back to
    /// the same value.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::interval::Interval;
    ///
    /// assert_eq!("1-2 3 4:5:6.5".parse::<Interval>()?.to_iso8601(), "P1Y2M3DT4H5M6.5S");
    /// assert_eq!("-0-2 3 -4:0:0".parse::<Interval>()?.to_iso8601(), "P-2M3DT-4H");
    /// assert_eq!(Interval::ZERO.to_iso8601(), "P0Y");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_iso8601(self) -> String {
        use std::fmt::Write as _;
        let mut out = String::from("P");
        // Writing to a String cannot fail.
        let years = self.months / 12;
        let months = self.months % 12;
        if years != 0 {
            let _ = write!(out, "{years}Y");
        }
        if months != 0 {
            let _ = write!(out, "{months}M");
        }
        if self.days != 0 {
            let _ = write!(out, "{}D", self.days);
        }
        let total = self.nanos;
        if total != 0 {
            out.push('T');
            let hours = total / NANOS_PER_HOUR;
            let minutes = (total % NANOS_PER_HOUR) / NANOS_PER_MINUTE;
            let seconds = (total % NANOS_PER_MINUTE) / NANOS_PER_SECOND;
            let fraction = total % NANOS_PER_SECOND;
            if hours != 0 {
                let _ = write!(out, "{hours}H");
            }
            if minutes != 0 {
                let _ = write!(out, "{minutes}M");
            }
            if fraction == 0 {
                if seconds != 0 {
                    let _ = write!(out, "{seconds}S");
                }
            } else {
                if seconds != 0 {
                    let _ = write!(out, "{seconds}");
                } else if total < 0 {
                    out.push_str("-0");
                } else {
                    out.push('0');
                }
                let digits = format!("{:09}", fraction.unsigned_abs());
                out.push('.');
                out.push_str(digits.trim_end_matches('0'));
                out.push('S');
            }
        }
        if out.len() == 1 {
            out.push_str("0Y");
        }
        out
    }

    /// Parses text into a value (the body of [`FromStr`]).
    fn parse_text(text: &str) -> Result<Self, Bad> {
        let parts = if let Some(rest) = text.strip_prefix('P') {
            parse_iso8601(rest)?
        } else {
            parse_canonical(text)?
        };
        parts.into_interval()
    }
}

impl FromStr for Interval {
    type Err = ValueError;

    /// The text forms of [`Interval::parse`].
    fn from_str(text: &str) -> Result<Self, ValueError> {
        Interval::parse_text(text).map_err(|bad| bad.into_error(text))
    }
}

impl fmt::Display for Interval {
    /// Canonical "Y-M D H:M:S[.F]": BigQuery's `CAST(INTERVAL AS STRING)` text.
    ///
    /// The month part and the time part carry one leading `-` each when
    /// negative; the fraction is printed only when non-zero, with 3 digits
    /// when it is whole milliseconds and 6 otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month_sign = if self.months < 0 { "-" } else { "" };
        let months = self.months.unsigned_abs();
        let time_sign = if self.nanos < 0 { "-" } else { "" };
        let nanos = self.nanos.unsigned_abs();
        let (nanos_per_hour, nanos_per_minute, nanos_per_second) = (
            NANOS_PER_HOUR.unsigned_abs(),
            NANOS_PER_MINUTE.unsigned_abs(),
            NANOS_PER_SECOND.unsigned_abs(),
        );
        write!(
            f,
            "{month_sign}{}-{} {} {time_sign}{}:{}:{}",
            months / 12,
            months % 12,
            self.days,
            nanos / nanos_per_hour,
            nanos % nanos_per_hour / nanos_per_minute,
            nanos % nanos_per_minute / nanos_per_second,
        )?;
        let fraction = nanos % nanos_per_second;
        if fraction != 0 {
            let micros = fraction / NANOS_PER_MICRO.unsigned_abs();
            if micros.is_multiple_of(1000) {
                write!(f, ".{:03}", micros / 1000)?;
            } else {
                write!(f, ".{micros:06}")?;
            }
        }
        Ok(())
    }
}

impl TryFrom<Interval> for prost_types::Duration {
    type Error = ValueError;

    /// Exact only for a pure time span: an interval with months or days is an
    /// error, because a month or a day has no fixed length in BigQuery's
    /// INTERVAL (a month is not 30 days, a day is not always 24 hours).
    fn try_from(value: Interval) -> Result<Self, ValueError> {
        if value.months != 0 || value.days != 0 {
            return Err(ValueError::invalid(
                "an INTERVAL with only a time part (months and days 0) to convert to a \
                 protobuf Duration",
                &value.to_string(),
            ));
        }
        // |nanos| ≤ 3.2e20, so the seconds fit i64 and the remainder fits i32;
        // both keep the sign of the total, as Duration requires.
        let seconds = i64::try_from(value.nanos / NANOS_PER_SECOND);
        let nanos = i32::try_from(value.nanos % NANOS_PER_SECOND);
        match (seconds, nanos) {
            (Ok(seconds), Ok(nanos)) => Ok(prost_types::Duration { seconds, nanos }),
            _ => Err(ValueError::out_of_range(RANGE, &value.to_string())),
        }
    }
}

impl TryFrom<prost_types::Duration> for Interval {
    type Error = ValueError;

    /// A protobuf Duration as a time-only interval. Rejects a Duration that
    /// is not normalised (`|nanos| ≥ 10⁹`, or seconds and nanos of opposite
    /// signs), one beyond ±87 840 000 hours, and one with sub-microsecond
    /// nanoseconds.
    fn try_from(value: prost_types::Duration) -> Result<Self, ValueError> {
        let found = || {
            format!(
                "Duration {{ seconds: {}, nanos: {} }}",
                value.seconds, value.nanos
            )
        };
        let nanos = i128::from(value.nanos);
        let mixed_signs =
            (value.seconds > 0 && value.nanos < 0) || (value.seconds < 0 && value.nanos > 0);
        if nanos.abs() >= NANOS_PER_SECOND || mixed_signs {
            return Err(ValueError::invalid(
                "a normalised protobuf Duration (|nanos| < 1e9, same sign as seconds)",
                &found(),
            ));
        }
        let total = i128::from(value.seconds) * NANOS_PER_SECOND + nanos;
        Interval::new(0, 0, total)
    }
}

/// The three totals as parsed, before the range check.
#[derive(Debug, Default)]
struct Parts {
    months: i128,
    days: i128,
    nanos: i128,
}

impl Parts {
    fn into_interval(self) -> Result<Interval, Bad> {
        let months = i32::try_from(self.months)
            .ok()
            .filter(|m| (-MAX_MONTHS..=MAX_MONTHS).contains(m));
        let days = i32::try_from(self.days)
            .ok()
            .filter(|d| (-MAX_DAYS..=MAX_DAYS).contains(d));
        match (months, days) {
            (Some(months), Some(days)) if (-MAX_NANOS..=MAX_NANOS).contains(&self.nanos) => {
                Ok(Interval {
                    months,
                    days,
                    nanos: self.nanos,
                })
            }
            _ => Err(Bad::Range),
        }
    }
}

/// A run of ASCII digits (at least one) as a number; [`Bad::Range`] when it
/// exceeds i64 (no component can be that large and stay in range).
fn digits(text: &str) -> Result<i128, Bad> {
    if text.is_empty() {
        return Err(Bad::Syntax);
    }
    let mut value: i128 = 0;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            return Err(Bad::Syntax);
        }
        value = value * 10 + i128::from(b - b'0');
        if value > i128::from(i64::MAX) {
            return Err(Bad::Range);
        }
    }
    Ok(value)
}

/// Fraction digits (1 to 9) after a decimal point, as nanoseconds.
fn fraction_nanos(text: &str) -> Result<i128, Bad> {
    if text.is_empty() || text.len() > 9 {
        return Err(Bad::Syntax);
    }
    let mut value = digits(text)?;
    if text
        .get(6..)
        .is_some_and(|sub_micro| sub_micro.bytes().any(|b| b != b'0'))
    {
        return Err(Bad::Precision);
    }
    // Scale up to nine digits.
    for _ in text.len()..9 {
        value *= 10;
    }
    Ok(value)
}

/// Splits an optional leading `+` or `-`: (negative, rest).
fn split_sign(text: &str) -> (bool, &str) {
    if let Some(rest) = text.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = text.strip_prefix('+') {
        (false, rest)
    } else {
        (false, text)
    }
}

fn negate_if(negative: bool, value: i128) -> i128 {
    if negative { -value } else { value }
}

/// `[sign]Y-M` as months.
fn year_month(field: &str) -> Result<i128, Bad> {
    let (negative, rest) = split_sign(field);
    let (years, months) = rest.split_once('-').ok_or(Bad::Syntax)?;
    let total = digits(years)? * 12 + digits(months)?;
    Ok(negate_if(negative, total))
}

/// `[sign]N`: a months or days count.
fn signed_count(field: &str) -> Result<i128, Bad> {
    let (negative, rest) = split_sign(field);
    Ok(negate_if(negative, digits(rest)?))
}

/// `[sign]H`, `[sign]H:M` or `[sign]H:M:S[.F]` (`units` = 1, 2 or 3) as nanoseconds.
fn time_part(field: &str, units: usize) -> Result<i128, Bad> {
    let (negative, rest) = split_sign(field);
    let mut numbers = rest.split(':');
    let mut total: i128 = 0;
    for (i, scale) in [NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND]
        .into_iter()
        .enumerate()
        .take(units)
    {
        let text = numbers.next().ok_or(Bad::Syntax)?;
        let is_seconds = i == 2;
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) if is_seconds => (whole, fraction_nanos(fraction)?),
            _ => (text, 0),
        };
        // Each number < 2^63 and scale ≤ 3.6e12: the sum stays far below i128::MAX.
        total += digits(whole)? * scale + fraction;
    }
    if numbers.next().is_some() {
        return Err(Bad::Syntax);
    }
    Ok(negate_if(negative, total))
}

/// The canonical form and its partial forms, told apart (as BigQuery does)
/// by the number of spaces, of colons, and of dashes that follow a digit.
fn parse_canonical(text: &str) -> Result<Parts, Bad> {
    let mut fields = [""; 3];
    let mut count = 0;
    for field in text.split(' ') {
        let slot = fields.get_mut(count).ok_or(Bad::Syntax)?;
        *slot = field;
        count += 1;
    }
    let colons = text.bytes().filter(|&b| b == b':').count();
    let dashes = text
        .as_bytes()
        .windows(2)
        .filter(|w| matches!(w, [d, b'-'] if d.is_ascii_digit()))
        .count();
    let [a, b, c] = fields;
    let mut parts = Parts::default();
    match (count, colons, dashes) {
        // Y-M D H:M:S, Y-M D H:M, Y-M D H
        (3, units @ 0..=2, 1) => {
            parts.months = year_month(a)?;
            parts.days = signed_count(b)?;
            parts.nanos = time_part(c, units + 1)?;
        }
        // Y-M D
        (2, 0, 1) => {
            parts.months = year_month(a)?;
            parts.days = signed_count(b)?;
        }
        // Y-M
        (1, 0, 1) => parts.months = year_month(a)?,
        // M D H, M D H:M, M D H:M:S
        (3, units @ 0..=2, 0) => {
            parts.months = signed_count(a)?;
            parts.days = signed_count(b)?;
            parts.nanos = time_part(c, units + 1)?;
        }
        // D H:M, D H:M:S
        (2, units @ 1..=2, 0) => {
            parts.days = signed_count(a)?;
            parts.nanos = time_part(b, units + 1)?;
        }
        // H:M:S
        (1, 2, 0) => parts.nanos = time_part(a, 3)?,
        _ => return Err(Bad::Syntax),
    }
    Ok(parts)
}

/// The ISO 8601 duration after its leading `P`, read as BigQuery reads it.
fn parse_iso8601(rest: &str) -> Result<Parts, Bad> {
    if rest.is_empty() {
        return Err(Bad::Syntax);
    }
    let bytes = rest.as_bytes();
    let mut pos = 0;
    let mut in_time = false;
    let (mut years, mut months, mut weeks, mut days) = (0_i128, 0_i128, 0_i128, 0_i128);
    let (mut hours, mut minutes, mut seconds, mut fraction) = (0_i128, 0_i128, 0_i128, 0_i128);
    while let Some(&c) = bytes.get(pos) {
        let mut negative = false;
        if !c.is_ascii_digit() {
            pos += 1;
            match c {
                b'-' => negative = true,
                b'T' if !in_time => {
                    in_time = true;
                    continue;
                }
                _ => return Err(Bad::Syntax),
            }
        }
        // A number: digits, then optionally '.' or ',' and more digits.
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        let whole = digits(rest.get(start..pos).ok_or(Bad::Syntax)?)?;
        let mut fraction_digits = None;
        if let Some(b'.' | b',') = bytes.get(pos) {
            pos += 1;
            let start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            fraction_digits = Some(rest.get(start..pos).ok_or(Bad::Syntax)?);
        }
        let designator = bytes.get(pos).copied().ok_or(Bad::Syntax)?;
        pos += 1;
        let value = negate_if(negative, whole);
        let total = match (in_time, designator) {
            (false, b'Y') => &mut years,
            (false, b'M') => &mut months,
            (false, b'W') => &mut weeks,
            (false, b'D') => &mut days,
            (true, b'H') => &mut hours,
            (true, b'M') => &mut minutes,
            (true, b'S') => &mut seconds,
            _ => return Err(Bad::Syntax),
        };
        *total = total.checked_add(value).ok_or(Bad::Range)?;
        match fraction_digits {
            None => {}
            Some(text) if designator == b'S' && in_time => {
                let nanos = negate_if(negative, fraction_nanos(text)?);
                fraction = fraction.checked_add(nanos).ok_or(Bad::Range)?;
            }
            Some(_) => return Err(Bad::Syntax),
        }
    }
    let scaled = |value: i128, factor: i128| value.checked_mul(factor).ok_or(Bad::Range);
    let add = |a: i128, b: i128| a.checked_add(b).ok_or(Bad::Range);
    Ok(Parts {
        months: add(scaled(years, 12)?, months)?,
        days: add(scaled(weeks, 7)?, days)?,
        nanos: add(
            add(
                scaled(hours, NANOS_PER_HOUR)?,
                scaled(minutes, NANOS_PER_MINUTE)?,
            )?,
            add(scaled(seconds, NANOS_PER_SECOND)?, fraction)?,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Interval, ValueError> {
        Interval::parse(Input::Str(text))
    }

    /// The canonical text of a parsed input, or the error's text.
    fn canon(text: &str) -> String {
        parse(text).map_or_else(|e| format!("error: {e}"), |v| v.to_string())
    }

    /// A valid interval (checked against `Interval::new`).
    fn iv(months: i32, days: i32, nanos: i128) -> Interval {
        let v = Interval {
            months,
            days,
            nanos,
        };
        assert_eq!(Interval::new(months, days, nanos).ok(), Some(v));
        v
    }

    /// The `expected` text of an `Invalid` error.
    fn invalid_expected(result: Result<Interval, ValueError>) -> Option<String> {
        match result {
            Err(ValueError::Invalid { expected, .. }) => Some(expected.into_owned()),
            _ => None,
        }
    }

    const H: i128 = NANOS_PER_HOUR;
    const M: i128 = NANOS_PER_MINUTE;
    const S: i128 = NANOS_PER_SECOND;

    #[test]
    fn canonical_and_partial_forms() {
        // BigQuery data types reference, "Construct an interval with a datetime
        // part range" table, and ZetaSQL interval_value_test.cc ParseFromString.
        let cases = [
            ("1-2 3 4:5:6", "1-2 3 4:5:6"),
            ("-1-2 3 4:5:6.7", "-1-2 3 4:5:6.700"),
            ("1-2 3 -4:5:6.78", "1-2 3 -4:5:6.780"),
            ("-1-2 -3 +4:5:6.78900", "-1-2 -3 4:5:6.789"),
            ("1-2 3 4:5", "1-2 3 4:5:0"),
            ("1-2 3 -4:5", "1-2 3 -4:5:0"),
            ("1-2 3 4", "1-2 3 4:0:0"),
            ("1-2 3 -4", "1-2 3 -4:0:0"),
            ("1-2 3", "1-2 3 0:0:0"),
            ("-1-2 -3", "-1-2 -3 0:0:0"),
            ("1-2", "1-2 0 0:0:0"),
            ("+1-2", "1-2 0 0:0:0"),
            ("-1-2", "-1-2 0 0:0:0"),
            ("1 2 3", "0-1 2 3:0:0"),
            ("1 -2 3", "0-1 -2 3:0:0"),
            ("-1 -2 -3", "-0-1 -2 -3:0:0"),
            ("1 2 3:4", "0-1 2 3:4:0"),
            ("1 2 -3:4", "0-1 2 -3:4:0"),
            ("1 2 3:4:5", "0-1 2 3:4:5"),
            ("1 2 -3:4:5.6", "0-1 2 -3:4:5.600"),
            ("1 2:3", "0-0 1 2:3:0"),
            ("-1 -2:3", "0-0 -1 -2:3:0"),
            ("1 2:3:4", "0-0 1 2:3:4"),
            ("-1 2:3:4.5678", "0-0 -1 2:3:4.567800"),
            ("1:2:3", "0-0 0 1:2:3"),
            ("-1:2:3", "0-0 0 -1:2:3"),
            ("-1:2:3.456", "0-0 0 -1:2:3.456"),
            // The brief's examples and BigQuery's table.
            ("10-2", "10-2 0 0:0:0"),
            ("10-2 3", "10-2 3 0:0:0"),
            ("3 10:20:30", "0-0 3 10:20:30"),
            ("10:20:30.52", "0-0 0 10:20:30.520"),
            ("-0-2 -3 10:20:30", "-0-2 -3 10:20:30"),
            ("2-11 28 16:15:14", "2-11 28 16:15:14"),
            ("2-11 28 16:15", "2-11 28 16:15:0"),
            ("2-11 28 16", "2-11 28 16:0:0"),
            ("2-11 28", "2-11 28 0:0:0"),
            ("2-11", "2-11 0 0:0:0"),
            ("11 28 16:15:14", "0-11 28 16:15:14"),
            ("11 28 16", "0-11 28 16:0:0"),
            ("28 16:15:14", "0-0 28 16:15:14"),
            ("28 16:15", "0-0 28 16:15:0"),
            ("16:15:14", "0-0 0 16:15:14"),
            // Interval functions reference, EXTRACT example: components beyond
            // their clock range carry over.
            ("0-13 370 48:61:61", "1-1 370 49:2:1"),
            ("1-2 3 4:5:6.789999", "1-2 3 4:5:6.789999"),
            // Interval functions reference, MAKE_INTERVAL/JUSTIFY outputs read back.
            ("0-0 0 10:0:20", "0-0 0 10:0:20"),
            ("-0-2 -5 0:0:0", "-0-2 -5 0:0:0"),
            ("0-0 -8 -13:45:0", "0-0 -8 -13:45:0"),
            // ZetaSQL: leading zeros, unbounded minutes and seconds.
            ("01:02:03", "0-0 0 1:2:3"),
            ("100:100:100", "0-0 0 101:41:40"),
            ("0-0 0 100:100", "0-0 0 101:40:0"),
            ("10-20 -30", "11-8 -30 0:0:0"),
            ("-0-0 +7", "0-0 7 0:0:0"),
            ("0:0:316224000000", "0-0 0 87840000:0:0"),
            ("-0:0:0.0000", "0-0 0 0:0:0"),
            ("0:0:1.2345", "0-0 0 0:0:1.234500"),
            ("0:0:0.000001", "0-0 0 0:0:0.000001"),
            ("0:0:0.000001000", "0-0 0 0:0:0.000001"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
    }

    #[test]
    fn parts_are_exact() {
        assert_eq!(
            parse("1-2 3 4:5:6.789").ok(),
            Some(iv(14, 3, 4 * H + 5 * M + 6 * S + 789_000_000))
        );
        assert_eq!(
            parse("-1-2 3 -4:5:6").ok(),
            Some(iv(-14, 3, -(4 * H + 5 * M + 6 * S)))
        );
        assert_eq!(
            parse("-10 -12:30").ok(),
            Some(iv(0, -10, -(12 * H + 30 * M)))
        );
    }

    #[test]
    fn iso8601_forms() {
        // ZetaSQL interval_value_test.cc ParseFromISO8601.
        let cases = [
            ("PT", "0-0 0 0:0:0"),
            ("P0Y", "0-0 0 0:0:0"),
            ("P-1Y2Y-1Y", "0-0 0 0:0:0"),
            ("P1Y", "1-0 0 0:0:0"),
            ("P-1Y", "-1-0 0 0:0:0"),
            ("P100Y1M-1M-99Y", "1-0 0 0:0:0"),
            ("P2M", "0-2 0 0:0:0"),
            ("P2M-4M", "-0-2 0 0:0:0"),
            ("P25M", "2-1 0 0:0:0"),
            ("P1Y-1M", "0-11 0 0:0:0"),
            ("P10W", "0-0 70 0:0:0"),
            ("P-10W", "0-0 -70 0:0:0"),
            ("P3D", "0-0 3 0:0:0"),
            ("P-1D-1D-1D", "0-0 -3 0:0:0"),
            ("P123456D", "0-0 123456 0:0:0"),
            ("PT-4H", "0-0 0 -4:0:0"),
            ("PT-5H", "0-0 0 -5:0:0"),
            ("PT3H60M", "0-0 0 4:0:0"),
            ("PT100000H", "0-0 0 100000:0:0"),
            ("PT5M", "0-0 0 0:5:0"),
            ("PT5M-10M", "0-0 0 -0:5:0"),
            ("PT6S", "0-0 0 0:0:6"),
            ("PT-6S", "0-0 0 -0:0:6"),
            ("PT0.1S", "0-0 0 0:0:0.100"),
            ("PT-0,1S", "0-0 0 -0:0:0.100"),
            ("PT1.234S", "0-0 0 0:0:1.234"),
            ("P3D2M1YT6,789S5M4H", "1-2 3 4:5:6.789"),
            ("P-3D-2M-1YT-6.789S-5M-4H", "-1-2 -3 -4:5:6.789"),
            ("P10000Y100Y-200Y", "9900-0 0 0:0:0"),
            ("P-3660000D-1D2D", "0-0 -3659999 0:0:0"),
            ("P1Y2M3DT4H5M6.5S", "1-2 3 4:5:6.500"),
            ("P1YT", "1-0 0 0:0:0"),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input), want, "{input}");
        }
        // Long inputs with repeated designators stay linear (ZetaSQL test).
        let mut long = String::from("PT1H");
        for i in 0..10_000 {
            long.push_str(&format!("{i}S"));
        }
        for i in 0..10_000 {
            long.push_str(&format!("-{i}S"));
        }
        assert_eq!(canon(&long), "0-0 0 1:0:0");
    }

    #[test]
    fn rejections() {
        let syntax = [
            "",
            " 1-2",
            "1-2 ",
            "1-2  1:2:3",
            "1-2\t3",
            "- 0-0",
            "0- 0",
            "--1-2",
            "1 2",
            "1:2",
            "0",
            ".",
            "1:2:3 2",
            "1 2-3",
            "1-2 1:2:3",
            "1-2-3",
            "1-2 3 4.5",
            "1-2 3 4:5.5",
            "0:0:0.",
            "0:0:0.0000000000",
            "0:0:.5",
            "1-2 3 4:5:6:7",
            "a-b",
            "1-2 3 4:5:6Z",
            "１-2",
            "P",
            "1Y",
            "T",
            "P--1Y",
            "P-",
            "P1",
            "PTT",
            "PT1HT1M",
            "P1YM",
            "P1YT2MS",
            "P1M ",
            "PT.1S",
            "P-1S",
            "P1H2",
            "PT1D",
            "P123",
            "PT0.1234567890S",
            "PT1.S",
            "P1.Y",
            "PT1.M",
            "p1y",
            "P1y",
            "P+1Y",
        ];
        for text in syntax {
            assert_eq!(
                invalid_expected(parse(text)).as_deref(),
                Some(EXPECTED),
                "{text:?}"
            );
        }
        let range = [
            "10001-0",
            "-10001-0",
            "10000-1",
            "-10000-1",
            "0-120001",
            "0-0 3660001",
            "0-0 -3660001",
            "0 87840001:0:0",
            "0 -87840001:0:0",
            "0 0:5270400001:0",
            "0 0:0:316224000001",
            "0 0:0:316224000000.000001",
            "0 87840000:0:0.000001",
            "9223372036854775808-0",
            "0-9223372036854775808",
            "0 0:9223372036854775808:0",
            "99999999999999999999999999999999999999999-0",
            "P-10001Y",
            "P-9999999M",
            "P-987654321D",
            "PT-99999999999H",
            "P9223372036854775807Y",
            "P9223372036854775807D1D",
            "PT99999999999999999999999999999H",
        ];
        for text in range {
            assert!(parse(text).is_err_and(|e| e.is_out_of_range()), "{text:?}");
        }
        for text in ["0:0:0.0000001", "PT0.123456789S", "1-2 3 4:5:6.7891234"] {
            assert_eq!(
                invalid_expected(parse(text)).as_deref(),
                Some(PRECISION),
                "{text:?}"
            );
        }
        for input in [
            Input::Null,
            Input::Bool(true),
            Input::Number("5"),
            Input::Raw("{\"months\":1}"),
        ] {
            assert_eq!(
                parse_input(input),
                Err(ValueError::wrong_kind(EXPECTED, input.kind()))
            );
        }
    }

    fn parse_input(input: Input<'_>) -> Result<Interval, ValueError> {
        Interval::parse(input)
    }

    #[test]
    fn boundaries() {
        // BigQuery data types reference, Interval type range.
        let max = canon("10000-0 3660000 87840000:0:0");
        assert_eq!(max, "10000-0 3660000 87840000:0:0");
        let min = canon("-10000-0 -3660000 -87840000:0:0");
        assert_eq!(min, "-10000-0 -3660000 -87840000:0:0");
        assert_eq!(parse(&max).ok(), Some(iv(MAX_MONTHS, MAX_DAYS, MAX_NANOS)));
        assert_eq!(
            parse(&min).ok(),
            Some(iv(-MAX_MONTHS, -MAX_DAYS, -MAX_NANOS))
        );
        assert_eq!(canon("9999-12"), "10000-0 0 0:0:0");
        assert_eq!(
            canon("-0:0:316223999941.999999"),
            "0-0 0 -87839999:59:1.999999"
        );
        assert!(Interval::new(MAX_MONTHS + 1, 0, 0).is_err());
        assert!(Interval::new(0, -MAX_DAYS - 1, 0).is_err());
        assert!(Interval::new(0, 0, MAX_NANOS + 1000).is_err());
        assert!(Interval::new(0, 0, -MAX_NANOS - 1000).is_err());
        assert!(Interval::new(i32::MIN, i32::MIN, i128::MIN).is_err());
        assert_eq!(
            invalid_expected(Interval::new(0, 0, 1)).as_deref(),
            Some(PRECISION)
        );
    }

    #[test]
    fn display() {
        // ZetaSQL interval_value_test.cc ToString.
        let cases = [
            (iv(0, 0, 0), "0-0 0 0:0:0"),
            (iv(-12, 0, 0), "-1-0 0 0:0:0"),
            (iv(-2, 0, 0), "-0-2 0 0:0:0"),
            (iv(2411, 0, 0), "200-11 0 0:0:0"),
            (iv(-12345, 0, 0), "-1028-9 0 0:0:0"),
            (iv(0, -5, 0), "0-0 -5 0:0:0"),
            (iv(0, 0, 1000), "0-0 0 0:0:0.000001"),
            (iv(0, 0, -1000), "0-0 0 -0:0:0.000001"),
            (iv(0, 0, 100_000), "0-0 0 0:0:0.000100"),
            (iv(0, 0, 1_000_000), "0-0 0 0:0:0.001"),
            (iv(0, 0, -S), "0-0 0 -0:0:1"),
            (iv(0, 0, -(M + 2 * S)), "0-0 0 -0:1:2"),
            (iv(0, 0, H + 2 * M + 3 * S + 456_000_000), "0-0 0 1:2:3.456"),
            (iv(0, 0, 601 * M), "0-0 0 10:1:0"),
            (
                iv(123, -4567, 89 * H + 12 * M + 34 * S + 56_000),
                "10-3 -4567 89:12:34.000056",
            ),
            (iv(-123, 4567, -(89 * H)), "-10-3 4567 -89:0:0"),
        ];
        for (value, want) in cases {
            assert_eq!(value.to_string(), want);
        }
    }

    #[test]
    fn iso8601_output() {
        // ZetaSQL interval_value_test.cc ToISO8601.
        let cases = [
            (Interval::ZERO, "P0Y"),
            (iv(12, 0, 0), "P1Y"),
            (iv(-12, 0, 0), "P-1Y"),
            (iv(120_000, 0, 0), "P10000Y"),
            (iv(-11, 0, 0), "P-11M"),
            (iv(0, -3_660_000, 0), "P-3660000D"),
            (iv(0, 0, H), "PT1H"),
            (iv(0, 0, -87_840_000 * H), "PT-87840000H"),
            (iv(0, 0, -59 * M), "PT-59M"),
            (iv(0, 0, 59 * S), "PT59S"),
            (iv(0, 0, 100_000_000), "PT0.1S"),
            (iv(0, 0, -1000), "PT-0.000001S"),
            (iv(0, 0, 654_000), "PT0.000654S"),
            (
                iv(14, 3, 4 * H + 5 * M + 6 * S + 789_123_000),
                "P1Y2M3DT4H5M6.789123S",
            ),
            (
                iv(-14, -3, -(4 * H + 5 * M + 6 * S + 700_000_000)),
                "P-1Y-2M-3DT-4H-5M-6.7S",
            ),
            (iv(-2, 3, -4 * H), "P-2M3DT-4H"),
        ];
        for (value, want) in cases {
            assert_eq!(value.to_iso8601(), want);
            assert_eq!(parse(want).ok(), Some(value), "{want}");
        }
    }

    #[test]
    fn month_day_nano() {
        let v = iv(14, -3, 5 * S + 1000);
        assert_eq!(
            v.to_month_day_nano().ok(),
            Some((14, -3, 5 * 1_000_000_000 + 1000))
        );
        assert_eq!(
            Interval::from_month_day_nano(14, -3, 5_000_001_000).ok(),
            Some(v)
        );
        // i64 nanoseconds end at 2562047:47:16.854775807.
        let fits = iv(0, 0, 9_223_372_036_854_775_000);
        assert_eq!(
            fits.to_month_day_nano().ok(),
            Some((0, 0, 9_223_372_036_854_775_000))
        );
        let over = iv(0, 0, 9_223_372_036_854_776_000);
        assert!(over.to_month_day_nano().is_err_and(|e| e.is_out_of_range()));
        assert!(iv(0, 0, -MAX_NANOS).to_month_day_nano().is_err());
        assert!(Interval::from_month_day_nano(0, 0, 1).is_err());
        assert!(Interval::from_month_day_nano(120_001, 0, 0).is_err());
        assert!(Interval::from_month_day_nano(0, 0, i64::MIN).is_err());
    }

    #[test]
    fn protobuf_duration() {
        let v = iv(0, 0, -(S + 500_000_000));
        let d = prost_types::Duration::try_from(v);
        assert_eq!(
            d.as_ref().ok(),
            Some(&prost_types::Duration {
                seconds: -1,
                nanos: -500_000_000
            })
        );
        assert_eq!(d.ok().map(Interval::try_from).and_then(Result::ok), Some(v));
        let max = iv(0, 0, MAX_NANOS);
        let d = prost_types::Duration::try_from(max);
        assert_eq!(d.as_ref().map(|d| d.seconds).ok(), Some(316_224_000_000));
        assert!(prost_types::Duration::try_from(iv(1, 0, 0)).is_err());
        assert!(prost_types::Duration::try_from(iv(0, 1, 0)).is_err());
        let bad =
            |seconds, nanos| Interval::try_from(prost_types::Duration { seconds, nanos }).is_err();
        assert!(bad(1, -1000));
        assert!(bad(-1, 1000));
        assert!(bad(0, 1_000_000_000));
        assert!(bad(0, 1));
        assert!(bad(316_224_000_001, 0));
        assert!(bad(i64::MIN, -999_999_999));
        assert_eq!(
            Interval::try_from(prost_types::Duration {
                seconds: 0,
                nanos: -1000
            })
            .ok(),
            Some(iv(0, 0, -1000))
        );
    }

    fn any_interval() -> impl Strategy<Value = Interval> {
        (
            -MAX_MONTHS..=MAX_MONTHS,
            -MAX_DAYS..=MAX_DAYS,
            -(MAX_NANOS / 1000)..=(MAX_NANOS / 1000),
            0..4u8,
        )
            .prop_map(|(m, d, micros, shape)| {
                // Bias towards whole seconds and milliseconds too.
                let micros = match shape {
                    0 => micros / 1_000_000 * 1_000_000,
                    1 => micros / 1000 * 1000,
                    _ => micros,
                };
                iv(m, d, micros * 1000)
            })
    }

    proptest! {
        #[test]
        fn text_round_trip(v in any_interval()) {
            let text = v.to_string();
            prop_assert_eq!(parse(&text).ok(), Some(v));
            prop_assert_eq!(parse(&text).map(|p| p.to_string()).ok(), Some(text));
            prop_assert_eq!(parse(&v.to_iso8601()).ok(), Some(v));
        }

        #[test]
        fn month_day_nano_round_trip(v in any_interval()) {
            match v.to_month_day_nano() {
                Ok((m, d, n)) => prop_assert_eq!(Interval::from_month_day_nano(m, d, n).ok(), Some(v)),
                Err(_) => prop_assert!(v.nanos().abs() > i128::from(i64::MAX)),
            }
        }

        #[test]
        fn from_parts_round_trip(
            (y, mo, d, h, mi, s, f) in (0..10_001i64, 0..12i64, -3_660_000..3_660_001i64,
                0..87_840_000i64, 0..60i64, 0..60i64, 0..1_000_000i64),
            neg_months: bool, neg_time: bool,
        ) {
            let m_sign = if neg_months { "-" } else { "" };
            let t_sign = if neg_time { "-" } else { "" };
            let text = format!("{m_sign}{y}-{mo} {d} {t_sign}{h}:{mi}:{s}.{f:06}");
            let months = (y * 12 + mo) * if neg_months { -1 } else { 1 };
            let nanos = (i128::from(h) * H + i128::from(mi) * M + i128::from(s) * S
                + i128::from(f) * 1000) * if neg_time { -1 } else { 1 };
            let want = if months.abs() <= 120_000 {
                Interval::new(months as i32, d as i32, nanos).ok()
            } else {
                None
            };
            prop_assert_eq!(parse(&text).ok(), want);
        }

        #[test]
        fn no_panic_on_arbitrary_text(text in ".{0,40}") {
            let _ = parse(&text);
        }

        #[test]
        fn no_panic_on_interval_like_text(text in "[-+P T0-9:.,YMWDHS]{0,30}") {
            if let Ok(v) = parse(&text) {
                // Whatever parses prints and reads back to the same value.
                prop_assert_eq!(parse(&v.to_string()).ok(), Some(v));
            }
        }
    }
}
