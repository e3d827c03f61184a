//! The query result's schema checked against BigQuery's rules for exporting
//! to Bigtable, compiled into the layout the cell writer follows.
//!
//! Rules, from "Export data to Bigtable (reverse ETL)"
//! (<https://cloud.google.com/bigquery/docs/export-to-bigtable>), sections
//! "Prepare query results for export", "Supported BigQuery types",
//! "Configure exports with `bigtable_options`" and "Set timestamp for all
//! cells in a row using `_CHANGE_TIMESTAMP`":
//! - "The result set must contain a column `rowkey` of the type `STRING` or
//!   `BYTES`." (Matched case-insensitively, as BigQuery compares column
//!   names; a REPEATED one is rejected.)
//! - "At least one column other than `rowkey` must be present." Read here
//!   as a column that writes cells: `_CHANGE_TIMESTAMP` alone does not
//!   count.
//! - "Each result set column must be of one of the supported BigQuery
//!   types": `BYTES`, `STRING`, `INTEGER`, `FLOAT`, `BOOLEAN`, `JSON`,
//!   `STRUCT`. Every other type (NUMERIC, DATE, TIMESTAMP, …) and ARRAY
//!   (REPEATED) is rejected with a hint to CAST first.
//! - A `STRUCT` column is a column family named like the column; its members
//!   are columns. A `JSON` column is a family too; its object's members are
//!   columns (known only per row). "By default, standalone result columns
//!   of types other than `STRUCT` or `JSON` are interpreted as values for
//!   destination column families equal to result column name, and column
//!   qualifier equal to an empty string."
//! - A `_CHANGE_TIMESTAMP` column of type `TIMESTAMP` sets every cell's
//!   timestamp. Tables reserve that name, so the schema check of the row
//!   walk would refuse it: it is split off before the rest is compiled
//!   ([`split_change_timestamp`]) and read by [`super::BigtableWriter`].
//! - `bigtable_options`: a `familyId` must name a family the result writes
//!   (otherwise: an error here, since the option would do nothing — a
//!   choice); a standalone column's family maps only `fieldName: ""`; a
//!   STRUCT family's `fieldName`s must be members. Two columns of one
//!   family may not end up under the same qualifier.
//!
//! Guesses where the docs are silent, each deliberate:
//! - **A STRUCT inside a STRUCT family** is rejected: the docs say only that
//!   it "is subject to limitations". A JSON member of a STRUCT is written as
//!   its JSON text ("A JSON document nested in another JSON or STRUCT type
//!   is written to Bigtable as a string").
//! - **Default encoding**: a family without `encoding` is written as
//!   [`Encoding::Text`], because the docs warn that values used with
//!   `ReadModifyWriteRow` "must use the correct binary encoding", which
//!   would need no warning if binary were the default.
//!   [`CellOptions::with_default_encoding`] changes it.
//! - **Family names** must match `[-_.a-zA-Z0-9]+`, Bigtable's rule for
//!   column family IDs (Admin API), since the family is named like the
//!   result column.
//! - **Size limits** (Bigtable "Quotas and limits", data size within
//!   tables), read in binary units: row key ≤ 4 KiB, qualifier ≤ 16 KiB,
//!   cell value ≤ 100 MiB, all values of a row ≤ 256 MiB.

use std::collections::HashSet;

use super::options::{BigtableOptions, Encoding};
use crate::error::{SchemaError, SchemaProblem};
use crate::plan::{Plan, PlanField, PlanKind};
use crate::schema::{FieldType, Mode, TableSchema};
use crate::value::Codec;

/// Bigtable's row key limit (4 KiB).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions};
/// use bqcodec::bigtable::schema::MAX_ROW_KEY_BYTES;
/// use bqcodec::plan::WalkOptions;
///
/// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "v", "type": "STRING"}]"#)?;
/// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// let row = |key: String| serde_json::json!({"rowkey": key, "v": "x"});
/// assert!(writer.encode_value(&row("k".repeat(MAX_ROW_KEY_BYTES)), 0).is_ok());
/// assert!(writer.encode_value(&row("k".repeat(MAX_ROW_KEY_BYTES + 1)), 1).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_ROW_KEY_BYTES: usize = 4 * 1024;
/// Bigtable's column qualifier limit (16 KiB).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::schema::{MAX_QUALIFIER_BYTES, MAX_ROW_BYTES, MAX_VALUE_BYTES};
///
/// assert_eq!(MAX_QUALIFIER_BYTES, 16_384);
/// assert_eq!((MAX_VALUE_BYTES, MAX_ROW_BYTES), (100 << 20, 256 << 20)); // binary units
/// ```
pub const MAX_QUALIFIER_BYTES: usize = 16 * 1024;
/// Bigtable's cell value limit (100 MiB).
pub const MAX_VALUE_BYTES: usize = 100 * 1024 * 1024;
/// Bigtable's limit on all values of one row (256 MiB).
pub const MAX_ROW_BYTES: usize = 256 * 1024 * 1024;

