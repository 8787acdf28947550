//! `/memoryprotection/v2`: the event listing with its device and time
//! filters, and one event by its `device_image_file_event_id`.

use actix_web::http::StatusCode;
use aurora_console::clock;
use aurora_console::db::schema::memory_protection_events;
use aurora_console::domain::ids;
use aurora_console::domain::memory_protection::{
    MemoryAction, MemoryProtectionEvent, ViolationType,
};
use aurora_console::seed::{self, SeedOptions};
use diesel::prelude::*;
use serde_json::json;

use crate::api_threats::{
    MAY_FIRST, anonymous, column, insert_device, is_api_timestamp, ok_json, sha, token_with,
};
use crate::api_token::{Integration, error_message};
use crate::support::TestApp;

const PATH: &str = "/memoryprotection/v2";
const NOT_FOUND: &str = "Memory protection event not found";

/// Returns a blocked LSASS read by `mimikatz.exe` at `created_at`. Tests
/// change its fields with struct update syntax.
fn event_row(tenant_id: &str, device_id: &str, created_at: i64) -> MemoryProtectionEvent {
    MemoryProtectionEvent {
        id: ids::new_id(),
        tenant_id: tenant_id.to_owned(),
        device_id: device_id.to_owned(),
        agent_event_id: "B1C2D3E4F5A60718293A4B5C6D7E8F90".into(),
        action: MemoryAction::Block.code(),
        violation_type: ViolationType::LsassRead.code(),
        created_at,
        image_name: "C:\\Users\\alex\\AppData\\Local\\Temp\\mimikatz.exe".into(),
        file_hash_id: sha(9),
        file_version: "2.2.0.0".into(),
        dll_version: String::new(),
        process_id: 4_312,
        sid: "S-1-5-21-3623811015-3361044348-30300820-1013".into(),
        username: "CORP\\alex".into(),
        groups: "CORP\\Domain Users".into(),
    }
}

fn insert_event(app: &TestApp, event: &MemoryProtectionEvent) {
    diesel::insert_into(memory_protection_events::table)
        .values(event.clone())
        .execute(&mut app.pool().get().unwrap())
        .unwrap();
}

#[actix_web::test]
async fn memory_protection_without_token_is_unauthorized() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let detail = format!("{PATH}/{}", ids::new_id());
    for path in [PATH, detail.as_str()] {
        let response = anonymous(&integration.app, "GET", path).await;
        let message = error_message(&response, StatusCode::UNAUTHORIZED);
        assert!(message.starts_with("Unauthorized"), "{path}: {message}");
    }
}

#[actix_web::test]
async fn memory_protection_needs_its_scopes() {
    let mut integration = Integration::spawn(&["threats:read"]).await;
    let device = insert_device(&integration.app, &integration.tenant_id, "LAPTOP-7");
    let event = event_row(&integration.tenant_id, &device, MAY_FIRST);
    insert_event(&integration.app, &event);
    let token = integration.access_token().await;
    let forbidden = |scope: &str| {
        format!(
            "Forbidden: this request needs the scope '{scope}', granted by the Memory Protection Read privilege of the application"
        )
    };

    let listed = integration.get(PATH, &token).await;
    let message = error_message(&listed, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("memoryprotection:list"));

    let fetched = integration
        .get(&format!("{PATH}/{}", event.id), &token)
        .await;
    let message = error_message(&fetched, StatusCode::FORBIDDEN);
    assert_eq!(message, forbidden("memoryprotection:read"));

    let reader = token_with(&mut integration, &["memoryprotection:read"]).await;
    let fetched = integration
        .get(&format!("{PATH}/{}", event.id), &reader)
        .await;
    assert_eq!(
        ok_json(&fetched)["device_image_file_event_id"],
        json!(event.id)
    );
}

