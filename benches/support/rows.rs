//! Deterministic benchmark data: the 10-column schema of `schemas/bench10.schema.json`
//! (the same columns as the peers' `gen_bench.py`) and a nested 30-column schema, each
//! as NDJSON in canonical form (DATE/TIMESTAMP as strings, JSON as text, BYTES base64)
//! and in "native" form (DATE as int days, TIMESTAMP as int micros).
#![allow(dead_code)]

use std::fmt::Write as _;

/// splitmix64: small, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 10] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
];

fn days_to_ymd(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn date_text(days: i64) -> String {
    let (y, m, d) = days_to_ymd(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn timestamp_text(micros: i64) -> String {
    let days = micros.div_euclid(86_400_000_000);
    let rem = micros.rem_euclid(86_400_000_000);
    let (h, mi, s, us) = (
        rem / 3_600_000_000,
        rem / 60_000_000 % 60,
        rem / 1_000_000 % 60,
        rem % 1_000_000,
    );
    format!("{}T{h:02}:{mi:02}:{s:02}.{us:06}Z", date_text(days))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub const BENCH10_SCHEMA: &str = include_str!("../../schemas/bench10.schema.json");

/// `n` rows of the 10-column schema: (canonical NDJSON, native NDJSON).
pub fn bench10(n: usize) -> (String, String) {
    let mut rng = Rng::new(42);
    let mut canon = String::new();
    let mut native = String::new();
    for i in 0..n {
        let us = rng.below(2_000_000_000_000_000) as i64;
        let days = rng.below(30_000) as i64;
        let name = format!("user_{i}_{}", WORDS[rng.below(10) as usize]);
        let amount = format!("{}.{:02}", rng.below(10_000_000), rng.below(100));
        let price = rng.below(1_000_000) as f64 / 1000.0;
        let active = rng.below(2) == 0;
        let ntags = rng.below(4) as usize;
        let tags: Vec<String> = (0..ntags)
            .map(|_| format!("\"{}\"", WORDS[rng.below(10) as usize]))
            .collect();
        let payload: Vec<u8> = (0..16).map(|_| rng.below(256) as u8).collect();
        let meta = format!(
            "{{\\\"k\\\": {}, \\\"v\\\": \\\"{}\\\"}}",
            rng.below(100),
            WORDS[rng.below(10) as usize]
        );
        let common = |created: &str, day: &str| {
            format!(
                "{{\"id\": {i}, \"name\": \"{name}\", \"amount\": \"{amount}\", \"price\": {price:?}, \
                 \"active\": {active}, \"created\": {created}, \"day\": {day}, \"tags\": [{}], \
                 \"payload\": \"{}\", \"meta\": \"{meta}\"}}\n",
                tags.join(", "),
                base64(&payload)
            )
        };
        canon.push_str(&common(
            &format!("\"{}\"", timestamp_text(us)),
            &format!("\"{}\"", date_text(days)),
        ));
        native.push_str(&common(&us.to_string(), &days.to_string()));
    }
    (canon, native)
}

/// A nested schema with 30 leaf columns: scalars, a RECORD with a nested
/// RECORD, and a REPEATED RECORD.
pub const NESTED30_SCHEMA: &str = r#"[
 {"name": "order_id", "type": "INT64", "mode": "REQUIRED"},
 {"name": "status", "type": "STRING"},
 {"name": "total", "type": "NUMERIC"},
 {"name": "discount", "type": "FLOAT64"},
 {"name": "paid", "type": "BOOL"},
 {"name": "placed_at", "type": "TIMESTAMP"},
 {"name": "ship_date", "type": "DATE"},
 {"name": "channel", "type": "STRING"},
 {"name": "notes", "type": "STRING"},
 {"name": "priority", "type": "INT64"},
 {"name": "customer", "type": "RECORD", "fields": [
   {"name": "id", "type": "INT64"},
   {"name": "name", "type": "STRING"},
   {"name": "email", "type": "STRING"},
   {"name": "vip", "type": "BOOL"},
   {"name": "score", "type": "FLOAT64"},
   {"name": "since", "type": "DATE"},
   {"name": "address", "type": "RECORD", "fields": [
     {"name": "street", "type": "STRING"},
     {"name": "city", "type": "STRING"},
     {"name": "zip", "type": "STRING"},
     {"name": "country", "type": "STRING"},
     {"name": "lat", "type": "FLOAT64"},
     {"name": "lon", "type": "FLOAT64"}
   ]}
 ]},
 {"name": "lines", "type": "RECORD", "mode": "REPEATED", "fields": [
   {"name": "sku", "type": "STRING"},
   {"name": "qty", "type": "INT64"},
   {"name": "price", "type": "NUMERIC"},
   {"name": "tax", "type": "FLOAT64"},
   {"name": "gift", "type": "BOOL"},
   {"name": "tags", "type": "STRING", "mode": "REPEATED"},
   {"name": "added", "type": "TIMESTAMP"},
   {"name": "weight", "type": "FLOAT64"}
 ]}
]"#;

/// `n` rows of the nested schema: (canonical NDJSON, native NDJSON).
pub fn nested30(n: usize) -> (String, String) {
    let mut rng = Rng::new(7);
    let mut canon = String::new();
    let mut native = String::new();
    for i in 0..n {
        let placed = rng.below(2_000_000_000_000_000) as i64;
        let ship = rng.below(30_000) as i64;
        let since = rng.below(30_000) as i64;
        let nlines = 1 + rng.below(3);
        let mut lines_c = Vec::new();
        let mut lines_n = Vec::new();
        for l in 0..nlines {
            let added = rng.below(2_000_000_000_000_000) as i64;
            let body = format!(
                "\"sku\": \"SKU-{i}-{l}\", \"qty\": {}, \"price\": \"{}.{:02}\", \"tax\": {:?}, \
                 \"gift\": {}, \"tags\": [\"{}\", \"{}\"], \"weight\": {:?}",
                1 + rng.below(9),
                rng.below(1000),
                rng.below(100),
                rng.below(1000) as f64 / 100.0,
                rng.below(2) == 0,
                WORDS[rng.below(10) as usize],
                WORDS[rng.below(10) as usize],
                rng.below(100_000) as f64 / 1000.0
            );
            lines_c.push(format!(
                "{{{body}, \"added\": \"{}\"}}",
                timestamp_text(added)
            ));
            lines_n.push(format!("{{{body}, \"added\": {added}}}"));
        }
        let mut head = String::new();
        let _ = write!(
            head,
            "\"order_id\": {i}, \"status\": \"{}\", \"total\": \"{}.{:02}\", \"discount\": {:?}, \
             \"paid\": {}, \"channel\": \"web\", \"notes\": \"deliver to the back door, ring twice\", \
             \"priority\": {}",
            WORDS[rng.below(10) as usize],
            rng.below(100_000),
            rng.below(100),
            rng.below(100) as f64 / 100.0,
            rng.below(2) == 0,
            rng.below(5)
        );
        let customer = |since: &str| {
            format!(
                "{{\"id\": {}, \"name\": \"Customer {i}\", \"email\": \"c{i}@example.com\", \"vip\": false, \
                 \"score\": 4.5, \"since\": {since}, \"address\": {{\"street\": \"{} Main St\", \
                 \"city\": \"Springfield\", \"zip\": \"{:05}\", \"country\": \"US\", \"lat\": 39.78, \"lon\": -89.65}}}}",
                1000 + i,
                i % 997,
                i % 99_999
            )
        };
        let _ = writeln!(
            canon,
            "{{{head}, \"placed_at\": \"{}\", \"ship_date\": \"{}\", \"customer\": {}, \"lines\": [{}]}}",
            timestamp_text(placed),
            date_text(ship),
            customer(&format!("\"{}\"", date_text(since))),
            lines_c.join(", ")
        );
        let _ = writeln!(
            native,
            "{{{head}, \"placed_at\": {placed}, \"ship_date\": {ship}, \"customer\": {}, \"lines\": [{}]}}",
            customer(&since.to_string()),
            lines_n.join(", ")
        );
    }
    (canon, native)
}
