#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark (not a test): how fast redis-keys-migrator moves an .rdb into an
# empty Redis, compared with the fastest plain-Redis way to do the same thing,
# `redis-cli --pipe` of ready-made RESTORE commands.
#
#   scripts/bench.sh                      # 1,000,000 keys
#   BENCH_KEYS=20000 scripts/bench.sh     # quick run
#
# Steps:
#   0. dataset (cached per key count in ${BENCH_CACHE:-/tmp/rkm-bench-cache}):
#      bench_data.py gen writes RESP write commands, redis-cli --pipe loads
#      them into a source redis-server, SAVE gives dump.rdb, and bench_data.py
#      restore turns the source into restore.resp (RESTORE ... ABSTTL).
#   a. reference: time `redis-cli --pipe < restore.resp` into an empty server.
#   b. ours: time `scripts/redis-keys-migrator rdb dump.rdb` (the launcher users
#      are told to run: the jar with the JVM settings in the launcher) into
#      another empty server under /usr/bin/time -v for the peak RSS.
#   c. for information: the same with a plain `java -jar` (the JVM's default
#      collector and heap sizing), into a third empty server.
#   then: DBSIZE on both, a 1000-key sample compared between them (DUMP and
#   expiry), and the targets: keys/s (b)/(a) >= 0.7 and peak RSS < 512 MB.
#
# Environment:
#   BENCH_KEYS=N        keys in the dataset (default 1000000)
#   BENCH_SEED=S        dataset seed (default 42)
#   BENCH_CACHE=DIR     dataset cache (default /tmp/rkm-bench-cache)
#   BENCH_REGEN=1       regenerate the dataset even if cached
#   BENCH_KEEP=1        keep the temp dir (outputs, logs, report.json)
#   BENCH_JAVA_OPTS=..  JVM options for (b) instead of the launcher's, e.g. "-Xmx256m"
#   RKM_JAR=FILE        use this jar instead of app/target/redis-keys-migrator.jar
#                       (then nothing is built)
# Exit code: 0 when every check and target passes, 1 otherwise.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=redis-lib.sh
source "${SCRIPT_DIR}/redis-lib.sh"

N=${BENCH_KEYS:-1000000}
SEED=${BENCH_SEED:-42}
CACHE=${BENCH_CACHE:-/tmp/rkm-bench-cache}
KEEP=${BENCH_KEEP:-0}
REGEN=${BENCH_REGEN:-0}
TARGET_RATIO=0.70
TARGET_RSS_MB=512
SAMPLE=1000
# TTLs in the dataset are 1-30 days from generation; regenerating a cache
# older than this keeps every key alive, so DBSIZE == N stays a valid check.
CACHE_MAX_AGE_S=$((12 * 3600))
# Bump when bench_data.py changes what it generates, so old caches are ignored.
DATASET_VERSION=1

