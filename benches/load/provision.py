"""Prepare a load test: add an application through the console forms, then
write an access token and a file of pre-signed auth tokens (one per line,
each with its own jti) into the given directory, readable only by its owner.

Usage: provision.py BASE_URL EMAIL OUTPUT_DIR AUTH_TOKEN_COUNT
The administrator's password is read from standard input.
"""

import json
import os
import sys
import time
import uuid

import jwt
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "compat"))
from cyapi_users import create_application  # noqa: E402


def private_file(path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w")


def signed_token(tenant_id, application_id, secret, now):
    claims = {
        "exp": now + 1800,
        "iat": now,
        "iss": "http://cylance.com",
        "sub": application_id,
        "tid": tenant_id,
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def main():
    base_url, email, output_dir, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    password = sys.stdin.read().strip()
    tenant_id, application_id, secret = create_application(base_url, email, password)
    now = int(time.time())

    response = requests.post(
        base_url + "/auth/v2/token",
        data=json.dumps({"auth_token": signed_token(tenant_id, application_id, secret, now)}),
        headers={"Content-Type": "application/json; charset=utf-8"},
        timeout=10,
    )
    response.raise_for_status()
    with private_file(os.path.join(output_dir, "access_token")) as out:
        out.write(response.json()["access_token"])

    with private_file(os.path.join(output_dir, "auth_tokens")) as out:
        for _ in range(count):
            out.write(signed_token(tenant_id, application_id, secret, now) + "\n")


if __name__ == "__main__":
    main()
