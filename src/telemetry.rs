//! Logging: one `tracing` subscriber for the process, and one structured
//! line per HTTP request. The request line names the matched route pattern,
//! never the raw path or query, so ids, e-mail addresses and tokens that
//! appear in URLs stay out of the log.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber writing to `writer`, filtered by `RUST_LOG`
/// (default `info`), with colours only when `ansi` is set. Returns false if
/// one was already installed.
pub fn init<W>(writer: W, ansi: bool) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false)
        .with_ansi(ansi)
        .try_init()
        .is_ok()
}

/// Middleware that logs method, route pattern, status and latency.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.call(req).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    match &response {
        Ok(res) => {
            let route = res
                .request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".into());
            let status = res.status().as_u16();
            tracing::info!(%method, %route, status, latency_ms, "request handled");
        }
        Err(err) => {
            tracing::warn!(%method, status = err.as_response_error().status_code().as_u16(), latency_ms, "request failed");
        }
    }
    response
}
