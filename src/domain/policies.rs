//! Policies: named protection settings that devices and zones use. A device
//! or zone without a policy uses the tenant's default policy, so deleting a
//! policy moves its devices and zones back to the default.

use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;
use serde_json::Value;

use super::ids;
use super::policy_document::{self, DocumentError};
use crate::db::schema::{devices, policies, zones};
use crate::db::{DbConnection, StorageError, is_unique_violation};

/// The name the API shows for the default policy of devices and zones
/// that have none assigned.
pub const DEFAULT_POLICY_NAME: &str = "Default";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = policies)]
pub struct Policy {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    /// The policy document as JSON text.
    pub document: String,
    pub created_at: i64,
    pub modified_at: i64,
}

impl Policy {
    /// Parses the stored document; an unreadable one reads as an empty object.
    pub fn document_json(&self) -> Value {
        serde_json::from_str(&self.document).unwrap_or_else(|_| Value::Object(Default::default()))
    }
}

/// A policy as listed, with how many devices and zones use it.
#[derive(Debug, Clone)]
pub struct PolicySummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub modified_at: i64,
    pub device_count: i64,
    pub zone_count: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error(transparent)]
    InvalidDocument(#[from] DocumentError),
    #[error("policy.policy_name: a policy named {0:?} already exists")]
    NameTaken(String),
    #[error("policy.policy_id: is required to update a policy")]
    MissingId,
    #[error("{field}: {value:?} is not a valid policy id")]
    InvalidId { field: &'static str, value: String },
    #[error("Policy not found: {0}")]
    NotFound(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for PolicyError {
    fn from(err: diesel::result::Error) -> Self {
        PolicyError::Storage(err.into())
    }
}

/// Lower-cased, trimmed name: names are unique regardless of case.
pub fn normalize_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The row of a new policy, as [`create`] and the seed command insert it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = policies)]
pub struct NewPolicyRow {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub name_normalized: String,
    pub document: String,
    pub created_at: i64,
    pub modified_at: i64,
}

/// Creates a policy from the `policy` member of a create request. Identity
/// fields in the document are ignored; the server assigns them.
pub fn create(
    conn: &mut DbConnection,
    tenant_id: &str,
    input: &Value,
    now: i64,
) -> Result<Policy, PolicyError> {
    let id = ids::new_id();
    let (name, document) = policy_document::complete(input, &id, now)?;
    let row = NewPolicyRow {
        id: id.clone(),
        tenant_id: tenant_id.to_owned(),
        name_normalized: normalize_name(&name),
        name: name.clone(),
        document: document.to_string(),
        created_at: now,
        modified_at: now,
    };
    match diesel::insert_into(policies::table)
        .values(&row)
        .execute(conn)
    {
        Ok(_) => find(conn, tenant_id, &id)?.ok_or(PolicyError::NotFound(id)),
        Err(err) if is_unique_violation(&err) => Err(PolicyError::NameTaken(name)),
        Err(err) => Err(err.into()),
    }
}

/// Replaces the document of the policy named by `policy.policy_id`.
pub fn update(
    conn: &mut DbConnection,
    tenant_id: &str,
    input: &Value,
    now: i64,
) -> Result<Policy, PolicyError> {
    let id_text = match input.get("policy_id") {
        Some(Value::String(text)) if !text.trim().is_empty() => text.clone(),
        Some(Value::String(_)) | Some(Value::Null) | None => return Err(PolicyError::MissingId),
        Some(other) => {
            return Err(PolicyError::InvalidId {
                field: "policy.policy_id",
                value: other.to_string(),
            });
        }
    };
    let id = parse_id("policy.policy_id", &id_text)?;
    let (name, document) = policy_document::complete(input, &id, now)?;
    let updated = diesel::update(
        policies::table
            .filter(policies::tenant_id.eq(tenant_id))
            .filter(policies::id.eq(&id)),
    )
    .set((
        policies::name.eq(&name),
        policies::name_normalized.eq(normalize_name(&name)),
        policies::document.eq(document.to_string()),
        policies::modified_at.eq(now),
    ))
    .execute(conn);
    match updated {
        Ok(0) => Err(PolicyError::NotFound(id)),
        Ok(_) => find(conn, tenant_id, &id)?.ok_or(PolicyError::NotFound(id)),
        Err(err) if is_unique_violation(&err) => Err(PolicyError::NameTaken(name)),
        Err(err) => Err(err.into()),
    }
}

/// Deletes the listed policies of the tenant in one transaction, moving
/// their devices and zones to the default policy. Either every id names a
/// policy of the tenant and all are deleted, or nothing changes.
pub fn delete(
    conn: &mut DbConnection,
    tenant_id: &str,
    policy_ids: &[String],
) -> Result<usize, PolicyError> {
    let mut wanted = Vec::with_capacity(policy_ids.len());
    for text in policy_ids {
        let id = parse_id("tenant_policy_ids", text)?;
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    crate::db::write_transaction(conn, |conn| {
        let existing: Vec<String> = policies::table
            .filter(policies::tenant_id.eq(tenant_id))
            .filter(policies::id.eq_any(&wanted))
            .select(policies::id)
            .load(conn)?;
        if let Some(missing) = wanted.iter().find(|id| !existing.contains(id)) {
            return Err(PolicyError::NotFound(missing.clone()));
        }
        diesel::update(
            devices::table
                .filter(devices::tenant_id.eq(tenant_id))
                .filter(devices::policy_id.eq_any(&wanted)),
        )
        .set(devices::policy_id.eq(None::<String>))
        .execute(conn)?;
        diesel::update(
            zones::table
                .filter(zones::tenant_id.eq(tenant_id))
                .filter(zones::policy_id.eq_any(&wanted)),
        )
        .set(zones::policy_id.eq(None::<String>))
        .execute(conn)?;
        let deleted = diesel::delete(
            policies::table
                .filter(policies::tenant_id.eq(tenant_id))
                .filter(policies::id.eq_any(&wanted)),
        )
        .execute(conn)?;
        Ok(deleted)
    })
}

fn parse_id(field: &'static str, text: &str) -> Result<String, PolicyError> {
    ids::parse_guid(text).ok_or_else(|| PolicyError::InvalidId {
        field,
        value: text.to_owned(),
    })
}

/// Finds a policy of the tenant by id in any GUID form.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    id: &str,
) -> Result<Option<Policy>, StorageError> {
    let Some(id) = ids::parse_guid(id) else {
        return Ok(None);
    };
    Ok(policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .filter(policies::id.eq(id))
        .select(Policy::as_select())
        .first(conn)
        .optional()?)
}

/// Names of the given policies of the tenant, by id.
pub fn names(
    conn: &mut DbConnection,
    tenant_id: &str,
    policy_ids: &[&str],
) -> Result<HashMap<String, String>, StorageError> {
    if policy_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String)> = policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .filter(policies::id.eq_any(policy_ids))
        .select((policies::id, policies::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Returns one page of the tenant's policies, most recently modified first,
/// with device and zone counts, and the tenant's total.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PolicySummary>, i64), StorageError> {
    let total = policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .count()
        .get_result::<i64>(conn)?;
    let rows: Vec<(String, String, i64, i64)> = policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .order((policies::modified_at.desc(), policies::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((
            policies::id,
            policies::name,
            policies::created_at,
            policies::modified_at,
        ))
        .load(conn)?;
    let page_ids: Vec<&str> = rows.iter().map(|row| row.0.as_str()).collect();
    let device_counts: HashMap<Option<String>, i64> = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::policy_id.eq_any(&page_ids))
        .group_by(devices::policy_id)
        .select((devices::policy_id, count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    let zone_counts: HashMap<Option<String>, i64> = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(zones::policy_id.eq_any(&page_ids))
        .group_by(zones::policy_id)
        .select((zones::policy_id, count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect();
    let summaries = rows
        .into_iter()
        .map(|(id, name, created_at, modified_at)| {
            let key = Some(id.clone());
            PolicySummary {
                device_count: device_counts.get(&key).copied().unwrap_or(0),
                zone_count: zone_counts.get(&key).copied().unwrap_or(0),
                id,
                name,
                created_at,
                modified_at,
            }
        })
        .collect();
    Ok((summaries, total))
}

/// Checks that `policy_id` (any GUID form) names a policy of the tenant and
/// returns its stored form. `field` names the request field in errors.
pub fn resolve_id(
    conn: &mut DbConnection,
    tenant_id: &str,
    field: &'static str,
    policy_id: &str,
) -> Result<String, PolicyError> {
    let id = parse_id(field, policy_id)?;
    let exists = policies::table
        .filter(policies::tenant_id.eq(tenant_id))
        .filter(policies::id.eq(&id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        Ok(id)
    } else {
        Err(PolicyError::NotFound(id))
    }
}

/// Counts the devices and the zones of the tenant that use the policy
/// `policy_id` (its stored form), and returns them in that order.
pub fn usage_counts(
    conn: &mut DbConnection,
    tenant_id: &str,
    policy_id: &str,
) -> Result<(i64, i64), StorageError> {
    let devices = devices::table
        .filter(devices::tenant_id.eq(tenant_id))
        .filter(devices::policy_id.eq(policy_id))
        .count()
        .get_result::<i64>(conn)?;
    let zones = zones::table
        .filter(zones::tenant_id.eq(tenant_id))
        .filter(zones::policy_id.eq(policy_id))
        .count()
        .get_result::<i64>(conn)?;
    Ok((devices, zones))
}
