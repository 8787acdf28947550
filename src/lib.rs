//! Aurora Console: the multi-tenant management console and User API v2
//! server of Aurora Endpoint Security.

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod console;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod i18n;
pub mod seed;
pub mod server;
pub mod state;
pub mod telemetry;
