//! JSON: any JSON value or JSON text, validated, as canonical compact text.
//!
//! # What a JSON column value is
//!
//! [`parse`] takes a JSON object or array ([`Input::Raw`]), a JSON number or
//! boolean (stored as that JSON value), or a JSON *string holding JSON text*
//! ([`Input::Str`]): `"{\"a\":1}"` stores the object `{"a":1}`, `"[1,2]"` the
//! array, `"1.5"` the number, `"null"` JSON `null`. This is how BigQuery's own
//! ingestion paths carry JSON columns (as JSON-formatted strings). A string
//! whose contents are not JSON text is an error, never stored as a JSON string
//! in disguise: to store the JSON *string* `hello`, pass the string
//! `"\"hello\""`. A JSON `null` input ([`Input::Null`]) is SQL NULL and is the
//! caller's business; here it is an error.
//!
//! # Limits enforced (BigQuery data types reference, JSON type)
//!
//! - Nesting: at most [`MAX_DEPTH`] (500) levels of arrays and objects.
//! - Numbers: BigQuery stores a JSON number as an INT64, a UINT64 or a
//!   FLOAT64 and, by default (`wide_number_mode => 'exact'`), rejects a number
//!   it cannot store without loss. The same rule is applied here: an integer
//!   written without fraction or exponent is accepted within
//!   −2⁶³ … 2⁶⁴−1; any other number is accepted when its decimal value equals
//!   the shortest round-trip form of the FLOAT64 nearest to it (`0.1`, `1.5e3`,
//!   `1e20` are accepted; `0.10000000000000001`, `1e400`, `1e-400` and
//!   `18446744073709551616` are not). Known gap: BigQuery's own check compares
//!   with the output of its float printer, which is not always the shortest
//!   form, so BigQuery refuses a small share of shortest-form doubles with
//!   16–17 significant digits that this check accepts.
//! - Duplicate keys: BigQuery keeps the first and drops the others, which
//!   would alter the value silently, so an object with a repeated key
//!   (compared after unescaping) is an error.
//! - Strings: RFC 8259 escapes only; control characters must be escaped; a
//!   `\u` escape of a UTF-16 surrogate must form a valid pair.
//!
//! # Output
//!
//! Compact JSON text: the input with the whitespace between tokens removed
//! (and the surrounding whitespace). Everything else is kept exactly as
//! written: number text (never routed through `f64`), string escapes (`\u00e9`
//! stays `\u00e9`, `\/` stays `\/`), and object member order. The result
//! borrows the input when nothing needs removing inside the value.
//!
//! # Why a hand-written scanner
//!
//! `serde_json` validates JSON well, but it cannot do this job as a library
//! user may build it: its deserializer stops at 128 levels of nesting unless
//! the crate-wide `unbounded_depth` feature is enabled (BigQuery allows 500),
//! its number parsing goes through `f64` unless the crate-wide
//! `arbitrary_precision` feature is enabled (which changes behaviour for every
//! crate in a build), it accepts lone surrogate escapes when ignoring values,
//! and it has no compactor that keeps number text and escapes as written. The
//! scanner below is iterative (an explicit stack, so no recursion on
//! untrusted input) and does validation and compaction in two linear passes.

use super::Input;
use crate::error::ValueError;
use std::borrow::Cow;

/// The deepest nesting of arrays and objects BigQuery accepts in a JSON value.
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, json};
///
/// let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
/// assert!(json::parse(Input::Raw(&deep(json::MAX_DEPTH))).is_ok());
/// assert!(json::parse(Input::Raw(&deep(json::MAX_DEPTH + 1))).is_err());
/// ```
pub const MAX_DEPTH: usize = 500;

/// What [`parse`] accepts, for error messages.
const EXPECTED: &str = "JSON (an object or array, a number, a boolean, or a string holding \
                        JSON text; a JSON string value is passed as \"\\\"...\\\"\")";

/// Parses a JSON column value: a JSON object/array ([`Input::Raw`]), a number
/// or boolean, or a string holding JSON text. Returns compact JSON text
/// (borrowed when the input already is canonical).
///
/// Rejects [`Input::Null`], text that is not JSON, nesting deeper than
/// [`MAX_DEPTH`], numbers BigQuery cannot store exactly, and objects with
/// duplicate keys; see the [module documentation](self).
///
/// ```
/// use bqcodec::value::{Input, json};
/// assert_eq!(json::parse(Input::Str(r#"{ "a": [1, 2.50] }"#))?, r#"{"a":[1,2.50]}"#);
/// assert_eq!(json::parse(Input::Str("\"hello\""))?, "\"hello\"");
/// assert!(json::parse(Input::Str("hello")).is_err());
/// assert!(json::parse(Input::Raw(r#"{"a":1,"a":2}"#)).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
pub fn parse(input: Input<'_>) -> Result<Cow<'_, str>, ValueError> {
    parse_limited(input, MAX_DEPTH)
}

/// [`parse`] with at most `max_depth` levels of nesting (at most
/// [`MAX_DEPTH`]: a larger value is taken as [`MAX_DEPTH`], since BigQuery
/// refuses deeper JSON). Deeper input is [`ValueError::OutOfRange`]. The walk
/// takes it from [`Policy::with_max_json_depth`](crate::value::Policy::with_max_json_depth).
///
/// ```
/// use bqcodec::value::{Input, json};
/// assert!(json::parse_limited(Input::Str("[[1]]"), 2).is_ok());
/// let e = json::parse_limited(Input::Str("[[[1]]]"), 2).unwrap_err();
/// assert!(e.to_string().contains("at most 2 levels"), "{e}");
/// ```
pub fn parse_limited(input: Input<'_>, max_depth: usize) -> Result<Cow<'_, str>, ValueError> {
    let max_depth = max_depth.min(MAX_DEPTH);
    let text = match input {
        Input::Bool(true) => return Ok(Cow::Borrowed("true")),
        Input::Bool(false) => return Ok(Cow::Borrowed("false")),
        Input::Number(text) | Input::Str(text) | Input::Raw(text) => text,
        Input::Null => return Err(ValueError::wrong_kind(EXPECTED, input.kind())),
    };
    let mut scanner = Scanner::new(text, max_depth);
    let span = scanner
        .run(&mut Validate)
        .map_err(|e| e.into_value_error(EXPECTED, text))?;
    if span.inner_whitespace {
        return Ok(Cow::Owned(scanner.out));
    }
    Ok(Cow::Borrowed(
        text.get(span.start..span.end).unwrap_or(text),
    ))
}

/// Reusable buffers for [`parse_in`], so that the row walk parses a JSON
/// column without allocating per value.
#[derive(Debug, Default)]
pub(crate) struct JsonScratch {
    stack: Vec<Frame>,
    keys: Vec<KeySpan>,
    out: String,
    lean_stack: Vec<usize>,
    lean_keys: Vec<(usize, usize)>,
}

/// [`parse`] with the caller's buffers: the same checks and the same text;
/// compacted text is written into `scratch` and borrowed from it.
pub(crate) fn parse_in<'a>(
    input: Input<'a>,
    scratch: &'a mut JsonScratch,
    max_depth: usize,
) -> Result<Cow<'a, str>, ValueError> {
    let max_depth = max_depth.min(MAX_DEPTH);
    let text = match input {
        Input::Bool(true) => return Ok(Cow::Borrowed("true")),
        Input::Bool(false) => return Ok(Cow::Borrowed("false")),
        Input::Number(text) | Input::Str(text) | Input::Raw(text) => text,
        Input::Null => return Err(ValueError::wrong_kind(EXPECTED, input.kind())),
    };
    if let Some((start, end, compacted)) = lean(text, scratch, max_depth) {
        if compacted {
            return Ok(Cow::Borrowed(scratch.out.as_str()));
        }
        return Ok(Cow::Borrowed(text.get(start..end).unwrap_or(text)));
    }
    let mut scanner = Scanner::with_buffers(
        text,
        max_depth,
        std::mem::take(&mut scratch.stack),
        std::mem::take(&mut scratch.keys),
        std::mem::take(&mut scratch.out),
    );
    let result = scanner.run(&mut Validate);
    (scratch.stack, scratch.keys, scratch.out) = scanner.into_buffers();
    let span = result.map_err(|e| e.into_value_error(EXPECTED, text))?;
    if span.inner_whitespace {
        return Ok(Cow::Borrowed(scratch.out.as_str()));
    }
    Ok(Cow::Borrowed(
        text.get(span.start..span.end).unwrap_or(text),
    ))
}

