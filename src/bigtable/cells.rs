//! Rows → Bigtable mutations: what BigQuery's export writes for each result
//! row, as the row key and a list of set-cell and delete mutations.
//!
//! Values ("Supported BigQuery types", <https://cloud.google.com/bigquery/docs/export-to-bigtable>):
//!
//! | type | `BINARY` | `TEXT` |
//! | --- | --- | --- |
//! | BYTES | as is | as is |
//! | STRING | UTF-8 | UTF-8 |
//! | INT64 | 8 bytes, big-endian two's complement | decimal text |
//! | FLOAT64 | 8 bytes, big-endian IEEE 754 | the same 8 bytes (the docs give no TEXT form: "Writes value in the IEEE 754 8-byte output format") |
//! | BOOL | one byte, `0x00` / `0x01` | `false` / `true` |
//! | JSON (STRUCT member) | its compact JSON text | the same |
//! | JSON column | a family: each member a cell (below) | the same |
//!
//! The byte order of FLOAT64 is a guess (big-endian, as INT64 and HBase's
//! `Bytes.toBytes(double)`), and so is the JSON column's member encoding:
//! a string member is written as its text, any other member as its compact
//! JSON text (`2`, `true`, `{"a":1}`), in every encoding.
//!
//! Timestamps: every cell of a row gets the row's `_CHANGE_TIMESTAMP` in
//! microseconds, or 0 when there is none or it is NULL ("the Unix epoch time
//! of `0` is used as the default"). Bigtable has no timestamps before the
//! epoch and takes only whole milliseconds: an earlier one is an error, and
//! so is a finer one unless [`CellOptions::truncate_to_millis`] is set.
//!
//! NULLs ("`NULL` values in Bigtable"): a NULL column or STRUCT member
//! deletes the cell at that row, family, qualifier and timestamp
//! ([`Mutation::DeleteCell`]); a NULL STRUCT or JSON column deletes its
//! whole family in the row ([`Mutation::DeleteFamily`]); a JSON member that
//! is `null` deletes its cell. A row whose `rowkey` is NULL is skipped and
//! counted ("Rows with NULL row keys are skipped"). An empty row key is an
//! error (Bigtable has none).
//!
//! Mutations come in schema order (a JSON column's members in the order the
//! value lists them), whatever the order of the input keys.

use super::options::{BigtableOptions, Encoding};
use super::schema::{
    CellOptions, ExportLayout, MAX_QUALIFIER_BYTES, MAX_ROW_BYTES, MAX_ROW_KEY_BYTES,
    MAX_VALUE_BYTES, Role, split_change_timestamp, validate_export_schema,
};
use crate::error::{FieldPath, RowError, SchemaError, ValueError};
use crate::plan::json::{Peek, Scanner, Str};
use crate::plan::{KeyMatch, Plan, PlanField, RowOutcome, Sink, UnknownKeys, WalkOptions, Walker};
use crate::schema::TableSchema;
use crate::value::timestamp::Timestamp;
use crate::value::{Input, Scalar};

/// One Bigtable mutation of a row (the Bigtable v2 `Mutation` kinds the
/// export uses).
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Mutation};
/// use bqcodec::plan::WalkOptions;
///
/// let schema = result_schema_from_json(
///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"},
///         {"name": "cf", "type": "RECORD", "fields": [{"name": "b", "type": "BOOL"}]}]"#,
/// )?;
/// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// let row = writer.encode_json(br#"{"rowkey": "k", "n": null, "cf": null}"#, 0)?;
/// assert_eq!(row.map(|r| r.mutations), Some(vec![
///     // A NULL standalone column deletes its cell (family "n", empty qualifier)…
///     Mutation::DeleteCell { family: "n".into(), qualifier: vec![], timestamp_micros: 0 },
///     // …and a NULL STRUCT its whole family.
///     Mutation::DeleteFamily { family: "cf".into() },
/// ]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mutation {
    /// Write `value` at (family, qualifier, timestamp).
    SetCell {
        /// The column family.
        family: String,
        /// The column qualifier.
        qualifier: Vec<u8>,
        /// Microseconds since the epoch, a multiple of 1000.
        timestamp_micros: i64,
        /// The cell value.
        value: Vec<u8>,
    },
    /// Delete the cell version at (family, qualifier, timestamp) — a
    /// `DeleteFromColumn` over `[timestamp, timestamp + 1000)`.
    DeleteCell {
        /// The column family.
        family: String,
        /// The column qualifier.
        qualifier: Vec<u8>,
        /// Microseconds since the epoch, a multiple of 1000.
        timestamp_micros: i64,
    },
    /// Delete every cell of a family in the row (`DeleteFromFamily`).
    DeleteFamily {
        /// The column family.
        family: String,
    },
}

/// One exported row.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Mutation};
/// use bqcodec::plan::WalkOptions;
///
/// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "BYTES"}, {"name": "s", "type": "STRING"}]"#)?;
/// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// let mut row = writer.encode_json(br#"{"rowkey": "AAE=", "s": "hi"}"#, 3)?.unwrap_or_else(|| unreachable!());
/// assert_eq!((row.input_row, row.row_key.as_slice()), (3, &[0x00, 0x01][..])); // BYTES key: base64 in JSON
/// row.set_timestamp(1_700_000_000_000_000);
/// assert_eq!(row.mutations, [Mutation::SetCell {
///     family: "s".into(), qualifier: vec![], timestamp_micros: 1_700_000_000_000_000, value: b"hi".to_vec(),
/// }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BigtableRow {
    /// The row's index in the caller's input.
    pub input_row: usize,
    /// The row key.
    pub row_key: Vec<u8>,
    /// The mutations, in schema order.
    pub mutations: Vec<Mutation>,
}

