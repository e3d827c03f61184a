//! Differential check of the protobuf path against the official Node client,
//! `@google-cloud/bigquery-storage` (its `adapt` descriptor builder and the
//! managedwriter `JSONEncoder`), version pinned in tests/node/package.json.
//!
//! The same schemas and rows go through both. Both outputs are decoded by
//! prost-reflect, each with its own descriptor, and turned into canonical
//! BigQuery values by [`canon`] (written here, from the specs: days to dates,
//! CivilTime bit fields, BigDecimal bytes, decimal text, JSON text parsed);
//! the results must be equal. The descriptors are compared column by column
//! (field number, label, proto type, packing), found by BigQuery column name
//! through the `column_name` option, so placeholder and message names may
//! differ. Every place where the two differ is a case below that asserts the
//! exact difference, and is written up in docs/node-differences.md.
//!
//! Runs when `node` and `npm` are on PATH; scripts/node-env.sh installs the
//! client once into target/node (about 20 s, 70 MB). Without them the test
//! prints why it skipped.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use bqcodec::TableSchema;
use bqcodec::plan::WalkOptions;
use bqcodec::proto::{DescriptorOptions, Profile, ProtoWriter};
use prost::Message;
use prost_reflect::{
    DescriptorPool, DynamicMessage, Kind, MessageDescriptor, ReflectMessage, Value,
};
use serde_json::{Value as J, json};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------
// Running the Node client
// ---------------------------------------------------------------------------

/// NODE_PATH of the installed client, or `None` after printing why not.
/// Installs once per test binary (the tests run in parallel threads).
fn node_path() -> Option<String> {
    static PATH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    PATH.get_or_init(install_node_client).clone()
}

fn install_node_client() -> Option<String> {
    let runs = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !runs("node") || !runs("npm") {
        eprintln!(
            "SKIPPED the Node differential check: node and npm are needed on PATH (Debian: apt-get install nodejs npm)"
        );
        return None;
    }
    let out = Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/node-env.sh"))
        .output()
        .expect("bash runs scripts/node-env.sh");
    assert!(
        out.status.success(),
        "scripts/node-env.sh failed (it needs the npm registry):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// What the Node client made of one case.
enum NodeOut {
    /// The client refused the schema.
    SchemaError(String),
    /// The descriptor and, per row, its bytes or the client's error.
    Encoded {
        pool_root: MessageDescriptor,
        rows: Vec<Result<Vec<u8>, String>>,
    },
}

fn run_node(node_path: &str, cases: &[&Case]) -> (String, Vec<NodeOut>) {
    use std::io::Write;
    let input = json!({"cases": cases.iter().map(|c| json!({
        "fields": c.fields, "rows": c.rows, "coerce": c.coerce, "cdc": c.cdc
    })).collect::<Vec<_>>()});
    let mut child = Command::new("node")
        .arg(Path::new(ROOT).join("tests/node/encode.js"))
        .env("NODE_PATH", node_path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(input.to_string().as_bytes())
        .expect("stdin written");
    drop(stdin);
    let out = child.wait_with_output().expect("node finishes");
    assert!(
        out.status.success(),
        "tests/node/encode.js failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: J = serde_json::from_slice(&out.stdout).expect("driver output is JSON");
    let version = format!(
        "@google-cloud/bigquery-storage {} on node {}",
        v["version"].as_str().unwrap_or("?"),
        v["node"].as_str().unwrap_or("?")
    );
    let outs = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            if let Some(e) = c["error"].as_str() {
                return NodeOut::SchemaError(e.to_owned());
            }
            let dp = base64_decode(c["descriptor"].as_str().expect("descriptor"));
            let rows = c["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .map(|r| match r["hex"].as_str() {
                    Some(h) => Ok(unhex(h)),
                    None => Err(r["error"].as_str().unwrap_or("?").to_owned()),
                })
                .collect();
            NodeOut::Encoded {
                pool_root: load_descriptor_proto(&dp),
                rows,
            }
        })
        .collect();
    (version, outs)
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn put_len_field(out: &mut Vec<u8>, number: u32, body: &[u8]) {
    let mut key = (u64::from(number) << 3) | 2;
    let mut len = body.len() as u64;
    for v in [&mut key, &mut len] {
        loop {
            let byte = (*v & 0x7f) as u8;
            *v >>= 7;
            if *v == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out.extend_from_slice(body);
}

/// Loads a bare `DescriptorProto` (what the Storage Write API receives) by
/// wrapping its bytes, unchanged, in a proto2 file of a one-file set, so the
/// field options (and `column_name`) survive.
fn load_descriptor_proto(dp: &[u8]) -> MessageDescriptor {
    let mut file = Vec::new();
    put_len_field(&mut file, 1, b"node_peer.proto");
    put_len_field(&mut file, 4, dp);
    put_len_field(&mut file, 12, b"proto2");
    let mut set = Vec::new();
    put_len_field(&mut set, 1, &file);
    let pool = DescriptorPool::decode(set.as_slice()).expect("the Node descriptor loads");
    let name = pool
        .all_messages()
        .find(|m| m.parent_message().is_none())
        .expect("a root message")
        .full_name()
        .to_owned();
    pool.get_message_by_name(&name).expect("root")
}

// ---------------------------------------------------------------------------
// Canonical BigQuery values from a decoded message
// ---------------------------------------------------------------------------

fn varint(b: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*pos)?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The `column_name` option (FieldOptions extension 454943157) from the raw
/// option bytes; field number from googleapis'
/// google/cloud/bigquery/storage/v1/annotations.proto.
fn column_name(fd: &prost_reflect::FieldDescriptor) -> String {
    let b = fd.options().encode_to_vec();
    let mut pos = 0;
    while pos < b.len() {
        let Some(key) = varint(&b, &mut pos) else {
            break;
        };
        match key & 7 {
            0 => {
                varint(&b, &mut pos);
            }
            1 => pos += 8,
            5 => pos += 4,
            2 => {
                let len = varint(&b, &mut pos).unwrap_or(0) as usize;
                if key >> 3 == 454_943_157 {
                    return String::from_utf8_lossy(&b[pos..pos + len]).into_owned();
                }
                pos += len;
            }
            _ => break,
        }
    }
    fd.name().to_owned()
}

fn field_by_column(m: &MessageDescriptor, col: &str) -> Option<prost_reflect::FieldDescriptor> {
    m.fields().find(|f| column_name(f) == col)
}

/// (year, month, day) of days since 1970-01-01 (H. Hinnant's `civil_from_days`,
/// http://howardhinnant.github.io/date_algorithms.html).
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The canonical decimal text of `[-]digits × 10^exp`: no exponent, no
/// trailing fractional zeros, `0` for zero.
fn decimal_text(neg: bool, digits: &str, exp: i64) -> String {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return "0".into();
    }
    let n = digits.len() as i64;
    let (int, frac) = if exp >= 0 {
        (
            format!("{digits}{}", "0".repeat(exp as usize)),
            String::new(),
        )
    } else if -exp >= n {
        (
            "0".to_owned(),
            format!("{}{digits}", "0".repeat((-exp - n) as usize)),
        )
    } else {
        let cut = (n + exp) as usize;
        (digits[..cut].to_owned(), digits[cut..].to_owned())
    };
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Decimal text in any JSON-number-like spelling (`1.50e+2`, `-0.1`, `5.`)
/// to its canonical text; anything else is returned marked as not a number.
fn norm_decimal(s: &str) -> String {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()),
        None => (rest, Some(0)),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let ok = !(int.is_empty() && frac.is_empty())
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    match (ok, exp) {
        (true, Some(e)) => decimal_text(neg, &format!("{int}{frac}"), e - frac.len() as i64),
        _ => format!("not a decimal: {s}"),
    }
}

/// BigDecimal bytes (little-endian two's complement of value × 10^scale) to text.
fn bigdecimal(b: &[u8], scale: i64) -> String {
    if b.is_empty() || b.len() > 32 {
        return format!("bad BigDecimal bytes: {}", hex(b));
    }
    let fill = if b[b.len() - 1] & 0x80 != 0 { 0xff } else { 0 };
    let mut le = [fill; 32];
    le[..b.len()].copy_from_slice(b);
    let v = ethnum::I256::from_le_bytes(le);
    let text = v.to_string();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.as_str()),
    };
    decimal_text(neg, digits, -scale)
}

fn time_text(h: i64, mi: i64, s: i64, us: i64) -> String {
    format!("{h:02}:{mi:02}:{s:02}.{us:06}")
}

/// CivilTime packed micros (the Java client's CivilTimeEncoder layout):
/// TIME in the low 37 bits, the date above it for DATETIME.
fn unpack(v: i64, with_date: bool) -> String {
    let us = v & 0xF_FFFF;
    let secs = v >> 20;
    let t = time_text((secs >> 12) & 0x1F, (secs >> 6) & 0x3F, secs & 0x3F, us);
    if with_date {
        format!(
            "{:04}-{:02}-{:02} {t}",
            (secs >> 26) & 0x3FFF,
            (secs >> 22) & 0xF,
            (secs >> 17) & 0x1F
        )
    } else {
        t
    }
}

/// TIME literal `H:M:S[.F]` to `HH:MM:SS.ffffff`.
fn norm_time(s: &str) -> Option<String> {
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let parts: Vec<i64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, sec] = parts[..] else {
        return None;
    };
    if frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let us = format!("{frac:0<6}").parse().ok()?;
    Some(time_text(h, mi, sec, us))
}

