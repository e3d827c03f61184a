//! The protobuf wire sink: canonical scalars → serialized proto2 rows, in the
//! layout the descriptor builder declares.
//!
//! Written by hand rather than through `prost_reflect::DynamicMessage`: the
//! dynamic message allocates a map entry per field and a `Value` per scalar,
//! which costs several times the whole walk. The wire format itself is small:
//! varints, fixed64, and length-delimited fields.
//!
//! Output is canonical: fields appear in field-number order whatever the
//! order of the input keys (a field that arrives after a larger field number
//! of its message is moved into place as soon as it is written), so
//! encode → decode → encode is the identity on bytes.

use super::{MessageLayout, ProtoKind, ProtoSchema};
use crate::error::{SchemaError, ValueError};
use crate::plan::{Plan, PlanField, PlanKind, PlanRecord, Sink};
use crate::value::Scalar;
use crate::value::civil::Date;
use crate::value::numeric::Numeric;
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::Timestamp;

const WIRE_VARINT: u32 = 0;
const WIRE_FIXED64: u32 = 1;
const WIRE_LEN: u32 = 2;

/// Per-field encoding facts, taken from the descriptor's layout.
#[derive(Debug, Clone, Copy)]
struct FieldCode {
    number: u32,
    kind: ProtoKind,
    packed: bool,
    /// For RANGE: the proto type of `start` and `end`.
    range_kind: ProtoKind,
}

/// The compiled encoder for one plan and its descriptor; share it between sinks.
///
/// The descriptor decides every field's number and proto type (the profile
/// lives there); the encoder only follows it.
///
/// # Examples
///
/// This also shows [`new`](Self::new): the plan and the descriptor must come
/// from the same schema.
///
/// ```
/// use bqcodec::plan::{Plan, WalkOptions, Walker};
/// use bqcodec::proto::{DescriptorOptions, ProtoSchema, wire::{ProtoEncoder, ProtoSink}};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "ok", "type": "BOOL"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let encoder = ProtoEncoder::new(&plan, &ProtoSchema::build(&schema, &DescriptorOptions::default())?)?;
/// let mut sink = ProtoSink::new(&encoder);
/// Walker::new(&plan).walk_json(br#"{"ok": "TRUE"}"#, 0, &mut sink)?;
/// assert_eq!(sink.rows().row(0), Some(&[0x08, 0x01][..]));
/// // A descriptor of another schema does not fit.
/// let other = bqcodec::TableSchema::from_json(r#"[{"name": "no", "type": "BOOL"}]"#)?;
/// assert!(ProtoEncoder::new(&plan, &ProtoSchema::build(&other, &DescriptorOptions::default())?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProtoEncoder {
    codes: Vec<FieldCode>,
}

impl ProtoEncoder {
    /// Pairs every field of `plan` with its field in `proto`'s layout. Both
    /// must come from the same schema (and the same CDC choice).
    pub fn new(plan: &Plan, proto: &ProtoSchema) -> Result<Self, SchemaError> {
        let mut codes = vec![
            FieldCode {
                number: 0,
                kind: ProtoKind::Bytes,
                packed: false,
                range_kind: ProtoKind::Bytes,
            };
            plan.field_count()
        ];
        fill_codes(plan.root(), proto.layout(), "", &mut codes)?;
        Ok(ProtoEncoder { codes })
    }

    #[inline]
    fn code(&self, f: &PlanField) -> FieldCode {
        match self.codes.get(f.id) {
            Some(&code) => code,
            None => Self::unknown_code(f),
        }
    }

    /// A field of another plan (never for the plan this encoder was built
    /// from): numbered by its position, written as bytes.
    #[cold]
    fn unknown_code(f: &PlanField) -> FieldCode {
        FieldCode {
            number: u32::try_from(f.index + 1).unwrap_or(u32::MAX),
            kind: ProtoKind::Bytes,
            packed: false,
            range_kind: ProtoKind::Bytes,
        }
    }
}

