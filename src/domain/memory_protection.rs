//! Memory-protection events: exploit attempts the agents saw in running
//! processes and what they did about them. Read-only through the API.

use diesel::prelude::*;

use super::ids;
use super::threats::TimeWindow;
use crate::db::schema::memory_protection_events;
use crate::db::{DbConnection, StorageError};

/// Agent response to a violation; the API sends its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemoryAction {
    None = 0,
    Warning = 1,
    Block = 2,
    Terminate = 3,
}

impl MemoryAction {
    pub const ALL: [MemoryAction; 4] = [
        MemoryAction::None,
        MemoryAction::Warning,
        MemoryAction::Block,
        MemoryAction::Terminate,
    ];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<MemoryAction> {
        Self::ALL.into_iter().find(|action| action.code() == code)
    }
}

/// The kind of exploit attempt; the API sends the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViolationType {
    StackPivot = 1,
    StackProtect = 2,
    OverwriteCode = 3,
    RemoteAllocationOfMemory = 4,
    RemoteMappingOfMemory = 5,
    RemoteWriteToMemory = 6,
    RemoteWritePeToMemory = 7,
    RemoteOverwriteCode = 8,
    RemoteUnmapOfMemory = 9,
    RemoteThreadCreation = 10,
    RemoteApcScheduled = 11,
    LsassRead = 12,
    RamScraping = 13,
    ZeroAllocate = 22,
    DyldInjection = 23,
    MaliciousPayload = 24,
}

impl ViolationType {
    pub const ALL: [ViolationType; 16] = [
        ViolationType::StackPivot,
        ViolationType::StackProtect,
        ViolationType::OverwriteCode,
        ViolationType::RemoteAllocationOfMemory,
        ViolationType::RemoteMappingOfMemory,
        ViolationType::RemoteWriteToMemory,
        ViolationType::RemoteWritePeToMemory,
        ViolationType::RemoteOverwriteCode,
        ViolationType::RemoteUnmapOfMemory,
        ViolationType::RemoteThreadCreation,
        ViolationType::RemoteApcScheduled,
        ViolationType::LsassRead,
        ViolationType::RamScraping,
        ViolationType::ZeroAllocate,
        ViolationType::DyldInjection,
        ViolationType::MaliciousPayload,
    ];

    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<ViolationType> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// Returns the name the console shows.
    pub fn display_name(self) -> &'static str {
        match self {
            ViolationType::StackPivot => "Stack Pivot",
            ViolationType::StackProtect => "Stack Protect",
            ViolationType::OverwriteCode => "Overwrite Code",
            ViolationType::RemoteAllocationOfMemory => "Remote Allocation of Memory",
            ViolationType::RemoteMappingOfMemory => "Remote Mapping of Memory",
            ViolationType::RemoteWriteToMemory => "Remote Write to Memory",
            ViolationType::RemoteWritePeToMemory => "Remote Write PE to Memory",
            ViolationType::RemoteOverwriteCode => "Remote Overwrite Code",
            ViolationType::RemoteUnmapOfMemory => "Remote Unmap of Memory",
            ViolationType::RemoteThreadCreation => "Remote Thread Creation",
            ViolationType::RemoteApcScheduled => "Remote APC Scheduled",
            ViolationType::LsassRead => "LSASS Read",
            ViolationType::RamScraping => "RAM Scraping",
            ViolationType::ZeroAllocate => "Zero Allocate",
            ViolationType::DyldInjection => "DYLD Injection",
            ViolationType::MaliciousPayload => "Malicious Payload",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = memory_protection_events)]
pub struct MemoryProtectionEvent {
    /// The API's `device_image_file_event_id`.
    pub id: String,
    pub tenant_id: String,
    pub device_id: String,
    pub agent_event_id: String,
    /// A [`MemoryAction`] code.
    pub action: i64,
    /// A [`ViolationType`] code.
    pub violation_type: i64,
    pub created_at: i64,
    pub image_name: String,
    /// SHA-256 of the process image, upper-case.
    pub file_hash_id: String,
    pub file_version: String,
    pub dll_version: String,
    pub process_id: i64,
    pub sid: String,
    pub username: String,
    pub groups: String,
}

/// Narrows a listing; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Bounds on the event's creation time.
    pub window: Option<TimeWindow>,
    /// Stored form of a device id.
    pub device_id: Option<String>,
}

/// Returns one page of the tenant's events, newest first, and the total
/// matching `filter`.
pub fn list_page(
    conn: &mut DbConnection,
    tenant_id: &str,
    filter: &EventFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MemoryProtectionEvent>, i64), StorageError> {
    let filtered = || {
        let mut query = memory_protection_events::table
            .filter(memory_protection_events::tenant_id.eq(tenant_id))
            .into_boxed();
        if let Some(window) = filter.window {
            query = query
                .filter(memory_protection_events::created_at.ge(window.start))
                .filter(memory_protection_events::created_at.le(window.end));
        }
        if let Some(device_id) = &filter.device_id {
            query = query.filter(memory_protection_events::device_id.eq(device_id.clone()));
        }
        query
    };
    let total = filtered().count().get_result::<i64>(conn)?;
    let page = filtered()
        .order((
            memory_protection_events::created_at.desc(),
            memory_protection_events::id.desc(),
        ))
        .offset(offset)
        .limit(limit)
        .select(MemoryProtectionEvent::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// Finds an event of the tenant by its `device_image_file_event_id`.
pub fn find(
    conn: &mut DbConnection,
    tenant_id: &str,
    event_id: &str,
) -> Result<Option<MemoryProtectionEvent>, StorageError> {
    let Some(id) = ids::parse_guid(event_id) else {
        return Ok(None);
    };
    Ok(memory_protection_events::table
        .filter(memory_protection_events::tenant_id.eq(tenant_id))
        .filter(memory_protection_events::id.eq(id))
        .select(MemoryProtectionEvent::as_select())
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_codes_round_trip() {
        for action in MemoryAction::ALL {
            assert_eq!(MemoryAction::from_code(action.code()), Some(action));
        }
        assert_eq!(MemoryAction::Block.code(), 2);
        assert_eq!(MemoryAction::from_code(4), None);
    }

    #[test]
    fn violation_codes_round_trip() {
        for kind in ViolationType::ALL {
            assert_eq!(ViolationType::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ViolationType::LsassRead.code(), 12);
        assert_eq!(ViolationType::MaliciousPayload.code(), 24);
        assert_eq!(ViolationType::from_code(14), None);
    }
}
