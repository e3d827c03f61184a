//! Validation against BigQuery's schema rules.
//!
//! [`TableSchema::validate`] walks the schema once and reports every problem,
//! each with its field path. The same checks ([`Checker`]) run while parsing
//! (see `parse`), so a schema read from JSON gets its parse problems and its
//! rule problems in one [`SchemaError`]. The rules, their sources and the
//! choices made where the docs are silent are listed on
//! [`TableSchema::validate`].

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::parse::KNOWN_KEYS;
use super::{Field, FieldType, Mode, TableSchema};
use crate::error::{SchemaError, SchemaProblem, quote};

/// Deepest allowed field: top-level columns are at depth 1.
pub(super) const MAX_DEPTH: usize = 15;
/// Most columns a table may have, nested ones included.
pub(super) const MAX_COLUMNS: usize = 10_000;
/// Longest column name, in characters.
pub(super) const MAX_NAME_CHARS: usize = 300;
/// Longest column description, in characters.
pub(super) const MAX_DESCRIPTION_CHARS: usize = 1024;
/// The largest INT64, the bound of `maxLength` (REST types it int64).
pub(super) const MAX_INT64: u64 = 9_223_372_036_854_775_807;
/// Most policy tags a column may carry.
pub(super) const MAX_POLICY_TAGS: usize = 1;

/// Name prefixes BigQuery reserves, compared ASCII case-insensitively.
pub(super) const RESERVED_PREFIXES: [&str; 9] = [
    "_TABLE_",
    "_FILE_",
    "_PARTITION",
    "_ROW_TIMESTAMP",
    "__ROOT__",
    "_COLIDENTIFIER",
    "_CHANGE_SEQUENCE_NUMBER",
    "_CHANGE_TYPE",
    "_CHANGE_TIMESTAMP",
];

/// The ASCII symbols flexible column names allow besides the Unicode classes.
const NAME_SYMBOLS: [char; 10] = ['&', '%', '=', '+', ':', '\'', '<', '>', '#', '|'];

/// What a name may contain, for messages.
const NAME_CHARS_EXPECTED: &str = "letters, marks, numbers, connector or dash punctuation, spaces, \
     and & % = + : ' < > # |";

impl TableSchema {
    /// Checks every rule below and reports every problem at once, each with
    /// its field path (`a.b.c`, or `fields[3]` for a field whose name is
    /// empty), in the order of the fields they concern; schema-wide problems
    /// (the column count) come last.
    ///
    /// # Rules, and where they come from
    ///
    /// From "Specifying a schema" (cloud.google.com/bigquery/docs/schemas):
    /// - a column name is at most 300 characters;
    /// - a column name uses only the flexible-column-name characters: letters
    ///   (`\p{L}`), marks (`\p{M}`), numbers (`\p{N}`), connector punctuation
    ///   (`\p{Pc}`), dash punctuation (`\p{Pd}`), whitespace, and
    ///   `& % = + : ' < > # |`;
    /// - a column name may not start with `_TABLE_`, `_FILE_`, `_PARTITION`,
    ///   `_ROW_TIMESTAMP`, `__ROOT__`, `_COLIDENTIFIER`, `_CHANGE_SEQUENCE_NUMBER`,
    ///   `_CHANGE_TYPE` or `_CHANGE_TIMESTAMP`;
    /// - duplicate column names are not allowed even if the case differs;
    /// - a description is at most 1,024 characters.
    ///
    /// From the REST reference for `TableFieldSchema`
    /// (cloud.google.com/bigquery/docs/reference/rest/v2/tables):
    /// - `maxLength` only on STRING or BYTES;
    /// - `precision`/`scale` only on NUMERIC or BIGNUMERIC, and `scale` without
    ///   `precision` is invalid;
    /// - `roundingMode` only on NUMERIC or BIGNUMERIC (also "Rounding mode" in the
    ///   schemas page);
    /// - `timestampPrecision` is 6 or 12 (and, being "for seconds of TIMESTAMP
    ///   type", only on TIMESTAMP);
    /// - `collation` only on STRING, and only `'und:ci'` or `''`;
    /// - `policyTags.names`: "At most 1 policy tag is currently allowed";
    /// - `fields` describes the nested schema of a RECORD.
    ///
    /// From "Data types" (…/standard-sql/data-types), parameterized types:
    /// - `STRING(L)`/`BYTES(L)`: L is a positive INT64, so
    ///   1 ≤ `maxLength` ≤ 9,223,372,036,854,775,807;
    /// - `NUMERIC(P[, S])`: 0 ≤ S ≤ 9 and max(1, S) ≤ P ≤ S + 29;
    /// - `BIGNUMERIC(P[, S])`: 0 ≤ S ≤ 38 and max(1, S) ≤ P ≤ S + 38.
    ///
    /// From "Specify nested and repeated columns" (…/docs/nested-repeated):
    /// at most 15 levels of nested RECORD types. From "Quotas and limits": at most
    /// 10,000 columns per table, nested and repeated ones included.
    ///
    /// From "Specify default column values" (…/docs/default-values): a STRUCT's
    /// default is set for the whole STRUCT, never for a subset of its fields; an
    /// array's default cannot be NULL; a default may not violate the column's
    /// constraints (a NULL default on a REQUIRED column).
    ///
    /// # Choices where the docs are silent or disagree
    ///
    /// - **Precision and scale.** The REST reference says `1 ≤ P − S`, the
    ///   data-types page says `max(1, S) ≤ P`, which also admits `P = S` (e.g.
    ///   `NUMERIC(5, 5)`, values strictly between −1 and 1). We follow the
    ///   data-types page: it defines the type itself and is the more permissive, so
    ///   we never reject a table that BigQuery created. Precision without scale
    ///   means scale 0, as both pages say.
    /// - **Depth.** Top-level columns are at depth 1 and a RECORD's sub-fields one
    ///   deeper; no field may be deeper than 15 (so a RECORD may sit at depth 14
    ///   at most). The docs' "15 levels of nested RECORD types" could also be read
    ///   as RECORDs at depth 15 with leaves at 16; we take the stricter reading
    ///   because the service's own error, as users report it ("Schema nested too
    ///   deeply for field <a path of 15 names>, maximum allowed depth is 15",
    ///   bxparks/bigquery-schema-generator#51), rejects a RECORD at depth 15 that
    ///   has sub-fields. The problem is reported once, at that RECORD, and
    ///   nothing below it is examined.
    /// - **Column count.** Every field counts, RECORDs and their sub-fields alike.
    /// - **Character classes.** "Whitespace" is read as Unicode space separators
    ///   (`\p{Zs}`: the space, no-break space, ideographic space, …); tabs, line
    ///   breaks and other control characters are rejected. The class table is
    ///   Unicode 17.0.
    /// - **Name length** counts Unicode scalar values (Rust `char`s).
    /// - **Case-insensitive comparison** of sibling names uses Unicode simple
    ///   lower-casing (`str::to_lowercase`); reserved prefixes are ASCII, so they
    ///   compare ASCII case-insensitively.
    /// - **An empty name** is rejected ("name must not be empty").
    /// - **`defaultValueExpression`**: only on top-level columns; never empty or
    ///   blank; not the literal `NULL` on REPEATED or REQUIRED columns. We do not
    ///   parse the SQL beyond that.
    /// - **Collation values** are compared exactly (`"und:ci"` or `""`).
    /// - **Keys of `Field::extra`** may not repeat a key this crate models
    ///   (`name`, `type`, …): the REST writer would have to drop one of them.
    /// - **An empty schema** (no columns) is valid: BigQuery tables may exist
    ///   without a schema.
    ///
    /// # Example
    ///
    /// ```
    /// use bqcodec::{Field, FieldType, TableSchema};
    /// let mut price = Field::new("price", FieldType::Numeric);
    /// price.precision = Some(40);
    /// price.scale = Some(2);
    /// let schema = TableSchema::new(vec![price]);
    /// let err = schema.validate().unwrap_err();
    /// assert_eq!(err.problems[0].path, "price");
    /// assert!(err.problems[0].message.contains("found precision 40 scale 2"));
    /// ```
    pub fn validate(&self) -> Result<(), SchemaError> {
        let mut checker = Checker::new();
        checker.walk(&self.fields, "", 1);
        checker.finish()
    }
}

/// Collects problems while a schema is walked, by `validate` or by the parser.
pub(super) struct Checker {
    problems: Vec<SchemaProblem>,
    columns: usize,
}

