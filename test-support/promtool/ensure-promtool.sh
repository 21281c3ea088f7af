#!/usr/bin/env bash
# Prints the absolute path of a working `promtool` on stdout (and nothing else there).
# Order: $PROMTOOL if executable, then PATH, then Debian's `prometheus` package via apt-get.
# The package also ships the Prometheus server; a policy-rc.d guard keeps apt from starting
# it, because tests need only the promtool binary and must not leave a daemon listening.
set -euo pipefail

log() { printf 'ensure-promtool: %s\n' "$*" >&2; }

if [[ -n "${PROMTOOL:-}" && -x "${PROMTOOL}" ]]; then
  printf '%s\n' "${PROMTOOL}"
  exit 0
fi
if found="$(command -v promtool)"; then
  printf '%s\n' "${found}"
  exit 0
fi

# Test files run in parallel workers and each may get here first on a fresh machine: one installs,
# the others wait for it and then find promtool.
exec 9>"${TMPDIR:-/tmp}/ensure-promtool.lock"
flock -w 900 9
if found="$(command -v promtool)"; then
  printf '%s\n' "${found}"
  exit 0
fi

if [[ "$(id -u)" != "0" ]]; then
  log "promtool is not installed and installing Debian's prometheus needs root; set PROMTOOL=/path/to/promtool"
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  log "promtool is not installed and apt-get is not available; set PROMTOOL=/path/to/promtool"
  exit 1
fi

policy=/usr/sbin/policy-rc.d
guard_created=false
if [[ ! -e "${policy}" ]]; then
  printf '#!/bin/sh\n# temporary: written by ensure-promtool.sh\nexit 101\n' >"${policy}"
  chmod 0755 "${policy}"
  guard_created=true
fi
remove_guard() { if [[ "${guard_created}" == true ]]; then rm -f "${policy}"; fi; }
trap remove_guard EXIT

log "installing Debian package prometheus (for promtool)"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >&2

found="$(command -v promtool)" || { log "prometheus installed but promtool is not on PATH"; exit 1; }
printf '%s\n' "${found}"