/// Nesting the lean pass follows before it hands over to the general scanner.
const LEAN_DEPTH: usize = 64;
/// Keys per object the lean pass checks pairwise before it hands over.
const LEAN_KEYS: usize = 16;
/// Marks an array on the lean pass's stack (objects hold their first key's index).
const LEAN_ARRAY: usize = usize::MAX;

/// The common case of a JSON column value, in one pass: no backslash in any
/// string, at most [`LEAN_DEPTH`] levels, at most [`LEAN_KEYS`] keys per
/// object. Returns the value's span and whether the compact text was built
/// in `scratch.out` — exactly what the general scanner returns for the same
/// text — or `None` whenever the text is outside that case or has any
/// problem at all, so that the general scanner (which words the errors)
/// decides. It only ever accepts what the general scanner accepts, with the
/// same output (a proptest checks both directions on generated values).
///
/// Why: the general scanner serves three callers (validation, compaction,
/// GeoJSON trees) through a trait and keeps escaped-key bookkeeping; a
/// column value of a few dozen bytes paid more for that than for reading.
fn lean(text: &str, scratch: &mut JsonScratch, max_depth: usize) -> Option<(usize, usize, bool)> {
    let lean_depth = LEAN_DEPTH.min(max_depth);
    let b = text.as_bytes();
    let stack = &mut scratch.lean_stack;
    let keys = &mut scratch.lean_keys;
    let out = &mut scratch.out;
    stack.clear();
    keys.clear();
    out.clear();
    let mut i = 0;
    while b.get(i).is_some_and(|&c| is_whitespace(c)) {
        i += 1;
    }
    let start = i;
    let mut copied = start;
    let mut compacted = false;
    // Skips white space inside the value, copying what came before it.
    macro_rules! ws {
        () => {
            if b.get(i).is_some_and(|&c| is_whitespace(c)) {
                let from = i;
                while b.get(i).is_some_and(|&c| is_whitespace(c)) {
                    i += 1;
                }
                compacted = true;
                out.push_str(text.get(copied..from)?);
                copied = i;
            }
        };
    }
    // A key, its ':' and the white space after.
    macro_rules! key {
        () => {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let end = lean_string(b, i + 1)?;
            keys.push((i + 1, end - 1));
            i = end;
            ws!();
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
        };
    }
    'value: loop {
        ws!();
        match *b.get(i)? {
            open @ (b'{' | b'[') => {
                if stack.len() >= lean_depth {
                    return None;
                }
                i += 1;
                let object = open == b'{';
                stack.push(if object { keys.len() } else { LEAN_ARRAY });
                ws!();
                if b.get(i) == Some(if object { &b'}' } else { &b']' }) {
                    i += 1;
                    stack.pop();
                } else {
                    if object {
                        key!();
                    }
                    continue 'value;
                }
            }
            b'"' => i = lean_string(b, i + 1)?,
            b'-' | b'0'..=b'9' => {
                i = checked_number(b, i)?;
            }
            b't' if b.get(i..i + 4) == Some(b"true") => i += 4,
            b'f' if b.get(i..i + 5) == Some(b"false") => i += 5,
            b'n' if b.get(i..i + 4) == Some(b"null") => i += 4,
            _ => return None,
        }
        // After a value: the next element, or close containers.
        loop {
            let Some(&top) = stack.last() else {
                break 'value;
            };
            ws!();
            match *b.get(i)? {
                b',' => {
                    i += 1;
                    if top != LEAN_ARRAY {
                        ws!();
                        key!();
                    }
                    continue 'value;
                }
                b']' if top == LEAN_ARRAY => {}
                b'}' if top != LEAN_ARRAY => {
                    let mine = keys.get(top..)?;
                    if mine.len() > LEAN_KEYS {
                        return None;
                    }
                    for (n, &(ks, ke)) in mine.iter().enumerate() {
                        let k = b.get(ks..ke)?;
                        if mine
                            .get(..n)?
                            .iter()
                            .any(|&(xs, xe)| b.get(xs..xe) == Some(k))
                        {
                            return None;
                        }
                    }
                    keys.truncate(top);
                }
                _ => return None,
            }
            i += 1;
            stack.pop();
        }
    }
    let end = i;
    if compacted {
        out.push_str(text.get(copied..end)?);
    }
    while b.get(i).is_some_and(|&c| is_whitespace(c)) {
        i += 1;
    }
    (i == b.len()).then_some((start, end, compacted))
}

/// Up to 16 bytes as a little-endian word and the mask of their bytes, for
/// comparing them with one load; `None` for longer text.
/// The row walk's learned separators and expected keys (`plan::json`) and
/// the learned JSON column layouts ([`EscapedShape`]) are kept this way.
pub(crate) fn masked_word(text: &[u8]) -> Option<(u128, u128)> {
    let n = text.len();
    if n > 16 {
        return None;
    }
    let mut b = [0u8; 16];
    for (slot, &byte) in b.iter_mut().zip(text) {
        *slot = byte;
    }
    let mask = if n == 16 {
        u128::MAX
    } else {
        (1u128 << (8 * n)) - 1
    };
    Some((u128::from_le_bytes(b), mask))
}

/// The bytes of `w` (eight bytes, little-endian) that end a run of plain
/// string bytes: `"`, `\\` or a control byte. The lowest flagged byte is
/// always a true hit (the zero-byte trick can only flag falsely above a true
/// one), so `trailing_zeros() / 8` is the run's length. Shared with the row
/// walk's scanner (`plan::json`), which skips string contents with it.
#[inline]
pub(crate) fn needs_attention(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    has_zero(w ^ (LO * 0x22)) | has_zero(w ^ (LO * 0x5c)) | (w.wrapping_sub(LO * 0x20) & !w & HI)
}

/// Byte equality of two short slices, a byte a step: keys (column names, a
/// JSON column's keys) are short, and the generic comparison pays a
/// `memcmp` call per pair. Shared with the row walk's scanner.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The end of a number at `i` that [`parse`] accepts: the JSON grammar
/// ([`lean_number`]), and BigQuery's rule ([`check_number`]) unless it is a
/// plain integer of at most 18 digits. `None` otherwise.
#[inline]
fn checked_number(b: &[u8], i: usize) -> Option<usize> {
    // The common case first, in one pass: a plain integer of at most 18
    // digits without a leading zero, which both rules accept as it is.
    let mut j = i;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    let n = j - i;
    if (1..=18).contains(&n)
        && (n == 1 || b.get(i) != Some(&b'0'))
        && !matches!(b.get(j), Some(b'.' | b'e' | b'E'))
    {
        return Some(j);
    }
    let end = lean_number(b, i)?;
    let number = b.get(i..end)?;
    let plain = number.len() <= 18 && number.iter().all(u8::is_ascii_digit);
    if !plain && check_number(std::str::from_utf8(number).ok()?).is_err() {
        return None;
    }
    Some(end)
}

/// Appends `b[i..end]` (a number) to `out`: a short one as one eight-byte
/// append cut back (no copy call), a longer one as it is.
#[inline]
fn append_number(b: &[u8], i: usize, end: usize, out: &mut Vec<u8>) -> Option<()> {
    let number = b.get(i..end)?;
    match b.get(i..i + 8) {
        Some(chunk) if number.len() <= 8 => {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            out.extend_from_slice(&w);
            out.truncate(out.len() - 8 + number.len());
        }
        _ => out.extend_from_slice(number),
    }
    Some(())
}

