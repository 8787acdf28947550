//! Access tokens: issued in exchange for a valid auth token, presented as
//! `Authorization: Bearer …` on every API call, and stored only as SHA-256
//! hashes. Each call re-reads the application's current privileges, so an
//! edit, a regenerated secret or a deletion takes effect at once.

use std::fmt;

use diesel::prelude::*;

use super::auth_token::{ISSUER, TokenProblem, UnverifiedToken};
use super::privileges::{PrivilegeSet, ScopeSet, known_scope};
use super::secrets::{Binding, KeyEncryptionKey};
use crate::crypto;
use crate::db::schema::{access_tokens, applications, used_auth_token_ids};
use crate::db::{DbConnection, StorageError, is_unique_violation};

/// Lifetime of an access token, in seconds.
pub const LIFETIME_SECONDS: i64 = 1800;

/// A freshly issued access token in clear; `Debug` prints nothing of it.
pub struct AccessToken(String);

impl AccessToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("auth token rejected")]
    Rejected(TokenProblem),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<TokenProblem> for ExchangeError {
    fn from(problem: TokenProblem) -> Self {
        ExchangeError::Rejected(problem)
    }
}

impl From<diesel::result::Error> for ExchangeError {
    fn from(err: diesel::result::Error) -> Self {
        ExchangeError::Storage(err.into())
    }
}

/// The outcome of a successful exchange, with ids for the request log.
#[derive(Debug)]
pub struct Issued {
    pub token: AccessToken,
    pub application_id: String,
    pub tenant_id: String,
}

/// Checks an auth token and issues an access token for its application.
///
/// Checks run in this order: JWT shape and algorithm, claims present,
/// application known, tenant, issuer, signature, lifetime and clock skew,
/// requested scopes, and last the `jti` replay record, which is written only
/// for tokens that passed everything else.
pub fn exchange(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    jwt: &str,
    source_address: Option<&str>,
    now: i64,
) -> Result<Issued, ExchangeError> {
    let token = UnverifiedToken::parse(jwt)?;
    let claims = &token.claims;
    let Some(application_id) = super::ids::parse_guid(&claims.sub) else {
        return Err(TokenProblem::UnknownApplication.into());
    };
    let row: Option<(String, String, Vec<u8>)> = applications::table
        .find(&application_id)
        .select((
            applications::tenant_id,
            applications::privileges,
            applications::signing_key_sealed,
        ))
        .first(conn)
        .optional()?;
    let Some((tenant_id, privileges, sealed_key)) = row else {
        return Err(TokenProblem::UnknownApplication.into());
    };
    if let Some(tid) = &claims.tid
        && super::ids::parse_guid(tid).as_deref() != Some(tenant_id.as_str())
    {
        return Err(TokenProblem::WrongTenant.into());
    }
    if claims.iss.as_deref().is_some_and(|iss| iss != ISSUER) {
        return Err(TokenProblem::WrongIssuer.into());
    }
    let binding = Binding {
        tenant_id: &tenant_id,
        application_id: &application_id,
    };
    let Some(signing_key) = kek.open_signing_key(&binding, &sealed_key) else {
        tracing::error!(
            application_id = %application_id,
            "cannot open the application's signing key; is the key-encryption key the one it was sealed with?"
        );
        return Err(TokenProblem::BadSignature.into());
    };
    if !token.verify_signature(&signing_key) {
        return Err(TokenProblem::BadSignature.into());
    }
    claims.check_times(now)?;
    let scopes = granted_scopes(
        &PrivilegeSet::from_stored(&privileges),
        claims.scp.as_deref(),
    )?;

    let access_token = AccessToken(crypto::random_token::<32>());
    crate::db::write_transaction(conn, |conn| {
        // The checks above ran without the write lock. If the secret was
        // regenerated (or the application deleted) since, the token was
        // signed with a dead secret: its access token would escape the
        // revocation that came with the regeneration.
        let current: Option<Vec<u8>> = applications::table
            .find(&application_id)
            .select(applications::signing_key_sealed)
            .first(conn)
            .optional()?;
        match current {
            None => return Err(ExchangeError::Rejected(TokenProblem::UnknownApplication)),
            Some(sealed) if sealed != sealed_key => {
                return Err(ExchangeError::Rejected(TokenProblem::BadSignature));
            }
            Some(_) => {}
        }
        let recorded = diesel::insert_into(used_auth_token_ids::table)
            .values((
                used_auth_token_ids::application_id.eq(&application_id),
                used_auth_token_ids::jti.eq(&claims.jti),
                used_auth_token_ids::expires_at.eq(claims.replay_window_end()),
            ))
            .execute(conn);
        match recorded {
            Err(err) if is_unique_violation(&err) => {
                return Err(ExchangeError::Rejected(TokenProblem::Replayed));
            }
            other => other?,
        };
        diesel::insert_into(access_tokens::table)
            .values((
                access_tokens::token_hash.eq(crypto::sha256_hex(access_token.0.as_bytes())),
                access_tokens::application_id.eq(&application_id),
                access_tokens::tenant_id.eq(&tenant_id),
                access_tokens::scopes.eq(scopes.to_stored()),
                access_tokens::issued_at.eq(now),
                access_tokens::expires_at.eq(now + LIFETIME_SECONDS),
            ))
            .execute(conn)?;
        diesel::update(applications::table.find(&application_id))
            .set((
                applications::last_token_at.eq(now),
                applications::last_token_address.eq(source_address),
            ))
            .execute(conn)?;
        Ok(())
    })?;
    Ok(Issued {
        token: access_token,
        application_id,
        tenant_id,
    })
}

