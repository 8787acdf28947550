-- Dropping a table drops its indexes too.
DROP TABLE device_delete_requests;
DROP TABLE memory_protection_events;
DROP TABLE global_list_entries;
DROP TABLE device_threats;
DROP TABLE threats;
DROP TABLE device_mac_addresses;
DROP TABLE device_zones;
DROP TABLE devices;
DROP TABLE zones;
DROP TABLE policies;