/// Appends the run of plain string bytes from `i` (up to the first `"`,
/// `\\` or control byte) to `out` and returns where it ends; `None` when
/// `b` ends first. Eight bytes a step while `b` has them: the whole word is
/// appended, then cut back to the bytes before the first one that needs
/// attention (one append and no branch per byte).
#[inline]
fn append_plain_run(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(chunk) = b.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            out.extend_from_slice(&w);
            let hits = needs_attention(u64::from_le_bytes(w));
            if hits == 0 {
                i += 8;
                continue;
            }
            let n = (hits.trailing_zeros() / 8) as usize;
            out.truncate(out.len() - 8 + n);
            return Some(i + n);
        }
        match *b.get(i)? {
            b'\\' | 0x00..=0x1f | b'"' => return Some(i),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// The end (past the closing quote) of a string whose contents start at
/// `i`; `None` at a backslash, a control byte or the end of the text.
#[inline]
fn lean_string(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' | 0x00..=0x1f => return None,
            _ => i += 1,
        }
    }
}

/// The end of a number starting at `i` (RFC 8259 grammar), or `None`.
#[inline]
fn lean_number(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let from = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > from).then_some(i)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    i = match *b.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i)?,
        _ => return None,
    };
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}

/// A JSON column value given as a JSON string in the row, read straight from
/// the row text: `rest` is what follows the string's opening quote (to the
/// end of the row or buffer). The common shape — the only escapes are `\"`
/// around inner strings and `\n`, `\r`, `\t` as white space — is checked
/// and compacted in one pass into the scratch buffer, which also finds the
/// closing quote, so the string is neither scanned nor unescaped first.
/// Returns the compact JSON text and the offset of the closing quote in
/// `rest`. `None` whenever the text is outside that shape, has any problem,
/// or the string does not end where the JSON value does: the caller then
/// reads the string and takes [`parse_in`], which decides and words the
/// errors. What this accepts and returns equals what `parse_in` returns for
/// the unescaped text (a proptest checks).
pub(crate) fn parse_escaped_at<'s>(
    rest: &[u8],
    scratch: &'s mut JsonScratch,
    max_depth: usize,
) -> Option<(&'s str, usize)> {
    let (stack, keys) = (&mut scratch.lean_stack, &mut scratch.lean_keys);
    compact_into(&mut scratch.out, |out| {
        out.clear();
        lean_escaped(rest, out, stack, keys, LEAN_DEPTH.min(max_depth))
    })
}

/// Runs `write`, which writes compact JSON text into `text`'s bytes and
/// returns the closing quote's offset, and returns that text with the
/// offset. The bytes are ASCII tokens and copies of whole runs of the row
/// text that start and end at ASCII bytes, so they are UTF-8; checked all
/// the same (no unsafe code).
fn compact_into(
    text: &mut String,
    write: impl FnOnce(&mut Vec<u8>) -> Option<usize>,
) -> Option<(&str, usize)> {
    let mut out = std::mem::take(text).into_bytes();
    let end = write(&mut out);
    *text = String::from_utf8(out).unwrap_or_default();
    Some((text.as_str(), end?))
}

/// The lean pass over escaped JSON text in `b`, which ends at the first
/// unescaped `"`: returns that quote's offset.
fn lean_escaped(
    b: &[u8],
    out: &mut Vec<u8>,
    stack: &mut Vec<usize>,
    keys: &mut Vec<(usize, usize)>,
    lean_depth: usize,
) -> Option<usize> {
    stack.clear();
    keys.clear();
    let mut i = 0;
    // White space: raw blanks and tabs, or the escapes \n, \r, \t.
    macro_rules! ws {
        () => {
            loop {
                match b.get(i) {
                    Some(b' ' | b'\t') => i += 1,
                    Some(b'\\') if matches!(b.get(i + 1), Some(b'n' | b'r' | b't')) => i += 2,
                    _ => break,
                }
            }
        };
    }
    // An inner string at `i` (its opening `\"`), copied with plain quotes;
    // returns the span of its contents in `out`.
    macro_rules! inner_string {
        () => {{
            if !(b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'"')) {
                return None;
            }
            i += 2;
            out.push(b'"');
            let start = out.len();
            i = append_plain_run(b, i, out)?;
            if !(b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'"')) {
                return None;
            }
            i += 2;
            let end = out.len();
            out.push(b'"');
            (start, end)
        }};
    }
    // A key, its ':' and the white space around.
    macro_rules! key {
        () => {
            keys.push(inner_string!());
            ws!();
            if b.get(i) != Some(&b':') {
                return None;
            }
            i += 1;
            out.push(b':');
        };
    }
    'value: loop {
        ws!();
        match *b.get(i)? {
            open @ (b'{' | b'[') => {
                if stack.len() >= lean_depth {
                    return None;
                }
                i += 1;
                out.push(open);
                let object = open == b'{';
                stack.push(if object { keys.len() } else { LEAN_ARRAY });
                ws!();
                let close = if object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    i += 1;
                    out.push(close);
                    stack.pop();
                } else {
                    if object {
                        key!();
                    }
                    continue 'value;
                }
            }
            b'\\' => {
                inner_string!();
            }
            b'-' | b'0'..=b'9' => {
                let end = checked_number(b, i)?;
                append_number(b, i, end, out)?;
                i = end;
            }
            b't' if b.get(i..i + 4) == Some(b"true") => {
                out.extend_from_slice(b"true");
                i += 4;
            }
            b'f' if b.get(i..i + 5) == Some(b"false") => {
                out.extend_from_slice(b"false");
                i += 5;
            }
            b'n' if b.get(i..i + 4) == Some(b"null") => {
                out.extend_from_slice(b"null");
                i += 4;
            }
            _ => return None,
        }
        loop {
            let Some(&top) = stack.last() else {
                break 'value;
            };
            ws!();
            match *b.get(i)? {
                b',' => {
                    i += 1;
                    out.push(b',');
                    if top != LEAN_ARRAY {
                        ws!();
                        key!();
                    }
                    continue 'value;
                }
                b']' if top == LEAN_ARRAY => out.push(b']'),
                b'}' if top != LEAN_ARRAY => {
                    let mine = keys.get(top..)?;
                    if mine.len() > LEAN_KEYS {
                        return None;
                    }
                    for (n, &(ks, ke)) in mine.iter().enumerate() {
                        let k = out.get(ks..ke)?;
                        if mine
                            .get(..n)?
                            .iter()
                            .any(|&(xs, xe)| out.get(xs..xe).is_some_and(|x| short_eq(x, k)))
                        {
                            return None;
                        }
                    }
                    keys.truncate(top);
                    out.push(b'}');
                }
                _ => return None,
            }
            i += 1;
            stack.pop();
        }
    }
    ws!();
    (b.get(i) == Some(&b'"')).then_some(i)
}

/// The layout of a JSON column value given as a JSON string, learned from
/// one the lean pass accepted, so that the next value of the same producer
/// is read as a few compares: the value's text cut into literal runs (white
/// space, brackets, commas, colons, keys, literals, and the escaped quotes
/// around string values, each at most 16 bytes, kept as masked words with
/// their compact output) and holes between them (a number, or the contents
/// of a string value). Rows from one producer repeat their keys and
/// spacing, so only the holes differ.
///
/// Why it is right: a value that matches every literal and whose holes read
/// as a number (checked as [`parse`] checks it) and as a string of plain
/// bytes has the learned value's structure token for token — the same keys
/// (so no duplicate), the same nesting (so within the depth limit) — and
/// the lean pass would give it exactly the literals' compact output with
/// the holes copied (a proptest checks values read with and without shapes).
#[derive(Debug, Clone, Default)]
pub(crate) struct EscapedShape {
    segments: Vec<ShapeSegment>,
    /// Values read since the shape last fitted one: a producer whose values
    /// vary in layout (arrays of varying length, say) would otherwise pay
    /// for learning on every row, so after eight misses it is relearned
    /// only at the 16th, 32nd, 64th… miss.
    misses: u32,
}

#[derive(Debug, Clone, Copy)]
struct ShapeSegment {
    /// The literal's bytes as a masked little-endian word, and its length.
    word: u128,
    mask: u128,
    len: usize,
    /// Its compact output (at most as long), and that length.
    out: [u8; 16],
    out_len: usize,
    /// What follows the literal.
    hole: Hole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Number,
    /// The contents of a string value (its escaped quotes are literal).
    String,
    /// The end of the value: the JSON string's closing quote follows.
    End,
}

/// Segments a shape may have; a longer value is not learned.
const SHAPE_SEGMENTS: usize = 24;

