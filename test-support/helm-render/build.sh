#!/usr/bin/env bash
# Builds the helm-render test tool from Debian's Go toolchain and library sources (offline,
# GOPATH mode) and prints the binary's path. Installs the Debian packages when they are missing.
# Safe to call from parallel test workers: builds are serialised and skipped when up to date.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out_dir="$repo/.tmp/helm-render"
bin="$out_dir/helm-render"
gopath=/usr/share/gocode
packages=(golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)

mkdir -p "$out_dir"
exec 9>"$out_dir/build.lock"
flock -w 600 9 || { echo "helm-render: timed out waiting for another build" >&2; exit 1; }

up_to_date() {
  [[ -x "$bin" ]] || return 1
  [[ -z "$(find "$here" -name '*.go' -newer "$bin" -print -quit)" ]]
}

install_toolchain() {
  if command -v go >/dev/null && [[ -d "$gopath/src/github.com/Masterminds/sprig" && -d "$gopath/src/sigs.k8s.io/yaml" ]]; then
    return 0
  fi
  # Exit 3: missing and not installable here; index.ts turns it into one line naming the packages.
  if ! command -v apt-get >/dev/null; then
    echo "helm-render: needs Go and the Debian packages ${packages[*]} (apt-get not found)" >&2
    exit 3
  fi
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "helm-render: installing ${packages[*]} needs root or sudo" >&2; exit 3; }
    sudo=(sudo)
  fi
  echo "helm-render: installing ${packages[*]}" >&2
  # Another process may hold the dpkg lock (parallel CI steps): wait for it instead of failing.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${packages[@]}" >&2
}

if ! up_to_date; then
  install_toolchain
  # Without modules the sprig import resolves to Debian's source tree (hence no "/v3" suffix).
  (cd "$here" && GO111MODULE=off GOPATH="$gopath" GOCACHE="$repo/.tmp/go-cache" GOFLAGS= \
    go build -o "$bin.partial" . && mv -f "$bin.partial" "$bin")
fi
echo "$bin"
