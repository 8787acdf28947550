//! Table definitions shared by every backend. They mirror the migrations and
//! use only types that SQLite and PostgreSQL both map (Text, BigInt, Bool, Binary).

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

diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(applications -> tenants (tenant_id));
diesel::joinable!(access_tokens -> applications (application_id));
diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    applications,
    access_tokens,
    used_auth_token_ids,
    console_sessions,
    audit_events,
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
