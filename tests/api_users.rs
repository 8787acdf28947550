//! `GET /users/v2` and `GET /users/v2/{id or email}`.