impl EscapedShape {
    /// Learns the shape of `text`, the escaped JSON text the lean pass just
    /// accepted (without the closing quote). `false` (nothing learned) when
    /// a literal run is longer than 16 bytes or there are too many runs.
    pub(crate) fn learn(&mut self, text: &[u8]) -> bool {
        self.segments.clear();
        let mut lit_start = 0;
        let mut out = [0u8; 16];
        let mut out_len = 0;
        // Open containers (true: object), and whether a key comes next.
        let mut objects = 0u64;
        let mut depth = 0u32;
        let mut key_next = false;
        let mut i = 0;
        macro_rules! emit {
            ($byte:expr) => {{
                *out.get_mut(out_len)? = $byte;
                out_len += 1;
            }};
        }
        let close = |segments: &mut Vec<ShapeSegment>,
                     lit: &[u8],
                     out: &[u8; 16],
                     out_len: usize,
                     hole: Hole|
         -> Option<()> {
            let (word, mask) = masked_word(lit)?;
            if segments.len() == SHAPE_SEGMENTS {
                return None;
            }
            segments.push(ShapeSegment {
                word,
                mask,
                len: lit.len(),
                out: *out,
                out_len,
                hole,
            });
            Some(())
        };
        let mut run = || -> Option<()> {
            while let Some(&c) = text.get(i) {
                match c {
                    b' ' | b'\t' => i += 1,
                    b'\\' => match text.get(i + 1)? {
                        b'n' | b'r' | b't' => i += 2,
                        b'"' => {
                            // A string: a key goes whole into the literal;
                            // a value's contents are a hole.
                            i += 2;
                            let from = i;
                            while text.get(i)? != &b'\\' {
                                i += 1;
                            }
                            if key_next {
                                emit!(b'"');
                                for &k in text.get(from..i)? {
                                    emit!(k);
                                }
                                emit!(b'"');
                                i += 2;
                            } else {
                                emit!(b'"');
                                close(
                                    &mut self.segments,
                                    text.get(lit_start..from)?,
                                    &out,
                                    out_len,
                                    Hole::String,
                                )?;
                                out_len = 0;
                                lit_start = i;
                                emit!(b'"');
                                i += 2;
                            }
                        }
                        _ => return None,
                    },
                    b'{' | b'[' => {
                        if depth >= 64 {
                            return None;
                        }
                        let object = c == b'{';
                        objects = (objects << 1) | u64::from(object);
                        depth += 1;
                        key_next = object;
                        emit!(c);
                        i += 1;
                    }
                    b'}' | b']' => {
                        objects >>= 1;
                        depth = depth.checked_sub(1)?;
                        key_next = false;
                        emit!(c);
                        i += 1;
                    }
                    b',' => {
                        key_next = objects & 1 == 1;
                        emit!(c);
                        i += 1;
                    }
                    b':' => {
                        key_next = false;
                        emit!(c);
                        i += 1;
                    }
                    b'-' | b'0'..=b'9' => {
                        close(
                            &mut self.segments,
                            text.get(lit_start..i)?,
                            &out,
                            out_len,
                            Hole::Number,
                        )?;
                        out_len = 0;
                        i = lean_number(text, i)?;
                        lit_start = i;
                    }
                    b't' | b'n' => {
                        for &k in text.get(i..i + 4)? {
                            emit!(k);
                        }
                        i += 4;
                    }
                    b'f' => {
                        for &k in text.get(i..i + 5)? {
                            emit!(k);
                        }
                        i += 5;
                    }
                    _ => return None,
                }
            }
            close(
                &mut self.segments,
                text.get(lit_start..)?,
                &out,
                out_len,
                Hole::End,
            )
        };
        let learned = run().is_some();
        if !learned {
            self.segments.clear();
        }
        learned
    }

    /// Reads `rest` (what follows a JSON string's opening quote) with this
    /// shape, writing the compact JSON text to `out`: the offset of the
    /// closing quote, or `None` (with `out` holding partial output) when
    /// the value does not have this shape.
    pub(crate) fn apply(&self, rest: &[u8], out: &mut Vec<u8>) -> Option<usize> {
        out.clear();
        let mut i = 0;
        for seg in &self.segments {
            let w = match rest.get(i..i + 16) {
                Some(chunk) => {
                    let mut w = [0u8; 16];
                    w.copy_from_slice(chunk);
                    u128::from_le_bytes(w)
                }
                None => {
                    // Within 16 bytes of the end: the rest, zero-padded (a
                    // literal holds no zero byte).
                    let mut w = [0u8; 16];
                    for (slot, &b) in w.iter_mut().zip(rest.get(i..)?) {
                        *slot = b;
                    }
                    u128::from_le_bytes(w)
                }
            };
            if w & seg.mask != seg.word || rest.len() < i + seg.len {
                return None;
            }
            i += seg.len;
            let at = out.len();
            out.extend_from_slice(&seg.out);
            out.truncate(at + seg.out_len);
            match seg.hole {
                Hole::End => return (rest.get(i) == Some(&b'"')).then_some(i),
                Hole::Number => {
                    let end = checked_number(rest, i)?;
                    append_number(rest, i, end, out)?;
                    i = end;
                }
                Hole::String => i = append_plain_run(rest, i, out)?,
            }
        }
        None
    }

    /// True when nothing is learned.
    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Notes that a value did not fit the shape; true when the caller
    /// should learn that value's shape instead (see `misses`).
    pub(crate) fn missed(&mut self) -> bool {
        self.misses = self.misses.saturating_add(1);
        self.misses <= 8 || self.misses.is_power_of_two()
    }

    /// Notes that a value fitted the shape.
    pub(crate) fn fitted(&mut self) {
        self.misses = 0;
    }
}

/// [`parse_escaped_at`] through a learned [`EscapedShape`]: the compact
/// text (in `scratch`) and the closing quote's offset, or `None` when the
/// value does not have the shape.
pub(crate) fn parse_escaped_shaped<'s>(
    shape: &EscapedShape,
    rest: &[u8],
    scratch: &'s mut JsonScratch,
) -> Option<(&'s str, usize)> {
    compact_into(&mut scratch.out, |out| shape.apply(rest, out))
}

/// A parsed JSON value that keeps number text as written, for readers of
/// JSON-shaped inputs inside the crate (GeoJSON). Strings are unescaped.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    /// The number's text, exactly as written.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in input order; keys are unique.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Parses JSON text into a [`Node`] tree, with the checks of [`parse`]
/// except the number rule (the caller reads numbers its own way) and with
/// `max_depth` levels of nesting. `expected` opens the error messages.
pub(crate) fn parse_tree<'a>(
    text: &'a str,
    max_depth: usize,
    expected: &'static str,
) -> Result<Node<'a>, ValueError> {
    let mut builder = TreeBuilder::default();
    Scanner::new(text, max_depth)
        .run(&mut builder)
        .map_err(|e| e.into_value_error(expected, text))?;
    builder
        .root
        .ok_or_else(|| ValueError::invalid(expected, text))
}

/// The value's span in the input, and whether whitespace sits inside it.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    inner_whitespace: bool,
}

