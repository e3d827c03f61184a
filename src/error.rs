//! The error types and field paths.
//!
//! Three layers, from the inside out:
//! - [`ValueError`]: what is wrong with one value (expected vs. found), before
//!   anyone knows where the value sits.
//! - [`RowError`]: a [`ValueError`] placed in a row: the row index and the
//!   [`FieldPath`] (`orders[3].items[1].price`).
//! - [`SchemaError`]: every problem of a schema at once, each with its path.

use std::borrow::Cow;
use std::fmt;

/// At most this many characters of an offending input are quoted in a message.
const QUOTE_LIMIT: usize = 80;

/// Quotes an offending input for an error message, cut to a readable length.
pub(crate) fn quote(found: &str) -> String {
    let mut out = String::with_capacity(found.len().min(QUOTE_LIMIT) + 8);
    out.push('"');
    let mut chars = found.chars();
    for c in chars.by_ref().take(QUOTE_LIMIT) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('"');
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// What is wrong with one value.
///
/// Every variant says what was expected and what was found; the offending
/// input is quoted (cut to 80 characters).
///
/// # Examples
///
/// ```
/// use bqcodec::value::{Input, scalar};
/// use bqcodec::ValueError;
///
/// let err = scalar::parse_int64(Input::Str("1.5")).unwrap_err();
/// assert!(matches!(err, ValueError::Invalid { .. }));
/// let err = scalar::parse_int64(Input::Number("9223372036854775808")).unwrap_err();
/// assert!(err.is_out_of_range());
/// assert_eq!(err.to_string(), r#"out of range: expected INT64 (-9223372036854775808 to 9223372036854775807), found "9223372036854775808""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The input has the wrong JSON kind, or its text does not parse as the type.
    #[error("expected {expected}, found {found}")]
    Invalid {
        /// What the type accepts, e.g. `"INT64 (an integer or integer string)"`.
        expected: Cow<'static, str>,
        /// The offending input, quoted.
        found: String,
    },
    /// The input parsed but lies outside the type's range.
    #[error("out of range: expected {expected}, found {found}")]
    OutOfRange {
        /// The allowed range.
        expected: Cow<'static, str>,
        /// The offending input, quoted.
        found: String,
    },
    /// A decimal with more fractional digits than the column's scale, and no
    /// rounding policy chosen.
    #[error(
        "expected at most {scale} fractional digits, found {found} (choose a rounding policy to round)"
    )]
    ExcessScale {
        /// The column's scale.
        scale: u32,
        /// The offending input, quoted.
        found: String,
    },
    /// A STRING or BYTES value longer than the column's `maxLength`.
    #[error("expected at most {max} {unit}, found {length}")]
    TooLong {
        /// The column's `maxLength`.
        max: u64,
        /// The value's length in `unit`s.
        length: u64,
        /// `"characters"` for STRING, `"bytes"` for BYTES.
        unit: &'static str,
    },
    /// A NULL where the field is REQUIRED (or a missing REQUIRED key).
    #[error("expected a value for a REQUIRED field, found {found}")]
    Required {
        /// `"null"` or `"no key"`.
        found: &'static str,
    },
    /// The row is not valid JSON.
    #[error("invalid JSON at byte {offset}: expected {expected}")]
    Json {
        /// Byte offset into the row's text.
        offset: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// The same key twice in one object.
    #[error("duplicate key {found}")]
    DuplicateKey {
        /// The key, quoted.
        found: String,
    },
    /// A key that names no field of the record.
    #[error("unknown field {found}")]
    UnknownField {
        /// The key, quoted.
        found: String,
    },
}

impl ValueError {
    /// An input that does not parse as the type.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::ValueError;
    ///
    /// let err = ValueError::invalid("DATE (\"YYYY-MM-DD\" or an integer of days)", "2024-13-01");
    /// assert_eq!(err.to_string(), r#"expected DATE ("YYYY-MM-DD" or an integer of days), found "2024-13-01""#);
    /// ```
    pub fn invalid(expected: impl Into<Cow<'static, str>>, found: &str) -> Self {
        ValueError::Invalid {
            expected: expected.into(),
            found: quote(found),
        }
    }

    /// An input of the wrong JSON kind (`found` names the kind, unquoted).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::{Input, ValueError};
    ///
    /// // The kind is written as is, not quoted: it describes the input rather than repeating it.
    /// let err = ValueError::wrong_kind("BOOL (true or false)", Input::Null.kind());
    /// assert_eq!(err.to_string(), "expected BOOL (true or false), found null");
    /// ```
    pub fn wrong_kind(expected: impl Into<Cow<'static, str>>, kind: &'static str) -> Self {
        ValueError::Invalid {
            expected: expected.into(),
            found: kind.to_owned(),
        }
    }

