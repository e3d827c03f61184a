//! NUMERIC and BIGNUMERIC, and BigQuery's BigDecimal byte encoding.
//!
//! Both types are fixed-point decimals held exactly as a scaled integer:
//! [`Numeric`] is the value × 10^9 in an `i128`, [`BigNumeric`] the value ×
//! 10^38 in a 256-bit [`I256`]. Nothing here goes through `f64`.
//!
//! # Accepted text
//!
//! JSON numbers and JSON strings are read with one grammar:
//!
//! ```text
//! [+|-] digits [. [digits]] [(e|E) [+|-] digits]
//! [+|-] . digits            [(e|E) [+|-] digits]
//! ```
//!
//! So `1.5e3`, `-2E-5`, `+1`, `.5`, `5.` and `007` are accepted; whitespace,
//! `_` separators, hexadecimal, non-ASCII digits, `NaN` and `Infinity` are
//! not. A JSON number is taken from its text exactly as written (`2.3` is
//! 2.3, not the nearest `f64`).
//!
//! # Scale, rounding and range
//!
//! A value with more significant fractional digits than the scale (9, 38,
//! or the declared S of `NUMERIC(P, S)`) is a [`ValueError::ExcessScale`]
//! unless a [`Rounding`] policy is given; rounding is done on the decimal
//! digits, exactly. Trailing zeros are never excess (`1.5000000000` is 1.5).
//! A value outside the range (after rounding) is a [`ValueError::OutOfRange`]:
//!
//! - NUMERIC: ±99999999999999999999999999999.999999999 (29 + 9 digits).
//! - BIGNUMERIC: −2^255 × 10^−38 to (2^255 − 1) × 10^−38, i.e.
//!   −578960446186580977117854925043439539266.34992332820282019728792003956564819968 to
//!   578960446186580977117854925043439539266.34992332820282019728792003956564819967
//!   (BigQuery's data types page writes these as ±5.789…E+38).
//! - `NUMERIC(P, S)` / `BIGNUMERIC(P, S)`: |value| < 10^(P−S) as well.
//!
//! Exponents are bounded work: `1e999999999` is out of range at once,
//! `1e-999999999` is excess scale (or 0 under a rounding policy), `0e999999999`
//! is 0.
//!
//! # Canonical text
//!
//! [`fmt::Display`] writes no exponent, no trailing fractional zeros, no
//! trailing dot, `-` only for negatives and `0` for zero: `1.5`, `-0.000000001`.
//!
//! # BigDecimal bytes
//!
//! The Storage Write API takes NUMERIC and BIGNUMERIC in a proto `bytes` field
//! as the scaled integer in little-endian two's complement, minimal length
//! (zero is the single byte `0x00`). This is what Google's Java client
//! `BigDecimalByteStringEncoder` produces (`unscaledValue().toByteArray()`,
//! reversed) and what ZetaSQL's `NumericValue::SerializeAndAppendToProtoBytes`
//! writes (`FixedInt::SerializeToBytes`, "minimum number of bytes").

use super::Input;
use crate::error::ValueError;
use ethnum::{I256, U256};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// What to do with more fractional digits than the scale allows.
///
/// # Examples
///
/// ```
/// use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
///
/// let two = DecimalParams { precision: None, scale: Some(2) };
/// assert!(Numeric::parse_str("2.345", two, Rounding::Reject).unwrap_err().is_excess_scale());
/// assert_eq!(Numeric::parse_str("2.345", two, Rounding::HalfAwayFromZero)?.to_string(), "2.35");
/// assert_eq!(Numeric::parse_str("2.345", two, Rounding::HalfEven)?.to_string(), "2.34");
/// assert_eq!(Numeric::parse_str("-2.345", two, Rounding::HalfAwayFromZero)?.to_string(), "-2.35");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Rounding {
    /// An error ([`ValueError::ExcessScale`]). The default: no value is silently altered.
    #[default]
    Reject,
    /// Round half away from zero (what BigQuery's parameterized NUMERIC does).
    HalfAwayFromZero,
    /// Round half to even (`ROUND_HALF_EVEN`).
    HalfEven,
}

/// The declared precision and scale of a parameterized NUMERIC/BIGNUMERIC.
///
/// How the pair is read (schema validation rejects the odd cases; the codecs
/// still give them a meaning rather than panic):
/// - neither: the plain type (scale 9 or 38, the type's full range);
/// - precision P only: scale 0, as BigQuery reads `NUMERIC(P)`;
/// - both: |value| < 10^(P−S), at most S fractional digits;
/// - scale S only: at most S fractional digits, the type's full range.
///
/// A scale above the type's (9 or 38) is read as the type's scale.
///
/// # Examples
///
/// ```
/// use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
///
/// // NUMERIC(5, 2): at most 3 integer digits and 2 fractional ones.
/// let p = DecimalParams { precision: Some(5), scale: Some(2) };
/// assert_eq!(Numeric::parse_str("999.99", p, Rounding::Reject)?.to_string(), "999.99");
/// assert!(Numeric::parse_str("1000", p, Rounding::Reject).unwrap_err().is_out_of_range());
/// // NUMERIC(5) means scale 0.
/// let p = DecimalParams { precision: Some(5), scale: None };
/// assert!(Numeric::parse_str("1.5", p, Rounding::Reject).unwrap_err().is_excess_scale());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecimalParams {
    /// Declared precision P (total digits), if any.
    pub precision: Option<u32>,
    /// Declared scale S (fractional digits), if any.
    pub scale: Option<u32>,
}

impl DecimalParams {
    /// The scale and the integer-digit limit that apply to a type of scale `type_scale`.
    fn effective(self, type_scale: u32) -> (u32, Option<u32>) {
        let scale = match (self.precision, self.scale) {
            (_, Some(s)) => s.min(type_scale),
            (Some(_), None) => 0,
            (None, None) => type_scale,
        };
        (scale, self.precision.map(|p| p.saturating_sub(scale)))
    }
}

// ---------------------------------------------------------------------------
// Decimal text: one scanner and one exact digit-to-integer core, shared with
// INT64 and FLOAT64 in `scalar.rs`. Written by hand because the field's
// decimal crates either round silently (rust_decimal past 28 digits), go
// through an unbounded big integer (bigdecimal: `1e999999999` allocates), or
// do not know BigQuery's scales and rounding modes.
// ---------------------------------------------------------------------------

/// Exponents are clamped to this magnitude while scanning. Any value whose
/// exponent reaches it is out of range (or all fractional) for every type
/// here, so clamping changes no outcome and keeps the arithmetic in `i128`.
const EXP_CLAMP: i64 = 1 << 40;

/// Decimal text split into its parts: value = (int ‖ frac) × 10^(exp − |frac|).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalText<'a> {
    /// A leading `-`.
    pub(crate) negative: bool,
    /// ASCII digits before the point (may be empty).
    pub(crate) int: &'a [u8],
    /// ASCII digits after the point (may be empty; not both empty).
    pub(crate) frac: &'a [u8],
    /// The exponent, clamped to ±[`EXP_CLAMP`].
    pub(crate) exp: i64,
}

/// Splits decimal text per the module's grammar; `None` if it does not match.
pub(crate) fn scan_decimal(text: &str) -> Option<DecimalText<'_>> {
    fn digit_run(b: &[u8]) -> (&[u8], &[u8]) {
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        b.split_at_checked(n).unwrap_or((b, &[]))
    }
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        Some(_) => (false, bytes),
        None => return None,
    };
    let (int, rest) = digit_run(rest);
    let (frac, rest) = match rest.split_first() {
        Some((b'.', r)) => digit_run(r),
        _ => (&[][..], rest),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exp = match rest.split_first() {
        None => 0,
        Some((b'e' | b'E', r)) => {
            let (exp_negative, digits) = match r.split_first() {
                Some((b'-', d)) => (true, d),
                Some((b'+', d)) => (false, d),
                _ => (false, r),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let mut e: i64 = 0;
            for &c in digits {
                // e ≤ 2^40 here, so e * 10 + 9 cannot overflow.
                e = (e * 10 + i64::from(c.wrapping_sub(b'0'))).min(EXP_CLAMP);
            }
            if exp_negative { -e } else { e }
        }
        Some(_) => return None,
    };
    Some(DecimalText {
        negative,
        int,
        frac,
        exp,
    })
}

/// Why a decimal did not fit a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScaleFail {
    /// Non-zero digits beyond the scale and [`Rounding::Reject`].
    Excess,
    /// Too large for the magnitude type (callers check the real range).
    Range,
}

/// 10^0 ..= 10^19.
const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Digits per `u64` chunk when converting.
const CHUNK: u32 = 19;

/// An unsigned magnitude that decimal digits accumulate into.
pub(crate) trait Magnitude: Copy + PartialOrd {
    /// Zero.
    const ZERO: Self;
    /// More significant digits than this never fit.
    const MAX_DIGITS: u32;
    /// `self × 10^pow + add` (pow ≤ 19), `None` on overflow.
    fn mul_pow10_add(self, pow: u32, add: u64) -> Option<Self>;
    /// The low bit.
    fn is_odd(self) -> bool;
    /// `(self / 10^19, self % 10^19)`.
    fn divrem_chunk(self) -> (Self, u64);
    /// Whether zero.
    fn is_zero(self) -> bool;
}

fn pow10_u64(pow: u32) -> u64 {
    usize::try_from(pow)
        .ok()
        .and_then(|i| POW10_U64.get(i))
        .copied()
        .unwrap_or(0)
}

impl Magnitude for u128 {
    const ZERO: Self = 0;
    const MAX_DIGITS: u32 = 39;
    fn mul_pow10_add(self, pow: u32, add: u64) -> Option<Self> {
        self.checked_mul(u128::from(pow10_u64(pow)))?
            .checked_add(u128::from(add))
    }
    fn is_odd(self) -> bool {
        self & 1 == 1
    }
    fn divrem_chunk(self) -> (Self, u64) {
        let d = u128::from(POW10_U64[19]);
        (self / d, u64::try_from(self % d).unwrap_or(0))
    }
    fn is_zero(self) -> bool {
        self == 0
    }
}

impl Magnitude for U256 {
    const ZERO: Self = U256::ZERO;
    const MAX_DIGITS: u32 = 78;
    fn mul_pow10_add(self, pow: u32, add: u64) -> Option<Self> {
        self.checked_mul(U256::from(pow10_u64(pow)))?
            .checked_add(U256::from(add))
    }
    fn is_odd(self) -> bool {
        self & U256::ONE == U256::ONE
    }
    fn divrem_chunk(self) -> (Self, u64) {
        let d = U256::from(POW10_U64[19]);
        (self / d, u64::try_from(self % d).unwrap_or(0))
    }
    fn is_zero(self) -> bool {
        self == U256::ZERO
    }
}

fn len_i128(n: usize) -> i128 {
    i128::try_from(n).unwrap_or(i128::MAX)
}