#[inline]
fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What went wrong while scanning, with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq)]
enum ScanError {
    Syntax(&'static str, usize),
    TooDeep(usize),
    Number(&'static str, String),
    DuplicateKey(String),
}

impl ScanError {
    fn into_value_error(self, expected: &'static str, text: &str) -> ValueError {
        match self {
            ScanError::Syntax(what, at) => {
                ValueError::invalid(format!("{expected}: {what} at byte {at}"), text)
            }
            ScanError::TooDeep(max) => ValueError::out_of_range(
                format!("{expected}: at most {max} levels of nested arrays and objects"),
                text,
            ),
            ScanError::Number(why, number) => ValueError::out_of_range(
                format!(
                    "a JSON number BigQuery stores exactly (an integer in -2^63..2^64-1, or \
                     the shortest form of a FLOAT64): {why}"
                ),
                &number,
            ),
            ScanError::DuplicateKey(key) => ValueError::invalid(
                "JSON objects without duplicate keys (BigQuery would keep only the first)",
                &key,
            ),
        }
    }
}

/// Receives the tokens of a JSON text in order.
trait Sink<'a> {
    /// Whether string values (not keys) are wanted unescaped.
    const WANTS_STRINGS: bool;
    /// Whether numbers must pass BigQuery's storability rule.
    const CHECKS_NUMBERS: bool;
    /// Whether the scanner writes the value without its inner whitespace.
    const COMPACTS: bool;
    fn begin(&mut self, object: bool);
    fn key(&mut self, key: Cow<'a, str>);
    fn end(&mut self);
    fn scalar(&mut self, node: Node<'a>);
}

/// Validation only: nothing is kept.
struct Validate;

impl<'a> Sink<'a> for Validate {
    const WANTS_STRINGS: bool = false;
    const CHECKS_NUMBERS: bool = true;
    const COMPACTS: bool = true;
    #[inline(always)]
    fn begin(&mut self, _object: bool) {}
    #[inline(always)]
    fn key(&mut self, _key: Cow<'a, str>) {}
    #[inline(always)]
    fn end(&mut self) {}
    #[inline(always)]
    fn scalar(&mut self, _node: Node<'a>) {}
}

/// Builds a [`Node`] tree without recursion.
#[derive(Default)]
struct TreeBuilder<'a> {
    /// Open containers, each with the key it will be stored under.
    open: Vec<(Node<'a>, Option<Cow<'a, str>>)>,
    pending_key: Option<Cow<'a, str>>,
    root: Option<Node<'a>>,
}

impl<'a> TreeBuilder<'a> {
    fn attach(&mut self, node: Node<'a>, key: Option<Cow<'a, str>>) {
        match self.open.last_mut() {
            Some((Node::Array(items), _)) => items.push(node),
            Some((Node::Object(members), _)) => {
                members.push((key.unwrap_or_default(), node));
            }
            _ => self.root = Some(node),
        }
    }
}

impl<'a> Sink<'a> for TreeBuilder<'a> {
    const WANTS_STRINGS: bool = true;
    const CHECKS_NUMBERS: bool = false;
    const COMPACTS: bool = false;
    fn begin(&mut self, object: bool) {
        let node = if object {
            Node::Object(Vec::new())
        } else {
            Node::Array(Vec::new())
        };
        let key = self.pending_key.take();
        self.open.push((node, key));
    }
    fn key(&mut self, key: Cow<'a, str>) {
        self.pending_key = Some(key);
    }
    fn end(&mut self) {
        if let Some((node, key)) = self.open.pop() {
            self.attach(node, key);
        }
    }
    fn scalar(&mut self, node: Node<'a>) {
        let key = self.pending_key.take();
        self.attach(node, key);
    }
}

/// An open container on the scanner's stack.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Array,
    /// An object; its keys sit in `Scanner::keys` from this index on.
    Object(usize),
}

/// A key of an open object: where its contents (between the quotes) sit in
/// the text, and whether they hold escapes (then they are compared after
/// unescaping).
#[derive(Debug, Clone, Copy)]
struct KeySpan {
    start: usize,
    end: usize,
    escaped: bool,
}

/// A one-value JSON scanner over UTF-8 text (RFC 8259), iterative.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
    stack: Vec<Frame>,
    /// The keys of the open objects, for the duplicate check.
    keys: Vec<KeySpan>,
    inner_whitespace: bool,
    /// Whether `skip_whitespace` builds the compact text in `out`.
    compacting: bool,
    /// The compact text so far (valid once `inner_whitespace` is set): the
    /// value up to `copied` without its inner whitespace.
    out: String,
    copied: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, max_depth: usize) -> Self {
        Self::with_buffers(text, max_depth, Vec::new(), Vec::new(), String::new())
    }

