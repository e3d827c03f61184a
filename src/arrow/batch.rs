//! Column buffers of the rows being written, and their conversion to Arrow
//! arrays.
//!
//! Written by hand rather than with arrow-rs's builders: a bad row must be
//! rolled back in every column, and a batch must be cut between two rows
//! once its encoded size is known. Plain `Vec`s can be truncated and split
//! at any row; `StructBuilder`/`ListBuilder` can do neither.
//!
//! Columns sit in a flat table indexed by the plan field id; a RECORD's
//! children are found through the layout. Every column holds *slots* (one per
//! parent entry: a row, or an element of the enclosing struct) and *items*
//! (one per value): for a REPEATED column `offsets` maps slots to items, for
//! the others slots and items are the same. Validity is per slot.
//!
//! Because every top-level column holds exactly one slot per committed row,
//! the state before a row can be recomputed from the committed row count
//! alone ([`truncate`]): no per-row bookkeeping.

use std::sync::Arc;

use arrow_array::types::{
    Date32Type, Decimal128Type, Decimal256Type, Float64Type, Int64Type, IntervalMonthDayNanoType,
    Time64MicrosecondType, TimestampMicrosecondType, TimestampNanosecondType,
};
use arrow_array::{
    ArrayRef, BinaryArray, BooleanArray, ListArray, PrimitiveArray, RecordBatch, StringArray,
    StructArray,
};
use arrow_buffer::{
    BooleanBuffer, Buffer, IntervalMonthDayNano, NullBuffer, OffsetBuffer, ScalarBuffer, i256,
};
use arrow_schema::{ArrowError, DataType, Fields};

use super::schema::{ColSpec, Kind, Layout, arrow_scale};
use crate::schema::RangeElementType;

/// The values of one column (items), by storage kind.
#[derive(Debug, Clone)]
pub(crate) enum Values {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    I128(Vec<i128>),
    I256(Vec<i256>),
    Mdn(Vec<IntervalMonthDayNano>),
    /// Variable-length values: `offsets` has one more entry than items.
    Bytes {
        offsets: Vec<i32>,
        data: Vec<u8>,
    },
    /// RANGE: two nullable ends of microseconds (or days for DATE).
    Range {
        start_valid: Vec<bool>,
        start: Vec<i64>,
        end_valid: Vec<bool>,
        end: Vec<i64>,
    },
    /// RECORD: the number of struct items (children live in their own columns).
    Struct(usize),
}

/// One column's buffers.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// Per slot; used only when the spec is nullable.
    pub validity: Vec<bool>,
    /// Slot → item offsets (slots + 1 entries); used only when repeated.
    pub offsets: Vec<i32>,
    pub values: Values,
}

impl Column {
    pub(crate) fn empty(spec: &ColSpec) -> Column {
        let values = match spec.kind {
            Kind::Bool => Values::Bool(Vec::new()),
            Kind::Int64 | Kind::Time64 | Kind::TimestampMicros | Kind::TimestampNanos => {
                Values::I64(Vec::new())
            }
            Kind::Float64 => Values::F64(Vec::new()),
            Kind::Decimal128 { .. } => Values::I128(Vec::new()),
            Kind::Decimal256 { .. } => Values::I256(Vec::new()),
            Kind::Utf8 | Kind::Binary => Values::Bytes {
                offsets: vec![0],
                data: Vec::new(),
            },
            Kind::Date32 => Values::I32(Vec::new()),
            Kind::Interval => Values::Mdn(Vec::new()),
            Kind::Range(_) => Values::Range {
                start_valid: Vec::new(),
                start: Vec::new(),
                end_valid: Vec::new(),
                end: Vec::new(),
            },
            Kind::Struct => Values::Struct(0),
        };
        Column {
            validity: Vec::new(),
            offsets: vec![0],
            values,
        }
    }

