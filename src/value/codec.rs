//! [`Codec`]: a column type with its parameters, resolved to its value family;
//! [`Scalar`]: the canonical value that every sink writes.

use std::borrow::Cow;
use std::fmt;

use super::civil::{Date, DateTime, Time};
use super::geography::Geography;
use super::interval::Interval;
use super::numeric::{BigNumeric, DecimalParams, Numeric, Rounding};
use super::range::RangeValue;
use super::scalar::ParseScratch;
use super::timestamp::{Timestamp, TimestampPicos};
use super::{Input, json, scalar};
use crate::error::ValueError;
use crate::schema::{Field, FieldType, RangeElementType};

/// Choices a caller makes about values that are not exact as given.
///
/// The default alters nothing: every value that cannot be stored exactly is an error.
///
/// # Examples
///
/// This also shows [`Policy::new`]: the default refuses to round.
///
/// ```
/// use bqcodec::value::{Codec, Input, Policy, numeric::Rounding};
///
/// let numeric = Codec::parse_type("NUMERIC(5, 2)")?;
/// let err = numeric.parse(Input::Number("1.005"), &Policy::new()).unwrap_err();
/// assert!(err.is_excess_scale());
/// let rounded = numeric.parse(Input::Number("1.005"), &Policy::new().with_rounding(Rounding::HalfEven))?;
/// assert_eq!(rounded.to_canonical(), "1");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// NUMERIC/BIGNUMERIC digits beyond the scale. Default: [`Rounding::Reject`].
    pub rounding: Rounding,
    /// The longest GEOGRAPHY text (WKT or GeoJSON) read, in bytes; longer is
    /// [`ValueError::TooLong`]. Default
    /// [`DEFAULT_MAX_GEOGRAPHY_BYTES`](super::geography::DEFAULT_MAX_GEOGRAPHY_BYTES).
    pub max_geography_bytes: usize,
    /// The deepest nesting of arrays and objects read in a JSON column
    /// value; deeper is [`ValueError::OutOfRange`]. Default and ceiling
    /// [`json::MAX_DEPTH`] (500, BigQuery's limit).
    pub max_json_depth: usize,
}

impl Default for Policy {
    /// [`Policy::new`].
    fn default() -> Self {
        Policy::new()
    }
}

impl Policy {
    /// The default policy: reject anything inexact.
    pub const fn new() -> Self {
        Policy {
            rounding: Rounding::Reject,
            max_geography_bytes: super::geography::DEFAULT_MAX_GEOGRAPHY_BYTES,
            max_json_depth: json::MAX_DEPTH,
        }
    }

    /// Sets how excess decimal digits are handled.
    ///
    /// ```
    /// use bqcodec::value::{Policy, numeric::Rounding};
    /// let p = Policy::new().with_rounding(Rounding::HalfAwayFromZero);
    /// assert_eq!(p.rounding, Rounding::HalfAwayFromZero);
    /// ```
    pub const fn with_rounding(mut self, rounding: Rounding) -> Self {
        self.rounding = rounding;
        self
    }

    /// Sets the longest GEOGRAPHY text read (see
    /// [`Geography::parse_limited`]).
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy};
    /// let p = Policy::new().with_max_geography_bytes(16);
    /// let e = Codec::Geography.parse(Input::Str("LINESTRING(0 0, 1 1)"), &p).unwrap_err();
    /// assert_eq!(e.to_string(), "expected at most 16 bytes of GEOGRAPHY text, found 20");
    /// ```
    pub const fn with_max_geography_bytes(mut self, max: usize) -> Self {
        self.max_geography_bytes = max;
        self
    }

    /// Sets the deepest JSON nesting read (values above
    /// [`json::MAX_DEPTH`] act as it).
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy};
    /// let p = Policy::new().with_max_json_depth(1);
    /// assert!(Codec::Json.parse(Input::Raw(r#"{"a": 1}"#), &p).is_ok());
    /// let e = Codec::Json.parse(Input::Raw(r#"{"a": [1]}"#), &p).unwrap_err();
    /// assert!(e.to_string().contains("at most 1 levels"), "{e}");
    /// ```
    pub const fn with_max_json_depth(mut self, max: usize) -> Self {
        self.max_json_depth = max;
        self
    }
}

