//! Building the proto2 descriptor for a [`TableSchema`], and the compiled
//! layout the row encoder walks.
//!
//! # Shape of the descriptor
//!
//! One file, `syntax = "proto2"`, in a package (`bqcodec` unless chosen), with
//! no imports and no well-known types. It holds one root message (`Row` unless
//! chosen). Every other message (one per RECORD column, one per RANGE element
//! type) is a nested type *of the root*, side by side, and fields refer to
//! them by their simple name. That is the self-contained form the Storage
//! Write API asks for in `ProtoSchema.proto_descriptor`: the root
//! `DescriptorProto` alone describes a row, whatever package the server puts
//! it in. Names are allocated as described in the `names` module.
//!
//! # Types
//!
//! Per the Storage Write API's table of supported protocol buffer types
//! (<https://cloud.google.com/bigquery/docs/supported-data-types>):
//!
//! | BigQuery | [`Profile::Exact`] | [`Profile::Text`] |
//! | --- | --- | --- |
//! | BOOL | `bool` | `bool` |
//! | INT64 | `int64` | `int64` |
//! | FLOAT64 | `double` | `double` |
//! | STRING | `string` | `string` |
//! | BYTES | `bytes` | `bytes` |
//! | DATE | `int32` (days since 1970-01-01) | `int32` |
//! | DATETIME, TIME | `int64` (CivilTime packed micros) | `string` (literal) |
//! | TIMESTAMP | `int64` (micros since the epoch) | `int64` |
//! | TIMESTAMP, `timestampPrecision` 12 | `string` (literal) | `string` |
//! | NUMERIC, BIGNUMERIC | `bytes` (BigDecimal encoding) | `string` (literal) |
//! | GEOGRAPHY, JSON, INTERVAL | `string` | `string` |
//! | RECORD | nested message | nested message |
//! | `RANGE<T>` | message `{ T start = 1; T end = 2; }` | same, T per profile |
//!
//! # Labels
//!
//! NULLABLE is `optional`, REPEATED is `repeated` (with `[packed = true]` for
//! `bool`, `int32`, `int64` and `double`), REQUIRED is `required` except when
//! the column has a `defaultValueExpression`: then it is `optional`, so a row
//! may leave it out and the server's default applies. Field numbers are
//! 1, 2, 3, … in schema order; the CDC pseudo-columns, when asked for, follow
//! the last column of the root.

use std::collections::HashMap;

use prost::Message;
use prost_reflect::{DescriptorPool, MessageDescriptor};

use super::names::{self, Scope, TypeScope};
use crate::error::{SchemaError, SchemaProblem};
use crate::schema::{Field, FieldType, Mode, RangeElementType, TableSchema};

/// The field number of the Storage Write API's `column_name` extension of
/// `google.protobuf.FieldOptions` (a `string`), from
/// `google/cloud/bigquery/storage/v1/annotations.proto`.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{COLUMN_NAME_EXTENSION_NUMBER, DescriptorOptions, ProtoSchema};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("unit price", FieldType::Float64)]);
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// // The option travels as field 454943157 (length-delimited) of FieldOptions.
/// let key = (u64::from(COLUMN_NAME_EXTENSION_NUMBER) << 3) | 2;
/// let mut varint = Vec::new();
/// bqcodec::proto::wire::put_varint(&mut varint, key);
/// assert!(proto.descriptor_proto_bytes().windows(varint.len()).any(|w| w == varint));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const COLUMN_NAME_EXTENSION_NUMBER: u32 = 454_943_157;

/// The full name of the `column_name` field option.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{COLUMN_NAME_EXTENSION, DescriptorOptions, ProtoSchema};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("unit price", FieldType::Float64)]);
/// let text = ProtoSchema::build(&schema, &DescriptorOptions::default())?.to_proto_text();
/// assert!(text.contains(&format!(r#"[({COLUMN_NAME_EXTENSION}) = "unit price"]"#)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const COLUMN_NAME_EXTENSION: &str = "google.cloud.bigquery.storage.v1.column_name";

/// The deepest RECORD nesting BigQuery allows (a top-level RECORD is level 1).
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, MAX_RECORD_DEPTH, ProtoSchema};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let nest = |depth: usize| (1..depth).fold(Field::record("r", vec![Field::new("x", FieldType::Bool)]),
///                                           |inner, _| Field::record("r", vec![inner]));
/// let build = |depth| ProtoSchema::build(&TableSchema::new(vec![nest(depth)]), &DescriptorOptions::default());
/// assert!(build(MAX_RECORD_DEPTH).is_ok());
/// assert!(build(MAX_RECORD_DEPTH + 1).is_err());
/// ```
pub const MAX_RECORD_DEPTH: usize = 15;

/// The most fields one message may have: field numbers 19000 to 19999 are
/// reserved by protobuf. BigQuery's own limit of 10,000 columns per table
/// keeps every valid schema well below it.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::MAX_FIELDS_PER_MESSAGE;
///
/// // Field numbers 19000..=19999 are reserved by protobuf; fields are numbered from 1.
/// assert_eq!(MAX_FIELDS_PER_MESSAGE, 19_000 - 1);
/// ```
pub const MAX_FIELDS_PER_MESSAGE: usize = 18_999;

/// Which proto types stand for the BigQuery types that accept more than one.
///
/// # Examples
///
/// This also shows [`as_str`](Self::as_str).
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, Profile, ProtoKind, ProtoSchema};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}, {"name": "t", "type": "TIME"}]"#)?;
/// let kinds = |profile| -> Result<Vec<ProtoKind>, bqcodec::SchemaError> {
///     let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_profile(profile))?;
///     Ok(proto.layout().fields().iter().map(|f| f.kind).collect())
/// };
/// assert_eq!(kinds(Profile::Exact)?, [ProtoKind::Bytes, ProtoKind::Int64]); // BigDecimal, packed micros
/// assert_eq!(kinds(Profile::Text)?, [ProtoKind::String, ProtoKind::String]); // literals
/// assert_eq!((Profile::default(), Profile::Text.as_str()), (Profile::Exact, "text"));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// Binary encodings, the Storage Write API's preferred forms: DATETIME and
    /// TIME as CivilTime packed `int64`, NUMERIC and BIGNUMERIC as BigDecimal
    /// `bytes`. The default.
    #[default]
    Exact,
    /// DATETIME, TIME, NUMERIC and BIGNUMERIC as `string` literals, for
    /// servers and emulators that only take text. Everything else as in
    /// [`Profile::Exact`].
    Text,
}

impl Profile {
    /// `"exact"` or `"text"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Exact => "exact",
            Profile::Text => "text",
        }
    }
}

/// Options for [`ProtoSchema::build`]. Start from [`DescriptorOptions::default`]
/// and change what you need with the `with_*` methods.
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, Profile};
/// let options = DescriptorOptions::default().with_profile(Profile::Text).with_cdc(true);
/// assert!(options.cdc);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DescriptorOptions {
    /// The proto types for DATETIME, TIME, NUMERIC, BIGNUMERIC.
    pub profile: Profile,
    /// Whether the root message ends with the CDC pseudo-columns.
    pub cdc: bool,
    /// The file's package.
    pub package: String,
    /// The root message's name.
    pub message_name: String,
}

impl Default for DescriptorOptions {
    fn default() -> Self {
        DescriptorOptions {
            profile: Profile::Exact,
            cdc: false,
            package: "bqcodec".to_owned(),
            message_name: "Row".to_owned(),
        }
    }
}

impl DescriptorOptions {
    /// The type profile. Default: [`Profile::Exact`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, Profile};
    ///
    /// assert_eq!(DescriptorOptions::default().with_profile(Profile::Text).profile, Profile::Text);
    /// ```
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Appends the change-data-capture pseudo-columns `_CHANGE_TYPE` and
    /// `_CHANGE_SEQUENCE_NUMBER` (both `optional string`, as the CDC docs
    /// define them: `UPSERT`/`DELETE`, and up to four `/`-separated hex
    /// sections) to the root message. A schema with a column of either name
    /// (compared case-insensitively) is then rejected. Default: `false`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{CdcColumn, DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_cdc(true))?;
    /// let last = &proto.layout().fields()[2];
    /// assert_eq!((last.name.as_str(), last.number, last.cdc), ("_CHANGE_SEQUENCE_NUMBER", 3, Some(CdcColumn::ChangeSequenceNumber)));
    /// // (Schema validation already refuses the name: it starts with a reserved prefix.)
    /// let clash = bqcodec::TableSchema::new(vec![bqcodec::Field::new("_change_type", bqcodec::FieldType::String)]);
    /// assert!(ProtoSchema::build(&clash, &DescriptorOptions::default().with_cdc(true)).is_err());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn with_cdc(mut self, cdc: bool) -> Self {
        self.cdc = cdc;
        self
    }

    /// The file's package: identifiers joined by `.`; anything else is
    /// rejected by [`ProtoSchema::build`]. Default: `"bqcodec"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_package("acme.orders"))?;
    /// assert_eq!(proto.layout().full_name(), "acme.orders.Row");
    /// assert_eq!(ProtoSchema::build(&schema, &DescriptorOptions::default().with_package("acme..x")).unwrap_err().to_string(),
    ///     r#"(schema): expected a proto package (identifiers joined by '.'), found "acme..x""#);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn with_package(mut self, package: impl Into<String>) -> Self {
        self.package = package.into();
        self
    }

    /// The root message's name: an identifier; anything else is rejected by
    /// [`ProtoSchema::build`]. Default: `"Row"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_message_name("Order"))?;
    /// assert_eq!(proto.descriptor_proto().name(), "Order");
    /// assert!(ProtoSchema::build(&schema, &DescriptorOptions::default().with_message_name("1Order")).is_err());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn with_message_name(mut self, name: impl Into<String>) -> Self {
        self.message_name = name.into();
        self
    }
}

