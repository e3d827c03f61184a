//! `bigtable_options`: the JSON that maps query result fields to Bigtable
//! column families and qualifiers, checked against the documented shape,
//! and written back exactly as bigframes writes it.
//!
//! The documented shape ("Export data to Bigtable", "Configure exports with
//! `bigtable_options`", <https://cloud.google.com/bigquery/docs/export-to-bigtable>):
//!
//! ```json
//! {"columnFamilies": [{
//!     "familyId": "COLUMN_FAMILY_NAME",
//!     "encoding": "BINARY" | "TEXT",
//!     "columns": [{"qualifierString": "Q" | "qualifierEncoded": "BASE64", "fieldName": "RESULT_FIELD"}]
//! }]}
//! ```
//!
//! `familyId` identifies the family (a result column of that name);
//! `fieldName` is required and may be `""` (a standalone column's value);
//! `qualifierString` and `qualifierEncoded` are mutually exclusive, and
//! without either `fieldName` is the qualifier. "Encoding is limited to
//! `BINARY` and `TEXT` only."
//!
//! Checked here beyond the docs' words (choices): every key outside that
//! shape is an error (a misspelt key would otherwise be ignored), values
//! must have the documented JSON types, `familyId` must be non-empty and
//! unique, `fieldName` unique within its family, and `qualifierEncoded`
//! standard base64 with padding.
//!
//! # Writing it back
//!
//! bigframes puts `json.dumps(bigtable_options)` between `"""` quotes.
//! [`BigtableOptions::to_python_json`] writes the same characters: keys in
//! the order given, `", "` and `": "` separators, every character outside
//! printable ASCII as `\uXXXX` (surrogate pairs above U+FFFF). In the SQL,
//! that text sits in a GoogleSQL string literal, which processes escapes;
//! see [`super::sql`] for how backslashes are kept intact.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::ValueError;
use crate::plan::json::{Peek, Scanner, Str};

/// How a family's values are written ("Supported BigQuery types").
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{result_schema_from_json, BigtableWriter, CellOptions, Encoding, Mutation};
/// use bqcodec::plan::WalkOptions;
///
/// let schema = result_schema_from_json(
///     r#"[{"name": "rowkey", "type": "STRING"}, {"name": "n", "type": "INT64"}, {"name": "b", "type": "BOOL"}]"#,
/// )?;
/// let row = br#"{"rowkey": "k", "n": -1, "b": true}"#;
/// let values = |encoding: Encoding| -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
///     let cells = CellOptions::new().with_default_encoding(encoding);
///     let writer = BigtableWriter::new(&schema, WalkOptions::new(), None, cells)?;
///     let row = writer.encode_json(row, 0)?.ok_or("skipped")?;
///     Ok(row.mutations.into_iter().filter_map(|m| match m {
///         Mutation::SetCell { value, .. } => Some(value),
///         _ => None,
///     }).collect())
/// };
/// assert_eq!(values(Encoding::Binary)?, [vec![0xFF; 8], vec![0x01]]);
/// assert_eq!(values(Encoding::Text)?, [b"-1".to_vec(), b"true".to_vec()]);
/// assert_eq!((Encoding::Binary.name(), Encoding::Text.name()), ("BINARY", "TEXT"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// INT64 as 8 bytes big-endian, BOOL as one byte 0x00/0x01.
    Binary,
    /// INT64 as decimal text, BOOL as `true`/`false`.
    Text,
}

impl Encoding {
    /// `BINARY` or `TEXT`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Binary => "BINARY",
            Encoding::Text => "TEXT",
        }
    }
}

