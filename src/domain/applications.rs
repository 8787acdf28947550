//! Custom applications: the rules for creating, editing, regenerating and
//! deleting them, including the per-tenant limit and one-time form ids.

use diesel::prelude::*;

use super::audit::{self, Action, Object};
use super::ids;
use super::privileges::{Privilege, PrivilegeSet};
use super::secrets::{ApplicationSecret, Binding, KeyEncryptionKey};
use super::tenants;
use super::users::Administrator;
use crate::clock;
use crate::db::schema::{access_tokens, applications, tenants as tenants_table, users};
use crate::db::{DbConnection, StorageError, is_unique_violation};

/// Custom applications a tenant may hold at once.
pub const MAX_PER_TENANT: i64 = 10;

/// Maximum application name length, in characters, after trimming.
pub const NAME_MAX_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong,
    NotPrintable,
    Taken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivilegeProblem {
    NoneSelected,
    Unknown,
}

/// Field-level problems of a submitted application form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormProblems {
    pub name: Option<NameProblem>,
    pub privileges: Option<PrivilegeProblem>,
}

/// A validated name and privilege set, ready to store.
#[derive(Debug, Clone)]
pub struct Draft {
    name: String,
    privileges: PrivilegeSet,
}

impl Draft {
    /// Validates the form's name and privilege values.
    pub fn parse(name: &str, privileges: &[String]) -> Result<Draft, FormProblems> {
        let mut problems = FormProblems::default();
        let name = name.trim();
        let length = name.chars().count();
        if length == 0 {
            problems.name = Some(NameProblem::Empty);
        } else if length > NAME_MAX_CHARS {
            problems.name = Some(NameProblem::TooLong);
        } else if name.chars().any(is_hidden_character) {
            problems.name = Some(NameProblem::NotPrintable);
        }

        let parsed: Vec<Option<Privilege>> =
            privileges.iter().map(|p| Privilege::parse(p)).collect();
        if parsed.iter().any(Option::is_none) {
            problems.privileges = Some(PrivilegeProblem::Unknown);
        } else if parsed.is_empty() {
            problems.privileges = Some(PrivilegeProblem::NoneSelected);
        }

        if problems != FormProblems::default() {
            return Err(problems);
        }
        Ok(Draft {
            name: name.to_owned(),
            privileges: PrivilegeSet::new(parsed.into_iter().flatten()),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn privileges(&self) -> &PrivilegeSet {
        &self.privileges
    }
}

/// Characters a name may not contain because they do not show, or change
/// how the rest shows: controls, zero-width and bidirectional formatting
/// characters (which let "evil\u{202e}gnp.exe" display as "evilexe.png"),
/// line and paragraph separators, the byte-order mark, and U+FFFD, which
/// stands for bytes that were not valid UTF-8.
fn is_hidden_character(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFD}'
        )
}

fn normalize_name(name: &str) -> String {
    name.trim().to_lowercase()
}

#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    #[error("invalid application form")]
    Invalid(FormProblems),
    #[error("the tenant already has {MAX_PER_TENANT} custom applications")]
    LimitReached,
    #[error("this form was already submitted")]
    AlreadySubmitted { application_id: String },
    #[error("application not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for ApplicationError {
    fn from(err: diesel::result::Error) -> Self {
        ApplicationError::Storage(err.into())
    }
}

/// An application as the console lists it.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub privileges: PrivilegeSet,
    pub created_at: i64,
    pub created_by_email: Option<String>,
    pub last_token_at: Option<i64>,
    pub last_token_address: Option<String>,
    viewable_secret_sealed: Option<Vec<u8>>,
}

impl Application {
    /// Opens the viewable secret; `None` for tenants with improved security.
    pub fn viewable_secret(&self, kek: &KeyEncryptionKey) -> Option<ApplicationSecret> {
        let sealed = self.viewable_secret_sealed.as_deref()?;
        kek.open_secret(&self.binding(), sealed)
    }

    fn binding(&self) -> Binding<'_> {
        Binding {
            tenant_id: &self.tenant_id,
            application_id: &self.id,
        }
    }
}

type ApplicationRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<Vec<u8>>,
);

fn from_row(row: ApplicationRow) -> Application {
    let (
        id,
        tenant_id,
        name,
        privileges,
        created_at,
        created_by_email,
        last_token_at,
        last_token_address,
        viewable,
    ) = row;
    Application {
        id,
        tenant_id,
        name,
        privileges: PrivilegeSet::from_stored(&privileges),
        created_at,
        created_by_email,
        last_token_at,
        last_token_address,
        viewable_secret_sealed: viewable,
    }
}

