//! A small pull scanner over JSON bytes, written for the row walk.
//!
//! Why by hand: serde_json either turns numbers into `f64`/`i64` (losing the
//! text a NUMERIC or a 2^63−1 INT64 needs) or, with `arbitrary_precision`,
//! changes number handling for every crate in a build. This scanner hands
//! numbers over as their text, borrows strings that need no unescaping, and
//! never builds a tree: the walk asks for exactly the token it expects.

use crate::value::json::{masked_word, needs_attention, short_eq};
use std::fmt;

/// Deepest nesting of arrays/objects the scanner follows.
pub const MAX_DEPTH: usize = 128;

/// A JSON syntax problem at a byte offset.
///
/// # Examples
///
/// The row walk reports a syntax problem as [`ValueError::Json`](crate::ValueError::Json),
/// with the same offset and wording:
///
/// ```
/// use bqcodec::plan::WalkOptions;
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
/// use bqcodec::ValueError;
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}]"#)?;
/// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let err = w.encode_json(br#"{"a": 1,}"#, 0).unwrap_err();
/// assert!(matches!(err.error, ValueError::Json { offset: 8, .. }));
/// assert_eq!(err.to_string(), "row 0: (row): invalid JSON at byte 8: expected a string");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyntaxError {
    /// Byte offset into the scanned text.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid JSON at byte {}: expected {}",
            self.offset, self.expected
        )
    }
}

/// The kind of the next value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peek {
    /// `null`
    Null,
    /// `true` / `false`
    Bool,
    /// a number
    Number,
    /// a string
    String,
    /// `[`
    Array,
    /// `{`
    Object,
}

/// The exact bytes between two values of a record as the walk last parsed
/// them for one field — `, "name": ` from the comma after the previous value
/// to the first byte of this field's value — as a masked little-endian word.
/// Rows of one producer repeat them byte for byte, so the next row's comma,
/// white space, key and colon are matched with one compare. Bytes that
/// equal a sequence the parser accepted before parse the same way again, so
/// a match needs no further check. The default (nothing learned) matches
/// no input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sep {
    word: u128,
    mask: u128,
    len: usize,
}

impl Default for Sep {
    /// A word with a bit outside its (empty) mask: no input equals it, so
    /// [`Scanner::eat_sep`] needs no separate "nothing learned" test.
    fn default() -> Self {
        Sep {
            word: 1,
            mask: 0,
            len: 0,
        }
    }
}

/// A cursor over JSON bytes.
pub struct Scanner<'a> {
    bytes: &'a [u8],
    /// The same bytes as text when the whole input is valid UTF-8 (checked
    /// once up front), so strings need no validation of their own.
    text: Option<&'a str>,
    pos: usize,
}

