//! Table definitions shared by every backend. They mirror the migrations and
//! use only types that SQLite and PostgreSQL both map (Text, BigInt, Bool,
//! Binary, Double).

diesel::table! {
    tenants (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
        improved_security -> Bool,
        improved_security_enabled_at -> Nullable<BigInt>,
        application_count -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        tenant_id -> Text,
        email -> Text,
        email_normalized -> Text,
        first_name -> Text,
        last_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        created_at -> BigInt,
        modified_at -> BigInt,
        email_confirmed_at -> Nullable<BigInt>,
        last_login_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        name_normalized -> Text,
        privileges -> Text,
        creation_form_id -> Text,
        created_at -> BigInt,
        created_by -> Nullable<Text>,
        modified_at -> BigInt,
        signing_key_sealed -> Binary,
        viewable_secret_sealed -> Nullable<Binary>,
        last_token_at -> Nullable<BigInt>,
        last_token_address -> Nullable<Text>,
    }
}

diesel::table! {
    access_tokens (token_hash) {
        token_hash -> Text,
        application_id -> Text,
        tenant_id -> Text,
        scopes -> Text,
        issued_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    used_auth_token_ids (application_id, jti) {
        application_id -> Text,
        jti -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    console_sessions (key_hash) {
        key_hash -> Text,
        state -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        tenant_id -> Nullable<Text>,
        occurred_at -> BigInt,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        object_kind -> Nullable<Text>,
        object_id -> Nullable<Text>,
        source_address -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    policies (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        name_normalized -> Text,
        document -> Text,
        created_at -> BigInt,
        modified_at -> BigInt,
    }
}

diesel::table! {
    zones (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        name_normalized -> Text,
        policy_id -> Nullable<Text>,
        criticality -> Text,
        update_type -> Text,
        zone_rule_id -> Nullable<Text>,
        created_at -> BigInt,
        modified_at -> BigInt,
    }
}

diesel::table! {
    devices (id) {
        id -> Text,
        tenant_id -> Text,
        name -> Text,
        host_name -> Text,
        host_name_normalized -> Text,
        state -> Text,
        agent_version -> Text,
        os_version -> Text,
        os_kernel_version -> Text,
        ip_addresses -> Text,
        mac_addresses -> Text,
        policy_id -> Nullable<Text>,
        last_logged_in_user -> Text,
        distinguished_name -> Text,
        is_safe -> Bool,
        background_detection -> Bool,
        update_available -> Bool,
        update_type -> Nullable<Text>,
        registered_at -> BigInt,
        offline_at -> Nullable<BigInt>,
        modified_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    device_zones (tenant_id, device_id, zone_id) {
        tenant_id -> Text,
        device_id -> Text,
        zone_id -> Text,
    }
}

diesel::table! {
    device_mac_addresses (tenant_id, device_id, mac_address) {
        tenant_id -> Text,
        device_id -> Text,
        mac_address -> Text,
    }
}

diesel::table! {
    threats (tenant_id, sha256) {
        tenant_id -> Text,
        sha256 -> Text,
        md5 -> Text,
        name -> Text,
        file_size -> BigInt,
        classification -> Text,
        sub_classification -> Text,
        cylance_score -> Double,
        av_industry -> Nullable<Double>,
        unique_to_cylance -> Bool,
        signed -> Bool,
        cert_issuer -> Text,
        cert_publisher -> Text,
        cert_timestamp -> Nullable<BigInt>,
        detected_by -> Text,
        running -> Bool,
        auto_run -> Bool,
        first_found_at -> BigInt,
        last_found_at -> BigInt,
    }
}

diesel::table! {
    device_threats (tenant_id, device_id, sha256, file_path) {
        tenant_id -> Text,
        device_id -> Text,
        sha256 -> Text,
        file_path -> Text,
        file_status -> Text,
        found_at -> BigInt,
    }
}

diesel::table! {
    global_list_entries (tenant_id, list_type, sha256) {
        tenant_id -> Text,
        list_type -> Text,
        sha256 -> Text,
        md5 -> Text,
        name -> Text,
        reason -> Text,
        category -> Text,
        added_at -> BigInt,
        added_by -> Text,
    }
}

diesel::table! {
    memory_protection_events (id) {
        id -> Text,
        tenant_id -> Text,
        device_id -> Text,
        agent_event_id -> Text,
        action -> BigInt,
        violation_type -> BigInt,
        created_at -> BigInt,
        image_name -> Text,
        file_hash_id -> Text,
        file_version -> Text,
        dll_version -> Text,
        process_id -> BigInt,
        sid -> Text,
        username -> Text,
        groups -> Text,
    }
}

diesel::table! {
    device_delete_requests (id) {
        id -> Text,
        tenant_id -> Text,
        device_ids -> Text,
        callback_url -> Nullable<Text>,
        requested_by -> Text,
        created_at -> BigInt,
        completed_at -> Nullable<BigInt>,
    }
}

diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(applications -> tenants (tenant_id));
diesel::joinable!(access_tokens -> applications (application_id));
diesel::joinable!(policies -> tenants (tenant_id));
diesel::joinable!(zones -> policies (policy_id));
diesel::joinable!(devices -> policies (policy_id));
diesel::joinable!(device_zones -> devices (device_id));
diesel::joinable!(device_zones -> zones (zone_id));
diesel::joinable!(device_mac_addresses -> devices (device_id));
diesel::joinable!(device_threats -> devices (device_id));
diesel::joinable!(memory_protection_events -> devices (device_id));
diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    applications,
    access_tokens,
    used_auth_token_ids,
    console_sessions,
    audit_events,
    policies,
    zones,
    devices,
    device_zones,
    device_mac_addresses,
    threats,
    device_threats,
    global_list_entries,
    memory_protection_events,
    device_delete_requests,
);

diesel::table! {
    user_zones (user_id, zone_id) {
        user_id -> Text,
        tenant_id -> Text,
        zone_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    user_invitations (id) {
        id -> Text,
        token_hash -> Text,
        token_sealed -> Binary,
        tenant_id -> Text,
        user_id -> Text,
        kind -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::joinable!(user_zones -> users (user_id));
diesel::joinable!(user_invitations -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, user_zones, user_invitations);
