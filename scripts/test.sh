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

# Servers of other versions come from $RKM_REDIS_BIN_DIR, then ../shared/redis-bin, then the
# official images where a Docker engine answers; the RDB corpus from ../shared/rdb-corpus. A test
# whose server or corpus is found nowhere is skipped (a failure under CI=true), and the run ends
# with one line per thing not tested (each test JVM appends to <module>/target/not-tested.tsv).
if [ -z "${RKM_REDIS_BIN_DIR:-}" ] && [ ! -d ../shared/redis-bin ]; then
  echo "test.sh: no RKM_REDIS_BIN_DIR and no ../shared/redis-bin: servers other than Debian's" \
    "come from Docker if it answers, else their tests are skipped (fail with CI=true)" >&2
fi
if [ ! -d ../shared/rdb-corpus ]; then
  echo "test.sh: no ../shared/rdb-corpus: its tests are skipped (fail with CI=true)" >&2
fi

summary() {
  local files=()
  for f in app/target/not-tested.tsv rdb-parser-tests/target/not-tested.tsv; do
    if [ -f "$f" ]; then files+=("$f"); fi
  done
  if [ ${#files[@]} -eq 0 ]; then
    if [ "$status" -eq 0 ]; then echo "test.sh: every server version and the RDB corpus were found"; fi
    return
  fi
  echo "test.sh: not tested on this machine (one line each; skipped tests count test classes too):"
  awk -F'\t' '
    { n[$1 "\t" $2] += $3; how[$1] = $4; seen[$1] = 1 }
    END {
      for (w in seen) {
        s = n[w "\tskipped"] + 0; f = n[w "\tfailed"] + 0
        out = "  " w ": "
        if (f > 0) out = out "MISSING with CI=true, " f " failed"
        if (f > 0 && s > 0) out = out ", "
        if (s > 0) out = out s " skipped"
        print out "; to test it: " how[w]
      }
    }' "${files[@]}" | sort
}

rm -f app/target/not-tested.tsv rdb-parser-tests/target/not-tested.tsv
# Debian starts a redis-server service on 6379 after install on some machines; the tests do not
# use it (they start their own on free ports), so it is left alone.
status=0
mvn -B verify "$@" || status=$?
summary
exit "$status"
