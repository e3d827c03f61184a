#!/usr/bin/env python3
"""Checks a FileDescriptorSet written by bqcodec with Python's `protobuf`.

Usage:
    load_descriptor.py SET.pb [--message FULL.NAME] [--proto FILE.proto]

SET.pb is `ProtoSchema::file_descriptor_set_bytes()`. The script
- loads every file of the set, unchanged, into a fresh DescriptorPool (upb);
- walks the root message (the first message of the first file, or
  --message) and every message it uses, and checks that field names, their
  lower-case forms and their JSON names are distinct within each message;
- reads each field's `column_name` option (extension 454943157 of
  google.protobuf.FieldOptions) from the raw bytes, through a registered
  extension;
- builds the message class and round-trips an instance with every field set;
- with --proto FILE.proto (`ProtoSchema::to_proto_text()`), compiles the text
  with grpc_tools.protoc against a stand-in for googleapis'
  annotations.proto and checks the compiled messages match the set field by
  field (name, number, label, type, message type, packed, column_name).

Prints the field tree as JSON on stdout; exits 1 with the problems on stderr
if any check fails. Needs `pip install protobuf` (and `grpcio-tools` for
--proto).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor

EXTENSION_NUMBER = 454943157
ANNOTATIONS_PROTO = """syntax = "proto2";
package google.cloud.bigquery.storage.v1;
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions {
  optional string column_name = 454943157;
}
"""


def register_extension():
    """Declares column_name in the default pool, where descriptor_pb2 lives,
    so parsing FieldOptions bytes fills the extension."""
    pool = descriptor_pool.Default()
    name = "google.cloud.bigquery.storage.v1.column_name"
    try:
        return pool.FindExtensionByName(name)
    except KeyError:
        pass
    f = descriptor_pb2.FileDescriptorProto(
        name="bqcodec_test/column_name_annotation.proto",
        package="google.cloud.bigquery.storage.v1",
        dependency=["google/protobuf/descriptor.proto"],
        syntax="proto2",
    )
    f.extension.add(
        name="column_name",
        number=EXTENSION_NUMBER,
        label=FieldDescriptorProto_LABEL_OPTIONAL,
        type=FieldDescriptor.TYPE_STRING,
        extendee=".google.protobuf.FieldOptions",
    )
    pool.Add(f)
    return pool.FindExtensionByName(name)


FieldDescriptorProto_LABEL_OPTIONAL = descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL


def column_name(field, ext):
    """The column_name option of a FieldDescriptor, or None."""
    opts = descriptor_pb2.FieldOptions.FromString(field.GetOptions().SerializeToString())
    return opts.Extensions[ext] if opts.HasExtension(ext) else None


def is_packed(field):
    opts = descriptor_pb2.FieldOptions.FromString(field.GetOptions().SerializeToString())
    return opts.HasField("packed") and opts.packed


def json_name(name):
    out, upper = [], False
    for c in name:
        if c == "_":
            upper = True
        elif upper:
            out.append(c.upper())
            upper = False
        else:
            out.append(c)
    return "".join(out)


def is_repeated(field):
    # protobuf >= 6 has is_repeated; older releases only `label`.
    if hasattr(field, "is_repeated"):
        return field.is_repeated
    return field.label == FieldDescriptor.LABEL_REPEATED


def is_required(field):
    if hasattr(field, "is_required"):
        return field.is_required
    return field.label == FieldDescriptor.LABEL_REQUIRED


def label_of(field):
    if is_repeated(field):
        return "repeated"
    if is_required(field):
        return "required"
    return "optional"


def describe(message, ext, problems, seen):
    """The field tree of `message`; appends problems."""
    names = [f.name for f in message.fields]
    for key, label in ((lambda n: n, "names"), (str.lower, "lower-case names"), (json_name, "JSON names")):
        keys = [key(n) for n in names]
        if len(set(keys)) != len(keys):
            problems.append(f"{message.full_name}: repeated {label}: {names}")
    fields = []
    for f in message.fields:
        entry = {
            "name": f.name,
            "number": f.number,
            "label": label_of(f),
            "type": f.type,
            "packed": bool(is_packed(f)),
            "column_name": column_name(f, ext),
        }
        if f.message_type is not None:
            entry["message"] = f.message_type.full_name
            if f.message_type.full_name not in seen:
                seen.add(f.message_type.full_name)
                entry["fields"] = describe(f.message_type, ext, problems, seen)
        fields.append(entry)
    return fields


def sample_value(field):
    t = field.type
    if t == FieldDescriptor.TYPE_BOOL:
        return True
    if t in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64):
        return -3
    if t == FieldDescriptor.TYPE_DOUBLE:
        return 1.5
    if t == FieldDescriptor.TYPE_STRING:
        return "v"
    if t == FieldDescriptor.TYPE_BYTES:
        return b"\x01"
    return None


def fill(msg, depth=0):
    for f in msg.DESCRIPTOR.fields:
        if f.type == FieldDescriptor.TYPE_MESSAGE:
            if depth > 20:
                continue
            if is_repeated(f):
                fill(getattr(msg, f.name).add(), depth + 1)
            else:
                fill(getattr(msg, f.name), depth + 1)
        elif is_repeated(f):
            getattr(msg, f.name).extend([sample_value(f), sample_value(f)])
        else:
            setattr(msg, f.name, sample_value(f))


def shape(message, ext, seen=None):
    """A comparable form of a message tree: names and types, no full names."""
    seen = set() if seen is None else seen
    out = []
    for f in message.fields:
        entry = (f.name, f.number, label_of(f), f.type, bool(is_packed(f)), column_name(f, ext))
        if f.message_type is not None:
            if f.message_type.full_name in seen:
                entry += (f.message_type.name,)
            else:
                seen.add(f.message_type.full_name)
                entry += (f.message_type.name, shape(f.message_type, ext, seen))
        out.append(entry)
    return out


def compile_proto(path, problems):
    """Compiles a .proto file with grpc_tools.protoc; returns the set."""
    try:
        import grpc_tools
        from grpc_tools import protoc  # noqa: F401
    except ImportError:
        problems.append("--proto needs grpcio-tools (pip install grpcio-tools)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        ann_dir = os.path.join(tmp, "google", "cloud", "bigquery", "storage", "v1")
        os.makedirs(ann_dir)
        with open(os.path.join(ann_dir, "annotations.proto"), "w") as fh:
            fh.write(ANNOTATIONS_PROTO)
        src_dir = os.path.join(tmp, "src")
        os.makedirs(src_dir)
        target = os.path.join(src_dir, os.path.basename(path))
        with open(path, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())
        out = os.path.join(tmp, "out.pb")
        wkt = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
        cmd = [
            sys.executable, "-m", "grpc_tools.protoc",
            f"-I{src_dir}", f"-I{tmp}", f"-I{wkt}",
            "--include_imports", f"--descriptor_set_out={out}", target,
        ]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"protoc rejected {path}: {run.stderr.strip()}")
            return None
        with open(out, "rb") as fh:
            return descriptor_pb2.FileDescriptorSet.FromString(fh.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", help="FileDescriptorSet bytes")
    parser.add_argument("--message", help="root message full name")
    parser.add_argument("--proto", help=".proto text to compile and compare")
    args = parser.parse_args()

    ext = register_extension()
    with open(args.set, "rb") as fh:
        fds = descriptor_pb2.FileDescriptorSet.FromString(fh.read())
    problems = []
    if any(f.dependency for f in fds.file):
        problems.append("the set imports files; it should be self-contained")

    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    first = fds.file[0]
    root_name = args.message or f"{first.package}.{first.message_type[0].name}"
    root = pool.FindMessageTypeByName(root_name)

    tree = describe(root, ext, problems, {root.full_name})
    cls = message_factory.GetMessageClass(root)
    msg = cls()
    fill(msg)
    data = msg.SerializeToString()
    if cls.FromString(data) != msg:
        problems.append("an instance did not survive serialization")

    if args.proto:
        compiled = compile_proto(args.proto, problems)
        if compiled is not None:
            cpool = descriptor_pool.DescriptorPool()
            for f in compiled.file:
                cpool.Add(f)
            croot = cpool.FindMessageTypeByName(root_name)
            if shape(croot, ext) != shape(root, ext):
                problems.append(
                    "the .proto text compiles to other messages:\n"
                    f"  text: {shape(croot, ext)}\n  set:  {shape(root, ext)}"
                )

    json.dump({"message": root.full_name, "fields": tree, "encoded_len": len(data)},
              sys.stdout, ensure_ascii=False, indent=1)
    print()
    if problems:
        for p in problems:
            print("PROBLEM:", p, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
