//! The Storage Write API's protobuf path: descriptors for table schemas.
//!
//! [`ProtoSchema::build`] compiles a [`TableSchema`](crate::TableSchema) into
//! a self-contained proto2 descriptor (see [`descriptor`] for its shape and
//! the type table), gives it out in every form a caller needs (prost-types
//! values, encoded bytes, a prost-reflect
//! [`MessageDescriptor`](prost_reflect::MessageDescriptor), `.proto` text),
//! and exposes the compiled [`MessageLayout`] the row encoder walks.
//!
//! Column names that are not protobuf identifiers get placeholder field names
//! and the `column_name` field option; [`names`] explains why no two names can
//! collide.
//!
//! ```
//! use bqcodec::proto::{DescriptorOptions, ProtoKind, ProtoSchema};
//! use bqcodec::{Field, FieldType, TableSchema};
//!
//! let schema = TableSchema::new(vec![
//!     Field::new("id", FieldType::Int64),
//!     Field::new("first name", FieldType::String),
//! ]);
//! let proto = ProtoSchema::build(&schema, &DescriptorOptions::default())?;
//! let name = &proto.layout().fields()[1];
//! assert_eq!((name.name.as_str(), name.number, name.kind), ("col_first_name", 2, ProtoKind::String));
//! assert!(proto.to_proto_text().contains(r#"column_name) = "first name""#));
//! # Ok::<(), bqcodec::SchemaError>(())
//! ```

pub mod decode;
pub mod descriptor;
pub mod names;
mod render;
pub mod wire;
mod writer;

pub use descriptor::{
    COLUMN_NAME_EXTENSION, COLUMN_NAME_EXTENSION_NUMBER, CdcColumn, DescriptorOptions, FieldLayout,
    Label, MAX_FIELDS_PER_MESSAGE, MAX_RECORD_DEPTH, MessageLayout, Profile, ProtoKind,
    ProtoSchema, WireType, column_name_option,
};
pub use writer::ProtoWriter;
