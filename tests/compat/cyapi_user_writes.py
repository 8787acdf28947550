#!/usr/bin/env python3
"""Create a custom application with every Users privilege through the
console's HTML forms, then call each user-changing method of the unmodified
cyapi client (PyPI package cyapi 1.0.20) and check what the server stored.

Environment: the same as cyapi_users.py, whose helpers this script uses.

Exits 0 only if every step succeeds. Each failure names the cyapi method,
the status and the server's message. The secret is never printed.
"""

import contextlib
import io
import os
import sys

import requests
from cyapi.cyapi import CyAPI

from cyapi_users import (
    JWT_PATTERN,
    CheckError,
    create_application,
    require_env,
    write_secret,
)

PRIVILEGES = ("users:read", "users:write", "users:modify", "users:delete")
NEW_USER_EMAIL = "cyapi.user@example.com"
NEW_ADMIN_EMAIL = "cyapi.admin@example.com"
ROLE_USER = "00000000-0000-0000-0000-000000000001"
ZONE_ID = "d27ff5c4-5c0d-4f56-a00d-a1fb297e440e"


def expect(method, response, status=200):
    """Raise unless the cyapi response has `status`; return its data."""
    if response.status_code != status:
        raise CheckError(
            f"cyapi {method} returned {response.status_code}, expected {status}: "
            f"{response.errors or response.data!r}"
        )
    return response.data


def expect_field(method, data, field, expected):
    if not isinstance(data, dict) or data.get(field) != expected:
        raise CheckError(f"cyapi {method} returned {field}={data!r}, expected {expected!r}")


def exercise(api, admin_email):
    """Run every user method of cyapi that changes something."""
    created = expect(
        "create_user",
        api.create_user(NEW_USER_EMAIL, "Cy", "Api", user_role="User"),
    )
    expect_field("create_user", created, "email", NEW_USER_EMAIL)
    expect_field("create_user", created, "role_type", ROLE_USER)
    user_id = created["id"]
    print(f"create_user: created user {user_id}")

    # cyapi drops the zones of administrators before sending.
    admin = expect(
        "create_user",
        api.create_user(
            NEW_ADMIN_EMAIL,
            "Second",
            "Admin",
            user_role="Administrator",
            zones=[{"id": ZONE_ID, "role_type": "00000000-0000-0000-0000-000000000002"}],
        ),
    )
    expect_field("create_user", admin, "role_name", "Administrator")
    print(f"create_user: created administrator {admin['id']}")

    fetched = expect("get_user", api.get_user(user_id))
    expect_field("get_user", fetched, "first_name", "Cy")

    changed = {
        "email": NEW_USER_EMAIL,
        "user_role": ROLE_USER,
        "first_name": "Renamed",
        "last_name": "Api",
        "zones": [{"id": ZONE_ID, "role_type": "00000000-0000-0000-0000-000000000002"}],
    }
    expect("update_user", api.update_user(user_id, changed))
    fetched = expect("get_user", api.get_user(user_id))
    expect_field("update_user", fetched, "first_name", "Renamed")
    if [zone.get("id") for zone in fetched.get("zones", [])] != [ZONE_ID]:
        raise CheckError(f"update_user did not store the zone: {fetched!r}")
    print("update_user: first name and zone stored")

    expect("send_invite_email", api.send_invite_email(NEW_USER_EMAIL))
    print("send_invite_email: accepted")
    expect("send_password_reset_email", api.send_password_reset_email(admin_email))
    print("send_password_reset_email: accepted")

    expect("delete_user", api.delete_user(user_id))
    expect("get_user", api.get_user(user_id), status=404)
    print("delete_user: user deleted")


def main():
    base_url = require_env("AURORA_BASE_URL").rstrip("/")
    email = require_env("AURORA_ADMIN_EMAIL")
    password = require_env("AURORA_ADMIN_PASSWORD")
    secret_out = os.environ.get("AURORA_SECRET_OUT")

    tenant_id, application_id, secret = create_application(
        base_url, email, password, PRIVILEGES
    )
    print(f"tenant {tenant_id}: created application {application_id}")
    if secret_out:
        write_secret(secret_out, secret)

    api = CyAPI(tenant_id, application_id, secret)
    api.baseURL = base_url + "/"
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            api.create_conn()
        exercise(api, email)
    except CheckError:
        print(f"cyapi output:\n{JWT_PATTERN.sub('<auth token>', printed.getvalue())}")
        raise
    print("all cyapi user methods accepted")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckError as failure:
        print(f"FAILED: {failure}")
        sys.exit(1)
    except requests.RequestException as error:
        print(f"FAILED: HTTP request failed: {error}")
        sys.exit(1)
