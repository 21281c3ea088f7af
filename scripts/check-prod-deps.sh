#!/usr/bin/env bash
# Production-dependency check: what the Dockerfile does, without Docker.
#
# For each service, copies the files its image holds (the .dockerignore allow-list, its own
# sources) into a clean directory, installs them with the Dockerfile's
# `npm ci --omit=dev --workspace services/<service>` and pruning, then, with Node 24 and nothing else:
#   1. imports every shipped module (lazily loaded adapters included), and
#   2. starts each service with the image's command line and checks GET /healthz answers 200
#      and that SIGTERM ends it cleanly.
# A dev dependency used at run time is not installed there, so either step fails on it.
#
# Usage: scripts/check-prod-deps.sh            (from anywhere inside the repository)
# Env:   KEEP_CHECK_DIR=1 keeps the temporary copy for inspection.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
services=(session signaling ice)
start_timeout_s=30
stop_timeout_s=20

node24="$(readlink -f "$repo/node_modules/.bin/node" 2>/dev/null || true)"
if [[ ! -x "$node24" ]] || [[ "$("$node24" -p 'process.versions.node.split(".")[0]')" != 24 ]]; then
  echo "check-prod-deps: Node 24 not found at node_modules/.bin/node; run npm ci first" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/signal-prod-deps.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ "${KEEP_CHECK_DIR:-}" == 1 ]]; then echo "check-prod-deps: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Node looks for packages in every parent's node_modules: a stray one would hide a missing dependency.
dir="$work"
while [[ "$dir" != / ]]; do
  dir="$(dirname "$dir")"
  if [[ -e "$dir/node_modules" ]]; then
    echo "check-prod-deps: $dir/node_modules would leak packages into the check; set TMPDIR elsewhere" >&2
    exit 1
  fi
done

# The services run with only Node 24 on PATH and nothing from the caller's environment. npm keeps
# the caller's environment (registry, proxy, CA certificates, cache), which is the machine's.
mkdir -p "$work/bin"
ln -s "$node24" "$work/bin/node"
npm_cli="$(command -v npm)"
clean_env=(env -i "PATH=$work/bin:/usr/bin:/bin" "HOME=$work" "TMPDIR=$work" "NODE_ENV=production")
npm_env=(env -u NODE_PATH -u NODE_OPTIONS "PATH=$work/bin:$PATH")

# One copy per image: the manifests npm ci needs, libs and the service's own sources.
prepare_image() {
  local service="$1" app="$work/$1"
  echo "check-prod-deps: $service: copying the image's files into $app"
  mkdir -p "$app"
  # Tracked and new (not ignored) files, filtered like .dockerignore and the service's stages.
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard -- \
      package.json package-lock.json .npmrc libs "services/$service" 'services/*/package.json' \
      ':(exclude,glob)**/node_modules/**' ':(exclude,glob)**/test/**' ':(exclude,glob)**/*.test.ts' \
      ':(exclude,glob)**/tsconfig.json' \
    | while IFS= read -r -d '' f; do [[ -f "$f" ]] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$app"

  echo "check-prod-deps: $service: npm ci --omit=dev --workspace services/$service, pruned as in the image"
  (cd "$app" && "${npm_env[@]}" "$work/bin/node" "$npm_cli" ci --omit=dev --ignore-scripts --no-audit --no-fund \
    --prefer-offline --loglevel=error --workspace "services/$service")
  find "$app/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) -delete

  # The check proves nothing if dev dependencies are reachable anyway.
  if (cd "$app" && "${clean_env[@]}" node --input-type=module -e "await import('jest')" 2>/dev/null); then
    echo "check-prod-deps: the dev dependency jest resolves in the production copy; the check is void" >&2
    exit 1
  fi

  echo "check-prod-deps: $service: importing every shipped module"
  (cd "$app" && "${clean_env[@]}" node --disable-warning=ExperimentalWarning --input-type=module -e '
    import { readdirSync } from "node:fs";
    import { join, resolve } from "node:path";
    import { pathToFileURL } from "node:url";
    // Entry points start servers and the preload starts tracing: they run in the start-up check below.
    const entry = (f) => /\/src\/main\.ts$/.test(f) || f.endsWith("tracing-preload.ts");
    const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.name === "node_modules" ? [] : e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".ts") ? [join(d, e.name)] : []);
    const files = ["libs", "services"].flatMap(walk).filter((f) => f.includes("/src/") && !entry(f));
    let failed = 0;
    for (const file of files) {
      try { await import(pathToFileURL(resolve(file)).href); }
      catch (error) { failed++; console.error(`  ${file}: ${error.message.split("\n")[0]}`); }
    }
    console.log(`  ${files.length - failed}/${files.length} modules load`);
    process.exit(failed === 0 ? 0 : 1);
  ')
}

check_service() {
  local service="$1" log="$work/$1.log"
  # The image's command line (Dockerfile ENTRYPOINT + CMD), with tracing on so the preload loads
  # the OpenTelemetry SDK too. Nothing listens on port 9: no span is exported (probes are untraced).
  (cd "$work/$service" && exec "${clean_env[@]}" PORT=0 HOST=127.0.0.1 LOG_LEVEL=info \
    AUTH_JWT_SECRET=prod-deps-check-secret-of-32-bytes-or-more \
    AUTH_JWT_ISSUER=https://issuer.prod-deps-check.invalid/ AUTH_JWT_AUDIENCE=api://prod-deps-check \
    TURN_URLS=turn:127.0.0.1:3478 TURN_SECRET=prod-deps-check-secret-of-32-characters \
    OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 \
    node --disable-warning=ExperimentalWarning --import ./libs/common/src/observability/tracing-preload.ts \
    "services/$service/src/main.ts") >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local port="" deadline=$((SECONDS + start_timeout_s))
  while [[ -z "$port" ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "check-prod-deps: $service exited during start-up:" >&2; cat "$log" >&2; return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "check-prod-deps: $service did not listen within ${start_timeout_s}s:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.2
    port="$(grep -o '"msg":"listening"' "$log" >/dev/null && grep -o '"port":[0-9]*' "$log" | head -1 | cut -d: -f2 || true)"
  done
  local status
  status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz" || true)"
  if [[ "$status" != 200 ]]; then
    echo "check-prod-deps: $service GET /healthz answered ${status:-nothing}:" >&2; cat "$log" >&2; return 1
  fi
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= stop_timeout_s * 5)); then
      echo "check-prod-deps: $service still running ${stop_timeout_s}s after SIGTERM" >&2; return 1
    fi
    sleep 0.2; waited=$((waited + 1))
  done
  local code=0
  wait "$pid" || code=$?
  if [[ "$code" != 0 ]]; then
    echo "check-prod-deps: $service exited with $code after SIGTERM:" >&2; cat "$log" >&2; return 1
  fi
  echo "  $service: /healthz 200 on port $port, clean exit on SIGTERM"
}

echo "check-prod-deps: each image's files, production dependencies only, then the service started"
for service in "${services[@]}"; do prepare_image "$service"; check_service "$service"; done
echo "check-prod-deps: OK"
