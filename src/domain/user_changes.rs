//! Creating, updating and deleting console users for the User API, with the
//! role and zone rules that existing clients expect:
//! - an administrator manages every zone, so zones sent when creating one are
//!   dropped (some clients always send them) and zones sent when updating
//!   one are rejected;
//! - a Read-Only user has no zones;
//! - a zone manager is a User with at least one zone whose role is Zone
//!   Manager, or a user given the Zone Manager role GUID.
//!
//! Error messages name the User API's JSON fields because API clients
//! receive them as they are.

use std::collections::HashSet;

use super::audit::{self, Action, Actor, Object};
use super::ids;
use super::invitations::{self, LinkKind};
use super::secrets::KeyEncryptionKey;
use super::tenants;
use super::user_zones::{self, ZONE_ROLE_NONE, ZoneAssignment, ZoneRole};
use super::users::{self, NewUser, ProfileChange, Role, User, UserError};
use crate::db::{DbConnection, StorageError};

/// Maximum length of a first or last name, in characters: names must be
/// shorter than 64.
pub const NAME_MAX_CHARS: usize = 63;

/// The fields of a create or update request, as sent. `None` is a field
/// that is absent or null.
#[derive(Debug, Default)]
pub struct UserInput {
    pub email: Option<String>,
    pub user_role: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub zones: Option<Vec<ZoneInput>>,
}

/// One entry of `zones`, as sent.
#[derive(Debug, Default)]
pub struct ZoneInput {
    pub id: Option<String>,
    pub role_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Create,
    Update,
}

#[derive(Debug, thiserror::Error)]
pub enum UserChangeError {
    /// Bad input; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("email is already used by another user")]
    EmailTaken,
    #[error("User not found")]
    NotFound,
    #[error(
        "The user is the tenant's last administrator who can sign in and cannot be deleted; make another user an administrator first"
    )]
    LastAdministratorDeleted,
    #[error(
        "user_role cannot change: the user is the tenant's last administrator who can sign in; make another user an administrator first"
    )]
    LastAdministratorDemoted,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Rejects zone assignments naming a zone outside the tenant; another
/// tenant's zone reads as unknown, like a missing one.
fn check_zones(
    conn: &mut DbConnection,
    tenant_id: &str,
    zones: &[ZoneAssignment],
) -> Result<(), UserChangeError> {
    match user_zones::first_foreign_zone(conn, tenant_id, zones)? {
        Some(id) => Err(UserChangeError::Invalid(format!(
            "zones: {id} is not a zone of this tenant"
        ))),
        None => Ok(()),
    }
}

impl From<diesel::result::Error> for UserChangeError {
    fn from(err: diesel::result::Error) -> Self {
        UserChangeError::Storage(err.into())
    }
}

impl From<UserError> for UserChangeError {
    fn from(err: UserError) -> Self {
        match err {
            UserError::InvalidEmail(_) => invalid_email(),
            UserError::EmailTaken => UserChangeError::EmailTaken,
            UserError::Storage(err) => UserChangeError::Storage(err),
        }
    }
}

fn invalid(message: impl Into<String>) -> UserChangeError {
    UserChangeError::Invalid(message.into())
}

fn invalid_email() -> UserChangeError {
    invalid("email must be an e-mail address such as name@example.com")
}

/// A validated create or update request.
#[derive(Debug)]
pub struct UserDraft {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    role: Role,
    /// `None` keeps the zones a user has (on update) or gives none (on create).
    zones: Option<Vec<ZoneAssignment>>,
}

