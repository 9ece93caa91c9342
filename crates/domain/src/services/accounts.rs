//! Accounts: who may sign in, with which permissions, for which sites.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use socdesk_types::{
    Page, Permission,
    accounts::{Account, AccountPatch, NewAccount},
    auth::{AuthMethod, Me},
    catalog::SiteRef,
};

use crate::{
    Actor, DomainError, DomainResult,
    entities::{account, account_permission, account_site, employee, site},
    error::Violations,
    pagination::{Ordering, PageRequest, SortKey, fetch_page},
    secrets,
    services::{audit, sessions},
    values::{BoundedName, Email, Login, OptionalText, Password},
};

/// Loads the actor behind a request. Fails with `Unauthenticated` when the account is gone or
/// disabled, so a disabled account's tokens and keys stop working at once.
pub async fn load_actor(
    db: &impl ConnectionTrait,
    account_id: i64,
    method: AuthMethod,
    session_id: Option<i64>,
    ip: Option<String>,
) -> DomainResult<Actor> {
    let account =
        account::Entity::find_by_id(account_id).one(db).await?.filter(|a| a.enabled).ok_or_else(|| {
            DomainError::Unauthenticated("the account is disabled or no longer exists".into())
        })?;
    let (permissions, site_ids) = grants(db, account_id).await?;
    Ok(Actor {
        account_id,
        login: account.login,
        permissions,
        site_ids,
        employee_id: account.employee_id,
        method,
        session_id,
        ip,
    })
}

