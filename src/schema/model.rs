//! The schema model: [`TableSchema`], [`Field`], [`FieldType`], [`Mode`].

use serde_json::{Map, Value};

/// A BigQuery table schema: the top-level columns, in order.
///
/// # Examples
///
/// ```
/// use bqcodec::{FieldType, Mode, TableSchema};
///
/// let schema = TableSchema::from_json(r#"{"fields": [
///     {"name": "id", "type": "INTEGER", "mode": "REQUIRED"},
///     {"name": "price", "type": "NUMERIC", "precision": "10", "scale": "2"}]}"#)?;
/// assert_eq!(schema.fields.len(), 2);
/// assert_eq!((schema.fields[0].field_type, schema.fields[0].mode), (FieldType::Int64, Mode::Required));
/// assert_eq!((schema.fields[1].precision, schema.fields[1].scale), (Some(10), Some(2)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TableSchema {
    /// The top-level columns.
    pub fields: Vec<Field>,
}

impl TableSchema {
    /// A schema of `fields`, unvalidated (see [`TableSchema::validate`];
    /// [`TableSchema::from_json`] parses and validates at once). The struct
    /// is `#[non_exhaustive]` because BigQuery's `TableSchema` grows keys.
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, TableSchema};
    /// let schema = TableSchema::new(vec![Field::new("id", FieldType::Int64)]);
    /// assert!(schema.validate().is_ok());
    /// ```
    pub fn new(fields: Vec<Field>) -> Self {
        TableSchema { fields }
    }
}

/// A column (or a sub-field of a RECORD).
///
/// # Examples
///
/// ```
/// use bqcodec::{Field, FieldType, Mode, TableSchema};
///
/// let mut name = Field::new("name", FieldType::String);
/// name.max_length = Some(64);
/// let items = Field::record("items", vec![Field::new("sku", FieldType::String)]).with_mode(Mode::Repeated);
/// let schema = TableSchema::new(vec![name, items]);
/// assert!(schema.validate().is_ok());
/// assert_eq!(schema.fields[1].fields[0].name, "sku");
/// // Keys this crate does not model are kept.
/// let parsed = TableSchema::from_json(r#"[{"name": "a", "type": "BOOL", "futureKey": 1}]"#)?;
/// assert_eq!(parsed.fields[0].extra["futureKey"], 1);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Field {
    /// The column name as written (BigQuery compares names case-insensitively).
    pub name: String,
    /// The type, with RANGE's element type.
    pub field_type: FieldType,
    /// NULLABLE (the default), REQUIRED or REPEATED.
    pub mode: Mode,
    /// Sub-fields; non-empty exactly for RECORD.
    pub fields: Vec<Field>,
    /// `description`.
    pub description: Option<String>,
    /// `maxLength`: characters for STRING, bytes for BYTES.
    pub max_length: Option<u64>,
    /// `precision` of a parameterized NUMERIC/BIGNUMERIC.
    pub precision: Option<u32>,
    /// `scale` of a parameterized NUMERIC/BIGNUMERIC.
    pub scale: Option<u32>,
    /// `defaultValueExpression`: a SQL expression evaluated by the server.
    pub default_value_expression: Option<String>,
    /// `collation`, e.g. `"und:ci"`.
    pub collation: Option<String>,
    /// `roundingMode` of a parameterized NUMERIC/BIGNUMERIC.
    pub rounding_mode: Option<RoundingMode>,
    /// `policyTags.names`.
    pub policy_tags: Option<Vec<String>>,
    /// `timestampPrecision`: 6 (microseconds, the default) or 12 (picoseconds).
    pub timestamp_precision: Option<u8>,
    /// Keys this crate does not know, kept as they were (forward compatible).
    pub extra: Map<String, Value>,
}

impl Field {
    /// A NULLABLE field of `field_type` with no attributes.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, Mode};
    ///
    /// let f = Field::new("created", FieldType::Timestamp);
    /// assert_eq!((f.name.as_str(), f.mode, f.fields.len()), ("created", Mode::Nullable, 0));
    /// assert_eq!(f.to_rest_json(), serde_json::json!({"name": "created", "type": "TIMESTAMP", "mode": "NULLABLE"}));
    /// ```
    pub fn new(name: impl Into<String>, field_type: FieldType) -> Self {
        Field {
            name: name.into(),
            field_type,
            mode: Mode::Nullable,
            fields: Vec::new(),
            description: None,
            max_length: None,
            precision: None,
            scale: None,
            default_value_expression: None,
            collation: None,
            rounding_mode: None,
            policy_tags: None,
            timestamp_precision: None,
            extra: Map::new(),
        }
    }

