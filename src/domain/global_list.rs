//! The tenant's global lists: files quarantined everywhere (GlobalQuarantine)
//! and files trusted everywhere (GlobalSafe), keyed by SHA-256.

use diesel::prelude::*;

use super::ids;
use super::wire::wire_enum;
use crate::db::schema::{global_list_entries, threats};
use crate::db::{DbConnection, StorageError, is_unique_violation};

wire_enum! {
    pub enum ListType {
        GlobalQuarantine => "GlobalQuarantine",
        GlobalSafe => "GlobalSafe",
    }
}

impl ListType {
    /// Parses the `listTypeId` query value: 0 is GlobalQuarantine, 1 is GlobalSafe.
    pub fn from_type_id(type_id: &str) -> Option<ListType> {
        match type_id.trim() {
            "0" => Some(ListType::GlobalQuarantine),
            "1" => Some(ListType::GlobalSafe),
            _ => None,
        }
    }
}

wire_enum! {
    /// Category of a safe-list entry.
    pub enum SafeCategory {
        AdminTool => "AdminTool",
        CommercialSoftware => "CommercialSoftware",
        Drivers => "Drivers",
        InternalApplication => "InternalApplication",
        OperatingSystem => "OperatingSystem",
        SecuritySoftware => "SecuritySoftware",
        None => "None",
    }
}

impl SafeCategory {
    /// Reads the forms clients send: spaced ("Admin Tool"), any case, and
    /// the misspelling "Commerical Software" that one connector sends.
    pub fn parse_lenient(text: &str) -> Option<SafeCategory> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.eq_ignore_ascii_case("CommericalSoftware") {
            return Some(SafeCategory::CommercialSoftware);
        }
        SafeCategory::parse(&compact)
    }
}

/// Longest accepted reason or file name, in characters.
pub const TEXT_MAX_CHARS: usize = 1024;

/// The exact text clients look for to recognise a duplicate add as harmless.
pub const ALREADY_LISTED_MESSAGE: &str = "There's already an entry for this threat";
/// The exact text clients look for to recognise a removal as already done.
pub const NOT_LISTED_MESSAGE: &str = "There's no entry for this threat";

#[derive(Debug, thiserror::Error)]
pub enum GlobalListError {
    #[error("sha256: {0:?} is not a SHA-256 (64 hexadecimal digits)")]
    InvalidSha256(String),
    #[error(
        "category: is required for the GlobalSafe list; expected AdminTool, CommercialSoftware, Drivers, InternalApplication, OperatingSystem, SecuritySoftware or None"
    )]
    MissingCategory,
    #[error(
        "category: {0:?} is not a valid value; expected AdminTool, CommercialSoftware, Drivers, InternalApplication, OperatingSystem, SecuritySoftware or None"
    )]
    InvalidCategory(String),
    #[error("reason: is required; say why the file is listed")]
    MissingReason,
    #[error("{field}: must be at most {TEXT_MAX_CHARS} characters without control characters")]
    InvalidText { field: &'static str },
    #[error("{}", ALREADY_LISTED_MESSAGE)]
    AlreadyListed,
    #[error("{}", NOT_LISTED_MESSAGE)]
    NotListed,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<diesel::result::Error> for GlobalListError {
    fn from(err: diesel::result::Error) -> Self {
        GlobalListError::Storage(err.into())
    }
}

/// The row of one entry, as [`add`] and the seed command insert it.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = global_list_entries)]
pub struct NewEntryRow {
    pub tenant_id: String,
    pub list_type: String,
    pub sha256: String,
    pub md5: String,
    pub name: String,
    pub reason: String,
    pub category: String,
    pub added_at: i64,
    pub added_by: String,
}

/// An entry as listed, with the verdict of the tenant's threat of the same
/// hash when there is one.
#[derive(Debug, Clone, Queryable)]
pub struct Entry {
    pub list_type: String,
    pub sha256: String,
    pub md5: String,
    pub name: String,
    pub reason: String,
    pub category: String,
    pub added_at: i64,
    pub added_by: String,
    pub classification: Option<String>,
    pub sub_classification: Option<String>,
    pub cylance_score: Option<f64>,
    pub av_industry: Option<f64>,
}

/// Fields of an add request, before checking.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub list_type: ListType,
    pub sha256: String,
    pub reason: String,
    /// Required for GlobalSafe, ignored for GlobalQuarantine.
    pub category: Option<String>,
    /// Defaults to the name of the tenant's threat, else to the SHA-256.
    pub file_name: Option<String>,
}