fn fill_codes(
    rec: &PlanRecord,
    layout: &MessageLayout,
    path: &str,
    codes: &mut [FieldCode],
) -> Result<(), SchemaError> {
    let mismatch = |what: &str| {
        SchemaError::single(
            path,
            format!(
                "the plan and the proto descriptor disagree ({what}): build both from the same schema and CDC choice"
            ),
        )
    };
    if rec.fields.len() != layout.fields().len() {
        return Err(mismatch("field count"));
    }
    for (f, l) in rec.fields.iter().zip(layout.fields()) {
        if f.name != l.column_name {
            return Err(mismatch("field names"));
        }
        let mut range_kind = ProtoKind::Bytes;
        match (&f.kind, &l.nested) {
            (PlanKind::Record(sub), Some(nested)) => {
                let sub_path = if path.is_empty() {
                    f.name.clone()
                } else {
                    format!("{path}.{}", f.name)
                };
                fill_codes(sub, nested, &sub_path, codes)?;
            }
            (PlanKind::Leaf(_), Some(nested)) => {
                // RANGE: a message of two fields of the element's proto type.
                if let Some(start) = nested.fields().first() {
                    range_kind = start.kind;
                }
            }
            (PlanKind::Leaf(_), None) => {}
            (PlanKind::Record(_), None) => return Err(mismatch("RECORD without a message")),
        }
        if let Some(slot) = codes.get_mut(f.id) {
            *slot = FieldCode {
                number: l.number,
                kind: l.kind,
                packed: l.packed,
                range_kind,
            };
        }
    }
    Ok(())
}

/// Serialized rows: one buffer, with the end of each row and the caller's
/// input index of each row.
///
/// # Examples
///
/// This also shows [`len`](Self::len), [`is_empty`](Self::is_empty),
/// [`row`](Self::row), [`input_row`](Self::input_row), [`iter`](Self::iter),
/// [`byte_len`](Self::byte_len) and [`clear`](Self::clear).
///
/// ```
/// use bqcodec::plan::WalkOptions;
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#)?;
/// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let (mut rows, _) = w.encode_ndjson(b"{\"s\": \"hi\"}\n{\"s\": 5}\n{}\n", 10);
/// assert_eq!((rows.len(), rows.byte_len()), (2, 4)); // the empty row is zero bytes
/// assert_eq!(rows.iter().collect::<Vec<_>>(), [&b"\x0a\x02hi"[..], &[][..]]);
/// assert_eq!((rows.input_row(0), rows.input_row(1), rows.row(2)), (Some(10), Some(12), None));
/// rows.clear();
/// assert!(rows.is_empty());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProtoRows {
    data: Vec<u8>,
    ends: Vec<usize>,
    input_rows: Vec<usize>,
}

impl ProtoRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Row `i`'s serialized bytes.
    pub fn row(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.data.get(start..end)
    }

    /// The caller's input index of output row `i`.
    pub fn input_row(&self, i: usize) -> Option<usize> {
        self.input_rows.get(i).copied()
    }

    /// Every row's bytes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).filter_map(|i| self.row(i))
    }

    /// Total bytes of all rows.
    pub fn byte_len(&self) -> usize {
        self.data.len()
    }

    /// Forgets every row, keeping the buffers.
    pub fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.input_rows.clear();
    }
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Where the one reserved length byte sits (unused for the row frame).
    len_pos: usize,
    /// Where the frame's fields start in the output.
    start: usize,
    /// Where the frame's own tag starts (for a packed list, dropped when
    /// the list is empty).
    tag_pos: usize,
    /// The largest field number written in this frame so far.
    last: u32,
    /// Where the first field numbered `last` starts in the output.
    last_start: usize,
    /// The largest field number below `last` in this frame (0: none): a
    /// late field numbered from here up to `last` goes right before
    /// `last_start`, found without reading the frame's fields.
    prev_last: u32,
    /// This frame's own field number in its parent.
    number: u32,
    /// It arrived after a larger number in the parent: it is moved into
    /// place when it ends.
    late: bool,
}

/// A [`Sink`] that writes proto rows.
///
/// # Examples
///
/// This also shows [`new`](Self::new), [`rows`](Self::rows) and
/// [`take_rows`](Self::take_rows). Fields are written in field-number order
/// whatever the key order of the input.
///
/// ```
/// use bqcodec::plan::{WalkOptions, Walker};
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter, wire::ProtoSink};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "b", "type": "INT64"}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let mut sink = ProtoSink::new(writer.encoder());
/// Walker::new(writer.plan()).walk_json(br#"{"b": 2, "a": 1}"#, 0, &mut sink)?;
/// assert_eq!(sink.rows().row(0), Some(&[0x08, 0x01, 0x10, 0x02][..]));
/// let rows = sink.take_rows();
/// assert_eq!((rows.len(), sink.rows().len()), (1, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ProtoSink<'e> {
    enc: &'e ProtoEncoder,
    rows: ProtoRows,
    row_start: usize,
    row_index: usize,
    frames: Vec<Frame>,
    /// Inside a packed list: values go without tags.
    packed: bool,
    scratch: Vec<u8>,
    text: String,
}

impl<'e> ProtoSink<'e> {
    /// A sink writing with `enc`.
    pub fn new(enc: &'e ProtoEncoder) -> Self {
        ProtoSink {
            enc,
            rows: ProtoRows::default(),
            row_start: 0,
            row_index: 0,
            frames: Vec::new(),
            packed: false,
            scratch: Vec::new(),
            text: String::new(),
        }
    }

