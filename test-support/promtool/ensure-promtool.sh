#!/usr/bin/env bash
# Prints the absolute path of a working `promtool` on stdout; see ensure-prometheus.sh
# (Debian's `prometheus` package ships both, so one script installs them).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../prometheus/ensure-prometheus.sh" promtool