/// The qualifier a column is written under.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableOptions, Qualifier};
///
/// let options = BigtableOptions::from_json(
///     r#"{"columnFamilies": [{"familyId": "cf", "columns": [
///         {"qualifierEncoded": "AAE=", "fieldName": "a"}, {"qualifierString": "b2", "fieldName": "b"}]}]}"#,
/// )?;
/// let family = options.family("cf").ok_or("no family")?;
/// assert_eq!(family.columns[0].qualifier, Some(Qualifier::Encoded(vec![0x00, 0x01])));
/// assert_eq!(family.columns[1].qualifier.as_ref().map(Qualifier::bytes), Some(&b"b2"[..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `qualifierString`: UTF-8 text.
    String(String),
    /// `qualifierEncoded`: any bytes (given as base64).
    Encoded(Vec<u8>),
}

impl Qualifier {
    /// The qualifier's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Qualifier::String(s) => s.as_bytes(),
            Qualifier::Encoded(b) => b,
        }
    }
}

/// One `columns` entry.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::ColumnOptions;
///
/// assert_eq!(ColumnOptions::new("price").qualifier_bytes(), b"price"); // its own name by default
/// assert_eq!(ColumnOptions::new("price").with_qualifier_string("p").qualifier_bytes(), b"p");
/// assert_eq!(ColumnOptions::new("price").with_qualifier_bytes([0xFFu8]).qualifier_bytes(), [0xFF]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnOptions {
    /// `fieldName`: the result field (a STRUCT member, a JSON member, or
    /// `""` for a standalone column's value).
    pub field_name: String,
    /// The qualifier, when not `fieldName` itself.
    pub qualifier: Option<Qualifier>,
}

impl ColumnOptions {
    /// The column for result field `field_name`, written under its own name.
    pub fn new(field_name: impl Into<String>) -> Self {
        ColumnOptions {
            field_name: field_name.into(),
            qualifier: None,
        }
    }

    /// Writes the field under `qualifier` (`qualifierString`).
    pub fn with_qualifier_string(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(Qualifier::String(qualifier.into()));
        self
    }

    /// Writes the field under the bytes `qualifier` (`qualifierEncoded`).
    pub fn with_qualifier_bytes(mut self, qualifier: impl Into<Vec<u8>>) -> Self {
        self.qualifier = Some(Qualifier::Encoded(qualifier.into()));
        self
    }

    /// The qualifier bytes: the mapped one, or the field name.
    pub fn qualifier_bytes(&self) -> &[u8] {
        match &self.qualifier {
            Some(q) => q.bytes(),
            None => self.field_name.as_bytes(),
        }
    }
}

/// One `columnFamilies` entry.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableOptions, ColumnOptions, Encoding, FamilyOptions};
///
/// let family = FamilyOptions::new("cf")
///     .with_encoding(Encoding::Binary)
///     .with_column(ColumnOptions::new("n").with_qualifier_string("count"));
/// assert_eq!(family.column("n").map(|c| c.qualifier_bytes()), Some(&b"count"[..]));
/// assert!(family.column("m").is_none());
/// let options = BigtableOptions::new().with_family(family)?;
/// assert_eq!(
///     options.to_python_json(),
///     r#"{"columnFamilies": [{"familyId": "cf", "encoding": "BINARY", "columns": [{"qualifierString": "count", "fieldName": "n"}]}]}"#,
/// );
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FamilyOptions {
    /// `familyId`: the family, named like the result column it holds.
    pub family_id: String,
    /// `encoding`, if given.
    pub encoding: Option<Encoding>,
    /// `columns`.
    pub columns: Vec<ColumnOptions>,
}

impl FamilyOptions {
    /// A family with no encoding and no column mappings.
    pub fn new(family_id: impl Into<String>) -> Self {
        FamilyOptions {
            family_id: family_id.into(),
            encoding: None,
            columns: Vec::new(),
        }
    }

    /// Sets the encoding.
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    /// Adds a column mapping.
    pub fn with_column(mut self, column: ColumnOptions) -> Self {
        self.columns.push(column);
        self
    }

    /// The mapping for result field `field_name`, if any.
    pub fn column(&self, field_name: &str) -> Option<&ColumnOptions> {
        self.columns.iter().find(|c| c.field_name == field_name)
    }
}

