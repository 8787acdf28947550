-- Portable column types only (TEXT, BIGINT, BOOLEAN, BLOB) so the PostgreSQL
-- migrations can mirror this file with BYTEA for BLOB and plpgsql triggers.
-- Times are Unix seconds (UTC); ids are lower-case UUID strings.

CREATE TABLE tenants (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    improved_security BOOLEAN NOT NULL,
    improved_security_enabled_at BIGINT,
    -- Maintained by the application code in the same transaction as every
    -- insert or delete of an application; the conditional increment is what
    -- makes the limit hold under concurrent saves.
    application_count BIGINT NOT NULL DEFAULT 0 CHECK (application_count BETWEEN 0 AND 10)
);

-- Improved security is a one-way switch: no statement may turn it back off.
CREATE TRIGGER tenants_improved_security_is_permanent
BEFORE UPDATE OF improved_security ON tenants
WHEN OLD.improved_security AND NOT NEW.improved_security
BEGIN
    SELECT RAISE(ABORT, 'improved security cannot be disabled');
END;

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    email_confirmed_at BIGINT,
    last_login_at BIGINT
);
CREATE INDEX users_by_tenant_newest ON users (tenant_id, created_at DESC, id DESC);

CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    privileges TEXT NOT NULL,
    creation_form_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    modified_at BIGINT NOT NULL,
    -- HMAC key derived from the secret, sealed under the key-encryption key.
    signing_key_sealed BLOB NOT NULL,
    -- The secret itself, sealed; kept only while the tenant lacks improved security.
    viewable_secret_sealed BLOB,
    last_token_at BIGINT,
    last_token_address TEXT,
    UNIQUE (tenant_id, name_normalized)
);
CREATE INDEX applications_by_tenant ON applications (tenant_id, created_at);

-- A tenant with improved security never stores a viewable secret.
CREATE TRIGGER applications_no_viewable_secret_insert
BEFORE INSERT ON applications
WHEN NEW.viewable_secret_sealed IS NOT NULL
    AND (SELECT improved_security FROM tenants WHERE id = NEW.tenant_id)
BEGIN
    SELECT RAISE(ABORT, 'tenant has improved security: secrets are not stored viewable');
END;

CREATE TRIGGER applications_no_viewable_secret_update
BEFORE UPDATE OF viewable_secret_sealed ON applications
WHEN NEW.viewable_secret_sealed IS NOT NULL
    AND (SELECT improved_security FROM tenants WHERE id = NEW.tenant_id)
BEGIN
    SELECT RAISE(ABORT, 'tenant has improved security: secrets are not stored viewable');
END;

CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_tokens_by_application ON access_tokens (application_id);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);

CREATE TABLE used_auth_token_ids (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    jti TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, jti)
);
CREATE INDEX used_auth_token_ids_by_expiry ON used_auth_token_ids (expires_at);

CREATE TABLE console_sessions (
    key_hash TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT REFERENCES tenants (id) ON DELETE CASCADE,
    occurred_at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    object_kind TEXT,
    object_id TEXT,
    source_address TEXT,
    details TEXT NOT NULL
);
CREATE INDEX audit_events_by_tenant_time ON audit_events (tenant_id, occurred_at);
