#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# End-to-end demo from a fresh clone: migrates scripts/sample/sample.rdb into a
# throwaway, empty redis-server on loopback and shows what arrived.
#
#   scripts/demo.sh            (from any directory)
#
# Builds app/target/redis-keys-migrator.jar with Maven if it is missing
# (RKM_JAR=/path/to.jar uses that jar instead and never builds), installs
# redis-server with apt if it is not on PATH. Exits with the migrator's exit
# code; the server is stopped and its temp dir removed in every case.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=redis-lib.sh
source "${SCRIPT_DIR}/redis-lib.sh"

# Resolve a user-given jar against the caller's cwd before leaving it.
if [[ -n ${RKM_JAR:-} ]]; then
  JAR=$(readlink -f -- "${RKM_JAR}")
else
  JAR=''
fi
# Every path below is relative to the repository root.
cd "$(rkm_repo_root)"
JAR=${JAR:-app/target/redis-keys-migrator.jar}
SAMPLE=scripts/sample/sample.rdb

[[ -f ${SAMPLE} ]] || rkm_die "${SAMPLE} is missing; create it with scripts/gen-sample-rdb.sh"
command -v java >/dev/null 2>&1 || rkm_die "java (17+) is not on PATH"

if [[ ! -f ${JAR} ]]; then
  [[ -z ${RKM_JAR:-} ]] || rkm_die "RKM_JAR=${RKM_JAR}: no such file"
  command -v mvn >/dev/null 2>&1 || rkm_die "${JAR} is missing and mvn is not on PATH to build it"
  rkm_log "building ${JAR} (mvn -q -B -DskipTests package)"
  mvn -q -B -DskipTests package
  [[ -f ${JAR} ]] || rkm_die "the build finished but ${JAR} is not there"
fi

rkm_require redis-server

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rkm-demo.XXXXXX")
# Called by the EXIT trap, which shellcheck does not follow.
# shellcheck disable=SC2317
cleanup() {
  rkm_stop_all_redis
  rm -rf "${TMP}"
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM

rkm_start_redis "${TMP}/redis"
PORT=${RKM_REDIS_PORT}
rkm_log "destination: redis-server (pid ${RKM_REDIS_PID}) on ${RKM_REDIS_HOST}:${PORT}"

CMD=(java -jar "${JAR}" rdb "${SAMPLE}"
  --to "redis://${RKM_REDIS_HOST}:${PORT}"
  --report "${TMP}/report.json" --error-log "${TMP}/errors.log")
echo "\$ ${CMD[*]}"
# Keep going on failure: the report, the error log and the keyspace are most
# interesting exactly then. The exit code is passed on at the end.
rc=0
"${CMD[@]}" || rc=$?

echo
echo "--- report.json"
if [[ -s ${TMP}/report.json ]]; then
  cat "${TMP}/report.json"
  echo
else
  echo "(no report written)"
fi

if [[ -s ${TMP}/errors.log ]]; then
  echo
  echo "--- errors.log (first 20 lines of $(wc -l <"${TMP}/errors.log"))"
  head -n 20 "${TMP}/errors.log"
fi

echo
echo "--- redis-cli -p ${PORT} info keyspace"
rkm_cli "${PORT}" INFO keyspace | tr -d '\r'

echo
echo "migrator exit code: ${rc}"
exit "${rc}"
