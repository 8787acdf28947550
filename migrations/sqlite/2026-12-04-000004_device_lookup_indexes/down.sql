DROP INDEX device_mac_addresses_by_mac;
CREATE INDEX device_mac_addresses_by_mac ON device_mac_addresses (tenant_id, mac_address);

DROP INDEX devices_by_host_name;
CREATE INDEX devices_by_host_name ON devices (tenant_id, host_name_normalized);
