//! The client-signed auth token (a JWT) that an application trades for an
//! access token: parsing, signature and claim checks. Each failure names the
//! check that failed, because a client can fix only what its message names.

use hmac::{KeyInit, Mac};
use serde_json::Value;

use super::secrets::SigningKey;
use crate::crypto;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Maximum auth-token lifetime (`exp - iat`) the server accepts, in seconds.
pub const MAX_LIFETIME_SECONDS: i64 = 1800;

/// Clock difference tolerated between the client and this server, in seconds.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// The only accepted issuer, when a client sends `iss`.
pub const ISSUER: &str = "http://cylance.com";

const MAX_JTI_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed(&'static str),
    Algorithm(String),
    UnsupportedCriticalHeader,
    MissingClaim(&'static str),
    InvalidClaim(&'static str),
    JtiTooLong,
    UnknownApplication,
    WrongTenant,
    WrongIssuer,
    BadSignature,
    LifetimeTooLong(i64),
    ExpiresBeforeIssued,
    NotYetValid { ahead_by: i64 },
    Expired { ago: i64 },
    Replayed,
    UnknownScope(String),
    ScopeNotGranted(String),
}

impl TokenProblem {
    /// A short label for the log: the kind of problem, never the client's
    /// text, which can be long and can carry anything.
    pub fn log_label(&self) -> &'static str {
        match self {
            TokenProblem::Malformed(_) => "malformed",
            TokenProblem::Algorithm(_) => "algorithm",
            TokenProblem::UnsupportedCriticalHeader => "critical header",
            TokenProblem::MissingClaim(_) => "missing claim",
            TokenProblem::InvalidClaim(_) => "invalid claim",
            TokenProblem::JtiTooLong => "jti too long",
            TokenProblem::UnknownApplication => "unknown application",
            TokenProblem::WrongTenant => "wrong tenant",
            TokenProblem::WrongIssuer => "wrong issuer",
            TokenProblem::BadSignature => "bad signature",
            TokenProblem::LifetimeTooLong(_) => "lifetime too long",
            TokenProblem::ExpiresBeforeIssued => "exp before iat",
            TokenProblem::NotYetValid { .. } => "issued in the future",
            TokenProblem::Expired { .. } => "expired",
            TokenProblem::Replayed => "replayed jti",
            TokenProblem::UnknownScope(_) => "unknown scope",
            TokenProblem::ScopeNotGranted(_) => "scope not granted",
        }
    }

    /// Returns the message sent to the client. Every rejection that ends in 401
    /// starts with "Unauthorized", which some connectors look for.
    pub fn message(&self) -> String {
        match self {
            TokenProblem::Malformed(what) => {
                format!("Unauthorized: the auth_token is not a valid JWT ({what})")
            }
            TokenProblem::Algorithm(alg) => format!(
                "Unauthorized: the auth token must be signed with HS256, not '{alg}'"
            ),
            TokenProblem::UnsupportedCriticalHeader => {
                "Unauthorized: the auth token's header lists critical extensions ('crit'), which this server does not support".into()
            }
            TokenProblem::JtiTooLong => format!(
                "Unauthorized: the auth token's 'jti' claim is longer than {MAX_JTI_LEN} characters"
            ),
            TokenProblem::MissingClaim(claim) => {
                format!("Unauthorized: the auth token lacks the required claim '{claim}'")
            }
            TokenProblem::InvalidClaim(claim) => {
                format!("Unauthorized: the auth token's '{claim}' claim has the wrong type")
            }
            TokenProblem::UnknownApplication => {
                "Unauthorized: no application has the id given in 'sub'".into()
            }
            TokenProblem::WrongTenant => {
                "Unauthorized: the 'tid' claim does not match the application's tenant".into()
            }
            TokenProblem::WrongIssuer => {
                format!("Unauthorized: the 'iss' claim must be '{ISSUER}'")
            }
            TokenProblem::BadSignature => {
                "Unauthorized: the auth token's signature is invalid; check the application secret"
                    .into()
            }
            TokenProblem::LifetimeTooLong(seconds) => format!(
                "The auth token's lifetime (exp - iat) is {seconds} s; the maximum is {MAX_LIFETIME_SECONDS} s"
            ),
            TokenProblem::ExpiresBeforeIssued => {
                "The auth token's 'exp' claim is earlier than its 'iat' claim".into()
            }
            TokenProblem::NotYetValid { ahead_by } => format!(
                "Unauthorized: the auth token was issued {ahead_by} s in the future; the client's clock looks {ahead_by} s ahead of the server's (allowed skew: {CLOCK_SKEW_SECONDS} s). Synchronise it with NTP"
            ),
            TokenProblem::Expired { ago } => format!(
                "Unauthorized: the auth token expired {ago} s ago; if it was just created, the client's clock looks {ago} s behind the server's (allowed skew: {CLOCK_SKEW_SECONDS} s). Synchronise it with NTP"
            ),
            TokenProblem::Replayed => {
                "Unauthorized: this auth token's jti was already used; sign a new token with a fresh jti"
                    .into()
            }
            TokenProblem::UnknownScope(scope) => {
                format!("The 'scp' claim names an unknown scope '{scope}'")
            }
            TokenProblem::ScopeNotGranted(scope) => {
                let privilege = super::privileges::privilege_granting(scope)
                    .map(|p| {
                        format!(
                            "; grant the {} {} privilege in Settings > Integrations",
                            p.resource.english_name(),
                            p.level.english_name()
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "Forbidden: the application does not hold the requested scope '{scope}'{privilege}"
                )
            }
        }
    }
}

/// The application id a JWT claims in `sub`, canonical, without checking
/// anything else; for keying rate limits before the real checks.
pub fn unverified_subject(jwt: &str) -> Option<String> {
    let payload = jwt.trim().split('.').nth(1)?;
    let value: Value = serde_json::from_slice(&crypto::base64url_decode(payload)?).ok()?;
    super::ids::parse_guid(value.get("sub")?.as_str()?)
}

/// Claims of an auth token whose signature has not been checked yet.
#[derive(Debug, Clone)]
pub struct Claims {
    pub exp: i64,
    pub iat: i64,
    pub sub: String,
    pub tid: Option<String>,
    pub iss: Option<String>,
    pub jti: String,
    pub scp: Option<Vec<String>>,
}

/// A parsed JWT: its claims, and what is needed to check its signature.
#[derive(Debug)]
pub struct UnverifiedToken {
    pub claims: Claims,
    signing_input: String,
    signature: Vec<u8>,
}

impl UnverifiedToken {
    pub fn parse(jwt: &str) -> Result<UnverifiedToken, TokenProblem> {
        let jwt = jwt.trim();
        let mut parts = jwt.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenProblem::Malformed(
                "expected three dot-separated parts",
            ));
        };
        let header = decode_json(header, "header")?;
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        if alg != "HS256" {
            return Err(TokenProblem::Algorithm(truncated(alg)));
        }
        // Extensions marked critical must be understood or the token
        // refused (RFC 7515, section 4.1.11); this server supports none.
        if header.get("crit").is_some() {
            return Err(TokenProblem::UnsupportedCriticalHeader);
        }
        let payload = decode_json(payload, "payload")?;
        let signature = crypto::base64url_decode(signature)
            .ok_or(TokenProblem::Malformed("signature is not base64url"))?;
        Ok(UnverifiedToken {
            claims: Claims::from_json(&payload)?,
            signing_input: jwt[..jwt.rfind('.').unwrap_or(0)].to_owned(),
            signature,
        })
    }

    /// Checks the HMAC-SHA256 signature in constant time.
    pub fn verify_signature(&self, key: &SigningKey) -> bool {
        let mut mac =
            HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC accepts a 32-byte key");
        mac.update(self.signing_input.as_bytes());
        mac.verify_slice(&self.signature).is_ok()
    }
}

fn decode_json(part: &str, what: &'static str) -> Result<Value, TokenProblem> {
    let bytes = crypto::base64url_decode(part).ok_or(TokenProblem::Malformed(match what {
        "header" => "header is not base64url",
        _ => "payload is not base64url",
    }))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| {
        TokenProblem::Malformed(match what {
            "header" => "header is not JSON",
            _ => "payload is not JSON",
        })
    })?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(TokenProblem::Malformed(
            "header and payload must be JSON objects",
        ))
    }
}