/// Choices the docs leave open about writing cells.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Encoding};
/// use bqcodec::plan::WalkOptions;
///
/// assert_eq!(CellOptions::new(), CellOptions::default());
/// assert_eq!(CellOptions::new().default_encoding, Encoding::Text);
/// let schema = result_schema_from_json(
///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "v", "type": "STRING"},
///         {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}]"#,
/// )?;
/// let row = br#"{"rowkey": "k", "v": "x", "_CHANGE_TIMESTAMP": "2024-01-01T00:00:00.0015Z"}"#;
/// let strict = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// assert!(strict.encode_json(row, 0).is_err()); // finer than a millisecond
/// let cells = CellOptions::new().with_truncate_to_millis(true);
/// let lenient = BigtableWriter::new(&schema, WalkOptions::new(), None, cells)?;
/// let row = lenient.encode_json(row, 0)?.ok_or("skipped")?;
/// assert!(matches!(row.mutations[0], bqcodec::bigtable::Mutation::SetCell { timestamp_micros: 1_704_067_200_001_000, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CellOptions {
    /// The encoding of families whose options give none. Default
    /// [`Encoding::Text`] (see the module docs).
    pub default_encoding: Encoding,
    /// Truncate a `_CHANGE_TIMESTAMP` to whole milliseconds (Bigtable accepts
    /// only multiples of 1000 µs). Default false: a finer timestamp is an
    /// error.
    pub truncate_to_millis: bool,
}

impl Default for CellOptions {
    fn default() -> Self {
        CellOptions::new()
    }
}

impl CellOptions {
    /// TEXT by default, finer-than-millisecond timestamps rejected.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{CellOptions, Encoding};
    ///
    /// const CELLS: CellOptions = CellOptions::new().with_default_encoding(Encoding::Binary);
    /// assert_eq!((CELLS.default_encoding, CELLS.truncate_to_millis), (Encoding::Binary, false));
    /// ```
    pub const fn new() -> Self {
        CellOptions {
            default_encoding: Encoding::Text,
            truncate_to_millis: false,
        }
    }

    /// Sets the default encoding.
    pub const fn with_default_encoding(mut self, encoding: Encoding) -> Self {
        self.default_encoding = encoding;
        self
    }

    /// Sets millisecond truncation of `_CHANGE_TIMESTAMP`.
    pub const fn with_truncate_to_millis(mut self, truncate: bool) -> Self {
        self.truncate_to_millis = truncate;
        self
    }
}

/// What a plan field does in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// Not written (never for a valid layout's fields).
    Unused,
    /// The row key.
    RowKey,
    /// A cell: a standalone column or a STRUCT member.
    Cell {
        family: usize,
        qualifier: Vec<u8>,
        encoding: Encoding,
    },
    /// A STRUCT column: its family.
    StructFamily { family: usize },
    /// A JSON column: its family; members become cells.
    JsonFamily { family: usize },
}

/// A column family the export writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Family {
    pub name: String,
    /// For JSON families: member name → qualifier, from the options.
    pub json_qualifiers: Vec<(String, Vec<u8>)>,
}

/// The compiled export layout: per plan field, its role.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableOptions, CellOptions, ExportLayout};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(
///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "cf", "type": "RECORD", "fields": [{"name": "a", "type": "INT64"}]},
///         {"name": "n", "type": "FLOAT64"}]"#,
/// )?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let layout = ExportLayout::new(&plan, None, CellOptions::new())?;
/// assert_eq!(layout.family_names().collect::<Vec<_>>(), ["cf", "n"]);
/// assert_eq!(layout.cell_options(), CellOptions::new());
/// // Options may name only families the result writes:
/// let options = BigtableOptions::from_json(r#"{"columnFamilies": [{"familyId": "other"}]}"#)?;
/// assert!(ExportLayout::new(&plan, Some(&options), CellOptions::new()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExportLayout {
    pub(crate) roles: Vec<Role>,
    pub(crate) families: Vec<Family>,
    pub(crate) cell: CellOptions,
}

