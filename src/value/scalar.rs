//! BOOL, INT64, FLOAT64, STRING and BYTES.
//!
//! Each parser takes one JSON-shaped [`Input`] and either returns the
//! canonical value or a [`ValueError`] naming the accepted forms. No value is
//! altered silently; the choices where BigQuery's docs leave room are written
//! on each function.
//!
//! Exact numbers (INT64, and BOOL's 0/1) share NUMERIC's decimal grammar and
//! digit arithmetic (see [`super::numeric`]): they are never read through `f64`.

use super::Input;
use super::numeric::{Rounding, ScaleFail, StackStr, scan_decimal, to_scaled};
use crate::error::ValueError;
use base64::Engine as _;
use base64::engine::general_purpose::{
    STANDARD, STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT,
};
use std::fmt::Write as _;

const BOOL_EXPECTED: &str =
    "BOOL (true or false, the string \"true\" or \"false\" in any case, or the number 0 or 1)";
const INT64_EXPECTED: &str = "INT64 (an integer or integer string with no fractional part, e.g. 42 or \"-9223372036854775808\")";
const INT64_RANGE: &str = "INT64 (-9223372036854775808 to 9223372036854775807)";
const FLOAT64_EXPECTED: &str =
    "FLOAT64 (a number, a numeric string, or \"NaN\", \"Infinity\", \"-Infinity\")";
const FLOAT64_RANGE: &str =
    "FLOAT64 (a finite literal of magnitude at most 1.7976931348623157e308)";
const STRING_EXPECTED: &str = "STRING (a JSON string)";
const BYTES_EXPECTED: &str =
    "BYTES (a base64 string, standard or URL-safe alphabet, padding optional)";

/// Reusable buffers for the value parsers (`Codec::parse_in`): BYTES are
/// decoded and JSON text compacted into them instead of into a new
/// allocation per value. The row walk keeps one.
#[derive(Debug, Default)]
pub(crate) struct ParseScratch {
    pub(crate) bytes: Vec<u8>,
    pub(crate) json: super::json::JsonScratch,
}

/// BOOL: `true`/`false`, the strings "true"/"false" in any case, the numbers 0 and 1.
///
/// - A JSON number is accepted when its exact value is 0 or 1 (`0`, `1`,
///   `1.0`, `1e0`, `-0`), as the Storage Write API converts integers to
///   BOOL; every other number is an error, never "truthy".
/// - Strings are only the words: `"0"`, `"1"`, `"yes"`, `"t"` and padded
///   text like `" true"` are rejected.
/// - Null, arrays and objects are rejected.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar::parse_bool};
///
/// assert_eq!(parse_bool(Input::Bool(true))?, true);
/// assert_eq!(parse_bool(Input::Str("FALSE"))?, false); // the words, in any case
/// assert_eq!(parse_bool(Input::Number("1.0"))?, true); // exactly 0 or 1
/// // Other numbers are not "truthy", and "yes" or "1" as text is not a word.
/// assert!(parse_bool(Input::Number("2")).is_err());
/// assert_eq!(parse_bool(Input::Str("yes")).unwrap_err().to_string(),
///     r#"expected BOOL (true or false, the string "true" or "false" in any case, or the number 0 or 1), found "yes""#);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_bool(input: Input<'_>) -> Result<bool, ValueError> {
    match input {
        Input::Bool(b) => Ok(b),
        Input::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Input::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Input::Str(s) => Err(ValueError::invalid(BOOL_EXPECTED, s)),
        Input::Number(t) => match exact_int64(t) {
            Ok(0) => Ok(false),
            Ok(1) => Ok(true),
            _ => Err(ValueError::invalid(BOOL_EXPECTED, t)),
        },
        other => Err(ValueError::wrong_kind(BOOL_EXPECTED, other.kind())),
    }
}

/// Why text is not an INT64.
enum IntFail {
    /// Not decimal text, or a non-zero fractional part.
    Invalid,
    /// An integer outside the i64 range.
    Range,
}

/// Reads exact decimal text as an i64 (see [`parse_int64`]).
fn exact_int64(text: &str) -> Result<i64, IntFail> {
    // Fast path for plain integers; std's grammar here ([+-]digits) is a
    // subset of ours, so it accepts nothing we would reject.
    if let Ok(v) = text.parse::<i64>() {
        return Ok(v);
    }
    let d = scan_decimal(text).ok_or(IntFail::Invalid)?;
    let mag: u128 = to_scaled(&d, 0, Rounding::Reject).map_err(|e| match e {
        ScaleFail::Excess => IntFail::Invalid,
        ScaleFail::Range => IntFail::Range,
    })?;
    let mag = i128::try_from(mag).map_err(|_| IntFail::Range)?;
    i64::try_from(if d.negative { -mag } else { mag }).map_err(|_| IntFail::Range)
}

/// INT64: JSON integers and integer strings over the full i64 range, never through f64.
///
/// Accepts a JSON number or a string in the decimal grammar of
/// [`super::numeric`] whose exact value is an integer: `42`, `-0`, `1.0`,
/// `1e3`, `12.5e1`, and in strings also `+42` and leading zeros (`"007"`).
/// Nothing is lost in these forms, so they are not refused.
///
/// Rejects ([`ValueError::Invalid`]) any non-zero fractional part (`1.5`,
/// `1e-1`), whitespace, hex, `_` separators and other JSON kinds; and
/// ([`ValueError::OutOfRange`]) integers outside
/// −9223372036854775808 … 9223372036854775807.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar::parse_int64};
///
/// assert_eq!(parse_int64(Input::Number("9223372036854775807"))?, i64::MAX); // never through f64
/// assert_eq!(parse_int64(Input::Str("-007"))?, -7);
/// assert_eq!(parse_int64(Input::Number("1.2e3"))?, 1200); // exactly an integer
/// assert!(parse_int64(Input::Number("1.5")).is_err()); // a fraction would be lost
/// assert!(parse_int64(Input::Str("9223372036854775808")).unwrap_err().is_out_of_range());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_int64(input: Input<'_>) -> Result<i64, ValueError> {
    match input {
        Input::Number(t) | Input::Str(t) => exact_int64(t).map_err(|e| match e {
            IntFail::Invalid => ValueError::invalid(INT64_EXPECTED, t),
            IntFail::Range => ValueError::out_of_range(INT64_RANGE, t),
        }),
        other => Err(ValueError::wrong_kind(INT64_EXPECTED, other.kind())),
    }
}

