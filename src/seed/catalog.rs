//! Fixed vocabularies the generator draws from: operating systems, agent
//! versions, names of zones, policies, files and people. The values imitate
//! what endpoint fleets report; none of them names a real customer.

/// An operating-system release: the `os_version` text and its kernel version.
pub struct OsRelease {
    pub version: &'static str,
    pub kernel: &'static str,
}

pub const WINDOWS_DESKTOP: [OsRelease; 6] = [
    OsRelease {
        version: "Microsoft Windows 10 Enterprise",
        kernel: "10.0.19045",
    },
    OsRelease {
        version: "Microsoft Windows 10 Pro",
        kernel: "10.0.19044",
    },
    OsRelease {
        version: "Microsoft Windows 11 Enterprise",
        kernel: "10.0.22631",
    },
    OsRelease {
        version: "Microsoft Windows 11 Pro",
        kernel: "10.0.22621",
    },
    OsRelease {
        version: "Microsoft Windows 11 Enterprise",
        kernel: "10.0.26100",
    },
    OsRelease {
        version: "Microsoft Windows 10 Enterprise LTSC",
        kernel: "10.0.17763",
    },
];

pub const WINDOWS_SERVER: [OsRelease; 5] = [
    OsRelease {
        version: "Microsoft Windows Server 2012 R2 Standard",
        kernel: "6.3.9600",
    },
    OsRelease {
        version: "Microsoft Windows Server 2016 Standard",
        kernel: "10.0.14393",
    },
    OsRelease {
        version: "Microsoft Windows Server 2019 Datacenter",
        kernel: "10.0.17763",
    },
    OsRelease {
        version: "Microsoft Windows Server 2022 Standard",
        kernel: "10.0.20348",
    },
    OsRelease {
        version: "Microsoft Windows Server 2022 Datacenter",
        kernel: "10.0.20348",
    },
];

pub const MACOS: [OsRelease; 5] = [
    OsRelease {
        version: "macOS Monterey 12.7.5",
        kernel: "21.6.0",
    },
    OsRelease {
        version: "macOS Ventura 13.6.7",
        kernel: "22.6.0",
    },
    OsRelease {
        version: "macOS Sonoma 14.5",
        kernel: "23.5.0",
    },
    OsRelease {
        version: "macOS Sonoma 14.7.1",
        kernel: "23.6.0",
    },
    OsRelease {
        version: "macOS Sequoia 15.1",
        kernel: "24.1.0",
    },
];

pub const LINUX: [OsRelease; 7] = [
    OsRelease {
        version: "Ubuntu 20.04.6 LTS",
        kernel: "5.4.0-182-generic",
    },
    OsRelease {
        version: "Ubuntu 22.04.4 LTS",
        kernel: "5.15.0-107-generic",
    },
    OsRelease {
        version: "Ubuntu 24.04.1 LTS",
        kernel: "6.8.0-45-generic",
    },
    OsRelease {
        version: "Red Hat Enterprise Linux 8.9",
        kernel: "4.18.0-513.24.1.el8_9.x86_64",
    },
    OsRelease {
        version: "Red Hat Enterprise Linux 9.4",
        kernel: "5.14.0-427.13.1.el9_4.x86_64",
    },
    OsRelease {
        version: "CentOS Linux 7.9.2009",
        kernel: "3.10.0-1160.119.1.el7.x86_64",
    },
    OsRelease {
        version: "Amazon Linux 2",
        kernel: "5.10.217-205.860.amzn2.x86_64",
    },
];

/// Agent versions in the field, oldest first; newer ones are more common.
pub const WINDOWS_AGENTS: [&str; 6] = [
    "2.0.1540", "3.0.1003", "3.1.1001", "3.2.1011", "3.3.1014", "3.4.1022",
];
pub const MACOS_AGENTS: [&str; 4] = ["2.0.1540", "3.1.1000", "3.2.1001", "3.3.1005"];
pub const LINUX_AGENTS: [&str; 4] = ["2.1.1590", "3.1.1000", "3.2.1002", "3.3.1008"];

