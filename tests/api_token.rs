//! User API token exchange: every rule of `POST /auth/v2/token`.
