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
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{UnknownKeys, WalkOptions};
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}]"#)?;
/// let strict = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// let err = strict.encode_json(br#"{"a": 1, "b": 2}"#, 0).unwrap_err();
/// assert_eq!(err.to_string(), r#"row 0: b: unknown field "b""#);
/// let lenient = ProtoWriter::new(&schema, DescriptorOptions::default(),
///                                WalkOptions::new().with_unknown_keys(UnknownKeys::Ignore))?;
/// assert_eq!(lenient.encode_json(br#"{"a": 1, "b": {"any": [1]}}"#, 0)?, [0x08, 0x01]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{KeyMatch, WalkOptions};
/// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "UserId", "type": "INT64"}]"#)?;
/// let exact = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new())?;
/// assert!(exact.encode_json(br#"{"userid": 7}"#, 0).is_err());
/// let folded = ProtoWriter::new(&schema, DescriptorOptions::default(),
///                               WalkOptions::new().with_key_match(KeyMatch::CaseInsensitive))?;
/// assert_eq!(folded.encode_json(br#"{"userid": 7}"#, 0)?, [0x08, 0x07]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
///
/// # Examples
///
/// This also shows [`WalkOptions::new`] (the same as `Default`).
///
/// ```
/// use bqcodec::plan::{DEFAULT_MAX_ROW_BYTES, KeyMatch, UnknownKeys, WalkOptions};
/// use bqcodec::value::{Policy, numeric::Rounding};
///
/// let defaults = WalkOptions::new();
/// assert_eq!(defaults, WalkOptions::default());
/// assert_eq!((defaults.unknown_keys, defaults.key_match, defaults.cdc), (UnknownKeys::Reject, KeyMatch::Exact, false));
/// assert_eq!((defaults.max_row_bytes, defaults.max_list_len), (DEFAULT_MAX_ROW_BYTES, usize::MAX));
/// let o = WalkOptions::new().with_policy(Policy::new().with_rounding(Rounding::HalfEven)).with_max_list_len(100);
/// assert_eq!((o.policy.rounding, o.max_list_len), (Rounding::HalfEven, 100));
/// ```
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
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{DEFAULT_MAX_ROW_BYTES, WalkOptions};
///
/// assert_eq!(DEFAULT_MAX_ROW_BYTES, 10_000_000);
/// assert_eq!(WalkOptions::new().max_row_bytes, DEFAULT_MAX_ROW_BYTES);
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "tags", "type": "STRING", "mode": "REPEATED"}]"#)?;
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), WalkOptions::new().with_max_list_len(2))?;
    /// assert!(w.encode_json(br#"{"tags": ["a", "b"]}"#, 0).is_ok());
    /// let e = w.encode_json(br#"{"tags": ["a", "b", "c"]}"#, 0).unwrap_err();
    /// assert_eq!(e.to_string(), "row 0: tags[2]: expected at most 2 elements in one REPEATED field, found 3");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{Plan, WalkOptions};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"}]"#)?;
    /// let plan = Plan::compile(&schema, WalkOptions::new().with_cdc(true))?;
    /// let names: Vec<&str> = plan.root().fields.iter().map(|f| f.name.as_str()).collect();
    /// assert_eq!(names, ["id", "_CHANGE_TYPE", "_CHANGE_SEQUENCE_NUMBER"]);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{KeyMatch, WalkOptions};
    ///
    /// let o = WalkOptions::new().with_key_match(KeyMatch::CaseInsensitive);
    /// assert_eq!(o.key_match, KeyMatch::CaseInsensitive);
    /// ```
    pub const fn with_key_match(mut self, key_match: KeyMatch) -> Self {
        self.key_match = key_match;
        self
    }

    /// Sets the value policy (default [`Policy::new`]: reject anything inexact).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::WalkOptions;
    /// use bqcodec::proto::{DescriptorOptions, ProtoWriter};
    /// use bqcodec::value::{Policy, numeric::Rounding};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "n", "type": "NUMERIC"}]"#)?;
    /// let round = WalkOptions::new().with_policy(Policy::new().with_rounding(Rounding::HalfAwayFromZero));
    /// let w = ProtoWriter::new(&schema, DescriptorOptions::default(), round)?;
    /// let row = w.encode_json(br#"{"n": 0.0000000005}"#, 0)?;
    /// assert_eq!(w.decode(&row)?, r#"{"n":"0.000000001"}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }
}

