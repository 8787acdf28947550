//! Console users, their roles, and the administrator capability.

use std::collections::HashMap;

use diesel::prelude::*;

use super::audit::{Actor, ActorKind};
use super::ids;
use crate::db::schema::users;
use crate::db::{DbConnection, StorageError, is_unique_violation};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Administrator,
    ZoneManager,
    User,
    ReadOnly,
}

impl Role {
    /// Every role, in the order of their User API GUIDs.
    pub const ALL: [Role; 4] = [
        Role::User,
        Role::Administrator,
        Role::ReadOnly,
        Role::ZoneManager,
    ];

    /// Returns the stored and command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::ZoneManager => "zone-manager",
            Role::User => "user",
            Role::ReadOnly => "read-only",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        [
            Role::Administrator,
            Role::ZoneManager,
            Role::User,
            Role::ReadOnly,
        ]
        .into_iter()
        .find(|role| role.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// Returns the role GUID of the User API (`role_type`).
    pub fn api_role_type(self) -> &'static str {
        match self {
            Role::User => "00000000-0000-0000-0000-000000000001",
            Role::Administrator => "00000000-0000-0000-0000-000000000002",
            Role::ReadOnly => "00000000-0000-0000-0000-000000000003",
            Role::ZoneManager => "00000000-0000-0000-0000-000000000004",
        }
    }

    /// The role whose User API GUID is `guid`, given in any case, with or
    /// without dashes.
    pub fn from_api_role_type(guid: &str) -> Option<Role> {
        let guid = ids::parse_guid(guid)?;
        Role::ALL
            .into_iter()
            .find(|role| role.api_role_type() == guid)
    }

    /// Returns the role name of the User API (`role_name`).
    pub fn api_role_name(self) -> &'static str {
        match self {
            Role::User => "User",
            Role::Administrator => "Administrator",
            Role::ReadOnly => "Read-Only",
            Role::ZoneManager => "Zone Manager",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub tenant_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub modified_at: i64,
    pub email_confirmed_at: Option<i64>,
    pub last_login_at: Option<i64>,
}

impl User {
    /// Unknown stored roles read as Read-Only, the least privileged.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::ReadOnly)
    }
}

/// Proof that the holder is an administrator of `tenant_id`. Only
/// [`authorize_administrator`] creates one, so a function that takes it
/// cannot be reached without that check.
#[derive(Debug, Clone)]
pub struct Administrator {
    actor: Actor,
}

impl Administrator {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn tenant_id(&self) -> &str {
        &self.actor.tenant_id
    }

    pub fn user_id(&self) -> &str {
        &self.actor.id
    }
}

pub fn authorize_administrator(
    user: &User,
    source_address: Option<String>,
) -> Option<Administrator> {
    (user.role() == Role::Administrator).then(|| Administrator {
        actor: actor_for(user, source_address),
    })
}

pub fn actor_for(user: &User, source_address: Option<String>) -> Actor {
    Actor {
        kind: ActorKind::User,
        id: user.id.clone(),
        tenant_id: user.tenant_id.clone(),
        source_address,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("invalid e-mail address: {0}")]
    InvalidEmail(String),
    #[error("a user with this e-mail address already exists")]
    EmailTaken,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Lower-cased, trimmed e-mail: addresses are unique regardless of case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks loosely that `email` has one `@` with text on both sides and no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && email.len() <= 254
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

pub struct NewUser<'a> {
    pub tenant_id: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: Role,
    pub password_hash: Option<String>,
    pub now: i64,
}

