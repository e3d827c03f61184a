//! Structure-aware: from the input bytes (`arbitrary`), a schema (every
//! type and parameter, every mode, RECORDs up to depth 3, flexible column
//! names) and a row that matches it, nearly (wrong kinds, bad literals,
//! NULL elements, missing REQUIRED fields, unknown and duplicate keys,
//! other key case), with walk options; then the row through every encoder:
//! proto (both profiles), Arrow (base and declared decimals, picoseconds as
//! text), insertAll. Asserted:
//! - no panic; a schema one writer refuses, every writer refuses;
//! - proto (exact and text), insertAll and Arrow accept and reject the row
//!   alike, with the same error, except the Arrow-only rejections
//!   (`common::arrow_only`: INTERVAL time part beyond i64 nanoseconds, the
//!   batch byte limit); Arrow with the default `PicosMapping::Reject`
//!   refuses exactly the schemas with a TIMESTAMP(12) column;
//! - proto encode → decode → encode is the identity on bytes, in both
//!   profiles, and both profiles decode to the same canonical JSON;
//! - the Arrow round trip gives the same canonical JSON as the proto one;
//! - the insertAll row object encodes as proto to the same bytes as the row.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use arbitrary::{Result, Unstructured};
use bqcodec::arrow::{ArrowWriter, DecimalMapping, PicosMapping, SchemaOptions};
use bqcodec::insert_all::{InsertAllOptions, InsertAllWriter, InsertIds};
use bqcodec::plan::{KeyMatch, Plan, UnknownKeys, WalkOptions};
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use bqcodec::schema::RangeElementType;
use bqcodec::value::{Policy, numeric::Rounding};
use bqcodec::{Field, FieldType, Mode, TableSchema};
use libfuzzer_sys::fuzz_target;

const MAX_DEPTH: u32 = 3;

const NAMES: &[&str] = &[
    "a",
    "B",
    "id",
    "x2",
    "_x",
    "first name",
    "col-1",
    "名前",
    "Ünïcödé",
    "price€",
    "a/b",
    "CamelCase",
    "camelcase",
    "9lives",
    "_CHANGE_TYPE",
    "_PARTITIONTIME",
    "with space ",
    "",
    "x\u{0301}",
    "emoji😀",
    "tab\tname",
];

const LEAVES: &[FieldType] = &[
    FieldType::Bool,
    FieldType::Int64,
    FieldType::Float64,
    FieldType::Numeric,
    FieldType::BigNumeric,
    FieldType::String,
    FieldType::Bytes,
    FieldType::Date,
    FieldType::Time,
    FieldType::DateTime,
    FieldType::Timestamp,
    FieldType::Geography,
    FieldType::Json,
    FieldType::Interval,
    FieldType::Range(RangeElementType::Date),
    FieldType::Range(RangeElementType::DateTime),
    FieldType::Range(RangeElementType::Timestamp),
];

fn name(u: &mut Unstructured<'_>, taken: &mut Vec<String>) -> Result<String> {
    let mut n = if u.ratio(1, 8)? {
        let s: &str = u.arbitrary()?;
        s.chars().take(12).collect()
    } else {
        (*u.choose(NAMES)?).to_owned()
    };
    // Mostly unique names (case-insensitively), so most schemas are valid;
    // sometimes a duplicate, which must be refused by every writer.
    if taken.iter().any(|t| t.eq_ignore_ascii_case(&n)) && !u.ratio(1, 16)? {
        n = format!("{n}{}", taken.len());
    }
    taken.push(n.clone());
    Ok(n)
}

fn field(u: &mut Unstructured<'_>, depth: u32, taken: &mut Vec<String>) -> Result<Field> {
    let name = name(u, taken)?;
    let record = depth < MAX_DEPTH && u.ratio(1, 5)?;
    let mut f = if record {
        let n = u.int_in_range(1..=4)?;
        let mut sub_taken = Vec::new();
        let mut fields = Vec::with_capacity(n);
        for _ in 0..n {
            fields.push(field(u, depth + 1, &mut sub_taken)?);
        }
        Field::record(name, fields)
    } else {
        Field::new(name, *u.choose(LEAVES)?)
    };
    f.mode = *u.choose(&[
        Mode::Nullable,
        Mode::Nullable,
        Mode::Required,
        Mode::Repeated,
    ])?;
    match f.field_type {
        FieldType::String | FieldType::Bytes if u.ratio(1, 3)? => {
            f.max_length = Some(u.int_in_range(0..=6)?);
        }
        FieldType::Numeric | FieldType::BigNumeric if u.ratio(1, 3)? => {
            let max_scale = if f.field_type == FieldType::Numeric {
                9
            } else {
                38
            };
            let extra = if f.field_type == FieldType::Numeric {
                29
            } else {
                38
            };
            let s = u.int_in_range(0..=max_scale + 1)?;
            f.precision = Some(u.int_in_range(s.max(1)..=s + extra)?);
            f.scale = if s == 0 && u.ratio(1, 2)? {
                None
            } else {
                Some(s)
            };
        }
        FieldType::Timestamp if u.ratio(1, 4)? => f.timestamp_precision = Some(12),
        _ => {}
    }
    if !record && f.mode != Mode::Repeated && depth == 0 && u.ratio(1, 16)? {
        f.default_value_expression = Some("NULL".into());
    }
    Ok(f)
}

