#!/usr/bin/env python3
"""Drive devices, zones and policies with the unmodified cyapi client (PyPI
package cyapi 1.0.20). The script reads the seeded fleet, creates and
updates a policy and a zone, and moves a device into the zone. It then
quarantines a threat on a device, deletes what it created and requests a
device deletion.

Environment: the same variables as cyapi_users.py. The tenant must already
hold generated devices (the `seed` command).

Exits 0 only if every call returns the status cyapi's callers expect. The
secret is never printed.
"""

import contextlib
import io
import os
import sys

import requests
from cyapi.cyapi import CyAPI

from cyapi_users import JWT_PATTERN, CheckError, create_application, require_env, write_secret

PRIVILEGES = (
    "devices:read",
    "devices:modify",
    "devices:delete",
    "zones:read",
    "zones:write",
    "zones:modify",
    "zones:delete",
    "policies:read",
    "policies:write",
    "policies:modify",
    "policies:delete",
    "threats:modify",
)
# Devices searched for one with a threat; seeded fleets have many.
THREAT_SEARCH_LIMIT = 50


class Checker:
    """Runs cyapi calls with its output captured, checking each status."""

    def __init__(self, api):
        self.api = api
        self.printed = io.StringIO()

    def call(self, label, expected_status, method, *args):
        try:
            with contextlib.redirect_stdout(self.printed):
                response = method(*args)
        except Exception as error:
            raise CheckError(f"{label}: cyapi raised {type(error).__name__}: {error}") from error
        if response.status_code != expected_status:
            raise CheckError(
                f"{label}: status {response.status_code}, expected {expected_status}; "
                f"data {response.data!r}, errors {response.errors!r}"
            )
        print(f"{label}: {response.status_code}")
        return response.data

    def output(self):
        return JWT_PATTERN.sub("<auth token>", self.printed.getvalue())


def expect(condition, message):
    if not condition:
        raise CheckError(message)


