#!/usr/bin/env bash
# ansible-test's shellcheck sanity test needs the shellcheck program; Debian packages it.
set -uo pipefail
command -v shellcheck >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing shellcheck (Debian package) for ansible-test sanity"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1; }
fi
command -v shellcheck >/dev/null || echo "shellcheck is not installed: ansible-test will skip its shellcheck test" >&2
exit 0