/// The magnitude of `d × 10^scale`, exactly, or rounded per `rounding`.
///
/// Work is bounded by the text's length: huge exponents fail (or round to
/// zero) before any digit is multiplied out.
pub(crate) fn to_scaled<M: Magnitude>(
    d: &DecimalText<'_>,
    scale: u32,
    rounding: Rounding,
) -> Result<M, ScaleFail> {
    let digits = || d.int.iter().chain(d.frac.iter()).copied();
    let total = d.int.len().saturating_add(d.frac.len());
    let leading_zeros = digits().take_while(|&c| c == b'0').count();
    let sig = total.saturating_sub(leading_zeros);
    if sig == 0 {
        return Ok(M::ZERO);
    }
    let sig_i = len_i128(sig);
    // Scaled = (significant digits) × 10^shift.
    let shift = i128::from(d.exp) - len_i128(d.frac.len()) + i128::from(scale);
    let max_digits = i128::from(M::MAX_DIGITS);
    let (keep, zeros) = if shift >= 0 {
        if sig_i + shift > max_digits {
            return Err(ScaleFail::Range);
        }
        (sig, u32::try_from(shift).map_err(|_| ScaleFail::Range)?)
    } else {
        // Negative keep means every significant digit is dropped.
        let keep = usize::try_from(sig_i + shift).unwrap_or(0);
        if len_i128(keep) > max_digits {
            return Err(ScaleFail::Range);
        }
        (keep, 0)
    };

    let mut sig_digits = digits().skip(leading_zeros);
    let mut mag = M::ZERO;
    let mut chunk = 0u64;
    let mut in_chunk = 0u32;
    for c in sig_digits.by_ref().take(keep) {
        chunk = chunk * 10 + u64::from(c.wrapping_sub(b'0'));
        in_chunk += 1;
        if in_chunk == CHUNK {
            mag = mag.mul_pow10_add(CHUNK, chunk).ok_or(ScaleFail::Range)?;
            chunk = 0;
            in_chunk = 0;
        }
    }
    if in_chunk > 0 {
        mag = mag.mul_pow10_add(in_chunk, chunk).ok_or(ScaleFail::Range)?;
    }

    if shift < 0 {
        // The dropped digits, most significant first: implicit zeros when
        // more are dropped than there are significant digits, then the rest.
        let (first, rest_nonzero) = if -shift > sig_i {
            (0, true)
        } else {
            let first = sig_digits.next().map_or(0, |c| c.wrapping_sub(b'0'));
            (first, sig_digits.any(|c| c != b'0'))
        };
        if first != 0 || rest_nonzero {
            let up = match rounding {
                Rounding::Reject => return Err(ScaleFail::Excess),
                Rounding::HalfAwayFromZero => first >= 5,
                Rounding::HalfEven => first > 5 || (first == 5 && (rest_nonzero || mag.is_odd())),
            };
            if up {
                mag = mag.mul_pow10_add(0, 1).ok_or(ScaleFail::Range)?;
            }
        }
    }

    let mut zeros = zeros;
    while zeros > 0 {
        let p = zeros.min(CHUNK);
        mag = mag.mul_pow10_add(p, 0).ok_or(ScaleFail::Range)?;
        zeros -= p;
    }
    Ok(mag)
}

/// 10^n as a magnitude, `None` if it does not fit.
fn pow10<M: Magnitude>(n: u32) -> Option<M> {
    let mut v = M::ZERO.mul_pow10_add(0, 1)?;
    let mut left = n;
    while left > 0 {
        let p = left.min(CHUNK);
        v = v.mul_pow10_add(p, 0)?;
        left -= p;
    }
    Some(v)
}

// ---------------------------------------------------------------------------
// Text output.
// ---------------------------------------------------------------------------

/// A fixed-capacity ASCII buffer that implements [`fmt::Write`]; writing past
/// its end fails instead of panicking or allocating.
pub(crate) struct StackStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> StackStr<N> {
    /// An empty buffer.
    pub(crate) const fn new() -> Self {
        StackStr {
            buf: [0; N],
            len: 0,
        }
    }

    /// The bytes written so far.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The text written so far.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// Appends bytes; `Err` if they do not fit.
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) -> fmt::Result {
        let end = self.len.checked_add(bytes.len()).ok_or(fmt::Error)?;
        let slot = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Appends `n` copies of `byte`; `Err` if they do not fit.
    pub(crate) fn push_repeat(&mut self, byte: u8, n: usize) -> fmt::Result {
        let end = self.len.checked_add(n).ok_or(fmt::Error)?;
        let slot = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.fill(byte);
        self.len = end;
        Ok(())
    }
}

impl<const N: usize> fmt::Write for StackStr<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_bytes(s.as_bytes())
    }
}

/// Room for any magnitude here in decimal (U256::MAX has 78 digits).
const DIGIT_BUF: usize = 80;

/// The decimal digits of `mag` (no leading zeros; "0" for zero), written at
/// the end of `buf`; returns where they start.
fn magnitude_digits<M: Magnitude>(mag: M, buf: &mut [u8; DIGIT_BUF]) -> usize {
    let mut pos = buf.len();
    let mut rest = mag;
    loop {
        let (q, mut r) = rest.divrem_chunk();
        let last = q.is_zero();
        let mut written = 0;
        loop {
            let Some(p) = pos.checked_sub(1) else {
                return pos;
            };
            pos = p;
            if let Some(slot) = buf.get_mut(pos) {
                *slot = b'0' + u8::try_from(r % 10).unwrap_or(0);
            }
            r /= 10;
            written += 1;
            if (last && r == 0) || (!last && written == CHUNK) {
                break;
            }
        }
        if last {
            return pos;
        }
        rest = q;
    }
}

/// Writes `±mag × 10^−scale` canonically (see the module docs) into `out`.
fn write_scaled<M: Magnitude, const N: usize>(
    negative: bool,
    mag: M,
    scale: usize,
    out: &mut StackStr<N>,
) -> fmt::Result {
    let mut buf = [0u8; DIGIT_BUF];
    let start = magnitude_digits(mag, &mut buf);
    let digits = buf.get(start..).unwrap_or(&[]);
    if mag.is_zero() {
        return out.push_bytes(b"0");
    }
    let (int, lead_zeros, frac) = match digits.len().checked_sub(scale) {
        Some(int_len) if int_len > 0 => {
            let (i, f) = digits.split_at_checked(int_len).unwrap_or((digits, &[]));
            (i, 0, f)
        }
        _ => (&b"0"[..], scale.saturating_sub(digits.len()), digits),
    };
    let frac_len = frac.len() - frac.iter().rev().take_while(|&&c| c == b'0').count();
    let frac = frac.get(..frac_len).unwrap_or(frac);
    if negative {
        out.push_bytes(b"-")?;
    }
    out.push_bytes(int)?;
    if !frac.is_empty() {
        out.push_bytes(b".")?;
        out.push_repeat(b'0', lead_zeros)?;
        out.push_bytes(frac)?;
    }
    Ok(())
}

/// Room for any canonical NUMERIC/BIGNUMERIC text (at most 79 characters).
const TEXT_BUF: usize = 96;

fn scaled_text<M: Magnitude>(negative: bool, mag: M, scale: u32) -> StackStr<TEXT_BUF> {
    let mut out = StackStr::new();
    let scale = usize::try_from(scale).unwrap_or(0);
    // Cannot fail: the buffer holds any value of these types.
    let _ = write_scaled(negative, mag, scale, &mut out);
    out
}

/// Lower-case hex of up to 48 bytes, for error messages.
fn hex_for_message(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut s = String::with_capacity(bytes.len().min(48) * 2 + 1);
    for b in bytes.iter().take(48) {
        let _ = write!(s, "{b:02x}");
    }
    if bytes.len() > 48 {
        s.push('…');
    }
    s
}

/// Minimal little-endian two's complement: drops high bytes that only repeat
/// the sign of the byte below them.
fn push_minimal_le(le: &[u8], out: &mut Vec<u8>) {
    // The bytes that carry value: all but the top run of 0x00 (0xff for a
    // negative number) whose removal keeps the sign bit of the byte below.
    let negative = le.last().is_some_and(|&top| top & 0x80 != 0);
    let fill = if negative { 0xff } else { 0x00 };
    let mut len = le.len();
    // Skip whole fill bytes from the top, eight at a time where possible.
    while len > 8
        && le
            .get(len - 8..len)
            .is_some_and(|w| w.iter().all(|&b| b == fill))
    {
        len -= 8;
    }
    while len > 1 && le.get(len - 1) == Some(&fill) {
        len -= 1;
    }
    // Keep one fill byte when the byte below has the wrong sign bit.
    if let Some(&below) = le.get(len - 1)
        && (below & 0x80 != 0) != negative
        && len < le.len()
    {
        len += 1;
    }
    out.extend_from_slice(le.get(..len).unwrap_or(le));
}

/// Sign-extends 1..=N little-endian two's complement bytes to N bytes.
fn sign_extend<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    let &top = bytes.last()?;
    if bytes.len() > N {
        return None;
    }
    let fill = if top & 0x80 != 0 { 0xff } else { 0x00 };
    let mut out = [fill; N];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    Some(out)
}

fn range_expected(
    type_name: &'static str,
    full_range: &'static str,
    params: DecimalParams,
    type_scale: u32,
    type_int_digits: u32,
) -> Cow<'static, str> {
    let (scale, int_digits) = params.effective(type_scale);
    match (params.precision, int_digits) {
        (Some(p), Some(l)) if l <= type_int_digits => Cow::Owned(format!(
            "{type_name}({p}, {scale}) (absolute value less than 10^{l})"
        )),
        _ => Cow::Borrowed(full_range),
    }
}

// ---------------------------------------------------------------------------
// NUMERIC
// ---------------------------------------------------------------------------

const NUMERIC_EXPECTED: &str = "NUMERIC (a decimal number or string, e.g. 1.5, \"-2.5e-3\", \"99999999999999999999999999999.999999999\")";
const NUMERIC_RANGE: &str =
    "NUMERIC (-99999999999999999999999999999.999999999 to 99999999999999999999999999999.999999999)";
const NUMERIC_BYTES_EXPECTED: &str =
    "NUMERIC bytes (1 to 16 bytes of little-endian two's complement, the value × 10^9)";

/// The largest scaled NUMERIC: 10^38 − 1.
const NUMERIC_MAX_SCALED: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

/// The common shape `-?D{1,18}(.D{1,9})?` as a NUMERIC scaled integer, read
/// without the general grammar. `None` sends the text to the general parser,
/// so this only ever agrees with it (18 integer digits are always in range).
#[inline]
fn fast_plain_decimal(text: &str) -> Option<i128> {
    match fast_plain_decimal_prefix(text.as_bytes()) {
        Some((v, len)) if len == text.len() => Some(v),
        _ => None,
    }
}

