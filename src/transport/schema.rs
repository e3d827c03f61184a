//! The Storage Write API's `TableSchema` message (what
//! `AppendRowsResponse.updated_schema` and `WriteStream.table_schema`
//! carry) to the crate's [`TableSchema`](crate::TableSchema), so a
//! caller can recompile its writer when the table's schema changes:
//!
//! ```
//! use bqcodec::transport::messages::{FieldMode, FieldType, TableFieldSchema, TableSchema};
//! use bqcodec::transport::table_schema_from_message;
//! // The message as the service sends it (the mirrors are #[non_exhaustive]:
//! // built here with Default and assignment).
//! let mut id = TableFieldSchema::default();
//! id.name = "id".into();
//! id.r#type = FieldType::Int64 as i32;
//! id.mode = FieldMode::Required as i32;
//! let mut price = TableFieldSchema::default();
//! price.name = "price".into();
//! price.r#type = FieldType::Numeric as i32;
//! (price.precision, price.scale) = (10, 2);
//! let mut updated = TableSchema::default();
//! updated.fields = vec![id, price];
//! let schema = table_schema_from_message(&updated)?;
//! assert_eq!(schema.fields[1].precision, Some(10));
//! // Then: Plan::compile / ProtoWriter::new with it, and
//! // AppendPlanner::set_writer_schema with the new writer schema.
//! # Ok::<(), bqcodec::SchemaError>(())
//! ```
//!
//! # Choices
//!
//! The message is proto3, so "absent" and zero are one value; read as the
//! REST form's absent key: mode 0 (`MODE_UNSPECIFIED`) is NULLABLE, as
//! BigQuery reads a missing mode; `max_length` 0 is no limit; `precision`
//! 0 is no precision, and then `scale` must be 0; `scale` 0 with a
//! precision is no scale (`NUMERIC(P)`, which BigQuery reads as scale 0);
//! empty `description` and `default_value_expression` are none. Field
//! numbers are those of googleapis'
//! `google/cloud/bigquery/storage/v1/table.proto` (see
//! [`messages::TableFieldSchema`]).

use super::messages::{self, FieldMode, TableFieldSchema};
use crate::error::{SchemaError, SchemaProblem};
use crate::schema::{Field, FieldType, Mode, RangeElementType, TableSchema};

/// Deepest nesting read (BigQuery allows 15 levels; the schema's own
/// validation says so precisely). A bound on the recursion over a message
/// from the network.
const MAX_DEPTH: usize = 15;

/// Converts a Storage Write `TableSchema` message to a validated
/// [`TableSchema`].
///
/// Rejects, each as a [`SchemaProblem`] naming the field path (all
/// problems at once): `TYPE_UNSPECIFIED` and type or mode numbers this
/// crate does not know, a RANGE without `range_element_type` or with an
/// element other than DATE, DATETIME or TIMESTAMP, an element type on a
/// non-RANGE field, negative `max_length`/`precision`/`scale`, a scale
/// without a precision, values above `u32`/`u8`, nesting deeper than 15
/// levels, and everything [`TableSchema::validate`] rejects (names,
/// duplicate names, parameters on the wrong type, precision and scale
/// ranges, RECORD without sub-fields, …).
///
/// # Examples
///
/// ```
/// use bqcodec::transport::messages::{FieldMode, FieldType, TableFieldSchema, TableSchema};
/// use bqcodec::transport::table_schema_from_message;
///
/// let mut id = TableFieldSchema::default();
/// id.name = "id".into();
/// id.r#type = FieldType::Int64 as i32;
/// id.mode = FieldMode::Required as i32;
/// let mut message = TableSchema::default(); // e.g. AppendRowsResponse.updated_schema
/// message.fields.push(id);
/// let schema = table_schema_from_message(&message)?;
/// assert_eq!(schema.to_field_array_json(), serde_json::json!([{"name": "id", "type": "INTEGER", "mode": "REQUIRED"}]));
/// message.fields[0].r#type = FieldType::Unspecified as i32;
/// assert!(table_schema_from_message(&message).is_err());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn table_schema_from_message(
    message: &messages::TableSchema,
) -> Result<TableSchema, SchemaError> {
    let mut problems = Vec::new();
    let fields = convert_fields(&message.fields, "", 1, &mut problems);
    if !problems.is_empty() {
        return Err(SchemaError { problems });
    }
    let schema = TableSchema { fields };
    schema.validate()?;
    Ok(schema)
}