    /// Reserves room for about `bytes` bytes of rows in `rows` rows (a
    /// hint: the buffers still grow as needed).
    pub(crate) fn reserve(&mut self, bytes: usize, rows: usize) {
        self.rows.data.reserve(bytes);
        self.rows.ends.reserve(rows);
        self.rows.input_rows.reserve(rows);
    }

    /// The rows written so far.
    pub fn rows(&self) -> &ProtoRows {
        &self.rows
    }

    /// Takes the rows written so far, leaving the sink empty.
    pub fn take_rows(&mut self) -> ProtoRows {
        std::mem::take(&mut self.rows)
    }

    fn out(&mut self) -> &mut Vec<u8> {
        &mut self.rows.data
    }

    /// Notes that a field of `number` starts in the open frame; true when it
    /// is late (a larger number came before it), so that [`Self::settle`]
    /// must move it into place once it is written. Every frame's fields thus
    /// stay in field-number order (stable: the elements of a repeated field
    /// keep their order).
    #[inline]
    fn segment(&mut self, number: u32) -> bool {
        let at = self.rows.data.len();
        if let Some(frame) = self.frames.last_mut() {
            if number < frame.last {
                return true;
            }
            if number > frame.last {
                frame.prev_last = frame.last;
                frame.last = number;
                frame.last_start = at;
            }
        }
        false
    }