impl Checker {
    pub(super) fn new() -> Self {
        Checker {
            problems: Vec::new(),
            columns: 0,
        }
    }

    /// Records one problem.
    pub(super) fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(SchemaProblem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    /// Counts one column towards the table's limit.
    pub(super) fn column(&mut self) {
        self.columns = self.columns.saturating_add(1);
    }

    /// Adds the schema-wide checks and returns every problem found.
    pub(super) fn finish(mut self) -> Result<(), SchemaError> {
        if self.columns > MAX_COLUMNS {
            let found = self.columns;
            self.problem(
                "",
                format!(
                    "a table may have at most {MAX_COLUMNS} columns, nested ones included, found {found}"
                ),
            );
        }
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(SchemaError {
                problems: self.problems,
            })
        }
    }

    /// Validates `fields` (siblings at `depth`) and everything below them.
    fn walk(&mut self, fields: &[Field], parent: &str, depth: usize) {
        let duplicates = duplicates(fields.iter().map(|f| Some(f.name.as_str())));
        for (i, field) in fields.iter().enumerate() {
            let path = child_path(parent, Some(&field.name), i);
            self.column();
            self.common(field, &path, depth == 1, true);
            if let Some(Some(first)) = duplicates.get(i)
                && let Some(other) = fields.get(*first)
            {
                self.duplicate(&path, &field.name, &other.name, *first);
            }
            self.typed(field, &path, field.fields.len());
            if !field.fields.is_empty() {
                if depth >= MAX_DEPTH {
                    self.too_deep(&path, depth);
                } else {
                    self.walk(&field.fields, &path, depth.saturating_add(1));
                }
            }
        }
    }

    /// The checks that do not depend on the field's type: name (unless
    /// `check_name` is false: the parser could not read one), description,
    /// default value, policy tags, extra keys.
    pub(super) fn common(&mut self, f: &Field, path: &str, top_level: bool, check_name: bool) {
        if check_name {
            self.name(&f.name, path);
        }
        if let Some(d) = &f.description {
            let n = d.chars().count();
            if n > MAX_DESCRIPTION_CHARS {
                self.problem(
                    path,
                    format!(
                        "description must be at most {MAX_DESCRIPTION_CHARS} characters, found {n}"
                    ),
                );
            }
        }
        if let Some(expr) = &f.default_value_expression {
            self.default_value(expr, f.mode, path, top_level);
        }
        if let Some(tags) = &f.policy_tags
            && tags.len() > MAX_POLICY_TAGS
        {
            self.problem(
                path,
                format!(
                    "policyTags.names may hold at most {MAX_POLICY_TAGS} policy tag, found {}",
                    tags.len()
                ),
            );
        }
        for key in f.extra.keys() {
            if KNOWN_KEYS.contains(&key.as_str()) {
                self.problem(
                    path,
                    format!(
                        "extra key {} repeats an attribute this crate models; set the field's own member instead",
                        quote(key)
                    ),
                );
            }
        }
    }

    fn name(&mut self, name: &str, path: &str) {
        if name.is_empty() {
            self.problem(path, "name must not be empty");
            return;
        }
        let n = name.chars().count();
        if n > MAX_NAME_CHARS {
            self.problem(
                path,
                format!("name must be at most {MAX_NAME_CHARS} characters, found {n}"),
            );
        }
        let mut bad: Vec<char> = Vec::new();
        for c in name.chars() {
            if !is_name_char(c) && !bad.contains(&c) {
                bad.push(c);
            }
        }
        if !bad.is_empty() {
            let listed: Vec<String> = bad
                .iter()
                .take(8)
                .map(|c| format!("{} (U+{:04X})", quote(&c.to_string()), u32::from(*c)))
                .collect();
            let more = if bad.len() > 8 { ", …" } else { "" };
            self.problem(
                path,
                format!(
                    "name {} may contain only {NAME_CHARS_EXPECTED}; found {}{more}",
                    quote(name),
                    listed.join(", ")
                ),
            );
        }
        if let Some(prefix) = reserved_prefix(name) {
            self.problem(
                path,
                format!(
                    "name {} starts with the reserved prefix {prefix} (compared case-insensitively)",
                    quote(name)
                ),
            );
        }
    }

    fn default_value(&mut self, expr: &str, mode: Mode, path: &str, top_level: bool) {
        if !top_level {
            self.problem(
                path,
                "defaultValueExpression is allowed only on top-level columns (a RECORD's default covers all its sub-fields), found it on a sub-field",
            );
        }
        let trimmed = expr.trim();
        if trimmed.is_empty() {
            self.problem(
                path,
                format!(
                    "defaultValueExpression must be a SQL expression, found {}",
                    quote(expr)
                ),
            );
        } else if trimmed.eq_ignore_ascii_case("NULL") {
            match mode {
                Mode::Repeated => self.problem(
                    path,
                    format!(
                        "a REPEATED column's default value may not be NULL, found {}",
                        quote(expr)
                    ),
                ),
                Mode::Required => self.problem(
                    path,
                    format!(
                        "a REQUIRED column's default value may not be NULL, found {}",
                        quote(expr)
                    ),
                ),
                Mode::Nullable => {}
            }
        }
    }

    /// A name repeated among siblings (case-insensitively).
    pub(super) fn duplicate(&mut self, path: &str, name: &str, first: &str, first_index: usize) {
        self.problem(
            path,
            format!(
                "duplicate name {}: sibling {first_index} is already named {} (names are compared case-insensitively)",
                quote(name),
                quote(first)
            ),
        );
    }

    /// A RECORD at `depth` whose sub-fields would be deeper than allowed.
    pub(super) fn too_deep(&mut self, path: &str, depth: usize) {
        self.problem(
            path,
            format!(
                "nested too deeply: sub-fields may be at most {MAX_DEPTH} levels deep (top-level columns are level 1), found sub-fields at level {}",
                depth.saturating_add(1)
            ),
        );
    }

    /// The checks that depend on the field's type; `sub_fields` is the number
    /// of sub-fields the field has (or declares, while parsing).
    pub(super) fn typed(&mut self, f: &Field, path: &str, sub_fields: usize) {
        let ty = f.field_type;
        let tname = ty.rest_name();
        match (ty, sub_fields) {
            (FieldType::Record, 0) => {
                self.problem(path, "RECORD must have at least one sub-field, found none");
            }
            (FieldType::Record, _) | (_, 0) => {}
            (_, n) => self.problem(
                path,
                format!("only RECORD fields may have sub-fields, found {n} on {tname}"),
            ),
        }

        if let Some(n) = f.max_length {
            if !matches!(ty, FieldType::String | FieldType::Bytes) {
                self.problem(
                    path,
                    format!("maxLength is allowed only on STRING or BYTES, found it on {tname}"),
                );
            } else if n == 0 || n > MAX_INT64 {
                self.problem(
                    path,
                    format!("maxLength must be a positive INT64 (1 to {MAX_INT64}), found {n}"),
                );
            }
        }

        self.decimal(f, path);

        if let Some(p) = f.timestamp_precision {
            if ty != FieldType::Timestamp {
                self.problem(
                    path,
                    format!("timestampPrecision is allowed only on TIMESTAMP, found it on {tname}"),
                );
            } else if p != 6 && p != 12 {
                self.problem(
                    path,
                    format!("timestampPrecision must be 6 or 12, found {p}"),
                );
            }
        }

        if let Some(c) = &f.collation {
            if ty != FieldType::String {
                self.problem(
                    path,
                    format!("collation is allowed only on STRING, found it on {tname}"),
                );
            } else if c != "und:ci" && !c.is_empty() {
                self.problem(
                    path,
                    format!(
                        "collation must be \"und:ci\" or \"\" (empty), found {}",
                        quote(c)
                    ),
                );
            }
        }
    }