/// DATETIME literal `Y-M-D[( |T)H:M:S[.F]]` to `YYYY-MM-DD HH:MM:SS.ffffff`.
fn norm_datetime(s: &str) -> String {
    let (date, time) = s.split_once([' ', 'T']).unwrap_or((s, "0:0:0"));
    let ymd: Option<Vec<i64>> = date.split('-').map(|p| p.parse().ok()).collect();
    match (ymd.as_deref(), norm_time(time)) {
        (Some([y, m, d]), Some(t)) => format!("{y:04}-{m:02}-{d:02} {t}"),
        _ => format!("not a DATETIME: {s}"),
    }
}

/// A UTC picosecond TIMESTAMP literal `Y-M-D(T| )H:M:S[.F]Z` to
/// `YYYY-MM-DD HH:MM:SS.ffffffffffff` (twelve digits).
fn norm_picos(s: &str) -> String {
    let bad = || format!("not a UTC TIMESTAMP: {s}");
    let Some(body) = s.strip_suffix(['Z', 'z']) else {
        return bad();
    };
    let Some((date, time)) = body.split_once([' ', 'T', 't']) else {
        return bad();
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    if frac.len() > 12 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return bad();
    }
    let ints =
        |t: &str, sep: char| -> Option<Vec<i64>> { t.split(sep).map(|p| p.parse().ok()).collect() };
    match (ints(date, '-').as_deref(), ints(hms, ':').as_deref()) {
        (Some([y, m, d]), Some([h, mi, se])) => {
            format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{se:02}.{frac:0<12}")
        }
        _ => bad(),
    }
}

fn mismatch(ty: &str, v: &Value) -> J {
    json!(format!("{ty} held as {v:?}"))
}

