//! Assembles the HTTP application: middleware, the API, the console, health
//! checks, and the background purge of expired rows.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, NormalizePath, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

use crate::api::rate_limit::RateLimiter;
use crate::config::{Config, ConfigError};
use crate::console::session::IDLE_TIMEOUT_SECONDS;
use crate::db::session_store::DbSessionStore;
use crate::db::{self, StorageError};
use crate::domain::{device_deletion, passwords, secrets::KeySource};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{api, clock, console, telemetry};

/// Every response carries these. The console loads script and style only
/// from its own origin, so no inline script can run.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// How often pending device deletion requests are carried out.
const DEVICE_DELETION_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database: {0}")]
    Storage(#[from] StorageError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// Opens the database (running migrations) and loads the key-encryption key.
pub fn prepare(config: Config) -> Result<AppState, StartError> {
    let (kek, source) = config.load_key()?;
    match source {
        KeySource::CreatedFile => tracing::warn!(
            data_dir = %config.data_dir.display(),
            "created a new key-encryption key file in the data directory; back it up, since sealed secrets cannot be opened without it"
        ),
        KeySource::File => tracing::info!("key-encryption key loaded from file"),
        KeySource::Environment => tracing::info!("key-encryption key loaded from AURORA_KEK"),
    }
    let pool = db::connect(&config.database_path)?;
    Ok(AppState {
        pool,
        kek: Arc::new(kek),
        rate_limiter: Arc::new(RateLimiter::new(config.rate_limits)),
        config,
    })
}

/// Starts serving on `listener`; the returned server runs until stopped.
pub fn start(state: AppState, listener: TcpListener) -> Result<Server, StartError> {
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let cookie_key = Key::from(state.kek.cookie_key());
    let secure = state.config.secure_cookies;
    let data = web::Data::new(state);
    spawn_purge(data.clone());
    spawn_device_deletions(data.clone());
    // Computed now so the first sign-in is not slower than the others.
    actix_web::rt::spawn(async {
        let _ = web::block(passwords::warm_up).await;
    });

    let server = HttpServer::new(move || {
        let sessions =
            SessionMiddleware::builder(DbSessionStore::new(data.pool.clone()), cookie_key.clone())
                .cookie_name(
                    if secure {
                        "__Host-aurora_session"
                    } else {
                        "aurora_session"
                    }
                    .to_owned(),
                )
                .cookie_secure(secure)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Strict)
                .cookie_path("/".to_owned())
                .cookie_content_security(CookieContentSecurity::Signed)
                .session_lifecycle(
                    BrowserSession::default()
                        .state_ttl(actix_web::cookie::time::Duration::seconds(
                            IDLE_TIMEOUT_SECONDS,
                        ))
                        .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                )
                .build();
        let mut headers = DefaultHeaders::new();
        for header in SECURITY_HEADERS {
            headers = headers.add(header);
        }
        if secure {
            headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
        }
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(api::body::MAX_BODY_BYTES))
            .wrap(headers)
            .wrap(from_fn(telemetry::log_request))
            .wrap(NormalizePath::trim())
            .route("/livez", web::get().to(livez))
            .route("/readyz", web::get().to(readyz))
            .route("/static/app.css", web::get().to(console::assets::css))
            .route("/static/app.js", web::get().to(console::assets::js))
            .route(
                "/api/v2/openapi.json",
                web::get().to(api::openapi::document),
            )
            .configure(api::routes)
            .service(web::scope("").wrap(sessions).configure(console::routes))
            .default_service(web::to(not_found))
    })
    .listen(listener)
    .map_err(|source| StartError::Bind { address, source })?
    .run();
    Ok(server)
}

async fn livez() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ready = web::block(move || {
        pool.get()
            .map(|mut conn| db::is_ready(&mut conn))
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    if ready {
        HttpResponse::Ok().body("ready")
    } else {
        HttpResponse::ServiceUnavailable().body("database unavailable")
    }
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    if api::is_api_path(req.path()) {
        let allowed = api::methods_for_path(req.path());
        if !allowed.is_empty() {
            return HttpResponse::MethodNotAllowed()
                .insert_header(("Allow", allowed.join(", ")))
                .json(serde_json::json!({
                    "message": format!("Method {} is not allowed here; use {}", req.method(), allowed.join(" or "))
                }));
        }
        return HttpResponse::NotFound().json(serde_json::json!({ "message": "Not found" }));
    }
    console::error::ConsoleError::NotFound(Lang::of_request(&req)).error_response_page()
}

/// Deletes expired sessions, access tokens, replay records, invitation and
/// password-reset links every five minutes.
fn spawn_purge(data: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(Duration::from_secs(300));
        loop {
            interval.tick().await;
            let pool = data.pool.clone();
            let purged = db::run(&pool, |conn| db::purge_expired(conn, clock::now())).await;
            match purged {
                Ok(count) if count > 0 => tracing::info!(rows = count, "expired rows purged"),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "purging expired rows failed"),
            }
        }
    });
}

/// Carries out pending device deletion requests every
/// [`DEVICE_DELETION_INTERVAL`]. The API documents deletion as asynchronous.
fn spawn_device_deletions(data: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(DEVICE_DELETION_INTERVAL);
        loop {
            interval.tick().await;
            let pool = data.pool.clone();
            let deleted = db::run(&pool, |conn| {
                device_deletion::complete_pending(conn, clock::now())
            })
            .await;
            match deleted {
                Ok(count) if count > 0 => tracing::info!(devices = count, "devices deleted"),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "deleting requested devices failed"),
            }
        }
    });
}