fn numeric_date(payload: &Value, claim: &'static str) -> Result<i64, TokenProblem> {
    let value = payload
        .get(claim)
        .ok_or(TokenProblem::MissingClaim(claim))?;
    // NumericDate may carry a fraction; whole seconds are enough here.
    value
        .as_i64()
        .or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
        .ok_or(TokenProblem::InvalidClaim(claim))
}

fn string_claim(payload: &Value, claim: &'static str) -> Result<Option<String>, TokenProblem> {
    match payload.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
        Some(_) => Err(TokenProblem::InvalidClaim(claim)),
    }
}

impl Claims {
    fn from_json(payload: &Value) -> Result<Claims, TokenProblem> {
        let exp = numeric_date(payload, "exp")?;
        let iat = numeric_date(payload, "iat")?;
        let sub = string_claim(payload, "sub")?.ok_or(TokenProblem::MissingClaim("sub"))?;
        // Some PowerShell clients put a GUID object rather than a string in
        // `jti`; any non-empty JSON value identifies the token as well.
        let jti = match payload.get("jti") {
            None | Some(Value::Null) => return Err(TokenProblem::MissingClaim("jti")),
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(other) => other.to_string(),
        };
        if jti.is_empty() {
            return Err(TokenProblem::MissingClaim("jti"));
        }
        if jti.len() > MAX_JTI_LEN {
            return Err(TokenProblem::JtiTooLong);
        }
        let scp = match payload.get("scp") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(split_scopes(text)),
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|item| item.as_str().map(split_scopes))
                    .collect::<Option<Vec<_>>>()
                    .ok_or(TokenProblem::InvalidClaim("scp"))?
                    .concat(),
            ),
            Some(_) => return Err(TokenProblem::InvalidClaim("scp")),
        };
        Ok(Claims {
            exp,
            iat,
            sub,
            tid: string_claim(payload, "tid")?,
            iss: string_claim(payload, "iss")?,
            jti,
            scp: scp.filter(|scopes| !scopes.is_empty()),
        })
    }

    /// Checks lifetime and clock skew against `now`. The claims are the
    /// client's numbers, so the arithmetic saturates instead of overflowing.
    pub fn check_times(&self, now: i64) -> Result<(), TokenProblem> {
        let lifetime = self.exp.saturating_sub(self.iat);
        if lifetime > MAX_LIFETIME_SECONDS {
            return Err(TokenProblem::LifetimeTooLong(lifetime));
        }
        if lifetime < 0 {
            return Err(TokenProblem::ExpiresBeforeIssued);
        }
        let ahead_by = self.iat.saturating_sub(now);
        if ahead_by > CLOCK_SKEW_SECONDS {
            return Err(TokenProblem::NotYetValid { ahead_by });
        }
        let ago = now.saturating_sub(self.exp);
        if ago > CLOCK_SKEW_SECONDS {
            return Err(TokenProblem::Expired { ago });
        }
        Ok(())
    }

    /// When the server may forget this token's `jti`: once the token can no
    /// longer pass [`Claims::check_times`].
    pub fn replay_window_end(&self) -> i64 {
        self.exp.saturating_add(CLOCK_SKEW_SECONDS)
    }
}

