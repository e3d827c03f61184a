//! BigQuery table schema → Arrow schema, as the Storage Write API takes it.
//!
//! [`to_arrow_schema`] maps a compiled [`Plan`]; [`table_to_arrow_schema`] validates
//! and maps a [`TableSchema`]. The type table and every choice made where the
//! docs leave room are in the [module docs](super).
//!
//! The same compiled mapping (`Layout`, crate-private) drives the row sink,
//! so the schema a caller sends and the batches it sends can never disagree.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{
    DataType, Field as ArrowField, FieldRef, Fields, IntervalUnit, Schema, TimeUnit,
};
use ethnum::I256;

use crate::error::SchemaError;
use crate::plan::{Plan, PlanField, PlanKind, PlanRecord, WalkOptions};
use crate::schema::{Mode, RangeElementType, TableSchema};
use crate::value::Codec;
use crate::value::numeric::{BigNumeric, DecimalParams, Numeric};

/// The field-metadata key naming an Arrow extension type.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::schema::{EXTENSION_NAME_KEY, JSON_EXTENSION};
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("doc", FieldType::Json)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// let doc = arrow.field(0);
/// assert_eq!(doc.data_type(), &arrow_schema::DataType::Utf8); // JSON travels as text
/// assert_eq!(doc.metadata()[EXTENSION_NAME_KEY], JSON_EXTENSION);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const EXTENSION_NAME_KEY: &str = "ARROW:extension:name";
/// The field-metadata key holding an extension type's parameters.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::arrow::schema::{EXTENSION_METADATA_KEY, GEOGRAPHY_EXTENSION_METADATA};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("place", FieldType::Geography)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// let place = arrow.field(0).metadata();
/// assert_eq!(place[EXTENSION_METADATA_KEY], GEOGRAPHY_EXTENSION_METADATA);
/// assert_eq!(GEOGRAPHY_EXTENSION_METADATA, r#"{"encoding": "WKT"}"#);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const EXTENSION_METADATA_KEY: &str = "ARROW:extension:metadata";
/// The extension name python-bigquery gives GEOGRAPHY columns.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{describe_schema, table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("place", FieldType::Geography)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// assert_eq!(
///     describe_schema(&arrow),
///     "place: Utf8 {\"ARROW:extension:metadata\": \"{\\\"encoding\\\": \\\"WKT\\\"}\", \
///      \"ARROW:extension:name\": \"google:sqlType:geography\"}\n",
/// );
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const GEOGRAPHY_EXTENSION: &str = "google:sqlType:geography";
/// The extension metadata python-bigquery gives GEOGRAPHY columns.
pub const GEOGRAPHY_EXTENSION_METADATA: &str = r#"{"encoding": "WKT"}"#;
/// The extension name python-bigquery gives JSON columns.
pub const JSON_EXTENSION: &str = "google:sqlType:json";
/// The extension name python-bigquery gives DATETIME columns.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::arrow::schema::{DATETIME_EXTENSION, EXTENSION_NAME_KEY};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("at", FieldType::DateTime)]);
/// let at = table_to_arrow_schema(&schema, &SchemaOptions::new())?.field(0).clone();
/// // Zone-less microseconds; the extension name tells DATETIME from TIMESTAMP.
/// assert_eq!(at.data_type().to_string(), "Timestamp(µs)");
/// assert_eq!(at.metadata()[EXTENSION_NAME_KEY], DATETIME_EXTENSION);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const DATETIME_EXTENSION: &str = "google:sqlType:datetime";
/// The time zone of TIMESTAMP columns.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("ts", FieldType::Timestamp)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// assert_eq!(arrow.field(0).data_type().to_string(), "Timestamp(µs, \"UTC\")");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const UTC: &str = "UTC";
/// The name of a list's item field (Arrow's and pyarrow's default).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("tags", FieldType::String).with_mode(Mode::Repeated)]);
/// let tags = table_to_arrow_schema(&schema, &SchemaOptions::new())?.field(0).clone();
/// let arrow_schema::DataType::List(item) = tags.data_type() else { unreachable!() };
/// assert_eq!((item.name().as_str(), item.is_nullable()), ("item", false));
/// assert!(!tags.is_nullable()); // NULL or absent is written as []
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub const LIST_ITEM_NAME: &str = "item";

