#!/usr/bin/env python3
"""Checks bqcodec's Arrow output with pyarrow and python-bigquery.

Usage:
    arrow_check.py --venv VENV_DIR CASE_DIR...

Each CASE_DIR (written by tests/arrow.rs) holds:
    schema.json        the BigQuery table schema (REST fields array)
    schema.msg         ArrowSchema.serialized_schema as bqcodec wrote it
    batch-N.msg        ArrowRecordBatch.serialized_record_batch, N = 0, 1, ...
    stream.arrows      the same batches as one IPC stream
    rows.ndjson        bqcodec's canonical JSON of every row, in order
    options.json       {"decimals": "base"|"declared"}: the decimal mapping used

The script first makes sure it runs inside VENV_DIR, a virtual environment
it creates and fills from PyPI (pyarrow, google-cloud-bigquery) when missing.
Then, per case, it:
  1. reads schema.msg with pyarrow.ipc.read_schema (what the Storage Write
     API receives as serialized_schema, pyarrow's Schema.serialize() format);
  2. compares that schema with python-bigquery's bq_to_arrow_schema for the
     same table schema, field by field (types, nesting, field metadata),
     allowing only bqcodec's documented differences: REQUIRED columns are
     non-nullable, list items are non-nullable, INTERVAL exists, and with
     the "declared" decimal mapping NUMERIC(P, S) is decimal128(P, S) and
     BIGNUMERIC(P, S) decimal256(P, S) (checked against the table schema);
  3. reads every batch-N.msg with pyarrow.ipc.read_record_batch, validates it
     fully, and renders its values in bqcodec's canonical JSON form with
     Python's own decimal/datetime/base64 code: the rows must equal
     rows.ndjson;
  4. reads stream.arrows with pyarrow.ipc.open_stream and checks it holds the
     same batches.
Prints one line per case; exits 1 with the problems on stderr if any check
fails.
"""

import argparse
import base64
import datetime
import decimal
import json
import os
import subprocess
import sys
import warnings

PACKAGES = ["pyarrow", "google-cloud-bigquery"]


def ensure_venv(venv):
    venv = os.path.abspath(venv)
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    if not os.path.exists(os.path.join(venv, ".arrow-check-ready")):
        if not os.path.exists(py):
            subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PACKAGES
        )
        open(os.path.join(venv, ".arrow-check-ready"), "w").close()
    os.execv(py, [py] + sys.argv)


# ---------------------------------------------------------------------------
# canonical JSON of pyarrow values (bqcodec's Scalar::write_json form)
# ---------------------------------------------------------------------------


def canon_decimal(d):
    # Canonical NUMERIC/BIGNUMERIC text: no exponent, no trailing fractional zeros.
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def canon_float(x):
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "Infinity"
    if x == float("-inf"):
        return "-Infinity"
    return x


def canon_time_fraction(micros):
    return "" if micros == 0 else ".%06d" % micros


def canon_datetime(dt):
    s = "%04d-%02d-%02dT%02d:%02d:%02d" % (
        dt.year,
        dt.month,
        dt.day,
        dt.hour,
        dt.minute,
        dt.second,
    )
    return s + canon_time_fraction(dt.microsecond)


