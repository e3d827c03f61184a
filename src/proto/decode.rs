//! Proto rows back to JSON: the inverse of the wire sink.
//!
//! Strict on purpose: every field number must be in the layout, every wire
//! type must match the descriptor, a singular field may appear once, and
//! every value goes through the same value codecs as on the way in — so a
//! decoded row always encodes again, and rows the encoder wrote come back to
//! the same bytes. Other valid encodings of the same row (fields in another
//! order, unpacked repeated scalars, varints longer than needed, another NaN
//! payload) are accepted and encode again to the canonical bytes instead.

use std::borrow::Cow;

use super::{MessageLayout, ProtoKind, ProtoSchema};
use crate::error::{FieldPath, ValueError};
use crate::plan::{Plan, PlanKind, PlanRecord};
use crate::schema::Mode;
use crate::value::civil::{Date, DateTime, Time};
use crate::value::numeric::{BigNumeric, Numeric};
use crate::value::range::{Range, RangeValue};
use crate::value::timestamp::Timestamp;
use crate::value::{Codec, Input, Policy, Scalar};

/// A row that does not decode: where, and what is wrong.
///
/// # Examples
///
/// ```
/// use bqcodec::plan::WalkOptions;
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#)?;
/// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let err = w.decode(&[0x08]).unwrap_err(); // a key with no value after it
/// assert_eq!(err.to_string(), "id: expected a complete varint, found something else on the wire");
/// assert_eq!(w.decode(&[]).unwrap_err().to_string(), "id: expected a value for a REQUIRED field, found no field");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {error}")]
#[non_exhaustive]
pub struct DecodeError {
    /// The field path (`(row)` for the row itself).
    pub path: FieldPath,
    /// What is wrong.
    #[source]
    pub error: ValueError,
}

struct Err2 {
    rev: Vec<String>,
    error: ValueError,
}

impl From<ValueError> for Err2 {
    fn from(error: ValueError) -> Self {
        Err2 {
            rev: Vec::new(),
            error,
        }
    }
}

fn wire(expected: &'static str) -> Err2 {
    ValueError::wrong_kind(expected, "something else on the wire").into()
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, Err2> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(wire("a complete varint"));
            };
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(wire("a varint of at most 64 bits"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(wire("a varint of at most 10 bytes"))
    }

    fn fixed64(&mut self) -> Result<[u8; 8], Err2> {
        let s = self
            .bytes
            .get(self.pos..self.pos + 8)
            .ok_or_else(|| wire("eight bytes of a double"))?;
        self.pos += 8;
        let mut b = [0u8; 8];
        b.copy_from_slice(s);
        Ok(b)
    }

    fn len_bytes(&mut self) -> Result<&'a [u8], Err2> {
        let len = usize::try_from(self.varint()?).map_err(|_| wire("a length that fits"))?;
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| wire("a length that fits"))?;
        let s = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| wire("as many bytes as the length says"))?;
        self.pos = end;
        Ok(s)
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

enum Node {
    Absent,
    Value(Scalar<'static>),
    Record(Vec<Node>),
    List(Vec<Node>),
}

/// Decodes one row of `proto`'s message into canonical JSON (keys in schema
/// order; NULL as `null`, an empty REPEATED field as `[]`).
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::proto::{DescriptorOptions, ProtoSchema, decode::decode_row};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "d", "type": "DATE"}, {"name": "n", "type": "NUMERIC"},
///     {"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// // d = 1 (days), n = 10^9 as BigDecimal bytes (that is 1); tags absent.
/// let row = [0x08, 0x01, 0x12, 0x04, 0x00, 0xca, 0x9a, 0x3b];
/// assert_eq!(decode_row(&plan, &proto, &row)?, r#"{"d":"1970-01-02","n":"1","tags":[]}"#);
/// assert_eq!(decode_row(&plan, &proto, &[])?, r#"{"d":null,"n":null,"tags":[]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_row(plan: &Plan, proto: &ProtoSchema, row: &[u8]) -> Result<String, DecodeError> {
    let node = message(plan.root(), proto.layout(), row).map_err(|e| {
        let mut path = FieldPath::root();
        for seg in e.rev.into_iter().rev() {
            if let Some(i) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                path.push_index(i.parse().unwrap_or(0));
            } else {
                path.push_field(&seg);
            }
        }
        DecodeError {
            path,
            error: e.error,
        }
    })?;
    let mut out = String::with_capacity(row.len() * 2);
    if let Node::Record(fields) = &node {
        write_record(plan.root(), fields, &mut out);
    }
    Ok(out)
}