    /// A NULLABLE RECORD with `fields`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let address = Field::record("address", vec![Field::new("city", FieldType::String)]);
    /// assert_eq!(address.field_type, FieldType::Record);
    /// // A RECORD needs at least one sub-field.
    /// let err = TableSchema::new(vec![Field::record("empty", vec![])]).validate().unwrap_err();
    /// assert_eq!(err.to_string(), "empty: RECORD must have at least one sub-field, found none");
    /// ```
    pub fn record(name: impl Into<String>, fields: Vec<Field>) -> Self {
        let mut f = Field::new(name, FieldType::Record);
        f.fields = fields;
        f
    }

    /// The same field with another mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, Mode};
    ///
    /// let tags = Field::new("tags", FieldType::String).with_mode(Mode::Repeated);
    /// assert_eq!(tags.mode, Mode::Repeated);
    /// ```
    pub fn with_mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
}

/// A BigQuery column type. Aliases (INTEGER/INT64, FLOAT/FLOAT64, …) parse to one variant.
///
/// # Examples
///
/// This also shows [`rest_name`](Self::rest_name) and [`sql_name`](Self::sql_name).
///
/// ```
/// use bqcodec::FieldType;
/// use bqcodec::schema::RangeElementType;
///
/// assert_eq!(FieldType::parse("integer"), Some(FieldType::Int64));
/// assert_eq!((FieldType::Int64.rest_name(), FieldType::Int64.sql_name()), ("INTEGER", "INT64"));
/// assert_eq!((FieldType::Record.rest_name(), FieldType::Record.sql_name()), ("RECORD", "STRUCT"));
/// let range = FieldType::Range(RangeElementType::Date);
/// assert_eq!((range.rest_name(), range.sql_name()), ("RANGE", "RANGE<DATE>"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// STRING
    String,
    /// BYTES
    Bytes,
    /// INTEGER / INT64
    Int64,
    /// FLOAT / FLOAT64
    Float64,
    /// NUMERIC / DECIMAL
    Numeric,
    /// BIGNUMERIC / BIGDECIMAL
    BigNumeric,
    /// BOOLEAN / BOOL
    Bool,
    /// TIMESTAMP
    Timestamp,
    /// DATE
    Date,
    /// TIME
    Time,
    /// DATETIME
    DateTime,
    /// GEOGRAPHY
    Geography,
    /// JSON
    Json,
    /// INTERVAL
    Interval,
    /// RANGE with its element type (`rangeElementType`).
    Range(RangeElementType),
    /// RECORD / STRUCT
    Record,
}

impl FieldType {
    /// Parses a type name or alias, case-insensitively. RANGE needs its element
    /// type from `rangeElementType` and is not accepted here; see
    /// [`FieldType::parse_with_range`].
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::FieldType;
    ///
    /// assert_eq!(FieldType::parse("Decimal"), Some(FieldType::Numeric));
    /// assert_eq!(FieldType::parse("STRUCT"), Some(FieldType::Record));
    /// assert_eq!(FieldType::parse("RANGE"), None); // needs its element type
    /// assert_eq!(FieldType::parse("INT"), None); // not a REST name or alias
    /// ```
    pub fn parse(name: &str) -> Option<FieldType> {
        let t = match name.to_ascii_uppercase().as_str() {
            "STRING" => FieldType::String,
            "BYTES" => FieldType::Bytes,
            "INTEGER" | "INT64" => FieldType::Int64,
            "FLOAT" | "FLOAT64" => FieldType::Float64,
            "NUMERIC" | "DECIMAL" => FieldType::Numeric,
            "BIGNUMERIC" | "BIGDECIMAL" => FieldType::BigNumeric,
            "BOOLEAN" | "BOOL" => FieldType::Bool,
            "TIMESTAMP" => FieldType::Timestamp,
            "DATE" => FieldType::Date,
            "TIME" => FieldType::Time,
            "DATETIME" => FieldType::DateTime,
            "GEOGRAPHY" => FieldType::Geography,
            "JSON" => FieldType::Json,
            "INTERVAL" => FieldType::Interval,
            "RECORD" | "STRUCT" => FieldType::Record,
            _ => return None,
        };
        Some(t)
    }

