//! End-to-end tests that drive the real `aurora-console` binary only through
//! its public interfaces: the command line, the console's HTML pages in headless
//! Chromium, and the User API through the unmodified `cyapi` Python client.

mod browser;
mod cyapi;
mod cyapi_threats;
mod server;
mod webdriver;

use std::net::TcpListener;

/// Returns a TCP port on 127.0.0.1 that was free a moment ago.
///
/// The port is released before the caller binds it, so another process could
/// take it in between. That race is accepted here because it is rare and only
/// makes the test fail at start-up with a clear bind error.
pub fn free_loopback_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|error| panic!("failed to bind 127.0.0.1:0 to pick a free port: {error}"));
    listener
        .local_addr()
        .expect("a bound listener has a local address")
        .port()
}

/// Checks that `text` is a UUID in its hyphenated 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Checks that `text` uses only the URL-safe base64 alphabet (RFC 4648 §5),
/// with optional `=` padding at the end.
pub fn is_url_safe_base64(text: &str) -> bool {
    let unpadded = text.trim_end_matches('=');
    !unpadded.is_empty()
        && unpadded
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
