use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::json;

use crate::helpers::{fresh_database_url, spawn_app};

/// Runs `socdesk ARGS` against `database_url`: exit success, stdout and stderr.
fn socdesk(database_url: &str, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_socdesk"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .expect("socdesk runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

async fn site_names(url: &str) -> Vec<String> {
    let db = Database::connect(url).await.expect("connects");
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT name FROM sites ORDER BY name"))
        .await
        .expect("sites");
    db.close().await.ok();
    rows.iter().map(|r| r.try_get::<String>("", "name").expect("name")).collect()
}

#[tokio::test]
async fn sqlite_backs_up_online_and_restores_only_when_unused() {
    let app = spawn_app().await;
    let file = tempdir_file("backup.db");
    let backup_path = file.display().to_string();
    if !app.database_url.starts_with("sqlite:") {
        // PostgreSQL has its own tools; the commands say so and touch nothing.
        let (ok, out) = socdesk(&app.database_url, &["backup", &backup_path]);
        assert!(!ok && out.contains("pg_dump"), "{out}");
        assert!(!file.exists());
        let (ok, out) = socdesk(&app.database_url, &["restore", &backup_path]);
        assert!(!ok && out.contains("pg_dump"), "{out}");
        return;
    }
    let res = app.post("/api/sites", &app.admin_token, json!({"name": "Before the backup"})).await;
    assert!(res.status().is_success());

    // Taken while the server runs.
    let (ok, out) = socdesk(&app.database_url, &["backup", &backup_path]);
    assert!(ok, "{out}");
    let (ok, out) = socdesk(&app.database_url, &["backup", &backup_path]);
    assert!(!ok && out.contains("already exists"), "an existing file is never overwritten: {out}");
    let res = app.post("/api/sites", &app.admin_token, json!({"name": "After the backup"})).await;
    assert!(res.status().is_success());

    // The running server's database is not replaced under it.
    let (ok, out) = socdesk(&app.database_url, &["restore", &backup_path]);
    assert!(!ok && out.contains("in use"), "{out}");
    assert!(site_names(&app.database_url).await.contains(&"After the backup".to_owned()));

    // An unused database (here a new one) gets the backup's contents exactly.
    let elsewhere = fresh_database_url().await;
    let (ok, out) = socdesk(&elsewhere, &["restore", &backup_path]);
    assert!(ok, "{out}");
    let names = site_names(&elsewhere).await;
    assert!(names.contains(&"Before the backup".to_owned()), "{names:?}");
    assert!(!names.contains(&"After the backup".to_owned()), "{names:?}");

    // Something that is not a socdesk database is refused before anything is touched.
    let junk = tempdir_file("junk.db");
    std::fs::write(&junk, b"not a database").expect("written");
    let (ok, out) = socdesk(&elsewhere, &["restore", &junk.display().to_string()]);
    assert!(!ok && out.contains("not a socdesk database"), "{out}");
    assert!(site_names(&elsewhere).await.contains(&"Before the backup".to_owned()));
}

fn tempdir_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("socdesk-backup-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
