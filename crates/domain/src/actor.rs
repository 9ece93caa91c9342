//! Who is acting: the authenticated account with its permissions and site grants.

use std::collections::BTreeSet;

use socdesk_types::{Permission, auth::AuthMethod};

use crate::{DomainError, DomainResult};

/// The account behind a request, loaded once per request by the API's authentication.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: i64,
    pub login: String,
    pub permissions: BTreeSet<Permission>,
    /// Sites granted explicitly (admins see every site whatever this holds).
    pub site_ids: BTreeSet<i64>,
    /// The employee this account belongs to (reviews need one).
    pub employee_id: Option<String>,
    pub method: AuthMethod,
    /// The session the access token belongs to (none for API keys).
    pub session_id: Option<i64>,
    /// The client's address, for the audit log.
    pub ip: Option<String>,
}

impl Actor {
    /// Whether the account holds `ADMIN`.
    pub fn is_admin(&self) -> bool {
        self.permissions.contains(&Permission::Admin)
    }

    /// Whether the account holds `permission` (`ADMIN` holds every permission).
    pub fn has(&self, permission: Permission) -> bool {
        self.is_admin() || self.permissions.contains(&permission)
    }

    /// Refuses with 403 unless the account holds `permission`.
    pub fn require(&self, permission: Permission) -> DomainResult<()> {
        if self.has(permission) {
            Ok(())
        } else {
            Err(DomainError::Forbidden(format!("this action needs the {permission} permission")))
        }
    }

    /// Refuses with 403 unless the account holds at least one of `permissions` (`ADMIN` holds
    /// them all; an empty list asks for nothing).
    pub fn require_any(&self, permissions: &[Permission]) -> DomainResult<()> {
        match permissions {
            [] => Ok(()),
            [one] => self.require(*one),
            _ if permissions.iter().any(|p| self.has(*p)) => Ok(()),
            _ => {
                let names: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
                Err(DomainError::Forbidden(format!(
                    "this action needs one of the {} permissions",
                    names.join(", ")
                )))
            }
        }
    }

    /// Whether tickets of `site_id` are visible to this account.
    pub fn can_see_site(&self, site_id: i64) -> bool {
        self.is_admin() || self.site_ids.contains(&site_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(perms: &[Permission], sites: &[i64]) -> Actor {
        Actor {
            account_id: 1,
            login: "a".into(),
            permissions: perms.iter().copied().collect(),
            site_ids: sites.iter().copied().collect(),
            employee_id: None,
            method: AuthMethod::Session,
            session_id: None,
            ip: None,
        }
    }

    #[test]
    fn admin_holds_every_permission_and_site() {
        let a = actor(&[Permission::Admin], &[]);
        assert!(Permission::ALL.iter().all(|p| a.has(*p)));
        assert!(a.can_see_site(42));
    }

    #[test]
    fn others_hold_only_what_they_were_granted() {
        let a = actor(&[Permission::TicketView], &[1]);
        assert!(a.has(Permission::TicketView));
        assert!(!a.has(Permission::TicketEdit));
        assert!(a.require(Permission::Admin).is_err());
        assert!(a.can_see_site(1));
        assert!(!a.can_see_site(2));
        assert!(!actor(&[Permission::TicketView], &[]).can_see_site(1));
    }

    #[test]
    fn any_of_several_permissions_is_enough() {
        let wanted = [Permission::ExplanationView, Permission::TicketEdit];
        assert!(actor(&[Permission::TicketEdit], &[]).require_any(&wanted).is_ok());
        assert!(actor(&[Permission::Admin], &[]).require_any(&wanted).is_ok());
        assert!(actor(&[], &[]).require_any(&[]).is_ok());
        let refused = actor(&[Permission::TicketView], &[]).require_any(&wanted);
        assert!(
            matches!(refused, Err(DomainError::Forbidden(m)) if m.contains("EXPLANATION_VIEW, TICKET_EDIT"))
        );
    }
}
