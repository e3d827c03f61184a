//! DATE, TIME, DATETIME, and BigQuery's CivilTime packed-int64 encodings.
//!
//! # Literals
//!
//! The text forms follow GoogleSQL's canonical formats (BigQuery "Data types",
//! and the same text in ZetaSQL's `docs/data-types.md`):
//!
//! | type | literal |
//! | --- | --- |
//! | DATE | `YYYY-[M]M-[D]D` |
//! | TIME | `[H]H:[M]M:[S]S[.F]` |
//! | DATETIME | `YYYY-[M]M-[D]D[( \|T)[H]H:[M]M:[S]S[.F]]` |
//!
//! The year has exactly four digits (0001–9999); month, day, hour, minute and
//! second have one or two. Seconds are required whenever a time is given
//! (`12:30` is rejected, as GoogleSQL does). No surrounding whitespace, sign
//! or other separator is accepted.
//!
//! Choices where the docs are silent or where BigQuery alters values:
//! - **Lower-case `t`** between date and time is accepted, like ZetaSQL's
//!   reference parser (`ParseStringToDatetimeParts` accepts `' '`, `'T'`, `'t'`).
//! - **Fractional seconds**: these types hold microseconds. One to six digits
//!   are kept exactly; a 7th, 8th or 9th digit is accepted only when it is `0`
//!   (nothing is lost); any other 7th–9th digit, or a 10th digit, is an error
//!   (BigQuery would reject or truncate; we never drop a digit silently).
//!   `12:00:00.` (a point without digits) is an error.
//! - **Leap second `:60`** is rejected. GoogleSQL folds it into the next
//!   minute and clears the fraction, which alters the value.
//! - **`24:00:00`** is rejected (hours are 0–23).
//! - **A digit string is not a number**: `"18262"` as a JSON *string* is not a
//!   DATE; only a JSON *number* is read as days (DATE) or as a CivilTime packed
//!   integer (TIME, DATETIME). Numbers must be plain integers (`1e3`, `1.0`
//!   are rejected).
//!
//! # Integers
//!
//! - DATE: days since 1970-01-01, −719162 (0001-01-01) … 2932896 (9999-12-31),
//!   as in the Storage Write API type table (`int32`, days since the epoch).
//! - TIME, DATETIME: the CivilTime bit fields of the official clients'
//!   `CivilTimeEncoder` (ported from ZetaSQL), most significant field first:
//!
//! ```text
//! TIME     seconds: hour<<12 | minute<<6 | second                       (17 bits)
//! TIME     micros:  TIME seconds<<20 | microsecond                      (37 bits)
//! DATETIME seconds: year<<26 | month<<22 | day<<17 | TIME seconds       (40 bits)
//! DATETIME micros:  DATETIME seconds<<20 | microsecond                  (60 bits)
//! ```
//!
//! Field widths: year 14, month 4, day 5, hour 5, minute 6, second 6,
//! microsecond 20. Decoding rejects any bit outside these fields (so any
//! negative number), any field out of range (month 13, hour 24, second 60,
//! microsecond ≥ 10⁶) and any day that does not exist in its month (the Java
//! encoder only checks 1–31; we check the calendar).

use super::Input;
use crate::error::ValueError;
use std::fmt;

/// Days since 1970-01-01 of 0001-01-01.
const MIN_DAYS: i32 = -719_162;
/// Days since 1970-01-01 of 9999-12-31.
const MAX_DAYS: i32 = 2_932_896;
/// Microseconds in a day (no leap seconds in BigQuery's time scale).
pub(crate) const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Seconds in a day.
pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
/// Picoseconds in a microsecond.
pub(crate) const PICOS_PER_MICRO: u64 = 1_000_000;
/// Picoseconds in a second.
pub(crate) const PICOS_PER_SECOND: u64 = 1_000_000_000_000;

const DATE_FORMS: &str = "DATE (\"YYYY-[M]M-[D]D\" or an integer of days since 1970-01-01)";
const DATE_RANGE: &str = "DATE 0001-01-01 … 9999-12-31 (days −719162 … 2932896)";
const TIME_FORMS: &str = "TIME (\"[H]H:[M]M:[S]S[.F]\" or a CivilTime packed-micros integer)";
const DATETIME_FORMS: &str =
    "DATETIME (\"YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]\" or a CivilTime packed-micros integer)";
const DATETIME_RANGE: &str = "DATETIME 0001-01-01T00:00:00 … 9999-12-31T23:59:59.999999";
/// The rule broken by a 7th–9th fractional digit that is not 0.
pub(crate) const MICRO_PRECISION: &str =
    "at most 6 fractional digits (a 7th to 9th digit only when it is 0)";

// ---------------------------------------------------------------------------
// Calendar arithmetic.
//
// Written by hand (Howard Hinnant's days-from-civil algorithms) rather than
// taken from chrono or jiff: the core has no date library dependency (jiff is
// optional, behind `tz`), and these two functions are all we need. Every
// input is range-checked first, so every intermediate below is small and
// non-negative where noted; nothing can overflow an i32.
// ---------------------------------------------------------------------------

#[inline]
fn is_leap_year(year: i32) -> bool {
    // `&` and `|`, not `&&` and `||`: no branch on the year (rows bring
    // years in no order a predictor could learn).
    (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
}

/// Days in each month of a common year (index 0 unused).
const MONTH_DAYS: [u8; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// The days of `month` (1–12; 0 for any other) in `year`, by table: a
/// `match` on the month becomes a branch that random dates mispredict.
#[inline]
fn days_in_month(year: i32, month: u32) -> u32 {
    let common = usize::try_from(month)
        .ok()
        .and_then(|m| MONTH_DAYS.get(m))
        .map_or(0, |&d| u32::from(d));
    common + u32::from((month == 2) & is_leap_year(year))
}

/// Days before the first of each month in a common year (index 0 unused).
const DAYS_BEFORE_MONTH: [u16; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Days from 0001-01-01 to 1970-01-01.
const EPOCH_FROM_YEAR_ONE: i32 = 719_162;

/// Days since 1970-01-01 of a valid date with year 1–9999: whole years
/// before it (with their leap days) plus the days before its month by
/// table. Unsigned arithmetic and a table instead of the March-based
/// formula: divisions by constants become plain multiplications, and
/// nothing branches on the month.
#[inline]
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    // year ≥ 1, month 1–12 and day 1–31 were checked: every step is exact.
    let y = year.unsigned_abs().saturating_sub(1); // whole years before: 0..=9998
    let before = usize::try_from(month)
        .ok()
        .and_then(|m| DAYS_BEFORE_MONTH.get(m))
        .map_or(0, |&d| u32::from(d));
    let leap_day = u32::from((month > 2) & is_leap_year(year));
    let days = y * 365 + y / 4 - y / 100 + y / 400 + before + leap_day + day - 1; // < 2^22
    i32::try_from(days).unwrap_or(0) - EPOCH_FROM_YEAR_ONE
}

/// (year, month, day) of days since 1970-01-01 within [`MIN_DAYS`, `MAX_DAYS`].
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468; // ≥ 306, so plain division is floor division
    let era = z / 146_097;
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1; // 1..=31
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // 1..=12
    let year = yoe + era * 400 + i32::from(month <= 2);
    // month and day are positive, so unsigned_abs is the exact conversion.
    (year, month.unsigned_abs(), day.unsigned_abs())
}

// ---------------------------------------------------------------------------
// The one literal parser, shared with `timestamp`.
// ---------------------------------------------------------------------------

/// Why a civil literal was rejected; the caller names the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reject {
    /// The text does not follow the grammar.
    Syntax,
    /// A field is out of its range; the rule, as a noun phrase.
    Field(&'static str),
    /// More fractional digits than the type holds (or past the allowed count).
    Precision,
    /// Year 0000 (the only out-of-range year four digits can spell).
    Year,
}

impl Reject {
    /// The error for this rejection of `text` as the type described by the
    /// other arguments.
    pub(crate) fn into_error(
        self,
        forms: &'static str,
        range: &'static str,
        precision: &'static str,
        text: &str,
    ) -> ValueError {
        match self {
            Reject::Syntax => ValueError::invalid(forms, text),
            Reject::Field(rule) => ValueError::invalid(format!("{forms} with {rule}"), text),
            Reject::Precision => ValueError::invalid(format!("{forms} with {precision}"), text),
            Reject::Year => ValueError::out_of_range(range, text),
        }
    }
}

/// A position in an ASCII-grammar literal. Only ASCII bytes are consumed, so
/// the position is always a character boundary.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.text
            .as_bytes()
            .get(self.pos.checked_add(ahead)?)
            .copied()
    }

    pub(crate) fn is_at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// Consumes `byte` (ASCII) if it is next.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The unconsumed rest of the text.
    pub(crate) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Reads `min..=max` ASCII digits (greedy) as a number.
    pub(crate) fn digits(&mut self, min: usize, max: usize) -> Result<u32, Reject> {
        let mut value: u32 = 0;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    // max ≤ 4 at every call site, so this stays below 10⁴.
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        if count < min {
            Err(Reject::Syntax)
        } else {
            Ok(value)
        }
    }

    /// Reads a run of fractional digits after a `.`: at least one, at most
    /// `max` (≤ 12), as picoseconds of a second.
    fn fraction_picos(&mut self, max: usize) -> Result<u64, Reject> {
        let mut picos: u64 = 0;
        let mut count = 0usize;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            count += 1;
            if count <= 12 {
                picos = picos * 10 + u64::from(b - b'0');
            }
        }
        if count == 0 {
            return Err(Reject::Syntax);
        }
        if count > max {
            return Err(Reject::Precision);
        }
        // count ≤ max ≤ 12: scale the digits read to 12 places.
        for _ in count..12 {
            picos *= 10;
        }
        Ok(picos)
    }
}

/// A time of day as parsed, with the fraction kept to the picosecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TimeOfDay {
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    /// Picoseconds of the second, < 10¹².
    pub(crate) picos: u64,
}

impl TimeOfDay {
    /// Seconds since midnight.
    pub(crate) fn seconds(self) -> i64 {
        i64::from(self.hour) * 3_600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }

    /// As a [`Time`]; [`Reject::Precision`] when the fraction is finer than a
    /// microsecond.
    pub(crate) fn to_time(self) -> Result<Time, Reject> {
        if !self.picos.is_multiple_of(PICOS_PER_MICRO) {
            return Err(Reject::Precision);
        }
        let micro = u32::try_from(self.picos / PICOS_PER_MICRO).map_err(|_| Reject::Precision)?;
        Ok(Time {
            hour: self.hour,
            minute: self.minute,
            second: self.second,
            micro,
        })
    }
}

