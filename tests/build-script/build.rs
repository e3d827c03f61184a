//! Two folders: two of the repository's example schemas, and this crate's own
//! schema with an awkward file name and every attribute, in the text profile.

use bqcodec::arrow::{PicosMapping, SchemaOptions};
use bqcodec::build::{BuildError, Builder};
use bqcodec::proto::Profile;

fn main() -> Result<(), BuildError> {
    Builder::new("../../schemas")
        .include("orders.schema.json")
        .include("all_types.schema.json")
        .compile()?;
    Builder::new("schemas")
        .module_file("extra_schemas.rs")
        .profile(Profile::Text)
        .cdc(true)
        // The TIMESTAMP(12) column has no Arrow form by default: as text here.
        .arrow_options(SchemaOptions::new().with_picos(PicosMapping::Text))
        .compile()?;
    Ok(())
}
