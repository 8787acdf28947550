//! Request bodies of the API, read up to a size limit so that an oversized
//! body is a JSON 413 like every other API error. DELETE bodies are read
//! too, since clients send them there. [`JsonBody`] takes a JSON object
//! apart field by field, so that a wrong type is a 400 naming the field.

use actix_web::HttpResponse;
use actix_web::web;
use futures_util::StreamExt;
use serde_json::{Map, Value};

use super::error::ApiError;

/// Largest request body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Largest policy create or update body. Policy documents grow with their
/// exclusion lists; the default document is under 10 KiB.
pub const MAX_POLICY_BODY_BYTES: usize = 1024 * 1024;

/// Reads the whole body, or fails with 413 past [`MAX_BODY_BYTES`].
pub async fn read_limited(payload: web::Payload) -> Result<web::BytesMut, ApiError> {
    read_up_to(payload, MAX_BODY_BYTES).await
}

/// Reads the whole body, or fails with 413 past `limit` bytes.
pub async fn read_up_to(
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::BadRequest("The request body could not be read".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A request body that is a JSON object.
pub struct JsonBody(Map<String, Value>);

impl JsonBody {
    /// Reads the whole body, up to `limit` bytes, and parses it as a JSON object.
    pub async fn read(payload: web::Payload, limit: usize) -> Result<JsonBody, ApiError> {
        let bytes = read_up_to(payload, limit).await?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(fields)) => Ok(JsonBody(fields)),
            _ => Err(ApiError::BadRequest(
                "The request body must be a JSON object".into(),
            )),
        }
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }

    /// Reads a string field that may be absent or null.
    pub fn optional_str(&self, field: &str) -> Result<Option<String>, ApiError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(wrong_type(field, "a string")),
        }
    }

    pub fn required_str(&self, field: &str) -> Result<String, ApiError> {
        self.optional_str(field)?
            .ok_or_else(|| ApiError::BadRequest(format!("{field}: is required")))
    }

    /// Reads a string field where absent means "leave unchanged" (`None`)
    /// and null means "clear" (`Some(None)`).
    pub fn nullable_str(&self, field: &str) -> Result<Option<Option<String>>, ApiError> {
        match self.0.get(field) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(text)) => Ok(Some(Some(text.clone()))),
            Some(_) => Err(wrong_type(field, "a string or null")),
        }
    }

    /// Reads an array of strings; absent or null reads as empty.
    pub fn string_list(&self, field: &str) -> Result<Vec<String>, ApiError> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| wrong_type(field, "an array of strings"))
                })
                .collect(),
            Some(_) => Err(wrong_type(field, "an array of strings")),
        }
    }
}

fn wrong_type(field: &str, expected: &str) -> ApiError {
    ApiError::BadRequest(format!("{field}: must be {expected}"))
}

/// Builds a success without a body: 200, empty, and no JSON content type,
/// because one connector reads only that as success.
pub fn empty_ok() -> HttpResponse {
    HttpResponse::Ok().finish()
}