/// Parses `YYYY-[M]M-[D]D` at the cursor, checking the calendar.
pub(crate) fn parse_date_prefix(c: &mut Cursor<'_>) -> Result<Date, Reject> {
    // The canonical shape `YYYY-MM-DD` (not followed by a digit, which the
    // general path would refuse too) read in one go; anything else takes the
    // general path. Same checks, same result.
    if let Some(&[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]) =
        c.text.as_bytes().get(c.pos..c.pos + 10)
        && !c.peek_at(10).is_some_and(|b| b.is_ascii_digit())
        && let (Some(year), Some(month), Some(day)) = (
            ascii_number(&[y0, y1, y2, y3]),
            ascii_number(&[m0, m1]),
            ascii_number(&[d0, d1]),
        )
    {
        c.pos += 10;
        return checked_date(year, month, day);
    }
    let year = c.digits(4, 4)?;
    if !c.eat(b'-') {
        return Err(Reject::Syntax);
    }
    let month = c.digits(1, 2)?;
    if !c.eat(b'-') {
        return Err(Reject::Syntax);
    }
    let day = c.digits(1, 2)?;
    checked_date(year, month, day)
}

/// The value of a few ASCII digits, or `None` if one is not a digit.
#[inline]
fn ascii_number(digits: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    Some(v)
}

/// The values of `N` ASCII digits, or `None` if one is not a digit (one
/// test for all of them: a value below 10 plus 6 stays below 16).
#[inline(always)]
pub(crate) fn ascii_digits<const N: usize>(chars: [u8; N]) -> Option<[u32; N]> {
    let values = chars.map(|c| u32::from(c.wrapping_sub(b'0')));
    let mut any = 0u32;
    for v in values {
        any |= v + 6;
    }
    (any < 16).then_some(values)
}

/// The canonical `YYYY-MM-DD` alone, by fixed positions, when it is a date
/// that exists; `None` for anything else (the general parser then decides).
/// Inlined into the row walk's DATE leaf.
#[inline]
pub(crate) fn fast_date(text: &str) -> Option<Date> {
    fast_date_bytes(<&[u8; 10]>::try_from(text.as_bytes()).ok()?)
}

/// [`fast_date`] on ten bytes: the row walk reads a quoted DATE with it
/// straight from the row, then checks that the closing quote follows (every
/// byte it accepts is a digit or `-`, so no escape or quote hides in them).
#[inline]
pub(crate) fn fast_date_bytes(b: &[u8; 10]) -> Option<Date> {
    let (ym, rest) = b.split_first_chunk::<8>()?;
    let &[d0, d1] = rest else {
        return None;
    };
    let ym = u64::from_le_bytes(*ym);
    if ym & YM_DASHES != 0x2D00_002D_0000_0000 || !swar_digits(ym, YM_DIGITS) {
        return None;
    }
    let [d0, d1] = ascii_digits([d0, d1])?;
    let (year, month) = year_month(ym);
    checked_date(year, month, d0 * 10 + d1).ok()
}

/// `YYYY-MM-` as a little-endian word: its digits (bytes 0–3 and 5–6) and
/// its dashes (bytes 4 and 7), for [`swar_digits`] and a masked compare.
pub(crate) const YM_DIGITS: u64 = 0x00FF_FF00_FFFF_FFFF;
/// See [`YM_DIGITS`].
pub(crate) const YM_DASHES: u64 = 0xFF00_00FF_0000_0000;

/// The year and month of a checked `YYYY-MM-` word.
#[inline(always)]
pub(crate) fn year_month(ym: u64) -> (u32, u32) {
    let pairs = swar_pairs(ym, YM_DIGITS);
    (
        pair_at(pairs, 0) * 100 + pair_at(pairs, 2),
        pair_at(pairs, 5),
    )
}

/// Byte `k` of a [`swar_pairs`] word.
#[inline(always)]
pub(crate) fn pair_at(pairs: u64, k: u32) -> u32 {
    (pairs >> (8 * k)) as u32 & 0xFF
}

/// True when every byte of `w` that `mask` selects (0xFF bytes) is an ASCII
/// digit: its high nibble is 3, and adding 6 leaves it 3 (a low nibble of
/// at most 9). A byte that fails may carry into the next one, but the whole
/// test fails with it.
#[inline(always)]
pub(crate) fn swar_digits(w: u64, mask: u64) -> bool {
    let high = 0xF0F0_F0F0_F0F0_F0F0 & mask;
    let threes = 0x3030_3030_3030_3030 & mask;
    let x = w & mask;
    x & high == threes && x.wrapping_add(0x0606_0606_0606_0606 & mask) & high == threes
}

/// For the digit bytes `mask` selects (checked by [`swar_digits`]): byte
/// `k` of the result is `10 × digit k + digit k+1` (the other bytes count
/// as 0; no byte carries, every sum is at most 99).
#[inline(always)]
pub(crate) fn swar_pairs(w: u64, mask: u64) -> u64 {
    let d = (w & mask) - (0x3030_3030_3030_3030 & mask);
    d * 10 + (d >> 8)
}

/// A date from its fields (year of at most four digits), range-checked.
#[inline]
pub(crate) fn checked_date(year: u32, month: u32, day: u32) -> Result<Date, Reject> {
    if year == 0 {
        return Err(Reject::Year);
    }
    if !(1..=12).contains(&month) {
        return Err(Reject::Field("a month 1–12"));
    }
    // year ≤ 9999 (four digits), so the conversion is exact.
    let year = i32::try_from(year).map_err(|_| Reject::Year)?;
    if day == 0 || day > days_in_month(year, month) {
        return Err(Reject::Field("a day that exists in its month"));
    }
    Ok(Date(days_from_civil(year, month, day)))
}

/// Parses `[H]H:[M]M:[S]S[.F]` at the cursor, with at most `max_fraction`
/// fractional digits (≤ 12).
pub(crate) fn parse_time_prefix(
    c: &mut Cursor<'_>,
    max_fraction: usize,
) -> Result<TimeOfDay, Reject> {
    // The canonical `HH:MM:SS` in one go (not followed by a digit, which the
    // general path refuses too); anything else takes the general path.
    let (hour, minute, second) = if let Some(&[h0, h1, b':', m0, m1, b':', s0, s1]) =
        c.text.as_bytes().get(c.pos..c.pos + 8)
        && !c.peek_at(8).is_some_and(|b| b.is_ascii_digit())
        && let (Some(h), Some(m), Some(s)) = (
            ascii_number(&[h0, h1]),
            ascii_number(&[m0, m1]),
            ascii_number(&[s0, s1]),
        ) {
        c.pos += 8;
        (h, m, s)
    } else {
        let hour = c.digits(1, 2)?;
        if !c.eat(b':') {
            return Err(Reject::Syntax);
        }
        let minute = c.digits(1, 2)?;
        if !c.eat(b':') {
            return Err(Reject::Syntax);
        }
        (hour, minute, c.digits(1, 2)?)
    };
    let picos = if c.eat(b'.') {
        c.fraction_picos(max_fraction)?
    } else {
        0
    };
    let field = |v: u32, max: u32, rule: &'static str| {
        u8::try_from(v)
            .ok()
            .filter(|v| u32::from(*v) <= max)
            .ok_or(Reject::Field(rule))
    };
    Ok(TimeOfDay {
        hour: field(hour, 23, "an hour 0–23")?,
        minute: field(minute, 59, "a minute 0–59")?,
        second: field(second, 59, "a second 0–59 (leap seconds are not accepted)")?,
        picos,
    })
}

/// Parses `YYYY-[M]M-[D]D[( |T|t)[H]H:[M]M:[S]S[.F]]` at the cursor. The
/// separator is consumed only when a digit follows it, so that a TIMESTAMP's
/// ` Area/City` zone stays for the caller. No time means midnight.
pub(crate) fn parse_datetime_prefix(
    c: &mut Cursor<'_>,
    max_fraction: usize,
) -> Result<(Date, TimeOfDay), Reject> {
    let date = parse_date_prefix(c)?;
    let separator = matches!(c.peek(), Some(b' ' | b'T' | b't'));
    let digit_follows = matches!(c.peek_at(1), Some(b'0'..=b'9'));
    if separator && digit_follows {
        c.pos += 1;
        let time = parse_time_prefix(c, max_fraction)?;
        Ok((date, time))
    } else {
        Ok((date, TimeOfDay::default()))
    }
}

/// What a JSON number that should be an integer turned out to be.
pub(crate) enum IntegerError {
    /// Not a plain integer (a fraction or an exponent).
    NotInteger,
    /// An integer outside i64.
    TooLarge,
}

/// Reads a JSON number's text as an i64: only `-?[0-9]+` is an integer here.
pub(crate) fn json_integer(text: &str) -> Result<i64, IntegerError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IntegerError::NotInteger);
    }
    text.parse::<i64>().map_err(|_| IntegerError::TooLarge)
}

// ---------------------------------------------------------------------------
// DATE
// ---------------------------------------------------------------------------