    /// Moves the late field of `number` written at `start..` (the end of
    /// the output) before the open frame's first field with a larger number.
    fn settle(&mut self, number: u32, start: usize) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let data = &mut self.rows.data;
        // The common case (one field out of place): it goes right before the
        // run of the frame's largest number; otherwise read the frame's
        // fields for the first one numbered above it.
        let at = if frame.prev_last <= number {
            frame.last_start
        } else {
            let Some(before) = data.get(frame.start..start) else {
                return;
            };
            // Cannot be None: the frame holds only fields written here.
            let Some(offset) = first_field_after(before, number) else {
                return;
            };
            frame.start + offset
        };
        let len = data.len() - start;
        rotate_tail(data, at, len);
        // The largest number's run moved up by the inserted field.
        if at <= frame.last_start {
            if at == frame.last_start {
                frame.prev_last = number;
            }
            frame.last_start += len;
        }
    }

    #[inline(always)]
    fn tag(&mut self, number: u32, wire: u32) {
        let key = (u64::from(number) << 3) | u64::from(wire);
        put_varint(self.out(), key);
    }

    /// Opens a length-delimited region (one length byte reserved).
    fn open_len(&mut self) -> usize {
        let pos = self.rows.data.len();
        self.rows.data.push(0);
        pos
    }

    /// Closes a region opened at `len_pos`, writing its length.
    fn close_len(&mut self, len_pos: usize) {
        let data = &mut self.rows.data;
        let len = data.len().saturating_sub(len_pos + 1);
        if len < 0x80 {
            if let Some(b) = data.get_mut(len_pos) {
                *b = len as u8; // < 0x80: exact
            }
            return;
        }
        let mut v = [0u8; 10];
        let n = varint_into(&mut v, len as u64);
        let extra = n - 1;
        data.splice(len_pos + 1..len_pos + 1, std::iter::repeat_n(0u8, extra));
        if let Some(dst) = data.get_mut(len_pos..len_pos + n) {
            dst.copy_from_slice(&v[..n]);
        }
        // Every open frame starts before `len_pos`: nothing else moves.
    }

    fn push_frame(&mut self, len_pos: usize, tag_pos: usize, number: u32, late: bool) {
        let start = self.rows.data.len();
        self.frames.push(Frame {
            len_pos,
            start,
            tag_pos,
            last: 0,
            last_start: start,
            prev_last: 0,
            number,
            late,
        });
    }

    #[inline(always)]
    fn write_len_bytes(&mut self, number: u32, bytes: &[u8]) {
        if !self.packed {
            self.tag(number, WIRE_LEN);
        }
        put_varint(self.out(), bytes.len() as u64);
        self.out().extend_from_slice(bytes);
    }

    #[inline(always)]
    fn write_varint(&mut self, number: u32, v: u64) {
        if !self.packed {
            self.tag(number, WIRE_VARINT);
        }
        put_varint(self.out(), v);
    }

    fn write_text(&mut self, number: u32, value: &Scalar<'_>) {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        value.write_canonical(&mut text);
        self.write_len_bytes(number, text.as_bytes());
        self.text = text;
    }

    /// DATETIME's text form on the wire: "YYYY-MM-DD HH:MM:SS[.ffffff]".
    fn write_datetime_text(&mut self, number: u32, value: &Scalar<'_>) {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        value.write_canonical(&mut text);
        if let Some(t) = text.find('T') {
            text.replace_range(t..t + 1, " ");
        }
        self.write_len_bytes(number, text.as_bytes());
        self.text = text;
    }

    /// A leaf written as a varint (BOOL, INT64, DATE: the same wire form in
    /// every profile).
    #[inline]
    fn varint_leaf(&mut self, field: &PlanField, v: u64) {
        let code = self.enc.code(field);
        if !self.packed && self.segment(code.number) {
            self.late_varint(code.number, v);
        } else {
            self.write_varint(code.number, v);
        }
    }

    /// [`Self::varint_leaf`] for a field that arrived after a larger number.
    #[cold]
    #[inline(never)]
    fn late_varint(&mut self, number: u32, v: u64) {
        let start = self.rows.data.len();
        self.write_varint(number, v);
        self.settle(number, start);
    }

    /// A leaf written as its bytes (STRING, JSON: the same wire form in
    /// every profile).
    #[inline]
    fn len_leaf(&mut self, field: &PlanField, bytes: &[u8]) {
        let code = self.enc.code(field);
        if !self.packed && self.segment(code.number) {
            self.late_len_bytes(code.number, bytes);
        } else {
            self.write_len_bytes(code.number, bytes);
        }
    }

    /// [`Self::len_leaf`] for a field that arrived after a larger number.
    #[cold]
    #[inline(never)]
    fn late_len_bytes(&mut self, number: u32, bytes: &[u8]) {
        let start = self.rows.data.len();
        self.write_len_bytes(number, bytes);
        self.settle(number, start);
    }

    /// A typed leaf off its fast path (late, or another wire form in this
    /// profile), after [`Self::segment`] already ran for it.
    #[cold]
    fn leaf_slow(
        &mut self,
        code: FieldCode,
        late: bool,
        value: &Scalar<'_>,
    ) -> Result<(), ValueError> {
        if late {
            self.write_late_scalar(code, value);
        } else {
            self.write_scalar(code.number, code.kind, code.range_kind, value);
        }
        Ok(())
    }

    /// Writes a value that arrived after a larger field number, then moves it into place.
    #[cold]
    fn write_late_scalar(&mut self, code: FieldCode, value: &Scalar<'_>) {
        let start = self.rows.data.len();
        self.write_scalar(code.number, code.kind, code.range_kind, value);
        self.settle(code.number, start);
    }

    /// Writes one value as the descriptor's `kind` for it.
    fn write_scalar(
        &mut self,
        number: u32,
        kind: ProtoKind,
        range_kind: ProtoKind,
        value: &Scalar<'_>,
    ) {
        match (value, kind) {
            (Scalar::Bool(b), _) => self.write_varint(number, u64::from(*b)),
            // int64 and int32 are two's complement varints; a negative int32 is
            // sign-extended to ten bytes like an int64.
            (Scalar::Int64(v), _) => self.write_varint(number, *v as u64),
            (Scalar::Date(d), _) => self.write_varint(number, i64::from(d.days()) as u64),
            (Scalar::Timestamp(t), ProtoKind::Int64) => {
                self.write_varint(number, t.micros() as u64)
            }
            (Scalar::Time(t), ProtoKind::Int64) => {
                self.write_varint(number, t.to_packed_micros() as u64)
            }
            (Scalar::DateTime(t), ProtoKind::Int64) => {
                self.write_varint(number, t.to_packed_micros() as u64)
            }
            (Scalar::Float64(v), _) => {
                if !self.packed {
                    self.tag(number, WIRE_FIXED64);
                }
                self.out().extend_from_slice(&v.to_le_bytes());
            }
            (Scalar::String(s), _) => self.write_len_bytes(number, s.as_bytes()),
            (Scalar::Bytes(b), _) => self.write_len_bytes(number, b),
            (Scalar::Json(s), _) => self.write_len_bytes(number, s.as_bytes()),
            (Scalar::Geography(g), _) => self.write_len_bytes(number, g.wkt().as_bytes()),
            (Scalar::Numeric(n), ProtoKind::Bytes) => {
                let mut b = std::mem::take(&mut self.scratch);
                b.clear();
                n.write_bigdecimal_bytes(&mut b);
                self.write_len_bytes(number, &b);
                self.scratch = b;
            }
            (Scalar::BigNumeric(n), ProtoKind::Bytes) => {
                let mut b = std::mem::take(&mut self.scratch);
                b.clear();
                n.write_bigdecimal_bytes(&mut b);
                self.write_len_bytes(number, &b);
                self.scratch = b;
            }
            (Scalar::DateTime(_), _) => self.write_datetime_text(number, value),
            (Scalar::Range(r), _) => self.write_range(number, range_kind, r),
            _ => self.write_text(number, value),
        }
    }

    fn write_range(&mut self, number: u32, kind: ProtoKind, r: &RangeValue) {
        let was_packed = std::mem::replace(&mut self.packed, false);
        self.tag(number, WIRE_LEN);
        let len_pos = self.open_len();
        match r {
            RangeValue::Date(x) => self.range_ends(x, kind, Scalar::Date),
            RangeValue::DateTime(x) => self.range_ends(x, kind, Scalar::DateTime),
            RangeValue::Timestamp(x) => self.range_ends(x, kind, Scalar::Timestamp),
        }
        self.close_len(len_pos);
        self.packed = was_packed;
    }

    fn range_ends<T: Copy>(
        &mut self,
        r: &Range<T>,
        kind: ProtoKind,
        wrap: fn(T) -> Scalar<'static>,
    ) {
        if let Some(s) = r.start {
            self.write_scalar(1, kind, kind, &wrap(s));
        }
        if let Some(e) = r.end {
            self.write_scalar(2, kind, kind, &wrap(e));
        }
    }
}