/// Exported rows, and the input rows skipped for a NULL row key.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions};
/// use bqcodec::plan::WalkOptions;
///
/// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "v", "type": "STRING"}]"#)?;
/// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// let (rows, outcome) = writer.encode_ndjson(
///     b"{\"rowkey\": \"a\", \"v\": \"1\"}\n{\"rowkey\": null, \"v\": \"2\"}\n{\"rowkey\": \"\", \"v\": \"3\"}\n", 0);
/// assert_eq!(rows.rows.len(), 1);
/// assert_eq!(rows.skipped, [1]); // a NULL row key is skipped, as BigQuery does
/// assert_eq!(outcome.errors[0].row, 2); // an empty row key is an error: Bigtable has none
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BigtableRows {
    /// The rows with a row key.
    pub rows: Vec<BigtableRow>,
    /// Input indices of rows whose `rowkey` was NULL.
    pub skipped: Vec<usize>,
}

/// A mutation without its timestamp yet (`_CHANGE_TIMESTAMP` may come last).
#[derive(Debug, Clone)]
enum Pending {
    Set {
        family: usize,
        qualifier: Vec<u8>,
        value: Vec<u8>,
    },
    Delete {
        family: usize,
        qualifier: Vec<u8>,
    },
    DeleteFamily {
        family: usize,
    },
}

/// A [`Sink`] that turns rows into Bigtable mutations (see the module docs).
///
/// Every mutation it writes has timestamp 0: the `_CHANGE_TIMESTAMP` column
/// is not part of the plan (tables reserve the name), so
/// [`BigtableWriter`] reads it and calls [`BigtableRow::set_timestamp`].
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableSink, CellOptions, ExportLayout};
/// use bqcodec::plan::{Plan, WalkOptions, Walker};
/// use bqcodec::TableSchema;
///
/// let schema = TableSchema::from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let layout = ExportLayout::new(&plan, None, CellOptions::new())?;
/// let mut sink = BigtableSink::new(&layout);
/// Walker::new(&plan).walk_json(br#"{"rowkey": "k", "n": 42}"#, 0, &mut sink)?;
/// assert_eq!(sink.rows().rows[0].row_key, b"k");
/// let rows = sink.take_rows();
/// assert_eq!(rows.rows[0].mutations.len(), 1); // timestamps are 0 until set_timestamp
/// assert!(sink.rows().rows.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BigtableSink<'l> {
    layout: &'l ExportLayout,
    out: BigtableRows,
    row: usize,
    row_key: Option<Vec<u8>>,
    /// (plan field id, member order, mutation).
    pending: Vec<(usize, usize, Pending)>,
    row_bytes: usize,
    scratch: String,
}

impl<'l> BigtableSink<'l> {
    /// A sink writing with `layout`.
    pub fn new(layout: &'l ExportLayout) -> Self {
        BigtableSink {
            layout,
            out: BigtableRows::default(),
            row: 0,
            row_key: None,
            pending: Vec::new(),
            row_bytes: 0,
            scratch: String::new(),
        }
    }

    /// The rows written so far.
    pub fn rows(&self) -> &BigtableRows {
        &self.out
    }

    /// Takes the rows written so far.
    pub fn take_rows(&mut self) -> BigtableRows {
        std::mem::take(&mut self.out)
    }

    /// Forgets the rows and skips recorded after `mark`.
    fn drop_since(&mut self, mark: (usize, usize)) {
        self.out.rows.truncate(mark.0);
        self.out.skipped.truncate(mark.1);
    }

