#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]
//! Each scalar codec's text parse, in values per second, against the crate a
//! user would otherwise reach for, in the same criterion group of the same
//! run (the function whose name starts with `baseline` in each group):
//! `str::parse` for BOOL/INT64/FLOAT64, chrono for DATE/TIME/DATETIME/
//! TIMESTAMP, the `base64` crate for BYTES, `bigdecimal` for NUMERIC and
//! BIGNUMERIC, jiff's ISO 8601 `Span` for INTERVAL, the `wkt` crate for
//! GEOGRAPHY, serde_json for JSON.
//!
//! Two bqcodec entry points: `Codec::parse` (the generic one: a column type
//! in, a `Scalar` out, what a caller holding a schema uses) and the type's
//! own function (`scalar::parse_int64`, `Date::parse`, …), which the row
//! walk's typed path uses.
//!
//! Where the Storage Write encoding is cheap it is measured too
//! (`bqcodec parse + encode`): NUMERIC/BIGNUMERIC → BigDecimal bytes,
//! TIME/DATETIME → packed CivilTime.
//!
//! The baselines check less than bqcodec does (ranges, BigQuery's exact
//! grammar, exact decimal scale, canonical base64 padding, duplicate JSON
//! keys, coordinates in range): the ratio is the price of those checks.
//!
//! Each type gets ~1000 varied values, generated deterministically here.
//!
//! `cargo bench --all-features --bench codecs`

#[path = "support/rows.rs"]
mod rows;

use std::hint::black_box;
use std::str::FromStr;

use base64::Engine as _;
use bqcodec::schema::RangeElementType;
use bqcodec::value::civil::{Date, DateTime, Time};
use bqcodec::value::geography::Geography;
use bqcodec::value::interval::Interval;
use bqcodec::value::numeric::{BigNumeric, DecimalParams, Numeric, Rounding};
use bqcodec::value::range::RangeValue;
use bqcodec::value::timestamp::Timestamp;
use bqcodec::value::{json, scalar};
use bqcodec::{Codec, Input, Policy, ValueError};
use criterion::{Bencher, Criterion, Throughput, criterion_group, criterion_main};
use rows::Rng;

const N: usize = 1000;
const POLICY: Policy = Policy::new();

/// Runs `f` over every value once per iteration.
fn run<R>(b: &mut Bencher<'_>, values: &[String], f: impl Fn(&str) -> R) {
    b.iter(|| {
        for v in values {
            black_box(f(black_box(v.as_str())));
        }
    })
}

/// Whether a parse succeeded, its whole result kept from the optimizer.
fn ok<T>(r: Result<T, ValueError>) -> bool {
    black_box(r).is_ok()
}

/// Every generated value must be accepted by bqcodec and the baseline, so
/// that no error path is measured.
fn check_all(values: &[String], ours: impl Fn(&str) -> bool, theirs: impl Fn(&str) -> bool) {
    for v in values {
        assert!(ours(v), "bqcodec rejects {v:?}");
        assert!(theirs(v), "the baseline rejects {v:?}");
    }
}

fn gen_values(seed: u64, f: impl Fn(&mut Rng, usize) -> String) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..N).map(|i| f(&mut rng, i)).collect()
}

fn digits(rng: &mut Rng, n: u64) -> String {
    let mut s = String::new();
    for i in 0..n {
        let d = if i == 0 {
            1 + rng.below(9)
        } else {
            rng.below(10)
        };
        s.push(char::from(b'0' + d as u8));
    }
    s
}

fn fraction(rng: &mut Rng, max_digits: u64) -> String {
    let n = rng.below(max_digits + 1);
    if n == 0 {
        return String::new();
    }
    let mut s = String::from(".");
    for _ in 0..n {
        s.push(char::from(b'0' + rng.below(10) as u8));
    }
    s
}