/// A proto field type this crate emits.
///
/// # Examples
///
/// This also shows [`wire_type`](Self::wire_type),
/// [`is_packable`](Self::is_packable) and [`as_str`](Self::as_str).
///
/// ```
/// use bqcodec::proto::{ProtoKind, WireType};
///
/// assert_eq!(ProtoKind::Int32.wire_type(), WireType::Varint);
/// assert_eq!(ProtoKind::Double.wire_type(), WireType::Fixed64);
/// assert!(ProtoKind::Bool.is_packable());
/// assert!(!ProtoKind::String.is_packable());
/// assert_eq!(ProtoKind::Bytes.as_str(), "bytes");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtoKind {
    /// `bool`
    Bool,
    /// `int32`
    Int32,
    /// `int64`
    Int64,
    /// `double`
    Double,
    /// `string`
    String,
    /// `bytes`
    Bytes,
    /// A nested message (RECORD, RANGE).
    Message,
}

impl ProtoKind {
    /// The wire type of one value.
    pub fn wire_type(self) -> WireType {
        match self {
            ProtoKind::Bool | ProtoKind::Int32 | ProtoKind::Int64 => WireType::Varint,
            ProtoKind::Double => WireType::Fixed64,
            ProtoKind::String | ProtoKind::Bytes | ProtoKind::Message => WireType::LengthDelimited,
        }
    }

    /// True for the scalar numeric types a repeated field may pack.
    pub fn is_packable(self) -> bool {
        matches!(self.wire_type(), WireType::Varint | WireType::Fixed64)
    }

    /// The `.proto` keyword (`"int64"`); `"message"` for [`ProtoKind::Message`].
    pub fn as_str(self) -> &'static str {
        match self {
            ProtoKind::Bool => "bool",
            ProtoKind::Int32 => "int32",
            ProtoKind::Int64 => "int64",
            ProtoKind::Double => "double",
            ProtoKind::String => "string",
            ProtoKind::Bytes => "bytes",
            ProtoKind::Message => "message",
        }
    }

    /// `FieldDescriptorProto.Type`'s number for it.
    fn type_code(self) -> i32 {
        match self {
            ProtoKind::Double => 1,
            ProtoKind::Int64 => 3,
            ProtoKind::Int32 => 5,
            ProtoKind::Bool => 8,
            ProtoKind::String => 9,
            ProtoKind::Message => 11,
            ProtoKind::Bytes => 12,
        }
    }
}

/// A protobuf wire type.
///
/// # Examples
///
/// This also shows [`code`](Self::code).
///
/// ```
/// use bqcodec::proto::WireType;
///
/// assert_eq!([WireType::Varint, WireType::Fixed64, WireType::LengthDelimited].map(WireType::code), [0, 1, 2]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireType {
    /// 0: varint (`bool`, `int32`, `int64`).
    Varint,
    /// 1: eight little-endian bytes (`double`).
    Fixed64,
    /// 2: a length and that many bytes (`string`, `bytes`, messages, packed lists).
    LengthDelimited,
}

impl WireType {
    /// The wire type's number, the low three bits of a field key.
    pub fn code(self) -> u32 {
        match self {
            WireType::Varint => 0,
            WireType::Fixed64 => 1,
            WireType::LengthDelimited => 2,
        }
    }
}

/// A proto2 field label.
///
/// # Examples
///
/// This also shows [`as_str`](Self::as_str). A REQUIRED column with a default
/// value expression is `optional`, so a row may leave it out and the server
/// fills it in.
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, Label, ProtoSchema};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[
///     {"name": "id", "type": "INT64", "mode": "REQUIRED"},
///     {"name": "at", "type": "TIMESTAMP", "mode": "REQUIRED", "defaultValueExpression": "CURRENT_TIMESTAMP()"},
///     {"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// let labels: Vec<Label> = proto.layout().fields().iter().map(|f| f.label).collect();
/// assert_eq!(labels, [Label::Required, Label::Optional, Label::Repeated]);
/// assert_eq!(Label::Optional.as_str(), "optional");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// `optional`: NULLABLE, or REQUIRED with a default value.
    Optional,
    /// `required`: REQUIRED without a default value.
    Required,
    /// `repeated`: REPEATED.
    Repeated,
}

impl Label {
    /// The `.proto` keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Optional => "optional",
            Label::Required => "required",
            Label::Repeated => "repeated",
        }
    }

    /// `FieldDescriptorProto.Label`'s number for it.
    fn code(self) -> i32 {
        match self {
            Label::Optional => 1,
            Label::Required => 2,
            Label::Repeated => 3,
        }
    }
}

/// A change-data-capture pseudo-column of the root message.
///
/// # Examples
///
/// This also shows [`name`](Self::name).
///
/// ```
/// use bqcodec::proto::{CdcColumn, DescriptorOptions, ProtoSchema};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_cdc(true))?;
/// let change = proto.layout().field_by_column("_CHANGE_TYPE").and_then(|f| f.cdc);
/// assert_eq!(change, Some(CdcColumn::ChangeType));
/// assert_eq!(CdcColumn::ChangeSequenceNumber.name(), "_CHANGE_SEQUENCE_NUMBER");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CdcColumn {
    /// `_CHANGE_TYPE`: `UPSERT` or `DELETE`.
    ChangeType,
    /// `_CHANGE_SEQUENCE_NUMBER`: up to four `/`-separated hex sections.
    ChangeSequenceNumber,
}

impl CdcColumn {
    /// The pseudo-column's name, which is also its proto field name.
    pub fn name(self) -> &'static str {
        match self {
            CdcColumn::ChangeType => "_CHANGE_TYPE",
            CdcColumn::ChangeSequenceNumber => "_CHANGE_SEQUENCE_NUMBER",
        }
    }

    const ALL: [CdcColumn; 2] = [CdcColumn::ChangeType, CdcColumn::ChangeSequenceNumber];
}

/// One message of the compiled layout: the root, a RECORD, or a RANGE.
///
/// # Examples
///
/// This also shows [`name`](Self::name), [`full_name`](Self::full_name) and
/// [`fields`](Self::fields).
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "line_items", "type": "RECORD",
///     "fields": [{"name": "sku", "type": "STRING"}]}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// let root = proto.layout();
/// assert_eq!((root.name(), root.full_name()), ("Row", "bqcodec.Row"));
/// let items = root.fields()[0].nested.as_ref().map(|m| (m.name(), m.full_name(), m.fields().len()));
/// assert_eq!(items, Some(("LineItems", "bqcodec.Row.LineItems", 1)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MessageLayout {
    name: String,
    full_name: String,
    fields: Vec<FieldLayout>,
    by_column: HashMap<String, usize>,
}

impl MessageLayout {
    fn new(fields: Vec<FieldLayout>) -> Self {
        let by_column = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.column_name.to_lowercase(), i))
            .collect();
        MessageLayout {
            name: String::new(),
            full_name: String::new(),
            fields,
            by_column,
        }
    }

    /// The message's simple name (`Row`, `Address`, `RangeDate`): what a field
    /// of this type has as its `type_name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The message's full name in the file (`bqcodec.Row.Address`).
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    /// The fields in field-number order. For the root and RECORDs, field
    /// `i` is the schema's sub-field `i` (the CDC pseudo-columns follow the
    /// root's last column); for a RANGE, `start` then `end`.
    pub fn fields(&self) -> &[FieldLayout] {
        &self.fields
    }

    /// The field for a BigQuery column name, compared case-insensitively (by
    /// Unicode lower case), as BigQuery compares column names.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "Unit Price", "type": "FLOAT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let f = proto.layout().field_by_column("unit price").map(|f| f.name.as_str());
    /// assert_eq!(f, Some("col_Unit_Price")); // found case-insensitively, as BigQuery matches columns
    /// assert!(proto.layout().field_by_column("col_Unit_Price").is_none()); // a column name, not a proto name
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn field_by_column(&self, column: &str) -> Option<&FieldLayout> {
        let i = *self.by_column.get(&column.to_lowercase())?;
        self.fields.get(i)
    }

    /// The field with field number `number`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "b", "type": "DATE"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// assert_eq!(proto.layout().field_by_number(2).map(|f| f.column_name.as_str()), Some("b"));
    /// assert!(proto.layout().field_by_number(0).is_none());
    /// assert!(proto.layout().field_by_number(3).is_none());
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn field_by_number(&self, number: u32) -> Option<&FieldLayout> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        self.fields.get(i)
    }
}

