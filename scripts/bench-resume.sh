#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark (not a test) of what a restart of `rdb --checkpoint` costs: the bench dataset's
# dump.rdb (1,000,000 keys by default) migrated once uninterrupted, and once killed with SIGKILL
# at about half and run again with the same checkpoint.
#
#   BENCH_MODE=resume scripts/bench.sh             # 1,000,000 keys
#   BENCH_MODE=resume BENCH_KEYS=100000 scripts/bench.sh
#
# Steps:
#   0. dataset: the same cached dump.rdb as scripts/bench.sh, generated when the cache has none.
#   u. uninterrupted: `rdb dump.rdb --checkpoint u.cp` into an empty server (timed).
#   k. killed: the same command into another empty server, SIGKILL once the checkpoint holds
#      half the keys (BENCH_KILL_AT, a fraction, default 0.5).
#   r. resumed: the same command again (timed): must exit 0, with DBSIZE == N and read +
#      keys_skipped_by_resume == N in its report.
#   Printed: (r)'s time against (u)'s, and against the ideal, (u) times the share of keys left.
#   Every run uses the launcher (scripts/redis-keys-migrator), as users are told to.
#
# Environment: BENCH_KEYS, BENCH_SEED, BENCH_CACHE, BENCH_REGEN, BENCH_KEEP, RKM_JAR as in
# scripts/bench-verify.sh; BENCH_KILL_AT=F the share of keys acknowledged at the kill.
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
((N >= 1000)) || rkm_die "BENCH_KEYS must be at least 1000 (the run is killed half-way)"

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

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rkm-bench-resume.XXXXXX")
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

KILL_AT=${BENCH_KILL_AT:-0.5}
[[ ${KILL_AT} =~ ^0?\.[0-9]+$ ]] || rkm_die "BENCH_KILL_AT must be a fraction like 0.5, got '${KILL_AT}'"
KILL_KEYS=$(awk -v n="${N}" -v f="${KILL_AT}" 'BEGIN { printf "%d", n * f }')
ALL_OK=1
line() { printf '%-16s %-62s %s\n' "$1" "$2" "${3:-}"; }
verdict() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
# checkpoint_keys FILE -> keys the checkpoint says were acknowledged (0 before there is one)
checkpoint_keys() { sed -n 's/^stream\.1\.keys=//p' "$1" 2>/dev/null || true; }

# rdb_cmd DEST_PORT CHECKPOINT NAME: sets CMD to the launcher's rdb run, reporting to ${TMP}/NAME.*
rdb_cmd() {
  CMD=("${SCRIPT_DIR}/redis-keys-migrator" rdb "${RDB}" --to "redis://${RKM_REDIS_HOST}:$1"
    --checkpoint "$2" --report "${TMP}/$3.json" --error-log "${TMP}/$3.log" --progress never)
}

# --- u. uninterrupted ----------------------------------------------------------
rkm_start_redis "${TMP}/dest-u"
U_PORT=${RKM_REDIS_PORT}
rdb_cmd "${U_PORT}" "${TMP}/u.cp" u
U_CMD=("${CMD[@]}")
rkm_log "(u) uninterrupted: ${U_CMD[*]}"
U_RC=0
t0=$(now_s)
"${U_CMD[@]}" >"${TMP}/u.out" 2>"${TMP}/u.err" || U_RC=$?
t1=$(now_s)
U_SECS=$(elapsed "${t0}" "${t1}")
U_DBSIZE=$(dbsize "${U_PORT}")
rkm_log "(u) ${U_SECS} s, $(rate "${N}" "${U_SECS}") keys/s, exit ${U_RC}, DBSIZE ${U_DBSIZE}"
U_OK=$([[ ${U_RC} == 0 && ${U_DBSIZE} == "${N}" ]] && echo 1 || echo 0)

