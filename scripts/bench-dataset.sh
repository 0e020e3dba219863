#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Sourced by bench-verify.sh and bench-resume.sh (not run on its own): their shared start. Reads
# BENCH_KEYS, BENCH_SEED, BENCH_CACHE, BENCH_KEEP, BENCH_REGEN and RKM_JAR; checks them, finds or
# builds the jar (JAR), makes the temp dir (TMP, removed on exit with every server started) and
# the timing helpers, and sets RDB to the cached dataset of bench.sh (generated when missing).
# The caller sets SCRIPT_DIR, BENCH_NAME (for the temp dir's name), and BENCH_MIN_KEYS with
# BENCH_MIN_WHY (the fewest keys its checks need, and why).

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
((N >= BENCH_MIN_KEYS)) || rkm_die "BENCH_KEYS must be at least ${BENCH_MIN_KEYS} (${BENCH_MIN_WHY})"

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

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rkm-bench-${BENCH_NAME}.XXXXXX")
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