impl ExportLayout {
    /// Checks `plan`'s top-level columns (the query result) against the
    /// rules in the module docs, with `options` (the `bigtable_options`, if
    /// any), and compiles the layout. Reports every problem at once.
    pub fn new(
        plan: &Plan,
        options: Option<&BigtableOptions>,
        cell: CellOptions,
    ) -> Result<Self, SchemaError> {
        let mut problems = Vec::new();
        let mut problem = |path: &str, message: String| {
            problems.push(SchemaProblem {
                path: path.to_owned(),
                message,
            })
        };
        let mut roles = vec![Role::Unused; plan.field_count()];
        let mut families: Vec<Family> = Vec::new();
        let mut has_rowkey = false;
        let mut has_cells = false;
        let opt_family = |name: &str| options.and_then(|o| o.family(name));
        let encoding_of = |name: &str| {
            opt_family(name)
                .and_then(|f| f.encoding)
                .unwrap_or(cell.default_encoding)
        };
        for f in &plan.root().fields {
            let set = |roles: &mut Vec<Role>, f: &PlanField, role: Role| {
                if let Some(slot) = roles.get_mut(f.id) {
                    *slot = role;
                }
            };
            if f.name.eq_ignore_ascii_case("rowkey") {
                match (&f.kind, f.mode) {
                    (PlanKind::Leaf(Codec::String { .. } | Codec::Bytes { .. }), m)
                        if m != Mode::Repeated =>
                    {
                        has_rowkey = true;
                        set(&mut roles, f, Role::RowKey);
                    }
                    _ => problem(
                        &f.name,
                        "the rowkey column must be a STRING or BYTES (not REPEATED)".into(),
                    ),
                }
                continue;
            }
            if f.mode == Mode::Repeated {
                problem(
                    &f.name,
                    "REPEATED (ARRAY) columns cannot be exported to Bigtable; supported: BYTES, STRING, INT64, FLOAT64, BOOL, JSON, STRUCT".into(),
                );
                continue;
            }
            if !family_name_ok(&f.name) {
                problem(
                    &f.name,
                    format!(
                        "the column names a Bigtable column family, which must match [-_.a-zA-Z0-9]+; found {}",
                        crate::error::quote(&f.name)
                    ),
                );
                continue;
            }
            let family = families.len();
            families.push(Family {
                name: f.name.clone(),
                json_qualifiers: Vec::new(),
            });
            has_cells = true;
            let fam_opts = opt_family(&f.name);
            match &f.kind {
                PlanKind::Leaf(Codec::Json) => {
                    if let Some(fo) = fam_opts
                        && let Some(fam) = families.get_mut(family)
                    {
                        fam.json_qualifiers = fo
                            .columns
                            .iter()
                            .map(|c| (c.field_name.clone(), c.qualifier_bytes().to_vec()))
                            .collect();
                    }
                    set(&mut roles, f, Role::JsonFamily { family });
                }
                PlanKind::Leaf(codec) => {
                    if !cell_codec(codec) {
                        problem(&f.name, unsupported(codec));
                        continue;
                    }
                    let mut qualifier = Vec::new();
                    if let Some(fo) = fam_opts {
                        for c in &fo.columns {
                            if c.field_name.is_empty() {
                                qualifier = c.qualifier_bytes().to_vec();
                            } else {
                                problem(
                                    &f.name,
                                    format!(
                                        "bigtable_options maps fieldName {} in family {}, a standalone column whose only field is \"\"",
                                        crate::error::quote(&c.field_name),
                                        crate::error::quote(&f.name)
                                    ),
                                );
                            }
                        }
                    }
                    set(
                        &mut roles,
                        f,
                        Role::Cell {
                            family,
                            qualifier,
                            encoding: encoding_of(&f.name),
                        },
                    );
                }
                PlanKind::Record(rec) => {
                    set(&mut roles, f, Role::StructFamily { family });
                    let mut seen: HashSet<Vec<u8>> = HashSet::new();
                    for m in &rec.fields {
                        let path = format!("{}.{}", f.name, m.name);
                        if m.mode == Mode::Repeated {
                            problem(
                                &path,
                                "REPEATED (ARRAY) members cannot be exported to Bigtable".into(),
                            );
                            continue;
                        }
                        let codec = match &m.kind {
                            PlanKind::Leaf(c) => c,
                            PlanKind::Record(_) => {
                                problem(
                                    &path,
                                    "a STRUCT inside a STRUCT column family is not supported (the docs leave its layout open); use TO_JSON_STRING or a JSON member".into(),
                                );
                                continue;
                            }
                        };
                        if !cell_codec(codec) && *codec != Codec::Json {
                            problem(&path, unsupported(codec));
                            continue;
                        }
                        let qualifier = fam_opts.and_then(|fo| fo.column(&m.name)).map_or_else(
                            || m.name.as_bytes().to_vec(),
                            |c| c.qualifier_bytes().to_vec(),
                        );
                        if !seen.insert(qualifier.clone()) {
                            problem(
                                &path,
                                format!(
                                    "two columns of family {} are written under the same qualifier",
                                    crate::error::quote(&f.name)
                                ),
                            );
                        }
                        set(
                            &mut roles,
                            m,
                            Role::Cell {
                                family,
                                qualifier,
                                encoding: encoding_of(&f.name),
                            },
                        );
                    }
                    if let Some(fo) = fam_opts {
                        for c in &fo.columns {
                            if !rec.fields.iter().any(|m| m.name == c.field_name) {
                                problem(
                                    &f.name,
                                    format!(
                                        "bigtable_options maps fieldName {}, which is no member of STRUCT {}",
                                        crate::error::quote(&c.field_name),
                                        crate::error::quote(&f.name)
                                    ),
                                );
                            }
                        }
                    }
                }
            }
        }
        if let Some(o) = options {
            for fo in o.families() {
                if !families.iter().any(|f| f.name == fo.family_id) {
                    problem(
                        "",
                        format!(
                            "bigtable_options names column family {}, which is no data column of the result",
                            crate::error::quote(&fo.family_id)
                        ),
                    );
                }
                for c in &fo.columns {
                    if c.qualifier_bytes().len() > MAX_QUALIFIER_BYTES {
                        problem(
                            "",
                            format!(
                                "a qualifier in family {} is longer than Bigtable's 16 KiB",
                                crate::error::quote(&fo.family_id)
                            ),
                        );
                    }
                }
            }
        }
        if !has_rowkey
            && !plan
                .root()
                .fields
                .iter()
                .any(|f| f.name.eq_ignore_ascii_case("rowkey"))
        {
            problem(
                "",
                "the result must have a column rowkey of type STRING or BYTES".into(),
            );
        }
        if !has_cells {
            problem(
                "",
                "the result must have at least one column besides rowkey and _CHANGE_TIMESTAMP"
                    .into(),
            );
        }
        if !problems.is_empty() {
            return Err(SchemaError { problems });
        }
        Ok(ExportLayout {
            roles,
            families,
            cell,
        })
    }

