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
BENCH_NAME=verify
BENCH_MIN_KEYS=10
BENCH_MIN_WHY="a few keys are tampered with"
# shellcheck source=bench-dataset.sh
source "${SCRIPT_DIR}/bench-dataset.sh"

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
