//! Costs on the authentication paths: password verification for a wrong
//! password versus an unknown account (they must match, so timing does not
//! reveal which accounts exist), auth-token verification, and secret sealing.
//!
//! Run with `cargo bench --bench auth`.

use std::hint::black_box;

use aurora_console::domain::auth_token::UnverifiedToken;
use aurora_console::domain::passwords::{self, Password};
use aurora_console::domain::secrets::{ApplicationSecret, Binding, KeyEncryptionKey};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};

fn sign(secret: &str, payload: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn sign_in(c: &mut Criterion) {
    let stored = passwords::hash(&Password::new("the real password".into()));
    let attempt = Password::new("a wrong password".into());
    passwords::warm_up();
    let mut group = c.benchmark_group("sign_in");
    group.sample_size(20);
    group.bench_function("wrong_password", |b| {
        b.iter(|| passwords::verify(black_box(&attempt), Some(black_box(&stored))))
    });
    group.bench_function("unknown_account", |b| {
        b.iter(|| passwords::verify(black_box(&attempt), None))
    });
    group.finish();
}

fn auth_token(c: &mut Criterion) {
    let secret = ApplicationSecret::generate();
    let key = secret.signing_key();
    let jwt = sign(
        secret.expose(),
        r#"{"exp":1800,"iat":0,"iss":"http://cylance.com","sub":"0f8fad5b-d9cb-469f-a165-70867728950e","tid":"7c9e6679-7425-40de-944b-e07fc1f90ae7","jti":"2b7e1516-28ae-4d2a-a6d2-abf7158809cf"}"#,
    );
    c.bench_function("auth_token/parse_and_verify", |b| {
        b.iter(|| {
            let token = UnverifiedToken::parse(black_box(&jwt)).unwrap();
            token.verify_signature(&key)
        })
    });

    let kek = KeyEncryptionKey::from_bytes(&[9; 32]);
    let binding = Binding {
        tenant_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        application_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    };
    let sealed = kek.seal_signing_key(&binding, &key);
    c.bench_function("secrets/open_signing_key", |b| {
        b.iter(|| kek.open_signing_key(&binding, black_box(&sealed)).unwrap())
    });
}

criterion_group!(benches, sign_in, auth_token);
criterion_main!(benches);