/// [`fast_plain_decimal`] at the start of `b`, which may go on: the scaled
/// integer and the length of its text. It stops at the first byte outside
/// the shape, so the caller decides what may follow (the row walk: the
/// closing quote of a NUMERIC string read in place).
#[inline]
fn fast_plain_decimal_prefix(b: &[u8]) -> Option<(i128, usize)> {
    let neg = b.first() == Some(&b'-');
    let mut i = usize::from(neg);
    // Digits from `i` (at most `max`), valued: (value, count).
    let digits = |i: usize, max: usize| -> Option<(i64, usize)> {
        let mut v: i64 = 0;
        let mut n = 0;
        while let Some(&c) = b.get(i + n) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if n == max {
                return None;
            }
            v = v * 10 + i64::from(d);
            n += 1;
        }
        (n > 0).then_some((v, n))
    };
    let (int, n) = digits(i, 18)?;
    i += n;
    let mut frac: i64 = 0;
    if b.get(i) == Some(&b'.') {
        let (f, n) = digits(i + 1, 9)?;
        // f < 10^9 and the power ≤ 10^8: the product fits an i64 (a table
        // lookup, not `pow`'s loop).
        frac = f * POW10_U64.get(9 - n).map_or(0, |&p| p as i64);
        i += 1 + n;
    }
    let scaled = i128::from(int) * 1_000_000_000 + i128::from(frac);
    Some((if neg { -scaled } else { scaled }, i))
}

/// A NUMERIC value: the decimal times 10^9, exactly, in an i128.
///
/// Always within ±99999999999999999999999999999.999999999.
///
/// # Examples
///
/// This also shows the constants and [`scaled`](Self::scaled).
///
/// ```
/// use bqcodec::value::numeric::Numeric;
///
/// let v: Numeric = "2.30".parse()?;
/// assert_eq!(v.scaled(), 2_300_000_000); // value × 10^9
/// assert_eq!(v.to_string(), "2.3"); // canonical text: no trailing zeros
/// assert_eq!("1.5e3".parse::<Numeric>()?.to_string(), "1500");
/// assert_eq!(Numeric::MAX.to_string(), "99999999999999999999999999999.999999999");
/// assert_eq!((Numeric::SCALE, Numeric::ZERO.scaled(), Numeric::MIN.scaled()), (9, 0, -Numeric::MAX.scaled()));
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Numeric(i128);

impl Numeric {
    /// Fractional digits.
    pub const SCALE: u32 = 9;
    /// Zero.
    pub const ZERO: Numeric = Numeric(0);
    /// 99999999999999999999999999999.999999999
    pub const MAX: Numeric = Numeric(NUMERIC_MAX_SCALED);
    /// −99999999999999999999999999999.999999999
    pub const MIN: Numeric = Numeric(-NUMERIC_MAX_SCALED);

    /// From the scaled integer (value × 10^9). Rejects |scaled| > 10^38 − 1
    /// with [`ValueError::OutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::Numeric;
    ///
    /// assert_eq!(Numeric::from_scaled(-1)?.to_string(), "-0.000000001");
    /// assert_eq!(Numeric::from_scaled(10i128.pow(38) - 1)?, Numeric::MAX);
    /// assert!(Numeric::from_scaled(10i128.pow(38)).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_scaled(scaled: i128) -> Result<Self, ValueError> {
        if scaled.unsigned_abs() > NUMERIC_MAX_SCALED.unsigned_abs() {
            let text = scaled_text(scaled < 0, scaled.unsigned_abs(), Self::SCALE);
            return Err(ValueError::out_of_range(NUMERIC_RANGE, text.as_str()));
        }
        Ok(Numeric(scaled))
    }

    /// The scaled integer (value × 10^9): what Arrow's `Decimal128(38, 9)` holds.
    pub fn scaled(self) -> i128 {
        self.0
    }

    /// Parses a JSON number or string (decimal text, exponents allowed; see
    /// the module docs for the grammar).
    ///
    /// Rejects other JSON kinds and malformed text ([`ValueError::Invalid`]),
    /// more fractional digits than the (declared) scale under
    /// [`Rounding::Reject`] ([`ValueError::ExcessScale`]), and values outside
    /// the range or `params`' precision ([`ValueError::OutOfRange`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
    /// use bqcodec::Input;
    ///
    /// // A JSON number is read from its text: 0.1 is exactly 0.1, not the nearest f64.
    /// let v = Numeric::parse(Input::Number("0.1"), DecimalParams::default(), Rounding::Reject)?;
    /// assert_eq!(v.scaled(), 100_000_000);
    /// let v = Numeric::parse(Input::Str("-1.5E3"), DecimalParams::default(), Rounding::Reject)?;
    /// assert_eq!(v.to_string(), "-1500");
    /// assert_eq!(Numeric::parse(Input::Bool(true), DecimalParams::default(), Rounding::Reject).unwrap_err().to_string(),
    ///     r#"expected NUMERIC (a decimal number or string, e.g. 1.5, "-2.5e-3", "99999999999999999999999999999.999999999"), found a boolean"#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(
        input: Input<'_>,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        match input {
            Input::Number(t) | Input::Str(t) => Self::parse_str(t, params, rounding),
            other => Err(ValueError::wrong_kind(NUMERIC_EXPECTED, other.kind())),
        }
    }

    /// A NUMERIC string's common shape (`-?D{1,18}(.D{1,9})?`) read in
    /// place at the start of `b` (the row walk: the bytes after a string's
    /// opening quote): the value and its length, when the shape ends at a
    /// closing quote and `params` sets no precision or scale. Every byte it
    /// accepts is a digit, `-` or `.`, so no escape or quote hides in them;
    /// `None` leaves the string to [`Numeric::parse_str`], which agrees.
    #[inline]
    pub(crate) fn parse_quoted_prefix(b: &[u8], params: DecimalParams) -> Option<(Self, usize)> {
        if params.precision.is_some() || params.scale.is_some() {
            return None;
        }
        let (v, len) = fast_plain_decimal_prefix(b)?;
        (b.get(len) == Some(&b'"')).then_some((Numeric(v), len))
    }

    /// Parses decimal text, as [`Numeric::parse`] does for a string.
    ///
    /// ```
    /// use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
    /// let p = DecimalParams { precision: Some(5), scale: Some(2) };
    /// let v = Numeric::parse_str("1.125", p, Rounding::HalfAwayFromZero).unwrap();
    /// assert_eq!(v.to_string(), "1.13");
    /// assert!(Numeric::parse_str("1.125", p, Rounding::Reject).is_err());
    /// ```
    pub fn parse_str(
        text: &str,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        if params.precision.is_none()
            && params.scale.is_none()
            && let Some(v) = fast_plain_decimal(text)
        {
            return Ok(Numeric(v));
        }
        let range_err = || {
            ValueError::out_of_range(
                range_expected("NUMERIC", NUMERIC_RANGE, params, Self::SCALE, 29),
                text,
            )
        };
        let d = scan_decimal(text).ok_or_else(|| ValueError::invalid(NUMERIC_EXPECTED, text))?;
        let (scale, int_digits) = params.effective(Self::SCALE);
        let mag: u128 = to_scaled(&d, scale, rounding).map_err(|e| match e {
            ScaleFail::Excess => ValueError::excess_scale(scale, text),
            ScaleFail::Range => range_err(),
        })?;
        if let Some(limit) = int_digits.and_then(|l| pow10::<u128>(l.saturating_add(scale)))
            && mag >= limit
        {
            return Err(range_err());
        }
        let mag = mag
            .mul_pow10_add(Self::SCALE - scale, 0)
            .ok_or_else(range_err)?;
        if mag > NUMERIC_MAX_SCALED.unsigned_abs() {
            return Err(range_err());
        }
        let v = i128::try_from(mag).map_err(|_| range_err())?;
        Ok(Numeric(if d.negative { -v } else { v }))
    }

    /// Appends the BigDecimal encoding: the scaled integer as minimal-length
    /// little-endian two's complement (zero is one byte 0x00; 1 is
    /// `00 ca 9a 3b`, i.e. 10^9).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::Numeric;
    ///
    /// let mut out = Vec::new();
    /// "1".parse::<Numeric>()?.write_bigdecimal_bytes(&mut out);
    /// assert_eq!(out, [0x00, 0xca, 0x9a, 0x3b]); // 10^9, little-endian
    /// out.clear();
    /// "-0.000000001".parse::<Numeric>()?.write_bigdecimal_bytes(&mut out);
    /// assert_eq!(out, [0xff]); // minimal two's complement
    /// out.clear();
    /// Numeric::ZERO.write_bigdecimal_bytes(&mut out);
    /// assert_eq!(out, [0x00]);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn write_bigdecimal_bytes(self, out: &mut Vec<u8>) {
        let (bytes, len) = self.bigdecimal_bytes();
        out.extend_from_slice(bytes.get(..len).unwrap_or(&bytes));
    }

    /// The BigDecimal encoding in place: the little-endian bytes and how
    /// many of them it takes (1–16), counted without a loop — the bits
    /// besides the sign's run, plus the sign bit, in whole bytes.
    #[inline]
    pub(crate) fn bigdecimal_bytes(self) -> ([u8; 16], usize) {
        let magnitude_bits = if self.0 < 0 {
            128 - (!self.0).leading_zeros()
        } else {
            128 - self.0.leading_zeros()
        };
        let len = (magnitude_bits as usize + 1).div_ceil(8);
        (self.0.to_le_bytes(), len)
    }

    /// This value if it fits the declared `params` (precision and scale of a
    /// `NUMERIC(P, S)` column), with the errors [`Numeric::parse`] gives under
    /// [`Rounding::Reject`]: [`ValueError::ExcessScale`] for more fractional
    /// digits than S, [`ValueError::OutOfRange`] for more integer digits than
    /// P − S. For values that arrive already decoded (BigDecimal bytes).
    ///
    /// ```
    /// use bqcodec::value::numeric::{DecimalParams, Numeric, Rounding};
    /// let v = Numeric::parse_str("1.25", DecimalParams::default(), Rounding::Reject)?;
    /// let p = DecimalParams { precision: Some(5), scale: Some(1) };
    /// assert!(v.within(p).is_err());
    /// assert!(v.within(DecimalParams { precision: Some(5), scale: Some(2) }).is_ok());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn within(self, params: DecimalParams) -> Result<Self, ValueError> {
        if params.precision.is_none() && params.scale.is_none() {
            return Ok(self);
        }
        Self::parse_str(&self.to_string(), params, Rounding::Reject)
    }

    /// Decodes the BigDecimal encoding.
    ///
    /// Accepts 1 to 16 bytes, minimal or not (high bytes are sign-extended).
    /// Rejects empty input and more than 16 bytes ([`ValueError::Invalid`]),
    /// and values beyond NUMERIC's range ([`ValueError::OutOfRange`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::Numeric;
    ///
    /// assert_eq!(Numeric::from_bigdecimal_bytes(&[0x00, 0xca, 0x9a, 0x3b])?.to_string(), "1");
    /// assert_eq!(Numeric::from_bigdecimal_bytes(&[0x00, 0x36, 0x65, 0xc4, 0xff, 0xff])?.to_string(), "-1"); // not minimal: fine
    /// assert!(Numeric::from_bigdecimal_bytes(&[]).is_err());
    /// assert!(Numeric::from_bigdecimal_bytes(&[0xff; 16]).is_ok()); // −1 × 10^−9
    /// assert!(Numeric::from_bigdecimal_bytes(&[0x7f; 16]).unwrap_err().is_out_of_range());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_bigdecimal_bytes(bytes: &[u8]) -> Result<Self, ValueError> {
        let full = sign_extend::<16>(bytes)
            .ok_or_else(|| ValueError::invalid(NUMERIC_BYTES_EXPECTED, &hex_for_message(bytes)))?;
        Self::from_scaled(i128::from_le_bytes(full))
    }
}