/// Returns the application's scopes, narrowed to `requested` when the client sent `scp`.
fn granted_scopes(
    privileges: &PrivilegeSet,
    requested: Option<&[String]>,
) -> Result<ScopeSet, TokenProblem> {
    let held = privileges.scopes();
    let Some(requested) = requested else {
        return Ok(held);
    };
    let mut granted = ScopeSet::default();
    for scope in requested {
        let known = known_scope(scope)
            .ok_or_else(|| TokenProblem::UnknownScope(scope.chars().take(64).collect()))?;
        if !held.contains(known) {
            return Err(TokenProblem::ScopeNotGranted(known.to_owned()));
        }
        granted.insert(known);
    }
    Ok(granted)
}

/// An authenticated API caller: the application, its tenant, and the scopes
/// it has right now.
#[derive(Debug, Clone)]
pub struct Caller {
    pub application_id: String,
    pub tenant_id: String,
    pub scopes: ScopeSet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerProblem {
    Unknown,
    Expired,
}

/// Looks up the caller behind a bearer token.
pub fn authenticate(
    conn: &mut DbConnection,
    bearer: &str,
    now: i64,
) -> Result<Result<Caller, BearerProblem>, StorageError> {
    let row: Option<(String, String, String, i64, String)> = access_tokens::table
        .inner_join(applications::table)
        .filter(access_tokens::token_hash.eq(crypto::sha256_hex(bearer.trim().as_bytes())))
        .select((
            access_tokens::application_id,
            access_tokens::tenant_id,
            access_tokens::scopes,
            access_tokens::expires_at,
            applications::privileges,
        ))
        .first(conn)
        .optional()?;
    let Some((application_id, tenant_id, token_scopes, expires_at, privileges)) = row else {
        return Ok(Err(BearerProblem::Unknown));
    };
    if expires_at <= now {
        return Ok(Err(BearerProblem::Expired));
    }
    let current = PrivilegeSet::from_stored(&privileges).scopes();
    Ok(Ok(Caller {
        application_id,
        tenant_id,
        scopes: ScopeSet::from_stored(&token_scopes).intersection(&current),
    }))
}