/// Validated `bigtable_options`.
///
/// # Examples
///
/// ```
/// use bqcodec::bigtable::{BigtableOptions, Encoding};
/// let o = BigtableOptions::from_json(r#"{"columnFamilies": [{"familyId": "cf", "encoding": "BINARY",
///     "columns": [{"qualifierString": "é", "fieldName": "x"}]}]}"#)?;
/// assert_eq!(o.families()[0].encoding, Some(Encoding::Binary));
/// assert_eq!(o.to_python_json(),
///     r#"{"columnFamilies": [{"familyId": "cf", "encoding": "BINARY", "columns": [{"qualifierString": "\u00e9", "fieldName": "x"}]}]}"#);
/// assert!(BigtableOptions::from_json(r#"{"columnFamily": []}"#).is_err());
/// # Ok::<(), bqcodec::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BigtableOptions {
    families: Vec<FamilyOptions>,
    /// The JSON as given (key order kept), when parsed from text.
    raw: Option<Json>,
}

impl BigtableOptions {
    /// No families (`{}`).
    pub fn new() -> Self {
        BigtableOptions::default()
    }

    /// Adds a family. Rejects a `familyId` that is empty or already present,
    /// and a family with two columns for one `fieldName`. Options changed
    /// this way serialize in the canonical key order (see
    /// [`BigtableOptions::to_python_json`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::{BigtableOptions, ColumnOptions, FamilyOptions};
    ///
    /// let options = BigtableOptions::new().with_family(FamilyOptions::new("cf"))?;
    /// assert_eq!(options.families().len(), 1);
    /// assert!(options.with_family(FamilyOptions::new("cf")).is_err()); // already present
    /// assert!(BigtableOptions::new().with_family(FamilyOptions::new("")).is_err());
    /// let twice = FamilyOptions::new("cf").with_column(ColumnOptions::new("a")).with_column(ColumnOptions::new("a"));
    /// assert!(BigtableOptions::new().with_family(twice).is_err()); // two columns for one fieldName
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn with_family(mut self, family: FamilyOptions) -> Result<Self, ValueError> {
        check_family(&family, &self.families, "bigtable_options.columnFamilies")?;
        // Built options serialize in the canonical key order.
        self.raw = None;
        self.families.push(family);
        Ok(self)
    }

    /// Parses and validates `bigtable_options` JSON text (see the module
    /// docs for every rule). The error names the JSON path.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::BigtableOptions;
    ///
    /// assert!(BigtableOptions::from_json("{}")?.families().is_empty());
    /// let err = BigtableOptions::from_json(r#"{"columnFamilies": [{"familyId": "cf", "encoding": "UTF8"}]}"#);
    /// assert!(err.is_err()); // BINARY or TEXT only
    /// assert!(BigtableOptions::from_json(r#"{"columnFamilies": [{"encoding": "TEXT"}]}"#).is_err()); // no familyId
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, ValueError> {
        let raw = Json::parse(text)?;
        let families = families_of(&raw)?;
        Ok(BigtableOptions {
            families,
            raw: Some(raw),
        })
    }

    /// The families, in order.
    pub fn families(&self) -> &[FamilyOptions] {
        &self.families
    }

    /// The family with `family_id`, if any.
    pub fn family(&self, family_id: &str) -> Option<&FamilyOptions> {
        self.families.iter().find(|f| f.family_id == family_id)
    }

