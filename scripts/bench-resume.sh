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
BENCH_NAME=resume
BENCH_MIN_KEYS=1000
BENCH_MIN_WHY="the run is killed half-way"
# shellcheck source=bench-dataset.sh
source "${SCRIPT_DIR}/bench-dataset.sh"

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
