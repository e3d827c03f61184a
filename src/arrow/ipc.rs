//! Arrow IPC bytes as the Storage Write API takes them, and back.
//!
//! `AppendRowsRequest.arrow_rows` carries two byte strings
//! (google/cloud/bigquery/storage/v1/arrow.proto):
//! `writer_schema.serialized_schema` — the schema as one IPC *encapsulated
//! message* — and `rows.serialized_record_batch` — one record batch as one
//! encapsulated message. These are what pyarrow's `Schema.serialize()` and
//! `RecordBatch.serialize()` return (Google's Python sample
//! `samples/pyarrow/append_rows_with_arrow.py` sends exactly those): each is
//! the continuation marker `0xFFFFFFFF`, the little-endian i32 length of the
//! padded flatbuffer `Message`, the `Message`, and the body buffers. Neither
//! is an IPC *stream* (no end-of-stream marker) nor an IPC *file*.
//!
//! [`serialize_schema`] and [`serialize_record_batch`] produce those with
//! arrow-ipc's `IpcDataGenerator` and `write_message`, uncompressed,
//! metadata version V5, 8-byte alignment (what pyarrow writes by default).
//! [`ipc_stream`] writes a whole IPC stream (schema, batches, end marker) for
//! files and the CLI. The readers invert each.

use std::io::Cursor;

use arrow_array::RecordBatch;
use arrow_ipc::MetadataVersion;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::{
    DictionaryTracker, IpcDataGenerator, IpcWriteContext, IpcWriteOptions, StreamWriter,
    write_message,
};
use arrow_schema::{ArrowError, Schema, SchemaRef};

use super::sink::IPC_ALIGNMENT;

/// The end-of-stream marker: continuation token and a zero length.
const EOS: [u8; 8] = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0];

/// The IPC options every message here is written with: metadata V5,
/// 8-byte alignment, no compression, no legacy format.
///
/// # Examples
///
/// ```
/// use arrow_ipc::writer::StreamWriter;
/// use bqcodec::arrow::ipc;
///
/// let schema = arrow_schema::Schema::empty();
/// let mut writer = StreamWriter::try_new_with_options(Vec::new(), &schema, ipc::write_options()?)?;
/// writer.finish()?;
/// // The same bytes as ipc_stream writes: every stream and message here uses these options.
/// assert_eq!(writer.into_inner()?, ipc::ipc_stream(&schema, &[])?);
/// # Ok::<(), arrow_schema::ArrowError>(())
/// ```
pub fn write_options() -> Result<IpcWriteOptions, ArrowError> {
    IpcWriteOptions::try_new(IPC_ALIGNMENT, false, MetadataVersion::V5)
}

/// `ArrowSchema.serialized_schema`: `schema` as one encapsulated IPC
/// message (as pyarrow's `Schema.serialize()`), field metadata included.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{ipc, table_to_arrow_schema, SchemaOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let schema = TableSchema::new(vec![Field::new("doc", FieldType::Json)]);
/// let arrow = table_to_arrow_schema(&schema, &SchemaOptions::new())?;
/// let message = ipc::serialize_schema(&arrow)?;
/// assert_eq!(message[..4], [0xFF, 0xFF, 0xFF, 0xFF]); // continuation marker
/// assert_eq!(message.len() % 8, 0); // 8-byte aligned
/// assert_eq!(ipc::read_schema(&message)?, arrow); // metadata included
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn serialize_schema(schema: &Schema) -> Result<Vec<u8>, ArrowError> {
    let options = write_options()?;
    let mut tracker = DictionaryTracker::new(false);
    let encoded = IpcDataGenerator::default().schema_to_bytes_with_dictionary_tracker(
        schema,
        &mut tracker,
        &options,
    );
    let mut out = Vec::new();
    write_message(&mut out, encoded, &options)?;
    Ok(out)
}