    /// The JSON text as Python's `json.dumps` writes it (what bigframes puts
    /// in the SQL): the given key order when parsed from text; otherwise
    /// `columnFamilies` with `familyId`, `encoding`, `columns` and
    /// `qualifierString`/`qualifierEncoded`, `fieldName`, leaving out what
    /// is unset.
    ///
    /// # Examples
    ///
    /// ```
    /// use bqcodec::bigtable::BigtableOptions;
    ///
    /// // Text given keeps its key order and is re-spaced as Python's json.dumps does.
    /// let options = BigtableOptions::from_json(r#"{"columnFamilies":[{"encoding":"TEXT","familyId":"cf"}]}"#)?;
    /// assert_eq!(options.to_python_json(), r#"{"columnFamilies": [{"encoding": "TEXT", "familyId": "cf"}]}"#);
    /// assert_eq!(BigtableOptions::new().to_python_json(), "{}");
    /// # Ok::<(), bqcodec::ValueError>(())
    /// ```
    pub fn to_python_json(&self) -> String {
        let mut out = String::new();
        match &self.raw {
            Some(raw) => raw.write_python(&mut out),
            None => self.to_json_tree().write_python(&mut out),
        }
        out
    }

    fn to_json_tree(&self) -> Json {
        if self.families.is_empty() {
            return Json::Object(Vec::new());
        }
        let families = self
            .families
            .iter()
            .map(|f| {
                let mut m = vec![("familyId".to_owned(), Json::String(f.family_id.clone()))];
                if let Some(e) = f.encoding {
                    m.push(("encoding".into(), Json::String(e.name().into())));
                }
                if !f.columns.is_empty() {
                    let cols = f
                        .columns
                        .iter()
                        .map(|c| {
                            let mut cm = Vec::new();
                            match &c.qualifier {
                                Some(Qualifier::String(s)) => {
                                    cm.push(("qualifierString".to_owned(), Json::String(s.clone())))
                                }
                                Some(Qualifier::Encoded(b)) => cm.push((
                                    "qualifierEncoded".to_owned(),
                                    Json::String(STANDARD.encode(b)),
                                )),
                                None => {}
                            }
                            cm.push(("fieldName".into(), Json::String(c.field_name.clone())));
                            Json::Object(cm)
                        })
                        .collect();
                    m.push(("columns".into(), Json::Array(cols)));
                }
                Json::Object(m)
            })
            .collect();
        Json::Object(vec![("columnFamilies".into(), Json::Array(families))])
    }
}

fn check_family(
    family: &FamilyOptions,
    existing: &[FamilyOptions],
    path: &str,
) -> Result<(), ValueError> {
    if family.family_id.is_empty() {
        return Err(ValueError::invalid(
            format!("{path}: a non-empty familyId"),
            "",
        ));
    }
    if existing.iter().any(|f| f.family_id == family.family_id) {
        return Err(ValueError::invalid(
            format!("{path}: each familyId once"),
            &family.family_id,
        ));
    }
    for (i, c) in family.columns.iter().enumerate() {
        if family
            .columns
            .get(..i)
            .unwrap_or_default()
            .iter()
            .any(|d| d.field_name == c.field_name)
        {
            return Err(ValueError::invalid(
                format!(
                    "{path}: each fieldName once in family {}",
                    crate::error::quote(&family.family_id)
                ),
                &c.field_name,
            ));
        }
    }
    Ok(())
}

fn families_of(root: &Json) -> Result<Vec<FamilyOptions>, ValueError> {
    let root_map = root.object("bigtable_options", "an object")?;
    let mut families = Vec::new();
    for (key, value) in root_map {
        if key != "columnFamilies" {
            return Err(unknown_key("bigtable_options", key, &["columnFamilies"]));
        }
        let path = "bigtable_options.columnFamilies";
        for (i, fam) in value.array(path)?.iter().enumerate() {
            let fpath = format!("{path}[{i}]");
            let mut family = FamilyOptions::new(String::new());
            let mut has_id = false;
            for (k, v) in fam.object(&fpath, "a column family object")? {
                let kpath = format!("{fpath}.{k}");
                match k.as_str() {
                    "familyId" => {
                        family.family_id = v.string(&kpath)?.to_owned();
                        has_id = true;
                    }
                    "encoding" => {
                        family.encoding = Some(match v.string(&kpath)? {
                            "BINARY" => Encoding::Binary,
                            "TEXT" => Encoding::Text,
                            other => {
                                return Err(ValueError::invalid(
                                    format!("{kpath}: BINARY or TEXT"),
                                    other,
                                ));
                            }
                        });
                    }
                    "columns" => {
                        for (j, col) in v.array(&kpath)?.iter().enumerate() {
                            family
                                .columns
                                .push(column_of(col, &format!("{kpath}[{j}]"))?);
                        }
                    }
                    other => {
                        return Err(unknown_key(
                            &fpath,
                            other,
                            &["familyId", "encoding", "columns"],
                        ));
                    }
                }
            }
            if !has_id {
                return Err(ValueError::invalid(
                    format!("{fpath}: a familyId"),
                    "no familyId key",
                ));
            }
            check_family(&family, &families, &fpath)?;
            families.push(family);
        }
    }
    Ok(families)
}