impl fmt::Display for Numeric {
    /// Canonical text: no exponent, no trailing fractional zeros ("1.5", "-0.000000001", "0").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(scaled_text(self.0 < 0, self.0.unsigned_abs(), Self::SCALE).as_str())
    }
}

impl FromStr for Numeric {
    type Err = ValueError;

    /// [`Numeric::parse_str`] with no parameters and [`Rounding::Reject`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_str(s, DecimalParams::default(), Rounding::Reject)
    }
}

// ---------------------------------------------------------------------------
// BIGNUMERIC
// ---------------------------------------------------------------------------

const BIGNUMERIC_EXPECTED: &str =
    "BIGNUMERIC (a decimal number or string, e.g. 1.5, \"-2.5e-3\", \"1e38\")";
const BIGNUMERIC_RANGE: &str = "BIGNUMERIC (-578960446186580977117854925043439539266.34992332820282019728792003956564819968 to 578960446186580977117854925043439539266.34992332820282019728792003956564819967)";
const BIGNUMERIC_BYTES_EXPECTED: &str =
    "BIGNUMERIC bytes (1 to 32 bytes of little-endian two's complement, the value × 10^38)";

/// A BIGNUMERIC value: the decimal times 10^38, exactly, in a 256-bit integer.
///
/// Every [`I256`] is a valid BIGNUMERIC: the range is exactly −2^255 × 10^−38
/// to (2^255 − 1) × 10^−38.
///
/// # Examples
///
/// This also shows the constants.
///
/// ```
/// use bqcodec::value::numeric::BigNumeric;
///
/// let v: BigNumeric = "0.00000000000000000000000000000000000001".parse()?; // 38 digits
/// assert_eq!(v.to_le_bytes32()[..2], [1, 0]);
/// assert_eq!(BigNumeric::SCALE, 38);
/// assert_eq!(BigNumeric::MAX.to_string(),
///     "578960446186580977117854925043439539266.34992332820282019728792003956564819967");
/// assert!("1e-39".parse::<BigNumeric>().unwrap_err().is_excess_scale());
/// assert!(BigNumeric::MIN < BigNumeric::ZERO);
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BigNumeric(I256);

impl BigNumeric {
    /// Fractional digits.
    pub const SCALE: u32 = 38;
    /// Zero.
    pub const ZERO: BigNumeric = BigNumeric(I256::ZERO);
    /// (2^255 − 1) × 10^−38
    pub const MAX: BigNumeric = BigNumeric(I256::MAX);
    /// −2^255 × 10^−38
    pub const MIN: BigNumeric = BigNumeric(I256::MIN);

    /// From the scaled integer (value × 10^38); every I256 is in range.
    /// Crate-private so `ethnum` stays out of the public API: callers use
    /// [`BigNumeric::from_le_bytes32`].
    #[cfg(feature = "arrow")]
    pub(crate) fn from_scaled(scaled: I256) -> Self {
        BigNumeric(scaled)
    }

    /// The scaled integer (value × 10^38). Crate-private (see
    /// [`BigNumeric::to_le_bytes32`] for the public form).
    #[cfg(feature = "arrow")]
    pub(crate) fn scaled(self) -> I256 {
        self.0
    }

    /// The scaled integer as 32 little-endian bytes: what Arrow's
    /// `Decimal256(76, 38)` holds (`i256::from_le_bytes`).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::BigNumeric;
    ///
    /// let one: BigNumeric = "1".parse()?;
    /// let bytes = one.to_le_bytes32(); // 10^38
    /// assert_eq!(bytes[..16], [0, 0, 0, 0, 0x40, 0x22, 0x8a, 0x09, 0x7a, 0xc4, 0x86, 0x5a, 0xa8, 0x4c, 0x3b, 0x4b]);
    /// assert_eq!(bytes[16..], [0; 16]);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_le_bytes32(self) -> [u8; 32] {
        self.0.to_le_bytes()
    }

    /// From 32 little-endian bytes of the scaled integer (the inverse of
    /// [`BigNumeric::to_le_bytes32`]); every pattern is valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::BigNumeric;
    ///
    /// assert_eq!(BigNumeric::from_le_bytes32([0xff; 32]).to_string(), "-0.00000000000000000000000000000000000001");
    /// let mut max = [0xff; 32];
    /// max[31] = 0x7f;
    /// assert_eq!(BigNumeric::from_le_bytes32(max), BigNumeric::MAX);
    /// ```
    pub fn from_le_bytes32(bytes: [u8; 32]) -> Self {
        BigNumeric(I256::from_le_bytes(bytes))
    }

    /// Parses a JSON number or string (decimal text, exponents allowed; see
    /// the module docs for the grammar).
    ///
    /// Rejects other JSON kinds and malformed text ([`ValueError::Invalid`]),
    /// more fractional digits than the (declared) scale under
    /// [`Rounding::Reject`] ([`ValueError::ExcessScale`]), and values outside
    /// the range or `params`' precision ([`ValueError::OutOfRange`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::{BigNumeric, DecimalParams, Rounding};
    /// use bqcodec::Input;
    ///
    /// let p = DecimalParams::default();
    /// let v = BigNumeric::parse(Input::Number("3.14159265358979323846264338327950288419"), p, Rounding::Reject)?;
    /// assert_eq!(v.to_string(), "3.14159265358979323846264338327950288419"); // all 38 digits kept
    /// assert!(BigNumeric::parse(Input::Str("6e38"), p, Rounding::Reject).unwrap_err().is_out_of_range());
    /// assert!(BigNumeric::parse(Input::Null, p, Rounding::Reject).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse(
        input: Input<'_>,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        match input {
            Input::Number(t) | Input::Str(t) => Self::parse_str(t, params, rounding),
            other => Err(ValueError::wrong_kind(BIGNUMERIC_EXPECTED, other.kind())),
        }
    }

    /// Parses decimal text, as [`BigNumeric::parse`] does for a string.
    ///
    /// ```
    /// use bqcodec::value::numeric::{BigNumeric, DecimalParams, Rounding};
    /// let v = BigNumeric::parse_str("-2E-5", DecimalParams::default(), Rounding::Reject).unwrap();
    /// assert_eq!(v.to_string(), "-0.00002");
    /// ```
    pub fn parse_str(
        text: &str,
        params: DecimalParams,
        rounding: Rounding,
    ) -> Result<Self, ValueError> {
        let range_err = || {
            ValueError::out_of_range(
                range_expected("BIGNUMERIC", BIGNUMERIC_RANGE, params, Self::SCALE, 38),
                text,
            )
        };
        let d = scan_decimal(text).ok_or_else(|| ValueError::invalid(BIGNUMERIC_EXPECTED, text))?;
        let (scale, int_digits) = params.effective(Self::SCALE);
        let mag: U256 = to_scaled(&d, scale, rounding).map_err(|e| match e {
            ScaleFail::Excess => ValueError::excess_scale(scale, text),
            ScaleFail::Range => range_err(),
        })?;
        if let Some(limit) = int_digits.and_then(|l| pow10::<U256>(l.saturating_add(scale)))
            && mag >= limit
        {
            return Err(range_err());
        }
        let mut mag = mag;
        let mut left = Self::SCALE - scale;
        while left > 0 {
            let p = left.min(CHUNK);
            mag = mag.mul_pow10_add(p, 0).ok_or_else(range_err)?;
            left -= p;
        }
        let limit = if d.negative {
            I256::MIN.unsigned_abs()
        } else {
            I256::MAX.as_u256()
        };
        if mag > limit {
            return Err(range_err());
        }
        // mag ≤ 2^255 here; wrapping_neg maps 2^255 to I256::MIN exactly.
        let v = mag.as_i256();
        Ok(BigNumeric(if d.negative { v.wrapping_neg() } else { v }))
    }

    /// Appends the BigDecimal encoding (as for [`Numeric`]): the scaled
    /// integer as minimal-length little-endian two's complement, 1 to 32 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::BigNumeric;
    ///
    /// let mut out = Vec::new();
    /// "-0.00000000000000000000000000000000000128".parse::<BigNumeric>()?.write_bigdecimal_bytes(&mut out);
    /// assert_eq!(out, [0x80]); // −128: one byte
    /// out.clear();
    /// "0.00000000000000000000000000000000000128".parse::<BigNumeric>()?.write_bigdecimal_bytes(&mut out);
    /// assert_eq!(out, [0x80, 0x00]); // +128 needs a sign byte
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn write_bigdecimal_bytes(self, out: &mut Vec<u8>) {
        push_minimal_le(&self.0.to_le_bytes(), out);
    }

    /// This value if it fits the declared `params` (precision and scale of a
    /// `BIGNUMERIC(P, S)` column), with the errors [`BigNumeric::parse`] gives under
    /// [`Rounding::Reject`]: [`ValueError::ExcessScale`] for more fractional
    /// digits than S, [`ValueError::OutOfRange`] for more integer digits than
    /// P − S. For values that arrive already decoded (BigDecimal bytes).
    ///
    /// ```
    /// use bqcodec::value::numeric::{BigNumeric, DecimalParams, Rounding};
    /// let v = BigNumeric::parse_str("1.25", DecimalParams::default(), Rounding::Reject)?;
    /// let p = DecimalParams { precision: Some(5), scale: Some(1) };
    /// assert!(v.within(p).is_err());
    /// assert!(v.within(DecimalParams { precision: Some(5), scale: Some(2) }).is_ok());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn within(self, params: DecimalParams) -> Result<Self, ValueError> {
        if params.precision.is_none() && params.scale.is_none() {
            return Ok(self);
        }
        Self::parse_str(&self.to_string(), params, Rounding::Reject)
    }

    /// Decodes the BigDecimal encoding.
    ///
    /// Accepts 1 to 32 bytes, minimal or not (high bytes are sign-extended);
    /// rejects empty input and more than 32 bytes ([`ValueError::Invalid`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::BigNumeric;
    ///
    /// assert_eq!(BigNumeric::from_bigdecimal_bytes(&[0x80])?.to_string(), "-0.00000000000000000000000000000000000128");
    /// assert!(BigNumeric::from_bigdecimal_bytes(&[0; 33]).is_err());
    /// assert!(BigNumeric::from_bigdecimal_bytes(&[]).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_bigdecimal_bytes(bytes: &[u8]) -> Result<Self, ValueError> {
        let full = sign_extend::<32>(bytes).ok_or_else(|| {
            ValueError::invalid(BIGNUMERIC_BYTES_EXPECTED, &hex_for_message(bytes))
        })?;
        Ok(BigNumeric(I256::from_le_bytes(full)))
    }
}

impl fmt::Display for BigNumeric {
    /// Canonical text, as for [`Numeric`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(scaled_text(self.0 < 0, self.0.unsigned_abs(), Self::SCALE).as_str())
    }
}

impl FromStr for BigNumeric {
    type Err = ValueError;

    /// [`BigNumeric::parse_str`] with no parameters and [`Rounding::Reject`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_str(s, DecimalParams::default(), Rounding::Reject)
    }
}