fn message(rec: &PlanRecord, layout: &MessageLayout, bytes: &[u8]) -> Result<Node, Err2> {
    let mut slots: Vec<Node> = rec.fields.iter().map(|_| Node::Absent).collect();
    let mut r = Reader { bytes, pos: 0 };
    while !r.done() {
        let key = r.varint()?;
        let number = key >> 3;
        let wt = (key & 7) as u32; // the low three bits
        let idx = usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| {
                layout
                    .fields()
                    .get(i)
                    .is_some_and(|l| u64::from(l.number) == number)
            })
            .ok_or_else(|| {
                Err2::from(ValueError::invalid(
                    "a field number of the descriptor",
                    &number.to_string(),
                ))
            })?;
        let (Some(f), Some(l), Some(slot)) = (
            rec.fields.get(idx),
            layout.fields().get(idx),
            slots.get_mut(idx),
        ) else {
            return Err(wire("a field of the descriptor"));
        };
        let at = |e: Err2| {
            let mut e = e;
            e.rev.push(f.name.clone());
            e
        };
        let repeated = f.mode == Mode::Repeated;
        let kind = l.kind;
        let values = |r: &mut Reader<'_>, out: &mut Vec<Node>| -> Result<(), Err2> {
            let packed_ok = repeated && kind.is_packable();
            if packed_ok && wt == 2 {
                let body = r.len_bytes()?;
                let mut inner = Reader {
                    bytes: body,
                    pos: 0,
                };
                while !inner.done() {
                    let n = out.len();
                    out.push(
                        one(f, l, kind, &mut inner, kind_wire(kind)).map_err(|e| idx_err(e, n))?,
                    );
                }
                Ok(())
            } else {
                let n = out.len();
                out.push(
                    one(f, l, kind, r, wt).map_err(|e| if repeated { idx_err(e, n) } else { e })?,
                );
                Ok(())
            }
        };
        if repeated {
            if let Node::Absent = slot {
                *slot = Node::List(Vec::new());
            }
            if let Node::List(items) = slot {
                values(&mut r, items).map_err(at)?;
            }
        } else {
            if !matches!(slot, Node::Absent) {
                return Err(at(ValueError::invalid(
                    "a singular field at most once",
                    "it twice",
                )
                .into()));
            }
            let mut v = Vec::with_capacity(1);
            values(&mut r, &mut v).map_err(at)?;
            *slot = v.pop().unwrap_or(Node::Absent);
        }
    }
    for (f, slot) in rec.fields.iter().zip(&slots) {
        if f.mode == Mode::Required && !f.has_default && matches!(slot, Node::Absent) {
            let mut e = Err2::from(ValueError::Required { found: "no field" });
            e.rev.push(f.name.clone());
            return Err(e);
        }
    }
    Ok(Node::Record(slots))
}

fn idx_err(mut e: Err2, i: usize) -> Err2 {
    e.rev.push(format!("[{i}]"));
    e
}

fn kind_wire(kind: ProtoKind) -> u32 {
    kind.wire_type().code()
}

