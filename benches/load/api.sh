#!/usr/bin/env bash
# Load test of the User API on loopback with wrk: token exchanges with
# pre-signed auth tokens, then GET /users/v2 with one access token.
# Needs wrk (Debian package), the cyapi Python package (which brings PyJWT)
# and a release build: cargo build --release && benches/load/api.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=${BINARY:-target/release/aurora-console}
port=${PORT:-18443}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
threads=2
base_url="http://127.0.0.1:$port"
work_dir=$(mktemp -d)
password="load-test-password-$RANDOM$RANDOM"

# The limits exist for production; here they would measure themselves.
export AURORA_LIMIT_EXCHANGES_PER_APPLICATION=100000000
export AURORA_LIMIT_EXCHANGES_PER_ADDRESS=100000000
export AURORA_LIMIT_REQUESTS_PER_TOKEN=100000000
export RUST_LOG=warn

tenant=$("$binary" --data-dir "$work_dir/data" tenant create --name "Load test")
printf '%s' "$password" | "$binary" --data-dir "$work_dir/data" user create \
  --tenant "$tenant" --email admin@load.test --role administrator --password-stdin >/dev/null
"$binary" --data-dir "$work_dir/data" serve --bind "127.0.0.1:$port" 2>"$work_dir/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work_dir"' EXIT
for _ in $(seq 50); do
  curl -fs "$base_url/readyz" >/dev/null && break
  sleep 0.2
done

printf '%s' "$password" | python3 benches/load/provision.py "$base_url" admin@load.test "$work_dir" 200000

echo "== POST /auth/v2/token ($connections connections, $duration)"
AUTH_TOKENS="$work_dir/auth_tokens" WRK_THREADS=$threads wrk -t"$threads" -c"$connections" \
  -d"$duration" -s benches/load/exchange.lua "$base_url/auth/v2/token"

echo "== GET /users/v2 ($connections connections, $duration)"
wrk -t"$threads" -c"$connections" -d"$duration" \
  -H "Authorization: Bearer $(cat "$work_dir/access_token")" "$base_url/users/v2"