/// Reads finite decimal text as the nearest f64 (std's parser rounds
/// correctly); a finite literal beyond f64's range is an error.
fn finite_f64(text: &str) -> Result<f64, ValueError> {
    // Our grammar first: std also takes "inf", "NaN", "infinity".
    if scan_decimal(text).is_none() {
        return Err(ValueError::invalid(FLOAT64_EXPECTED, text));
    }
    let v: f64 = text
        .parse()
        .map_err(|_| ValueError::invalid(FLOAT64_EXPECTED, text))?;
    if v.is_infinite() {
        return Err(ValueError::out_of_range(FLOAT64_RANGE, text));
    }
    Ok(v)
}

/// The non-finite words FLOAT64 accepts in a string.
fn non_finite(s: &str) -> Option<f64> {
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    let (sign, body) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(b), _) => (-1.0, b),
        (None, Some(b)) => (1.0, b),
        (None, None) => (1.0, s),
    };
    (body.eq_ignore_ascii_case("infinity") || body.eq_ignore_ascii_case("inf"))
        .then_some(sign * f64::INFINITY)
}

/// FLOAT64: numbers, numeric strings, "NaN", "Infinity", "-Infinity".
///
/// - A JSON number, or a string in the decimal grammar of
///   [`super::numeric`] (so also `"+1.5"`, `".5"`, `"5."`), is rounded to
///   the nearest f64 (correctly rounded, ties to even). Underflow to a
///   subnormal or zero is rounding, not an error; a finite literal too large
///   for f64 (`1e400`) is a [`ValueError::OutOfRange`], never infinity.
/// - In strings, case-insensitively: `NaN`; `Infinity` and `Inf`, each with
///   an optional `+` or `-`. A signed NaN is rejected.
/// - `-0` stays negative zero (BigQuery stores it as 0).
/// - Whitespace, hex, `_` separators, booleans, null, arrays and objects
///   are rejected ([`ValueError::Invalid`]).
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar::parse_float64};
///
/// assert_eq!(parse_float64(Input::Number("0.1"))?, 0.1);
/// assert_eq!(parse_float64(Input::Str("-Infinity"))?, f64::NEG_INFINITY);
/// assert!(parse_float64(Input::Str("nan"))?.is_nan());
/// assert!(parse_float64(Input::Number("-0"))?.is_sign_negative());
/// // Too large for f64 is an error, never infinity.
/// assert_eq!(parse_float64(Input::Number("1e400")).unwrap_err().to_string(),
///     r#"out of range: expected FLOAT64 (a finite literal of magnitude at most 1.7976931348623157e308), found "1e400""#);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_float64(input: Input<'_>) -> Result<f64, ValueError> {
    match input {
        // JSON's number grammar is a subset of ours: no second check needed.
        Input::Number(t) => match fast_f64(t).map_or_else(|| t.parse::<f64>(), Ok) {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(ValueError::out_of_range(FLOAT64_RANGE, t)),
            Err(_) => Err(ValueError::invalid(FLOAT64_EXPECTED, t)),
        },
        Input::Str(s) => match non_finite(s) {
            Some(v) => Ok(v),
            None => finite_f64(s),
        },
        other => Err(ValueError::wrong_kind(FLOAT64_EXPECTED, other.kind())),
    }
}

/// Exact powers of ten as f64 (10^22 is the largest one f64 holds exactly).
const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The common shape `-?D+(.D+)?` with at most 15 digits in all (so the
/// digits form an integer below 2^53, exact in an f64) read as the nearest
/// f64: that integer divided by an exact power of ten is one correctly
/// rounded IEEE division, the same value std's parser returns (Clinger's fast
/// path). `None` sends the text to std's parser.
#[inline]
fn fast_f64(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut frac_digits: Option<usize> = None;
    let mut count = 0usize;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
                if let Some(n) = frac_digits.as_mut() {
                    *n += 1;
                }
            }
            b'.' if frac_digits.is_none() && count > 0 => frac_digits = Some(0),
            _ => return None,
        }
    }
    if count == 0 || count > 15 || frac_digits == Some(0) {
        return None;
    }
    let v = f64_from_decimal(mantissa, frac_digits.unwrap_or(0))?;
    Some(if neg { -v } else { v })
}

/// `mantissa / 10^frac_digits` as the nearest f64, for a mantissa of at
/// most 15 decimal digits: both are exact in an f64 (below 2^53, and 10^k
/// for k ≤ 22), so one IEEE division rounds correctly (Clinger's fast path).
/// `None` outside that range.
#[inline]
pub(crate) fn f64_from_decimal(mantissa: u64, frac_digits: usize) -> Option<f64> {
    if mantissa >= 1_000_000_000_000_000 {
        return None;
    }
    let pow = POW10_F64.get(frac_digits)?;
    Some(mantissa as f64 / pow)
}