/// Organisationally unique identifiers of common network adapters
/// (Dell, Intel, Apple, VMware, HP, Lenovo, Realtek).
pub const MAC_VENDOR_PREFIXES: [[u8; 3]; 8] = [
    [0xF8, 0xBC, 0x12],
    [0x3C, 0x97, 0x0E],
    [0xA4, 0x83, 0xE7],
    [0x00, 0x50, 0x56],
    [0x9C, 0x8E, 0x99],
    [0x54, 0xE1, 0xAD],
    [0x00, 0xE0, 0x4C],
    [0x8C, 0x85, 0x90],
];

/// Active Directory domains a tenant's Windows devices may join.
pub const AD_DOMAINS: [&str; 5] = [
    "corp.example.com",
    "ad.example.org",
    "hq.example.net",
    "internal.example.com",
    "emea.example.org",
];

pub const DEPARTMENTS: [&str; 12] = [
    "FIN", "HR", "ENG", "MKT", "OPS", "LEG", "SAL", "IT", "RND", "SUP", "EXE", "LOG",
];

/// Department codes spelled out, for organisational units.
pub fn department_unit(code: &str) -> &'static str {
    match code {
        "FIN" => "Finance",
        "HR" => "Human Resources",
        "ENG" => "Engineering",
        "MKT" => "Marketing",
        "OPS" => "Operations",
        "LEG" => "Legal",
        "SAL" => "Sales",
        "IT" => "IT",
        "RND" => "Research",
        "SUP" => "Support",
        "EXE" => "Executive",
        _ => "Logistics",
    }
}

pub const SERVER_ROLES: [&str; 12] = [
    "DC", "SQL", "FS", "APP", "WEB", "EXCH", "PRINT", "RDS", "SCCM", "CA", "BKP", "HV",
];

pub const LINUX_ROLES: [&str; 10] = [
    "web",
    "db",
    "cache",
    "k8s-node",
    "build-agent",
    "kafka",
    "elastic",
    "proxy",
    "batch",
    "git",
];

pub const LINUX_ENVIRONMENTS: [&str; 4] = ["prod", "staging", "dev", "qa"];

pub const FIRST_NAMES: [&str; 24] = [
    "Alex", "Camille", "Jordan", "Morgan", "Taylor", "Sam", "Noah", "Emma", "Lucas", "Chloe",
    "Hugo", "Lea", "Priya", "Omar", "Sofia", "Mateo", "Yuki", "Amara", "Ethan", "Ines", "Marc",
    "Julie", "Daniel", "Nora",
];

pub const LAST_NAMES: [&str; 24] = [
    "Martin", "Bernard", "Dubois", "Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis",
    "Lopez", "Wilson", "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Roux", "Nguyen",
    "Patel", "Khan", "Rossi", "Schmidt", "Tanaka", "Okafor",
];

pub const LINUX_USERS: [&str; 5] = ["root", "ubuntu", "ec2-user", "svc-deploy", "admin"];

pub const ZONE_NAMES: [&str; 30] = [
    "Finance Workstations",
    "Human Resources",
    "Engineering Laptops",
    "Domain Controllers",
    "SQL Servers",
    "DMZ Web Servers",
    "Executive Devices",
    "Build Agents",
    "Kiosks",
    "Branch Office - Lyon",
    "Branch Office - Montreal",
    "Branch Office - Austin",
    "Pilot Group",
    "Linux Servers",
    "macOS Fleet",
    "Remote Workers",
    "Test Lab",
    "Call Center",
    "Legal",
    "Marketing",
    "Warehouse Scanners",
    "Point of Sale",
    "File Servers",
    "Citrix Hosts",
    "Developers",
    "Contractors",
    "Research Lab",
    "Print Servers",
    "Backup Infrastructure",
    "Quarantine - Under Review",
];

pub const POLICY_NAMES: [&str; 8] = [
    "Workstations - Auto Quarantine",
    "Servers - Alert Only",
    "Executives - Strict",
    "Developers - Script Control Alert",
    "Kiosks - Lockdown",
    "Linux Servers",
    "macOS Endpoints",
    "Pilot - Memory Protection Block",
];

