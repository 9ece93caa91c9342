//! Helpers shared by migrations written from m0007 on (older ones keep their own copies, as
//! released migrations are never edited).

use sea_orm_migration::prelude::*;

/// A plain index over `cols`.
pub fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for col in cols {
        index.col(Alias::new(*col));
    }
    index
}