/// A leaf column type with its parameters: what a value of it must look like.
///
/// # Examples
///
/// This also shows [`type_name`](Self::type_name).
///
/// ```
/// use bqcodec::value::{Codec, Input, Policy};
///
/// let codec = Codec::parse_type("STRING(3)")?;
/// assert_eq!(codec, Codec::String { max_length: Some(3) });
/// assert_eq!(codec.type_name(), "STRING(3)");
/// assert_eq!(Codec::parse_type("integer")?.type_name(), "INT64"); // REST alias
/// assert_eq!(codec.parse(Input::Str("abcd"), &Policy::new()).unwrap_err().to_string(),
///     "expected at most 3 characters, found 4");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Codec {
    /// BOOL
    Bool,
    /// INT64
    Int64,
    /// FLOAT64
    Float64,
    /// STRING, with `maxLength` in characters.
    String {
        /// `maxLength`.
        max_length: Option<u64>,
    },
    /// BYTES, with `maxLength` in bytes.
    Bytes {
        /// `maxLength`.
        max_length: Option<u64>,
    },
    /// NUMERIC(P, S)
    Numeric(DecimalParams),
    /// BIGNUMERIC(P, S)
    BigNumeric(DecimalParams),
    /// DATE
    Date,
    /// TIME
    Time,
    /// DATETIME
    DateTime,
    /// TIMESTAMP; `picos` when `timestampPrecision` is 12.
    Timestamp {
        /// Picosecond precision.
        picos: bool,
    },
    /// GEOGRAPHY
    Geography,
    /// JSON
    Json,
    /// INTERVAL
    Interval,
    /// `RANGE<T>`
    Range(RangeElementType),
}

impl Codec {
    /// The codec of a leaf field; `None` for RECORD.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, numeric::DecimalParams};
    /// use bqcodec::{Field, FieldType};
    ///
    /// let mut price = Field::new("price", FieldType::Numeric);
    /// (price.precision, price.scale) = (Some(10), Some(2));
    /// assert_eq!(Codec::for_field(&price), Some(Codec::Numeric(DecimalParams { precision: Some(10), scale: Some(2) })));
    /// assert_eq!(Codec::for_field(&Field::record("r", vec![Field::new("a", FieldType::Bool)])), None);
    /// ```
    pub fn for_field(field: &Field) -> Option<Codec> {
        let params = DecimalParams {
            precision: field.precision,
            scale: field.scale,
        };
        Some(match field.field_type {
            FieldType::Bool => Codec::Bool,
            FieldType::Int64 => Codec::Int64,
            FieldType::Float64 => Codec::Float64,
            FieldType::String => Codec::String {
                max_length: field.max_length,
            },
            FieldType::Bytes => Codec::Bytes {
                max_length: field.max_length,
            },
            FieldType::Numeric => Codec::Numeric(params),
            FieldType::BigNumeric => Codec::BigNumeric(params),
            FieldType::Date => Codec::Date,
            FieldType::Time => Codec::Time,
            FieldType::DateTime => Codec::DateTime,
            FieldType::Timestamp => Codec::Timestamp {
                picos: field.timestamp_precision == Some(12),
            },
            FieldType::Geography => Codec::Geography,
            FieldType::Json => Codec::Json,
            FieldType::Interval => Codec::Interval,
            FieldType::Range(e) => Codec::Range(e),
            FieldType::Record => return None,
        })
    }