    /// `precision`, `scale` and `roundingMode`.
    fn decimal(&mut self, f: &Field, path: &str) {
        let (name, max_integer_digits, max_scale) = match f.field_type {
            FieldType::Numeric => ("NUMERIC", 29u32, 9u32),
            FieldType::BigNumeric => ("BIGNUMERIC", 38, 38),
            other => {
                let tname = other.rest_name();
                for (set, attr) in [
                    (f.precision.is_some(), "precision"),
                    (f.scale.is_some(), "scale"),
                    (f.rounding_mode.is_some(), "roundingMode"),
                ] {
                    if set {
                        self.problem(
                            path,
                            format!(
                                "{attr} is allowed only on NUMERIC or BIGNUMERIC, found it on {tname}"
                            ),
                        );
                    }
                }
                return;
            }
        };
        let Some(p) = f.precision else {
            if let Some(s) = f.scale {
                self.problem(
                    path,
                    format!("scale requires precision, found scale {s} without precision"),
                );
            }
            return;
        };
        let s = f.scale.unwrap_or(0);
        let found = match f.scale {
            Some(s) => format!("found precision {p} scale {s}"),
            None => format!("found precision {p} without scale (scale 0)"),
        };
        if s > max_scale {
            self.problem(
                path,
                format!("{name} scale must be between 0 and {max_scale}, {found}"),
            );
            return;
        }
        let fits = p >= s.max(1) && p.checked_sub(s).is_some_and(|d| d <= max_integer_digits);
        if !fits {
            self.problem(
                path,
                format!(
                    "{name} precision must be at least max(1, scale) and at most scale + {max_integer_digits}, {found}"
                ),
            );
        }
    }
}

/// The path of a field: `parent.name`, or `parent.fields[i]` when the name is
/// empty or absent. Control characters in a name are escaped so that a
/// problem always prints on one line.
pub(super) fn child_path(parent: &str, name: Option<&str>, index: usize) -> String {
    let segment = match name {
        Some(n) if !n.is_empty() => {
            if n.chars().any(char::is_control) {
                n.chars()
                    .map(|c| {
                        if c.is_control() {
                            c.escape_default().to_string()
                        } else {
                            c.to_string()
                        }
                    })
                    .collect()
            } else {
                n.to_owned()
            }
        }
        _ => format!("fields[{index}]"),
    };
    if parent.is_empty() {
        segment
    } else {
        format!("{parent}.{segment}")
    }
}

/// For each name, the index of an earlier sibling with the same name compared
/// case-insensitively. Absent and empty names are never duplicates (they are
/// reported on their own).
pub(super) fn duplicates<'a>(names: impl Iterator<Item = Option<&'a str>>) -> Vec<Option<usize>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    names
        .enumerate()
        .map(|(i, name)| match name {
            Some(n) if !n.is_empty() => match seen.entry(n.to_lowercase()) {
                Entry::Occupied(e) => Some(*e.get()),
                Entry::Vacant(e) => {
                    e.insert(i);
                    None
                }
            },
            _ => None,
        })
        .collect()
}

/// The reserved prefix `name` starts with, if any (ASCII case-insensitive).
fn reserved_prefix(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    RESERVED_PREFIXES.into_iter().find(|prefix| {
        bytes
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    })
}

/// True for a character a flexible column name may contain.
fn is_name_char(c: char) -> bool {
    if NAME_SYMBOLS.contains(&c) {
        return true;
    }
    let cp = u32::from(c);
    NAME_CHAR_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                Ordering::Less
            } else if lo > cp {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        })
        .is_ok()
}

