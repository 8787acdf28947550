#!/usr/bin/env python3
"""Create a custom application with the Global Lists, Threats and Memory
Protection privileges through the console's HTML forms. Then call, against a
tenant filled by the `seed` command, every method of the unmodified cyapi
client (PyPI package cyapi 1.0.20) that reads the global lists, threats or
memory-protection events, or changes the global lists.

Environment: the same as cyapi_users.py, whose helpers this script uses.

Exits 0 only if every step succeeds, printing one line per step. Each
failure names the cyapi method, the status and the server's message. The
secret is never printed.
"""

import contextlib
import io
import os
import re
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

PRIVILEGES = (
    "globallists:read",
    "globallists:write",
    "globallists:delete",
    "threats:read",
    "memoryprotection:read",
)
# A fixed hash, so no entry of the seeded tenant has it.
NEW_HASH = "3C1D6BD1A2F4E0B7C8D9E0F1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5"
API_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ALREADY_LISTED = "There's already an entry for this threat"
NOT_LISTED = "There's no entry for this threat"


def expect(method, response, status=200):
    """Raise unless the cyapi response has `status`; return its data."""
    if response.status_code != status:
        raise CheckError(
            f"cyapi {method} returned {response.status_code}, expected {status}: "
            f"{response.errors or response.data!r}"
        )
    return response.data


def expect_message(method, response, status, phrase):
    """Raise unless the response is an error with `status` whose JSON
    message contains `phrase`."""
    expect(method, response, status)
    message = (response.errors or {}).get("message", "")
    if phrase not in message:
        raise CheckError(f"cyapi {method} message {message!r} lacks {phrase!r}")


def check(method, condition, detail):
    if not condition:
        raise CheckError(f"cyapi {method}: {detail}")


def total_of(api, path):
    """Read total_number_of_items of `path` with cyapi's own session, so the
    lists cyapi assembled from shuffled pages can be checked for gaps."""
    response = api.s.get(api.baseURL + path)
    if response.status_code != 200:
        raise CheckError(f"GET {path} returned {response.status_code}: {response.text[:500]}")
    return response.json()["total_number_of_items"]


def exercise_global_lists(api):
    for name, type_id in (("quarantine", 0), ("safe", 1)):
        method = f"get_global_list({name!r})"
        entries = expect(method, api.get_global_list(name))
        total = total_of(api, f"globallists/v2?listTypeId={type_id}&page_size=1")
        check(method, len(entries) == total, f"{len(entries)} entries, total {total}")
        check(method, total > 0, "the seeded list is empty")
        hashes = [entry["sha256"] for entry in entries]
        check(method, all(h == h.upper() for h in hashes), "a hash is not upper-case")
        check(method, len(set(hashes)) == len(hashes), "an entry came twice")
        print(f"{method}: {total} entries")

    method = "add_to_global_list('quarantine')"
    expect(method, api.add_to_global_list("quarantine", "cyapi check", NEW_HASH.lower()))
    again = api.add_to_global_list("quarantine", "cyapi check", NEW_HASH)
    expect_message(method, again, 409, ALREADY_LISTED)
    listed = expect("get_global_list('quarantine')", api.get_global_list("quarantine"))
    added = [entry for entry in listed if entry["sha256"] == NEW_HASH]
    check(method, len(added) == 1, f"{NEW_HASH} is listed {len(added)} times")
    check(method, added[0]["reason"] == "cyapi check", f"reason {added[0]['reason']!r}")
    print(f"{method}: added, then 409 on the duplicate")

    method = "add_to_global_list('safe')"
    added = api.add_to_global_list(
        "safe", "cyapi check", NEW_HASH, category="internalApplication"
    )
    expect(method, added)
    listed = expect("get_global_list('safe')", api.get_global_list("safe"))
    categories = [entry["category"] for entry in listed if entry["sha256"] == NEW_HASH]
    check(method, categories == ["InternalApplication"], f"categories {categories!r}")
    print(f"{method}: added as InternalApplication")

    for name in ("quarantine", "safe"):
        method = f"delete_from_global_list({name!r})"
        expect(method, api.delete_from_global_list(name, NEW_HASH))
        again = api.delete_from_global_list(name, NEW_HASH)
        expect_message(method, again, 404, NOT_LISTED)
        print(f"{method}: removed, then 404 on the repeat")


