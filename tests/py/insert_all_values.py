#!/usr/bin/env python3
"""How python-bigquery formats row values for tabledata.insertAll (offline).

Usage: insert_all_values.py SCHEMA.json ROWS.ndjson [--typed]

Each NDJSON row goes through google.cloud.bigquery._helpers._record_field_to_json(schema,
row) -- what Client.insert_rows does before it sends the rows -- and the resulting "json"
object is printed, one per line. With --typed the JSON values are first turned into the
native Python values a user passes (int, float, Decimal, bool, bytes, date, datetime
(naive for DATETIME, UTC-aware for TIMESTAMP), time, the parsed JSON value, dicts for
RANGE/RECORD), which is the path where python-bigquery converts anything; without it,
values go through as given. FutureWarnings (types with no converter) go to stderr.

Where python-bigquery is wrong (tests/insert_all.rs checks each):
- a JSON column given as a string is double-encoded: json.dumps("{\"a\":1}") sends the
  string "\"{\\\"a\\\":1}\"", a JSON *string*, not the object;
- GEOGRAPHY and INTERVAL have no converter: any value is passed through unchecked (with a
  FutureWarning), so invalid WKT or interval text reaches the service;
- FLOAT64 NaN and infinities are written as Python's "nan", "inf", "-inf", not the
  "NaN", "Infinity", "-Infinity" spellings BigQuery's JSON uses;
- DATETIME and TIMESTAMP before the year 1000 lose their zero padding (strftime's %Y on
  glibc): "1-01-01T00:00:00.000000" is sent for 0001-01-01, which is not BigQuery text;
- without native values nothing is checked at all (a date "2024-02-30" or an INT64
  "12x" is sent as is), and keys that name no column are sent as str(value).
"""
import base64
import datetime
import decimal
import json
import sys
import warnings

from google.cloud.bigquery import SchemaField
from google.cloud.bigquery import _helpers


def load_fields(path):
    j = json.load(open(path))
    if isinstance(j, list):
        return j
    return j.get("fields") or j["schema"]["fields"]


def typed_scalar(t, v):
    if v is None:
        return None
    if t in ("INTEGER", "INT64"):
        return int(v)
    if t in ("FLOAT", "FLOAT64"):
        return float(v)
    if t in ("NUMERIC", "BIGNUMERIC"):
        return decimal.Decimal(str(v))
    if t in ("BOOLEAN", "BOOL"):
        return v if isinstance(v, bool) else str(v).lower() == "true"
    if t == "BYTES":
        return base64.b64decode(v)
    if t == "DATE":
        return datetime.date.fromisoformat(v)
    if t == "DATETIME":
        return datetime.datetime.fromisoformat(v.replace(" ", "T"))
    if t == "TIME":
        return datetime.time.fromisoformat(v)
    if t == "TIMESTAMP":
        d = datetime.datetime.fromisoformat(v.replace(" ", "T").replace("Z", "+00:00"))
        return d if d.tzinfo else d.replace(tzinfo=datetime.timezone.utc)
    if t == "JSON":
        return json.loads(v) if isinstance(v, str) else v
    return v


def typed_value(f, v):
    if v is None:
        return None
    t = f["type"].upper()

    def one(x):
        if x is None:
            return None
        if t in ("RECORD", "STRUCT"):
            return typed_row(f.get("fields", []), x)
        if t == "RANGE":
            et = f["rangeElementType"]["type"].upper()
            return {"start": typed_scalar(et, x.get("start")), "end": typed_scalar(et, x.get("end"))}
        return typed_scalar(t, x)

    if (f.get("mode") or "").upper() == "REPEATED":
        return [one(x) for x in v]
    return one(v)


def typed_row(fields, row):
    out = dict(row)
    for f in fields:
        if f["name"] in out:
            out[f["name"]] = typed_value(f, out[f["name"]])
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    raw_fields = load_fields(args[0])
    schema = [SchemaField.from_api_repr(f) for f in raw_fields]
    rows = [json.loads(line) for line in open(args[1]) if line.strip()]
    if "--typed" in sys.argv:
        rows = [typed_row(raw_fields, r) for r in rows]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for r in rows:
            print(json.dumps(_helpers._record_field_to_json(schema, r), ensure_ascii=False))
    seen = set()
    for w in caught:
        msg = "%s: %s" % (w.category.__name__, w.message)
        if msg not in seen:
            seen.add(msg)
            print(msg, file=sys.stderr)


if __name__ == "__main__":
    main()