fn column_of(col: &Json, path: &str) -> Result<ColumnOptions, ValueError> {
    let mut field_name = None;
    let mut qualifier = None;
    for (k, v) in col.object(path, "a column object")? {
        let kpath = format!("{path}.{k}");
        match k.as_str() {
            "fieldName" => field_name = Some(v.string(&kpath)?.to_owned()),
            "qualifierString" | "qualifierEncoded" => {
                if qualifier.is_some() {
                    return Err(ValueError::invalid(
                        format!("{path}: qualifierString or qualifierEncoded, not both"),
                        k,
                    ));
                }
                let s = v.string(&kpath)?;
                qualifier =
                    Some(if k == "qualifierString" {
                        Qualifier::String(s.to_owned())
                    } else {
                        Qualifier::Encoded(STANDARD.decode(s).map_err(|_| {
                            ValueError::invalid(format!("{kpath}: standard base64"), s)
                        })?)
                    });
            }
            other => {
                return Err(unknown_key(
                    path,
                    other,
                    &["qualifierString", "qualifierEncoded", "fieldName"],
                ));
            }
        }
    }
    let field_name = field_name.ok_or_else(|| {
        ValueError::invalid(
            format!("{path}: a fieldName (required; may be \"\")"),
            "no fieldName key",
        )
    })?;
    Ok(ColumnOptions {
        field_name,
        qualifier,
    })
}

fn unknown_key(path: &str, key: &str, allowed: &[&str]) -> ValueError {
    ValueError::invalid(
        format!("{path}: only the documented keys {}", allowed.join(", ")),
        key,
    )
}

/// A JSON value with object key order kept and numbers as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Nesting limit for option JSON (the documented shape is 5 deep).
const MAX_DEPTH: usize = 32;

impl Json {
    /// Parses JSON text, keeping key order; rejects duplicate keys and
    /// nesting deeper than 32.
    pub(crate) fn parse(text: &str) -> Result<Json, ValueError> {
        let mut sc = Scanner::new(text.as_bytes());
        let mut scratch = String::new();
        let v = parse_value(&mut sc, &mut scratch, 0).map_err(|e| match e {
            ParseError::Syntax(s) => ValueError::invalid(format!("JSON text ({s})"), text),
            ParseError::Other(e) => e,
        })?;
        if !sc.at_end() {
            return Err(ValueError::invalid("one JSON value", text));
        }
        Ok(v)
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    fn object(&self, path: &str, what: &str) -> Result<&[(String, Json)], ValueError> {
        match self {
            Json::Object(m) => Ok(m),
            other => Err(ValueError::wrong_kind(
                format!("{path}: {what}"),
                other.kind(),
            )),
        }
    }

    fn array(&self, path: &str) -> Result<&[Json], ValueError> {
        match self {
            Json::Array(a) => Ok(a),
            other => Err(ValueError::wrong_kind(
                format!("{path}: an array"),
                other.kind(),
            )),
        }
    }

    fn string(&self, path: &str) -> Result<&str, ValueError> {
        match self {
            Json::String(s) => Ok(s),
            other => Err(ValueError::wrong_kind(
                format!("{path}: a string"),
                other.kind(),
            )),
        }
    }

    /// Writes the value as Python's `json.dumps` (default arguments) does.
    pub(crate) fn write_python(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_python_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_python(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_python_string(k, out);
                    out.push_str(": ");
                    v.write_python(out);
                }
                out.push('}');
            }
        }
    }
}