fn ymd(rng: &mut Rng) -> String {
    // Years 1..=9999, the month's real length.
    let y = 1 + rng.below(9999);
    let m = 1 + rng.below(12);
    let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let d = 1 + rng.below(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn hms(rng: &mut Rng) -> String {
    format!(
        "{:02}:{:02}:{:02}{}",
        rng.below(24),
        rng.below(60),
        rng.below(60),
        fraction(rng, 6)
    )
}

const WORDS: [&str; 12] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "Zürich", "naïve", "東京", "data",
    "value", "key",
];

fn bench_bool(c: &mut Criterion) {
    let vals = gen_values(1, |r, _| {
        if r.below(2) == 0 { "true" } else { "false" }.to_owned()
    });
    let ours = |s: &str| ok(Codec::Bool.parse(Input::Str(s), &POLICY));
    check_all(&vals, ours, |s| s.parse::<bool>().is_ok());
    let mut g = c.benchmark_group("codec BOOL");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: str::parse::<bool>", |b| {
        run(b, &vals, |s| s.parse::<bool>())
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec scalar::parse_bool", |b| {
        run(b, &vals, |s| ok(scalar::parse_bool(Input::Str(s))))
    });
    g.finish();
}

fn bench_int64(c: &mut Criterion) {
    let vals = gen_values(2, |r, _| {
        // Up to 18 digits: every one fits in an i64.
        let n = 1 + r.below(18);
        let sign = if r.below(4) == 0 { "-" } else { "" };
        format!("{sign}{}", digits(r, n))
    });
    let ours = |s: &str| ok(Codec::Int64.parse(Input::Number(s), &POLICY));
    check_all(&vals, ours, |s| s.parse::<i64>().is_ok());
    let mut g = c.benchmark_group("codec INT64");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: str::parse::<i64>", |b| {
        run(b, &vals, |s| s.parse::<i64>())
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec scalar::parse_int64", |b| {
        run(b, &vals, |s| ok(scalar::parse_int64(Input::Number(s))))
    });
    g.finish();
}

fn bench_float64(c: &mut Criterion) {
    let vals = gen_values(3, |r, _| match r.below(4) {
        0 => format!("{}", r.below(100_000)),
        1 => format!("{:?}", r.below(10_000_000) as f64 / 1000.0),
        2 => format!("-{}.{}e-{}", 1 + r.below(9), r.below(1000), r.below(300)),
        _ => format!("{:?}", f64::from_bits(r.next() >> 2)),
    });
    let ours = |s: &str| ok(Codec::Float64.parse(Input::Number(s), &POLICY));
    check_all(&vals, ours, |s| s.parse::<f64>().is_ok());
    let mut g = c.benchmark_group("codec FLOAT64");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: str::parse::<f64>", |b| {
        run(b, &vals, |s| s.parse::<f64>())
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec scalar::parse_float64", |b| {
        run(b, &vals, |s| ok(scalar::parse_float64(Input::Number(s))))
    });
    g.finish();
}

fn bench_string(c: &mut Criterion) {
    let vals = gen_values(4, |r, _| {
        let n = 1 + r.below(8);
        (0..n)
            .map(|_| WORDS[r.below(WORDS.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ")
    });
    // STRING(64): strings over 64 bytes have their characters counted.
    let codec = Codec::String {
        max_length: Some(64),
    };
    let ours = move |s: &str| ok(codec.parse(Input::Str(s), &POLICY));
    let theirs = |s: &str| s.chars().count() <= 64;
    check_all(&vals, ours, theirs);
    let mut g = c.benchmark_group("codec STRING(64)");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: str::chars().count()", |b| run(b, &vals, theirs));
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec scalar::parse_string", |b| {
        run(b, &vals, |s| {
            ok(scalar::parse_string(Input::Str(s), Some(64)))
        })
    });
    g.finish();
}

fn bench_bytes(c: &mut Criterion) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let vals = gen_values(5, |r, _| {
        let n = r.below(65) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| r.below(256) as u8).collect();
        b64.encode(bytes)
    });
    let codec = Codec::Bytes { max_length: None };
    let ours = move |s: &str| ok(codec.parse(Input::Str(s), &POLICY));
    check_all(&vals, ours, |s| b64.decode(s).is_ok());
    let mut g = c.benchmark_group("codec BYTES");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: base64 STANDARD.decode", |b| {
        run(b, &vals, |s| b64.decode(s))
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec scalar::parse_bytes", |b| {
        run(b, &vals, |s| ok(scalar::parse_bytes(Input::Str(s), None)))
    });
    g.finish();
}

