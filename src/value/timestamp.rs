//! TIMESTAMP: an instant, microseconds since the Unix epoch (and picoseconds
//! for `timestampPrecision` 12).
//!
//! # Literals
//!
//! GoogleSQL's canonical TIMESTAMP literal (BigQuery "Data types", the same
//! text as ZetaSQL's `docs/data-types.md`):
//!
//! ```text
//! civil_date_time[zone]
//! civil_date_time: YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]
//! zone:            Z | offset | " UTC" | " UTC" offset | " " IANA name
//! offset:          (+|-)H[H][:M[M]] | (+|-)HHMM
//! ```
//!
//! The date and time are read by the one civil parser in
//! [`civil`] (same rules: four-digit year, seconds required,
//! `t` accepted for `T`, no leap second `:60`). Then:
//!
//! - **No zone** means UTC. A date alone is midnight UTC.
//! - **`Z`** (or `z`, as ZetaSQL's parser accepts) is UTC.
//! - **Offsets** `+5`, `-08`, `+05:30`, `-8:15` follow directly after the
//!   time, with no space (the docs: "no space is allowed between
//!   the time zone and the rest of the timestamp"). The colon-less ISO 8601
//!   basic form `+0530` is accepted too (ZetaSQL's parser does), but only
//!   with exactly four digits: `+123` is rejected rather than guessed
//!   (ZetaSQL would read it as +12:03). Offsets must lie within ±14:00, as
//!   in ZetaSQL.
//! - **`UTC`** or an **IANA name** (`America/Los_Angeles`) follows exactly
//!   one space. `UTC` may carry an offset (`… UTC+5`), as ZetaSQL accepts.
//!   Names are looked up in the tz database bundled by `jiff` (feature `tz`,
//!   on by default), so results do not depend on the machine. The lookup is
//!   case-insensitive. Without the feature a name is an error that says so;
//!   `Z`, offsets and ` UTC` always work.
//! - **Ambiguous local times** in a named zone use the "compatible" rule
//!   (RFC 5545, jiff's default, and what absl's `TimeZone::At(..).pre` gives
//!   ZetaSQL): a time in a gap (spring forward) is read with the offset
//!   before the gap, so it lands after the gap; a time in a fold (fall back)
//!   is the earlier of its two instants.
//! - **Range**: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z (…999999999999
//!   for picoseconds), checked after applying the offset.
//! - **Fractions**: [`Timestamp`] keeps six digits; a 7th–9th digit is
//!   accepted only when it is `0`, anything more is an error.
//!   [`TimestampPicos`] keeps up to twelve.
//!
//! A JSON *number* is epoch microseconds (the Storage Write API type table:
//! TIMESTAMP as `int64` microseconds since the epoch), for both types; it
//! must be a plain integer. A digit *string* is not a number here.

use super::Input;
use super::civil;
use super::civil::{
    Cursor, Date, IntegerError, MICRO_PRECISION, MICROS_PER_DAY, PICOS_PER_MICRO, PICOS_PER_SECOND,
    Reject, SECONDS_PER_DAY, Time, TimeOfDay, YM_DASHES, YM_DIGITS, ascii_digits, checked_date,
    json_integer, pair_at, parse_datetime_prefix, swar_digits, swar_pairs, year_month,
};
use crate::error::ValueError;
use std::fmt;

/// 0001-01-01T00:00:00Z in microseconds since the epoch.
const MIN_MICROS: i64 = -62_135_596_800_000_000;
/// 9999-12-31T23:59:59.999999Z in microseconds since the epoch.
const MAX_MICROS: i64 = 253_402_300_799_999_999;
/// 0001-01-01T00:00:00Z in picoseconds since the epoch.
const MIN_PICOS: i128 = -62_135_596_800_000_000_000_000;
/// 9999-12-31T23:59:59.999999999999Z in picoseconds since the epoch.
const MAX_PICOS: i128 = 253_402_300_799_999_999_999_999;

const FORMS: &str = "TIMESTAMP (\"YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]][zone]\" with zone Z, \
                     ±H[H][:MM], \" UTC\" or \" Area/City\"; or an integer of epoch microseconds)";
const RANGE: &str = "TIMESTAMP 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z";
const PICOS_RANGE: &str = "TIMESTAMP 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999999999Z";
const PICOS_PRECISION: &str = "at most 12 fractional digits";
const OFFSET_RULE: &str = "a zone offset within ±14:00";
const SECONDS_FORMS: &str = "TIMESTAMP as epoch seconds (a decimal number such as 1577836800.5)";
const SECONDS_PRECISION: &str =
    "TIMESTAMP as epoch seconds with whole microseconds (at most 6 fractional digits)";

/// Why a TIMESTAMP literal was rejected.
enum TsReject {
    Civil(Reject),
    #[cfg_attr(not(feature = "tz"), allow(dead_code))]
    UnknownZone,
    #[cfg_attr(feature = "tz", allow(dead_code))]
    ZoneNeedsFeature,
    OutOfRange,
}

impl From<Reject> for TsReject {
    fn from(r: Reject) -> Self {
        TsReject::Civil(r)
    }
}

impl TsReject {
    fn into_error(self, picos: bool, text: &str) -> ValueError {
        let (range, precision) = if picos {
            (PICOS_RANGE, PICOS_PRECISION)
        } else {
            (RANGE, MICRO_PRECISION)
        };
        match self {
            TsReject::Civil(r) => r.into_error(FORMS, range, precision, text),
            TsReject::UnknownZone => ValueError::invalid(
                "TIMESTAMP with a time zone of the tz database (such as America/Los_Angeles)",
                text,
            ),
            TsReject::ZoneNeedsFeature => ValueError::invalid(
                "TIMESTAMP with Z, an offset or UTC (time zone names need bqcodec's `tz` feature)",
                text,
            ),
            TsReject::OutOfRange => ValueError::out_of_range(range, text),
        }
    }
}

/// Parses `(+|-)H[H][:M[M]]` or `(+|-)HHMM` (the whole of `text`) as
/// seconds east of UTC.
fn parse_offset(text: &str) -> Result<i64, TsReject> {
    let mut c = Cursor::new(text);
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(Reject::Syntax.into());
    };
    let hours_text = c.rest();
    let hours = c.digits(1, 2)?;
    let minutes = if c.is_at_end() {
        0
    } else if c.eat(b':') {
        c.digits(1, 2)?
    } else if hours_text.len().checked_sub(c.rest().len()) == Some(2) {
        // Without a colon only `HHMM` (ISO 8601 basic), never `+123`.
        c.digits(2, 2)?
    } else {
        return Err(Reject::Syntax.into());
    };
    if !c.is_at_end() {
        return Err(Reject::Syntax.into());
    }
    let total = hours * 60 + minutes;
    if hours > 14 || minutes > 59 || total > 14 * 60 {
        return Err(Reject::Field(OFFSET_RULE).into());
    }
    Ok(sign * i64::from(total) * 60)
}

