//! The row walk: JSON bytes → leaf values → a [`Sink`].
//!
//! One walk for every entry point: `serde_json::Value` rows and
//! `serde::Serialize` rows are serialized to JSON bytes first (the general,
//! slower path), so the rules live in one place.

use super::json::{Peek, Scanner, Sep, Str, SyntaxError};
use super::{Fast, Plan, PlanField, PlanKind, PlanRecord, Sink, UnknownKeys};
use crate::error::{FieldPath, PathSegment, RowError, ValueError};
use crate::schema::Mode;
use crate::value::civil::{self, Date};
use crate::value::numeric::Numeric;
use crate::value::scalar::{self, ParseScratch};
use crate::value::timestamp::{self, Timestamp};
use crate::value::{Codec, Input, Policy, json};

/// An error inside a row, with its path built while unwinding. Boxed: the
/// walk returns `Result<(), WalkError>` from every level, and a pointer-sized
/// error keeps the happy path in registers (as serde_json's boxed error does).
struct WalkError(Box<WalkErrorInner>);

struct WalkErrorInner {
    /// Innermost segment first.
    rev_path: Vec<PathSegment>,
    error: ValueError,
}

impl WalkError {
    #[cold]
    fn new(error: ValueError) -> Self {
        WalkError(Box::new(WalkErrorInner {
            rev_path: Vec::new(),
            error,
        }))
    }

    #[cold]
    fn at_field(mut self, f: &PlanField) -> Self {
        self.0.rev_path.push(PathSegment::Field(f.name.clone()));
        self
    }

    #[cold]
    fn at_index(mut self, i: usize) -> Self {
        self.0.rev_path.push(PathSegment::Index(i));
        self
    }

    fn into_row_error(self, row: usize) -> RowError {
        let inner = *self.0;
        let mut path = FieldPath::root();
        for seg in inner.rev_path.into_iter().rev() {
            match seg {
                PathSegment::Field(n) => path.push_field(&n),
                PathSegment::Index(i) => path.push_index(i),
            }
        }
        RowError {
            row,
            path,
            error: inner.error,
        }
    }
}

impl From<SyntaxError> for WalkError {
    #[cold]
    fn from(e: SyntaxError) -> Self {
        WalkError::new(ValueError::Json {
            offset: e.offset,
            expected: e.expected,
        })
    }
}

impl From<ValueError> for WalkError {
    #[cold]
    fn from(e: ValueError) -> Self {
        WalkError::new(e)
    }
}

/// The result of walking many rows.
///
/// # Examples
///
/// ```
/// use bqcodec::plan::WalkOptions;
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "b", "type": "BOOL"}]"#)?;
/// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let (rows, outcome) = w.encode_ndjson(b"{\"b\": true}\n\n{\"b\": 2}\n{}\n", 100);
/// assert_eq!((outcome.rows, outcome.written), (3, 2)); // the blank line is not a row
/// assert_eq!(outcome.errors[0].row, 101);
/// assert_eq!((rows.input_row(0), rows.input_row(1)), (Some(100), Some(102)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RowOutcome {
    /// Rows read (good and bad).
    pub rows: usize,
    /// Rows the sink accepted.
    pub written: usize,
    /// The bad rows' errors, in input order.
    pub errors: Vec<RowError>,
}

/// Walks rows of one plan, reusing its scratch space between rows.
///
/// # Examples
///
/// This also shows [`new`](Self::new) and [`plan`](Self::plan); the sink here
/// is the proto writer's ([`ProtoSink`](crate::proto::wire::ProtoSink)).
///
/// ```
/// use bqcodec::plan::{WalkOptions, Walker};
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let mut walker = Walker::new(writer.plan());
/// assert_eq!(walker.plan().field_count(), 1);
/// let mut sink = ProtoSink::new(writer.encoder());
/// walker.walk_json(br#"{"id": 150}"#, 0, &mut sink)?;
/// walker.walk_json(br#"{"id": "-1"}"#, 1, &mut sink)?;
/// assert_eq!(sink.rows().row(0), Some(&[0x08, 0x96, 0x01][..]));
/// assert_eq!(sink.rows().row(1).map(<[u8]>::len), Some(11)); // -1 is a 10-byte varint
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Walker<'p> {
    plan: &'p Plan,
    scratch: Vec<String>,
    /// Seen-field bits of the open records with more than 64 fields (smaller
    /// records keep theirs in a local word).
    seen: Vec<u64>,
    /// By field id: the position of the key that last followed the field's
    /// value in its record, and the exact bytes from the end of the value
    /// to that key's value ([`Sep`]; empty: nothing learned yet).
    after: Vec<(usize, Sep)>,
    /// The same for the first key of a record, from its `{`: by the RECORD
    /// field's id + 1, the row itself at 0.
    first: Vec<(usize, Sep)>,
    buf: Vec<u8>,
    /// Buffers the value parsers write into (decoded BYTES, compacted JSON).
    values: ParseScratch,
    /// By field id: the layout of the JSON column's last value given as a
    /// string ([`json::EscapedShape`]; empty: nothing learned).
    json_shapes: Vec<json::EscapedShape>,
    /// The error of the value [`Self::fast_leaf`] last reported as
    /// [`Fasted::Failed`] (kept here so that its result fits a register).
    failure: Option<WalkError>,
}

/// What [`Walker::fast_leaf`] did with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fasted {
    /// Read and written.
    Written,
    /// Not in a fast form: the general path reads it.
    Declined,
    /// Refused; the error is in `Walker::failure`.
    Failed,
}