/// A DATE: days since 1970-01-01, 0001-01-01 (−719162) … 9999-12-31 (2932896).
///
/// # Examples
///
/// This also shows the constants, [`days`](Self::days) and [`ymd`](Self::ymd).
///
/// ```
/// use bqcodec::value::civil::Date;
///
/// let d = Date::from_ymd(2024, 2, 29)?;
/// assert_eq!((d.days(), d.ymd()), (19782, (2024, 2, 29)));
/// assert_eq!(d.to_string(), "2024-02-29");
/// assert_eq!((Date::MIN.days(), Date::MAX.to_string()), (-719162, "9999-12-31".to_owned()));
/// assert_eq!(Date::EPOCH.to_string(), "1970-01-01");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// 0001-01-01.
    pub const MIN: Date = Date(MIN_DAYS);
    /// 9999-12-31.
    pub const MAX: Date = Date(MAX_DAYS);
    /// 1970-01-01.
    pub const EPOCH: Date = Date(0);

    /// From days since 1970-01-01; range-checked.
    ///
    /// Accepts −719162 (0001-01-01) … 2932896 (9999-12-31); anything else is
    /// [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Date;
    ///
    /// assert_eq!(Date::from_days(-1)?.to_string(), "1969-12-31");
    /// assert_eq!(Date::from_days(2932896)?, Date::MAX);
    /// assert!(Date::from_days(2932897).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_days(days: i32) -> Result<Self, ValueError> {
        if (MIN_DAYS..=MAX_DAYS).contains(&days) {
            Ok(Date(days))
        } else {
            Err(ValueError::out_of_range(DATE_RANGE, &days.to_string()))
        }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.0
    }

    /// From year, month (1–12), day (1–31); checked.
    ///
    /// A year outside 1–9999 is [`ValueError::OutOfRange`]; a month outside
    /// 1–12 or a day that does not exist in its month (2021-02-29) is
    /// [`ValueError::Invalid`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Date;
    ///
    /// assert_eq!(Date::from_ymd(2000, 2, 29)?.days(), 11016);
    /// assert_eq!(Date::from_ymd(2021, 2, 29).unwrap_err().to_string(),
    ///     r#"expected DATE with a day that exists in its month, found "2021-02-29""#);
    /// assert!(Date::from_ymd(10000, 1, 1).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Self, ValueError> {
        let found = || format!("{year:04}-{month:02}-{day:02}");
        if !(1..=9999).contains(&year) {
            return Err(ValueError::out_of_range(DATE_RANGE, &found()));
        }
        if !(1..=12).contains(&month) {
            return Err(ValueError::invalid("DATE with a month 1–12", &found()));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(ValueError::invalid(
                "DATE with a day that exists in its month",
                &found(),
            ));
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// `"YYYY-[M]M-[D]D"` (a JSON string) or a JSON integer of days since
    /// 1970-01-01.
    ///
    /// Rejects: any other text (see the module docs for the exact grammar),
    /// a digit string (`"18262"` is not days: only a JSON number is), a
    /// number with a fraction or exponent, days outside −719162 … 2932896,
    /// null, booleans, arrays and objects.
    ///
    /// ```
    /// use bqcodec::value::{Input, civil::Date};
    /// assert_eq!(Date::parse(Input::Str("2020-1-1"))?.days(), 18262);
    /// assert_eq!(Date::parse(Input::Number("18262"))?.to_string(), "2020-01-01");
    /// assert!(Date::parse(Input::Str("18262")).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => Self::parse_text(text),
            Input::Number(text) => match json_integer(text) {
                Ok(days) => i32::try_from(days)
                    .map_err(|_| ValueError::out_of_range(DATE_RANGE, text))
                    .and_then(Date::from_days),
                Err(IntegerError::TooLarge) => Err(ValueError::out_of_range(DATE_RANGE, text)),
                Err(IntegerError::NotInteger) => Err(ValueError::invalid(DATE_FORMS, text)),
            },
            other => Err(ValueError::wrong_kind(DATE_FORMS, other.kind())),
        }
    }

    /// Parses the literal `YYYY-[M]M-[D]D` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Date;
    ///
    /// assert_eq!(Date::parse_text("2024-3-5")?.to_string(), "2024-03-05");
    /// assert!(Date::parse_text("2024-03-05T00:00:00").is_err()); // a date alone
    /// assert!(Date::parse_text(" 2024-03-05").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse_text(text: &str) -> Result<Self, ValueError> {
        // The canonical `YYYY-MM-DD` alone, by fixed positions; anything
        // else (or a date that does not exist) takes the general path,
        // which decides and words the error.
        if let Some(date) = fast_date(text) {
            return Ok(date);
        }
        let mut c = Cursor::new(text);
        parse_date_prefix(&mut c)
            .and_then(|d| {
                if c.is_at_end() {
                    Ok(d)
                } else {
                    Err(Reject::Syntax)
                }
            })
            .map_err(|r| r.into_error(DATE_FORMS, DATE_RANGE, MICRO_PRECISION, text))
    }
}

/// Writes `v` into `out` as exactly `out.len()` decimal digits, zero-padded
/// (higher digits of a larger `v` are dropped; callers pass values in range).
/// By hand because `write!("{:02}")` costs a formatter per field, and dates
/// and times are written for every row of a decode or an insertAll body.
pub(crate) fn put_digits(out: &mut [u8], mut v: u32) {
    for c in out.iter_mut().rev() {
        *c = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// `"YYYY-MM-DD"` of a date in the DATE range (years 1 to 9999).
pub(crate) fn date_ascii(date: Date) -> [u8; 10] {
    let (y, m, d) = date.ymd();
    let mut b = *b"0000-00-00";
    if let Some(p) = b.get_mut(0..4) {
        put_digits(p, u32::try_from(y).unwrap_or(0));
    }
    if let Some(p) = b.get_mut(5..7) {
        put_digits(p, m);
    }
    if let Some(p) = b.get_mut(8..10) {
        put_digits(p, d);
    }
    b
}

/// `"HH:MM:SS"`, then `".ffffff"` when `micro` is not zero: the bytes and
/// how many of them are used.
pub(crate) fn time_ascii(hour: u32, minute: u32, second: u32, micro: u32) -> ([u8; 15], usize) {
    let mut b = *b"00:00:00.000000";
    if let Some(p) = b.get_mut(0..2) {
        put_digits(p, hour);
    }
    if let Some(p) = b.get_mut(3..5) {
        put_digits(p, minute);
    }
    if let Some(p) = b.get_mut(6..8) {
        put_digits(p, second);
    }
    if micro == 0 {
        return (b, 8);
    }
    if let Some(p) = b.get_mut(9..15) {
        put_digits(p, micro);
    }
    (b, 15)
}

/// `"YYYY-MM-DD"`, `sep`, `"HH:MM:SS"` and `".ffffff"` when `micro` is not
/// zero, in one buffer: the bytes and how many are used.
pub(crate) fn date_time_ascii(
    date: Date,
    sep: u8,
    (hour, minute, second, micro): (u32, u32, u32, u32),
) -> ([u8; 27], usize) {
    let mut b = [0u8; 27];
    let d = date_ascii(date);
    let (t, n) = time_ascii(hour, minute, second, micro);
    for (slot, &c) in b
        .iter_mut()
        .zip(d.iter().chain([sep].iter()).chain(t.iter()))
    {
        *slot = c;
    }
    (b, 11 + n)
}

/// The text of ASCII digits and separators (always UTF-8).
pub(crate) fn ascii_str(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

impl fmt::Display for Date {
    /// "YYYY-MM-DD".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ascii_str(&date_ascii(*self)))
    }
}

// ---------------------------------------------------------------------------
// TIME
// ---------------------------------------------------------------------------

const TIME_PACKED_MICROS: &str =
    "TIME as CivilTime packed micros (hour<<32 | minute<<26 | second<<20 | microsecond)";
const TIME_PACKED_SECONDS: &str =
    "TIME as CivilTime packed seconds (hour<<12 | minute<<6 | second)";
const DATETIME_PACKED_MICROS: &str = "DATETIME as CivilTime packed micros (year<<46 | month<<42 | day<<37 | hour<<32 | minute<<26 | second<<20 | microsecond)";
const DATETIME_PACKED_SECONDS: &str = "DATETIME as CivilTime packed seconds (year<<26 | month<<22 | day<<17 | hour<<12 | minute<<6 | second)";

const MICRO_BITS: u32 = 20;
const MINUTE_SHIFT: u32 = 6;
const HOUR_SHIFT: u32 = 12;
const DAY_SHIFT: u32 = 17;
const MONTH_SHIFT: u32 = 22;
const YEAR_SHIFT: u32 = 26;
/// Bits a packed-seconds TIME may use: hour 5, minute 6, second 6.
const TIME_SECONDS_MASK: i64 = 0x1_FFFF;
/// Bits a packed-micros TIME may use: 17 + 20.
const TIME_MICROS_MASK: i64 = 0x1F_FFFF_FFFF;
/// Bits a packed-seconds DATETIME may use: year 14, month 4, day 5, + 17.
const DATETIME_SECONDS_MASK: i64 = 0xFF_FFFF_FFFF;
/// Bits a packed-micros DATETIME may use: 40 + 20.
const DATETIME_MICROS_MASK: i64 = 0x0FFF_FFFF_FFFF_FFFF;

/// The field of `width` bits at `shift` of a non-negative packed value.
fn bit_field(packed: i64, shift: u32, width: u32) -> Option<u32> {
    u32::try_from((packed >> shift) & ((1i64 << width) - 1)).ok()
}

/// A TIME of day with microseconds: 00:00:00 … 23:59:59.999999.
///
/// # Examples
///
/// This also shows [`MIDNIGHT`](Self::MIDNIGHT), [`MAX`](Self::MAX) and
/// [`hms_micro`](Self::hms_micro).
///
/// ```
/// use bqcodec::value::civil::Time;
///
/// let t = Time::new(13, 14, 15, 16_000)?;
/// assert_eq!(t.hms_micro(), (13, 14, 15, 16_000));
/// assert_eq!(t.to_string(), "13:14:15.016000");
/// assert_eq!(Time::MIDNIGHT.to_string(), "00:00:00"); // no fraction when it is zero
/// assert_eq!(Time::MAX.to_string(), "23:59:59.999999");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    micro: u32,
}

impl Time {
    /// 00:00:00.
    pub const MIDNIGHT: Time = Time {
        hour: 0,
        minute: 0,
        second: 0,
        micro: 0,
    };
    /// 23:59:59.999999.
    pub const MAX: Time = Time {
        hour: 23,
        minute: 59,
        second: 59,
        micro: 999_999,
    };

    /// From its fields; checked.
    ///
    /// Accepts hour 0–23, minute 0–59, second 0–59 (no leap second), micro
    /// 0–999999; anything else is [`ValueError::Invalid`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::new(23, 59, 59, 999_999)?, Time::MAX);
    /// assert_eq!(Time::new(23, 59, 60, 0).unwrap_err().to_string(), // no leap second
    ///     r#"expected TIME with hour 0–23, minute 0–59, second 0–59, microsecond 0–999999, found "23:59:60.000000""#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn new(hour: u32, minute: u32, second: u32, micro: u32) -> Result<Self, ValueError> {
        let small = |v: u32, max: u8| u8::try_from(v).ok().filter(|v| *v <= max);
        match (small(hour, 23), small(minute, 59), small(second, 59)) {
            (Some(hour), Some(minute), Some(second)) if micro < 1_000_000 => Ok(Time {
                hour,
                minute,
                second,
                micro,
            }),
            _ => Err(ValueError::invalid(
                "TIME with hour 0–23, minute 0–59, second 0–59, microsecond 0–999999",
                &format!("{hour:02}:{minute:02}:{second:02}.{micro:06}"),
            )),
        }
    }

    /// (hour, minute, second, microsecond).
    pub fn hms_micro(self) -> (u32, u32, u32, u32) {
        (
            self.hour.into(),
            self.minute.into(),
            self.second.into(),
            self.micro,
        )
    }

    /// A literal `"[H]H:[M]M:[S]S[.F]"` (a JSON string) or a JSON integer
    /// (CivilTime packed micros, see [`Time::from_packed_micros`]).
    ///
    /// Rejects: text outside the grammar (module docs), hour 24, minute or
    /// second 60, a 7th–9th fractional digit other than 0, more than 9
    /// fractional digits, a number that is not an integer or not a valid
    /// packed TIME, null, booleans, arrays and objects.
    ///
    /// ```
    /// use bqcodec::value::{Input, civil::Time};
    /// assert_eq!(Time::parse(Input::Str("1:2:3.4"))?.to_string(), "01:02:03.400000");
    /// assert_eq!(Time::parse(Input::Number("56789843584"))?.to_string(), "13:14:15.016000");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => Self::parse_text(text),
            Input::Number(text) => match json_integer(text) {
                Ok(packed) => Time::from_packed_micros(packed),
                Err(_) => Err(ValueError::invalid(TIME_FORMS, text)),
            },
            other => Err(ValueError::wrong_kind(TIME_FORMS, other.kind())),
        }
    }

    /// Parses the literal `[H]H:[M]M:[S]S[.F]` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::parse_text("9:5:1")?.to_string(), "09:05:01");
    /// assert_eq!(Time::parse_text("12:00:00.123456000")?.to_string(), "12:00:00.123456"); // zeros past µs are fine
    /// assert!(Time::parse_text("12:00:00.1234567").is_err()); // a 7th digit would be lost
    /// assert!(Time::parse_text("24:00:00").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse_text(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(text);
        parse_time_prefix(&mut c, 9)
            .and_then(|t| {
                if c.is_at_end() {
                    t.to_time()
                } else {
                    Err(Reject::Syntax)
                }
            })
            .map_err(|r| r.into_error(TIME_FORMS, TIME_FORMS, MICRO_PRECISION, text))
    }

    fn packed_seconds_bits(self) -> i64 {
        i64::from(self.hour) << HOUR_SHIFT
            | i64::from(self.minute) << MINUTE_SHIFT
            | i64::from(self.second)
    }

    /// CivilTime packed with microseconds:
    /// `hour<<32 | minute<<26 | second<<20 | microsecond`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// // hour<<32 | minute<<26 | second<<20 | microsecond
    /// let t = Time::new(13, 14, 15, 16_000)?;
    /// assert_eq!(t.to_packed_micros(), 13 << 32 | 14 << 26 | 15 << 20 | 16_000);
    /// assert_eq!(t.to_packed_micros(), 56_789_843_584);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_packed_micros(self) -> i64 {
        self.packed_seconds_bits() << MICRO_BITS | i64::from(self.micro)
    }

    /// Inverse of [`Time::to_packed_micros`]; checked.
    ///
    /// Rejects any bit outside the 37 field bits (so any negative value) and
    /// any field out of range (hour 24–31, minute or second 60–63,
    /// microsecond ≥ 10⁶).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::from_packed_micros(56_789_843_584)?.to_string(), "13:14:15.016000");
    /// assert!(Time::from_packed_micros(24 << 32).is_err()); // hour 24
    /// assert!(Time::from_packed_micros(-1).is_err());
    /// assert_eq!(Time::from_packed_micros(999_999 + 1).unwrap_err().to_string(), // microsecond field ≥ 10⁶
    ///     r#"expected TIME as CivilTime packed micros (hour<<32 | minute<<26 | second<<20 | microsecond), found "1000000""#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_packed_micros(packed: i64) -> Result<Self, ValueError> {
        let bad = || ValueError::invalid(TIME_PACKED_MICROS, &packed.to_string());
        if packed & !TIME_MICROS_MASK != 0 {
            return Err(bad());
        }
        let micro = bit_field(packed, 0, MICRO_BITS).ok_or_else(bad)?;
        let time = Time::from_packed_seconds(packed >> MICRO_BITS).map_err(|_| bad())?;
        Time::new(
            time.hour.into(),
            time.minute.into(),
            time.second.into(),
            micro,
        )
        .map_err(|_| bad())
    }

    /// CivilTime packed to the second: `hour<<12 | minute<<6 | second`.
    ///
    /// An error when the microseconds are not zero: the encoding cannot hold
    /// them, and they are never dropped silently.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// // hour<<12 | minute<<6 | second
    /// assert_eq!(Time::new(13, 14, 15, 0)?.to_packed_seconds()?, 13 << 12 | 14 << 6 | 15);
    /// assert!(Time::new(13, 14, 15, 1)?.to_packed_seconds().is_err()); // µs are never dropped
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_packed_seconds(self) -> Result<i64, ValueError> {
        if self.micro != 0 {
            return Err(ValueError::invalid(
                "TIME without fractional seconds (CivilTime packed seconds holds whole seconds)",
                &self.to_string(),
            ));
        }
        Ok(self.packed_seconds_bits())
    }

    /// Inverse of [`Time::to_packed_seconds`]; checked.
    ///
    /// Rejects any bit outside the 17 field bits (so any negative value) and
    /// any field out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::from_packed_seconds(13 << 12 | 14 << 6 | 15)?.to_string(), "13:14:15");
    /// assert!(Time::from_packed_seconds(60).is_err()); // second 60
    /// assert!(Time::from_packed_seconds(1 << 17).is_err()); // a bit outside the fields
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_packed_seconds(packed: i64) -> Result<Self, ValueError> {
        let bad = || ValueError::invalid(TIME_PACKED_SECONDS, &packed.to_string());
        if packed & !TIME_SECONDS_MASK != 0 {
            return Err(bad());
        }
        let hour = bit_field(packed, HOUR_SHIFT, 5).ok_or_else(bad)?;
        let minute = bit_field(packed, MINUTE_SHIFT, 6).ok_or_else(bad)?;
        let second = bit_field(packed, 0, 6).ok_or_else(bad)?;
        Time::new(hour, minute, second, 0).map_err(|_| bad())
    }

    /// Microseconds since midnight (Arrow `Time64(Microsecond)`), 0 …
    /// 86399999999.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::new(1, 0, 0, 5)?.micros_since_midnight(), 3_600_000_005);
    /// assert_eq!(Time::MAX.micros_since_midnight(), 86_399_999_999);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn micros_since_midnight(self) -> i64 {
        (i64::from(self.hour) * 3_600 + i64::from(self.minute) * 60 + i64::from(self.second))
            * 1_000_000
            + i64::from(self.micro)
    }

    /// Inverse of [`Time::micros_since_midnight`]; checked: accepts 0 …
    /// 86399999999, anything else is [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::Time;
    ///
    /// assert_eq!(Time::from_micros_since_midnight(3_600_000_005)?.to_string(), "01:00:00.000005");
    /// assert!(Time::from_micros_since_midnight(86_400_000_000).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_micros_since_midnight(micros: i64) -> Result<Self, ValueError> {
        let bad = || {
            ValueError::out_of_range(
                "TIME microseconds since midnight 0 … 86399999999",
                &micros.to_string(),
            )
        };
        if !(0..MICROS_PER_DAY).contains(&micros) {
            return Err(bad());
        }
        let part = |v: i64| u32::try_from(v).map_err(|_| bad());
        let seconds = micros / 1_000_000;
        Time::new(
            part(seconds / 3_600)?,
            part(seconds / 60 % 60)?,
            part(seconds % 60)?,
            part(micros % 1_000_000)?,
        )
    }
}