    /// An input outside the type's range.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::ValueError;
    ///
    /// let err = ValueError::out_of_range("DATE (0001-01-01 … 9999-12-31)", "10000-01-01");
    /// assert!(err.is_out_of_range());
    /// assert_eq!(err.to_string(), r#"out of range: expected DATE (0001-01-01 … 9999-12-31), found "10000-01-01""#);
    /// ```
    pub fn out_of_range(expected: impl Into<Cow<'static, str>>, found: &str) -> Self {
        ValueError::OutOfRange {
            expected: expected.into(),
            found: quote(found),
        }
    }

    /// A decimal with more fractional digits than `scale`.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::ValueError;
    ///
    /// let err = ValueError::excess_scale(2, "1.005");
    /// assert!(err.is_excess_scale());
    /// assert_eq!(err.to_string(), r#"expected at most 2 fractional digits, found "1.005" (choose a rounding policy to round)"#);
    /// ```
    pub fn excess_scale(scale: u32, found: &str) -> Self {
        ValueError::ExcessScale {
            scale,
            found: quote(found),
        }
    }

    /// True when the input parsed but was out of range.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::Numeric;
    ///
    /// // NUMERIC holds at most 29 integer digits.
    /// assert!("1e29".parse::<Numeric>().unwrap_err().is_out_of_range());
    /// assert!(!"abc".parse::<Numeric>().unwrap_err().is_out_of_range());
    /// ```
    pub fn is_out_of_range(&self) -> bool {
        matches!(self, ValueError::OutOfRange { .. })
    }

    /// True when the input had more fractional digits than the scale.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::value::numeric::Numeric;
    ///
    /// // NUMERIC keeps 9 fractional digits; a tenth is an error, not a rounding.
    /// assert!("0.1234567891".parse::<Numeric>().unwrap_err().is_excess_scale());
    /// assert!("0.1234567890".parse::<Numeric>().is_ok()); // trailing zeros are not excess
    /// ```
    pub fn is_excess_scale(&self) -> bool {
        matches!(self, ValueError::ExcessScale { .. })
    }
}

/// One step of a [`FieldPath`].
///
/// # Examples
///
/// ```
/// use bqcodec::error::{FieldPath, PathSegment};
///
/// let path = FieldPath::root().with_field("items").with_index(2);
/// assert_eq!(path.segments(), [PathSegment::Field("items".into()), PathSegment::Index(2)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A field name.
    Field(String),
    /// An element index in a REPEATED field.
    Index(usize),
}

/// Where a value sits in a row: `orders[3].items[1].price`.
///
/// Built while walking a row; displayed with `.` between field names and
/// `[i]` after a REPEATED field's name.
///
/// # Examples
///
/// This also shows [`root`](Self::root), [`is_root`](Self::is_root),
/// [`pop`](Self::pop) and [`segments`](Self::segments).
///
/// ```
/// use bqcodec::FieldPath;
///
/// let mut path = FieldPath::root();
/// assert!(path.is_root());
/// assert_eq!(path.to_string(), "(row)");
/// path.push_field("orders");
/// path.push_index(3);
/// path.push_field("price");
/// assert_eq!(path.to_string(), "orders[3].price");
/// path.pop();
/// assert_eq!(path.segments().len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath {
    segments: Vec<PathSegment>,
}

impl FieldPath {
    /// The empty path (the row itself).
    pub const fn root() -> Self {
        FieldPath {
            segments: Vec::new(),
        }
    }

    /// Appends a field name.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::FieldPath;
    ///
    /// let mut path = FieldPath::root();
    /// path.push_field("customer");
    /// path.push_field("name");
    /// assert_eq!(path.to_string(), "customer.name");
    /// ```
    pub fn push_field(&mut self, name: &str) {
        self.segments.push(PathSegment::Field(name.to_owned()));
    }

    /// Appends an element index.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::FieldPath;
    ///
    /// let mut path = FieldPath::root();
    /// path.push_field("tags");
    /// path.push_index(0);
    /// assert_eq!(path.to_string(), "tags[0]");
    /// ```
    pub fn push_index(&mut self, index: usize) {
        self.segments.push(PathSegment::Index(index));
    }

    /// Removes the last segment.
    pub fn pop(&mut self) {
        self.segments.pop();
    }

    /// A path with one more field name.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::FieldPath;
    ///
    /// let items = FieldPath::root().with_field("items");
    /// assert_eq!(items.with_field("sku").to_string(), "items.sku");
    /// assert_eq!(items.to_string(), "items"); // unchanged
    /// ```
    pub fn with_field(&self, name: &str) -> Self {
        let mut p = self.clone();
        p.push_field(name);
        p
    }