impl From<Numeric> for BigNumeric {
    /// Exact: every NUMERIC is a BIGNUMERIC.
    fn from(v: Numeric) -> Self {
        // |v| < 10^38 × 10^-9, so × 10^29 stays below 10^67 < 2^255.
        let factor = I256::from(10u128.pow(29));
        BigNumeric(I256::from(v.0).wrapping_mul(factor))
    }
}

// ---------------------------------------------------------------------------
// rust_decimal interop
// ---------------------------------------------------------------------------

#[cfg(feature = "rust_decimal")]
mod rust_decimal_interop {
    use super::*;
    use rust_decimal::Decimal;

    const DECIMAL_RANGE: &str = "rust_decimal::Decimal (a 96-bit mantissa, about 28 significant digits, and at most 28 fractional digits)";

    /// Strips trailing fractional zeros from a scaled magnitude: `(mantissa, scale)`.
    fn reduce(mut mag: U256, mut scale: u32) -> (U256, u32) {
        let ten = U256::from(10u8);
        while scale > 0 && (mag % ten).is_zero() {
            mag /= ten;
            scale -= 1;
        }
        (mag, scale)
    }

    fn to_decimal(
        negative: bool,
        mag: U256,
        scale: u32,
        text: &str,
    ) -> Result<Decimal, ValueError> {
        let err = || ValueError::out_of_range(DECIMAL_RANGE, text);
        let (m, s) = reduce(mag, scale);
        if s > 28 {
            return Err(err());
        }
        let m = i128::try_from(m).map_err(|_| err())?;
        let m = if negative { -m } else { m };
        Decimal::try_from_i128_with_scale(m, s).map_err(|_| err())
    }

    impl TryFrom<Decimal> for Numeric {
        type Error = ValueError;

        /// Exact. Rejects more than 9 significant fractional digits
        /// ([`ValueError::ExcessScale`]); never rounds. (Every `Decimal`
        /// is within NUMERIC's range.)
        fn try_from(d: Decimal) -> Result<Self, ValueError> {
            let mantissa = d.mantissa();
            let scale = d.scale();
            let scaled = if scale <= Numeric::SCALE {
                mantissa.checked_mul(10i128.pow(Numeric::SCALE - scale))
            } else {
                let div = 10i128.pow(scale - Numeric::SCALE);
                if mantissa % div != 0 {
                    return Err(ValueError::excess_scale(Numeric::SCALE, &d.to_string()));
                }
                Some(mantissa / div)
            };
            match scaled {
                Some(s) => Numeric::from_scaled(s),
                None => Err(ValueError::out_of_range(NUMERIC_RANGE, &d.to_string())),
            }
        }
    }

    impl TryFrom<Decimal> for BigNumeric {
        type Error = ValueError;

        /// Exact; never fails (a `Decimal` has at most 28 fractional digits
        /// and a 96-bit mantissa). `TryFrom` for symmetry with [`Numeric`].
        fn try_from(d: Decimal) -> Result<Self, ValueError> {
            let factor = I256::from(10u128.pow(BigNumeric::SCALE - d.scale().min(28)));
            Ok(BigNumeric(I256::from(d.mantissa()).wrapping_mul(factor)))
        }
    }

    impl TryFrom<Numeric> for Decimal {
        type Error = ValueError;

        /// Exact. Rejects values whose significant digits do not fit a
        /// `Decimal`'s 96-bit mantissa ([`ValueError::OutOfRange`]); never rounds.
        fn try_from(v: Numeric) -> Result<Self, ValueError> {
            let text = v.to_string();
            to_decimal(
                v.0 < 0,
                U256::from(v.0.unsigned_abs()),
                Numeric::SCALE,
                &text,
            )
        }
    }

    impl TryFrom<BigNumeric> for Decimal {
        type Error = ValueError;

        /// Exact. Rejects values with more than 28 significant fractional
        /// digits or more significant digits than a 96-bit mantissa holds
        /// ([`ValueError::OutOfRange`]); never rounds.
        fn try_from(v: BigNumeric) -> Result<Self, ValueError> {
            let text = v.to_string();
            to_decimal(v.0 < 0, v.0.unsigned_abs(), BigNumeric::SCALE, &text)
        }
    }
}

// ---------------------------------------------------------------------------
// bigdecimal interop
// ---------------------------------------------------------------------------

#[cfg(feature = "bigdecimal")]
mod bigdecimal_interop {
    use super::*;
    use bigdecimal::BigDecimal;
    use bigdecimal::num_bigint::{BigInt, Sign};