/// The offset (seconds east of UTC) of an IANA zone at a local time, with
/// the "compatible" disambiguation.
#[cfg(feature = "tz")]
fn named_zone_offset(name: &str, date: Date, time: TimeOfDay) -> Result<i64, TsReject> {
    use jiff::tz::{AmbiguousOffset, TimeZone};
    let tz = TimeZone::get(name).map_err(|_| TsReject::UnknownZone)?;
    let (y, m, d) = date.ymd();
    let small = |v: u32| i8::try_from(v).map_err(|_| TsReject::OutOfRange);
    let civil = jiff::civil::DateTime::new(
        i16::try_from(y).map_err(|_| TsReject::OutOfRange)?,
        small(m)?,
        small(d)?,
        small(time.hour.into())?,
        small(time.minute.into())?,
        small(time.second.into())?,
        0,
    )
    .map_err(|_| TsReject::OutOfRange)?;
    let offset = match tz.to_ambiguous_timestamp(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        // "Compatible": the offset in force before the transition, for gaps
        // and folds alike.
        AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => before,
    };
    Ok(i64::from(offset.seconds()))
}

#[cfg(not(feature = "tz"))]
fn named_zone_offset(_name: &str, _date: Date, _time: TimeOfDay) -> Result<i64, TsReject> {
    Err(TsReject::ZoneNeedsFeature)
}

/// Parses the zone suffix `rest` (possibly empty) of a literal whose civil
/// part is `date`, `time`: seconds east of UTC.
fn parse_zone(rest: &str, date: Date, time: TimeOfDay) -> Result<i64, TsReject> {
    match rest.as_bytes().first() {
        None => Ok(0),
        Some(b'Z' | b'z') if rest.len() == 1 => Ok(0),
        Some(b'+' | b'-') => parse_offset(rest),
        Some(b' ') => {
            let name = rest.get(1..).unwrap_or("");
            if name == "UTC" {
                return Ok(0);
            }
            if let Some(offset) = name.strip_prefix("UTC")
                && matches!(offset.as_bytes().first(), Some(b'+' | b'-'))
            {
                return parse_offset(offset);
            }
            // A name: not empty, not an offset after a space, no more spaces.
            let first_ok = name
                .as_bytes()
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic());
            if !first_ok || name.contains(char::is_whitespace) {
                return Err(Reject::Syntax.into());
            }
            named_zone_offset(name, date, time)
        }
        Some(_) => Err(Reject::Syntax.into()),
    }
}

/// Parses a TIMESTAMP literal with at most `max_fraction` fractional digits
/// into picoseconds since the epoch, range-checked.
fn parse_picos(text: &str, max_fraction: usize) -> Result<i128, TsReject> {
    let mut c = Cursor::new(text);
    let (date, time) = parse_datetime_prefix(&mut c, max_fraction)?;
    let offset = parse_zone(c.rest(), date, time)?;
    // |days| ≤ 3·10⁶, so local seconds fit easily; the offset is ≤ 14 h
    // (or an IANA offset, under a day).
    let local = i64::from(date.days()) * SECONDS_PER_DAY + time.seconds();
    let utc = local - offset;
    let picos = i128::from(utc) * i128::from(PICOS_PER_SECOND) + i128::from(time.picos);
    if (MIN_PICOS..=MAX_PICOS).contains(&picos) {
        Ok(picos)
    } else {
        Err(TsReject::OutOfRange)
    }
}

/// Splits picoseconds since the epoch (in range) into date, time and the
/// picoseconds of the second, for display.
fn split_picos(picos: i128) -> (Date, Time, u64) {
    let per_day = i128::from(SECONDS_PER_DAY) * i128::from(PICOS_PER_SECOND);
    let days = picos.div_euclid(per_day);
    let of_day = picos.rem_euclid(per_day);
    // In range by construction (both types check their range), so these
    // conversions cannot fail; the fallbacks are unreachable.
    let date = i32::try_from(days)
        .ok()
        .and_then(|d| Date::from_days(d).ok())
        .unwrap_or(Date::EPOCH);
    let seconds = of_day / i128::from(PICOS_PER_SECOND);
    let sub = u64::try_from(of_day % i128::from(PICOS_PER_SECOND)).unwrap_or(0);
    let time = i64::try_from(seconds)
        .ok()
        .and_then(|s| Time::from_micros_since_midnight(s * 1_000_000).ok())
        .unwrap_or(Time::MIDNIGHT);
    (date, time, sub)
}

fn write_instant(f: &mut fmt::Formatter<'_>, picos: i128, digits: usize) -> fmt::Result {
    let (date, time, sub) = split_picos(picos);
    let (h, m, s, _) = time.hms_micro();
    if digits == 6 || sub == 0 {
        // One buffer, "…T…[.ffffff]" then "Z".
        let micro = u32::try_from(sub / PICOS_PER_MICRO).unwrap_or(0);
        let (b, n) = civil::date_time_ascii(date, b'T', (h, m, s, micro));
        f.write_str(civil::ascii_str(b.get(..n).unwrap_or_default()))?;
    } else {
        let (b, n) = civil::date_time_ascii(date, b'T', (h, m, s, 0));
        f.write_str(civil::ascii_str(b.get(..n).unwrap_or_default()))?;
        write!(f, ".{sub:012}")?;
    }
    f.write_str("Z")
}