/// One field of a [`MessageLayout`]: everything the row encoder needs to
/// write a column's values.
///
/// The pair ([`field_type`](Self::field_type), [`kind`](Self::kind)) fixes
/// the value encoding: e.g. (`Timestamp`, `Int64`) is microseconds, while
/// (`Timestamp`, `String`) is a picosecond-precision literal; (`Numeric`,
/// `Bytes`) is the BigDecimal encoding, (`Numeric`, `String`) a literal.
///
/// # Examples
///
/// This also shows [`has_column_name_option`](Self::has_column_name_option),
/// [`wire_type`](Self::wire_type) and [`key`](Self::key).
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoKind, ProtoSchema, WireType};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"},
///     {"name": "scores", "type": "FLOAT64", "mode": "REPEATED"}, {"name": "2nd", "type": "STRING"}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// let [id, scores, second] = proto.layout().fields() else { unreachable!() };
/// assert_eq!((id.kind, id.wire_type(), id.key()), (ProtoKind::Int64, WireType::Varint, 0x08));
/// assert!(scores.packed);
/// assert_eq!((scores.wire_type(), scores.key()), (WireType::LengthDelimited, 0x12)); // one packed run
/// assert_eq!((second.name.as_str(), second.has_column_name_option()), ("col_2nd", true));
/// assert!(!id.has_column_name_option());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FieldLayout {
    /// The field number (1-based, schema order).
    pub number: u32,
    /// The proto field name: the column name, or a placeholder.
    pub name: String,
    /// The BigQuery column name (`start`/`end` in a RANGE message).
    pub column_name: String,
    /// The BigQuery type (a RANGE message's fields have the element type;
    /// the CDC pseudo-columns are STRING).
    pub field_type: FieldType,
    /// The proto type in the chosen profile.
    pub kind: ProtoKind,
    /// The BigQuery mode (NULLABLE for a RANGE's bounds and the CDC
    /// pseudo-columns).
    pub mode: Mode,
    /// The proto2 label.
    pub label: Label,
    /// True for a repeated field written as one packed, length-delimited run.
    pub packed: bool,
    /// The nested message, for RECORD and RANGE.
    pub nested: Option<MessageLayout>,
    /// Which CDC pseudo-column this is, if it is one.
    pub cdc: Option<CdcColumn>,
}

impl FieldLayout {
    /// True when the proto name differs from the column name, so the field
    /// carries the `column_name` option.
    pub fn has_column_name_option(&self) -> bool {
        self.name != self.column_name
    }

    /// The wire type of each occurrence of the field on the wire: the
    /// element's, or length-delimited when packed.
    pub fn wire_type(&self) -> WireType {
        if self.packed {
            WireType::LengthDelimited
        } else {
            self.kind.wire_type()
        }
    }

    /// The field key (`number << 3 | wire type`) as written before each
    /// occurrence, as a varint.
    pub fn key(&self) -> u64 {
        (u64::from(self.number) << 3) | u64::from(self.wire_type().code())
    }
}

/// A nested message type declared in the root, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NestedType {
    /// The layout (its `name` is the type name).
    pub(crate) layout: MessageLayout,
    /// What it stands for, for a comment: `RECORD address.geo`, `RANGE<DATE>`.
    pub(crate) origin: String,
}

/// A table schema compiled to a proto2 descriptor for the Storage Write API.
///
/// # Examples
///
/// This also shows [`options`](Self::options) and [`layout`](Self::layout).
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, Profile, ProtoSchema};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "d", "type": "DATE", "mode": "REQUIRED"}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// assert_eq!(proto.options().profile, Profile::Exact);
/// assert_eq!(proto.layout().fields()[0].name, "d");
/// assert_eq!(proto.to_proto_text(), "\
/// // Generated by bqcodec from a BigQuery table schema (profile: exact).
/// syntax = \"proto2\";
///
/// package bqcodec;
///
/// message Row {
///   required int32 d = 1;  // DATE: days since 1970-01-01
/// }
/// ");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProtoSchema {
    options: DescriptorOptions,
    layout: MessageLayout,
    nested: Vec<NestedType>,
    set_bytes: Vec<u8>,
    descriptor_bytes: Vec<u8>,
    file_set: prost_types::FileDescriptorSet,
    file: prost_types::FileDescriptorProto,
    root: prost_types::DescriptorProto,
    message: MessageDescriptor,
}

impl ProtoSchema {
    /// Compiles `schema` into a descriptor and its layout.
    ///
    /// Rejects, reporting every problem at once with its field path: an
    /// empty column name; two columns of one record whose names are equal
    /// ignoring case; a RECORD without sub-fields, or sub-fields under
    /// another type; RECORDs nested deeper than [`MAX_RECORD_DEPTH`]; more
    /// than [`MAX_FIELDS_PER_MESSAGE`] fields in one message; a
    /// `timestampPrecision` other than 6 or 12 on a TIMESTAMP; with CDC, a
    /// column named like a pseudo-column; and an invalid package or message
    /// name in `options`. Any other name is accepted (see the `names`
    /// module for how it becomes a proto name).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoKind, ProtoSchema};
    /// use bqcodec::TableSchema;
    ///
    /// // Flexible column names get placeholders, made unique within the message.
    /// let schema = TableSchema::from_json(r#"[{"name": "a-b", "type": "STRING"}, {"name": "a b", "type": "STRING"},
    ///                                         {"name": "ts", "type": "TIMESTAMP", "timestampPrecision": 12}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let names: Vec<&str> = proto.layout().fields().iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, ["col_a_b", "col_a_b_2", "ts"]);
    /// assert_eq!(proto.layout().fields()[2].kind, ProtoKind::String); // picosecond literal
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn build(
        schema: &TableSchema,
        options: &DescriptorOptions,
    ) -> Result<ProtoSchema, SchemaError> {
        check_options(options)?;
        let mut compiler = Compiler {
            profile: options.profile,
            problems: Vec::new(),
        };
        let fields = compiler.message(&schema.fields, 0, "", options.cdc);
        if !compiler.problems.is_empty() {
            return Err(SchemaError {
                problems: compiler.problems,
            });
        }
        let mut layout = MessageLayout::new(fields);
        let root_full = format!("{}.{}", options.package, options.message_name);
        layout.name = options.message_name.clone();
        layout.full_name = root_full.clone();

        let mut types = TypeScope::new(&options.message_name);
        reserve_field_names(&layout, &mut types);
        let mut namer = TypeNamer {
            scope: types,
            root_full: &root_full,
            ranges: HashMap::new(),
            nested: Vec::new(),
        };
        namer.name_types(&mut layout, &mut Vec::new(), &mut Vec::new());
        let nested = namer.nested;

        let root_wire = WireMessage {
            name: Some(layout.name.clone()),
            field: layout.fields.iter().map(wire_field).collect(),
            nested_type: nested
                .iter()
                .map(|t| WireMessage {
                    name: Some(t.layout.name.clone()),
                    field: t.layout.fields.iter().map(wire_field).collect(),
                    nested_type: Vec::new(),
                })
                .collect(),
        };
        let descriptor_bytes = root_wire.encode_to_vec();
        let set = WireFileSet {
            file: vec![WireFile {
                name: Some(format!(
                    "{}/{}.proto",
                    options.package.replace('.', "/"),
                    options.message_name
                )),
                package: Some(options.package.clone()),
                message_type: vec![root_wire],
                syntax: Some("proto2".to_owned()),
            }],
        };
        let set_bytes = set.encode_to_vec();

        let internal = |what: &str, e: &dyn std::fmt::Display| {
            SchemaError::single("", format!("internal error: {what}: {e}"))
        };
        let file_set = prost_types::FileDescriptorSet::decode(set_bytes.as_slice())
            .map_err(|e| internal("descriptor does not decode", &e))?;
        let pool = DescriptorPool::decode(set_bytes.as_slice())
            .map_err(|e| internal("descriptor does not load", &e))?;
        let message = pool
            .get_message_by_name(&root_full)
            .ok_or_else(|| internal("root message missing", &root_full))?;
        let file = file_set
            .file
            .first()
            .cloned()
            .ok_or_else(|| internal("file missing", &root_full))?;
        let root = file
            .message_type
            .first()
            .cloned()
            .ok_or_else(|| internal("root message missing", &root_full))?;

        Ok(ProtoSchema {
            options: options.clone(),
            layout,
            nested,
            set_bytes,
            descriptor_bytes,
            file_set,
            file,
            root,
            message,
        })
    }

    /// The options it was built with.
    pub fn options(&self) -> &DescriptorOptions {
        &self.options
    }

    /// The compiled layout of the root message, for the row encoder.
    pub fn layout(&self) -> &MessageLayout {
        &self.layout
    }