macro_rules! application_columns {
    () => {
        (
            applications::id,
            applications::tenant_id,
            applications::name,
            applications::privileges,
            applications::created_at,
            users::email.nullable(),
            applications::last_token_at,
            applications::last_token_address,
            applications::viewable_secret_sealed,
        )
    };
}

/// Lists the tenant's applications, oldest first.
pub fn list(conn: &mut DbConnection, tenant_id: &str) -> Result<Vec<Application>, StorageError> {
    let rows: Vec<ApplicationRow> = applications::table
        .left_join(users::table.on(applications::created_by.eq(users::id.nullable())))
        .filter(applications::tenant_id.eq(tenant_id))
        .order((applications::created_at.asc(), applications::id.asc()))
        .select(application_columns!())
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// One application of `tenant_id`; another tenant's id reads as not found.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    application_id: &str,
) -> Result<Option<Application>, StorageError> {
    let Some(id) = ids::parse_guid(application_id) else {
        return Ok(None);
    };
    let row: Option<ApplicationRow> = applications::table
        .left_join(users::table.on(applications::created_by.eq(users::id.nullable())))
        .filter(applications::tenant_id.eq(tenant_id))
        .filter(applications::id.eq(id))
        .select(application_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

/// Returns the id of the application a form id created, if any.
pub fn created_by_form(
    conn: &mut DbConnection,
    tenant_id: &str,
    form_id: &str,
) -> Result<Option<String>, StorageError> {
    Ok(applications::table
        .filter(applications::tenant_id.eq(tenant_id))
        .filter(applications::creation_form_id.eq(form_id))
        .select(applications::id)
        .first(conn)
        .optional()?)
}

/// The application's id and secret, returned once to be shown once.
#[derive(Debug)]
pub struct Credentials {
    pub application_id: String,
    pub secret: ApplicationSecret,
}

/// Sealed forms of a fresh secret for one application.
struct SealedSecret {
    signing_key: Vec<u8>,
    viewable: Option<Vec<u8>>,
}

fn seal_new_secret(
    kek: &KeyEncryptionKey,
    tenant: &tenants::Tenant,
    application_id: &str,
    secret: &ApplicationSecret,
) -> SealedSecret {
    let binding = Binding {
        tenant_id: &tenant.id,
        application_id,
    };
    SealedSecret {
        signing_key: kek.seal_signing_key(&binding, &secret.signing_key()),
        viewable: (!tenant.improved_security).then(|| kek.seal_secret(&binding, secret)),
    }
}

/// Creates an application from a validated draft, once per `form_id`.
///
/// The tenant's application counter is incremented only while it is below
/// the limit, in the same transaction as the insert. Both SQLite and
/// PostgreSQL serialize concurrent writers on that row, so two saves at nine
/// applications cannot both pass.
pub fn create(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    admin: &Administrator,
    form_id: &str,
    draft: &Draft,
) -> Result<Credentials, ApplicationError> {
    let tenant_id = admin.tenant_id();
    let application_id = ids::new_id();
    let secret = ApplicationSecret::generate();
    let now = clock::now();

    let result = crate::db::write_transaction(conn, |conn| {
        let reserved = diesel::update(
            tenants_table::table
                .filter(tenants_table::id.eq(tenant_id))
                .filter(tenants_table::application_count.lt(MAX_PER_TENANT)),
        )
        .set(tenants_table::application_count.eq(tenants_table::application_count + 1))
        .execute(conn)?;
        if let Some(existing) = created_by_form(conn, tenant_id, form_id)? {
            return Err(ApplicationError::AlreadySubmitted {
                application_id: existing,
            });
        }
        if reserved == 0 {
            return Err(ApplicationError::LimitReached);
        }
        let tenant = tenants::find(conn, tenant_id)?.ok_or(ApplicationError::NotFound)?;
        let sealed = seal_new_secret(kek, &tenant, &application_id, &secret);
        diesel::insert_into(applications::table)
            .values((
                applications::id.eq(&application_id),
                applications::tenant_id.eq(tenant_id),
                applications::name.eq(draft.name()),
                applications::name_normalized.eq(normalize_name(draft.name())),
                applications::privileges.eq(draft.privileges().to_stored()),
                applications::creation_form_id.eq(form_id),
                applications::created_at.eq(now),
                applications::created_by.eq(Some(admin.user_id())),
                applications::modified_at.eq(now),
                applications::signing_key_sealed.eq(&sealed.signing_key),
                applications::viewable_secret_sealed.eq(&sealed.viewable),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            admin.actor(),
            Action::ApplicationCreated,
            Some(Object::Application(&application_id)),
            &format!("privileges: {}", draft.privileges().to_stored()),
        )?;
        Ok(())
    });

    match result {
        Ok(()) => Ok(Credentials {
            application_id,
            secret,
        }),
        Err(ApplicationError::Storage(StorageError::Query(err))) if is_unique_violation(&err) => {
            // Either the name is taken or a concurrent submission of the same
            // form won the race; tell them apart after the rollback.
            match created_by_form(conn, tenant_id, form_id)? {
                Some(existing) => Err(ApplicationError::AlreadySubmitted {
                    application_id: existing,
                }),
                None => Err(name_taken()),
            }
        }
        Err(other) => Err(other),
    }
}

fn name_taken() -> ApplicationError {
    ApplicationError::Invalid(FormProblems {
        name: Some(NameProblem::Taken),
        privileges: None,
    })
}

/// Renames an application and replaces its privileges. Access tokens already
/// issued follow at once, because every API request re-reads the privileges.
pub fn update(
    conn: &mut DbConnection,
    admin: &Administrator,
    application_id: &str,
    draft: &Draft,
) -> Result<(), ApplicationError> {
    let tenant_id = admin.tenant_id();
    let application = find(conn, tenant_id, application_id)?.ok_or(ApplicationError::NotFound)?;
    let result = crate::db::write_transaction(conn, |conn| {
        diesel::update(
            applications::table
                .filter(applications::tenant_id.eq(tenant_id))
                .filter(applications::id.eq(&application.id)),
        )
        .set((
            applications::name.eq(draft.name()),
            applications::name_normalized.eq(normalize_name(draft.name())),
            applications::privileges.eq(draft.privileges().to_stored()),
            applications::modified_at.eq(clock::now()),
        ))
        .execute(conn)?;
        audit::record(
            conn,
            admin.actor(),
            Action::ApplicationEdited,
            Some(Object::Application(&application.id)),
            &format!("privileges: {}", draft.privileges().to_stored()),
        )?;
        Ok(())
    });
    match result {
        Err(ApplicationError::Storage(StorageError::Query(err))) if is_unique_violation(&err) => {
            Err(name_taken())
        }
        other => other,
    }
}

/// Replaces the secret and revokes every access token issued with the old one.
pub fn regenerate_secret(
    conn: &mut DbConnection,
    kek: &KeyEncryptionKey,
    admin: &Administrator,
    application_id: &str,
) -> Result<Credentials, ApplicationError> {
    let tenant_id = admin.tenant_id();
    let application = find(conn, tenant_id, application_id)?.ok_or(ApplicationError::NotFound)?;
    let secret = ApplicationSecret::generate();
    crate::db::write_transaction(conn, |conn| {
        let tenant = tenants::find(conn, tenant_id)?.ok_or(ApplicationError::NotFound)?;
        let sealed = seal_new_secret(kek, &tenant, &application.id, &secret);
        diesel::update(
            applications::table
                .filter(applications::tenant_id.eq(tenant_id))
                .filter(applications::id.eq(&application.id)),
        )
        .set((
            applications::signing_key_sealed.eq(&sealed.signing_key),
            applications::viewable_secret_sealed.eq(&sealed.viewable),
            applications::modified_at.eq(clock::now()),
        ))
        .execute(conn)?;
        diesel::delete(
            access_tokens::table.filter(access_tokens::application_id.eq(&application.id)),
        )
        .execute(conn)?;
        audit::record(
            conn,
            admin.actor(),
            Action::SecretRegenerated,
            Some(Object::Application(&application.id)),
            "",
        )?;
        Ok::<_, ApplicationError>(())
    })?;
    Ok(Credentials {
        application_id: application.id,
        secret,
    })
}

/// Deletes the application; its access tokens and replay records go with it
/// through the foreign keys, in the same transaction.
pub fn delete(
    conn: &mut DbConnection,
    admin: &Administrator,
    application_id: &str,
) -> Result<(), ApplicationError> {
    let tenant_id = admin.tenant_id();
    let application = find(conn, tenant_id, application_id)?.ok_or(ApplicationError::NotFound)?;
    crate::db::write_transaction(conn, |conn| {
        let deleted = diesel::delete(
            applications::table
                .filter(applications::tenant_id.eq(tenant_id))
                .filter(applications::id.eq(&application.id)),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(ApplicationError::NotFound);
        }
        diesel::update(tenants_table::table.filter(tenants_table::id.eq(tenant_id)))
            .set(tenants_table::application_count.eq(tenants_table::application_count - 1))
            .execute(conn)?;
        audit::record(
            conn,
            admin.actor(),
            Action::ApplicationDeleted,
            Some(Object::Application(&application.id)),
            &format!("name: {}", application.name),
        )?;
        Ok(())
    })
}