/// A TIMESTAMP with microsecond precision: 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z.
///
/// # Examples
///
/// This also shows the constants and [`micros`](Self::micros).
///
/// ```
/// use bqcodec::value::timestamp::Timestamp;
///
/// let t = Timestamp::parse_text("2024-01-02T03:04:05.5+02:00")?;
/// assert_eq!(t.to_string(), "2024-01-02T01:04:05.500000Z"); // always UTC
/// assert_eq!(t.micros(), 1_704_157_445_500_000);
/// assert_eq!(Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
/// assert_eq!((Timestamp::MIN.micros(), Timestamp::MAX.micros()), (-62_135_596_800_000_000, 253_402_300_799_999_999));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// 0001-01-01T00:00:00Z.
    pub const MIN: Timestamp = Timestamp(MIN_MICROS);
    /// 9999-12-31T23:59:59.999999Z.
    pub const MAX: Timestamp = Timestamp(MAX_MICROS);
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    /// From microseconds since the epoch; range-checked: outside
    /// −62135596800000000 … 253402300799999999 is [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::timestamp::Timestamp;
    ///
    /// assert_eq!(Timestamp::from_micros(-1)?.to_string(), "1969-12-31T23:59:59.999999Z");
    /// assert_eq!(Timestamp::from_micros(253_402_300_799_999_999)?, Timestamp::MAX);
    /// assert!(Timestamp::from_micros(253_402_300_800_000_000).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_micros(micros: i64) -> Result<Self, ValueError> {
        if (MIN_MICROS..=MAX_MICROS).contains(&micros) {
            Ok(Timestamp(micros))
        } else {
            Err(ValueError::out_of_range(RANGE, &micros.to_string()))
        }
    }

    /// Microseconds since the epoch.
    pub fn micros(self) -> i64 {
        self.0
    }

    /// RFC 3339, BigQuery literals (with `Z`, `UTC`, offsets or IANA zone
    /// names), or a JSON integer of epoch microseconds.
    ///
    /// The grammar and every choice are in the [module docs](self). Rejects:
    /// text outside the grammar, fields out of range, a 7th–9th fractional
    /// digit other than 0 (or a 10th digit), offsets beyond ±14:00, unknown
    /// zone names (and any name without the `tz` feature), instants outside
    /// the range after applying the zone, numbers that are not plain
    /// integers, digit strings, null, booleans, arrays and objects.
    ///
    /// ```
    /// use bqcodec::value::{Input, timestamp::Timestamp};
    /// let utc = Timestamp::parse(Input::Str("2008-12-25 23:30:00Z"))?;
    /// assert_eq!(Timestamp::parse(Input::Str("2008-12-25 15:30:00-08:00"))?, utc);
    /// assert_eq!(utc.micros(), 1_230_247_800_000_000);
    /// assert_eq!(utc.to_string(), "2008-12-25T23:30:00Z");
    /// # #[cfg(feature = "tz")]
    /// assert_eq!(Timestamp::parse(Input::Str("2008-12-25 15:30:00 America/Los_Angeles"))?, utc);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => Self::parse_text(text),
            Input::Number(text) => match json_integer(text) {
                Ok(micros) => Timestamp::from_micros(micros),
                Err(IntegerError::TooLarge) => Err(ValueError::out_of_range(RANGE, text)),
                Err(IntegerError::NotInteger) => Err(ValueError::invalid(FORMS, text)),
            },
            other => Err(ValueError::wrong_kind(FORMS, other.kind())),
        }
    }

    /// Parses a TIMESTAMP literal alone (the string forms of
    /// [`Timestamp::parse`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::timestamp::Timestamp;
    ///
    /// assert_eq!(Timestamp::parse_text("2024-01-02 03:04:05 UTC")?.to_string(), "2024-01-02T03:04:05Z");
    /// assert_eq!(Timestamp::parse_text("2024-01-02T03:04:05.123456000Z")?.micros() % 1_000_000, 123_456);
    /// assert!(Timestamp::parse_text("2024-01-02T03:04:05.1234567Z").is_err()); // finer than µs: never rounded
    /// assert!(Timestamp::parse_text("2024-01-02T03:04:05+15:00").is_err()); // beyond ±14:00
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse_text(text: &str) -> Result<Self, ValueError> {
        if let Some(t) = fast_rfc3339(text) {
            return Ok(t);
        }
        let picos = parse_picos(text, 9).map_err(|r| r.into_error(false, text))?;
        let per_micro = i128::from(PICOS_PER_MICRO);
        if picos % per_micro != 0 {
            return Err(TsReject::Civil(Reject::Precision).into_error(false, text));
        }
        i64::try_from(picos / per_micro)
            .map(Timestamp)
            .map_err(|_| ValueError::out_of_range(RANGE, text))
    }

    /// Exact decimal epoch seconds, as the legacy insertAll API writes them:
    /// `-?D+[.D+][(e|E)[+|-]D+]` (`"1577836800.5"`, `"1.5778368005E9"`).
    ///
    /// The value must be a whole number of microseconds: digits past the 6th
    /// fractional place are accepted only when they are 0 (nothing is
    /// rounded). Rejects other syntax (no leading `+`, `.5` or `5.`), values
    /// outside the TIMESTAMP range, and finer fractions.
    ///
    /// ```
    /// use bqcodec::value::timestamp::Timestamp;
    /// assert_eq!(Timestamp::from_epoch_seconds_text("1577836800.5")?.micros(), 1_577_836_800_500_000);
    /// assert_eq!(Timestamp::from_epoch_seconds_text("-1.5e-3")?.micros(), -1_500);
    /// assert!(Timestamp::from_epoch_seconds_text("0.0000001").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_epoch_seconds_text(text: &str) -> Result<Self, ValueError> {
        epoch_seconds_micros(text)
            .map_err(|e| match e {
                SecondsError::Syntax => ValueError::invalid(SECONDS_FORMS, text),
                SecondsError::Precision => ValueError::invalid(SECONDS_PRECISION, text),
                SecondsError::Range => ValueError::out_of_range(RANGE, text),
            })
            .and_then(|micros| {
                Timestamp::from_micros(micros).map_err(|_| ValueError::out_of_range(RANGE, text))
            })
    }
}

enum SecondsError {
    Syntax,
    Precision,
    Range,
}

/// Exact epoch seconds text → microseconds (not yet range-checked beyond i64).
fn epoch_seconds_micros(text: &str) -> Result<i64, SecondsError> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let negative = bytes.first() == Some(&b'-');
    if negative {
        i += 1;
    }
    let run = |from: usize| {
        bytes
            .get(from..)
            .map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let int_len = run(i);
    if int_len == 0 {
        return Err(SecondsError::Syntax);
    }
    let int_digits = bytes.get(i..i + int_len).unwrap_or(&[]);
    i += int_len;
    let mut frac_digits: &[u8] = &[];
    if bytes.get(i) == Some(&b'.') {
        let len = run(i + 1);
        if len == 0 {
            return Err(SecondsError::Syntax);
        }
        frac_digits = bytes.get(i + 1..i + 1 + len).unwrap_or(&[]);
        i += 1 + len;
    }
    // The exponent, saturated far beyond any value that could matter.
    let mut exponent: i64 = 0;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let len = run(i);
        if len == 0 {
            return Err(SecondsError::Syntax);
        }
        for &b in bytes.get(i..i + len).unwrap_or(&[]) {
            exponent = (exponent * 10 + i64::from(b - b'0')).min(1_000_000);
        }
        if exp_negative {
            exponent = -exponent;
        }
        i += len;
    }
    if i != bytes.len() {
        return Err(SecondsError::Syntax);
    }
    // The value is D × 10^(exponent − |frac|) seconds, with D all the digits;
    // in microseconds, D × 10^shift.
    let digits: Vec<u8> = int_digits
        .iter()
        .chain(frac_digits)
        .copied()
        .skip_while(|&b| b == b'0')
        .collect();
    if digits.is_empty() {
        return Ok(0);
    }
    let frac_len = i64::try_from(frac_digits.len()).map_err(|_| SecondsError::Range)?;
    let mut shift = exponent - frac_len + 6;
    let mut kept: &[u8] = &digits;
    if shift < 0 {
        // Dropped digits must all be zero.
        let drop = usize::try_from(-shift).unwrap_or(usize::MAX);
        if drop >= kept.len() {
            return Err(SecondsError::Precision);
        }
        let (head, tail) = kept.split_at(kept.len() - drop);
        if tail.iter().any(|&b| b != b'0') {
            return Err(SecondsError::Precision);
        }
        kept = head;
        shift = 0;
    }
    // Any value with more than 19 digits is beyond the TIMESTAMP range.
    let total_digits = i64::try_from(kept.len()).map_err(|_| SecondsError::Range)? + shift;
    if total_digits > 19 {
        return Err(SecondsError::Range);
    }
    let mut value: i128 = 0;
    for &b in kept {
        value = value * 10 + i128::from(b - b'0');
    }
    for _ in 0..shift {
        value *= 10;
    }
    if negative {
        value = -value;
    }
    i64::try_from(value).map_err(|_| SecondsError::Range)
}