/// `ArrowRecordBatch.serialized_record_batch`: `batch` as one encapsulated
/// IPC message (as pyarrow's `RecordBatch.serialize()`). Rejects batches
/// that need dictionary messages (the mapping never makes any).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{ipc, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?;
/// writer.push_ndjson(b"{\"n\": 7}\n{\"n\": null}\n");
/// let schema_message = writer.serialized_schema()?;
/// let batch = writer.finish()?.remove(0);
/// let batch_message = ipc::serialize_record_batch(&batch)?;
/// assert_eq!(ipc::read_record_batch(&schema_message, &batch_message)?, batch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn serialize_record_batch(batch: &RecordBatch) -> Result<Vec<u8>, ArrowError> {
    let options = write_options()?;
    let mut tracker = DictionaryTracker::new(false);
    let mut context = IpcWriteContext::default();
    let (dictionaries, encoded) =
        IpcDataGenerator::default().encode(batch, &mut tracker, &options, &mut context)?;
    if !dictionaries.is_empty() {
        return Err(ArrowError::InvalidArgumentError(
            "a record batch with dictionary-encoded columns cannot be one AppendRows message"
                .into(),
        ));
    }
    let mut out = Vec::with_capacity(encoded.ipc_message.len() + encoded.arrow_data.len() + 16);
    write_message(&mut out, encoded, &options)?;
    Ok(out)
}

/// A whole IPC stream: the schema message, one message per batch, and the
/// end-of-stream marker (what `bqcodec encode --format arrow` writes).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{ipc, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("n", FieldType::Int64)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?.with_max_rows(1);
/// writer.push_ndjson(b"{\"n\": 1}\n{\"n\": 2}\n");
/// let schema = writer.schema();
/// let stream = ipc::ipc_stream(&schema, &writer.finish()?)?;
/// assert_eq!(stream[stream.len() - 8..], [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]); // end marker
/// let (read_schema, batches) = ipc::read_stream(&stream)?;
/// assert_eq!((read_schema, batches.len()), (schema, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn ipc_stream(schema: &Schema, batches: &[RecordBatch]) -> Result<Vec<u8>, ArrowError> {
    let mut writer = StreamWriter::try_new_with_options(Vec::new(), schema, write_options()?)?;
    for b in batches {
        writer.write(b)?;
    }
    writer.finish()?;
    writer.into_inner()
}

/// Reads a schema message ([`serialize_schema`]'s output, or pyarrow's
/// `Schema.serialize()`).
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::ipc;
///
/// // Anything but a schema message is an error, never a panic.
/// assert!(ipc::read_schema(b"").is_err());
/// assert!(ipc::read_schema(&[0xFF, 0xFF, 0xFF, 0xFF, 8, 0, 0, 0, 1, 2]).is_err());
/// ```
pub fn read_schema(message: &[u8]) -> Result<Schema, ArrowError> {
    let (schema, batches) = read_stream_parts(&[message, &EOS])?;
    if !batches.is_empty() {
        return Err(ArrowError::IpcError(
            "expected only a schema message".into(),
        ));
    }
    Ok(schema.as_ref().clone())
}

/// Reads a record batch message ([`serialize_record_batch`]'s output) given
/// the schema message it was written against.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::{ipc, ArrowWriter};
/// use bqcodec::plan::{Plan, WalkOptions};
/// use bqcodec::{Field, FieldType, TableSchema};
///
/// let plan = Plan::compile(&TableSchema::new(vec![Field::new("s", FieldType::String)]), WalkOptions::new())?;
/// let mut writer = ArrowWriter::new(&plan)?;
/// writer.push_json(r#"{"s": "héllo"}"#.as_bytes())?;
/// let schema_message = writer.serialized_schema()?;
/// let batch_message = ipc::serialize_record_batch(&writer.finish()?[0])?;
/// let batch = ipc::read_record_batch(&schema_message, &batch_message)?;
/// assert_eq!(batch.num_rows(), 1);
/// // The schema message alone holds no batch:
/// assert!(ipc::read_record_batch(&schema_message, &[]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_record_batch(
    schema_message: &[u8],
    batch_message: &[u8],
) -> Result<RecordBatch, ArrowError> {
    let (_, mut batches) = read_stream_parts(&[schema_message, batch_message, &EOS])?;
    match (batches.pop(), batches.is_empty()) {
        (Some(b), true) => Ok(b),
        _ => Err(ArrowError::IpcError(
            "expected exactly one record batch message".into(),
        )),
    }
}