    /// A path with one more index.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::FieldPath;
    ///
    /// let path = FieldPath::root().with_field("items").with_index(2).with_field("price");
    /// assert_eq!(path.to_string(), "items[2].price");
    /// ```
    pub fn with_index(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.push_index(index);
        p
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[PathSegment] {
        &self.segments
    }

    /// True for the empty path.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.segments {
            match seg {
                PathSegment::Field(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathSegment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        if first {
            f.write_str("(row)")?;
        }
        Ok(())
    }
}

/// A [`ValueError`] placed in a row: `row 3: items[2].price: expected …, found …`.
///
/// # Examples
///
/// ```
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
/// use bqcodec::{plan::WalkOptions, TableSchema};
///
/// let schema = TableSchema::from_json(r#"[{"name": "items", "type": "RECORD", "mode": "REPEATED",
///                                           "fields": [{"name": "qty", "type": "INT64"}]}]"#)?;
/// let writer = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let err = writer.encode_json(br#"{"items": [{"qty": 1}, {"qty": 2.5}]}"#, 7).unwrap_err();
/// assert_eq!((err.row, err.path.to_string()), (7, "items[1].qty".to_owned()));
/// assert_eq!(err.to_string(), "row 7: items[1].qty: expected INT64 (an integer or integer string with no fractional part, e.g. 42 or \"-9223372036854775808\"), found \"2.5\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {path}: {error}")]
#[non_exhaustive]
pub struct RowError {
    /// The row's index in the caller's input (0-based).
    pub row: usize,
    /// Where in the row.
    pub path: FieldPath,
    /// What is wrong.
    #[source]
    pub error: ValueError,
}

/// One problem found in a schema.
///
/// # Examples
///
/// ```
/// use bqcodec::TableSchema;
///
/// let err = TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "A", "type": "DATE"}]"#).unwrap_err();
/// let problem = &err.problems[0];
/// assert_eq!(problem.path, "A");
/// assert_eq!(problem.to_string(),
///     r#"A: duplicate name "A": sibling 0 is already named "a" (names are compared case-insensitively)"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaProblem {
    /// The field's path (`a.b.c`), or empty for the schema as a whole.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(schema): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem of a schema, found at once.
///
/// # Examples
///
/// ```
/// use bqcodec::TableSchema;
///
/// // Every problem is reported at once, one line each.
/// let err = TableSchema::from_json(r#"[{"name": "r", "type": "RECORD"},
///                                       {"name": "n", "type": "INT64", "timestampPrecision": 12}]"#).unwrap_err();
/// assert_eq!(err.problems.len(), 2);
/// assert_eq!(err.to_string(), "r: RECORD must have at least one sub-field, found none\n\
///                              n: timestampPrecision is allowed only on TIMESTAMP, found it on INTEGER");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SchemaError {
    /// The problems, in the order of the fields they concern. Never empty.
    pub problems: Vec<SchemaProblem>,
}

impl SchemaError {
    /// A schema error with one problem.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::SchemaError;
    ///
    /// let err = SchemaError::single("items.price", "NUMERIC precision 40 exceeds 38");
    /// assert_eq!(err.problems.len(), 1);
    /// assert_eq!(err.to_string(), "items.price: NUMERIC precision 40 exceeds 38");
    /// assert_eq!(SchemaError::single("", "no fields").to_string(), "(schema): no fields");
    /// ```
    pub fn single(path: impl Into<String>, message: impl Into<String>) -> Self {
        SchemaError {
            problems: vec![SchemaProblem {
                path: path.into(),
                message: message.into(),
            }],
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display() {
        let mut p = FieldPath::root();
        assert_eq!(p.to_string(), "(row)");
        p.push_field("orders");
        p.push_index(3);
        p.push_field("items");
        p.push_index(1);
        p.push_field("price");
        assert_eq!(p.to_string(), "orders[3].items[1].price");
    }

    #[test]
    fn quote_cuts_and_escapes() {
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        let long = "x".repeat(100);
        let q = quote(&long);
        assert!(q.ends_with("\"…"));
        assert_eq!(q.chars().filter(|&c| c == 'x').count(), 80);
    }

    #[test]
    fn row_error_display() {
        let e = RowError {
            row: 3,
            path: FieldPath::root()
                .with_field("items")
                .with_index(2)
                .with_field("price"),
            error: ValueError::invalid("NUMERIC", "abc"),
        };
        assert_eq!(
            e.to_string(),
            "row 3: items[2].price: expected NUMERIC, found \"abc\""
        );
    }
}