/// The common shape `YYYY-MM-DD(T| )HH:MM:SS[.f{1,6}]Z`, read without the
/// general grammar's machinery. `None` sends the text to the general parser
/// (which also produces every error), so this only ever agrees with it.
#[inline]
pub(crate) fn fast_rfc3339(text: &str) -> Option<Timestamp> {
    match fast_rfc3339_prefix(text.as_bytes()) {
        Some((t, len)) if len == text.len() => Some(t),
        _ => None,
    }
}

/// [`fast_rfc3339`] at the start of `b`, which may go on: the instant and
/// the length of its text (through the `Z`). The row walk reads a quoted
/// TIMESTAMP with it straight from the row, then checks that the closing
/// quote follows: every byte it accepts is a digit or fixed punctuation, so
/// no escape or quote can hide in what it read.
#[inline]
pub(crate) fn fast_rfc3339_prefix(b: &[u8]) -> Option<(Timestamp, usize)> {
    // Eight bytes a word (SWAR): `YYYY-MM-`, `DDTHH:MM`, then `:SS` by byte.
    let (&head, rest) = b.split_first_chunk::<19>()?;
    let (a, mid) = head.split_first_chunk::<8>()?;
    let (d, tail) = mid.split_first_chunk::<8>()?;
    let (a, d) = (u64::from_le_bytes(*a), u64::from_le_bytes(*d));
    let &[b':', s0, s1] = tail else {
        return None;
    };
    // Digits at bytes 0–1, 3–4 and 6–7, ':' at 5, 'T' or ' ' at 2.
    const D_DIGITS: u64 = 0xFFFF_00FF_FF00_FFFF;
    const D_COLON: u64 = 0x0000_FF00_0000_0000;
    let sep = (d >> 16) as u8;
    if a & YM_DASHES != 0x2D00_002D_0000_0000
        || d & D_COLON != 0x0000_3A00_0000_0000
        || !(sep == b'T' || sep == b' ')
        || !swar_digits(a, YM_DIGITS)
        || !swar_digits(d, D_DIGITS)
    {
        return None;
    }
    let [s0, s1] = ascii_digits([s0, s1])?;
    // Two-digit values at bytes 0, 3, 6 (day, hour, minute).
    let (year, month) = year_month(a);
    let pd = swar_pairs(d, D_DIGITS);
    let (day, hour, minute, second) =
        (pair_at(pd, 0), pair_at(pd, 3), pair_at(pd, 6), s0 * 10 + s1);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Six digits and the `Z` (the canonical form, and what most producers
    // write) as one word: '.' at byte 0, digits at 1–6, 'Z' at 7.
    const F_DIGITS: u64 = 0x00FF_FFFF_FFFF_FF00;
    let six = rest
        .first_chunk::<8>()
        .map(|f| u64::from_le_bytes(*f))
        .filter(|&w| w & !F_DIGITS == 0x5A00_0000_0000_002E && swar_digits(w, F_DIGITS));
    let (micros_frac, len) = match (six, rest) {
        (Some(w), _) => {
            let pf = swar_pairs(w, F_DIGITS);
            (
                pair_at(pf, 1) * 10_000 + pair_at(pf, 3) * 100 + pair_at(pf, 5),
                27,
            )
        }
        (None, [b'Z', ..]) => (0, 20),
        (None, [b'.', digits @ ..]) => {
            // One to six digits, then the `Z`.
            let mut v = 0u32;
            let mut n = 0usize;
            for &c in digits.iter().take(7) {
                let d = c.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                v = v * 10 + u32::from(d);
                n += 1;
            }
            if !(1..=6).contains(&n) || digits.get(n) != Some(&b'Z') {
                return None;
            }
            // n ≤ 6: the power is exact.
            (v * 10u32.pow(6 - n as u32), 21 + n)
        }
        _ => return None,
    };
    let date = checked_date(year, month, day).ok()?;
    let secs = i64::from(date.days()) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    let micros = secs * 1_000_000 + i64::from(micros_frac);
    (MIN_MICROS..=MAX_MICROS)
        .contains(&micros)
        .then_some((Timestamp(micros), len))
}

impl fmt::Display for Timestamp {
    /// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_instant(f, i128::from(self.0) * i128::from(PICOS_PER_MICRO), 6)
    }
}

/// A TIMESTAMP with picosecond precision (`timestampPrecision` 12).
///
/// # Examples
///
/// This also shows the constants, [`picos`](Self::picos) and the exact
/// conversions to and from [`Timestamp`].
///
/// ```
/// use bqcodec::value::timestamp::{Timestamp, TimestampPicos};
///
/// let t = TimestampPicos::from_picos(1_500_000)?; // 1.5 µs
/// assert_eq!(t.to_string(), "1970-01-01T00:00:00.000001500000Z");
/// assert!(Timestamp::try_from(t).is_err()); // never truncated to microseconds
/// let whole = TimestampPicos::from(Timestamp::from_micros(2)?);
/// assert_eq!((whole.picos(), Timestamp::try_from(whole)?.micros()), (2_000_000, 2));
/// assert_eq!(TimestampPicos::MAX.to_string(), "9999-12-31T23:59:59.999999999999Z");
/// assert!(TimestampPicos::MIN < whole);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampPicos(i128);

impl TimestampPicos {
    /// 0001-01-01T00:00:00Z.
    pub const MIN: TimestampPicos = TimestampPicos(MIN_PICOS);
    /// 9999-12-31T23:59:59.999999999999Z.
    pub const MAX: TimestampPicos = TimestampPicos(MAX_PICOS);

    /// From picoseconds since the epoch; range-checked: outside
    /// 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999999999Z is
    /// [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::timestamp::TimestampPicos;
    ///
    /// assert_eq!(TimestampPicos::from_picos(-1)?.to_string(), "1969-12-31T23:59:59.999999999999Z");
    /// assert!(TimestampPicos::from_picos(i128::MAX).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_picos(picos: i128) -> Result<Self, ValueError> {
        if (MIN_PICOS..=MAX_PICOS).contains(&picos) {
            Ok(TimestampPicos(picos))
        } else {
            Err(ValueError::out_of_range(PICOS_RANGE, &picos.to_string()))
        }
    }

    /// Picoseconds since the epoch.
    pub fn picos(self) -> i128 {
        self.0
    }

    /// The same text forms as [`Timestamp::parse`] with up to 12 fractional digits,
    /// or a JSON integer of epoch microseconds.
    ///
    /// Twelve digits are kept exactly; a 13th digit is an error. A JSON
    /// number is microseconds (as for [`Timestamp`], so the same input
    /// means the same instant in both precisions); for picoseconds use
    /// [`TimestampPicos::from_picos`] or text.
    ///
    /// ```
    /// use bqcodec::value::{Input, timestamp::TimestampPicos};
    /// let t = TimestampPicos::parse(Input::Str("1970-01-01T00:00:00.000000000001Z"))?;
    /// assert_eq!(t.picos(), 1);
    /// assert_eq!(t.to_string(), "1970-01-01T00:00:00.000000000001Z");
    /// assert_eq!(TimestampPicos::parse(Input::Number("1"))?.picos(), 1_000_000);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => parse_picos(text, 12)
                .map(TimestampPicos)
                .map_err(|r| r.into_error(true, text)),
            Input::Number(text) => match json_integer(text) {
                Ok(micros) => Timestamp::from_micros(micros)
                    .map(TimestampPicos::from)
                    .map_err(|_| ValueError::out_of_range(PICOS_RANGE, text)),
                Err(IntegerError::TooLarge) => Err(ValueError::out_of_range(PICOS_RANGE, text)),
                Err(IntegerError::NotInteger) => Err(ValueError::invalid(FORMS, text)),
            },
            other => Err(ValueError::wrong_kind(FORMS, other.kind())),
        }
    }
}