    /// The root message as a prost-types value, nested types included.
    ///
    /// prost-types' `FieldOptions` has no room for extensions, so this value
    /// **lacks the `column_name` options**: send
    /// [`descriptor_proto_bytes`](Self::descriptor_proto_bytes) instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let root = proto.descriptor_proto();
    /// assert_eq!((root.name(), root.field[0].name(), root.field[0].number()), ("Row", "id", 1));
    /// assert_eq!(root.field[0].label(), prost_types::field_descriptor_proto::Label::Required);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn descriptor_proto(&self) -> &prost_types::DescriptorProto {
        &self.root
    }

    /// The encoded root `DescriptorProto`, `column_name` options included:
    /// the bytes for the Storage Write API's `ProtoSchema.proto_descriptor`
    /// (a message field is written as its encoded bytes, so a transport may
    /// carry this as `bytes`).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    /// use prost::Message;
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let bytes = proto.descriptor_proto_bytes();
    /// let decoded = prost_types::DescriptorProto::decode(bytes).map_err(|e| e.to_string());
    /// assert_eq!(decoded.as_ref(), Ok(proto.descriptor_proto()));
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn descriptor_proto_bytes(&self) -> &[u8] {
        &self.descriptor_bytes
    }

    /// The file as a prost-types value (lacking the `column_name` options,
    /// as [`descriptor_proto`](Self::descriptor_proto) explains).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default().with_package("acme.v1"))?;
    /// let file = proto.file_descriptor_proto();
    /// assert_eq!((file.name(), file.package(), file.syntax()), ("acme/v1/Row.proto", "acme.v1", "proto2"));
    /// assert!(file.dependency.is_empty()); // self-contained: no imports
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn file_descriptor_proto(&self) -> &prost_types::FileDescriptorProto {
        &self.file
    }

    /// The file descriptor set as a prost-types value (lacking the
    /// `column_name` options, as [`descriptor_proto`](Self::descriptor_proto)
    /// explains).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// assert_eq!(proto.file_descriptor_set().file, [proto.file_descriptor_proto().clone()]);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn file_descriptor_set(&self) -> &prost_types::FileDescriptorSet {
        &self.file_set
    }

    /// The encoded `FileDescriptorSet`, `column_name` options included, as
    /// `protoc --descriptor_set_out` would write it. It loads unchanged into
    /// prost-reflect and Python's `protobuf`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema, column_name_option};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "first name", "type": "STRING"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let pool = prost_reflect::DescriptorPool::decode(proto.file_descriptor_set_bytes()).map_err(|e| e.to_string());
    /// let field = pool.ok().and_then(|p| p.get_message_by_name("bqcodec.Row")).and_then(|m| m.get_field(1));
    /// assert_eq!(field.and_then(|f| column_name_option(&f)).as_deref(), Some("first name"));
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn file_descriptor_set_bytes(&self) -> &[u8] {
        &self.set_bytes
    }

    /// The root message in a prost-reflect pool built from
    /// [`file_descriptor_set_bytes`](Self::file_descriptor_set_bytes), so its
    /// fields' options keep `column_name` (read it with [`column_name_option`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
    /// let message = proto.message_descriptor();
    /// assert_eq!(message.full_name(), "bqcodec.Row");
    /// assert_eq!(message.get_field_by_name("id").map(|f| f.number()), Some(1));
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn message_descriptor(&self) -> &MessageDescriptor {
        &self.message
    }

    /// The descriptor as `.proto` text (see the `render` module).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::proto::{DescriptorOptions, ProtoSchema};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "when", "type": "DATETIME"},
    ///     {"name": "n", "type": "INT64", "mode": "REPEATED"}]"#)?;
    /// let text = ProtoSchema::build(&schema, &DescriptorOptions::default())?.to_proto_text();
    /// assert!(text.contains("  optional int64 when = 1;  // DATETIME: CivilTime packed micros\n"));
    /// assert!(text.contains("  repeated int64 n = 2 [packed = true];  // INT64\n"));
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn to_proto_text(&self) -> String {
        super::render::render(self)
    }

    pub(crate) fn nested_types(&self) -> &[NestedType] {
        &self.nested
    }
}

/// The `column_name` option of a field, from any descriptor (ours, or one
/// made by an official client), or `None` when the field has none.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoSchema, column_name_option};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}, {"name": "价格", "type": "NUMERIC"}]"#)?;
/// let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
/// let fields: Vec<_> = proto.message_descriptor().fields().map(|f| (f.name().to_owned(), column_name_option(&f))).collect();
/// assert_eq!(fields, [("id".to_owned(), None), ("col".to_owned(), Some("价格".to_owned()))]);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn column_name_option(field: &prost_reflect::FieldDescriptor) -> Option<String> {
    let raw = field.options().encode_to_vec();
    WireFieldOptions::decode(raw.as_slice()).ok()?.column_name
}

fn check_options(options: &DescriptorOptions) -> Result<(), SchemaError> {
    let mut problems = Vec::new();
    if options.package.is_empty() || !options.package.split('.').all(names::is_identifier) {
        problems.push(SchemaProblem {
            path: String::new(),
            message: format!(
                "expected a proto package (identifiers joined by '.'), found {}",
                crate::error::quote(&options.package)
            ),
        });
    }
    if !names::is_identifier(&options.message_name) {
        problems.push(SchemaProblem {
            path: String::new(),
            message: format!(
                "expected a proto message name ([A-Za-z_][A-Za-z0-9_]*), found {}",
                crate::error::quote(&options.message_name)
            ),
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { problems })
    }
}

/// Phase one: field names, kinds, labels and nested layouts; every problem.
struct Compiler {
    profile: Profile,
    problems: Vec<SchemaProblem>,
}

impl Compiler {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(SchemaProblem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// The fields of one message. `depth` counts the enclosing RECORDs.
    fn message(
        &mut self,
        fields: &[Field],
        depth: usize,
        parent: &str,
        cdc: bool,
    ) -> Vec<FieldLayout> {
        let path_of = |name: &str| {
            if parent.is_empty() {
                name.to_owned()
            } else {
                format!("{parent}.{name}")
            }
        };
        let extra = if cdc { CdcColumn::ALL.len() } else { 0 };
        if fields.len().saturating_add(extra) > MAX_FIELDS_PER_MESSAGE {
            self.problem(
                parent,
                format!(
                    "expected at most {MAX_FIELDS_PER_MESSAGE} fields in one record, found {}",
                    fields.len().saturating_add(extra)
                ),
            );
            return Vec::new();
        }

        let mut seen: HashMap<String, &str> = HashMap::new();
        for field in fields {
            if field.name.is_empty() {
                self.problem(parent, "expected a column name, found an empty name");
                continue;
            }
            let lower = field.name.to_lowercase();
            if let Some(first) = seen.get(&lower) {
                self.problem(
                    &path_of(&field.name),
                    format!(
                        "duplicate column name: {} and {} differ only in case",
                        crate::error::quote(first),
                        crate::error::quote(&field.name)
                    ),
                );
            } else {
                seen.insert(lower, &field.name);
            }
            if cdc
                && CdcColumn::ALL
                    .iter()
                    .any(|c| c.name().eq_ignore_ascii_case(&field.name))
            {
                self.problem(
                    &path_of(&field.name),
                    "a column may not be named like a CDC pseudo-column when CDC columns are added",
                );
            }
        }

        // Names: pseudo-columns, then kept column names, then placeholders.
        let mut scope = Scope::new();
        if cdc {
            for c in CdcColumn::ALL {
                scope.try_keep(c.name());
            }
        }
        let mut proto_names: Vec<Option<String>> = fields
            .iter()
            .map(|f| {
                (names::is_identifier(&f.name) && scope.try_keep(&f.name)).then(|| f.name.clone())
            })
            .collect();
        for (slot, field) in proto_names.iter_mut().zip(fields) {
            if slot.is_none() {
                *slot = Some(scope.allocate(&names::placeholder_base(&field.name)));
            }
        }

        let mut out = Vec::with_capacity(fields.len().saturating_add(extra));
        for (i, (field, name)) in fields.iter().zip(proto_names).enumerate() {
            let number = field_number(i);
            let layout = self.field(
                field,
                name.unwrap_or_default(),
                number,
                depth,
                &path_of(&field.name),
            );
            out.push(layout);
        }
        if cdc {
            for (j, c) in CdcColumn::ALL.into_iter().enumerate() {
                out.push(FieldLayout {
                    number: field_number(fields.len().saturating_add(j)),
                    name: c.name().to_owned(),
                    column_name: c.name().to_owned(),
                    field_type: FieldType::String,
                    kind: ProtoKind::String,
                    mode: Mode::Nullable,
                    label: Label::Optional,
                    packed: false,
                    nested: None,
                    cdc: Some(c),
                });
            }
        }
        out
    }

    fn field(
        &mut self,
        field: &Field,
        name: String,
        number: u32,
        depth: usize,
        path: &str,
    ) -> FieldLayout {
        let mut nested = None;
        if field.field_type != FieldType::Record && !field.fields.is_empty() {
            self.problem(
                path,
                format!(
                    "only a RECORD may have sub-fields, found {} with {}",
                    field.field_type.sql_name(),
                    field.fields.len()
                ),
            );
        }
        let kind = match field.field_type {
            FieldType::Timestamp => match field.timestamp_precision {
                None | Some(6) => ProtoKind::Int64,
                Some(12) => ProtoKind::String,
                Some(p) => {
                    self.problem(
                        path,
                        format!("expected timestampPrecision 6 or 12, found {p}"),
                    );
                    ProtoKind::Int64
                }
            },
            FieldType::Record => {
                if field.fields.is_empty() {
                    self.problem(
                        path,
                        "expected a RECORD with at least one sub-field, found none",
                    );
                } else if depth >= MAX_RECORD_DEPTH {
                    self.problem(
                        path,
                        format!(
                            "expected RECORDs nested at most {MAX_RECORD_DEPTH} levels deep, found more"
                        ),
                    );
                } else {
                    let depth = depth.saturating_add(1);
                    let fields = self.message(&field.fields, depth, path, false);
                    nested = Some(MessageLayout::new(fields));
                }
                ProtoKind::Message
            }
            FieldType::Range(element) => {
                nested = Some(self.range(element));
                ProtoKind::Message
            }
            other => scalar_kind(other, self.profile),
        };
        let label = match field.mode {
            Mode::Nullable => Label::Optional,
            Mode::Required if field.default_value_expression.is_some() => Label::Optional,
            Mode::Required => Label::Required,
            Mode::Repeated => Label::Repeated,
        };
        FieldLayout {
            number,
            name,
            column_name: field.name.clone(),
            field_type: field.field_type,
            kind,
            mode: field.mode,
            label,
            packed: label == Label::Repeated && kind.is_packable(),
            nested,
            cdc: None,
        }
    }

    fn range(&self, element: RangeElementType) -> MessageLayout {
        let field_type = element.field_type();
        let kind = scalar_kind(field_type, self.profile);
        let bound = |number: u32, name: &str| FieldLayout {
            number,
            name: name.to_owned(),
            column_name: name.to_owned(),
            field_type,
            kind,
            mode: Mode::Nullable,
            label: Label::Optional,
            packed: false,
            nested: None,
            cdc: None,
        };
        MessageLayout::new(vec![bound(1, "start"), bound(2, "end")])
    }
}

/// The proto type of a non-message BigQuery type in `profile`.
fn scalar_kind(field_type: FieldType, profile: Profile) -> ProtoKind {
    let text = profile == Profile::Text;
    match field_type {
        FieldType::Bool => ProtoKind::Bool,
        FieldType::Int64 | FieldType::Timestamp => ProtoKind::Int64,
        FieldType::Float64 => ProtoKind::Double,
        FieldType::String | FieldType::Geography | FieldType::Json | FieldType::Interval => {
            ProtoKind::String
        }
        FieldType::Record | FieldType::Range(_) => ProtoKind::Message,
        FieldType::Bytes => ProtoKind::Bytes,
        FieldType::Date => ProtoKind::Int32,
        FieldType::DateTime | FieldType::Time if text => ProtoKind::String,
        FieldType::DateTime | FieldType::Time => ProtoKind::Int64,
        FieldType::Numeric | FieldType::BigNumeric if text => ProtoKind::String,
        FieldType::Numeric | FieldType::BigNumeric => ProtoKind::Bytes,
    }
}

/// Field number `index + 1`. `index` is below [`MAX_FIELDS_PER_MESSAGE`]
/// plus the CDC columns (checked in `Compiler::message`), so this never
/// saturates in practice.
fn field_number(index: usize) -> u32 {
    u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1))
}

