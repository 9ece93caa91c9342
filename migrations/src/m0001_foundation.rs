//! Accounts, permissions, site grants, sessions, API keys, catalogues, preferences, settings and
//! the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Login,
    DisplayName,
    Email,
    Phone,
    MessengerId,
    PasswordHash,
    Enabled,
    EmployeeId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountPermissions {
    Table,
    AccountId,
    Permission,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountSites {
    Table,
    AccountId,
    SiteId,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    AccountId,
    Name,
    Prefix,
    SecretHash,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Login,
    Ip,
    At,
}

#[derive(DeriveIden)]
enum TicketCategories {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
    Color,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Preferences {
    Table,
    AccountId,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Actor,
    Action,
    TargetType,
    TargetId,
    Detail,
    Ip,
}

fn fk_cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(big_pk_auto(Accounts::Id))
                .col(string_len_uniq(Accounts::Login, 64))
                .col(string_len(Accounts::DisplayName, 100))
                .col(string_len_null(Accounts::Email, 254))
                .col(string_len_null(Accounts::Phone, 40))
                .col(string_len_null(Accounts::MessengerId, 100))
                .col(string(Accounts::PasswordHash))
                .col(boolean(Accounts::Enabled).default(true))
                .col(big_integer_null(Accounts::EmployeeId))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AccountPermissions::Table)
                .col(big_integer(AccountPermissions::AccountId))
                .col(string_len(AccountPermissions::Permission, 32))
                .primary_key(
                    Index::create().col(AccountPermissions::AccountId).col(AccountPermissions::Permission),
                )
                .foreign_key(&mut fk_cascade(
                    (AccountPermissions::Table, AccountPermissions::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sites::Table)
                .col(big_pk_auto(Sites::Id))
                .col(string_len_uniq(Sites::Name, 100))
                .col(text(Sites::Description).default(""))
                .col(timestamp_with_time_zone(Sites::CreatedAt))
                .col(timestamp_with_time_zone(Sites::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AccountSites::Table)
                .col(big_integer(AccountSites::AccountId))
                .col(big_integer(AccountSites::SiteId))
                .primary_key(Index::create().col(AccountSites::AccountId).col(AccountSites::SiteId))
                .foreign_key(&mut fk_cascade(
                    (AccountSites::Table, AccountSites::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .foreign_key(&mut fk_cascade(
                    (AccountSites::Table, AccountSites::SiteId),
                    (Sites::Table, Sites::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_account_sites_site", AccountSites::Table, &["site_id"])).await?;

        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(big_pk_auto(ApiKeys::Id))
                .col(big_integer(ApiKeys::AccountId))
                .col(string_len(ApiKeys::Name, 100))
                .col(string_len(ApiKeys::Prefix, 16))
                .col(string_len_uniq(ApiKeys::SecretHash, 64))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .foreign_key(&mut fk_cascade(
                    (ApiKeys::Table, ApiKeys::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_api_keys_account", ApiKeys::Table, &["account_id", "id"])).await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(big_pk_auto(Sessions::Id))
                .col(big_integer(Sessions::AccountId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                .col(string_len_null(Sessions::Ip, 64))
                .col(string_len_null(Sessions::UserAgent, 255))
                .foreign_key(&mut fk_cascade(
                    (Sessions::Table, Sessions::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_sessions_account", Sessions::Table, &["account_id"])).await?;

        m.create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(big_pk_auto(RefreshTokens::Id))
                .col(big_integer(RefreshTokens::SessionId))
                .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .foreign_key(&mut fk_cascade(
                    (RefreshTokens::Table, RefreshTokens::SessionId),
                    (Sessions::Table, Sessions::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_refresh_tokens_session", RefreshTokens::Table, &["session_id"])).await?;

        m.create_table(
            Table::create()
                .table(LoginFailures::Table)
                .col(big_pk_auto(LoginFailures::Id))
                .col(string_len(LoginFailures::Login, 255))
                .col(string_len(LoginFailures::Ip, 64))
                .col(timestamp_with_time_zone(LoginFailures::At))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_login_failures_login", LoginFailures::Table, &["login", "at"])).await?;
        m.create_index(index("ix_login_failures_ip", LoginFailures::Table, &["ip", "at"])).await?;

        m.create_table(
            Table::create()
                .table(TicketCategories::Table)
                .col(big_pk_auto(TicketCategories::Id))
                .col(string_len_uniq(TicketCategories::Name, 100))
                .col(text(TicketCategories::Description).default(""))
                .col(timestamp_with_time_zone(TicketCategories::CreatedAt))
                .col(timestamp_with_time_zone(TicketCategories::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tags::Table)
                .col(big_pk_auto(Tags::Id))
                .col(string_len_uniq(Tags::Name, 50))
                .col(string_len(Tags::Color, 7))
                .col(timestamp_with_time_zone(Tags::CreatedAt))
                .col(timestamp_with_time_zone(Tags::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Preferences::Table)
                .col(big_integer(Preferences::AccountId))
                .col(string_len(Preferences::Key, 64))
                .col(json(Preferences::Value))
                .col(timestamp_with_time_zone(Preferences::UpdatedAt))
                .primary_key(Index::create().col(Preferences::AccountId).col(Preferences::Key))
                .foreign_key(&mut fk_cascade(
                    (Preferences::Table, Preferences::AccountId),
                    (Accounts::Table, Accounts::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Settings::Table)
                .col(string_len(Settings::Key, 64).primary_key())
                .col(json(Settings::Value))
                .col(timestamp_with_time_zone(Settings::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorId))
                .col(string_len(AuditLog::Actor, 255))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len_null(AuditLog::TargetType, 64))
                .col(string_len_null(AuditLog::TargetId, 64))
                .col(json(AuditLog::Detail))
                .col(string_len_null(AuditLog::Ip, 64))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_audit_log_at", AuditLog::Table, &["at", "id"])).await?;
        m.create_index(index("ix_audit_log_actor", AuditLog::Table, &["actor_id", "id"])).await?;
        m.create_index(index("ix_audit_log_action", AuditLog::Table, &["action", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Children before parents, so foreign keys never dangle.
        for table in [
            AuditLog::Table.into_iden(),
            Settings::Table.into_iden(),
            Preferences::Table.into_iden(),
            Tags::Table.into_iden(),
            TicketCategories::Table.into_iden(),
            LoginFailures::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            AccountSites::Table.into_iden(),
            Sites::Table.into_iden(),
            AccountPermissions::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