fn literals(t: FieldType) -> &'static [&'static str] {
    match t {
        FieldType::Bool => &["true", "false", "\"TRUE\"", "0", "1", "\"yes\"", "2"],
        FieldType::Int64 => &[
            "0",
            "-12",
            "\"9223372036854775807\"",
            "-9223372036854775808",
            "9223372036854775808",
            "1.0",
            "1e3",
            "1.5",
            "\"+007\"",
            "1e19",
        ],
        FieldType::Float64 => &[
            "1.5",
            "-0.0",
            "\"NaN\"",
            "\"-Infinity\"",
            "1e400",
            "5e-324",
            "\"1e3\"",
            "0.1",
            "9007199254740993",
            "\"inf\"",
        ],
        FieldType::Numeric => &[
            "\"1.5\"",
            "2.30",
            "\"99999999999999999999999999999.999999999\"",
            "\"1e-9\"",
            "\"1.0000000005\"",
            "-0.5",
            "1e28",
            "\"-0\"",
            "123.45",
            "\"1.005\"",
        ],
        FieldType::BigNumeric => &[
            "\"578960446186580977117854925043439539266.34992332820282019728792003956564819967\"",
            "\"-578960446186580977117854925043439539266.34992332820282019728792003956564819968\"",
            "\"1e-38\"",
            "0.1",
            "\"1e-39\"",
            "12345678901234567890.5",
        ],
        FieldType::String => &[
            "\"\"",
            "\"héllo\"",
            "\"abcd\"",
            "\"\\u0000\"",
            "\"a\\\"b\"",
            "\"😀😀\"",
        ],
        FieldType::Bytes => &[
            "\"\"",
            "\"AAEC\"",
            "\"_-8\"",
            "\"a\"",
            "\"////\"",
            "\"AA==\"",
            "\"AAECAw\"",
        ],
        FieldType::Date => &[
            "\"2024-02-29\"",
            "\"2023-02-29\"",
            "0",
            "-719162",
            "2932896",
            "2932897",
            "\"9999-12-31\"",
            "\"0001-1-1\"",
            "\"18262\"",
        ],
        FieldType::Time => &[
            "\"13:14:15.123456\"",
            "\"24:00:00\"",
            "\"23:59:60\"",
            "0",
            "\"1:2:3\"",
            "\"12:30\"",
            "\"00:00:00.000000000\"",
            "\"23:59:59.9999999\"",
            "51430879616",
        ],
        FieldType::DateTime => &[
            "\"2024-02-29 13:14:15.123456\"",
            "\"2024-02-29T00:00:00.000000000\"",
            "\"9999-12-31 23:59:59.999999\"",
            "142439176828215872",
            "\"2024-02-29\"",
            "\"0001-01-01T00:00:00\"",
        ],
        FieldType::Timestamp => &[
            "\"2024-02-29T13:14:15.123456Z\"",
            "\"2024-02-29 13:14:15 America/New_York\"",
            "\"0001-01-01 00:00:00+14:00\"",
            "1709230455000000",
            "\"2024-01-01\"",
            "\"2024-02-29T13:14:15.123456789012Z\"",
            "\"9999-12-31 23:59:59.999999 UTC\"",
            "-62135596800000000",
            "\"1677-09-21T00:12:43.145224191Z\"",
            "\"2024-03-10 02:30:00 America/New_York\"",
        ],
        FieldType::Geography => &[
            "\"POINT(1 2)\"",
            "\"{\\\"type\\\":\\\"Point\\\",\\\"coordinates\\\":[1,2]}\"",
            "{\"type\":\"Point\",\"coordinates\":[1,2]}",
            "\"LINESTRING(0 0, 1 1)\"",
            "\"POLYGON((0 0,1 0,1 1,0 0))\"",
            "\"POINT(181 0)\"",
            "\"POINT EMPTY\"",
            "\"MULTIPOINT((1 2),(3 4))\"",
        ],
        FieldType::Json => &[
            "{\"a\":[1,2.50,\"x\"]}",
            "\"{\\\"a\\\":1}\"",
            "[1,2]",
            "1e400",
            "\"not json\"",
            "{\"a\":1,\"a\":2}",
            "\"null\"",
            "12345678901234567890",
            "{}",
        ],
        FieldType::Interval => &[
            "\"1-2 3 4:5:6.5\"",
            "\"P1Y2M3DT4H5M6.5S\"",
            "\"-10000-0 -3660000 -87840000:0:0\"",
            "\"0-0 0 87840000:0:0\"",
            "\"P\"",
            "\"0-0 0 0:0:0.0000001\"",
            "\"PT-1.5S\"",
        ],
        FieldType::Range(RangeElementType::Date) => &[
            "\"[2024-01-01, UNBOUNDED)\"",
            "{\"start\":\"2024-01-01\",\"end\":null}",
            "\"[UNBOUNDED, UNBOUNDED)\"",
            "\"[2024-01-02, 2024-01-01)\"",
            "{\"start\":0}",
            "\"[2024-01-01, 2024-01-01)\"",
        ],
        FieldType::Range(RangeElementType::DateTime) => &[
            "\"[2024-01-01 00:00:00, 2024-01-01 00:00:00.000001)\"",
            "{\"start\":null,\"end\":\"2024-01-01T12:00:00\"}",
            "\"[NULL, NULL)\"",
        ],
        FieldType::Range(RangeElementType::Timestamp) => &[
            "\"[2024-01-01 00:00:00 UTC, UNBOUNDED)\"",
            "{\"start\":\"2024-01-01T00:00:00Z\",\"end\":1709230455000000}",
            "\"[2024-01-01T00:00:00Z,2024-01-01T00:00:00Z)\"",
        ],
        _ => &["{}"],
    }
}