/// A scanned string: borrowed from the input when it had no escapes,
/// otherwise unescaped into the caller's scratch buffer.
pub enum Str<'a> {
    /// No escapes: the input's own bytes.
    Borrowed(&'a str),
    /// Had escapes: unescaped into the scratch buffer.
    Scratch,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Scanner {
            bytes,
            // simdutf8: the whole input is checked once, at several times
            // std's speed on the ASCII that rows mostly are.
            text: simdutf8::basic::from_utf8(bytes).ok(),
            pos: 0,
        }
    }

    /// A scanner over `start..end` of this one's input (both at ASCII bytes,
    /// such as newlines), reusing its UTF-8 check when the whole input passed.
    pub fn sub(&self, start: usize, end: usize) -> Scanner<'a> {
        let bytes = self.bytes.get(start..end).unwrap_or_default();
        let text = match self.text {
            Some(t) => t.get(start..end),
            None => std::str::from_utf8(bytes).ok(),
        };
        Scanner {
            bytes,
            text,
            pos: 0,
        }
    }

    /// The text between `start` and `end` (both on ASCII delimiters).
    #[inline]
    fn slice(&self, start: usize, end: usize) -> Result<&'a str, SyntaxError> {
        if let Some(t) = self.text
            && let Some(s) = t.get(start..end)
        {
            return Ok(s);
        }
        match std::str::from_utf8(self.bytes.get(start..end).unwrap_or_default()) {
            Ok(s) => Ok(s),
            Err(e) => Err(SyntaxError {
                offset: start + e.valid_up_to(),
                expected: "UTF-8 text",
            }),
        }
    }

    /// Skips bytes that need no attention inside a string: everything but
    /// `"`, `\\` and control bytes, eight at a time.
    #[inline]
    fn skip_plain(&mut self) {
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let hits = needs_attention(u64::from_le_bytes(w));
            if hits != 0 {
                self.pos += (hits.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
    }

    /// The current byte offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor back to `pos` (an offset this scanner returned).
    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.bytes.len());
    }

    fn err<T>(&self, expected: &'static str) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.pos,
            expected,
        })
    }

    /// Skips JSON white space.
    #[inline]
    pub fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b' ' || b == b'\n' || b == b'\r' || b == b'\t' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// True at the end of input (after white space).
    pub fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.bytes.len()
    }

    /// The next byte after white space, without consuming it.
    #[inline]
    pub(crate) fn next_byte(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    /// The kind of the next value, without consuming it.
    #[inline]
    pub fn peek(&mut self) -> Result<Peek, SyntaxError> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(b'n') => Ok(Peek::Null),
            Some(b't' | b'f') => Ok(Peek::Bool),
            Some(b'-' | b'0'..=b'9') => Ok(Peek::Number),
            Some(b'"') => Ok(Peek::String),
            Some(b'[') => Ok(Peek::Array),
            Some(b'{') => Ok(Peek::Object),
            _ => self.err("a JSON value"),
        }
    }

    /// Consumes `byte` after white space.
    #[inline]
    pub fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), SyntaxError> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(expected)
        }
    }

    /// After an element: consumes `close` (true) or `,` (false) after white
    /// space; anything else is an error saying `expected`.
    #[inline]
    pub fn close_or_comma(
        &mut self,
        close: u8,
        expected: &'static str,
    ) -> Result<bool, SyntaxError> {
        self.skip_ws();
        match self.bytes.get(self.pos) {
            Some(&b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            _ => self.err(expected),
        }
    }

    /// Consumes `byte` after white space if it is next.
    #[inline]
    pub fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &'static [u8], expected: &'static str) -> Result<(), SyntaxError> {
        match self.bytes.get(self.pos..self.pos + word.len()) {
            Some(w) if w == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => self.err(expected),
        }
    }

    /// Consumes `null`.
    pub fn null(&mut self) -> Result<(), SyntaxError> {
        self.skip_ws();
        self.literal(b"null", "null")
    }

    /// Consumes `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, SyntaxError> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b't') {
            self.literal(b"true", "true").map(|()| true)
        } else {
            self.literal(b"false", "false").map(|()| false)
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Consumes the string `"name"` if it is next, byte for byte. Only for
    /// names without `"`, `\\` or control characters, whose JSON form is the
    /// name itself between quotes.
    #[inline]
    pub fn eat_key(&mut self, name: &[u8]) -> bool {
        self.skip_ws();
        let start = self.pos;
        let end = start + name.len() + 2;
        match self.bytes.get(start..end) {
            Some([b'"', mid @ .., b'"']) if short_eq(mid, name) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    /// [`Scanner::eat_key`] with the key as masked little-endian words: one
    /// load and compare (zero-padded near the end). `Some(true)` when the key
    /// and the `:` right after it were consumed, `Some(false)` for the key
    /// alone, `None` when the next key is another.
    #[inline]
    pub(crate) fn eat_key_word(&mut self, name: &[u8], kw: &super::KeyWord) -> Option<bool> {
        self.skip_ws();
        let start = self.pos;
        if kw.key.1 != 0
            && let Some(chunk) = self.bytes.get(start..start + 16)
        {
            let mut w = [0u8; 16];
            w.copy_from_slice(chunk);
            let w = u128::from_le_bytes(w);
            if kw.key_colon.1 != 0 && w & kw.key_colon.1 == kw.key_colon.0 {
                self.pos = start + kw.len + 1;
                return Some(true);
            }
            if w & kw.key.1 == kw.key.0 {
                self.pos = start + kw.len;
                return Some(false);
            }
            return None;
        }
        self.eat_key(name).then_some(false)
    }

    /// Consumes `sep` (bytes this walk parsed before, as a masked word) if
    /// the input continues with exactly those bytes.
    #[inline]
    pub(crate) fn eat_sep(&mut self, sep: &Sep) -> bool {
        let start = self.pos;
        let w = match self.bytes.get(start..start + 16) {
            Some(chunk) => {
                let mut w = [0u8; 16];
                w.copy_from_slice(chunk);
                u128::from_le_bytes(w)
            }
            None => {
                // Within 16 bytes of the end: the rest, zero-padded (not
                // for nothing learned, which is common here: after a row's
                // last value).
                let rest = self.bytes.get(start..).unwrap_or_default();
                if sep.len == 0 || rest.len() < sep.len {
                    return false;
                }
                let mut w = [0u8; 16];
                for (slot, &b) in w.iter_mut().zip(rest) {
                    *slot = b;
                }
                u128::from_le_bytes(w)
            }
        };
        if w & sep.mask == sep.word {
            self.pos = start + sep.len;
            true
        } else {
            false
        }
    }

    /// The bytes `from..self.pos` as a [`Sep`] (an empty one when they take
    /// more than 16 bytes).
    #[inline]
    pub(crate) fn sep_since(&self, from: usize) -> Sep {
        match self.bytes.get(from..self.pos) {
            Some(text) if !text.is_empty() => match masked_word(text) {
                Some((word, mask)) => Sep {
                    word,
                    mask,
                    len: text.len(),
                },
                None => Sep::default(),
            },
            _ => Sep::default(),
        }
    }

    /// A JSON integer of at most 18 digits (`-?(0|[1-9][0-9]*)`, no fraction
    /// or exponent) at the cursor, read and valued in one pass; `None` with
    /// the cursor unmoved for anything else, which [`Scanner::number`] then
    /// reads and words.
    #[inline]
    pub(crate) fn plain_int64(&mut self) -> Option<i64> {
        let b = self.bytes;
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let start = i;
        let mut v = 0i64;
        while let Some(&c) = b.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if i - start == 18 {
                return None; // 19 digits may not fit: the general path
            }
            v = v * 10 + i64::from(d);
            i += 1;
        }
        match (i - start, b.get(start)) {
            (0, _) => return None,
            (n, Some(b'0')) if n > 1 => return None,
            _ => {}
        }
        if let Some(b'.' | b'e' | b'E') = b.get(i) {
            return None;
        }
        self.pos = i;
        Some(if negative { -v } else { v })
    }

    /// A JSON number `-?(0|[1-9][0-9]*)(.[0-9]+)?` with at most 15 digits
    /// in all (no exponent) at the cursor, read and valued in one pass as
    /// the nearest f64 (see [`crate::value::scalar::f64_from_decimal`]);
    /// `None` with the cursor unmoved for anything else, which
    /// [`Scanner::number`] and the FLOAT64 parser then read and word.
    #[inline]
    pub(crate) fn plain_f64(&mut self) -> Option<f64> {
        let b = self.bytes;
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let int_start = i;
        let mut mantissa = 0u64;
        // Wrapping: more than 15 digits are refused below, whatever they sum to.
        let mut digits = |i: &mut usize| {
            while let Some(&c) = b.get(*i) {
                let d = c.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
                *i += 1;
            }
        };
        digits(&mut i);
        let int_len = i - int_start;
        if int_len == 0 || (int_len > 1 && b.get(int_start) == Some(&b'0')) {
            return None;
        }
        let mut frac_len = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let frac_start = i;
            digits(&mut i);
            frac_len = i - frac_start;
            if frac_len == 0 {
                return None;
            }
        }
        if int_len + frac_len > 15 || matches!(b.get(i), Some(b'e' | b'E')) {
            return None;
        }
        let v = crate::value::scalar::f64_from_decimal(mantissa, frac_len)?;
        self.pos = i;
        Some(if negative { -v } else { v })
    }

    /// Consumes a number and returns its text, checked against JSON's grammar.
    pub fn number(&mut self) -> Result<&'a str, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("a digit"),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.err("a digit after the decimal point");
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.err("a digit in the exponent");
            }
        }
        // The span is ASCII digits and signs only.
        self.slice(start, self.pos)
    }

    /// Consumes a string. Without escapes it is borrowed; with escapes it is
    /// unescaped into `scratch` (cleared first).
    #[inline(always)]
    pub fn string(&mut self, scratch: &mut String) -> Result<Str<'a>, SyntaxError> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'"') {
            return self.err("a string");
        }
        self.pos += 1;
        let start = self.pos;
        // Fast scan for the closing quote with no escapes or control bytes.
        loop {
            self.skip_plain();
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    let s = self.slice(start, self.pos)?;
                    self.pos += 1;
                    return Ok(Str::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return self.err("no raw control character in a string"),
                Some(_) => self.pos += 1,
                None => return self.err("a closing quote"),
            }
        }
        self.string_escaped(start, scratch)
    }

    /// A string without escapes right at the cursor (the caller has skipped
    /// white space), borrowed from the input; `None` with the cursor unmoved
    /// for anything else (escapes, a raw control byte, no closing quote, not
    /// UTF-8), which [`Scanner::string`] then reads or words.
    #[inline(always)]
    pub(crate) fn plain_str(&mut self) -> Option<&'a str> {
        let open = self.pos;
        if self.bytes.get(open) != Some(&b'"') {
            return None;
        }
        self.pos = open + 1;
        loop {
            self.skip_plain();
            match self.bytes.get(self.pos) {
                Some(b'"') => break,
                // Within eight bytes of the end `skip_plain` stops early.
                Some(&b) if b >= 0x20 && b != b'\\' => self.pos += 1,
                _ => {
                    self.pos = open;
                    return None;
                }
            }
        }
        match self.text.and_then(|t| t.get(open + 1..self.pos)) {
            Some(s) => {
                self.pos += 1;
                Some(s)
            }
            None => {
                self.pos = open;
                None
            }
        }
    }

    /// When a string starts right at the cursor (the caller has skipped
    /// white space): the bytes after its opening quote (to the end of the
    /// input) and their offset, for a reader that finds the closing quote
    /// itself. `None` for any other value, or when the input is not UTF-8.
    /// The cursor is left on the opening quote.
    #[inline(always)]
    pub(crate) fn string_rest(&self) -> Option<(&'a [u8], usize)> {
        self.text?;
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let from = self.pos + 1;
        Some((self.bytes.get(from..)?, from))
    }

    /// The rest of a string from its first backslash, unescaped into
    /// `scratch` (its contents started at `start`).
    #[inline(never)]
    fn string_escaped(
        &mut self,
        start: usize,
        scratch: &mut String,
    ) -> Result<Str<'a>, SyntaxError> {
        scratch.clear();
        scratch.push_str(self.slice(start, self.pos)?);
        // The rest goes byte by byte: runs between escapes are short in
        // practice (JSON text inside a string escapes every quote), so a
        // copy call per run costs more than it saves.
        let mut out = std::mem::take(scratch).into_bytes();
        let result = self.unescape_rest(&mut out);
        // `out` holds whole chars from escapes and input bytes copied in
        // order; checked on the way back (input that was not checked up
        // front may be broken).
        match String::from_utf8(out) {
            Ok(text) => *scratch = text,
            Err(e) => {
                result?;
                let offset = start + e.utf8_error().valid_up_to();
                return Err(SyntaxError {
                    offset,
                    expected: "UTF-8 text",
                });
            }
        }
        result.map(|()| Str::Scratch)
    }

    /// The part of a string after its first backslash (at `self.pos`),
    /// unescaped onto `out`, up to and including the closing quote.
    fn unescape_rest(&mut self, out: &mut Vec<u8>) -> Result<(), SyntaxError> {
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape_bytes(out)?;
                }
                Some(&b) if b < 0x20 => return self.err("no raw control character in a string"),
                Some(&b) => {
                    out.push(b);
                    self.pos += 1;
                }
                None => return self.err("a closing quote"),
            }
        }
    }

    /// [`Self::escape`] onto bytes.
    #[inline]
    fn escape_bytes(&mut self, out: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => b'"',
            Some(b'\\') => b'\\',
            Some(b'/') => b'/',
            Some(b'b') => 0x08,
            Some(b'f') => 0x0c,
            Some(b'n') => b'\n',
            Some(b'r') => b'\r',
            Some(b't') => b'\t',
            _ => {
                let mut s = String::new();
                self.escape(&mut s)?;
                out.extend_from_slice(s.as_bytes());
                return Ok(());
            }
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.bytes.get(self.pos) {
                Some(&b) => char::from(b).to_digit(16),
                None => None,
            };
            match d {
                Some(d) => v = v * 16 + d,
                None => return self.err("four hex digits after \\u"),
            }
            self.pos += 1;
        }
        Ok(v)
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return self.err("a low surrogate after a high surrogate");
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return self.err("a low surrogate after a high surrogate");
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                match char::from_u32(code) {
                    Some(c) => {
                        out.push(c);
                        return Ok(());
                    }
                    None => return self.err("a Unicode scalar value (no lone surrogate)"),
                }
            }
            _ => return self.err("a valid escape"),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// Skips one whole value (validating it) and returns its JSON text.
    pub fn skip_value(&mut self, scratch: &mut String) -> Result<&'a str, SyntaxError> {
        self.skip_ws();
        let start = self.pos;
        self.skip_inner(scratch, 0)?;
        self.slice(start, self.pos)
    }

    fn skip_inner(&mut self, scratch: &mut String, depth: usize) -> Result<(), SyntaxError> {
        if depth > MAX_DEPTH {
            return self.err("nesting no deeper than 128");
        }
        match self.peek()? {
            Peek::Null => self.null(),
            Peek::Bool => self.boolean().map(|_| ()),
            Peek::Number => self.number().map(|_| ()),
            Peek::String => self.string(scratch).map(|_| ()),
            Peek::Array => {
                self.pos += 1;
                if self.eat(b']') {
                    return Ok(());
                }
                loop {
                    self.skip_inner(scratch, depth + 1)?;
                    if self.eat(b']') {
                        return Ok(());
                    }
                    self.expect(b',', "',' or ']'")?;
                }
            }
            Peek::Object => {
                self.pos += 1;
                if self.eat(b'}') {
                    return Ok(());
                }
                loop {
                    self.string(scratch)?;
                    self.expect(b':', "':'")?;
                    self.skip_inner(scratch, depth + 1)?;
                    if self.eat(b'}') {
                        return Ok(());
                    }
                    self.expect(b',', "',' or '}'")?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Result<String, SyntaxError> {
        let mut sc = Scanner::new(text.as_bytes());
        let mut scratch = String::new();
        match sc.string(&mut scratch)? {
            Str::Borrowed(b) => Ok(b.to_owned()),
            Str::Scratch => Ok(scratch),
        }
    }

    #[test]
    fn strings() {
        assert_eq!(s(r#""abc""#).ok().as_deref(), Some("abc"));
        assert_eq!(
            s(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#).ok().as_deref(),
            Some("a\"b\\c/\né😀")
        );
        assert!(s(r#""\ud83d""#).is_err());
        assert!(s(r#""\udc00""#).is_err());
        assert!(s("\"a\nb\"").is_err());
        assert!(s(r#""abc"#).is_err());
        assert!(s(r#""\x""#).is_err());
        assert!(s("\"\u{ff}\"").is_ok());
        let mut sc = Scanner::new(b"\"\xff\"");
        assert!(sc.string(&mut String::new()).is_err());
    }

    #[test]
    fn short_eq_agrees_with_slice_eq() {
        let words: [&[u8]; 8] = [
            b"",
            b"a",
            b"ab",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghijklmnopq",
            b"abcdefghijklmnopr",
            b"b",
        ];
        for a in words {
            for b in words {
                assert_eq!(short_eq(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn numbers() {
        for ok in [
            "0",
            "-0",
            "1.5",
            "-1.5e3",
            "1E+2",
            "123456789012345678901234567890",
        ] {
            assert_eq!(Scanner::new(ok.as_bytes()).number().ok(), Some(ok), "{ok}");
        }
        for bad in ["01x", "-", "1.", ".5", "1e", "+1"] {
            let mut sc = Scanner::new(bad.as_bytes());
            let r = sc.number();
            assert!(r.is_err() || !sc.at_end(), "{bad}");
        }
    }

    #[test]
    fn skip_values() {
        let text = r#" {"a": [1, {"b": null}, "x\"y"], "c": true} , 5"#;
        let mut sc = Scanner::new(text.as_bytes());
        let v = sc.skip_value(&mut String::new()).ok();
        assert_eq!(v, Some(r#"{"a": [1, {"b": null}, "x\"y"], "c": true}"#));
        assert!(sc.eat(b','));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(
            Scanner::new(deep.as_bytes())
                .skip_value(&mut String::new())
                .is_err()
        );
        assert!(
            Scanner::new(b"[1,]")
                .skip_value(&mut String::new())
                .is_err()
        );
        assert!(
            Scanner::new(b"{\"a\" 1}")
                .skip_value(&mut String::new())
                .is_err()
        );
    }

    proptest::proptest! {
        /// The one-pass integer read agrees with the general one: where it
        /// answers, `number` + INT64 parsing give the same value and end.
        #[test]
        fn plain_int64_agrees_with_number_then_parse(text in "-?[0-9]{0,21}([.eE][0-9]{0,2})?[,}]?") {
            let mut fast = Scanner::new(text.as_bytes());
            let mut slow = Scanner::new(text.as_bytes());
            if let Some(v) = fast.plain_int64() {
                let number = slow.number().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
                let want = crate::value::scalar::parse_int64(crate::value::Input::Number(number));
                proptest::prop_assert_eq!(Ok(v), want.map_err(|e| e.to_string()));
                proptest::prop_assert_eq!(fast.pos(), slow.pos());
            } else {
                proptest::prop_assert_eq!(fast.pos(), 0);
            }
        }
    }

    proptest::proptest! {
        /// The one-pass FLOAT64 read agrees with the general one bit for bit
        /// (sign of zero included) and ends where `number` ends.
        #[test]
        fn plain_f64_agrees_with_number_then_parse(
            text in "-?[0-9]{0,17}(\\.[0-9]{0,17})?([eE][-+]?[0-9]{0,2})?[.,}]?",
        ) {
            let mut fast = Scanner::new(text.as_bytes());
            let mut slow = Scanner::new(text.as_bytes());
            if let Some(v) = fast.plain_f64() {
                let number = slow.number().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
                let want = crate::value::scalar::parse_float64(crate::value::Input::Number(number));
                proptest::prop_assert_eq!(Ok(v.to_bits()), want.map(f64::to_bits).map_err(|e| e.to_string()), "{}", text);
                proptest::prop_assert_eq!(fast.pos(), slow.pos());
            } else {
                proptest::prop_assert_eq!(fast.pos(), 0);
            }
        }
    }

    #[test]
    fn plain_f64_takes_only_short_plain_decimals() {
        let read = |t: &str| Scanner::new(t.as_bytes()).plain_f64().map(f64::to_bits);
        assert_eq!(read("0.1,"), Some(0.1f64.to_bits()));
        assert_eq!(read("-0"), Some((-0.0f64).to_bits()));
        assert_eq!(
            read("123456789.012345}"),
            Some(123_456_789.012_345f64.to_bits())
        );
        assert_eq!(read("0.00000000000001"), Some(1e-14f64.to_bits()));
        // 16 digits, exponents, leading zeros, no digits, a bare point: the general path.
        for t in [
            "1234567890.123456",
            "1e3",
            "1.5E-2",
            "01.5",
            "-",
            "1.",
            ".5",
            "",
        ] {
            assert_eq!(read(t), None, "{t}");
        }
    }

    #[test]
    fn plain_int64_takes_only_short_plain_integers() {
        let read = |t: &str| Scanner::new(t.as_bytes()).plain_int64();
        assert_eq!(read("0"), Some(0));
        assert_eq!(read("-0,"), Some(0));
        assert_eq!(read("123456789012345678}"), Some(123_456_789_012_345_678));
        assert_eq!(read("-123456789012345678"), Some(-123_456_789_012_345_678));
        // 19 digits, fractions, exponents, leading zeros, no digits: the general path.
        for t in ["9223372036854775807", "1.0", "1e3", "01", "-", "-x", ""] {
            assert_eq!(read(t), None, "{t}");
        }
    }
}