    fn role(&self, f: &PlanField) -> &'l Role {
        self.layout.roles.get(f.id).unwrap_or(&Role::Unused)
    }

    fn add_value(&mut self, len: usize) -> Result<(), ValueError> {
        if len > MAX_VALUE_BYTES {
            return Err(ValueError::TooLong {
                max: MAX_VALUE_BYTES as u64,
                length: len as u64,
                unit: "bytes in one Bigtable cell",
            });
        }
        self.row_bytes = self.row_bytes.saturating_add(len);
        if self.row_bytes > MAX_ROW_BYTES {
            return Err(ValueError::TooLong {
                max: MAX_ROW_BYTES as u64,
                length: self.row_bytes as u64,
                unit: "bytes of values in one Bigtable row",
            });
        }
        Ok(())
    }

    fn json_family(&mut self, f: &PlanField, family: usize, json: &str) -> Result<(), ValueError> {
        let names = self
            .layout
            .families
            .get(family)
            .map(|fam| fam.json_qualifiers.as_slice())
            .unwrap_or_default();
        let not_object = || {
            ValueError::invalid(
                "a JSON object (a JSON column is exported as a column family of its members)",
                json,
            )
        };
        let mut sc = Scanner::new(json.as_bytes());
        if sc.peek().map_err(|_| not_object())? != Peek::Object {
            return Err(not_object());
        }
        sc.expect(b'{', "'{'").map_err(|_| not_object())?;
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut keys: Vec<String> = Vec::new();
        let mut order = 0usize;
        let result = (|| -> Result<(), ValueError> {
            if sc.eat(b'}') {
                return Ok(());
            }
            loop {
                let key = match sc.string(&mut scratch).map_err(|_| not_object())? {
                    Str::Borrowed(k) => k.to_owned(),
                    Str::Scratch => scratch.clone(),
                };
                if keys.contains(&key) {
                    return Err(ValueError::DuplicateKey {
                        found: crate::error::quote(&key),
                    });
                }
                sc.expect(b':', "':'").map_err(|_| not_object())?;
                let qualifier = names
                    .iter()
                    .find(|(n, _)| *n == key)
                    .map_or_else(|| key.as_bytes().to_vec(), |(_, q)| q.clone());
                if qualifier.len() > MAX_QUALIFIER_BYTES {
                    return Err(ValueError::TooLong {
                        max: MAX_QUALIFIER_BYTES as u64,
                        length: qualifier.len() as u64,
                        unit: "bytes in one Bigtable column qualifier",
                    });
                }
                let pending = match sc.peek().map_err(|_| not_object())? {
                    Peek::Null => {
                        sc.null().map_err(|_| not_object())?;
                        Pending::Delete { family, qualifier }
                    }
                    Peek::String => {
                        let value = match sc.string(&mut scratch).map_err(|_| not_object())? {
                            Str::Borrowed(s) => s.as_bytes().to_vec(),
                            Str::Scratch => scratch.as_bytes().to_vec(),
                        };
                        Pending::Set {
                            family,
                            qualifier,
                            value,
                        }
                    }
                    _ => Pending::Set {
                        family,
                        qualifier,
                        // The JSON codec validated the text: what can fail
                        // here is the row scanner's nesting limit.
                        value: sc
                            .skip_value(&mut scratch)
                            .map_err(|e| {
                                ValueError::invalid(
                                    format!("a JSON member the cell writer can read ({e})"),
                                    &key,
                                )
                            })?
                            .as_bytes()
                            .to_vec(),
                    },
                };
                if let Pending::Set { value, .. } = &pending {
                    self.add_value(value.len())?;
                }
                self.pending.push((f.id, order, pending));
                order += 1;
                keys.push(key);
                if sc.eat(b'}') {
                    return Ok(());
                }
                sc.expect(b',', "',' or '}'").map_err(|_| not_object())?;
            }
        })();
        self.scratch = scratch;
        result
    }
}

/// A cell value in `encoding` (the module's table).
fn cell_value(value: &Scalar<'_>, encoding: Encoding) -> Result<Vec<u8>, ValueError> {
    Ok(match (value, encoding) {
        (Scalar::Bytes(b), _) => b.to_vec(),
        (Scalar::String(s), _) | (Scalar::Json(s), _) => s.as_bytes().to_vec(),
        (Scalar::Int64(i), Encoding::Binary) => i.to_be_bytes().to_vec(),
        (Scalar::Int64(i), Encoding::Text) => i.to_string().into_bytes(),
        (Scalar::Float64(f), _) => f.to_be_bytes().to_vec(),
        (Scalar::Bool(b), Encoding::Binary) => vec![u8::from(*b)],
        (Scalar::Bool(b), Encoding::Text) => {
            (if *b { "true" } else { "false" }).as_bytes().to_vec()
        }
        (other, _) => {
            return Err(ValueError::invalid(
                "BYTES, STRING, INT64, FLOAT64, BOOL or JSON (the types Bigtable export writes)",
                &other.to_canonical(),
            ));
        }
    })
}

