//! The privilege grid of the Add Application form and the API scopes each
//! cell grants. This table is the only place that maps one to the other.

use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    Users,
    Devices,
    GlobalLists,
    Policies,
    Zones,
    Threats,
    MemoryProtection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Read,
    Write,
    Modify,
    Delete,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Read, Level::Write, Level::Modify, Level::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Modify => "modify",
            Level::Delete => "delete",
        }
    }
}

/// One row of the grid: its form name and the scopes granted by each column,
/// `None` where the cell does not exist.
pub struct GridRow {
    pub resource: Resource,
    pub form_name: &'static str,
    cells: [Option<&'static [&'static str]>; 4],
}

impl GridRow {
    pub fn scopes(&self, level: Level) -> Option<&'static [&'static str]> {
        self.cells[level as usize]
    }

    pub fn offers(&self, level: Level) -> bool {
        self.scopes(level).is_some()
    }
}

/// Rows in the order the form shows them.
pub const GRID: [GridRow; 7] = [
    GridRow {
        resource: Resource::Users,
        form_name: "users",
        cells: [
            Some(&["user:read", "user:list"]),
            Some(&["user:create"]),
            Some(&["user:update"]),
            Some(&["user:delete"]),
        ],
    },
    GridRow {
        resource: Resource::Devices,
        form_name: "devices",
        cells: [
            Some(&["device:read", "device:list", "device:threatlist"]),
            None,
            Some(&["device:update"]),
            Some(&["device:delete"]),
        ],
    },
    GridRow {
        resource: Resource::GlobalLists,
        form_name: "globallists",
        cells: [
            Some(&["globallist:list", "globallist:read"]),
            Some(&["globallist:create"]),
            None,
            Some(&["globallist:delete"]),
        ],
    },
    GridRow {
        resource: Resource::Policies,
        form_name: "policies",
        cells: [
            Some(&["policy:read", "policy:list"]),
            Some(&["policy:create"]),
            Some(&["policy:update"]),
            Some(&["policy:delete"]),
        ],
    },
    GridRow {
        resource: Resource::Zones,
        form_name: "zones",
        cells: [
            Some(&["zone:read", "zone:list"]),
            Some(&["zone:create"]),
            Some(&["zone:update"]),
            Some(&["zone:delete"]),
        ],
    },
    GridRow {
        resource: Resource::Threats,
        form_name: "threats",
        cells: [
            Some(&["threat:read", "threat:list", "threat:devicelist"]),
            None,
            Some(&["threat:update"]),
            None,
        ],
    },
    GridRow {
        resource: Resource::MemoryProtection,
        form_name: "memoryprotection",
        cells: [
            Some(&["memoryprotection:read", "memoryprotection:list"]),
            None,
            None,
            None,
        ],
    },
];

fn row(resource: Resource) -> &'static GridRow {
    GRID.iter()
        .find(|row| row.resource == resource)
        .expect("every resource has a grid row")
}

/// One ticked cell of the grid, such as `users:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Privilege {
    pub resource: Resource,
    pub level: Level,
}

impl Privilege {
    /// Parses a form value `RESOURCE:LEVEL`; `None` for a cell the grid lacks.
    pub fn parse(text: &str) -> Option<Privilege> {
        let (resource, level) = text.trim().split_once(':')?;
        let row = GRID
            .iter()
            .find(|row| row.form_name.eq_ignore_ascii_case(resource))?;
        let level = Level::ALL
            .into_iter()
            .find(|candidate| candidate.as_str().eq_ignore_ascii_case(level))?;
        row.offers(level).then_some(Privilege {
            resource: row.resource,
            level,
        })
    }

    pub fn scopes(self) -> &'static [&'static str] {
        row(self.resource).scopes(self.level).unwrap_or(&[])
    }

    pub fn form_value(self) -> String {
        format!("{}:{}", row(self.resource).form_name, self.level.as_str())
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.form_value())
    }
}

/// The privileges of one application, never empty once validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrivilegeSet(BTreeSet<Privilege>);

impl PrivilegeSet {
    pub fn new(privileges: impl IntoIterator<Item = Privilege>) -> Self {
        Self(privileges.into_iter().collect())
    }

    /// Reads the stored form: form values separated by spaces. Unknown
    /// entries are skipped so that a retired grid cell grants nothing.
    pub fn from_stored(text: &str) -> Self {
        Self::new(text.split_whitespace().filter_map(Privilege::parse))
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|p| p.form_value())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, privilege: Privilege) -> bool {
        self.0.contains(&privilege)
    }

    pub fn iter(&self) -> impl Iterator<Item = Privilege> + '_ {
        self.0.iter().copied()
    }

    /// Returns every scope these privileges grant.
    pub fn scopes(&self) -> ScopeSet {
        ScopeSet(
            self.0
                .iter()
                .flat_map(|p| p.scopes().iter().copied())
                .collect(),
        )
    }
}

/// A set of granted scopes, compared case-insensitively (stored lower-case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<&'static str>);

impl ScopeSet {
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|held| held.eq_ignore_ascii_case(scope))
    }

    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        ScopeSet(self.0.intersection(&other.0).copied().collect())
    }

    pub fn from_stored(text: &str) -> ScopeSet {
        ScopeSet(text.split_whitespace().filter_map(known_scope).collect())
    }

    pub fn to_stored(&self) -> String {
        self.0.iter().copied().collect::<Vec<_>>().join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn insert(&mut self, scope: &'static str) {
        self.0.insert(scope);
    }
}

/// Returns the canonical spelling of `scope` if some grid cell grants it.
pub fn known_scope(scope: &str) -> Option<&'static str> {
    GRID.iter()
        .flat_map(|row| row.cells.iter().flatten())
        .flat_map(|scopes| scopes.iter().copied())
        .find(|known| known.eq_ignore_ascii_case(scope.trim()))
}

/// Returns the grid cell that grants `scope`, for error messages that name
/// the box the administrator should tick.
pub fn privilege_granting(scope: &str) -> Option<Privilege> {
    GRID.iter().find_map(|row| {
        Level::ALL.into_iter().find_map(|level| {
            let scopes = row.scopes(level)?;
            scopes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scope))
                .then_some(Privilege {
                    resource: row.resource,
                    level,
                })
        })
    })
}

impl Resource {
    /// English name of the row, as API error messages show it.
    pub fn english_name(self) -> &'static str {
        match self {
            Resource::Users => "Users",
            Resource::Devices => "Devices",
            Resource::GlobalLists => "Global Lists",
            Resource::Policies => "Policies",
            Resource::Zones => "Zones",
            Resource::Threats => "Threats",
            Resource::MemoryProtection => "Memory Protection",
        }
    }
}

impl Level {
    pub fn english_name(self) -> &'static str {
        match self {
            Level::Read => "Read",
            Level::Write => "Write",
            Level::Modify => "Modify",
            Level::Delete => "Delete",
        }
    }
}