/// One BigQuery value of type `ty` (a REST field object) from the proto value.
fn canon_leaf(field: &J, ty: &str, v: &Value) -> J {
    match (ty, v) {
        ("BOOL" | "BOOLEAN", Value::Bool(b)) => json!(b),
        ("INT64" | "INTEGER", Value::I64(i)) => json!(i.to_string()),
        ("FLOAT64" | "FLOAT", Value::F64(f)) => json!(format!("{f:?}")),
        ("STRING" | "GEOGRAPHY", Value::String(s)) => json!(s),
        ("BYTES", Value::Bytes(b)) => json!(hex(b)),
        ("NUMERIC", Value::Bytes(b)) => json!(bigdecimal(b, 9)),
        ("BIGNUMERIC", Value::Bytes(b)) => json!(bigdecimal(b, 38)),
        ("NUMERIC" | "BIGNUMERIC", Value::String(s)) => json!(norm_decimal(s)),
        ("DATE", Value::I32(d)) => {
            let (y, m, d) = civil(i64::from(*d));
            json!(format!("{y:04}-{m:02}-{d:02}"))
        }
        ("DATETIME", Value::I64(p)) => json!(unpack(*p, true)),
        ("DATETIME", Value::String(s)) => json!(norm_datetime(s)),
        ("TIME", Value::I64(p)) => json!(unpack(*p, false)),
        ("TIME", Value::String(s)) => {
            json!(norm_time(s).unwrap_or_else(|| format!("not a TIME: {s}")))
        }
        ("TIMESTAMP", Value::I64(us)) => json!(format!("{us} µs")),
        ("TIMESTAMP", Value::String(s)) if field["timestampPrecision"] == json!(12) => {
            json!(norm_picos(s))
        }
        ("JSON", Value::String(s)) => serde_json::from_str::<J>(s)
            .map(|j| json!({"json": j}))
            .unwrap_or_else(|_| json!(format!("not JSON text: {s}"))),
        _ => mismatch(ty, v),
    }
}

fn canon_value(field: &J, v: &Value) -> J {
    let ty = field["type"].as_str().unwrap_or("?").to_uppercase();
    match (ty.as_str(), v) {
        ("RECORD" | "STRUCT", Value::Message(m)) => canon(field["fields"].as_array().unwrap(), m),
        ("RANGE", Value::Message(m)) => {
            let et = field["rangeElementType"]["type"]
                .as_str()
                .unwrap_or("?")
                .to_uppercase();
            let end = |name: &str| match m.descriptor().get_field_by_name(name) {
                Some(fd) if m.has_field(&fd) => canon_leaf(&json!({}), &et, &m.get_field(&fd)),
                Some(_) => J::Null,
                None => json!("no such field"),
            };
            json!({"start": end("start"), "end": end("end")})
        }
        (t, v) => canon_leaf(field, t, v),
    }
}

/// The row as canonical BigQuery values, keyed by column name in schema
/// order: NULL is `null`, an empty or absent REPEATED column `[]`.
fn canon(fields: &[J], msg: &DynamicMessage) -> J {
    let mut out = serde_json::Map::new();
    for f in fields {
        let name = f["name"].as_str().unwrap();
        let repeated = f["mode"].as_str() == Some("REPEATED");
        let v = match field_by_column(&msg.descriptor(), name) {
            None => json!("no field for this column"),
            Some(fd) if !msg.has_field(&fd) => {
                if repeated {
                    json!([])
                } else {
                    J::Null
                }
            }
            Some(fd) => match msg.get_field(&fd).as_ref() {
                Value::List(items) if repeated => {
                    J::Array(items.iter().map(|x| canon_value(f, x)).collect())
                }
                other => canon_value(f, other),
            },
        };
        out.insert(name.to_owned(), v);
    }
    J::Object(out)
}

/// Column path → (field number, label, proto type, packed), for every
/// field of the descriptor, found by column name.
fn shape(m: &MessageDescriptor, prefix: &str, out: &mut Vec<(String, String)>) {
    for fd in m.fields() {
        let path = format!("{prefix}{}", column_name(&fd));
        let kind = match fd.kind() {
            Kind::Message(sub) => {
                shape(&sub, &format!("{path}."), out);
                "message".to_owned()
            }
            k => format!("{k:?}").to_lowercase(),
        };
        out.push((
            path,
            format!(
                "{} {:?} {kind}{}",
                fd.number(),
                fd.cardinality(),
                if fd.is_packed() { " packed" } else { "" }
            ),
        ));
    }
}

