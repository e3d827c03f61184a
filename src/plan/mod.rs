//! The compiled schema and the single row walk.
//!
//! [`Plan::compile`] turns a validated [`TableSchema`] into a tree of resolved
//! leaf [`Codec`]s with precomputed key lookup. The walk (one for JSON bytes,
//! one for `serde_json::Value`) reads a row, parses every leaf through
//! `value::*`, and drives a [`Sink`] — the protobuf, Arrow, insertAll and
//! Bigtable writers are sinks. Adding an output format is adding a sink.

pub(crate) mod json;
mod sink;
mod walk;

use std::collections::HashMap;

pub use json::SyntaxError;
pub use sink::Sink;
pub use walk::{RowOutcome, Walker};

use crate::error::SchemaError;
use crate::schema::{Field, FieldType, Mode, TableSchema};
use crate::value::{Codec, Policy};

/// What to do with a key that names no column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnknownKeys {
    /// An error naming the key (the default).
    #[default]
    Reject,
    /// Skip the key and its value.
    Ignore,
}

/// How row keys are matched to column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyMatch {
    /// Exactly as written in the schema (the default).
    #[default]
    Exact,
    /// Case-insensitively, as BigQuery compares column names.
    CaseInsensitive,
}

/// Options of the row walk. `Default` is [`WalkOptions::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkOptions {
    /// Unknown keys. Default: [`UnknownKeys::Reject`].
    pub unknown_keys: UnknownKeys,
    /// Key matching. Default: [`KeyMatch::Exact`].
    pub key_match: KeyMatch,
    /// Value policy (rounding). Default: reject anything inexact.
    pub policy: Policy,
    /// Accept the change-data-capture pseudo-columns `_CHANGE_TYPE` and
    /// `_CHANGE_SEQUENCE_NUMBER` (STRING, after the last column). Default: off.
    pub cdc: bool,
    /// The largest row, in bytes of its JSON text, the walk reads; a longer
    /// row is rejected unread ([`ValueError::TooLong`](crate::ValueError::TooLong),
    /// unit "bytes in one row"). Default [`DEFAULT_MAX_ROW_BYTES`]: the
    /// Storage Write API's 10 MB request limit, which no row can exceed.
    pub max_row_bytes: usize,
    /// The most elements one REPEATED field may hold in a row; the walk stops
    /// at the first one past it (`TooLong`, unit "elements in one REPEATED
    /// field", `found` counting up to that element). Default: no limit of its
    /// own (the row size bounds it).
    pub max_list_len: usize,
}

/// The default [`WalkOptions::max_row_bytes`]: 10,000,000 bytes, the
/// Storage Write API's AppendRows request limit (and insertAll's row limit).
pub const DEFAULT_MAX_ROW_BYTES: usize = 10_000_000;

impl Default for WalkOptions {
    /// [`WalkOptions::new`] (a derived `Default` would make every limit 0).
    fn default() -> Self {
        WalkOptions::new()
    }
}

impl WalkOptions {
    /// The defaults: unknown keys rejected, exact key match, nothing rounded.
    pub const fn new() -> Self {
        WalkOptions {
            unknown_keys: UnknownKeys::Reject,
            key_match: KeyMatch::Exact,
            policy: Policy::new(),
            cdc: false,
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
            max_list_len: usize::MAX,
        }
    }

    /// Sets the largest row read, in bytes of JSON text (default
    /// [`DEFAULT_MAX_ROW_BYTES`]).
    ///
    /// ```
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "s", "type": "STRING"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(),
    ///                          WalkOptions::new().with_max_row_bytes(16))?;
    /// let e = w.encode_json(br#"{"s": "longer than sixteen bytes"}"#, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "row 0: (row): expected at most 16 bytes in one row, found 34");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn with_max_row_bytes(mut self, max: usize) -> Self {
        self.max_row_bytes = max;
        self
    }

    /// Sets the most elements one REPEATED field may hold (default: no limit
    /// besides the row size).
    pub const fn with_max_list_len(mut self, max: usize) -> Self {
        self.max_list_len = max;
        self
    }

    /// Sets the longest GEOGRAPHY text read, in bytes (default
    /// [`DEFAULT_MAX_GEOGRAPHY_BYTES`](crate::value::geography::DEFAULT_MAX_GEOGRAPHY_BYTES));
    /// the same as setting it on [`WalkOptions::policy`].
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "g", "type": "GEOGRAPHY"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(),
    ///                          WalkOptions::new().with_max_geography_bytes(12))?;
    /// let e = w.encode_json(br#"{"g": {"type": "Point", "coordinates": [1, 2]}}"#, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "row 0: g: expected at most 12 bytes of GEOGRAPHY text, found 40");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn with_max_geography_bytes(mut self, max: usize) -> Self {
        self.policy = self.policy.with_max_geography_bytes(max);
        self
    }

    /// Sets the deepest nesting read in a JSON column value (default and
    /// ceiling [`json::MAX_DEPTH`](crate::value::json::MAX_DEPTH), 500); the
    /// same as setting it on [`WalkOptions::policy`]. The row's own nesting
    /// is bounded by the schema (RECORDs nest at most 15 levels).
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "j", "type": "JSON"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(),
    ///                          WalkOptions::new().with_max_json_depth(2))?;
    /// assert!(w.encode_json(br#"{"j": {"a": [1]}}"#, 0).is_ok());
    /// let e = w.encode_json(br#"{"j": "{\"a\": [[1]]}"}"#, 0).unwrap_err();
    /// assert!(e.to_string().starts_with("row 0: j: "), "{e}");
    /// assert!(e.to_string().contains("at most 2 levels"), "{e}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn with_max_json_depth(mut self, max: usize) -> Self {
        self.policy = self.policy.with_max_json_depth(max);
        self
    }

    /// Accepts the CDC pseudo-columns (default: off). The server checks their
    /// values (`UPSERT`/`DELETE`; hex sequence numbers); here they are strings.
    pub const fn with_cdc(mut self, cdc: bool) -> Self {
        self.cdc = cdc;
        self
    }

    /// Sets what happens to unknown keys (default [`UnknownKeys::Reject`]).
    ///
    /// ```
    /// use bqcodec::plan::{UnknownKeys, WalkOptions};
    /// let o = WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore);
    /// assert_eq!(o.unknown_keys, UnknownKeys::Ignore);
    /// ```
    pub const fn with_unknown_keys(mut self, unknown_keys: UnknownKeys) -> Self {
        self.unknown_keys = unknown_keys;
        self
    }

    /// Sets how keys match column names (default [`KeyMatch::Exact`]).
    pub const fn with_key_match(mut self, key_match: KeyMatch) -> Self {
        self.key_match = key_match;
        self
    }

    /// Sets the value policy (default [`Policy::new`]: reject anything inexact).
    pub const fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }
}