/// How parameterized NUMERIC(P, S) / BIGNUMERIC(P, S) columns map.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, DecimalMapping, SchemaOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "price", "type": "NUMERIC", "precision": "10", "scale": "2"}]"#,
/// )?;
/// let base = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// assert_eq!(base.field(0).data_type().to_string(), "Decimal128(38, 9)");
/// let declared = SchemaOptions::new().with_decimals(DecimalMapping::Declared);
/// let declared = table_to_arrow_schema(&schema, &declared)?;
/// assert_eq!(declared.field(0).data_type().to_string(), "Decimal128(10, 2)");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DecimalMapping {
    /// Every NUMERIC is `Decimal128(38, 9)` and every BIGNUMERIC
    /// `Decimal256(76, 38)`, whatever the declared parameters (the default:
    /// what python-bigquery's `bq_to_arrow_schema` and Google's Arrow write
    /// sample send). The declared P and S are still enforced on every value
    /// by the value codec.
    #[default]
    Base,
    /// NUMERIC(P, S) is `Decimal128(P, S)` and BIGNUMERIC(P, S)
    /// `Decimal256(P, S)` (S defaults to 0 when only P is declared);
    /// unparameterized columns stay on the base types. Values are rescaled
    /// exactly.
    Declared,
}

/// How TIMESTAMP columns with `timestampPrecision` 12 (picoseconds) map.
///
/// Arrow has no picosecond unit, and no Google document we could find says
/// which Arrow type the Storage Write API takes for these columns, so the
/// default refuses to guess.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, PicosMapping, SchemaOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"}]"#,
/// )?;
/// assert!(table_to_arrow_schema(&schema, &SchemaOptions::new()).is_err());
/// let nanos = SchemaOptions::new().with_picos(PicosMapping::Nanos);
/// let arrow = table_to_arrow_schema(&schema, &nanos)?;
/// assert_eq!(arrow.field(0).data_type().to_string(), "Timestamp(ns, \"UTC\")");
/// let text = SchemaOptions::new().with_picos(PicosMapping::Text);
/// assert_eq!(table_to_arrow_schema(&schema, &text)?.field(0).data_type().to_string(), "Utf8");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PicosMapping {
    /// A schema with such a column does not map: a [`SchemaError`] names
    /// the column (the default).
    #[default]
    Reject,
    /// `Timestamp(Nanosecond, "UTC")` (what the Read API sends for
    /// `TIMESTAMP_PRECISION_NANOS`). Exact only: a value with a non-zero
    /// sub-nanosecond digit, or outside 1677-09-21 … 2262-04-11 (the i64
    /// nanosecond range), is a row error, never truncated.
    Nanos,
    /// `Utf8` holding the canonical text
    /// `YYYY-MM-DDTHH:MM:SS[.ffffffffffff]Z` (what the Read API sends for
    /// `TIMESTAMP_PRECISION_PICOS`): full precision and range.
    Text,
}

/// Choices of the schema mapping; see [`DecimalMapping`] and [`PicosMapping`].
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{DecimalMapping, PicosMapping, SchemaOptions};
///
/// let options = SchemaOptions::new();
/// assert_eq!(options, SchemaOptions::default());
/// assert_eq!((options.decimals, options.picos), (DecimalMapping::Base, PicosMapping::Reject));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SchemaOptions {
    /// Parameterized decimals. Default: [`DecimalMapping::Base`].
    pub decimals: DecimalMapping,
    /// Picosecond TIMESTAMP columns. Default: [`PicosMapping::Reject`].
    pub picos: PicosMapping,
}

impl SchemaOptions {
    /// The defaults: base decimal types, picosecond TIMESTAMP rejected.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{PicosMapping, SchemaOptions};
    ///
    /// const OPTIONS: SchemaOptions = SchemaOptions::new().with_picos(PicosMapping::Nanos);
    /// assert_eq!(OPTIONS.picos, PicosMapping::Nanos);
    /// ```
    pub const fn new() -> Self {
        SchemaOptions {
            decimals: DecimalMapping::Base,
            picos: PicosMapping::Reject,
        }
    }

    /// Sets the decimal mapping (default [`DecimalMapping::Base`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{DecimalMapping, SchemaOptions};
    /// let o = SchemaOptions::new().with_decimals(DecimalMapping::Declared);
    /// assert_eq!(o.decimals, DecimalMapping::Declared);
    /// ```
    pub const fn with_decimals(mut self, decimals: DecimalMapping) -> Self {
        self.decimals = decimals;
        self
    }