/// Reads a whole IPC stream: its schema and every batch.
///
/// Every reader here rejects malformed bytes with an error, never a panic.
///
/// # Examples
///
/// ```
/// use bqcodec::arrow::ipc;
///
/// let schema = arrow_schema::Schema::empty();
/// let stream = ipc::ipc_stream(&schema, &[])?;
/// let (read, batches) = ipc::read_stream(&stream)?;
/// assert_eq!((read.fields().len(), batches.len()), (0, 0));
/// assert!(ipc::read_stream(&stream[..stream.len() - 9]).is_err()); // cut short
/// assert!(ipc::read_stream(b"not arrow").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_stream(stream: &[u8]) -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
    read_stream_parts(&[stream])
}

fn read_stream_parts(parts: &[&[u8]]) -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
    let bytes: Vec<u8> = parts.concat();
    // arrow-ipc verifies the flatbuffers and validates every array it reads,
    // but it is a third-party parser fed untrusted bytes: should it still
    // panic, the panic becomes an error here (with `panic = "abort"` it
    // cannot be caught).
    let read = move || -> Result<(SchemaRef, Vec<RecordBatch>), ArrowError> {
        let reader = StreamReader::try_new(Cursor::new(bytes), None)?;
        let schema = reader.schema();
        let batches = reader.collect::<Result<Vec<_>, _>>()?;
        Ok((schema, batches))
    };
    std::panic::catch_unwind(read).unwrap_or_else(|_| {
        Err(ArrowError::IpcError(
            "malformed Arrow IPC data (the reader panicked)".into(),
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)] // tests fail loudly by design
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use arrow_schema::{DataType, Field};
    use std::collections::HashMap;
    use std::sync::Arc;

    fn sample() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int64, false),
            Field::new("j", DataType::Utf8, true).with_metadata(HashMap::from([(
                "ARROW:extension:name".to_owned(),
                "google:sqlType:json".to_owned(),
            )])),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from(vec![1, -2, 3])),
                Arc::new(StringArray::from(vec![Some("{}"), None, Some("[1]")])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn messages_are_encapsulated() {
        let b = sample();
        let s = serialize_schema(b.schema_ref()).unwrap();
        // Continuation marker, then the padded metadata length; no EOS.
        assert_eq!(&s[..4], &[0xFF; 4]);
        let len = i32::from_le_bytes([s[4], s[5], s[6], s[7]]) as usize;
        assert_eq!(len % 8, 0);
        assert_eq!(s.len(), 8 + len, "a schema message has no body");
        let m = serialize_record_batch(&b).unwrap();
        assert_eq!(&m[..4], &[0xFF; 4]);
        let mlen = i32::from_le_bytes([m[4], m[5], m[6], m[7]]) as usize;
        assert!(m.len() > 8 + mlen, "the body follows the metadata");
        assert_eq!(m.len() % 8, 0);
        assert_ne!(&m[m.len() - 8..], &EOS);
    }

    #[test]
    fn round_trip() {
        let b = sample();
        let s = serialize_schema(b.schema_ref()).unwrap();
        let schema = read_schema(&s).unwrap();
        assert_eq!(&schema, b.schema_ref().as_ref());
        let back = read_record_batch(&s, &serialize_record_batch(&b).unwrap()).unwrap();
        assert_eq!(back, b);
        let stream = ipc_stream(b.schema_ref(), &[b.clone(), b.clone()]).unwrap();
        assert_eq!(&stream[stream.len() - 8..], &EOS);
        let (schema, batches) = read_stream(&stream).unwrap();
        assert_eq!(schema.as_ref(), b.schema_ref().as_ref());
        assert_eq!(batches, vec![b.clone(), b]);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(read_schema(b"").is_err());
        assert!(read_schema(&[0xFF, 0xFF, 0xFF, 0xFF, 0x10, 0, 0, 0, 1, 2]).is_err());
        assert!(read_stream(&[0u8; 3]).is_err());
        let b = sample();
        let s = serialize_schema(b.schema_ref()).unwrap();
        let m = serialize_record_batch(&b).unwrap();
        assert!(read_record_batch(&s, &m[..m.len() / 2]).is_err());
    }
}
