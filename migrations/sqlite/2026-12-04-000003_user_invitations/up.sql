-- Zone assignments of console users: the `zones` of the User API's user
-- object. Administrators and Read-Only users have none.
CREATE TABLE user_zones (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    zone_id TEXT NOT NULL REFERENCES zones (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('zone-manager', 'user')),
    PRIMARY KEY (user_id, zone_id)
);
CREATE INDEX user_zones_by_zone ON user_zones (tenant_id, zone_id);

-- One-time links that let a user set a password: invitations and password
-- resets. The token is stored twice, never in clear: as its SHA-256 (hex)
-- to find the link when it is opened, and sealed under the key-encryption
-- key so that administrators can be shown the link again until it is used.
-- A user has at most one pending link; a new one replaces the old.
CREATE TABLE user_invitations (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_sealed BLOB NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX user_invitations_by_tenant ON user_invitations (tenant_id, created_at);
CREATE INDEX user_invitations_by_expiry ON user_invitations (expires_at);