pub fn create(conn: &mut DbConnection, new: NewUser<'_>) -> Result<User, UserError> {
    if !is_plausible_email(new.email) {
        return Err(UserError::InvalidEmail(new.email.trim().to_owned()));
    }
    let has_password = new.password_hash.is_some();
    let user = User {
        // Time-ordered, so that ordering by (created_at, id) is creation order
        // even within one second.
        id: ids::new_time_ordered_id(),
        tenant_id: new.tenant_id.to_owned(),
        email: new.email.trim().to_owned(),
        first_name: new.first_name.trim().to_owned(),
        last_name: new.last_name.trim().to_owned(),
        role: new.role.as_str().to_owned(),
        password_hash: new.password_hash,
        created_at: new.now,
        modified_at: new.now,
        // An account created with a password set by an operator counts as
        // confirmed; API-created users confirm by accepting an invitation.
        email_confirmed_at: has_password.then_some(new.now),
        last_login_at: None,
    };
    let inserted = diesel::insert_into(users::table)
        .values((
            users::id.eq(&user.id),
            users::tenant_id.eq(&user.tenant_id),
            users::email.eq(&user.email),
            users::email_normalized.eq(normalize_email(&user.email)),
            users::first_name.eq(&user.first_name),
            users::last_name.eq(&user.last_name),
            users::role.eq(&user.role),
            users::password_hash.eq(&user.password_hash),
            users::created_at.eq(user.created_at),
            users::modified_at.eq(user.modified_at),
            users::email_confirmed_at.eq(user.email_confirmed_at),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(user),
        Err(err) if is_unique_violation(&err) => Err(UserError::EmailTaken),
        Err(err) => Err(UserError::Storage(err.into())),
    }
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>, StorageError> {
    Ok(users::table
        .filter(users::email_normalized.eq(normalize_email(email)))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<User>, StorageError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Finds a user of `tenant_id` by GUID (any form) or by e-mail address.
pub fn find_in_tenant(
    conn: &mut DbConnection,
    tenant_id: &str,
    id_or_email: &str,
) -> Result<Option<User>, StorageError> {
    let query = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .select(User::as_select())
        .into_boxed();
    let query = match ids::parse_guid(id_or_email) {
        Some(id) => query.filter(users::id.eq(id)),
        None => query.filter(users::email_normalized.eq(normalize_email(id_or_email))),
    };
    Ok(query.first(conn).optional()?)
}

/// Finds a user of `tenant_id` by its canonical GUID only.
pub fn find_by_id_in_tenant(
    conn: &mut DbConnection,
    tenant_id: &str,
    id: &str,
) -> Result<Option<User>, StorageError> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// New values for a user's address, names and role.
pub struct ProfileChange<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub role: Role,
    pub now: i64,
}

/// Replaces the user's address, names and role.
pub fn update_profile(
    conn: &mut DbConnection,
    user_id: &str,
    change: ProfileChange<'_>,
) -> Result<(), UserError> {
    if !is_plausible_email(change.email) {
        return Err(UserError::InvalidEmail(change.email.trim().to_owned()));
    }
    let updated = diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(change.email.trim()),
            users::email_normalized.eq(normalize_email(change.email)),
            users::first_name.eq(change.first_name.trim()),
            users::last_name.eq(change.last_name.trim()),
            users::role.eq(change.role.as_str()),
            users::modified_at.eq(change.now),
        ))
        .execute(conn);
    match updated {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(UserError::EmailTaken),
        Err(err) => Err(UserError::Storage(err.into())),
    }
}

/// Deletes the user; its zone assignments and pending links go with it
/// through the foreign keys.
pub fn delete(conn: &mut DbConnection, user_id: &str) -> Result<(), StorageError> {
    diesel::delete(users::table.find(user_id)).execute(conn)?;
    Ok(())
}

/// Returns one page of a tenant's users, newest first, and the tenant's total.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<User>, i64), StorageError> {
    let total = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let page = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .order((users::created_at.desc(), users::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(User::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// Every user of the tenant, newest first.
pub fn list_all(conn: &mut DbConnection, tenant_id: &str) -> Result<Vec<User>, StorageError> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .order((users::created_at.desc(), users::id.desc()))
        .select(User::as_select())
        .load(conn)?)
}

/// How many administrators of the tenant have a password, and so can sign in.
pub fn count_active_administrators(
    conn: &mut DbConnection,
    tenant_id: &str,
) -> Result<i64, StorageError> {
    Ok(users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::role.eq(Role::Administrator.as_str()))
        .filter(users::password_hash.is_not_null())
        .count()
        .get_result(conn)?)
}

pub fn record_login(conn: &mut DbConnection, user_id: &str, now: i64) -> Result<(), StorageError> {
    diesel::update(users::table.find(user_id))
        .set(users::last_login_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Looks up the e-mail addresses of the given users of the tenant, by user
/// id. Ids of other tenants' users, and unknown ids, are left out of the map.
pub fn emails_by_id(
    conn: &mut DbConnection,
    tenant_id: &str,
    user_ids: &[&str],
) -> Result<HashMap<String, String>, StorageError> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String)> = users::table
        .filter(users::tenant_id.eq(tenant_id))
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::email))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
