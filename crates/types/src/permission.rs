//! The permissions an account can hold.

use serde::{Deserialize, Serialize};

/// A permission granted to an account. `ADMIN` implies every other one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Permission {
    Admin,
    TicketView,
    TicketEdit,
    ExplanationView,
    ExplanationAudit,
}

impl Permission {
    /// Every permission, in display order.
    pub const ALL: [Permission; 5] = [
        Permission::Admin,
        Permission::TicketView,
        Permission::TicketEdit,
        Permission::ExplanationView,
        Permission::ExplanationAudit,
    ];

    /// The wire (and storage) name, e.g. `TICKET_VIEW`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Admin => "ADMIN",
            Permission::TicketView => "TICKET_VIEW",
            Permission::TicketEdit => "TICKET_EDIT",
            Permission::ExplanationView => "EXPLANATION_VIEW",
            Permission::ExplanationAudit => "EXPLANATION_AUDIT",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_through_serde_and_parse() {
        for p in Permission::ALL {
            let json = serde_json::to_string(&p).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        assert_eq!(Permission::parse("admin"), None);
    }
}