/// Appends FLOAT64's canonical text.
///
/// Finite values are written as ECMAScript's `Number::toString` writes them:
/// the shortest digits that read back to the same f64, without an exponent
/// when 1e-6 ≤ |v| < 1e21 (`0.000001`, `123.5`, `100000000000000000000`),
/// otherwise as `1e-7`, `1.5e+300`. Non-finite values are `NaN`,
/// `Infinity`, `-Infinity`.
///
/// Negative zero is written `-0` (ECMAScript writes `0`), so that the text
/// reads back through [`parse_float64`] to the same bits for every f64
/// except NaN payloads (all NaNs are written `NaN`).
///
/// # Examples
///
/// ```
/// use bqcodec::value::scalar::write_float64;
///
/// let text = |v: f64| { let mut s = String::new(); write_float64(v, &mut s); s };
/// assert_eq!(text(123.5), "123.5");
/// assert_eq!(text(1e21), "1e+21");
/// assert_eq!(text(0.0000001), "1e-7");
/// assert_eq!(text(-0.0), "-0"); // reads back as negative zero
/// assert_eq!(text(f64::INFINITY), "Infinity");
/// ```
pub fn write_float64(v: f64, out: &mut String) {
    if v.is_nan() {
        out.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if v == 0.0 {
        out.push_str(if v.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    let mut text = StackStr::<64>::new();
    if write_ecmascript(v, &mut text).is_ok() {
        out.push_str(text.as_str());
    } else {
        // Unreachable (64 bytes hold any f64); std's Display also round-trips.
        let _ = write!(out, "{v}");
    }
}

/// ECMAScript `Number::toString` for a finite, non-zero `v`.
fn write_ecmascript(v: f64, out: &mut StackStr<64>) -> std::fmt::Result {
    // Rust's `{:e}` writes the shortest round-trip digits: "d[.ddd]e[-]x".
    let mut sci = StackStr::<40>::new();
    write!(sci, "{:e}", v.abs())?;
    let (mantissa, exp) = sci.as_str().split_once('e').ok_or(std::fmt::Error)?;
    let exp: i32 = exp.parse().map_err(|_| std::fmt::Error)?;
    let mut digits = StackStr::<24>::new();
    for c in mantissa.bytes().filter(u8::is_ascii_digit) {
        digits.push_bytes(&[c])?;
    }
    let k = i32::try_from(digits.as_bytes().len()).map_err(|_| std::fmt::Error)?;
    // v = 0.d1d2…dk × 10^n
    let n = exp + 1;
    let digits = tie_to_even(v.abs(), digits, n - k)?;
    let digits = digits.as_bytes();
    let count = |x: i32| usize::try_from(x).unwrap_or(0);
    if v < 0.0 {
        out.push_bytes(b"-")?;
    }
    if k <= n && n <= 21 {
        out.push_bytes(digits)?;
        out.push_repeat(b'0', count(n - k))?;
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at_checked(count(n)).ok_or(std::fmt::Error)?;
        out.push_bytes(int)?;
        out.push_bytes(b".")?;
        out.push_bytes(frac)?;
    } else if -6 < n && n <= 0 {
        out.push_bytes(b"0.")?;
        out.push_repeat(b'0', count(-n))?;
        out.push_bytes(digits)?;
    } else {
        let (first, rest) = digits.split_first().ok_or(std::fmt::Error)?;
        out.push_bytes(&[*first])?;
        if !rest.is_empty() {
            out.push_bytes(b".")?;
            out.push_bytes(rest)?;
        }
        let e = n - 1;
        write!(
            out,
            "e{}{}",
            if e < 0 { '-' } else { '+' },
            e.unsigned_abs()
        )?;
    }
    Ok(())
}

/// ECMAScript's choice between two shortest digit strings.
///
/// std's shortest digits `s` (value s × 10^`pow`) are the closest to `v`,
/// except when `v` lies exactly halfway between `s` and a neighbour `s ± 1`
/// of the same length that also reads back as `v`: std then keeps `s`, while
/// ECMAScript's Number::toString takes the even one. Checked exactly in
/// integers (a tie needs v = (10s ± 5) × 10^(pow−1)); rare, so the read-back
/// check allocates nothing on the common path.
fn tie_to_even(v: f64, digits: StackStr<24>, pow: i32) -> Result<StackStr<24>, std::fmt::Error> {
    let bytes = digits.as_bytes();
    let Some(&last) = bytes.last() else {
        return Ok(digits);
    };
    if last.wrapping_sub(b'0') % 2 == 0 {
        return Ok(digits);
    }
    let s: u64 = digits.as_str().parse().map_err(|_| std::fmt::Error)?;
    let k = u32::try_from(bytes.len()).map_err(|_| std::fmt::Error)?;
    let (Some(lo), Some(hi)) = (10u64.checked_pow(k - 1), 10u64.checked_pow(k)) else {
        return Ok(digits);
    };
    for up in [false, true] {
        let (mid, other) = if up {
            (s * 10 + 5, s + 1)
        } else {
            (s * 10 - 5, s - 1)
        };
        if other < lo || other >= hi || !equals_decimal(v, mid, pow - 1) {
            continue;
        }
        let mut candidate = StackStr::<40>::new();
        write!(candidate, "{other}e{pow}")?;
        if candidate.as_str().parse::<f64>() == Ok(v) {
            let mut out = StackStr::<24>::new();
            write!(out, "{other}")?;
            return Ok(out);
        }
    }
    Ok(digits)
}

/// Whether the positive finite `v` equals `t × 10^q` exactly.
fn equals_decimal(v: f64, t: u64, q: i32) -> bool {
    // v = m × 2^e with m odd.
    let bits = v.to_bits();
    let field = i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if field == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), field - 1075)
    };
    if m == 0 || t == 0 {
        return false;
    }
    let (m, e) = (
        m >> m.trailing_zeros(),
        e + i32::try_from(m.trailing_zeros()).unwrap_or(0),
    );
    // t × 10^q = t_odd × 5^q × 2^(t2 + q).
    let t2 = i32::try_from(t.trailing_zeros()).unwrap_or(0);
    let t_odd = u128::from(t >> t.trailing_zeros());
    let pow5 = |p: i32| u32::try_from(p).ok().and_then(|p| 5u128.checked_pow(p));
    if q >= 0 {
        // Odd parts and powers of two must match.
        pow5(q).and_then(|f| t_odd.checked_mul(f)) == Some(u128::from(m)) && t2 + q == e
    } else {
        // t_odd / 5^p × 2^(t2 − p), p = −q: needs t_odd = m × 5^p.
        pow5(-q).and_then(|f| u128::from(m).checked_mul(f)) == Some(t_odd) && t2 + q == e
    }
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// STRING: a JSON string, at most `max_length` characters.
///
/// `max_length` counts Unicode scalar values (what BigQuery calls
/// characters), not bytes or UTF-16 units; over it is a
/// [`ValueError::TooLong`] with unit `"characters"`. Numbers, booleans,
/// null, arrays and objects are rejected ([`ValueError::Invalid`]): a STRING
/// column gets a string, so a mistyped producer is caught rather than
/// stringified.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar::parse_string};
///
/// assert_eq!(parse_string(Input::Str("héllo"), Some(5))?, "héllo"); // 5 characters, 6 bytes
/// assert_eq!(parse_string(Input::Str("héllo!"), Some(5)).unwrap_err().to_string(),
///     "expected at most 5 characters, found 6");
/// // A number is not stringified.
/// assert_eq!(parse_string(Input::Number("42"), None).unwrap_err().to_string(),
///     "expected STRING (a JSON string), found a number");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_string(input: Input<'_>, max_length: Option<u64>) -> Result<&str, ValueError> {
    let Input::Str(s) = input else {
        return Err(ValueError::wrong_kind(STRING_EXPECTED, input.kind()));
    };
    if let Some(max) = max_length {
        // A string has no more characters than bytes: count only when needed.
        if len_u64(s.len()) > max {
            let length = len_u64(s.chars().count());
            if length > max {
                return Err(ValueError::TooLong {
                    max,
                    length,
                    unit: "characters",
                });
            }
        }
    }
    Ok(s)
}

