//! The audit trail: who did what to which object, when and from where.
//! Events never carry a secret, password or token; details are short
//! English facts written by this code, never user-supplied credentials.

use diesel::prelude::*;

use super::ids;
use crate::clock;
use crate::db::schema::audit_events;
use crate::db::{DbConnection, StorageError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    User,
    Application,
    Anonymous,
}

impl ActorKind {
    fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::Application => "application",
            ActorKind::Anonymous => "anonymous",
        }
    }
}

/// The one who acts, within one tenant.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: String,
    pub tenant_id: String,
    pub source_address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignInSucceeded,
    SignInFailed,
    SignedOut,
    ApplicationCreated,
    ApplicationEdited,
    SecretRegenerated,
    ApplicationDeleted,
    ImprovedSecurityEnabled,
    UserCreated,
    UserUpdated,
    UserDeleted,
    UserInvited,
    PasswordResetRequested,
    InvitationAccepted,
    PasswordResetCompleted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignInSucceeded => "sign_in.succeeded",
            Action::SignInFailed => "sign_in.failed",
            Action::SignedOut => "sign_out",
            Action::ApplicationCreated => "application.created",
            Action::ApplicationEdited => "application.edited",
            Action::SecretRegenerated => "application.secret_regenerated",
            Action::ApplicationDeleted => "application.deleted",
            Action::ImprovedSecurityEnabled => "tenant.improved_security_enabled",
            Action::UserCreated => "user.created",
            Action::UserUpdated => "user.updated",
            Action::UserDeleted => "user.deleted",
            Action::UserInvited => "user.invited",
            Action::PasswordResetRequested => "user.password_reset_requested",
            Action::InvitationAccepted => "user.invitation_accepted",
            Action::PasswordResetCompleted => "user.password_reset_completed",
        }
    }
}

pub enum Object<'a> {
    Tenant(&'a str),
    User(&'a str),
    Application(&'a str),
}

impl Object<'_> {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            Object::Tenant(id) => ("tenant", id),
            Object::User(id) => ("user", id),
            Object::Application(id) => ("application", id),
        }
    }
}

/// Records one event in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    object: Option<Object<'_>>,
    details: &str,
) -> Result<(), StorageError> {
    let (object_kind, object_id) = match &object {
        Some(object) => {
            let (kind, id) = object.parts();
            (Some(kind), Some(id))
        }
        None => (None, None),
    };
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(ids::new_time_ordered_id()),
            audit_events::tenant_id.eq(Some(&actor.tenant_id)),
            audit_events::occurred_at.eq(clock::now()),
            audit_events::actor_kind.eq(actor.kind.as_str()),
            audit_events::actor_id.eq(Some(&actor.id)),
            audit_events::action.eq(action.as_str()),
            audit_events::object_kind.eq(object_kind),
            audit_events::object_id.eq(object_id),
            audit_events::source_address.eq(actor.source_address.as_deref()),
            audit_events::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed sign-in for an e-mail address that matches no account.
/// The address itself is not kept: people type passwords into that field.
pub fn record_unknown_sign_in(
    conn: &mut DbConnection,
    source_address: Option<&str>,
) -> Result<(), StorageError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(ids::new_time_ordered_id()),
            audit_events::tenant_id.eq(None::<String>),
            audit_events::occurred_at.eq(clock::now()),
            audit_events::actor_kind.eq(ActorKind::Anonymous.as_str()),
            audit_events::actor_id.eq(None::<String>),
            audit_events::action.eq(Action::SignInFailed.as_str()),
            audit_events::object_kind.eq(None::<String>),
            audit_events::object_id.eq(None::<String>),
            audit_events::source_address.eq(source_address),
            audit_events::details.eq("unknown account"),
        ))
        .execute(conn)?;
    Ok(())
}

/// One stored event, as tests and a future audit page read it.
#[derive(Debug, Clone, Queryable)]
pub struct AuditEvent {
    pub id: String,
    pub tenant_id: Option<String>,
    pub occurred_at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub object_kind: Option<String>,
    pub object_id: Option<String>,
    pub source_address: Option<String>,
    pub details: String,
}

/// Every event, oldest first (ids are time-ordered UUIDs, which also order
/// events recorded within the same second); `tenant_id` None selects events outside any tenant.
pub fn list(
    conn: &mut DbConnection,
    tenant_id: Option<&str>,
) -> Result<Vec<AuditEvent>, StorageError> {
    let query = audit_events::table
        .order(audit_events::id.asc())
        .into_boxed();
    let query = match tenant_id {
        Some(tenant) => query.filter(audit_events::tenant_id.eq(tenant.to_owned())),
        None => query.filter(audit_events::tenant_id.is_null()),
    };
    Ok(query.load(conn)?)
}
