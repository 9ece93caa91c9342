//! Helpers for bodies that change only the fields present.

use serde::Deserialize;

/// Reads a present JSON value (including `null`) as `Some(..)`, so PATCH bodies can tell
/// "leave as is" (field absent) from "clear" (`null`).
pub(crate) fn present<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
