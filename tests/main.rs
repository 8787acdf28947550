//! Integration tests: one binary, each test with its own server, SQLite
//! file and key file. Denial cases come first in every module.

mod support;

mod api_connector_quirks;
mod api_devices;
mod api_global_list;
mod api_memory_protection;
mod api_openapi;
mod api_policies;
mod api_rate_limits;
mod api_threats;
mod api_token;
mod api_users;
mod api_users_write;
mod api_zones;
mod cli_config;
mod console_access;
mod console_integrations;
mod console_sign_in;
mod console_users;
mod console_views;
mod e2e;
mod migrations;
mod resource_writes;
mod seed;