fn bench_numeric(c: &mut Criterion) {
    let vals = gen_values(6, |r, _| {
        let sign = if r.below(4) == 0 { "-" } else { "" };
        let int = if r.below(5) == 0 {
            "0".to_owned()
        } else {
            let max = if r.below(4) == 0 { 29 } else { 8 };
            let n = 1 + r.below(max);
            digits(r, n)
        };
        format!("{sign}{int}{}", fraction(r, 9))
    });
    let p = DecimalParams::default();
    let ours = move |s: &str| Numeric::parse(Input::Str(s), p, Rounding::Reject);
    let encode = move |s: &str| {
        let mut out = Vec::with_capacity(16);
        if let Ok(n) = Numeric::parse(Input::Str(s), p, Rounding::Reject) {
            n.write_bigdecimal_bytes(&mut out);
        }
        out
    };
    let theirs = |s: &str| bigdecimal::BigDecimal::from_str(s);
    check_all(&vals, |s| ours(s).is_ok(), |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec NUMERIC");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: BigDecimal::from_str", |b| run(b, &vals, theirs));
    g.bench_function("bqcodec Numeric::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec parse + encode", |b| run(b, &vals, encode));
    g.finish();
}

fn bench_bignumeric(c: &mut Criterion) {
    let vals = gen_values(7, |r, _| {
        let sign = if r.below(4) == 0 { "-" } else { "" };
        let int = if r.below(5) == 0 {
            "0".to_owned()
        } else {
            let max = if r.below(4) == 0 { 38 } else { 12 };
            let n = 1 + r.below(max);
            digits(r, n)
        };
        format!("{sign}{int}{}", fraction(r, 38))
    });
    let p = DecimalParams::default();
    let ours = move |s: &str| BigNumeric::parse(Input::Str(s), p, Rounding::Reject);
    let encode = move |s: &str| {
        let mut out = Vec::with_capacity(32);
        if let Ok(n) = BigNumeric::parse(Input::Str(s), p, Rounding::Reject) {
            n.write_bigdecimal_bytes(&mut out);
        }
        out
    };
    let theirs = |s: &str| bigdecimal::BigDecimal::from_str(s);
    check_all(&vals, |s| ours(s).is_ok(), |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec BIGNUMERIC");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: BigDecimal::from_str", |b| run(b, &vals, theirs));
    g.bench_function("bqcodec BigNumeric::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec parse + encode", |b| run(b, &vals, encode));
    g.finish();
}

fn bench_date(c: &mut Criterion) {
    let vals = gen_values(8, |r, _| ymd(r));
    let ours = |s: &str| ok(Codec::Date.parse(Input::Str(s), &POLICY));
    let theirs = |s: &str| chrono::NaiveDate::from_str(s);
    check_all(&vals, ours, |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec DATE");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: chrono NaiveDate::from_str", |b| {
        run(b, &vals, theirs)
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec Date::parse", |b| {
        run(b, &vals, |s| ok(Date::parse(Input::Str(s))))
    });
    g.finish();
}

fn bench_time(c: &mut Criterion) {
    let vals = gen_values(9, |r, _| hms(r));
    let ours = |s: &str| ok(Codec::Time.parse(Input::Str(s), &POLICY));
    let encode = |s: &str| Time::parse(Input::Str(s)).map(Time::to_packed_micros);
    let theirs = |s: &str| chrono::NaiveTime::from_str(s);
    check_all(&vals, ours, |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec TIME");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: chrono NaiveTime::from_str", |b| {
        run(b, &vals, theirs)
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec Time::parse", |b| {
        run(b, &vals, |s| ok(Time::parse(Input::Str(s))))
    });
    g.bench_function("bqcodec parse + encode", |b| run(b, &vals, encode));
    g.finish();
}

fn bench_datetime(c: &mut Criterion) {
    let vals = gen_values(10, |r, _| format!("{}T{}", ymd(r), hms(r)));
    let ours = |s: &str| ok(Codec::DateTime.parse(Input::Str(s), &POLICY));
    let encode = |s: &str| DateTime::parse(Input::Str(s)).map(DateTime::to_packed_micros);
    let theirs = |s: &str| chrono::NaiveDateTime::from_str(s);
    check_all(&vals, ours, |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec DATETIME");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: chrono NaiveDateTime::from_str", |b| {
        run(b, &vals, theirs)
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec DateTime::parse", |b| {
        run(b, &vals, |s| ok(DateTime::parse(Input::Str(s))))
    });
    g.bench_function("bqcodec parse + encode", |b| run(b, &vals, encode));
    g.finish();
}