def exercise(check):
    api = check.api
    # Pages of 7 make cyapi fetch the fleet as many pages, in shuffled order
    # on 20 threads; every device must arrive exactly once.
    devices = check.call("get_devices", 200, lambda: api.get_devices(limit=7))
    expect(isinstance(devices, list) and devices, f"get_devices returned {devices!r}")
    total = api.s.get(api.baseURL + "devices/v2?page_size=1").json()["total_number_of_items"]
    ids = [found["id"] for found in devices]
    expect(
        len(ids) == total and len(set(ids)) == total,
        f"get_devices returned {len(ids)} devices ({len(set(ids))} distinct), expected {total}",
    )
    print(f"get_devices: {total} devices over {-(-total // 7)} pages, each once")
    device = devices[0]
    detail = check.call("get_device", 200, api.get_device, device["id"])
    expect(detail.get("id") == device["id"], f"get_device returned {detail!r}")
    by_mac = check.call("get_device_by_mac", 200, api.get_device_by_mac, device["mac_addresses"][0])
    expect(any(found["id"] == device["id"] for found in by_mac), "MAC lookup missed the device")

    zones = check.call("get_zones", 200, api.get_zones)
    expect(zones, "the seeded tenant has no zones")
    check.call("get_zone", 200, api.get_zone, zones[0]["id"])
    check.call("get_zone_devices", 200, api.get_zone_devices, zones[0]["id"])
    policies = check.call("get_policies", 200, api.get_policies)
    expect(policies, "the seeded tenant has no policies")
    check.call("get_policy", 200, api.get_policy, policies[0]["id"])

    extended = check.call("get_devices_extended", 200, lambda: api.get_devices_extended(limit=7))
    expect(
        sorted(d["id"] for d in extended) == sorted(ids),
        f"get_devices_extended returned {len(extended)} devices, expected the same {total}",
    )
    some_ids = ids[:3]
    bulk = check.call("get_bulk_device", 200, api.get_bulk_device, some_ids)
    expect(sorted(d["id"] for d in bulk) == sorted(some_ids), f"get_bulk_device returned {bulk!r}")
    bulk = check.call("get_bulk_zone", 200, api.get_bulk_zone, [z["id"] for z in zones[:2]])
    expect(len(bulk) == min(2, len(zones)), f"get_bulk_zone returned {bulk!r}")
    bulk = check.call("get_bulk_policy", 200, api.get_bulk_policy, [p["id"] for p in policies[:2]])
    expect(len(bulk) == min(2, len(policies)), f"get_bulk_policy returned {bulk!r}")
    spare = [
        check.call("create_device_policy", 201, api.create_device_policy, f"cyapi spare {n}")["policy_id"]
        for n in (1, 2)
    ]
    check.call("delete_policies", 200, api.delete_policies, spare)
    for spare_id in spare:
        gone = api.get_policy(spare_id)
        expect(gone.status_code == 404, f"policy {spare_id} still answers {gone.status_code}")

    created = check.call("create_device_policy", 201, api.create_device_policy, "cyapi policy")
    policy_id = created["policy_id"]
    policy = check.call("get_policy (new)", 200, api.get_policy, policy_id)
    policy = api.set_memdef(True, policy, "Block")
    check.call("update_policy", 204, api.update_policy, policy)
    updated = check.call("get_policy (updated)", 200, api.get_policy, policy_id)
    actions = {item["action"] for item in updated["memoryviolation_actions"]["memory_violations"]}
    expect(actions == {"Block"}, f"memory violation actions after update: {actions}")

    zone = check.call("create_zone", 200, api.create_zone, "cyapi zone", updated)
    check.call("update_zone", 200, api.update_zone, zone["id"], "cyapi zone", policy_id, "High")
    change = {"name": device["name"], "policy_id": policy_id, "add_zone_ids": [zone["id"]]}
    check.call("update_device", 200, api.update_device, device["id"], change)
    member_of = check.call("get_device_zones", 200, api.get_device_zones, device["id"])
    expect(any(z["id"] == zone["id"] for z in member_of), "the device is not in the new zone")

    for candidate in devices[:THREAT_SEARCH_LIMIT]:
        found = check.call("get_device_threats", 200, api.get_device_threats, candidate["id"])
        if found:
            sha256 = found[0]["sha256"]
            check.call("update_device_threat", 200, api.update_device_threat, candidate["id"], "Quarantine", sha256)
            break
    else:
        raise CheckError(f"none of the first {THREAT_SEARCH_LIMIT} devices has a threat")

    check.call("delete_zone", 200, api.delete_zone, zone["id"])
    check.call("delete_policy", 200, api.delete_policy, policy_id)
    deleted = check.call("delete_devices", 200, api.delete_devices, [devices[-1]["id"]])
    expect("request_id" in deleted, f"delete_devices returned {deleted!r}")


def main():
    base_url = require_env("AURORA_BASE_URL").rstrip("/")
    email = require_env("AURORA_ADMIN_EMAIL")
    password = require_env("AURORA_ADMIN_PASSWORD")
    secret_out = os.environ.get("AURORA_SECRET_OUT")

    tenant_id, application_id, secret = create_application(
        base_url, email, password, privileges=PRIVILEGES
    )
    print(f"tenant {tenant_id}: created application {application_id}")
    if secret_out:
        write_secret(secret_out, secret)

    api = CyAPI(tenant_id, application_id, secret)
    api.baseURL = base_url + "/"
    check = Checker(api)
    try:
        with contextlib.redirect_stdout(check.printed):
            api.create_conn()
        exercise(check)
    except CheckError:
        print(f"cyapi output:\n{check.output()}")
        raise
    print("all resource calls succeeded")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckError as failure:
        print(f"FAILED: {failure}")
        sys.exit(1)
    except requests.RequestException as error:
        print(f"FAILED: HTTP request to the console failed: {error}")
        sys.exit(1)