/// BYTES: standard or URL-safe base64 text, at most `max_length` decoded bytes.
///
/// - The alphabet is standard (`+`, `/`) unless the text contains `-` or
///   `_`, then URL-safe; a mix of both is rejected.
/// - Padding (`=`) is optional, but if present must not exceed the canonical amount.
/// - Rejected ([`ValueError::Invalid`]): whitespace and line breaks, other
///   characters, impossible lengths, non-zero unused bits in the last
///   symbol (`"QR=="`; the canonical form is `"QQ=="`), and non-strings.
/// - Over `max_length` decoded bytes: [`ValueError::TooLong`] with unit `"bytes"`.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar::parse_bytes};
///
/// assert_eq!(parse_bytes(Input::Str("aGk="), None)?, b"hi");
/// assert_eq!(parse_bytes(Input::Str("aGk"), None)?, b"hi"); // padding is optional
/// assert_eq!(parse_bytes(Input::Str("-_8"), None)?, [0xfb, 0xff]); // URL-safe alphabet
/// assert!(parse_bytes(Input::Str("QR=="), None).is_err()); // non-zero unused bits
/// assert_eq!(parse_bytes(Input::Str("aGk="), Some(1)).unwrap_err().to_string(),
///     "expected at most 1 bytes, found 2");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse_bytes(input: Input<'_>, max_length: Option<u64>) -> Result<Vec<u8>, ValueError> {
    let mut bytes = Vec::new();
    parse_bytes_into(input, max_length, &mut bytes)?;
    Ok(bytes)
}

/// [`parse_bytes`] into the caller's buffer (cleared first), so that the
/// row walk decodes BYTES without allocating per value. On error `out`
/// holds no meaningful bytes.
pub(crate) fn parse_bytes_into(
    input: Input<'_>,
    max_length: Option<u64>,
    out: &mut Vec<u8>,
) -> Result<(), ValueError> {
    let Input::Str(s) = input else {
        return Err(ValueError::wrong_kind(BYTES_EXPECTED, input.kind()));
    };
    out.clear();
    if fast_base64(s.as_bytes(), out) {
        return check_bytes_len(out, max_length);
    }
    out.clear();
    let url_safe = s.bytes().any(|b| b == b'-' || b == b'_');
    let engine = if url_safe {
        &URL_SAFE_PAD_INDIFFERENT
    } else {
        &STANDARD_PAD_INDIFFERENT
    };
    engine
        .decode_vec(s, out)
        .map_err(|_| ValueError::invalid(BYTES_EXPECTED, s))?;
    check_bytes_len(out, max_length)
}

pub(crate) fn check_bytes_len(bytes: &[u8], max_length: Option<u64>) -> Result<(), ValueError> {
    if let Some(max) = max_length {
        let length = len_u64(bytes.len());
        if length > max {
            return Err(ValueError::TooLong {
                max,
                length,
                unit: "bytes",
            });
        }
    }
    Ok(())
}

/// One symbol of the standard base64 alphabet (from [`BASE64_TABLE`]).
#[inline]
fn base64_symbol(c: u8) -> Option<u32> {
    let v = BASE64_TABLE[usize::from(c)];
    (v & 0x80 == 0).then_some(u32::from(v))
}

