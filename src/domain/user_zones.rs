//! Zone assignments of console users: in which zones a user is a Zone
//! Manager or a zone User.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{user_zones, zones as zones_table};
use crate::db::{DbConnection, StorageError};

/// The zone role GUID "None" of the User API: no role in that zone.
pub const ZONE_ROLE_NONE: &str = "00000000-0000-0000-0000-000000000000";

/// A role within one zone. The User API's third zone role, None, means no
/// assignment and is never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneRole {
    ZoneManager,
    User,
}

impl ZoneRole {
    fn as_str(self) -> &'static str {
        match self {
            ZoneRole::ZoneManager => "zone-manager",
            ZoneRole::User => "user",
        }
    }

    fn from_stored(text: &str) -> ZoneRole {
        // Unknown stored values read as the less privileged role.
        if text == ZoneRole::ZoneManager.as_str() {
            ZoneRole::ZoneManager
        } else {
            ZoneRole::User
        }
    }

    /// The zone role GUID of the User API (`role_type`).
    pub fn api_role_type(self) -> &'static str {
        match self {
            ZoneRole::ZoneManager => "00000000-0000-0000-0000-000000000001",
            ZoneRole::User => "00000000-0000-0000-0000-000000000002",
        }
    }

    /// The zone role name of the User API (`role_name`).
    pub fn api_role_name(self) -> &'static str {
        match self {
            ZoneRole::ZoneManager => "Zone Manager",
            ZoneRole::User => "User",
        }
    }
}

/// One zone of a user and the user's role in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneAssignment {
    pub zone_id: String,
    pub role: ZoneRole,
}

/// The first of `zones` that is not a zone of `tenant_id`, if any.
pub fn first_foreign_zone<'a>(
    conn: &mut DbConnection,
    tenant_id: &str,
    zones: &'a [ZoneAssignment],
) -> Result<Option<&'a str>, StorageError> {
    if zones.is_empty() {
        return Ok(None);
    }
    let ids: Vec<&str> = zones.iter().map(|zone| zone.zone_id.as_str()).collect();
    let known: Vec<String> = zones_table::table
        .filter(zones_table::tenant_id.eq(tenant_id))
        .filter(zones_table::id.eq_any(&ids))
        .select(zones_table::id)
        .load(conn)?;
    Ok(ids.into_iter().find(|id| !known.iter().any(|k| k == id)))
}

/// Replaces every zone assignment of the user with `zones`.
pub fn replace(
    conn: &mut DbConnection,
    tenant_id: &str,
    user_id: &str,
    zones: &[ZoneAssignment],
) -> Result<(), StorageError> {
    diesel::delete(user_zones::table.filter(user_zones::user_id.eq(user_id))).execute(conn)?;
    let rows: Vec<_> = zones
        .iter()
        .map(|zone| {
            (
                user_zones::user_id.eq(user_id),
                user_zones::tenant_id.eq(tenant_id),
                user_zones::zone_id.eq(&zone.zone_id),
                user_zones::role.eq(zone.role.as_str()),
            )
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(user_zones::table)
            .values(rows)
            .execute(conn)?;
    }
    Ok(())
}

/// Returns the user's zone assignments, ordered by zone id.
pub fn of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<ZoneAssignment>, StorageError> {
    let mut by_user = of_users(conn, &[user_id.to_owned()])?;
    Ok(by_user.remove(user_id).unwrap_or_default())
}

/// Returns the zone assignments of each of `user_ids`, ordered by zone id.
/// Users without zones have no entry.
pub fn of_users(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<HashMap<String, Vec<ZoneAssignment>>, StorageError> {
    let rows: Vec<(String, String, String)> = user_zones::table
        .filter(user_zones::user_id.eq_any(user_ids))
        .order((user_zones::user_id.asc(), user_zones::zone_id.asc()))
        .select((user_zones::user_id, user_zones::zone_id, user_zones::role))
        .load(conn)?;
    let mut by_user: HashMap<String, Vec<ZoneAssignment>> = HashMap::new();
    for (user_id, zone_id, role) in rows {
        by_user.entry(user_id).or_default().push(ZoneAssignment {
            zone_id,
            role: ZoneRole::from_stored(&role),
        });
    }
    Ok(by_user)
}