#[actix_web::test]
async fn other_tenants_event_is_not_found() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let other = integration.app.tenant("Other tenant", "2024-02-01");
    let other_device = insert_device(&integration.app, &other, "OTHER-01");
    let foreign = event_row(&other, &other_device, MAY_FIRST);
    insert_event(&integration.app, &foreign);
    let token = integration.access_token().await;

    let missing = ids::new_id();
    for id in [foreign.id.as_str(), missing.as_str()] {
        let response = integration.get(&format!("{PATH}/{id}"), &token).await;
        let message = error_message(&response, StatusCode::NOT_FOUND);
        assert_eq!(message, NOT_FOUND, "{id}");
    }

    for path in [PATH.to_owned(), format!("{PATH}?device_id={other_device}")] {
        let page = ok_json(&integration.get(&path, &token).await);
        assert_eq!(page["total_number_of_items"], json!(0), "{path}");
        assert_eq!(page["page_items"], json!([]), "{path}");
    }
}

#[actix_web::test]
async fn bad_input_names_the_field() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let token = integration.access_token().await;

    let response = integration.get(&format!("{PATH}/not-a-guid"), &token).await;
    let message = error_message(&response, StatusCode::BAD_REQUEST);
    assert_eq!(
        message,
        "device_image_file_event_id: \"not-a-guid\" is not a GUID"
    );

    let cases = [
        (
            "device_id=LAPTOP-7",
            "device_id: \"LAPTOP-7\" is not a GUID",
        ),
        (
            "end_time=2024-05-01T00:00:00",
            "start_time: is required when end_time is given",
        ),
        (
            "start_time=2024-05-01T00:00:00&end_time=noon",
            "end_time: \"noon\" is not a valid date and time; send UTC as YYYY-MM-DDTHH:MM:SS, optionally with a fraction and Z",
        ),
        (
            "page_size=0",
            "The page size requested is not supported. page_size must be between 1 and 200.",
        ),
    ];
    for (query, expected) in cases {
        let response = integration.get(&format!("{PATH}?{query}"), &token).await;
        let message = error_message(&response, StatusCode::BAD_REQUEST);
        assert_eq!(message, expected, "{query}");
    }
}

#[actix_web::test]
async fn event_has_api_fields_with_numeric_codes() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let device = insert_device(&integration.app, &integration.tenant_id, "LAPTOP-7");
    let event = event_row(&integration.tenant_id, &device, MAY_FIRST);
    insert_event(&integration.app, &event);
    let token = integration.access_token().await;

    let expected = json!({
        "action": 2,
        "agent_event_id": "B1C2D3E4F5A60718293A4B5C6D7E8F90",
        "created": "2024-05-01T13:45:00",
        "device_id": device,
        "device_image_file_event_id": event.id,
        "dll_version": "",
        "file_hash_id": sha(9),
        "file_version": "2.2.0.0",
        "groups": "CORP\\Domain Users",
        "image_name": "C:\\Users\\alex\\AppData\\Local\\Temp\\mimikatz.exe",
        "process_id": 4_312,
        "sid": "S-1-5-21-3623811015-3361044348-30300820-1013",
        "username": "CORP\\alex",
        "violation_type": 12,
    });
    let page = ok_json(&integration.get(PATH, &token).await);
    assert_eq!(page["total_number_of_items"], json!(1));
    assert_eq!(page["page_items"][0], expected);

    // The id is accepted upper-case and without dashes too.
    let compact = event.id.replace('-', "").to_uppercase();
    for id in [event.id.as_str(), compact.as_str()] {
        let detail = ok_json(&integration.get(&format!("{PATH}/{id}"), &token).await);
        assert_eq!(detail, expected, "{id}");
    }
}