/// Every microsecond TIMESTAMP is exactly a picosecond one.
impl From<Timestamp> for TimestampPicos {
    fn from(t: Timestamp) -> Self {
        TimestampPicos(i128::from(t.0) * i128::from(PICOS_PER_MICRO))
    }
}

/// Exact only: picoseconds that are not whole microseconds are an error
/// (never truncated).
impl TryFrom<TimestampPicos> for Timestamp {
    type Error = ValueError;
    fn try_from(t: TimestampPicos) -> Result<Self, ValueError> {
        let per_micro = i128::from(PICOS_PER_MICRO);
        if t.0 % per_micro != 0 {
            return Err(ValueError::invalid(
                format!("TIMESTAMP with {MICRO_PRECISION}"),
                &t.to_string(),
            ));
        }
        i64::try_from(t.0 / per_micro)
            .map_err(|_| ValueError::out_of_range(RANGE, &t.to_string()))
            .and_then(Timestamp::from_micros)
    }
}

impl fmt::Display for TimestampPicos {
    /// "YYYY-MM-DDTHH:MM:SS[.ffffffffffff]Z".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_instant(f, self.0, 12)
    }
}

// The microsecond day length, referenced so the two modules agree.
const _: () = assert!(MICROS_PER_DAY == SECONDS_PER_DAY * 1_000_000);

#[cfg(feature = "chrono")]
mod chrono_interop {
    use super::Timestamp;
    use crate::error::ValueError;
    use chrono::{DateTime, Utc};

    /// Every TIMESTAMP is a `DateTime<Utc>` (chrono spans ±262143 years).
    impl From<Timestamp> for DateTime<Utc> {
        fn from(t: Timestamp) -> Self {
            // Always Some inside the TIMESTAMP range (tested at both ends).
            DateTime::from_timestamp_micros(t.micros()).unwrap_or(DateTime::<Utc>::MIN_UTC)
        }
    }

    /// A leap second (nanosecond ≥ 10⁹), nanoseconds that are not whole
    /// microseconds, or an instant outside the TIMESTAMP range is an error.
    impl TryFrom<DateTime<Utc>> for Timestamp {
        type Error = ValueError;
        fn try_from(t: DateTime<Utc>) -> Result<Self, ValueError> {
            let nanos = t.timestamp_subsec_nanos();
            if nanos >= 1_000_000_000 {
                return Err(ValueError::invalid(
                    "TIMESTAMP without a leap second (chrono nanosecond ≥ 1000000000)",
                    &t.to_rfc3339(),
                ));
            }
            if !nanos.is_multiple_of(1_000) {
                return Err(ValueError::invalid(
                    "TIMESTAMP with whole microseconds (no sub-microsecond nanoseconds)",
                    &t.to_rfc3339(),
                ));
            }
            t.timestamp()
                .checked_mul(1_000_000)
                .and_then(|m| m.checked_add(i64::from(nanos / 1_000)))
                .ok_or_else(|| ValueError::out_of_range(super::RANGE, &t.to_rfc3339()))
                .and_then(Timestamp::from_micros)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type R = Result<(), ValueError>;

    fn ts(text: &str) -> Result<i64, ValueError> {
        Timestamp::parse(Input::Str(text)).map(Timestamp::micros)
    }
    fn picos(text: &str) -> Result<i128, ValueError> {
        TimestampPicos::parse(Input::Str(text)).map(TimestampPicos::picos)
    }

    #[test]
    fn docs_time_zone_examples() -> R {
        // GoogleSQL "Time zones": TIMESTAMP '2008-12-25 15:30:00
        // America/Los_Angeles' and '2008-12-25 15:30:00-08:00' are the same
        // instant (LA is -08 on that date).
        assert_eq!(ts("2008-12-25 15:30:00-08:00")?, 1_230_247_800_000_000);
        #[cfg(feature = "tz")]
        assert_eq!(
            ts("2008-12-25 15:30:00 America/Los_Angeles")?,
            1_230_247_800_000_000
        );
        // The offset and name examples from the same section.
        assert_eq!(ts("2014-09-27 12:30:00.45-8:00")?, 1_411_849_800_450_000);
        assert_eq!(ts("2014-09-27T12:30:00.45Z")?, 1_411_821_000_450_000);
        #[cfg(feature = "tz")]
        assert_eq!(
            ts("2014-09-27 12:30:00.45 America/Los_Angeles")?,
            1_411_846_200_450_000
        );
        Ok(())
    }

    #[test]
    fn rfc3339_and_offset_forms() -> R {
        let base = 1_577_836_800_000_000; // 2020-01-01T00:00:00Z
        let hour = 3_600_000_000;
        for (text, want) in [
            ("2020-01-01T00:00:00Z", base),
            ("2020-01-01T00:00:00z", base),
            ("2020-01-01t00:00:00Z", base),
            ("2020-01-01 00:00:00", base),
            ("2020-01-01", base),
            ("2020-1-1", base),
            ("2020-01-01Z", base),
            ("2020-01-01 UTC", base),
            ("2020-01-01+01:00", base - hour),
            ("2020-01-01 00:00:00 UTC", base),
            ("2020-01-01T00:00:00+00:00", base),
            ("2020-01-01T00:00:00-00:00", base),
            ("2020-01-01T05:30:00+05:30", base),
            ("2020-01-01T05:30:00+0530", base),
            ("2020-01-01T05:30:00+5:30", base),
            ("2020-01-01T05:00:00+5", base),
            ("2020-01-01T05:00:00+05", base),
            ("2019-12-31T19:00:00-05:00", base),
            ("2019-12-31T17:00:00-7", base),
            ("2019-12-31T15:45:00-8:15", base),
            ("2020-01-01T14:00:00+14:00", base),
            ("2019-12-31T10:00:00-14:00", base),
            ("2020-01-01T05:00:00 UTC+5", base),
            ("2020-01-01T05:30:00 UTC+05:30", base),
            ("2020-01-01T00:00:00.000001Z", base + 1),
            ("2020-01-01T00:00:00.5+00:00", base + 500_000),
            ("2020-01-01T00:00:00.123456000Z", base + 123_456),
        ] {
            assert_eq!(ts(text)?, want, "{text}");
        }
        Ok(())
    }

    #[test]
    fn range_is_checked_after_the_offset() -> R {
        assert_eq!(ts("0001-01-01 00:00:00Z")?, MIN_MICROS);
        assert_eq!(ts("0001-01-01")?, MIN_MICROS);
        assert_eq!(ts("9999-12-31 23:59:59.999999Z")?, MAX_MICROS);
        assert_eq!(ts("0001-01-01T00:00:00-01:00")?, MIN_MICROS + 3_600_000_000);
        assert_eq!(
            ts("9999-12-31T23:59:59.999999+01:00")?,
            MAX_MICROS - 3_600_000_000
        );
        for text in [
            "0001-01-01T00:00:00+00:01",
            "0001-01-01T00:59:59.999999+01:00",
            "9999-12-31T23:59:59.999999-00:01",
            "9999-12-31T20:00:00-05:00",
            "0000-12-31T23:00:00-01:00",
        ] {
            assert!(ts(text).is_err_and(|e| e.is_out_of_range()), "{text}");
        }
        Ok(())
    }

    #[test]
    fn rejects_malformed() {
        for text in [
            "",
            "2020",
            "2020-01-01T",
            "2020-01-01 ",
            "2020-01-01  00:00:00",
            "2020-01-01T00:00",
            "2020-01-01T00:00Z",
            "2020-01-01T00:00:00 Z",
            "2020-01-01T00:00:00ZZ",
            "2020-01-01T00:00:00Z ",
            "2020-01-01T00:00:00 +01:00",
            "2020-01-01T00:00:00UTC",
            "2020-01-01T00:00:00 utc+1",
            "2020-01-01T00:00:00  UTC",
            "2020-01-01T00:00:00 UTC ",
            "2020-01-01T00:00:00 UTC+",
            "2020-01-01T00:00:00 ",
            "2020-01-01T00:00:00+",
            "2020-01-01T00:00:00+1:",
            "2020-01-01T00:00:00+123",
            "2020-01-01T00:00:00+530",
            "2020-01-01T00:00:00+05300",
            "2020-01-01T00:00:00+01:000",
            "2020-01-01T00:00:00+01:00:00",
            "2020-01-01T00:00:00+01::00",
            "2020-01-01T00:00:00+a",
            "2020-01-01T00:00:00+15",
            "2020-01-01T00:00:00+14:01",
            "2020-01-01T00:00:00-14:30",
            "2020-01-01T00:00:00+05:60",
            "2020-01-01T00:00:00America/New_York",
            "2020-01-01T00:00:00 America/New_York ",
            "2020-01-01T00:00:00 America/New York",
            "2020-01-01T00:00:00 9/Zone",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00.1234567Z",
            "2020-01-01T00:00:00.0000000001Z",
            "2020-01-01T24:00:00Z",
            "2020-01-01T23:59:60Z",
            "2020-02-30T00:00:00Z",
            "20-01-01T00:00:00Z",
            "1577836800",
            "+2020-01-01",
        ] {
            let r = ts(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text:?}: {r:?}"
            );
        }
    }