    /// The families the export writes, in column order.
    pub fn family_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.families.iter().map(|f| f.name.as_str())
    }

    /// The cell options.
    pub fn cell_options(&self) -> CellOptions {
        self.cell
    }
}

/// Checks a query result schema for export to Bigtable with `options`
/// (see the module docs). Reports every problem at once.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::validate_export_schema;
/// use bqcodec::TableSchema;
/// let ok = TableSchema::from_json(r#"[{"name": "rowkey", "type": "STRING"},
///     {"name": "cf", "type": "RECORD", "fields": [{"name": "n", "type": "INT64"}]}]"#)?;
/// assert!(validate_export_schema(&ok, None).is_ok());
/// let bad = TableSchema::from_json(r#"[{"name": "id", "type": "STRING"}, {"name": "d", "type": "DATE"}]"#)?;
/// let e = validate_export_schema(&bad, None).unwrap_err();
/// assert_eq!(e.problems.len(), 2);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn validate_export_schema(
    schema: &TableSchema,
    options: Option<&BigtableOptions>,
) -> Result<(), SchemaError> {
    let (data, _, mut problems) = split(schema);
    match Plan::compile(&data, crate::plan::WalkOptions::new()) {
        Err(e) => problems.extend(e.problems),
        Ok(plan) => {
            if let Err(e) = ExportLayout::new(&plan, options, CellOptions::new()) {
                problems.extend(e.problems);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { problems })
    }
}

/// Splits a top-level `_CHANGE_TIMESTAMP` column (matched
/// case-insensitively) off `schema`: the rest, and whether there was one.
/// Rejects a `_CHANGE_TIMESTAMP` that is not a non-REPEATED microsecond
/// TIMESTAMP, and a second one.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, split_change_timestamp};
///
/// let schema = result_schema_from_json(
///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "_change_timestamp", "type": "TIMESTAMP"}]"#,
/// )?;
/// let (rest, change) = split_change_timestamp(&schema)?;
/// assert_eq!((rest.fields.len(), change.as_deref()), (1, Some("_change_timestamp")));
/// let bad = result_schema_from_json(r#"[{"name": "_CHANGE_TIMESTAMP", "type": "DATE"}]"#)?;
/// assert!(split_change_timestamp(&bad).is_err());
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn split_change_timestamp(
    schema: &TableSchema,
) -> Result<(TableSchema, Option<String>), SchemaError> {
    let (data, change, problems) = split(schema);
    if problems.is_empty() {
        Ok((data, change))
    } else {
        Err(SchemaError { problems })
    }
}

fn split(schema: &TableSchema) -> (TableSchema, Option<String>, Vec<SchemaProblem>) {
    let mut data = TableSchema { fields: Vec::new() };
    let mut change: Option<String> = None;
    let mut problems = Vec::new();
    for f in &schema.fields {
        if !f.name.eq_ignore_ascii_case("_CHANGE_TIMESTAMP") {
            data.fields.push(f.clone());
            continue;
        }
        let ok = f.field_type == FieldType::Timestamp
            && f.mode != Mode::Repeated
            && f.timestamp_precision != Some(12);
        if !ok {
            problems.push(SchemaProblem {
                path: f.name.clone(),
                message: "_CHANGE_TIMESTAMP must be a TIMESTAMP (microseconds, not REPEATED)"
                    .into(),
            });
        } else if change.is_some() {
            problems.push(SchemaProblem {
                path: f.name.clone(),
                message: "only one _CHANGE_TIMESTAMP column".into(),
            });
        } else {
            change = Some(f.name.clone());
        }
    }
    (data, change, problems)
}

/// Parses a query result schema (the forms [`TableSchema::from_json`]
/// reads) that may have a `_CHANGE_TIMESTAMP` column: tables reserve that
/// name, so [`TableSchema::from_json`] refuses it; here it is parsed on its
/// own and put back in place. Rejects what `from_json` rejects otherwise.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::result_schema_from_json;
/// let s = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"},
///     {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}, {"name": "v", "type": "INT64"}]"#)?;
/// assert_eq!(s.fields[1].name, "_CHANGE_TIMESTAMP");
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
pub fn result_schema_from_json(text: &str) -> Result<TableSchema, SchemaError> {
    use serde_json::Value;
    let mut v: Value = serde_json::from_str(text)
        .map_err(|e| SchemaError::single("", format!("not JSON: {e}")))?;
    let fields = match &mut v {
        Value::Array(a) => Some(a),
        Value::Object(o) => {
            if o.contains_key("fields") {
                o.get_mut("fields").and_then(Value::as_array_mut)
            } else {
                o.get_mut("schema")
                    .and_then(|s| s.get_mut("fields"))
                    .and_then(Value::as_array_mut)
            }
        }
        _ => None,
    };
    let mut taken: Vec<(usize, Value)> = Vec::new();
    if let Some(fields) = fields {
        let mut i = 0;
        while i < fields.len() {
            let is_change = fields
                .get(i)
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("_CHANGE_TIMESTAMP"));
            if is_change {
                taken.push((i + taken.len(), fields.remove(i)));
            } else {
                i += 1;
            }
        }
    }
    let mut schema = TableSchema::from_value(&v)?;
    for (index, mut field) in taken {
        let name = field
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("_CHANGE_TIMESTAMP")
            .to_owned();
        if let Some(obj) = field.as_object_mut() {
            obj.insert("name".into(), Value::String("change_timestamp".into()));
        }
        let mut one =
            TableSchema::from_value(&Value::Array(vec![field])).map_err(|e| SchemaError {
                problems: e
                    .problems
                    .into_iter()
                    .map(|p| SchemaProblem {
                        path: name.clone(),
                        message: p.message,
                    })
                    .collect(),
            })?;
        if let Some(mut f) = one.fields.pop() {
            f.name = name;
            let at = index.min(schema.fields.len());
            schema.fields.insert(at, f);
        }
    }
    Ok(schema)
}