fn shapes(m: &MessageDescriptor) -> Vec<(String, String)> {
    let mut out = Vec::new();
    shape(m, "", &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------

/// What the comparison of a case must show.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// Same descriptor shape (text profile) and the same values for every row.
    Same,
    /// The Node client refuses the schema with a message containing this.
    NodeRefusesSchema(&'static str),
    /// These rows (by index) differ as given; every other row is the same.
    /// Per row: `Ok(node's canonical row)` or `Err(node's error text part)`,
    /// and `Ok(ours)` or `Err(our error text part)`.
    Rows(Vec<RowDiff>),
}

/// A row that differs: its index, then Node's canonical row or a part of
/// Node's error, then ours or a part of our error.
type RowDiff = (usize, Result<J, &'static str>, Result<J, &'static str>);

struct Case {
    name: &'static str,
    fields: J,
    rows: Vec<J>,
    coerce: bool,
    cdc: bool,
    expect: Expect,
}

fn case(name: &'static str, fields: J, rows: Vec<J>) -> Case {
    Case {
        name,
        fields,
        rows,
        coerce: true,
        cdc: false,
        expect: Expect::Same,
    }
}

impl Case {
    fn raw(mut self) -> Self {
        self.coerce = false;
        self
    }
    fn cdc(mut self) -> Self {
        self.cdc = true;
        self
    }
    fn expect(mut self, e: Expect) -> Self {
        self.expect = e;
        self
    }
}

/// Every type both clients support (all but INTERVAL), every mode.
fn all_types_fields() -> J {
    json!([
        {"name": "b", "type": "BOOL"},
        {"name": "i", "type": "INT64", "mode": "REQUIRED"},
        {"name": "f", "type": "FLOAT64"},
        {"name": "n", "type": "NUMERIC"},
        {"name": "bn", "type": "BIGNUMERIC"},
        {"name": "s", "type": "STRING"},
        {"name": "by", "type": "BYTES"},
        {"name": "d", "type": "DATE"},
        {"name": "dt", "type": "DATETIME"},
        {"name": "t", "type": "TIME"},
        {"name": "ts", "type": "TIMESTAMP"},
        {"name": "ts12", "type": "TIMESTAMP", "timestampPrecision": 12},
        {"name": "g", "type": "GEOGRAPHY"},
        {"name": "j", "type": "JSON"},
        {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}},
        {"name": "rdt", "type": "RANGE", "rangeElementType": {"type": "DATETIME"}},
        {"name": "rts", "type": "RANGE", "rangeElementType": {"type": "TIMESTAMP"}},
        {"name": "ri", "type": "INT64", "mode": "REPEATED"},
        {"name": "rf", "type": "FLOAT64", "mode": "REPEATED"},
        {"name": "rb", "type": "BOOL", "mode": "REPEATED"},
        {"name": "rdd", "type": "DATE", "mode": "REPEATED"},
        {"name": "rn", "type": "NUMERIC", "mode": "REPEATED"},
        {"name": "rs", "type": "STRING", "mode": "REPEATED"},
        {"name": "status", "type": "STRING", "mode": "REQUIRED", "defaultValueExpression": "'NEW'"},
        {"name": "rec", "type": "RECORD", "fields": [
            {"name": "x", "type": "INT64"},
            {"name": "sub", "type": "RECORD", "mode": "REQUIRED", "fields": [
                {"name": "z", "type": "FLOAT64"},
                {"name": "zd", "type": "DATE", "mode": "REPEATED"},
                {"name": "zt", "type": "TIME"}
            ]}
        ]},
        {"name": "rrec", "type": "RECORD", "mode": "REPEATED", "fields": [
            {"name": "k", "type": "STRING", "mode": "REQUIRED"},
            {"name": "v", "type": "NUMERIC"},
            {"name": "w", "type": "DATETIME", "mode": "REPEATED"}
        ]}
    ])
}

/// Rows in forms both clients take (with the Node user's Date/PreciseDate
/// for DATE/TIMESTAMP strings: `coerce`).
fn all_types_rows() -> Vec<J> {
    vec![
        json!({"b": true, "i": "9007199254740993", "f": 1.5, "n": "123.456789012",
               "bn": "-1.00000000000000000000000000000000000001", "s": "héllo", "by": "AAEC/w==",
               "d": "2024-02-29", "dt": "2024-02-29 13:14:15.123456", "t": "23:59:59.999999",
               "ts": "2024-02-29T13:14:15.123456Z", "ts12": "2024-02-29T13:14:15.123456789012Z",
               "g": "POINT(1 2)", "j": {"a": [1, 2, {"b": null}]},
               "rd": {"start": "2024-01-01", "end": "2024-12-31"},
               "rdt": {"start": "2024-01-01 00:00:00", "end": null},
               "rts": {"start": null, "end": "2024-01-01T00:00:00Z"},
               "ri": [1, -2, 3], "rf": [0.5, -1e300], "rb": [true, false], "rdd": ["1970-01-01", 18262],
               "rn": ["0.1", 2.3, "-99999999999999999999999999999.999999999"], "rs": ["a", "", "c"],
               "status": "OLD",
               "rec": {"x": 42, "sub": {"z": -0.25, "zd": ["1970-01-01", "1969-12-31"], "zt": "00:00:00"}},
               "rrec": [{"k": "one", "v": "1", "w": ["0001-01-01 00:00:00", "9999-12-31 23:59:59.999999"]},
                        {"k": "two", "v": null}]}),
        json!({"i": 0, "b": false, "f": -0.0, "n": "0", "s": null, "ri": [], "rrec": [], "rec": {"sub": {}}}),
        json!({"i": -1, "d": "0001-01-01", "dt": "9999-12-31T23:59:59.999999", "ts": "0001-01-01T00:00:00Z",
               "n": "-99999999999999999999999999999.999999999", "f": 1e308, "t": "0:0:0", "j": "[1,\"x\"]",
               "bn": "578960446186580977117854925043439539266.34992332820282019728792003956564819967",
               "by": "", "s": "", "rts": {"start": "2024-02-29T00:00:00.000001Z", "end": null},
               "ts12": "0001-01-01T00:00:00.000000000000Z"}),
        json!({"i": "-9223372036854775808", "ts": 1_709_212_455_123_456_i64, "d": 19782, "f": "NaN",
               "rf": ["Infinity", "-Infinity"], "dt": "2024-2-9 1:2:3", "j": "{\"k\": 1.5}",
               "n": "1e-9", "rdd": [-719_162, 2_932_896], "by": "AAEC_w", "rb": [1, 0], "t": "1:2:3.4"}),
    ]
}

fn loose_fields() -> J {
    json!([
        {"name": "s", "type": "STRING"}, {"name": "i", "type": "INT64"}, {"name": "g", "type": "GEOGRAPHY"},
        {"name": "rd", "type": "RANGE", "rangeElementType": {"type": "DATE"}}, {"name": "by", "type": "BYTES"},
        {"name": "f", "type": "FLOAT64"}, {"name": "rb", "type": "BOOL", "mode": "REPEATED"}, {"name": "j", "type": "JSON"}
    ])
}

/// A canonical row of [`loose_fields`]: every column NULL (or `[]`) but `set`.
fn loose(set: J) -> J {
    let mut row = json!({"s": null, "i": null, "g": null, "rd": null, "by": null, "f": null, "rb": [], "j": null});
    for (k, v) in set.as_object().unwrap() {
        row[k] = v.clone();
    }
    row
}

fn cases() -> Vec<Case> {
    let placeholder = json!([{"name": "é", "type": "INT64"}, {"name": "é>", "type": "INT64"}]);
    vec![
        case("all types", all_types_fields(), all_types_rows()),
        case(
            "flexible column names",
            json!([
                {"name": "first name", "type": "STRING"},
                {"name": "名前", "type": "STRING", "mode": "REQUIRED"},
                {"name": "zip-code", "type": "INT64", "mode": "REPEATED"},
                {"name": "1st", "type": "BOOL"},
                {"name": "x&y%z=w+v:u'<t>#s|r", "type": "DATE"},
                {"name": "addr", "type": "RECORD", "fields": [
                    {"name": "c-d", "type": "NUMERIC"}, {"name": "é", "type": "STRING", "mode": "REPEATED"}
                ]},
                {"name": "col_first_name", "type": "STRING"}
            ]),
            vec![
                json!({"first name": "Ada", "名前": "エイダ", "zip-code": [75001, 10115], "1st": true,
                       "x&y%z=w+v:u'<t>#s|r": "2020-01-01", "addr": {"c-d": "1.5", "é": ["e", "é"]},
                       "col_first_name": "real"}),
                json!({"名前": "", "zip-code": []}),
            ],
        ),
        // Node derives a nested message's name from the column name, so a
        // RECORD whose name is not a proto identifier cannot be built.
        case(
            "RECORD with a flexible name",
            json!([{"name": "a b", "type": "RECORD", "fields": [{"name": "x", "type": "INT64"}]}]),
            vec![json!({"a b": {"x": 1}})],
        )
        .expect(Expect::NodeRefusesSchema("illegal type name")),
        // Node names both messages `root_a_b`; the second definition wins, so
        // `a_b.x` is typed as a string (and 1 is sent as "1").
        case(
            "RECORD a_b beside RECORD a.b",
            json!([
                {"name": "a_b", "type": "RECORD", "fields": [{"name": "x", "type": "INT64"}]},
                {"name": "a", "type": "RECORD", "fields": [
                    {"name": "b", "type": "RECORD", "fields": [{"name": "x", "type": "STRING"}]}
                ]}
            ]),
            vec![json!({"a_b": {"x": 1}, "a": {"b": {"x": "s"}}})],
        )
        .expect(Expect::Rows(vec![(
            0,
            Ok(json!({"a_b": {"x": "INT64 held as String(\"1\")"}, "a": {"b": {"x": "s"}}})),
            Ok(json!({"a_b": {"x": "1"}, "a": {"b": {"x": "s"}}})),
        )])),
        // base64("é") = "w6k=", base64("é>") = "w6k+": both become `field_w6k`.
        case("placeholders from base64", placeholder, vec![json!({"é": 1, "é>": 2})])
            .expect(Expect::NodeRefusesSchema("duplicate name 'field_w6k'")),
        case(
            "INTERVAL",
            json!([{"name": "iv", "type": "INTERVAL"}]),
            vec![json!({"iv": "1-2 3 4:5:6.789"})],
        )
        .expect(Expect::NodeRefusesSchema("not supported")),
        // What a user may hand to the client as-is (no Date/PreciseDate).
        case(
            "values passed as JSON gives them",
            json!([
                {"name": "d", "type": "DATE"},
                {"name": "ts", "type": "TIMESTAMP"},
                {"name": "b", "type": "BOOL"},
                {"name": "i", "type": "INT64"},
                {"name": "n", "type": "NUMERIC"}
            ]),
            vec![
                json!({"d": "2024-02-29"}),
                json!({"ts": "2024-02-29T13:14:15Z"}),
                json!({"b": "false"}),
                json!({"i": "abc"}),
                json!({"n": "abc"}),
                json!({"d": 19782, "ts": 1_709_212_455_000_000_i64, "b": false, "i": "12", "n": "1.5"}),
            ],
        )
        .raw()
        .expect(Expect::Rows(vec![
            (
                0,
                Ok(json!({"d": "1970-01-01", "ts": null, "b": null, "i": null, "n": null})),
                Ok(json!({"d": "2024-02-29", "ts": null, "b": null, "i": null, "n": null})),
            ),
            (1, Err("interior hyphen"), Ok(json!({"d": null, "ts": "1709212455000000 µs", "b": null, "i": null, "n": null}))),
            (
                2,
                Ok(json!({"d": null, "ts": null, "b": true, "i": null, "n": null})),
                Ok(json!({"d": null, "ts": null, "b": false, "i": null, "n": null})),
            ),
            (
                3,
                Ok(json!({"d": null, "ts": null, "b": null, "i": "0", "n": null})),
                Err("expected INT64"),
            ),
            (
                4,
                Ok(json!({"d": null, "ts": null, "b": null, "i": null, "n": "not a decimal: abc"})),
                Err("expected NUMERIC"),
            ),
        ])),
        // protobufjs converts whatever it is given to the field's proto type.
        case(
            "values Node converts loosely",
            loose_fields(),
            vec![
                json!({"s": 5}),
                json!({"i": 1.5}),
                json!({"i": -1.5}),
                json!({"i": "1e3"}),
                json!({"i": " 12"}),
                json!({"g": {"type": "Point", "coordinates": [1, 2]}}),
                json!({"g": "point(1 2)"}),
                json!({"rd": "[2024-01-01, UNBOUNDED)"}),
                json!({"by": "not base64!"}),
                json!({"f": "abc"}),
                json!({"j": "not json"}),
                json!({"s": true}),
                json!({"rb": [1, 0], "i": "1000", "g": "POINT(1 2)", "f": "1.5"}),
            ],
        )
        .raw()
        .expect(Expect::Rows(vec![
            (0, Ok(loose(json!({"s": "5"}))), Err("expected STRING")),
            (1, Ok(loose(json!({"i": "1"}))), Err("expected INT64")),
            (2, Ok(loose(json!({"i": "-1"}))), Err("expected INT64")),
            (3, Ok(loose(json!({"i": "1"}))), Ok(loose(json!({"i": "1000"})))),
            (4, Ok(loose(json!({"i": "12"}))), Err("expected INT64")),
            (5, Err("must be of type string"), Ok(loose(json!({"g": "POINT(1 2)"})))),
            (6, Ok(loose(json!({"g": "point(1 2)"}))), Ok(loose(json!({"g": "POINT(1 2)"})))),
            (
                7,
                Ok(loose(json!({"rd": {"start": null, "end": null}}))),
                Ok(loose(json!({"rd": {"start": "2024-01-01", "end": null}}))),
            ),
            (8, Ok(loose(json!({"by": "9e8b5b6ac7ba"}))), Err("expected BYTES")),
            (9, Ok(loose(json!({"f": "NaN"}))), Err("expected FLOAT64")),
            (10, Ok(loose(json!({"j": "not JSON text: not json"}))), Err("expected JSON")),
        ])),
        // JSON.parse turns a number into an f64 before the client sees it.
        case(
            "JSON numbers beyond f64",
            json!([{"name": "i", "type": "INT64"}, {"name": "n", "type": "NUMERIC"}, {"name": "bn", "type": "BIGNUMERIC"}]),
            vec![
                json!({"i": 9_007_199_254_740_993_i64}),
                // serde_json keeps this as text only as a string; the row text is
                // patched below to carry the bare number.
                json!({"n": "__BARE__12345678901234567890.123"}),
                json!({"i": 9_007_199_254_740_992_i64, "n": 2.3, "bn": 0.1}),
            ],
        )
        .expect(Expect::Rows(vec![
            (0, Ok(json!({"i": "9007199254740992", "n": null, "bn": null})), Ok(json!({"i": "9007199254740993", "n": null, "bn": null}))),
            (
                1,
                Ok(json!({"i": null, "n": "12345678901234567000", "bn": null})),
                Ok(json!({"i": null, "n": "12345678901234567890.123", "bn": null})),
            ),
        ])),
        // @google-cloud/precise-date reads a sub-second instant before 1970
        // one second late.
        case(
            "TIMESTAMP before 1970 with a fraction",
            json!([{"name": "ts", "type": "TIMESTAMP"}]),
            vec![
                json!({"ts": "1969-12-31T23:59:59.999999Z"}),
                json!({"ts": "1969-12-31T23:59:59.5Z"}),
                json!({"ts": "1969-12-31T23:59:59Z"}),
                json!({"ts": "1969-07-20T20:17:40Z"}),
            ],
        )
        .expect(Expect::Rows(vec![
            (0, Ok(json!({"ts": "999999 µs"})), Ok(json!({"ts": "-1 µs"}))),
            (1, Ok(json!({"ts": "500000 µs"})), Ok(json!({"ts": "-500000 µs"}))),
        ])),
        // Node checks no REQUIRED field and drops unknown keys silently.
        case(
            "REQUIRED and unknown keys",
            json!([{"name": "id", "type": "INT64", "mode": "REQUIRED"}, {"name": "s", "type": "STRING"}]),
            vec![json!({"s": "no id"}), json!({"id": 1, "zz": 2}), json!({"id": null})],
        )
        .expect(Expect::Rows(vec![
            (0, Ok(json!({"id": null, "s": "no id"})), Err("REQUIRED")),
            (1, Ok(json!({"id": "1", "s": null})), Err("unknown field")),
            (2, Ok(json!({"id": null, "s": null})), Err("REQUIRED")),
        ])),
        // CDC pseudo-columns: same values, other field numbers and labels
        // (checked in `cdc_columns_differ_only_in_number_and_label`).
        case(
            "CDC pseudo-columns",
            json!([{"name": "id", "type": "INT64"}]),
            vec![json!({"id": 1, "_CHANGE_TYPE": "UPSERT", "_CHANGE_SEQUENCE_NUMBER": "FF/1A"})],
        )
        .cdc(),
    ]
}

/// The row text for our encoder: `"__BARE__…"` strings become bare numbers.
fn row_text(row: &J) -> String {
    let text = row.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("\"__BARE__") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 9..];
        let end = after.find('"').unwrap();
        out.push_str(&after[..end]);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn node_rows(c: &Case) -> Vec<J> {
    c.rows
        .iter()
        .map(|r| serde_json::from_str(&row_text(r)).unwrap_or_else(|_| r.clone()))
        .collect()
}

fn writer(c: &Case, profile: Profile) -> ProtoWriter {
    let schema = TableSchema::from_json(&c.fields.to_string()).expect("schema");
    let opts = DescriptorOptions::default()
        .with_profile(profile)
        .with_cdc(c.cdc);
    ProtoWriter::new(&schema, opts, WalkOptions::new().with_cdc(c.cdc)).expect("writer")
}

/// Our canonical rows (or errors) in one profile.
fn ours(c: &Case, profile: Profile) -> (MessageDescriptor, Vec<Result<J, String>>) {
    let w = writer(c, profile);
    let m = w.proto_schema().message_descriptor().clone();
    let fields = schema_fields(c);
    let rows = c
        .rows
        .iter()
        .map(|r| {
            w.encode_json(row_text(r).as_bytes(), 0)
                .map(|b| {
                    canon(
                        &fields,
                        &DynamicMessage::decode(m.clone(), b.as_slice()).unwrap(),
                    )
                })
                .map_err(|e| e.to_string())
        })
        .collect();
    (m, rows)
}

fn schema_fields(c: &Case) -> Vec<J> {
    let mut fields = c.fields.as_array().unwrap().clone();
    if c.cdc {
        fields.push(json!({"name": "_CHANGE_TYPE", "type": "STRING"}));
        fields.push(json!({"name": "_CHANGE_SEQUENCE_NUMBER", "type": "STRING"}));
    }
    fields
}

/// The proto types our exact profile uses where Node uses `string`.
fn exact_differs(path: &str, fields: &J) -> bool {
    let mut cur = fields.as_array().unwrap().clone();
    let parts: Vec<&str> = path.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        let Some(f) = cur.iter().find(|f| f["name"] == json!(p)).cloned() else {
            return false;
        };
        let ty = f["type"].as_str().unwrap_or("");
        if i + 1 == parts.len() {
            return matches!(ty, "NUMERIC" | "BIGNUMERIC" | "DATETIME" | "TIME");
        }
        if ty == "RANGE" {
            let et = f["rangeElementType"]["type"].as_str().unwrap_or("");
            return et == "DATETIME";
        }
        cur = f["fields"].as_array().cloned().unwrap_or_default();
    }
    false
}