/// One compiled field.
///
/// # Examples
///
/// [`PlanKind`] and [`PlanRecord`] are shown here too.
///
/// ```
/// use bqcodec::plan::{Plan, PlanKind, WalkOptions};
/// use bqcodec::{Codec, Mode};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "STRING", "maxLength": 3},
///     {"name": "r", "type": "RECORD", "mode": "REPEATED", "fields": [{"name": "b", "type": "BOOL"}]}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// let [a, r] = &plan.root().fields[..] else { unreachable!() };
/// assert!(matches!(a.kind, PlanKind::Leaf(Codec::String { max_length: Some(3) })));
/// let PlanKind::Record(rec) = &r.kind else { unreachable!() };
/// assert_eq!((r.id, r.index, r.mode), (1, 1, Mode::Repeated));
/// assert_eq!((rec.fields[0].id, rec.fields[0].index), (2, 0)); // ids are preorder
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
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
    /// The quoted key `"name"` as a little-endian word with its mask, when
    /// it fits in 16 bytes and the name is plain: the walk then matches the
    /// expected key with one load and compare (0, 0 otherwise).
    pub(crate) key_word: KeyWord,
    /// The mode.
    pub mode: Mode,
    /// True when the column has a default value expression.
    pub has_default: bool,
    /// A leaf codec or a record.
    pub kind: PlanKind,
    /// The typed reader the walk tries first for one value of this field
    /// (for a REPEATED field: one element), chosen from the codec here so
    /// that the walk dispatches on it and the value's first byte alone.
    pub(crate) fast: Fast,
}

/// The walk's fast path for one value of a leaf: the usual JSON form of the
/// common types, read straight from the row text by a typed reader (see
/// `Walker::fast_leaf`); anything else takes the general path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fast {
    /// No fast path (RECORD, parameterized STRING, other types).
    None,
    /// STRING without `maxLength`.
    String,
    /// DATE.
    Date,
    /// TIMESTAMP at microsecond precision.
    Timestamp,
    /// NUMERIC.
    Numeric,
    /// BYTES.
    Bytes,
    /// INT64.
    Int64,
    /// FLOAT64.
    Float64,
    /// BOOL.
    Bool,
    /// JSON given as a JSON string.
    Json,
}

impl Fast {
    fn for_kind(kind: &PlanKind) -> Fast {
        match kind {
            PlanKind::Record(_) => Fast::None,
            PlanKind::Leaf(codec) => match codec {
                Codec::String { max_length: None } => Fast::String,
                Codec::Date => Fast::Date,
                Codec::Timestamp { picos: false } => Fast::Timestamp,
                Codec::Numeric(_) => Fast::Numeric,
                Codec::Bytes { .. } => Fast::Bytes,
                Codec::Int64 => Fast::Int64,
                Codec::Float64 => Fast::Float64,
                Codec::Bool => Fast::Bool,
                Codec::Json => Fast::Json,
                _ => Fast::None,
            },
        }
    }
}

/// What a field holds.
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{Plan, PlanKind, WalkOptions};
/// use bqcodec::Codec;
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "d", "type": "DATE"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// assert!(matches!(plan.root().fields[0].kind, PlanKind::Leaf(Codec::Date)));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PlanKind {
    /// A leaf value.
    Leaf(Codec),
    /// A RECORD.
    Record(PlanRecord),
}

