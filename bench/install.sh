#!/usr/bin/env bash
# Installs what `npm run bench` needs beyond the workspace: nginx (Debian's nginx-light) and wrk from apt,
# and bench/'s own npm dependencies (the Portkey gateway, pinned with its lockfile).
# Idempotent; run as root (CI and the dev machines are) or with sudo available. Usage: bash bench/install.sh
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v taskset >/dev/null || missing+=(util-linux)
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

npm ci --no-audit --no-fund --ignore-scripts
