//! The migrations themselves: each `down.sql` restores the schema its
//! `up.sql` started from, and the foreign keys keep tenant data apart.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

#[derive(Debug, PartialEq, Eq, QueryableByName)]
struct SchemaObject {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

fn schema(conn: &mut SqliteConnection) -> Vec<SchemaObject> {
    diesel::sql_query(
        "SELECT type AS kind, name, COALESCE(sql, '') AS definition FROM sqlite_master
         WHERE name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'
         ORDER BY type, name",
    )
    .load(conn)
    .unwrap()
}

fn migrations() -> FileBasedMigrations {
    FileBasedMigrations::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
}

fn open(dir: &tempfile::TempDir) -> SqliteConnection {
    let path = dir.path().join("schema.sqlite3");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
    conn
}

#[test]
fn each_down_migration_restores_previous_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir);
    let mut snapshots = vec![schema(&mut conn)];
    while conn.has_pending_migration(migrations()).unwrap() {
        conn.run_next_migration(migrations()).unwrap();
        snapshots.push(schema(&mut conn));
    }
    assert!(snapshots.len() >= 3, "expected at least two migrations");

    for expected in snapshots.iter().rev().skip(1) {
        conn.revert_last_migration(migrations()).unwrap();
        assert_eq!(&schema(&mut conn), expected);
    }
    conn.run_pending_migrations(migrations()).unwrap();
    assert_eq!(&schema(&mut conn), snapshots.last().unwrap());
}

/// Two tenants, each with a policy, a zone and a device.
const TWO_TENANTS: &str = "
    INSERT INTO tenants (id, name, created_at, improved_security) VALUES
        ('t1', 'One', 0, TRUE), ('t2', 'Two', 0, TRUE);
    INSERT INTO policies VALUES
        ('p1', 't1', 'P', 'p', '{}', 0, 0), ('p2', 't2', 'P', 'p', '{}', 0, 0);
    INSERT INTO zones VALUES
        ('z1', 't1', 'Z', 'z', 'p1', 'Low', 'Production', NULL, 0, 0),
        ('z2', 't2', 'Z', 'z', 'p2', 'Low', 'Production', NULL, 0, 0);
    INSERT INTO devices VALUES
        ('d1', 't1', 'D', 'h', 'h', 'Online', '3.1', 'os', 'k', '[]', '[]', 'p1', 'u', '', FALSE, TRUE, FALSE, NULL, 0, NULL, NULL),
        ('d2', 't2', 'D', 'h', 'h', 'Online', '3.1', 'os', 'k', '[]', '[]', 'p2', 'u', '', FALSE, TRUE, FALSE, NULL, 0, NULL, NULL);
";

#[test]
fn links_across_tenants_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir);
    conn.run_pending_migrations(migrations()).unwrap();
    conn.batch_execute(TWO_TENANTS).unwrap();

    let crossing = [
        "INSERT INTO device_zones VALUES ('t1', 'd1', 'z2')",
        "INSERT INTO device_zones VALUES ('t2', 'd1', 'z2')",
        "UPDATE devices SET policy_id = 'p2' WHERE id = 'd1'",
        "UPDATE zones SET policy_id = 'p1' WHERE id = 'z2'",
        "INSERT INTO device_mac_addresses VALUES ('t2', 'd1', '00-11-22-33-44-55')",
    ];
    for statement in crossing {
        assert!(conn.batch_execute(statement).is_err(), "{statement}");
    }
    conn.batch_execute("INSERT INTO device_zones VALUES ('t1', 'd1', 'z1')")
        .unwrap();
}

#[test]
fn deleting_tenant_removes_only_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir);
    conn.run_pending_migrations(migrations()).unwrap();
    conn.batch_execute(TWO_TENANTS).unwrap();
    conn.batch_execute(
        "INSERT INTO device_zones VALUES ('t1', 'd1', 'z1'), ('t2', 'd2', 'z2');
         DELETE FROM tenants WHERE id = 't1';",
    )
    .unwrap();

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    for table in ["policies", "zones", "devices", "device_zones"] {
        let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(count.n, 1, "{table}");
    }
}

#[test]
fn policy_in_use_cannot_be_deleted_directly() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir);
    conn.run_pending_migrations(migrations()).unwrap();
    conn.batch_execute(TWO_TENANTS).unwrap();
    assert!(
        conn.batch_execute("DELETE FROM policies WHERE id = 'p1'")
            .is_err()
    );
}
