//! Application secrets and the key-encryption key that seals them.
//!
//! A secret is 64 bytes from the OS random source, shown to the administrator
//! as 86 URL-safe base64 characters. Clients sign their auth tokens with
//! HMAC-SHA256 keyed by those characters. HMAC replaces a key longer than the
//! hash block (64 bytes) by its SHA-256 digest (RFC 2104), so the server only
//! needs that digest, the *signing key*, to verify tokens: the secret itself
//! is kept (sealed) only while a tenant lacks improved security and the
//! console must be able to show it again.
//!
//! Both values are sealed with XChaCha20-Poly1305 under the key-encryption key
//! (KEK), which lives outside the database. The associated data binds each
//! sealed value to its purpose, tenant and application, so a sealed value
//! copied onto another row fails to open. Invitation and password-reset
//! tokens are sealed the same way, bound to their tenant and user.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::Aead;
use chacha20poly1305::aead::Payload;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use sha2::Digest;

use crate::crypto;

const SEALED_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const SECRET_BYTES: usize = 64;
const INVITATION_TOKEN_BYTES: usize = 32;

/// Origin of the KEK, for the start-up log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File,
    CreatedFile,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the key-encryption key must be 32 bytes encoded as base64 (URL-safe or standard); generate one with: head -c 32 /dev/urandom | base64"
    )]
    Malformed,
    #[error("cannot read the key file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot create the key file {path}: {source}")]
    Create {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the key file {path} is readable by other users (mode {mode:o}); restrict it with: chmod 600 {path}"
    )]
    Permissions { path: String, mode: u32 },
}

/// The key-encryption key. Its `Debug` output never shows the key.
pub struct KeyEncryptionKey {
    cipher: XChaCha20Poly1305,
    cookie_key: [u8; 64],
}

impl fmt::Debug for KeyEncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyEncryptionKey(..)")
    }
}

impl KeyEncryptionKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        let mut context = b"aurora-console/cookie-signing/v1".to_vec();
        context.extend_from_slice(bytes);
        Self {
            cipher: XChaCha20Poly1305::new(bytes.into()),
            cookie_key: sha2::Sha512::digest(&context).into(),
        }
    }

    /// Key material for signing session cookies, derived from the KEK so that
    /// every instance sharing the KEK accepts the same cookies.
    pub fn cookie_key(&self) -> &[u8; 64] {
        &self.cookie_key
    }

    /// Decodes a base64 key as given in `AURORA_KEK`.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = crypto::base64url_decode(&text.replace('+', "-").replace('/', "_"))
            .ok_or(KeyError::Malformed)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Reads the key file at `path`, creating it with mode 0600 and a fresh
    /// random key when it does not exist yet.
    pub fn load_or_create(path: &Path) -> Result<(Self, KeySource), KeyError> {
        let shown = path.display().to_string();
        match fs::read_to_string(path) {
            Ok(text) => {
                check_private(path)?;
                Ok((Self::from_base64(&text)?, KeySource::File))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let bytes = crypto::random_bytes::<32>();
                write_private(path, crypto::base64url_encode(&bytes).as_bytes()).map_err(
                    |source| KeyError::Create {
                        path: shown,
                        source,
                    },
                )?;
                Ok((Self::from_bytes(&bytes), KeySource::CreatedFile))
            }
            Err(source) => Err(KeyError::Read {
                path: shown,
                source,
            }),
        }
    }

    fn seal(&self, aad: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce_bytes = crypto::random_bytes::<NONCE_LEN>();
        let nonce = XNonce::from(nonce_bytes);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 accepts inputs of this size");
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEALED_VERSION);
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    fn open(&self, aad: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let (&version, rest) = sealed.split_first()?;
        if version != SEALED_VERSION || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .ok()
    }

    pub fn seal_signing_key(&self, binding: &Binding, key: &SigningKey) -> Vec<u8> {
        self.seal(&binding.aad("signing-key"), &key.0)
    }

    pub fn open_signing_key(&self, binding: &Binding, sealed: &[u8]) -> Option<SigningKey> {
        let bytes = self.open(&binding.aad("signing-key"), sealed)?;
        Some(SigningKey(bytes.try_into().ok()?))
    }

    pub fn seal_secret(&self, binding: &Binding, secret: &ApplicationSecret) -> Vec<u8> {
        self.seal(&binding.aad("viewable-secret"), secret.0.as_bytes())
    }

    pub fn open_secret(&self, binding: &Binding, sealed: &[u8]) -> Option<ApplicationSecret> {
        let bytes = self.open(&binding.aad("viewable-secret"), sealed)?;
        Some(ApplicationSecret(String::from_utf8(bytes).ok()?))
    }

    pub fn seal_invitation_token(&self, binding: &UserBinding, token: &InvitationToken) -> Vec<u8> {
        self.seal(&binding.aad("invitation-token"), token.0.as_bytes())
    }

    pub fn open_invitation_token(
        &self,
        binding: &UserBinding,
        sealed: &[u8],
    ) -> Option<InvitationToken> {
        let bytes = self.open(&binding.aad("invitation-token"), sealed)?;
        Some(InvitationToken(String::from_utf8(bytes).ok()?))
    }
}