enum ParseError {
    Syntax(String),
    Other(ValueError),
}

impl From<crate::plan::json::SyntaxError> for ParseError {
    fn from(e: crate::plan::json::SyntaxError) -> Self {
        ParseError::Syntax(e.to_string())
    }
}

fn parse_value(
    sc: &mut Scanner<'_>,
    scratch: &mut String,
    depth: usize,
) -> Result<Json, ParseError> {
    if depth > MAX_DEPTH {
        return Err(ParseError::Other(ValueError::invalid(
            "JSON nested at most 32 deep",
            "deeper nesting",
        )));
    }
    Ok(match sc.peek()? {
        Peek::Null => {
            sc.null()?;
            Json::Null
        }
        Peek::Bool => Json::Bool(sc.boolean()?),
        Peek::Number => Json::Number(sc.number()?.to_owned()),
        Peek::String => Json::String(string(sc, scratch)?),
        Peek::Array => {
            sc.expect(b'[', "'['")?;
            let mut items = Vec::new();
            if !sc.eat(b']') {
                loop {
                    items.push(parse_value(sc, scratch, depth + 1)?);
                    if sc.eat(b']') {
                        break;
                    }
                    sc.expect(b',', "',' or ']'")?;
                }
            }
            Json::Array(items)
        }
        Peek::Object => {
            sc.expect(b'{', "'{'")?;
            let mut members: Vec<(String, Json)> = Vec::new();
            if !sc.eat(b'}') {
                loop {
                    let key = string(sc, scratch)?;
                    sc.expect(b':', "':'")?;
                    let value = parse_value(sc, scratch, depth + 1)?;
                    if members.iter().any(|(k, _)| *k == key) {
                        return Err(ParseError::Other(ValueError::DuplicateKey {
                            found: crate::error::quote(&key),
                        }));
                    }
                    members.push((key, value));
                    if sc.eat(b'}') {
                        break;
                    }
                    sc.expect(b',', "',' or '}'")?;
                }
            }
            Json::Object(members)
        }
    })
}

fn string(sc: &mut Scanner<'_>, scratch: &mut String) -> Result<String, ParseError> {
    Ok(match sc.string(scratch)? {
        Str::Borrowed(s) => s.to_owned(),
        Str::Scratch => scratch.clone(),
    })
}

