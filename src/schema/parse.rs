//! Parsing a schema from JSON: the forms, the attributes, and the walk that
//! reads each field and runs the validation checks on it as it goes. The
//! accepted forms and the choices made are listed on
//! [`TableSchema::from_value`].

use serde_json::{Map, Value};

use super::validate::{Checker, MAX_DEPTH, MAX_INT64, child_path, duplicates};
use super::{Field, FieldType, Mode, RangeElementType, RoundingMode, TableSchema};
use crate::error::{SchemaError, quote};

/// The keys of a `TableFieldSchema` this crate models; every other key goes
/// to [`Field::extra`].
pub(super) const KNOWN_KEYS: [&str; 14] = [
    "name",
    "type",
    "mode",
    "fields",
    "description",
    "maxLength",
    "precision",
    "scale",
    "roundingMode",
    "collation",
    "defaultValueExpression",
    "policyTags",
    "timestampPrecision",
    "rangeElementType",
];

/// Deepest nesting of arrays and objects kept in [`Field::extra`].
const MAX_EXTRA_DEPTH: usize = 128;

/// Every type name (and alias) a field may have, for messages.
const TYPE_EXPECTED: &str = "one of STRING, BYTES, INTEGER (INT64), FLOAT (FLOAT64), \
     NUMERIC (DECIMAL), BIGNUMERIC (BIGDECIMAL), BOOLEAN (BOOL), TIMESTAMP, DATE, TIME, \
     DATETIME, GEOGRAPHY, JSON, INTERVAL, RANGE, RECORD (STRUCT)";

/// The accepted top-level forms, for messages.
const FORMS: &str = "a JSON array of fields (as `bq show --schema` prints), \
     {\"fields\": [...]}, or a table resource {\"schema\": {\"fields\": [...]}}";

impl TableSchema {
    /// Parses and validates a schema from JSON text in any of the forms people
    /// keep on disk: the bare array `bq show --schema` prints, a REST
    /// TableSchema `{"fields": [...]}`, or a whole table resource
    /// `{"schema": {"fields": [...]}}`. Reports every problem at once.
    ///
    /// Rejects text that is not JSON (one problem, with serde_json's line and
    /// column), and everything [`TableSchema::from_value`] rejects.
    ///
    /// ```
    /// use bqcodec::{FieldType, Mode, TableSchema};
    /// let s = TableSchema::from_json(
    ///     r#"[{"name": "id", "type": "INTEGER", "mode": "REQUIRED"},
    ///         {"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#,
    /// )
    /// .unwrap();
    /// assert_eq!(s.fields[0].field_type, FieldType::Int64);
    /// assert_eq!(s.fields[1].mode, Mode::Repeated);
    ///
    /// let err = TableSchema::from_json(r#"[{"name": "a", "type": "INT"}, {"type": "DATE"}]"#)
    ///     .unwrap_err();
    /// assert_eq!(err.problems.len(), 2);
    /// assert_eq!(err.problems[0].path, "a");
    /// assert_eq!(err.problems[1].path, "fields[1]");
    /// ```
    pub fn from_json(text: &str) -> Result<TableSchema, SchemaError> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SchemaError::single("", format!("not JSON: {e}")))?;
        TableSchema::from_value(&v)
    }

    /// As [`TableSchema::from_json`], from a parsed JSON value.
    ///
    /// Accepts three forms, told apart by their shape:
    /// - the bare array of fields that `bq show --schema` prints and
    ///   `bq load`/`bq mk` read: `[{"name": …, "type": …}, …]`;
    /// - a REST `TableSchema`: `{"fields": [...]}`;
    /// - a whole REST table resource: `{"schema": {"fields": [...]}, …}`.
    ///
    /// Each field is a REST `TableFieldSchema`. Every key this crate models is
    /// read into [`Field`]; any other key is kept as it was in
    /// [`Field::extra`] (forward compatible). Type names and aliases
    /// ([`FieldType::parse`], plus `RANGE`) and modes are case-insensitive;
    /// `mode` defaults to NULLABLE.
    ///
    /// Rejects any other top-level shape, a field that is not an object, a
    /// missing `name` or `type`, an unknown type or mode, an attribute of the
    /// wrong JSON kind, a RANGE without a valid `rangeElementType`, and
    /// everything [`TableSchema::validate`] rejects. Parsing does not stop at
    /// the first problem: every problem is reported, each with its field path,
    /// in one [`SchemaError`]. Never panics, whatever the value.
    ///
    /// # Choices
    ///
    /// - A key whose value is JSON `null` is treated as absent (some clients write
    ///   `"description": null`); `name` and `type` are then missing.
    /// - Integers (`maxLength`, `precision`, `scale`, `timestampPrecision`) are
    ///   accepted as JSON numbers or as the decimal strings the REST API sends
    ///   for its int64 fields (`"10"`): ASCII digits only, no sign, no spaces.
    ///   `maxLength` must fit an int64, `precision`/`scale` a u32.
    /// - `rangeElementType` is the REST object `{"type": "DATE"}` or a bare
    ///   string `"DATE"`. Unknown keys inside it, or inside `policyTags`, are
    ///   rejected: the model has nowhere to keep them, and dropping them silently
    ///   would alter the schema.
    /// - `policyTags` without `names` means an empty list.
    /// - In the object forms, keys other than `fields` (TableSchema) or `schema`
    ///   (table resource) are ignored: they describe the table, not its columns.
    ///   A table resource whose `schema` has no `fields` is an empty schema; an
    ///   object with neither `fields` nor `schema` is rejected.
    /// - An unknown key's value is kept only if it nests at most 128 arrays or
    ///   objects deep (serde_json's own parsing limit), so that keeping it can
    ///   never exhaust the stack.
    /// - Parsing does not descend below a RECORD whose sub-fields would be deeper
    ///   than 15 levels (the depth rule reports it), which bounds recursion on any
    ///   input; problems further down are not reported.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::TableSchema;
    /// use serde_json::json;
    ///
    /// let table = json!({"tableReference": {"tableId": "t"},
    ///                    "schema": {"fields": [{"name": "d", "type": "DATE", "description": null}]}});
    /// let schema = TableSchema::from_value(&table)?;
    /// assert_eq!((schema.fields[0].name.as_str(), schema.fields[0].description.as_deref()), ("d", None));
    /// let err = TableSchema::from_value(&json!({"columns": []})).unwrap_err();
    /// assert_eq!(err.problems.len(), 1);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
    pub fn from_value(value: &serde_json::Value) -> Result<TableSchema, SchemaError> {
        let array = locate_fields(value)?;
        let mut checker = Checker::new();
        let fields = parse_fields(&mut checker, array, "", 1);
        checker.finish()?;
        Ok(TableSchema { fields })
    }
}