#[actix_web::test]
async fn events_page_newest_first_and_filter() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let tenant = integration.tenant_id.clone();
    let laptop = insert_device(&integration.app, &tenant, "LAPTOP-7");
    let server = insert_device(&integration.app, &tenant, "SRV-DB-01");
    let mut events = Vec::new();
    for index in 0..13i64 {
        let device = if index % 3 == 0 { &server } else { &laptop };
        // The two newest share one second, so their ids decide the order.
        let created_at = MAY_FIRST + 60 * index.min(11);
        let event = event_row(&tenant, device, created_at);
        insert_event(&integration.app, &event);
        events.push(event);
    }
    events.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let ids_of = |events: &[&MemoryProtectionEvent]| -> Vec<String> {
        events.iter().map(|event| event.id.clone()).collect()
    };
    let all: Vec<&MemoryProtectionEvent> = events.iter().collect();
    let token = integration.access_token().await;

    let first = ok_json(&integration.get(PATH, &token).await);
    assert_eq!(first["page_size"], json!(10));
    assert_eq!(first["total_pages"], json!(2));
    assert_eq!(first["total_number_of_items"], json!(13));
    assert_eq!(
        column(&first, "device_image_file_event_id"),
        ids_of(&all[..10])
    );
    let second = ok_json(&integration.get(&format!("{PATH}?page=2"), &token).await);
    assert_eq!(
        column(&second, "device_image_file_event_id"),
        ids_of(&all[10..])
    );

    let on_server: Vec<&MemoryProtectionEvent> = all
        .iter()
        .copied()
        .filter(|event| event.device_id == server)
        .collect();
    let upper_server = server.to_uppercase();
    let page = ok_json(
        &integration
            .get(
                &format!("{PATH}?device_id={upper_server}&page_size=200"),
                &token,
            )
            .await,
    );
    assert_eq!(
        column(&page, "device_image_file_event_id"),
        ids_of(&on_server)
    );

    // The window 13:46:00 to 13:48:00 contains the events one to three
    // minutes after the first.
    let window: Vec<&MemoryProtectionEvent> = all
        .iter()
        .copied()
        .filter(|event| (MAY_FIRST + 60..=MAY_FIRST + 180).contains(&event.created_at))
        .collect();
    let query = "start_time=2024-05-01T13:46:00.000Z&end_time=2024-05-01T13:48:00.000Z";
    let page = ok_json(&integration.get(&format!("{PATH}?{query}"), &token).await);
    assert_eq!(column(&page, "device_image_file_event_id"), ids_of(&window));

    let combined = format!("{PATH}?{query}&device_id={laptop}");
    let page = ok_json(&integration.get(&combined, &token).await);
    let expected: Vec<&MemoryProtectionEvent> = window
        .iter()
        .copied()
        .filter(|event| event.device_id == laptop)
        .collect();
    assert_eq!(
        column(&page, "device_image_file_event_id"),
        ids_of(&expected)
    );
}

#[actix_web::test]
async fn seeded_events_are_listed() {
    let integration = Integration::spawn(&["memoryprotection:read"]).await;
    let tenant = integration.tenant_id.clone();
    let options = SeedOptions {
        devices: 150,
        seed: 11,
    };
    let summary = seed::run(
        &mut integration.app.pool().get().unwrap(),
        &tenant,
        options,
        clock::now(),
    )
    .unwrap();
    assert!(summary.memory_protection_events > 0);
    let token = integration.access_token().await;

    let page = ok_json(
        &integration
            .get(&format!("{PATH}?page_size=200"), &token)
            .await,
    );
    assert_eq!(
        page["total_number_of_items"],
        json!(summary.memory_protection_events)
    );
    for event in page["page_items"].as_array().unwrap() {
        let action = event["action"].as_i64().expect("action is an integer");
        assert!(MemoryAction::from_code(action).is_some(), "{event}");
        let violation = event["violation_type"]
            .as_i64()
            .expect("violation_type is an integer");
        assert!(ViolationType::from_code(violation).is_some(), "{event}");
        assert!(is_api_timestamp(event["created"].as_str().unwrap()));
    }
    let created = column(&page, "created");
    let mut sorted = created.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(created, sorted, "newest first");

    let id = page["page_items"][0]["device_image_file_event_id"]
        .as_str()
        .unwrap();
    let detail = ok_json(&integration.get(&format!("{PATH}/{id}"), &token).await);
    assert_eq!(detail, page["page_items"][0]);
}