/// The code points whose Unicode General_Category is a letter (L*), a mark
/// (M*), a number (N*), connector punctuation (Pc), dash punctuation (Pd) or a
/// space separator (Zs), as sorted, merged, inclusive ranges.
///
/// Generated from the Unicode Character Database 17.0.0 (through the
/// `unicodedata2` 17.0.1 Python package) by:
///
/// ```text
/// cats = {"Lu","Ll","Lt","Lm","Lo","Mn","Mc","Me","Nd","Nl","No","Pc","Pd","Zs"}
/// for cp in range(0x110000): keep cp if unicodedata2.category(chr(cp)) in cats,
/// merging consecutive code points into (first, last) ranges
/// ```
///
/// Written out here because the standard library has no General_Category
/// lookup (`char::is_alphabetic` is the Alphabetic property, which differs
/// from L and misses most marks) and no dependency of this crate provides one.
#[rustfmt::skip]
const NAME_CHAR_RANGES: &[(u32, u32)] = &[
    (0x20, 0x20), (0x2D, 0x2D), (0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A),
    (0xA0, 0xA0), (0xAA, 0xAA), (0xB2, 0xB3), (0xB5, 0xB5), (0xB9, 0xBA), (0xBC, 0xBE),
    (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2C1), (0x2C6, 0x2D1), (0x2E0, 0x2E4), (0x2EC, 0x2EC),
    (0x2EE, 0x2EE), (0x300, 0x374), (0x376, 0x377), (0x37A, 0x37D), (0x37F, 0x37F),
    (0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3F5),
    (0x3F7, 0x481), (0x483, 0x52F), (0x531, 0x556), (0x559, 0x559), (0x560, 0x588),
    (0x58A, 0x58A), (0x591, 0x5BF), (0x5C1, 0x5C2), (0x5C4, 0x5C5), (0x5C7, 0x5C7),
    (0x5D0, 0x5EA), (0x5EF, 0x5F2), (0x610, 0x61A), (0x620, 0x669), (0x66E, 0x6D3),
    (0x6D5, 0x6DC), (0x6DF, 0x6E8), (0x6EA, 0x6FC), (0x6FF, 0x6FF), (0x710, 0x74A),
    (0x74D, 0x7B1), (0x7C0, 0x7F5), (0x7FA, 0x7FA), (0x7FD, 0x7FD), (0x800, 0x82D),
    (0x840, 0x85B), (0x860, 0x86A), (0x870, 0x887), (0x889, 0x88F), (0x897, 0x8E1),
    (0x8E3, 0x963), (0x966, 0x96F), (0x971, 0x983), (0x985, 0x98C), (0x98F, 0x990),
    (0x993, 0x9A8), (0x9AA, 0x9B0), (0x9B2, 0x9B2), (0x9B6, 0x9B9), (0x9BC, 0x9C4),
    (0x9C7, 0x9C8), (0x9CB, 0x9CE), (0x9D7, 0x9D7), (0x9DC, 0x9DD), (0x9DF, 0x9E3),
    (0x9E6, 0x9F1), (0x9F4, 0x9F9), (0x9FC, 0x9FC), (0x9FE, 0x9FE), (0xA01, 0xA03),
    (0xA05, 0xA0A), (0xA0F, 0xA10), (0xA13, 0xA28), (0xA2A, 0xA30), (0xA32, 0xA33),
    (0xA35, 0xA36), (0xA38, 0xA39), (0xA3C, 0xA3C), (0xA3E, 0xA42), (0xA47, 0xA48),
    (0xA4B, 0xA4D), (0xA51, 0xA51), (0xA59, 0xA5C), (0xA5E, 0xA5E), (0xA66, 0xA75),
    (0xA81, 0xA83), (0xA85, 0xA8D), (0xA8F, 0xA91), (0xA93, 0xAA8), (0xAAA, 0xAB0),
    (0xAB2, 0xAB3), (0xAB5, 0xAB9), (0xABC, 0xAC5), (0xAC7, 0xAC9), (0xACB, 0xACD),
    (0xAD0, 0xAD0), (0xAE0, 0xAE3), (0xAE6, 0xAEF), (0xAF9, 0xAFF), (0xB01, 0xB03),
    (0xB05, 0xB0C), (0xB0F, 0xB10), (0xB13, 0xB28), (0xB2A, 0xB30), (0xB32, 0xB33),
    (0xB35, 0xB39), (0xB3C, 0xB44), (0xB47, 0xB48), (0xB4B, 0xB4D), (0xB55, 0xB57),
    (0xB5C, 0xB5D), (0xB5F, 0xB63), (0xB66, 0xB6F), (0xB71, 0xB77), (0xB82, 0xB83),
    (0xB85, 0xB8A), (0xB8E, 0xB90), (0xB92, 0xB95), (0xB99, 0xB9A), (0xB9C, 0xB9C),
    (0xB9E, 0xB9F), (0xBA3, 0xBA4), (0xBA8, 0xBAA), (0xBAE, 0xBB9), (0xBBE, 0xBC2),
    (0xBC6, 0xBC8), (0xBCA, 0xBCD), (0xBD0, 0xBD0), (0xBD7, 0xBD7), (0xBE6, 0xBF2),
    (0xC00, 0xC0C), (0xC0E, 0xC10), (0xC12, 0xC28), (0xC2A, 0xC39), (0xC3C, 0xC44),
    (0xC46, 0xC48), (0xC4A, 0xC4D), (0xC55, 0xC56), (0xC58, 0xC5A), (0xC5C, 0xC5D),
    (0xC60, 0xC63), (0xC66, 0xC6F), (0xC78, 0xC7E), (0xC80, 0xC83), (0xC85, 0xC8C),
    (0xC8E, 0xC90), (0xC92, 0xCA8), (0xCAA, 0xCB3), (0xCB5, 0xCB9), (0xCBC, 0xCC4),
    (0xCC6, 0xCC8), (0xCCA, 0xCCD), (0xCD5, 0xCD6), (0xCDC, 0xCDE), (0xCE0, 0xCE3),
    (0xCE6, 0xCEF), (0xCF1, 0xCF3), (0xD00, 0xD0C), (0xD0E, 0xD10), (0xD12, 0xD44),
    (0xD46, 0xD48), (0xD4A, 0xD4E), (0xD54, 0xD63), (0xD66, 0xD78), (0xD7A, 0xD7F),
    (0xD81, 0xD83), (0xD85, 0xD96), (0xD9A, 0xDB1), (0xDB3, 0xDBB), (0xDBD, 0xDBD),
    (0xDC0, 0xDC6), (0xDCA, 0xDCA), (0xDCF, 0xDD4), (0xDD6, 0xDD6), (0xDD8, 0xDDF),
    (0xDE6, 0xDEF), (0xDF2, 0xDF3), (0xE01, 0xE3A), (0xE40, 0xE4E), (0xE50, 0xE59),
    (0xE81, 0xE82), (0xE84, 0xE84), (0xE86, 0xE8A), (0xE8C, 0xEA3), (0xEA5, 0xEA5),
    (0xEA7, 0xEBD), (0xEC0, 0xEC4), (0xEC6, 0xEC6), (0xEC8, 0xECE), (0xED0, 0xED9),
    (0xEDC, 0xEDF), (0xF00, 0xF00), (0xF18, 0xF19), (0xF20, 0xF33), (0xF35, 0xF35),
    (0xF37, 0xF37), (0xF39, 0xF39), (0xF3E, 0xF47), (0xF49, 0xF6C), (0xF71, 0xF84),
    (0xF86, 0xF97), (0xF99, 0xFBC), (0xFC6, 0xFC6), (0x1000, 0x1049), (0x1050, 0x109D),
    (0x10A0, 0x10C5), (0x10C7, 0x10C7), (0x10CD, 0x10CD), (0x10D0, 0x10FA), (0x10FC, 0x1248),
    (0x124A, 0x124D), (0x1250, 0x1256), (0x1258, 0x1258), (0x125A, 0x125D), (0x1260, 0x1288),
    (0x128A, 0x128D), (0x1290, 0x12B0), (0x12B2, 0x12B5), (0x12B8, 0x12BE), (0x12C0, 0x12C0),
    (0x12C2, 0x12C5), (0x12C8, 0x12D6), (0x12D8, 0x1310), (0x1312, 0x1315), (0x1318, 0x135A),
    (0x135D, 0x135F), (0x1369, 0x137C), (0x1380, 0x138F), (0x13A0, 0x13F5), (0x13F8, 0x13FD),
    (0x1400, 0x166C), (0x166F, 0x169A), (0x16A0, 0x16EA), (0x16EE, 0x16F8), (0x1700, 0x1715),
    (0x171F, 0x1734), (0x1740, 0x1753), (0x1760, 0x176C), (0x176E, 0x1770), (0x1772, 0x1773),
    (0x1780, 0x17D3), (0x17D7, 0x17D7), (0x17DC, 0x17DD), (0x17E0, 0x17E9), (0x17F0, 0x17F9),
    (0x1806, 0x1806), (0x180B, 0x180D), (0x180F, 0x1819), (0x1820, 0x1878), (0x1880, 0x18AA),
    (0x18B0, 0x18F5), (0x1900, 0x191E), (0x1920, 0x192B), (0x1930, 0x193B), (0x1946, 0x196D),
    (0x1970, 0x1974), (0x1980, 0x19AB), (0x19B0, 0x19C9), (0x19D0, 0x19DA), (0x1A00, 0x1A1B),
    (0x1A20, 0x1A5E), (0x1A60, 0x1A7C), (0x1A7F, 0x1A89), (0x1A90, 0x1A99), (0x1AA7, 0x1AA7),
    (0x1AB0, 0x1ADD), (0x1AE0, 0x1AEB), (0x1B00, 0x1B4C), (0x1B50, 0x1B59), (0x1B6B, 0x1B73),
    (0x1B80, 0x1BF3), (0x1C00, 0x1C37), (0x1C40, 0x1C49), (0x1C4D, 0x1C7D), (0x1C80, 0x1C8A),
    (0x1C90, 0x1CBA), (0x1CBD, 0x1CBF), (0x1CD0, 0x1CD2), (0x1CD4, 0x1CFA), (0x1D00, 0x1F15),
    (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57), (0x1F59, 0x1F59),
    (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4), (0x1FB6, 0x1FBC),
    (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3), (0x1FD6, 0x1FDB),
    (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2000, 0x200A), (0x2010, 0x2015),
    (0x202F, 0x202F), (0x203F, 0x2040), (0x2054, 0x2054), (0x205F, 0x205F), (0x2070, 0x2071),
    (0x2074, 0x2079), (0x207F, 0x2089), (0x2090, 0x209C), (0x20D0, 0x20F0), (0x2102, 0x2102),
    (0x2107, 0x2107), (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124),
    (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2139), (0x213C, 0x213F),
    (0x2145, 0x2149), (0x214E, 0x214E), (0x2150, 0x2189), (0x2460, 0x249B), (0x24EA, 0x24FF),
    (0x2776, 0x2793), (0x2C00, 0x2CE4), (0x2CEB, 0x2CF3), (0x2CFD, 0x2CFD), (0x2D00, 0x2D25),
    (0x2D27, 0x2D27), (0x2D2D, 0x2D2D), (0x2D30, 0x2D67), (0x2D6F, 0x2D6F), (0x2D7F, 0x2D96),
    (0x2DA0, 0x2DA6), (0x2DA8, 0x2DAE), (0x2DB0, 0x2DB6), (0x2DB8, 0x2DBE), (0x2DC0, 0x2DC6),
    (0x2DC8, 0x2DCE), (0x2DD0, 0x2DD6), (0x2DD8, 0x2DDE), (0x2DE0, 0x2DFF), (0x2E17, 0x2E17),
    (0x2E1A, 0x2E1A), (0x2E2F, 0x2E2F), (0x2E3A, 0x2E3B), (0x2E40, 0x2E40), (0x2E5D, 0x2E5D),
    (0x3000, 0x3000), (0x3005, 0x3007), (0x301C, 0x301C), (0x3021, 0x3035), (0x3038, 0x303C),
    (0x3041, 0x3096), (0x3099, 0x309A), (0x309D, 0x30FA), (0x30FC, 0x30FF), (0x3105, 0x312F),
    (0x3131, 0x318E), (0x3192, 0x3195), (0x31A0, 0x31BF), (0x31F0, 0x31FF), (0x3220, 0x3229),
    (0x3248, 0x324F), (0x3251, 0x325F), (0x3280, 0x3289), (0x32B1, 0x32BF), (0x3400, 0x4DBF),
    (0x4E00, 0xA48C), (0xA4D0, 0xA4FD), (0xA500, 0xA60C), (0xA610, 0xA62B), (0xA640, 0xA672),
    (0xA674, 0xA67D), (0xA67F, 0xA6F1), (0xA717, 0xA71F), (0xA722, 0xA788), (0xA78B, 0xA7DC),
    (0xA7F1, 0xA827), (0xA82C, 0xA82C), (0xA830, 0xA835), (0xA840, 0xA873), (0xA880, 0xA8C5),
    (0xA8D0, 0xA8D9), (0xA8E0, 0xA8F7), (0xA8FB, 0xA8FB), (0xA8FD, 0xA92D), (0xA930, 0xA953),
    (0xA960, 0xA97C), (0xA980, 0xA9C0), (0xA9CF, 0xA9D9), (0xA9E0, 0xA9FE), (0xAA00, 0xAA36),
    (0xAA40, 0xAA4D), (0xAA50, 0xAA59), (0xAA60, 0xAA76), (0xAA7A, 0xAAC2), (0xAADB, 0xAADD),
    (0xAAE0, 0xAAEF), (0xAAF2, 0xAAF6), (0xAB01, 0xAB06), (0xAB09, 0xAB0E), (0xAB11, 0xAB16),
    (0xAB20, 0xAB26), (0xAB28, 0xAB2E), (0xAB30, 0xAB5A), (0xAB5C, 0xAB69), (0xAB70, 0xABEA),
    (0xABEC, 0xABED), (0xABF0, 0xABF9), (0xAC00, 0xD7A3), (0xD7B0, 0xD7C6), (0xD7CB, 0xD7FB),
    (0xF900, 0xFA6D), (0xFA70, 0xFAD9), (0xFB00, 0xFB06), (0xFB13, 0xFB17), (0xFB1D, 0xFB28),
    (0xFB2A, 0xFB36), (0xFB38, 0xFB3C), (0xFB3E, 0xFB3E), (0xFB40, 0xFB41), (0xFB43, 0xFB44),
    (0xFB46, 0xFBB1), (0xFBD3, 0xFD3D), (0xFD50, 0xFD8F), (0xFD92, 0xFDC7), (0xFDF0, 0xFDFB),
    (0xFE00, 0xFE0F), (0xFE20, 0xFE2F), (0xFE31, 0xFE34), (0xFE4D, 0xFE4F), (0xFE58, 0xFE58),
    (0xFE63, 0xFE63), (0xFE70, 0xFE74), (0xFE76, 0xFEFC), (0xFF0D, 0xFF0D), (0xFF10, 0xFF19),
    (0xFF21, 0xFF3A), (0xFF3F, 0xFF3F), (0xFF41, 0xFF5A), (0xFF66, 0xFFBE), (0xFFC2, 0xFFC7),
    (0xFFCA, 0xFFCF), (0xFFD2, 0xFFD7), (0xFFDA, 0xFFDC), (0x10000, 0x1000B),
    (0x1000D, 0x10026), (0x10028, 0x1003A), (0x1003C, 0x1003D), (0x1003F, 0x1004D),
    (0x10050, 0x1005D), (0x10080, 0x100FA), (0x10107, 0x10133), (0x10140, 0x10178),
    (0x1018A, 0x1018B), (0x101FD, 0x101FD), (0x10280, 0x1029C), (0x102A0, 0x102D0),
    (0x102E0, 0x102FB), (0x10300, 0x10323), (0x1032D, 0x1034A), (0x10350, 0x1037A),
    (0x10380, 0x1039D), (0x103A0, 0x103C3), (0x103C8, 0x103CF), (0x103D1, 0x103D5),
    (0x10400, 0x1049D), (0x104A0, 0x104A9), (0x104B0, 0x104D3), (0x104D8, 0x104FB),
    (0x10500, 0x10527), (0x10530, 0x10563), (0x10570, 0x1057A), (0x1057C, 0x1058A),
    (0x1058C, 0x10592), (0x10594, 0x10595), (0x10597, 0x105A1), (0x105A3, 0x105B1),
    (0x105B3, 0x105B9), (0x105BB, 0x105BC), (0x105C0, 0x105F3), (0x10600, 0x10736),
    (0x10740, 0x10755), (0x10760, 0x10767), (0x10780, 0x10785), (0x10787, 0x107B0),
    (0x107B2, 0x107BA), (0x10800, 0x10805), (0x10808, 0x10808), (0x1080A, 0x10835),
    (0x10837, 0x10838), (0x1083C, 0x1083C), (0x1083F, 0x10855), (0x10858, 0x10876),
    (0x10879, 0x1089E), (0x108A7, 0x108AF), (0x108E0, 0x108F2), (0x108F4, 0x108F5),
    (0x108FB, 0x1091B), (0x10920, 0x10939), (0x10940, 0x10959), (0x10980, 0x109B7),
    (0x109BC, 0x109CF), (0x109D2, 0x10A03), (0x10A05, 0x10A06), (0x10A0C, 0x10A13),
    (0x10A15, 0x10A17), (0x10A19, 0x10A35), (0x10A38, 0x10A3A), (0x10A3F, 0x10A48),
    (0x10A60, 0x10A7E), (0x10A80, 0x10A9F), (0x10AC0, 0x10AC7), (0x10AC9, 0x10AE6),
    (0x10AEB, 0x10AEF), (0x10B00, 0x10B35), (0x10B40, 0x10B55), (0x10B58, 0x10B72),
    (0x10B78, 0x10B91), (0x10BA9, 0x10BAF), (0x10C00, 0x10C48), (0x10C80, 0x10CB2),
    (0x10CC0, 0x10CF2), (0x10CFA, 0x10D27), (0x10D30, 0x10D39), (0x10D40, 0x10D65),
    (0x10D69, 0x10D85), (0x10E60, 0x10E7E), (0x10E80, 0x10EA9), (0x10EAB, 0x10EAD),
    (0x10EB0, 0x10EB1), (0x10EC2, 0x10EC7), (0x10EFA, 0x10F27), (0x10F30, 0x10F54),
    (0x10F70, 0x10F85), (0x10FB0, 0x10FCB), (0x10FE0, 0x10FF6), (0x11000, 0x11046),
    (0x11052, 0x11075), (0x1107F, 0x110BA), (0x110C2, 0x110C2), (0x110D0, 0x110E8),
    (0x110F0, 0x110F9), (0x11100, 0x11134), (0x11136, 0x1113F), (0x11144, 0x11147),
    (0x11150, 0x11173), (0x11176, 0x11176), (0x11180, 0x111C4), (0x111C9, 0x111CC),
    (0x111CE, 0x111DA), (0x111DC, 0x111DC), (0x111E1, 0x111F4), (0x11200, 0x11211),
    (0x11213, 0x11237), (0x1123E, 0x11241), (0x11280, 0x11286), (0x11288, 0x11288),
    (0x1128A, 0x1128D), (0x1128F, 0x1129D), (0x1129F, 0x112A8), (0x112B0, 0x112EA),
    (0x112F0, 0x112F9), (0x11300, 0x11303), (0x11305, 0x1130C), (0x1130F, 0x11310),
    (0x11313, 0x11328), (0x1132A, 0x11330), (0x11332, 0x11333), (0x11335, 0x11339),
    (0x1133B, 0x11344), (0x11347, 0x11348), (0x1134B, 0x1134D), (0x11350, 0x11350),
    (0x11357, 0x11357), (0x1135D, 0x11363), (0x11366, 0x1136C), (0x11370, 0x11374),
    (0x11380, 0x11389), (0x1138B, 0x1138B), (0x1138E, 0x1138E), (0x11390, 0x113B5),
    (0x113B7, 0x113C0), (0x113C2, 0x113C2), (0x113C5, 0x113C5), (0x113C7, 0x113CA),
    (0x113CC, 0x113D3), (0x113E1, 0x113E2), (0x11400, 0x1144A), (0x11450, 0x11459),
    (0x1145E, 0x11461), (0x11480, 0x114C5), (0x114C7, 0x114C7), (0x114D0, 0x114D9),
    (0x11580, 0x115B5), (0x115B8, 0x115C0), (0x115D8, 0x115DD), (0x11600, 0x11640),
    (0x11644, 0x11644), (0x11650, 0x11659), (0x11680, 0x116B8), (0x116C0, 0x116C9),
    (0x116D0, 0x116E3), (0x11700, 0x1171A), (0x1171D, 0x1172B), (0x11730, 0x1173B),
    (0x11740, 0x11746), (0x11800, 0x1183A), (0x118A0, 0x118F2), (0x118FF, 0x11906),
    (0x11909, 0x11909), (0x1190C, 0x11913), (0x11915, 0x11916), (0x11918, 0x11935),
    (0x11937, 0x11938), (0x1193B, 0x11943), (0x11950, 0x11959), (0x119A0, 0x119A7),
    (0x119AA, 0x119D7), (0x119DA, 0x119E1), (0x119E3, 0x119E4), (0x11A00, 0x11A3E),
    (0x11A47, 0x11A47), (0x11A50, 0x11A99), (0x11A9D, 0x11A9D), (0x11AB0, 0x11AF8),
    (0x11B60, 0x11B67), (0x11BC0, 0x11BE0), (0x11BF0, 0x11BF9), (0x11C00, 0x11C08),
    (0x11C0A, 0x11C36), (0x11C38, 0x11C40), (0x11C50, 0x11C6C), (0x11C72, 0x11C8F),
    (0x11C92, 0x11CA7), (0x11CA9, 0x11CB6), (0x11D00, 0x11D06), (0x11D08, 0x11D09),
    (0x11D0B, 0x11D36), (0x11D3A, 0x11D3A), (0x11D3C, 0x11D3D), (0x11D3F, 0x11D47),
    (0x11D50, 0x11D59), (0x11D60, 0x11D65), (0x11D67, 0x11D68), (0x11D6A, 0x11D8E),
    (0x11D90, 0x11D91), (0x11D93, 0x11D98), (0x11DA0, 0x11DA9), (0x11DB0, 0x11DDB),
    (0x11DE0, 0x11DE9), (0x11EE0, 0x11EF6), (0x11F00, 0x11F10), (0x11F12, 0x11F3A),
    (0x11F3E, 0x11F42), (0x11F50, 0x11F5A), (0x11FB0, 0x11FB0), (0x11FC0, 0x11FD4),
    (0x12000, 0x12399), (0x12400, 0x1246E), (0x12480, 0x12543), (0x12F90, 0x12FF0),
    (0x13000, 0x1342F), (0x13440, 0x13455), (0x13460, 0x143FA), (0x14400, 0x14646),
    (0x16100, 0x16139), (0x16800, 0x16A38), (0x16A40, 0x16A5E), (0x16A60, 0x16A69),
    (0x16A70, 0x16ABE), (0x16AC0, 0x16AC9), (0x16AD0, 0x16AED), (0x16AF0, 0x16AF4),
    (0x16B00, 0x16B36), (0x16B40, 0x16B43), (0x16B50, 0x16B59), (0x16B5B, 0x16B61),
    (0x16B63, 0x16B77), (0x16B7D, 0x16B8F), (0x16D40, 0x16D6C), (0x16D70, 0x16D79),
    (0x16E40, 0x16E96), (0x16EA0, 0x16EB8), (0x16EBB, 0x16ED3), (0x16F00, 0x16F4A),
    (0x16F4F, 0x16F87), (0x16F8F, 0x16F9F), (0x16FE0, 0x16FE1), (0x16FE3, 0x16FE4),
    (0x16FF0, 0x16FF6), (0x17000, 0x18CD5), (0x18CFF, 0x18D1E), (0x18D80, 0x18DF2),
    (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE), (0x1B000, 0x1B122),
    (0x1B132, 0x1B132), (0x1B150, 0x1B152), (0x1B155, 0x1B155), (0x1B164, 0x1B167),
    (0x1B170, 0x1B2FB), (0x1BC00, 0x1BC6A), (0x1BC70, 0x1BC7C), (0x1BC80, 0x1BC88),
    (0x1BC90, 0x1BC99), (0x1BC9D, 0x1BC9E), (0x1CCF0, 0x1CCF9), (0x1CF00, 0x1CF2D),
    (0x1CF30, 0x1CF46), (0x1D165, 0x1D169), (0x1D16D, 0x1D172), (0x1D17B, 0x1D182),
    (0x1D185, 0x1D18B), (0x1D1AA, 0x1D1AD), (0x1D242, 0x1D244), (0x1D2C0, 0x1D2D3),
    (0x1D2E0, 0x1D2F3), (0x1D360, 0x1D378), (0x1D400, 0x1D454), (0x1D456, 0x1D49C),
    (0x1D49E, 0x1D49F), (0x1D4A2, 0x1D4A2), (0x1D4A5, 0x1D4A6), (0x1D4A9, 0x1D4AC),
    (0x1D4AE, 0x1D4B9), (0x1D4BB, 0x1D4BB), (0x1D4BD, 0x1D4C3), (0x1D4C5, 0x1D505),
    (0x1D507, 0x1D50A), (0x1D50D, 0x1D514), (0x1D516, 0x1D51C), (0x1D51E, 0x1D539),
    (0x1D53B, 0x1D53E), (0x1D540, 0x1D544), (0x1D546, 0x1D546), (0x1D54A, 0x1D550),
    (0x1D552, 0x1D6A5), (0x1D6A8, 0x1D6C0), (0x1D6C2, 0x1D6DA), (0x1D6DC, 0x1D6FA),
    (0x1D6FC, 0x1D714), (0x1D716, 0x1D734), (0x1D736, 0x1D74E), (0x1D750, 0x1D76E),
    (0x1D770, 0x1D788), (0x1D78A, 0x1D7A8), (0x1D7AA, 0x1D7C2), (0x1D7C4, 0x1D7CB),
    (0x1D7CE, 0x1D7FF), (0x1DA00, 0x1DA36), (0x1DA3B, 0x1DA6C), (0x1DA75, 0x1DA75),
    (0x1DA84, 0x1DA84), (0x1DA9B, 0x1DA9F), (0x1DAA1, 0x1DAAF), (0x1DF00, 0x1DF1E),
    (0x1DF25, 0x1DF2A), (0x1E000, 0x1E006), (0x1E008, 0x1E018), (0x1E01B, 0x1E021),
    (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E030, 0x1E06D), (0x1E08F, 0x1E08F),
    (0x1E100, 0x1E12C), (0x1E130, 0x1E13D), (0x1E140, 0x1E149), (0x1E14E, 0x1E14E),
    (0x1E290, 0x1E2AE), (0x1E2C0, 0x1E2F9), (0x1E4D0, 0x1E4F9), (0x1E5D0, 0x1E5FA),
    (0x1E6C0, 0x1E6DE), (0x1E6E0, 0x1E6F5), (0x1E6FE, 0x1E6FF), (0x1E7E0, 0x1E7E6),
    (0x1E7E8, 0x1E7EB), (0x1E7ED, 0x1E7EE), (0x1E7F0, 0x1E7FE), (0x1E800, 0x1E8C4),
    (0x1E8C7, 0x1E8D6), (0x1E900, 0x1E94B), (0x1E950, 0x1E959), (0x1EC71, 0x1ECAB),
    (0x1ECAD, 0x1ECAF), (0x1ECB1, 0x1ECB4), (0x1ED01, 0x1ED2D), (0x1ED2F, 0x1ED3D),
    (0x1EE00, 0x1EE03), (0x1EE05, 0x1EE1F), (0x1EE21, 0x1EE22), (0x1EE24, 0x1EE24),
    (0x1EE27, 0x1EE27), (0x1EE29, 0x1EE32), (0x1EE34, 0x1EE37), (0x1EE39, 0x1EE39),
    (0x1EE3B, 0x1EE3B), (0x1EE42, 0x1EE42), (0x1EE47, 0x1EE47), (0x1EE49, 0x1EE49),
    (0x1EE4B, 0x1EE4B), (0x1EE4D, 0x1EE4F), (0x1EE51, 0x1EE52), (0x1EE54, 0x1EE54),
    (0x1EE57, 0x1EE57), (0x1EE59, 0x1EE59), (0x1EE5B, 0x1EE5B), (0x1EE5D, 0x1EE5D),
    (0x1EE5F, 0x1EE5F), (0x1EE61, 0x1EE62), (0x1EE64, 0x1EE64), (0x1EE67, 0x1EE6A),
    (0x1EE6C, 0x1EE72), (0x1EE74, 0x1EE77), (0x1EE79, 0x1EE7C), (0x1EE7E, 0x1EE7E),
    (0x1EE80, 0x1EE89), (0x1EE8B, 0x1EE9B), (0x1EEA1, 0x1EEA3), (0x1EEA5, 0x1EEA9),
    (0x1EEAB, 0x1EEBB), (0x1F100, 0x1F10C), (0x1FBF0, 0x1FBF9), (0x20000, 0x2A6DF),
    (0x2A700, 0x2B81D), (0x2B820, 0x2CEAD), (0x2CEB0, 0x2EBE0), (0x2EBF0, 0x2EE5D),
    (0x2F800, 0x2FA1D), (0x30000, 0x3134A), (0x31350, 0x33479), (0xE0100, 0xE01EF),
];

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use crate::schema::RoundingMode;
    use serde_json::json;

    fn schema(fields: Vec<Field>) -> TableSchema {
        TableSchema { fields }
    }

    fn ok(fields: Vec<Field>) {
        let s = schema(fields);
        assert_eq!(s.validate(), Ok(()), "{s:?}");
    }

    /// Asserts exactly one problem, at `path`, whose message contains `needle`.
    fn fails(fields: Vec<Field>, path: &str, needle: &str) {
        let e = schema(fields).validate().unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        assert_eq!(e.problems[0].path, path, "{e}");
        assert!(
            e.problems[0].message.contains(needle),
            "{e} lacks {needle:?}"
        );
    }

    fn string(name: &str) -> Field {
        Field::new(name, FieldType::String)
    }

    fn with(ty: FieldType, set: impl FnOnce(&mut Field)) -> Field {
        let mut f = Field::new("f", ty);
        set(&mut f);
        f
    }

    // ---- names ----

    #[test]
    fn empty_name() {
        fails(vec![string("")], "fields[0]", "name must not be empty");
        fails(
            vec![Field::record("r", vec![string("a"), string("")])],
            "r.fields[1]",
            "name must not be empty",
        );
    }

    #[test]
    fn name_length() {
        ok(vec![string(&"a".repeat(300))]);
        ok(vec![string(&"名".repeat(300))]);
        let long = "a".repeat(301);
        fails(
            vec![string(&long)],
            &long,
            "name must be at most 300 characters, found 301",
        );
    }

    /// Each allowed class from the "Flexible column names" list.
    #[test]
    fn flexible_name_characters_allowed() {
        for name in [
            "plain_name",
            "0starts_with_digit",
            "名前",       // Lo
            "Straße",     // Ll
            "ǅ",          // Lt
            "e\u{301}",   // Mn (combining acute)
            "क्ष",         // Mn inside Devanagari
            "١٢٣",        // Nd (Arabic-Indic digits)
            "Ⅻ",          // Nl
            "½",          // No
            "a‿b",        // Pc (undertie)
            "a-b–c",      // Pd (hyphen, en dash)
            "a b",        // Zs (space)
            "a\u{3000}b", // Zs (ideographic space)
            "a\u{a0}b",   // Zs (no-break space)
            "&%=+:'<>#|", // the listed symbols
            "name-列",    // the docs' own example
        ] {
            ok(vec![string(name)]);
        }
    }

    /// Each character the docs list as unsupported, plus control characters
    /// and other symbols.
    #[test]
    fn flexible_name_characters_rejected() {
        for c in [
            '!', '"', '$', '(', ')', '*', ',', '.', '/', ';', '?', '@', '[', '\\', ']', '^', '`',
            '{', '}', '~', '\t', '\n', '\u{0}', '€', '©', '«', '\u{200B}', '\u{2028}',
        ] {
            let name = format!("a{c}b");
            let path = child_path("", Some(&name), 0);
            let e = schema(vec![string(&name)]).validate().unwrap_err();
            assert_eq!(e.problems.len(), 1, "{e}");
            assert_eq!(e.problems[0].path, path);
            let code = format!("(U+{:04X})", u32::from(c));
            assert!(e.problems[0].message.contains(&code), "{e} lacks {code}");
            assert!(
                e.problems[0]
                    .message
                    .contains("may contain only letters, marks"),
                "{e}"
            );
        }
    }

    #[test]
    fn several_bad_characters_are_listed_once_each() {
        fails(
            vec![string("a.b.c!")],
            "a.b.c!",
            "found \".\" (U+002E), \"!\" (U+0021)",
        );
    }

    #[test]
    fn reserved_prefixes() {
        for prefix in RESERVED_PREFIXES {
            for name in [
                format!("{prefix}x"),
                format!("{}x", prefix.to_ascii_lowercase()),
            ] {
                fails(
                    vec![string(&name)],
                    &name,
                    &format!("starts with the reserved prefix {prefix}"),
                );
            }
        }
        // Near misses are fine.
        for name in [
            "_TABLE",
            "x_TABLE_",
            "_FILE",
            "_PARTITIO",
            "_ROOT__",
            "_CHANGE_",
            "é_TABLE_",
        ] {
            ok(vec![string(name)]);
        }
    }

    #[test]
    fn duplicates_are_case_insensitive() {
        ok(vec![
            string("a"),
            string("b"),
            Field::record("r", vec![string("a")]),
        ]);
        fails(
            vec![string("Col1"), string("x"), string("col1")],
            "col1",
            "duplicate name \"col1\": sibling 0 is already named \"Col1\"",
        );
        fails(
            vec![string("Ä"), string("ä")],
            "ä",
            "sibling 0 is already named \"Ä\"",
        );
        fails(
            vec![Field::record("r", vec![string("x"), string("X")])],
            "r.X",
            "duplicate name \"X\"",
        );
        // Three times: reported twice, both pointing at the first.
        let e = schema(vec![string("a"), string("A"), string("a")])
            .validate()
            .unwrap_err();
        assert_eq!(e.problems.len(), 2);
        assert!(e.problems.iter().all(|p| p.message.contains("sibling 0")));
    }

    // ---- structure ----

    fn chain(leaf_depth: usize) -> Field {
        let mut f = Field::new(format!("f{leaf_depth}"), FieldType::Date);
        for d in (1..leaf_depth).rev() {
            f = Field::record(format!("f{d}"), vec![f]);
        }
        f
    }

    #[test]
    fn depth() {
        ok(vec![chain(15)]);
        let path: Vec<String> = (1..=15).map(|d| format!("f{d}")).collect();
        fails(
            vec![chain(16)],
            &path.join("."),
            "found sub-fields at level 16",
        );
        fails(
            vec![chain(200)],
            &path.join("."),
            "sub-fields may be at most 15 levels deep",
        );
    }

    #[test]
    fn column_count() {
        let many = |n: usize| {
            (0..n)
                .map(|i| Field::new(format!("c{i}"), FieldType::Int64))
                .collect()
        };
        ok(many(10_000));
        fails(
            many(10_001),
            "",
            "a table may have at most 10000 columns, nested ones included, found 10001",
        );
        // Nested columns count, and so do the RECORDs themselves.
        let mut fields: Vec<Field> = many(9_998);
        fields.push(Field::record("r", vec![string("x")]));
        ok(fields.clone());
        fields.push(string("y"));
        fails(fields, "", "found 10001");
    }

    #[test]
    fn record_and_sub_fields() {
        ok(vec![Field::record("r", vec![string("a")])]);
        fails(
            vec![Field::record("r", vec![])],
            "r",
            "RECORD must have at least one sub-field, found none",
        );
        let mut s = string("s");
        s.fields = vec![string("a"), string("b")];
        fails(
            vec![s],
            "s",
            "only RECORD fields may have sub-fields, found 2 on STRING",
        );
    }

    // ---- attributes ----

    #[test]
    fn decimal_precision_and_scale() {
        let dec = |ty, p: Option<u32>, s: Option<u32>| {
            with(ty, |f| {
                f.precision = p;
                f.scale = s;
            })
        };
        use FieldType::{BigNumeric as B, Numeric as N};
        // Accepted: data-types page ranges, NUMERIC max(1,S) ≤ P ≤ S+29, 0 ≤ S ≤ 9.
        for (ty, p, s) in [
            (N, Some(1), None),
            (N, Some(29), None),
            (N, Some(10), Some(2)),
            (N, Some(38), Some(9)),
            (N, Some(1), Some(0)),
            (N, Some(5), Some(5)),
            (N, Some(9), Some(9)),
            (B, Some(38), None),
            (B, Some(76), Some(38)),
            (B, Some(50), Some(20)),
            (B, Some(38), Some(38)),
            (N, None, None),
        ] {
            ok(vec![dec(ty, p, s)]);
        }
        let cases = [
            (
                N,
                Some(40),
                Some(2),
                "NUMERIC precision must be at least max(1, scale) and at most scale + 29, found precision 40 scale 2",
            ),
            (
                N,
                Some(30),
                None,
                "NUMERIC precision must be at least max(1, scale) and at most scale + 29, found precision 30 without scale (scale 0)",
            ),
            (N, Some(0), None, "found precision 0 without scale"),
            (N, Some(0), Some(0), "found precision 0 scale 0"),
            (N, Some(4), Some(5), "found precision 4 scale 5"),
            (N, Some(39), Some(9), "found precision 39 scale 9"),
            (
                N,
                Some(20),
                Some(10),
                "NUMERIC scale must be between 0 and 9, found precision 20 scale 10",
            ),
            (
                B,
                Some(39),
                None,
                "BIGNUMERIC precision must be at least max(1, scale) and at most scale + 38, found precision 39 without scale",
            ),
            (B, Some(77), Some(38), "found precision 77 scale 38"),
            (
                B,
                Some(40),
                Some(39),
                "BIGNUMERIC scale must be between 0 and 38, found precision 40 scale 39",
            ),
            (
                N,
                None,
                Some(2),
                "scale requires precision, found scale 2 without precision",
            ),
            (
                B,
                None,
                Some(0),
                "scale requires precision, found scale 0 without precision",
            ),
            (
                N,
                Some(u32::MAX),
                Some(0),
                "found precision 4294967295 scale 0",
            ),
        ];
        for (ty, p, s, msg) in cases {
            fails(vec![dec(ty, p, s)], "f", msg);
        }
    }

    #[test]
    fn decimal_attributes_only_on_decimals() {
        fails(
            vec![with(FieldType::String, |f| f.precision = Some(5))],
            "f",
            "precision is allowed only on NUMERIC or BIGNUMERIC, found it on STRING",
        );
        fails(
            vec![with(FieldType::Float64, |f| f.scale = Some(1))],
            "f",
            "scale is allowed only on NUMERIC or BIGNUMERIC, found it on FLOAT",
        );
        fails(
            vec![with(FieldType::Int64, |f| {
                f.rounding_mode = Some(RoundingMode::RoundHalfEven)
            })],
            "f",
            "roundingMode is allowed only on NUMERIC or BIGNUMERIC, found it on INTEGER",
        );
        ok(vec![with(FieldType::Numeric, |f| {
            f.rounding_mode = Some(RoundingMode::RoundHalfEven)
        })]);
        ok(vec![with(FieldType::BigNumeric, |f| {
            f.rounding_mode = Some(RoundingMode::RoundHalfAwayFromZero)
        })]);
    }

    #[test]
    fn max_length() {
        ok(vec![with(FieldType::String, |f| f.max_length = Some(1))]);
        ok(vec![with(FieldType::Bytes, |f| {
            f.max_length = Some(MAX_INT64)
        })]);
        fails(
            vec![with(FieldType::String, |f| f.max_length = Some(0))],
            "f",
            "maxLength must be a positive INT64 (1 to 9223372036854775807), found 0",
        );
        fails(
            vec![with(FieldType::Bytes, |f| {
                f.max_length = Some(MAX_INT64 + 1)
            })],
            "f",
            "maxLength must be a positive INT64 (1 to 9223372036854775807), found 9223372036854775808",
        );
        fails(
            vec![with(FieldType::Json, |f| f.max_length = Some(3))],
            "f",
            "maxLength is allowed only on STRING or BYTES, found it on JSON",
        );
    }

    #[test]
    fn timestamp_precision() {
        ok(vec![with(FieldType::Timestamp, |f| {
            f.timestamp_precision = Some(6)
        })]);
        ok(vec![with(FieldType::Timestamp, |f| {
            f.timestamp_precision = Some(12)
        })]);
        fails(
            vec![with(FieldType::Timestamp, |f| {
                f.timestamp_precision = Some(9)
            })],
            "f",
            "timestampPrecision must be 6 or 12, found 9",
        );
        fails(
            vec![with(FieldType::DateTime, |f| {
                f.timestamp_precision = Some(12)
            })],
            "f",
            "timestampPrecision is allowed only on TIMESTAMP, found it on DATETIME",
        );
        fails(
            vec![with(
                FieldType::Range(crate::schema::RangeElementType::Timestamp),
                |f| f.timestamp_precision = Some(12),
            )],
            "f",
            "found it on RANGE",
        );
    }

    #[test]
    fn collation() {
        ok(vec![with(FieldType::String, |f| {
            f.collation = Some("und:ci".into())
        })]);
        ok(vec![with(FieldType::String, |f| {
            f.collation = Some(String::new())
        })]);
        fails(
            vec![with(FieldType::String, |f| {
                f.collation = Some("UND:CI".into())
            })],
            "f",
            "collation must be \"und:ci\" or \"\" (empty), found \"UND:CI\"",
        );
        fails(
            vec![with(FieldType::Bytes, |f| {
                f.collation = Some("und:ci".into())
            })],
            "f",
            "collation is allowed only on STRING, found it on BYTES",
        );
    }

    #[test]
    fn default_value_expression() {
        let dflt = |ty, mode, e: &str| {
            with(ty, |f| {
                f.mode = mode;
                f.default_value_expression = Some(e.to_owned());
            })
        };
        ok(vec![dflt(FieldType::String, Mode::Nullable, "'hello'")]);
        ok(vec![dflt(
            FieldType::Timestamp,
            Mode::Required,
            "CURRENT_TIMESTAMP()",
        )]);
        ok(vec![dflt(
            FieldType::Date,
            Mode::Repeated,
            "[CURRENT_DATE(), DATE '2020-01-01']",
        )]);
        ok(vec![dflt(FieldType::String, Mode::Nullable, "NULL")]);
        let mut rec = Field::record("f", vec![string("x")]);
        rec.default_value_expression = Some("STRUCT('a' AS x)".into());
        ok(vec![rec]);
        fails(
            vec![dflt(FieldType::Int64, Mode::Repeated, " null ")],
            "f",
            "a REPEATED column's default value may not be NULL, found \" null \"",
        );
        fails(
            vec![dflt(FieldType::Int64, Mode::Required, "NULL")],
            "f",
            "a REQUIRED column's default value may not be NULL, found \"NULL\"",
        );
        fails(
            vec![dflt(FieldType::Int64, Mode::Nullable, "  ")],
            "f",
            "defaultValueExpression must be a SQL expression, found \"  \"",
        );
        fails(
            vec![Field::record(
                "r",
                vec![dflt(FieldType::Int64, Mode::Nullable, "1")],
            )],
            "r.f",
            "defaultValueExpression is allowed only on top-level columns",
        );
    }

    #[test]
    fn description_length() {
        ok(vec![with(FieldType::Date, |f| {
            f.description = Some("ä".repeat(1024))
        })]);
        fails(
            vec![with(FieldType::Date, |f| {
                f.description = Some("d".repeat(1025))
            })],
            "f",
            "description must be at most 1024 characters, found 1025",
        );
    }

    #[test]
    fn policy_tags() {
        ok(vec![with(FieldType::String, |f| {
            f.policy_tags = Some(vec![])
        })]);
        ok(vec![with(FieldType::String, |f| {
            f.policy_tags = Some(vec!["t".into()])
        })]);
        fails(
            vec![with(FieldType::String, |f| {
                f.policy_tags = Some(vec!["t".into(), "u".into()])
            })],
            "f",
            "policyTags.names may hold at most 1 policy tag, found 2",
        );
    }

    #[test]
    fn extra_keys_may_not_repeat_modelled_ones() {
        ok(vec![with(FieldType::String, |f| {
            f.extra.insert("dataPolicies".into(), json!([]));
        })]);
        fails(
            vec![with(FieldType::String, |f| {
                f.extra.insert("maxLength".into(), json!("3"));
            })],
            "f",
            "extra key \"maxLength\" repeats an attribute this crate models",
        );
    }

    #[test]
    fn every_problem_at_once_in_field_order() {
        let mut bad_numeric = Field::new("n", FieldType::Numeric);
        bad_numeric.precision = Some(40);
        bad_numeric.scale = Some(2);
        let mut inner = string("x");
        inner.max_length = Some(0);
        let s = schema(vec![
            string("ok"),
            bad_numeric,
            Field::record(
                "r",
                vec![inner, string("X"), Field::record("empty", vec![])],
            ),
            string("_TABLE_SUFFIX"),
        ]);
        let e = s.validate().unwrap_err();
        let got: Vec<(&str, &str)> = e
            .problems
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "n",
                    "NUMERIC precision must be at least max(1, scale) and at most scale + 29, found precision 40 scale 2"
                ),
                (
                    "r.x",
                    "maxLength must be a positive INT64 (1 to 9223372036854775807), found 0"
                ),
                (
                    "r.X",
                    "duplicate name \"X\": sibling 0 is already named \"x\" (names are compared case-insensitively)"
                ),
                (
                    "r.empty",
                    "RECORD must have at least one sub-field, found none"
                ),
                (
                    "_TABLE_SUFFIX",
                    "name \"_TABLE_SUFFIX\" starts with the reserved prefix _TABLE_ (compared case-insensitively)"
                ),
            ]
        );
        assert_eq!(
            e.to_string().lines().next(),
            Some(
                "n: NUMERIC precision must be at least max(1, scale) and at most scale + 29, found precision 40 scale 2"
            )
        );
    }

    #[test]
    fn empty_schema_is_valid() {
        ok(vec![]);
    }

    #[test]
    fn name_char_table_is_sorted_and_disjoint() {
        for w in NAME_CHAR_RANGES.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 + 1 < w[1].0, "{w:?}");
        }
        // Spot checks against std where the properties coincide:
        // every decimal digit std knows is N (Nd); ASCII letters are L.
        assert!(
            ('0'..='9')
                .chain('a'..='z')
                .chain('A'..='Z')
                .all(is_name_char)
        );
        assert!(char::from_u32(0x10FFFF).is_some_and(|c| !is_name_char(c)));
    }
}