    /// The digits and exponent of a BigDecimal, as decimal text parts.
    fn with_text<T>(
        d: &BigDecimal,
        f: impl FnOnce(&DecimalText<'_>, &str) -> Result<T, ValueError>,
    ) -> Result<T, ValueError> {
        let (int, scale) = d.as_bigint_and_scale();
        let digits = int.magnitude().to_str_radix(10);
        let exp = scale
            .checked_neg()
            .unwrap_or(i64::MAX)
            .clamp(-EXP_CLAMP, EXP_CLAMP);
        let text = format!(
            "{}{}e{}",
            if int.sign() == Sign::Minus { "-" } else { "" },
            digits,
            exp
        );
        let parts = DecimalText {
            negative: int.sign() == Sign::Minus,
            int: digits.as_bytes(),
            frac: &[],
            exp,
        };
        f(&parts, &text)
    }

    impl TryFrom<&BigDecimal> for Numeric {
        type Error = ValueError;

        /// Exact. Rejects more than 9 significant fractional digits
        /// ([`ValueError::ExcessScale`]) and values outside NUMERIC's range
        /// ([`ValueError::OutOfRange`]); never rounds.
        fn try_from(d: &BigDecimal) -> Result<Self, ValueError> {
            with_text(d, |parts, text| {
                let mag: u128 =
                    to_scaled(parts, Numeric::SCALE, Rounding::Reject).map_err(|e| match e {
                        ScaleFail::Excess => ValueError::excess_scale(Numeric::SCALE, text),
                        ScaleFail::Range => ValueError::out_of_range(NUMERIC_RANGE, text),
                    })?;
                let v = i128::try_from(mag)
                    .map_err(|_| ValueError::out_of_range(NUMERIC_RANGE, text))?;
                Numeric::from_scaled(if parts.negative { -v } else { v })
            })
        }
    }

    impl TryFrom<BigDecimal> for Numeric {
        type Error = ValueError;

        /// As for `&BigDecimal`.
        fn try_from(d: BigDecimal) -> Result<Self, ValueError> {
            Numeric::try_from(&d)
        }
    }

    impl TryFrom<&BigDecimal> for BigNumeric {
        type Error = ValueError;

        /// Exact. Rejects more than 38 significant fractional digits
        /// ([`ValueError::ExcessScale`]) and values outside BIGNUMERIC's range
        /// ([`ValueError::OutOfRange`]); never rounds.
        fn try_from(d: &BigDecimal) -> Result<Self, ValueError> {
            with_text(d, |parts, text| {
                let mag: U256 =
                    to_scaled(parts, BigNumeric::SCALE, Rounding::Reject).map_err(|e| match e {
                        ScaleFail::Excess => ValueError::excess_scale(BigNumeric::SCALE, text),
                        ScaleFail::Range => ValueError::out_of_range(BIGNUMERIC_RANGE, text),
                    })?;
                let limit = if parts.negative {
                    I256::MIN.unsigned_abs()
                } else {
                    I256::MAX.as_u256()
                };
                if mag > limit {
                    return Err(ValueError::out_of_range(BIGNUMERIC_RANGE, text));
                }
                let v = mag.as_i256();
                Ok(BigNumeric(if parts.negative {
                    v.wrapping_neg()
                } else {
                    v
                }))
            })
        }
    }

    impl TryFrom<BigDecimal> for BigNumeric {
        type Error = ValueError;

        /// As for `&BigDecimal`.
        fn try_from(d: BigDecimal) -> Result<Self, ValueError> {
            BigNumeric::try_from(&d)
        }
    }

    impl From<Numeric> for BigDecimal {
        /// Exact, with scale 9 (like the Java client's `setScale(9)`).
        fn from(v: Numeric) -> Self {
            BigDecimal::new(BigInt::from(v.0), i64::from(Numeric::SCALE))
        }
    }

    impl From<BigNumeric> for BigDecimal {
        /// Exact, with scale 38.
        fn from(v: BigNumeric) -> Self {
            BigDecimal::new(
                BigInt::from_signed_bytes_le(&v.0.to_le_bytes()),
                i64::from(BigNumeric::SCALE),
            )
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLAIN: DecimalParams = DecimalParams {
        precision: None,
        scale: None,
    };

    fn p(precision: u32, scale: u32) -> DecimalParams {
        DecimalParams {
            precision: Some(precision),
            scale: Some(scale),
        }
    }

    fn num(text: &str) -> Result<Numeric, ValueError> {
        Numeric::parse_str(text, PLAIN, Rounding::Reject)
    }

    fn big(text: &str) -> Result<BigNumeric, ValueError> {
        BigNumeric::parse_str(text, PLAIN, Rounding::Reject)
    }

    fn num_text(text: &str) -> String {
        match num(text) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    fn big_text(text: &str) -> String {
        match big(text) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    fn rounded(text: &str, params: DecimalParams, r: Rounding) -> String {
        match Numeric::parse_str(text, params, r) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    fn bytes_of_numeric(v: Numeric) -> Vec<u8> {
        let mut out = Vec::new();
        v.write_bigdecimal_bytes(&mut out);
        out
    }

    fn bytes_of_big(v: BigNumeric) -> Vec<u8> {
        let mut out = Vec::new();
        v.write_bigdecimal_bytes(&mut out);
        out
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    // 2^255 − 1 and 2^255, scaled by 10^−38.
    const BIG_MAX: &str =
        "578960446186580977117854925043439539266.34992332820282019728792003956564819967";
    const BIG_MIN: &str =
        "-578960446186580977117854925043439539266.34992332820282019728792003956564819968";

    #[test]
    fn numeric_exact_values() {
        assert_eq!(num("0").unwrap().scaled(), 0);
        assert_eq!(num("1").unwrap().scaled(), 1_000_000_000);
        assert_eq!(num("-1.5").unwrap().scaled(), -1_500_000_000);
        assert_eq!(num("0.000000001").unwrap().scaled(), 1);
        assert_eq!(num("2.3").unwrap().scaled(), 2_300_000_000);
        assert_eq!(
            num("123456789.987654321").unwrap().scaled(),
            123_456_789_987_654_321
        );
        assert_eq!(num_text("2.3"), "2.3");
        assert_eq!(num_text("-0.000000001"), "-0.000000001");
        assert_eq!(num_text("-0"), "0");
        assert_eq!(num_text("0.000"), "0");
        assert_eq!(num_text("10"), "10");
        assert_eq!(num_text("100.100"), "100.1");
    }

    #[test]
    fn numeric_grammar() {
        // Decisions: leading '+', ".5", "5." and leading zeros are accepted.
        assert_eq!(num_text("+1"), "1");
        assert_eq!(num_text(".5"), "0.5");
        assert_eq!(num_text("-.5"), "-0.5");
        assert_eq!(num_text("5."), "5");
        assert_eq!(num_text("007.50"), "7.5");
        for bad in [
            "", "+", "-", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", " 1", "1 ", "0x10",
            "NaN", "Infinity", "inf", "1_000", "1,5", "١", "--1", "+-1", "1e5.5", "1ee5", "1f",
        ] {
            let e = num(bad).unwrap_err();
            assert!(matches!(e, ValueError::Invalid { .. }), "{bad:?}: {e:?}");
            assert!(big(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numeric_exponents() {
        assert_eq!(num_text("1.5e3"), "1500");
        assert_eq!(num_text("-2E-5"), "-0.00002");
        assert_eq!(num_text("1E+2"), "100");
        assert_eq!(num_text("1e-9"), "0.000000001");
        assert_eq!(num_text("123e-9"), "0.000000123");
        assert!(num("123e-11").unwrap_err().is_excess_scale());
        assert_eq!(num_text("12345e-4"), "1.2345");
        assert_eq!(num_text("0.0001e4"), "1");
        assert_eq!(num_text("1e28"), "10000000000000000000000000000");
        assert!(num("1e29").unwrap_err().is_out_of_range());
        assert!(num("1e-10").unwrap_err().is_excess_scale());
        // Zero with any exponent is zero.
        assert_eq!(num_text("0e999999999"), "0");
        assert_eq!(num_text("0.000e-999999999999999999999999"), "0");
        // Huge exponents fail at once instead of multiplying out.
        assert!(num("1e999999999").unwrap_err().is_out_of_range());
        assert!(
            num("1e99999999999999999999999999")
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(
            big("1e99999999999999999999999999")
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(num("1e-999999999").unwrap_err().is_excess_scale());
        assert!(
            num("1e-99999999999999999999999999")
                .unwrap_err()
                .is_excess_scale()
        );
        assert_eq!(
            rounded("1e-999999999", PLAIN, Rounding::HalfAwayFromZero),
            "0"
        );
        assert_eq!(
            rounded("-5e-99999999999999999", PLAIN, Rounding::HalfEven),
            "0"
        );
        // Many digits cancelled by an exponent.
        let long = format!("{}e-1000", "1".repeat(1001));
        assert_eq!(rounded(&long, PLAIN, Rounding::HalfEven), "1.111111111");
        let long = format!("{}e-1000", "1".repeat(1000));
        assert!(num(&long).unwrap_err().is_excess_scale());
        let long = format!("1{}e-1000", "0".repeat(1000));
        assert_eq!(num_text(&long), "1");
    }

    // The bounds in BigQuery's data types page ("Decimal types":
    // NUMERIC Min/Max ±9.9999999999999999999999999999999999999E+28,
    // BIGNUMERIC ±5.7896044618658097711785492504343953926634992332820282019728792003956564819967E+38
    // / …968E+38) and the Java client's BigDecimalByteStringEncoder constants.
    #[test]
    fn numeric_bounds() {
        let max = "99999999999999999999999999999.999999999";
        assert_eq!(num(max).unwrap(), Numeric::MAX);
        assert_eq!(num(&format!("-{max}")).unwrap(), Numeric::MIN);
        assert_eq!(
            num("9.9999999999999999999999999999999999999E+28").unwrap(),
            Numeric::MAX
        );
        assert_eq!(
            num("-9.9999999999999999999999999999999999999E+28").unwrap(),
            Numeric::MIN
        );
        assert_eq!(Numeric::MAX.to_string(), max);
        assert_eq!(Numeric::MIN.to_string(), format!("-{max}"));
        // One unit past, both sides.
        for past in [
            "100000000000000000000000000000",
            "-100000000000000000000000000000",
            "99999999999999999999999999999.9999999991",
            "1e38",
            "340282366920938463463374607431768211456", // 2^128
            "1000000000000000000000000000000000000000000000000000",
        ] {
            let e = num(past).unwrap_err();
            // "…9991" is excess scale before it is out of range.
            assert!(e.is_out_of_range() || e.is_excess_scale(), "{past}: {e}");
        }
        assert!(
            num("100000000000000000000000000000")
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(
            num("-100000000000000000000000000000.000000000")
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(
            Numeric::from_scaled(NUMERIC_MAX_SCALED + 1)
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(
            Numeric::from_scaled(-NUMERIC_MAX_SCALED - 1)
                .unwrap_err()
                .is_out_of_range()
        );
        assert!(
            Numeric::from_scaled(i128::MIN)
                .unwrap_err()
                .is_out_of_range()
        );
        assert_eq!(
            Numeric::from_scaled(NUMERIC_MAX_SCALED).unwrap(),
            Numeric::MAX
        );
    }

    #[test]
    fn bignumeric_bounds() {
        assert_eq!(big(BIG_MAX).unwrap(), BigNumeric::MAX);
        assert_eq!(big(BIG_MIN).unwrap(), BigNumeric::MIN);
        assert_eq!(BigNumeric::MAX.to_string(), BIG_MAX);
        assert_eq!(BigNumeric::MIN.to_string(), BIG_MIN);
        assert_eq!(
            big(
                "5.7896044618658097711785492504343953926634992332820282019728792003956564819967E+38"
            )
            .unwrap(),
            BigNumeric::MAX
        );
        assert_eq!(
            big("-5.7896044618658097711785492504343953926634992332820282019728792003956564819968E+38")
                .unwrap(),
            BigNumeric::MIN
        );
        // One unit past.
        let over = "578960446186580977117854925043439539266.34992332820282019728792003956564819968";
        let under =
            "-578960446186580977117854925043439539266.34992332820282019728792003956564819969";
        assert!(big(over).unwrap_err().is_out_of_range());
        assert!(big(under).unwrap_err().is_out_of_range());
        assert!(big("1e39").unwrap_err().is_out_of_range());
        assert!(big("1e78").unwrap_err().is_out_of_range());
        assert!(big("1e-39").unwrap_err().is_excess_scale());
        assert_eq!(big_text("1e38"), "100000000000000000000000000000000000000");
        assert_eq!(big_text("1e-38"), format!("0.{}1", "0".repeat(37)));
        assert_eq!(
            big_text("-0.00000000000000000000000000000000000001"),
            "-0.00000000000000000000000000000000000001"
        );
        // The brief's "57896044618658097711785492504343953926.3499…" has one
        // integer digit too few: 2^255 has 77 digits, 39 of them before the point.
        assert_eq!(I256::MAX.to_string().len(), 77);
    }

    // ROUND_HALF_AWAY_FROM_ZERO / ROUND_HALF_EVEN examples from BigQuery's
    // REST reference, RoundingMode (scale 0).
    #[test]
    fn rounding_modes_doc_examples() {
        let s0 = p(10, 0);
        for (text, away, even) in [
            ("1.1", "1", "1"),
            ("1.2", "1", "1"),
            ("1.3", "1", "1"),
            ("1.4", "1", "1"),
            ("1.5", "2", "2"),
            ("1.6", "2", "2"),
            ("1.7", "2", "2"),
            ("1.8", "2", "2"),
            ("1.9", "2", "2"),
            ("2.5", "3", "2"),
            ("-2.5", "-3", "-2"),
            ("-1.5", "-2", "-2"),
            ("0.5", "1", "0"),
            ("-0.5", "-1", "0"),
            ("2.5000000000000000000001", "3", "3"),
            ("2.4999999999999999999999", "2", "2"),
        ] {
            assert_eq!(
                rounded(text, s0, Rounding::HalfAwayFromZero),
                away,
                "{text}"
            );
            assert_eq!(rounded(text, s0, Rounding::HalfEven), even, "{text}");
            let e = Numeric::parse_str(text, s0, Rounding::Reject).unwrap_err();
            assert_eq!(e, ValueError::excess_scale(0, text));
        }
    }

    // Data types page, "Parameterized decimal type": 1.125 into NUMERIC(5, 2)
    // rounds to 1.13; 1111 into NUMERIC(5, 2) is OUT_OF_RANGE (max 999.99).
    #[test]
    fn parameterized_doc_examples() {
        assert_eq!(
            rounded("1.125", p(5, 2), Rounding::HalfAwayFromZero),
            "1.13"
        );
        assert_eq!(rounded("1.125", p(5, 2), Rounding::HalfEven), "1.12");
        assert!(
            Numeric::parse_str("1.125", p(5, 2), Rounding::Reject)
                .unwrap_err()
                .is_excess_scale()
        );
        let e = Numeric::parse_str("1111", p(5, 2), Rounding::HalfAwayFromZero).unwrap_err();
        assert_eq!(
            e.to_string(),
            "out of range: expected NUMERIC(5, 2) (absolute value less than 10^3), found \"1111\""
        );
        assert_eq!(rounded("999.99", p(5, 2), Rounding::Reject), "999.99");
        assert_eq!(rounded("-999.99", p(5, 2), Rounding::Reject), "-999.99");
        assert!(
            Numeric::parse_str("1000", p(5, 2), Rounding::Reject)
                .unwrap_err()
                .is_out_of_range()
        );
        // Rounding happens before the range check.
        assert!(
            Numeric::parse_str("999.995", p(5, 2), Rounding::HalfAwayFromZero)
                .unwrap_err()
                .is_out_of_range()
        );
        assert_eq!(
            rounded("999.994", p(5, 2), Rounding::HalfAwayFromZero),
            "999.99"
        );
        // Trailing zeros beyond the scale are not excess.
        assert_eq!(rounded("1.5000000000000", p(5, 2), Rounding::Reject), "1.5");
        assert_eq!(num_text("1.5000000000"), "1.5");
        // NUMERIC(P) means scale 0.
        let p_only = DecimalParams {
            precision: Some(3),
            scale: None,
        };
        assert_eq!(rounded("999", p_only, Rounding::Reject), "999");
        assert!(
            Numeric::parse_str("1000", p_only, Rounding::Reject)
                .unwrap_err()
                .is_out_of_range()
        );
        assert_eq!(
            Numeric::parse_str("0.5", p_only, Rounding::Reject).unwrap_err(),
            ValueError::excess_scale(0, "0.5")
        );
        // P == S: only fractions.
        assert_eq!(rounded("0.99", p(2, 2), Rounding::Reject), "0.99");
        assert!(
            Numeric::parse_str("1", p(2, 2), Rounding::Reject)
                .unwrap_err()
                .is_out_of_range()
        );
        // Widest: NUMERIC(38, 9) is the plain range.
        assert_eq!(
            Numeric::parse_str(
                "99999999999999999999999999999.999999999",
                p(38, 9),
                Rounding::Reject
            )
            .unwrap(),
            Numeric::MAX
        );
        // Scale only: the scale, and the type's range.
        let s_only = DecimalParams {
            precision: None,
            scale: Some(2),
        };
        assert!(
            Numeric::parse_str("0.001", s_only, Rounding::Reject)
                .unwrap_err()
                .is_excess_scale()
        );
        assert_eq!(rounded("0.005", s_only, Rounding::HalfAwayFromZero), "0.01");
        // A scale above the type's is the type's.
        assert_eq!(
            rounded("0.0000000015", p(38, 12), Rounding::HalfEven),
            "0.000000002"
        );
        // BIGNUMERIC(P, S)
        let e = BigNumeric::parse_str("1e10", p(12, 2), Rounding::Reject).unwrap_err();
        assert_eq!(
            e.to_string(),
            "out of range: expected BIGNUMERIC(12, 2) (absolute value less than 10^10), found \"1e10\""
        );
        assert_eq!(
            BigNumeric::parse_str("9999999999.994", p(12, 2), Rounding::HalfEven)
                .unwrap()
                .to_string(),
            "9999999999.99"
        );
        assert_eq!(
            BigNumeric::parse_str("-0.125", p(40, 2), Rounding::HalfEven)
                .unwrap()
                .to_string(),
            "-0.12"
        );
        // BIGNUMERIC(76, 38): |v| < 10^38.
        assert!(
            BigNumeric::parse_str("1e38", p(76, 38), Rounding::Reject)
                .unwrap_err()
                .is_out_of_range()
        );
    }

    #[test]
    fn rounding_at_full_scale() {
        let away = |t: &str| rounded(t, PLAIN, Rounding::HalfAwayFromZero);
        let even = |t: &str| rounded(t, PLAIN, Rounding::HalfEven);
        assert_eq!(away("0.0000000005"), "0.000000001");
        assert_eq!(even("0.0000000005"), "0");
        assert_eq!(even("0.0000000015"), "0.000000002");
        assert_eq!(even("0.00000000150000000000000000001"), "0.000000002");
        assert_eq!(away("0.00000000049999999999999999999"), "0");
        assert_eq!(away("-0.0000000005"), "-0.000000001");
        assert_eq!(away("0.00000000005"), "0");
        // Rounding up past the maximum is out of range.
        let e = Numeric::parse_str(
            "99999999999999999999999999999.9999999995",
            PLAIN,
            Rounding::HalfAwayFromZero,
        )
        .unwrap_err();
        assert!(e.is_out_of_range());
        assert_eq!(
            away("99999999999999999999999999999.9999999994"),
            Numeric::MAX.to_string()
        );
        let e =
            BigNumeric::parse_str(&format!("{BIG_MAX}5"), PLAIN, Rounding::HalfEven).unwrap_err();
        assert!(e.is_out_of_range());
        assert_eq!(
            BigNumeric::parse_str(&format!("{BIG_MIN}4"), PLAIN, Rounding::HalfEven).unwrap(),
            BigNumeric::MIN
        );
    }

    #[test]
    fn input_kinds() {
        assert_eq!(
            Numeric::parse(Input::Number("2.3"), PLAIN, Rounding::Reject)
                .unwrap()
                .scaled(),
            2_300_000_000
        );
        assert_eq!(
            Numeric::parse(Input::Str("2.3"), PLAIN, Rounding::Reject)
                .unwrap()
                .scaled(),
            2_300_000_000
        );
        for input in [
            Input::Null,
            Input::Bool(true),
            Input::Raw("[1]"),
            Input::Raw("{}"),
        ] {
            let e = Numeric::parse(input, PLAIN, Rounding::Reject).unwrap_err();
            assert_eq!(
                e,
                ValueError::Invalid {
                    expected: NUMERIC_EXPECTED.into(),
                    found: input.kind().to_owned()
                }
            );
            assert!(BigNumeric::parse(input, PLAIN, Rounding::Reject).is_err());
        }
        assert_eq!(
            num("abc").unwrap_err().to_string(),
            format!("expected {NUMERIC_EXPECTED}, found \"abc\"")
        );
    }

    // Layout: google-cloud-bigquerystorage (Java) BigDecimalByteStringEncoder
    // serializes `v.setScale(scale).unscaledValue().toByteArray()` reversed
    // (minimal big-endian two's complement, so minimal little-endian here);
    // ZetaSQL's NumericValue::SerializeAndAppendToProtoBytes uses
    // FixedInt::SerializeToBytes ("minimum number of bytes"). The values 0,
    // 1.2, -1.2 and the BIGNUMERIC maximum are those of the Java client's
    // BigDecimalByteStringEncoderTest; the bytes were computed independently
    // with Python's int.to_bytes(n, "little", signed=True).
    #[test]
    fn bigdecimal_bytes_vectors() {
        for (text, expect) in [
            ("0", "00"),
            ("1", "00ca9a3b"),
            ("-1", "003665c4"),
            ("1.2", "008c8647"),
            ("-1.2", "007479b8"),
            ("0.000000001", "01"),
            ("0.000000128", "8000"),
            ("-0.000000128", "80"),
            ("-0.000000129", "7fff"),
            (
                "99999999999999999999999999999.999999999",
                "ffffffff3f228a097ac4865aa84c3b4b",
            ),
            (
                "-99999999999999999999999999999.999999999",
                "01000000c0dd75f6853b79a557b3c4b4",
            ),
        ] {
            let v = num(text).unwrap();
            assert_eq!(hex(&bytes_of_numeric(v)), expect, "{text}");
            assert_eq!(
                Numeric::from_bigdecimal_bytes(&bytes_of_numeric(v)).unwrap(),
                v
            );
        }
        for (text, expect) in [
            ("0", "00"),
            ("1", "0000000040228a097ac4865aa84c3b4b"),
            ("-1", "00000000c0dd75f6853b79a557b3c4b4"),
            ("1.2", "00000000808f720b2c523b06ca28475a"),
            (
                BIG_MAX,
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            ),
            (
                BIG_MIN,
                "0000000000000000000000000000000000000000000000000000000000000080",
            ),
        ] {
            let v = big(text).unwrap();
            assert_eq!(hex(&bytes_of_big(v)), expect, "{text}");
            assert_eq!(
                BigNumeric::from_bigdecimal_bytes(&bytes_of_big(v)).unwrap(),
                v
            );
        }
        // Appends, never overwrites.
        let mut out = vec![0xaa];
        num("1").unwrap().write_bigdecimal_bytes(&mut out);
        assert_eq!(hex(&out), "aa00ca9a3b");
    }

    #[test]
    fn bigdecimal_bytes_decoding() {
        // Non-minimal encodings are sign-extended.
        assert_eq!(
            Numeric::from_bigdecimal_bytes(&[0x00, 0xca, 0x9a, 0x3b, 0, 0]).unwrap(),
            num("1").unwrap()
        );
        assert_eq!(
            Numeric::from_bigdecimal_bytes(&[0xff]).unwrap().scaled(),
            -1
        );
        assert_eq!(
            Numeric::from_bigdecimal_bytes(&[0xff; 16])
                .unwrap()
                .scaled(),
            -1
        );
        assert_eq!(
            Numeric::from_bigdecimal_bytes(&[0x7f]).unwrap().scaled(),
            127
        );
        assert_eq!(
            BigNumeric::from_bigdecimal_bytes(&[0x80])
                .unwrap()
                .to_le_bytes32(),
            I256::from(-128).to_le_bytes()
        );
        assert_eq!(
            BigNumeric::from_bigdecimal_bytes(&[0xff; 32])
                .unwrap()
                .to_le_bytes32(),
            I256::from(-1).to_le_bytes()
        );
        // Empty and too long.
        assert!(matches!(
            Numeric::from_bigdecimal_bytes(&[]),
            Err(ValueError::Invalid { .. })
        ));
        assert!(matches!(
            Numeric::from_bigdecimal_bytes(&[0; 17]),
            Err(ValueError::Invalid { .. })
        ));
        assert!(matches!(
            BigNumeric::from_bigdecimal_bytes(&[]),
            Err(ValueError::Invalid { .. })
        ));
        assert!(matches!(
            BigNumeric::from_bigdecimal_bytes(&[0; 33]),
            Err(ValueError::Invalid { .. })
        ));
        // 16 bytes that are a valid i128 but not a NUMERIC.
        let e = Numeric::from_bigdecimal_bytes(&i128::MAX.to_le_bytes()).unwrap_err();
        assert!(e.is_out_of_range());
        let e =
            Numeric::from_bigdecimal_bytes(&(NUMERIC_MAX_SCALED + 1).to_le_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "out of range: expected {NUMERIC_RANGE}, found \"100000000000000000000000000000\""
            )
        );
        assert_eq!(
            Numeric::from_bigdecimal_bytes(&[]).unwrap_err().to_string(),
            format!("expected {NUMERIC_BYTES_EXPECTED}, found \"\"")
        );
    }

    #[test]
    fn display_pads_and_converts() {
        let v = num("-1.5").unwrap();
        assert_eq!(format!("{v:>6}"), "  -1.5");
        assert_eq!(BigNumeric::from(v).to_string(), "-1.5");
        assert_eq!(
            BigNumeric::from(Numeric::MAX).to_string(),
            Numeric::MAX.to_string()
        );
        assert_eq!("0.1".parse::<Numeric>().unwrap().scaled(), 100_000_000);
        assert_eq!("0.1".parse::<BigNumeric>().unwrap().to_string(), "0.1");
        let b = big("-12.5").unwrap();
        assert_eq!(BigNumeric::from_le_bytes32(b.to_le_bytes32()), b);
    }

    fn numeric_scaled() -> impl Strategy<Value = i128> {
        prop_oneof![
            -NUMERIC_MAX_SCALED..=NUMERIC_MAX_SCALED,
            -1_000_000_000_000i128..1_000_000_000_000,
            Just(NUMERIC_MAX_SCALED),
            Just(-NUMERIC_MAX_SCALED),
        ]
    }

    fn decimal_text() -> impl Strategy<Value = String> {
        (
            prop::option::of(prop_oneof![Just('-'), Just('+')]),
            "[0-9]{0,45}",
            prop::option::of("[0-9]{0,45}"),
            prop::option::of((
                prop_oneof![Just("e"), Just("E")],
                prop::option::of(prop_oneof![Just('-'), Just('+')]),
                -80i32..80,
            )),
        )
            .prop_map(|(sign, int, frac, exp)| {
                let mut s = String::new();
                if let Some(c) = sign {
                    s.push(c);
                }
                s.push_str(&int);
                if let Some(f) = frac {
                    s.push('.');
                    s.push_str(&f);
                }
                if let Some((e, es, n)) = exp {
                    s.push_str(e);
                    if let Some(c) = es {
                        s.push(c);
                    }
                    s.push_str(&n.unsigned_abs().to_string());
                }
                s
            })
    }

    proptest! {
        #[test]
        fn numeric_value_text_value(scaled in numeric_scaled()) {
            let v = Numeric::from_scaled(scaled).unwrap();
            let text = v.to_string();
            prop_assert_eq!(num(&text).unwrap(), v);
            prop_assert!(!text.contains('e'));
            prop_assert!(!text.ends_with('.'));
            if text.contains('.') {
                prop_assert!(!text.ends_with('0'));
            }
            prop_assert_eq!(BigNumeric::from(v).to_string(), text);
        }

        #[test]
        fn numeric_value_bytes_value(scaled in numeric_scaled()) {
            let v = Numeric::from_scaled(scaled).unwrap();
            let bytes = bytes_of_numeric(v);
            prop_assert_eq!(Numeric::from_bigdecimal_bytes(&bytes).unwrap(), v);
            // Minimal: one byte fewer cannot hold the value.
            let n = u32::try_from(bytes.len()).unwrap();
            prop_assert!((1..=16).contains(&n));
            if n > 1 {
                let half = 1i128 << (8 * (n - 1) - 1);
                prop_assert!(scaled < -half || scaled >= half);
            }
        }

        #[test]
        fn bignumeric_value_text_and_bytes(raw in any::<[u8; 32]>()) {
            let v = BigNumeric::from_le_bytes32(raw);
            let text = v.to_string();
            prop_assert_eq!(big(&text).unwrap(), v);
            let bytes = bytes_of_big(v);
            prop_assert!(!bytes.is_empty() && bytes.len() <= 32);
            prop_assert_eq!(BigNumeric::from_bigdecimal_bytes(&bytes).unwrap(), v);
            if bytes.len() > 1 {
                let shorter = BigNumeric::from_bigdecimal_bytes(&bytes[..bytes.len() - 1]).unwrap();
                prop_assert_ne!(shorter, v);
            }
        }

        #[test]
        fn text_value_text(text in decimal_text()) {
            // Whatever parses re-parses from its canonical text to the same value.
            if let Ok(v) = num(&text) {
                prop_assert_eq!(num(&v.to_string()).unwrap(), v);
                prop_assert_eq!(big(&text).unwrap(), BigNumeric::from(v));
            }
            if let Ok(v) = big(&text) {
                prop_assert_eq!(big(&v.to_string()).unwrap(), v);
            }
            for r in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                if let Ok(v) = Numeric::parse_str(&text, PLAIN, r) {
                    prop_assert_eq!(num(&v.to_string()).unwrap(), v);
                }
            }
        }

        #[test]
        fn no_panic_on_any_string(text in any::<String>()) {
            for r in [Rounding::Reject, Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                for params in [PLAIN, p(5, 2), p(0, 0), p(u32::MAX, u32::MAX)] {
                    let _ = Numeric::parse_str(&text, params, r);
                    let _ = BigNumeric::parse_str(&text, params, r);
                }
            }
            let _ = Numeric::from_bigdecimal_bytes(text.as_bytes());
            let _ = BigNumeric::from_bigdecimal_bytes(text.as_bytes());
        }

        #[test]
        fn no_panic_on_decimal_like(text in "[-+]?[0-9.]{0,60}([eE][-+]?[0-9]{0,25})?") {
            for params in [PLAIN, p(5, 2), p(1, 0), p(76, 38), p(3, 40)] {
                for r in [Rounding::Reject, Rounding::HalfAwayFromZero, Rounding::HalfEven] {
                    let _ = Numeric::parse_str(&text, params, r);
                    let _ = BigNumeric::parse_str(&text, params, r);
                }
            }
        }
    }

    #[cfg(feature = "bigdecimal")]
    mod bigdecimal_oracle {
        use super::*;
        use bigdecimal::{BigDecimal, RoundingMode};

        proptest! {
            // bigdecimal as an independent oracle for exact rounding.
            #[test]
            fn rounding_matches_bigdecimal(text in decimal_text(), s in 0u32..=9) {
                let Ok(oracle) = BigDecimal::from_str(&text) else { return Ok(()); };
                // The widest valid NUMERIC(P, S): P = S + 29.
                let params = p(29 + s, s);
                for (r, mode) in [
                    (Rounding::HalfAwayFromZero, RoundingMode::HalfUp),
                    (Rounding::HalfEven, RoundingMode::HalfEven),
                ] {
                    let expect = oracle.with_scale_round(i64::from(s), mode);
                    match Numeric::parse_str(&text, params, r) {
                        Ok(v) => prop_assert_eq!(BigDecimal::from(v), expect),
                        Err(e) => {
                            prop_assert!(e.is_out_of_range(), "{}", e);
                            let bound = BigDecimal::from_str("1e29").unwrap();
                            prop_assert!(expect.abs() >= bound);
                        }
                    }
                }
                match Numeric::parse_str(&text, params, Rounding::Reject) {
                    Ok(v) => prop_assert_eq!(BigDecimal::from(v), oracle.clone()),
                    Err(e) if e.is_excess_scale() => prop_assert!(oracle.with_scale(i64::from(s)) != oracle),
                    Err(e) => prop_assert!(e.is_out_of_range(), "{}", e),
                }
            }
        }

        #[test]
        fn conversions() {
            let v = num("-123.456").unwrap();
            let d = BigDecimal::from(v);
            assert_eq!(d, BigDecimal::from_str("-123.456").unwrap());
            assert_eq!(Numeric::try_from(&d).unwrap(), v);
            assert_eq!(
                Numeric::try_from(BigDecimal::from_str("1e28").unwrap()).unwrap(),
                num("1e28").unwrap()
            );
            assert!(
                Numeric::try_from(BigDecimal::from_str("1e29").unwrap())
                    .unwrap_err()
                    .is_out_of_range()
            );
            assert!(
                Numeric::try_from(BigDecimal::from_str("1e-10").unwrap())
                    .unwrap_err()
                    .is_excess_scale()
            );
            assert_eq!(
                Numeric::try_from(BigDecimal::from_str("1.0000000000000").unwrap()).unwrap(),
                num("1").unwrap()
            );
            assert!(
                Numeric::try_from(BigDecimal::new(1.into(), i64::MIN))
                    .unwrap_err()
                    .is_out_of_range()
            );
            assert!(
                Numeric::try_from(BigDecimal::new(1.into(), i64::MAX))
                    .unwrap_err()
                    .is_excess_scale()
            );
            assert_eq!(
                Numeric::try_from(BigDecimal::new(0.into(), i64::MIN)).unwrap(),
                Numeric::ZERO
            );
            let max = BigDecimal::from_str(BIG_MAX).unwrap();
            assert_eq!(BigNumeric::try_from(&max).unwrap(), BigNumeric::MAX);
            assert_eq!(BigDecimal::from(BigNumeric::MAX), max);
            let min = BigDecimal::from_str(BIG_MIN).unwrap();
            assert_eq!(BigNumeric::try_from(min.clone()).unwrap(), BigNumeric::MIN);
            assert_eq!(BigDecimal::from(BigNumeric::MIN), min);
            assert!(
                BigNumeric::try_from(&(min - BigDecimal::from_str("1e-38").unwrap()))
                    .unwrap_err()
                    .is_out_of_range()
            );
        }

        proptest! {
            #[test]
            fn bigdecimal_round_trip(raw in any::<[u8; 32]>(), scaled in numeric_scaled()) {
                let b = BigNumeric::from_le_bytes32(raw);
                prop_assert_eq!(BigNumeric::try_from(BigDecimal::from(b)).unwrap(), b);
                prop_assert_eq!(BigDecimal::from(b), BigDecimal::from_str(&b.to_string()).unwrap());
                let n = Numeric::from_scaled(scaled).unwrap();
                prop_assert_eq!(Numeric::try_from(BigDecimal::from(n)).unwrap(), n);
            }
        }
    }

    #[cfg(feature = "rust_decimal")]
    mod rust_decimal_interop_tests {
        use super::*;
        use rust_decimal::Decimal;

        #[test]
        fn conversions() {
            let d = Decimal::from_str("-123.456").unwrap();
            let v = Numeric::try_from(d).unwrap();
            assert_eq!(v, num("-123.456").unwrap());
            assert_eq!(Decimal::try_from(v).unwrap(), d);
            assert_eq!(BigNumeric::try_from(d).unwrap(), big("-123.456").unwrap());
            assert_eq!(Decimal::try_from(big("-123.456").unwrap()).unwrap(), d);
            // More than 9 significant fractional digits: no rounding.
            let fine = Decimal::from_str("0.0000000001").unwrap();
            assert!(Numeric::try_from(fine).unwrap_err().is_excess_scale());
            // Trailing zeros are fine.
            let padded = Decimal::from_str("1.5000000000000000").unwrap();
            assert_eq!(Numeric::try_from(padded).unwrap(), num("1.5").unwrap());
            // Decimal's extremes.
            assert_eq!(
                Numeric::try_from(Decimal::MAX).unwrap().to_string(),
                Decimal::MAX.to_string()
            );
            assert_eq!(
                Decimal::try_from(Numeric::try_from(Decimal::MIN).unwrap()).unwrap(),
                Decimal::MIN
            );
            // Beyond a 96-bit mantissa: an error, never rounded.
            assert!(
                Decimal::try_from(Numeric::MAX)
                    .unwrap_err()
                    .is_out_of_range()
            );
            assert!(Decimal::try_from(num("1e28").unwrap()).is_ok());
            assert!(
                Decimal::try_from(num("79228162514264337593543950336").unwrap())
                    .unwrap_err()
                    .is_out_of_range()
            );
            assert_eq!(
                Decimal::try_from(num("79228162514264337593543950335").unwrap()).unwrap(),
                Decimal::MAX
            );
            assert!(
                Decimal::try_from(big("1e-38").unwrap())
                    .unwrap_err()
                    .is_out_of_range()
            );
            assert_eq!(
                Decimal::try_from(big("1e-28").unwrap()).unwrap(),
                Decimal::from_str("0.0000000000000000000000000001").unwrap()
            );
            assert_eq!(Decimal::try_from(BigNumeric::ZERO).unwrap(), Decimal::ZERO);
            assert_eq!(Decimal::try_from(Numeric::ZERO).unwrap(), Decimal::ZERO);
        }

        proptest! {
            #[test]
            fn decimal_round_trip(m in any::<i128>(), s in 0u32..=28) {
                let m = m % (1i128 << 96);
                let d = Decimal::from_i128_with_scale(m, s);
                if let Ok(v) = Numeric::try_from(d) {
                    prop_assert_eq!(Decimal::try_from(v).unwrap(), d);
                } else {
                    prop_assert!(s > 9);
                }
                let b = BigNumeric::try_from(d).unwrap();
                prop_assert_eq!(Decimal::try_from(b).unwrap(), d);
                prop_assert_eq!(b.to_string(), d.normalize().to_string());
            }
        }
    }
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The fast path never disagrees with the general grammar.
        #[test]
        fn fast_agrees_with_general(text in "-?[0-9]{0,20}(\\.[0-9]{0,10})?") {
            if let Some(fast) = fast_plain_decimal(&text) {
                let general = Numeric::parse_str(&format!("{text}e0"), DecimalParams::default(), Rounding::Reject);
                prop_assert_eq!(Ok(Numeric(fast)), general, "{}", text);
            }
        }

        /// The minimal two's complement bytes: the shortest prefix that
        /// sign-extends back to the value (checked against the definition,
        /// trimming one byte at a time), for values of every length.
        #[test]
        fn minimal_le_is_the_shortest_sign_extending_prefix(v in any::<i128>(), shift in 0u32..128) {
            let v = v >> shift;
            let le = v.to_le_bytes();
            let mut out = Vec::new();
            push_minimal_le(&le, &mut out);
            let mut want = le.len();
            while want > 1 {
                let (top, next) = (le[want - 1], le[want - 2]);
                if (top == 0x00 && next & 0x80 == 0) || (top == 0xff && next & 0x80 != 0) {
                    want -= 1;
                } else {
                    break;
                }
            }
            prop_assert_eq!(&out[..], &le[..want]);
            if let Ok(n) = Numeric::from_scaled(v) {
                let mut direct = Vec::new();
                n.write_bigdecimal_bytes(&mut direct);
                prop_assert_eq!(&direct[..], &le[..want]);
            }
        }
    }
}