def exercise_threats(api):
    method = "get_threats()"
    threats = expect(method, api.get_threats())
    total = total_of(api, "threats/v2?page_size=1")
    check(method, len(threats) == total and total > 0, f"{len(threats)} threats, total {total}")
    for threat in threats:
        check(method, API_TIMESTAMP.match(threat["last_found"]), f"last_found {threat['last_found']!r}")
        check(method, threat["sha256"] == threat["sha256"].upper(), "a hash is not upper-case")
    print(f"{method}: {total} threats")

    newest = max(threats, key=lambda threat: (threat["last_found"], threat["sha256"]))
    cutoff = sorted(threat["last_found"] for threat in threats)[len(threats) // 2]
    expected = sorted(t["sha256"] for t in threats if t["last_found"] >= cutoff)
    for start_time in (cutoff, cutoff + ".000Z", cutoff + ".000000Z"):
        method = f"get_threats(start_time={start_time!r})"
        window = expect(method, api.get_threats(start_time=start_time))
        found = sorted(threat["sha256"] for threat in window)
        check(method, found == expected, f"{len(found)} threats, expected {len(expected)}")
        print(f"{method}: {len(found)} threats")
    method = "get_threats(start_time, end_time)"
    window = expect(
        method,
        api.get_threats(start_time=newest["last_found"], end_time=newest["last_found"] + "Z"),
    )
    check(method, newest["sha256"] in [t["sha256"] for t in window], "the newest threat is missing")
    print(f"{method}: {len(window)} threats found at {newest['last_found']}")

    # Threats found on a device carry the time of their newest finding, so
    # the most recent of those is the one to follow to its devices.
    by_recency = sorted(threats, key=lambda t: (t["last_found"], t["sha256"]), reverse=True)
    followed = next(
        threat
        for threat in by_recency
        if total_of(api, f"threats/v2/{threat['sha256']}/devices?page_size=1") > 0
    )
    sha256 = followed["sha256"]
    method = "get_threat()"
    detail = expect(method, api.get_threat(sha256.lower()))
    check(method, detail.get("sha256") == sha256, f"sha256 {detail.get('sha256')!r}")
    check(method, detail.get("md5") == followed["md5"], "md5 differs from the listing")
    check(method, API_TIMESTAMP.match(detail.get("cert_timestamp", "")), "cert_timestamp")
    print(f"{method}: {sha256}")

    method = "get_threat_devices()"
    devices = expect(method, api.get_threat_devices(sha256))
    total = total_of(api, f"threats/v2/{sha256}/devices?page_size=1")
    check(method, len(devices) == total and total > 0, f"{len(devices)} devices, total {total}")
    newest_found = max(device["date_found"] for device in devices)
    check(method, newest_found == followed["last_found"], f"newest date_found {newest_found}")
    print(f"{method}: {total} places")

    method = "get_threat_download_url()"
    response = api.get_threat_download_url(sha256)
    expect_message(method, response, 404, "No file sample is stored")
    print(f"{method}: 404, no sample stored")


def exercise_memory_protection(api):
    method = "get_memory_protection_events()"
    events = expect(method, api.get_memory_protection_events())
    total = total_of(api, "memoryprotection/v2?page_size=1")
    check(method, len(events) == total and total > 0, f"{len(events)} events, total {total}")
    for event in events:
        for field in ("action", "violation_type", "process_id"):
            check(method, isinstance(event[field], int), f"{field} {event[field]!r}")
        check(method, API_TIMESTAMP.match(event["created"]), f"created {event['created']!r}")
    print(f"{method}: {total} events")

    cutoff = sorted(event["created"] for event in events)[len(events) // 2]
    expected = sorted(e["device_image_file_event_id"] for e in events if e["created"] >= cutoff)
    method = f"get_memory_protection_events(start_time={cutoff + '.000Z'!r})"
    window = expect(method, api.get_memory_protection_events(start_time=cutoff + ".000Z"))
    found = sorted(event["device_image_file_event_id"] for event in window)
    check(method, found == expected, f"{len(found)} events, expected {len(expected)}")
    print(f"{method}: {len(found)} events")

    event = events[0]
    method = "get_memory_protection_event()"
    detail = expect(method, api.get_memory_protection_event(event["device_image_file_event_id"]))
    check(method, detail == event, f"{detail!r} differs from the listed {event!r}")
    print(f"{method}: {event['device_image_file_event_id']}")


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
        exercise_global_lists(api)
        exercise_threats(api)
        exercise_memory_protection(api)
    except CheckError:
        print(f"cyapi output:\n{JWT_PATTERN.sub('<auth token>', printed.getvalue())}")
        raise
    print("all cyapi threat, global-list and memory-protection methods accepted")
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
