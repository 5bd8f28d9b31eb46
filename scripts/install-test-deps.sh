#!/usr/bin/env bash
# Installs the real peers the tests run against (Debian packages). Idempotent; needs root
# (or sudo) and Debian's package repositories.
set -euo pipefail
pkgs=(prometheus prometheus-node-exporter prometheus-blackbox-exporter prometheus-alertmanager victoria-metrics dnsmasq-base)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The Debian packages start their daemons on install where an init system runs; tests start
# their own instances on other ports, so stop those to free CPU.
for svc in prometheus prometheus-node-exporter prometheus-blackbox-exporter prometheus-alertmanager victoria-metrics; do
  pkill -x "$svc" 2>/dev/null || true
done
true
