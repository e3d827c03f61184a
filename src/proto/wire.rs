//! The protobuf wire sink: canonical scalars → serialized proto2 rows, in the
//! layout the descriptor builder declares.
//!
//! Written by hand rather than through `prost_reflect::DynamicMessage`: the
//! dynamic message allocates a map entry per field and a `Value` per scalar,
//! which costs several times the whole walk. The wire format itself is small:
//! varints, fixed64, and length-delimited fields.
//!
//! Output is canonical: fields appear in field-number order whatever the
//! order of the input keys (a record whose keys came out of order has its
//! encoded fields reordered at its end), so encode → decode → encode is the
//! identity on bytes.

use super::{MessageLayout, ProtoKind, ProtoSchema};
use crate::error::{SchemaError, ValueError};
use crate::plan::{Plan, PlanField, PlanKind, PlanRecord, Sink};
use crate::value::Scalar;
use crate::value::range::{Range, RangeValue};

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

    fn code(&self, f: &PlanField) -> FieldCode {
        self.codes.get(f.id).copied().unwrap_or(FieldCode {
            number: u32::try_from(f.index + 1).unwrap_or(u32::MAX),
            kind: ProtoKind::Bytes,
            packed: false,
            range_kind: ProtoKind::Bytes,
        })
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
    /// First segment of this frame in `segs`.
    seg_base: usize,
    /// Segments arrived in field-number order so far.
    sorted: bool,
}

/// A [`Sink`] that writes proto rows.
#[derive(Debug)]
pub struct ProtoSink<'e> {
    enc: &'e ProtoEncoder,
    rows: ProtoRows,
    row_start: usize,
    row_index: usize,
    frames: Vec<Frame>,
    /// (field number, start offset) of each field written in an open frame.
    segs: Vec<(u32, usize)>,
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
            segs: Vec::new(),
            packed: false,
            scratch: Vec::new(),
            text: String::new(),
        }
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

    /// Records that a field of `number` starts here in the open frame.
    fn segment(&mut self, number: u32) {
        let pos = self.rows.data.len();
        if let Some(frame) = self.frames.last_mut() {
            if let Some(&(last, _)) = self.segs.get(self.segs.len().wrapping_sub(1))
                && self.segs.len() > frame.seg_base
                && last > number
            {
                frame.sorted = false;
            }
        }
        self.segs.push((number, pos));
    }

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
        // Segments recorded after len_pos moved by `extra`.
        for s in &mut self.segs {
            if s.1 > len_pos {
                s.1 += extra;
            }
        }
    }

    /// Reorders the open frame's segments by field number if they came out of order.
    fn close_frame(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if !frame.sorted && self.segs.len() > frame.seg_base {
            let segs = &self.segs[frame.seg_base..];
            let end = self.rows.data.len();
            let first = segs.first().map_or(end, |s| s.1);
            let mut order: Vec<usize> = (0..segs.len()).collect();
            order.sort_by_key(|&i| segs.get(i).map_or(0, |s| s.0));
            self.scratch.clear();
            for &i in &order {
                let start = segs.get(i).map_or(end, |s| s.1);
                let stop = segs.get(i + 1).map_or(end, |s| s.1);
                if let Some(bytes) = self.rows.data.get(start..stop) {
                    self.scratch.extend_from_slice(bytes);
                }
            }
            if let Some(dst) = self.rows.data.get_mut(first..end) {
                dst.copy_from_slice(&self.scratch);
            }
        }
        self.segs.truncate(frame.seg_base);
    }

    fn push_frame(&mut self, len_pos: usize) {
        self.frames.push(Frame {
            len_pos,
            seg_base: self.segs.len(),
            sorted: true,
        });
    }

    fn write_len_bytes(&mut self, number: u32, bytes: &[u8]) {
        if !self.packed {
            self.tag(number, WIRE_LEN);
        }
        put_varint(self.out(), bytes.len() as u64);
        self.out().extend_from_slice(bytes);
    }

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
        self.segs.clear();
        self.packed = false;
        self.push_frame(usize::MAX);
    }

    fn end_row(&mut self) {
        self.close_frame();
        self.rows.ends.push(self.rows.data.len());
        self.rows.input_rows.push(self.row_index);
    }

    fn abort_row(&mut self) {
        let start = self.row_start;
        self.rows.data.truncate(start);
        self.frames.clear();
        self.segs.clear();
        self.packed = false;
    }

    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError> {
        let code = self.enc.code(field);
        if !self.packed {
            self.segment(code.number);
        }
        self.write_scalar(code.number, code.kind, code.range_kind, &value);
        Ok(())
    }

    fn null(&mut self, _field: &PlanField) {}

    fn begin_record(&mut self, field: &PlanField) {
        let code = self.enc.code(field);
        self.segment(code.number);
        self.tag(code.number, WIRE_LEN);
        let len_pos = self.open_len();
        self.push_frame(len_pos);
    }

    fn end_record(&mut self, _field: &PlanField) {
        let len_pos = self.frames.last().map_or(usize::MAX, |f| f.len_pos);
        self.close_frame();
        if len_pos != usize::MAX {
            self.close_len(len_pos);
        }
    }

    fn begin_list(&mut self, field: &PlanField) {
        let code = self.enc.code(field);
        if code.packed {
            self.segment(code.number);
            self.tag(code.number, WIRE_LEN);
            let len_pos = self.open_len();
            // A list frame holds no segments of its own.
            self.push_frame(len_pos);
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
            self.segs.truncate(frame.seg_base);
            if self.rows.data.len() == frame.len_pos + 1 {
                // Empty list: drop the tag and length too.
                if let Some(&(_, start)) = self.segs.last() {
                    self.rows.data.truncate(start);
                    self.segs.pop();
                }
            } else {
                self.close_len(frame.len_pos);
            }
        }
    }
}

/// Appends `v` as a base-128 varint.
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
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