#[test]
fn node_client_agrees_or_differs_as_documented() {
    let Some(node_path) = node_path() else { return };
    let all = cases();
    let node_cases: Vec<Case> = all
        .iter()
        .map(|c| Case {
            name: c.name,
            fields: c.fields.clone(),
            rows: node_rows(c),
            coerce: c.coerce,
            cdc: c.cdc,
            expect: c.expect.clone(),
        })
        .collect();
    let (version, outs) = run_node(&node_path, &node_cases.iter().collect::<Vec<_>>());
    eprintln!("compared with {version}");
    assert_eq!(outs.len(), all.len());
    let mut compared_rows = 0;
    for (c, out) in all.iter().zip(outs) {
        let ctx = c.name;
        let fields = schema_fields(c);
        let (text_desc, text_rows) = ours(c, Profile::Text);
        let (exact_desc, exact_rows) = ours(c, Profile::Exact);
        // Both profiles mean the same values.
        assert_eq!(
            text_rows, exact_rows,
            "{ctx}: text and exact profiles disagree"
        );
        match (&c.expect, out) {
            (Expect::NodeRefusesSchema(part), NodeOut::SchemaError(e)) => {
                assert!(e.contains(part), "{ctx}: Node refused with {e:?}");
                // We accept it and every row decodes to what was given.
                assert!(text_rows.iter().all(Result::is_ok), "{ctx}: {text_rows:?}");
            }
            (_, NodeOut::SchemaError(e)) => panic!("{ctx}: Node refused the schema: {e}"),
            (Expect::NodeRefusesSchema(_), NodeOut::Encoded { .. }) => {
                panic!(
                    "{ctx}: Node accepted the schema (fixed upstream? update docs/node-differences.md)"
                )
            }
            (expect, NodeOut::Encoded { pool_root, rows }) => {
                let node_rows: Vec<Result<J, String>> = rows
                    .into_iter()
                    .map(|r| {
                        r.map(|b| {
                            canon(
                                &fields,
                                &DynamicMessage::decode(pool_root.clone(), b.as_slice()).unwrap(),
                            )
                        })
                    })
                    .collect();
                let differing: Vec<RowDiff> = match expect {
                    Expect::Rows(d) => d.clone(),
                    _ => Vec::new(),
                };
                for (i, (node_row, our_row)) in node_rows.iter().zip(&text_rows).enumerate() {
                    compared_rows += 1;
                    match differing.iter().find(|d| d.0 == i) {
                        // Both refuse the row: they agree.
                        None if node_row.is_err() && our_row.is_err() => {}
                        None => assert_eq!(
                            node_row.as_ref().map_err(|e| e.as_str()),
                            our_row.as_ref().map_err(|e| e.as_str()),
                            "{ctx}: row {i} differs"
                        ),
                        Some((_, want_node, want_ours)) => {
                            assert_ne!(
                                node_row, our_row,
                                "{ctx}: row {i} no longer differs: update the case"
                            );
                            match (want_node, node_row) {
                                (Ok(w), Ok(g)) => assert_eq!(g, w, "{ctx}: Node's row {i}"),
                                (Err(part), Err(g)) => {
                                    assert!(g.contains(part), "{ctx}: Node's error {g}")
                                }
                                (w, g) => {
                                    panic!("{ctx}: Node's row {i}: expected {w:?}, got {g:?}")
                                }
                            }
                            match (want_ours, our_row) {
                                (Ok(w), Ok(g)) => assert_eq!(g, w, "{ctx}: our row {i}"),
                                (Err(part), Err(g)) => {
                                    assert!(g.contains(part), "{ctx}: our error {g}")
                                }
                                (w, g) => panic!("{ctx}: our row {i}: expected {w:?}, got {g:?}"),
                            }
                        }
                    }
                }
                // Descriptor shapes: the text profile matches Node's column
                // for column; the exact profile differs exactly in the
                // NUMERIC/BIGNUMERIC/DATETIME/TIME columns.
                let node_shape = shapes(&pool_root);
                let text_shape = shapes(&text_desc);
                let exact_shape = shapes(&exact_desc);
                if c.cdc {
                    // Compared in cdc_columns_differ_only_in_number_and_label.
                    continue;
                }
                if c.name == "RECORD a_b beside RECORD a.b" {
                    let node_x = node_shape
                        .iter()
                        .find(|(p, _)| p == "a_b.x")
                        .map(|s| s.1.clone());
                    assert_eq!(node_x.as_deref(), Some("1 Optional string"), "{ctx}");
                    let ours_x = text_shape
                        .iter()
                        .find(|(p, _)| p == "a_b.x")
                        .map(|s| s.1.clone());
                    assert_eq!(ours_x.as_deref(), Some("1 Optional int64"), "{ctx}");
                    continue;
                }
                assert_eq!(node_shape, text_shape, "{ctx}: descriptor shapes differ");
                for ((np, ns), (ep, es)) in node_shape.iter().zip(&exact_shape) {
                    assert_eq!(np, ep);
                    assert_eq!(
                        ns != es,
                        exact_differs(np, &c.fields),
                        "{ctx}: {np}: Node {ns}, exact {es}"
                    );
                }
            }
        }
    }
    assert!(compared_rows >= 20, "only {compared_rows} rows compared");
}