impl Sink for ProtoSink<'_> {
    fn begin_row(&mut self, row: usize) {
        self.row_start = self.rows.data.len();
        self.row_index = row;
        self.frames.clear();
        self.packed = false;
        self.push_frame(usize::MAX, self.row_start, 0, false);
    }

    fn end_row(&mut self) {
        self.frames.clear();
        self.rows.ends.push(self.rows.data.len());
        self.rows.input_rows.push(self.row_index);
    }

    fn abort_row(&mut self) {
        let start = self.row_start;
        self.rows.data.truncate(start);
        self.frames.clear();
        self.packed = false;
    }

    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError> {
        let code = self.enc.code(field);
        if !self.packed && self.segment(code.number) {
            self.write_late_scalar(code, &value);
        } else {
            self.write_scalar(code.number, code.kind, code.range_kind, &value);
        }
        Ok(())
    }

    fn null(&mut self, _field: &PlanField) {}

    #[inline]
    fn leaf_bool(&mut self, field: &PlanField, value: bool) -> Result<(), ValueError> {
        self.varint_leaf(field, u64::from(value));
        Ok(())
    }

    #[inline]
    fn leaf_int64(&mut self, field: &PlanField, value: i64) -> Result<(), ValueError> {
        // Two's complement, as int64 wants.
        self.varint_leaf(field, value as u64);
        Ok(())
    }

    #[inline]
    fn leaf_float64(&mut self, field: &PlanField, value: f64) -> Result<(), ValueError> {
        let code = self.enc.code(field);
        let late = !self.packed && self.segment(code.number);
        let start = self.rows.data.len();
        if !self.packed {
            self.tag(code.number, WIRE_FIXED64);
        }
        self.out().extend_from_slice(&value.to_le_bytes());
        if late {
            self.settle(code.number, start);
        }
        Ok(())
    }

    #[inline]
    fn leaf_string(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.len_leaf(field, value.as_bytes());
        Ok(())
    }

    #[inline]
    fn leaf_bytes(&mut self, field: &PlanField, value: &[u8]) -> Result<(), ValueError> {
        self.len_leaf(field, value);
        Ok(())
    }

    #[inline]
    fn leaf_json(&mut self, field: &PlanField, value: &str) -> Result<(), ValueError> {
        self.len_leaf(field, value.as_bytes());
        Ok(())
    }

    #[inline]
    fn leaf_date(&mut self, field: &PlanField, value: Date) -> Result<(), ValueError> {
        // int32, sign-extended like an int64.
        self.varint_leaf(field, i64::from(value.days()) as u64);
        Ok(())
    }

    #[inline]
    fn leaf_timestamp(&mut self, field: &PlanField, value: Timestamp) -> Result<(), ValueError> {
        let code = self.enc.code(field);
        let late = !self.packed && self.segment(code.number);
        if code.kind != ProtoKind::Int64 {
            return self.leaf_slow(code, late, &Scalar::Timestamp(value));
        }
        let start = self.rows.data.len();
        if !self.packed {
            self.tag(code.number, WIRE_VARINT);
        }
        put_wide_varint(self.out(), value.micros() as u64);
        if late {
            self.settle(code.number, start);
        }
        Ok(())
    }

    #[inline]
    fn leaf_numeric(&mut self, field: &PlanField, value: Numeric) -> Result<(), ValueError> {
        let code = self.enc.code(field);
        let late = !self.packed && self.segment(code.number);
        if code.kind != ProtoKind::Bytes {
            return self.leaf_slow(code, late, &Scalar::Numeric(value));
        }
        let start = self.rows.data.len();
        let (bytes, len) = value.bigdecimal_bytes();
        if !self.packed {
            self.tag(code.number, WIRE_LEN);
        }
        // At most 16 bytes: the length is one byte, and the value is
        // appended as the whole word and cut back (no copy call).
        let out = self.out();
        out.push(len as u8);
        let at = out.len();
        out.extend_from_slice(&bytes);
        out.truncate(at + len);
        if late {
            self.settle(code.number, start);
        }
        Ok(())
    }

    fn begin_record(&mut self, field: &PlanField) {
        let code = self.enc.code(field);
        let late = self.segment(code.number);
        let tag_pos = self.rows.data.len();
        self.tag(code.number, WIRE_LEN);
        let len_pos = self.open_len();
        self.push_frame(len_pos, tag_pos, code.number, late);
    }

    fn end_record(&mut self, _field: &PlanField) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame.len_pos != usize::MAX {
            self.close_len(frame.len_pos);
        }
        if frame.late {
            self.settle(frame.number, frame.tag_pos);
        }
    }

    fn begin_list(&mut self, field: &PlanField) {
        let code = self.enc.code(field);
        if code.packed {
            let late = self.segment(code.number);
            let tag_pos = self.rows.data.len();
            self.tag(code.number, WIRE_LEN);
            let len_pos = self.open_len();
            // A list frame holds no fields of its own (its values have no tags).
            self.push_frame(len_pos, tag_pos, code.number, late);
            self.packed = true;
        }
    }

    fn end_list(&mut self, field: &PlanField) {
        let code = self.enc.code(field);
        if code.packed {
            self.packed = false;
            let Some(frame) = self.frames.pop() else {
                return;
            };
            if self.rows.data.len() == frame.len_pos + 1 {
                // Empty list: drop the tag and length too.
                self.rows.data.truncate(frame.tag_pos);
            } else {
                self.close_len(frame.len_pos);
                if frame.late {
                    self.settle(frame.number, frame.tag_pos);
                }
            }
        }
    }
}