fn reserve_field_names(layout: &MessageLayout, types: &mut TypeScope) {
    for f in &layout.fields {
        types.reserve_field(&f.name);
        if let Some(nested) = &f.nested {
            reserve_field_names(nested, types);
        }
    }
}

/// Phase two: type names for the nested messages, in depth-first order.
struct TypeNamer<'a> {
    scope: TypeScope,
    root_full: &'a str,
    ranges: HashMap<RangeElementType, String>,
    nested: Vec<NestedType>,
}

impl TypeNamer<'_> {
    fn name_types(
        &mut self,
        layout: &mut MessageLayout,
        proto_path: &mut Vec<String>,
        column_path: &mut Vec<String>,
    ) {
        for field in &mut layout.fields {
            let Some(nested) = field.nested.as_mut() else {
                continue;
            };
            proto_path.push(field.name.clone());
            column_path.push(field.column_name.clone());
            if let FieldType::Range(element) = field.field_type {
                let name = match self.ranges.get(&element) {
                    Some(name) => name.clone(),
                    None => {
                        let base = match element {
                            RangeElementType::Date => "RangeDate",
                            RangeElementType::DateTime => "RangeDatetime",
                            RangeElementType::Timestamp => "RangeTimestamp",
                        };
                        let name = self.scope.allocate(base);
                        self.ranges.insert(element, name.clone());
                        self.declare(nested, &name, field.field_type.sql_name().to_owned());
                        name
                    }
                };
                self.set_name(nested, &name);
            } else {
                let base = names::type_base(proto_path.iter().map(String::as_str));
                let name = self.scope.allocate(&base);
                self.set_name(nested, &name);
                // Declare before descending, so declaration order is pre-order.
                let slot = self.nested.len();
                self.declare(nested, &name, format!("RECORD {}", column_path.join(".")));
                self.name_types(nested, proto_path, column_path);
                // The declared copy must carry the type names set below it.
                if let Some(t) = self.nested.get_mut(slot) {
                    t.layout = nested.clone();
                }
            }
            proto_path.pop();
            column_path.pop();
        }
    }

    fn set_name(&self, layout: &mut MessageLayout, name: &str) {
        layout.name = name.to_owned();
        layout.full_name = format!("{}.{name}", self.root_full);
    }

    fn declare(&mut self, layout: &MessageLayout, name: &str, origin: String) {
        let mut layout = layout.clone();
        self.set_name(&mut layout, name);
        self.nested.push(NestedType { layout, origin });
    }
}

// A mirror of the part of descriptor.proto this crate writes. It exists
// because prost-types' `FieldOptions` cannot hold an extension, and the
// server must see the `column_name` option in the bytes; prost encodes these
// structs to exactly the bytes the full descriptor types would have, plus
// the extension. Field numbers are descriptor.proto's.

#[derive(Clone, PartialEq, Message)]
struct WireFileSet {
    #[prost(message, repeated, tag = "1")]
    file: Vec<WireFile>,
}

#[derive(Clone, PartialEq, Message)]
struct WireFile {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(string, optional, tag = "2")]
    package: Option<String>,
    #[prost(message, repeated, tag = "4")]
    message_type: Vec<WireMessage>,
    #[prost(string, optional, tag = "12")]
    syntax: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
struct WireMessage {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    field: Vec<WireField>,
    #[prost(message, repeated, tag = "3")]
    nested_type: Vec<WireMessage>,
}

#[derive(Clone, PartialEq, Message)]
struct WireField {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(int32, optional, tag = "3")]
    number: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    label: Option<i32>,
    #[prost(int32, optional, tag = "5")]
    r#type: Option<i32>,
    #[prost(string, optional, tag = "6")]
    type_name: Option<String>,
    #[prost(message, optional, tag = "8")]
    options: Option<WireFieldOptions>,
}

#[derive(Clone, PartialEq, Message)]
struct WireFieldOptions {
    #[prost(bool, optional, tag = "2")]
    packed: Option<bool>,
    #[prost(string, optional, tag = "454943157")]
    column_name: Option<String>,
}

fn wire_field(f: &FieldLayout) -> WireField {
    let options = (f.packed || f.has_column_name_option()).then(|| WireFieldOptions {
        packed: f.packed.then_some(true),
        column_name: f.has_column_name_option().then(|| f.column_name.clone()),
    });
    WireField {
        name: Some(f.name.clone()),
        number: Some(i32::try_from(f.number).unwrap_or(i32::MAX)),
        label: Some(f.label.code()),
        r#type: Some(f.kind.type_code()),
        type_name: f.nested.as_ref().map(|n| n.name.clone()),
        options,
    }
}