impl fmt::Display for Time {
    /// "HH:MM:SS" plus ".ffffff" when the microseconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s, micro) = self.hms_micro();
        let (b, n) = time_ascii(h, m, s, micro);
        f.write_str(ascii_str(b.get(..n).unwrap_or_default()))
    }
}

// ---------------------------------------------------------------------------
// DATETIME
// ---------------------------------------------------------------------------

/// A DATETIME: a civil date and time, no zone.
///
/// # Examples
///
/// This also shows [`MIN`](Self::MIN) and [`MAX`](Self::MAX).
///
/// ```
/// use bqcodec::value::civil::{Date, DateTime, Time};
///
/// let dt = DateTime::new(Date::from_ymd(2024, 2, 29)?, Time::new(13, 14, 15, 0)?);
/// assert_eq!(dt.to_string(), "2024-02-29T13:14:15");
/// assert_eq!(dt.date.ymd(), (2024, 2, 29));
/// assert_eq!(DateTime::MIN.to_string(), "0001-01-01T00:00:00");
/// assert_eq!(DateTime::MAX.to_string(), "9999-12-31T23:59:59.999999");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// The date part.
    pub date: Date,
    /// The time part.
    pub time: Time,
}

impl DateTime {
    /// 0001-01-01T00:00:00.
    pub const MIN: DateTime = DateTime {
        date: Date::MIN,
        time: Time::MIDNIGHT,
    };
    /// 9999-12-31T23:59:59.999999.
    pub const MAX: DateTime = DateTime {
        date: Date::MAX,
        time: Time::MAX,
    };