/// Finds the array of top-level fields in one of the accepted forms.
fn locate_fields(value: &Value) -> Result<&[Value], SchemaError> {
    match value {
        Value::Array(a) => Ok(a),
        Value::Object(o) => {
            if let Some(f) = o.get("fields") {
                return fields_array(f, "fields");
            }
            match o.get("schema") {
                Some(Value::Object(s)) => match s.get("fields") {
                    None | Some(Value::Null) => Ok(&[]),
                    Some(f) => fields_array(f, "schema.fields"),
                },
                Some(other) => Err(SchemaError::single(
                    "",
                    format!(
                        "schema: expected an object {{\"fields\": [...]}}, found {}",
                        kind(other)
                    ),
                )),
                None => Err(SchemaError::single(
                    "",
                    format!(
                        "expected {FORMS}, found an object with neither \"fields\" nor \"schema\""
                    ),
                )),
            }
        }
        other => Err(SchemaError::single(
            "",
            format!("expected {FORMS}, found {}", kind(other)),
        )),
    }
}

fn fields_array<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], SchemaError> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(SchemaError::single(
            "",
            format!(
                "{key}: expected an array of field objects, found {}",
                kind(other)
            ),
        )),
    }
}

/// Parses sibling fields at `depth` (top level is 1), checking each.
fn parse_fields(checker: &mut Checker, array: &[Value], parent: &str, depth: usize) -> Vec<Field> {
    let names: Vec<Option<&str>> = array
        .iter()
        .map(|v| v.get("name").and_then(Value::as_str))
        .collect();
    let dups = duplicates(names.iter().copied());
    let name_at = |i: usize| names.get(i).copied().flatten();
    let mut out = Vec::with_capacity(array.len());
    for (i, v) in array.iter().enumerate() {
        let path = child_path(parent, name_at(i), i);
        checker.column();
        let Value::Object(obj) = v else {
            checker.problem(
                &path,
                format!(
                    "expected a field object {{\"name\": …, \"type\": …}}, found {}",
                    kind(v)
                ),
            );
            continue;
        };
        let first = dups
            .get(i)
            .copied()
            .flatten()
            .map(|j| (j, name_at(j).unwrap_or("")));
        out.push(parse_field(checker, obj, &path, depth, first));
    }
    out
}

/// Parses one field object (and its sub-fields), checking it. Returns the
/// field as far as it could be read; `checker` holds the problems.
fn parse_field(
    checker: &mut Checker,
    obj: &Map<String, Value>,
    path: &str,
    depth: usize,
    duplicate_of: Option<(usize, &str)>,
) -> Field {
    let mut f = Field::new(String::new(), FieldType::String);

    let name_read = match obj.get("name") {
        None | Some(Value::Null) => {
            checker.problem(path, "name: required, expected a string");
            false
        }
        Some(Value::String(s)) => {
            f.name.clone_from(s);
            true
        }
        Some(other) => {
            checker.problem(
                path,
                format!("name: expected a string, found {}", kind(other)),
            );
            false
        }
    };

    let element = match obj.get("rangeElementType") {
        None | Some(Value::Null) => None,
        Some(v) => Some(range_element(v)),
    };
    let type_known = parse_type(checker, obj.get("type"), element, path, &mut f);

    match obj.get("mode") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => match Mode::parse(s) {
            Some(m) => f.mode = m,
            None => checker.problem(
                path,
                format!(
                    "mode: expected NULLABLE, REQUIRED or REPEATED, found {}",
                    quote(s)
                ),
            ),
        },
        Some(other) => checker.problem(
            path,
            format!(
                "mode: expected a string (NULLABLE, REQUIRED or REPEATED), found {}",
                kind(other)
            ),
        ),
    }

    f.description = string_attr(checker, obj, "description", path);
    f.max_length = uint_attr(checker, obj, "maxLength", path, MAX_INT64);
    f.precision = uint_attr(checker, obj, "precision", path, u64::from(u32::MAX))
        .and_then(|v| u32::try_from(v).ok());
    f.scale = uint_attr(checker, obj, "scale", path, u64::from(u32::MAX))
        .and_then(|v| u32::try_from(v).ok());
    f.rounding_mode = rounding_mode(checker, obj, path);
    f.collation = string_attr(checker, obj, "collation", path);
    f.default_value_expression = string_attr(checker, obj, "defaultValueExpression", path);
    f.policy_tags = policy_tags(checker, obj, path);
    f.timestamp_precision = match uint_attr(checker, obj, "timestampPrecision", path, u64::MAX) {
        Some(v) => match u8::try_from(v) {
            Ok(p) => Some(p),
            Err(_) => {
                checker.problem(
                    path,
                    format!("timestampPrecision must be 6 or 12, found {v}"),
                );
                None
            }
        },
        None => None,
    };

    for (key, value) in obj {
        if KNOWN_KEYS.contains(&key.as_str()) {
            continue;
        }
        if nests_deeper_than(value, MAX_EXTRA_DEPTH) {
            checker.problem(
                path,
                format!(
                    "{}: expected a value nested at most {MAX_EXTRA_DEPTH} arrays or objects deep, found a deeper one",
                    quote(key)
                ),
            );
        } else {
            f.extra.insert(key.clone(), value.clone());
        }
    }

    checker.common(&f, path, depth == 1, name_read);
    if let Some((index, first)) = duplicate_of {
        checker.duplicate(path, &f.name, first, index);
    }

    let sub = match obj.get("fields") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.as_slice()),
        Some(other) => {
            checker.problem(
                path,
                format!(
                    "fields: expected an array of field objects, found {}",
                    kind(other)
                ),
            );
            None
        }
    };
    if type_known {
        checker.typed(&f, path, sub.map_or(0, <[Value]>::len));
    }
    if let Some(sub) = sub.filter(|s| !s.is_empty()) {
        if depth >= MAX_DEPTH {
            checker.too_deep(path, depth);
        } else {
            f.fields = parse_fields(checker, sub, path, depth.saturating_add(1));
        }
    }
    f
}

