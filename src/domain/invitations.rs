//! One-time links that let a console user set a password: invitations for
//! users created through the User API, and password resets.
//!
//! No mail server is assumed, so the link is shown to the tenant's
//! administrators, who pass it on. The token is stored as its SHA-256, to
//! find the link when it is opened, and sealed under the key-encryption key,
//! to show the link again until it is used or expires. Neither form is a
//! usable credential on its own, and the token never reaches a log line or
//! an audit event.

use diesel::prelude::*;

use super::audit::{self, Action, Actor, Object};
use super::ids;
use super::secrets::{InvitationToken, KeyEncryptionKey, UserBinding};
use super::users::{self, User};
use crate::clock::api_timestamp;
use crate::db::schema::{user_invitations, users as users_table};
use crate::db::{DbConnection, StorageError};

/// How long a link stays valid: 7 days, in seconds.
pub const LIFETIME_SECONDS: i64 = 7 * 24 * 60 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Invitation,
    PasswordReset,
}

impl LinkKind {
    fn as_str(self) -> &'static str {
        match self {
            LinkKind::Invitation => "invitation",
            LinkKind::PasswordReset => "password_reset",
        }
    }

    fn from_stored(text: &str) -> LinkKind {
        if text == LinkKind::Invitation.as_str() {
            LinkKind::Invitation
        } else {
            LinkKind::PasswordReset
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("user not found")]
    UserNotFound,
    #[error("the user already has a password")]
    AlreadySignedIn,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for LinkError {
    fn from(err: diesel::result::Error) -> Self {
        LinkError::Storage(err.into())
    }
}

/// Creates a link of `kind` for `user`, replacing any link the user still
/// has, and records it in the audit trail. Runs in the caller's transaction.
pub fn issue(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    actor: &Actor,
    user: &User,
    kind: LinkKind,
    now: i64,
) -> Result<(), StorageError> {
    let token = InvitationToken::generate();
    let binding = UserBinding {
        tenant_id: &user.tenant_id,
        user_id: &user.id,
    };
    let expires_at = now + LIFETIME_SECONDS;
    revoke_for_user(conn, &user.id)?;
    diesel::insert_into(user_invitations::table)
        .values((
            user_invitations::id.eq(ids::new_id()),
            user_invitations::token_hash.eq(token.lookup_hash()),
            user_invitations::token_sealed.eq(kek.seal_invitation_token(&binding, &token)),
            user_invitations::tenant_id.eq(&user.tenant_id),
            user_invitations::user_id.eq(&user.id),
            user_invitations::kind.eq(kind.as_str()),
            user_invitations::created_at.eq(now),
            user_invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    let action = match kind {
        LinkKind::Invitation => Action::UserInvited,
        LinkKind::PasswordReset => Action::PasswordResetRequested,
    };
    audit::record(
        conn,
        actor,
        action,
        Some(Object::User(&user.id)),
        &format!("link expires at {} UTC", api_timestamp(expires_at)),
    )
}

/// Creates a link of `kind` for the user of the actor's tenant whose id or
/// e-mail address is `user_key`, in one transaction. An invitation is
/// refused for a user who already has a password: a reset is the way then.
pub fn request(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    actor: &Actor,
    user_key: &str,
    kind: LinkKind,
    now: i64,
) -> Result<User, LinkError> {
    crate::db::write_transaction(conn, |conn| {
        let user = users::find_in_tenant(conn, &actor.tenant_id, user_key)?
            .ok_or(LinkError::UserNotFound)?;
        if kind == LinkKind::Invitation && user.password_hash.is_some() {
            return Err(LinkError::AlreadySignedIn);
        }
        issue(conn, kek, actor, &user, kind, now)?;
        Ok(user)
    })
}

/// Deletes the user's pending link, if any.
pub fn revoke_for_user(conn: &mut DbConnection, user_id: &str) -> Result<(), StorageError> {
    diesel::delete(user_invitations::table.filter(user_invitations::user_id.eq(user_id)))
        .execute(conn)?;
    Ok(())
}

/// A link not yet used nor expired, as the console lists it.
#[derive(Debug)]
pub struct PendingLink {
    pub user_id: String,
    pub email: String,
    pub kind: LinkKind,
    /// `None` when the sealed token cannot be opened, which happens only if
    /// the key-encryption key changed since the link was created.
    pub token: Option<InvitationToken>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Returns the tenant's pending links, newest first.
pub fn pending_for_tenant(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    tenant_id: &str,
    now: i64,
) -> Result<Vec<PendingLink>, StorageError> {
    let rows: Vec<(String, String, String, Vec<u8>, i64, i64)> = user_invitations::table
        .inner_join(users_table::table)
        .filter(user_invitations::tenant_id.eq(tenant_id))
        .filter(user_invitations::expires_at.gt(now))
        .order((
            user_invitations::created_at.desc(),
            user_invitations::id.desc(),
        ))
        .select((
            user_invitations::user_id,
            users_table::email,
            user_invitations::kind,
            user_invitations::token_sealed,
            user_invitations::created_at,
            user_invitations::expires_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, email, kind, sealed, created_at, expires_at)| {
            let binding = UserBinding {
                tenant_id,
                user_id: &user_id,
            };
            PendingLink {
                token: kek.open_invitation_token(&binding, &sealed),
                kind: LinkKind::from_stored(&kind),
                user_id,
                email,
                created_at,
                expires_at,
            }
        })
        .collect())
}

/// A link that can still be used, and the user it is for.
#[derive(Debug)]
pub struct OpenLink {
    pub user: User,
    pub kind: LinkKind,
}

/// Finds the unexpired link whose token is `token`.
pub fn find_open(
    conn: &mut DbConnection,
    token: &InvitationToken,
    now: i64,
) -> Result<Option<OpenLink>, StorageError> {
    let row: Option<(String, String)> = user_invitations::table
        .filter(user_invitations::token_hash.eq(token.lookup_hash()))
        .filter(user_invitations::expires_at.gt(now))
        .select((user_invitations::user_id, user_invitations::kind))
        .first(conn)
        .optional()?;
    let Some((user_id, kind)) = row else {
        return Ok(None);
    };
    Ok(users::find(conn, &user_id)?.map(|user| OpenLink {
        user,
        kind: LinkKind::from_stored(&kind),
    }))
}

/// Uses the link: sets the user's password hash, marks the e-mail address
/// confirmed if it was not, deletes the link and records the event, in one
/// transaction. Returns `None`, changing nothing, when the link is unknown,
/// used or expired by then.
pub fn accept(
    conn: &mut DbConnection,
    token: &InvitationToken,
    password_hash: &str,
    source_address: Option<&str>,
    now: i64,
) -> Result<Option<User>, StorageError> {
    crate::db::write_transaction(conn, |conn| {
        let Some(link) = find_open(conn, token, now)? else {
            return Ok(None);
        };
        let user = link.user;
        diesel::update(users_table::table.find(&user.id))
            .set((
                users_table::password_hash.eq(password_hash),
                users_table::email_confirmed_at.eq(user.email_confirmed_at.unwrap_or(now)),
                users_table::modified_at.eq(now),
            ))
            .execute(conn)?;
        revoke_for_user(conn, &user.id)?;
        let actor = users::actor_for(&user, source_address.map(str::to_owned));
        let action = match link.kind {
            LinkKind::Invitation => Action::InvitationAccepted,
            LinkKind::PasswordReset => Action::PasswordResetCompleted,
        };
        audit::record(conn, &actor, action, Some(Object::User(&user.id)), "")?;
        users::find(conn, &user.id)
    })
}