    /// A scanner that uses (cleared) buffers the caller keeps between values.
    fn with_buffers(
        text: &'a str,
        max_depth: usize,
        mut stack: Vec<Frame>,
        mut keys: Vec<KeySpan>,
        mut out: String,
    ) -> Self {
        stack.clear();
        keys.clear();
        out.clear();
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth,
            stack,
            keys,
            inner_whitespace: false,
            compacting: false,
            out,
            copied: 0,
        }
    }

    /// Gives the buffers back for the next value.
    fn into_buffers(self) -> (Vec<Frame>, Vec<KeySpan>, String) {
        (self.stack, self.keys, self.out)
    }

    /// A key's text after unescaping.
    fn key_text(&self, key: KeySpan) -> Cow<'a, str> {
        let raw = self.text.get(key.start..key.end).unwrap_or_default();
        if !key.escaped {
            return Cow::Borrowed(raw);
        }
        // Re-read the (already validated) string token, decoding it.
        let mut again = Scanner::new(self.text, 0);
        again.pos = key.start.saturating_sub(1);
        match again.string(true) {
            Ok((text, _)) => text,
            Err(_) => Cow::Borrowed(raw),
        }
    }

    /// Whether two keys are equal after unescaping.
    fn same_key(&self, a: KeySpan, b: KeySpan) -> bool {
        let raw = |k: KeySpan| self.bytes.get(k.start..k.end).unwrap_or_default();
        if !a.escaped && !b.escaped {
            return raw(a) == raw(b);
        }
        self.key_text(a) == self.key_text(b)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn syntax<T>(&self, what: &'static str) -> Result<T, ScanError> {
        Err(ScanError::Syntax(what, self.pos))
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        if self.peek().is_some_and(is_whitespace) {
            self.skip_whitespace_run();
        }
    }

    #[inline(never)]
    fn skip_whitespace_run(&mut self) {
        let start = self.pos;
        while self.peek().is_some_and(is_whitespace) {
            self.pos += 1;
        }
        if self.pos > start && !self.stack.is_empty() {
            self.inner_whitespace = true;
            if self.compacting {
                // Whitespace never sits inside a token: `start` and `pos`
                // are char boundaries.
                self.out
                    .push_str(self.text.get(self.copied..start).unwrap_or_default());
                self.copied = self.pos;
            }
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ScanError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.syntax(what)
        }
    }

    /// Scans the whole text as one JSON value.
    fn run<S: Sink<'a>>(&mut self, sink: &mut S) -> Result<Span, ScanError> {
        self.skip_whitespace();
        let start = self.pos;
        self.compacting = S::COMPACTS;
        self.copied = start;
        'value: loop {
            // A value is expected here.
            self.skip_whitespace();
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if self.stack.len() >= self.max_depth {
                        return Err(ScanError::TooDeep(self.max_depth));
                    }
                    self.pos += 1;
                    let object = open == b'{';
                    sink.begin(object);
                    self.stack.push(if object {
                        Frame::Object(self.keys.len())
                    } else {
                        Frame::Array
                    });
                    self.skip_whitespace();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        // Empty container: closed below.
                    } else {
                        if object {
                            self.member_key(sink)?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let (value, _) = self.string(S::WANTS_STRINGS)?;
                    sink.scalar(Node::String(value));
                }
                Some(b'-' | b'0'..=b'9') => {
                    let number = self.number(S::CHECKS_NUMBERS)?;
                    sink.scalar(Node::Number(number));
                }
                Some(b't') => {
                    self.literal("true")?;
                    sink.scalar(Node::Bool(true));
                }
                Some(b'f') => {
                    self.literal("false")?;
                    sink.scalar(Node::Bool(false));
                }
                Some(b'n') => {
                    self.literal("null")?;
                    sink.scalar(Node::Null);
                }
                Some(_) => return self.syntax("expected a JSON value"),
                None => return self.syntax("expected a JSON value, found the end"),
            }
            // After a value: close containers, or move to the next element.
            loop {
                let Some(&frame) = self.stack.last() else {
                    break 'value;
                };
                self.skip_whitespace();
                match (frame, self.peek()) {
                    (Frame::Array, Some(b',')) => {
                        self.pos += 1;
                        continue 'value;
                    }
                    (Frame::Object(_), Some(b',')) => {
                        self.pos += 1;
                        self.skip_whitespace();
                        self.member_key(sink)?;
                        continue 'value;
                    }
                    (Frame::Array, Some(b']')) => {}
                    (Frame::Object(first_key), Some(b'}')) => self.close_object(first_key)?,
                    (Frame::Array, _) => return self.syntax("expected ',' or ']'"),
                    (Frame::Object(_), _) => return self.syntax("expected ',' or '}'"),
                }
                self.pos += 1;
                self.stack.pop();
                sink.end();
            }
        }
        let end = self.pos;
        if self.compacting && self.inner_whitespace {
            self.out
                .push_str(self.text.get(self.copied..end).unwrap_or_default());
        }
        self.skip_whitespace();
        if self.pos != self.bytes.len() {
            return self.syntax("expected the end after the JSON value");
        }
        Ok(Span {
            start,
            end,
            inner_whitespace: self.inner_whitespace,
        })
    }

    /// A member's key and its ':'.
    fn member_key<S: Sink<'a>>(&mut self, sink: &mut S) -> Result<(), ScanError> {
        if self.peek() != Some(b'"') {
            return self.syntax("expected a string key");
        }
        let start = self.pos + 1;
        let (key, escaped) = self.string(S::WANTS_STRINGS)?;
        self.keys.push(KeySpan {
            start,
            end: self.pos.saturating_sub(1),
            escaped,
        });
        sink.key(key);
        self.skip_whitespace();
        self.expect(b':', "expected ':'")
    }

    /// Checks the keys of the object being closed for duplicates.
    fn close_object(&mut self, first_key: usize) -> Result<(), ScanError> {
        if let Some(keys) = self.keys.get(first_key..) {
            // Small objects: compare pairwise; large ones: sort, then compare neighbours.
            let duplicate = if keys.len() <= 16 {
                keys.iter()
                    .enumerate()
                    .find(|&(i, &key)| {
                        keys.get(..i)
                            .is_some_and(|before| before.iter().any(|&b| self.same_key(b, key)))
                    })
                    .map(|(_, &key)| self.key_text(key).into_owned())
            } else {
                let mut texts: Vec<Cow<'a, str>> = keys.iter().map(|&k| self.key_text(k)).collect();
                texts.sort_unstable();
                texts.windows(2).find_map(|pair| match pair {
                    [a, b] if a == b => Some(a.to_string()),
                    _ => None,
                })
            };
            if let Some(key) = duplicate {
                return Err(ScanError::DuplicateKey(key));
            }
        }
        self.keys.truncate(first_key);
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<(), ScanError> {
        if self
            .bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(())
        } else {
            self.syntax("expected true, false or null")
        }
    }

    /// A number (RFC 8259 grammar); with `check`, BigQuery's storability rule.
    fn number(&mut self, check: bool) -> Result<&'a str, ScanError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.skip_digits(),
            _ => return self.syntax("expected a digit"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.syntax("expected a digit after '.'");
            }
            self.skip_digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return self.syntax("expected a digit in the exponent");
            }
            self.skip_digits();
        }
        // The number is ASCII, so both ends are char boundaries.
        let number = self.text.get(start..self.pos).unwrap_or_default();
        if check {
            check_number(number).map_err(|why| ScanError::Number(why, number.to_owned()))?;
        }
        Ok(number)
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// A string starting at its opening quote; unescaped when `decode` (else
    /// an empty placeholder), and whether it held escapes.
    fn string(&mut self, decode: bool) -> Result<(Cow<'a, str>, bool), ScanError> {
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut copied_to = start;
        let mut escaped = false;
        loop {
            // Skip the plain run up to the next quote, backslash or control byte.
            if let Some(rest) = self.bytes.get(self.pos..) {
                self.pos += rest
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                    .unwrap_or(rest.len());
            }
            let Some(b) = self.peek() else {
                return self.syntax("unterminated string");
            };
            match b {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    let escape_at = self.pos;
                    let c = self.escape()?;
                    if decode {
                        let out = owned.get_or_insert_with(String::new);
                        out.push_str(self.text.get(copied_to..escape_at).unwrap_or_default());
                        out.push(c);
                        copied_to = self.pos;
                    }
                }
                0x00..=0x1f => return self.syntax("unescaped control character in string"),
                _ => self.pos += 1,
            }
        }
        let end = self.pos;
        self.pos += 1;
        if !decode {
            return Ok((Cow::Borrowed(""), escaped));
        }
        let text = match owned {
            Some(mut out) => {
                out.push_str(self.text.get(copied_to..end).unwrap_or_default());
                Cow::Owned(out)
            }
            None => Cow::Borrowed(self.text.get(start..end).unwrap_or_default()),
        };
        Ok((text, escaped))
    }

    /// One escape sequence at the backslash; returns the character.
    fn escape(&mut self) -> Result<char, ScanError> {
        self.pos += 1;
        let Some(b) = self.peek() else {
            return self.syntax("unterminated escape");
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return self.syntax("unpaired UTF-16 surrogate escape");
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return self.syntax("unpaired UTF-16 surrogate escape");
                        }
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code).ok_or(ScanError::Syntax("bad escape", self.pos))?
                    }
                    0xDC00..=0xDFFF => return self.syntax("unpaired UTF-16 surrogate escape"),
                    _ => char::from_u32(unit).ok_or(ScanError::Syntax("bad escape", self.pos))?,
                }
            }
            _ => return self.syntax("invalid escape"),
        };
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, ScanError> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit =
                self.peek()
                    .and_then(|b| char::from(b).to_digit(16))
                    .ok_or(ScanError::Syntax(
                        "expected 4 hex digits after \\u",
                        self.pos,
                    ))?;
            unit = unit * 16 + digit;
            self.pos += 1;
        }
        Ok(unit)
    }
}

/// BigQuery's exact-mode rule for one JSON number (valid JSON number syntax):
/// an integer literal within −2⁶³ … 2⁶⁴−1, or a number whose decimal value
/// equals the shortest round-trip form of its nearest FLOAT64.
fn check_number(text: &str) -> Result<(), &'static str> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // An integer literal: INT64 or UINT64 when it fits.
        if unsigned.len() <= 18 {
            return Ok(());
        }
        if text
            .parse::<i128>()
            .is_ok_and(|v| (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&v))
        {
            return Ok(());
        }
    }
    // Fast path: zero, or at most 15 significant digits (FLOAT64's guaranteed
    // decimal precision) within the normal range, always comes back unchanged.
    match shape(text) {
        None => return Ok(()),
        Some((digits, magnitude)) if digits <= 15 && (-306..=307).contains(&magnitude) => {
            return Ok(());
        }
        Some(_) => {}
    }
    let value: f64 = text.parse().map_err(|_| "not a number")?;
    if !value.is_finite() {
        return Err("beyond the FLOAT64 range");
    }
    let written = Decimal::of(text);
    let nearest = Decimal::of(&format!("{value:e}"));
    if nearest == written {
        Ok(())
    } else {
        Err("it cannot be stored without loss of precision")
    }
}

/// Converts a length to i64 (saturating; lengths never come near it).
fn len_i64(len: usize) -> i64 {
    i64::try_from(len).unwrap_or(i64::MAX)
}

/// Splits JSON number text (or Rust `{:e}` text) into integer digits,
/// fraction digits and the exponent's value (saturating at ±10⁹, far beyond
/// any FLOAT64).
fn split_number(text: &str) -> (&str, &str, i64) {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent),
        None => (body, ""),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (negative, digits) = match exponent.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, exponent.strip_prefix('+').unwrap_or(exponent)),
    };
    let mut value: i64 = 0;
    for b in digits.bytes() {
        value = (value * 10 + i64::from(b.wrapping_sub(b'0'))).min(1_000_000_000);
    }
    (int, frac, if negative { -value } else { value })
}

/// (significant digits, magnitude) of a number without allocating, where
/// the value lies in [10^(magnitude−1), 10^magnitude); `None` for zero.
fn shape(text: &str) -> Option<(usize, i64)> {
    let (int, frac, exponent) = split_number(text);
    let digits = || int.bytes().chain(frac.bytes());
    let first = digits().position(|b| b != b'0')?;
    let last = digits()
        .enumerate()
        .filter(|&(_, b)| b != b'0')
        .map(|(i, _)| i)
        .last()?;
    let magnitude = len_i64(int.len())
        .saturating_sub(len_i64(first))
        .saturating_add(exponent);
    Some((last - first + 1, magnitude))
}