#[test]
fn cdc_columns_differ_only_in_number_and_label() {
    let Some(node_path) = node_path() else { return };
    let c = case("cdc", json!([{"name": "id", "type": "INT64"}]), vec![]).cdc();
    let (_, outs) = run_node(&node_path, &[&c]);
    let NodeOut::Encoded { pool_root, .. } = &outs[0] else {
        panic!("Node refused the CDC schema")
    };
    let (ours, _) = self::ours(&c, Profile::Exact);
    let pick = |m: &MessageDescriptor| -> Vec<(String, String)> {
        shapes(m)
            .into_iter()
            .filter(|(p, _)| p.starts_with("_CHANGE"))
            .collect()
    };
    // Node: REQUIRED, numbers 991 and 992 (adapt/proto.js); ours: optional
    // (a row may leave them out, as the CDC docs allow for
    // _CHANGE_SEQUENCE_NUMBER), numbered after the last column.
    assert_eq!(
        pick(pool_root),
        [
            (
                "_CHANGE_SEQUENCE_NUMBER".to_owned(),
                "991 Required string".to_owned()
            ),
            ("_CHANGE_TYPE".to_owned(), "992 Required string".to_owned()),
        ]
    );
    assert_eq!(
        pick(&ours),
        [
            (
                "_CHANGE_SEQUENCE_NUMBER".to_owned(),
                "3 Optional string".to_owned()
            ),
            ("_CHANGE_TYPE".to_owned(), "2 Optional string".to_owned()),
        ]
    );
}