/// Reads `type` (and, for RANGE, the parsed `rangeElementType`) into `f`.
/// Returns whether the type is known.
fn parse_type(
    checker: &mut Checker,
    ty: Option<&Value>,
    element: Option<Result<RangeElementType, String>>,
    path: &str,
    f: &mut Field,
) -> bool {
    let name = match ty {
        None | Some(Value::Null) => {
            checker.problem(path, format!("type: required, expected {TYPE_EXPECTED}"));
            return false;
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            checker.problem(
                path,
                format!(
                    "type: expected a string naming a type, found {}",
                    kind(other)
                ),
            );
            return false;
        }
    };
    if name.eq_ignore_ascii_case("RANGE") {
        return match element {
            Some(Ok(e)) => {
                f.field_type = FieldType::Range(e);
                true
            }
            Some(Err(message)) => {
                checker.problem(path, message);
                false
            }
            None => {
                checker.problem(
                    path,
                    "rangeElementType: required for RANGE, expected DATE, DATETIME or TIMESTAMP",
                );
                false
            }
        };
    }
    match FieldType::parse(name) {
        Some(t) => {
            f.field_type = t;
            if element.is_some() {
                checker.problem(
                    path,
                    format!(
                        "rangeElementType is allowed only on RANGE, found it on {}",
                        t.rest_name()
                    ),
                );
            }
            true
        }
        None => {
            checker.problem(
                path,
                format!("type: expected {TYPE_EXPECTED}, found {}", quote(name)),
            );
            false
        }
    }
}

/// `rangeElementType`: `{"type": "DATE"}` or `"DATE"`.
fn range_element(v: &Value) -> Result<RangeElementType, String> {
    const EXPECTED: &str = "rangeElementType: expected DATE, DATETIME or TIMESTAMP \
         (as {\"type\": \"DATE\"} or \"DATE\")";
    let name = match v {
        Value::String(s) => s,
        Value::Object(m) => {
            if let Some(k) = m.keys().find(|k| k.as_str() != "type") {
                return Err(format!(
                    "rangeElementType: expected only the key \"type\", found {}",
                    quote(k)
                ));
            }
            match m.get("type") {
                Some(Value::String(s)) => s,
                Some(other) => return Err(format!("{EXPECTED}, found type {}", kind(other))),
                None => return Err(format!("{EXPECTED}, found an object without \"type\"")),
            }
        }
        other => return Err(format!("{EXPECTED}, found {}", kind(other))),
    };
    RangeElementType::parse(name).ok_or_else(|| format!("{EXPECTED}, found {}", quote(name)))
}

/// An optional string attribute.
fn string_attr(
    checker: &mut Checker,
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Option<String> {
    match obj.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => {
            checker.problem(
                path,
                format!("{key}: expected a string, found {}", kind(other)),
            );
            None
        }
    }
}

/// An optional non-negative integer attribute, as a JSON number or a decimal
/// string, at most `max`.
fn uint_attr(
    checker: &mut Checker,
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    max: u64,
) -> Option<u64> {
    const EXPECTED: &str =
        "a non-negative integer (a JSON number or a decimal string such as \"10\")";
    let parsed = match obj.get(key)? {
        Value::Null => return None,
        Value::Number(n) => n.as_u64().ok_or_else(|| n.to_string()),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            match s.parse::<u64>() {
                Ok(v) => Ok(v),
                Err(_) => {
                    checker.problem(path, format!("{key}: expected at most {max}, found {s}"));
                    return None;
                }
            }
        }
        Value::String(s) => Err(quote(s)),
        other => Err(kind(other).to_owned()),
    };
    match parsed {
        Ok(v) if v <= max => Some(v),
        Ok(v) => {
            checker.problem(path, format!("{key}: expected at most {max}, found {v}"));
            None
        }
        Err(found) => {
            checker.problem(path, format!("{key}: expected {EXPECTED}, found {found}"));
            None
        }
    }
}

fn rounding_mode(
    checker: &mut Checker,
    obj: &Map<String, Value>,
    path: &str,
) -> Option<RoundingMode> {
    const EXPECTED: &str = "roundingMode: expected ROUND_HALF_AWAY_FROM_ZERO, ROUND_HALF_EVEN \
         or ROUNDING_MODE_UNSPECIFIED";
    match obj.get("roundingMode")? {
        Value::Null => None,
        Value::String(s) => {
            let mode = RoundingMode::parse(s);
            if mode.is_none() {
                checker.problem(path, format!("{EXPECTED}, found {}", quote(s)));
            }
            mode
        }
        other => {
            checker.problem(path, format!("{EXPECTED}, found {}", kind(other)));
            None
        }
    }
}

/// `policyTags`: `{"names": ["projects/…/policyTags/…"]}`.
fn policy_tags(checker: &mut Checker, obj: &Map<String, Value>, path: &str) -> Option<Vec<String>> {
    let m = match obj.get("policyTags")? {
        Value::Null => return None,
        Value::Object(m) => m,
        other => {
            checker.problem(
                path,
                format!(
                    "policyTags: expected an object {{\"names\": [...]}}, found {}",
                    kind(other)
                ),
            );
            return None;
        }
    };
    if let Some(k) = m.keys().find(|k| k.as_str() != "names") {
        checker.problem(
            path,
            format!(
                "policyTags: expected only the key \"names\", found {}",
                quote(k)
            ),
        );
    }
    match m.get("names") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(a)) => {
            let mut names = Vec::with_capacity(a.len());
            for (i, v) in a.iter().enumerate() {
                match v {
                    Value::String(s) => names.push(s.clone()),
                    other => checker.problem(
                        path,
                        format!(
                            "policyTags.names[{i}]: expected a string, found {}",
                            kind(other)
                        ),
                    ),
                }
            }
            Some(names)
        }
        Some(other) => {
            checker.problem(
                path,
                format!(
                    "policyTags.names: expected an array of strings, found {}",
                    kind(other)
                ),
            );
            None
        }
    }
}

