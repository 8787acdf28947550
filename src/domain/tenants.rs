//! Tenants and their improved-security flag.

use diesel::prelude::*;

use super::{audit, ids};
use crate::db::schema::{applications, tenants};
use crate::db::{DbConnection, StorageError};

/// Tenants created from this instant on (2022-08-01 00:00:00 UTC) start with
/// improved security; older tenants keep showing secrets until an
/// administrator removes them.
pub const IMPROVED_SECURITY_DEFAULT_FROM: i64 = 1_659_312_000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenants)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub improved_security: bool,
    pub application_count: i64,
}

pub fn create(
    conn: &mut DbConnection,
    name: &str,
    created_at: i64,
) -> Result<Tenant, StorageError> {
    let tenant = Tenant {
        id: ids::new_id(),
        name: name.trim().to_owned(),
        created_at,
        improved_security: created_at >= IMPROVED_SECURITY_DEFAULT_FROM,
        application_count: 0,
    };
    diesel::insert_into(tenants::table)
        .values((
            tenants::id.eq(&tenant.id),
            tenants::name.eq(&tenant.name),
            tenants::created_at.eq(tenant.created_at),
            tenants::improved_security.eq(tenant.improved_security),
        ))
        .execute(conn)?;
    Ok(tenant)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<Tenant>, StorageError> {
    Ok(tenants::table
        .find(id)
        .select(Tenant::as_select())
        .first(conn)
        .optional()?)
}

/// Writes the tenant row without changing it, so that the rest of the
/// caller's transaction runs alone among the tenant's writers: SQLite takes
/// its database write lock and PostgreSQL locks the row until commit. Rules
/// that count rows before changing them, such as keeping one administrator,
/// rely on it. Call it first in the transaction: a SQLite transaction that
/// read before it may fail with "database is locked" when another writer
/// committed in between.
pub fn lock_for_update(conn: &mut DbConnection, tenant_id: &str) -> Result<(), StorageError> {
    diesel::update(tenants::table.find(tenant_id))
        .set(tenants::name.eq(tenants::name))
        .execute(conn)?;
    Ok(())
}

/// Turns improved security on and deletes every viewable secret of the
/// tenant, in one transaction. There is no inverse: the database refuses to
/// turn the flag off again. Returns false when it was already on.
pub fn enable_improved_security(
    conn: &mut DbConnection,
    actor: &audit::Actor,
    now: i64,
) -> Result<bool, StorageError> {
    crate::db::write_transaction(conn, |conn| {
        let changed = diesel::update(
            tenants::table
                .filter(tenants::id.eq(&actor.tenant_id))
                .filter(tenants::improved_security.eq(false)),
        )
        .set((
            tenants::improved_security.eq(true),
            tenants::improved_security_enabled_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Ok(false);
        }
        let cleared = diesel::update(
            applications::table.filter(applications::tenant_id.eq(&actor.tenant_id)),
        )
        .set(applications::viewable_secret_sealed.eq(None::<Vec<u8>>))
        .execute(conn)?;
        audit::record(
            conn,
            actor,
            audit::Action::ImprovedSecurityEnabled,
            Some(audit::Object::Tenant(&actor.tenant_id)),
            &format!("viewable secrets removed: {cleared}"),
        )?;
        Ok(true)
    })
}