    /// From its parts.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::{Date, DateTime, Time};
    ///
    /// let dt = DateTime::new(Date::EPOCH, Time::new(0, 0, 1, 0)?);
    /// assert_eq!(dt.micros_since_epoch(), 1_000_000);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub const fn new(date: Date, time: Time) -> Self {
        DateTime { date, time }
    }

    /// A literal `"YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]"` (a JSON string;
    /// a date alone is midnight; `t` is accepted for `T`) or a JSON integer
    /// (CivilTime packed micros, see [`DateTime::from_packed_micros`]).
    ///
    /// Rejects: text outside the grammar (module docs), any zone or offset
    /// (`Z`, `+01:00`: DATETIME has none), invalid fields, a 7th–9th
    /// fractional digit other than 0, a number that is not an integer or not
    /// a valid packed DATETIME, null, booleans, arrays and objects.
    ///
    /// ```
    /// use bqcodec::value::{Input, civil::DateTime};
    /// let dt = DateTime::parse(Input::Str("2020-01-02 03:04:05.5"))?;
    /// assert_eq!(dt.to_string(), "2020-01-02T03:04:05.500000");
    /// assert_eq!(DateTime::parse(Input::Str("2020-01-02"))?.to_string(), "2020-01-02T00:00:00");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(input: Input<'_>) -> Result<Self, ValueError> {
        match input {
            Input::Str(text) => Self::parse_text(text),
            Input::Number(text) => match json_integer(text) {
                Ok(packed) => DateTime::from_packed_micros(packed),
                Err(_) => Err(ValueError::invalid(DATETIME_FORMS, text)),
            },
            other => Err(ValueError::wrong_kind(DATETIME_FORMS, other.kind())),
        }
    }

    /// Parses the literal `YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]` alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// assert_eq!(DateTime::parse_text("2024-02-29t1:2:3")?.to_string(), "2024-02-29T01:02:03");
    /// // DATETIME has no zone: an offset is rejected, not converted.
    /// assert!(DateTime::parse_text("2024-02-29T01:02:03Z").is_err());
    /// assert!(DateTime::parse_text("2023-02-29").is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse_text(text: &str) -> Result<Self, ValueError> {
        let mut c = Cursor::new(text);
        parse_datetime_prefix(&mut c, 9)
            .and_then(|(date, time)| {
                if c.is_at_end() {
                    Ok(DateTime {
                        date,
                        time: time.to_time()?,
                    })
                } else {
                    Err(Reject::Syntax)
                }
            })
            .map_err(|r| r.into_error(DATETIME_FORMS, DATETIME_RANGE, MICRO_PRECISION, text))
    }

    fn packed_seconds_bits(self) -> i64 {
        let (year, month, day) = self.date.ymd();
        i64::from(year) << YEAR_SHIFT
            | i64::from(month) << MONTH_SHIFT
            | i64::from(day) << DAY_SHIFT
            | self.time.packed_seconds_bits()
    }

    /// CivilTime packed with microseconds: `year<<46 | month<<42 | day<<37 |
    /// hour<<32 | minute<<26 | second<<20 | microsecond`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// // year<<46 | month<<42 | day<<37 | hour<<32 | minute<<26 | second<<20 | microsecond
    /// let dt = DateTime::parse_text("2024-02-29 13:14:15.016")?;
    /// assert_eq!(dt.to_packed_micros(), 2024 << 46 | 2 << 42 | 29 << 37 | 13 << 32 | 14 << 26 | 15 << 20 | 16_000);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_packed_micros(self) -> i64 {
        self.packed_seconds_bits() << MICRO_BITS | i64::from(self.time.micro)
    }

    /// Inverse of [`DateTime::to_packed_micros`]; checked.
    ///
    /// Rejects any bit outside the 60 field bits (so any negative value), any
    /// field out of range (year 0 or > 9999, month 0 or 13–15, day 0, hour
    /// 24–31, minute or second 60–63, microsecond ≥ 10⁶) and days that do not
    /// exist in their month (February 30).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// let packed = 2024 << 46 | 2 << 42 | 29 << 37 | 13 << 32 | 14 << 26 | 15 << 20 | 16_000;
    /// assert_eq!(DateTime::from_packed_micros(packed)?.to_string(), "2024-02-29T13:14:15.016000");
    /// assert!(DateTime::from_packed_micros(2023 << 46 | 2 << 42 | 29 << 37).is_err()); // no 2023-02-29
    /// assert!(DateTime::from_packed_micros(-1).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_packed_micros(packed: i64) -> Result<Self, ValueError> {
        let bad = || ValueError::invalid(DATETIME_PACKED_MICROS, &packed.to_string());
        if packed & !DATETIME_MICROS_MASK != 0 {
            return Err(bad());
        }
        let micro = bit_field(packed, 0, MICRO_BITS).ok_or_else(bad)?;
        let whole = DateTime::from_packed_seconds(packed >> MICRO_BITS).map_err(|_| bad())?;
        let (h, m, s, _) = whole.time.hms_micro();
        let time = Time::new(h, m, s, micro).map_err(|_| bad())?;
        Ok(DateTime {
            date: whole.date,
            time,
        })
    }

    /// CivilTime packed to the second: `year<<26 | month<<22 | day<<17 |
    /// hour<<12 | minute<<6 | second`.
    ///
    /// An error when the microseconds are not zero (never dropped silently).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// // year<<26 | month<<22 | day<<17 | hour<<12 | minute<<6 | second
    /// let dt = DateTime::parse_text("2024-02-29 13:14:15")?;
    /// assert_eq!(dt.to_packed_seconds()?, 2024 << 26 | 2 << 22 | 29 << 17 | 13 << 12 | 14 << 6 | 15);
    /// assert!(DateTime::parse_text("2024-02-29 13:14:15.5")?.to_packed_seconds().is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_packed_seconds(self) -> Result<i64, ValueError> {
        if self.time.micro != 0 {
            return Err(ValueError::invalid(
                "DATETIME without fractional seconds (CivilTime packed seconds holds whole seconds)",
                &self.to_string(),
            ));
        }
        Ok(self.packed_seconds_bits())
    }

    /// Inverse of [`DateTime::to_packed_seconds`]; checked like
    /// [`DateTime::from_packed_micros`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// let dt = DateTime::from_packed_seconds(2024 << 26 | 2 << 22 | 29 << 17 | 13 << 12 | 14 << 6 | 15)?;
    /// assert_eq!(dt.to_string(), "2024-02-29T13:14:15");
    /// assert!(DateTime::from_packed_seconds(2024 << 26 | 13 << 22 | 1 << 17).is_err()); // month 13
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_packed_seconds(packed: i64) -> Result<Self, ValueError> {
        let bad = || ValueError::invalid(DATETIME_PACKED_SECONDS, &packed.to_string());
        if packed & !DATETIME_SECONDS_MASK != 0 {
            return Err(bad());
        }
        let year = bit_field(packed, YEAR_SHIFT, 14)
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(bad)?;
        let month = bit_field(packed, MONTH_SHIFT, 4).ok_or_else(bad)?;
        let day = bit_field(packed, DAY_SHIFT, 5).ok_or_else(bad)?;
        let date = Date::from_ymd(year, month, day).map_err(|_| bad())?;
        let time = Time::from_packed_seconds(packed & TIME_SECONDS_MASK).map_err(|_| bad())?;
        Ok(DateTime { date, time })
    }

    /// Microseconds since 1970-01-01T00:00:00 (Arrow `Timestamp(Microsecond)`
    /// without a zone): −62135596800000000 … 253402300799999999.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// assert_eq!(DateTime::parse_text("1969-12-31 23:59:59.999999")?.micros_since_epoch(), -1);
    /// assert_eq!(DateTime::MIN.micros_since_epoch(), -62_135_596_800_000_000);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn micros_since_epoch(self) -> i64 {
        i64::from(self.date.days()) * MICROS_PER_DAY + self.time.micros_since_midnight()
    }

    /// Inverse of [`DateTime::micros_since_epoch`]; checked: outside
    /// 0001-01-01T00:00:00 … 9999-12-31T23:59:59.999999 is
    /// [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::civil::DateTime;
    ///
    /// assert_eq!(DateTime::from_micros_since_epoch(-1)?.to_string(), "1969-12-31T23:59:59.999999");
    /// assert!(DateTime::from_micros_since_epoch(253_402_300_800_000_000).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_micros_since_epoch(micros: i64) -> Result<Self, ValueError> {
        let bad = || ValueError::out_of_range(DATETIME_RANGE, &micros.to_string());
        let days = i32::try_from(micros.div_euclid(MICROS_PER_DAY)).map_err(|_| bad())?;
        let date = Date::from_days(days).map_err(|_| bad())?;
        let time = Time::from_micros_since_midnight(micros.rem_euclid(MICROS_PER_DAY))
            .map_err(|_| bad())?;
        Ok(DateTime { date, time })
    }
}

impl fmt::Display for DateTime {
    /// "YYYY-MM-DDTHH:MM:SS" plus ".ffffff" when the microseconds are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (b, n) = date_time_ascii(self.date, b'T', self.time.hms_micro());
        f.write_str(ascii_str(b.get(..n).unwrap_or_default()))
    }
}

// ---------------------------------------------------------------------------
// chrono
// ---------------------------------------------------------------------------

#[cfg(feature = "chrono")]
mod chrono_interop {
    use super::{Date, DateTime, Time};
    use crate::error::ValueError;
    use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

    /// Every DATE is a `NaiveDate` (chrono spans ±262143 years).
    impl From<Date> for NaiveDate {
        fn from(date: Date) -> Self {
            let (y, m, d) = date.ymd();
            // Always Some: 0001-01-01 … 9999-12-31 is inside chrono's range
            // (the fallback is unreachable; tested at both ends).
            NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
        }
    }

    /// A `NaiveDate` outside 0001-01-01 … 9999-12-31 is
    /// [`ValueError::OutOfRange`].
    impl TryFrom<NaiveDate> for Date {
        type Error = ValueError;
        fn try_from(date: NaiveDate) -> Result<Self, ValueError> {
            Date::from_ymd(date.year(), date.month(), date.day())
        }
    }

    /// Every TIME is a `NaiveTime`.
    impl From<Time> for NaiveTime {
        fn from(time: Time) -> Self {
            let (h, m, s, micro) = time.hms_micro();
            // Always Some: every field is in chrono's range.
            NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap_or(NaiveTime::MIN)
        }
    }

    /// A `NaiveTime` with a leap second (nanosecond ≥ 10⁹) or with
    /// nanoseconds that are not whole microseconds is an error: TIME holds
    /// neither, and nothing is truncated.
    impl TryFrom<NaiveTime> for Time {
        type Error = ValueError;
        fn try_from(time: NaiveTime) -> Result<Self, ValueError> {
            let nanos = time.nanosecond();
            if nanos >= 1_000_000_000 {
                return Err(ValueError::invalid(
                    "TIME without a leap second (chrono nanosecond ≥ 1000000000)",
                    &time.to_string(),
                ));
            }
            if !nanos.is_multiple_of(1_000) {
                return Err(ValueError::invalid(
                    "TIME with whole microseconds (no sub-microsecond nanoseconds)",
                    &time.to_string(),
                ));
            }
            Time::new(time.hour(), time.minute(), time.second(), nanos / 1_000)
        }
    }

    /// Every DATETIME is a `NaiveDateTime`.
    impl From<DateTime> for NaiveDateTime {
        fn from(dt: DateTime) -> Self {
            NaiveDateTime::new(dt.date.into(), dt.time.into())
        }
    }