[[ ${N} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_KEYS must be a positive integer, got '${N}'"
[[ ${SEED} =~ ^[0-9]+$ ]] || rkm_die "BENCH_SEED must be a non-negative integer, got '${SEED}'"

if [[ -n ${RKM_JAR:-} ]]; then
  JAR=$(readlink -f -- "${RKM_JAR}")
else
  JAR=''
fi
CACHE=$(mkdir -p -- "${CACHE}" && cd -- "${CACHE}" && pwd -P)
cd "$(rkm_repo_root)"
JAR=${JAR:-${PWD}/app/target/redis-keys-migrator.jar}

# --- prerequisites ----------------------------------------------------------
command -v java >/dev/null 2>&1 || rkm_die "java (17+) is not on PATH"
if [[ ! -f ${JAR} ]]; then
  [[ -z ${RKM_JAR:-} ]] || rkm_die "RKM_JAR=${RKM_JAR}: no such file"
  command -v mvn >/dev/null 2>&1 || rkm_die "${JAR} is missing and mvn is not on PATH to build it"
  rkm_log "building ${JAR} (mvn -q -B -DskipTests package)"
  mvn -q -B -DskipTests package
  [[ -f ${JAR} ]] || rkm_die "the build finished but ${JAR} is not there"
fi
rkm_require redis-server python-redis time

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rkm-bench.XXXXXX")
# Called by the EXIT trap, which shellcheck does not follow.
# shellcheck disable=SC2317
cleanup() {
  rkm_stop_all_redis
  if [[ ${KEEP} == 1 ]]; then
    rkm_log "kept ${TMP}"
  else
    rm -rf "${TMP}"
  fi
  # A dataset generation cut short leaves only its .tmp dir; drop it.
  if [[ -n ${DS_TMP:-} ]]; then
    rm -rf "${DS_TMP}"
  fi
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap stops the servers.
trap 'exit 130' INT
trap 'exit 143' TERM

now_s() { date +%s.%N; }
# elapsed START END -> seconds with 3 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# rate KEYS SECONDS -> keys/s, integer
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
dbsize() { rkm_cli "$1" DBSIZE | tr -d '\r'; }

# redis-cli --pipe ends with "errors: E, replies: R"; anything but
# errors 0 and the expected number of replies means the load failed.
check_pipe_output() {
  local out=$1 want=$2 line
  line=$(grep -E '^errors: [0-9]+, replies: [0-9]+' "${out}" | tail -n 1 || true)
  if [[ ${line} != "errors: 0, replies: ${want}" ]]; then
    cat "${out}" >&2
    rkm_die "redis-cli --pipe: expected 'errors: 0, replies: ${want}', got '${line}'"
  fi
}

# --- 0. dataset --------------------------------------------------------------
DS=${CACHE}/keys-${N}-seed-${SEED}-v${DATASET_VERSION}
DS_TMP=''
dataset_ok() {
  local created
  [[ -s ${DS}/dump.rdb && -s ${DS}/restore.resp && -s ${DS}/meta ]] || return 1
  created=$(sed -n 's/^created_s=//p' "${DS}/meta")
  [[ ${created} =~ ^[0-9]+$ ]] || return 1
  (($(date +%s) - created < CACHE_MAX_AGE_S))
}

if [[ ${REGEN} != 1 ]] && dataset_ok; then
  rkm_log "dataset: cached ${DS}"
else
  rkm_log "dataset: generating ${N} keys (seed ${SEED}) into ${DS}"
  DS_TMP=${DS}.tmp.$$
  rm -rf "${DS_TMP}"
  mkdir -p "${DS_TMP}"
  created_s=$(date +%s)
  # Prints how many commands it wrote (one per key, plus one per PEXPIREAT).
  GEN_CMDS=$("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" gen --keys "${N}" --seed "${SEED}" \
    --out "${TMP}/gen.resp")

  rkm_start_redis "${TMP}/source"
  SRC_PORT=${RKM_REDIS_PORT}
  SRC_PID=${RKM_REDIS_PID}
  rkm_log "source: redis-server (pid ${SRC_PID}) on ${RKM_REDIS_HOST}:${SRC_PORT}; loading"
  rkm_cli "${SRC_PORT}" --pipe <"${TMP}/gen.resp" >"${TMP}/gen.pipe.out" 2>&1 || true
  check_pipe_output "${TMP}/gen.pipe.out" "${GEN_CMDS}"
  rm -f "${TMP}/gen.resp"
  got=$(dbsize "${SRC_PORT}")
  [[ ${got} == "${N}" ]] || rkm_die "source has ${got} keys after loading, expected ${N}"

  # SAVE is synchronous: dump.rdb is complete once it answers OK.
  [[ $(rkm_cli "${SRC_PORT}" SAVE) == OK ]] || rkm_die "SAVE failed on the source"
  mv "${TMP}/source/dump.rdb" "${DS_TMP}/dump.rdb"
  "${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" restore --port "${SRC_PORT}" --keys "${N}" \
    --out "${DS_TMP}/restore.resp"
  rkm_stop_redis "${SRC_PID}"

  printf 'keys=%s\nseed=%s\ncreated_s=%s\nredis=%s\n' "${N}" "${SEED}" "${created_s}" \
    "$(redis-server --version | awk '{print $3}')" >"${DS_TMP}/meta"
  rm -rf "${DS}"
  mv "${DS_TMP}" "${DS}"
  DS_TMP=''
fi
RDB_MB=$(awk -v b="$(wc -c <"${DS}/dump.rdb")" 'BEGIN { printf "%.1f", b / 1048576 }')
rkm_log "dataset: dump.rdb ${RDB_MB} MB, restore.resp $(awk -v b="$(wc -c <"${DS}/restore.resp")" 'BEGIN { printf "%.1f", b / 1048576 }') MB"

# --- a. reference: redis-cli --pipe of RESTORE commands ---------------------
rkm_start_redis "${TMP}/dest-a"
A_PORT=${RKM_REDIS_PORT}
rkm_log "(a) reference: redis-cli --pipe < restore.resp into ${RKM_REDIS_HOST}:${A_PORT}"
t0=$(now_s)
rkm_cli "${A_PORT}" --pipe <"${DS}/restore.resp" >"${TMP}/a.pipe.out" 2>&1 || true
t1=$(now_s)
check_pipe_output "${TMP}/a.pipe.out" "${N}"
A_SECS=$(elapsed "${t0}" "${t1}")
A_RATE=$(rate "${N}" "${A_SECS}")
A_DBSIZE=$(dbsize "${A_PORT}")
rkm_log "(a) ${A_SECS} s, ${A_RATE} keys/s, DBSIZE ${A_DBSIZE}"

# --- b. ours: java -jar ... rdb ----------------------------------------------
rkm_start_redis "${TMP}/dest-b"
B_PORT=${RKM_REDIS_PORT}
B_CMD=("${SCRIPT_DIR}/redis-keys-migrator" rdb "${DS}/dump.rdb"
  --to "redis://${RKM_REDIS_HOST}:${B_PORT}" --report "${TMP}/report.json" --progress never)
export RKM_JAR="${JAR}"
if [[ -n ${BENCH_JAVA_OPTS:-} ]]; then
  export RKM_JAVA_OPTS="${BENCH_JAVA_OPTS}"
fi
rkm_log "(b) ours: ${B_CMD[*]}"
B_RC=0
t0=$(now_s)
/usr/bin/time -v -o "${TMP}/b.time" "${B_CMD[@]}" >"${TMP}/b.out" 2>"${TMP}/b.err" || B_RC=$?
t1=$(now_s)
B_SECS=$(elapsed "${t0}" "${t1}")
B_RATE=$(rate "${N}" "${B_SECS}")
B_DBSIZE=$(dbsize "${B_PORT}")
RSS_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "${TMP}/b.time")
RSS_MB=$(awk -v k="${RSS_KB:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
rkm_log "(b) ${B_SECS} s, ${B_RATE} keys/s, exit ${B_RC}, peak RSS ${RSS_MB} MB, DBSIZE ${B_DBSIZE}"
echo "--- migrator stdout"
cat "${TMP}/b.out"
if [[ -s ${TMP}/b.err ]]; then
  echo "--- migrator stderr (last 20 lines)"
  tail -n 20 "${TMP}/b.err"
fi

# --- c. for information: plain java -jar -------------------------------------
rkm_start_redis "${TMP}/dest-c"
C_PORT=${RKM_REDIS_PORT}
C_RC=0
t0=$(now_s)
/usr/bin/time -v -o "${TMP}/c.time" java -jar "${JAR}" rdb "${DS}/dump.rdb" \
  --to "redis://${RKM_REDIS_HOST}:${C_PORT}" --progress never >"${TMP}/c.out" 2>"${TMP}/c.err" || C_RC=$?
t1=$(now_s)
C_SECS=$(elapsed "${t0}" "${t1}")
C_RATE=$(rate "${N}" "${C_SECS}")
C_RSS_KB=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "${TMP}/c.time")
C_RSS_MB=$(awk -v k="${C_RSS_KB:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
C_RATIO=$(awk -v c="${C_RATE}" -v a="${A_RATE}" 'BEGIN { printf "%.2f", (a > 0 ? c / a : 0) }')
rkm_log "(c) ${C_SECS} s, ${C_RATE} keys/s, exit ${C_RC}, peak RSS ${C_RSS_MB} MB"

# --- checks -----------------------------------------------------------------
echo "--- sample comparison (a) vs (b)"
CMP_RC=0
"${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" compare --port-a "${A_PORT}" --port-b "${B_PORT}" \
  --keys "${N}" --seed "${SEED}" --sample "${SAMPLE}" || CMP_RC=$?

RATIO=$(awk -v b="${B_RATE}" -v a="${A_RATE}" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
verdict() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
RATIO_OK=$(awk -v r="${RATIO}" -v t="${TARGET_RATIO}" 'BEGIN { print (r >= t) ? 1 : 0 }')
RSS_OK=$(awk -v r="${RSS_MB}" -v k="${RSS_KB:-}" -v t="${TARGET_RSS_MB}" \
  'BEGIN { print (k != "" && r < t) ? 1 : 0 }')
A_OK=$([[ ${A_DBSIZE} == "${N}" ]] && echo 1 || echo 0)
B_OK=$([[ ${B_RC} == 0 && ${B_DBSIZE} == "${N}" ]] && echo 1 || echo 0)
CMP_OK=$([[ ${CMP_RC} == 0 ]] && echo 1 || echo 0)

ALL_OK=1
for ok in "${RATIO_OK}" "${RSS_OK}" "${A_OK}" "${B_OK}" "${CMP_OK}"; do
  [[ ${ok} == 1 ]] || ALL_OK=0
done

line() { printf '%-14s %-62s %s\n' "$1" "$2" "${3:-}"; }
echo
echo "==================== redis-keys-migrator benchmark ===================="
line "dataset" "${N} keys (seed ${SEED}), dump.rdb ${RDB_MB} MB"
line "" "${DS}"
line "(a) reference" "redis-cli --pipe RESTORE: ${A_SECS} s, ${A_RATE} keys/s, DBSIZE ${A_DBSIZE}" "$(verdict "${A_OK}")"
line "(b) ours" "launcher rdb: ${B_SECS} s, ${B_RATE} keys/s, DBSIZE ${B_DBSIZE}, exit ${B_RC}" "$(verdict "${B_OK}")"
line "sample check" "${SAMPLE} random keys: DUMP and expiry of (b) match (a)" "$(verdict "${CMP_OK}")"
line "ratio (b)/(a)" "${RATIO} (target >= ${TARGET_RATIO})" "$(verdict "${RATIO_OK}")"
line "peak RSS (b)" "${RSS_MB} MB (target < ${TARGET_RSS_MB} MB)" "$(verdict "${RSS_OK}")"
line "(c) info" "plain java -jar: ${C_SECS} s, ${C_RATE} keys/s, ratio ${C_RATIO}, RSS ${C_RSS_MB} MB, exit ${C_RC}"
line "overall" "" "$(verdict "${ALL_OK}")"
echo "======================================================================="

[[ ${ALL_OK} == 1 ]] || exit 1