/// Moves the last `len` bytes of `data` to `at`, shifting `at..` up: a
/// late field put in place. A short field (nearly every one: a scalar with
/// its tag) goes through a stack copy and two moves, which costs a fraction
/// of `rotate_right`'s general algorithm at these sizes.
#[inline]
fn rotate_tail(data: &mut [u8], at: usize, len: usize) {
    const SHORT: usize = 32;
    let end = data.len();
    let Some(start) = end.checked_sub(len) else {
        return;
    };
    if at > start {
        return;
    }
    if len <= SHORT {
        let mut tail = [0u8; SHORT];
        let (Some(held), Some(moved)) = (tail.get_mut(..len), data.get(start..)) else {
            return;
        };
        held.copy_from_slice(moved);
        data.copy_within(at..start, at + len);
        if let (Some(dst), Some(src)) = (data.get_mut(at..at + len), tail.get(..len)) {
            dst.copy_from_slice(src);
        }
    } else if let Some(region) = data.get_mut(at..) {
        region.rotate_right(len);
    }
}

/// Appends `v` as a base-128 varint.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::wire::put_varint;
///
/// let mut out = Vec::new();
/// put_varint(&mut out, 150);
/// assert_eq!(out, [0x96, 0x01]);
/// out.clear();
/// put_varint(&mut out, u64::MAX); // a negative int64 takes ten bytes
/// assert_eq!(out, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
/// ```
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// [`put_varint`] for values that are usually wide (TIMESTAMP micros: seven
/// or eight bytes since the 1970s), without a loop below 2^56: the eight
/// 7-bit groups are spread into the bytes of a word by three mask-and-shift
/// steps, the continuation bits set on all but the last byte, the word
/// appended whole and cut back to the varint's length. A loop's exit
/// mispredicts where the length varies from row to row.
#[inline]
fn put_wide_varint(out: &mut Vec<u8>, v: u64) {
    if !(0x80..1 << 56).contains(&v) {
        put_varint(out, v);
        return;
    }
    // Groups of 28, then 14, then 7 bits moved to the halves, quarters and
    // bytes of the word.
    let mut x = (v & 0x0fff_ffff) | ((v & 0x00ff_ffff_f000_0000) << 4);
    x = (x & 0x0000_3fff_0000_3fff) | ((x & 0x0fff_c000_0fff_c000) << 2);
    x = (x & 0x007f_007f_007f_007f) | ((x & 0x3f80_3f80_3f80_3f80) << 1);
    // 8 to 56 significant bits: 2 to 8 bytes.
    let len = (64 - v.leading_zeros()).div_ceil(7) as usize;
    let continuation = 0x8080_8080_8080_8080u64 & (u64::MAX >> (8 * (9 - len)));
    let at = out.len();
    out.extend_from_slice(&(x | continuation).to_le_bytes());
    out.truncate(at + len);
}