    /// Fails as the `NaiveDate` and `NaiveTime` conversions do.
    impl TryFrom<NaiveDateTime> for DateTime {
        type Error = ValueError;
        fn try_from(dt: NaiveDateTime) -> Result<Self, ValueError> {
            Ok(DateTime {
                date: dt.date().try_into()?,
                time: dt.time().try_into()?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type R = Result<(), ValueError>;

    fn date(text: &str) -> Result<Date, ValueError> {
        Date::parse(Input::Str(text))
    }
    fn time(text: &str) -> Result<Time, ValueError> {
        Time::parse(Input::Str(text))
    }
    fn datetime(text: &str) -> Result<DateTime, ValueError> {
        DateTime::parse(Input::Str(text))
    }

    // --- DATE ------------------------------------------------------------

    /// The general grammar alone (no fast path), for the fast path's tests.
    fn general_date(bytes: &[u8]) -> Option<Date> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut c = Cursor::new(text);
        let d = parse_date_prefix(&mut c).ok()?;
        c.is_at_end().then_some(d)
    }

    #[test]
    fn fast_date_agrees_with_the_grammar_on_every_byte_in_every_place() {
        // Every byte value at every position of a valid date, and every
        // month and day 00–99 of a leap and a common year: the fast path
        // refuses or agrees, and takes every valid one.
        for base in [
            *b"2024-02-29",
            *b"1970-01-01",
            *b"9999-12-31",
            *b"0001-01-01",
        ] {
            assert_eq!(fast_date_bytes(&base), general_date(&base));
            assert!(fast_date_bytes(&base).is_some());
            for at in 0..10 {
                for byte in 0..=255u8 {
                    let mut b = base;
                    b[at] = byte;
                    if let Some(d) = fast_date_bytes(&b) {
                        assert_eq!(Some(d), general_date(&b), "{b:?}");
                    }
                }
            }
        }
        for year in ["2024", "2023"] {
            for m in 0..100 {
                for d in 0..100 {
                    let text = format!("{year}-{m:02}-{d:02}");
                    let b: [u8; 10] = text.as_bytes().try_into().unwrap();
                    assert_eq!(fast_date_bytes(&b), general_date(&b), "{text}");
                }
            }
        }
    }

    #[test]
    fn date_range_ends_match_storage_write_table() -> R {
        // Storage Write API "Supported protocol buffer data types": DATE is
        // days since the epoch, -719162 (0001-01-01) to 2932896 (9999-12-31).
        assert_eq!(date("0001-01-01")?.days(), -719_162);
        assert_eq!(date("9999-12-31")?.days(), 2_932_896);
        assert_eq!(Date::MIN.to_string(), "0001-01-01");
        assert_eq!(Date::MAX.to_string(), "9999-12-31");
        assert_eq!(Date::from_days(-719_162)?, Date::MIN);
        assert_eq!(Date::from_days(2_932_896)?, Date::MAX);
        Ok(())
    }

    #[test]
    fn date_days_out_of_range() {
        for days in [-719_163, 2_932_897, i32::MIN, i32::MAX] {
            let err = Date::from_days(days);
            assert!(
                matches!(err, Err(ref e) if e.is_out_of_range()),
                "{days}: {err:?}"
            );
        }
    }

    #[test]
    fn date_known_days() -> R {
        assert_eq!(date("1970-01-01")?.days(), 0);
        assert_eq!(date("1969-12-31")?.days(), -1);
        assert_eq!(date("2020-01-01")?.days(), 18_262);
        assert_eq!(date("2000-02-29")?.days(), 11_016);
        assert_eq!(date("2000-03-01")?.days(), 11_017);
        assert_eq!(date("1900-03-01")?.days(), -25_508);
        assert_eq!(date("1600-02-29")?.ymd(), (1600, 2, 29));
        Ok(())
    }

    #[test]
    fn date_accepts_one_digit_month_and_day() -> R {
        // GoogleSQL canonical DATE format: 'YYYY-[M]M-[D]D'.
        for text in ["2020-1-2", "2020-01-2", "2020-1-02", "2020-01-02"] {
            assert_eq!(date(text)?.to_string(), "2020-01-02", "{text}");
        }
        Ok(())
    }

    #[test]
    fn date_from_json_integer() -> R {
        assert_eq!(
            Date::parse(Input::Number("18262"))?.to_string(),
            "2020-01-01"
        );
        assert_eq!(Date::parse(Input::Number("-719162"))?, Date::MIN);
        assert_eq!(Date::parse(Input::Number("2932896"))?, Date::MAX);
        assert_eq!(Date::parse(Input::Number("-0"))?, Date::EPOCH);
        for text in [
            "-719163",
            "2932897",
            "2147483648",
            "99999999999999999999999",
        ] {
            let r = Date::parse(Input::Number(text));
            assert!(
                matches!(r, Err(ref e) if e.is_out_of_range()),
                "{text}: {r:?}"
            );
        }
        for text in ["1.5", "18262.0", "1e3", "1E3"] {
            let r = Date::parse(Input::Number(text));
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text}: {r:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn date_rejects_digit_strings_and_wrong_kinds() {
        assert!(Date::parse(Input::Str("18262")).is_err());
        for input in [
            Input::Null,
            Input::Bool(true),
            Input::Raw("[]"),
            Input::Raw("{}"),
        ] {
            assert_eq!(
                Date::parse(input),
                Err(ValueError::wrong_kind(DATE_FORMS, input.kind()))
            );
        }
    }

    #[test]
    fn date_rejects_malformed() {
        for text in [
            "",
            "2020",
            "2020-",
            "2020-01",
            "2020-01-",
            "20-01-01",
            "020-01-01",
            "02020-01-01",
            "2020-001-01",
            "2020-01-001",
            "2020/01/01",
            "2020-01-01 ",
            " 2020-01-01",
            "+2020-01-01",
            "-2020-01-01",
            "2020-01-01T00:00:00",
            "2020-01-01Z",
            "２０２０-01-01",
            "2020-01-01\0",
            "2020--1-01",
            "2020-+1-01",
            "2020-01-0a",
            "é",
        ] {
            let r = date(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text:?}: {r:?}"
            );
        }
    }

    #[test]
    fn date_rejects_impossible_fields() {
        for text in [
            "2020-13-01",
            "2020-00-01",
            "2020-01-00",
            "2020-01-32",
            "2021-02-29",
            "1900-02-29",
            "2020-04-31",
            "2020-99-99",
        ] {
            let r = date(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text}: {r:?}"
            );
        }
        assert!(date("0000-01-01").is_err_and(|e| e.is_out_of_range()));
    }

    #[test]
    fn date_error_message_names_type_and_rule() {
        let e = date("2021-02-29").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "expected DATE (\"YYYY-[M]M-[D]D\" or an integer of days since 1970-01-01) \
                 with a day that exists in its month, found \"2021-02-29\""
            )
        );
    }

    #[test]
    fn date_from_ymd_checks() {
        assert_eq!(Date::from_ymd(2020, 1, 1).map(Date::days), Ok(18_262));
        assert!(Date::from_ymd(0, 1, 1).is_err_and(|e| e.is_out_of_range()));
        assert!(Date::from_ymd(10_000, 1, 1).is_err_and(|e| e.is_out_of_range()));
        assert!(Date::from_ymd(-5, 1, 1).is_err_and(|e| e.is_out_of_range()));
        assert!(Date::from_ymd(2020, 13, 1).is_err());
        assert!(Date::from_ymd(2020, 2, 30).is_err());
        assert!(Date::from_ymd(2020, 2, 0).is_err());
        assert!(Date::from_ymd(2020, u32::MAX, u32::MAX).is_err());
    }

    #[test]
    fn every_day_round_trips_through_ymd() {
        // Exhaustive over the whole DATE range: ymd → days is the inverse of
        // days → ymd, and consecutive days step through the calendar.
        let mut prev = civil_from_days(MIN_DAYS);
        assert_eq!(prev, (1, 1, 1));
        for days in MIN_DAYS..=MAX_DAYS {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            if days > MIN_DAYS {
                let (py, pm, pd) = prev;
                let next_ok = (y, m, d) == (py, pm, pd + 1)
                    || (y == py && m == pm + 1 && d == 1 && pd == days_in_month(py, pm))
                    || (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
                assert!(next_ok, "{prev:?} -> {:?}", (y, m, d));
            }
            prev = (y, m, d);
        }
        assert_eq!(prev, (9999, 12, 31));
    }

    // --- TIME ------------------------------------------------------------

    #[test]
    fn time_forms() -> R {
        // GoogleSQL canonical TIME format: '[H]H:[M]M:[S]S[.F]'.
        assert_eq!(time("0:0:0")?, Time::MIDNIGHT);
        assert_eq!(time("00:00:00")?.to_string(), "00:00:00");
        assert_eq!(time("1:2:3")?.to_string(), "01:02:03");
        assert_eq!(time("1:2:3.4")?.to_string(), "01:02:03.400000");
        assert_eq!(time("23:59:59.999999")?, Time::MAX);
        assert_eq!(time("12:34:56.000001")?.hms_micro(), (12, 34, 56, 1));
        assert_eq!(time("12:34:56.0")?.to_string(), "12:34:56");
        // 7–9 digits only when the digits past the 6th are 0.
        assert_eq!(
            time("12:34:56.123456000")?.hms_micro(),
            (12, 34, 56, 123_456)
        );
        assert_eq!(time("12:34:56.1234560")?.hms_micro(), (12, 34, 56, 123_456));
        Ok(())
    }

    #[test]
    fn time_rejects() {
        for text in [
            "",
            "12",
            "12:00",
            "12:00:",
            "12:00:00.",
            "12:00:00.+1",
            "123:00:00",
            ":00:00",
            "12::00",
            "12:00:00Z",
            "12:00:00 ",
            " 12:00:00",
            "12:00:00,5",
            "T12:00:00",
            "12:00:00.0000000000",
            "-1:00:00",
            "24:00:00",
            "23:60:00",
            "23:59:60",
            "99:99:99",
            "12:00:00.1234567",
            "12:00:00.000000001",
        ] {
            let r = time(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text:?}: {r:?}"
            );
        }
    }

    #[test]
    fn time_error_messages() {
        let msg = |t: &str| time(t).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg("24:00:00").contains("with an hour 0–23"));
        assert!(msg("23:59:60").contains("leap seconds are not accepted"));
        assert!(msg("00:00:00.0000001").contains("at most 6 fractional digits"));
    }

    #[test]
    fn time_wrong_kinds_and_numbers() -> R {
        for input in [Input::Null, Input::Bool(false), Input::Raw("{}")] {
            assert_eq!(
                Time::parse(input),
                Err(ValueError::wrong_kind(TIME_FORMS, input.kind()))
            );
        }
        // 13:14:15.016000 packed micros (ZetaSQL CivilTimeEncoderTest).
        assert_eq!(
            Time::parse(Input::Number("56789843584"))?.to_string(),
            "13:14:15.016000"
        );
        assert!(Time::parse(Input::Number("1.5")).is_err());
        assert!(Time::parse(Input::Number("-1")).is_err());
        assert!(Time::parse(Input::Number("99999999999999999999")).is_err());
        assert!(Time::parse(Input::Str("56789843584")).is_err());
        Ok(())
    }

