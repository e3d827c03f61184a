//! Rust source for the generated module: a [`TableSchema`] as an expression
//! (so run time parses nothing), and the `static` of each schema.

use std::fmt::Write as _;

use serde_json::Value;

use crate::proto::Profile;
use crate::schema::{Field, FieldType, Mode, RangeElementType, RoundingMode, TableSchema};

/// A Rust string literal for `s` (`str`'s `Debug` escapes are Rust escapes).
pub(super) fn str_lit(s: &str) -> String {
    format!("{s:?}")
}

/// `fn <fn_name>() -> ::bqcodec::TableSchema { … }`.
pub(super) fn schema_fn(fn_name: &str, schema: &TableSchema) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "fn {fn_name}() -> ::bqcodec::TableSchema {{");
    out.push_str("    ::bqcodec::TableSchema::new(");
    fields_expr(&mut out, &schema.fields, 1);
    out.push_str(")\n}\n");
    out
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// `::std::vec![field, …]`. Schema nesting is at most 15 RECORD levels
/// (validated before generation), which bounds the recursion.
fn fields_expr(out: &mut String, fields: &[Field], level: usize) {
    if fields.is_empty() {
        out.push_str("::std::vec::Vec::new()");
        return;
    }
    out.push_str("::std::vec![\n");
    for f in fields {
        indent(out, level + 1);
        field_expr(out, f, level + 1);
        out.push_str(",\n");
    }
    indent(out, level);
    out.push(']');
}

fn field_expr(out: &mut String, f: &Field, level: usize) {
    let new = format!(
        "::bqcodec::Field::new({}, {})",
        str_lit(&f.name),
        field_type_path(f.field_type)
    );
    let mut sets: Vec<String> = Vec::new();
    let mut set = |what: &str, value: String| sets.push(format!("f.{what} = {value};"));
    if f.mode != Mode::Nullable {
        set("mode", format!("::bqcodec::Mode::{}", mode_variant(f.mode)));
    }
    if let Some(d) = &f.description {
        set("description", some_string(d));
    }
    if let Some(n) = f.max_length {
        set("max_length", format!("::std::option::Option::Some({n})"));
    }
    if let Some(n) = f.precision {
        set("precision", format!("::std::option::Option::Some({n})"));
    }
    if let Some(n) = f.scale {
        set("scale", format!("::std::option::Option::Some({n})"));
    }
    if let Some(d) = &f.default_value_expression {
        set("default_value_expression", some_string(d));
    }
    if let Some(c) = &f.collation {
        set("collation", some_string(c));
    }
    if let Some(r) = f.rounding_mode {
        set(
            "rounding_mode",
            format!(
                "::std::option::Option::Some(::bqcodec::schema::RoundingMode::{})",
                rounding_variant(r)
            ),
        );
    }
    if let Some(tags) = &f.policy_tags {
        let items: Vec<String> = tags.iter().map(|t| string_expr(t)).collect();
        set(
            "policy_tags",
            format!(
                "::std::option::Option::Some(::std::vec![{}])",
                items.join(", ")
            ),
        );
    }
    if let Some(p) = f.timestamp_precision {
        set(
            "timestamp_precision",
            format!("::std::option::Option::Some({p})"),
        );
    }
    if !f.extra.is_empty() {
        let mut v = String::new();
        map_expr(&mut v, &f.extra);
        set("extra", v);
    }
    if !f.fields.is_empty() {
        let mut v = String::new();
        fields_expr(&mut v, &f.fields, level + 1);
        set("fields", v);
    }
    if sets.is_empty() {
        out.push_str(&new);
        return;
    }
    let _ = writeln!(out, "{{");
    indent(out, level + 1);
    let _ = writeln!(out, "let mut f = {new};");
    for line in sets {
        indent(out, level + 1);
        out.push_str(&line);
        out.push('\n');
    }
    indent(out, level + 1);
    out.push_str("f\n");
    indent(out, level);
    out.push('}');
}

fn string_expr(s: &str) -> String {
    format!("::std::string::String::from({})", str_lit(s))
}

fn some_string(s: &str) -> String {
    format!("::std::option::Option::Some({})", string_expr(s))
}

const JSON: &str = "::bqcodec::build::__private::serde_json";

/// A `serde_json::Map` expression. `Field::extra` values nest at most 128
/// levels (the parser's limit), which bounds the recursion.
fn map_expr(out: &mut String, map: &serde_json::Map<String, Value>) {
    let _ = write!(
        out,
        "<{JSON}::Map<::std::string::String, {JSON}::Value> as ::std::iter::FromIterator<_>>::from_iter(["
    );
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "({}, ", string_expr(k));
        value_expr(out, v);
        out.push(')');
    }
    out.push_str("])");
}

