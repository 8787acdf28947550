//! The demo data set: a legacy tenant (created in 2021, without improved
//! security) and a current one, each with an administrator and a generated
//! fleet of devices, zones, policies, threats and global-list entries.
//! Running the demo again reuses them and gives both administrators new
//! passwords, since the old ones were never stored in clear. The generated
//! data is made only when a tenant is created.

use diesel::prelude::*;

use crate::cli::{self, CliError};
use crate::db::DbPool;
use crate::db::schema::users as users_table;
use crate::domain::passwords::{self, Password};
use crate::domain::{tenants, users};
use crate::{clock, seed};

pub struct DemoLogin {
    pub tenant_name: String,
    pub email: String,
    pub password: String,
}

struct DemoTenant {
    name: &'static str,
    created: &'static str,
    email: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    devices: usize,
}

const TENANTS: [DemoTenant; 2] = [
    DemoTenant {
        name: "Northwind Legacy",
        created: "2021-03-15",
        email: "admin@northwind.example",
        first_name: "Nadia",
        last_name: "Laurent",
        devices: 250,
    },
    DemoTenant {
        name: "Contoso",
        created: "2024-09-02",
        email: "admin@contoso.example",
        first_name: "Chris",
        last_name: "Morgan",
        devices: 1_000,
    },
];

pub fn prepare(pool: &DbPool) -> Result<Vec<DemoLogin>, CliError> {
    let mut conn = pool.get().map_err(crate::db::StorageError::from)?;
    let mut logins = Vec::new();
    for demo in TENANTS {
        let password = cli::random_password();
        let hash = passwords::hash(&Password::new(password.clone()));
        match users::find_by_email(&mut conn, demo.email)? {
            Some(user) => {
                diesel::update(users_table::table.find(&user.id))
                    .set(users_table::password_hash.eq(Some(hash)))
                    .execute(&mut conn)
                    .map_err(crate::db::StorageError::from)?;
            }
            None => {
                let created_at = clock::parse_date(demo.created).unwrap_or_else(clock::now);
                let tenant = tenants::create(&mut conn, demo.name, created_at)?;
                users::create(
                    &mut conn,
                    users::NewUser {
                        tenant_id: &tenant.id,
                        email: demo.email,
                        first_name: demo.first_name,
                        last_name: demo.last_name,
                        role: users::Role::Administrator,
                        password_hash: Some(hash),
                        now: clock::now(),
                    },
                )
                .map_err(|err| match err {
                    users::UserError::Storage(err) => CliError::Storage(err),
                    other => CliError::Usage(other.to_string()),
                })?;
                let options = seed::SeedOptions {
                    devices: demo.devices,
                    seed: 1,
                };
                seed::run(&mut conn, &tenant.id, options, clock::now())?;
            }
        }
        logins.push(DemoLogin {
            tenant_name: demo.name.to_owned(),
            email: demo.email.to_owned(),
            password,
        });
    }
    Ok(logins)
}