    /// The name the REST API uses when it sends a schema (`INTEGER`, `FLOAT`,
    /// `BOOLEAN`, `RECORD`, … as `bq show --schema` prints them).
    pub fn rest_name(self) -> &'static str {
        match self {
            FieldType::String => "STRING",
            FieldType::Bytes => "BYTES",
            FieldType::Int64 => "INTEGER",
            FieldType::Float64 => "FLOAT",
            FieldType::Numeric => "NUMERIC",
            FieldType::BigNumeric => "BIGNUMERIC",
            FieldType::Bool => "BOOLEAN",
            FieldType::Timestamp => "TIMESTAMP",
            FieldType::Date => "DATE",
            FieldType::Time => "TIME",
            FieldType::DateTime => "DATETIME",
            FieldType::Geography => "GEOGRAPHY",
            FieldType::Json => "JSON",
            FieldType::Interval => "INTERVAL",
            FieldType::Range(_) => "RANGE",
            FieldType::Record => "RECORD",
        }
    }

    /// The GoogleSQL name (`INT64`, `FLOAT64`, `BOOL`, `STRUCT`, `RANGE<DATE>`).
    pub fn sql_name(self) -> &'static str {
        match self {
            FieldType::Int64 => "INT64",
            FieldType::Float64 => "FLOAT64",
            FieldType::Bool => "BOOL",
            FieldType::Record => "STRUCT",
            FieldType::Range(RangeElementType::Date) => "RANGE<DATE>",
            FieldType::Range(RangeElementType::DateTime) => "RANGE<DATETIME>",
            FieldType::Range(RangeElementType::Timestamp) => "RANGE<TIMESTAMP>",
            other => other.rest_name(),
        }
    }
}

impl FieldType {
    /// Parses a type name or alias like [`FieldType::parse`], and also `RANGE`
    /// (case-insensitively) with its element type from `rangeElementType`.
    ///
    /// Returns `None` for an unknown name, for `RANGE` without an element
    /// type, and for an element type given with any type other than `RANGE`.
    ///
    /// ```
    /// use bqcodec::schema::{FieldType, RangeElementType};
    /// assert_eq!(
    ///     FieldType::parse_with_range("range", Some(RangeElementType::Date)),
    ///     Some(FieldType::Range(RangeElementType::Date))
    /// );
    /// assert_eq!(FieldType::parse_with_range("RANGE", None), None);
    /// assert_eq!(FieldType::parse_with_range("INT64", None), Some(FieldType::Int64));
    /// assert_eq!(FieldType::parse_with_range("INT64", Some(RangeElementType::Date)), None);
    /// ```
    pub fn parse_with_range(
        name: &str,
        range_element: Option<RangeElementType>,
    ) -> Option<FieldType> {
        match (name.eq_ignore_ascii_case("RANGE"), range_element) {
            (true, Some(e)) => Some(FieldType::Range(e)),
            (true, None) | (false, Some(_)) => None,
            (false, None) => FieldType::parse(name),
        }
    }
}

/// The element type of a RANGE: DATE, DATETIME or TIMESTAMP.
///
/// # Examples
///
/// This also shows [`field_type`](Self::field_type).
///
/// ```
/// use bqcodec::schema::RangeElementType;
/// use bqcodec::FieldType;
///
/// let e = RangeElementType::parse("timestamp");
/// assert_eq!(e, Some(RangeElementType::Timestamp));
/// assert_eq!(RangeElementType::DateTime.field_type(), FieldType::DateTime);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RangeElementType {
    /// `RANGE<DATE>`
    Date,
    /// `RANGE<DATETIME>`
    DateTime,
    /// `RANGE<TIMESTAMP>`
    Timestamp,
}

