//! Employees and the department tree, and accounts linked to an employee by its text id.
//!
//! `departments.manager_id` and `employees.department_id` point at each other: PostgreSQL gets
//! the manager foreign key once both tables exist; SQLite takes it in `CREATE TABLE` (it checks
//! foreign keys when rows change, not when tables are created) because it cannot add one later.
//! The old `accounts.employee_id` was a BIGINT placeholder nothing wrote; it is dropped and
//! added again as text referencing `employees.id`.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    Name,
    ParentId,
    ManagerId,
    CreatedAt,
    ModifiedAt,
}

#[derive(DeriveIden)]
enum Employees {
    Table,
    Id,
    Name,
    Email,
    DepartmentId,
    IsAdmin,
    Language,
    CreatedAt,
    ModifiedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    EmployeeId,
}

const MANAGER_FK: &str = "fk_departments_manager_id";

/// Both databases accept a column with its reference in one `ADD COLUMN`; SQLite accepts no
/// other way.
const ADD_ACCOUNT_EMPLOYEE: &str = "ALTER TABLE accounts ADD COLUMN employee_id VARCHAR(64) NULL \
     REFERENCES employees (id) ON DELETE SET NULL";

fn manager_fk() -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(MANAGER_FK)
        .from(Departments::Table, Departments::ManagerId)
        .to(Employees::Table, Employees::Id)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
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
        let sqlite = m.get_database_backend() == DatabaseBackend::Sqlite;
        let mut departments = Table::create();
        departments
            .table(Departments::Table)
            .col(big_pk_auto(Departments::Id))
            .col(string_len(Departments::Name, 100))
            .col(big_integer_null(Departments::ParentId))
            .col(string_len_null(Departments::ManagerId, 64))
            .col(timestamp_with_time_zone(Departments::CreatedAt))
            .col(timestamp_with_time_zone(Departments::ModifiedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Departments::Table, Departments::ParentId)
                    .to(Departments::Table, Departments::Id)
                    .on_delete(ForeignKeyAction::Restrict),
            );
        if sqlite {
            departments.foreign_key(&mut manager_fk());
        }
        m.create_table(departments.to_owned()).await?;
        m.create_index(index("ix_departments_parent_name", Departments::Table, &["parent_id", "name"]))
            .await?;
        m.create_index(index("ix_departments_name", Departments::Table, &["name", "id"])).await?;
        // An employee belongs to one department and manages at most that one.
        m.create_index(
            index("ux_departments_manager_id", Departments::Table, &["manager_id"]).unique().to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Employees::Table)
                .col(string_len(Employees::Id, 64).primary_key())
                .col(string_len(Employees::Name, 100))
                .col(string_len(Employees::Email, 254))
                .col(big_integer_null(Employees::DepartmentId))
                .col(boolean(Employees::IsAdmin).default(false))
                .col(string_len_null(Employees::Language, 8))
                .col(timestamp_with_time_zone(Employees::CreatedAt))
                .col(timestamp_with_time_zone(Employees::ModifiedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Employees::Table, Employees::DepartmentId)
                        .to(Departments::Table, Departments::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_employees_name", Employees::Table, &["name", "id"])).await?;
        m.create_index(index("ix_employees_department", Employees::Table, &["department_id", "name", "id"]))
            .await?;
        m.create_index(index("ix_employees_is_admin", Employees::Table, &["is_admin", "id"])).await?;

        if !sqlite {
            m.create_foreign_key(manager_fk()).await?;
        }

        m.alter_table(Table::alter().table(Accounts::Table).drop_column(Accounts::EmployeeId).to_owned())
            .await?;
        m.get_connection().execute_unprepared(ADD_ACCOUNT_EMPLOYEE).await?;
        // One employee is linked to at most one account (NULLs are distinct on both databases).
        m.create_index(
            index("ux_accounts_employee_id", Accounts::Table, &["employee_id"]).unique().to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sqlite = m.get_database_backend() == DatabaseBackend::Sqlite;
        m.drop_index(Index::drop().name("ux_accounts_employee_id").table(Accounts::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Accounts::Table).drop_column(Accounts::EmployeeId).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(ColumnDef::new(Accounts::EmployeeId).big_integer().null())
                .to_owned(),
        )
        .await?;
        if !sqlite {
            m.drop_foreign_key(ForeignKey::drop().name(MANAGER_FK).table(Departments::Table).to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table(Employees::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Departments::Table).to_owned()).await?;
        Ok(())
    }
}
