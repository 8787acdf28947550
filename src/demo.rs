//! The demo data set: a legacy tenant (created in 2021, without improved
//! security) and a current one, each with an administrator. Running the demo
//! again reuses them and gives both administrators new passwords, since the
//! old ones were never stored in clear.

use diesel::prelude::*;

use crate::db::schema::users as users_table;
use crate::db::{DbPool, StorageError};
use crate::domain::passwords::{self, Password};
use crate::domain::{tenants, users};
use crate::{cli, clock};

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
}

const TENANTS: [DemoTenant; 2] = [
    DemoTenant {
        name: "Northwind Legacy",
        created: "2021-03-15",
        email: "admin@northwind.example",
        first_name: "Nadia",
        last_name: "Laurent",
    },
    DemoTenant {
        name: "Contoso",
        created: "2024-09-02",
        email: "admin@contoso.example",
        first_name: "Chris",
        last_name: "Morgan",
    },
];

pub fn prepare(pool: &DbPool) -> Result<Vec<DemoLogin>, StorageError> {
    let mut conn = pool.get()?;
    let mut logins = Vec::new();
    for demo in TENANTS {
        let password = cli::random_password();
        let hash = passwords::hash(&Password::new(password.clone()));
        match users::find_by_email(&mut conn, demo.email)? {
            Some(user) => {
                diesel::update(users_table::table.find(&user.id))
                    .set(users_table::password_hash.eq(Some(hash)))
                    .execute(&mut conn)?;
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
                    users::UserError::Storage(err) => err,
                    other => StorageError::Migration(other.to_string()),
                })?;
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