impl UserDraft {
    /// Checks the request fields. `email` and `user_role` are required for
    /// both purposes.
    pub fn parse(input: UserInput, purpose: Purpose) -> Result<UserDraft, UserChangeError> {
        let email = required(input.email, "email")?;
        if !users::is_plausible_email(&email) {
            return Err(invalid_email());
        }
        let role_text = required(input.user_role, "user_role")?;
        let role = Role::from_api_role_type(&role_text).ok_or_else(user_role_choices)?;
        let first_name = input
            .first_name
            .map(|name| checked_name(name, "first_name"))
            .transpose()?;
        let last_name = input
            .last_name
            .map(|name| checked_name(name, "last_name"))
            .transpose()?;

        let zones = match (role, purpose) {
            // Clients send zones with administrators; they are meaningless.
            (Role::Administrator, Purpose::Create) => None,
            _ => input.zones.map(parse_zones).transpose()?,
        };
        let has_zones = zones.as_ref().is_some_and(|zones| !zones.is_empty());
        if has_zones && role == Role::Administrator {
            return Err(invalid(
                "zones cannot be set for an Administrator, who manages every zone",
            ));
        }
        if has_zones && role == Role::ReadOnly {
            return Err(invalid("zones cannot be set for a Read-Only user"));
        }
        Ok(UserDraft {
            email: email.trim().to_owned(),
            first_name,
            last_name,
            role,
            zones,
        })
    }
}

/// Returns the trimmed value of a required field, or an error naming it.
fn required(value: Option<String>, field: &str) -> Result<String, UserChangeError> {
    match value {
        Some(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
        _ => Err(invalid(format!("{field} is required"))),
    }
}

fn checked_name(name: String, field: &str) -> Result<String, UserChangeError> {
    let name = name.trim();
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(invalid(format!(
            "{field} must be shorter than {} characters",
            NAME_MAX_CHARS + 1
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{field} must not contain control characters such as line breaks or tabs"
        )));
    }
    Ok(name.to_owned())
}

fn user_role_choices() -> UserChangeError {
    let choices: Vec<String> = Role::ALL
        .into_iter()
        .map(|role| format!("{} ({})", role.api_role_type(), role.api_role_name()))
        .collect();
    invalid(format!("user_role must be one of {}", choices.join(", ")))
}

fn zone_role_choices(index: usize) -> UserChangeError {
    let choices: Vec<String> = [ZoneRole::ZoneManager, ZoneRole::User]
        .into_iter()
        .map(|role| format!("{} ({})", role.api_role_type(), role.api_role_name()))
        .collect();
    invalid(format!(
        "zones[{index}].role_type must be one of {ZONE_ROLE_NONE} (None), {}",
        choices.join(", ")
    ))
}

/// Checks every entry and drops those whose role is None, which means no
/// role in that zone.
fn parse_zones(zones: Vec<ZoneInput>) -> Result<Vec<ZoneAssignment>, UserChangeError> {
    let mut seen = HashSet::new();
    let mut assignments = Vec::new();
    for (index, zone) in zones.into_iter().enumerate() {
        let id_text = required(zone.id, &format!("zones[{index}].id"))?;
        let zone_id = ids::parse_guid(&id_text)
            .ok_or_else(|| invalid(format!("zones[{index}].id must be a zone GUID")))?;
        let role_text = required(zone.role_type, &format!("zones[{index}].role_type"))?;
        let role_type = ids::parse_guid(&role_text).ok_or_else(|| zone_role_choices(index))?;
        let role = if role_type == ZONE_ROLE_NONE {
            None
        } else if role_type == ZoneRole::ZoneManager.api_role_type() {
            Some(ZoneRole::ZoneManager)
        } else if role_type == ZoneRole::User.api_role_type() {
            Some(ZoneRole::User)
        } else {
            return Err(zone_role_choices(index));
        };
        if !seen.insert(zone_id.clone()) {
            return Err(invalid(format!(
                "zones[{index}].id lists a zone that an earlier entry already lists"
            )));
        }
        if let Some(role) = role {
            assignments.push(ZoneAssignment { zone_id, role });
        }
    }
    // Stored zones are read back in this order.
    assignments.sort_by(|a, b| a.zone_id.cmp(&b.zone_id));
    Ok(assignments)
}

/// Returns the role to store: a User who manages at least one zone is a
/// Zone Manager.
fn effective_role(requested: Role, zones: &[ZoneAssignment]) -> Role {
    let manages_a_zone = zones.iter().any(|zone| zone.role == ZoneRole::ZoneManager);
    if requested == Role::User && manages_a_zone {
        Role::ZoneManager
    } else {
        requested
    }
}

