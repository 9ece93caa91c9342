//! First start: make sure someone can sign in.

use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use crate::{DomainError, DomainResult, entities::account, secrets, services::accounts};

/// The login of the account created on first start.
pub const INITIAL_ADMIN_LOGIN: &str = "admin";

/// What first start did.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// Accounts already existed; nothing was done.
    AlreadySetUp,
    /// `admin` was created with the configured password.
    CreatedWithConfiguredPassword,
    /// `admin` was created with this random password, to be shown once.
    CreatedWithGeneratedPassword(String),
}

/// When no account exists, creates `admin` with `ADMIN`, using `configured_password` or a random
/// one. Several processes starting at once create it once (the login is unique).
pub async fn ensure_admin(
    db: &DatabaseConnection,
    configured_password: Option<&str>,
) -> DomainResult<Bootstrap> {
    if account::Entity::find().count(db).await? > 0 {
        return Ok(Bootstrap::AlreadySetUp);
    }
    let (password, generated) = match configured_password {
        Some(p) => (p.to_owned(), false),
        None => (secrets::random_token().chars().take(20).collect::<String>(), true),
    };
    match accounts::create_initial_admin(db, INITIAL_ADMIN_LOGIN, &password).await {
        Ok(_) if generated => Ok(Bootstrap::CreatedWithGeneratedPassword(password)),
        Ok(_) => Ok(Bootstrap::CreatedWithConfiguredPassword),
        Err(DomainError::Conflict(_)) => Ok(Bootstrap::AlreadySetUp),
        Err(e) => Err(e),
    }
}