/// The canonical shape of standard base64 (whole quads, standard
/// alphabet, canonical `=` padding, zero unused bits) decoded into `out`.
/// Written by hand because the base64 crate's general decoder costs more
/// than the rest of a short BYTES value's walk; anything else returns false
/// and goes to the crate, so this only ever agrees with it (a proptest
/// checks).
fn fast_base64(s: &[u8], out: &mut Vec<u8>) -> bool {
    if !s.len().is_multiple_of(4) {
        return false;
    }
    let pad = match s {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    let quads = s.len() / 4;
    let full = if pad > 0 { quads - 1 } else { quads };
    // Whole quads straight into place: one table lookup per symbol, no
    // capacity check per byte.
    let start = out.len();
    out.resize(start + full * 3, 0);
    let Some(dst) = out.get_mut(start..) else {
        return false;
    };
    for (quad, three) in s.chunks_exact(4).take(full).zip(dst.chunks_exact_mut(3)) {
        let Some(bytes) = quad.first_chunk::<4>().and_then(|&q| base64_quad(q)) else {
            return false;
        };
        three.copy_from_slice(&bytes);
    }
    if pad == 0 {
        return true;
    }
    // The padded last quad.
    s.get(full * 4..)
        .and_then(|quad| quad.first_chunk::<4>())
        .is_some_and(|&quad| base64_padded_quad(quad, pad, out))
}

/// One whole quad of standard base64 symbols as its three bytes; `None`
/// when any byte is outside the alphabet (`=` included).
/// Each symbol's value already shifted to its place in the quad's 24 bits
/// (one table per position), so a quad is four lookups and three ORs; a
/// byte outside the alphabet has bit 31 set in every table.
#[inline]
fn base64_quad(quad: [u8; 4]) -> Option<[u8; 3]> {
    let [t0, t1, t2, t3] = &BASE64_PLACED;
    let [c0, c1, c2, c3] = quad.map(usize::from);
    let v = t0[c0] | t1[c1] | t2[c2] | t3[c3];
    if v & BASE64_INVALID != 0 {
        return None;
    }
    let [_, b0, b1, b2] = v.to_be_bytes();
    Some([b0, b1, b2])
}

/// The flag [`BASE64_PLACED`] holds for a byte outside the alphabet.
const BASE64_INVALID: u32 = 1 << 31;

/// [`BASE64_TABLE`] by position in a quad: the symbol's six bits shifted
/// to bits 18, 12, 6 and 0, or [`BASE64_INVALID`].
static BASE64_PLACED: [[u32; 256]; 4] = {
    let mut t = [[BASE64_INVALID; 256]; 4];
    let mut c = 0;
    while c < 256 {
        let v = BASE64_TABLE[c];
        if v != 0xFF {
            let mut pos = 0;
            while pos < 4 {
                t[pos][c] = (v as u32) << (18 - 6 * pos);
                pos += 1;
            }
        }
        c += 1;
    }
    t
};

/// The last quad with `pad` (1 or 2) `=` at its end, appended to `out` when
/// its symbols are standard and its unused bits zero (canonical); false
/// otherwise.
#[inline]
fn base64_padded_quad(quad: [u8; 4], pad: usize, out: &mut Vec<u8>) -> bool {
    let mut v: u32 = 0;
    for (j, &c) in quad.iter().enumerate().take(4 - pad) {
        let Some(d) = base64_symbol(c) else {
            return false;
        };
        v |= d << (18 - 6 * j);
    }
    let [_, b0, b1, b2] = v.to_be_bytes();
    match pad {
        1 if b2 == 0 => out.extend_from_slice(&[b0, b1]),
        2 if b1 == 0 && b2 == 0 => out.push(b0),
        _ => return false,
    }
    true
}

/// BYTES as a JSON string in [`fast_base64`]'s canonical shape, decoded in
/// place from `b` (the row walk: the bytes after the string's opening
/// quote) into `out`: the length of the base64 text, whose closing quote
/// follows it. Every byte it accepts is a symbol of the alphabet or `=`, so
/// no escape or quote hides in them, and the text is exactly what
/// `fast_base64` would be given. `None` leaves the string to the general
/// path (which agrees); `out` may then hold partial output.
#[inline]
pub(crate) fn base64_quoted_prefix(b: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    out.clear();
    let mut i = 0;
    // Whole quads of symbols; the first quad that is not one ends the text.
    let quad = loop {
        let &quad = b.get(i..i + 4)?.first_chunk::<4>()?;
        match base64_quad(quad) {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => break quad,
        }
        i += 4;
    };
    let pad = match quad {
        [b'"', ..] => return Some(i),
        [_, _, b'=', b'='] => 2,
        [_, _, _, b'='] => 1,
        _ => return None,
    };
    (base64_padded_quad(quad, pad, out) && b.get(i + 4) == Some(&b'"')).then_some(i + 4)
}

/// Standard base64 symbol values; 0xFF marks a byte outside the alphabet.
const BASE64_TABLE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = 52 + i as u8;
        i += 1;
    }
    t[b'+' as usize] = 62;
    t[b'/' as usize] = 63;
    t
};