/// A decimal number as significant digits × 10^exponent (the slow path's
/// exact comparison).
#[derive(Debug, PartialEq)]
struct Decimal {
    /// Digits without leading or trailing zeros (empty for zero).
    significant: String,
    exponent: i64,
}

impl Decimal {
    fn of(text: &str) -> Decimal {
        let (int, frac, exponent) = split_number(text);
        let all: String = int.chars().chain(frac.chars()).collect();
        let leading_trimmed = all.trim_start_matches('0');
        let significant = leading_trimmed.trim_end_matches('0');
        let trailing_zeros = leading_trimmed.len() - significant.len();
        if significant.is_empty() {
            return Decimal {
                significant: String::new(),
                exponent: 0,
            };
        }
        Decimal {
            significant: significant.to_owned(),
            exponent: exponent
                .saturating_sub(len_i64(frac.len()))
                .saturating_add(len_i64(trailing_zeros)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(input: Input<'_>) -> Option<String> {
        parse(input).ok().map(Cow::into_owned)
    }

    fn is_borrowed(input: Input<'_>) -> bool {
        matches!(parse(input), Ok(Cow::Borrowed(_)))
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(ok(Input::Raw(r#"{"a":1}"#)).as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(ok(Input::Raw("[1, 2, 3]")).as_deref(), Some("[1,2,3]"));
        assert_eq!(ok(Input::Number("-1.5e3")).as_deref(), Some("-1.5e3"));
        assert_eq!(ok(Input::Bool(true)).as_deref(), Some("true"));
        assert_eq!(ok(Input::Bool(false)).as_deref(), Some("false"));
        assert_eq!(ok(Input::Str("\"hello\"")).as_deref(), Some("\"hello\""));
        assert_eq!(ok(Input::Str("null")).as_deref(), Some("null"));
        assert_eq!(ok(Input::Str(" 12 ")).as_deref(), Some("12"));
        assert_eq!(ok(Input::Str("true")).as_deref(), Some("true"));
        assert_eq!(ok(Input::Str("[]")).as_deref(), Some("[]"));
        assert_eq!(ok(Input::Str("{ }")).as_deref(), Some("{}"));
        // BigQuery data types reference (JSON type) and JSON functions
        // reference (PARSE_JSON example): whitespace is not preserved.
        assert_eq!(
            ok(Input::Str(r#"{"coordinates": [10, 20], "id": 1}"#)).as_deref(),
            Some(r#"{"coordinates":[10,20],"id":1}"#)
        );
        // ZetaSQL json.test: JSON '{"a": "foo", "b": 12, "c": null, "d": 0.123}'.
        assert_eq!(
            ok(Input::Str(
                r#"{"a": "foo", "b": 12, "c": null, "d": 0.123}"#
            ))
            .as_deref(),
            Some(r#"{"a":"foo","b":12,"c":null,"d":0.123}"#)
        );
    }

    #[test]
    fn text_is_kept_as_written() {
        // Number text, escapes, key order and whitespace inside strings are kept.
        let input = "{ \"z\" : 1.50 , \"a\" : \"x \\u00e9\\/ y\" ,\n\t\"m\": [ 1E+2 , -0 ] }";
        assert_eq!(
            ok(Input::Raw(input)).as_deref(),
            Some(r#"{"z":1.50,"a":"x \u00e9\/ y","m":[1E+2,-0]}"#)
        );
        assert_eq!(
            ok(Input::Str(r#"["a \" b", "c\\", " "]"#)).as_deref(),
            Some(r#"["a \" b","c\\"," "]"#)
        );
        assert_eq!(
            ok(Input::Str("\"é ü 日本\"")).as_deref(),
            Some("\"é ü 日本\"")
        );
    }

    #[test]
    fn borrowed_when_compact() {
        assert!(is_borrowed(Input::Raw(r#"{"a":[1,{"b":null}]}"#)));
        assert!(is_borrowed(Input::Str("  [1,2]  ")));
        assert!(is_borrowed(Input::Number("3")));
        assert!(is_borrowed(Input::Bool(true)));
        assert!(!is_borrowed(Input::Raw("[1, 2]")));
        assert_eq!(ok(Input::Str("\n[1,2]\r\n")).as_deref(), Some("[1,2]"));
    }

    #[test]
    fn rejected_text() {
        let bad = [
            "",
            " ",
            "hello",
            "'a'",
            "{a:1}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{\"a\":}",
            "[1 2]",
            "[1]]",
            "[[1]",
            "{\"a\":1}}",
            "01",
            "-",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "0x10",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "truex",
            "\"abc",
            "\"a\u{1}b\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12G4\"",
            "\"\\ud800\"",
            "\"\\ud800\\u0041\"",
            "\"\\udc00\"",
            "\"\\",
            "1 2",
            "[1]x",
            "\u{feff}1",
            "[1,\u{a0}2]",
        ];
        for text in bad {
            let r = parse(Input::Str(text));
            assert!(
                matches!(&r, Err(ValueError::Invalid { expected, .. }) if expected.starts_with(EXPECTED)),
                "{text:?}: {r:?}"
            );
        }
        assert_eq!(
            parse(Input::Null),
            Err(ValueError::wrong_kind(EXPECTED, "null"))
        );
    }

    #[test]
    fn error_says_where() {
        let r = parse(Input::Str("[1, 2,]"));
        assert_eq!(
            r,
            Err(ValueError::invalid(
                format!("{EXPECTED}: expected a JSON value at byte 6"),
                "[1, 2,]"
            ))
        );
    }

    #[test]
    fn surrogate_pairs() {
        assert_eq!(
            ok(Input::Str(r#""\ud83d\ude00""#)).as_deref(),
            Some(r#""\ud83d\ude00""#)
        );
        let tree = parse_tree(r#"{"k\ud83d\ude00\n":"\u00e9"}"#, 10, "X");
        assert_eq!(
            tree.ok(),
            Some(Node::Object(vec![(
                Cow::Borrowed("k😀\n"),
                Node::String(Cow::Borrowed("é"))
            )]))
        );
    }

    #[test]
    fn depth_limit() {
        // BigQuery data types reference: up to 500 levels can be nested.
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(Input::Raw(&deep(500))).is_ok());
        assert!(parse(Input::Raw(&deep(501))).is_err_and(|e| e.is_out_of_range()));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(500), "}".repeat(500));
        assert!(parse(Input::Raw(&objects)).is_ok());
        let objects = format!("{}1{}", r#"{"a":"#.repeat(501), "}".repeat(501));
        assert!(parse(Input::Raw(&objects)).is_err());
        // Far deeper input fails without recursion.
        assert!(parse(Input::Raw(&"[".repeat(1_000_000))).is_err());
    }

    #[test]
    fn duplicate_keys() {
        // BigQuery data types reference: "If an object has duplicate keys, the
        // first key that's found is preserved" - an alteration, so rejected.
        let r = parse(Input::Raw(r#"{"a":1,"b":2,"a":3}"#));
        assert_eq!(
            r,
            Err(ValueError::invalid(
                "JSON objects without duplicate keys (BigQuery would keep only the first)",
                "a"
            ))
        );
        // Compared after unescaping.
        assert!(parse(Input::Raw(r#"{"a":1,"\u0061":2}"#)).is_err());
        // Same key in different objects is fine.
        assert!(parse(Input::Raw(r#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#)).is_ok());
        assert!(parse(Input::Raw(r#"{"a":{"b":1,"b":2}}"#)).is_err());
    }

    #[test]
    fn number_rule() {
        // BigQuery data types reference (JSON type): integers in
        // -9,223,372,036,854,775,808 ... 18,446,744,073,709,551,615 and FLOAT64.
        let accepted = [
            "0",
            "-0",
            "-0.0",
            "0e5",
            "-9223372036854775808",
            "9223372036854775807",
            "18446744073709551615",
            "0.1",
            "1.5e3",
            "1E+2",
            "2.50",
            "100000000000000000000",
            "1e20",
            "9007199254740993",
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072014e-308",
            "123456789012345.6",
            "0.30000000000000004",
        ];
        for n in accepted {
            assert_eq!(ok(Input::Number(n)).as_deref(), Some(n), "{n}");
        }
        let rejected = [
            "-9223372036854775809",
            "18446744073709551616",
            "0.10000000000000001",
            "9007199254740993.0",
            "1e400",
            "-1e400",
            "1e-400",
            "3.141592653589793238",
            "1.7976931348623159e308",
            "4e-324",
        ];
        for n in rejected {
            assert!(
                parse(Input::Number(n)).is_err_and(|e| e.is_out_of_range()),
                "{n}"
            );
        }
        // Inside documents too, and the message quotes the number.
        let r = parse(Input::Raw("[1, 0.10000000000000001]"));
        assert!(
            matches!(&r, Err(ValueError::OutOfRange { found, .. }) if found == "\"0.10000000000000001\""),
            "{r:?}"
        );
    }

    #[test]
    fn decimal_normalisation() {
        let d = Decimal::of("-0012.3400e-2");
        assert_eq!((d.significant.as_str(), d.exponent), ("1234", -4));
        assert_eq!(shape("-0012.3400e-2"), Some((4, 0)));
        let d = Decimal::of("1.5e3");
        assert_eq!((d.significant.as_str(), d.exponent), ("15", 2));
        assert_eq!(shape("1.5e3"), Some((2, 4)));
        let d = Decimal::of("1500");
        assert_eq!((d.significant.as_str(), d.exponent), ("15", 2));
        assert_eq!(shape("0.00150"), Some((2, -2)));
        assert_eq!(Decimal::of("0.000"), Decimal::of("-0e7"));
        assert_eq!(shape("0.000"), None);
        assert_eq!(
            Decimal::of("1e99999999999999999999").exponent,
            1_000_000_000
        );
    }

    /// The slow path of the number rule alone, to check the fast path against.
    fn slow_rule(text: &str) -> bool {
        let Ok(value) = text.parse::<f64>() else {
            return false;
        };
        value.is_finite() && Decimal::of(text) == Decimal::of(&format!("{value:e}"))
    }

    fn json_value() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            any::<bool>().prop_map(|b| b.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| format!("{f:e}")),
            "[a-z \\\\\"é\u{1F600}]{0,8}"
                .prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6)
                    .prop_map(|v| format!("[{}]", v.join(" , "))),
                prop::collection::btree_map("[a-z]{1,4}", inner, 0..6).prop_map(|m| {
                    let members: Vec<String> = m
                        .into_iter()
                        .map(|(k, v)| format!("\"{k}\" :\n{v}"))
                        .collect();
                    format!("{{ {} }}", members.join(","))
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn compaction_matches_serde_json(text in json_value()) {
            let compact = parse(Input::Str(&text));
            prop_assert!(compact.is_ok(), "{:?}: {:?}", text, compact);
            let compact = compact.map(Cow::into_owned).unwrap_or_default();
            // Same value as serde_json reads, no whitespace outside strings,
            // and compacting again changes nothing.
            let a: Result<serde_json::Value, _> = serde_json::from_str(&text);
            let b: Result<serde_json::Value, _> = serde_json::from_str(&compact);
            prop_assert_eq!(a.ok(), b.ok());
            prop_assert!(is_borrowed(Input::Str(&compact)));
            prop_assert_eq!(ok(Input::Str(&compact)), Some(compact.clone()));
            let tree = parse_tree(&text, MAX_DEPTH, "X");
            prop_assert!(tree.is_ok());
        }

        #[test]
        fn agrees_with_serde_json_on_syntax(text in "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\]{0,24}") {
            // serde_json and this scanner agree on what is JSON, except where
            // this scanner is stricter on purpose (numbers, duplicate keys).
            let ours = parse(Input::Str(&text));
            let theirs: Result<serde_json::Value, _> = serde_json::from_str(&text);
            match ours {
                Ok(_) => prop_assert!(theirs.is_ok(), "{:?}", text),
                Err(ValueError::Invalid { expected, .. }) if expected.starts_with(EXPECTED) => {
                    prop_assert!(theirs.is_err(), "{:?}", text)
                }
                Err(_) => {}
            }
        }

        #[test]
        fn fast_path_agrees_with_slow_path(
            int in "0|[1-9][0-9]{0,9}",
            frac in "[0-9]{0,12}",
            exp in -330i32..330,
        ) {
            let text = if frac.is_empty() {
                format!("{int}e{exp}")
            } else {
                format!("{int}.{frac}e{exp}")
            };
            prop_assert_eq!(check_number(&text).is_ok(), slow_rule(&text), "{}", text);
            let d = Decimal::of(&text);
            let want = (!d.significant.is_empty())
                .then(|| (d.significant.len(), d.exponent + len_i64(d.significant.len())));
            prop_assert_eq!(shape(&text), want);
        }

        #[test]
        fn shortest_floats_are_accepted(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
            let text = format!("{f:e}");
            prop_assert!(check_number(&text).is_ok(), "{}", text);
            let text = format!("{f}");
            prop_assert!(check_number(&text).is_ok(), "{}", text);
        }

        #[test]
        fn parse_in_agrees_with_parse_across_reuse(
            a in prop_oneof![json_value(), ".{0,24}"],
            b in prop_oneof![json_value(), ".{0,24}"],
        ) {
            // One scratch for both values, as the row walk uses it.
            let mut scratch = JsonScratch::default();
            for text in [&a, &b, &a] {
                for input in [Input::Str(text), Input::Raw(text)] {
                    let want = parse(input).map(Cow::into_owned);
                    let got = parse_in(input, &mut scratch, MAX_DEPTH).map(Cow::into_owned);
                    prop_assert_eq!(got, want, "{:?}", text);
                }
            }
        }

        #[test]
        fn lean_pass_agrees_with_the_general_scanner(
            text in prop_oneof![json_value(), "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\]{0,24}", ".{0,24}"],
        ) {
            let mut scratch = JsonScratch::default();
            let general = {
                let mut sc = Scanner::new(&text, MAX_DEPTH);
                sc.run(&mut Validate).map(|span| {
                    if span.inner_whitespace { sc.out.clone() } else { text[span.start..span.end].to_owned() }
                })
            };
            if let Some((start, end, compacted)) = lean(&text, &mut scratch, MAX_DEPTH) {
                let got = if compacted { scratch.out.clone() } else { text[start..end].to_owned() };
                prop_assert_eq!(Ok(got), general, "{:?}", text);
            } else if general.is_ok() {
                // Handing over valid text is allowed only for what the lean
                // pass leaves out (generated values stay under its depth and
                // key limits, so only backslashes remain).
                prop_assert!(text.contains('\\'), "{:?}", text);
            }
        }

        #[test]
        fn escaped_pass_agrees_with_unescape_then_parse(
            text in prop_oneof![json_value(), "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\\n\t]{0,24}"],
        ) {
            // The raw contents of the JSON string holding `text`.
            let quoted = serde_json::to_string(&text).unwrap_or_default();
            let raw = &quoted[1..quoted.len() - 1];
            let want = parse(Input::Str(&text)).map(Cow::into_owned);
            let mut scratch = JsonScratch::default();
            // The row text after the opening quote: the string, its closing
            // quote, and more of the row (or none: the eight-byte steps then
            // give way to single bytes near the end).
            for tail in [", \"next\": 1}", ""] {
                let rest = format!("{}{tail}", &quoted[1..]);
                match parse_escaped_at(rest.as_bytes(), &mut scratch, MAX_DEPTH) {
                    Some((got, end)) => {
                        prop_assert_eq!(end, raw.len(), "{:?}", raw);
                        prop_assert_eq!(Ok(got.to_owned()), want.clone(), "{:?}", raw)
                    }
                    // Handing over valid text is allowed only for escapes inside
                    // inner strings (generated values stay under the limits).
                    None => prop_assert!(
                        want.is_err() || text.contains('\\') || raw.contains("\\u") || raw.contains("\\\\"),
                        "{:?}", raw
                    ),
                }
            }
        }

        #[test]
        fn no_panic_on_arbitrary_text(text in ".{0,64}") {
            let _ = parse(Input::Str(&text));
            let _ = parse_tree(&text, 8, "X");
        }
    }
}
