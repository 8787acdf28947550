-- Lookup indexes that carry the columns their queries order by or return,
-- so SQLite uses them without table statistics. Before this, a host-name or
-- MAC lookup walked all of a tenant's devices in listing order.
DROP INDEX devices_by_host_name;
CREATE INDEX devices_by_host_name
    ON devices (tenant_id, host_name_normalized, registered_at DESC, id DESC);

DROP INDEX device_mac_addresses_by_mac;
CREATE INDEX device_mac_addresses_by_mac
    ON device_mac_addresses (tenant_id, mac_address, device_id);
