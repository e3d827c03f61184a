#!/usr/bin/env python3
"""Decodes bqcodec's proto rows with Python's `protobuf` (upb), a second
decoder independent of the crate and of prost-reflect.

Usage:
    decode_rows.py MANIFEST.ndjson

Each manifest line is {"set": SET.pb, "rows": ROWS.bin, "message": FULL.NAME}:
SET.pb is `ProtoSchema::file_descriptor_set_bytes()`, ROWS.bin the rows, each
prefixed by its length as a varint (what `bqcodec encode --format proto`
writes). For each manifest line, prints one JSON line: the list of rows, each
an object keyed by BigQuery column name (the `column_name` field option when
the field has one, else the field name) holding only the fields present on the
wire (proto2 presence; an empty repeated field is absent):
bool -> true/false, int32/int64 -> JSON integers, double -> "f64:" and its 16
hex digits of IEEE-754 bits, string -> string, bytes -> "0x" and hex, message ->
object, repeated -> list. A row that does not parse is {"__error__": text}.
"""

import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor

COLUMN_NAME = 454943157  # google.cloud.bigquery.storage.v1.column_name


def varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7


def option_column_name(options_bytes):
    """The column_name option from serialized FieldOptions, or None."""
    pos = 0
    while pos < len(options_bytes):
        key, pos = varint(options_bytes, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = varint(options_bytes, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            n, pos = varint(options_bytes, pos)
            if number == COLUMN_NAME:
                return options_bytes[pos:pos + n].decode("utf-8")
            pos += n
        else:
            return None
    return None


def column_names(fds):
    """message full name -> {field name: column name}, from the raw protos."""
    out = {}

    def walk(prefix, dp):
        full = prefix + dp.name
        out[full] = {}
        for f in dp.field:
            name = option_column_name(f.options.SerializeToString()) if f.HasField("options") else None
            out[full][f.name] = name or f.name
        for n in dp.nested_type:
            walk(full + ".", n)

    for f in fds.file:
        for m in f.message_type:
            walk(f.package + "." if f.package else "", m)
    return out


def is_repeated(fd):
    if hasattr(fd, "is_repeated"):
        return fd.is_repeated
    return fd.label == FieldDescriptor.LABEL_REPEATED


def scalar(fd, v):
    t = fd.type
    if t == FieldDescriptor.TYPE_DOUBLE:
        return "f64:" + struct.pack(">d", v).hex()
    if t == FieldDescriptor.TYPE_BYTES:
        return "0x" + v.hex()
    return v


def to_json(msg, names):
    cols = names[msg.DESCRIPTOR.full_name]
    out = {}
    for fd in msg.DESCRIPTOR.fields:
        value = getattr(msg, fd.name)
        if is_repeated(fd):
            if len(value) == 0:
                continue
            if fd.message_type is not None:
                out[cols[fd.name]] = [to_json(m, names) for m in value]
            else:
                out[cols[fd.name]] = [scalar(fd, v) for v in value]
        elif msg.HasField(fd.name):
            if fd.message_type is not None:
                out[cols[fd.name]] = to_json(value, names)
            else:
                out[cols[fd.name]] = scalar(fd, value)
    return out


def rows_of(data):
    pos = 0
    while pos < len(data):
        n, pos = varint(data, pos)
        yield data[pos:pos + n]
        pos += n


def main():
    for line in open(sys.argv[1], encoding="utf-8"):
        if not line.strip():
            continue
        case = json.loads(line)
        with open(case["set"], "rb") as fh:
            fds = descriptor_pb2.FileDescriptorSet.FromString(fh.read())
        pool = descriptor_pool.DescriptorPool()
        for f in fds.file:
            pool.Add(f)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(case["message"]))
        names = column_names(fds)
        out = []
        with open(case["rows"], "rb") as fh:
            for row in rows_of(fh.read()):
                try:
                    out.append(to_json(cls.FromString(row), names))
                except Exception as e:  # noqa: BLE001 - reported to the Rust side
                    out.append({"__error__": f"{type(e).__name__}: {e}"})
        print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