/// Anything, of any type: the "nearly matching" part.
const STRAYS: &[&str] = &[
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[null]",
    "\"2024-01-01\"",
    "1e-400",
    "-0",
    "\"\\ud800\"",
    "[[1]]",
];

fn write_key(out: &mut String, key: &str) {
    out.push_str(&serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into()));
    out.push(':');
}

fn value(u: &mut Unstructured<'_>, f: &Field, out: &mut String, in_list: bool) -> Result<()> {
    if !in_list && f.mode == Mode::Repeated && !u.ratio(1, 10)? {
        out.push('[');
        let n = u.int_in_range(0..=3)?;
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            value(u, f, out, true)?;
        }
        out.push(']');
        return Ok(());
    }
    if u.ratio(1, 12)? {
        out.push_str(u.choose(STRAYS)?);
    } else if u.ratio(1, 16)? {
        let s: &str = u.arbitrary()?;
        write_key(out, s);
        out.pop();
    } else if f.field_type == FieldType::Record {
        record(u, &f.fields, out)?;
    } else {
        out.push_str(u.choose(literals(f.field_type))?);
    }
    Ok(())
}

fn key_for(u: &mut Unstructured<'_>, name: &str) -> Result<String> {
    Ok(if u.ratio(1, 16)? {
        name.to_ascii_uppercase()
    } else {
        name.to_owned()
    })
}

fn record(u: &mut Unstructured<'_>, fields: &[Field], out: &mut String) -> Result<()> {
    out.push('{');
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push(',');
        }
        first = false;
    };
    let mut order: Vec<usize> = (0..fields.len()).collect();
    if u.ratio(1, 4)? {
        order.reverse();
    }
    for i in order {
        let Some(f) = fields.get(i) else { continue };
        // Absent: sometimes, even when REQUIRED (a nearly matching row).
        let absent = if f.mode == Mode::Required { 1 } else { 4 };
        if u.ratio(1, absent * 4)? {
            continue;
        }
        sep(out);
        let key = key_for(u, &f.name)?;
        write_key(out, &key);
        if f.mode != Mode::Required && u.ratio(1, 8)? {
            out.push_str("null");
        } else {
            value(u, f, out, false)?;
        }
        if u.ratio(1, 40)? {
            sep(out);
            write_key(out, &key);
            out.push_str("null");
        }
    }
    if u.ratio(1, 20)? {
        sep(out);
        write_key(out, "unknown_key");
        out.push_str("[1,{\"a\":null}]");
    }
    out.push('}');
    Ok(())
}

struct Case {
    schema: TableSchema,
    walk: WalkOptions,
    row: String,
}