impl<'p> Walker<'p> {
    /// A walker for `plan`.
    pub fn new(plan: &'p Plan) -> Self {
        Walker {
            plan,
            scratch: Vec::new(),
            seen: Vec::new(),
            after: vec![(usize::MAX, Sep::default()); plan.field_count()],
            first: vec![(usize::MAX, Sep::default()); plan.field_count() + 1],
            buf: Vec::new(),
            values: ParseScratch::default(),
            json_shapes: Vec::new(),
            failure: None,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// Walks one row given as the JSON text of an object. On error the sink
    /// has seen `abort_row`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{WalkOptions, Walker};
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#)?;
    /// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let mut sink = ProtoSink::new(writer.encoder());
    /// let mut walker = Walker::new(writer.plan());
    /// let err = walker.walk_json(br#"{}"#, 4, &mut sink).unwrap_err();
    /// assert_eq!(err.to_string(), "row 4: id: expected a value for a REQUIRED field, found no key");
    /// let err = walker.walk_json(br#"{"id": 1} {"#, 5, &mut sink).unwrap_err();
    /// assert_eq!(err.to_string(), "row 5: (row): invalid JSON at byte 10: expected the end of the row");
    /// assert!(sink.rows().is_empty()); // both rows were aborted
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn walk_json<S: Sink>(
        &mut self,
        row_json: &[u8],
        row: usize,
        sink: &mut S,
    ) -> Result<(), RowError> {
        if let Some(e) = self.too_long(row_json.len(), row) {
            return Err(e);
        }
        let mut sc = Scanner::new(row_json);
        sink.begin_row(row);
        let result = self.row(&mut sc, sink).and_then(|()| {
            if sc.at_end() {
                Ok(())
            } else {
                Err(SyntaxError {
                    offset: sc.pos(),
                    expected: "the end of the row",
                }
                .into())
            }
        });
        self.finish(result, row, 0, sink)
    }

    /// Walks NDJSON: one JSON object per line; blank lines are skipped and
    /// not counted. Row indices start at `first_row`. A bad row is reported
    /// and the walk goes on with the next line.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{WalkOptions, Walker};
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#)?;
    /// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let mut sink = ProtoSink::new(writer.encoder());
    /// let outcome = Walker::new(writer.plan()).walk_ndjson(b"{\"s\": \"a\"}\n{\"s\": 1}\n{\"s\": \"b\"}", 0, &mut sink);
    /// assert_eq!((outcome.rows, outcome.written), (3, 2)); // the bad row does not stop the walk
    /// assert_eq!(outcome.errors[0].to_string(), "row 1: s: expected STRING (a JSON string), found a number");
    /// assert_eq!(sink.rows().row(1), Some(&b"\x0a\x01b"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn walk_ndjson<S: Sink>(
        &mut self,
        ndjson: &[u8],
        first_row: usize,
        sink: &mut S,
    ) -> RowOutcome {
        let mut out = RowOutcome::default();
        // One UTF-8 check for the whole buffer; each line is then walked as
        // its own slice, so a broken row can never reach into the next line.
        let whole = Scanner::new(ndjson);
        let mut pos = 0;
        while pos < ndjson.len() {
            let end = find_newline(ndjson, pos).unwrap_or(ndjson.len());
            let start = pos;
            let mut sc = whole.sub(pos, end);
            pos = end + 1;
            if sc.at_end() {
                continue; // a blank line is not a row
            }
            let row = first_row + out.rows;
            out.rows += 1;
            if let Some(e) = self.too_long(end - start, row) {
                out.errors.push(e);
                continue;
            }
            sink.begin_row(row);
            let mut result = self.row(&mut sc, sink);
            if result.is_ok() && !sc.at_end() {
                result = Err(SyntaxError {
                    offset: sc.pos(),
                    expected: "a newline after the row",
                }
                .into());
            }
            match self.finish(result, row, 0, sink) {
                Ok(()) => out.written += 1,
                Err(e) => out.errors.push(e),
            }
        }
        out
    }

    /// Walks one `serde_json::Value` row (serialized first; the general path).
    /// A `Value` holds numbers as `i64`/`u64`/`f64`, so digits a NUMERIC
    /// needs may already be gone; the JSON-bytes entry points keep them.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{WalkOptions, Walker};
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
    /// use serde_json::json;
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}]"#)?;
    /// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let mut sink = ProtoSink::new(writer.encoder());
    /// let mut walker = Walker::new(writer.plan());
    /// // 38 digits survive only as a string: a Value holds numbers as f64.
    /// walker.walk_value(&json!({"n": "12345678901234567890.123456789"}), 0, &mut sink)?;
    /// assert_eq!(writer.decode(sink.rows().row(0).unwrap_or_default())?, r#"{"n":"12345678901234567890.123456789"}"#);
    /// assert!(walker.walk_value(&json!([1]), 1, &mut sink).is_err()); // a row is an object
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn walk_value<S: Sink>(
        &mut self,
        row_value: &serde_json::Value,
        row: usize,
        sink: &mut S,
    ) -> Result<(), RowError> {
        self.walk_serialize(row_value, row, sink)
    }

    /// Walks one typed Rust row (anything `serde::Serialize` that serializes
    /// as a JSON object).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{WalkOptions, Walker};
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Order<'a> { id: i64, day: &'a str }
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}, {"name": "day", "type": "DATE"}]"#)?;
    /// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
    /// let mut sink = ProtoSink::new(writer.encoder());
    /// Walker::new(writer.plan()).walk_serialize(&Order { id: 1, day: "1970-01-02" }, 0, &mut sink)?;
    /// assert_eq!(sink.rows().row(0), Some(&[0x08, 0x01, 0x10, 0x01][..])); // DATE as int32 days
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn walk_serialize<S: Sink, T: serde::Serialize + ?Sized>(
        &mut self,
        row_value: &T,
        row: usize,
        sink: &mut S,
    ) -> Result<(), RowError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let result = match serde_json::to_writer(&mut buf, row_value) {
            Ok(()) => self.walk_json(&buf, row, sink),
            Err(e) => Err(RowError {
                row,
                path: FieldPath::root(),
                error: ValueError::invalid("a JSON-serializable row", &e.to_string()),
            }),
        };
        self.buf = buf;
        result
    }

    /// The error for a row of `len` bytes above the row limit.
    fn too_long(&self, len: usize, row: usize) -> Option<RowError> {
        let max = self.plan.options.max_row_bytes;
        (len > max).then(|| RowError {
            row,
            path: FieldPath::root(),
            error: ValueError::TooLong {
                max: max as u64,
                length: len as u64,
                unit: "bytes in one row",
            },
        })
    }

    fn finish<S: Sink>(
        &mut self,
        result: Result<(), WalkError>,
        row: usize,
        row_start: usize,
        sink: &mut S,
    ) -> Result<(), RowError> {
        match result {
            Ok(()) => {
                sink.end_row();
                Ok(())
            }
            Err(mut e) => {
                // Syntax offsets count from the row's first byte.
                if let ValueError::Json { offset, .. } = &mut e.0.error {
                    *offset = offset.saturating_sub(row_start);
                }
                sink.abort_row();
                self.seen.clear();
                Err(e.into_row_error(row))
            }
        }
    }

    fn row<S: Sink>(&mut self, sc: &mut Scanner<'_>, sink: &mut S) -> Result<(), WalkError> {
        let plan = self.plan;
        if sc.peek()? != Peek::Object {
            return Err(
                ValueError::wrong_kind("a row (a JSON object)", kind_name(sc.peek()?)).into(),
            );
        }
        self.record(sc, &plan.root, 0, sink, 0)
    }

    fn scratch(&mut self, depth: usize) -> String {
        if self.scratch.len() <= depth {
            self.scratch.resize_with(depth + 1, String::new);
        }
        std::mem::take(&mut self.scratch[depth])
    }

    fn record<S: Sink>(
        &mut self,
        sc: &mut Scanner<'_>,
        rec: &PlanRecord,
        slot: usize,
        sink: &mut S,
        depth: usize,
    ) -> Result<(), WalkError> {
        let opts = self.plan.options;
        // Up to 64 fields (nearly every record): the seen bits live in a
        // local word; wider records use `self.seen`.
        let small = rec.fields.len() <= 64;
        let mut seen_small = 0u64;
        let base = self.seen.len();
        if !small {
            self.seen.resize(base + rec.fields.len().div_ceil(64), 0);
        }
        // The brace, first key and colon as the last row of this record
        // had them (see `Sep`), else one by one.
        sc.skip_ws();
        let open_at = sc.pos();
        // A field whose key and colon (and the comma or brace before) a
        // learned separator consumed.
        let mut next: Option<usize> = None;
        let mut empty = false;
        match self.first.get(slot) {
            Some((i, sep)) if sc.eat_sep(sep) => next = Some(*i),
            _ => {
                sc.expect(b'{', "'{'")?;
                empty = sc.eat(b'}');
            }
        }
        let mut key_buf = self.scratch(depth * 2);
        let mut seen_count = 0usize;
        let result = (|| -> Result<(), WalkError> {
            if !empty {
                let mut hint = 0usize;
                // Where the current key's separator began: the end of
                // the previous value (none before the first key).
                let mut sep_from: Option<usize> = None;
                // The id of the field whose value just ended.
                let mut last_id: Option<usize> = None;
                loop {
                    let (found, key) = if let Some(i) = next.take() {
                        (Some(i), "")
                    } else {
                        // Fast path: rows usually list keys in schema order,
                        // so try the next field's name byte for byte.
                        // The next field, or the one after it (a NULL left
                        // out, or two keys swapped).
                        // Some(colon consumed too) when field i's key is next.
                        let try_key = |sc: &mut Scanner<'_>, i: usize| {
                            rec.fields.get(i).and_then(|f| {
                                if f.plain_name {
                                    sc.eat_key_word(f.name.as_bytes(), &f.key_word)
                                } else {
                                    None
                                }
                            })
                        };
                        let fast = match try_key(sc, hint) {
                            Some(colon) => Some((hint, colon)),
                            None => try_key(sc, hint + 1).map(|colon| (hint + 1, colon)),
                        };
                        let (found, key, colon) = match fast {
                            Some((i, colon)) => (Some(i), "", colon),
                            None => {
                                let key = match sc.string(&mut key_buf)? {
                                    Str::Borrowed(k) => k,
                                    Str::Scratch => key_buf.as_str(),
                                };
                                (rec.lookup(key, opts.key_match), key, false)
                            }
                        };
                        if !colon {
                            sc.expect(b':', "':'")?;
                        }
                        if let Some(i) = found {
                            let learned = match (sep_from, last_id) {
                                (Some(from), Some(p)) => self.after.get_mut(p).map(|s| (s, from)),
                                (None, _) => self.first.get_mut(slot).map(|s| (s, open_at)),
                                (Some(_), None) => None,
                            };
                            if let Some((entry, from)) = learned {
                                sc.skip_ws();
                                *entry = (i, sc.sep_since(from));
                            }
                        }
                        (found, key)
                    };
                    match found {
                        Some(i) => {
                            hint = i + 1;
                            last_id = rec.fields.get(i).map(|f| f.id);
                            seen_count += 1;
                            let bit = 1u64 << (i % 64);
                            let Some(f) = rec.fields.get(i) else {
                                return Err(ValueError::UnknownField {
                                    found: crate::error::quote(key),
                                }
                                .into());
                            };
                            let already = if small {
                                let was = seen_small & bit != 0;
                                seen_small |= bit;
                                was
                            } else {
                                match self.seen.get_mut(base + i / 64) {
                                    Some(w) => {
                                        let was = *w & bit != 0;
                                        *w |= bit;
                                        was
                                    }
                                    None => false,
                                }
                            };
                            if already {
                                let found = crate::error::quote(&f.name);
                                return Err(
                                    WalkError::new(ValueError::DuplicateKey { found }).at_field(f)
                                );
                            }
                            self.field(sc, f, sink, depth).map_err(|e| e.at_field(f))?;
                        }
                        None => match opts.unknown_keys {
                            UnknownKeys::Ignore => {
                                last_id = None;
                                let mut s = self.scratch(depth * 2 + 1);
                                let r = sc.skip_value(&mut s);
                                self.scratch[depth * 2 + 1] = s;
                                r?;
                            }
                            UnknownKeys::Reject => {
                                let found = crate::error::quote(key);
                                let mut e = WalkError::new(ValueError::UnknownField { found });
                                e.0.rev_path.push(PathSegment::Field(key.to_owned()));
                                return Err(e);
                            }
                        },
                    }
                    // The key that followed this field last time, with
                    // the bytes around it: rows of one producer keep
                    // their key order and spacing.
                    if let Some(p) = last_id
                        && let Some((i, sep)) = self.after.get(p)
                        && sc.eat_sep(sep)
                    {
                        next = Some(*i);
                        continue;
                    }
                    sep_from = Some(sc.pos());
                    if sc.close_or_comma(b'}', "',' or '}'")? {
                        break;
                    }
                }
            }
            // Fields the row left out.
            if seen_count == rec.fields.len() {
                return Ok(());
            }
            for f in &rec.fields {
                let bit = 1u64 << (f.index % 64);
                let seen = if small {
                    seen_small & bit != 0
                } else {
                    self.seen
                        .get(base + f.index / 64)
                        .is_some_and(|w| w & bit != 0)
                };
                if !seen {
                    if f.mode == Mode::Required && !f.has_default {
                        return Err(
                            WalkError::new(ValueError::Required { found: "no key" }).at_field(f)
                        );
                    }
                    sink.null(f);
                }
            }
            Ok(())
        })();
        self.scratch[depth * 2] = key_buf;
        self.seen.truncate(base);
        result
    }

    fn field<S: Sink>(
        &mut self,
        sc: &mut Scanner<'_>,
        f: &PlanField,
        sink: &mut S,
        depth: usize,
    ) -> Result<(), WalkError> {
        if f.mode != Mode::Repeated {
            match self.fast_leaf(sc, f, sink) {
                Fasted::Written => return Ok(()),
                Fasted::Failed => return Err(self.failure()),
                Fasted::Declined => {}
            }
        }
        let peek = sc.peek()?;
        if peek == Peek::Null {
            sc.null()?;
            return match f.mode {
                Mode::Required => Err(ValueError::Required { found: "null" }.into()),
                Mode::Nullable | Mode::Repeated => {
                    sink.null(f);
                    Ok(())
                }
            };
        }
        if f.mode != Mode::Repeated {
            return self.single(sc, f, sink, depth, peek);
        }
        if peek != Peek::Array {
            return Err(
                ValueError::wrong_kind("an array (REPEATED field)", kind_name(peek)).into(),
            );
        }
        sc.expect(b'[', "'['")?;
        sink.begin_list(f);
        if !sc.eat(b']') {
            let mut i = 0usize;
            loop {
                if i >= self.plan.options.max_list_len {
                    return Err(WalkError::new(ValueError::TooLong {
                        max: self.plan.options.max_list_len as u64,
                        length: i as u64 + 1,
                        unit: "elements in one REPEATED field",
                    })
                    .at_index(i));
                }
                let fasted = self.fast_leaf(sc, f, sink);
                if fasted == Fasted::Failed {
                    return Err(self.failure().at_index(i));
                }
                if fasted == Fasted::Declined {
                    let item = sc.peek()?;
                    if item == Peek::Null {
                        return Err(WalkError::new(ValueError::wrong_kind(
                            "a non-null array element (BigQuery arrays cannot hold NULL)",
                            "null",
                        ))
                        .at_index(i));
                    }
                    self.single(sc, f, sink, depth, item)
                        .map_err(|e| e.at_index(i))?;
                }
                i += 1;
                if sc.close_or_comma(b']', "',' or ']'")? {
                    break;
                }
            }
        }
        sink.end_list(f);
        Ok(())
    }

    /// One value of field `f` (an element for a REPEATED field) in the usual
    /// JSON form of its type, straight from the row text to the typed parser
    /// and the sink (see [`Self::try_fast_leaf`]), its outcome in one byte.
    #[inline]
    fn fast_leaf<S: Sink>(&mut self, sc: &mut Scanner<'_>, f: &PlanField, sink: &mut S) -> Fasted {
        match self.try_fast_leaf(sc, f, sink) {
            Ok(true) => Fasted::Written,
            Ok(false) => Fasted::Declined,
            Err(e) => {
                self.failure = Some(e);
                Fasted::Failed
            }
        }
    }

    /// The error [`Self::fast_leaf`] parked.
    #[cold]
    fn failure(&mut self) -> WalkError {
        self.failure
            .take()
            .unwrap_or_else(|| WalkError::new(ValueError::invalid("a value", "no value")))
    }

    /// One value of field `f` in the usual JSON form of its type:
    /// `Ok(true)` when written. `Ok(false)`, with the cursor on the value,
    /// for anything else (null, escapes, other input forms, parameterized
    /// types), which [`Self::single`] then reads and words.
    #[inline(always)]
    fn try_fast_leaf<S: Sink>(
        &mut self,
        sc: &mut Scanner<'_>,
        f: &PlanField,
        sink: &mut S,
    ) -> Result<bool, WalkError> {
        if f.fast == Fast::None {
            return Ok(false);
        }
        let Some(first) = sc.next_byte() else {
            return Ok(false);
        };
        let string = first == b'"';
        match f.fast {
            Fast::String if string => {
                if let Some(text) = sc.plain_str() {
                    sink.leaf_string(f, text)?;
                    return Ok(true);
                }
            }
            Fast::Date if string => {
                // The canonical form read in place: ten bytes and the
                // closing quote, without finding the string's end first.
                if let Some((rest, from)) = sc.string_rest()
                    && let Some((head, tail)) = rest.split_first_chunk::<10>()
                    && tail.first() == Some(&b'"')
                    && let Some(date) = civil::fast_date_bytes(head)
                {
                    sc.set_pos(from + 11);
                    sink.leaf_date(f, date)?;
                    return Ok(true);
                }
                // `parse_text` tries the canonical form by fixed positions first.
                if let Some(text) = sc.plain_str() {
                    sink.leaf_date(f, Date::parse_text(text)?)?;
                    return Ok(true);
                }
            }
            Fast::Timestamp if string => {
                if let Some((rest, from)) = sc.string_rest()
                    && let Some((ts, len)) = timestamp::fast_rfc3339_prefix(rest)
                    && rest.get(len) == Some(&b'"')
                {
                    sc.set_pos(from + len + 1);
                    sink.leaf_timestamp(f, ts)?;
                    return Ok(true);
                }
                // `parse_text` tries the common RFC 3339 shape first.
                if let Some(text) = sc.plain_str() {
                    sink.leaf_timestamp(f, Timestamp::parse_text(text)?)?;
                    return Ok(true);
                }
            }
            Fast::Numeric if string => {
                let PlanKind::Leaf(Codec::Numeric(p)) = &f.kind else {
                    return Ok(false);
                };
                if let Some((rest, from)) = sc.string_rest()
                    && let Some((n, len)) = Numeric::parse_quoted_prefix(rest, *p)
                {
                    sc.set_pos(from + len + 1);
                    sink.leaf_numeric(f, n)?;
                    return Ok(true);
                }
                if let Some(text) = sc.plain_str() {
                    let rounding = self.plan.options.policy.rounding;
                    sink.leaf_numeric(f, Numeric::parse_str(text, *p, rounding)?)?;
                    return Ok(true);
                }
            }
            Fast::Bytes if string => {
                let PlanKind::Leaf(Codec::Bytes { max_length }) = &f.kind else {
                    return Ok(false);
                };
                let out = &mut self.values.bytes;
                if let Some((rest, from)) = sc.string_rest()
                    && let Some(len) = scalar::base64_quoted_prefix(rest, out)
                {
                    scalar::check_bytes_len(out, *max_length)?;
                    sc.set_pos(from + len + 1);
                    sink.leaf_bytes(f, out)?;
                    return Ok(true);
                }
                if let Some(text) = sc.plain_str() {
                    let out = &mut self.values.bytes;
                    scalar::parse_bytes_into(Input::Str(text), *max_length, out)?;
                    sink.leaf_bytes(f, out)?;
                    return Ok(true);
                }
            }
            Fast::Json if string => {
                // A JSON column as a JSON string: checked and compacted
                // straight from the row text when it has the common shape
                // (one pass from the opening quote finds the JSON value
                // and the string's end together); otherwise unescaped and
                // parsed by the general path.
                if let Some((rest, from)) = sc.string_rest() {
                    // The layout of this column's last value first (one
                    // producer repeats its keys and spacing); then the lean
                    // pass, whose accepted value is learned.
                    if let Some(shape) = self.json_shapes.get_mut(f.id)
                        && !shape.is_empty()
                        && let Some((text, end)) =
                            json::parse_escaped_shaped(shape, rest, &mut self.values.json)
                    {
                        shape.fitted();
                        sc.set_pos(from + end + 1);
                        sink.leaf_json(f, text)?;
                        return Ok(true);
                    }
                    if let Some((text, end)) = json::parse_escaped_at(
                        rest,
                        &mut self.values.json,
                        self.plan.options.policy.max_json_depth,
                    ) {
                        if self.json_shapes.len() <= f.id {
                            self.json_shapes
                                .resize_with(self.plan.field_count(), Default::default);
                        }
                        if let (Some(shape), Some(value)) =
                            (self.json_shapes.get_mut(f.id), rest.get(..end))
                            && shape.missed()
                        {
                            shape.learn(value);
                        }
                        sc.set_pos(from + end + 1);
                        sink.leaf_json(f, text)?;
                        return Ok(true);
                    }
                }
            }
            Fast::Int64 => {
                if let Some(v) = sc.plain_int64() {
                    sink.leaf_int64(f, v)?;
                    return Ok(true);
                }
            }
            // The integer forms (µs since the epoch, days since 1970-01-01)
            // when in range; otherwise the general path reads them again and
            // words the error.
            Fast::Timestamp => {
                let at = sc.pos();
                if let Some(v) = sc.plain_int64() {
                    if let Ok(ts) = Timestamp::from_micros(v) {
                        sink.leaf_timestamp(f, ts)?;
                        return Ok(true);
                    }
                    sc.set_pos(at);
                }
            }
            Fast::Date => {
                let at = sc.pos();
                if let Some(v) = sc.plain_int64() {
                    if let Some(d) = i32::try_from(v).ok().and_then(|d| Date::from_days(d).ok()) {
                        sink.leaf_date(f, d)?;
                        return Ok(true);
                    }
                    sc.set_pos(at);
                }
            }
            Fast::Float64 => {
                if let Some(v) = sc.plain_f64() {
                    sink.leaf_float64(f, v)?;
                    return Ok(true);
                }
            }
            Fast::Bool if first == b't' || first == b'f' => {
                sink.leaf_bool(f, sc.boolean()?)?;
                return Ok(true);
            }
            _ => {}
        }
        Ok(false)
    }

    /// One value of field `f` at the cursor, whose kind `peek` the caller
    /// has just looked at (after [`Self::fast_leaf`] declined it).
    fn single<S: Sink>(
        &mut self,
        sc: &mut Scanner<'_>,
        f: &PlanField,
        sink: &mut S,
        depth: usize,
        peek: Peek,
    ) -> Result<(), WalkError> {
        match &f.kind {
            PlanKind::Record(rec) => {
                if peek != Peek::Object {
                    return Err(ValueError::wrong_kind(
                        "an object (RECORD field)",
                        kind_name(peek),
                    )
                    .into());
                }
                sink.begin_record(f);
                self.record(sc, rec, f.id + 1, sink, depth + 1)?;
                sink.end_record(f);
                Ok(())
            }
            PlanKind::Leaf(codec) => {
                let policy = &self.plan.options.policy;
                let slot = depth * 2 + 1;
                if self.scratch.len() <= slot {
                    self.scratch.resize_with(slot + 1, String::new);
                }
                let Some(s) = self.scratch.get_mut(slot) else {
                    return Err(ValueError::invalid("a scratch buffer", "none").into());
                };
                let input = match peek {
                    Peek::Null => Input::Null,
                    Peek::Bool => Input::Bool(sc.boolean()?),
                    Peek::Number => Input::Number(sc.number()?),
                    Peek::String => match sc.string(s)? {
                        Str::Borrowed(b) => Input::Str(b),
                        Str::Scratch => Input::Str(s.as_str()),
                    },
                    Peek::Array | Peek::Object => Input::Raw(sc.skip_value(s)?),
                };
                leaf(codec, input, policy, &mut self.values, f, sink)?;
                Ok(())
            }
        }
    }
}