/// At most 64 characters of client text, for messages that quote it.
fn truncated(text: &str) -> String {
    const MAX_QUOTED_CHARS: usize = 64;
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn split_scopes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::secrets::ApplicationSecret;

    fn sign(secret: &str, header: &str, payload: &str) -> String {
        let input = format!(
            "{}.{}",
            crypto::base64url_encode(header.as_bytes()),
            crypto::base64url_encode(payload.as_bytes())
        );
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(input.as_bytes());
        format!(
            "{input}.{}",
            crypto::base64url_encode(&mac.finalize().into_bytes())
        )
    }

    const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    #[test]
    fn token_signed_with_secret_verifies() {
        let secret = ApplicationSecret::generate();
        let jwt = sign(
            secret.expose(),
            HEADER,
            r#"{"exp":1800,"iat":0,"sub":"a","jti":"j","scp":"user:read, user:list"}"#,
        );
        let token = UnverifiedToken::parse(&jwt).unwrap();
        assert!(token.verify_signature(&secret.signing_key()));
        assert!(!token.verify_signature(&ApplicationSecret::generate().signing_key()));
        assert_eq!(
            token.claims.scp,
            Some(vec!["user:read".to_owned(), "user:list".to_owned()])
        );
    }

    #[test]
    fn algorithm_none_is_rejected() {
        let jwt = sign(
            "k",
            r#"{"alg":"none"}"#,
            r#"{"exp":1,"iat":0,"sub":"a","jti":"j"}"#,
        );
        assert_eq!(
            UnverifiedToken::parse(&jwt).unwrap_err(),
            TokenProblem::Algorithm("none".into())
        );
    }

    #[test]
    fn missing_jti_is_named() {
        let jwt = sign("k", HEADER, r#"{"exp":1,"iat":0,"sub":"a"}"#);
        assert_eq!(
            UnverifiedToken::parse(&jwt).unwrap_err(),
            TokenProblem::MissingClaim("jti")
        );
    }

    #[test]
    fn clock_checks_report_the_offset() {
        let claims = |iat: i64, exp: i64| Claims {
            exp,
            iat,
            sub: "a".into(),
            tid: None,
            iss: None,
            jti: "j".into(),
            scp: None,
        };
        let now = 1_000_000;
        assert_eq!(claims(now, now + 1800).check_times(now), Ok(()));
        assert_eq!(
            claims(now, now + 1801).check_times(now),
            Err(TokenProblem::LifetimeTooLong(1801))
        );
        assert_eq!(
            claims(now + 900, now + 1000).check_times(now),
            Err(TokenProblem::NotYetValid { ahead_by: 900 })
        );
        assert_eq!(claims(now + 300, now + 400).check_times(now), Ok(()));
        assert_eq!(
            claims(now - 1000, now - 400).check_times(now),
            Err(TokenProblem::Expired { ago: 400 })
        );
        assert_eq!(claims(now - 500, now - 300).check_times(now), Ok(()));
        assert_eq!(
            claims(now, now - 1).check_times(now),
            Err(TokenProblem::ExpiresBeforeIssued)
        );
        assert_eq!(
            claims(i64::MIN, i64::MIN + 1000).check_times(now),
            Err(TokenProblem::Expired { ago: i64::MAX })
        );
    }
}
