//! Console sign-in: password check with even timing, and its audit events.

use super::audit::{self, Action, Object};
use super::passwords::{self, Password};
use super::users::{self, User};
use crate::db::{DbConnection, StorageError};

/// Returns the user when `email` and `password` match an account that has a
/// password. An unknown address, a missing password and a wrong password all
/// cost one argon2 verification and return `None`. CPU-bound and blocking.
pub fn sign_in(
    conn: &mut DbConnection,
    email: &str,
    password: &Password,
    source_address: Option<&str>,
    now: i64,
) -> Result<Option<User>, StorageError> {
    let user = users::find_by_email(conn, email)?;
    let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let verified = passwords::verify(password, stored);
    let Some(user) = user else {
        audit::record_unknown_sign_in(conn, source_address)?;
        return Ok(None);
    };
    let actor = users::actor_for(&user, source_address.map(str::to_owned));
    if !verified {
        audit::record(
            conn,
            &actor,
            Action::SignInFailed,
            Some(Object::User(&user.id)),
            "wrong password",
        )?;
        return Ok(None);
    }
    users::record_login(conn, &user.id, now)?;
    audit::record(
        conn,
        &actor,
        Action::SignInSucceeded,
        Some(Object::User(&user.id)),
        "",
    )?;
    Ok(Some(user))
}

/// Records a sign-out.
pub fn sign_out(
    conn: &mut DbConnection,
    user: &User,
    source_address: Option<&str>,
) -> Result<(), StorageError> {
    let actor = users::actor_for(user, source_address.map(str::to_owned));
    audit::record(
        conn,
        &actor,
        Action::SignedOut,
        Some(Object::User(&user.id)),
        "",
    )
}
