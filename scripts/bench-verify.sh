#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark (not a test) of `verify`: how fast it compares 1,000,000 keys after an `rdb`
# migration, from the .rdb file and from a live source.
#
#   scripts/bench-verify.sh                      # 1,000,000 keys
#   BENCH_KEYS=20000 scripts/bench-verify.sh     # quick run
#
# Steps:
#   0. dataset: the same cached dump.rdb as scripts/bench.sh (bench_data.py gen, loaded into a
#      source redis-server, SAVE), in ${BENCH_CACHE:-/tmp/rkm-bench-cache}; generated here when
#      the cache has none.
#   a. `rdb dump.rdb` into an empty destination (timed, for information).
#   b. `verify --from dump.rdb`: timed under /usr/bin/time -v (keys/s, peak RSS); must exit 0
#      with every key identical.
#   c. `verify --from redis://source` against a redis-server started on dump.rdb (live source).
#   d. a few keys tampered at the destination (one deleted, one changed, one TTL removed), then
#      `verify --from dump.rdb` again: must exit 6 and list exactly those keys.
#
# Environment:
#   BENCH_KEYS=N        keys in the dataset (default 1000000)
#   BENCH_SEED=S        dataset seed (default 42)
#   BENCH_CACHE=DIR     dataset cache (default /tmp/rkm-bench-cache)
#   BENCH_REGEN=1       regenerate the dataset even if cached
#   BENCH_KEEP=1        keep the temp dir (outputs, reports, diff file)
#   RKM_JAR=FILE        use this jar instead of app/target/redis-keys-migrator.jar
# Exit code: 0 when every check passes, 1 otherwise.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=redis-lib.sh
source "${SCRIPT_DIR}/redis-lib.sh"

N=${BENCH_KEYS:-1000000}
SEED=${BENCH_SEED:-42}
CACHE=${BENCH_CACHE:-/tmp/rkm-bench-cache}
KEEP=${BENCH_KEEP:-0}
REGEN=${BENCH_REGEN:-0}
# The cache layout is bench.sh's; its dataset version says which generator wrote a cache.
DATASET_VERSION=$(sed -n 's/^DATASET_VERSION=\([0-9]*\).*/\1/p' "${SCRIPT_DIR}/bench.sh")
DATASET_VERSION=${DATASET_VERSION:-1}
CACHE_MAX_AGE_S=$((12 * 3600))