fn audit_summary(role: Role, zones: &[ZoneAssignment]) -> String {
    format!("role: {}, zones: {}", role.as_str(), zones.len())
}

/// A user as stored, with its zones.
#[derive(Debug)]
pub struct SavedUser {
    pub user: User,
    pub zones: Vec<ZoneAssignment>,
}

/// Creates a user of the actor's tenant without a password, and an
/// invitation link through which the user sets one, in one transaction.
pub fn create(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    actor: &Actor,
    draft: UserDraft,
    now: i64,
) -> Result<SavedUser, UserChangeError> {
    let zones = draft.zones.unwrap_or_default();
    let role = effective_role(draft.role, &zones);
    crate::db::write_transaction(conn, |conn| {
        let user = users::create(
            conn,
            NewUser {
                tenant_id: &actor.tenant_id,
                email: &draft.email,
                first_name: draft.first_name.as_deref().unwrap_or_default(),
                last_name: draft.last_name.as_deref().unwrap_or_default(),
                role,
                password_hash: None,
                now,
            },
        )?;
        check_zones(conn, &user.tenant_id, &zones)?;
        user_zones::replace(conn, &user.tenant_id, &user.id, &zones)?;
        audit::record(
            conn,
            actor,
            Action::UserCreated,
            Some(Object::User(&user.id)),
            &audit_summary(role, &zones),
        )?;
        invitations::issue(conn, kek, actor, &user, LinkKind::Invitation, now)?;
        Ok(SavedUser { user, zones })
    })
}

/// Rejects, with `rejection`, the removal of the tenant's last administrator
/// who can sign in.
fn ensure_not_last_administrator(
    conn: &mut DbConnection,
    user: &User,
    rejection: UserChangeError,
) -> Result<(), UserChangeError> {
    let can_sign_in = user.password_hash.is_some();
    if user.role() == Role::Administrator
        && can_sign_in
        && users::count_active_administrators(conn, &user.tenant_id)? <= 1
    {
        return Err(rejection);
    }
    Ok(())
}

/// Replaces the address, role and zones of the actor's tenant's user
/// `user_id` (a canonical GUID), and the names that the draft gives, in one
/// transaction. Zones absent from the draft stay as they are, except that
/// Administrators and Read-Only users lose all zones.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &str,
    draft: UserDraft,
    now: i64,
) -> Result<(), UserChangeError> {
    crate::db::write_transaction(conn, |conn| {
        tenants::lock_for_update(conn, &actor.tenant_id)?;
        let user = users::find_by_id_in_tenant(conn, &actor.tenant_id, user_id)?
            .ok_or(UserChangeError::NotFound)?;
        let zones = match (draft.role, &draft.zones) {
            (Role::Administrator | Role::ReadOnly, _) => Vec::new(),
            (_, Some(zones)) => zones.clone(),
            (_, None) => user_zones::of_user(conn, &user.id)?,
        };
        let role = effective_role(draft.role, &zones);
        if role != Role::Administrator {
            ensure_not_last_administrator(conn, &user, UserChangeError::LastAdministratorDemoted)?;
        }
        users::update_profile(
            conn,
            &user.id,
            ProfileChange {
                email: &draft.email,
                first_name: draft.first_name.as_deref().unwrap_or(&user.first_name),
                last_name: draft.last_name.as_deref().unwrap_or(&user.last_name),
                role,
                now,
            },
        )?;
        check_zones(conn, &user.tenant_id, &zones)?;
        user_zones::replace(conn, &user.tenant_id, &user.id, &zones)?;
        audit::record(
            conn,
            actor,
            Action::UserUpdated,
            Some(Object::User(&user.id)),
            &audit_summary(role, &zones),
        )?;
        Ok(())
    })
}