/// True when `v` nests more than `limit` arrays or objects; iterative, so it
/// is safe on any value.
fn nests_deeper_than(v: &Value, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 1)];
    while let Some((v, depth)) = stack.pop() {
        let next = depth.saturating_add(1);
        match v {
            Value::Array(_) | Value::Object(_) if depth > limit => return true,
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, next))),
            Value::Object(m) => stack.extend(m.values().map(|c| (c, next))),
            _ => {}
        }
    }
    false
}

/// The JSON kind of a value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::error::SchemaProblem;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<TableSchema, SchemaError> {
        TableSchema::from_value(&v)
    }

    fn problems(v: Value) -> Vec<SchemaProblem> {
        match parse(v) {
            Ok(s) => panic!("expected problems, parsed {s:?}"),
            Err(e) => e.problems,
        }
    }

    /// Asserts exactly one problem, at `path`, whose message contains `needle`.
    fn one_problem(v: Value, path: &str, needle: &str) {
        let p = problems(v);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].path, path, "{p:?}");
        assert!(p[0].message.contains(needle), "{:?} lacks {needle:?}", p[0]);
    }

    fn one_field(field: Value) -> Field {
        let mut s = parse(json!([field])).unwrap();
        assert_eq!(s.fields.len(), 1);
        s.fields.remove(0)
    }

    // ---- forms ----

    #[test]
    fn bare_array_form() {
        let s = parse(json!([{"name": "a", "type": "STRING"}])).unwrap();
        assert_eq!(s.fields, vec![Field::new("a", FieldType::String)]);
    }

    #[test]
    fn rest_table_schema_form() {
        let s = parse(json!({"fields": [{"name": "a", "type": "STRING"}]})).unwrap();
        assert_eq!(s.fields, vec![Field::new("a", FieldType::String)]);
    }

    #[test]
    fn table_resource_form() {
        let s = parse(json!({"kind": "bigquery#table", "schema": {"fields": [
            {"name": "a", "type": "STRING"}
        ]}}))
        .unwrap();
        assert_eq!(s.fields, vec![Field::new("a", FieldType::String)]);
        // A resource whose schema has no fields is the empty schema.
        assert_eq!(
            parse(json!({"schema": {}})).unwrap(),
            TableSchema::default()
        );
        assert_eq!(parse(json!([])).unwrap(), TableSchema::default());
    }

    #[test]
    fn other_top_level_shapes_are_rejected() {
        one_problem(json!({}), "", "neither \"fields\" nor \"schema\"");
        one_problem(json!("x"), "", "found a string");
        one_problem(json!(null), "", "found null");
        one_problem(
            json!({"fields": 3}),
            "",
            "fields: expected an array of field objects, found a number",
        );
        one_problem(json!({"fields": null}), "", "found null");
        one_problem(json!({"schema": []}), "", "schema: expected an object");
        one_problem(
            json!({"schema": {"fields": {}}}),
            "",
            "schema.fields: expected an array",
        );
    }

    #[test]
    fn not_json() {
        let e = TableSchema::from_json("[{").unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert_eq!(e.problems[0].path, "");
        assert!(e.problems[0].message.starts_with("not JSON: "), "{e}");
        // serde_json's recursion limit guards the parser itself.
        let deep = "[".repeat(10_000);
        assert!(TableSchema::from_json(&deep).is_err());
    }

    /// A `bq show --schema --format=prettyjson` style file with every type
    /// and attribute (written for this crate; the shape follows the JSON
    /// schema file section of the "Specifying a schema" docs).
    #[test]
    fn fixture_all_types() {
        let text = include_str!("../../tests/fixtures/schema/bq_show_all_types.json");
        let s = TableSchema::from_json(text).unwrap();
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id", "name", "blob", "score", "price", "big", "ok", "at", "day", "clock", "local",
                "where", "doc", "span", "during", "ssn", "orders"
            ]
        );
        let types: Vec<FieldType> = s.fields.iter().map(|f| f.field_type).collect();
        assert_eq!(
            types,
            [
                FieldType::Int64,
                FieldType::String,
                FieldType::Bytes,
                FieldType::Float64,
                FieldType::Numeric,
                FieldType::BigNumeric,
                FieldType::Bool,
                FieldType::Timestamp,
                FieldType::Date,
                FieldType::Time,
                FieldType::DateTime,
                FieldType::Geography,
                FieldType::Json,
                FieldType::Interval,
                FieldType::Range(RangeElementType::Date),
                FieldType::String,
                FieldType::Record,
            ]
        );
        let f = &s.fields;
        assert_eq!(f[0].mode, Mode::Required);
        assert_eq!(f[0].description.as_deref(), Some("row id"));
        assert_eq!(f[1].max_length, Some(50));
        assert_eq!(f[1].collation.as_deref(), Some("und:ci"));
        assert_eq!(
            f[1].default_value_expression.as_deref(),
            Some("'anonymous'")
        );
        assert_eq!(f[2].max_length, Some(1024));
        assert_eq!((f[4].precision, f[4].scale), (Some(10), Some(2)));
        assert_eq!(f[4].rounding_mode, Some(RoundingMode::RoundHalfEven));
        assert_eq!((f[5].precision, f[5].scale), (Some(50), Some(20)));
        assert_eq!(f[7].timestamp_precision, Some(12));
        assert_eq!(
            f[15].policy_tags,
            Some(vec![
                "projects/p/locations/us/taxonomies/1/policyTags/2".to_owned()
            ])
        );
        assert_eq!(f[16].mode, Mode::Repeated);
        assert_eq!(f[16].fields.len(), 2);
        assert_eq!(f[16].fields[1].fields[0].name, "qty");
        assert!(f.iter().all(|x| x.extra.is_empty()));
    }

    /// A table resource as `tables.get` returns it (written for this crate),
    /// with lower-case and SQL-alias type names, a flexible column name and a
    /// key this crate does not model.
    #[test]
    fn fixture_table_resource() {
        let text = include_str!("../../tests/fixtures/schema/table_resource.json");
        let s = TableSchema::from_json(text).unwrap();
        let mut payload = Field::record(
            "payload",
            vec![
                Field::new("kind", FieldType::String),
                Field::new("value-1", FieldType::Int64).with_mode(Mode::Repeated),
            ],
        );
        payload.mode = Mode::Nullable;
        let mut window = Field::new("window", FieldType::Range(RangeElementType::Timestamp));
        window.extra.insert(
            "dataPolicies".to_owned(),
            json!([{"name": "projects/my-project/locations/us/dataPolicies/p1"}]),
        );
        let expected = TableSchema {
            fields: vec![
                Field::new("event_id", FieldType::String).with_mode(Mode::Required),
                Field::new("名前", FieldType::String),
                payload,
                window,
            ],
        };
        assert_eq!(s, expected);
    }

    // ---- types, modes ----

    /// Every REST type name and alias (REST reference `TableFieldSchema.type`,
    /// plus DECIMAL/BIGDECIMAL and INTERVAL), in several cases.
    #[test]
    fn every_type_name_and_alias_case_insensitively() {
        let cases = [
            ("STRING", FieldType::String),
            ("BYTES", FieldType::Bytes),
            ("INTEGER", FieldType::Int64),
            ("INT64", FieldType::Int64),
            ("FLOAT", FieldType::Float64),
            ("FLOAT64", FieldType::Float64),
            ("NUMERIC", FieldType::Numeric),
            ("DECIMAL", FieldType::Numeric),
            ("BIGNUMERIC", FieldType::BigNumeric),
            ("BIGDECIMAL", FieldType::BigNumeric),
            ("BOOLEAN", FieldType::Bool),
            ("BOOL", FieldType::Bool),
            ("TIMESTAMP", FieldType::Timestamp),
            ("DATE", FieldType::Date),
            ("TIME", FieldType::Time),
            ("DATETIME", FieldType::DateTime),
            ("GEOGRAPHY", FieldType::Geography),
            ("JSON", FieldType::Json),
            ("INTERVAL", FieldType::Interval),
        ];
        for (name, ty) in cases {
            let mixed: String = name
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            for n in [name.to_owned(), name.to_ascii_lowercase(), mixed] {
                assert_eq!(
                    one_field(json!({"name": "a", "type": n})).field_type,
                    ty,
                    "{n}"
                );
            }
        }
        for n in ["RECORD", "record", "STRUCT", "Struct"] {
            let f = one_field(
                json!({"name": "a", "type": n, "fields": [{"name": "b", "type": "DATE"}]}),
            );
            assert_eq!(f.field_type, FieldType::Record, "{n}");
        }
        for (n, e) in [
            ("DATE", RangeElementType::Date),
            ("datetime", RangeElementType::DateTime),
            ("Timestamp", RangeElementType::Timestamp),
        ] {
            let f =
                one_field(json!({"name": "a", "type": "range", "rangeElementType": {"type": n}}));
            assert_eq!(f.field_type, FieldType::Range(e));
            let f = one_field(json!({"name": "a", "type": "RANGE", "rangeElementType": n}));
            assert_eq!(f.field_type, FieldType::Range(e));
        }
    }

    #[test]
    fn unknown_or_missing_type() {
        one_problem(
            json!([{"name": "a", "type": "INT"}]),
            "a",
            "type: expected one of STRING",
        );
        one_problem(json!([{"name": "a", "type": "INT"}]), "a", "found \"INT\"");
        one_problem(
            json!([{"name": "a", "type": "FOREIGN"}]),
            "a",
            "found \"FOREIGN\"",
        );
        one_problem(json!([{"name": "a"}]), "a", "type: required");
        one_problem(json!([{"name": "a", "type": null}]), "a", "type: required");
        one_problem(
            json!([{"name": "a", "type": 3}]),
            "a",
            "type: expected a string naming a type, found a number",
        );
    }

    #[test]
    fn range_element_type_problems() {
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": {"type": "INT64"}}]),
            "r",
            "rangeElementType: expected DATE, DATETIME or TIMESTAMP",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": "TIME"}]),
            "r",
            "found \"TIME\"",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE"}]),
            "r",
            "rangeElementType: required for RANGE",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": {}}]),
            "r",
            "found an object without \"type\"",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": {"type": 1}}]),
            "r",
            "found type a number",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": {"type": "DATE", "x": 1}}]),
            "r",
            "expected only the key \"type\", found \"x\"",
        );
        one_problem(
            json!([{"name": "r", "type": "RANGE", "rangeElementType": []}]),
            "r",
            "found an array",
        );
        one_problem(
            json!([{"name": "d", "type": "DATE", "rangeElementType": {"type": "DATE"}}]),
            "d",
            "rangeElementType is allowed only on RANGE, found it on DATE",
        );
        // Nested: reported with the full path.
        one_problem(
            json!([{"name": "rec", "type": "RECORD", "fields": [
                {"name": "r", "type": "RANGE", "rangeElementType": {"type": "BOOL"}}
            ]}]),
            "rec.r",
            "found \"BOOL\"",
        );
    }

    #[test]
    fn modes() {
        assert_eq!(
            one_field(json!({"name": "a", "type": "DATE"})).mode,
            Mode::Nullable
        );
        assert_eq!(
            one_field(json!({"name": "a", "type": "DATE", "mode": null})).mode,
            Mode::Nullable
        );
        for (m, want) in [
            ("NULLABLE", Mode::Nullable),
            ("nullable", Mode::Nullable),
            ("REQUIRED", Mode::Required),
            ("Required", Mode::Required),
            ("REPEATED", Mode::Repeated),
            ("repeated", Mode::Repeated),
        ] {
            assert_eq!(
                one_field(json!({"name": "a", "type": "DATE", "mode": m})).mode,
                want
            );
        }
        one_problem(
            json!([{"name": "a", "type": "DATE", "mode": "OPTIONAL"}]),
            "a",
            "mode: expected NULLABLE, REQUIRED or REPEATED, found \"OPTIONAL\"",
        );
        one_problem(
            json!([{"name": "a", "type": "DATE", "mode": true}]),
            "a",
            "mode: expected a string (NULLABLE, REQUIRED or REPEATED), found a boolean",
        );
    }

    // ---- attributes ----

    #[test]
    fn integer_attributes_as_numbers_or_strings() {
        let f = one_field(json!({"name": "a", "type": "STRING", "maxLength": 10}));
        assert_eq!(f.max_length, Some(10));
        let f =
            one_field(json!({"name": "a", "type": "BYTES", "maxLength": "9223372036854775807"}));
        assert_eq!(f.max_length, Some(9_223_372_036_854_775_807));
        let f = one_field(json!({"name": "a", "type": "NUMERIC", "precision": "10", "scale": 2}));
        assert_eq!((f.precision, f.scale), (Some(10), Some(2)));
        let f =
            one_field(json!({"name": "a", "type": "BIGNUMERIC", "precision": 76, "scale": "38"}));
        assert_eq!((f.precision, f.scale), (Some(76), Some(38)));
        let f = one_field(json!({"name": "a", "type": "TIMESTAMP", "timestampPrecision": 12}));
        assert_eq!(f.timestamp_precision, Some(12));
        let f = one_field(json!({"name": "a", "type": "TIMESTAMP", "timestampPrecision": "6"}));
        assert_eq!(f.timestamp_precision, Some(6));
    }

    #[test]
    fn integer_attribute_problems() {
        let cases = [
            (
                json!({"maxLength": -1}),
                "maxLength: expected a non-negative integer",
                "found -1",
            ),
            (
                json!({"maxLength": 1.5}),
                "maxLength: expected a non-negative integer",
                "found 1.5",
            ),
            (
                json!({"maxLength": "-1"}),
                "maxLength: expected a non-negative integer",
                "found \"-1\"",
            ),
            (
                json!({"maxLength": " 1"}),
                "maxLength: expected a non-negative integer",
                "found \" 1\"",
            ),
            (
                json!({"maxLength": "+1"}),
                "maxLength: expected a non-negative integer",
                "found \"+1\"",
            ),
            (
                json!({"maxLength": ""}),
                "maxLength: expected a non-negative integer",
                "found \"\"",
            ),
            (
                json!({"maxLength": "1e3"}),
                "maxLength: expected a non-negative integer",
                "found \"1e3\"",
            ),
            (
                json!({"maxLength": true}),
                "maxLength: expected a non-negative integer",
                "found a boolean",
            ),
            (
                json!({"maxLength": "9223372036854775808"}),
                "maxLength: expected at most 9223372036854775807",
                "found 9223372036854775808",
            ),
            (
                json!({"maxLength": "99999999999999999999999"}),
                "maxLength: expected at most 9223372036854775807",
                "found 99999999999999999999999",
            ),
            (
                json!({"precision": 4294967296u64}),
                "precision: expected at most 4294967295",
                "found 4294967296",
            ),
            (
                json!({"scale": [1]}),
                "scale: expected a non-negative integer",
                "found an array",
            ),
        ];
        for (attrs, want, found) in cases {
            let mut field = json!({"name": "a", "type": "STRING"});
            for (k, v) in attrs.as_object().unwrap() {
                field[k] = v.clone();
            }
            let p = problems(json!([field]));
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(p[0].path, "a");
            assert!(p[0].message.starts_with(want), "{:?}", p[0]);
            assert!(p[0].message.ends_with(found), "{:?}", p[0]);
        }
        one_problem(
            json!([{"name": "t", "type": "TIMESTAMP", "timestampPrecision": 300}]),
            "t",
            "timestampPrecision must be 6 or 12, found 300",
        );
    }

    #[test]
    fn string_attributes() {
        let f = one_field(json!({
            "name": "a", "type": "STRING", "description": "d", "collation": "und:ci",
            "defaultValueExpression": "'x'"
        }));
        assert_eq!(f.description.as_deref(), Some("d"));
        assert_eq!(f.collation.as_deref(), Some("und:ci"));
        assert_eq!(f.default_value_expression.as_deref(), Some("'x'"));
        one_problem(
            json!([{"name": "a", "type": "STRING", "description": 1}]),
            "a",
            "description: expected a string, found a number",
        );
        one_problem(
            json!([{"name": "a", "type": "STRING", "collation": {}}]),
            "a",
            "collation: expected a string, found an object",
        );
        one_problem(
            json!([{"name": "a", "type": "STRING", "defaultValueExpression": false}]),
            "a",
            "defaultValueExpression: expected a string, found a boolean",
        );
    }

    #[test]
    fn rounding_mode() {
        for (m, want) in [
            ("ROUND_HALF_EVEN", RoundingMode::RoundHalfEven),
            (
                "round_half_away_from_zero",
                RoundingMode::RoundHalfAwayFromZero,
            ),
            ("ROUNDING_MODE_UNSPECIFIED", RoundingMode::Unspecified),
        ] {
            let f = one_field(json!({"name": "a", "type": "NUMERIC", "roundingMode": m}));
            assert_eq!(f.rounding_mode, Some(want));
        }
        one_problem(
            json!([{"name": "a", "type": "NUMERIC", "roundingMode": "ROUND_DOWN"}]),
            "a",
            "roundingMode: expected ROUND_HALF_AWAY_FROM_ZERO, ROUND_HALF_EVEN or ROUNDING_MODE_UNSPECIFIED, found \"ROUND_DOWN\"",
        );
        one_problem(
            json!([{"name": "a", "type": "NUMERIC", "roundingMode": 1}]),
            "a",
            "found a number",
        );
    }

    #[test]
    fn policy_tags() {
        let f = one_field(json!({"name": "a", "type": "STRING", "policyTags": {"names": ["t"]}}));
        assert_eq!(f.policy_tags, Some(vec!["t".to_owned()]));
        let f = one_field(json!({"name": "a", "type": "STRING", "policyTags": {}}));
        assert_eq!(f.policy_tags, Some(vec![]));
        let f = one_field(json!({"name": "a", "type": "STRING", "policyTags": null}));
        assert_eq!(f.policy_tags, None);
        one_problem(
            json!([{"name": "a", "type": "STRING", "policyTags": ["t"]}]),
            "a",
            "policyTags: expected an object {\"names\": [...]}, found an array",
        );
        one_problem(
            json!([{"name": "a", "type": "STRING", "policyTags": {"names": "t"}}]),
            "a",
            "policyTags.names: expected an array of strings, found a string",
        );
        one_problem(
            json!([{"name": "a", "type": "STRING", "policyTags": {"names": [1]}}]),
            "a",
            "policyTags.names[0]: expected a string, found a number",
        );
        one_problem(
            json!([{"name": "a", "type": "STRING", "policyTags": {"names": [], "extra": 1}}]),
            "a",
            "policyTags: expected only the key \"names\", found \"extra\"",
        );
    }

    #[test]
    fn null_attributes_are_absent() {
        let f = one_field(json!({
            "name": "a", "type": "STRING", "description": null, "maxLength": null,
            "precision": null, "scale": null, "roundingMode": null, "collation": null,
            "defaultValueExpression": null, "timestampPrecision": null,
            "rangeElementType": null, "fields": null
        }));
        assert_eq!(f, Field::new("a", FieldType::String));
    }

    #[test]
    fn unknown_keys_are_kept() {
        let f = one_field(json!({
            "name": "a", "type": "STRING",
            "dataPolicies": [{"name": "p"}], "foreignTypeDefinition": "x", "n": null
        }));
        assert_eq!(f.extra.len(), 3);
        assert_eq!(f.extra["dataPolicies"], json!([{"name": "p"}]));
        assert_eq!(f.extra["foreignTypeDefinition"], json!("x"));
        assert_eq!(f.extra["n"], Value::Null);
    }

    #[test]
    fn deeply_nested_unknown_value_is_rejected_without_recursion() {
        fn nest(levels: usize) -> Value {
            let mut v = json!(1);
            for _ in 0..levels {
                v = Value::Array(vec![v]);
            }
            v
        }
        let f = one_field(json!({"name": "a", "type": "STRING", "x": nest(128)}));
        assert!(f.extra.contains_key("x"));
        one_problem(
            json!([{"name": "a", "type": "STRING", "x": nest(129)}]),
            "a",
            "\"x\": expected a value nested at most 128 arrays or objects deep",
        );
        // object > object > array > object: four levels.
        let v = json!({"a": [], "b": {"c": [1, {}]}});
        assert!(!nests_deeper_than(&v, 4));
        assert!(nests_deeper_than(&v, 3));
        assert!(!nests_deeper_than(&json!("scalar"), 0));
        assert!(nests_deeper_than(&json!([]), 0));
    }

    // ---- names and paths ----

    #[test]
    fn name_problems_use_index_paths() {
        one_problem(
            json!([{"type": "DATE"}]),
            "fields[0]",
            "name: required, expected a string",
        );
        one_problem(
            json!([{"name": null, "type": "DATE"}]),
            "fields[0]",
            "name: required",
        );
        one_problem(
            json!([{"name": "a", "type": "DATE"}, {"name": 7, "type": "DATE"}]),
            "fields[1]",
            "name: expected a string, found a number",
        );
        one_problem(
            json!([{"name": "", "type": "DATE"}]),
            "fields[0]",
            "name must not be empty",
        );
        one_problem(
            json!([{"name": "a", "type": "DATE"}, 5]),
            "fields[1]",
            "expected a field object {\"name\": …, \"type\": …}, found a number",
        );
        one_problem(
            json!([{"name": "r", "type": "RECORD", "fields": [{"name": "x", "type": "DATE"}, {"type": "DATE"}]}]),
            "r.fields[1]",
            "name: required",
        );
    }

    #[test]
    fn control_characters_in_names_are_escaped_in_paths() {
        let p = problems(json!([{"name": "a\nb", "type": "DATE"}]));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "a\\nb");
        assert!(
            p[0].message.contains("found \"\\n\" (U+000A)"),
            "{:?}",
            p[0]
        );
    }

    #[test]
    fn fields_must_be_an_array() {
        let p = problems(json!([{"name": "r", "type": "RECORD", "fields": {"name": "x"}}]));
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].path, "r");
        assert_eq!(
            p[0].message,
            "fields: expected an array of field objects, found an object"
        );
        assert_eq!(
            p[1].message,
            "RECORD must have at least one sub-field, found none"
        );
    }

    #[test]
    fn duplicates_while_parsing() {
        one_problem(
            json!([{"name": "Id", "type": "DATE"}, {"name": "x", "type": "DATE"}, {"name": "iD", "type": "STRING"}]),
            "iD",
            "duplicate name \"iD\": sibling 0 is already named \"Id\"",
        );
    }

    // ---- depth ----

    /// A chain of RECORDs whose innermost leaf sits at `leaf_depth`.
    fn chain(leaf_depth: usize) -> Value {
        let mut v = json!({"name": format!("f{leaf_depth}"), "type": "DATE"});
        for d in (1..leaf_depth).rev() {
            v = json!({"name": format!("f{d}"), "type": "RECORD", "fields": [v]});
        }
        json!([v])
    }

    fn chain_path(depth: usize) -> String {
        (1..=depth)
            .map(|d| format!("f{d}"))
            .collect::<Vec<_>>()
            .join(".")
    }

    #[test]
    fn depth_limit_while_parsing() {
        let s = parse(chain(15)).unwrap();
        let mut f = &s.fields[0];
        for _ in 1..15 {
            f = &f.fields[0];
        }
        assert_eq!(f.name, "f15");
        one_problem(
            chain(16),
            &chain_path(15),
            "sub-fields may be at most 15 levels deep",
        );
        one_problem(chain(16), &chain_path(15), "found sub-fields at level 16");
        // Far deeper input: still one problem, no deep recursion.
        one_problem(chain(100), &chain_path(15), "found sub-fields at level 16");
    }

    // ---- every problem at once ----

    #[test]
    fn every_problem_at_once() {
        let v = json!({"fields": [
            {"name": "ok", "type": "STRING"},
            {"name": "bad type", "type": "VARCHAR", "mode": "SOMETIMES"},
            {"type": "NUMERIC", "precision": "40", "scale": "2"},
            {"name": "rec", "type": "RECORD", "fields": [
                {"name": "a.b", "type": "STRING", "maxLength": "0"},
                {"name": "A.B", "type": "INT64", "collation": "und:ci"},
                {"name": "r", "type": "RANGE", "rangeElementType": {"type": "INT64"}}
            ]},
            {"name": "_PARTITIONTIME", "type": "TIMESTAMP", "timestampPrecision": 9}
        ]});
        let p = problems(v);
        let got: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        let want: &[(&str, &str)] = &[
            ("bad type", "type: expected one of STRING"),
            (
                "bad type",
                "mode: expected NULLABLE, REQUIRED or REPEATED, found \"SOMETIMES\"",
            ),
            ("fields[2]", "name: required"),
            (
                "fields[2]",
                "NUMERIC precision must be at least max(1, scale) and at most scale + 29, found precision 40 scale 2",
            ),
            ("rec.a.b", "name \"a.b\" may contain only"),
            (
                "rec.a.b",
                "maxLength must be a positive INT64 (1 to 9223372036854775807), found 0",
            ),
            ("rec.A.B", "name \"A.B\" may contain only"),
            (
                "rec.A.B",
                "duplicate name \"A.B\": sibling 0 is already named \"a.b\"",
            ),
            (
                "rec.A.B",
                "collation is allowed only on STRING, found it on INTEGER",
            ),
            (
                "rec.r",
                "rangeElementType: expected DATE, DATETIME or TIMESTAMP",
            ),
            (
                "_PARTITIONTIME",
                "name \"_PARTITIONTIME\" starts with the reserved prefix _PARTITION",
            ),
            (
                "_PARTITIONTIME",
                "timestampPrecision must be 6 or 12, found 9",
            ),
        ];
        assert_eq!(got.len(), want.len(), "{got:#?}");
        for ((path, msg), (wpath, wmsg)) in got.iter().zip(want) {
            assert_eq!(path, wpath, "{got:#?}");
            assert!(
                msg.starts_with(wmsg),
                "{msg:?} does not start with {wmsg:?}"
            );
        }
    }

    #[test]
    fn column_limit_while_parsing() {
        let fields: Vec<Value> = (0..10_001)
            .map(|i| json!({"name": format!("c{i}"), "type": "INT64"}))
            .collect();
        one_problem(
            Value::Array(fields),
            "",
            "a table may have at most 10000 columns, nested ones included, found 10001",
        );
    }

    // ---- no panic on anything ----

    const KEYS: &[&str] = &[
        "name",
        "type",
        "mode",
        "fields",
        "description",
        "maxLength",
        "precision",
        "scale",
        "roundingMode",
        "collation",
        "defaultValueExpression",
        "policyTags",
        "names",
        "timestampPrecision",
        "rangeElementType",
        "schema",
        "x",
    ];
    const WORDS: &[&str] = &[
        "STRING",
        "RECORD",
        "STRUCT",
        "RANGE",
        "NUMERIC",
        "BIGNUMERIC",
        "TIMESTAMP",
        "DATE",
        "REPEATED",
        "REQUIRED",
        "und:ci",
        "12",
        "6",
        "-1",
        "40",
        "",
        "NULL",
        "_TABLE_x",
        "a",
        "A",
        "ROUND_HALF_EVEN",
    ];

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,12}".prop_map(Value::String),
            prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
        ];
        leaf.prop_recursive(10, 200, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![prop::sample::select(KEYS).prop_map(str::to_owned), ".{0,6}"],
                        inner
                    ),
                    0..8
                )
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Field-shaped objects with plausible and implausible values.
    fn arb_schemaish() -> impl Strategy<Value = Value> {
        let word = || prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned()));
        let attr = prop_oneof![word(), arb_json()];
        let leaf = prop::collection::vec((prop::sample::select(KEYS), attr), 0..8)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
        leaf.prop_recursive(20, 300, 6, move |inner| {
            (prop::collection::vec(inner, 0..6), word(), word())
                .prop_map(|(fields, name, ty)| json!({"name": name, "type": ty, "fields": fields}))
        })
        .prop_map(|f| json!([f]))
    }

    /// Whatever comes in: no panic; an error always has problems; a schema
    /// that parses is valid and survives the REST round trip.
    fn check_total(v: &Value) {
        match TableSchema::from_value(v) {
            Ok(s) => {
                assert_eq!(s.validate(), Ok(()));
                assert_eq!(TableSchema::from_value(&s.to_rest_json()), Ok(s));
            }
            Err(e) => assert!(!e.problems.is_empty()),
        }
    }

    proptest! {
        #[test]
        fn no_panic_on_arbitrary_json(v in arb_json()) {
            check_total(&v);
            check_total(&json!({"fields": v.clone()}));
            check_total(&json!({"schema": {"fields": v}}));
        }

        #[test]
        fn no_panic_on_schema_like_json(v in arb_schemaish()) {
            check_total(&v);
        }

        #[test]
        fn no_panic_on_arbitrary_text(text in ".{0,64}") {
            if let Err(e) = TableSchema::from_json(&text) {
                prop_assert!(!e.problems.is_empty());
            }
        }
    }
}