    /// Number of items.
    pub(crate) fn items(&self) -> usize {
        match &self.values {
            Values::Bool(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::I128(v) => v.len(),
            Values::I256(v) => v.len(),
            Values::Mdn(v) => v.len(),
            Values::Bytes { offsets, .. } => offsets.len().saturating_sub(1),
            Values::Range { start, .. } => start.len(),
            Values::Struct(n) => *n,
        }
    }
}

/// An empty column table for `layout`.
pub(crate) fn empty_columns(layout: &Layout) -> Vec<Column> {
    layout.specs.iter().map(Column::empty).collect()
}

fn last_offset(offsets: &[i32]) -> usize {
    offsets
        .last()
        .and_then(|&o| usize::try_from(o).ok())
        .unwrap_or(0)
}

/// Items of the first `slots` slots of a repeated column.
fn items_of_slots(offsets: &[i32], slots: usize) -> usize {
    offsets
        .get(slots)
        .and_then(|&o| usize::try_from(o).ok())
        .unwrap_or_else(|| last_offset(offsets))
}

/// Forgets everything of column `id` past its first `slots` slots.
pub(crate) fn truncate(layout: &Layout, cols: &mut [Column], id: usize, slots: usize) {
    let (Some(spec), Some(col)) = (layout.specs.get(id), cols.get_mut(id)) else {
        return;
    };
    col.validity.truncate(slots);
    let items = if spec.repeated {
        col.offsets.truncate(slots + 1);
        last_offset(&col.offsets)
    } else {
        slots
    };
    match &mut col.values {
        Values::Bool(v) => v.truncate(items),
        Values::I32(v) => v.truncate(items),
        Values::I64(v) => v.truncate(items),
        Values::F64(v) => v.truncate(items),
        Values::I128(v) => v.truncate(items),
        Values::I256(v) => v.truncate(items),
        Values::Mdn(v) => v.truncate(items),
        Values::Bytes { offsets, data } => {
            offsets.truncate(items + 1);
            data.truncate(last_offset(offsets));
        }
        Values::Range {
            start_valid,
            start,
            end_valid,
            end,
        } => {
            start_valid.truncate(items);
            start.truncate(items);
            end_valid.truncate(items);
            end.truncate(items);
        }
        Values::Struct(n) => {
            *n = (*n).min(items);
            for &child in &spec.children {
                truncate(layout, cols, child, items);
            }
        }
    }
}

/// `v[..n]` is returned; `v` keeps `v[n..]`, with room for as many again
/// (the next batch is likely the size of this one: no regrowing).
fn take_front<T>(v: &mut Vec<T>, n: usize) -> Vec<T> {
    let n = n.min(v.len());
    let mut tail = Vec::with_capacity(v.len().max(16));
    tail.extend(v.drain(n..));
    std::mem::replace(v, tail)
}

/// Offsets of the first `n` entries (n + 1 offsets) are returned; `offsets`
/// keeps the rest rebased to start at 0.
fn take_front_offsets(offsets: &mut Vec<i32>, n: usize) -> Vec<i32> {
    let base = offsets.get(n).copied().unwrap_or(0);
    let mut tail = Vec::with_capacity(offsets.len().max(16));
    tail.extend(
        offsets
            .get(n..)
            .unwrap_or(&[])
            .iter()
            .map(|o| o.saturating_sub(base)),
    );
    if tail.is_empty() {
        tail.push(0);
    }
    offsets.truncate(n + 1);
    std::mem::replace(offsets, tail)
}

/// Moves the first `slots` slots of column `id` (and its children) into
/// `out`; `cols` keeps the rest, rebased.
pub(crate) fn split_front(
    layout: &Layout,
    cols: &mut [Column],
    out: &mut [Column],
    id: usize,
    slots: usize,
) {
    let (Some(spec), Some(col)) = (layout.specs.get(id), cols.get_mut(id)) else {
        return;
    };
    let validity = take_front(&mut col.validity, slots);
    let (offsets, items) = if spec.repeated {
        let items = items_of_slots(&col.offsets, slots);
        (take_front_offsets(&mut col.offsets, slots), items)
    } else {
        (vec![0], slots)
    };
    let values = match &mut col.values {
        Values::Bool(v) => Values::Bool(take_front(v, items)),
        Values::I32(v) => Values::I32(take_front(v, items)),
        Values::I64(v) => Values::I64(take_front(v, items)),
        Values::F64(v) => Values::F64(take_front(v, items)),
        Values::I128(v) => Values::I128(take_front(v, items)),
        Values::I256(v) => Values::I256(take_front(v, items)),
        Values::Mdn(v) => Values::Mdn(take_front(v, items)),
        Values::Bytes { offsets, data } => {
            let bytes = items_of_slots(offsets, items);
            Values::Bytes {
                offsets: take_front_offsets(offsets, items),
                data: take_front(data, bytes),
            }
        }
        Values::Range {
            start_valid,
            start,
            end_valid,
            end,
        } => Values::Range {
            start_valid: take_front(start_valid, items),
            start: take_front(start, items),
            end_valid: take_front(end_valid, items),
            end: take_front(end, items),
        },
        Values::Struct(n) => {
            let head = items.min(*n);
            *n = n.saturating_sub(head);
            Values::Struct(head)
        }
    };
    if let Some(o) = out.get_mut(id) {
        *o = Column {
            validity,
            offsets,
            values,
        };
    }
    for &child in &spec.children {
        split_front(layout, cols, out, child, items);
    }
}

fn nulls(validity: Vec<bool>, nullable: bool) -> Option<NullBuffer> {
    if !nullable || validity.iter().all(|&v| v) {
        return None;
    }
    Some(NullBuffer::new(BooleanBuffer::from(validity)))
}

fn offset_buffer(offsets: Vec<i32>) -> Result<OffsetBuffer<i32>, ArrowError> {
    // OffsetBuffer::new panics on bad offsets; ours are built monotonic from
    // 0, checked here so that a bug is an error, not a panic.
    let ok = offsets.first() == Some(&0) && offsets.windows(2).all(|w| w[0] <= w[1]);
    if !ok {
        return Err(ArrowError::InvalidArgumentError(
            "internal: offsets not monotonic from 0".into(),
        ));
    }
    Ok(OffsetBuffer::new(ScalarBuffer::from(offsets)))
}

fn mismatch(spec: &ColSpec) -> ArrowError {
    ArrowError::InvalidArgumentError(format!(
        "internal: column {} holds values of the wrong kind",
        spec.name
    ))
}

/// Builds the items array of column `id` (with `item_nulls` on it).
fn build_items(
    layout: &Layout,
    cols: &mut [Column],
    id: usize,
    item_nulls: Option<NullBuffer>,
) -> Result<ArrayRef, ArrowError> {
    let spec = layout
        .specs
        .get(id)
        .ok_or_else(|| ArrowError::InvalidArgumentError("internal: no such column".into()))?;
    let values = match cols.get_mut(id) {
        Some(c) => std::mem::replace(&mut c.values, Values::Struct(0)),
        None => return Err(mismatch(spec)),
    };
    fn prim<T: arrow_array::ArrowPrimitiveType>(
        v: Vec<T::Native>,
        n: Option<NullBuffer>,
    ) -> Result<PrimitiveArray<T>, ArrowError> {
        PrimitiveArray::<T>::try_new(ScalarBuffer::from(v), n)
    }
    let array: ArrayRef = match (spec.kind, values) {
        (Kind::Bool, Values::Bool(v)) => {
            Arc::new(BooleanArray::new(BooleanBuffer::from(v), item_nulls))
        }
        (Kind::Int64, Values::I64(v)) => Arc::new(prim::<Int64Type>(v, item_nulls)?),
        (Kind::Float64, Values::F64(v)) => Arc::new(prim::<Float64Type>(v, item_nulls)?),
        (
            Kind::Decimal128 {
                precision, scale, ..
            },
            Values::I128(v),
        ) => Arc::new(
            prim::<Decimal128Type>(v, item_nulls)?
                .with_precision_and_scale(precision, arrow_scale(scale))?,
        ),
        (
            Kind::Decimal256 {
                precision, scale, ..
            },
            Values::I256(v),
        ) => Arc::new(
            prim::<Decimal256Type>(v, item_nulls)?
                .with_precision_and_scale(precision, arrow_scale(scale))?,
        ),
        (Kind::Utf8, Values::Bytes { offsets, data }) => Arc::new(StringArray::try_new(
            offset_buffer(offsets)?,
            Buffer::from_vec(data),
            item_nulls,
        )?),
        (Kind::Binary, Values::Bytes { offsets, data }) => Arc::new(BinaryArray::try_new(
            offset_buffer(offsets)?,
            Buffer::from_vec(data),
            item_nulls,
        )?),
        (Kind::Date32, Values::I32(v)) => Arc::new(prim::<Date32Type>(v, item_nulls)?),
        (Kind::Time64, Values::I64(v)) => Arc::new(prim::<Time64MicrosecondType>(v, item_nulls)?),
        (Kind::TimestampMicros, Values::I64(v)) => Arc::new(
            prim::<TimestampMicrosecondType>(v, item_nulls)?.with_data_type(spec.item_type.clone()),
        ),
        (Kind::TimestampNanos, Values::I64(v)) => Arc::new(
            prim::<TimestampNanosecondType>(v, item_nulls)?.with_data_type(spec.item_type.clone()),
        ),
        (Kind::Interval, Values::Mdn(v)) => {
            Arc::new(prim::<IntervalMonthDayNanoType>(v, item_nulls)?)
        }
        (
            Kind::Range(e),
            Values::Range {
                start_valid,
                start,
                end_valid,
                end,
            },
        ) => {
            let DataType::Struct(fields) = &spec.item_type else {
                return Err(mismatch(spec));
            };
            let end_array = |v: Vec<i64>, valid: Vec<bool>| -> Result<ArrayRef, ArrowError> {
                let n = nulls(valid, true);
                Ok(match e {
                    RangeElementType::Date => {
                        let days: Result<Vec<i32>, _> = v.into_iter().map(i32::try_from).collect();
                        let days = days.map_err(|_| mismatch(spec))?;
                        Arc::new(prim::<Date32Type>(days, n)?)
                    }
                    RangeElementType::DateTime => Arc::new(prim::<TimestampMicrosecondType>(v, n)?),
                    RangeElementType::Timestamp => Arc::new(
                        prim::<TimestampMicrosecondType>(v, n)?.with_timezone(super::schema::UTC),
                    ),
                })
            };
            let children = vec![end_array(start, start_valid)?, end_array(end, end_valid)?];
            Arc::new(StructArray::try_new(fields.clone(), children, item_nulls)?)
        }
        (Kind::Struct, Values::Struct(n)) => {
            let DataType::Struct(fields) = &spec.item_type else {
                return Err(mismatch(spec));
            };
            let mut children = Vec::with_capacity(spec.children.len());
            for &child in &spec.children {
                children.push(build_column(layout, cols, child)?);
            }
            let fields: Fields = fields.clone();
            Arc::new(StructArray::try_new_with_length(
                fields, children, item_nulls, n,
            )?)
        }
        _ => return Err(mismatch(spec)),
    };
    Ok(array)
}

/// Builds column `id` as the array that sits in its parent.
pub(crate) fn build_column(
    layout: &Layout,
    cols: &mut [Column],
    id: usize,
) -> Result<ArrayRef, ArrowError> {
    let spec = layout
        .specs
        .get(id)
        .ok_or_else(|| ArrowError::InvalidArgumentError("internal: no such column".into()))?;
    let (validity, offsets) = match cols.get_mut(id) {
        Some(c) => (
            std::mem::take(&mut c.validity),
            std::mem::replace(&mut c.offsets, vec![0]),
        ),
        None => return Err(mismatch(spec)),
    };
    let slot_nulls = nulls(validity, spec.nullable);
    if spec.repeated {
        let items = build_items(layout, cols, id, None)?;
        let item_field = spec.item_field.clone().ok_or_else(|| mismatch(spec))?;
        Ok(Arc::new(ListArray::try_new(
            item_field,
            offset_buffer(offsets)?,
            items,
            slot_nulls,
        )?))
    } else {
        build_items(layout, cols, id, slot_nulls)
    }
}

/// Builds a record batch of `rows` rows from a full column table.
pub(crate) fn build_batch(
    layout: &Layout,
    mut cols: Vec<Column>,
    rows: usize,
) -> Result<RecordBatch, ArrowError> {
    let mut arrays = Vec::with_capacity(layout.top.len());
    for &id in &layout.top {
        arrays.push(build_column(layout, &mut cols, id)?);
    }
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(layout.schema.clone(), arrays, &options)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;

    #[test]
    fn take_front_offsets_rebases() {
        let mut o = vec![0, 2, 5, 9];
        let head = take_front_offsets(&mut o, 2);
        assert_eq!(head, vec![0, 2, 5]);
        assert_eq!(o, vec![0, 4]);
        let mut o = vec![0, 3];
        let head = take_front_offsets(&mut o, 1);
        assert_eq!(head, vec![0, 3]);
        assert_eq!(o, vec![0]);
        let mut o = vec![0, 3];
        let head = take_front_offsets(&mut o, 0);
        assert_eq!(head, vec![0]);
        assert_eq!(o, vec![0, 3]);
    }

    #[test]
    fn bad_offsets_are_an_error() {
        assert!(offset_buffer(vec![0, 3, 2]).is_err());
        assert!(offset_buffer(vec![]).is_err());
        assert!(offset_buffer(vec![1]).is_err());
        assert!(offset_buffer(vec![0, 0, 4]).is_ok());
    }

    #[test]
    fn all_valid_has_no_null_buffer() {
        assert!(nulls(vec![true, true], true).is_none());
        assert!(nulls(vec![true, false], false).is_none());
        let n = nulls(vec![true, false, true], true).unwrap();
        assert_eq!(n.null_count(), 1);
    }
}
