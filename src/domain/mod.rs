//! Domain rules: tenants, console users with their zones and invitation
//! links, custom applications and their privileges and secrets, API access
//! tokens and the audit trail. Functions that touch the database take a
//! connection so the caller owns the transaction; web handlers call them and
//! never write SQL themselves.

pub mod access_tokens;
pub mod applications;
pub mod audit;
pub mod auth_token;
pub mod ids;
pub mod invitations;
pub mod passwords;
pub mod privileges;
pub mod secrets;
pub mod sign_in;
pub mod tenants;
pub mod user_changes;
pub mod user_zones;
pub mod users;