fn case(u: &mut Unstructured<'_>) -> Result<Case> {
    let n = u.int_in_range(1..=6)?;
    let mut taken = Vec::new();
    let mut fields = Vec::with_capacity(n);
    for _ in 0..n {
        fields.push(field(u, 0, &mut taken)?);
    }
    let schema = TableSchema::new(fields);
    let rounding = *u.choose(&[
        Rounding::Reject,
        Rounding::HalfAwayFromZero,
        Rounding::HalfEven,
    ])?;
    let walk = WalkOptions::new()
        .with_unknown_keys(if u.ratio(1, 4)? {
            UnknownKeys::Ignore
        } else {
            UnknownKeys::Reject
        })
        .with_key_match(if u.ratio(1, 4)? {
            KeyMatch::CaseInsensitive
        } else {
            KeyMatch::Exact
        })
        .with_policy(Policy::new().with_rounding(rounding));
    let mut row = String::new();
    record(u, &schema.fields, &mut row)?;
    Ok(Case { schema, walk, row })
}

fn has_picos(fields: &[Field]) -> bool {
    fields
        .iter()
        .any(|f| f.timestamp_precision == Some(12) || has_picos(&f.fields))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(Case { schema, walk, row }) = case(&mut u) else {
        return;
    };
    let proto =
        |p: Profile| ProtoWriter::new(&schema, DescriptorOptions::default().with_profile(p), walk);
    let plan = Plan::compile(&schema, walk);
    let exact = proto(Profile::Exact);
    let text = proto(Profile::Text);
    let insert = InsertAllWriter::new(&schema, walk, InsertIds::None, InsertAllOptions::new());
    let (Ok(plan), Ok(exact), Ok(text), Ok(insert)) = (plan, exact, text, insert) else {
        let verdicts = [
            Plan::compile(&schema, walk).is_ok(),
            proto(Profile::Exact).is_ok(),
            proto(Profile::Text).is_ok(),
            InsertAllWriter::new(&schema, walk, InsertIds::None, InsertAllOptions::new()).is_ok(),
        ];
        assert_eq!(
            verdicts, [false; 4],
            "writers disagree on the schema {schema:?}"
        );
        return;
    };
    assert_eq!(
        ArrowWriter::new(&plan).is_ok(),
        !has_picos(&schema.fields),
        "Arrow's default mapping refuses exactly the TIMESTAMP(12) schemas"
    );

    let bytes = row.as_bytes();
    let pe = exact.encode_json(bytes, 0);
    let pt = text.encode_json(bytes, 0);
    let ia = insert.encode_json(bytes, 0);
    assert_eq!(
        pe.as_ref().err(),
        pt.as_ref().err(),
        "profiles disagree on {row}"
    );
    assert_eq!(
        pe.as_ref().err(),
        ia.as_ref().err(),
        "proto and insertAll disagree on {row}"
    );

    let mut arrow_json = Vec::new();
    for decimals in [DecimalMapping::Base, DecimalMapping::Declared] {
        let options = SchemaOptions::new()
            .with_decimals(decimals)
            .with_picos(PicosMapping::Text);
        let mut w = ArrowWriter::with_options(&plan, &options).unwrap_or_else(|e| panic!("{e}"));
        match (w.push_json(bytes), &pe) {
            (Ok(()), Ok(_)) => {
                let batches = w.finish_batches().unwrap_or_else(|e| panic!("{e}"));
                arrow_json.push(common::decode_arrow(&plan, &batches).remove(&0));
            }
            (Err(a), Ok(_)) => {
                assert!(
                    common::arrow_only(&a.error),
                    "Arrow rejects {row}, proto accepts: {a}"
                )
            }
            (Ok(()), Err(p)) => panic!("Arrow accepts {row}, proto rejects: {p}"),
            (Err(a), Err(p)) => {
                if !common::arrow_only(&a.error) {
                    assert_eq!(&a, p, "Arrow and proto reject {row} differently");
                }
            }
        }
    }

    let (Ok(pe), Ok(pt), Ok((ia, _))) = (pe, pt, ia) else {
        return;
    };
    let mut canonical = None;
    for (w, b) in [(&exact, &pe), (&text, &pt)] {
        let json = w
            .decode(b)
            .unwrap_or_else(|e| panic!("{row}: own proto row: {e}"));
        let again = w
            .encode_json(json.as_bytes(), 0)
            .unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(
            &again, b,
            "encode → decode → encode changed the bytes of {row}"
        );
        match &canonical {
            None => canonical = Some(json),
            Some(c) => assert_eq!(c, &json, "the profiles decode {row} differently"),
        }
    }
    for a in arrow_json {
        assert_eq!(a, canonical, "Arrow and proto round trips of {row} differ");
    }
    let from_insert = exact
        .encode_json(ia.as_bytes(), 0)
        .unwrap_or_else(|e| panic!("insertAll row {ia} of {row} does not encode: {e}"));
    assert_eq!(
        from_insert, pe,
        "insertAll row {ia} of {row} encodes differently"
    );
});