/// One compiled field.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlanField {
    /// Preorder index over every field of the plan: sinks index their own
    /// per-field tables by it.
    pub id: usize,
    /// Position among its siblings (0-based; the proto field number is `index + 1`).
    pub index: usize,
    /// The column name as written in the schema.
    pub name: String,
    /// The name has no `"`, `\\` or control character: its JSON key is the
    /// name itself between quotes (lets the walk match keys byte for byte).
    pub plain_name: bool,
    /// The mode.
    pub mode: Mode,
    /// True when the column has a default value expression.
    pub has_default: bool,
    /// A leaf codec or a record.
    pub kind: PlanKind,
}

/// What a field holds.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PlanKind {
    /// A leaf value.
    Leaf(Codec),
    /// A RECORD.
    Record(PlanRecord),
}

/// A compiled record: its fields and the key lookup.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlanRecord {
    /// The fields, in schema order.
    pub fields: Vec<PlanField>,
    /// Key → field position (exact names).
    exact: HashMap<String, usize>,
    /// Lower-cased key → field position.
    folded: HashMap<String, usize>,
}

impl PlanRecord {
    /// The position of the field named `key`, trying position `hint` first
    /// (rows usually list keys in schema order).
    #[inline]
    pub fn lookup_hinted(&self, key: &str, key_match: KeyMatch, hint: usize) -> Option<usize> {
        if let Some(f) = self.fields.get(hint)
            && f.name == key
        {
            return Some(hint);
        }
        self.lookup(key, key_match)
    }

    /// The position of the field named `key`.
    #[inline]
    pub fn lookup(&self, key: &str, key_match: KeyMatch) -> Option<usize> {
        // Small records: a linear scan beats hashing.
        if self.fields.len() <= 12 {
            match key_match {
                KeyMatch::Exact => self.fields.iter().position(|f| f.name == key),
                KeyMatch::CaseInsensitive => {
                    if key.is_ascii() {
                        self.fields
                            .iter()
                            .position(|f| f.name.eq_ignore_ascii_case(key))
                    } else {
                        self.folded.get(&key.to_lowercase()).copied()
                    }
                }
            }
        } else {
            match key_match {
                KeyMatch::Exact => self.exact.get(key).copied(),
                KeyMatch::CaseInsensitive => match self.exact.get(key) {
                    Some(&i) => Some(i),
                    None => self.folded.get(&key.to_lowercase()).copied(),
                },
            }
        }
    }
}

/// A compiled schema: compile once, walk many rows.
#[derive(Debug, Clone)]
pub struct Plan {
    root: PlanRecord,
    field_count: usize,
    options: WalkOptions,
}

impl Plan {
    /// Validates `schema` and compiles it.
    pub fn compile(schema: &TableSchema, options: WalkOptions) -> Result<Plan, SchemaError> {
        schema.validate()?;
        let mut next_id = 0;
        let root = if options.cdc {
            let mut fields = schema.fields.clone();
            fields.push(Field::new("_CHANGE_TYPE", FieldType::String));
            fields.push(Field::new("_CHANGE_SEQUENCE_NUMBER", FieldType::String));
            compile_record(&fields, &mut next_id)
        } else {
            compile_record(&schema.fields, &mut next_id)
        };
        Ok(Plan {
            root,
            field_count: next_id,
            options,
        })
    }

    /// The top-level record.
    pub fn root(&self) -> &PlanRecord {
        &self.root
    }

    /// How many fields the plan has, counting nested ones (ids are `0..count`).
    pub fn field_count(&self) -> usize {
        self.field_count
    }

    /// The walk options.
    pub fn options(&self) -> &WalkOptions {
        &self.options
    }
}

fn compile_record(fields: &[Field], next_id: &mut usize) -> PlanRecord {
    let mut out = Vec::with_capacity(fields.len());
    let mut exact = HashMap::with_capacity(fields.len());
    let mut folded = HashMap::with_capacity(fields.len());
    for (index, f) in fields.iter().enumerate() {
        let id = *next_id;
        *next_id += 1;
        let kind = match Codec::for_field(f) {
            Some(codec) => PlanKind::Leaf(codec),
            None => PlanKind::Record(compile_record(&f.fields, next_id)),
        };
        exact.insert(f.name.clone(), index);
        folded.entry(f.name.to_lowercase()).or_insert(index);
        out.push(PlanField {
            id,
            index,
            plain_name: !f.name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
            name: f.name.clone(),
            mode: f.mode,
            has_default: f.default_value_expression.is_some(),
            kind,
        });
    }
    PlanRecord {
        fields: out,
        exact,
        folded,
    }
}
