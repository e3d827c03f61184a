#!/usr/bin/env node
// Drives the official Node client @google-cloud/bigquery-storage for
// tests/proto_diff.rs: its `adapt` layer (REST table schema -> storage
// TableSchema -> proto2 DescriptorProto) and its managedwriter JSONEncoder
// (JS objects -> serialized rows). Offline: no client is built.
//
// stdin:  {"cases": [{"fields": [REST fields], "rows": [objects],
//                     "coerce": bool, "cdc": bool}]}
// stdout: {"version": "5.1.2", "node": "v20…", "cases": [
//            {"error": "…"}                                  (schema refused)
//          | {"descriptor": base64 DescriptorProto, "rows": [{"hex": "…"} | {"error": "…"}]}]}
//
// With "coerce", values are first given the JS types the client documents
// (what a Node user passes): DATE "YYYY-MM-DD" strings become Date objects at
// UTC midnight, TIMESTAMP strings (microsecond precision) become PreciseDate,
// a JSON column value that is not a string becomes its JSON text. Without
// it, rows go to the encoder exactly as JSON.parse made them.
'use strict';
const {adapt, protos} = require('@google-cloud/bigquery-storage');
const {JSONEncoder} = require('@google-cloud/bigquery-storage/build/src/managedwriter/encoder');
const {PreciseDate} = require('@google-cloud/precise-date');

const DescriptorProto = protos.google.protobuf.DescriptorProto;

function coerceScalar(type, field, v) {
  if (v === null || v === undefined) return v;
  switch (type) {
    case 'DATE':
      return typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v;
    case 'TIMESTAMP':
      if (field.timestampPrecision && Number(field.timestampPrecision) === 12) return v;
      return typeof v === 'string' ? new PreciseDate(v) : v;
    case 'JSON':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return v;
  }
}

function coerceValue(field, v) {
  if (v === null || v === undefined) return v;
  const type = (field.type || '').toUpperCase();
  const one = x => {
    if (x === null || x === undefined) return x;
    if (type === 'RECORD' || type === 'STRUCT') return coerceRow(field.fields || [], x);
    if (type === 'RANGE') {
      const et = ((field.rangeElementType || {}).type || '').toUpperCase();
      const out = {...x};
      for (const k of ['start', 'end']) if (k in out) out[k] = coerceScalar(et, {}, out[k]);
      return out;
    }
    return coerceScalar(type, field, x);
  };
  return (field.mode || '').toUpperCase() === 'REPEATED' && Array.isArray(v) ? v.map(one) : one(v);
}

function coerceRow(fields, row) {
  const out = {...row};
  for (const f of fields) if (f.name in out) out[f.name] = coerceValue(f, out[f.name]);
  return out;
}

function runCase(c) {
  let encoder;
  let dp;
  try {
    const storage = adapt.convertBigQuerySchemaToStorageTableSchema({fields: c.fields});
    const opts = c.cdc ? [adapt.withChangeType(), adapt.withChangeSequenceNumber()] : [];
    dp = adapt.convertStorageSchemaToProto2Descriptor(storage, 'root', ...opts);
    encoder = new JSONEncoder({protoDescriptor: dp});
  } catch (e) {
    return {error: String(e && e.message || e)};
  }
  const rows = c.rows.map(r => {
    try {
      const value = c.coerce ? coerceRow(c.fields, r) : r;
      return {hex: Buffer.from(encoder.encodeRows([value])[0]).toString('hex')};
    } catch (e) {
      return {error: String(e && e.message || e)};
    }
  });
  return {descriptor: Buffer.from(DescriptorProto.encode(dp).finish()).toString('base64'), rows};
}

function main() {
  const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const version = require('@google-cloud/bigquery-storage/package.json').version;
  const out = {version, node: process.version, cases: input.cases.map(runCase)};
  process.stdout.write(JSON.stringify(out) + '\n');
}

main();