#[test]
fn node_writes_repeated_scalars_unpacked() {
    // Node's descriptor marks repeated int64/double/int32 `packed`, yet its
    // encoder writes one key per element. Both are valid proto2 (parsers must
    // accept either); ours writes the packed form the descriptor declares.
    let Some(node_path) = node_path() else { return };
    let c = case(
        "packing",
        json!([
            {"name": "ri", "type": "INT64", "mode": "REPEATED"},
            {"name": "rf", "type": "FLOAT64", "mode": "REPEATED"},
            {"name": "rd", "type": "DATE", "mode": "REPEATED"}
        ]),
        vec![json!({"ri": [1, 2], "rf": [0.5], "rd": [1, 2]})],
    );
    let (_, outs) = run_node(&node_path, &[&c]);
    let NodeOut::Encoded { pool_root, rows } = &outs[0] else {
        panic!("Node refused the schema")
    };
    let node = rows[0].as_ref().expect("Node encodes the row");
    assert_eq!(hex(node), "0801080211000000000000e03f18011802");
    assert!(pool_root.fields().all(|f| f.is_packed()));
    let w = writer(&c, Profile::Exact);
    let ours = w.encode_json(row_text(&c.rows[0]).as_bytes(), 0).unwrap();
    assert_eq!(hex(&ours), "0a0201021208000000000000e03f1a020102");
}