/// Deletes the actor's tenant's user `user_id` (a canonical GUID), unless it
/// is the last administrator who can sign in, in one transaction.
pub fn delete(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &str,
) -> Result<(), UserChangeError> {
    crate::db::write_transaction(conn, |conn| {
        tenants::lock_for_update(conn, &actor.tenant_id)?;
        let user = users::find_by_id_in_tenant(conn, &actor.tenant_id, user_id)?
            .ok_or(UserChangeError::NotFound)?;
        ensure_not_last_administrator(conn, &user, UserChangeError::LastAdministratorDeleted)?;
        users::delete(conn, &user.id)?;
        audit::record(
            conn,
            actor,
            Action::UserDeleted,
            Some(Object::User(&user.id)),
            &format!("role: {}", user.role().as_str()),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "00000000-0000-0000-0000-000000000001";
    const ADMINISTRATOR: &str = "00000000-0000-0000-0000-000000000002";
    const READ_ONLY: &str = "00000000-0000-0000-0000-000000000003";
    const ZONE_ID: &str = "d27ff5c4-5c0d-4f56-a00d-a1fb297e440e";

    fn input(role: &str, zones: Option<Vec<(&str, &str)>>) -> UserInput {
        UserInput {
            email: Some("ada@example.test".into()),
            user_role: Some(role.into()),
            first_name: None,
            last_name: None,
            zones: zones.map(|zones| {
                zones
                    .into_iter()
                    .map(|(id, role_type)| ZoneInput {
                        id: Some(id.into()),
                        role_type: Some(role_type.into()),
                    })
                    .collect()
            }),
        }
    }

    fn message(result: Result<UserDraft, UserChangeError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn administrator_zones_dropped_on_create_rejected_on_update() {
        let zones = || Some(vec![(ZONE_ID, "00000000-0000-0000-0000-000000000002")]);
        let created = UserDraft::parse(input(ADMINISTRATOR, zones()), Purpose::Create).unwrap();
        assert_eq!(created.zones, None);
        assert_eq!(
            message(UserDraft::parse(
                input(ADMINISTRATOR, zones()),
                Purpose::Update
            )),
            "zones cannot be set for an Administrator, who manages every zone"
        );
        let emptied = UserDraft::parse(input(ADMINISTRATOR, Some(vec![])), Purpose::Update);
        assert!(emptied.is_ok());
    }

    #[test]
    fn read_only_with_zones_rejected() {
        let zones = Some(vec![(ZONE_ID, "00000000-0000-0000-0000-000000000002")]);
        assert_eq!(
            message(UserDraft::parse(input(READ_ONLY, zones), Purpose::Create)),
            "zones cannot be set for a Read-Only user"
        );
    }

    #[test]
    fn user_managing_a_zone_is_zone_manager() {
        let zones = Some(vec![(
            "D27FF5C45C0D4F56A00DA1FB297E440E",
            "00000000-0000-0000-0000-000000000001",
        )]);
        let draft = UserDraft::parse(input(USER, zones), Purpose::Create).unwrap();
        let zones = draft.zones.unwrap();
        assert_eq!(zones[0].zone_id, ZONE_ID);
        assert_eq!(effective_role(draft.role, &zones), Role::ZoneManager);
        assert_eq!(effective_role(Role::User, &[]), Role::User);
    }

    #[test]
    fn zone_role_none_is_not_stored() {
        let zones = Some(vec![(ZONE_ID, ZONE_ROLE_NONE)]);
        let draft = UserDraft::parse(input(USER, zones), Purpose::Update).unwrap();
        assert_eq!(draft.zones, Some(vec![]));
    }

    #[test]
    fn name_of_64_characters_rejected() {
        let mut long = input(USER, None);
        long.last_name = Some("x".repeat(64));
        assert_eq!(
            message(UserDraft::parse(long, Purpose::Create)),
            "last_name must be shorter than 64 characters"
        );
        let mut longest = input(USER, None);
        longest.last_name = Some("é".repeat(63));
        assert!(UserDraft::parse(longest, Purpose::Create).is_ok());
    }
}