    #[test]
    fn error_messages() {
        let msg = |t: &str| ts(t).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg("2020-01-01T00:00:00+15").contains("a zone offset within ±14:00"));
        assert!(msg("2020-01-01T00:00:00.0000001Z").contains("at most 6 fractional digits"));
        assert!(msg("9999-12-31T23:00:00-05:00").starts_with("out of range: expected TIMESTAMP"));
        assert!(msg("x").starts_with("expected TIMESTAMP (\"YYYY-[M]M-[D]D"));
    }

    #[cfg(feature = "tz")]
    #[test]
    fn named_zones_with_compatible_disambiguation() -> R {
        // jiff's documented America/New_York examples: 2024-03-10 02:30 is
        // in the spring-forward gap, 2024-11-03 01:30 in the fall-back fold.
        let utc = |t: &str| ts(t);
        assert_eq!(
            utc("2024-07-15 17:30:00 America/New_York")?,
            utc("2024-07-15T21:30:00Z")?
        );
        assert_eq!(
            utc("2024-03-10 02:30:00 America/New_York")?,
            utc("2024-03-10T07:30:00Z")?
        );
        assert_eq!(
            utc("2024-11-03 01:30:00 America/New_York")?,
            utc("2024-11-03T05:30:00Z")?
        );
        // The fraction survives the zone lookup.
        assert_eq!(
            utc("2024-07-15 17:30:00.123456 America/New_York")?,
            utc("2024-07-15T21:30:00.123456Z")?
        );
        // A date alone with a name: local midnight.
        assert_eq!(
            utc("2020-01-01 Asia/Kolkata")?,
            utc("2019-12-31T18:30:00Z")?
        );
        // GoogleSQL docs: "2020-01-01 00:00:00 UTC", "2019-12-31 19:00:00
        // America/New_York" and "2020-01-01 05:30:00 Asia/Kolkata" are the
        // same instant.
        assert_eq!(
            utc("2019-12-31 19:00:00 America/New_York")?,
            utc("2020-01-01 00:00:00 UTC")?
        );
        assert_eq!(
            utc("2020-01-01 05:30:00 Asia/Kolkata")?,
            utc("2020-01-01 00:00:00 UTC")?
        );
        assert_eq!(
            utc("2020-01-01 05:30:00 America/Argentina/Buenos_Aires")?,
            utc("2020-01-01T08:30:00Z")?
        );
        assert_eq!(utc("2020-01-01 00:00:00 Etc/UTC")?, utc("2020-01-01Z")?);
        // Picoseconds too.
        assert_eq!(
            picos("2024-03-10 02:30:00.000000000001 America/New_York")?,
            picos("2024-03-10T07:30:00Z")? + 1
        );
        let unknown = utc("2020-01-01 00:00:00 Mars/Olympus_Mons");
        assert!(unknown.is_err_and(|e| e.to_string().contains("tz database")));
        Ok(())
    }

    #[cfg(feature = "tz")]
    #[test]
    fn named_zone_range_is_checked_after_the_offset() {
        // Kiritimati is +14 in 2020; LMT offsets apply in year 1.
        let r = ts("0001-01-01 00:00:00 Asia/Tokyo");
        assert!(r.is_err_and(|e| e.is_out_of_range()));
        let r = ts("9999-12-31 23:00:00 America/New_York");
        assert!(r.is_err_and(|e| e.is_out_of_range()));
        assert!(ts("9999-12-31 12:00:00 America/New_York").is_ok());
    }

    #[cfg(not(feature = "tz"))]
    #[test]
    fn zone_names_need_the_tz_feature() {
        let r = ts("2020-01-01 00:00:00 America/New_York");
        assert!(r.is_err_and(|e| e.to_string().contains("`tz` feature")));
        assert_eq!(ts("2020-01-01 00:00:00 UTC"), Ok(1_577_836_800_000_000));
    }