    #[test]
    fn time_micros_since_midnight() -> R {
        assert_eq!(Time::MIDNIGHT.micros_since_midnight(), 0);
        assert_eq!(Time::MAX.micros_since_midnight(), 86_399_999_999);
        assert_eq!(
            time("01:02:03.000004")?.micros_since_midnight(),
            3_723_000_004
        );
        assert_eq!(
            Time::from_micros_since_midnight(3_723_000_004)?.to_string(),
            "01:02:03.000004"
        );
        assert_eq!(Time::from_micros_since_midnight(86_399_999_999)?, Time::MAX);
        for bad in [-1, 86_400_000_000, i64::MIN, i64::MAX] {
            assert!(Time::from_micros_since_midnight(bad).is_err_and(|e| e.is_out_of_range()));
        }
        Ok(())
    }

    #[test]
    fn time_new_checks() {
        assert!(Time::new(23, 59, 59, 999_999).is_ok());
        for (h, m, s, u) in [
            (24, 0, 0, 0),
            (0, 60, 0, 0),
            (0, 0, 60, 0),
            (0, 0, 0, 1_000_000),
            (u32::MAX, 0, 0, 0),
            (256, 0, 0, 0),
        ] {
            assert!(Time::new(h, m, s, u).is_err(), "{h}:{m}:{s}.{u}");
        }
    }

    // --- CivilTime packing -------------------------------------------------
    //
    // Vectors from the official encoders' public tests:
    // - ZetaSQL `javatests/com/google/zetasql/CivilTimeEncoderTest.java`
    // - googleapis/java-bigquerystorage
    //   `google-cloud-bigquerystorage/src/test/java/com/google/cloud/bigquery/storage/v1beta2/CivilTimeEncoderTest.java`

    #[test]
    fn packed_time_seconds_vectors() -> R {
        // ZetaSQL encodePacked32TimeSeconds_validTime / decode...
        for ((h, m, s), packed) in [
            ((0, 0, 0), 0x0),
            ((0, 1, 2), 0x42),
            ((12, 0, 0), 0xC000),
            ((13, 14, 15), 0xD38F),
            ((23, 59, 59), 0x17EFB),
        ] {
            let t = Time::new(h, m, s, 0)?;
            assert_eq!(t.to_packed_seconds()?, packed);
            assert_eq!(Time::from_packed_seconds(packed)?, t);
        }
        // ZetaSQL decodePacked32TimeSeconds_invalid*: bit field, 23:59:60,
        // 00:60:00, 24:00:00.
        for packed in [0x20000, 0x17EFC, 0xF00, 0x18000, -1, i64::MIN, i64::MAX] {
            assert!(Time::from_packed_seconds(packed).is_err(), "{packed:#x}");
        }
        Ok(())
    }

    #[test]
    fn packed_time_micros_vectors() -> R {
        // Encode vectors (millisecond fractions in the Java tests) and the
        // ZetaSQL decode vectors with microsecond fractions.
        for ((h, m, s, micro), packed) in [
            ((0, 0, 0, 0), 0x0),
            ((0, 1, 2, 3_000), 0x4200BB8),
            ((12, 0, 0, 0), 0xC00000000),
            ((13, 14, 15, 16_000), 0xD38F03E80),
            ((23, 59, 59, 999_000), 0x17EFBF3E58),
            ((0, 1, 2, 3), 0x4200003),
            ((13, 14, 15, 16), 0xD38F00010),
            ((23, 59, 59, 999_999), 0x17EFBF423F),
        ] {
            let t = Time::new(h, m, s, micro)?;
            assert_eq!(t.to_packed_micros(), packed, "{t}");
            assert_eq!(Time::from_packed_micros(packed)?, t);
        }
        // decodePacked64TimeMicros_invalid*: stray bit 37, micros 1000000,
        // second 60, minute 60, hour 24.
        for packed in [
            0x2000000000,
            0xF4240,
            0x3C00000,
            0xF0000000,
            0x1800000000,
            -1,
            i64::MIN,
            i64::MAX,
        ] {
            assert!(Time::from_packed_micros(packed).is_err(), "{packed:#x}");
        }
        Ok(())
    }

    #[test]
    fn packed_seconds_refuse_to_drop_micros() -> R {
        let t = time("00:00:00.000001")?;
        assert!(t.to_packed_seconds().is_err());
        let dt = datetime("2020-01-01T00:00:00.5")?;
        assert!(dt.to_packed_seconds().is_err());
        Ok(())
    }

    #[test]
    fn packed_datetime_seconds_vectors() -> R {
        // ZetaSQL encodePacked64DatetimeSeconds_validDateTime.
        for (text, packed) in [
            ("0001-01-01 00:00:00", 0x4420000),
            ("0001-02-03 00:01:02", 0x4860042),
            ("0001-01-01 12:00:00", 0x442C000),
            ("0001-01-01 13:14:15", 0x442D38F),
            ("9999-12-31 23:59:59", 0x9C3F3F7EFB),
        ] {
            let dt = datetime(text)?;
            assert_eq!(dt.to_packed_seconds()?, packed, "{text}");
            assert_eq!(DateTime::from_packed_seconds(packed)?, dt);
        }
        // decodePacked64DatetimeSeconds_invalid*: stray bit, second 60,
        // minute 60, hour 24, day 0, month 13, year 10000.
        for packed in [
            0x10004420000,
            0x442003C,
            0x4420F00,
            0x4438000,
            0x4400000,
            0x7420000,
            0x9C40420000,
        ] {
            assert!(
                DateTime::from_packed_seconds(packed).is_err(),
                "{packed:#x}"
            );
        }
        Ok(())
    }

    #[test]
    fn packed_datetime_micros_vectors() -> R {
        for (text, packed) in [
            // ZetaSQL encodePacked64DatetimeMicros_validDateTime (and the
            // java-bigquerystorage v1beta2 test with the same values).
            ("0001-01-01 00:00:00", 0x442000000000),
            ("0001-02-03 00:01:02.003", 0x486004200BB8),
            ("0001-01-01 12:00:00", 0x442C00000000),
            ("0001-01-01 13:14:15.016", 0x442D38F03E80),
            ("9999-12-31 23:59:59.999", 0x9C3F3F7EFBF3E58),
            // ZetaSQL decodePacked64DatetimeMicros_validBitFieldDatetimeMicros.
            ("0001-02-03 00:01:02.000003", 0x486004200003),
            ("0001-01-01 13:14:15.000016", 0x442D38F00010),
            ("9999-12-31 23:59:59.999999", 0x9C3F3F7EFBF423F),
        ] {
            let dt = datetime(text)?;
            assert_eq!(dt.to_packed_micros(), packed, "{text}");
            assert_eq!(DateTime::from_packed_micros(packed)?, dt);
        }
        // decodePacked64DatetimeMicros_invalid*: stray bit 60 (ZetaSQL) and
        // bit 40 of the seconds part (java-bigquerystorage), micros 1000000,
        // second 60, minute 60, hour 24, day 0, month 13, year 10000.
        for packed in [
            0x1000442000000000,
            0x10004420000 << 20,
            0x4420000F4240,
            0x442003C00000,
            0x4420F0000000,
            0x443800000000,
            0x440000000000,
            0x742000000000,
            0x9C4042000000000,
            -1,
            i64::MIN,
            i64::MAX,
        ] {
            assert!(DateTime::from_packed_micros(packed).is_err(), "{packed:#x}");
        }
        Ok(())
    }

    #[test]
    fn packed_datetime_rejects_impossible_calendar_days() {
        // 2021-02-29 and 2020-02-30 have every field in its bit range but do
        // not exist; the Java encoder only checks day 1–31.
        let packed = |y: i64, m: i64, d: i64| (y << 26 | m << 22 | d << 17) << 20;
        assert!(DateTime::from_packed_micros(packed(2020, 2, 29)).is_ok());
        assert!(DateTime::from_packed_micros(packed(2021, 2, 29)).is_err());
        assert!(DateTime::from_packed_micros(packed(2020, 2, 30)).is_err());
        assert!(DateTime::from_packed_micros(packed(2020, 4, 31)).is_err());
        assert!(DateTime::from_packed_micros(packed(0, 1, 1)).is_err());
    }

