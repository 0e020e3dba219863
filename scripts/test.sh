#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run): installs what the tests need, then
# runs every unit test (*Test), integration test against real redis-server processes (*IT),
# the enforcer rules and the formatting check.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $sudo apt-get update -q; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "test.sh: installing redis-server (Debian) for the integration tests" >&2
  apt_install redis-server redis-tools
fi

# rdb-parser-tests describes destinations with the corpus' own dump scripts, which need Debian's
# python3 with the redis module (a python3 earlier on PATH, e.g. pyenv's, may lack it).
if ! /usr/bin/python3 -c 'import redis' >/dev/null 2>&1; then
  echo "test.sh: installing python3-redis for the RDB corpus conformance tests" >&2
  apt_install python3 python3-redis
fi

if ! command -v openssl >/dev/null 2>&1; then
  # The TLS tests make their certificates with openssl.
  echo "test.sh: installing openssl for the TLS tests" >&2
  apt_install openssl
fi

if ! command -v man >/dev/null 2>&1; then
  # ReleaseArchiveIT reads the release archive's man pages with man -l (man-db and groff-base,
  # about 2.3 MB); without it that test only parses their headers.
  echo "test.sh: installing man-db for the release archive's man page test" >&2
  apt_install man-db
fi

if [ ! -d ../shared/redis-bin ]; then
  echo "test.sh: ../shared (prebuilt servers and the RDB corpus) must sit beside this checkout" >&2
  exit 2
fi

# Debian starts a redis-server service on 6379 after install on some machines; the tests do not
# use it (they start their own on free ports), so it is left alone.
exec mvn -B verify "$@"