impl Sink for BigtableSink<'_> {
    fn begin_row(&mut self, row: usize) {
        self.row = row;
        self.row_key = None;
        self.pending.clear();
        self.row_bytes = 0;
    }

    fn end_row(&mut self) {
        let Some(row_key) = self.row_key.take() else {
            self.out.skipped.push(self.row);
            self.pending.clear();
            return;
        };
        self.pending.sort_by_key(|p| (p.0, p.1));
        // Timestamps are the writer's: the `_CHANGE_TIMESTAMP` column is
        // not part of the plan (see `BigtableWriter`).
        let ts = 0;
        let families = &self.layout.families;
        let name = |i: usize| families.get(i).map(|f| f.name.clone()).unwrap_or_default();
        let mutations = self
            .pending
            .drain(..)
            .map(|(_, _, p)| match p {
                Pending::Set {
                    family,
                    qualifier,
                    value,
                } => Mutation::SetCell {
                    family: name(family),
                    qualifier,
                    timestamp_micros: ts,
                    value,
                },
                Pending::Delete { family, qualifier } => Mutation::DeleteCell {
                    family: name(family),
                    qualifier,
                    timestamp_micros: ts,
                },
                Pending::DeleteFamily { family } => Mutation::DeleteFamily {
                    family: name(family),
                },
            })
            .collect();
        self.out.rows.push(BigtableRow {
            input_row: self.row,
            row_key,
            mutations,
        });
    }

    fn abort_row(&mut self) {
        self.row_key = None;
        self.pending.clear();
    }

    fn leaf(&mut self, field: &PlanField, value: Scalar<'_>) -> Result<(), ValueError> {
        match self.role(field) {
            Role::RowKey => {
                let key = match &value {
                    Scalar::String(s) => s.as_bytes().to_vec(),
                    Scalar::Bytes(b) => b.to_vec(),
                    other => {
                        return Err(ValueError::invalid(
                            "a STRING or BYTES row key",
                            &other.to_canonical(),
                        ));
                    }
                };
                if key.is_empty() {
                    return Err(ValueError::invalid(
                        "a non-empty row key (Bigtable has no empty row key)",
                        "",
                    ));
                }
                if key.len() > MAX_ROW_KEY_BYTES {
                    return Err(ValueError::TooLong {
                        max: MAX_ROW_KEY_BYTES as u64,
                        length: key.len() as u64,
                        unit: "bytes in a Bigtable row key",
                    });
                }
                self.row_key = Some(key);
            }
            Role::Cell {
                family,
                qualifier,
                encoding,
            } => {
                let v = cell_value(&value, *encoding)?;
                self.add_value(v.len())?;
                self.pending.push((
                    field.id,
                    0,
                    Pending::Set {
                        family: *family,
                        qualifier: qualifier.clone(),
                        value: v,
                    },
                ));
            }
            Role::JsonFamily { family } => {
                let Scalar::Json(text) = &value else {
                    return Err(ValueError::invalid("a JSON value", &value.to_canonical()));
                };
                self.json_family(field, *family, text)?;
            }
            Role::StructFamily { .. } | Role::Unused => {
                return Err(ValueError::invalid(
                    "a field of the export layout",
                    &field.name,
                ));
            }
        }
        Ok(())
    }

    fn null(&mut self, field: &PlanField) {
        let pending = match self.role(field) {
            Role::RowKey => {
                self.row_key = None;
                return;
            }
            Role::Cell {
                family, qualifier, ..
            } => Pending::Delete {
                family: *family,
                qualifier: qualifier.clone(),
            },
            Role::StructFamily { family } | Role::JsonFamily { family } => {
                Pending::DeleteFamily { family: *family }
            }
            Role::Unused => return,
        };
        self.pending.push((field.id, 0, pending));
    }

    fn begin_record(&mut self, _field: &PlanField) {}

    fn end_record(&mut self, _field: &PlanField) {}

    fn begin_list(&mut self, _field: &PlanField) {}

    fn end_list(&mut self, _field: &PlanField) {}
}

impl BigtableRow {
    /// Sets every mutation's timestamp (the row's `_CHANGE_TIMESTAMP`).
    pub fn set_timestamp(&mut self, micros: i64) {
        for m in &mut self.mutations {
            match m {
                Mutation::SetCell {
                    timestamp_micros, ..
                }
                | Mutation::DeleteCell {
                    timestamp_micros, ..
                } => *timestamp_micros = micros,
                Mutation::DeleteFamily { .. } => {}
            }
        }
    }
}

/// A query result schema compiled for export to Bigtable: the plan, the
/// layout, and the `_CHANGE_TIMESTAMP` column.
///
/// Tables reserve the name `_CHANGE_TIMESTAMP`, so the row walk's schema
/// check refuses it; the writer splits it off the schema, reads it from each
/// row itself (checking unknown keys on the row's top level the way the walk
/// would), walks the rest, and sets the cells' timestamps.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableWriter, CellOptions, Mutation};
/// use bqcodec::{plan::WalkOptions, TableSchema};
/// let schema = bqcodec::bigtable::result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"},
///     {"name": "cf", "type": "RECORD", "fields": [{"name": "n", "type": "INT64"}]},
///     {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}]"#)?;
/// let w = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
/// let (rows, outcome) = w.encode_ndjson(
///     b"{\"rowkey\": \"k\", \"cf\": {\"n\": 7}, \"_CHANGE_TIMESTAMP\": \"1970-01-01T00:00:01Z\"}\n{\"rowkey\": null, \"cf\": null}\n", 0);
/// assert_eq!(outcome.errors.len(), 0);
/// assert_eq!(rows.skipped, vec![1]);
/// assert_eq!(rows.rows[0].mutations, vec![Mutation::SetCell {
///     family: "cf".into(), qualifier: b"n".to_vec(), timestamp_micros: 1_000_000, value: b"7".to_vec() }]);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BigtableWriter {
    plan: Plan,
    layout: ExportLayout,
    /// The `_CHANGE_TIMESTAMP` column's name as written, if the result has one.
    change_timestamp: Option<String>,
    /// The caller's walk options (the plan itself ignores unknown keys: the
    /// writer checks them, so that `_CHANGE_TIMESTAMP` passes).
    walk: WalkOptions,
}