    #[test]
    fn packed_error_names_the_layout() {
        let e = Time::from_packed_micros(-1).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some(
                "expected TIME as CivilTime packed micros (hour<<32 | minute<<26 | \
                 second<<20 | microsecond), found \"-1\""
            )
        );
    }

    // --- DATETIME ----------------------------------------------------------

    #[test]
    fn datetime_forms() -> R {
        // GoogleSQL canonical DATETIME format:
        // 'YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]'.
        let want = "2020-01-02T03:04:05";
        for text in [
            "2020-01-02 03:04:05",
            "2020-01-02T03:04:05",
            "2020-01-02t03:04:05",
            "2020-1-2 3:4:5",
            "2020-01-02 03:04:05.000",
            "2020-01-02 03:04:05.000000000",
        ] {
            assert_eq!(datetime(text)?.to_string(), want, "{text}");
        }
        assert_eq!(datetime("2020-01-02")?.to_string(), "2020-01-02T00:00:00");
        assert_eq!(
            datetime("2020-01-02 03:04:05.123456")?.to_string(),
            "2020-01-02T03:04:05.123456"
        );
        assert_eq!(datetime("0001-01-01 00:00:00")?, DateTime::MIN);
        assert_eq!(datetime("9999-12-31 23:59:59.999999")?, DateTime::MAX);
        Ok(())
    }

    #[test]
    fn datetime_rejects() {
        for text in [
            "2020-01-02T",
            "2020-01-02 ",
            "2020-01-02  03:04:05",
            "2020-01-02T03:04",
            "2020-01-02T03:04:05Z",
            "2020-01-02T03:04:05z",
            "2020-01-02T03:04:05+00:00",
            "2020-01-02 03:04:05 UTC",
            "2020-01-02x03:04:05",
            "2020-01-02_03:04:05",
            "2020-01-02T24:00:00",
            "2020-01-02T23:59:60",
            "2020-01-02T03:04:05.1234567",
            "2020-02-30T00:00:00",
            "2020-01-02T03:04:05.",
            "12:00:00",
        ] {
            let r = datetime(text);
            assert!(
                matches!(r, Err(ValueError::Invalid { .. })),
                "{text:?}: {r:?}"
            );
        }
        assert!(datetime("0000-12-31T00:00:00").is_err_and(|e| e.is_out_of_range()));
    }

    #[test]
    fn datetime_numbers_and_kinds() -> R {
        assert_eq!(
            DateTime::parse(Input::Number("74904229642240"))?.to_string(),
            "0001-01-01T00:00:00"
        );
        assert_eq!(
            DateTime::parse(Input::Number("74904229642240")),
            Ok(DateTime::MIN)
        );
        assert!(DateTime::parse(Input::Number("0")).is_err());
        assert!(DateTime::parse(Input::Number("1e10")).is_err());
        assert!(DateTime::parse(Input::Str("74904229642240")).is_err());
        for input in [Input::Null, Input::Bool(true), Input::Raw("[1]")] {
            assert_eq!(
                DateTime::parse(input),
                Err(ValueError::wrong_kind(DATETIME_FORMS, input.kind()))
            );
        }
        Ok(())
    }

    #[test]
    fn datetime_micros_since_epoch() -> R {
        assert_eq!(datetime("1970-01-01")?.micros_since_epoch(), 0);
        assert_eq!(
            datetime("1969-12-31 23:59:59.999999")?.micros_since_epoch(),
            -1
        );
        assert_eq!(DateTime::MIN.micros_since_epoch(), -62_135_596_800_000_000);
        assert_eq!(DateTime::MAX.micros_since_epoch(), 253_402_300_799_999_999);
        assert_eq!(
            DateTime::from_micros_since_epoch(-1)?.to_string(),
            "1969-12-31T23:59:59.999999"
        );
        assert_eq!(
            DateTime::from_micros_since_epoch(-62_135_596_800_000_000)?,
            DateTime::MIN
        );
        assert_eq!(
            DateTime::from_micros_since_epoch(253_402_300_799_999_999)?,
            DateTime::MAX
        );
        for bad in [
            -62_135_596_800_000_001,
            253_402_300_800_000_000,
            i64::MIN,
            i64::MAX,
        ] {
            assert!(DateTime::from_micros_since_epoch(bad).is_err_and(|e| e.is_out_of_range()));
        }
        Ok(())
    }

    #[test]
    fn json_integer_syntax() {
        assert!(matches!(json_integer("-12"), Ok(-12)));
        assert!(matches!(json_integer("-"), Err(IntegerError::NotInteger)));
        assert!(matches!(json_integer(""), Err(IntegerError::NotInteger)));
        assert!(matches!(json_integer("+1"), Err(IntegerError::NotInteger)));
        assert!(matches!(json_integer("1.0"), Err(IntegerError::NotInteger)));
        assert!(matches!(
            json_integer("9223372036854775808"),
            Err(IntegerError::TooLarge)
        ));
        assert!(matches!(json_integer("-9223372036854775808"), Ok(i64::MIN)));
    }

    // --- properties --------------------------------------------------------

    fn any_time() -> impl Strategy<Value = Time> {
        (0..MICROS_PER_DAY)
            .prop_map(|m| Time::from_micros_since_midnight(m).unwrap_or(Time::MIDNIGHT))
    }

    fn any_datetime() -> impl Strategy<Value = DateTime> {
        (MIN_DAYS..=MAX_DAYS, any_time())
            .prop_map(|(d, time)| DateTime::new(Date::from_days(d).unwrap_or(Date::EPOCH), time))
    }

    proptest! {
        #[test]
        fn prop_date_text_round_trip(days in MIN_DAYS..=MAX_DAYS) {
            let d = Date::from_days(days)?;
            let text = d.to_string();
            prop_assert_eq!(text.len(), 10);
            prop_assert_eq!(date(&text)?, d);
            let (y, m, dd) = d.ymd();
            prop_assert_eq!(Date::from_ymd(y, m, dd)?, d);
            // The one-digit forms read the same.
            prop_assert_eq!(date(&format!("{y:04}-{m}-{dd}"))?, d);
        }

        #[test]
        fn prop_date_number_round_trip(days in MIN_DAYS..=MAX_DAYS) {
            let d = Date::parse(Input::Number(&days.to_string()))?;
            prop_assert_eq!(d.days(), days);
        }

        #[test]
        fn prop_time_round_trips(t in any_time()) {
            prop_assert_eq!(time(&t.to_string())?, t);
            prop_assert_eq!(Time::from_packed_micros(t.to_packed_micros())?, t);
            prop_assert_eq!(Time::from_micros_since_midnight(t.micros_since_midnight())?, t);
            prop_assert_eq!(Time::parse(Input::Number(&t.to_packed_micros().to_string()))?, t);
            let (h, m, s, _) = t.hms_micro();
            let whole = Time::new(h, m, s, 0)?;
            prop_assert_eq!(Time::from_packed_seconds(whole.to_packed_seconds()?)?, whole);
        }

        #[test]
        fn prop_datetime_round_trips(dt in any_datetime()) {
            prop_assert_eq!(datetime(&dt.to_string())?, dt);
            prop_assert_eq!(datetime(&dt.to_string().replace('T', " "))?, dt);
            prop_assert_eq!(DateTime::from_packed_micros(dt.to_packed_micros())?, dt);
            prop_assert_eq!(DateTime::from_micros_since_epoch(dt.micros_since_epoch())?, dt);
            let whole = DateTime::new(dt.date, Time::new(0, 0, 0, 0)?);
            prop_assert_eq!(DateTime::from_packed_seconds(whole.to_packed_seconds()?)?, whole);
        }

        #[test]
        fn prop_orderings_agree(a in any_datetime(), b in any_datetime()) {
            // The derived order, the epoch micros and the packed bits (most
            // significant field first) all order values the same way.
            let by_value = a.cmp(&b);
            prop_assert_eq!(a.micros_since_epoch().cmp(&b.micros_since_epoch()), by_value);
            prop_assert_eq!(a.to_packed_micros().cmp(&b.to_packed_micros()), by_value);
            prop_assert_eq!(
                a.time.to_packed_micros().cmp(&b.time.to_packed_micros()),
                a.time.cmp(&b.time)
            );
            prop_assert_eq!(a.date.days().cmp(&b.date.days()), a.date.cmp(&b.date));
        }

        #[test]
        fn prop_packed_decoders_never_panic(packed in any::<i64>()) {
            // Whatever decodes re-encodes to the same bits.
            if let Ok(t) = Time::from_packed_micros(packed) {
                prop_assert_eq!(t.to_packed_micros(), packed);
            }
            if let Ok(t) = Time::from_packed_seconds(packed) {
                prop_assert_eq!(t.to_packed_seconds()?, packed);
            }
            if let Ok(dt) = DateTime::from_packed_micros(packed) {
                prop_assert_eq!(dt.to_packed_micros(), packed);
            }
            if let Ok(dt) = DateTime::from_packed_seconds(packed) {
                prop_assert_eq!(dt.to_packed_seconds()?, packed);
            }
            let _ = DateTime::from_micros_since_epoch(packed);
            let _ = Time::from_micros_since_midnight(packed);
        }

        #[test]
        fn prop_packed_low_bits_decode_or_reject(packed in 0i64..(1 << 37)) {
            // Dense over the TIME field bits: accepted exactly when every
            // field is in range.
            let micro = packed & 0xF_FFFF;
            let s = packed >> 20 & 0x3F;
            let m = packed >> 26 & 0x3F;
            let h = packed >> 32;
            let valid = micro < 1_000_000 && s < 60 && m < 60 && h < 24;
            prop_assert_eq!(Time::from_packed_micros(packed).is_ok(), valid);
        }

        #[test]
        fn prop_parsers_never_panic(text in any::<String>()) {
            let _ = date(&text);
            let _ = time(&text);
            let _ = datetime(&text);
            let _ = Date::parse(Input::Number(&text));
        }

        #[test]
        fn prop_parsers_never_panic_near_grammar(text in "[0-9:. Tt+-]{0,40}") {
            if let Ok(t) = time(&text) { prop_assert_eq!(time(&t.to_string())?, t); }
            if let Ok(dt) = datetime(&text) { prop_assert_eq!(datetime(&dt.to_string())?, dt); }
            if let Ok(d) = date(&text) { prop_assert_eq!(date(&d.to_string())?, d); }
        }
    }

    #[cfg(feature = "tz")]
    proptest! {
        #[test]
        fn prop_calendar_matches_jiff(days in MIN_DAYS..=MAX_DAYS) {
            // jiff as an independent oracle for the hand-written calendar.
            let epoch = jiff::civil::date(1970, 1, 1);
            let other = epoch.checked_add(jiff::Span::new().days(i64::from(days)));
            prop_assert!(other.is_ok());
            if let Ok(other) = other {
                let (y, m, d) = Date::from_days(days)?.ymd();
                prop_assert_eq!(
                    (y, m, d),
                    (i32::from(other.year()), u32::from(other.month().unsigned_abs()), u32::from(other.day().unsigned_abs()))
                );
            }
        }
    }

    #[cfg(feature = "chrono")]
    mod chrono_tests {
        use super::*;
        use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

        #[test]
        fn date_both_ways() -> R {
            for d in [Date::MIN, Date::MAX, Date::EPOCH, date("2020-02-29")?] {
                let n = NaiveDate::from(d);
                assert_eq!(n.to_string(), d.to_string());
                assert_eq!(Date::try_from(n)?, d);
            }
            let too_early = NaiveDate::from_ymd_opt(0, 12, 31);
            assert!(
                too_early.is_some_and(|n| Date::try_from(n).is_err_and(|e| e.is_out_of_range()))
            );
            let too_late = NaiveDate::from_ymd_opt(10_000, 1, 1);
            assert!(
                too_late.is_some_and(|n| Date::try_from(n).is_err_and(|e| e.is_out_of_range()))
            );
            Ok(())
        }

        #[test]
        fn time_both_ways() -> R {
            for t in [Time::MIDNIGHT, Time::MAX, time("12:34:56.000789")?] {
                let n = NaiveTime::from(t);
                assert_eq!(Time::try_from(n)?, t);
            }
            // Leap second and sub-microsecond nanoseconds are errors.
            let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000);
            assert!(leap.is_some_and(|n| Time::try_from(n).is_err()));
            let nanos = NaiveTime::from_hms_nano_opt(1, 2, 3, 4_000_001);
            assert!(nanos.is_some_and(|n| Time::try_from(n).is_err()));
            let exact = NaiveTime::from_hms_nano_opt(1, 2, 3, 4_000);
            assert_eq!(exact.map(Time::try_from), Some(Time::new(1, 2, 3, 4)));
            Ok(())
        }

        #[test]
        fn datetime_both_ways() -> R {
            for dt in [
                DateTime::MIN,
                DateTime::MAX,
                datetime("2020-01-02T03:04:05.6")?,
            ] {
                let n = NaiveDateTime::from(dt);
                assert_eq!(DateTime::try_from(n)?, dt);
                assert_eq!(n.and_utc().timestamp_micros(), dt.micros_since_epoch());
            }
            let early = NaiveDate::from_ymd_opt(-1, 1, 1).map(|d| d.and_time(NaiveTime::MIN));
            assert!(early.is_some_and(|n| DateTime::try_from(n).is_err()));
            Ok(())
        }
    }
}
