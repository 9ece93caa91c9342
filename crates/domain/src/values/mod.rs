//! Validated value types: raw strings stop at the boundary and come out parsed.
//!
//! Each `parse` names the field it was given, so a refusal reads `login: must not be empty`.

mod contact;
mod login;
mod name;
mod password;
mod people;
mod pref_key;
mod title;

pub use contact::{Color, Email, OptionalText};
pub use login::Login;
pub use name::BoundedName;
pub use password::Password;
pub use people::{DepartmentName, EmployeeId};
pub use pref_key::PreferenceKey;
pub use title::TicketTitle;
