//! Asynchronous device deletion: a request is recorded at once and its id
//! returned. A background task deletes the devices later and marks the
//! request completed.
//!
//! TODO: the optional callback URL is stored but never called. Calling it
//! needs an outbound HTTP client with timeouts, retries and a rule for which
//! addresses may be contacted.

use diesel::prelude::*;

use super::ids;
use crate::db::schema::{device_delete_requests, devices};
use crate::db::{DbConnection, StorageError};

/// Most device ids one request may name.
pub const MAX_DEVICES_PER_REQUEST: usize = 20;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = device_delete_requests, treat_none_as_default_value = false)]
pub struct DeleteRequest {
    /// The API's `request_id`.
    pub id: String,
    pub tenant_id: String,
    /// JSON array of device ids in stored form.
    pub device_ids: String,
    pub callback_url: Option<String>,
    /// The id of the user or application that asked.
    pub requested_by: String,
    pub created_at: i64,
    pub completed_at: Option<i64>,
}

impl DeleteRequest {
    pub fn device_id_list(&self) -> Vec<String> {
        serde_json::from_str(&self.device_ids).unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeletionError {
    #[error("device_ids: must contain at least one well-formed device id")]
    NoDevices,
    #[error("device_ids: at most {MAX_DEVICES_PER_REQUEST} device ids per request, got {0}")]
    TooManyDevices(usize),
    #[error("callback_url: must not be empty; leave it out when no callback is wanted")]
    EmptyCallback,
    #[error("callback_url: {0:?} is not an absolute http or https URL")]
    InvalidCallback(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for DeletionError {
    fn from(err: diesel::result::Error) -> Self {
        DeletionError::Storage(err.into())
    }
}

/// Records a request to delete `device_ids`. Malformed ids are dropped
/// because existing clients expect that. Ids of devices the tenant does not
/// have stay in the request and are skipped when it is carried out.
pub fn request(
    conn: &mut DbConnection,
    tenant_id: &str,
    device_ids: &[String],
    callback_url: Option<&str>,
    requested_by: &str,
    now: i64,
) -> Result<DeleteRequest, DeletionError> {
    if device_ids.len() > MAX_DEVICES_PER_REQUEST {
        return Err(DeletionError::TooManyDevices(device_ids.len()));
    }
    let mut wanted: Vec<String> = Vec::with_capacity(device_ids.len());
    for id in device_ids.iter().filter_map(|text| ids::parse_guid(text)) {
        if !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    if wanted.is_empty() {
        return Err(DeletionError::NoDevices);
    }
    let callback_url = callback_url.map(check_callback).transpose()?;
    let request = DeleteRequest {
        id: ids::new_id(),
        tenant_id: tenant_id.to_owned(),
        device_ids: serde_json::to_string(&wanted).expect("a list of strings serializes"),
        callback_url,
        requested_by: requested_by.to_owned(),
        created_at: now,
        completed_at: None,
    };
    diesel::insert_into(device_delete_requests::table)
        .values(&request)
        .execute(conn)?;
    Ok(request)
}

fn check_callback(text: &str) -> Result<String, DeletionError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DeletionError::EmptyCallback);
    }
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(text.to_owned())
        }
        _ => Err(DeletionError::InvalidCallback(text.to_owned())),
    }
}

/// Finds a request of the tenant by id.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    request_id: &str,
) -> Result<Option<DeleteRequest>, StorageError> {
    let Some(id) = ids::parse_guid(request_id) else {
        return Ok(None);
    };
    Ok(device_delete_requests::table
        .filter(device_delete_requests::tenant_id.eq(tenant_id))
        .filter(device_delete_requests::id.eq(id))
        .select(DeleteRequest::as_select())
        .first(conn)
        .optional()?)
}

/// Carries out every pending request, oldest first, each in its own
/// transaction: deletes the tenant's devices it names (with their zone
/// memberships, MAC addresses, findings and memory-protection events) and
/// marks it completed. Returns how many devices were deleted.
pub fn complete_pending(conn: &mut DbConnection, now: i64) -> Result<usize, StorageError> {
    let pending: Vec<DeleteRequest> = device_delete_requests::table
        .filter(device_delete_requests::completed_at.is_null())
        .order((
            device_delete_requests::created_at.asc(),
            device_delete_requests::id.asc(),
        ))
        .select(DeleteRequest::as_select())
        .load(conn)?;
    let mut deleted = 0;
    for request in pending {
        deleted += conn.transaction::<_, diesel::result::Error, _>(|conn| {
            let count = diesel::delete(
                devices::table
                    .filter(devices::tenant_id.eq(&request.tenant_id))
                    .filter(devices::id.eq_any(request.device_id_list())),
            )
            .execute(conn)?;
            diesel::update(device_delete_requests::table.find(&request.id))
                .set(device_delete_requests::completed_at.eq(Some(now)))
                .execute(conn)?;
            Ok(count)
        })?;
    }
    Ok(deleted)
}