impl BigtableWriter {
    /// Validates `schema` (the query result's) and the export rules with
    /// `options`, and compiles both.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{result_schema_from_json, BigtableOptions, BigtableWriter, CellOptions, Mutation};
    /// use bqcodec::plan::WalkOptions;
    ///
    /// let schema = result_schema_from_json(
    ///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"}, {"name": "m", "type": "INT64"}]"#,
    /// )?;
    /// let options = BigtableOptions::from_json(r#"{"columnFamilies": [{"familyId": "n", "encoding": "BINARY"}]}"#)?;
    /// let writer = BigtableWriter::new(&schema, WalkOptions::new(), Some(&options), CellOptions::new())?;
    /// let row = writer.encode_json(br#"{"rowkey": "k", "n": 258, "m": 258}"#, 0)?.unwrap_or_else(|| unreachable!());
    /// let values: Vec<&[u8]> = row.mutations.iter().map(|m| match m {
    ///     Mutation::SetCell { value, .. } => value.as_slice(),
    ///     _ => unreachable!(),
    /// }).collect();
    /// assert_eq!(values, [&[0, 0, 0, 0, 0, 0, 1, 2][..], b"258"]); // BINARY family n, TEXT (default) m
    /// assert_eq!(writer.plan().root().fields.len(), 3);
    /// assert_eq!(writer.layout().family_names().collect::<Vec<_>>(), ["n", "m"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        schema: &TableSchema,
        walk: WalkOptions,
        options: Option<&BigtableOptions>,
        cell: CellOptions,
    ) -> Result<Self, SchemaError> {
        validate_export_schema(schema, options)?;
        let (data, change_timestamp) = split_change_timestamp(schema)?;
        let plan = Plan::compile(&data, walk.with_unknown_keys(UnknownKeys::Ignore))?;
        let layout = ExportLayout::new(&plan, options, cell)?;
        Ok(BigtableWriter {
            plan,
            layout,
            change_timestamp,
            walk,
        })
    }

    /// The compiled plan (without `_CHANGE_TIMESTAMP`).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The layout, for callers that drive their own [`BigtableSink`].
    pub fn layout(&self) -> &ExportLayout {
        &self.layout
    }

    /// Converts NDJSON rows (one JSON object per line; blank lines skipped
    /// and not counted; row indices from `first_row`). Bad rows are
    /// reported in the outcome and left out.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Mutation};
    /// use bqcodec::plan::WalkOptions;
    ///
    /// let schema = result_schema_from_json(
    ///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "b", "type": "BOOL"},
    ///         {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}]"#,
    /// )?;
    /// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
    /// let (rows, outcome) = writer.encode_ndjson(
    ///     b"{\"rowkey\": \"a\", \"b\": true, \"_CHANGE_TIMESTAMP\": \"2024-01-01T00:00:00.001Z\"}\n\
    ///       {\"rowkey\": \"b\", \"b\": true, \"_CHANGE_TIMESTAMP\": \"2024-01-01T00:00:00.0015Z\"}\n", 0);
    /// assert_eq!(rows.rows[0].mutations, [Mutation::SetCell {
    ///     family: "b".into(), qualifier: vec![], timestamp_micros: 1_704_067_200_001_000, value: b"true".to_vec(),
    /// }]);
    /// assert_eq!(outcome.errors[0].row, 1); // Bigtable takes whole milliseconds only
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_ndjson(&self, ndjson: &[u8], first_row: usize) -> (BigtableRows, RowOutcome) {
        let mut sink = BigtableSink::new(&self.layout);
        let mut walker = Walker::new(&self.plan);
        let mut outcome = RowOutcome::default();
        for line in ndjson.split(|&b| b == b'\n') {
            // Blank as the row walk's NDJSON has it: JSON whitespace only
            // (a form feed is no JSON whitespace: that line is a bad row).
            if line
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            {
                continue;
            }
            let row = first_row + outcome.rows;
            outcome.rows += 1;
            match self.row(&mut walker, &mut sink, line, row) {
                Ok(()) => outcome.written += 1,
                Err(e) => outcome.errors.push(e),
            }
        }
        (sink.take_rows(), outcome)
    }

    /// Converts one row given as JSON text; `None` when its row key is NULL.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Mutation};
    /// use bqcodec::plan::WalkOptions;
    ///
    /// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "doc", "type": "JSON"}]"#)?;
    /// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
    /// let row = writer.encode_json(br#"{"rowkey": "k", "doc": {"a": "x", "b": [1, 2]}}"#, 0)?;
    /// // A JSON column is a family; each member a cell: strings as text, the rest as JSON.
    /// assert_eq!(row.map(|r| r.mutations), Some(vec![
    ///     Mutation::SetCell { family: "doc".into(), qualifier: b"a".to_vec(), timestamp_micros: 0, value: b"x".to_vec() },
    ///     Mutation::SetCell { family: "doc".into(), qualifier: b"b".to_vec(), timestamp_micros: 0, value: b"[1,2]".to_vec() },
    /// ]));
    /// assert_eq!(writer.encode_json(br#"{"rowkey": null, "doc": null}"#, 1)?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_json(
        &self,
        row_json: &[u8],
        row: usize,
    ) -> Result<Option<BigtableRow>, RowError> {
        let mut sink = BigtableSink::new(&self.layout);
        self.row(&mut Walker::new(&self.plan), &mut sink, row_json, row)?;
        Ok(sink.take_rows().rows.pop())
    }

    /// Converts one `serde_json::Value` row; `None` when its row key is NULL.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Mutation};
    /// use bqcodec::plan::WalkOptions;
    ///
    /// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "f", "type": "FLOAT64"}]"#)?;
    /// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
    /// let row = writer.encode_value(&serde_json::json!({"rowkey": "k", "f": 1.5}), 0)?;
    /// let value = 1.5f64.to_be_bytes().to_vec(); // FLOAT64: 8 bytes IEEE 754 in either encoding
    /// assert_eq!(row.map(|r| r.mutations), Some(vec![
    ///     Mutation::SetCell { family: "f".into(), qualifier: vec![], timestamp_micros: 0, value },
    /// ]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_value(
        &self,
        value: &serde_json::Value,
        row: usize,
    ) -> Result<Option<BigtableRow>, RowError> {
        self.encode_serialize(value, row)
    }

    /// Converts one typed row; `None` when its row key is NULL.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions};
    /// use bqcodec::plan::WalkOptions;
    ///
    /// #[derive(serde::Serialize)]
    /// struct Row { rowkey: Option<String>, n: i64 }
    ///
    /// let schema = result_schema_from_json(r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"}]"#)?;
    /// let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, CellOptions::new())?;
    /// assert!(writer.encode_serialize(&Row { rowkey: Some("k".into()), n: 1 }, 0)?.is_some());
    /// assert!(writer.encode_serialize(&Row { rowkey: None, n: 1 }, 1)?.is_none()); // skipped
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_serialize<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        row: usize,
    ) -> Result<Option<BigtableRow>, RowError> {
        let bytes = serde_json::to_vec(value).map_err(|e| RowError {
            row,
            path: FieldPath::root(),
            error: ValueError::invalid("a JSON-serializable row", &e.to_string()),
        })?;
        self.encode_json(&bytes, row)
    }

    /// One row: the top-level pre-scan, the walk, the timestamps.
    fn row(
        &self,
        walker: &mut Walker<'_>,
        sink: &mut BigtableSink<'_>,
        line: &[u8],
        row: usize,
    ) -> Result<(), RowError> {
        let at = |path: FieldPath, error: ValueError| RowError { row, path, error };
        // A syntax error found here is reported by the walk, with its offset.
        let pre = self.prescan(line);
        let before = (sink.out.rows.len(), sink.out.skipped.len());
        walker.walk_json(line, row, sink)?;
        let micros = match pre {
            Ok(Some(ts)) => ts,
            Ok(None) => 0,
            Err(e) => {
                sink.drop_since(before);
                return Err(at(e.0, e.1));
            }
        };
        if sink.out.rows.len() > before.0
            && let Some(r) = sink.out.rows.last_mut()
        {
            r.set_timestamp(micros);
        }
        Ok(())
    }

    /// Reads `_CHANGE_TIMESTAMP` from the row's top level and rejects
    /// unknown top-level keys when the walk options say so. JSON syntax
    /// problems are left to the walk, which reports them with their offset.
    fn prescan(&self, line: &[u8]) -> Result<Option<i64>, (FieldPath, ValueError)> {
        let mut sc = Scanner::new(line);
        let mut scratch = String::new();
        let mut value_scratch = String::new();
        if !matches!(sc.peek(), Ok(Peek::Object)) || sc.expect(b'{', "'{'").is_err() || sc.eat(b'}')
        {
            return Ok(None);
        }
        let mut found: Option<i64> = None;
        let mut seen_change = false;
        loop {
            let key = match sc.string(&mut scratch) {
                Ok(Str::Borrowed(k)) => k.to_owned(),
                Ok(Str::Scratch) => scratch.clone(),
                Err(_) => return Ok(found),
            };
            if sc.expect(b':', "':'").is_err() {
                return Ok(found);
            }
            let is_change = self
                .change_timestamp
                .as_deref()
                .is_some_and(|c| key_matches(c, &key, self.walk.key_match));
            if is_change {
                let path = FieldPath::root().with_field(&key);
                if seen_change {
                    let found = crate::error::quote(&key);
                    return Err((path, ValueError::DuplicateKey { found }));
                }
                seen_change = true;
                let parsed = match sc.peek() {
                    Ok(Peek::Null) => match sc.null() {
                        Ok(()) => None,
                        Err(_) => return Ok(found),
                    },
                    Ok(Peek::String) => match sc.string(&mut value_scratch) {
                        Ok(Str::Borrowed(s)) => Some(Timestamp::parse(Input::Str(s))),
                        Ok(Str::Scratch) => Some(Timestamp::parse(Input::Str(&value_scratch))),
                        Err(_) => return Ok(found),
                    },
                    Ok(Peek::Number) => match sc.number() {
                        Ok(n) => Some(Timestamp::parse(Input::Number(n))),
                        Err(_) => return Ok(found),
                    },
                    Ok(p) => {
                        let kind = match p {
                            Peek::Bool => "a boolean",
                            Peek::Array => "an array",
                            _ => "an object",
                        };
                        return Err((
                            path,
                            ValueError::wrong_kind(
                                "a TIMESTAMP (a string, or an integer of epoch microseconds)",
                                kind,
                            ),
                        ));
                    }
                    Err(_) => return Ok(found),
                };
                found = match parsed {
                    None => None,
                    Some(t) => {
                        let t = t.map_err(|e| (path.clone(), e))?;
                        Some(self.millis(t).map_err(|e| (path, e))?)
                    }
                };
            } else {
                let known = self.plan.root().lookup(&key, self.walk.key_match).is_some();
                if !known && self.walk.unknown_keys == UnknownKeys::Reject {
                    let found = crate::error::quote(&key);
                    return Err((
                        FieldPath::root().with_field(&key),
                        ValueError::UnknownField { found },
                    ));
                }
                if sc.skip_value(&mut value_scratch).is_err() {
                    return Ok(found);
                }
            }
            if sc.eat(b'}') || sc.expect(b',', "',' or '}'").is_err() {
                return Ok(found);
            }
        }
    }

    /// A `_CHANGE_TIMESTAMP` as Bigtable takes it: not before the epoch,
    /// whole milliseconds (or truncated to them when chosen).
    fn millis(&self, t: Timestamp) -> Result<i64, ValueError> {
        let micros = t.micros();
        if micros < 0 {
            return Err(ValueError::out_of_range(
                "a _CHANGE_TIMESTAMP at or after 1970-01-01T00:00:00Z (Bigtable has no earlier timestamps)",
                &t.to_string(),
            ));
        }
        let extra = micros % 1000;
        if extra != 0 && !self.layout.cell.truncate_to_millis {
            return Err(ValueError::invalid(
                "a _CHANGE_TIMESTAMP in whole milliseconds (Bigtable takes only multiples of 1000 µs; choose truncation to drop the rest)",
                &t.to_string(),
            ));
        }
        Ok(micros - extra)
    }
}