impl TryFrom<&messages::TableSchema> for TableSchema {
    type Error = SchemaError;

    /// [`table_schema_from_message`].
    fn try_from(message: &messages::TableSchema) -> Result<Self, SchemaError> {
        table_schema_from_message(message)
    }
}

fn convert_fields(
    fields: &[TableFieldSchema],
    parent: &str,
    depth: usize,
    problems: &mut Vec<SchemaProblem>,
) -> Vec<Field> {
    fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let path = match (parent.is_empty(), f.name.is_empty()) {
                (true, false) => f.name.clone(),
                (true, true) => format!("[{i}]"),
                (false, false) => format!("{parent}.{}", f.name),
                (false, true) => format!("{parent}.[{i}]"),
            };
            convert_field(f, &path, depth, problems)
        })
        .collect()
}

fn convert_field(
    f: &TableFieldSchema,
    path: &str,
    depth: usize,
    problems: &mut Vec<SchemaProblem>,
) -> Option<Field> {
    let mut problem = |message: String| {
        problems.push(SchemaProblem {
            path: path.to_owned(),
            message,
        });
    };
    let range_element = f.range_element_type.as_ref().map(|e| e.r#type);
    let field_type = match messages::FieldType::try_from(f.r#type) {
        Ok(t) => match base_type(t) {
            Some(ft) => {
                if range_element.is_some() {
                    problem(format!(
                        "expected no range_element_type on a {t:?} field, found one"
                    ));
                }
                Some(ft)
            }
            None if t == messages::FieldType::Range => match range_element {
                None => {
                    problem("expected range_element_type on a RANGE field, found none".into());
                    None
                }
                Some(e) => match messages::FieldType::try_from(e) {
                    Ok(messages::FieldType::Date) => Some(FieldType::Range(RangeElementType::Date)),
                    Ok(messages::FieldType::Datetime) => {
                        Some(FieldType::Range(RangeElementType::DateTime))
                    }
                    Ok(messages::FieldType::Timestamp) => {
                        Some(FieldType::Range(RangeElementType::Timestamp))
                    }
                    _ => {
                        problem(format!(
                            "expected a RANGE element type of DATE, DATETIME or TIMESTAMP, found type number {e}"
                        ));
                        None
                    }
                },
            },
            None => {
                problem("expected a column type, found TYPE_UNSPECIFIED".into());
                None
            }
        },
        Err(_) => {
            problem(format!(
                "expected a known column type number (1..=16), found {}",
                f.r#type
            ));
            None
        }
    };
    let mode = match FieldMode::try_from(f.mode) {
        Ok(FieldMode::Unspecified | FieldMode::Nullable) => Some(Mode::Nullable),
        Ok(FieldMode::Required) => Some(Mode::Required),
        Ok(FieldMode::Repeated) => Some(Mode::Repeated),
        Err(_) => {
            problem(format!(
                "expected a mode number 0..=3 (NULLABLE, REQUIRED, REPEATED), found {}",
                f.mode
            ));
            None
        }
    };
    let max_length = match f.max_length {
        0 => None,
        n => match u64::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                problem(format!("expected max_length ≥ 0, found {n}"));
                None
            }
        },
    };
    let mut parameter = |name: &str, n: i64| match u32::try_from(n) {
        Ok(0) => None,
        Ok(n) => Some(n),
        Err(_) => {
            problems_push(
                problems,
                path,
                format!("expected {name} in 0..=4294967295, found {n}"),
            );
            None
        }
    };
    let precision = parameter("precision", f.precision);
    let scale = parameter("scale", f.scale);
    if precision.is_none() && scale.is_some() {
        problems_push(
            problems,
            path,
            format!("expected a precision with scale {}, found none", f.scale),
        );
    }
    let timestamp_precision = match f.timestamp_precision {
        None => None,
        Some(p) => match u8::try_from(p) {
            Ok(p) => Some(p),
            Err(_) => {
                problems_push(
                    problems,
                    path,
                    format!("expected timestamp_precision 6 or 12, found {p}"),
                );
                None
            }
        },
    };
    let fields = if f.fields.is_empty() {
        Vec::new()
    } else if depth >= MAX_DEPTH {
        problems_push(
            problems,
            path,
            format!("expected at most {MAX_DEPTH} levels of nested fields, found deeper ones"),
        );
        Vec::new()
    } else {
        convert_fields(&f.fields, path, depth.saturating_add(1), problems)
    };
    let (Some(field_type), Some(mode)) = (field_type, mode) else {
        return None;
    };
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut field = Field::new(f.name.clone(), field_type);
    field.mode = mode;
    field.fields = fields;
    field.description = text(&f.description);
    field.max_length = max_length;
    field.precision = precision;
    field.scale = scale;
    field.default_value_expression = text(&f.default_value_expression);
    field.timestamp_precision = timestamp_precision;
    Some(field)
}