/// Parses one leaf with its codec and hands it to the sink: the common types
/// through the sink's typed methods, the rest as a [`crate::value::Scalar`].
#[inline]
fn leaf<S: Sink>(
    codec: &Codec,
    input: Input<'_>,
    policy: &Policy,
    values: &mut ParseScratch,
    f: &PlanField,
    sink: &mut S,
) -> Result<(), ValueError> {
    match *codec {
        Codec::Bool => sink.leaf_bool(f, scalar::parse_bool(input)?),
        Codec::Int64 => sink.leaf_int64(f, scalar::parse_int64(input)?),
        Codec::Float64 => sink.leaf_float64(f, scalar::parse_float64(input)?),
        Codec::String { max_length } => {
            sink.leaf_string(f, scalar::parse_string(input, max_length)?)
        }
        Codec::Bytes { max_length } => {
            scalar::parse_bytes_into(input, max_length, &mut values.bytes)?;
            sink.leaf_bytes(f, &values.bytes)
        }
        Codec::Json => {
            let text = json::parse_in(input, &mut values.json, policy.max_json_depth)?;
            sink.leaf_json(f, &text)
        }
        Codec::Numeric(p) => sink.leaf_numeric(f, Numeric::parse(input, p, policy.rounding)?),
        Codec::Date => sink.leaf_date(f, Date::parse(input)?),
        Codec::Timestamp { picos: false } => sink.leaf_timestamp(f, Timestamp::parse(input)?),
        _ => {
            let value = codec.parse_in(input, policy, values)?;
            sink.leaf(f, value)
        }
    }
}