# --- k. killed at about half ---------------------------------------------------------
rkm_start_redis "${TMP}/dest-k"
K_PORT=${RKM_REDIS_PORT}
rdb_cmd "${K_PORT}" "${TMP}/k.cp" k
K_CMD=("${CMD[@]}")
rkm_log "(k) killed once ${KILL_KEYS} keys are acknowledged: ${K_CMD[*]}"
t0=$(now_s)
"${K_CMD[@]}" >"${TMP}/k.out" 2>"${TMP}/k.err" &
K_PID=$!
while kill -0 "${K_PID}" 2>/dev/null; do
  at=$(checkpoint_keys "${TMP}/k.cp")
  if [[ -n ${at} ]] && ((at >= KILL_KEYS)); then
    kill -KILL "${K_PID}"
    break
  fi
  sleep 0.05
done
wait "${K_PID}" 2>/dev/null || true
t1=$(now_s)
K_SECS=$(elapsed "${t0}" "${t1}")
K_KEYS=$(checkpoint_keys "${TMP}/k.cp")
K_KEYS=${K_KEYS:-0}
K_DBSIZE=$(dbsize "${K_PORT}")
rkm_log "(k) killed after ${K_SECS} s: checkpoint ${K_KEYS} keys, DBSIZE ${K_DBSIZE}"
K_OK=$( ((K_KEYS >= KILL_KEYS && K_KEYS < N)) && echo 1 || echo 0)

# --- r. resumed ----------------------------------------------------------------------
rkm_log "(r) resumed: ${K_CMD[*]}"
R_RC=0
t0=$(now_s)
"${K_CMD[@]}" >"${TMP}/r.out" 2>"${TMP}/r.err" || R_RC=$?
t1=$(now_s)
R_SECS=$(elapsed "${t0}" "${t1}")
R_DBSIZE=$(dbsize "${K_PORT}")
R_READ=$(json_field "${TMP}/k.json" read)
R_SKIPPED=$(json_field "${TMP}/k.json" keys_skipped_by_resume)
R_EXISTING=$(json_field "${TMP}/k.json" skipped_existing)
rkm_log "(r) ${R_SECS} s, exit ${R_RC}, DBSIZE ${R_DBSIZE}, read ${R_READ}, skipped by resume ${R_SKIPPED}, existing ${R_EXISTING}"
R_OK=$([[ ${R_RC} == 0 && ${R_DBSIZE} == "${N}" && $((R_READ + R_SKIPPED)) == "${N}" ]] && echo 1 || echo 0)

for ok in "${U_OK}" "${K_OK}" "${R_OK}"; do
  [[ ${ok} == 1 ]] || ALL_OK=0
done
LEFT=$(awk -v n="${N}" -v k="${K_KEYS}" 'BEGIN { printf "%.3f", (n - k) / n }')
IDEAL=$(awk -v u="${U_SECS}" -v l="${LEFT}" 'BEGIN { printf "%.3f", u * l }')
echo
echo "==================== rdb --checkpoint: resume cost ===================="
line "dataset" "${N} keys (seed ${SEED}), dump.rdb ${RDB_MB} MB"
line "(u) whole run" "${U_SECS} s, $(rate "${N}" "${U_SECS}") keys/s, exit ${U_RC}, DBSIZE ${U_DBSIZE}" "$(verdict "${U_OK}")"
line "(k) killed" "after ${K_SECS} s, ${K_KEYS} keys acknowledged (${KILL_AT} asked)" "$(verdict "${K_OK}")"
line "(r) resumed" "${R_SECS} s, exit ${R_RC}, DBSIZE ${R_DBSIZE}, read ${R_READ} + skipped ${R_SKIPPED}" "$(verdict "${R_OK}")"
line "(r)/(u)" "$(awk -v r="${R_SECS}" -v u="${U_SECS}" 'BEGIN { printf "%.2f", r / u }') (ideal: the share of keys left, ${LEFT}: ${IDEAL} s)"
line "(k)+(r) vs (u)" "$(awk -v k="${K_SECS}" -v r="${R_SECS}" 'BEGIN { printf "%.3f", k + r }') s against ${U_SECS} s"
line "overall" "" "$(verdict "${ALL_OK}")"
echo "======================================================================="
((ALL_OK)) || exit 1