fn value_expr(out: &mut String, v: &Value) {
    match v {
        Value::Null => {
            let _ = write!(out, "{JSON}::Value::Null");
        }
        Value::Bool(b) => {
            let _ = write!(out, "{JSON}::Value::Bool({b})");
        }
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                let _ = write!(out, "{JSON}::Value::from({u}_u64)");
            } else if let Some(i) = n.as_i64() {
                let _ = write!(out, "{JSON}::Value::from({i}_i64)");
            } else {
                // serde_json (without arbitrary_precision) keeps other numbers
                // as finite f64; `{:?}` prints the shortest text that reads
                // back to the same f64, and from_f64 accepts every finite value.
                let f = n.as_f64().unwrap_or(0.0);
                let _ = write!(
                    out,
                    "{JSON}::Number::from_f64({f:?}_f64).map_or({JSON}::Value::Null, {JSON}::Value::Number)"
                );
            }
        }
        Value::String(s) => {
            let _ = write!(out, "{JSON}::Value::String({})", string_expr(s));
        }
        Value::Array(items) => {
            let _ = write!(out, "{JSON}::Value::Array(::std::vec![");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                value_expr(out, item);
            }
            out.push_str("])");
        }
        Value::Object(map) => {
            let _ = write!(out, "{JSON}::Value::Object(");
            map_expr(out, map);
            out.push(')');
        }
    }
}

fn field_type_path(t: FieldType) -> String {
    let variant = match t {
        FieldType::String => "String",
        FieldType::Bytes => "Bytes",
        FieldType::Int64 => "Int64",
        FieldType::Float64 => "Float64",
        FieldType::Numeric => "Numeric",
        FieldType::BigNumeric => "BigNumeric",
        FieldType::Bool => "Bool",
        FieldType::Timestamp => "Timestamp",
        FieldType::Date => "Date",
        FieldType::Time => "Time",
        FieldType::DateTime => "DateTime",
        FieldType::Geography => "Geography",
        FieldType::Json => "Json",
        FieldType::Interval => "Interval",
        FieldType::Record => "Record",
        FieldType::Range(e) => {
            let e = match e {
                RangeElementType::Date => "Date",
                RangeElementType::DateTime => "DateTime",
                RangeElementType::Timestamp => "Timestamp",
            };
            return format!(
                "::bqcodec::FieldType::Range(::bqcodec::schema::RangeElementType::{e})"
            );
        }
    };
    format!("::bqcodec::FieldType::{variant}")
}

fn mode_variant(m: Mode) -> &'static str {
    match m {
        Mode::Nullable => "Nullable",
        Mode::Required => "Required",
        Mode::Repeated => "Repeated",
    }
}

fn rounding_variant(r: RoundingMode) -> &'static str {
    match r {
        RoundingMode::Unspecified => "Unspecified",
        RoundingMode::RoundHalfAwayFromZero => "RoundHalfAwayFromZero",
        RoundingMode::RoundHalfEven => "RoundHalfEven",
    }
}

/// The path of a profile variant in generated code.
pub(super) fn profile_path(p: Profile) -> &'static str {
    match p {
        Profile::Exact => "::bqcodec::proto::Profile::Exact",
        Profile::Text => "::bqcodec::proto::Profile::Text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_what_rust_needs() {
        assert_eq!(str_lit("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(str_lit("é"), "\"é\"");
    }

    #[test]
    fn a_schema_becomes_field_expressions() {
        let schema = TableSchema::from_json(
            r#"[{"name": "id", "type": "INT64", "mode": "REQUIRED", "description": "the \"id\""},
                {"name": "r", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
                {"name": "p", "type": "NUMERIC", "precision": "10", "scale": 2,
                 "roundingMode": "ROUND_HALF_EVEN", "x-extra": [1, -2, 0.5, null, {"k": true}]},
                {"name": "rec", "type": "RECORD", "mode": "REPEATED",
                 "fields": [{"name": "t", "type": "TIMESTAMP", "timestampPrecision": 12}]}]"#,
        )
        .unwrap();
        let code = schema_fn("build_t", &schema);
        assert!(code.starts_with("fn build_t() -> ::bqcodec::TableSchema {\n"));
        for needle in [
            r#"let mut f = ::bqcodec::Field::new("id", ::bqcodec::FieldType::Int64);"#,
            r#"::bqcodec::Field::new("r", ::bqcodec::FieldType::Range(::bqcodec::schema::RangeElementType::Date)),"#,
            "f.mode = ::bqcodec::Mode::Required;",
            r#"f.description = ::std::option::Option::Some(::std::string::String::from("the \"id\""));"#,
            "f.precision = ::std::option::Option::Some(10);",
            "f.scale = ::std::option::Option::Some(2);",
            "f.rounding_mode = ::std::option::Option::Some(::bqcodec::schema::RoundingMode::RoundHalfEven);",
            "Value::from(1_u64), ::bqcodec::build::__private::serde_json::Value::from(-2_i64)",
            "Number::from_f64(0.5_f64)",
            "f.mode = ::bqcodec::Mode::Repeated;",
            "f.timestamp_precision = ::std::option::Option::Some(12);",
        ] {
            assert!(code.contains(needle), "missing {needle} in\n{code}");
        }
        // Brackets balance (a cheap check that the nesting is closed).
        let opens = code.matches(['{', '[', '(']).count();
        let closes = code.matches(['}', ']', ')']).count();
        assert_eq!(opens, closes, "{code}");
    }

    #[test]
    fn an_empty_schema_has_no_fields() {
        let code = schema_fn("build_e", &TableSchema::default());
        assert_eq!(
            code,
            "fn build_e() -> ::bqcodec::TableSchema {\n    ::bqcodec::TableSchema::new(::std::vec::Vec::new())\n}\n"
        );
    }
}