/// Reads a varint at the start of `bytes`: (value, length).
fn read_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

/// The offset of the first field in `bytes` (whole serialized fields of
/// the wire types written here) whose number is above `number`, or the end;
/// `None` when the bytes are not such fields.
fn first_field_after(bytes: &[u8], number: u32) -> Option<usize> {
    let mut i = 0usize;
    while i < bytes.len() {
        // Keys and lengths are one byte for fields 1–15 and short values:
        // read those inline, the rest as varints.
        let (key, n) = match bytes.get(i) {
            Some(&b) if b < 0x80 => (u64::from(b), 1),
            _ => bytes.get(i..).and_then(read_varint)?,
        };
        if key >> 3 > u64::from(number) {
            return Some(i);
        }
        let body_at = i.checked_add(n)?;
        let body = match key & 7 {
            0 => {
                let rest = bytes.get(body_at..)?;
                rest.iter().take(10).position(|&b| b < 0x80)? + 1
            }
            1 => 8,
            2 => match bytes.get(body_at) {
                Some(&b) if b < 0x80 => usize::from(b) + 1,
                _ => bytes
                    .get(body_at..)
                    .and_then(read_varint)
                    .and_then(|(len, n)| usize::try_from(len).ok()?.checked_add(n))?,
            },
            _ => return None,
        };
        i = body_at
            .checked_add(body)
            .filter(|&next| next <= bytes.len())?;
    }
    Some(i)
}

