#!/usr/bin/env python3
"""Create a custom application through the console's HTML forms, then list the
tenant's users with the unmodified cyapi client (PyPI package cyapi 1.0.20).

Environment:
  AURORA_BASE_URL        base URL of the console and the User API,
                         e.g. http://127.0.0.1:8080
  AURORA_ADMIN_EMAIL     e-mail of an Administrator of the tenant
  AURORA_ADMIN_PASSWORD  that Administrator's password
  AURORA_SECRET_OUT      optional: file that receives the new application's
                         secret, so a caller can search logs for it

Exits 0 only if the Administrator's e-mail is among the users cyapi returns.
The secret is never printed.
"""

import contextlib
import html
import io
import os
import re
import sys
from urllib.parse import urlsplit

import requests
from cyapi.cyapi import CyAPI

APPLICATION_NAME = "cyapi compatibility check"
PRIVILEGE = "users:read"
HTTP_TIMEOUT_SECONDS = 30

# cyapi prints each auth token it signs, so failure output masks them.
JWT_PATTERN = re.compile(r"eyJ[\w-]*\.[\w-]+\.[\w-]+")


class CheckError(Exception):
    """Raised when a step fails. The message names the step and what the
    server returned."""


def require_env(name):
    value = os.environ.get(name, "")
    if not value:
        raise CheckError(f"environment variable {name} is missing or empty")
    return value


def hidden_input(page, name, where):
    """Return the value of the hidden input `name` on a page."""
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    if match is None:
        raise CheckError(f'no input name="{name}" with a value on {where}')
    return html.unescape(match.group(1))


def code_text(page, element_id, where):
    """Return the trimmed text of the <code> element with id `element_id`."""
    pattern = rf'<code\b[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</code>'
    match = re.search(pattern, page, re.DOTALL)
    if match is None:
        raise CheckError(f'no <code id="{element_id}"> on {where}')
    return html.unescape(match.group(1)).strip()


def get_page(session, url):
    response = session.get(url, timeout=HTTP_TIMEOUT_SECONDS)
    if response.status_code != 200:
        raise CheckError(
            f"GET {url} returned {response.status_code}, expected 200:\n"
            f"{response.text[:2000]}"
        )
    return response.text


def create_application(base_url, email, password, privileges=(PRIVILEGE,)):
    """Log in, add an application with `privileges` (users:read unless
    given), and return (tenant id, application id, application secret)."""
    session = requests.Session()

    login_page = get_page(session, base_url + "/login")
    response = session.post(
        base_url + "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": hidden_input(login_page, "csrf_token", "/login"),
        },
        allow_redirects=False,
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    location = response.headers.get("Location", "")
    if response.status_code != 303 or urlsplit(location).path != "/dashboard":
        raise CheckError(
            f"POST /login returned {response.status_code} with Location "
            f"{location!r}, expected 303 to /dashboard:\n{response.text[:2000]}"
        )

    integrations_page = get_page(session, base_url + "/settings/integrations")
    tenant_id = code_text(integrations_page, "tenant-id", "/settings/integrations")

    form_page = get_page(session, base_url + "/settings/integrations/new")
    where = "/settings/integrations/new"
    response = session.post(
        base_url + "/settings/integrations",
        data=[("name", APPLICATION_NAME)]
        + [("privileges", privilege) for privilege in privileges]
        + [
            ("form_id", hidden_input(form_page, "form_id", where)),
            ("csrf_token", hidden_input(form_page, "csrf_token", where)),
        ],
        allow_redirects=False,
        timeout=HTTP_TIMEOUT_SECONDS,
    )
    if response.status_code != 200:
        raise CheckError(
            f"POST /settings/integrations returned {response.status_code}, "
            f"expected 200 with the one-time secret dialog:\n{response.text[:2000]}"
        )
    # From here on the page contains the secret, so errors must not quote it.
    where = "the one-time secret dialog"
    application_id = code_text(response.text, "application-id", where)
    secret = code_text(response.text, "application-secret", where)
    return tenant_id, application_id, secret


def write_secret(path, secret):
    """Write the secret to a new file readable only by its owner."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as secret_file:
        secret_file.write(secret)


def list_users(base_url, tenant_id, application_id, secret):
    """Run cyapi's get_users() as the CyAPI class docstring shows, with only
    the base URL changed, and return (response, what cyapi printed)."""
    api = CyAPI(tenant_id, application_id, secret)
    api.baseURL = base_url.rstrip("/") + "/"
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            api.create_conn()
            response = api.get_users()
    except Exception as error:
        raise CheckError(
            f"cyapi raised {type(error).__name__}: {error}\n"
            f"cyapi output:\n{JWT_PATTERN.sub('<auth token>', printed.getvalue())}"
        ) from error
    return response, printed.getvalue()


def main():
    base_url = require_env("AURORA_BASE_URL").rstrip("/")
    email = require_env("AURORA_ADMIN_EMAIL")
    password = require_env("AURORA_ADMIN_PASSWORD")
    secret_out = os.environ.get("AURORA_SECRET_OUT")

    tenant_id, application_id, secret = create_application(base_url, email, password)
    print(f"tenant {tenant_id}: created application {application_id}")
    if secret_out:
        write_secret(secret_out, secret)

    response, printed = list_users(base_url, tenant_id, application_id, secret)
    users = response.data if isinstance(response.data, list) else []
    emails = [user.get("email", "") for user in users if isinstance(user, dict)]
    print(f"cyapi get_users() returned {len(emails)} users: {', '.join(emails)}")

    if email.lower() in (found.lower() for found in emails):
        print(f"found Administrator {email}")
        return 0
    print(
        f"Administrator {email} is not among the users; "
        f"last status {response.status_code}, data {response.data!r}"
    )
    print(f"cyapi output:\n{JWT_PATTERN.sub('<auth token>', printed)}")
    return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckError as failure:
        print(f"FAILED: {failure}")
        sys.exit(1)
    except requests.RequestException as error:
        print(f"FAILED: HTTP request to the console failed: {error}")
        sys.exit(1)