/// The tenant and application a sealed value belongs to.
pub struct Binding<'a> {
    pub tenant_id: &'a str,
    pub application_id: &'a str,
}

impl Binding<'_> {
    fn aad(&self, purpose: &str) -> String {
        format!(
            "aurora-console/{purpose}/v1/tenant={}/application={}",
            self.tenant_id, self.application_id
        )
    }
}

/// The tenant and user a sealed invitation token belongs to.
pub struct UserBinding<'a> {
    pub tenant_id: &'a str,
    pub user_id: &'a str,
}

impl UserBinding<'_> {
    fn aad(&self, purpose: &str) -> String {
        format!(
            "aurora-console/{purpose}/v1/tenant={}/user={}",
            self.tenant_id, self.user_id
        )
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Refuses a key file that users other than its owner can read or write.
#[cfg(unix)]
pub fn check_private(path: &Path) -> Result<(), KeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: path.display().to_string(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_private(_: &Path) -> Result<(), KeyError> {
    Ok(())
}

/// An application secret in clear, alive only between generation and the
/// response that shows it once. `Debug` and `Display` print nothing of it.
pub struct ApplicationSecret(String);

impl ApplicationSecret {
    pub fn generate() -> Self {
        Self(crypto::random_token::<SECRET_BYTES>())
    }

    /// Returns the characters to show in the one-time dialog.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn signing_key(&self) -> SigningKey {
        SigningKey(crypto::sha256(self.0.as_bytes()))
    }
}

impl fmt::Debug for ApplicationSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApplicationSecret(..)")
    }
}

/// The HMAC-SHA256 key that verifies an application's auth tokens.
pub struct SigningKey([u8; 32]);

impl SigningKey {
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The token of an invitation or password-reset link: 32 bytes from the OS
/// random source as 43 URL-safe base64 characters. `Debug` prints nothing.
pub struct InvitationToken(String);

impl InvitationToken {
    pub fn generate() -> Self {
        Self(crypto::random_token::<INVITATION_TOKEN_BYTES>())
    }

    /// Wraps the token taken from a link's path.
    pub fn from_link(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// The characters to put in the link.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Lower-case hex SHA-256 of the token, the form stored to find its link.
    pub fn lookup_hash(&self) -> String {
        crypto::sha256_hex(self.0.as_bytes())
    }
}

impl fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};

    type HmacSha256 = hmac::Hmac<sha2::Sha256>;

    #[test]
    fn signing_key_verifies_hmac_made_with_secret() {
        let secret = ApplicationSecret::generate();
        assert_eq!(secret.expose().len(), 86);
        let mut with_secret = HmacSha256::new_from_slice(secret.expose().as_bytes()).unwrap();
        with_secret.update(b"header.payload");
        let mut with_key = HmacSha256::new_from_slice(secret.signing_key().as_bytes()).unwrap();
        with_key.update(b"header.payload");
        assert_eq!(
            with_secret.finalize().into_bytes(),
            with_key.finalize().into_bytes()
        );
    }

    #[test]
    fn sealed_value_opens_only_for_its_binding() {
        let kek = KeyEncryptionKey::from_bytes(&[7; 32]);
        let secret = ApplicationSecret::generate();
        let mine = Binding {
            tenant_id: "t1",
            application_id: "a1",
        };
        let other = Binding {
            tenant_id: "t1",
            application_id: "a2",
        };
        let sealed = kek.seal_secret(&mine, &secret);
        assert_eq!(
            kek.open_secret(&mine, &sealed).unwrap().expose(),
            secret.expose()
        );
        assert!(kek.open_secret(&other, &sealed).is_none());
        assert!(kek.open_signing_key(&mine, &sealed).is_none());
    }

    #[test]
    fn sealed_invitation_token_opens_only_for_its_user() {
        let kek = KeyEncryptionKey::from_bytes(&[9; 32]);
        let token = InvitationToken::generate();
        assert_eq!(token.expose().len(), 43);
        let mine = UserBinding {
            tenant_id: "t1",
            user_id: "u1",
        };
        let other_user = UserBinding {
            tenant_id: "t1",
            user_id: "u2",
        };
        let other_tenant = UserBinding {
            tenant_id: "t2",
            user_id: "u1",
        };
        let sealed = kek.seal_invitation_token(&mine, &token);
        assert_eq!(
            kek.open_invitation_token(&mine, &sealed).unwrap().expose(),
            token.expose()
        );
        assert!(kek.open_invitation_token(&other_user, &sealed).is_none());
        assert!(kek.open_invitation_token(&other_tenant, &sealed).is_none());
        assert_eq!(format!("{token:?}"), "InvitationToken(..)");
    }

    #[test]
    fn secret_debug_output_hides_value() {
        let secret = ApplicationSecret::generate();
        assert_eq!(format!("{secret:?}"), "ApplicationSecret(..)");
    }
}