pub const MALWARE_NAMES: [&str; 20] = [
    "invoice_2024_0412",
    "scan_document",
    "payment_confirmation",
    "svch0st",
    "update_helper",
    "chrome_updater",
    "DHL_shipment_notice",
    "setup_x64",
    "winlogon32",
    "msupdate",
    "runtime_broker",
    "AdobeFlashInstaller",
    "resume_final",
    "zoom_installer",
    "dropbox_sync",
    "onedrive_patch",
    "purchase_order",
    "tax_refund_form",
    "wallet_stealer",
    "teams_meeting_invite",
];

pub const PUP_NAMES: [&str; 10] = [
    "SearchBarInstaller",
    "PCOptimizerPro",
    "DriverBooster_setup",
    "FreeYouTubeDownloader",
    "CouponPrinter",
    "WebCompanion",
    "MyPCBackup",
    "SystemCare_free",
    "BrowserAssistant",
    "SpeedUpMyPC",
];

/// Dual-use tools and the publishers that sign them.
pub const DUAL_USE_TOOLS: [(&str, &str); 10] = [
    ("PsExec", "Microsoft Corporation"),
    ("mimikatz", ""),
    ("AnyDesk", "AnyDesk Software GmbH"),
    ("TeamViewer_Setup", "TeamViewer Germany GmbH"),
    ("nc", ""),
    ("procdump64", "Microsoft Corporation"),
    ("nmap", "Insecure.Com LLC"),
    ("putty", "Simon Tatham"),
    ("Advanced_IP_Scanner", "Famatech Corp."),
    ("rclone", ""),
];

pub const TRUSTED_PUBLISHERS: [&str; 6] = [
    "Microsoft Corporation",
    "Google LLC",
    "Adobe Inc.",
    "Zoom Video Communications, Inc.",
    "Mozilla Corporation",
    "Oracle America, Inc.",
];

pub const CERT_ISSUERS: [&str; 5] = [
    "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1",
    "Sectigo Public Code Signing CA R36",
    "GlobalSign GCC R45 EV CodeSigning CA 2020",
    "Microsoft Code Signing PCA 2011",
    "Entrust Extended Validation Code Signing CA - EVCS2",
];

pub const DETECTED_BY: [&str; 4] = [
    "File Watcher",
    "Background Threat Detection",
    "Execution Control",
    "Scan",
];

/// Internal programs an administrator would put on the safe list.
pub const SAFE_PROGRAMS: [(&str, &str); 8] = [
    ("payroll_sync.exe", "InternalApplication"),
    ("inventory_agent.exe", "InternalApplication"),
    ("legacy_erp_client.exe", "CommercialSoftware"),
    ("label_printer_driver.sys", "Drivers"),
    ("backup_helper.exe", "AdminTool"),
    ("vpn_client_service.exe", "SecuritySoftware"),
    ("siem_forwarder.exe", "SecuritySoftware"),
    ("imaging_tool.exe", "AdminTool"),
];

pub const QUARANTINE_REASONS: [&str; 5] = [
    "Confirmed malicious by the SOC",
    "Seen in phishing campaign",
    "Ransomware precursor",
    "Blocked after incident review",
    "Reported by threat intelligence feed",
];

pub const SAFE_REASONS: [&str; 4] = [
    "Approved by IT",
    "Signed internal build",
    "Vendor-confirmed false positive",
    "Required line-of-business tool",
];

/// Processes that memory protection typically reports, per platform.
pub const WINDOWS_IMAGES: [(&str, &str); 6] = [
    (
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
        "16.0.17531.20152",
    ),
    (
        "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
        "16.0.17531.20152",
    ),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "10.0.19041.3996",
    ),
    (
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        "126.0.6478.127",
    ),
    (
        "C:\\Program Files (x86)\\Adobe\\Acrobat Reader DC\\Reader\\AcroRd32.exe",
        "24.2.20857.0",
    ),
    ("C:\\Windows\\System32\\rundll32.exe", "10.0.19041.3636"),
];
pub const MACOS_IMAGES: [(&str, &str); 2] = [
    (
        "/Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word",
        "16.86",
    ),
    (
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "126.0.6478.127",
    ),
];
pub const LINUX_IMAGES: [(&str, &str); 2] = [
    ("/usr/bin/python3.10", "3.10.12"),
    ("/usr/sbin/sshd", "8.9p1"),
];
