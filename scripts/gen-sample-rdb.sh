#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Regenerates scripts/sample/sample.rdb, the small demo file used by demo.sh
# and the README: a few hundred keys of every type in db 0, 1 and 2, written
# by scripts/sample_data.py from a fixed seed into a throwaway redis-server,
# then saved with SAVE.
#
# Usage: scripts/gen-sample-rdb.sh [OUTPUT.rdb]   (default scripts/sample/sample.rdb)
# Needs redis-server 7.x and Debian's python3-redis; installs them with apt if
# missing.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=redis-lib.sh
source "${SCRIPT_DIR}/redis-lib.sh"

OUT=${1:-${SCRIPT_DIR}/sample/sample.rdb}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rkm-sample.XXXXXX")
# Called by the EXIT trap, which shellcheck does not follow.
# shellcheck disable=SC2317
cleanup() {
  rkm_stop_all_redis
  rm -rf "${WORK}"
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

rkm_require redis-server python-redis

rkm_start_redis "${WORK}"
PORT=${RKM_REDIS_PORT}
rkm_log "redis-server $(redis-server --version | awk '{print $3}') (pid ${RKM_REDIS_PID}) on ${RKM_REDIS_HOST}:${PORT}"

"${RKM_PY}" "${SCRIPT_DIR}/sample_data.py" fill --port "${PORT}"
SUMMARY=$("${RKM_PY}" "${SCRIPT_DIR}/sample_data.py" summary --port "${PORT}")

# SAVE is synchronous: dump.rdb is complete when it answers OK.
[[ $(rkm_cli "${PORT}" SAVE) == OK ]] || rkm_die "SAVE failed on port ${PORT}"
rkm_stop_redis "${RKM_REDIS_PID}"

mkdir -p "$(dirname "${OUT}")"
# Copy to a temp name first so an interrupted run never leaves half a file.
cp "${WORK}/dump.rdb" "${OUT}.tmp.$$"
mv -f "${OUT}.tmp.$$" "${OUT}"

echo "wrote ${OUT} ($(wc -c <"${OUT}") bytes): ${SUMMARY}"