// Tests fail by panicking; the rule against expect/panic is for library code.
#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;
    use prost_reflect::{Cardinality, DynamicMessage, Kind, Value};

    use super::*;
    use crate::schema::RangeElementType;

    fn schema(fields: Vec<Field>) -> TableSchema {
        TableSchema { fields }
    }

    fn build(fields: Vec<Field>) -> ProtoSchema {
        build_with(fields, &DescriptorOptions::default())
    }

    fn build_with(fields: Vec<Field>, options: &DescriptorOptions) -> ProtoSchema {
        match ProtoSchema::build(&schema(fields), options) {
            Ok(p) => p,
            Err(e) => panic!("schema rejected: {e}"),
        }
    }

    fn problems(fields: Vec<Field>, options: &DescriptorOptions) -> Vec<(String, String)> {
        match ProtoSchema::build(&schema(fields), options) {
            Ok(_) => panic!("schema accepted"),
            Err(e) => e
                .problems
                .into_iter()
                .map(|p| (p.path, p.message))
                .collect(),
        }
    }

    fn names_of(layout: &MessageLayout) -> Vec<&str> {
        layout.fields().iter().map(|f| f.name.as_str()).collect()
    }

    /// A pool that knows the `column_name` extension: descriptor.proto from
    /// the global pool plus a file declaring the extension as
    /// googleapis' annotations.proto does.
    fn extension_pool() -> DescriptorPool {
        let mut pool = DescriptorPool::global();
        let file = prost_types::FileDescriptorProto {
            name: Some("google/cloud/bigquery/storage/v1/annotations.proto".into()),
            package: Some("google.cloud.bigquery.storage.v1".into()),
            dependency: vec!["google/protobuf/descriptor.proto".into()],
            extension: vec![prost_types::FieldDescriptorProto {
                name: Some("column_name".into()),
                number: Some(454_943_157),
                label: Some(1),
                r#type: Some(9),
                extendee: Some(".google.protobuf.FieldOptions".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        pool.add_file_descriptor_proto(file)
            .expect("annotations file loads");
        pool
    }

    /// The `column_name` extension of a field, read through a pool that
    /// declares it (independent of this crate's own decoding).
    fn extension_value(
        pool: &DescriptorPool,
        field: &prost_reflect::FieldDescriptor,
    ) -> Option<String> {
        let options = pool
            .get_message_by_name("google.protobuf.FieldOptions")
            .expect("FieldOptions");
        let ext = pool
            .get_extension_by_name(COLUMN_NAME_EXTENSION)
            .expect("extension");
        let msg = DynamicMessage::decode(options, field.options().encode_to_vec().as_slice())
            .expect("options decode");
        msg.has_extension(&ext)
            .then(|| msg.get_extension(&ext).as_str().expect("string").to_owned())
    }

    fn all_layouts<'a>(layout: &'a MessageLayout, out: &mut Vec<&'a MessageLayout>) {
        out.push(layout);
        for f in layout.fields() {
            if let Some(n) = &f.nested {
                all_layouts(n, out);
            }
        }
    }

    /// Everything the naming scheme promises, checked on a built schema.
    fn assert_invariants(proto: &ProtoSchema) {
        let mut layouts = Vec::new();
        all_layouts(proto.layout(), &mut layouts);
        let mut every_field_name = HashSet::new();
        for layout in &layouts {
            let n = layout.fields().len();
            let exact: HashSet<_> = layout.fields().iter().map(|f| f.name.clone()).collect();
            let lower: HashSet<_> = layout
                .fields()
                .iter()
                .map(|f| f.name.to_ascii_lowercase())
                .collect();
            let json: HashSet<_> = layout
                .fields()
                .iter()
                .map(|f| names::json_name(&f.name))
                .collect();
            assert_eq!(
                (exact.len(), lower.len(), json.len()),
                (n, n, n),
                "{:?}",
                names_of(layout)
            );
            for f in layout.fields() {
                assert!(names::is_identifier(&f.name), "{}", f.name);
                every_field_name.insert(f.name.clone());
            }
        }
        // Type names: distinct (ignoring case), no field's name, not the root's.
        let types: Vec<&str> = proto
            .nested_types()
            .iter()
            .map(|t| t.layout.name())
            .collect();
        let lower: HashSet<_> = types.iter().map(|t| t.to_ascii_lowercase()).collect();
        assert_eq!(lower.len(), types.len(), "{types:?}");
        assert!(!lower.contains(&proto.layout().name().to_ascii_lowercase()));
        for t in &types {
            assert!(names::is_identifier(t), "{t}");
            assert!(
                !every_field_name.contains(*t),
                "type {t} is also a field name"
            );
        }
        // prost-reflect resolves every field by its name, and its column name
        // option (read two ways) gives back the BigQuery column name.
        let pool = proto.message_descriptor().parent_pool().clone();
        let ext_pool = extension_pool();
        for layout in &layouts {
            let message = pool
                .get_message_by_name(layout.full_name())
                .expect("message in pool");
            assert_eq!(message.fields().len(), layout.fields().len());
            for f in layout.fields() {
                let fd = message.get_field_by_name(&f.name).expect("field by name");
                assert_eq!(fd.number(), f.number);
                let column = column_name_option(&fd);
                assert_eq!(column, extension_value(&ext_pool, &fd));
                assert_eq!(column.is_some(), f.has_column_name_option());
                assert_eq!(column.as_deref().unwrap_or(fd.name()), f.column_name);
                assert_eq!(
                    layout
                        .field_by_column(&f.column_name.to_uppercase())
                        .map(|x| x.number),
                    Some(f.number)
                );
            }
        }
    }

    fn every_type() -> Vec<Field> {
        let mut picos = Field::new("ts12", FieldType::Timestamp);
        picos.timestamp_precision = Some(12);
        let mut micros = Field::new("ts6", FieldType::Timestamp);
        micros.timestamp_precision = Some(6);
        vec![
            Field::new("b", FieldType::Bool),
            Field::new("i", FieldType::Int64),
            Field::new("f", FieldType::Float64),
            Field::new("s", FieldType::String),
            Field::new("by", FieldType::Bytes),
            Field::new("d", FieldType::Date),
            Field::new("dt", FieldType::DateTime),
            Field::new("t", FieldType::Time),
            Field::new("ts", FieldType::Timestamp),
            micros,
            picos,
            Field::new("n", FieldType::Numeric),
            Field::new("bn", FieldType::BigNumeric),
            Field::new("g", FieldType::Geography),
            Field::new("j", FieldType::Json),
            Field::new("iv", FieldType::Interval),
            Field::record("r", vec![Field::new("x", FieldType::Int64)]),
            Field::new("rd", FieldType::Range(RangeElementType::Date)),
            Field::new("rdt", FieldType::Range(RangeElementType::DateTime)),
            Field::new("rts", FieldType::Range(RangeElementType::Timestamp)),
        ]
    }

    fn kinds(proto: &ProtoSchema) -> Vec<(&str, ProtoKind)> {
        proto
            .layout()
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.kind))
            .collect()
    }

    // Expected types: the Storage Write API's table of supported protocol
    // buffer types, https://cloud.google.com/bigquery/docs/supported-data-types
    #[test]
    fn every_type_exact() {
        use ProtoKind::*;
        let proto = build(every_type());
        assert_eq!(
            kinds(&proto),
            [
                ("b", Bool),
                ("i", Int64),
                ("f", Double),
                ("s", String),
                ("by", Bytes),
                ("d", Int32),
                ("dt", Int64),
                ("t", Int64),
                ("ts", Int64),
                ("ts6", Int64),
                ("ts12", String),
                ("n", Bytes),
                ("bn", Bytes),
                ("g", String),
                ("j", String),
                ("iv", String),
                ("r", Message),
                ("rd", Message),
                ("rdt", Message),
                ("rts", Message),
            ]
        );
        let range = |name: &str| {
            let f = proto.layout().field_by_column(name).expect("range field");
            let n = f.nested.as_ref().expect("range message");
            (
                n.name().to_owned(),
                names_of(n).join(","),
                n.fields()[0].kind,
                n.fields()[1].kind,
                n.fields()[1].number,
            )
        };
        assert_eq!(
            range("rd"),
            ("RangeDate".into(), "start,end".into(), Int32, Int32, 2)
        );
        assert_eq!(
            range("rdt"),
            ("RangeDatetime".into(), "start,end".into(), Int64, Int64, 2)
        );
        assert_eq!(
            range("rts"),
            ("RangeTimestamp".into(), "start,end".into(), Int64, Int64, 2)
        );
        assert_eq!(
            proto
                .layout()
                .field_by_column("r")
                .and_then(|f| f.nested.as_ref())
                .map(|n| n.name()),
            Some("R")
        );
        // The prost-reflect view agrees.
        let m = proto.message_descriptor();
        let kind = |name: &str| m.get_field_by_name(name).expect("field").kind();
        assert_eq!(kind("d"), Kind::Int32);
        assert_eq!(kind("n"), Kind::Bytes);
        assert_eq!(kind("ts12"), Kind::String);
        match kind("rd") {
            Kind::Message(r) => assert_eq!(r.full_name(), "bqcodec.Row.RangeDate"),
            other => panic!("{other:?}"),
        }
        assert_invariants(&proto);
    }

    #[test]
    fn every_type_text() {
        use ProtoKind::*;
        let proto = build_with(
            every_type(),
            &DescriptorOptions::default().with_profile(Profile::Text),
        );
        assert_eq!(
            kinds(&proto),
            [
                ("b", Bool),
                ("i", Int64),
                ("f", Double),
                ("s", String),
                ("by", Bytes),
                ("d", Int32),
                ("dt", String),
                ("t", String),
                ("ts", Int64),
                ("ts6", Int64),
                ("ts12", String),
                ("n", String),
                ("bn", String),
                ("g", String),
                ("j", String),
                ("iv", String),
                ("r", Message),
                ("rd", Message),
                ("rdt", Message),
                ("rts", Message),
            ]
        );
        let rdt = proto
            .layout()
            .field_by_column("rdt")
            .and_then(|f| f.nested.as_ref())
            .expect("range");
        assert_eq!(
            (rdt.fields()[0].kind, rdt.fields()[1].kind),
            (String, String)
        );
        assert_eq!(proto.nested_types().len(), 4);
        assert_invariants(&proto);
    }

    #[test]
    fn labels_and_packing() {
        let mut with_default = Field::new("dflt", FieldType::Int64).with_mode(Mode::Required);
        with_default.default_value_expression = Some("0".into());
        let proto = build(vec![
            Field::new("opt", FieldType::Int64),
            Field::new("req", FieldType::Int64).with_mode(Mode::Required),
            with_default,
            Field::new("rb", FieldType::Bool).with_mode(Mode::Repeated),
            Field::new("rd", FieldType::Date).with_mode(Mode::Repeated),
            Field::new("ri", FieldType::Int64).with_mode(Mode::Repeated),
            Field::new("rf", FieldType::Float64).with_mode(Mode::Repeated),
            Field::new("rs", FieldType::String).with_mode(Mode::Repeated),
            Field::new("rn", FieldType::Numeric).with_mode(Mode::Repeated),
            Field::record("rr", vec![Field::new("x", FieldType::Bool)]).with_mode(Mode::Repeated),
            Field::record("qr", vec![Field::new("x", FieldType::Bool)]).with_mode(Mode::Required),
            Field::new("rg", FieldType::Range(RangeElementType::Date)).with_mode(Mode::Repeated),
        ]);
        let got: Vec<_> = proto
            .layout()
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.number, f.label, f.packed, f.wire_type()))
            .collect();
        use Label::*;
        use WireType::*;
        assert_eq!(
            got,
            [
                ("opt", 1, Optional, false, Varint),
                ("req", 2, Required, false, Varint),
                ("dflt", 3, Optional, false, Varint),
                ("rb", 4, Repeated, true, LengthDelimited),
                ("rd", 5, Repeated, true, LengthDelimited),
                ("ri", 6, Repeated, true, LengthDelimited),
                ("rf", 7, Repeated, true, LengthDelimited),
                ("rs", 8, Repeated, false, LengthDelimited),
                ("rn", 9, Repeated, false, LengthDelimited),
                ("rr", 10, Repeated, false, LengthDelimited),
                ("qr", 11, Required, false, LengthDelimited),
                ("rg", 12, Repeated, false, LengthDelimited),
            ]
        );
        let m = proto.message_descriptor();
        let f = |n: &str| m.get_field_by_name(n).expect("field");
        assert!(f("ri").is_packed() && f("rf").is_packed() && f("rb").is_packed());
        assert!(!f("rs").is_packed());
        assert_eq!(f("req").cardinality(), Cardinality::Required);
        assert_eq!(f("dflt").cardinality(), Cardinality::Optional);
        assert_eq!(f("rr").cardinality(), Cardinality::Repeated);
        // Keys: number << 3 | wire type.
        assert_eq!(
            proto.layout().field_by_number(1).map(FieldLayout::key),
            Some(8)
        );
        assert_eq!(
            proto.layout().field_by_number(6).map(FieldLayout::key),
            Some(50)
        );
        assert_eq!(proto.layout().field_by_number(0), None);
        assert_eq!(proto.layout().field_by_number(13), None);
    }

    #[test]
    fn flexible_names_get_placeholders_and_the_option() {
        let proto = build(vec![
            Field::new("名前", FieldType::String),
            Field::new("first name", FieldType::String),
            Field::new("zip-code", FieldType::String),
            Field::new("1st", FieldType::Int64),
            Field::new("価格 (円)", FieldType::Numeric),
            Field::new("plain", FieldType::Bool),
            Field::new("Ünïcödé", FieldType::Bool),
        ]);
        assert_eq!(
            names_of(proto.layout()),
            [
                "col",
                "col_first_name",
                "col_zip_code",
                "col_1st",
                "col_2",
                "plain",
                "col_n_c_d"
            ]
        );
        assert!(!proto.layout().fields()[5].has_column_name_option());
        assert_invariants(&proto);
    }

    #[test]
    fn sibling_placeholders_never_collide() {
        // Names that base64 (`+` and `/` vs `-` and `_`) or stripping would
        // fold together, real names shaped like placeholders, and a JSON-name
        // twin.
        let proto = build(vec![
            Field::new("a-b", FieldType::Int64),
            Field::new("a b", FieldType::Int64),
            Field::new("a--b", FieldType::Int64),
            Field::new("a+b", FieldType::Int64),
            Field::new("a/b", FieldType::Int64),
            Field::new("a_b", FieldType::Int64),
            Field::new("col_a_b", FieldType::Int64),
            Field::new("col_a_b_2", FieldType::Int64),
            Field::new("colAB3", FieldType::Int64),
        ]);
        assert_eq!(
            names_of(proto.layout()),
            [
                "col_a_b_4",
                "col_a_b_5",
                "col_a_b_6",
                "col_a_b_7",
                "col_a_b_8",
                "a_b",
                "col_a_b",
                "col_a_b_2",
                "colAB3"
            ]
        );
        assert_invariants(&proto);
    }

    #[test]
    fn json_name_twins_are_renamed() {
        // upb refuses two fields with one JSON name (see tests/py).
        let proto = build(vec![
            Field::new("a_b", FieldType::Int64),
            Field::new("aB", FieldType::Int64),
            Field::new("_", FieldType::Int64),
            Field::new("__", FieldType::Int64),
            Field::new("x_1", FieldType::Int64),
            Field::new("x1", FieldType::Int64),
        ]);
        assert_eq!(
            names_of(proto.layout()),
            ["a_b", "col_aB", "_", "col", "x_1", "col_x1"]
        );
        assert_invariants(&proto);
    }

    #[test]
    fn placeholders_differ_from_real_names_in_case_too() {
        let proto = build(vec![
            Field::new("x y", FieldType::Int64),
            Field::new("COL_X_Y", FieldType::Int64),
        ]);
        assert_eq!(names_of(proto.layout()), ["col_x_y_2", "COL_X_Y"]);
        assert_invariants(&proto);
    }

    #[test]
    fn keywords_are_kept() {
        let proto = build(vec![
            Field::new("message", FieldType::Int64),
            Field::new("class", FieldType::Int64),
            Field::new("optional", FieldType::Int64),
            Field::new("None", FieldType::Int64),
        ]);
        assert_eq!(
            names_of(proto.layout()),
            ["message", "class", "optional", "None"]
        );
        assert_invariants(&proto);
    }

    #[test]
    fn nested_type_names_never_collide() {
        // Node's client names both of these `root_a_b`.
        let proto = build(vec![
            Field::record("a_b", vec![Field::new("x", FieldType::Int64)]),
            Field::record(
                "a",
                vec![Field::record("b", vec![Field::new("y", FieldType::Int64)])],
            ),
            Field::record("A-B", vec![Field::new("z", FieldType::Int64)]),
            // A column named like a type, a RECORD named like the root, a
            // RECORD named like a RANGE type.
            Field::new("AB_2", FieldType::Int64),
            Field::record("row", vec![Field::new("w", FieldType::Int64)]),
            Field::record("range_date", vec![Field::new("v", FieldType::Int64)]),
            Field::new("period", FieldType::Range(RangeElementType::Date)),
            Field::record(
                "deep",
                vec![Field::new("p", FieldType::Range(RangeElementType::Date))],
            ),
        ]);
        let types: Vec<(&str, &str)> = proto
            .nested_types()
            .iter()
            .map(|t| (t.layout.name(), t.origin.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("AB", "RECORD a_b"),
                ("A", "RECORD a"),
                ("AB_3", "RECORD a.b"),
                ("ColAB", "RECORD A-B"),
                ("Row_2", "RECORD row"),
                ("RangeDate", "RECORD range_date"),
                ("RangeDate_2", "RANGE<DATE>"),
                ("Deep", "RECORD deep"),
            ]
        );
        // Both RANGE<DATE> columns share one message.
        let deep = proto
            .layout()
            .field_by_column("deep")
            .and_then(|f| f.nested.as_ref())
            .expect("deep");
        assert_eq!(
            deep.fields()[0].nested.as_ref().map(MessageLayout::name),
            Some("RangeDate_2")
        );
        assert_eq!(
            proto
                .layout()
                .field_by_column("period")
                .and_then(|f| f.nested.as_ref())
                .map(MessageLayout::full_name),
            Some("bqcodec.Row.RangeDate_2")
        );
        assert_invariants(&proto);
    }

    #[test]
    fn cdc_columns_follow_the_last_column() {
        let options = DescriptorOptions::default().with_cdc(true);
        let proto = build_with(
            vec![
                Field::new("id", FieldType::Int64),
                Field::new("CHANGETYPE", FieldType::String),
            ],
            &options,
        );
        let got: Vec<_> = proto
            .layout()
            .fields()
            .iter()
            .map(|f| (f.name.as_str(), f.number, f.kind, f.label, f.cdc))
            .collect();
        assert_eq!(
            got,
            [
                ("id", 1, ProtoKind::Int64, Label::Optional, None),
                // Its JSON name is _CHANGE_TYPE's, so it yields.
                (
                    "col_CHANGETYPE",
                    2,
                    ProtoKind::String,
                    Label::Optional,
                    None
                ),
                (
                    "_CHANGE_TYPE",
                    3,
                    ProtoKind::String,
                    Label::Optional,
                    Some(CdcColumn::ChangeType)
                ),
                (
                    "_CHANGE_SEQUENCE_NUMBER",
                    4,
                    ProtoKind::String,
                    Label::Optional,
                    Some(CdcColumn::ChangeSequenceNumber)
                ),
            ]
        );
        assert_invariants(&proto);
        // Pseudo-columns appear in the root only.
        let nested = build_with(
            vec![Field::record("r", vec![Field::new("x", FieldType::Int64)])],
            &options,
        );
        assert_eq!(
            nested.layout().fields()[0]
                .nested
                .as_ref()
                .map(|n| n.fields().len()),
            Some(1)
        );
        // A column named like one is refused.
        let p = problems(
            vec![Field::new("_change_type", FieldType::String)],
            &options,
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "_change_type");
    }

    #[test]
    fn descriptor_loads_into_prost_reflect() {
        let proto = build(every_type());
        let pool = DescriptorPool::decode(proto.file_descriptor_set_bytes()).expect("bytes load");
        assert!(pool.get_message_by_name("bqcodec.Row.R").is_some());
        // The typed values load too (without the options).
        let typed = DescriptorPool::from_file_descriptor_set(proto.file_descriptor_set().clone())
            .expect("typed set loads");
        assert_eq!(
            typed
                .get_message_by_name("bqcodec.Row")
                .map(|m| m.fields().len()),
            Some(20)
        );
        let file = proto.file_descriptor_proto();
        assert_eq!(
            (
                file.name(),
                file.package(),
                file.syntax(),
                file.dependency.len(),
                file.message_type.len()
            ),
            ("bqcodec/Row.proto", "bqcodec", "proto2", 0, 1)
        );
        // The root holds every nested type; fields refer to them by simple name.
        let root = proto.descriptor_proto();
        let nested: Vec<&str> = root.nested_type.iter().map(|m| m.name()).collect();
        assert_eq!(
            nested,
            ["R", "RangeDate", "RangeDatetime", "RangeTimestamp"]
        );
        assert!(root.nested_type.iter().all(|m| m.nested_type.is_empty()));
        assert_eq!(
            root.field
                .iter()
                .find(|f| f.name() == "r")
                .map(|f| f.type_name()),
            Some("R")
        );
        // The Storage Write bytes are that DescriptorProto plus the options.
        let from_bytes =
            prost_types::DescriptorProto::decode(proto.descriptor_proto_bytes()).expect("decodes");
        assert_eq!(&from_bytes, root);
    }

    #[test]
    fn the_bytes_carry_the_column_name_option() {
        let proto = build(vec![
            Field::new("ok", FieldType::Int64).with_mode(Mode::Repeated),
            Field::record(
                "a b",
                vec![Field::new("c-d", FieldType::Int64).with_mode(Mode::Repeated)],
            ),
        ]);
        // Decode the set as google.protobuf.FileDescriptorSet in a pool that
        // declares the extension, and read the options from there.
        let pool = extension_pool();
        let ext = pool
            .get_extension_by_name(COLUMN_NAME_EXTENSION)
            .expect("extension");
        let set_desc = pool
            .get_message_by_name("google.protobuf.FileDescriptorSet")
            .expect("set");
        let set =
            DynamicMessage::decode(set_desc, proto.file_descriptor_set_bytes()).expect("decodes");
        let list = |m: &DynamicMessage, name: &str| -> Vec<DynamicMessage> {
            match m.get_field_by_name(name).expect("field").as_ref() {
                Value::List(v) => v
                    .iter()
                    .map(|x| x.as_message().expect("message").clone())
                    .collect(),
                other => panic!("{other:?}"),
            }
        };
        let root = list(&list(&set, "file")[0], "message_type")[0].clone();
        let options_of = |field: &DynamicMessage| -> (Option<String>, Option<bool>) {
            let Some(opts) = field.get_field_by_name("options") else {
                return (None, None);
            };
            let opts = opts.as_message().expect("options").clone();
            let col = opts
                .has_extension(&ext)
                .then(|| opts.get_extension(&ext).as_str().expect("str").to_owned());
            let packed = opts.has_field_by_name("packed").then(|| {
                opts.get_field_by_name("packed")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
            });
            (col, packed)
        };
        let fields = list(&root, "field");
        assert_eq!(options_of(&fields[0]), (None, Some(true)));
        assert_eq!(options_of(&fields[1]), (Some("a b".into()), None));
        let nested = list(&root, "nested_type");
        assert_eq!(
            options_of(&list(&nested[0], "field")[0]),
            (Some("c-d".into()), Some(true))
        );
        assert_invariants(&proto);
    }

    #[test]
    fn dynamic_message_round_trip() {
        let proto = build(vec![
            Field::new("id", FieldType::Int64).with_mode(Mode::Required),
            Field::new("tags", FieldType::Int64).with_mode(Mode::Repeated),
            Field::new("full name", FieldType::String),
            Field::new("price", FieldType::Numeric),
            Field::record("addr", vec![Field::new("zip-code", FieldType::String)])
                .with_mode(Mode::Repeated),
            Field::new("stay", FieldType::Range(RangeElementType::Date)),
        ]);
        let m = proto.message_descriptor().clone();
        let mut row = DynamicMessage::new(m.clone());
        row.set_field_by_name("id", Value::I64(-7));
        row.set_field_by_name("tags", Value::List(vec![Value::I64(1), Value::I64(300)]));
        row.set_field_by_name("col_full_name", Value::String("Ada".into()));
        row.set_field_by_name("price", Value::Bytes(vec![0x01, 0x02].into()));
        let addr_desc = proto
            .layout()
            .field_by_column("addr")
            .and_then(|f| f.nested.as_ref())
            .expect("addr");
        let mut addr = DynamicMessage::new(
            m.parent_pool()
                .get_message_by_name(addr_desc.full_name())
                .expect("addr msg"),
        );
        addr.set_field_by_name("col_zip_code", Value::String("75001".into()));
        row.set_field_by_name("addr", Value::List(vec![Value::Message(addr)]));
        let mut stay = DynamicMessage::new(
            m.parent_pool()
                .get_message_by_name("bqcodec.Row.RangeDate")
                .expect("range"),
        );
        stay.set_field_by_name("start", Value::I32(19_000));
        row.set_field_by_name("stay", Value::Message(stay));
        let bytes = row.encode_to_vec();
        // The packed list as the layout says: key 0x12 (2 << 3 | 2), length 3, varints 1 and 300.
        let tags_key = proto.layout().field_by_column("tags").map(FieldLayout::key);
        assert_eq!(tags_key, Some(0x12));
        assert!(bytes.windows(5).any(|w| w == [0x12, 3, 1, 0xac, 0x02]));
        let back = DynamicMessage::decode(m, bytes.as_slice()).expect("decodes");
        assert_eq!(back, row);
        assert_eq!(
            back.get_field_by_name("id").and_then(|v| v.as_i64()),
            Some(-7)
        );
    }

    #[test]
    fn problems_are_reported_together() {
        let mut bad_ts = Field::new("ts", FieldType::Timestamp);
        bad_ts.timestamp_precision = Some(9);
        let mut int_with_children = Field::new("n", FieldType::Int64);
        int_with_children.fields = vec![Field::new("x", FieldType::Int64)];
        let p = problems(
            vec![
                Field::new("", FieldType::Int64),
                Field::new("Été", FieldType::Int64),
                Field::new("éTÉ", FieldType::Int64),
                Field::record("empty", vec![]),
                Field::record("r", vec![bad_ts]),
                int_with_children,
            ],
            &DescriptorOptions::default(),
        );
        let paths: Vec<&str> = p.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["", "éTÉ", "empty", "r.ts", "n"]);
        assert!(p[1].1.contains("differ only in case"), "{}", p[1].1);
        assert!(
            p[3].1.contains("timestampPrecision 6 or 12, found 9"),
            "{}",
            p[3].1
        );
    }

    fn nested(depth: usize) -> Field {
        let mut f = Field::new("leaf", FieldType::Int64);
        for _ in 0..depth {
            f = Field::record("r", vec![f]);
        }
        f
    }

    #[test]
    fn depth_is_limited() {
        let proto = build(vec![nested(MAX_RECORD_DEPTH)]);
        assert_eq!(proto.nested_types().len(), MAX_RECORD_DEPTH);
        assert_invariants(&proto);
        let p = problems(
            vec![nested(MAX_RECORD_DEPTH + 1)],
            &DescriptorOptions::default(),
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, vec!["r"; MAX_RECORD_DEPTH + 1].join("."));
        // Far deeper input is refused without recursing through it.
        assert_eq!(
            problems(vec![nested(10_000)], &DescriptorOptions::default()).len(),
            1
        );
    }

    #[test]
    fn too_many_fields() {
        let many: Vec<Field> = (0..=MAX_FIELDS_PER_MESSAGE)
            .map(|i| Field::new(format!("f{i}"), FieldType::Bool))
            .collect();
        assert_eq!(problems(many, &DescriptorOptions::default()).len(), 1);
    }

    #[test]
    fn options_are_checked() {
        let fields = || vec![Field::new("a", FieldType::Bool)];
        let p = problems(
            fields(),
            &DescriptorOptions::default()
                .with_package("a..b")
                .with_message_name("1x"),
        );
        assert_eq!(p.len(), 2);
        let proto = build_with(
            fields(),
            &DescriptorOptions::default()
                .with_package("my.pkg")
                .with_message_name("Orders"),
        );
        assert_eq!(proto.layout().full_name(), "my.pkg.Orders");
        assert_eq!(proto.file_descriptor_proto().name(), "my/pkg/Orders.proto");
        assert_eq!(proto.message_descriptor().full_name(), "my.pkg.Orders");
    }

    #[test]
    fn building_is_deterministic() {
        let a = build(every_type());
        let b = build(every_type());
        assert_eq!(a.file_descriptor_set_bytes(), b.file_descriptor_set_bytes());
        assert_eq!(a.to_proto_text(), b.to_proto_text());
    }

    fn name_strategy() -> impl Strategy<Value = String> {
        // Short names over characters that exercise every rule: letters of
        // both cases, digits, `_`, separators, and non-ASCII letters.
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just('A'),
                Just('b'),
                Just('B'),
                Just('c'),
                Just('o'),
                Just('l'),
                Just('1'),
                Just('2'),
                Just('_'),
                Just('-'),
                Just(' '),
                Just('é'),
                Just('列'),
            ],
            1..6,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    fn unique_fields(names: Vec<String>, leaf: impl Fn(String) -> Field) -> Vec<Field> {
        let mut seen = HashSet::new();
        names
            .into_iter()
            .filter(|n| seen.insert(n.to_lowercase()))
            .map(leaf)
            .collect()
    }

    proptest! {
        #[test]
        fn any_names_build_a_collision_free_descriptor(
            top in proptest::collection::vec(name_strategy(), 1..12),
            inner in proptest::collection::vec(name_strategy(), 1..6),
            records in proptest::collection::vec(name_strategy(), 1..4),
            cdc in any::<bool>(),
        ) {
            let inner_fields = unique_fields(inner, |n| Field::new(n, FieldType::Int64).with_mode(Mode::Repeated));
            let mut fields = unique_fields(top, |n| Field::new(n, FieldType::String));
            let mut seen: HashSet<String> = fields.iter().map(|f| f.name.to_lowercase()).collect();
            for r in records {
                if seen.insert(r.to_lowercase()) {
                    fields.push(Field::record(r.clone(), vec![Field::record(r, inner_fields.clone())]));
                }
            }
            fields.retain(|f| !(cdc && CdcColumn::ALL.iter().any(|c| c.name().eq_ignore_ascii_case(&f.name))));
            let proto = build_with(fields, &DescriptorOptions::default().with_cdc(cdc));
            assert_invariants(&proto);
        }
    }
}
