use sea_orm::Database;
use socdesk_migrations::SchemaManager;

use crate::helpers::fresh_database_url;

/// Runs `socdesk migrate ARGS` against `database_url`: exit success and stdout.
fn socdesk_migrate(database_url: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socdesk"))
        .arg("migrate")
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("SOCDESK_LOG_FORMAT", "json")
        .output()
        .expect("socdesk runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn has_tracking_table(database_url: &str) -> bool {
    let db = Database::connect(database_url).await.expect("connects");
    let has = SchemaManager::new(&db).has_table("seaql_migrations").await.expect("asks");
    db.close().await.ok();
    has
}

#[tokio::test]
async fn a_dry_run_names_the_pending_migrations_and_changes_nothing() {
    let url = fresh_database_url().await;
    let sqlite_file = url.strip_prefix("sqlite://").and_then(|p| p.split('?').next()).map(str::to_owned);

    let (ok, out) = socdesk_migrate(&url, &["--dry-run"]);
    assert!(ok, "{out}");
    assert!(out.lines().next().is_some_and(|l| l == "pending m0001_foundation"), "{out}");
    assert!(out.contains("pending m0013_playbooks"), "{out}");
    assert!(out.contains("nothing was changed (dry run)"), "{out}");
    match &sqlite_file {
        Some(file) => assert!(!std::path::Path::new(file).exists(), "a dry run created {file}"),
        None => assert!(!has_tracking_table(&url).await, "a dry run wrote to PostgreSQL"),
    }

    let (ok, out) = socdesk_migrate(&url, &[]);
    assert!(ok, "{out}");
    assert!(out.contains("applied m0001_foundation") && out.contains("applied m0013_playbooks"), "{out}");
    assert!(has_tracking_table(&url).await);

    let (ok, out) = socdesk_migrate(&url, &["--dry-run"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "the database is up to date");

    let (ok, _) = socdesk_migrate(&url, &["--force"]);
    assert!(!ok, "an unknown option is refused");
}