async fn grants(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> DomainResult<(BTreeSet<Permission>, BTreeSet<i64>)> {
    let mut by_account = grants_of(db, &[account_id]).await?;
    Ok(by_account.remove(&account_id).unwrap_or_default())
}

type Grants = BTreeMap<i64, (BTreeSet<Permission>, BTreeSet<i64>)>;

/// Permissions and site grants of several accounts in two queries.
async fn grants_of(db: &impl ConnectionTrait, ids: &[i64]) -> DomainResult<Grants> {
    let mut out: Grants = ids.iter().map(|id| (*id, Default::default())).collect();
    let perms = account_permission::Entity::find()
        .filter(account_permission::Column::AccountId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for p in perms {
        // An unknown name can only come from a newer release's data: ignore rather than fail.
        if let (Some(entry), Some(perm)) = (out.get_mut(&p.account_id), Permission::parse(&p.permission)) {
            entry.0.insert(perm);
        }
    }
    let sites = account_site::Entity::find()
        .filter(account_site::Column::AccountId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    for s in sites {
        if let Some(entry) = out.get_mut(&s.account_id) {
            entry.1.insert(s.site_id);
        }
    }
    Ok(out)
}

fn to_dto(m: account::Model, grants: (BTreeSet<Permission>, BTreeSet<i64>)) -> Account {
    Account {
        id: m.id,
        login: m.login,
        display_name: m.display_name,
        email: m.email,
        phone: m.phone,
        messenger_id: m.messenger_id,
        permissions: grants.0.into_iter().collect(),
        site_ids: grants.1.into_iter().collect(),
        employee_id: m.employee_id,
        enabled: m.enabled,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// What `GET /api/me` answers for the actor.
pub async fn me(db: &impl ConnectionTrait, actor: &Actor) -> DomainResult<Me> {
    let account = account::Entity::find_by_id(actor.account_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("account"))?;
    let mut sites = site::Entity::find();
    if !actor.is_admin() {
        sites = sites.filter(site::Column::Id.is_in(actor.site_ids.iter().copied()));
    }
    let mut sites: Vec<SiteRef> =
        sites.all(db).await?.into_iter().map(|s| SiteRef { id: s.id, name: s.name }).collect();
    sites.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Me {
        id: account.id,
        login: account.login,
        display_name: account.display_name,
        email: account.email,
        permissions: actor.permissions.iter().copied().collect(),
        sites,
        employee_id: account.employee_id,
        auth_method: actor.method,
    })
}

/// One account. Fails with `NotFound`.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> DomainResult<Account> {
    let model = account::Entity::find_by_id(id).one(db).await?.ok_or(DomainError::NotFound("account"))?;
    let grants = grants(db, id).await?;
    Ok(to_dto(model, grants))
}

/// Accounts ordered by login, optionally only those whose login or name contains `search`.
pub async fn list(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    page: &PageRequest,
) -> DomainResult<Page<Account>> {
    let mut select = account::Entity::find();
    if let Some(q) = search.map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(
            Condition::any()
                .add(account::Column::Login.contains(q))
                .add(account::Column::DisplayName.contains(q)),
        );
    }
    let ordering = Ordering {
        sort: account::Column::Login,
        id: account::Column::Id,
        descending: false,
        sort_is_id: false,
    };
    let page = fetch_page(db, select, ordering, page, |m| (SortKey::Text(m.login.clone()), m.id)).await?;
    let ids: Vec<i64> = page.items.iter().map(|m| m.id).collect();
    let mut grants = grants_of(db, &ids).await?;
    let items = page
        .items
        .into_iter()
        .map(|m| {
            let g = grants.remove(&m.id).unwrap_or_default();
            to_dto(m, g)
        })
        .collect();
    Ok(Page { items, next_cursor: page.next_cursor, total: page.total })
}

/// Refuses site ids that do not exist, naming the field.
async fn check_sites(db: &impl ConnectionTrait, ids: &[i64], v: &mut Violations) -> DomainResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: BTreeSet<i64> = site::Entity::find()
        .filter(site::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        if !found.contains(id) {
            v.push(format!("site_ids[{i}]"), format!("site {id} does not exist"));
        }
    }
    Ok(())
}

/// Refuses a linked employee that does not exist or belongs to another account, naming
/// `employee_id`.
async fn check_employee(
    db: &impl ConnectionTrait,
    employee_id: &str,
    account_id: Option<i64>,
    v: &mut Violations,
) -> DomainResult<()> {
    if employee::Entity::find_by_id(employee_id).one(db).await?.is_none() {
        v.push("employee_id", format!("employee {employee_id} does not exist"));
        return Ok(());
    }
    let linked = account::Entity::find()
        .filter(account::Column::EmployeeId.eq(employee_id))
        .one(db)
        .await?
        .filter(|a| Some(a.id) != account_id);
    if let Some(other) = linked {
        v.push(
            "employee_id",
            format!("employee {employee_id} is already linked to account '{}'", other.login),
        );
    }
    Ok(())
}

async fn replace_grants(
    db: &impl ConnectionTrait,
    account_id: i64,
    permissions: Option<&[Permission]>,
    site_ids: Option<&[i64]>,
) -> DomainResult<()> {
    if let Some(perms) = permissions {
        account_permission::Entity::delete_many()
            .filter(account_permission::Column::AccountId.eq(account_id))
            .exec(db)
            .await?;
        let unique: BTreeSet<Permission> = perms.iter().copied().collect();
        if !unique.is_empty() {
            account_permission::Entity::insert_many(unique.into_iter().map(|p| {
                account_permission::ActiveModel {
                    account_id: Set(account_id),
                    permission: Set(p.as_str().to_owned()),
                }
            }))
            .exec_without_returning(db)
            .await?;
        }
    }
    if let Some(sites) = site_ids {
        account_site::Entity::delete_many()
            .filter(account_site::Column::AccountId.eq(account_id))
            .exec(db)
            .await?;
        let unique: BTreeSet<i64> = sites.iter().copied().collect();
        if !unique.is_empty() {
            account_site::Entity::insert_many(
                unique
                    .into_iter()
                    .map(|s| account_site::ActiveModel { account_id: Set(account_id), site_id: Set(s) }),
            )
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}

/// Creates an account. Fails with `Validation` (every invalid field at once) or `Conflict` when
/// the login is taken.
pub async fn create(db: &DatabaseConnection, actor: &Actor, new: NewAccount) -> DomainResult<Account> {
    let mut v = Violations::new();
    let login = v.check(Login::parse("login", &new.login));
    let display_name = match &new.display_name {
        Some(name) => v.check(BoundedName::<100>::parse("display_name", name).map(BoundedName::into_inner)),
        None => login.as_ref().map(|l| l.as_str().to_owned()),
    };
    let email = match new.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => v.check(Email::parse("email", e).map(|e| Some(e.into_inner()))),
        None => Some(None),
    };
    let phone = v.check(OptionalText::<40>::parse("phone", new.phone.as_deref().unwrap_or("")));
    let messenger_id =
        v.check(OptionalText::<100>::parse("messenger_id", new.messenger_id.as_deref().unwrap_or("")));
    let password = v.check(Password::parse("password", &new.password));
    let txn = db.begin().await?;
    check_sites(&txn, &new.site_ids, &mut v).await?;
    if let Some(e) = &new.employee_id {
        check_employee(&txn, e, None, &mut v).await?;
    }
    v.finish()?;
    let (Some(login), Some(display_name), Some(email), Some(phone), Some(messenger_id), Some(password)) =
        (login, display_name, email, phone, messenger_id, password)
    else {
        return Err(DomainError::Internal("validated account fields missing".into()));
    };
    if account::Entity::find().filter(account::Column::Login.eq(login.as_str())).count(&txn).await? > 0 {
        return Err(DomainError::Conflict(format!("the login '{}' is already taken", login.as_str())));
    }
    let now = Utc::now();
    let model = account::ActiveModel {
        login: Set(login.into_inner()),
        display_name: Set(display_name),
        email: Set(email),
        phone: Set(phone),
        messenger_id: Set(messenger_id),
        password_hash: Set(secrets::hash_password(password.expose())?),
        enabled: Set(new.enabled.unwrap_or(true)),
        employee_id: Set(new.employee_id.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_grants(&txn, model.id, Some(&new.permissions), Some(&new.site_ids)).await?;
    audit::record(
        &txn,
        actor.into(),
        "account.create",
        Some(("account", model.id)),
        json!({"login": model.login, "permissions": new.permissions, "site_ids": new.site_ids,
               "employee_id": new.employee_id}),
    )
    .await?;
    let account = get(&txn, model.id).await?;
    txn.commit().await?;
    Ok(account)
}

/// Creates the first administrator without an acting account (first start).
pub(crate) async fn create_initial_admin(
    db: &DatabaseConnection,
    login: &str,
    password: &str,
) -> DomainResult<i64> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let model = account::ActiveModel {
        login: Set(login.to_owned()),
        display_name: Set("Administrator".to_owned()),
        password_hash: Set(secrets::hash_password(password)?),
        enabled: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_grants(&txn, model.id, Some(&[Permission::Admin]), None).await?;
    audit::record(
        &txn,
        audit::AuditActor { id: None, name: "system", ip: None },
        "account.bootstrap",
        Some(("account", model.id)),
        json!({"login": login}),
    )
    .await?;
    txn.commit().await?;
    Ok(model.id)
}

/// Changes the fields present in `patch`. Administrators cannot disable themselves or drop their
/// own `ADMIN` (so nobody locks the last door from inside). A new password ends every session of
/// the account. Fails with `NotFound`, `Validation` or `Conflict`.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    patch: AccountPatch,
) -> DomainResult<Account> {
    let txn = db.begin().await?;
    let current = account::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("account"))?;
    let mut v = Violations::new();
    let mut row: account::ActiveModel = current.clone().into();
    if let Some(name) = &patch.display_name
        && let Some(n) = v.check(BoundedName::<100>::parse("display_name", name))
    {
        row.display_name = Set(n.into_inner());
    }
    if let Some(email) = &patch.email {
        if email.trim().is_empty() {
            row.email = Set(None);
        } else if let Some(e) = v.check(Email::parse("email", email)) {
            row.email = Set(Some(e.into_inner()));
        }
    }
    if let Some(phone) = &patch.phone
        && let Some(p) = v.check(OptionalText::<40>::parse("phone", phone))
    {
        row.phone = Set(p);
    }
    if let Some(m) = &patch.messenger_id
        && let Some(m) = v.check(OptionalText::<100>::parse("messenger_id", m))
    {
        row.messenger_id = Set(m);
    }
    let password = match &patch.password {
        Some(p) => v.check(Password::parse("password", p)),
        None => None,
    };
    if let Some(sites) = &patch.site_ids {
        check_sites(&txn, sites, &mut v).await?;
    }
    if let Some(employee) = &patch.employee_id {
        if let Some(e) = employee {
            check_employee(&txn, e, Some(id), &mut v).await?;
        }
        row.employee_id = Set(employee.clone());
    }
    if id == actor.account_id {
        if patch.enabled == Some(false) {
            v.push("enabled", "you cannot disable your own account");
        }
        if let Some(perms) = &patch.permissions
            && actor.is_admin()
            && !perms.contains(&Permission::Admin)
        {
            v.push("permissions", "you cannot remove ADMIN from your own account");
        }
    }
    v.finish()?;
    if let Some(enabled) = patch.enabled {
        row.enabled = Set(enabled);
    }
    if let Some(p) = &password {
        row.password_hash = Set(secrets::hash_password(p.expose())?);
    }
    row.updated_at = Set(Utc::now());
    row.update(&txn).await?;
    replace_grants(&txn, id, patch.permissions.as_deref(), patch.site_ids.as_deref()).await?;
    if password.is_some() || patch.enabled == Some(false) {
        sessions::revoke_all_for_account(&txn, id).await?;
    }
    let mut changed = serde_json::Map::new();
    for (field, present) in [
        ("display_name", patch.display_name.is_some()),
        ("email", patch.email.is_some()),
        ("phone", patch.phone.is_some()),
        ("messenger_id", patch.messenger_id.is_some()),
        ("password", patch.password.is_some()),
        ("enabled", patch.enabled.is_some()),
    ] {
        if present {
            changed.insert(field.into(), json!(true));
        }
    }
    if let Some(p) = &patch.permissions {
        changed.insert("permissions".into(), json!(p));
    }
    if let Some(s) = &patch.site_ids {
        changed.insert("site_ids".into(), json!(s));
    }
    if let Some(e) = &patch.employee_id {
        changed.insert("employee_id".into(), json!(e));
    }
    audit::record(&txn, actor.into(), "account.update", Some(("account", id)), json!({ "changed": changed }))
        .await?;
    let account = get(&txn, id).await?;
    txn.commit().await?;
    Ok(account)
}

/// Deletes an account with its grants, sessions, keys and preferences. Nobody deletes
/// themselves. Fails with `NotFound` or `Validation`.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<()> {
    if id == actor.account_id {
        return Err(DomainError::Conflict("you cannot delete your own account".into()));
    }
    let txn = db.begin().await?;
    let current = account::Entity::find_by_id(id).one(&txn).await?.ok_or(DomainError::NotFound("account"))?;
    account::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor.into(),
        "account.delete",
        Some(("account", id)),
        json!({"login": current.login}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