    #[test]
    fn json_numbers_are_epoch_micros() -> R {
        assert_eq!(Timestamp::parse(Input::Number("0"))?, Timestamp::UNIX_EPOCH);
        assert_eq!(
            Timestamp::parse(Input::Number("-1"))?.to_string(),
            "1969-12-31T23:59:59.999999Z"
        );
        assert_eq!(
            Timestamp::parse(Input::Number("-62135596800000000"))?,
            Timestamp::MIN
        );
        assert_eq!(
            Timestamp::parse(Input::Number("253402300799999999"))?,
            Timestamp::MAX
        );
        for text in [
            "-62135596800000001",
            "253402300800000000",
            "9223372036854775808",
        ] {
            let r = Timestamp::parse(Input::Number(text));
            assert!(r.is_err_and(|e| e.is_out_of_range()), "{text}");
        }
        for text in ["1.5", "1e6", "0.0"] {
            let r = Timestamp::parse(Input::Number(text));
            assert!(matches!(r, Err(ValueError::Invalid { .. })), "{text}");
        }
        for input in [
            Input::Null,
            Input::Bool(true),
            Input::Raw("{}"),
            Input::Raw("[]"),
        ] {
            assert_eq!(
                Timestamp::parse(input),
                Err(ValueError::wrong_kind(FORMS, input.kind()))
            );
        }
        Ok(())
    }

    #[test]
    fn display() -> R {
        assert_eq!(Timestamp::MIN.to_string(), "0001-01-01T00:00:00Z");
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999999Z");
        assert_eq!(Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_micros(1)?.to_string(),
            "1970-01-01T00:00:00.000001Z"
        );
        assert_eq!(
            Timestamp::from_micros(-62_135_596_799_999_999)?.to_string(),
            "0001-01-01T00:00:00.000001Z"
        );
        assert_eq!(
            Timestamp::from_micros(1_230_247_800_000_000)?.to_string(),
            "2008-12-25T23:30:00Z"
        );
        assert_eq!(TimestampPicos::MIN.to_string(), "0001-01-01T00:00:00Z");
        assert_eq!(
            TimestampPicos::MAX.to_string(),
            "9999-12-31T23:59:59.999999999999Z"
        );
        assert_eq!(
            TimestampPicos::from_picos(-1)?.to_string(),
            "1969-12-31T23:59:59.999999999999Z"
        );
        assert_eq!(
            TimestampPicos::from_picos(500_000_000_000)?.to_string(),
            "1970-01-01T00:00:00.500000000000Z"
        );
        Ok(())
    }

    #[test]
    fn from_micros_range() {
        assert!(Timestamp::from_micros(MIN_MICROS).is_ok());
        assert!(Timestamp::from_micros(MAX_MICROS).is_ok());
        for bad in [MIN_MICROS - 1, MAX_MICROS + 1, i64::MIN, i64::MAX] {
            assert!(Timestamp::from_micros(bad).is_err_and(|e| e.is_out_of_range()));
        }
        assert!(TimestampPicos::from_picos(MIN_PICOS).is_ok());
        assert!(TimestampPicos::from_picos(MAX_PICOS).is_ok());
        for bad in [MIN_PICOS - 1, MAX_PICOS + 1, i128::MIN, i128::MAX] {
            assert!(TimestampPicos::from_picos(bad).is_err_and(|e| e.is_out_of_range()));
        }
    }

    #[test]
    fn picos_forms() -> R {
        let base: i128 = 1_577_836_800 * 1_000_000_000_000;
        assert_eq!(
            picos("2020-01-01T00:00:00.123456789012Z")?,
            base + 123_456_789_012
        );
        assert_eq!(picos("2020-01-01T00:00:00.1Z")?, base + 100_000_000_000);
        assert_eq!(picos("2020-01-01 00:00:00.000000000001+00:00")?, base + 1);
        assert_eq!(picos("9999-12-31T23:59:59.999999999999Z")?, MAX_PICOS);
        assert_eq!(picos("0001-01-01")?, MIN_PICOS);
        let r = picos("2020-01-01T00:00:00.1234567890123Z");
        assert!(r.is_err_and(|e| e.to_string().contains("at most 12 fractional digits")));
        let r = picos("9999-12-31T23:59:59.999999999999-00:01");
        assert!(r.is_err_and(|e| e.is_out_of_range()));
        assert_eq!(
            TimestampPicos::parse(Input::Number("1"))?.picos(),
            1_000_000
        );
        assert!(
            TimestampPicos::parse(Input::Number("253402300800000000"))
                .is_err_and(|e| e.is_out_of_range())
        );
        assert!(TimestampPicos::parse(Input::Number("1.5")).is_err());
        assert!(TimestampPicos::parse(Input::Null).is_err());
        Ok(())
    }

    #[test]
    fn picos_micros_conversions() -> R {
        let t = Timestamp::from_micros(-1)?;
        assert_eq!(TimestampPicos::from(t).picos(), -1_000_000);
        assert_eq!(Timestamp::try_from(TimestampPicos::from(t))?, t);
        assert!(Timestamp::try_from(TimestampPicos::from_picos(1)?).is_err());
        assert_eq!(Timestamp::try_from(TimestampPicos::MIN)?, Timestamp::MIN);
        assert!(Timestamp::try_from(TimestampPicos::MAX).is_err());
        Ok(())
    }