[[ ${N} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_KEYS must be a positive integer, got '${N}'"
[[ ${SEED} =~ ^[0-9]+$ ]] || rkm_die "BENCH_SEED must be a non-negative integer, got '${SEED}'"
((N >= 10)) || rkm_die "BENCH_KEYS must be at least 10 (a few keys are tampered with)"

if [[ -n ${RKM_JAR:-} ]]; then
  JAR=$(readlink -f -- "${RKM_JAR}")
else
  JAR=''
fi
CACHE=$(mkdir -p -- "${CACHE}" && cd -- "${CACHE}" && pwd -P)
cd "$(rkm_repo_root)"
JAR=${JAR:-${PWD}/app/target/redis-keys-migrator.jar}

command -v java >/dev/null 2>&1 || rkm_die "java (17+) is not on PATH"
if [[ ! -f ${JAR} ]]; then
  [[ -z ${RKM_JAR:-} ]] || rkm_die "RKM_JAR=${RKM_JAR}: no such file"
  command -v mvn >/dev/null 2>&1 || rkm_die "${JAR} is missing and mvn is not on PATH to build it"
  rkm_log "building ${JAR} (mvn -q -B -DskipTests package)"
  mvn -q -B -DskipTests package
  [[ -f ${JAR} ]] || rkm_die "the build finished but ${JAR} is not there"
fi
rkm_require redis-server time

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rkm-bench-verify.XXXXXX")
# Called by the EXIT trap, which shellcheck does not follow.
# shellcheck disable=SC2317
cleanup() {
  rkm_stop_all_redis
  if [[ ${KEEP} == 1 ]]; then
    rkm_log "kept ${TMP}"
  else
    rm -rf "${TMP}"
  fi
  if [[ -n ${DS_TMP:-} ]]; then
    rm -rf "${DS_TMP}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
dbsize() { rkm_cli "$1" DBSIZE | tr -d '\r'; }
# json_field FILE NAME -> the number after "NAME": in a one-line JSON report
json_field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1"; }
rss_mb() {
  local kb
  kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1")
  awk -v k="${kb:-0}" 'BEGIN { printf "%.1f", k / 1024 }'
}

# --- 0. dataset (shared with bench.sh) ---------------------------------------
DS=${CACHE}/keys-${N}-seed-${SEED}-v${DATASET_VERSION}
DS_TMP=''
dataset_ok() {
  local created
  [[ -s ${DS}/dump.rdb && -s ${DS}/meta ]] || return 1
  created=$(sed -n 's/^created_s=//p' "${DS}/meta")
  [[ ${created} =~ ^[0-9]+$ ]] || return 1
  (($(date +%s) - created < CACHE_MAX_AGE_S))
}

if [[ ${REGEN} != 1 ]] && dataset_ok; then
  rkm_log "dataset: cached ${DS}"
else
  rkm_require python-redis
  rkm_log "dataset: generating ${N} keys (seed ${SEED}) into ${DS}"
  DS_TMP=${DS}.tmp.$$
  rm -rf "${DS_TMP}"
  mkdir -p "${DS_TMP}"
  created_s=$(date +%s)
  GEN_CMDS=$("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" gen --keys "${N}" --seed "${SEED}" \
    --out "${TMP}/gen.resp")
  rkm_start_redis "${TMP}/gen"
  GEN_PORT=${RKM_REDIS_PORT}
  GEN_PID=${RKM_REDIS_PID}
  rkm_cli "${GEN_PORT}" --pipe <"${TMP}/gen.resp" >"${TMP}/gen.pipe.out" 2>&1 || true
  line=$(grep -E '^errors: [0-9]+, replies: [0-9]+' "${TMP}/gen.pipe.out" | tail -n 1 || true)
  [[ ${line} == "errors: 0, replies: ${GEN_CMDS}" ]] ||
    rkm_die "loading the dataset: expected 'errors: 0, replies: ${GEN_CMDS}', got '${line}'"
  rm -f "${TMP}/gen.resp"
  [[ $(dbsize "${GEN_PORT}") == "${N}" ]] || rkm_die "the generated source does not hold ${N} keys"
  [[ $(rkm_cli "${GEN_PORT}" SAVE) == OK ]] || rkm_die "SAVE failed"
  mv "${TMP}/gen/dump.rdb" "${DS_TMP}/dump.rdb"
  rkm_stop_redis "${GEN_PID}"
  # No restore.resp: bench.sh makes its own (and its cache check wants one) when it runs.
  printf 'keys=%s\nseed=%s\ncreated_s=%s\nredis=%s\n' "${N}" "${SEED}" "${created_s}" \
    "$(redis-server --version | awk '{print $3}')" >"${DS_TMP}/meta"
  rm -rf "${DS}"
  mv "${DS_TMP}" "${DS}"
  DS_TMP=''
fi
RDB=${DS}/dump.rdb
RDB_MB=$(awk -v b="$(wc -c <"${RDB}")" 'BEGIN { printf "%.1f", b / 1048576 }')
rkm_log "dataset: ${RDB} (${RDB_MB} MB)"

export RKM_JAR="${JAR}"
RKM=("${SCRIPT_DIR}/redis-keys-migrator")

# --- a. migrate ------------------------------------------------------------
rkm_start_redis "${TMP}/dest"
DEST_PORT=${RKM_REDIS_PORT}
DEST="redis://${RKM_REDIS_HOST}:${DEST_PORT}"
rkm_log "(a) rdb ${RDB} -> ${DEST}"
A_RC=0
t0=$(now_s)
"${RKM[@]}" rdb "${RDB}" --to "${DEST}" --progress never --error-log "${TMP}/errors.log" \
  >"${TMP}/a.out" 2>"${TMP}/a.err" || A_RC=$?
t1=$(now_s)
A_SECS=$(elapsed "${t0}" "${t1}")
A_RATE=$(rate "${N}" "${A_SECS}")
A_DBSIZE=$(dbsize "${DEST_PORT}")
rkm_log "(a) ${A_SECS} s, ${A_RATE} keys/s, exit ${A_RC}, DBSIZE ${A_DBSIZE}"

# --- b. verify from the file ------------------------------------------------
rkm_log "(b) verify --from ${RDB} --to ${DEST}"
B_RC=0
t0=$(now_s)
/usr/bin/time -v -o "${TMP}/b.time" "${RKM[@]}" verify --from "${RDB}" --to "${DEST}" \
  --progress never --report "${TMP}/b.json" >"${TMP}/b.out" 2>"${TMP}/b.err" || B_RC=$?
t1=$(now_s)
B_SECS=$(elapsed "${t0}" "${t1}")
B_RATE=$(rate "${N}" "${B_SECS}")
B_RSS=$(rss_mb "${TMP}/b.time")
B_IDENTICAL=$(json_field "${TMP}/b.json" identical)
rkm_log "(b) ${B_SECS} s, ${B_RATE} keys/s, exit ${B_RC}, identical ${B_IDENTICAL}, peak RSS ${B_RSS} MB"
echo "--- verify (b) stdout"
cat "${TMP}/b.out"
if [[ -s ${TMP}/b.err ]]; then
  echo "--- verify (b) stderr (last 20 lines)"
  tail -n 20 "${TMP}/b.err"
fi

# --- c. verify from a live source -------------------------------------------
mkdir -p "${TMP}/source"
cp "${RDB}" "${TMP}/source/dump.rdb"
rkm_start_redis "${TMP}/source" --dbfilename dump.rdb
SRC_PORT=${RKM_REDIS_PORT}
rkm_log "(c) verify --from redis://${RKM_REDIS_HOST}:${SRC_PORT} --to ${DEST}"
C_RC=0
t0=$(now_s)
/usr/bin/time -v -o "${TMP}/c.time" "${RKM[@]}" verify --from "redis://${RKM_REDIS_HOST}:${SRC_PORT}" \
  --to "${DEST}" --progress never --report "${TMP}/c.json" >"${TMP}/c.out" 2>"${TMP}/c.err" || C_RC=$?
t1=$(now_s)
C_SECS=$(elapsed "${t0}" "${t1}")
C_RATE=$(rate "${N}" "${C_SECS}")
C_RSS=$(rss_mb "${TMP}/c.time")
C_IDENTICAL=$(json_field "${TMP}/c.json" identical)
rkm_log "(c) ${C_SECS} s, ${C_RATE} keys/s, exit ${C_RC}, identical ${C_IDENTICAL}, peak RSS ${C_RSS} MB"

# --- d. tampered destination -------------------------------------------------
# Key names follow bench_data.py's key_name: bench:<type>:<i>, type = TYPES[i % 20].
rkm_cli "${DEST_PORT}" DEL bench:string:0 >/dev/null
rkm_cli "${DEST_PORT}" SET bench:string:1 tampered >/dev/null
rkm_cli "${DEST_PORT}" SADD bench:set:18 tampered >/dev/null
rkm_cli "${DEST_PORT}" PEXPIRE bench:string:2 100000000 >/dev/null
EXPECTED=$'bench:set:18 value_differs\nbench:string:0 missing\nbench:string:1 value_differs\nbench:string:2 ttl_differs'
rkm_log "(d) verify after tampering with 4 keys"
D_RC=0
"${RKM[@]}" verify --from "${RDB}" --to "${DEST}" --progress never --show 0 \
  --diff-file "${TMP}/d.jsonl" >"${TMP}/d.out" 2>"${TMP}/d.err" || D_RC=$?
GOT=$(sed -n 's/.*"key":"\([^"]*\)","outcome":"\([a-z_]*\)".*/\1 \2/p' "${TMP}/d.jsonl" | sort)
if [[ ${D_RC} == 6 && ${GOT} == "${EXPECTED}" ]]; then D_OK=1; else D_OK=0; fi
if [[ ${D_OK} == 0 ]]; then
  echo "--- (d) expected exit 6 and:"
  echo "${EXPECTED}"
  echo "--- got exit ${D_RC} and:"
  echo "${GOT}"
fi

A_OK=$([[ ${A_RC} == 0 && ${A_DBSIZE} == "${N}" ]] && echo 1 || echo 0)
B_OK=$([[ ${B_RC} == 0 && ${B_IDENTICAL} == "${N}" ]] && echo 1 || echo 0)
C_OK=$([[ ${C_RC} == 0 && ${C_IDENTICAL} == "${N}" ]] && echo 1 || echo 0)
ALL_OK=1
for ok in "${A_OK}" "${B_OK}" "${C_OK}" "${D_OK}"; do
  [[ ${ok} == 1 ]] || ALL_OK=0
done
verdict() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
line() { printf '%-16s %-62s %s\n' "$1" "$2" "${3:-}"; }
echo
echo "================= redis-keys-migrator verify benchmark ================="
line "dataset" "${N} keys (seed ${SEED}), dump.rdb ${RDB_MB} MB"
line "(a) rdb" "${A_SECS} s, ${A_RATE} keys/s, DBSIZE ${A_DBSIZE}" "$(verdict "${A_OK}")"
line "(b) verify file" "${B_SECS} s, ${B_RATE} keys/s, identical ${B_IDENTICAL}, RSS ${B_RSS} MB" "$(verdict "${B_OK}")"
line "(c) verify live" "${C_SECS} s, ${C_RATE} keys/s, identical ${C_IDENTICAL}, RSS ${C_RSS} MB" "$(verdict "${C_OK}")"
line "(d) tampered" "exit ${D_RC}, the diff file names exactly the 4 tampered keys" "$(verdict "${D_OK}")"
line "overall" "" "$(verdict "${ALL_OK}")"
echo "========================================================================"

[[ ${ALL_OK} == 1 ]] || exit 1
