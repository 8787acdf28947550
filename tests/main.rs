//! Integration tests: one binary, each test with its own server, SQLite
//! file and key file. Denial cases come first in every module.

mod support;

mod console_access;
mod e2e;