    /// Sets the picosecond TIMESTAMP mapping (default [`PicosMapping::Reject`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::arrow::{PicosMapping, SchemaOptions};
    /// let o = SchemaOptions::new().with_picos(PicosMapping::Text);
    /// assert_eq!(o.picos, PicosMapping::Text);
    /// ```
    pub const fn with_picos(mut self, picos: PicosMapping) -> Self {
        self.picos = picos;
        self
    }
}

/// Maps a compiled plan to the Arrow schema the Storage Write API takes.
///
/// Fails only for a TIMESTAMP(12) column under [`PicosMapping::Reject`]
/// (the default); the error names every such column.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{SchemaOptions, to_arrow_schema};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// let schema = TableSchema::new(vec![
///     Field::new("id", FieldType::Int64).with_mode(Mode::Required),
///     Field::new("tags", FieldType::String).with_mode(Mode::Repeated),
/// ]);
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let arrow = to_arrow_schema(&plan, &SchemaOptions::new())?;
/// assert_eq!(arrow.field(0).to_string(), "Field { \"id\": Int64 }");
/// assert!(!arrow.field(1).is_nullable());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn to_arrow_schema(plan: &Plan, options: &SchemaOptions) -> Result<Schema, SchemaError> {
    Layout::compile(plan, options).map(|l| l.schema.as_ref().clone())
}

/// Validates `schema` and maps it (see [`to_arrow_schema`]).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("price", FieldType::Numeric)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// assert_eq!(arrow.field(0).data_type().to_string(), "Decimal128(38, 9)");
/// // An invalid schema is refused before mapping (names compare case-insensitively):
/// let bad = TableSchema::new(vec![Field::new("a", FieldType::Int64), Field::new("A", FieldType::Int64)]);
/// assert!(table_to_arrow_schema(&bad, &SchemaOptions::new()).is_err());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn table_to_arrow_schema(
    schema: &TableSchema,
    options: &SchemaOptions,
) -> Result<Schema, SchemaError> {
    let plan = Plan::compile(schema, WalkOptions::new())?;
    to_arrow_schema(&plan, options)
}

/// The Arrow schema as text, one top-level field per line:
/// `name: TYPE[ not null][ {metadata}]`, with nested fields inside the type
/// (`Struct("a": Int64, …)`, `List(Utf8)` …) as arrow-rs prints them.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{describe_schema, table_to_arrow_schema, SchemaOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED"},
///         {"name": "during", "type": "RANGE", "rangeElementType": {"type": "DATE"}}]"#,
/// )?;
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// assert_eq!(
///     describe_schema(&arrow),
///     "id: Int64 not null\nduring: Struct(\"start\": Date32, \"end\": Date32)\n",
/// );
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn describe_schema(schema: &Schema) -> String {
    let mut out = String::new();
    for f in schema.fields() {
        out.push_str(f.name());
        out.push_str(": ");
        out.push_str(&f.data_type().to_string());
        if !f.is_nullable() {
            out.push_str(" not null");
        }
        if !f.metadata().is_empty() {
            let mut keys: Vec<_> = f.metadata().iter().collect();
            keys.sort();
            out.push_str(" {");
            for (i, (k, v)) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&format!("{k:?}: {v:?}"));
            }
            out.push('}');
        }
        out.push('\n');
    }
    out
}

/// What one column stores, decided once from its codec and the options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    Int64,
    Float64,
    /// NUMERIC: the scaled i128 is divided by `divisor` (10^(9−S)).
    Decimal128 {
        precision: u8,
        scale: u8,
        divisor: i128,
    },
    /// BIGNUMERIC: the scaled I256 is divided by `divisor` (10^(38−S)).
    Decimal256 {
        precision: u8,
        scale: u8,
        divisor: I256,
    },
    /// STRING, JSON, GEOGRAPHY, TIMESTAMP(12) as text.
    Utf8,
    Binary,
    Date32,
    Time64,
    /// DATETIME (no zone) and TIMESTAMP ("UTC"): microseconds.
    TimestampMicros,
    /// TIMESTAMP(12) under [`PicosMapping::Nanos`].
    TimestampNanos,
    Interval,
    Range(RangeElementType),
    Struct,
}