fn bench_timestamp(c: &mut Criterion) {
    let vals = gen_values(11, |r, _| {
        // Years from 1900 so that no offset moves an instant out of range.
        let date = loop {
            let d = ymd(r);
            if d.as_str() >= "1900" {
                break d;
            }
        };
        let zone = match r.below(3) {
            0 => "Z".to_owned(),
            _ => format!(
                "{}{:02}:{:02}",
                if r.below(2) == 0 { '+' } else { '-' },
                r.below(14),
                [0, 30, 45][r.below(3) as usize]
            ),
        };
        format!("{date}T{}{zone}", hms(r))
    });
    let ours = |s: &str| ok(Codec::Timestamp { picos: false }.parse(Input::Str(s), &POLICY));
    let theirs = |s: &str| chrono::DateTime::parse_from_rfc3339(s);
    check_all(&vals, ours, |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec TIMESTAMP");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: chrono DateTime::parse_from_rfc3339", |b| {
        run(b, &vals, theirs)
    });
    // The value is the µs count the Storage Write API takes: parse is encode.
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec Timestamp::parse", |b| {
        run(b, &vals, |s| ok(Timestamp::parse(Input::Str(s))))
    });
    g.finish();
}

fn bench_interval(c: &mut Criterion) {
    // The same durations in ISO 8601 (for the baseline) and BigQuery's
    // canonical `Y-M D H:M:S[.F]`.
    let mut rng = Rng::new(12);
    let mut iso = Vec::with_capacity(N);
    let mut canon = Vec::with_capacity(N);
    for _ in 0..N {
        let (y, mo, d) = (rng.below(100), rng.below(12), rng.below(400));
        let (h, mi, s) = (rng.below(24), rng.below(60), rng.below(60));
        let us = if rng.below(2) == 0 {
            String::new()
        } else {
            format!(".{:06}", rng.below(1_000_000))
        };
        iso.push(format!("P{y}Y{mo}M{d}DT{h}H{mi}M{s}{us}S"));
        canon.push(format!("{y}-{mo} {d} {h}:{mi}:{s}{us}"));
    }
    let ours = |s: &str| ok(Codec::Interval.parse(Input::Str(s), &POLICY));
    let theirs = |s: &str| jiff::Span::from_str(s);
    check_all(&iso, ours, |s| theirs(s).is_ok());
    check_all(&canon, ours, |_| true);
    let mut g = c.benchmark_group("codec INTERVAL");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: jiff Span::from_str (ISO 8601)", |b| {
        run(b, &iso, theirs)
    });
    g.bench_function("bqcodec Codec::parse (ISO 8601)", |b| run(b, &iso, ours));
    g.bench_function("bqcodec Interval::parse (ISO 8601)", |b| {
        run(b, &iso, |s| ok(Interval::parse(Input::Str(s))))
    });
    g.bench_function("bqcodec Interval::parse (Y-M D H:M:S)", |b| {
        run(b, &canon, |s| ok(Interval::parse(Input::Str(s))))
    });
    g.finish();
}

fn bench_range_date(c: &mut Criterion) {
    let vals = gen_values(13, |r, _| {
        let a = ymd(r);
        let b = ymd(r);
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        match r.below(8) {
            0 => format!("[UNBOUNDED, {hi})"),
            1 => format!("[{lo}, UNBOUNDED)"),
            _ if lo == hi => format!("[{lo}, UNBOUNDED)"),
            _ => format!("[{lo}, {hi})"),
        }
    });
    let codec = Codec::Range(RangeElementType::Date);
    let ours = move |s: &str| ok(codec.parse(Input::Str(s), &POLICY));
    // Split the bounds and parse each with chrono: the grammar with no checks.
    let theirs = |s: &str| -> Option<(Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)> {
        let inner = s.strip_prefix('[')?.strip_suffix(')')?;
        let (a, b) = inner.split_once(", ")?;
        let bound = |t: &str| -> Option<Option<chrono::NaiveDate>> {
            if t == "UNBOUNDED" {
                Some(None)
            } else {
                chrono::NaiveDate::from_str(t).ok().map(Some)
            }
        };
        Some((bound(a)?, bound(b)?))
    };
    check_all(&vals, ours, |s| theirs(s).is_some());
    let mut g = c.benchmark_group("codec RANGE<DATE>");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: split + chrono NaiveDate::from_str", |b| {
        run(b, &vals, theirs)
    });
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec RangeValue::parse", |b| {
        run(b, &vals, |s| {
            ok(RangeValue::parse(Input::Str(s), RangeElementType::Date))
        })
    });
    g.finish();
}

