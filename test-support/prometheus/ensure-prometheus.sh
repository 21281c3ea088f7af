#!/usr/bin/env bash
# Prints the absolute path of a working Prometheus binary on stdout (and nothing else there):
# `ensure-prometheus.sh` for the server, `ensure-prometheus.sh promtool` for promtool.
# Order: $PROMETHEUS (or $PROMTOOL) if executable, then PATH, then Debian's `prometheus` package
# (which ships both) via apt-get. A policy-rc.d guard keeps apt from starting the packaged daemon:
# tests start their own server on a free loopback port and must not leave one listening.
set -euo pipefail

binary="${1:-prometheus}"
case "${binary}" in
  prometheus) override="${PROMETHEUS:-}" ;;
  promtool) override="${PROMTOOL:-}" ;;
  *) printf 'ensure-prometheus: unknown binary %s (prometheus or promtool)\n' "${binary}" >&2; exit 2 ;;
esac
override_name="$(printf '%s' "${binary}" | tr '[:lower:]' '[:upper:]')"

log() { printf 'ensure-prometheus: %s\n' "$*" >&2; }

if [[ -n "${override}" && -x "${override}" ]]; then
  printf '%s\n' "${override}"
  exit 0
fi
if found="$(command -v "${binary}")"; then
  printf '%s\n' "${found}"
  exit 0
fi

# Test files run in parallel workers and each may get here first on a fresh machine: one installs,
# the others wait for it and then find the binary.
exec 9>"${TMPDIR:-/tmp}/ensure-prometheus.lock"
flock -w 900 9
if found="$(command -v "${binary}")"; then
  printf '%s\n' "${found}"
  exit 0
fi

# Exit 3: missing and not installable here; the TypeScript callers turn it into one line naming
# the install commands (test-support/system-tools).
if [[ "$(id -u)" != "0" ]]; then
  log "${binary} is not installed and installing Debian's prometheus needs root; set ${override_name}=/path/to/${binary}"
  exit 3
fi
if ! command -v apt-get >/dev/null; then
  log "${binary} is not installed and apt-get is not available (macOS: brew install prometheus); set ${override_name}=/path/to/${binary}"
  exit 3
fi

policy=/usr/sbin/policy-rc.d
guard_created=false
if [[ ! -e "${policy}" ]]; then
  printf '#!/bin/sh\n# temporary: written by ensure-prometheus.sh\nexit 101\n' >"${policy}"
  chmod 0755 "${policy}"
  guard_created=true
fi
remove_guard() { if [[ "${guard_created}" == true ]]; then rm -f "${policy}"; fi; }
trap remove_guard EXIT

log "installing Debian package prometheus (for ${binary})"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >&2

found="$(command -v "${binary}")" || { log "prometheus installed but ${binary} is not on PATH"; exit 1; }
printf '%s\n' "${found}"