/// One column of the layout, indexed by the plan field's id.
#[derive(Debug, Clone)]
pub(crate) struct ColSpec {
    pub kind: Kind,
    /// The slot may be NULL (NULLABLE, or REQUIRED with a default value).
    pub nullable: bool,
    /// A list of non-null items.
    pub repeated: bool,
    /// Child column ids of a RECORD, in schema order.
    pub children: Vec<usize>,
    /// The item's Arrow type (the field's type, or the list's item type).
    pub item_type: DataType,
    /// The list's item field (for REPEATED).
    pub item_field: Option<FieldRef>,
    /// The column name, for error messages.
    pub name: String,
}

/// The compiled mapping of one plan: the Arrow schema and per-column specs.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub schema: Arc<Schema>,
    pub specs: Vec<ColSpec>,
    /// Top-level column ids, in schema order.
    pub top: Vec<usize>,
    /// Arrow array nodes in one record batch (IPC `FieldNode`s).
    pub nodes: usize,
    /// Arrow buffers in one record batch (IPC `Buffer`s).
    pub buffers: usize,
}

impl Layout {
    pub(crate) fn compile(plan: &Plan, options: &SchemaOptions) -> Result<Layout, SchemaError> {
        let mut c = Compiler {
            options: *options,
            specs: vec![None; plan.field_count()],
            problems: Vec::new(),
            nodes: 0,
            buffers: 0,
        };
        let fields = c.record(plan.root(), "");
        let top = plan.root().fields.iter().map(|f| f.id).collect();
        if !c.problems.is_empty() {
            return Err(SchemaError {
                problems: c.problems,
            });
        }
        let mut specs = Vec::with_capacity(c.specs.len());
        for (id, s) in c.specs.into_iter().enumerate() {
            match s {
                Some(s) => specs.push(s),
                None => {
                    return Err(SchemaError::single(
                        "",
                        format!("internal: plan field {id} has no Arrow column"),
                    ));
                }
            }
        }
        Ok(Layout {
            schema: Arc::new(Schema::new(fields)),
            specs,
            top,
            nodes: c.nodes,
            buffers: c.buffers,
        })
    }
}

struct Compiler {
    options: SchemaOptions,
    specs: Vec<Option<ColSpec>>,
    problems: Vec<crate::error::SchemaProblem>,
    nodes: usize,
    buffers: usize,
}

/// Arrow's signed scale of a decimal column (at most 38 here).
pub(crate) fn arrow_scale(scale: u8) -> i8 {
    i8::try_from(scale).unwrap_or(i8::MAX)
}

/// 10^(9−S): NUMERIC's scaled integer → one scaled by 10^S.
fn decimal_divisor_128(scale: u32) -> Option<i128> {
    10i128.checked_pow(Numeric::SCALE.checked_sub(scale)?)
}

/// 10^(38−S): BIGNUMERIC's scaled integer → one scaled by 10^S.
fn decimal_divisor_256(scale: u32) -> Option<I256> {
    I256::new(10).checked_pow(BigNumeric::SCALE.checked_sub(scale)?)
}