    #[test]
    fn epoch_seconds_text() -> R {
        let s = |t: &str| Timestamp::from_epoch_seconds_text(t).map(Timestamp::micros);
        for (text, want) in [
            ("0", 0),
            ("-0", 0),
            ("0.0", 0),
            ("0e5", 0),
            ("1577836800", 1_577_836_800_000_000),
            ("1577836800.5", 1_577_836_800_500_000),
            ("1577836800.123456", 1_577_836_800_123_456),
            ("1577836800.1234560", 1_577_836_800_123_456),
            ("-1.5", -1_500_000),
            ("-0.000001", -1),
            ("1.5778368005E9", 1_577_836_800_500_000),
            ("1.5778368005e+9", 1_577_836_800_500_000),
            ("1e-6", 1),
            ("100e-8", 1),
            ("0001.5", 1_500_000),
            ("-62135596800", MIN_MICROS),
            ("253402300799.999999", MAX_MICROS),
            ("2.53402300799999999e11", MAX_MICROS),
        ] {
            assert_eq!(s(text)?, want, "{text}");
        }
        for text in ["1.0000001", "1e-7", "0.0000005", "1e-1000000000"] {
            let r = s(text);
            assert!(
                r.is_err_and(|e| e.to_string().contains("whole microseconds")),
                "{text}"
            );
        }
        for text in [
            "-62135596800.000001",
            "253402300800",
            "1e19",
            "1e1000000000",
            "99999999999999999999999",
        ] {
            assert!(s(text).is_err_and(|e| e.is_out_of_range()), "{text}");
        }
        for text in [
            "", "-", "+1", ".5", "5.", "1e", "1e+", "1.5.5", "1 ", " 1", "0x10", "NaN", "inf",
            "1,5", "١",
        ] {
            let r = s(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text:?}: {r:?}"
            );
        }
        Ok(())
    }

    fn any_micros() -> impl Strategy<Value = i64> {
        MIN_MICROS..=MAX_MICROS
    }

    proptest! {
        #[test]
        fn prop_micros_text_round_trip(m in any_micros()) {
            let t = Timestamp::from_micros(m)?;
            let text = t.to_string();
            prop_assert_eq!(ts(&text)?, m);
            prop_assert_eq!(ts(&text.replace('T', " ").replace('Z', " UTC"))?, m);
            prop_assert_eq!(Timestamp::parse(Input::Number(&m.to_string()))?, t);
            // Through the picosecond type and back.
            let p = TimestampPicos::from(t);
            prop_assert_eq!(picos(&p.to_string())?, p.picos());
            prop_assert_eq!(Timestamp::try_from(p)?, t);
        }

        #[test]
        fn prop_picos_text_round_trip(p in MIN_PICOS..=MAX_PICOS) {
            let t = TimestampPicos::from_picos(p)?;
            prop_assert_eq!(picos(&t.to_string())?, p);
        }

        #[test]
        fn prop_offsets_shift_exactly(
            m in (MIN_MICROS + 86_400_000_000)..=(MAX_MICROS - 86_400_000_000),
            sign in prop::bool::ANY,
            h in 0i64..=13,
            min in 0i64..=59,
        ) {
            // Writing the local time for an offset and parsing it back gives
            // the same instant.
            let offset = (h * 60 + min) * 60_000_000 * if sign { 1 } else { -1 };
            let local = Timestamp::from_micros(m + offset)?.to_string();
            let local = local.trim_end_matches('Z');
            let s = if sign { '+' } else { '-' };
            prop_assert_eq!(ts(&format!("{local}{s}{h:02}:{min:02}"))?, m);
            prop_assert_eq!(ts(&format!("{local}{s}{h:02}{min:02}"))?, m);
            prop_assert_eq!(ts(&format!("{local}{s}{h}:{min}"))?, m);
        }

        #[test]
        fn prop_epoch_seconds_round_trip(m in any_micros()) {
            let sign = if m < 0 { "-" } else { "" };
            let abs = m.unsigned_abs();
            let text = format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000);
            prop_assert_eq!(Timestamp::from_epoch_seconds_text(&text)?.micros(), m);
            let exp = format!("{sign}{}e-6", abs);
            prop_assert_eq!(Timestamp::from_epoch_seconds_text(&exp)?.micros(), m);
        }

        #[test]
        fn prop_never_panics(text in any::<String>()) {
            let _ = Timestamp::parse(Input::Str(&text));
            let _ = TimestampPicos::parse(Input::Str(&text));
            let _ = Timestamp::parse(Input::Number(&text));
            let _ = Timestamp::from_epoch_seconds_text(&text);
        }

        #[test]
        fn prop_never_panics_near_grammar(
            text in "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{0,13})?)?([Zz]|[+-][0-9]{0,3}(:[0-9]{0,3})?| UTC| [A-Za-z_/+-]{0,20})?"
        ) {
            if let Ok(t) = Timestamp::parse(Input::Str(&text)) {
                prop_assert_eq!(Timestamp::parse(Input::Str(&t.to_string()))?, t);
            }
            if let Ok(t) = TimestampPicos::parse(Input::Str(&text)) {
                prop_assert_eq!(TimestampPicos::parse(Input::Str(&t.to_string()))?, t);
            }
        }

        #[test]
        fn prop_epoch_seconds_never_panics(text in "-?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{0,12})?") {
            if let Ok(t) = Timestamp::from_epoch_seconds_text(&text) {
                prop_assert!((MIN_MICROS..=MAX_MICROS).contains(&t.micros()));
            }
        }
    }

    #[cfg(feature = "chrono")]
    mod chrono_tests {
        use super::*;
        use chrono::{DateTime, NaiveDate, Utc};

        #[test]
        fn both_ways() -> R {
            for t in [
                Timestamp::MIN,
                Timestamp::MAX,
                Timestamp::UNIX_EPOCH,
                Timestamp::from_micros(-1)?,
            ] {
                let c = DateTime::<Utc>::from(t);
                assert_eq!(c.timestamp_micros(), t.micros());
                assert_eq!(Timestamp::try_from(c)?, t);
            }
            let c = DateTime::from_timestamp(1, 1);
            assert!(c.is_some_and(|c| Timestamp::try_from(c).is_err()));
            let leap = NaiveDate::from_ymd_opt(2016, 12, 31)
                .and_then(|d| d.and_hms_nano_opt(23, 59, 59, 1_000_000_000))
                .map(|n| n.and_utc());
            assert!(leap.is_some_and(|c| Timestamp::try_from(c).is_err()));
            let far = NaiveDate::from_ymd_opt(10_000, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|n| n.and_utc());
            assert!(
                far.is_some_and(|c| Timestamp::try_from(c).is_err_and(|e| e.is_out_of_range()))
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use proptest::prelude::*;

    fn general(text: &str) -> Option<Timestamp> {
        let picos = parse_picos(text, 9).ok()?;
        let per = i128::from(PICOS_PER_MICRO);
        if picos % per != 0 {
            return None;
        }
        Timestamp::from_micros(i64::try_from(picos / per).ok()?).ok()
    }

    proptest! {
        /// The fast path never disagrees with the general grammar.
        #[test]
        fn fast_agrees_with_general(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62,
            s in 0u32..62, frac in proptest::option::of("[0-9]{0,8}"), sep in prop::sample::select(vec!['T', ' ', 't'])
        ) {
            let f = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{f}Z");
            if let Some(fast) = fast_rfc3339(&text) {
                prop_assert_eq!(Some(fast), general(&text), "{}", text);
            }
        }

        /// Valid text in the fast shape is taken by the fast path (it
        /// stays fast), and with any one byte changed — a non-digit in a
        /// digit's place, other punctuation, bytes above 0x7F — the fast
        /// path refuses it or agrees with the general grammar on what it
        /// read, whatever follows.
        #[test]
        fn fast_takes_its_shape_and_refuses_or_agrees_with_any_byte_changed(
            y in 1u32..10000, mo in 1u32..13, d in 1u32..29, h in 0u32..24, mi in 0u32..60,
            s in 0u32..60, frac in proptest::option::of("[0-9]{1,6}"),
            sep in prop::sample::select(vec!['T', ' ']),
            at in 0usize..32, byte in any::<u8>(), after in "[\"Z0-9 ,]{0,3}",
        ) {
            let f = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{f}Z");
            let fast = fast_rfc3339_prefix(format!("{text}{after}").as_bytes());
            prop_assert_eq!(fast.map(|(t, len)| (Some(t), len)), Some((general(&text), text.len())), "{}", text);
            let mut bytes = format!("{text}{after}").into_bytes();
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            if let Some((t, len)) = fast_rfc3339_prefix(&bytes) {
                let read = std::str::from_utf8(&bytes[..len]);
                prop_assert!(read.is_ok(), "{:?}", bytes);
                prop_assert_eq!(Some(t), general(read.unwrap_or_default()), "{:?}", bytes);
            }
        }
    }
}