/// A compiled record: its fields and the key lookup.
///
/// # Examples
///
/// ```
/// use bqcodec::plan::{KeyMatch, Plan, WalkOptions};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "Bee", "type": "INT64"}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new())?;
/// assert_eq!(plan.root().fields.len(), 2);
/// assert_eq!(plan.root().lookup("Bee", KeyMatch::Exact), Some(1));
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{KeyMatch, Plan, WalkOptions};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "b", "type": "INT64"}]"#)?;
    /// let plan = Plan::compile(&schema, WalkOptions::new())?;
    /// assert_eq!(plan.root().lookup_hinted("b", KeyMatch::Exact, 1), Some(1)); // the hint was right
    /// assert_eq!(plan.root().lookup_hinted("a", KeyMatch::Exact, 1), Some(0)); // falls back to a lookup
    /// assert_eq!(plan.root().lookup_hinted("c", KeyMatch::Exact, 0), None);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{KeyMatch, Plan, WalkOptions};
    ///
    /// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "a", "type": "INT64"}, {"name": "Bee", "type": "INT64"}]"#)?;
    /// let root = Plan::compile(&schema, WalkOptions::new())?.root().clone();
    /// assert_eq!(root.lookup("bee", KeyMatch::Exact), None);
    /// assert_eq!(root.lookup("bee", KeyMatch::CaseInsensitive), Some(1));
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
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
///
/// # Examples
///
/// This also shows [`root`](Self::root), [`field_count`](Self::field_count)
/// and [`options`](Self::options).
///
/// ```
/// use bqcodec::plan::{Plan, WalkOptions};
///
/// let schema = bqcodec::TableSchema::from_json(r#"[{"name": "id", "type": "INT64"},
///     {"name": "r", "type": "RECORD", "fields": [{"name": "x", "type": "FLOAT64"}]}]"#)?;
/// let plan = Plan::compile(&schema, WalkOptions::new().with_cdc(true))?;
/// assert_eq!(plan.root().fields.len(), 4); // id, r, and the two CDC columns
/// assert_eq!(plan.field_count(), 5); // r.x counts too
/// assert!(plan.options().cdc);
/// # Ok::<(), bqcodec::SchemaError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Plan {
    root: PlanRecord,
    field_count: usize,
    options: WalkOptions,
}

impl Plan {
    /// Validates `schema` and compiles it.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::plan::{Plan, WalkOptions};
    /// use bqcodec::{Field, FieldType, TableSchema};
    ///
    /// let ok = TableSchema::new(vec![Field::new("id", FieldType::Int64)]);
    /// assert_eq!(Plan::compile(&ok, WalkOptions::new())?.field_count(), 1);
    /// // The schema is validated first.
    /// let bad = TableSchema::new(vec![Field::new("id", FieldType::Int64), Field::new("ID", FieldType::Int64)]);
    /// assert_eq!(Plan::compile(&bad, WalkOptions::new()).unwrap_err().to_string(),
    ///     r#"ID: duplicate name "ID": sibling 0 is already named "id" (names are compared case-insensitively)"#);
    /// # Ok::<(), bqcodec::SchemaError>(())
    /// ```
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
        let plain_name = !f.name.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20);
        out.push(PlanField {
            id,
            index,
            plain_name,
            key_word: if plain_name {
                KeyWord::new(&f.name)
            } else {
                KeyWord::default()
            },
            name: f.name.clone(),
            mode: f.mode,
            has_default: f.default_value_expression.is_some(),
            fast: Fast::for_kind(&kind),
            kind,
        });
    }
    PlanRecord {
        fields: out,
        exact,
        folded,
    }
}

/// A field's quoted key as masked little-endian words, for matching the
/// expected key with one 16-byte load: `"name"` alone, and `"name":` (the
/// common shape, colon right after the key). All zero when the name is not
/// plain or `"name"` takes more than 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct KeyWord {
    /// `"name"`, and the mask of its bytes (0: no word).
    pub(crate) key: (u128, u128),
    /// `"name":`, and its mask (0: it takes more than 16 bytes).
    pub(crate) key_colon: (u128, u128),
    /// The length of `"name"`.
    pub(crate) len: usize,
}

impl KeyWord {
    fn new(name: &str) -> KeyWord {
        let word = |text: &[u8]| crate::value::json::masked_word(text).unwrap_or((0, 0));
        let mut text = Vec::with_capacity(name.len() + 3);
        text.push(b'"');
        text.extend_from_slice(name.as_bytes());
        text.push(b'"');
        let key = word(&text);
        text.push(b':');
        let key_colon = word(&text);
        KeyWord {
            key,
            key_colon,
            len: name.len() + 2,
        }
    }
}
