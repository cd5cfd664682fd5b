#!/usr/bin/env bash
# The live contract suites (vitest.live.config.ts): the Prometheus emulator against a real Prometheus. Installs
# Debian's `prometheus` package when it is missing and apt-get can (as root); otherwise fails saying what to install.
# Nothing is skipped: a suite that cannot start fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${PROMETHEUS_BIN:-/usr/bin/prometheus}"
if [[ ! -x "$bin" ]]; then
  if [[ -z "${PROMETHEUS_BIN:-}" ]] && command -v apt-get >/dev/null && [[ "$(id -u)" == 0 ]]; then
    echo "== installing Prometheus (Debian package prometheus) for the live contract suite"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends prometheus >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends prometheus >/dev/null; }
  fi
  if [[ ! -x "$bin" ]]; then
    echo "test:live needs a Prometheus server binary at $bin: install it with \`apt-get install -y prometheus\` (Debian/Ubuntu), or set PROMETHEUS_BIN to one" >&2
    exit 1
  fi
fi
echo "== $("$bin" --version 2>&1 | head -1)"
exec npx vitest run --config vitest.live.config.ts "$@"