fn problems_push(problems: &mut Vec<SchemaProblem>, path: &str, message: String) {
    problems.push(SchemaProblem {
        path: path.to_owned(),
        message,
    });
}

/// Every type but RANGE and TYPE_UNSPECIFIED.
fn base_type(t: messages::FieldType) -> Option<FieldType> {
    use messages::FieldType as M;
    Some(match t {
        M::String => FieldType::String,
        M::Int64 => FieldType::Int64,
        M::Double => FieldType::Float64,
        M::Struct => FieldType::Record,
        M::Bytes => FieldType::Bytes,
        M::Bool => FieldType::Bool,
        M::Timestamp => FieldType::Timestamp,
        M::Date => FieldType::Date,
        M::Time => FieldType::Time,
        M::Datetime => FieldType::DateTime,
        M::Geography => FieldType::Geography,
        M::Numeric => FieldType::Numeric,
        M::Bignumeric => FieldType::BigNumeric,
        M::Interval => FieldType::Interval,
        M::Json => FieldType::Json,
        M::Range | M::Unspecified => return None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::transport::messages::FieldElementType;
    use messages::FieldType as M;

    fn field(name: &str, t: M) -> TableFieldSchema {
        TableFieldSchema {
            name: name.into(),
            r#type: t as i32,
            ..Default::default()
        }
    }

    fn range(name: &str, element: M) -> TableFieldSchema {
        TableFieldSchema {
            range_element_type: Some(FieldElementType {
                r#type: element as i32,
            }),
            ..field(name, M::Range)
        }
    }

    fn convert(fields: Vec<TableFieldSchema>) -> Result<TableSchema, SchemaError> {
        table_schema_from_message(&messages::TableSchema { fields })
    }

    fn problems(fields: Vec<TableFieldSchema>) -> Vec<(String, String)> {
        convert(fields)
            .unwrap_err()
            .problems
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    /// Every type number of table.proto's `TableFieldSchema.Type` (1..=16)
    /// and every mode, against the same schema written as REST JSON.
    #[test]
    fn every_type_and_mode() {
        let mut record = field("rec", M::Struct);
        record.mode = FieldMode::Repeated as i32;
        record.fields = vec![
            TableFieldSchema {
                mode: FieldMode::Required as i32,
                ..field("inner", M::Int64)
            },
            field("deep", M::Json),
        ];
        let got = convert(vec![
            TableFieldSchema {
                mode: FieldMode::Required as i32,
                max_length: 5,
                description: "d".into(),
                ..field("s", M::String)
            },
            TableFieldSchema {
                mode: FieldMode::Nullable as i32,
                max_length: 4,
                ..field("b", M::Bytes)
            },
            TableFieldSchema {
                mode: FieldMode::Repeated as i32,
                ..field("i", M::Int64)
            },
            TableFieldSchema {
                default_value_expression: "1.5".into(),
                ..field("f", M::Double)
            },
            field("bo", M::Bool),
            TableFieldSchema {
                timestamp_precision: Some(12),
                ..field("ts", M::Timestamp)
            },
            field("d", M::Date),
            field("t", M::Time),
            field("dt", M::Datetime),
            field("g", M::Geography),
            TableFieldSchema {
                precision: 10,
                scale: 2,
                ..field("n", M::Numeric)
            },
            TableFieldSchema {
                precision: 10,
                ..field("n10", M::Numeric)
            },
            field("n0", M::Numeric),
            TableFieldSchema {
                precision: 50,
                scale: 20,
                ..field("bn", M::Bignumeric)
            },
            field("iv", M::Interval),
            field("j", M::Json),
            range("rd", M::Date),
            range("rdt", M::Datetime),
            range("rts", M::Timestamp),
            record,
        ])
        .unwrap();
        let want = TableSchema::from_json(
            r#"[
              {"name": "s", "type": "STRING", "mode": "REQUIRED", "maxLength": "5", "description": "d"},
              {"name": "b", "type": "BYTES", "maxLength": "4"},
              {"name": "i", "type": "INT64", "mode": "REPEATED"},
              {"name": "f", "type": "FLOAT64", "defaultValueExpression": "1.5"},
              {"name": "bo", "type": "BOOL"},
              {"name": "ts", "type": "TIMESTAMP", "timestampPrecision": "12"},
              {"name": "d", "type": "DATE"},
              {"name": "t", "type": "TIME"},
              {"name": "dt", "type": "DATETIME"},
              {"name": "g", "type": "GEOGRAPHY"},
              {"name": "n", "type": "NUMERIC", "precision": "10", "scale": "2"},
              {"name": "n10", "type": "NUMERIC", "precision": "10"},
              {"name": "n0", "type": "NUMERIC"},
              {"name": "bn", "type": "BIGNUMERIC", "precision": "50", "scale": "20"},
              {"name": "iv", "type": "INTERVAL"},
              {"name": "j", "type": "JSON"},
              {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
              {"name": "rdt", "type": "RANGE", "rangeElementType": {"type": "DATETIME"}},
              {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
              {"name": "rec", "type": "RECORD", "mode": "REPEATED", "fields": [
                {"name": "inner", "type": "INT64", "mode": "REQUIRED"},
                {"name": "deep", "type": "JSON"}
              ]}
            ]"#,
        )
        .unwrap();
        assert_eq!(got, want);
        let via_try: TableSchema = (&messages::TableSchema {
            fields: vec![field("x", M::Int64)],
        })
            .try_into()
            .unwrap();
        assert_eq!(via_try.fields[0].field_type, FieldType::Int64);
        assert_eq!(via_try.fields[0].mode, Mode::Nullable);
    }

    #[test]
    fn every_problem_at_once_with_paths() {
        let mut rec = field("rec", M::Struct);
        rec.fields = vec![field("u", M::Unspecified), field("ok", M::Int64)];
        let got = problems(vec![
            rec,
            field("r", M::Range),
            range("ri", M::Int64),
            TableFieldSchema {
                range_element_type: Some(FieldElementType {
                    r#type: M::Date as i32,
                }),
                ..field("notrange", M::Date)
            },
            TableFieldSchema {
                r#type: 99,
                ..field("x", M::Int64)
            },
            TableFieldSchema {
                mode: 7,
                ..field("m", M::Int64)
            },
            TableFieldSchema {
                max_length: -1,
                ..field("s", M::String)
            },
            TableFieldSchema {
                scale: 2,
                ..field("n", M::Numeric)
            },
            TableFieldSchema {
                precision: -3,
                ..field("p", M::Numeric)
            },
            TableFieldSchema {
                timestamp_precision: Some(-1),
                ..field("ts", M::Timestamp)
            },
        ]);
        let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "rec.u", "r", "ri", "notrange", "x", "m", "s", "n", "p", "ts"
            ],
            "{got:?}"
        );
        assert_eq!(got[0].1, "expected a column type, found TYPE_UNSPECIFIED");
        assert_eq!(
            got[1].1,
            "expected range_element_type on a RANGE field, found none"
        );
        assert!(
            got[2]
                .1
                .contains("DATE, DATETIME or TIMESTAMP, found type number 2")
        );
        assert_eq!(
            got[4].1,
            "expected a known column type number (1..=16), found 99"
        );
        assert_eq!(got[7].1, "expected a precision with scale 2, found none");
    }

    /// What the converter lets through, the schema's validation catches.
    #[test]
    fn validated_after_conversion() {
        // NUMERIC(30, 0): precision - scale above 29 (table.proto).
        let bad = problems(vec![TableFieldSchema {
            precision: 30,
            ..field("n", M::Numeric)
        }]);
        assert_eq!(bad[0].0, "n");
        // A RECORD without sub-fields, a parameter on the wrong type, a
        // duplicate name, a timestamp precision other than 6 or 12.
        let bad = problems(vec![
            field("rec", M::Struct),
            TableFieldSchema {
                max_length: 3,
                ..field("i", M::Int64)
            },
            field("I", M::Int64),
            TableFieldSchema {
                timestamp_precision: Some(9),
                ..field("ts", M::Timestamp)
            },
        ]);
        assert!(bad.len() >= 4, "{bad:?}");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut f = field("leaf", M::Int64);
        for _ in 0..40 {
            let mut r = field("r", M::Struct);
            r.fields = vec![f];
            f = r;
        }
        let got = problems(vec![f]);
        assert!(got[0].1.contains("at most 15 levels"), "{got:?}");
    }
}