fn bench_geography(c: &mut Criterion) {
    let vals = gen_values(14, |r, _| {
        let coord =
            |r: &mut Rng, span: u64, max: f64| r.below(span * 10_000) as f64 / 10_000.0 - max;
        if r.below(3) != 0 {
            format!("POINT({} {})", coord(r, 360, 180.0), coord(r, 180, 90.0))
        } else {
            // A closed ring around a centre, 4 to 12 distinct points.
            let (cx, cy) = (coord(r, 300, 150.0), coord(r, 140, 70.0));
            let n = 4 + r.below(9);
            let mut pts: Vec<String> = (0..n)
                .map(|k| {
                    let a = k as f64 / n as f64 * std::f64::consts::TAU;
                    let rad = 0.5 + r.below(1000) as f64 / 1000.0;
                    format!("{:.6} {:.6}", cx + rad * a.cos(), cy + rad * a.sin())
                })
                .collect();
            pts.push(pts[0].clone());
            format!("POLYGON(({}))", pts.join(", "))
        }
    });
    let ours = |s: &str| ok(Codec::Geography.parse(Input::Str(s), &POLICY));
    let theirs = |s: &str| wkt::Wkt::<f64>::from_str(s);
    check_all(&vals, ours, |s| theirs(s).is_ok());
    let mut g = c.benchmark_group("codec GEOGRAPHY");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: wkt::Wkt::<f64>::from_str", |b| {
        run(b, &vals, theirs)
    });
    // Parse also writes the canonical WKT, the text the Storage Write API takes.
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec Geography::parse", |b| {
        run(b, &vals, |s| ok(Geography::parse(Input::Str(s))))
    });
    g.finish();
}

fn bench_json(c: &mut Criterion) {
    let vals = gen_values(15, |r, i| {
        let w = |r: &mut Rng| WORDS[r.below(WORDS.len() as u64) as usize];
        match r.below(4) {
            0 => format!(
                "{{\"id\": {i}, \"name\": \"{}\", \"score\": {}.{}, \"ok\": {}}}",
                w(r),
                r.below(1000),
                r.below(100),
                r.below(2) == 0
            ),
            1 => format!(
                "[{}, {}, {}]",
                r.below(1_000_000),
                r.below(1000),
                r.below(10)
            ),
            2 => format!(
                "{{\"user\": {{\"id\": {}, \"tags\": [\"{}\", \"{}\"]}}, \"at\": \"2024-01-{:02}\", \"n\": null}}",
                r.below(100_000),
                w(r),
                w(r),
                1 + r.below(28)
            ),
            _ => format!("{{\"k\": \"{}\", \"v\": {}}}", w(r), r.below(100)),
        }
    });
    let ours = |s: &str| ok(Codec::Json.parse(Input::Str(s), &POLICY));
    let ignored = |s: &str| serde_json::from_str::<serde::de::IgnoredAny>(s);
    let compact = |s: &str| serde_json::from_str::<serde_json::Value>(s).map(|v| v.to_string());
    check_all(&vals, ours, |s| ignored(s).is_ok());
    let mut g = c.benchmark_group("codec JSON");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("baseline: serde_json IgnoredAny", |b| {
        run(b, &vals, ignored)
    });
    // What a user writes to compact a JSON value: a second reference point.
    g.bench_function("serde_json Value → to_string", |b| run(b, &vals, compact));
    // Parse checks and compacts: the compact text is what is sent.
    g.bench_function("bqcodec Codec::parse", |b| run(b, &vals, ours));
    g.bench_function("bqcodec json::parse", |b| {
        run(b, &vals, |s| ok(json::parse(Input::Str(s))))
    });
    g.finish();
}

criterion_group!(
    codecs,
    bench_bool,
    bench_int64,
    bench_float64,
    bench_string,
    bench_bytes,
    bench_numeric,
    bench_bignumeric,
    bench_date,
    bench_time,
    bench_datetime,
    bench_timestamp,
    bench_interval,
    bench_range_date,
    bench_geography,
    bench_json
);
criterion_main!(codecs);