fn one(
    f: &crate::plan::PlanField,
    l: &super::FieldLayout,
    kind: ProtoKind,
    r: &mut Reader<'_>,
    wt: u32,
) -> Result<Node, Err2> {
    if wt != kind_wire(kind) {
        return Err(wire(match kind.wire_type().code() {
            0 => "a varint",
            1 => "a fixed64",
            _ => "a length-delimited value",
        }));
    }
    match &f.kind {
        PlanKind::Record(sub) => {
            let body = r.len_bytes()?;
            let nested = l.nested.as_ref().ok_or_else(|| wire("a nested message"))?;
            message(sub, nested, body)
        }
        PlanKind::Leaf(Codec::Range(_)) => {
            let body = r.len_bytes()?;
            let nested = l.nested.as_ref().ok_or_else(|| wire("a RANGE message"))?;
            range(f, nested, body).map(Node::Value)
        }
        PlanKind::Leaf(codec) => scalar(codec, kind, r).map(Node::Value),
    }
}

fn scalar(codec: &Codec, kind: ProtoKind, r: &mut Reader<'_>) -> Result<Scalar<'static>, Err2> {
    let policy = Policy::new();
    Ok(match kind {
        ProtoKind::Bool => match r.varint()? {
            0 => Scalar::Bool(false),
            1 => Scalar::Bool(true),
            v => return Err(ValueError::invalid("a bool of 0 or 1", &v.to_string()).into()),
        },
        ProtoKind::Int32 => {
            let v = r.varint()? as i64; // two's complement
            let days = i32::try_from(v)
                .map_err(|_| ValueError::out_of_range("an int32", &v.to_string()))?;
            Scalar::Date(Date::from_days(days)?)
        }
        ProtoKind::Int64 => {
            let v = r.varint()? as i64; // two's complement
            match codec {
                Codec::Timestamp { .. } => Scalar::Timestamp(Timestamp::from_micros(v)?),
                Codec::Time => Scalar::Time(Time::from_packed_micros(v)?),
                Codec::DateTime => Scalar::DateTime(DateTime::from_packed_micros(v)?),
                Codec::Date => {
                    let days = i32::try_from(v)
                        .map_err(|_| ValueError::out_of_range("an int32", &v.to_string()))?;
                    Scalar::Date(Date::from_days(days)?)
                }
                _ => Scalar::Int64(v),
            }
        }
        ProtoKind::Double => Scalar::Float64(f64::from_le_bytes(r.fixed64()?)),
        ProtoKind::Bytes => {
            let b = r.len_bytes()?;
            match codec {
                Codec::Numeric(p) => {
                    Scalar::Numeric(Numeric::from_bigdecimal_bytes(b)?.within(*p)?)
                }
                Codec::BigNumeric(p) => {
                    Scalar::BigNumeric(BigNumeric::from_bigdecimal_bytes(b)?.within(*p)?)
                }
                Codec::Bytes { max_length } => {
                    if let Some(max) = max_length
                        && b.len() as u64 > *max
                    {
                        return Err(ValueError::TooLong {
                            max: *max,
                            length: b.len() as u64,
                            unit: "bytes",
                        }
                        .into());
                    }
                    Scalar::Bytes(Cow::Owned(b.to_vec()))
                }
                _ => return Err(wire("bytes only for BYTES, NUMERIC and BIGNUMERIC")),
            }
        }
        ProtoKind::String => {
            let b = r.len_bytes()?;
            let s = std::str::from_utf8(b)
                .map_err(|_| ValueError::invalid("UTF-8 text", &String::from_utf8_lossy(b)))?;
            codec.parse(Input::Str(s), &policy)?.into_owned()
        }
        ProtoKind::Message => return Err(wire("a scalar")),
        #[allow(unreachable_patterns)]
        _ => return Err(wire("a known proto type")),
    })
}

fn range(
    f: &crate::plan::PlanField,
    layout: &MessageLayout,
    body: &[u8],
) -> Result<Scalar<'static>, Err2> {
    let PlanKind::Leaf(Codec::Range(elem)) = &f.kind else {
        return Err(wire("a RANGE"));
    };
    let codec = Codec::for_field(&crate::schema::Field::new("end", elem.field_type()))
        .ok_or_else(|| wire("a RANGE element"))?;
    let mut ends: [Option<Scalar<'static>>; 2] = [None, None];
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    while !r.done() {
        let key = r.varint()?;
        let (number, wt) = (key >> 3, (key & 7) as u32);
        let l = layout
            .field_by_number(u32::try_from(number).unwrap_or(0))
            .filter(|_| number == 1 || number == 2)
            .ok_or_else(|| wire("RANGE field 1 (start) or 2 (end)"))?;
        if wt != kind_wire(l.kind) {
            return Err(wire("the RANGE element's wire type"));
        }
        let v = scalar(&codec, l.kind, &mut r)?;
        let slot = if number == 1 {
            &mut ends[0]
        } else {
            &mut ends[1]
        };
        if slot.is_some() {
            return Err(ValueError::invalid("each RANGE end at most once", "it twice").into());
        }
        *slot = Some(v);
    }
    let [start, end] = ends;
    fn end_of<T>(v: Option<Scalar<'static>>, pick: fn(Scalar<'static>) -> Option<T>) -> Option<T> {
        v.and_then(pick)
    }
    let value = match elem {
        crate::schema::RangeElementType::Date => RangeValue::Date(Range {
            start: end_of(start, |v| {
                if let Scalar::Date(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
            end: end_of(end, |v| {
                if let Scalar::Date(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
        }),
        crate::schema::RangeElementType::DateTime => RangeValue::DateTime(Range {
            start: end_of(start, |v| {
                if let Scalar::DateTime(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
            end: end_of(end, |v| {
                if let Scalar::DateTime(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
        }),
        crate::schema::RangeElementType::Timestamp => RangeValue::Timestamp(Range {
            start: end_of(start, |v| {
                if let Scalar::Timestamp(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
            end: end_of(end, |v| {
                if let Scalar::Timestamp(d) = v {
                    Some(d)
                } else {
                    None
                }
            }),
        }),
    };
    let ordered = match &value {
        RangeValue::Date(r) => r.start.zip(r.end).is_none_or(|(s, e)| s < e),
        RangeValue::DateTime(r) => r.start.zip(r.end).is_none_or(|(s, e)| s < e),
        RangeValue::Timestamp(r) => r.start.zip(r.end).is_none_or(|(s, e)| s < e),
    };
    if !ordered {
        return Err(ValueError::invalid(
            "a RANGE whose start is before its end",
            &value.to_string(),
        )
        .into());
    }
    Ok(Scalar::Range(value))
}

fn write_record(rec: &PlanRecord, fields: &[Node], out: &mut String) {
    out.push('{');
    let mut first = true;
    for (f, node) in rec.fields.iter().zip(fields) {
        // An absent REQUIRED column with a default value expression was left
        // for the server to fill: leave its key out, so the row encodes again.
        if matches!(node, Node::Absent) && f.mode == Mode::Required && f.has_default {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        crate::value::write_json_string(&f.name, out);
        out.push(':');
        match (node, &f.kind) {
            (Node::Absent, _) if f.mode == Mode::Repeated => out.push_str("[]"),
            (Node::Absent, _) => out.push_str("null"),
            (n, PlanKind::Record(sub)) => write_node(sub, n, out),
            (n, PlanKind::Leaf(_)) => write_leaf(n, out),
        }
    }
    out.push('}');
}

fn write_node(rec: &PlanRecord, node: &Node, out: &mut String) {
    match node {
        Node::Record(fields) => write_record(rec, fields, out),
        Node::List(items) => {
            out.push('[');
            for (i, n) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(rec, n, out);
            }
            out.push(']');
        }
        Node::Absent | Node::Value(_) => out.push_str("null"),
    }
}

fn write_leaf(node: &Node, out: &mut String) {
    match node {
        Node::Value(v) => v.write_json(out),
        Node::List(items) => {
            out.push('[');
            for (i, n) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_leaf(n, out);
            }
            out.push(']');
        }
        Node::Absent | Node::Record(_) => out.push_str("null"),
    }
}