#[test]
fn canonical_forms_of_the_oracle() {
    // The normaliser itself, on vectors from the specs.
    assert_eq!(norm_decimal("1.50e+2"), "150");
    assert_eq!(norm_decimal("-0.000000001"), "-0.000000001");
    assert_eq!(norm_decimal("1e+21"), "1000000000000000000000");
    assert_eq!(norm_decimal("007.10"), "7.1");
    assert_eq!(norm_decimal("-0"), "0");
    assert_eq!(norm_decimal("abc"), "not a decimal: abc");
    assert_eq!(bigdecimal(&[0x00, 0x92, 0x36, 0xbb, 0x1c], 9), "123.4");
    assert_eq!(bigdecimal(&[0xff], 9), "-0.000000001");
    // CivilTimeEncoderTest (Java client): 0x9C3F3F7EFBF3E58 is
    // 9999-12-31 23:59:59.999, 0xD38F03E80 is 13:14:15.016.
    assert_eq!(
        unpack(0x9C3_F3F7_EFBF_3E58, true),
        "9999-12-31 23:59:59.999000"
    );
    assert_eq!(unpack(0xD_38F0_3E80, false), "13:14:15.016000");
    assert_eq!(
        norm_datetime("2024-2-9T1:2:3.5"),
        "2024-02-09 01:02:03.500000"
    );
    assert_eq!(
        norm_picos("0001-01-01T00:00:00Z"),
        "0001-01-01 00:00:00.000000000000"
    );
    assert_eq!(
        norm_picos("2024-2-9 1:2:3.5z"),
        "2024-02-09 01:02:03.500000000000"
    );
    assert_eq!(civil(-719_162), (1, 1, 1));
    assert_eq!(civil(2_932_896), (9999, 12, 31));
}