impl RangeElementType {
    /// The element as a column type.
    pub fn field_type(self) -> FieldType {
        match self {
            RangeElementType::Date => FieldType::Date,
            RangeElementType::DateTime => FieldType::DateTime,
            RangeElementType::Timestamp => FieldType::Timestamp,
        }
    }

    /// Parses DATE, DATETIME or TIMESTAMP, case-insensitively.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::schema::RangeElementType;
    ///
    /// assert_eq!(RangeElementType::parse("Date"), Some(RangeElementType::Date));
    /// assert_eq!(RangeElementType::parse("TIME"), None); // no RANGE<TIME> in BigQuery
    /// ```
    pub fn parse(name: &str) -> Option<RangeElementType> {
        match FieldType::parse(name)? {
            FieldType::Date => Some(RangeElementType::Date),
            FieldType::DateTime => Some(RangeElementType::DateTime),
            FieldType::Timestamp => Some(RangeElementType::Timestamp),
            _ => None,
        }
    }
}

/// A column's mode.
///
/// # Examples
///
/// This also shows [`parse`](Self::parse) and [`as_str`](Self::as_str).
///
/// ```
/// use bqcodec::Mode;
///
/// assert_eq!(Mode::default(), Mode::Nullable);
/// assert_eq!(Mode::parse("required"), Some(Mode::Required));
/// assert_eq!(Mode::parse("OPTIONAL"), None);
/// assert_eq!(Mode::Repeated.as_str(), "REPEATED");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// NULLABLE (the default when `mode` is absent).
    #[default]
    Nullable,
    /// REQUIRED
    Required,
    /// REPEATED
    Repeated,
}

impl Mode {
    /// Parses NULLABLE, REQUIRED or REPEATED, case-insensitively.
    pub fn parse(name: &str) -> Option<Mode> {
        match name.to_ascii_uppercase().as_str() {
            "NULLABLE" => Some(Mode::Nullable),
            "REQUIRED" => Some(Mode::Required),
            "REPEATED" => Some(Mode::Repeated),
            _ => None,
        }
    }

    /// The REST name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Nullable => "NULLABLE",
            Mode::Required => "REQUIRED",
            Mode::Repeated => "REPEATED",
        }
    }
}

/// `roundingMode` of a parameterized NUMERIC/BIGNUMERIC column.
///
/// # Examples
///
/// This also shows [`parse`](Self::parse) and [`as_str`](Self::as_str).
///
/// ```
/// use bqcodec::TableSchema;
/// use bqcodec::schema::RoundingMode;
///
/// assert_eq!(RoundingMode::parse("round_half_even"), Some(RoundingMode::RoundHalfEven));
/// assert_eq!(RoundingMode::RoundHalfAwayFromZero.as_str(), "ROUND_HALF_AWAY_FROM_ZERO");
/// let schema = TableSchema::from_json(r#"[{"name": "p", "type": "NUMERIC", "precision": 5,
///                                          "scale": 2, "roundingMode": "ROUND_HALF_EVEN"}]"#)?;
/// assert_eq!(schema.fields[0].rounding_mode, Some(RoundingMode::RoundHalfEven));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RoundingMode {
    /// `ROUNDING_MODE_UNSPECIFIED`
    Unspecified,
    /// `ROUND_HALF_AWAY_FROM_ZERO` (BigQuery's default for parameterized decimals)
    RoundHalfAwayFromZero,
    /// `ROUND_HALF_EVEN`
    RoundHalfEven,
}

impl RoundingMode {
    /// Parses the REST enum name, case-insensitively.
    pub fn parse(name: &str) -> Option<RoundingMode> {
        match name.to_ascii_uppercase().as_str() {
            "ROUNDING_MODE_UNSPECIFIED" => Some(RoundingMode::Unspecified),
            "ROUND_HALF_AWAY_FROM_ZERO" => Some(RoundingMode::RoundHalfAwayFromZero),
            "ROUND_HALF_EVEN" => Some(RoundingMode::RoundHalfEven),
            _ => None,
        }
    }

    /// The REST enum name.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::Unspecified => "ROUNDING_MODE_UNSPECIFIED",
            RoundingMode::RoundHalfAwayFromZero => "ROUND_HALF_AWAY_FROM_ZERO",
            RoundingMode::RoundHalfEven => "ROUND_HALF_EVEN",
        }
    }
}