/// The position of the next `\n` at or after `from` (memchr: SIMD where
/// the CPU has it; a row is a few hundred bytes to scan).
fn find_newline(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'\n', bytes.get(from..)?).map(|p| from + p)
}

fn kind_name(p: Peek) -> &'static str {
    match p {
        Peek::Null => "null",
        Peek::Bool => "a boolean",
        Peek::Number => "a number",
        Peek::String => "a string",
        Peek::Array => "an array",
        Peek::Object => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{KeyMatch, Plan, UnknownKeys, WalkOptions};
    use crate::schema::TableSchema;
    use crate::value::Scalar;

    /// Records what the walk tells it, as text.
    #[derive(Default)]
    struct Log {
        rows: Vec<String>,
        cur: String,
    }

    impl Sink for Log {
        fn begin_row(&mut self, row: usize) {
            self.cur = format!("{row}:");
        }
        fn end_row(&mut self) {
            self.rows.push(std::mem::take(&mut self.cur));
        }
        fn abort_row(&mut self) {
            self.cur.clear();
        }
        fn leaf(&mut self, f: &PlanField, v: Scalar<'_>) -> Result<(), ValueError> {
            self.cur
                .push_str(&format!(" {}={}", f.name, v.to_canonical()));
            Ok(())
        }
        fn null(&mut self, f: &PlanField) {
            self.cur.push_str(&format!(" {}=NULL", f.name));
        }
        fn begin_record(&mut self, f: &PlanField) {
            self.cur.push_str(&format!(" {}{{", f.name));
        }
        fn end_record(&mut self, _f: &PlanField) {
            self.cur.push_str(" }");
        }
        fn begin_list(&mut self, f: &PlanField) {
            self.cur.push_str(&format!(" {}[", f.name));
        }
        fn end_list(&mut self, _f: &PlanField) {
            self.cur.push_str(" ]");
        }
    }

    const SCHEMA: &str = r#"[
        {"name": "id", "type": "INT64", "mode": "REQUIRED"},
        {"name": "Name", "type": "STRING"},
        {"name": "tags", "type": "STRING", "mode": "REPEATED"},
        {"name": "rec", "type": "RECORD", "fields": [
            {"name": "x", "type": "NUMERIC"},
            {"name": "ys", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "d", "type": "DATE", "mode": "REQUIRED"}]}
        ]}
    ]"#;

    fn walk(options: WalkOptions, ndjson: &str) -> (Vec<String>, Vec<String>) {
        let schema = TableSchema::from_json(SCHEMA).unwrap();
        let plan = Plan::compile(&schema, options).unwrap();
        let mut log = Log::default();
        let out = Walker::new(&plan).walk_ndjson(ndjson.as_bytes(), 0, &mut log);
        assert_eq!(out.rows, out.written + out.errors.len());
        (
            log.rows,
            out.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn rows_in_any_key_order_with_absent_fields_as_null() {
        let (rows, errors) = walk(
            WalkOptions::new(),
            "{\"tags\": [\"a\", \"b\"], \"id\": \"7\", \"rec\": {\"ys\": [{\"d\": 0}], \"x\": 1.50}}\n\n{\"id\": 1}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            rows,
            [
                "0: tags[ tags=a tags=b ] id=7 rec{ ys[ ys{ d=1970-01-01 } ] x=1.5 } Name=NULL",
                "1: id=1 Name=NULL tags=NULL rec=NULL",
            ]
        );
    }

    #[test]
    fn errors_name_row_and_path_and_other_rows_go_on() {
        let (rows, errors) = walk(
            WalkOptions::new(),
            concat!(
                "{\"id\": 1, \"rec\": {\"ys\": [{\"d\": \"2024-01-01\"}, {\"d\": \"2024-02-30\"}]}}\n",
                "{\"id\": null}\n",
                "{\"Name\": \"x\"}\n",
                "{\"id\": 2, \"tags\": [\"a\", null]}\n",
                "{\"id\": 3, \"id\": 4}\n",
                "{\"id\": 5, \"nope\": 1}\n",
                "{\"id\": 6, \"Name\": \"ok\"}\n",
                "{\"id\": 7,, }\n",
                "[1]\n",
                "{\"id\": 8} trailing\n",
                "{\"id\": 9}\n",
            ),
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].starts_with("6: id=6 Name=ok"));
        assert!(rows[1].starts_with("10: id=9"));
        let expect_prefix = [
            "row 0: rec.ys[1].d: expected DATE",
            "row 1: id: expected a value for a REQUIRED field, found null",
            "row 2: id: expected a value for a REQUIRED field, found no key",
            "row 3: tags[1]: expected a non-null array element",
            "row 4: id: duplicate key",
            "row 5: nope: unknown field",
            "row 7: (row): invalid JSON at byte 9: expected a string",
            "row 8: (row): expected a row (a JSON object), found an array",
            "row 9: (row): invalid JSON at byte 10: expected a newline after the row",
        ];
        assert_eq!(errors.len(), expect_prefix.len(), "{errors:#?}");
        for (e, p) in errors.iter().zip(expect_prefix) {
            assert!(e.starts_with(p), "{e:?} does not start with {p:?}");
        }
    }

    #[test]
    fn unknown_keys_ignored_and_case_insensitive_on_request() {
        let opts = WalkOptions::new()
            .with_unknown_keys(UnknownKeys::Ignore)
            .with_key_match(KeyMatch::CaseInsensitive);
        let (rows, errors) = walk(
            opts,
            "{\"ID\": 1, \"name\": \"n\", \"extra\": {\"deep\": [1, {}]}}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows, ["0: id=1 Name=n tags=NULL rec=NULL"]);
        // Exact matching (the default) rejects the other case.
        let (_, errors) = walk(WalkOptions::new(), "{\"ID\": 1}\n");
        assert!(errors[0].contains("unknown field"), "{errors:?}");
    }

    #[test]
    fn ndjson_rows_never_reach_across_a_newline() {
        let (rows, errors) = walk(
            WalkOptions::new(),
            concat!(
                "  {\"id\": 1}  \r\n",
                "{\"id\": 2,\n",      // truncated: must not swallow the next line
                "\"Name\": \"x\"}\n", // the rest of it is its own (bad) row
                "\n \t\r\n",          // blank lines are no rows
                "{\"id\": 3, \"Name\": \"a\n", // a raw newline inside a string
                "b\"}\n",
                "{\"id\": 4, \"Name\": \"\\\n", // a backslash before a raw newline
                "{\"id\": 5}",                  // the last line needs no newline
            ),
        );
        assert_eq!(
            rows,
            [
                "0: id=1 Name=NULL tags=NULL rec=NULL",
                "6: id=5 Name=NULL tags=NULL rec=NULL"
            ]
        );
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(
            errors[0].starts_with("row 1: (row): invalid JSON"),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("row 2: "), "{errors:?}");
        assert!(
            errors[2].starts_with("row 3: Name: invalid JSON"),
            "{errors:?}"
        );
        assert!(
            errors[3].starts_with("row 4: (row): invalid JSON"),
            "{errors:?}"
        );
        assert!(
            errors[4].starts_with("row 5: Name: invalid JSON"),
            "{errors:?}"
        );
    }

    #[test]
    fn row_and_list_limits_are_typed_errors() {
        let (rows, errors) = walk(
            WalkOptions::new()
                .with_max_row_bytes(40)
                .with_max_list_len(2),
            concat!(
                "{\"id\": 1, \"tags\": [\"a\", \"b\"]}\n",
                "{\"id\": 2, \"tags\": [\"a\", \"b\", \"c\"]}\n",
                "{\"id\": 3, \"Name\": \"a name long enough to pass 40\"}\n",
                "{\"id\": 4}\n",
            ),
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            errors,
            [
                "row 1: tags[2]: expected at most 2 elements in one REPEATED field, found 3",
                "row 2: (row): expected at most 40 bytes in one row, found 50",
            ]
        );
    }

    #[test]
    fn default_options_are_the_documented_ones() {
        // A derived Default would make every limit 0 and refuse every row.
        assert_eq!(WalkOptions::default(), WalkOptions::new());
        assert_eq!(
            WalkOptions::default().max_row_bytes,
            crate::plan::DEFAULT_MAX_ROW_BYTES
        );
        assert_eq!(crate::value::Policy::default(), crate::value::Policy::new());
        let (rows, errors) = walk(WalkOptions::default(), "{\"id\": 1, \"tags\": [\"a\"]}\n");
        assert_eq!((rows.len(), errors.len()), (1, 0), "{errors:?}");
    }

    #[test]
    fn geography_limit_names_the_row_and_path() {
        let schema = TableSchema::from_json(
            r#"[{"name": "r", "type": "RECORD", "mode": "REPEATED",
                 "fields": [{"name": "g", "type": "GEOGRAPHY"}]}]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let plan = Plan::compile(&schema, WalkOptions::new().with_max_geography_bytes(20))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut walker = Walker::new(&plan);
        let mut sink = Log::default();
        let ok = walker.walk_json(br#"{"r": [{"g": "POINT(1 2)"}]}"#, 0, &mut sink);
        assert!(ok.is_ok(), "{ok:?}");
        let long =
            br#"{"r": [{"g": "POINT(1 2)"}, {"g": {"type": "Point", "coordinates": [1, 2]}}]}"#;
        let e = walker
            .walk_json(long, 7, &mut sink)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("row 7: r[1].g: expected at most 20 bytes of GEOGRAPHY text, found 40")
        );
    }

    #[test]
    fn json_column_strings_read_in_one_pass_end_where_the_string_ends() {
        let schema = TableSchema::from_json(
            r#"[{"name": "j", "type": "JSON"}, {"name": "k", "type": "INT64"}]"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let plan = Plan::compile(&schema, WalkOptions::new()).unwrap_or_else(|e| panic!("{e}"));
        let mut walker = Walker::new(&plan);
        let mut log = Log::default();
        let ndjson = concat!(
            // The common shape: the one-pass reader.
            "{\"j\": \"{\\\"a\\\": [1, true], \\\"b\\\": \\\"x y\\\"}\", \"k\": 2}\n",
            // Escaped white space, before the closing quote too.
            "{\"j\": \"\\n{\\\"a\\\":\\t1}\\n\", \"k\": 3}\n",
            // An escape inside an inner string: the general path, same result.
            "{\"j\": \"{\\\"a\\\": \\\"b\\\\\\\\c\\\"}\", \"k\": 4}\n",
            // A JSON string value, and a number.
            "{\"j\": \"\\\"s\\\"\", \"k\": 5}\n",
            "{\"j\": \"12\", \"k\": 6}\n",
            // Text after the JSON value inside the string: an error.
            "{\"j\": \"{\\\"a\\\": 1} x\", \"k\": 7}\n",
            // A string that is not JSON, and one not closed.
            "{\"j\": \"{\\\"a\\\"\", \"k\": 8}\n",
            "{\"j\": \"{}\n",
        );
        let out = walker.walk_ndjson(ndjson.as_bytes(), 0, &mut log);
        assert_eq!(
            log.rows,
            [
                r#"0: j={"a":[1,true],"b":"x y"} k=2"#,
                r#"1: j={"a":1} k=3"#,
                r#"2: j={"a":"b\\c"} k=4"#,
                r#"3: j="s" k=5"#,
                "4: j=12 k=6",
            ]
        );
        let errors: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("row 5: j: "), "{errors:?}");
        assert!(errors[1].starts_with("row 6: j: "), "{errors:?}");
        assert!(errors[2].starts_with("row 7: "), "{errors:?}");
    }

    #[test]
    fn find_newline_agrees_with_a_plain_search() {
        // Every length up to three 16-byte steps, a newline at every place
        // (or none), from every start.
        for len in 0..50 {
            for nl in (0..len).map(Some).chain([None]) {
                let mut bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                if let Some(p) = nl {
                    bytes[p] = b'\n';
                    // A second one after it must not be found first.
                    if p + 3 < len {
                        bytes[p + 3] = b'\n';
                    }
                }
                for from in 0..=len {
                    let want = bytes
                        .get(from..)
                        .and_then(|t| t.iter().position(|&b| b == b'\n'))
                        .map(|p| from + p);
                    assert_eq!(find_newline(&bytes, from), want, "{len} {nl:?} {from}");
                }
            }
        }
    }

    #[test]
    fn escaped_keys_still_match() {
        let (rows, errors) = walk(
            WalkOptions::new(),
            "{\"i\\u0064\": 1, \"N\\u0061me\": \"\\u00e9\"}\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows, ["0: id=1 Name=é tags=NULL rec=NULL"]);
    }

    #[test]
    fn value_and_serialize_entry_points_agree_with_bytes() {
        let schema = TableSchema::from_json(SCHEMA).unwrap();
        let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
        let v = serde_json::json!({"id": 9223372036854775807_i64, "tags": ["t"]});
        let mut a = Log::default();
        Walker::new(&plan).walk_value(&v, 3, &mut a).unwrap();
        let mut b = Log::default();
        Walker::new(&plan)
            .walk_json(br#"{"id": 9223372036854775807, "tags": ["t"]}"#, 3, &mut b)
            .unwrap();
        assert_eq!(a.rows, b.rows);
        assert_eq!(
            a.rows[0],
            "3: id=9223372036854775807 tags[ tags=t ] Name=NULL rec=NULL"
        );
    }

    /// The walk as if every row came alone: a fresh walker per row.
    fn walk_alone(options: WalkOptions, lines: &[String]) -> (Vec<String>, Vec<String>) {
        let schema = TableSchema::from_json(SCHEMA).unwrap();
        let plan = Plan::compile(&schema, options).unwrap();
        let mut log = Log::default();
        let mut errors = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let out = Walker::new(&plan).walk_ndjson(line.as_bytes(), i, &mut log);
            errors.extend(out.errors.iter().map(ToString::to_string));
        }
        (log.rows, errors)
    }

    proptest::proptest! {
        /// What one walker learns from earlier rows (the separators and key
        /// order of `Sep`) never changes a later row's outcome: rows walked
        /// together give the values and errors of the same rows walked one
        /// by one, whatever their spacing, key order, unknown, escaped,
        /// duplicate or missing keys, and broken separators.
        #[test]
        fn learned_separators_never_change_a_rows_outcome(
            rows in proptest::collection::vec(
                proptest::collection::vec((0usize..12, 0usize..6, 0usize..4), 0..7),
                1..8,
            ),
            ignore in proptest::bool::ANY,
            folded in proptest::bool::ANY,
        ) {
            // Members: (which key/value, the separator before it, the colon form).
            let member = |which: usize| -> &'static str {
                match which {
                    0 => r#""id": 7"#,
                    1 => r#""Name": "n""#,
                    2 => r#""tags": ["a", "b"]"#,
                    3 => r#""rec": {"x": "1.5", "ys": [{"d": "2020-01-02"}, {"d": "2020-01-03"}]}"#,
                    4 => r#""rec": {"ys": [], "x": null}"#,
                    5 => r#""zz": {"q": [1]}"#,
                    6 => r#""N\u0061me": "e""#,
                    7 => r#""name": "lower""#,
                    8 => r#""id": "8""#,
                    9 => r#""tags": []"#,
                    10 => r#""rec": {"x": 1, "x": 2}"#,
                    _ => r#""id": 9"#,
                }
            };
            let seps = [", ", ",", " ,  ", ",\t", " ", ",,"];
            let colons = [": ", ":", " : ", ":\t"];
            let lines: Vec<String> = rows
                .iter()
                .map(|members| {
                    let mut line = String::from("{");
                    for (n, &(which, sep, colon)) in members.iter().enumerate() {
                        if n > 0 {
                            line.push_str(seps[sep]);
                        } else if sep == 5 {
                            line.push(' ');
                        }
                        line.push_str(&member(which).replacen(": ", colons[colon], 1));
                    }
                    line.push('}');
                    line
                })
                .collect();
            let mut options = WalkOptions::new();
            if ignore {
                options = options.with_unknown_keys(UnknownKeys::Ignore);
            }
            if folded {
                options = options.with_key_match(KeyMatch::CaseInsensitive);
            }
            let together = walk(options, &lines.join("\n"));
            proptest::prop_assert_eq!(together, walk_alone(options, &lines));
        }
    }

    proptest::proptest! {
        /// DATE, TIMESTAMP, NUMERIC and BYTES strings read in place from the
        /// row (their common shape, then the closing quote) give what their
        /// parsers give for the string's unescaped text, whatever follows
        /// that shape inside the string: escapes, quotes, more digits, `Z`,
        /// `=`. One row per column, so that no value hides another's error.
        #[test]
        fn strings_read_in_place_agree_with_their_parsers(
            date in "[0-9]{4}-[01][0-9]-[0-3][0-9]",
            time in proptest::option::of("[T ][0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]{0,8})?Z?"),
            number in "-?[0-9]{0,20}(\\.[0-9]{0,11})?",
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..12),
            base64_cut in 0usize..3,
            tails in proptest::array::uniform4("(\\\\\"|\\\\u0030|\\\\n|x|Z|0|=| )?"),
        ) {
            use base64::Engine as _;
            let schema = TableSchema::from_json(
                r#"[{"name": "t", "type": "TIMESTAMP"}, {"name": "d", "type": "DATE"},
                    {"name": "n", "type": "NUMERIC"}, {"name": "b", "type": "BYTES"}]"#,
            )
            .unwrap();
            let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
            // Canonical base64, sometimes with its padding cut short.
            let mut base64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            for _ in 0..base64_cut {
                if base64.ends_with('=') {
                    base64.pop();
                }
            }
            let values = [
                ("t", format!("{date}{}{}", time.unwrap_or_default(), tails[0])),
                ("d", format!("{date}{}", tails[1])),
                ("n", format!("{number}{}", tails[2])),
                ("b", format!("{base64}{}", tails[3])),
            ];
            let lines: Vec<String> =
                values.iter().map(|(k, v)| format!("{{\"{k}\": \"{v}\"}}")).collect();
            let mut log = Log::default();
            let out = Walker::new(&plan).walk_ndjson(lines.join("\n").as_bytes(), 0, &mut log);
            let mut rows = log.rows.iter();
            let mut errors = out.errors.iter();
            for (row, ((key, _), line)) in values.iter().zip(&lines).enumerate() {
                let parsed: serde_json::Value = serde_json::from_str(line).unwrap();
                let text = parsed.get(*key).and_then(serde_json::Value::as_str).unwrap_or_default();
                let want = match *key {
                    "t" => Timestamp::parse(Input::Str(text)).map(Scalar::Timestamp),
                    "d" => Date::parse(Input::Str(text)).map(Scalar::Date),
                    "n" => Numeric::parse(Input::Str(text), Default::default(), Default::default())
                        .map(Scalar::Numeric),
                    _ => scalar::parse_bytes(Input::Str(text), None).map(|b| Scalar::Bytes(b.into())),
                };
                let others: String = ["t", "d", "n", "b"]
                    .iter()
                    .filter(|k| *k != key)
                    .map(|k| format!(" {k}=NULL"))
                    .collect();
                match want {
                    Ok(v) => proptest::prop_assert_eq!(
                        rows.next(),
                        Some(&format!("{row}: {key}={}{others}", v.to_canonical())),
                        "{}", line
                    ),
                    Err(_) => {
                        // The row is valid JSON: the error is the value's.
                        let e = errors.next().map(ToString::to_string).unwrap_or_default();
                        proptest::prop_assert!(e.starts_with(&format!("row {row}: {key}: ")), "{}: {}", line, e);
                        proptest::prop_assert!(!e.contains("invalid JSON"), "{}: {}", line, e);
                    }
                }
            }
            proptest::prop_assert_eq!(rows.next(), None);
            proptest::prop_assert!(errors.next().is_none());
        }
    }

    proptest::proptest! {
        /// A JSON column read through the layout learned from earlier rows
        /// ([`json::EscapedShape`]) gives the values and errors of the same
        /// rows read one by one (no layout), whatever the values in its holes
        /// (numbers valid or not, strings with escapes or non-ASCII), the
        /// spacing, key order, duplicate keys, nesting and depth limit.
        #[test]
        fn learned_json_layouts_never_change_a_rows_outcome(
            rows in proptest::collection::vec((0usize..10, 0usize..14, 0usize..11), 1..10),
            depth in proptest::sample::select(vec![1usize, 2, 3, 500]),
        ) {
            let numbers = ["0", "42", "-7", "01", "1.5", "1.", "1e5", "-0", "1e400",
                "123456789012345678901234567890", "true", "null", "-", "7 "];
            // CTRL becomes a raw control byte in the row (not valid JSON).
            let strings = ["", "alpha", "a b", "\\n", "\\u0041", "\u{e9}t\u{e9}", "x\\\"y",
                "\t", "ab\"}", "aCTRL", "CTRL"];
            let layout = |which: usize, n: &str, s: &str| -> String {
                match which {
                    0 => format!("{{\"k\": {n}, \"v\": \"{s}\"}}"),
                    1 => format!("{{\"k\":{n},\"v\":\"{s}\"}}"),
                    2 => format!("{{\"v\": \"{s}\", \"k\": {n}}}"),
                    3 => format!("[{n}, \"{s}\", {{\"a b\": [{n}]}}]"),
                    4 => format!("{{\"k\": {n}, \"k\": \"{s}\"}}"),
                    5 => format!("\"{s}\""),
                    6 => n.to_owned(),
                    7 => format!("{{\"k\": {{\"k\": {{\"k\": {n}}}}}}}"),
                    8 => format!("{{\"k\":\n {n}\t}}"),
                    _ => format!("{{\"k\": {n}, \"v\": \"{s}\", \"w\": [true, null, {n}]}}"),
                }
            };
            let lines: Vec<String> = rows
                .iter()
                .map(|&(which, n, s)| {
                    let value = layout(which, numbers[n], strings[s]);
                    let text = serde_json::to_string(&value).unwrap_or_default();
                    format!("{{\"j\": {}}}", text.replace("CTRL", "\u{1}"))
                })
                .collect();
            let schema = TableSchema::from_json(r#"[{"name": "j", "type": "JSON"}]"#).unwrap();
            let plan = Plan::compile(&schema, WalkOptions::new().with_max_json_depth(depth)).unwrap();
            let mut together = Log::default();
            let out = Walker::new(&plan).walk_ndjson(lines.join("\n").as_bytes(), 0, &mut together);
            let together_errors: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
            let mut alone = Log::default();
            let mut alone_errors = Vec::new();
            for (i, line) in lines.iter().enumerate() {
                let out = Walker::new(&plan).walk_ndjson(line.as_bytes(), i, &mut alone);
                alone_errors.extend(out.errors.iter().map(ToString::to_string));
            }
            proptest::prop_assert_eq!(together.rows, alone.rows);
            proptest::prop_assert_eq!(together_errors, alone_errors);
        }
    }

    #[test]
    fn integer_dates_and_timestamps_in_and_out_of_range() {
        let schema = TableSchema::from_json(
            r#"[{"name": "t", "type": "TIMESTAMP"}, {"name": "d", "type": "DATE"}]"#,
        )
        .unwrap();
        let plan = Plan::compile(&schema, WalkOptions::new()).unwrap();
        let mut log = Log::default();
        let rows = concat!(
            "{\"t\": 1, \"d\": -719162}\n",
            "{\"t\": 253402300799999999, \"d\": 2932896}\n",
            "{\"t\": 253402300800000000}\n",
            "{\"d\": 2932897}\n",
            "{\"d\": 99999999999}\n",
            "{\"t\": 99999999999999999999}\n",
            "{\"t\": -0, \"d\": 1.0}\n",
        );
        let out = Walker::new(&plan).walk_ndjson(rows.as_bytes(), 0, &mut log);
        assert_eq!(
            log.rows,
            [
                "0: t=1970-01-01T00:00:00.000001Z d=0001-01-01",
                "1: t=9999-12-31T23:59:59.999999Z d=9999-12-31",
            ]
        );
        let errors: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 5, "{errors:?}");
        for (e, row) in errors.iter().zip(2..) {
            assert!(e.starts_with(&format!("row {row}: ")), "{e}");
        }
        assert!(errors[0].contains("253402300800000000"), "{}", errors[0]);
        assert!(errors[1].contains("2932897"), "{}", errors[1]);
        assert!(errors[2].contains("99999999999"), "{}", errors[2]);
        assert!(errors[3].contains("99999999999999999999"), "{}", errors[3]);
    }
}
