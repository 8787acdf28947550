//! The `seed` command: how much it writes, that every row belongs to the
//! seeded tenant, that other tenants are untouched, and that one seed gives
//! the same data.

use std::process::Command;

use aurora_console::db::schema::{
    device_threats, devices, global_list_entries, memory_protection_events, policies, threats,
    zones,
};
use aurora_console::seed::{self, SeedError, SeedOptions, SeedSummary};
use diesel::prelude::*;

use crate::support::TestDatabase;

const BINARY: &str = env!("CARGO_BIN_EXE_aurora-console");
const NOW: i64 = 1_780_000_000;

fn run_cli(data_dir: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new(BINARY)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("AURORA_DATA_DIR")
        .env_remove("DATABASE_URL")
        .env_remove("AURORA_KEK")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn seed_refuses_unknown_and_non_empty_tenants() {
    let db = TestDatabase::new();
    let options = SeedOptions {
        devices: 20,
        seed: 1,
    };
    let unknown = seed::run(
        &mut db.conn(),
        "6f1e7a52-3d4b-4c5a-9e8f-0a1b2c3d4e5f",
        options,
        NOW,
    );
    assert!(matches!(unknown, Err(SeedError::UnknownTenant(_))));

    let tenant = db.tenant("Twice");
    seed::run(&mut db.conn(), &tenant, options, NOW).unwrap();
    let before = seed::count_rows(&mut db.conn(), &tenant).unwrap();
    let again = seed::run(&mut db.conn(), &tenant, options, NOW);
    assert!(matches!(again, Err(SeedError::NotEmpty(_))));
    assert_eq!(seed::count_rows(&mut db.conn(), &tenant).unwrap(), before);
}

#[test]
fn seed_command_fills_only_the_named_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = run_cli(dir.path(), &["tenant", "create", "--name", "Seeded"])
        .trim()
        .to_owned();
    let bystander = run_cli(dir.path(), &["tenant", "create", "--name", "Bystander"])
        .trim()
        .to_owned();
    let printed = run_cli(
        dir.path(),
        &["seed", "--tenant", &tenant, "--devices", "200"],
    );
    assert!(printed.contains("200 devices"), "{printed}");

    let pool =
        aurora_console::db::connect(&dir.path().join("aurora.sqlite3").display().to_string())
            .unwrap();
    let mut conn = pool.get().unwrap();
    let counts = seed::count_rows(&mut conn, &tenant).unwrap();
    assert_eq!(counts.devices, 200);
    assert_eq!(counts.policies, 8);
    assert_eq!(counts.zones, 4);
    assert_eq!(counts.threats, 50);
    assert!(counts.mac_addresses >= 200, "{counts:?}");
    assert!(counts.device_zones >= 120, "{counts:?}");
    assert!(counts.device_threats >= 20, "{counts:?}");
    assert!(counts.global_list_entries >= 13, "{counts:?}");
    assert!(counts.memory_protection_events >= 5, "{counts:?}");
    assert_eq!(
        seed::count_rows(&mut conn, &bystander).unwrap(),
        SeedSummary::default()
    );

    // Every row of every resource table belongs to one of the two tenants,
    // and the bystander has none, so all of them belong to the seeded one.
    let all_devices: i64 = devices::table.count().get_result(&mut conn).unwrap();
    let all_threats: i64 = threats::table.count().get_result(&mut conn).unwrap();
    let all_findings: i64 = device_threats::table.count().get_result(&mut conn).unwrap();
    assert_eq!(all_devices as usize, counts.devices);
    assert_eq!(all_threats as usize, counts.threats);
    assert_eq!(all_findings as usize, counts.device_threats);
    let foreign_zones: i64 = zones::table
        .filter(zones::tenant_id.ne(&tenant))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let foreign_policies: i64 = policies::table
        .filter(policies::tenant_id.ne(&tenant))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let foreign_entries: i64 = global_list_entries::table
        .filter(global_list_entries::tenant_id.ne(&tenant))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let foreign_events: i64 = memory_protection_events::table
        .filter(memory_protection_events::tenant_id.ne(&tenant))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        (
            foreign_zones,
            foreign_policies,
            foreign_entries,
            foreign_events
        ),
        (0, 0, 0, 0)
    );
}

#[test]
fn newest_finding_matches_threat_last_found() {
    let db = TestDatabase::new();
    let tenant = db.tenant("Dates");
    let options = SeedOptions {
        devices: 300,
        seed: 9,
    };
    seed::run(&mut db.conn(), &tenant, options, NOW).unwrap();
    let mut conn = db.conn();
    let found: Vec<(String, i64, i64)> = threats::table
        .filter(threats::tenant_id.eq(&tenant))
        .select((
            threats::sha256,
            threats::first_found_at,
            threats::last_found_at,
        ))
        .load(&mut conn)
        .unwrap();
    let mut checked = 0;
    for (sha256, first, last) in found {
        assert!(first <= last, "{sha256}");
        assert!(last <= NOW, "{sha256}");
        let times: Vec<i64> = device_threats::table
            .filter(device_threats::tenant_id.eq(&tenant))
            .filter(device_threats::sha256.eq(&sha256))
            .select(device_threats::found_at)
            .load(&mut conn)
            .unwrap();
        if let (Some(min), Some(max)) = (times.iter().min(), times.iter().max()) {
            assert_eq!((first, last), (*min, *max), "{sha256}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn same_seed_and_tenant_give_same_data() {
    let tenant_id = "3b9e1a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d";
    let load = |seed_value: u64| {
        let db = TestDatabase::new();
        diesel::insert_into(aurora_console::db::schema::tenants::table)
            .values((
                aurora_console::db::schema::tenants::id.eq(tenant_id),
                aurora_console::db::schema::tenants::name.eq("Fixed"),
                aurora_console::db::schema::tenants::created_at.eq(NOW - 1000),
                aurora_console::db::schema::tenants::improved_security.eq(true),
            ))
            .execute(&mut db.conn())
            .unwrap();
        let options = SeedOptions {
            devices: 50,
            seed: seed_value,
        };
        seed::run(&mut db.conn(), tenant_id, options, NOW).unwrap();
        devices::table
            .order(devices::id)
            .select((
                devices::id,
                devices::name,
                devices::mac_addresses,
                devices::registered_at,
            ))
            .load::<(String, String, String, i64)>(&mut db.conn())
            .unwrap()
    };
    let first = load(5);
    assert_eq!(first.len(), 50);
    assert_eq!(first, load(5));
    assert_ne!(first, load(6));
}
