//! Domain rules: tenants, console users with their zones and invitation
//! links, custom applications and their privileges and secrets, API access
//! tokens, the audit trail, and the tenant data the User API serves
//! (policies, zones, devices, threats, global lists, memory-protection
//! events). Functions that touch the database take a connection so the
//! caller owns the transaction; web handlers call them and never write SQL
//! themselves.

pub mod access_tokens;
pub mod applications;
pub mod audit;
pub mod auth_token;
pub mod device_deletion;
pub mod device_threats;
pub mod devices;
pub mod global_list;
pub mod ids;
pub mod invitations;
pub mod memory_protection;
pub mod passwords;
pub mod policies;
pub mod policy_document;
pub mod policy_settings;
pub mod privileges;
pub mod secrets;
pub mod sign_in;
pub mod tenants;
pub mod threats;
pub mod user_changes;
pub mod user_zones;
pub mod users;
pub mod wire;
pub mod zones;