def canon_interval(mdn):
    months, days, nanos = mdn.months, mdn.days, mdn.nanoseconds
    ym = "%s%d-%d" % ("-" if months < 0 else "", abs(months) // 12, abs(months) % 12)
    sign = "-" if nanos < 0 else ""
    n = abs(nanos)
    secs, frac = divmod(n, 10**9)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    f = ("." + ("%09d" % frac).rstrip("0")) if frac else ""
    return "%s %d %s%d:%d:%d%s" % (ym, days, sign, h, m, s, f)


def canon_value(t, v, pa):
    """Canonical JSON of a non-null value of Arrow type t (from to_pylist)."""
    if pa.types.is_boolean(t):
        return v
    if pa.types.is_int64(t):
        return str(v)
    if pa.types.is_float64(t):
        return canon_float(v)
    if pa.types.is_decimal(t):
        return canon_decimal(v)
    if pa.types.is_string(t):
        return v
    if pa.types.is_binary(t):
        return base64.b64encode(v).decode()
    if pa.types.is_date32(t):
        return "%04d-%02d-%02d" % (v.year, v.month, v.day)
    if pa.types.is_time64(t):
        return "%02d:%02d:%02d%s" % (v.hour, v.minute, v.second, canon_time_fraction(v.microsecond))
    if pa.types.is_timestamp(t):
        if t.tz is None:
            return canon_datetime(v)
        return canon_datetime(v.astimezone(datetime.timezone.utc)) + "Z"
    if pa.types.is_interval(t):
        return canon_interval(v)
    raise ValueError("no canonical form for %s" % t)


def canon(field_type, v, bq_field, pa):
    if v is None:
        return [] if bq_field.get("mode", "").upper() == "REPEATED" else None
    if pa.types.is_list(field_type):
        item = dict(bq_field, mode="NULLABLE")
        return [canon(field_type.value_type, x, item, pa) for x in v]
    if pa.types.is_struct(field_type):
        if bq_field["type"].upper() == "RANGE":
            out = {}
            for i in range(field_type.num_fields):
                f = field_type.field(i)
                x = v[f.name]
                out[f.name] = None if x is None else canon_value(f.type, x, pa)
            return out
        out = {}
        for sub in bq_field["fields"]:
            out[sub["name"]] = canon(field_type.field(sub["name"]).type, v[sub["name"]], sub, pa)
        return out
    return canon_value(field_type, v, pa)


def canon_rows(batch, bq_fields, pa):
    rows = []
    cols = {f["name"]: batch.column(f["name"]).to_pylist() for f in bq_fields}
    for i in range(batch.num_rows):
        rows.append(
            {
                f["name"]: canon(batch.schema.field(f["name"]).type, cols[f["name"]][i], f, pa)
                for f in bq_fields
            }
        )
    return rows


# ---------------------------------------------------------------------------
# schema comparison with python-bigquery
# ---------------------------------------------------------------------------


def relaxed(t, pa, declared):
    """t with every nested field nullable and without field metadata (and,
    for the declared decimal mapping, every decimal on its base type)."""
    if pa.types.is_list(t):
        return pa.list_(relaxed(t.value_type, pa, declared))
    if pa.types.is_struct(t):
        return pa.struct(
            [
                pa.field(t.field(i).name, relaxed(t.field(i).type, pa, declared))
                for i in range(t.num_fields)
            ]
        )
    if declared and pa.types.is_decimal128(t):
        return pa.decimal128(38, 9)
    if declared and pa.types.is_decimal256(t):
        return pa.decimal256(76, 38)
    return t


def declared_decimal(bq):
    """The decimal type the declared mapping gives a NUMERIC/BIGNUMERIC field."""
    import pyarrow as pa

    t = bq["type"].upper()
    big = t in ("BIGNUMERIC", "BIGDECIMAL")
    if "precision" not in bq:
        return pa.decimal256(76, 38) if big else pa.decimal128(38, 9)
    p, s = int(bq["precision"]), int(bq.get("scale", 0))
    return pa.decimal256(p, s) if big else pa.decimal128(p, s)


def compare_field(ours, theirs, bq, path, problems, pa, declared):
    name = path + ours.name
    if declared and bq["type"].upper() in ("NUMERIC", "DECIMAL", "BIGNUMERIC", "BIGDECIMAL"):
        t = ours.type.value_type if bq.get("mode", "").upper() == "REPEATED" else ours.type
        if t != declared_decimal(bq):
            problems.append("%s: type %s for %s" % (name, t, bq))
    if relaxed(ours.type, pa, declared) != relaxed(theirs.type, pa, declared):
        problems.append("%s: type %s, python-bigquery %s" % (name, ours.type, theirs.type))
        return
    if (ours.metadata or {}) != (theirs.metadata or {}):
        problems.append(
            "%s: metadata %s, python-bigquery %s" % (name, ours.metadata, theirs.metadata)
        )
    mode = bq.get("mode", "NULLABLE").upper()
    has_default = "defaultValueExpression" in bq
    want_nullable = mode == "NULLABLE" or (mode == "REQUIRED" and has_default)
    if ours.nullable != want_nullable:
        problems.append("%s: nullable %s for mode %s" % (name, ours.nullable, mode))
    if mode == "REPEATED":
        if theirs.nullable:
            problems.append("%s: python-bigquery made the list nullable" % name)
        if ours.type.value_field.nullable:
            problems.append("%s: list items nullable" % name)
    t_ours = ours.type.value_type if mode == "REPEATED" else ours.type
    t_theirs = theirs.type.value_type if mode == "REPEATED" else theirs.type
    if bq["type"].upper() in ("RECORD", "STRUCT"):
        for sub in bq["fields"]:
            compare_field(
                t_ours.field(sub["name"]),
                t_theirs.field(sub["name"]),
                sub,
                name + ".",
                problems,
                pa,
                declared,
            )


def has_interval(fields):
    return any(
        f["type"].upper() == "INTERVAL"
        or (f["type"].upper() in ("RECORD", "STRUCT") and has_interval(f["fields"]))
        for f in fields
    )


def compare_schema(ours, bq_fields, problems, pa, declared):
    from google.cloud.bigquery import SchemaField, _pandas_helpers

    compared = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = [SchemaField.from_api_repr(f) for f in bq_fields]
        theirs = _pandas_helpers.bq_to_arrow_schema(schema)
        if has_interval(bq_fields):
            if theirs is not None:
                problems.append("python-bigquery now maps INTERVAL: update the mapping check")
            for f, sf in zip(bq_fields, schema):
                if has_interval([f]):
                    continue
                theirs_f = _pandas_helpers.bq_to_arrow_field(sf)
                compare_field(ours.field(f["name"]), theirs_f, f, "", problems, pa, declared)
                compared += 1
            return compared
    if theirs is None:
        problems.append("python-bigquery could not map the schema")
        return 0
    if ours.names != theirs.names:
        problems.append("columns %s, python-bigquery %s" % (ours.names, theirs.names))
        return 0
    for f in bq_fields:
        compare_field(
            ours.field(f["name"]), theirs.field(f["name"]), f, "", problems, pa, declared
        )
        compared += 1
    return compared


# ---------------------------------------------------------------------------


def check_case(d, pa, problems):
    before = len(problems)
    fields = json.load(open(os.path.join(d, "schema.json")))
    if isinstance(fields, dict):
        fields = fields["fields"]
    schema_bytes = open(os.path.join(d, "schema.msg"), "rb").read()
    schema = pa.ipc.read_schema(pa.py_buffer(schema_bytes))
    options = json.load(open(os.path.join(d, "options.json")))
    declared = options.get("decimals") == "declared"
    compared = compare_schema(schema, fields, problems, pa, declared)
    n = 0
    got = []
    batches = []
    while os.path.exists(os.path.join(d, "batch-%d.msg" % n)):
        buf = pa.py_buffer(open(os.path.join(d, "batch-%d.msg" % n), "rb").read())
        batch = pa.ipc.read_record_batch(buf, schema)
        batch.validate(full=True)
        batches.append(batch)
        got.extend(canon_rows(batch, fields, pa))
        n += 1
    want = [json.loads(l) for l in open(os.path.join(d, "rows.ndjson")) if l.strip()]
    if got != want:
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                problems.append("%s: row %d: pyarrow reads %s, bqcodec decodes %s" % (d, i, g, w))
                break
        if len(got) != len(want):
            problems.append("%s: %d rows read, %d expected" % (d, len(got), len(want)))
    with pa.ipc.open_stream(open(os.path.join(d, "stream.arrows"), "rb").read()) as r:
        if r.schema != schema or r.schema.metadata != schema.metadata:
            problems.append("%s: the stream's schema differs from schema.msg" % d)
        streamed = list(r)
    # Compared through the canonical rows: NaN != NaN in RecordBatch.equals.
    if [b.num_rows for b in streamed] != [b.num_rows for b in batches] or [
        r for b in streamed for r in canon_rows(b, fields, pa)
    ] != got:
        problems.append("%s: the stream's batches differ from the messages" % d)
    status = "ok" if len(problems) == before else "FAILED"
    print(
        "%s: %s (%d batches, %d rows, %d columns compared with python-bigquery)"
        % (os.path.basename(d), status, n, len(got), compared)
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--venv", required=True)
    ap.add_argument("cases", nargs="+")
    a = ap.parse_args()
    ensure_venv(a.venv)
    import pyarrow as pa
    import pyarrow.ipc  # noqa: F401

    problems = []
    for d in a.cases:
        try:
            check_case(d, pa, problems)
        except Exception as e:  # report, then go on with the next case
            problems.append("%s: %s: %s" % (d, type(e).__name__, e))
            print("%s: FAILED" % os.path.basename(d))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