    /// Parses a type as written in SQL: `INT64`, `NUMERIC(10, 2)`,
    /// `BIGNUMERIC(50)`, `STRING(10)`, `BYTES(5)`, `RANGE<DATE>`,
    /// `TIMESTAMP(12)`, and the REST aliases (`INTEGER`, `FLOAT`, …).
    ///
    /// ```
    /// use bqcodec::value::Codec;
    /// assert!(Codec::parse_type("numeric(10,2)").is_ok());
    /// assert!(Codec::parse_type("RANGE<INT64>").is_err());
    /// ```
    pub fn parse_type(text: &str) -> Result<Codec, ValueError> {
        let bad =
            || ValueError::invalid("a BigQuery type such as NUMERIC(10,2) or RANGE<DATE>", text);
        let t = text.trim();
        if let Some(rest) = strip_prefix_ci(t, "RANGE") {
            let inner = rest
                .trim()
                .strip_prefix('<')
                .and_then(|r| r.strip_suffix('>'))
                .ok_or_else(bad)?;
            let e = RangeElementType::parse(inner.trim()).ok_or_else(bad)?;
            return Ok(Codec::Range(e));
        }
        let (name, args) = match t.find('(') {
            Some(i) => {
                let inner = t[i + 1..].strip_suffix(')').ok_or_else(bad)?;
                let args: Result<Vec<u64>, _> =
                    inner.split(',').map(|a| a.trim().parse::<u64>()).collect();
                (t[..i].trim(), args.map_err(|_| bad())?)
            }
            None => (t, Vec::new()),
        };
        let ty = FieldType::parse(name).ok_or_else(bad)?;
        let mut field = Field::new("value", ty);
        match (ty, args.as_slice()) {
            (_, []) => {}
            (FieldType::String | FieldType::Bytes, [n]) => field.max_length = Some(*n),
            (FieldType::Numeric | FieldType::BigNumeric, [p]) => {
                field.precision = Some(u32::try_from(*p).map_err(|_| bad())?);
                field.scale = Some(0);
            }
            (FieldType::Numeric | FieldType::BigNumeric, [p, s]) => {
                field.precision = Some(u32::try_from(*p).map_err(|_| bad())?);
                field.scale = Some(u32::try_from(*s).map_err(|_| bad())?);
            }
            (FieldType::Timestamp, [p]) if *p == 6 || *p == 12 => {
                field.timestamp_precision = Some(*p as u8)
            }
            _ => return Err(bad()),
        }
        let schema = crate::schema::TableSchema {
            fields: vec![field.clone()],
        };
        if let Err(e) = schema.validate() {
            let msg = e
                .problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            return Err(ValueError::invalid(format!("a valid type ({msg})"), text));
        }
        Codec::for_field(&field).ok_or_else(bad)
    }

    /// The type's GoogleSQL name with its parameters (`NUMERIC(10, 2)`).
    pub fn type_name(&self) -> String {
        let decimal = |name: &str, p: &DecimalParams| match (p.precision, p.scale) {
            (Some(pr), Some(s)) => format!("{name}({pr}, {s})"),
            (Some(pr), None) => format!("{name}({pr})"),
            _ => name.to_owned(),
        };
        match self {
            Codec::Bool => "BOOL".into(),
            Codec::Int64 => "INT64".into(),
            Codec::Float64 => "FLOAT64".into(),
            Codec::String {
                max_length: Some(n),
            } => format!("STRING({n})"),
            Codec::String { max_length: None } => "STRING".into(),
            Codec::Bytes {
                max_length: Some(n),
            } => format!("BYTES({n})"),
            Codec::Bytes { max_length: None } => "BYTES".into(),
            Codec::Numeric(p) => decimal("NUMERIC", p),
            Codec::BigNumeric(p) => decimal("BIGNUMERIC", p),
            Codec::Date => "DATE".into(),
            Codec::Time => "TIME".into(),
            Codec::DateTime => "DATETIME".into(),
            Codec::Timestamp { picos: false } => "TIMESTAMP".into(),
            Codec::Timestamp { picos: true } => "TIMESTAMP(12)".into(),
            Codec::Geography => "GEOGRAPHY".into(),
            Codec::Json => "JSON".into(),
            Codec::Interval => "INTERVAL".into(),
            Codec::Range(e) => format!("RANGE<{}>", e.field_type().sql_name()),
        }
    }