/// A string as Python's `json.dumps` writes it with `ensure_ascii=True`:
/// `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\uXXXX` (lowercase hex,
/// surrogate pairs above U+FFFF) for everything else outside U+0020…U+007E.
pub(crate) fn write_python_string(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn py(s: &str) -> String {
        let mut o = String::new();
        write_python_string(s, &mut o);
        o
    }

    #[test]
    fn python_string_escapes() {
        // Expected texts are what CPython 3.11's json.dumps prints.
        assert_eq!(py("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            py("\u{8}\u{c}\n\r\t\u{1}\u{7f}"),
            r#""\b\f\n\r\t\u0001\u007f""#
        );
        assert_eq!(py("é€"), r#""\u00e9\u20ac""#);
        assert_eq!(py("😀"), r#""\ud83d\ude00""#);
        assert_eq!(py("~ /"), r#""~ /""#);
    }

    #[test]
    fn order_is_kept_and_separators_are_pythons() {
        let text = r#"{"columnFamilies":[{"encoding":"TEXT","familyId":"b","columns":[]},{"familyId":"a"}]}"#;
        let o = BigtableOptions::from_json(text).unwrap();
        assert_eq!(
            o.to_python_json(),
            r#"{"columnFamilies": [{"encoding": "TEXT", "familyId": "b", "columns": []}, {"familyId": "a"}]}"#
        );
        assert_eq!(
            BigtableOptions::from_json("{}").unwrap().to_python_json(),
            "{}"
        );
        assert_eq!(
            BigtableOptions::from_json(r#"{"columnFamilies": []}"#)
                .unwrap()
                .to_python_json(),
            r#"{"columnFamilies": []}"#
        );
    }

    #[test]
    fn built_options_serialize_canonically() {
        let o = BigtableOptions::new()
            .with_family(
                FamilyOptions::new("ordered_at")
                    .with_encoding(Encoding::Binary)
                    .with_column(ColumnOptions::new("").with_qualifier_string("order_time"))
                    .with_column(ColumnOptions::new("x").with_qualifier_bytes(vec![0xff, 0])),
            )
            .unwrap();
        assert_eq!(
            o.to_python_json(),
            r#"{"columnFamilies": [{"familyId": "ordered_at", "encoding": "BINARY", "columns": [{"qualifierString": "order_time", "fieldName": ""}, {"qualifierEncoded": "/wA=", "fieldName": "x"}]}]}"#
        );
        let back = BigtableOptions::from_json(&o.to_python_json()).unwrap();
        assert_eq!(back.families(), o.families());
        assert_eq!(BigtableOptions::new().to_python_json(), "{}");
        assert!(
            o.clone()
                .with_family(FamilyOptions::new("ordered_at"))
                .is_err()
        );
        assert!(o.with_family(FamilyOptions::new("")).is_err());
    }

    #[test]
    fn shape_is_checked() {
        let bad = [
            ("[]", "bigtable_options: an object"),
            (r#"{"columnFamily": []}"#, "only the documented keys"),
            (r#"{"columnFamilies": {}}"#, "an array"),
            (r#"{"columnFamilies": [{}]}"#, "a familyId"),
            (r#"{"columnFamilies": [{"familyId": ""}]}"#, "non-empty"),
            (r#"{"columnFamilies": [{"familyId": 1}]}"#, "a string"),
            (
                r#"{"columnFamilies": [{"familyId": "a"}, {"familyId": "a"}]}"#,
                "each familyId once",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "encoding": "binary"}]}"#,
                "BINARY or TEXT",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "encoding": "PROTO_BINARY"}]}"#,
                "BINARY or TEXT",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "type": "STRING"}]}"#,
                "only the documented keys",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "columns": [{}]}]}"#,
                "a fieldName",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "columns": [{"fieldName": "x", "qualifierString": "q", "qualifierEncoded": "cQ=="}]}]}"#,
                "not both",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "columns": [{"fieldName": "x", "qualifierEncoded": "q"}]}]}"#,
                "base64",
            ),
            (
                r#"{"columnFamilies": [{"familyId": "a", "columns": [{"fieldName": "x"}, {"fieldName": "x"}]}]}"#,
                "each fieldName once",
            ),
            (
                r#"{"columnFamilies": [], "columnFamilies": []}"#,
                "duplicate key",
            ),
            (r#"{"a": 1} x"#, "one JSON value"),
            ("{", "JSON text"),
        ];
        for (text, needle) in bad {
            let e = BigtableOptions::from_json(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(BigtableOptions::from_json(&deep).is_err());
    }

    #[test]
    fn qualifiers() {
        let o = BigtableOptions::from_json(
            r#"{"columnFamilies": [{"familyId": "a", "columns": [{"fieldName": "x", "qualifierEncoded": "/wA="}, {"fieldName": "y"}]}]}"#,
        )
        .unwrap();
        let f = o.family("a").unwrap();
        assert_eq!(f.column("x").unwrap().qualifier_bytes(), &[0xff, 0]);
        assert_eq!(f.column("y").unwrap().qualifier_bytes(), b"y");
        assert!(f.column("z").is_none());
    }
}
