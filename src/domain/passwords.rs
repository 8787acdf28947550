//! Console passwords: argon2id hashes, and verification that costs the same
//! whether or not the account exists.

use std::fmt;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};

/// Shortest password, in characters, that the command line and the
/// invitation pages accept.
pub const MIN_LENGTH: usize = 12;

/// A password in clear, from a form or standard input. Prints nothing.
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

/// Hashes with argon2id and the crate's default cost (19 MiB, 2 passes),
/// the OWASP baseline. CPU-bound: call it on the blocking pool.
pub fn hash(password: &Password) -> String {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .expect("argon2 accepts any password with the default parameters")
        .to_string()
}

/// A hash of a random password, verified against when the account does not
/// exist or has no password yet, so that both cases take as long as a wrong
/// password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash(&Password(crate::crypto::random_token::<16>())));

/// Checks `password` against `stored`; `None` always fails, at the same cost.
pub fn verify(password: &Password, stored: Option<&str>) -> bool {
    let (hash_text, exists) = match stored {
        Some(text) => (text, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash_text) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok();
    matches && exists
}

/// Computes the dummy hash ahead of the first sign-in.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_accepts_only_matching_password() {
        let stored = hash(&Password::new("correct horse battery".into()));
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(
            &Password::new("correct horse battery".into()),
            Some(&stored)
        ));
        assert!(!verify(
            &Password::new("wrong horse battery".into()),
            Some(&stored)
        ));
        assert!(!verify(
            &Password::new("correct horse battery".into()),
            None
        ));
    }
}