    /// Parses one non-null `serde_json::Value` (the general, slower entry
    /// point; the fast path reads JSON bytes without building a `Value`).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Policy};
    /// use serde_json::json;
    ///
    /// let value = json!("2024-02-29");
    /// let date = Codec::Date.parse_value(&value, &Policy::new())?;
    /// assert_eq!(date.to_canonical(), "2024-02-29");
    /// // A serde_json::Value holds a float as f64: 0.1 arrives as the f64's shortest digits.
    /// assert_eq!(Codec::parse_type("NUMERIC")?.parse_value(&json!(0.1), &Policy::new())?.to_canonical(), "0.1");
    /// assert!(Codec::Date.parse_value(&json!(null), &Policy::new()).is_err());
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse_value<'a>(
        &self,
        value: &'a serde_json::Value,
        policy: &Policy,
    ) -> Result<Scalar<'a>, ValueError> {
        use serde_json::Value;
        match value {
            Value::Null => self.parse(Input::Null, policy),
            Value::Bool(b) => self.parse(Input::Bool(*b), policy),
            Value::String(s) => self.parse(Input::Str(s), policy),
            Value::Number(n) => {
                let text = n.to_string();
                self.parse(Input::Number(&text), policy)
                    .map(Scalar::into_owned)
            }
            Value::Array(_) | Value::Object(_) => {
                let text = value.to_string();
                self.parse(Input::Raw(&text), policy)
                    .map(Scalar::into_owned)
            }
        }
    }

    /// Parses one non-null input into the canonical scalar. [`Input::Null`] is
    /// rejected here: whether NULL is allowed is the field mode's business.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy, Scalar};
    ///
    /// let policy = Policy::new();
    /// assert_eq!(Codec::Int64.parse(Input::Str("42"), &policy)?, Scalar::Int64(42));
    /// // NUMERIC from a JSON number keeps the digits as written (never through f64).
    /// let n = Codec::parse_type("NUMERIC")?.parse(Input::Number("0.1000000001"), &policy);
    /// assert_eq!(n.unwrap_err().to_string(),
    ///     r#"expected at most 9 fractional digits, found "0.1000000001" (choose a rounding policy to round)"#);
    /// assert_eq!(Codec::Int64.parse(Input::Null, &policy).unwrap_err().to_string(),
    ///     r#"expected INT64 (an integer or integer string with no fractional part, e.g. 42 or "-9223372036854775808"), found null"#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn parse<'a>(&self, input: Input<'a>, policy: &Policy) -> Result<Scalar<'a>, ValueError> {
        Ok(match *self {
            Codec::Bool => Scalar::Bool(scalar::parse_bool(input)?),
            Codec::Int64 => Scalar::Int64(scalar::parse_int64(input)?),
            Codec::Float64 => Scalar::Float64(scalar::parse_float64(input)?),
            Codec::String { max_length } => {
                Scalar::String(Cow::Borrowed(scalar::parse_string(input, max_length)?))
            }
            Codec::Bytes { max_length } => {
                Scalar::Bytes(Cow::Owned(scalar::parse_bytes(input, max_length)?))
            }
            Codec::Numeric(p) => Scalar::Numeric(Numeric::parse(input, p, policy.rounding)?),
            Codec::BigNumeric(p) => {
                Scalar::BigNumeric(BigNumeric::parse(input, p, policy.rounding)?)
            }
            Codec::Date => Scalar::Date(Date::parse(input)?),
            Codec::Time => Scalar::Time(Time::parse(input)?),
            Codec::DateTime => Scalar::DateTime(DateTime::parse(input)?),
            Codec::Timestamp { picos: false } => Scalar::Timestamp(Timestamp::parse(input)?),
            Codec::Timestamp { picos: true } => {
                Scalar::TimestampPicos(TimestampPicos::parse(input)?)
            }
            Codec::Geography => {
                Scalar::Geography(Geography::parse_limited(input, policy.max_geography_bytes)?)
            }
            Codec::Json => Scalar::Json(json::parse_limited(input, policy.max_json_depth)?),
            Codec::Interval => Scalar::Interval(Interval::parse(input)?),
            Codec::Range(e) => Scalar::Range(RangeValue::parse(input, e)?),
        })
    }
}