fn cell_codec(codec: &Codec) -> bool {
    matches!(
        codec,
        Codec::String { .. } | Codec::Bytes { .. } | Codec::Int64 | Codec::Float64 | Codec::Bool
    )
}

fn unsupported(codec: &Codec) -> String {
    format!(
        "{} is not a type Bigtable export supports (BYTES, STRING, INT64, FLOAT64, BOOL, JSON, STRUCT); CAST it first",
        codec.type_name()
    )
}

fn family_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(schema: &str, options: Option<&str>) -> Result<(), Vec<String>> {
        let schema = result_schema_from_json(schema).unwrap();
        let options = options.map(|o| BigtableOptions::from_json(o).unwrap());
        validate_export_schema(&schema, options.as_ref())
            .map_err(|e| e.problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn documented_example_passes() {
        // The docs' example: order_id as rowkey, STRUCT(product, amount) AS
        // sales_info, a standalone ordered_at mapped with fieldName "".
        check(r#"[{"name": "rowkey", "type": "INT64"}]"#, None).unwrap_err();
        check(
            r#"[{"name": "rowkey", "type": "STRING"},
                {"name": "sales_info", "type": "RECORD", "fields": [
                    {"name": "product", "type": "STRING"}, {"name": "amount", "type": "INT64"}]},
                {"name": "ordered_at", "type": "INT64"},
                {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}]"#,
            Some(
                r#"{"columnFamilies": [{"familyId": "ordered_at", "columns": [{"qualifierString": "order_time", "fieldName": ""}]}]}"#,
            ),
        )
        .unwrap();
    }

    #[test]
    fn every_problem_is_reported() {
        let e = check(
            r#"[{"name": "ROWKEY", "type": "INT64"},
                {"name": "d", "type": "DATE"},
                {"name": "arr", "type": "STRING", "mode": "REPEATED"},
                {"name": "s", "type": "RECORD", "fields": [
                    {"name": "n", "type": "NUMERIC"},
                    {"name": "inner", "type": "RECORD", "fields": [{"name": "x", "type": "BOOL"}]},
                    {"name": "r", "type": "INT64", "mode": "REPEATED"},
                    {"name": "a", "type": "STRING"}, {"name": "b", "type": "STRING"}]},
                {"name": "_change_timestamp", "type": "DATETIME"},
                {"name": "my col", "type": "STRING"}]"#,
            Some(
                r#"{"columnFamilies": [
                    {"familyId": "s", "columns": [{"fieldName": "a", "qualifierString": "b"}, {"fieldName": "zz"}]},
                    {"familyId": "nope"},
                    {"familyId": "d", "columns": [{"fieldName": "x"}]}]}"#,
            ),
        )
        .unwrap_err();
        let all = e.join("\n");
        for needle in [
            "ROWKEY: the rowkey column must be a STRING or BYTES",
            "d: DATE is not a type Bigtable export supports",
            "arr: REPEATED (ARRAY) columns",
            "s.n: NUMERIC is not a type",
            "s.inner: a STRUCT inside a STRUCT",
            "s.r: REPEATED (ARRAY) members",
            "s.b: two columns of family \"s\"",
            "s: bigtable_options maps fieldName \"zz\"",
            "_change_timestamp: _CHANGE_TIMESTAMP must be a TIMESTAMP",
            "my col: the column names a Bigtable column family",
            "(schema): bigtable_options names column family \"nope\"",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in\n{all}");
        }
    }

    #[test]
    fn rowkey_and_cells_are_required() {
        let e = check(r#"[{"name": "a", "type": "STRING"}]"#, None).unwrap_err();
        assert!(e[0].contains("must have a column rowkey"), "{e:?}");
        let e = check(
            r#"[{"name": "rowkey", "type": "BYTES"}, {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}]"#,
            None,
        )
        .unwrap_err();
        assert!(e[0].contains("at least one column besides rowkey"), "{e:?}");
        check(
            r#"[{"name": "rowkey", "type": "BYTES"}, {"name": "j", "type": "JSON"}]"#,
            Some(r#"{"columnFamilies": [{"familyId": "j", "columns": [{"fieldName": "anything"}]}]}"#),
        )
        .unwrap();
    }
}