fn varint_into(buf: &mut [u8; 10], mut v: u64) -> usize {
    let mut n = 0;
    while v >= 0x80 && n < 9 {
        buf[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    n + 1
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::TableSchema;
    use crate::plan::WalkOptions;
    use crate::proto::{DescriptorOptions, ProtoWriter};

    #[test]
    fn wide_varints_of_every_length_match_the_group_loop() {
        // Both sides of every length boundary, into a buffer that already
        // holds bytes (the word is appended, then cut back).
        let mut values = vec![0, 1, u64::MAX];
        for bits in (7..64).step_by(7) {
            values.extend([(1u64 << bits) - 1, 1u64 << bits, (1u64 << bits) + 1]);
        }
        values.extend([0x5555_5555_5555_5555, 0x00aa_aaaa_aaaa_aaaa, (1 << 56) - 1]);
        for v in values {
            let (mut wide, mut plain) = (vec![7u8], vec![7u8]);
            put_wide_varint(&mut wide, v);
            put_varint(&mut plain, v);
            assert_eq!(wide, plain, "{v:#x}");
            assert_eq!(read_varint(&wide[1..]), Some((v, wide.len() - 1)), "{v:#x}");
        }
    }

    proptest! {
        #[test]
        fn wide_varints_match_the_group_loop(v in any::<u64>(), shift in 0u32..64) {
            let v = v >> shift; // every length, not mostly ten-byte ones
            let (mut wide, mut plain) = (Vec::new(), Vec::new());
            put_wide_varint(&mut wide, v);
            put_varint(&mut plain, v);
            prop_assert_eq!(wide, plain);
        }
    }

    #[test]
    fn reordering_reads_back_fields_of_every_wire_type() {
        // Out-of-order keys at two levels, a record longer than 127 bytes (its
        // length takes two bytes), a packed list, an empty packed list, a
        // repeated record and repeated strings: the bytes equal those of the
        // same row written in schema order.
        let schema = TableSchema::from_json(
            r#"[
            {"name": "a", "type": "INT64"},
            {"name": "b", "type": "FLOAT64"},
            {"name": "c", "type": "STRING", "mode": "REPEATED"},
            {"name": "d", "type": "INT64", "mode": "REPEATED"},
            {"name": "e", "type": "INT64", "mode": "REPEATED"},
            {"name": "r", "type": "RECORD", "mode": "REPEATED", "fields": [
                {"name": "x", "type": "STRING"},
                {"name": "y", "type": "INT64"}
            ]},
            {"name": "z", "type": "BOOL"}
        ]"#,
        )
        .unwrap();
        let w =
            ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new()).unwrap();
        let long = "x".repeat(200);
        let sorted = format!(
            r#"{{"a": -5, "b": 1.5, "c": ["p", "q"], "d": [1, 300], "e": [], "r": [{{"x": "{long}", "y": 2}}, {{"x": "s", "y": -1}}], "z": true}}"#
        );
        let shuffled = format!(
            r#"{{"z": true, "r": [{{"y": 2, "x": "{long}"}}, {{"y": -1, "x": "s"}}], "e": [], "c": ["p", "q"], "b": 1.5, "d": [1, 300], "a": -5}}"#
        );
        let want = w.encode_json(sorted.as_bytes(), 0).unwrap();
        let got = w.encode_json(shuffled.as_bytes(), 0).unwrap();
        assert_eq!(got, want);
        // The in-order bytes are the fields in number order, by hand:
        // a = -5 is a ten-byte varint after tag 0x08.
        assert_eq!(
            want.get(..11),
            Some(
                &[
                    0x08, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
                ][..]
            )
        );
        // Ends with z = true (field 7, varint).
        assert_eq!(want.get(want.len() - 2..), Some(&[0x38, 0x01][..]));
    }

    use proptest::prelude::*;

    proptest! {
        /// Any subset of the keys in any order, at two levels, gives the
        /// bytes of the same row in schema order (the late-field placement
        /// without reading the frame, and its fallback, agree with the order).
        #[test]
        fn any_key_order_gives_the_schema_order_bytes(
            keep in proptest::collection::vec(proptest::bool::ANY, 8),
            order in proptest::sample::subsequence((0..8usize).collect::<Vec<_>>(), 8)
                .prop_shuffle(),
            inner in proptest::sample::subsequence((0..3usize).collect::<Vec<_>>(), 3)
                .prop_shuffle(),
            long in proptest::bool::ANY,
        ) {
            let schema = TableSchema::from_json(
                r#"[
                {"name": "a", "type": "INT64"},
                {"name": "b", "type": "STRING"},
                {"name": "c", "type": "INT64", "mode": "REPEATED"},
                {"name": "d", "type": "STRING", "mode": "REPEATED"},
                {"name": "r", "type": "RECORD", "fields": [
                    {"name": "x", "type": "STRING"}, {"name": "y", "type": "INT64"},
                    {"name": "z", "type": "BOOL"}]},
                {"name": "rs", "type": "RECORD", "mode": "REPEATED", "fields": [
                    {"name": "x", "type": "STRING"}, {"name": "y", "type": "INT64"},
                    {"name": "z", "type": "BOOL"}]},
                {"name": "e", "type": "INT64", "mode": "REPEATED"},
                {"name": "f", "type": "BOOL"}
            ]"#,
            )
            .unwrap();
            let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())
                .unwrap();
            let text = if long { "t".repeat(150) } else { "t".to_owned() };
            let record = |keys: &[usize]| {
                let parts: Vec<String> = keys
                    .iter()
                    .map(|&k| match k {
                        0 => format!(r#""x": "{text}""#),
                        1 => r#""y": 7"#.to_owned(),
                        _ => r#""z": true"#.to_owned(),
                    })
                    .collect();
                format!("{{{}}}", parts.join(", "))
            };
            let value = |k: usize, inner_keys: &[usize]| -> String {
                match k {
                    0 => r#""a": -3"#.to_owned(),
                    1 => format!(r#""b": "{text}""#),
                    2 => r#""c": [1, 2, 300]"#.to_owned(),
                    3 => r#""d": ["p", "q"]"#.to_owned(),
                    4 => format!(r#""r": {}"#, record(inner_keys)),
                    5 => format!(r#""rs": [{}, {}]"#, record(inner_keys), record(&[2, 0])),
                    6 => r#""e": []"#.to_owned(),
                    _ => r#""f": false"#.to_owned(),
                }
            };
            let kept: Vec<usize> = order.iter().copied().filter(|&k| keep[k]).collect();
            let mut sorted_keys = kept.clone();
            sorted_keys.sort_unstable();
            let mut inner_sorted = inner.clone();
            inner_sorted.sort_unstable();
            let row = |keys: &[usize], inner_keys: &[usize]| {
                let parts: Vec<String> = keys.iter().map(|&k| value(k, inner_keys)).collect();
                format!("{{{}}}", parts.join(", "))
            };
            let want = w.encode_json(row(&sorted_keys, &inner_sorted).as_bytes(), 0).unwrap();
            let got = w.encode_json(row(&kept, &inner).as_bytes(), 0).unwrap();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn first_field_after_reads_fields_and_rejects_broken_bytes() {
        // Field 1 = 150 (varint), field 2 = "A", field 3 = fixed64.
        let bytes = [
            0x08, 0x96, 0x01, 0x12, 0x01, 0x41, 0x19, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(first_field_after(&bytes, 0), Some(0));
        assert_eq!(first_field_after(&bytes, 1), Some(3));
        assert_eq!(first_field_after(&bytes, 2), Some(6));
        assert_eq!(first_field_after(&bytes, 3), Some(15));
        assert_eq!(first_field_after(&[0x12, 0x05, 0x41], 5), None);
        assert_eq!(first_field_after(&[0x08, 0x96], 5), None);
        assert_eq!(first_field_after(&[0x0d, 0, 0, 0, 0], 5), None);
    }
}