impl Compiler {
    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(crate::error::SchemaProblem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    fn record(&mut self, rec: &PlanRecord, prefix: &str) -> Vec<FieldRef> {
        rec.fields
            .iter()
            .map(|f| {
                let path = if prefix.is_empty() {
                    f.name.clone()
                } else {
                    format!("{prefix}.{}", f.name)
                };
                self.field(f, &path)
            })
            .collect()
    }

    fn leaf_kind(
        &mut self,
        codec: &Codec,
        path: &str,
    ) -> (Kind, DataType, HashMap<String, String>) {
        let ext = |name: &str| HashMap::from([(EXTENSION_NAME_KEY.to_owned(), name.to_owned())]);
        let none = HashMap::new;
        match *codec {
            Codec::Bool => (Kind::Bool, DataType::Boolean, none()),
            Codec::Int64 => (Kind::Int64, DataType::Int64, none()),
            Codec::Float64 => (Kind::Float64, DataType::Float64, none()),
            Codec::String { .. } => (Kind::Utf8, DataType::Utf8, none()),
            Codec::Bytes { .. } => (Kind::Binary, DataType::Binary, none()),
            Codec::Numeric(p) => {
                let (precision, scale) = self.decimal_params(p, 38, 9, 29, path);
                let divisor = decimal_divisor_128(u32::from(scale)).unwrap_or(1);
                let kind = Kind::Decimal128 {
                    precision,
                    scale,
                    divisor,
                };
                (
                    kind,
                    DataType::Decimal128(precision, arrow_scale(scale)),
                    none(),
                )
            }
            Codec::BigNumeric(p) => {
                let (precision, scale) = self.decimal_params(p, 76, 38, 38, path);
                let divisor = decimal_divisor_256(u32::from(scale)).unwrap_or(I256::ONE);
                let kind = Kind::Decimal256 {
                    precision,
                    scale,
                    divisor,
                };
                (
                    kind,
                    DataType::Decimal256(precision, arrow_scale(scale)),
                    none(),
                )
            }
            Codec::Date => (Kind::Date32, DataType::Date32, none()),
            Codec::Time => (
                Kind::Time64,
                DataType::Time64(TimeUnit::Microsecond),
                none(),
            ),
            Codec::DateTime => (
                Kind::TimestampMicros,
                DataType::Timestamp(TimeUnit::Microsecond, None),
                ext(DATETIME_EXTENSION),
            ),
            Codec::Timestamp { picos: false } => (
                Kind::TimestampMicros,
                DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into())),
                none(),
            ),
            Codec::Timestamp { picos: true } => match self.options.picos {
                PicosMapping::Nanos => (
                    Kind::TimestampNanos,
                    DataType::Timestamp(TimeUnit::Nanosecond, Some(UTC.into())),
                    none(),
                ),
                PicosMapping::Text => (Kind::Utf8, DataType::Utf8, none()),
                PicosMapping::Reject => {
                    self.problem(
                        path,
                        "TIMESTAMP with timestampPrecision 12 has no Arrow type the Storage \
                         Write API documents; choose PicosMapping::Nanos or PicosMapping::Text",
                    );
                    (Kind::Utf8, DataType::Utf8, none())
                }
            },
            Codec::Geography => {
                let mut m = ext(GEOGRAPHY_EXTENSION);
                m.insert(
                    EXTENSION_METADATA_KEY.to_owned(),
                    GEOGRAPHY_EXTENSION_METADATA.to_owned(),
                );
                (Kind::Utf8, DataType::Utf8, m)
            }
            Codec::Json => (Kind::Utf8, DataType::Utf8, ext(JSON_EXTENSION)),
            Codec::Interval => (
                Kind::Interval,
                DataType::Interval(IntervalUnit::MonthDayNano),
                none(),
            ),
            Codec::Range(e) => {
                let end = match e {
                    RangeElementType::Date => DataType::Date32,
                    RangeElementType::DateTime => DataType::Timestamp(TimeUnit::Microsecond, None),
                    RangeElementType::Timestamp => {
                        DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into()))
                    }
                };
                let fields = Fields::from(vec![
                    ArrowField::new("start", end.clone(), true),
                    ArrowField::new("end", end, true),
                ]);
                // The two children (the struct itself is counted as a leaf).
                self.nodes += 2;
                self.buffers += 4;
                (Kind::Range(e), DataType::Struct(fields), none())
            }
        }
    }

    /// (precision, scale) of a decimal column: the base type, or the
    /// declared parameters under [`DecimalMapping::Declared`].
    fn decimal_params(
        &mut self,
        p: DecimalParams,
        base_precision: u8,
        base_scale: u8,
        max_integer_digits: u32,
        path: &str,
    ) -> (u8, u8) {
        if self.options.decimals == DecimalMapping::Base {
            return (base_precision, base_scale);
        }
        let Some(precision) = p.precision else {
            return (base_precision, base_scale);
        };
        let scale = p.scale.unwrap_or(0);
        // Validation already bounds these; check again rather than trust.
        let ok = scale <= u32::from(base_scale)
            && precision >= 1
            && precision >= scale
            && precision <= scale.saturating_add(max_integer_digits);
        match (u8::try_from(precision), u8::try_from(scale)) {
            (Ok(pr), Ok(s)) if ok => (pr, s),
            _ => {
                self.problem(
                    path,
                    format!("decimal parameters ({precision}, {scale}) out of range"),
                );
                (base_precision, base_scale)
            }
        }
    }

    fn field(&mut self, f: &PlanField, path: &str) -> FieldRef {
        let repeated = f.mode == Mode::Repeated;
        let nullable = f.mode == Mode::Nullable || (f.mode == Mode::Required && f.has_default);
        let (kind, item_type, metadata, children) = match &f.kind {
            PlanKind::Leaf(codec) => {
                let (kind, dt, md) = self.leaf_kind(codec, path);
                self.nodes += 1;
                // Validity plus the data buffers.
                self.buffers += match kind {
                    Kind::Utf8 | Kind::Binary => 3,
                    Kind::Range(_) => 1,
                    _ => 2,
                };
                (kind, dt, md, Vec::new())
            }
            PlanKind::Record(rec) => {
                self.nodes += 1;
                self.buffers += 1;
                let fields = self.record(rec, path);
                let children = rec.fields.iter().map(|c| c.id).collect();
                (
                    Kind::Struct,
                    DataType::Struct(Fields::from(fields)),
                    HashMap::new(),
                    children,
                )
            }
        };
        let (data_type, item_field) = if repeated {
            self.nodes += 1;
            self.buffers += 2;
            let item = Arc::new(ArrowField::new(LIST_ITEM_NAME, item_type.clone(), false));
            (DataType::List(item.clone()), Some(item))
        } else {
            (item_type.clone(), None)
        };
        // A list itself is never null: an absent or NULL REPEATED field is an
        // empty list.
        let field_nullable = nullable && !repeated;
        let field = Arc::new(
            ArrowField::new(f.name.clone(), data_type, field_nullable).with_metadata(metadata),
        );
        if let Some(slot) = self.specs.get_mut(f.id) {
            *slot = Some(ColSpec {
                kind,
                nullable: field_nullable,
                repeated,
                children,
                item_type,
                item_field,
                name: f.name.clone(),
            });
        }
        field
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::schema::{Field, FieldType};

    fn map(fields: Vec<Field>, options: SchemaOptions) -> Result<Schema, SchemaError> {
        table_to_arrow_schema(&TableSchema { fields }, &options)
    }

    fn one(field: Field) -> ArrowField {
        let s = map(vec![field], SchemaOptions::new()).unwrap();
        s.field(0).clone()
    }

    #[test]
    fn scalar_types() {
        // python-bigquery's _pandas_helpers.bq_to_arrow_field and Google's
        // samples/pyarrow/append_rows_with_arrow.py (python-bigquery-storage);
        // INTERVAL as Arrow's month-day-nano.
        let cases = [
            (FieldType::Bool, DataType::Boolean),
            (FieldType::Int64, DataType::Int64),
            (FieldType::Float64, DataType::Float64),
            (FieldType::Numeric, DataType::Decimal128(38, 9)),
            (FieldType::BigNumeric, DataType::Decimal256(76, 38)),
            (FieldType::String, DataType::Utf8),
            (FieldType::Bytes, DataType::Binary),
            (FieldType::Date, DataType::Date32),
            (FieldType::Time, DataType::Time64(TimeUnit::Microsecond)),
            (
                FieldType::DateTime,
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            (
                FieldType::Timestamp,
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            ),
            (FieldType::Geography, DataType::Utf8),
            (FieldType::Json, DataType::Utf8),
            (
                FieldType::Interval,
                DataType::Interval(IntervalUnit::MonthDayNano),
            ),
        ];
        for (t, dt) in cases {
            let f = one(Field::new("c", t));
            assert_eq!(f.data_type(), &dt, "{t:?}");
            assert!(f.is_nullable());
        }
    }

    #[test]
    fn extension_metadata() {
        let g = one(Field::new("g", FieldType::Geography));
        assert_eq!(
            g.metadata().get(EXTENSION_NAME_KEY).map(String::as_str),
            Some("google:sqlType:geography")
        );
        assert_eq!(
            g.metadata().get(EXTENSION_METADATA_KEY).map(String::as_str),
            Some(r#"{"encoding": "WKT"}"#)
        );
        let j = one(Field::new("j", FieldType::Json));
        assert_eq!(j.metadata().len(), 1);
        assert_eq!(j.metadata()[EXTENSION_NAME_KEY], "google:sqlType:json");
        let d = one(Field::new("d", FieldType::DateTime));
        assert_eq!(d.metadata()[EXTENSION_NAME_KEY], "google:sqlType:datetime");
        assert!(
            one(Field::new("s", FieldType::String))
                .metadata()
                .is_empty()
        );
    }

    #[test]
    fn modes() {
        let req = one(Field::new("r", FieldType::Int64).with_mode(Mode::Required));
        assert!(!req.is_nullable());
        let mut with_default = Field::new("r", FieldType::Int64).with_mode(Mode::Required);
        with_default.default_value_expression = Some("7".into());
        assert!(one(with_default).is_nullable());
        let rep = one(Field::new("l", FieldType::Date).with_mode(Mode::Repeated));
        assert!(!rep.is_nullable());
        let DataType::List(item) = rep.data_type() else {
            panic!("not a list: {rep:?}");
        };
        assert_eq!(item.name(), "item");
        assert_eq!(item.data_type(), &DataType::Date32);
        assert!(!item.is_nullable());
    }

    #[test]
    fn range_and_record() {
        let r = one(Field::new(
            "r",
            FieldType::Range(RangeElementType::Timestamp),
        ));
        let DataType::Struct(fs) = r.data_type() else {
            panic!("{r:?}");
        };
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[0].name(), "start");
        assert_eq!(fs[1].name(), "end");
        assert!(fs[0].is_nullable() && fs[1].is_nullable());
        assert_eq!(
            fs[0].data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        let rec = one(Field::record(
            "rec",
            vec![
                Field::new("a", FieldType::Json),
                Field::new("b", FieldType::Int64).with_mode(Mode::Required),
            ],
        )
        .with_mode(Mode::Repeated));
        let DataType::List(item) = rec.data_type() else {
            panic!("{rec:?}");
        };
        let DataType::Struct(fs) = item.data_type() else {
            panic!("{item:?}");
        };
        assert_eq!(fs[0].metadata()[EXTENSION_NAME_KEY], JSON_EXTENSION);
        assert!(!fs[1].is_nullable());
    }

    #[test]
    fn declared_decimals() {
        let mut n = Field::new("n", FieldType::Numeric);
        n.precision = Some(10);
        n.scale = Some(2);
        let mut b = Field::new("b", FieldType::BigNumeric);
        b.precision = Some(38);
        let s = map(
            vec![n.clone(), b.clone()],
            SchemaOptions::new().with_decimals(DecimalMapping::Declared),
        )
        .unwrap();
        assert_eq!(s.field(0).data_type(), &DataType::Decimal128(10, 2));
        assert_eq!(s.field(1).data_type(), &DataType::Decimal256(38, 0));
        let s = map(vec![n, b], SchemaOptions::new()).unwrap();
        assert_eq!(s.field(0).data_type(), &DataType::Decimal128(38, 9));
        assert_eq!(s.field(1).data_type(), &DataType::Decimal256(76, 38));
    }

    #[test]
    fn picos() {
        let mut t = Field::new("t", FieldType::Timestamp);
        t.timestamp_precision = Some(12);
        let err = map(vec![t.clone()], SchemaOptions::new()).unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert_eq!(err.problems[0].path, "t");
        let s = map(
            vec![t.clone()],
            SchemaOptions::new().with_picos(PicosMapping::Nanos),
        )
        .unwrap();
        assert_eq!(
            s.field(0).data_type(),
            &DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
        );
        let s = map(vec![t], SchemaOptions::new().with_picos(PicosMapping::Text)).unwrap();
        assert_eq!(s.field(0).data_type(), &DataType::Utf8);
    }

    #[test]
    fn describe() {
        let s = map(
            vec![
                Field::new("id", FieldType::Int64).with_mode(Mode::Required),
                Field::new("j", FieldType::Json),
            ],
            SchemaOptions::new(),
        )
        .unwrap();
        assert_eq!(
            describe_schema(&s),
            "id: Int64 not null\nj: Utf8 {\"ARROW:extension:name\": \"google:sqlType:json\"}\n"
        );
    }

    #[test]
    fn node_and_buffer_counts() {
        let plan = Plan::compile(
            &TableSchema {
                fields: vec![
                    Field::new("a", FieldType::Int64),
                    Field::new("s", FieldType::String).with_mode(Mode::Repeated),
                    Field::new("r", FieldType::Range(RangeElementType::Date)),
                    Field::record("rec", vec![Field::new("x", FieldType::Bool)]),
                ],
            },
            WalkOptions::new(),
        )
        .unwrap();
        let l = Layout::compile(&plan, &SchemaOptions::new()).unwrap();
        // a: 1 node 2 buffers; s: list(1,2) + utf8(1,3); r: struct(1,1) + 2×(1,2);
        // rec: struct(1,1) + bool(1,2).
        assert_eq!(l.nodes, 1 + 2 + 3 + 2);
        assert_eq!(l.buffers, 2 + 5 + 5 + 3);
    }
}
