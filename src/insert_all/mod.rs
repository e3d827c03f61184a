//! Legacy streaming (`tabledata.insertAll`): the JSON form of each value.
//!
//! Request bodies, insertId, template suffixes, partition decorators and
//! size-limit batching are not built yet (missing; see the open issue).

mod value;

pub use value::{parse_value_json, value_json};