fn key_matches(name: &str, key: &str, key_match: KeyMatch) -> bool {
    match key_match {
        KeyMatch::Exact => name == key,
        _ => name.eq_ignore_ascii_case(key) || name.to_lowercase() == key.to_lowercase(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::bigtable::{ColumnOptions, FamilyOptions};

    const SCHEMA: &str = r#"[
        {"name": "rowkey", "type": "STRING"},
        {"name": "sales_info", "type": "RECORD", "fields": [
            {"name": "product", "type": "STRING"},
            {"name": "amount", "type": "INT64"},
            {"name": "price", "type": "FLOAT64"},
            {"name": "ok", "type": "BOOL"},
            {"name": "meta", "type": "JSON"},
            {"name": "raw", "type": "BYTES"}]},
        {"name": "ordered_at", "type": "INT64"},
        {"name": "_CHANGE_TIMESTAMP", "type": "TIMESTAMP"}
    ]"#;

    fn writer(options: Option<BigtableOptions>, cell: CellOptions) -> BigtableWriter {
        let schema = crate::bigtable::result_schema_from_json(SCHEMA).unwrap();
        BigtableWriter::new(&schema, WalkOptions::new(), options.as_ref(), cell).unwrap()
    }

    fn set(family: &str, q: &[u8], ts: i64, v: &[u8]) -> Mutation {
        Mutation::SetCell {
            family: family.into(),
            qualifier: q.to_vec(),
            timestamp_micros: ts,
            value: v.to_vec(),
        }
    }

    #[test]
    fn the_docs_example_row() {
        // The docs' example: T(order_id 101, order_timestamp
        // 2023-03-28T10:40:54Z, product Joystick, amount 2), with
        // ordered_at = 1680000054000 mapped to qualifier order_time.
        let options = BigtableOptions::new()
            .with_family(
                FamilyOptions::new("ordered_at")
                    .with_column(ColumnOptions::new("").with_qualifier_string("order_time")),
            )
            .unwrap();
        let w = writer(Some(options), CellOptions::new());
        let row = w
            .encode_json(
                br#"{"rowkey": "101", "sales_info": {"product": "Joystick", "amount": 2}, "ordered_at": 1680000054000}"#,
                0,
            )
            .unwrap()
            .unwrap();
        assert_eq!(row.row_key, b"101");
        assert_eq!(
            row.mutations,
            vec![
                set("sales_info", b"product", 0, b"Joystick"),
                set("sales_info", b"amount", 0, b"2"),
                Mutation::DeleteCell {
                    family: "sales_info".into(),
                    qualifier: b"price".to_vec(),
                    timestamp_micros: 0
                },
                Mutation::DeleteCell {
                    family: "sales_info".into(),
                    qualifier: b"ok".to_vec(),
                    timestamp_micros: 0
                },
                Mutation::DeleteCell {
                    family: "sales_info".into(),
                    qualifier: b"meta".to_vec(),
                    timestamp_micros: 0
                },
                Mutation::DeleteCell {
                    family: "sales_info".into(),
                    qualifier: b"raw".to_vec(),
                    timestamp_micros: 0
                },
                set("ordered_at", b"order_time", 0, b"1680000054000"),
            ]
        );
    }

    #[test]
    fn binary_and_text_encodings() {
        let row = r#"{"_CHANGE_TIMESTAMP": "2023-03-28T10:40:54.123Z", "ordered_at": -2, "rowkey": "k",
            "sales_info": {"raw": "AP8=", "ok": true, "price": 1.5, "amount": 258, "product": "é"}}"#
            .as_bytes();
        let ts = 1_680_000_054_123_000;
        let binary = BigtableOptions::new()
            .with_family(FamilyOptions::new("sales_info").with_encoding(Encoding::Binary))
            .unwrap()
            .with_family(FamilyOptions::new("ordered_at").with_encoding(Encoding::Binary))
            .unwrap();
        let b = writer(Some(binary), CellOptions::new())
            .encode_json(row, 0)
            .unwrap()
            .unwrap();
        assert_eq!(
            b.mutations,
            vec![
                set("sales_info", b"product", ts, "é".as_bytes()),
                set("sales_info", b"amount", ts, &[0, 0, 0, 0, 0, 0, 1, 2]),
                set("sales_info", b"price", ts, &[0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
                set("sales_info", b"ok", ts, &[1]),
                Mutation::DeleteCell {
                    family: "sales_info".into(),
                    qualifier: b"meta".to_vec(),
                    timestamp_micros: ts
                },
                set("sales_info", b"raw", ts, &[0, 0xff]),
                set("ordered_at", b"", ts, &(-2i64).to_be_bytes()),
            ]
        );
        let t = writer(None, CellOptions::new())
            .encode_json(row, 0)
            .unwrap()
            .unwrap();
        assert_eq!(t.mutations[1], set("sales_info", b"amount", ts, b"258"));
        assert_eq!(
            t.mutations[2],
            set("sales_info", b"price", ts, &[0x3f, 0xf8, 0, 0, 0, 0, 0, 0])
        );
        assert_eq!(t.mutations[3], set("sales_info", b"ok", ts, b"true"));
        assert_eq!(t.mutations[6], set("ordered_at", b"", ts, b"-2"));
        let default_binary = writer(
            None,
            CellOptions::new().with_default_encoding(Encoding::Binary),
        )
        .encode_json(row, 0)
        .unwrap()
        .unwrap();
        assert_eq!(default_binary.mutations, b.mutations);
    }

    #[test]
    fn nulls_and_skips() {
        let w = writer(None, CellOptions::new());
        let (rows, outcome) = w.encode_ndjson(
            concat!(
                r#"{"rowkey": "a", "sales_info": null, "ordered_at": null, "_CHANGE_TIMESTAMP": null}"#,
                "\n",
                r#"{"rowkey": null, "ordered_at": 1}"#,
                "\n",
                r#"{"ordered_at": 1}"#,
                "\n",
                r#"{"rowkey": "", "ordered_at": 1}"#,
                "\n",
                r#"{"rowkey": "b", "_CHANGE_TIMESTAMP": "1969-12-31T23:59:59Z"}"#,
                "\n",
                r#"{"rowkey": "c", "_CHANGE_TIMESTAMP": "2024-01-01T00:00:00.000001Z"}"#,
                "\n",
            )
            .as_bytes(),
            0,
        );
        assert_eq!(rows.skipped, vec![1, 2]);
        assert_eq!(rows.rows.len(), 1);
        assert_eq!(
            rows.rows[0].mutations,
            vec![
                Mutation::DeleteFamily {
                    family: "sales_info".into()
                },
                Mutation::DeleteCell {
                    family: "ordered_at".into(),
                    qualifier: vec![],
                    timestamp_micros: 0
                },
            ]
        );
        let msgs: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(
            msgs[0].starts_with("row 3: rowkey: expected a non-empty row key"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("row 4: _CHANGE_TIMESTAMP: out of range"),
            "{msgs:?}"
        );
        assert!(msgs[2].contains("whole milliseconds"), "{msgs:?}");
        let w = writer(None, CellOptions::new().with_truncate_to_millis(true));
        let r = w
            .encode_json(br#"{"rowkey": "c", "ordered_at": 5, "_CHANGE_TIMESTAMP": "2024-01-01T00:00:00.001999Z"}"#, 0)
            .unwrap()
            .unwrap();
        assert_eq!(
            r.mutations,
            vec![
                Mutation::DeleteFamily {
                    family: "sales_info".into()
                },
                set("ordered_at", b"", 1_704_067_200_001_000, b"5"),
            ]
        );
    }

    #[test]
    fn json_families() {
        let schema = TableSchema::from_json(
            r#"[{"name": "rowkey", "type": "BYTES"}, {"name": "j", "type": "JSON"}]"#,
        )
        .unwrap();
        let options = BigtableOptions::from_json(
            r#"{"columnFamilies": [{"familyId": "j", "columns": [{"fieldName": "x", "qualifierEncoded": "AAE="}]}]}"#,
        )
        .unwrap();
        let w = BigtableWriter::new(
            &schema,
            WalkOptions::new(),
            Some(&options),
            CellOptions::new(),
        )
        .unwrap();
        let r = w
            .encode_value(
                &serde_json::json!({"rowkey": "AAE=", "j": {"x": "s\"", "n": 1.50, "o": {"p": [true]}, "z": null}}),
                0,
            )
            .unwrap()
            .unwrap();
        assert_eq!(r.row_key, vec![0, 1]);
        assert!(r.mutations.contains(&set("j", &[0, 1], 0, b"s\"")));
        assert!(r.mutations.contains(&Mutation::DeleteCell {
            family: "j".into(),
            qualifier: b"z".to_vec(),
            timestamp_micros: 0
        }));
        assert!(
            w.encode_value(&serde_json::json!({"rowkey": "AAE=", "j": [1]}), 0)
                .is_err()
        );
        // A JSON member of a STRUCT is its compact JSON text.
        let r = writer(None, CellOptions::new())
            .encode_json(
                br#"{"rowkey": "k", "sales_info": {"meta": {"b": [1, 2], "a": null}}}"#,
                0,
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            r.mutations[4],
            set("sales_info", b"meta", 0, br#"{"b":[1,2],"a":null}"#)
        );
    }
}
