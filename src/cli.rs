//! The `aurora-console` command line.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::db::{self, DbPool};
use crate::domain::passwords::{self, Password};
use crate::domain::{tenants, users};
use crate::server::{self, StartError};
use crate::{clock, crypto, seed};

#[derive(Debug, Parser)]
#[command(
    name = "aurora-console",
    version,
    about = "Aurora Console: management console and User API v2 server"
)]
pub struct Cli {
    /// Directory for the SQLite database and the key file [env: AURORA_DATA_DIR] [default: ./data]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create demo tenants and administrators, then serve on 127.0.0.1:8080
    Demo {
        /// Address to listen on [env: AURORA_BIND]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Run migrations and serve
    Serve {
        /// Address to listen on [env: AURORA_BIND] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Manage tenants
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manage console users
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill an empty tenant with generated policies, zones, devices, threats,
    /// global-list entries and memory-protection events
    Seed {
        #[arg(long, value_name = "TENANT_ID")]
        tenant: String,
        /// Number of devices to generate
        #[arg(long, default_value_t = 1_000)]
        devices: usize,
        /// Random seed; the same seed and tenant give the same data
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Create a tenant and print its id
    Create {
        #[arg(long)]
        name: String,
        /// Creation date (YYYY-MM-DD, UTC); tenants created before 2022-08-01 start without improved security
        #[arg(long, value_name = "YYYY-MM-DD")]
        created_at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a console user and print its id
    Create {
        #[arg(long, value_name = "TENANT_ID")]
        tenant: String,
        #[arg(long)]
        email: String,
        /// administrator, zone-manager, user or read-only
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        first_name: String,
        #[arg(long, default_value = "")]
        last_name: String,
        /// Read the password from standard input (required; at least 12 characters)
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// A command-line failure, printed on standard error.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("{0}")]
    Usage(String),
    #[error("database: {0}")]
    Storage(#[from] db::StorageError),
    #[error("server stopped with an error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve { bind } => serve(bind.as_deref(), cli.data_dir, false),
        Command::Demo { bind } => serve(bind.as_deref(), cli.data_dir, true),
        Command::Tenant {
            command: TenantCommand::Create { name, created_at },
        } => {
            let pool = open(cli.data_dir)?;
            let created_at = match created_at {
                Some(text) => clock::parse_date(&text).ok_or_else(|| {
                    CliError::Usage(format!(
                        "invalid --created-at {text:?}; expected YYYY-MM-DD"
                    ))
                })?,
                None => clock::now(),
            };
            if name.trim().is_empty() {
                return Err(CliError::Usage("--name must not be empty".into()));
            }
            let mut conn = pool.get().map_err(db::StorageError::from)?;
            let tenant = tenants::create(&mut conn, &name, created_at)?;
            println!("{}", tenant.id);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    tenant,
                    email,
                    role,
                    first_name,
                    last_name,
                    password_stdin: _,
                },
        } => {
            let role = users::Role::parse(&role).ok_or_else(|| {
                CliError::Usage(format!(
                    "invalid --role {role:?}; expected administrator, zone-manager, user or read-only"
                ))
            })?;
            let password = read_password()?;
            let pool = open(cli.data_dir)?;
            let mut conn = pool.get().map_err(db::StorageError::from)?;
            let tenant_id = crate::domain::ids::parse_guid(&tenant)
                .filter(|id| matches!(tenants::find(&mut conn, id), Ok(Some(_))))
                .ok_or_else(|| CliError::Usage(format!("no tenant has the id {tenant:?}")))?;
            let user = users::create(
                &mut conn,
                users::NewUser {
                    tenant_id: &tenant_id,
                    email: &email,
                    first_name: &first_name,
                    last_name: &last_name,
                    role,
                    password_hash: Some(passwords::hash(&password)),
                    now: clock::now(),
                },
            )
            .map_err(|err| match err {
                users::UserError::Storage(err) => CliError::Storage(err),
                other => CliError::Usage(other.to_string()),
            })?;
            println!("{}", user.id);
            Ok(())
        }
        Command::Seed {
            tenant,
            devices,
            seed: seed_value,
        } => {
            let pool = open(cli.data_dir)?;
            let mut conn = pool.get().map_err(db::StorageError::from)?;
            let options = seed::SeedOptions {
                devices,
                seed: seed_value,
            };
            let started = std::time::Instant::now();
            let summary = seed::run(&mut conn, &tenant, options, clock::now())?;
            tracing::info!(
                devices = summary.devices,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "tenant seeded"
            );
            println!(
                "seeded: {} policies, {} zones, {} devices, {} threats, {} device threats, {} global-list entries, {} memory-protection events",
                summary.policies,
                summary.zones,
                summary.devices,
                summary.threats,
                summary.device_threats,
                summary.global_list_entries,
                summary.memory_protection_events
            );
            Ok(())
        }
    }
}

fn open(data_dir: Option<PathBuf>) -> Result<DbPool, CliError> {
    let config =
        Config::resolve(Some("127.0.0.1:0"), data_dir.as_deref()).map_err(StartError::from)?;
    Ok(server::prepare(config)?.pool)
}

fn read_password() -> Result<Password, CliError> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let text = text.trim_end_matches(['\r', '\n']).to_owned();
    if text.chars().count() < passwords::MIN_LENGTH {
        return Err(CliError::Usage(format!(
            "the password read from standard input must have at least {} characters",
            passwords::MIN_LENGTH
        )));
    }
    Ok(Password::new(text))
}

fn serve(bind: Option<&str>, data_dir: Option<PathBuf>, demo: bool) -> Result<(), CliError> {
    let config = Config::resolve(bind, data_dir.as_deref()).map_err(StartError::from)?;
    let state = server::prepare(config)?;
    let listener = TcpListener::bind(state.config.bind).map_err(|source| StartError::Bind {
        address: state.config.bind.to_string(),
        source,
    })?;
    let address = listener.local_addr()?;
    if demo {
        let logins = crate::demo::prepare(&state.pool)?;
        println!("Aurora Console demo: http://{address}/");
        for login in logins {
            println!(
                "  {:<28} {:<36} password: {}",
                login.tenant_name, login.email, login.password
            );
        }
        println!("Press Ctrl+C to stop.");
    }
    tracing::info!(%address, "serving");
    actix_web::rt::System::new().block_on(async move {
        let server = server::start(state, listener)?;
        server.await.map_err(CliError::from)
    })
}

/// A random password for demo accounts: 16 URL-safe characters.
pub fn random_password() -> String {
    crypto::random_token::<12>()
}