/// Adds an entry; a hash already on that list is [`GlobalListError::AlreadyListed`].
pub fn add(
    conn: &mut DbConnection,
    tenant_id: &str,
    new: NewEntry,
    added_by: &str,
    now: i64,
) -> Result<(), GlobalListError> {
    let sha256 = ids::parse_sha256(&new.sha256)
        .ok_or_else(|| GlobalListError::InvalidSha256(new.sha256.clone()))?;
    let category = match new.list_type {
        ListType::GlobalQuarantine => String::new(),
        ListType::GlobalSafe => {
            let text = new.category.as_deref().unwrap_or("").trim();
            if text.is_empty() {
                return Err(GlobalListError::MissingCategory);
            }
            SafeCategory::parse_lenient(text)
                .ok_or_else(|| GlobalListError::InvalidCategory(text.to_owned()))?
                .as_str()
                .to_owned()
        }
    };
    let reason = checked_text("reason", &new.reason)?;
    if reason.is_empty() {
        return Err(GlobalListError::MissingReason);
    }
    let known: Option<(String, String)> = threats::table
        .filter(threats::tenant_id.eq(tenant_id))
        .filter(threats::sha256.eq(&sha256))
        .select((threats::md5, threats::name))
        .first(conn)
        .optional()?;
    let name = match new.file_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => checked_text("file_name", name)?,
        _ => known
            .as_ref()
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| sha256.clone()),
    };
    let row = NewEntryRow {
        tenant_id: tenant_id.to_owned(),
        list_type: new.list_type.as_str().to_owned(),
        md5: known.map(|(md5, _)| md5).unwrap_or_default(),
        sha256,
        name,
        reason,
        category,
        added_at: now,
        added_by: added_by.to_owned(),
    };
    match diesel::insert_into(global_list_entries::table)
        .values(&row)
        .execute(conn)
    {
        Ok(_) => Ok(()),
        Err(err) if is_unique_violation(&err) => Err(GlobalListError::AlreadyListed),
        Err(err) => Err(err.into()),
    }
}

fn checked_text(field: &'static str, text: &str) -> Result<String, GlobalListError> {
    let text = text.trim();
    if text.chars().count() > TEXT_MAX_CHARS || text.chars().any(char::is_control) {
        return Err(GlobalListError::InvalidText { field });
    }
    Ok(text.to_owned())
}

/// Removes `sha256` from one list; [`GlobalListError::NotListed`] when absent.
pub fn delete(
    conn: &mut DbConnection,
    tenant_id: &str,
    list_type: ListType,
    sha256: &str,
) -> Result<(), GlobalListError> {
    let sha256 = ids::parse_sha256(sha256)
        .ok_or_else(|| GlobalListError::InvalidSha256(sha256.to_owned()))?;
    let deleted = diesel::delete(
        global_list_entries::table
            .filter(global_list_entries::tenant_id.eq(tenant_id))
            .filter(global_list_entries::list_type.eq(list_type.as_str()))
            .filter(global_list_entries::sha256.eq(sha256)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(GlobalListError::NotListed);
    }
    Ok(())
}

/// Returns one page of a list, most recently added first, and the list's total.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    list_type: ListType,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Entry>, i64), StorageError> {
    let total = global_list_entries::table
        .filter(global_list_entries::tenant_id.eq(tenant_id))
        .filter(global_list_entries::list_type.eq(list_type.as_str()))
        .count()
        .get_result::<i64>(conn)?;
    let page = global_list_entries::table
        .left_join(
            threats::table.on(threats::tenant_id
                .eq(global_list_entries::tenant_id)
                .and(threats::sha256.eq(global_list_entries::sha256))),
        )
        .filter(global_list_entries::tenant_id.eq(tenant_id))
        .filter(global_list_entries::list_type.eq(list_type.as_str()))
        .order((
            global_list_entries::added_at.desc(),
            global_list_entries::sha256.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select((
            global_list_entries::list_type,
            global_list_entries::sha256,
            global_list_entries::md5,
            global_list_entries::name,
            global_list_entries::reason,
            global_list_entries::category,
            global_list_entries::added_at,
            global_list_entries::added_by,
            threats::classification.nullable(),
            threats::sub_classification.nullable(),
            threats::cylance_score.nullable(),
            threats::av_industry.nullable(),
        ))
        .load(conn)?;
    Ok((page, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_type_round_trips_and_reads_type_ids() {
        for value in ListType::ALL {
            assert_eq!(ListType::parse(value.as_str()), Some(*value));
        }
        assert_eq!(
            ListType::from_type_id("0"),
            Some(ListType::GlobalQuarantine)
        );
        assert_eq!(ListType::from_type_id("1"), Some(ListType::GlobalSafe));
        assert_eq!(ListType::from_type_id("2"), None);
    }

    #[test]
    fn safe_categories_accept_client_variants() {
        for value in SafeCategory::ALL {
            assert_eq!(SafeCategory::parse_lenient(value.as_str()), Some(*value));
        }
        let variants = [
            ("internalApplication", SafeCategory::InternalApplication),
            ("Admin Tool", SafeCategory::AdminTool),
            ("Commercial Software", SafeCategory::CommercialSoftware),
            ("Commerical Software", SafeCategory::CommercialSoftware),
            ("operating system", SafeCategory::OperatingSystem),
        ];
        for (text, expected) in variants {
            assert_eq!(SafeCategory::parse_lenient(text), Some(expected), "{text}");
        }
        assert_eq!(SafeCategory::parse_lenient("Games"), None);
    }
}
