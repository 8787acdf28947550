-- The tenant data served by the User API: policies, zones, devices and their
-- zones and MAC addresses, threats and where they were found, global lists,
-- memory-protection events and device deletion requests.
--
-- Same conventions as the first migration: portable column types (TEXT,
-- BIGINT, BOOLEAN, REAL), Unix seconds (UTC), lower-case UUID text ids,
-- SHA-256 and MD5 hashes as upper-case hex. Rows that link two tenant
-- objects carry the tenant id and reference each parent through
-- (tenant_id, id), so the database itself rejects a link across tenants.
-- Each listing index ends with the row's id so that equal timestamps keep a
-- fixed order and pages never shift.

CREATE TABLE policies (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    -- The whole policy document as JSON text, in the shape the API returns.
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name_normalized)
);
CREATE INDEX policies_by_tenant_modified ON policies (tenant_id, modified_at DESC, id DESC);

CREATE TABLE zones (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    -- NULL: the zone uses the tenant's default policy.
    policy_id TEXT,
    criticality TEXT NOT NULL CHECK (criticality IN ('Low', 'Normal', 'High')),
    update_type TEXT NOT NULL CHECK (update_type IN ('Production', 'Pilot', 'Test')),
    zone_rule_id TEXT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name_normalized),
    FOREIGN KEY (tenant_id, policy_id) REFERENCES policies (tenant_id, id)
);
CREATE INDEX zones_by_tenant_newest ON zones (tenant_id, created_at DESC, id DESC);
CREATE INDEX zones_by_policy ON zones (tenant_id, policy_id);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    host_name TEXT NOT NULL,
    host_name_normalized TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('Online', 'Offline')),
    agent_version TEXT NOT NULL,
    os_version TEXT NOT NULL,
    os_kernel_version TEXT NOT NULL,
    -- JSON arrays of strings, in the order the agent reported them.
    ip_addresses TEXT NOT NULL,
    mac_addresses TEXT NOT NULL,
    -- NULL: the device uses the tenant's default policy.
    policy_id TEXT,
    last_logged_in_user TEXT NOT NULL,
    distinguished_name TEXT NOT NULL,
    is_safe BOOLEAN NOT NULL,
    background_detection BOOLEAN NOT NULL,
    update_available BOOLEAN NOT NULL,
    update_type TEXT CHECK (update_type IN ('Production', 'Pilot', 'Test')),
    registered_at BIGINT NOT NULL,
    offline_at BIGINT,
    modified_at BIGINT,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, policy_id) REFERENCES policies (tenant_id, id)
);
CREATE INDEX devices_by_tenant_newest ON devices (tenant_id, registered_at DESC, id DESC);
CREATE INDEX devices_by_host_name ON devices (tenant_id, host_name_normalized);
CREATE INDEX devices_by_policy ON devices (tenant_id, policy_id);

CREATE TABLE device_zones (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    zone_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, zone_id),
    FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, zone_id) REFERENCES zones (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX device_zones_by_zone ON device_zones (tenant_id, zone_id, device_id);

-- Lookup of devices by MAC address; the devices row keeps the ordered list.
CREATE TABLE device_mac_addresses (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    -- Upper-case hex pairs separated by dashes, e.g. 06-F8-13-8B-16-C9.
    mac_address TEXT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, mac_address),
    FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX device_mac_addresses_by_mac ON device_mac_addresses (tenant_id, mac_address);

CREATE TABLE threats (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    md5 TEXT NOT NULL,
    name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    classification TEXT NOT NULL,
    sub_classification TEXT NOT NULL,
    -- From -1 (certainly malicious) to 1 (certainly safe).
    cylance_score REAL NOT NULL CHECK (cylance_score BETWEEN -1 AND 1),
    av_industry REAL,
    unique_to_cylance BOOLEAN NOT NULL,
    signed BOOLEAN NOT NULL,
    cert_issuer TEXT NOT NULL,
    cert_publisher TEXT NOT NULL,
    -- NULL when the file is not signed.
    cert_timestamp BIGINT,
    detected_by TEXT NOT NULL,
    running BOOLEAN NOT NULL,
    auto_run BOOLEAN NOT NULL,
    first_found_at BIGINT NOT NULL,
    last_found_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);
CREATE INDEX threats_by_tenant_last_found ON threats (tenant_id, last_found_at DESC, sha256 DESC);

-- One row per file found on a device; a device may hold the same file at
-- several paths.
CREATE TABLE device_threats (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_status TEXT NOT NULL CHECK (
        file_status IN ('Default', 'Quarantined', 'Whitelisted', 'Suspicious', 'FileRemoved', 'Corrupt')
    ),
    found_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, sha256, file_path),
    FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sha256) REFERENCES threats (tenant_id, sha256) ON DELETE CASCADE
);
CREATE INDEX device_threats_by_device_found
    ON device_threats (tenant_id, device_id, found_at DESC, sha256 DESC, file_path DESC);
CREATE INDEX device_threats_by_threat_found
    ON device_threats (tenant_id, sha256, found_at DESC, device_id DESC, file_path DESC);

CREATE TABLE global_list_entries (
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    list_type TEXT NOT NULL CHECK (list_type IN ('GlobalQuarantine', 'GlobalSafe')),
    sha256 TEXT NOT NULL,
    md5 TEXT NOT NULL,
    name TEXT NOT NULL,
    reason TEXT NOT NULL,
    -- Empty for the quarantine list.
    category TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    -- The id of the user or application that added the entry.
    added_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, list_type, sha256)
);
CREATE INDEX global_list_entries_by_added
    ON global_list_entries (tenant_id, list_type, added_at DESC, sha256 DESC);
CREATE INDEX global_list_entries_by_sha256 ON global_list_entries (tenant_id, sha256);

CREATE TABLE memory_protection_events (
    -- The API's device_image_file_event_id.
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    agent_event_id TEXT NOT NULL,
    action BIGINT NOT NULL,
    violation_type BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    image_name TEXT NOT NULL,
    file_hash_id TEXT NOT NULL,
    file_version TEXT NOT NULL,
    dll_version TEXT NOT NULL,
    process_id BIGINT NOT NULL,
    sid TEXT NOT NULL,
    username TEXT NOT NULL,
    groups TEXT NOT NULL,
    FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX memory_protection_events_by_tenant_newest
    ON memory_protection_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX memory_protection_events_by_device_newest
    ON memory_protection_events (tenant_id, device_id, created_at DESC, id DESC);

-- Device deletion is asynchronous: a request is recorded at once and carried
-- out later, after which completed_at is set.
CREATE TABLE device_delete_requests (
    -- The API's request_id.
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- JSON array of device ids (at most 20).
    device_ids TEXT NOT NULL,
    callback_url TEXT,
    -- The id of the user or application that asked.
    requested_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    completed_at BIGINT
);
CREATE INDEX device_delete_requests_by_tenant ON device_delete_requests (tenant_id, created_at);
CREATE INDEX device_delete_requests_pending ON device_delete_requests (completed_at, created_at);