/// Appends BYTES's canonical text: standard base64 with padding.
///
/// # Examples
///
/// ```
/// use bqcodec::value::scalar::write_bytes;
///
/// let mut out = String::new();
/// write_bytes(&[0xfb, 0xff], &mut out);
/// assert_eq!(out, "+/8="); // standard alphabet, padded
/// ```
pub fn write_bytes(bytes: &[u8], out: &mut String) {
    STANDARD.encode_string(bytes, out);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn float_text(v: f64) -> String {
        let mut s = String::new();
        write_float64(v, &mut s);
        s
    }

    #[test]
    fn bool_inputs() {
        assert!(parse_bool(Input::Bool(true)).unwrap());
        assert!(!parse_bool(Input::Bool(false)).unwrap());
        for t in ["true", "TRUE", "True", "tRuE"] {
            assert!(parse_bool(Input::Str(t)).unwrap(), "{t}");
        }
        for t in ["false", "FALSE", "False"] {
            assert!(!parse_bool(Input::Str(t)).unwrap(), "{t}");
        }
        for t in ["1", "1.0", "1e0", "0.1e1"] {
            assert!(parse_bool(Input::Number(t)).unwrap(), "{t}");
        }
        for t in ["0", "-0", "0.0", "0e5"] {
            assert!(!parse_bool(Input::Number(t)).unwrap(), "{t}");
        }
        for t in ["2", "-1", "0.5", "1.5", "10", "9223372036854775808"] {
            let e = parse_bool(Input::Number(t)).unwrap_err();
            assert_eq!(e, ValueError::invalid(BOOL_EXPECTED, t));
        }
        for t in ["0", "1", "yes", "t", "", " true", "true ", "truee"] {
            assert_eq!(
                parse_bool(Input::Str(t)).unwrap_err(),
                ValueError::invalid(BOOL_EXPECTED, t)
            );
        }
        for input in [Input::Null, Input::Raw("[]"), Input::Raw("{}")] {
            assert_eq!(
                parse_bool(input).unwrap_err(),
                ValueError::wrong_kind(BOOL_EXPECTED, input.kind())
            );
        }
    }

    // Range from BigQuery's data types page ("Integer type").
    #[test]
    fn int64_inputs() {
        let int = |t: &str| parse_int64(Input::Number(t));
        let s = |t: &str| parse_int64(Input::Str(t));
        assert_eq!(int("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(int("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(s("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(s("-9223372036854775808").unwrap(), i64::MIN);
        // One past each end, and far past.
        for t in [
            "9223372036854775808",
            "-9223372036854775809",
            "1e19",
            "-9.223372036854775809e18",
            "99999999999999999999999999999999999999999999",
            "1e999999999999",
        ] {
            let e = int(t).unwrap_err();
            assert_eq!(e, ValueError::out_of_range(INT64_RANGE, t), "{t}");
        }
        // 2^53 + 1: not representable in f64, kept exact.
        assert_eq!(int("9007199254740993").unwrap(), 9_007_199_254_740_993);
        // Exact-integer forms are accepted.
        assert_eq!(int("1.0").unwrap(), 1);
        assert_eq!(int("1e3").unwrap(), 1000);
        assert_eq!(int("1E+3").unwrap(), 1000);
        assert_eq!(int("12.5e1").unwrap(), 125);
        assert_eq!(int("-0").unwrap(), 0);
        assert_eq!(int("-0.0").unwrap(), 0);
        assert_eq!(int("9.223372036854775807e18").unwrap(), i64::MAX);
        assert_eq!(int("-9223372036854775808.000").unwrap(), i64::MIN);
        assert_eq!(int("0e99999999999999").unwrap(), 0);
        assert_eq!(s("+42").unwrap(), 42);
        assert_eq!(s("007").unwrap(), 7);
        assert_eq!(s("5.").unwrap(), 5);
        // Non-zero fractions and malformed text.
        for t in [
            "1.5",
            "1e-1",
            "0.000000000000000000001",
            "-1.0000000000000000000001",
        ] {
            assert_eq!(
                int(t).unwrap_err(),
                ValueError::invalid(INT64_EXPECTED, t),
                "{t}"
            );
        }
        for t in [
            "", " 1", "1 ", "0x10", "1_000", "one", "+", "-", "1e", "NaN", "Infinity", "١",
        ] {
            assert_eq!(
                s(t).unwrap_err(),
                ValueError::invalid(INT64_EXPECTED, t),
                "{t:?}"
            );
        }
        for input in [Input::Null, Input::Bool(true), Input::Raw("[1]")] {
            assert_eq!(
                parse_int64(input).unwrap_err(),
                ValueError::wrong_kind(INT64_EXPECTED, input.kind())
            );
        }
    }

    #[test]
    fn float64_inputs() {
        let n = |t: &str| parse_float64(Input::Number(t));
        let s = |t: &str| parse_float64(Input::Str(t));
        assert_eq!(n("2.3").unwrap(), 2.3);
        assert_eq!(n("-1.5e3").unwrap(), -1500.0);
        assert_eq!(n("1.7976931348623157e308").unwrap(), f64::MAX);
        assert_eq!(n("5e-324").unwrap(), 5e-324);
        assert_eq!(n("2e-324").unwrap(), 0.0);
        assert!(n("-0").unwrap().is_sign_negative());
        // Correctly rounded: halfway between 1 and the next f64 rounds to even.
        assert_eq!(
            n("1.00000000000000011102230246251565404236316680908203125").unwrap(),
            1.0
        );
        assert_eq!(
            n("1.00000000000000011102230246251565404236316680908203126").unwrap(),
            1.0000000000000002
        );
        assert_eq!(n("9007199254740993").unwrap(), 9_007_199_254_740_992.0);
        // A finite literal beyond f64 is an error, not infinity.
        for t in [
            "1e400",
            "-1e400",
            "1.7976931348623159e308",
            "1e99999999999999999999",
        ] {
            assert_eq!(
                n(t).unwrap_err(),
                ValueError::out_of_range(FLOAT64_RANGE, t),
                "{t}"
            );
        }
        assert_eq!(
            s("1e400").unwrap_err(),
            ValueError::out_of_range(FLOAT64_RANGE, "1e400")
        );
        // Strings: numbers and the non-finite words.
        assert_eq!(s("+.5").unwrap(), 0.5);
        assert_eq!(s("5.").unwrap(), 5.0);
        assert!(s("NaN").unwrap().is_nan());
        assert!(s("nan").unwrap().is_nan());
        for t in ["Infinity", "infinity", "INF", "inf", "+Infinity", "+inf"] {
            assert_eq!(s(t).unwrap(), f64::INFINITY, "{t}");
        }
        for t in ["-Infinity", "-inf", "-INFINITY"] {
            assert_eq!(s(t).unwrap(), f64::NEG_INFINITY, "{t}");
        }
        for t in [
            "-NaN",
            "+nan",
            "nan(1)",
            "infinit",
            "Infinityy",
            "",
            " 1",
            "1 ",
            "0x1p3",
            "1_0",
            "1,5",
            ".",
        ] {
            assert_eq!(
                s(t).unwrap_err(),
                ValueError::invalid(FLOAT64_EXPECTED, t),
                "{t:?}"
            );
        }
        // The non-finite words are strings, not JSON numbers.
        assert!(n("NaN").is_err());
        assert!(n("inf").is_err());
        for input in [Input::Null, Input::Bool(false), Input::Raw("{}")] {
            assert_eq!(
                parse_float64(input).unwrap_err(),
                ValueError::wrong_kind(FLOAT64_EXPECTED, input.kind())
            );
        }
    }

    // Expected strings are what ECMAScript's Number.prototype.toString gives
    // (ECMA-262 Number::toString), except -0 (see write_float64).
    #[test]
    fn float64_canonical_text() {
        for (v, t) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123456789.0, "123456789"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (123e18, "123000000000000000000"),
            (0.000001, "0.000001"),
            (0.0000015, "0.0000015"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (-1e-7, "-1e-7"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (-5e-324, "-5e-324"),
            (9007199254740992.0, "9007199254740992"),
            // Exactly halfway between two shortest candidates: ECMAScript
            // takes the even one (std's `{}` would end in 3). Expected
            // strings checked with node's String(x).
            (f64::from_bits(4834619043424497005), "1690060720831323.2"),
            (f64::from_bits(14054779776990318442), "-1006567402717677.2"),
            (f64::from_bits(4821807710155533700), "233115890514796.12"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(float_text(v), t);
        }
        let mut out = String::from("x=");
        write_float64(2.5, &mut out);
        assert_eq!(out, "x=2.5");
    }

    #[test]
    fn string_inputs() {
        assert_eq!(parse_string(Input::Str("héllo"), None).unwrap(), "héllo");
        assert_eq!(parse_string(Input::Str(""), Some(0)).unwrap(), "");
        // 5 characters, 6 bytes: characters count.
        assert_eq!(parse_string(Input::Str("héllo"), Some(5)).unwrap(), "héllo");
        assert_eq!(
            parse_string(Input::Str("héllo"), Some(4)).unwrap_err(),
            ValueError::TooLong {
                max: 4,
                length: 5,
                unit: "characters"
            }
        );
        // A supplementary-plane character is one character.
        assert_eq!(parse_string(Input::Str("😀"), Some(1)).unwrap(), "😀");
        assert_eq!(
            parse_string(Input::Str("😀😀"), Some(1)).unwrap_err(),
            ValueError::TooLong {
                max: 1,
                length: 2,
                unit: "characters"
            }
        );
        for input in [
            Input::Number("1"),
            Input::Bool(true),
            Input::Null,
            Input::Raw("[\"a\"]"),
            Input::Raw("{}"),
        ] {
            assert_eq!(
                parse_string(input, None).unwrap_err(),
                ValueError::wrong_kind(STRING_EXPECTED, input.kind())
            );
        }
    }

    // RFC 4648 section 10 test vectors ("f" → "Zg==", …, "foobar" → "Zm9vYmFy").
    #[test]
    fn bytes_rfc4648_vectors() {
        for (raw, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            write_bytes(raw.as_bytes(), &mut out);
            assert_eq!(out, b64);
            assert_eq!(parse_bytes(Input::Str(b64), None).unwrap(), raw.as_bytes());
            // Unpadded is accepted too.
            let unpadded = b64.trim_end_matches('=');
            assert_eq!(
                parse_bytes(Input::Str(unpadded), None).unwrap(),
                raw.as_bytes()
            );
        }
    }

    #[test]
    fn bytes_alphabets_and_errors() {
        let raw = [0xfb, 0xff, 0xbf];
        let mut std_text = String::new();
        write_bytes(&raw, &mut std_text);
        assert_eq!(std_text, "+/+/");
        assert_eq!(parse_bytes(Input::Str("+/+/"), None).unwrap(), raw);
        assert_eq!(parse_bytes(Input::Str("-_-_"), None).unwrap(), raw);
        assert_eq!(parse_bytes(Input::Str("-_8"), None).unwrap(), [0xfb, 0xff]);
        assert_eq!(parse_bytes(Input::Str("-_8="), None).unwrap(), [0xfb, 0xff]);
        for bad in [
            "+_-/",
            "Zg===",
            "Zg=",
            "Z",
            "Zm9v YmFy",
            "Zm9v\nYmFy",
            "QR==",
            "Zm9v!",
            "=",
            "Zg==Zg==",
        ] {
            // "Zg=" (short padding) is accepted; everything else here is not.
            let r = parse_bytes(Input::Str(bad), None);
            if bad == "Zg=" {
                assert_eq!(r.unwrap(), b"f");
            } else {
                assert_eq!(
                    r.unwrap_err(),
                    ValueError::invalid(BYTES_EXPECTED, bad),
                    "{bad:?}"
                );
            }
        }
        assert_eq!(parse_bytes(Input::Str("Zm9v"), Some(3)).unwrap(), b"foo");
        assert_eq!(
            parse_bytes(Input::Str("Zm9vYg"), Some(3)).unwrap_err(),
            ValueError::TooLong {
                max: 3,
                length: 4,
                unit: "bytes"
            }
        );
        for input in [
            Input::Number("1"),
            Input::Bool(true),
            Input::Null,
            Input::Raw("[1]"),
        ] {
            assert_eq!(
                parse_bytes(input, None).unwrap_err(),
                ValueError::wrong_kind(BYTES_EXPECTED, input.kind())
            );
        }
    }

    #[test]
    fn every_byte_in_every_quad_position_decodes_as_the_crate_does() {
        // The placed tables by position: any byte value, alone in an
        // otherwise valid quad, is a symbol exactly when the crate says so,
        // and then gives the crate's bytes.
        for pos in 0..4 {
            for c in 0..=255u8 {
                let mut quad = *b"QUJD";
                quad[pos] = c;
                let ours = base64_quad(quad);
                let theirs = STANDARD.decode(quad).ok();
                assert_eq!(ours.map(Vec::from), theirs, "{quad:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn float64_text_round_trip(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            let text = float_text(v);
            let back = parse_float64(Input::Str(&text)).unwrap();
            if v.is_nan() {
                prop_assert!(back.is_nan());
            } else {
                prop_assert_eq!(back.to_bits(), v.to_bits(), "{}", text);
            }
            if v.is_finite() {
                // The text is also valid as a JSON number.
                prop_assert_eq!(parse_float64(Input::Number(&text)).unwrap().to_bits(), v.to_bits());
                prop_assert!(serde_json::from_str::<f64>(&text).is_ok());
                // Shortest: as many significant digits as std's shortest
                // representation (the digits differ only on exact ties).
                let digits = |t: &str| t.split(['e', 'E']).next().unwrap_or("").chars().filter(char::is_ascii_digit).collect::<String>().trim_matches('0').len();
                prop_assert_eq!(digits(&text), digits(&format!("{:e}", v)));
            }
        }

        #[test]
        fn fast_f64_agrees_with_std(
            neg in any::<bool>(),
            int in "[0-9]{1,16}",
            frac in proptest::option::of("[0-9]{0,16}"),
        ) {
            let text = match &frac {
                Some(f) => format!("{}{int}.{f}", if neg { "-" } else { "" }),
                None => format!("{}{int}", if neg { "-" } else { "" }),
            };
            let fast = fast_f64(&text);
            let std = text.parse::<f64>().ok();
            if let Some(v) = fast {
                prop_assert_eq!(Some(v.to_bits()), std.map(f64::to_bits), "{}", text);
            }
            // Whatever the path, the public parser agrees with std on JSON numbers.
            if let Ok(v) = parse_float64(Input::Number(&text)) {
                prop_assert_eq!(Some(v.to_bits()), std.map(f64::to_bits), "{}", text);
            }
        }

        #[test]
        fn fast_f64_takes_the_common_shapes(m in 0u64..1_000_000_000_000_000, scale in 0usize..15) {
            let digits = format!("{m:015}");
            let text = format!("{}.{}", &digits[..15 - scale], &digits[15 - scale..]);
            let text = text.trim_end_matches('.');
            prop_assert_eq!(
                fast_f64(text).map(f64::to_bits),
                text.parse::<f64>().ok().map(f64::to_bits),
                "{}", text
            );
        }

        #[test]
        fn fast_base64_agrees_with_the_crate(text in "[A-Za-z0-9+/=_-]{0,13}") {
            let mut fast = Vec::new();
            if fast_base64(text.as_bytes(), &mut fast) {
                let general = STANDARD_PAD_INDIFFERENT.decode(&text).ok();
                prop_assert_eq!(Some(fast), general, "{}", text);
            }
        }

        #[test]
        fn bytes_into_a_reused_buffer_agree(
            a in "[A-Za-z0-9+/=_-]{0,13}",
            b in "[A-Za-z0-9+/=_-]{0,13}",
            max in proptest::option::of(0u64..10),
        ) {
            let mut buf = vec![0xAA; 5];
            for text in [&a, &b, &a] {
                let want = parse_bytes(Input::Str(text), max);
                let got = parse_bytes_into(Input::Str(text), max, &mut buf).map(|()| buf.clone());
                prop_assert_eq!(got, want, "{:?}", text);
            }
        }

        #[test]
        fn fast_base64_takes_canonical_text(raw in prop::collection::vec(any::<u8>(), 0..40)) {
            let text = STANDARD.encode(&raw);
            let mut fast = Vec::new();
            prop_assert!(fast_base64(text.as_bytes(), &mut fast), "{}", text);
            prop_assert_eq!(fast, raw);
        }

        #[test]
        fn int64_text_round_trip(v in any::<i64>()) {
            let text = v.to_string();
            prop_assert_eq!(parse_int64(Input::Number(&text)).unwrap(), v);
            prop_assert_eq!(parse_int64(Input::Str(&text)).unwrap(), v);
            let scaled = format!("{text}.000e0");
            prop_assert_eq!(parse_int64(Input::Number(&scaled)).unwrap(), v);
        }

        #[test]
        fn bytes_round_trip(raw in prop::collection::vec(any::<u8>(), 0..64)) {
            let mut text = String::new();
            write_bytes(&raw, &mut text);
            prop_assert_eq!(parse_bytes(Input::Str(&text), None).unwrap(), raw.clone());
            let url = text.replace('+', "-").replace('/', "_");
            prop_assert_eq!(parse_bytes(Input::Str(&url), None).unwrap(), raw.clone());
            let len = u64::try_from(raw.len()).unwrap();
            prop_assert!(parse_bytes(Input::Str(&text), Some(len)).is_ok());
            if len > 0 {
                let too_long = parse_bytes(Input::Str(&text), Some(len - 1)).is_err();
                prop_assert!(too_long);
            }
        }

        #[test]
        fn string_length_counts_chars(s in any::<String>(), max in 0u64..20) {
            let chars = u64::try_from(s.chars().count()).unwrap();
            let r = parse_string(Input::Str(&s), Some(max));
            prop_assert_eq!(r.is_ok(), chars <= max);
        }

        #[test]
        fn no_panic_on_any_string(s in any::<String>()) {
            for input in [Input::Str(&s), Input::Number(&s), Input::Raw(&s)] {
                let _ = parse_bool(input);
                let _ = parse_int64(input);
                let _ = parse_float64(input);
                let _ = parse_string(input, Some(3));
                let _ = parse_bytes(input, Some(3));
            }
        }

        #[test]
        fn no_panic_on_number_like(s in "[-+]?[0-9.]{0,40}([eE][-+]?[0-9]{0,22})?") {
            let _ = parse_bool(Input::Number(&s));
            let _ = parse_int64(Input::Str(&s));
            let _ = parse_float64(Input::Str(&s));
        }
    }
}