impl Codec {
    /// [`Codec::parse`] with the caller's buffers: the same checks and the
    /// same value, but a BYTES or a compacted JSON value borrows `scratch`
    /// instead of owning an allocation.
    #[inline]
    pub(crate) fn parse_in<'a>(
        &self,
        input: Input<'a>,
        policy: &Policy,
        scratch: &'a mut ParseScratch,
    ) -> Result<Scalar<'a>, ValueError> {
        match *self {
            Codec::Bytes { max_length } => {
                scalar::parse_bytes_into(input, max_length, &mut scratch.bytes)?;
                Ok(Scalar::Bytes(Cow::Borrowed(scratch.bytes.as_slice())))
            }
            Codec::Json => Ok(Scalar::Json(json::parse_in(
                input,
                &mut scratch.json,
                policy.max_json_depth,
            )?)),
            _ => self.parse(input, policy),
        }
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// A canonical value of one BigQuery type: what every sink writes.
///
/// # Examples
///
/// This also shows [`to_canonical`](Self::to_canonical) (also `Display`).
///
/// ```
/// use bqcodec::value::{Codec, Input, Policy, Scalar};
///
/// let ts = Codec::parse_type("TIMESTAMP")?.parse(Input::Str("2024-01-02 03:04:05.5+01:00"), &Policy::new())?;
/// assert_eq!(ts.to_canonical(), "2024-01-02T02:04:05.500000Z");
/// assert_eq!(Scalar::Bytes(b"hi".as_slice().into()).to_string(), "aGk=");
/// assert_eq!(Scalar::Float64(1e21).to_canonical(), "1e+21");
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Scalar<'a> {
    /// BOOL
    Bool(bool),
    /// INT64
    Int64(i64),
    /// FLOAT64
    Float64(f64),
    /// STRING
    String(Cow<'a, str>),
    /// BYTES
    Bytes(Cow<'a, [u8]>),
    /// NUMERIC
    Numeric(Numeric),
    /// BIGNUMERIC
    BigNumeric(BigNumeric),
    /// DATE
    Date(Date),
    /// TIME
    Time(Time),
    /// DATETIME
    DateTime(DateTime),
    /// TIMESTAMP (microseconds)
    Timestamp(Timestamp),
    /// TIMESTAMP (picoseconds, `timestampPrecision` 12)
    TimestampPicos(TimestampPicos),
    /// GEOGRAPHY
    Geography(Geography),
    /// JSON, compact text
    Json(Cow<'a, str>),
    /// INTERVAL
    Interval(Interval),
    /// RANGE
    Range(RangeValue),
}

impl Scalar<'_> {
    /// The same value with nothing borrowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy, Scalar};
    ///
    /// let owned: Scalar<'static> = {
    ///     let text = String::from("abc");
    ///     Codec::String { max_length: None }.parse(Input::Str(&text), &Policy::new())?.into_owned()
    /// };
    /// assert_eq!(owned, Scalar::String("abc".into()));
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn into_owned(self) -> Scalar<'static> {
        match self {
            Scalar::Bool(v) => Scalar::Bool(v),
            Scalar::Int64(v) => Scalar::Int64(v),
            Scalar::Float64(v) => Scalar::Float64(v),
            Scalar::String(v) => Scalar::String(Cow::Owned(v.into_owned())),
            Scalar::Bytes(v) => Scalar::Bytes(Cow::Owned(v.into_owned())),
            Scalar::Numeric(v) => Scalar::Numeric(v),
            Scalar::BigNumeric(v) => Scalar::BigNumeric(v),
            Scalar::Date(v) => Scalar::Date(v),
            Scalar::Time(v) => Scalar::Time(v),
            Scalar::DateTime(v) => Scalar::DateTime(v),
            Scalar::Timestamp(v) => Scalar::Timestamp(v),
            Scalar::TimestampPicos(v) => Scalar::TimestampPicos(v),
            Scalar::Geography(v) => Scalar::Geography(v),
            Scalar::Json(v) => Scalar::Json(Cow::Owned(v.into_owned())),
            Scalar::Interval(v) => Scalar::Interval(v),
            Scalar::Range(v) => Scalar::Range(v),
        }
    }

    /// Appends the canonical text (BigQuery's canonical literal; see the
    /// type table in the README).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy};
    ///
    /// let mut out = String::from("value=");
    /// Codec::Interval.parse(Input::Str("P1Y2M3DT4H"), &Policy::new())?.write_canonical(&mut out);
    /// assert_eq!(out, "value=1-2 3 4:0:0");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn write_canonical(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = match self {
            Scalar::Bool(b) => write!(out, "{b}"),
            Scalar::Int64(v) => write!(out, "{v}"),
            Scalar::Float64(v) => {
                scalar::write_float64(*v, out);
                Ok(())
            }
            Scalar::String(s) => {
                out.push_str(s);
                Ok(())
            }
            Scalar::Bytes(b) => {
                scalar::write_bytes(b, out);
                Ok(())
            }
            Scalar::Numeric(v) => write!(out, "{v}"),
            Scalar::BigNumeric(v) => write!(out, "{v}"),
            Scalar::Date(v) => write!(out, "{v}"),
            Scalar::Time(v) => write!(out, "{v}"),
            Scalar::DateTime(v) => write!(out, "{v}"),
            Scalar::Timestamp(v) => write!(out, "{v}"),
            Scalar::TimestampPicos(v) => write!(out, "{v}"),
            Scalar::Geography(v) => write!(out, "{v}"),
            Scalar::Json(s) => {
                out.push_str(s);
                Ok(())
            }
            Scalar::Interval(v) => write!(out, "{v}"),
            Scalar::Range(v) => write!(out, "{v}"),
        };
    }

    /// Appends the value as JSON in the canonical row form that decoders
    /// emit and the row walk reads back: BOOL a boolean; INT64 a decimal
    /// string (exact for every JSON reader); FLOAT64 a number, or the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`; RANGE an object
    /// `{"start": …, "end": …}` (null for an unbounded end); JSON the JSON
    /// text as a string; every other type its canonical text as a string.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::{Codec, Input, Policy, Scalar};
    ///
    /// let json = |s: Scalar| { let mut out = String::new(); s.write_json(&mut out); out };
    /// assert_eq!(json(Scalar::Int64(9007199254740993)), r#""9007199254740993""#); // a string: exact in every reader
    /// assert_eq!(json(Scalar::Float64(f64::NAN)), r#""NaN""#);
    /// assert_eq!(json(Scalar::Float64(2.5)), "2.5");
    /// let range = Codec::parse_type("RANGE<DATE>")?.parse(Input::Str("[2024-01-01, UNBOUNDED)"), &Policy::new())?;
    /// assert_eq!(json(range), r#"{"start":"2024-01-01","end":null}"#);
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn write_json(&self, out: &mut String) {
        match self {
            Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Scalar::Float64(v) if v.is_finite() => scalar::write_float64(*v, out),
            Scalar::Range(r) => {
                let (start, end) = range_ends_text(r);
                out.push_str("{\"start\":");
                match start {
                    Some(s) => write_json_string(&s, out),
                    None => out.push_str("null"),
                }
                out.push_str(",\"end\":");
                match end {
                    Some(s) => write_json_string(&s, out),
                    None => out.push_str("null"),
                }
                out.push('}');
            }
            Scalar::String(s) | Scalar::Json(s) => write_json_string(s, out),
            // Canonical texts of digits, signs, letters, base64 and WKT
            // punctuation: nothing to escape, so no temporary string.
            Scalar::Int64(_)
            | Scalar::Float64(_)
            | Scalar::Numeric(_)
            | Scalar::BigNumeric(_)
            | Scalar::Bytes(_)
            | Scalar::Date(_)
            | Scalar::Time(_)
            | Scalar::DateTime(_)
            | Scalar::Timestamp(_)
            | Scalar::TimestampPicos(_)
            | Scalar::Interval(_) => {
                out.push('"');
                self.write_canonical(out);
                out.push('"');
            }
            other => write_json_string(&other.to_canonical(), out),
        }
    }

    /// The canonical text.
    pub fn to_canonical(&self) -> String {
        let mut s = String::new();
        self.write_canonical(&mut s);
        s
    }
}

/// The canonical texts of a RANGE's ends (`None` for unbounded).
fn range_ends_text(r: &RangeValue) -> (Option<String>, Option<String>) {
    fn ends<T: fmt::Display>(r: &super::range::Range<T>) -> (Option<String>, Option<String>) {
        (
            r.start.as_ref().map(T::to_string),
            r.end.as_ref().map(T::to_string),
        )
    }
    match r {
        RangeValue::Date(r) => ends(r),
        RangeValue::DateTime(r) => ends(r),
        RangeValue::Timestamp(r) => ends(r),
    }
}

/// Appends `s` as a JSON string literal.
///
/// # Examples
///
/// ```
/// use bqcodec::value::write_json_string;
///
/// let mut out = String::new();
/// write_json_string("a\"b\\\n\u{1}", &mut out);
/// assert_eq!(out, r#""a\"b\\\n\u0001""#);
/// ```
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        match esc {
            Some(e) => out.push_str(e),
            None => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

impl fmt::Display for Scalar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_canonical())
    }
}
