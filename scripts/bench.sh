#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Benchmark (not a test) of redis-keys-migrator, in two parts (BENCH_MODE):
#
#   scripts/bench.sh                                   # both parts
#   BENCH_MODE=rdb BENCH_KEYS=20000 scripts/bench.sh   # quick run of the rdb part
#   BENCH_MODE=scan scripts/bench.sh                   # only the scan part, 100,000 keys
#   BENCH_MODE=sync scripts/bench.sh                   # only the sync part, 1,000,000 keys
#   BENCH_MODE=cluster BENCH_KEYS=100000 scripts/bench.sh  # cluster part, 3 x 100,000 keys
#   BENCH_MODE=live scripts/bench.sh                   # scan --live and sync under load, 100,000 keys
#   BENCH_MODE=cross scripts/bench.sh                  # Redis 8.6 file into Valkey 9.1 vs Redis 8.6
#   BENCH_MODE=aof scripts/bench.sh                    # aof replay vs redis-server loading the AOF
#   BENCH_MODE=lzf scripts/bench.sh                    # JMH: our LZF decompressor vs Redis Replicator's
#   LIBRDB_CLI=/path/rdb-cli BENCH_MODE=peers scripts/bench.sh  # side by side with librdb, 5 rounds
#   BENCH_MODE=resume scripts/bench.sh                 # rdb --checkpoint killed half-way, resumed
#
# rdb part: how fast `rdb` moves an .rdb into an empty Redis, compared with
# the fastest plain-Redis way to do the same thing, `redis-cli --pipe` of
# ready-made RESTORE commands (BENCH_KEYS keys, default 1,000,000).
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
# scan part: `scan` (live source to live destination) against the original
# Python script's way of working (BENCH_SCAN_KEYS keys, default 100,000).
#   0. the same kind of dataset (same generator, type mix and cache), whose
#      dump.rdb is loaded by a source redis-server started on a copy of it.
#   r. reference: time scripts/reference_migrator.py (key by key, as the
#      original: SCAN, EXISTS, TYPE, read, pipelined write; no TTLs) into an
#      empty server.
#   s. ours: time `scripts/redis-keys-migrator scan --from source` into another
#      empty server, under /usr/bin/time -v for the peak RSS.
#   d. ours, offline: time `scripts/redis-keys-migrator rdb dump.rdb` (the
#      source's own file) into a third empty server.
#   p. for information: `redis-cli --pipe < restore.resp` into a fourth empty
#      server, the cost of the writes alone: (p)/(r) is the best ratio (s)/(r)
#      could reach on this machine.
#   then: DBSIZE == N on (r), (s) and (d); a 1000-key sample compared with the source:
#   (s) and (d) same values and expiry within 2 s, (r) same values (the TTLs it
#   lost are counted and printed, not failed); the target keys/s (s)/(r) >= 50,
#   and the ratio (s)/(d) for information. Times include the JVM's and
#   Python's start-up.
#
# cluster part (only with BENCH_MODE=cluster): three shard files of BENCH_KEYS
# keys each (distinct keys, same type mix), read in parallel by one `rdb` run:
#   k. into a 3-master Redis Cluster (redis-cli --cluster create, no replicas);
#   n. into one empty server, --writers 1;
#   w. into another empty server, --writers 4;
#   then: every run exit 0 and 3 x BENCH_KEYS keys at the destination; the
#   ratios (k)/(n) and (w)/(n) are printed, for information (no target).
#
# live part (only with BENCH_MODE=live, which also runs the sync part on the
# same number of keys, BENCH_LIVE_KEYS, default 100,000, and the same load):
#   l. `scan --live --metrics-port 0` from a source with notify-keyspace-events
#      KEA into an empty server; once /metrics says the first pass is done,
#      redis-benchmark sends the sync part's load (-t set,lpush,hset -P 16,
#      BENCH_SYNC_LIVE requests) while /metrics is read every 0.2 s for the lag
#      (keys pending, seconds); then the time until nothing is pending, the
#      re-reads per second, SIGTERM (exit 130), DBSIZE and `verify` (exit 0).
#      Printed: first-pass keys/s, live re-reads/s and their ratio (issue 27's
#      target: >= 0.8), the re-read rate while keys were pending, the peak
#      pending count and peak lag, and any rkm_ metric this script does not know.
#   m. start-up cost of the metrics endpoint: `scan --live --until-caught-up
#      --idle 0` of a 10-key source, 5 runs each with and without
#      --metrics-port 0, alternating; the medians and their difference.
#   q. steady load, once for `scan --live` and once for `sync`, each from a fresh
#      source on the same dataset into an empty server: once /metrics says the
#      initial copy is done, `bench_data.py steady` sends BENCH_STEADY_RATE SETs
#      a second (default 20,000) to BENCH_STEADY_KEYS keys (default 100,000) for
#      BENCH_STEADY_SECS seconds (default 30), a pipeline per 10 ms tick followed
#      by SET steady:clock <ms>; every 0.5 s the script reads /metrics and
#      steady:clock on both sides. Printed per mode: the achieved write rate
#      next to the target, the lag's median and maximum (scan --live: the
#      oldest pending key; sync: how far the destination's clock key is behind
#      the source's, since sync's rkm_lag_seconds counts from when the stream
#      was last level), its median over the first and last third of the load
#      (a lag that grows means the mode does not sustain the rate), the backlog
#      (keys pending, or bytes of stream), the re-reads or commands applied, the
#      time to drain once the load stops, then SIGTERM (exit 130), DBSIZE and
#      `verify` (exit 0).
#
# cross part (only with BENCH_MODE=cross): the rdb part's dataset (BENCH_KEYS keys) loaded into
# Redis 8.6.3 and saved again (RDB 13, as a Redis 8.6 snapshot is), then `rdb` of that file into
# an empty Valkey 9.1.2 (v), which refuses RDB 13 and gets the payloads restamped, and into an
# empty Redis 8.6.3 (r), which restores them as they are; BENCH_CROSS_ROUNDS rounds (default 2),
# v and r alternating, each into a fresh server (both from ../shared/redis-bin). Checks: exit 0,
# DBSIZE == N, nothing rewritten but what Valkey cannot read; target: the median keys/s of (v)
# over that of (r) >= 0.9. For information, each round also moves the same keys saved by Valkey
# 9.1.2 itself (VALKEY080) into Valkey 9.1.2 (n), restored as they are, and `redis-cli --pipe` of
# the dataset's RESTORE commands into each server (pv, pr), with no client cost to speak of:
# (v)/(n) is what the restamping costs, (pv)/(pr) how fast the two servers take RESTORE on this
# machine, the ceiling of (v)/(r) for any client.
#
# peers part (only with BENCH_MODE=peers): the rdb part's dataset (BENCH_KEYS keys), BENCH_PEERS_ROUNDS
# rounds (default 5), each run into a fresh Debian redis-server, alternating within a round:
#   p.  `redis-cli --pipe` of the dataset's RESTORE commands (the reference);
#   o.  ours: `rdb dump.rdb` through the launcher (restore path);
#   lr. librdb's `rdb-cli dump.rdb redis -r -l 1000` (RESTORE), lc. the same without -r (commands);
#   w.  ours: `rdb` of the dataset saved again by Redis 7.4.1 (RDB 12), which Debian's 7.0 cannot
#       restore as it is: payloads restamped, or values rewritten (in plain encodings or as
#       commands); lw. librdb's command mode on that file;
#   s.  ours: `scan` from a source started on dump.rdb.
#   Each run prints keys/s, the destination's CPU per key (from /proc/PID/stat) and our peak RSS.
#   Targets: medians of o/p >= 0.8, o/lr >= 1.15, max - min of o/p <= 0.15, w/lw >= 1.3,
#   s/p >= 0.7, peak RSS < 256 MB. librdb (redis/librdb v2.1.0+, built with make) is found
#   through LIBRDB_CLI; without it its runs are skipped and the script says how to build one.
#
# aof part (only with BENCH_MODE=aof): BENCH_KEYS keys (default 1,000,000) of the rdb part's
# generator and type mix, sent with redis-cli --pipe to a redis-server with appendonly yes,
# aof-use-rdb-preamble no and no automatic rewrite, so its appendonlydir holds them as commands
# (cached like the datasets; a SIGTERM lets Redis write the rest before the copy is kept). Then:
#   a. ours: time `scripts/redis-keys-migrator aof appendonlydir` into an empty server (keys/s,
#      wall time, JVM start-up included);
#   b. redis-server started on a copy of the same appendonlydir, timed from its start until it
#      answers PING (LOADING before), i.e. its own load; its log's "DB loaded from append only
#      file: S seconds" is printed too.
#   then: (a) exit 0 and DBSIZE == N on both, a 1000-key sample of (a) compared with (b) (DUMP
#   and expiry), and the ratio (a)/(b) of keys/s, for information (no target: (b) reads a local
#   file into its own memory, (a) also sends every key over the network).
#
# Environment:
#   BENCH_MODE=M        rdb, scan, sync, cluster, live, cross, peers, aof, verify, lzf, resume, or
#                       all (default all: rdb, scan, then sync; verify runs scripts/bench-verify.sh,
#                       resume scripts/bench-resume.sh)
#   BENCH_PEERS_ROUNDS=N rounds of the peers part (default 5)
#   LIBRDB_CLI=FILE     librdb's rdb-cli for the peers part
#   BENCH_LIVE_KEYS=N   keys in the live part's dataset (default 100000)
#   BENCH_STEADY_RATE=N writes/s of the live part's steady load (default 20000)
#   BENCH_STEADY_SECS=S seconds of the steady load, per mode (default 30)
#   BENCH_STEADY_KEYS=N keys the steady load writes to (default 100000)
#   BENCH_SYNC_KEYS=N   keys in the sync part's snapshot (default: BENCH_KEYS)
#   BENCH_SYNC_LIVE=N   requests redis-benchmark sends in the sync part's live phase
#                       (default 300000, -t set,lpush,hset -P 16)
#   BENCH_KEYS=N        keys in the rdb part's dataset (default 1000000)
#   BENCH_SCAN_KEYS=N   keys in the scan part's dataset (default 100000)
#   BENCH_SEED=S        dataset seed (default 42)
#   BENCH_CACHE=DIR     dataset cache (default /tmp/rkm-bench-cache)
#   BENCH_REGEN=1       regenerate the datasets even if cached
#   BENCH_KEEP=1        keep the temp dir (outputs, logs, report.json)
#   BENCH_RUN_TIMEOUT=S stop a timed run of the scan part after S seconds (default 1800)
#   BENCH_JAVA_OPTS=..  JVM options for the launcher runs (b, s, d) instead of
#                       the launcher's, e.g. "-Xmx256m"
#   RKM_JAR=FILE        use this jar instead of app/target/redis-keys-migrator.jar
#                       (then nothing is built). Either way the runs use a copy
#                       in the temp dir, so a rebuild meanwhile cannot break them.
# The scan part needs a jar with the scan command, and Debian's python3-redis
# (python3-hiredis too, which the original script requires; both are installed
# with apt when missing). The scan part unsets the original script's
# environment variables (SOURCE_REDIS_HOST, SCAN_MATCH_PATTERN, SLEEP_TIME, ...)
# so both sides run with their defaults.
# Exit code: 0 when every check and target passes, 1 otherwise.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=redis-lib.sh
source "${SCRIPT_DIR}/redis-lib.sh"

MODE=${BENCH_MODE:-all}
N=${BENCH_KEYS:-1000000}
SCAN_N=${BENCH_SCAN_KEYS:-100000}
SYNC_LIVE=${BENCH_SYNC_LIVE:-300000}
SEED=${BENCH_SEED:-42}
CACHE=${BENCH_CACHE:-/tmp/rkm-bench-cache}
KEEP=${BENCH_KEEP:-0}
REGEN=${BENCH_REGEN:-0}
TARGET_RATIO=0.70
TARGET_RSS_MB=512
# scan part: keys/s of `scan` over keys/s of the key-by-key reference.
TARGET_SCAN_RATIO=50
SAMPLE=1000
# scan part: each timed run is stopped (and fails, exit 124) after this long.
RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-1800}
# TTLs in the dataset are 1-30 days from generation; regenerating a cache
# older than this keeps every key alive, so DBSIZE == N stays a valid check.
CACHE_MAX_AGE_S=$((12 * 3600))
# Bump when bench_data.py changes what it generates, so old caches are ignored.
DATASET_VERSION=1
# The original script's settings, which both the reference and `scan` read.
ORIGINAL_ENV=(SOURCE_REDIS_HOST SOURCE_REDIS_PORT SOURCE_REDIS_DB_INDEX SOURCE_REDIS_PASSWORD
  DESTINATION_REDIS_HOST DESTINATION_REDIS_PORT DESTINATION_REDIS_DB_INDEX
  DESTINATION_REDIS_PASSWORD SCAN_MATCH_PATTERN SCAN_BATCH_SIZE PIPELINE_BATCH_SIZE
  MAX_PROCESSED_EXISTING_KEYS_LIMIT SLEEP_TIME ERROR_LOG_FILENAME FILEMOD MAX_ERRORED_KEYS_LIMIT)

if [[ ${MODE} == verify ]]; then
  # verify has a script of its own; this keeps one entry point for every benchmark.
  exec bash "${SCRIPT_DIR}/bench-verify.sh"
fi
if [[ ${MODE} == resume ]]; then
  # The cost of a restart of `rdb --checkpoint` killed half-way; a script of its own.
  exec bash "${SCRIPT_DIR}/bench-resume.sh"
fi
if [[ ${MODE} == lzf ]]; then
  # A JMH micro-benchmark of the LZF decompressors, outside mvn verify.
  exec bash "${SCRIPT_DIR}/bench-lzf.sh"
fi
RUN_RDB=0 RUN_SCAN=0 RUN_SYNC=0 RUN_CLUSTER=0 RUN_LIVE=0 RUN_CROSS=0 RUN_PEERS=0 RUN_AOF=0
PEERS_ROUNDS=${BENCH_PEERS_ROUNDS:-5}
[[ ${PEERS_ROUNDS} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_PEERS_ROUNDS must be a positive integer"
CROSS_ROUNDS=${BENCH_CROSS_ROUNDS:-2}
[[ ${CROSS_ROUNDS} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_CROSS_ROUNDS must be a positive integer"
TARGET_CROSS_RATIO=0.90
LIVE_N=${BENCH_LIVE_KEYS:-100000}
[[ ${LIVE_N} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_LIVE_KEYS must be a positive integer"
STEADY_RATE=${BENCH_STEADY_RATE:-20000}
STEADY_SECS=${BENCH_STEADY_SECS:-30}
STEADY_KEYS=${BENCH_STEADY_KEYS:-100000}
[[ ${STEADY_RATE} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_STEADY_RATE must be a positive integer"
[[ ${STEADY_SECS} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_STEADY_SECS must be a positive integer"
[[ ${STEADY_KEYS} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_STEADY_KEYS must be a positive integer"
case ${MODE} in
  rdb) RUN_RDB=1 ;;
  scan) RUN_SCAN=1 ;;
  sync) RUN_SYNC=1 ;;
  cluster) RUN_CLUSTER=1 ;;
  live) RUN_LIVE=1 RUN_SYNC=1 ;;
  cross) RUN_CROSS=1 ;;
  peers) RUN_PEERS=1 ;;
  aof) RUN_AOF=1 ;;
  all) RUN_RDB=1 RUN_SCAN=1 RUN_SYNC=1 ;;
  *) rkm_die "BENCH_MODE must be rdb, scan, sync, cluster, live, cross, peers, aof or all, got '${MODE}'" ;;
esac
if ((RUN_LIVE)); then
  SYNC_N=${BENCH_SYNC_KEYS:-${LIVE_N}}
else
  SYNC_N=${BENCH_SYNC_KEYS:-${N}}
fi
[[ ${SYNC_N} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_SYNC_KEYS must be a positive integer"
[[ ${SYNC_LIVE} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_SYNC_LIVE must be a positive integer"
[[ ${N} =~ ^[1-9][0-9]*$ ]] || rkm_die "BENCH_KEYS must be a positive integer, got '${N}'"
[[ ${SCAN_N} =~ ^[1-9][0-9]*$ ]] ||
  rkm_die "BENCH_SCAN_KEYS must be a positive integer, got '${SCAN_N}'"
[[ ${RUN_TIMEOUT} =~ ^[1-9][0-9]*$ ]] ||
  rkm_die "BENCH_RUN_TIMEOUT must be a positive number of seconds, got '${RUN_TIMEOUT}'"
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
if ((RUN_LIVE)); then
  command -v curl >/dev/null 2>&1 || rkm_apt_install curl
fi
if ((RUN_SCAN)) && ! "${RKM_PY}" -c 'import hiredis' >/dev/null 2>&1; then
  # The original script's requirements.txt installs hiredis; without it
  # redis-py parses replies in Python and the reference would be slower than
  # the script it stands for.
  rkm_apt_install python3-hiredis
fi

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

# Every run uses a copy of the jar: a rebuild during the benchmark (which
# deletes and rewrites app/target) cannot change or break it mid-way.
cp -- "${JAR}" "${TMP}/redis-keys-migrator.jar" || rkm_die "cannot copy ${JAR}"
rkm_log "jar: ${JAR} (runs use a copy in ${TMP})"
JAR=${TMP}/redis-keys-migrator.jar
export RKM_JAR="${JAR}"
if [[ -n ${BENCH_JAVA_OPTS:-} ]]; then
  export RKM_JAVA_OPTS="${BENCH_JAVA_OPTS}"
fi
if ((RUN_SCAN)); then
  # A jar without the command answers `scan --help` with the top-level usage
  # (and exit 0), so look for the command's own usage line.
  SCAN_HELP=$(java -jar "${JAR}" scan --help 2>&1 || true)
  [[ ${SCAN_HELP} == *"Usage: redis-keys-migrator scan"* ]] ||
    rkm_die "this jar has no scan command (BENCH_MODE=${MODE} needs it; BENCH_MODE=rdb does not)"
fi

now_s() { date +%s.%N; }
# elapsed START END -> seconds with 3 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# rate KEYS SECONDS -> keys/s, integer
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
# ratio X Y -> X/Y with 2 decimals (0 when Y is 0)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2f", (y > 0 ? x / y : 0) }'; }
# at_least X T -> 1 when X >= T, else 0
at_least() { awk -v x="$1" -v t="$2" 'BEGIN { print (x >= t) ? 1 : 0 }'; }
# peak_rss_mb FILE -> the peak RSS in MB from a `/usr/bin/time -v` output file
peak_rss_mb() {
  local kb
  kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1" 2>/dev/null || true)
  awk -v k="${kb:-0}" 'BEGIN { printf "%.1f", k / 1024 }'
}
dbsize() { rkm_cli "$1" DBSIZE | tr -d '\r'; }
verdict() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
line() { printf '%-14s %-62s %s\n' "$1" "$2" "${3:-}"; }
# kv FILE NAME -> the value of NAME=... in FILE (written by bench_data.py --kv)
kv() { sed -n "s/^$2=//p" "$1" 2>/dev/null || true; }

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
DS='' DS_TMP='' RDB_MB=''
dataset_ok() {
  local created
  [[ -s ${DS}/dump.rdb && -s ${DS}/restore.resp && -s ${DS}/meta ]] || return 1
  created=$(sed -n 's/^created_s=//p' "${DS}/meta")
  [[ ${created} =~ ^[0-9]+$ ]] || return 1
  (($(date +%s) - created < CACHE_MAX_AGE_S))
}

# prepare_dataset KEYS: sets DS to the cached dataset of KEYS keys (made if
# missing or stale) and RDB_MB to the size of its dump.rdb.
prepare_dataset() {
  local n=$1 created_s gen_cmds src_port src_pid got
  DS=${CACHE}/keys-${n}-seed-${SEED}-v${DATASET_VERSION}
  if [[ ${REGEN} != 1 ]] && dataset_ok; then
    rkm_log "dataset: cached ${DS}"
  else
    rkm_log "dataset: generating ${n} keys (seed ${SEED}) into ${DS}"
    DS_TMP=${DS}.tmp.$$
    rm -rf "${DS_TMP}"
    mkdir -p "${DS_TMP}"
    created_s=$(date +%s)
    # Prints how many commands it wrote (one per key, plus one per PEXPIREAT).
    gen_cmds=$("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" gen --keys "${n}" --seed "${SEED}" \
      --out "${TMP}/gen.resp")

    rkm_start_redis "${TMP}/source-${n}"
    src_port=${RKM_REDIS_PORT}
    src_pid=${RKM_REDIS_PID}
    rkm_log "source: redis-server (pid ${src_pid}) on ${RKM_REDIS_HOST}:${src_port}; loading"
    rkm_cli "${src_port}" --pipe <"${TMP}/gen.resp" >"${TMP}/gen.pipe.out" 2>&1 || true
    check_pipe_output "${TMP}/gen.pipe.out" "${gen_cmds}"
    rm -f "${TMP}/gen.resp"
    got=$(dbsize "${src_port}")
    [[ ${got} == "${n}" ]] || rkm_die "source has ${got} keys after loading, expected ${n}"

    # SAVE is synchronous: dump.rdb is complete once it answers OK.
    [[ $(rkm_cli "${src_port}" SAVE) == OK ]] || rkm_die "SAVE failed on the source"
    mv "${TMP}/source-${n}/dump.rdb" "${DS_TMP}/dump.rdb"
    "${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" restore --port "${src_port}" --keys "${n}" \
      --out "${DS_TMP}/restore.resp"
    rkm_stop_redis "${src_pid}"

    printf 'keys=%s\nseed=%s\ncreated_s=%s\nredis=%s\n' "${n}" "${SEED}" "${created_s}" \
      "$(redis-server --version | awk '{print $3}')" >"${DS_TMP}/meta"
    rm -rf "${DS}"
    mv "${DS_TMP}" "${DS}"
    DS_TMP=''
  fi
  RDB_MB=$(awk -v b="$(wc -c <"${DS}/dump.rdb")" 'BEGIN { printf "%.1f", b / 1048576 }')
  rkm_log "dataset: dump.rdb ${RDB_MB} MB, restore.resp $(awk -v b="$(wc -c <"${DS}/restore.resp")" 'BEGIN { printf "%.1f", b / 1048576 }') MB"
}

# =============================================================================
# rdb part
# =============================================================================
RDB_ALL_OK=1
run_rdb_part() {
  prepare_dataset "${N}"

  # --- a. reference: redis-cli --pipe of RESTORE commands -------------------
  rkm_start_redis "${TMP}/dest-a"
  A_PORT=${RKM_REDIS_PORT}
  A_PID=${RKM_REDIS_PID}
  rkm_log "(a) reference: redis-cli --pipe < restore.resp into ${RKM_REDIS_HOST}:${A_PORT}"
  t0=$(now_s)
  rkm_cli "${A_PORT}" --pipe <"${DS}/restore.resp" >"${TMP}/a.pipe.out" 2>&1 || true
  t1=$(now_s)
  check_pipe_output "${TMP}/a.pipe.out" "${N}"
  A_SECS=$(elapsed "${t0}" "${t1}")
  A_RATE=$(rate "${N}" "${A_SECS}")
  A_DBSIZE=$(dbsize "${A_PORT}")
  rkm_log "(a) ${A_SECS} s, ${A_RATE} keys/s, DBSIZE ${A_DBSIZE}"

  # --- b. ours: java -jar ... rdb --------------------------------------------
  rkm_start_redis "${TMP}/dest-b"
  B_PORT=${RKM_REDIS_PORT}
  B_PID=${RKM_REDIS_PID}
  B_CMD=("${SCRIPT_DIR}/redis-keys-migrator" rdb "${DS}/dump.rdb"
    --to "redis://${RKM_REDIS_HOST}:${B_PORT}" --report "${TMP}/report.json" --progress never)
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

  # --- c. for information: plain java -jar -----------------------------------
  rkm_start_redis "${TMP}/dest-c"
  C_PORT=${RKM_REDIS_PORT}
  C_PID=${RKM_REDIS_PID}
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

  # --- checks ---------------------------------------------------------------
  echo "--- sample comparison (a) vs (b)"
  CMP_RC=0
  "${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" compare --port-a "${A_PORT}" --port-b "${B_PORT}" \
    --keys "${N}" --seed "${SEED}" --sample "${SAMPLE}" || CMP_RC=$?

  RATIO=$(awk -v b="${B_RATE}" -v a="${A_RATE}" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
  RATIO_OK=$(awk -v r="${RATIO}" -v t="${TARGET_RATIO}" 'BEGIN { print (r >= t) ? 1 : 0 }')
  RSS_OK=$(awk -v r="${RSS_MB}" -v k="${RSS_KB:-}" -v t="${TARGET_RSS_MB}" \
    'BEGIN { print (k != "" && r < t) ? 1 : 0 }')
  A_OK=$([[ ${A_DBSIZE} == "${N}" ]] && echo 1 || echo 0)
  B_OK=$([[ ${B_RC} == 0 && ${B_DBSIZE} == "${N}" ]] && echo 1 || echo 0)
  CMP_OK=$([[ ${CMP_RC} == 0 ]] && echo 1 || echo 0)

  for ok in "${RATIO_OK}" "${RSS_OK}" "${A_OK}" "${B_OK}" "${CMP_OK}"; do
    [[ ${ok} == 1 ]] || RDB_ALL_OK=0
  done

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
  line "overall" "" "$(verdict "${RDB_ALL_OK}")"
  echo "======================================================================="

  # The scan part, if any, should not share the machine with these servers.
  rkm_stop_redis "${A_PID}"
  rkm_stop_redis "${B_PID}"
  rkm_stop_redis "${C_PID}"
}

# =============================================================================
# scan part
# =============================================================================
SCAN_ALL_OK=1

# wait_loaded PORT KEYS: waits (bounded) until the server has finished loading
# its dump.rdb, then checks it holds KEYS keys.
wait_loaded() {
  local port=$1 want=$2 i loading='' got
  for ((i = 0; i < 1200; i++)); do
    loading=$(rkm_cli "${port}" INFO persistence 2>/dev/null | tr -d '\r' | sed -n 's/^loading://p')
    [[ ${loading} == 0 ]] && break
    sleep 0.1
  done
  [[ ${loading} == 0 ]] || rkm_die "the source on port ${port} is still loading after 120 s"
  got=$(dbsize "${port}")
  [[ ${got} == "${want}" ]] || rkm_die "the source has ${got} keys after loading dump.rdb, expected ${want}"
}

# print_run_output NAME OUT ERR: what a timed program printed.
print_run_output() {
  echo "--- $1 stdout"
  cat "$2"
  if [[ -s $3 ]]; then
    echo "--- $1 stderr (last 20 lines)"
    tail -n 20 "$3"
  fi
}

run_scan_part() {
  local n=${SCAN_N} v t0 t1 src_uri
  prepare_dataset "${n}"
  local rdb="${DS}/dump.rdb"
  # Both programs read the original script's variables; the runs below must
  # not pick up whatever the calling shell has set.
  for v in "${ORIGINAL_ENV[@]}"; do
    unset "${v}"
  done

  # --- 0. source: a redis-server started on a copy of dump.rdb -------------
  mkdir -p "${TMP}/scan-source"
  cp -- "${rdb}" "${TMP}/scan-source/dump.rdb"
  rkm_start_redis "${TMP}/scan-source" --dbfilename dump.rdb
  SRC_PORT=${RKM_REDIS_PORT}
  rkm_log "scan source: redis-server (pid ${RKM_REDIS_PID}) on ${RKM_REDIS_HOST}:${SRC_PORT}, loading dump.rdb"
  wait_loaded "${SRC_PORT}" "${n}"
  src_uri="redis://${RKM_REDIS_HOST}:${SRC_PORT}"

  # --- r. reference: key by key, as the original script ---------------------
  rkm_start_redis "${TMP}/scan-dest-r"
  R_PORT=${RKM_REDIS_PORT}
  R_CMD=(env "SOURCE_REDIS_HOST=${RKM_REDIS_HOST}" "SOURCE_REDIS_PORT=${SRC_PORT}"
    "DESTINATION_REDIS_HOST=${RKM_REDIS_HOST}" "DESTINATION_REDIS_PORT=${R_PORT}"
    "${RKM_PY}" "${SCRIPT_DIR}/reference_migrator.py")
  rkm_log "(r) reference: ${R_CMD[*]}"
  R_RC=0
  t0=$(now_s)
  /usr/bin/time -v -o "${TMP}/r.time" timeout --foreground "${RUN_TIMEOUT}" "${R_CMD[@]}" >"${TMP}/r.out" 2>"${TMP}/r.err" || R_RC=$?
  t1=$(now_s)
  R_SECS=$(elapsed "${t0}" "${t1}")
  R_RATE=$(rate "${n}" "${R_SECS}")
  R_RSS_MB=$(peak_rss_mb "${TMP}/r.time")
  R_DBSIZE=$(dbsize "${R_PORT}")
  rkm_log "(r) ${R_SECS} s, ${R_RATE} keys/s, exit ${R_RC}, peak RSS ${R_RSS_MB} MB, DBSIZE ${R_DBSIZE}"
  print_run_output reference "${TMP}/r.out" "${TMP}/r.err"

  # --- s. ours: scan from the live source ------------------------------------
  rkm_start_redis "${TMP}/scan-dest-s"
  S_PORT=${RKM_REDIS_PORT}
  S_CMD=("${SCRIPT_DIR}/redis-keys-migrator" scan --from "${src_uri}"
    --to "redis://${RKM_REDIS_HOST}:${S_PORT}" --report "${TMP}/scan-report.json" --progress never)
  rkm_log "(s) ours: ${S_CMD[*]}"
  S_RC=0
  t0=$(now_s)
  # From the temp dir, so a default error log lands there, not in the checkout.
  (cd "${TMP}" && /usr/bin/time -v -o "${TMP}/s.time" timeout --foreground "${RUN_TIMEOUT}" "${S_CMD[@]}" >"${TMP}/s.out" 2>"${TMP}/s.err") ||
    S_RC=$?
  t1=$(now_s)
  S_SECS=$(elapsed "${t0}" "${t1}")
  S_RATE=$(rate "${n}" "${S_SECS}")
  S_RSS_MB=$(peak_rss_mb "${TMP}/s.time")
  S_DBSIZE=$(dbsize "${S_PORT}")
  rkm_log "(s) ${S_SECS} s, ${S_RATE} keys/s, exit ${S_RC}, peak RSS ${S_RSS_MB} MB, DBSIZE ${S_DBSIZE}"
  print_run_output "scan" "${TMP}/s.out" "${TMP}/s.err"

  # --- d. ours, offline: rdb on the source's dump.rdb ------------------------
  rkm_start_redis "${TMP}/scan-dest-d"
  D_PORT=${RKM_REDIS_PORT}
  D_CMD=("${SCRIPT_DIR}/redis-keys-migrator" rdb "${rdb}"
    --to "redis://${RKM_REDIS_HOST}:${D_PORT}" --report "${TMP}/scan-rdb-report.json" --progress never)
  rkm_log "(d) ours: ${D_CMD[*]}"
  D_RC=0
  t0=$(now_s)
  (cd "${TMP}" && /usr/bin/time -v -o "${TMP}/d.time" timeout --foreground "${RUN_TIMEOUT}" "${D_CMD[@]}" >"${TMP}/d.out" 2>"${TMP}/d.err") ||
    D_RC=$?
  t1=$(now_s)
  D_SECS=$(elapsed "${t0}" "${t1}")
  D_RATE=$(rate "${n}" "${D_SECS}")
  D_RSS_MB=$(peak_rss_mb "${TMP}/d.time")
  D_DBSIZE=$(dbsize "${D_PORT}")
  rkm_log "(d) ${D_SECS} s, ${D_RATE} keys/s, exit ${D_RC}, peak RSS ${D_RSS_MB} MB, DBSIZE ${D_DBSIZE}"
  print_run_output "rdb" "${TMP}/d.out" "${TMP}/d.err"

  # --- p. for information: the floor, redis-cli --pipe of ready RESTOREs ----
  # What writing these keys costs the destination alone; the best ratio (s)/(r)
  # this machine allows is (r)'s time over this.
  rkm_start_redis "${TMP}/scan-dest-p"
  P_PORT=${RKM_REDIS_PORT}
  t0=$(now_s)
  rkm_cli "${P_PORT}" --pipe <"${DS}/restore.resp" >"${TMP}/p.pipe.out" 2>&1 || true
  t1=$(now_s)
  check_pipe_output "${TMP}/p.pipe.out" "${n}"
  P_SECS=$(elapsed "${t0}" "${t1}")
  P_RATE=$(rate "${n}" "${P_SECS}")
  rkm_log "(p) redis-cli --pipe RESTORE: ${P_SECS} s, ${P_RATE} keys/s"

  # --- checks ---------------------------------------------------------------
  local compare=("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" compare --port-a "${SRC_PORT}"
    --keys "${n}" --seed "${SEED}" --sample "${SAMPLE}")
  echo "--- sample comparison source vs (s) scan: values and expiry"
  S_CMP_RC=0
  "${compare[@]}" --port-b "${S_PORT}" --kv "${TMP}/s.cmp" || S_CMP_RC=$?
  echo "--- sample comparison source vs (r) reference: values (expiry counted)"
  R_CMP_RC=0
  "${compare[@]}" --port-b "${R_PORT}" --ttl count --kv "${TMP}/r.cmp" || R_CMP_RC=$?
  echo "--- sample comparison source vs (d) rdb: values and expiry"
  D_CMP_RC=0
  "${compare[@]}" --port-b "${D_PORT}" --kv "${TMP}/d.cmp" || D_CMP_RC=$?

  SAMPLE_N=$(kv "${TMP}/s.cmp" sample)
  S_TTL=$(kv "${TMP}/s.cmp" with_ttl)
  R_TTL=$(kv "${TMP}/r.cmp" with_ttl)
  R_TTL_LOST=$(kv "${TMP}/r.cmp" ttl_lost)
  R_TTL_KEPT=$(kv "${TMP}/r.cmp" ttl_kept)

  SCAN_RATIO=$(ratio "${S_RATE}" "${R_RATE}")
  SCAN_RDB_RATIO=$(ratio "${S_RATE}" "${D_RATE}")
  CEILING_RATIO=$(ratio "${P_RATE}" "${R_RATE}")
  SCAN_RATIO_OK=$(at_least "${SCAN_RATIO}" "${TARGET_SCAN_RATIO}")
  R_OK=$([[ ${R_RC} == 0 && ${R_DBSIZE} == "${n}" ]] && echo 1 || echo 0)
  S_OK=$([[ ${S_RC} == 0 && ${S_DBSIZE} == "${n}" ]] && echo 1 || echo 0)
  D_OK=$([[ ${D_RC} == 0 && ${D_DBSIZE} == "${n}" ]] && echo 1 || echo 0)
  S_CMP_OK=$([[ ${S_CMP_RC} == 0 ]] && echo 1 || echo 0)
  R_CMP_OK=$([[ ${R_CMP_RC} == 0 ]] && echo 1 || echo 0)
  D_CMP_OK=$([[ ${D_CMP_RC} == 0 ]] && echo 1 || echo 0)
  local ok
  for ok in "${SCAN_RATIO_OK}" "${R_OK}" "${S_OK}" "${D_OK}" "${S_CMP_OK}" "${R_CMP_OK}" "${D_CMP_OK}"; do
    [[ ${ok} == 1 ]] || SCAN_ALL_OK=0
  done

  echo
  echo "================= redis-keys-migrator scan benchmark =================="
  line "dataset" "${n} keys (seed ${SEED}), dump.rdb ${RDB_MB} MB"
  line "" "${DS}"
  line "(r) reference" "reference_migrator.py: ${R_SECS} s, ${R_RATE} keys/s, DBSIZE ${R_DBSIZE}, exit ${R_RC}" "$(verdict "${R_OK}")"
  line "(s) ours" "launcher scan: ${S_SECS} s, ${S_RATE} keys/s, DBSIZE ${S_DBSIZE}, exit ${S_RC}" "$(verdict "${S_OK}")"
  line "(d) ours" "launcher rdb: ${D_SECS} s, ${D_RATE} keys/s, DBSIZE ${D_DBSIZE}, exit ${D_RC}" "$(verdict "${D_OK}")"
  line "check (s)" "${SAMPLE_N:-?} keys (${S_TTL:-?} with TTL): values and expiry match source" "$(verdict "${S_CMP_OK}")"
  line "check (r)" "${SAMPLE_N:-?} keys: values match source" "$(verdict "${R_CMP_OK}")"
  line "" "TTLs lost by (r): ${R_TTL_LOST:-?} of ${R_TTL:-?} sample keys with a TTL (kept ${R_TTL_KEPT:-?})"
  line "check (d)" "${SAMPLE_N:-?} keys: values and expiry match source" "$(verdict "${D_CMP_OK}")"
  line "ratio (s)/(r)" "${SCAN_RATIO} (target >= ${TARGET_SCAN_RATIO})" "$(verdict "${SCAN_RATIO_OK}")"
  line "ratio (s)/(d)" "${SCAN_RDB_RATIO} (scan vs rdb, for information)"
  line "(p) info" "redis-cli --pipe RESTORE: ${P_SECS} s, ${P_RATE} keys/s; (p)/(r) ${CEILING_RATIO}"
  line "peak RSS" "(s) ${S_RSS_MB} MB, (d) ${D_RSS_MB} MB, (r) ${R_RSS_MB} MB (for information)"
  line "overall" "" "$(verdict "${SCAN_ALL_OK}")"
  echo "======================================================================="
}

# --- sync part ----------------------------------------------------------------
# Snapshot phase: `sync` on a source loaded with the dataset, until its checkpoint appears
# (snapshot written, live stream started), against `rdb` of the same dump.rdb, same run. Live
# phase: redis-benchmark writes to the source while sync follows; commands/s applied is the
# number of commands the report says were applied over the time from the benchmark's start to
# the checkpoint reaching the source's replication offset.
SYNC_ALL_OK=1
checkpoint_offset() { sed -n 's/^offset=//p' "$1" 2>/dev/null || echo -1; }
repl_offset() { rkm_cli "$1" INFO replication | tr -d '\r' | sed -n 's/^master_repl_offset://p'; }

run_sync_part() {
  local n=${SYNC_N} t0 t1 i pid target rc=0
  prepare_dataset "${n}"
  mkdir -p "${TMP}/sync-source"
  cp -- "${DS}/dump.rdb" "${TMP}/sync-source/dump.rdb"
  rkm_start_redis "${TMP}/sync-source" --dbfilename dump.rdb \
    --repl-diskless-sync-delay 0 --repl-backlog-size 256mb
  local src=${RKM_REDIS_PORT}
  wait_loaded "${src}" "${n}"

  # --- d. rdb of the same data, for the snapshot comparison -------------------
  rkm_start_redis "${TMP}/sync-dest-d"
  local d_port=${RKM_REDIS_PORT}
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" rdb "${DS}/dump.rdb" --to "redis://${RKM_REDIS_HOST}:${d_port}" \
    --progress never --error-log "${TMP}/sync-d-errors.log" >"${TMP}/sync-d.out" 2>&1 || rc=$?
  t1=$(now_s)
  SD_SECS=$(elapsed "${t0}" "${t1}")
  SD_RATE=$(rate "${n}" "${SD_SECS}")
  [[ ${rc} == 0 && $(dbsize "${d_port}") == "${n}" ]] || SYNC_ALL_OK=0
  rkm_log "(d) rdb ${SD_SECS} s, ${SD_RATE} keys/s, exit ${rc}"

  # --- y. sync: snapshot, then live ------------------------------------------
  rkm_start_redis "${TMP}/sync-dest-y"
  local y_port=${RKM_REDIS_PORT} cp="${TMP}/sync.checkpoint"
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" sync --from "redis://${RKM_REDIS_HOST}:${src}" \
    --to "redis://${RKM_REDIS_HOST}:${y_port}" --checkpoint "${cp}" --report "${TMP}/sync.json" \
    --progress never --error-log "${TMP}/sync-errors.log" >"${TMP}/sync.out" 2>"${TMP}/sync.err" &
  pid=$!
  for ((i = 0; i < 6000; i++)); do
    [[ -s ${cp} ]] && break
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.05
  done
  t1=$(now_s)
  [[ -s ${cp} ]] || { SYNC_ALL_OK=0; tail -n 20 "${TMP}/sync.err" >&2; }
  SY_SECS=$(elapsed "${t0}" "${t1}")
  SY_RATE=$(rate "${n}" "${SY_SECS}")
  rkm_log "(y) sync snapshot ${SY_SECS} s, ${SY_RATE} keys/s"

  t0=$(now_s)
  redis-benchmark -h "${RKM_REDIS_HOST}" -p "${src}" -t set,lpush,hset -P 16 -r 100000 \
    -n "${SYNC_LIVE}" -q >"${TMP}/sync-benchmark.out" 2>&1 || SYNC_ALL_OK=0
  local tb
  tb=$(now_s)
  target=$(repl_offset "${src}")
  for ((i = 0; i < 6000; i++)); do
    (($(checkpoint_offset "${cp}") >= target)) && break
    sleep 0.05
  done
  t1=$(now_s)
  (($(checkpoint_offset "${cp}") >= target)) || SYNC_ALL_OK=0
  kill -TERM "${pid}" 2>/dev/null || true
  rc=0
  wait "${pid}" || rc=$?
  [[ ${rc} == 130 ]] || SYNC_ALL_OK=0
  local applied
  applied=$(sed -n 's/.*"commands_applied":\([0-9]*\).*/\1/p' "${TMP}/sync.json")
  SL_SECS=$(elapsed "${t0}" "${t1}")
  SL_RATE=$(rate "${applied:-0}" "${SL_SECS}")
  SB_SECS=$(elapsed "${t0}" "${tb}")
  SB_RATE=$(rate "${SYNC_LIVE}" "${SB_SECS}")
  local src_keys y_keys
  src_keys=$(dbsize "${src}")
  y_keys=$(dbsize "${y_port}")
  # The checkpoint key is ours: one more key at the destination.
  [[ $((y_keys - 1)) == "${src_keys}" ]] || SYNC_ALL_OK=0
  SYNC_RATIO=$(ratio "${SY_RATE}" "${SD_RATE}")
  rkm_log "(y) live: ${applied:-?} commands applied in ${SL_SECS} s; sync exit ${rc}"

  echo
  echo "================= redis-keys-migrator sync benchmark =================="
  line "dataset" "${n} keys (seed ${SEED}), dump.rdb ${RDB_MB} MB"
  line "(d) rdb" "${SD_SECS} s, ${SD_RATE} keys/s"
  line "(y) snapshot" "sync until the stream starts: ${SY_SECS} s, ${SY_RATE} keys/s"
  line "ratio (y)/(d)" "${SYNC_RATIO} (snapshot phase vs rdb, for information)"
  line "live load" "redis-benchmark -t set,lpush,hset -P 16: ${SYNC_LIVE} requests in ${SB_SECS} s (${SB_RATE}/s)"
  line "live applied" "${applied:-?} commands, caught up ${SL_SECS} s after the load started: ${SL_RATE} commands/s"
  line "end state" "source ${src_keys} keys, destination ${y_keys} (incl. the checkpoint key), exit ${rc}"
  line "overall" "" "$(verdict "${SYNC_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# live part
# =============================================================================
LIVE_ALL_OK=1
# Issue 27: live re-reads per second at least this times the first pass's keys per second.
TARGET_LIVE_RATIO=0.80
# The metrics this script reads or knows (those of the jar when it was written); any other rkm_
# sample is printed as it is, so a newer jar's metrics show up without a change here.
KNOWN_METRICS='rkm_(keys_read_total|keys_written_total|keys_skipped_total|key_errors_total|live_commands_applied_total|live_commands_failed_total|failovers_total|resumed|keys_skipped_by_resume_total|lag_items|lag_seconds|snapshot_done|source_changes_total|reconnects_total)'
# scrape URL -> the /metrics text, or nothing when the endpoint does not answer
scrape() { curl -s --max-time 2 "$1" 2>/dev/null || true; }
# mval TEXT NAME -> the value of the unlabelled sample NAME in TEXT
mval() { awk -v n="$2" '$1 == n { print $2; exit }' <<<"$1"; }
# other_metrics TEXT -> the rkm_ samples this script does not know, as "name=value, ..."
other_metrics() {
  grep -E '^rkm_' <<<"$1" | grep -Ev "^${KNOWN_METRICS}[ {]" |
    awk '{ printf "%s%s=%s", (NR > 1 ? ", " : ""), $1, $2 }' || true
}
# metric URL NAME -> the sample's value, or empty when the endpoint does not answer
metric() { mval "$(scrape "$1")" "$2"; }
# max_of X Y -> the larger, as a number
max_of() { awk -v x="$1" -v y="$2" 'BEGIN { print (x + 0 > y + 0) ? x : y }'; }
# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

run_live_part() {
  local n=${LIVE_N} t0 t1 tb i pid url rc=0 pending lag max_pending=0 max_lag=0 samples=0
  prepare_dataset "${n}"
  mkdir -p "${TMP}/live-source"
  cp -- "${DS}/dump.rdb" "${TMP}/live-source/dump.rdb"
  rkm_start_redis "${TMP}/live-source" --dbfilename dump.rdb --notify-keyspace-events KEA
  local src=${RKM_REDIS_PORT}
  wait_loaded "${src}" "${n}"
  rkm_start_redis "${TMP}/live-dest"
  local dst=${RKM_REDIS_PORT}

  # --- l. scan --live under load ----------------------------------------------
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" scan --from "redis://${RKM_REDIS_HOST}:${src}" \
    --to "redis://${RKM_REDIS_HOST}:${dst}" --live --metrics-port 0 --report "${TMP}/live.json" \
    --progress never --error-log "${TMP}/live-errors.log" >"${TMP}/live.out" 2>"${TMP}/live.err" &
  pid=$!
  url=''
  for ((i = 0; i < 6000; i++)); do
    url=${url:-$(sed -n 's/^metrics: //p' "${TMP}/live.err" 2>/dev/null || true)}
    [[ -n ${url} && $(metric "${url}" rkm_snapshot_done) == 1.0 ]] && break
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.05
  done
  t1=$(now_s)
  [[ -n ${url} && $(metric "${url}" rkm_snapshot_done) == 1.0 ]] ||
    { LIVE_ALL_OK=0; tail -n 20 "${TMP}/live.err" >&2; }
  LP_SECS=$(elapsed "${t0}" "${t1}")
  LP_RATE=$(rate "${n}" "${LP_SECS}")
  local written0
  written0=$(metric "${url}" rkm_keys_written_total)
  rkm_log "(l) first pass ${LP_SECS} s, ${LP_RATE} keys/s"

  t0=$(now_s)
  redis-benchmark -h "${RKM_REDIS_HOST}" -p "${src}" -t set,lpush,hset -P 16 -r 100000 \
    -n "${SYNC_LIVE}" -q >"${TMP}/live-benchmark.out" 2>&1 &
  local bench=$! text
  # One line per look at /metrics: time, keys pending, lag s, keys written.
  : >"${TMP}/live-samples"
  while kill -0 "${bench}" 2>/dev/null; do
    text=$(scrape "${url}")
    pending=$(mval "${text}" rkm_lag_items)
    lag=$(mval "${text}" rkm_lag_seconds)
    echo "$(now_s) ${pending:-0} ${lag:-0} $(mval "${text}" rkm_keys_written_total)" >>"${TMP}/live-samples"
    max_pending=$(max_of "${max_pending}" "${pending:-0}")
    max_lag=$(max_of "${max_lag}" "${lag:-0}")
    samples=$((samples + 1))
    sleep 0.2
  done
  wait "${bench}" || LIVE_ALL_OK=0
  tb=$(now_s)
  for ((i = 0; i < 6000; i++)); do
    text=$(scrape "${url}")
    echo "$(now_s) $(mval "${text}" rkm_lag_items) $(mval "${text}" rkm_lag_seconds) $(mval "${text}" rkm_keys_written_total)" >>"${TMP}/live-samples"
    [[ $(mval "${text}" rkm_lag_items) == 0.0 ]] && break
    sleep 0.05
  done
  t1=$(now_s)
  [[ $(metric "${url}" rkm_lag_items) == 0.0 ]] || LIVE_ALL_OK=0
  local written1 changes others
  text=$(scrape "${url}")
  written1=$(mval "${text}" rkm_keys_written_total)
  changes=$(mval "${text}" rkm_source_changes_total)
  others=$(other_metrics "${text}")
  kill -TERM "${pid}" 2>/dev/null || true
  rc=0
  wait "${pid}" || rc=$?
  [[ ${rc} == 130 ]] || LIVE_ALL_OK=0
  local rereads
  rereads=$(awk -v a="${written1:-0}" -v b="${written0:-0}" 'BEGIN { printf "%.0f", a - b }')
  LL_SECS=$(elapsed "${t0}" "${t1}")
  LL_RATE=$(rate "${rereads}" "${LL_SECS}")
  LB_SECS=$(elapsed "${t0}" "${tb}")
  LD_SECS=$(elapsed "${tb}" "${t1}")
  # Issue 27's target: live re-reads/s over the first pass's keys/s. For information, the
  # re-read rate while keys were waiting (between two looks that both saw some pending), which
  # the load's own pace cannot cap.
  local live_ratio live_ratio_ok backlog_rate
  live_ratio=$(ratio "${LL_RATE}" "${LP_RATE}")
  live_ratio_ok=$(at_least "${live_ratio}" "${TARGET_LIVE_RATIO}")
  ((live_ratio_ok)) || LIVE_ALL_OK=0
  backlog_rate=$(awk 'NR > 1 && p > 0 && $2 > 0 && $4 != "" && w != "" { dw += $4 - w; dt += $1 - t }
      { t = $1; p = $2; w = $4 } END { printf "%.0f", (dt > 0 ? dw / dt : 0) }' "${TMP}/live-samples")
  local src_keys l_keys vrc=0
  src_keys=$(dbsize "${src}")
  l_keys=$(dbsize "${dst}")
  [[ ${src_keys} == "${l_keys}" ]] || LIVE_ALL_OK=0
  java -jar "${JAR}" verify --from "redis://${RKM_REDIS_HOST}:${src}" \
    --to "redis://${RKM_REDIS_HOST}:${dst}" >"${TMP}/live-verify.out" 2>&1 || vrc=$?
  [[ ${vrc} == 0 ]] || { LIVE_ALL_OK=0; tail -n 20 "${TMP}/live-verify.out" >&2; }
  rkm_log "(l) ${rereads} re-reads in ${LL_SECS} s; exit ${rc}, verify exit ${vrc}"

  # --- m. start-up cost of the metrics endpoint ---------------------------------
  rkm_start_redis "${TMP}/live-small" --notify-keyspace-events KEA
  local small=${RKM_REDIS_PORT} with=() without=() k
  for ((k = 0; k < 10; k++)); do rkm_cli "${small}" SET "k${k}" v >/dev/null; done
  for ((k = 0; k < 5; k++)); do
    for m in without with; do
      local extra=()
      [[ ${m} == with ]] && extra=(--metrics-port 0)
      t0=$(now_s)
      "${SCRIPT_DIR}/redis-keys-migrator" scan --from "redis://${RKM_REDIS_HOST}:${small}" \
        --to "redis://${RKM_REDIS_HOST}:${dst}" --db 0 --live --until-caught-up --idle 0 \
        --existing replace --progress never "${extra[@]}" >/dev/null 2>&1 || LIVE_ALL_OK=0
      t1=$(now_s)
      if [[ ${m} == with ]]; then with+=("$(elapsed "${t0}" "${t1}")"); else without+=("$(elapsed "${t0}" "${t1}")"); fi
    done
  done
  LM_WITH=$(median "${with[@]}")
  LM_WITHOUT=$(median "${without[@]}")
  LM_COST=$(awk -v a="${LM_WITH}" -v b="${LM_WITHOUT}" 'BEGIN { printf "%.0f", (a - b) * 1000 }')

  echo
  echo "================= redis-keys-migrator scan --live benchmark ============"
  line "dataset" "${n} keys (seed ${SEED}), notify-keyspace-events KEA"
  line "(l) first pass" "${LP_SECS} s, ${LP_RATE} keys/s (subscribed before the SCAN)"
  line "live load" "redis-benchmark -t set,lpush,hset -P 16: ${SYNC_LIVE} requests in ${LB_SECS} s"
  line "lag under load" "max $(printf '%.0f' "${max_pending}") keys pending, max ${max_lag} s (${samples} looks at /metrics)"
  line "drained" "nothing pending ${LD_SECS} s after the load ended"
  line "live re-reads" "${rereads} keys (of $(printf '%.0f' "${changes:-0}") notifications) in ${LL_SECS} s: ${LL_RATE} keys/s"
  line "" "while keys were pending: ${backlog_rate} keys/s ($(ratio "${backlog_rate}" "${LP_RATE}") of the first pass)"
  line "live/first" "re-reads/s over first-pass keys/s: ${live_ratio} (target >= ${TARGET_LIVE_RATIO})" "$(verdict "${live_ratio_ok}")"
  [[ -z ${others} ]] || line "other metrics" "${others}"
  line "end state" "source ${src_keys} keys, destination ${l_keys}, exit ${rc}, verify exit ${vrc}"
  line "(m) metrics" "start-up median ${LM_WITH} s with --metrics-port, ${LM_WITHOUT} s without: ${LM_COST} ms"
  line "overall" "" "$(verdict "${LIVE_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# steady part (with BENCH_MODE=live): both live modes under a fixed write rate
# =============================================================================
now_ms() { date +%s%3N; }
# col_stats FILE COLUMN -> "median max" of a numeric column ("-" entries skipped)
col_stats() {
  awk -v c="$2" '$c != "-" { print $c + 0 }' "$1" | sort -g |
    awk '{ a[NR] = $1 } END { if (NR == 0) print "? ?"; else print a[int((NR + 1) / 2)], a[NR] }'
}
# col_third FILE COLUMN WHICH -> the median of the first (1) or last (3) third of the samples
col_third() {
  awk -v c="$2" '$c != "-" { v[++n] = $c + 0 } END {
      k = int(n / 3); if (k < 1) k = n
      for (i = 1; i <= k; i++) print ('"$3"' == 1 ? v[i] : v[n - k + i]) }' "$1" | sort -g |
    awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "?") }'
}
# lag_sample URL SRC DST LOAD_START_MS -> "lag_items lag_seconds clock_lag_s written applied":
# the metrics, and how far the destination's steady:clock is behind the source's (read first, so
# the figure errs low by the few ms between the two reads, never high); "-" where unknown.
lag_sample() {
  local text s d clock=-
  text=$(scrape "$1")
  s=$(rkm_cli "$2" GET steady:clock 2>/dev/null | tr -d '\r' || true)
  d=$(rkm_cli "$3" GET steady:clock 2>/dev/null | tr -d '\r' || true)
  if [[ ${s} =~ ^[0-9]+$ ]]; then
    [[ ${d} =~ ^[0-9]+$ ]] || d=$4
    clock=$(awk -v s="${s}" -v d="${d}" 'BEGIN { x = (s - d) / 1000; printf "%.3f", (x > 0 ? x : 0) }')
  fi
  local items lag written applied
  items=$(mval "${text}" rkm_lag_items)
  lag=$(mval "${text}" rkm_lag_seconds)
  written=$(mval "${text}" rkm_keys_written_total)
  applied=$(mval "${text}" rkm_live_commands_applied_total)
  echo "${items:--} ${lag:--} ${clock} ${written:--} ${applied:--}"
}

# How long a mode may take to apply what is left once the load has stopped.
STEADY_DRAIN_S=300
STEADY_ALL_OK=1

# steady_run MODE (scan or sync): MODE from a fresh source on the live dataset into an empty
# server; once its initial copy is done the steady load runs while lag_sample looks every 0.5 s;
# then the drain, SIGTERM, DBSIZE and verify. Appends its lines to ${TMP}/steady-report.txt.
steady_run() {
  local mode=$1 n=${LIVE_N} dir=${TMP}/steady-$1 src dst src_pid dst_pid pid gen url='' i
  local t0 t1 tb rc=0 grc=0 vrc=0 ok=1 load_ms
  mkdir -p "${dir}/source"
  cp -- "${DS}/dump.rdb" "${dir}/source/dump.rdb"
  if [[ ${mode} == scan ]]; then
    rkm_start_redis "${dir}/source" --dbfilename dump.rdb --notify-keyspace-events KEA
  else
    rkm_start_redis "${dir}/source" --dbfilename dump.rdb --repl-diskless-sync-delay 0 \
      --repl-backlog-size 256mb
  fi
  src=${RKM_REDIS_PORT} src_pid=${RKM_REDIS_PID}
  wait_loaded "${src}" "${n}"
  rkm_start_redis "${dir}/dest"
  dst=${RKM_REDIS_PORT} dst_pid=${RKM_REDIS_PID}
  local cmd=("${SCRIPT_DIR}/redis-keys-migrator")
  if [[ ${mode} == scan ]]; then cmd+=(scan --live); else cmd+=(sync); fi
  cmd+=(--from "redis://${RKM_REDIS_HOST}:${src}" --to "redis://${RKM_REDIS_HOST}:${dst}"
    --metrics-port 0 --report "${dir}/report.json" --progress never --error-log "${dir}/errors.log")
  rkm_log "(${mode}) steady: ${cmd[*]}"
  t0=$(now_s)
  "${cmd[@]}" >"${dir}/out" 2>"${dir}/err" &
  pid=$!
  for ((i = 0; i < 6000; i++)); do
    # The child opens its stderr file itself: it may not be there yet.
    url=${url:-$(sed -n 's/^metrics: //p' "${dir}/err" 2>/dev/null || true)}
    [[ -n ${url} && $(mval "$(scrape "${url}")" rkm_snapshot_done) == 1.0 ]] && break
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.05
  done
  t1=$(now_s)
  if [[ -z ${url} || $(mval "$(scrape "${url}")" rkm_snapshot_done) != 1.0 ]]; then
    ok=0
    tail -n 20 "${dir}/err" >&2
  fi
  local copy_s copy_rate
  copy_s=$(elapsed "${t0}" "${t1}")
  copy_rate=$(rate "${n}" "${copy_s}")
  rkm_log "(${mode}) initial copy ${copy_s} s; steady load: ${STEADY_RATE} writes/s for ${STEADY_SECS} s"

  local base
  base=$(lag_sample "${url}" "${src}" "${dst}" "$(now_ms)")
  load_ms=$(now_ms)
  t0=$(now_s)
  "${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" steady --port "${src}" --rate "${STEADY_RATE}" \
    --secs "${STEADY_SECS}" --keys "${STEADY_KEYS}" --seed "${SEED}" --kv "${dir}/steady.kv" \
    2>"${dir}/steady.log" &
  gen=$!
  : >"${dir}/samples"
  while kill -0 "${gen}" 2>/dev/null; do
    sleep 0.5
    kill -0 "${gen}" 2>/dev/null || break
    lag_sample "${url}" "${src}" "${dst}" "${load_ms}" >>"${dir}/samples"
  done
  wait "${gen}" || grc=$?
  tb=$(now_s)
  ((grc == 0)) || { ok=0; cat "${dir}/steady.log" >&2; }
  local end
  end=$(lag_sample "${url}" "${src}" "${dst}" "${load_ms}")

  # Drained: the destination's steady:clock equals the source's (sync applies the stream in
  # order, so that is everything) and, for scan --live, nothing is pending.
  local deadline=$(($(date +%s) + STEADY_DRAIN_S)) drained=0 s d items
  while (($(date +%s) < deadline)); do
    s=$(rkm_cli "${src}" GET steady:clock | tr -d '\r' || true)
    d=$(rkm_cli "${dst}" GET steady:clock | tr -d '\r' || true)
    items=$(mval "$(scrape "${url}")" rkm_lag_items)
    if [[ -n ${s} && ${s} == "${d}" && (${mode} == sync || ${items} == 0.0) ]]; then
      drained=1
      break
    fi
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  t1=$(now_s)
  ((drained)) || ok=0
  local final others
  final=$(scrape "${url}")
  others=$(other_metrics "${final}")
  kill -TERM "${pid}" 2>/dev/null || true
  wait "${pid}" || rc=$?
  ((rc == 130)) || { ok=0; tail -n 20 "${dir}/err" >&2; }
  local src_keys dst_keys
  src_keys=$(dbsize "${src}")
  dst_keys=$(dbsize "${dst}")
  [[ ${src_keys} == "${dst_keys}" ]] || ok=0
  java -jar "${JAR}" verify --from "redis://${RKM_REDIS_HOST}:${src}" \
    --to "redis://${RKM_REDIS_HOST}:${dst}" >"${dir}/verify.out" 2>&1 || vrc=$?
  ((vrc == 0)) || { ok=0; tail -n 20 "${dir}/verify.out" >&2; }
  rkm_stop_redis "${src_pid}"
  rkm_stop_redis "${dst_pid}"
  if ((!ok)); then
    STEADY_ALL_OK=0
    LIVE_ALL_OK=0
  fi

  local sent secs achieved late skipped samples lag items clock
  sent=$(kv "${dir}/steady.kv" sent)
  secs=$(kv "${dir}/steady.kv" secs)
  achieved=$(kv "${dir}/steady.kv" rate)
  late=$(kv "${dir}/steady.kv" late_ticks)
  skipped=$(kv "${dir}/steady.kv" skipped)
  samples=$(wc -l <"${dir}/samples")
  read -r -a lag <<<"$(col_stats "${dir}/samples" 2)"
  read -r -a items <<<"$(col_stats "${dir}/samples" 1)"
  read -r -a clock <<<"$(col_stats "${dir}/samples" 3)"
  # The lag to read off: scan --live's oldest pending key (column 2); for sync the clock key
  # (column 3), since its rkm_lag_seconds counts from when the stream was last level, which a
  # steady load may never let it be. Done during the load: keys written (re-reads, column 4)
  # or live commands applied (column 5).
  local lag_col=2 col=4 what="keys re-read" unit="keys pending"
  if [[ ${mode} == sync ]]; then
    lag_col=3 col=5 what="commands applied" unit="bytes of stream behind"
  fi
  local done_during
  done_during=$(awk -v a="$(awk -v c="${col}" '{ print $c }' <<<"${end}")" \
    -v b="$(awk -v c="${col}" '{ print $c }' <<<"${base}")" 'BEGIN { printf "%.0f", a - b }')
  {
    echo "--- ${mode/scan/scan --live}"
    line "initial copy" "${copy_s} s (${copy_rate} keys/s), then the load"
    line "load" "${sent:-?} writes in ${secs:-?} s: ${achieved:-?}/s for a target of ${STEADY_RATE}/s (${late:-?} late ticks, ${skipped:-?} skipped)"
    if [[ ${mode} == scan ]]; then
      line "lag" "median ${lag[0]} s, max ${lag[1]} s: oldest pending key (${samples} samples)"
      line "clock key" "destination behind the source: median ${clock[0]} s, max ${clock[1]} s"
    else
      line "lag" "median ${clock[0]} s, max ${clock[1]} s: the clock key (10 ms steps) (${samples} samples)"
      line "rkm_lag_seconds" "median ${lag[0]} s, max ${lag[1]} s (time since the stream was last level)"
    fi
    line "" "lag over the first third of the load: median $(col_third "${dir}/samples" "${lag_col}" 1) s, last third $(col_third "${dir}/samples" "${lag_col}" 3) s"
    line "backlog" "median ${items[0]}, max ${items[1]} ${unit} (rkm_lag_items)"
    line "applied" "${done_during} ${what} during the load: $(rate "${done_during}" "${secs:-$(elapsed "${t0}" "${tb}")}")/s"
    line "drained" "$( ((drained)) && echo "caught up $(elapsed "${tb}" "${t1}") s after the load ended" || echo "not caught up ${STEADY_DRAIN_S} s after the load ended")"
    [[ -z ${others} ]] || line "other metrics" "${others}"
    line "end state" "source ${src_keys} keys, destination ${dst_keys}, exit ${rc}, verify exit ${vrc}" "$(verdict "${ok}")"
  } >>"${TMP}/steady-report.txt"
}

run_steady_part() {
  prepare_dataset "${LIVE_N}"
  : >"${TMP}/steady-report.txt"
  steady_run scan
  steady_run sync
  echo
  echo "========= redis-keys-migrator live modes at a steady write rate ========="
  line "dataset" "${LIVE_N} keys (seed ${SEED}); $(nproc) cores shared with the servers and the load"
  line "steady load" "SET of ~100 B to steady:N, N random in 0..$((STEADY_KEYS - 1)), ${STEADY_RATE}/s for ${STEADY_SECS} s"
  line "" "(bench_data.py steady: a pipeline per 10 ms tick, then SET steady:clock <now ms>)"
  line "sampling" "/metrics and steady:clock on both sides every 0.5 s during the load"
  line "" "(clock key: how far the destination's steady:clock is behind the source's)"
  cat "${TMP}/steady-report.txt"
  line "overall" "(steady load; counted in the live part's verdict)" "$(verdict "${STEADY_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# cluster part
# =============================================================================
CLUSTER_ALL_OK=1
SHARDS=()
# prepare_shards KEYS: three cached shard files of KEYS keys each, key numbers
# 0..KEYS-1, KEYS..2*KEYS-1 and 2*KEYS..3*KEYS-1; sets SHARDS to their paths.
prepare_shards() {
  local n=$1 i dir gen_cmds port pid got
  SHARDS=()
  for i in 0 1 2; do
    dir=${CACHE}/shard-${i}-keys-${n}-seed-${SEED}-v${DATASET_VERSION}
    if [[ ${REGEN} == 1 || ! -s ${dir}/dump.rdb ]] ||
      (($(date +%s) - $(stat -c %Y "${dir}/dump.rdb") >= CACHE_MAX_AGE_S)); then
      rkm_log "shard ${i}: generating ${n} keys into ${dir}"
      rm -rf "${dir}"
      mkdir -p "${dir}"
      gen_cmds=$("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" gen --keys "${n}" --seed "$((SEED + i))" \
        --first "$((i * n))" --out "${TMP}/gen.resp")
      rkm_start_redis "${TMP}/shard-src-${i}"
      port=${RKM_REDIS_PORT}
      pid=${RKM_REDIS_PID}
      rkm_cli "${port}" --pipe <"${TMP}/gen.resp" >"${TMP}/gen.pipe.out" 2>&1 || true
      check_pipe_output "${TMP}/gen.pipe.out" "${gen_cmds}"
      rm -f "${TMP}/gen.resp"
      got=$(dbsize "${port}")
      [[ ${got} == "${n}" ]] || rkm_die "shard ${i} has ${got} keys after loading, expected ${n}"
      [[ $(rkm_cli "${port}" SAVE) == OK ]] || rkm_die "SAVE failed on shard ${i}"
      mv "${TMP}/shard-src-${i}/dump.rdb" "${dir}/dump.rdb.tmp"
      mv "${dir}/dump.rdb.tmp" "${dir}/dump.rdb"
      rkm_stop_redis "${pid}"
    else
      rkm_log "shard ${i}: cached ${dir}"
    fi
    SHARDS+=("${dir}/dump.rdb")
  done
}

# start_cluster: three masters made into a cluster; sets CLUSTER_PORTS.
CLUSTER_PORTS=()
start_cluster() {
  local i port
  CLUSTER_PORTS=()
  for i in 0 1 2; do
    rkm_start_redis "${TMP}/cluster-${i}" --cluster-enabled yes \
      --cluster-config-file "${TMP}/cluster-${i}/nodes.conf" --cluster-node-timeout 5000
    CLUSTER_PORTS+=("${RKM_REDIS_PORT}")
  done
  redis-cli --cluster create "${RKM_REDIS_HOST}:${CLUSTER_PORTS[0]}" \
    "${RKM_REDIS_HOST}:${CLUSTER_PORTS[1]}" "${RKM_REDIS_HOST}:${CLUSTER_PORTS[2]}" \
    --cluster-replicas 0 --cluster-yes >"${TMP}/cluster-create.log" 2>&1 ||
    { cat "${TMP}/cluster-create.log" >&2; rkm_die "redis-cli --cluster create failed"; }
  for port in "${CLUSTER_PORTS[@]}"; do
    for ((i = 0; i < 300; i++)); do
      rkm_cli "${port}" CLUSTER INFO | tr -d '\r' | grep -qx 'cluster_state:ok' && break
      sleep 0.1
    done
    rkm_cli "${port}" CLUSTER INFO | tr -d '\r' | grep -qx 'cluster_state:ok' ||
      rkm_die "the cluster did not reach cluster_state:ok"
  done
}

# timed_rdb NAME URI [options...]: runs `rdb` of the shards; sets SECS and RC.
timed_rdb() {
  local name=$1 uri=$2 t0 t1
  shift 2
  RC=0
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" rdb "${SHARDS[@]}" --to "${uri}" --progress never \
    --error-log "${TMP}/${name}.errors" --report "${TMP}/${name}.json" "$@" \
    >"${TMP}/${name}.out" 2>"${TMP}/${name}.err" || RC=$?
  t1=$(now_s)
  SECS=$(elapsed "${t0}" "${t1}")
  if ((RC != 0)); then
    tail -n 20 "${TMP}/${name}.err" >&2
  fi
}

run_cluster_part() {
  local total k_keys n_port w_port port
  prepare_shards "${N}"
  total=$((3 * N))

  start_cluster
  rkm_log "(k) rdb of 3 shards into the cluster (masters ${CLUSTER_PORTS[*]})"
  timed_rdb k "redis://${RKM_REDIS_HOST}:${CLUSTER_PORTS[0]}"
  K_SECS=${SECS} K_RC=${RC}
  k_keys=0
  for port in "${CLUSTER_PORTS[@]}"; do
    k_keys=$((k_keys + $(dbsize "${port}")))
  done
  K_RATE=$(rate "${total}" "${K_SECS}")
  rkm_log "(k) ${K_SECS} s, ${K_RATE} keys/s, exit ${K_RC}, keys ${k_keys}"

  rkm_start_redis "${TMP}/node-n"
  n_port=${RKM_REDIS_PORT}
  rkm_log "(n) rdb of 3 shards into one node, --writers 1"
  timed_rdb n "redis://${RKM_REDIS_HOST}:${n_port}" --writers 1
  N_SECS=${SECS} N_RC=${RC}
  N_RATE=$(rate "${total}" "${N_SECS}")
  N_KEYS=$(dbsize "${n_port}")
  rkm_log "(n) ${N_SECS} s, ${N_RATE} keys/s, exit ${N_RC}, DBSIZE ${N_KEYS}"

  rkm_start_redis "${TMP}/node-w"
  w_port=${RKM_REDIS_PORT}
  rkm_log "(w) rdb of 3 shards into one node, --writers 4"
  timed_rdb w "redis://${RKM_REDIS_HOST}:${w_port}" --writers 4
  W_SECS=${SECS} W_RC=${RC}
  W_RATE=$(rate "${total}" "${W_SECS}")
  W_KEYS=$(dbsize "${w_port}")
  rkm_log "(w) ${W_SECS} s, ${W_RATE} keys/s, exit ${W_RC}, DBSIZE ${W_KEYS}"

  K_OK=$([[ ${K_RC} == 0 && ${k_keys} == "${total}" ]] && echo 1 || echo 0)
  N_OK=$([[ ${N_RC} == 0 && ${N_KEYS} == "${total}" ]] && echo 1 || echo 0)
  W_OK=$([[ ${W_RC} == 0 && ${W_KEYS} == "${total}" ]] && echo 1 || echo 0)
  ((K_OK && N_OK && W_OK)) || CLUSTER_ALL_OK=0
  echo "======================================================================="
  echo "cluster part: 3 shard files x ${N} keys, $(nproc) cores (shared machine: figures vary)"
  line "(k) cluster" "3 masters: ${K_SECS} s, ${K_RATE} keys/s, keys ${k_keys}, exit ${K_RC}" "$(verdict "${K_OK}")"
  line "(n) one node" "--writers 1: ${N_SECS} s, ${N_RATE} keys/s, DBSIZE ${N_KEYS}, exit ${N_RC}" "$(verdict "${N_OK}")"
  line "(w) one node" "--writers 4: ${W_SECS} s, ${W_RATE} keys/s, DBSIZE ${W_KEYS}, exit ${W_RC}" "$(verdict "${W_OK}")"
  line "ratios" "cluster/one node (k)/(n) $(ratio "${K_RATE}" "${N_RATE}"), --writers 4/1 (w)/(n) $(ratio "${W_RATE}" "${N_RATE}")"
  line "overall" "" "$(verdict "${CLUSTER_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# cross part
# =============================================================================
CROSS_ALL_OK=1
SHARED_BIN=$(cd -- "$(rkm_repo_root)/.." && pwd -P)/shared/redis-bin

# cross_run LABEL SERVER_BINARY FILE: one timed `rdb` of FILE into a fresh server; sets SECS, RC,
# RATE, KEYS and the report's restamped and rewritten counts (RESTAMPED, REWRITTEN).
cross_run() {
  local label=$1 binary=$2 file=$3 port pid t0 t1
  RKM_REDIS_SERVER=${binary} rkm_start_redis "${TMP}/cross-${label}"
  port=${RKM_REDIS_PORT}
  pid=${RKM_REDIS_PID}
  RC=0
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" rdb "${file}" --to "redis://${RKM_REDIS_HOST}:${port}" \
    --report "${TMP}/cross-${label}.json" --progress never >"${TMP}/cross-${label}.out" \
    2>"${TMP}/cross-${label}.err" || RC=$?
  t1=$(now_s)
  SECS=$(elapsed "${t0}" "${t1}")
  RATE=$(rate "${N}" "${SECS}")
  KEYS=$(dbsize "${port}")
  RESTAMPED=$(sed -n 's/.*"restamped":\([0-9]*\).*/\1/p' "${TMP}/cross-${label}.json")
  REWRITTEN=$(sed -n 's/.*"rewritten":\([0-9]*\).*/\1/p' "${TMP}/cross-${label}.json")
  rkm_log "(${label}) ${SECS} s, ${RATE} keys/s, exit ${RC}, DBSIZE ${KEYS}, restamped ${RESTAMPED:-?}, rewritten ${REWRITTEN:-?}"
  if [[ ${RC} != 0 ]]; then
    tail -n 20 "${TMP}/cross-${label}.err" >&2
  fi
  rkm_stop_redis "${pid}"
}

# cross_pipe LABEL SERVER_BINARY: `redis-cli --pipe` of the dataset's RESTORE commands into a
# fresh server; sets RATE.
cross_pipe() {
  local label=$1 binary=$2 port pid t0 t1
  RKM_REDIS_SERVER=${binary} rkm_start_redis "${TMP}/cross-${label}"
  port=${RKM_REDIS_PORT}
  pid=${RKM_REDIS_PID}
  t0=$(now_s)
  rkm_cli "${port}" --pipe <"${DS}/restore.resp" >"${TMP}/cross-${label}.pipe" 2>&1 || true
  t1=$(now_s)
  check_pipe_output "${TMP}/cross-${label}.pipe" "${N}"
  RATE=$(rate "${N}" "$(elapsed "${t0}" "${t1}")")
  rkm_stop_redis "${pid}"
}

# resave SERVER_BINARY FILE MAGIC: the dataset's dump.rdb loaded by SERVER_BINARY and saved again
# as FILE (kept in the cache), which must start with MAGIC (REDIS0013, VALKEY080).
resave() {
  local binary=$1 file=$2 magic=$3 dir=${TMP}/resave-${3} port pid
  [[ -s ${file} && ! ${file} -ot ${DS}/dump.rdb ]] && return 0
  rkm_log "dataset: saving it again with ${binary} (${magic})"
  mkdir -p "${dir}"
  cp -- "${DS}/dump.rdb" "${dir}/dump.rdb"
  RKM_REDIS_SERVER=${binary} rkm_start_redis "${dir}" --dbfilename dump.rdb
  port=${RKM_REDIS_PORT}
  pid=${RKM_REDIS_PID}
  wait_loaded "${port}" "${N}"
  [[ $(rkm_cli "${port}" SAVE) == OK ]] || rkm_die "SAVE failed on ${binary}"
  rkm_stop_redis "${pid}"
  [[ $(head -c 9 "${dir}/dump.rdb") == "${magic}" ]] || rkm_die "${binary} did not write ${magic}"
  mv "${dir}/dump.rdb" "${file}"
}

# median of the arguments (numbers)
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

run_cross_part() {
  local redis86=${SHARED_BIN}/redis-8.6.3/redis-server valkey91=${SHARED_BIN}/valkey-9.1.2/valkey-server
  local file round v_rates=() r_rates=() ok
  [[ -x ${redis86} && -x ${valkey91} ]] ||
    rkm_die "the cross part needs ${redis86} and ${valkey91} (../shared/redis-bin)"
  prepare_dataset "${N}"
  file=${DS}/dump-redis-8.6.3.rdb
  resave "${redis86}" "${file}" REDIS0013
  local native=${DS}/dump-valkey-9.1.2.rdb n_rates=() pv_rates=() pr_rates=()
  resave "${valkey91}" "${native}" VALKEY080
  echo "======================================================================="
  echo "cross part: ${N} keys of a Redis 8.6.3 file (RDB 13), ${CROSS_ROUNDS} rounds, $(nproc) cores"
  for ((round = 1; round <= CROSS_ROUNDS; round++)); do
    cross_run "v${round}" "${valkey91}" "${file}"
    ok=$([[ ${RC} == 0 && ${KEYS} == "${N}" && ${RESTAMPED:-0} -gt 0 ]] && echo 1 || echo 0)
    line "(v${round}) valkey 9.1.2" "${SECS} s, ${RATE} keys/s, restamped ${RESTAMPED:-?}, rewritten ${REWRITTEN:-?}" "$(verdict "${ok}")"
    ((ok)) || CROSS_ALL_OK=0
    v_rates+=("${RATE}")
    cross_run "r${round}" "${redis86}" "${file}"
    ok=$([[ ${RC} == 0 && ${KEYS} == "${N}" && ${RESTAMPED:-1} == 0 && ${REWRITTEN:-1} == 0 ]] && echo 1 || echo 0)
    line "(r${round}) redis 8.6.3" "${SECS} s, ${RATE} keys/s, restamped ${RESTAMPED:-?}, rewritten ${REWRITTEN:-?}" "$(verdict "${ok}")"
    ((ok)) || CROSS_ALL_OK=0
    r_rates+=("${RATE}")
    cross_run "n${round}" "${valkey91}" "${native}"
    line "(n${round}) info" "Valkey's own file into valkey 9.1.2: ${SECS} s, ${RATE} keys/s, restamped ${RESTAMPED:-?}, exit ${RC}"
    n_rates+=("${RATE}")
    cross_pipe "pv${round}" "${valkey91}"
    pv_rates+=("${RATE}")
    cross_pipe "pr${round}" "${redis86}"
    pr_rates+=("${RATE}")
    line "(p${round}) info" "redis-cli --pipe RESTORE: valkey 9.1.2 ${pv_rates[-1]}, redis 8.6.3 ${pr_rates[-1]} keys/s"
  done
  local vm r_med cr
  vm=$(median "${v_rates[@]}")
  r_med=$(median "${r_rates[@]}")
  cr=$(ratio "${vm}" "${r_med}")
  ok=$(at_least "${cr}" "${TARGET_CROSS_RATIO}")
  ((ok)) || CROSS_ALL_OK=0
  line "ratio (v)/(r)" "medians ${vm} / ${r_med} keys/s = ${cr} (target >= ${TARGET_CROSS_RATIO})" "$(verdict "${ok}")"
  local n_med
  n_med=$(median "${n_rates[@]}")
  line "info" "(v)/(n) restamping's cost $(ratio "${vm}" "${n_med}"), (n)/(r) $(ratio "${n_med}" "${r_med}")"
  line "info" "servers alone (pv)/(pr): medians $(median "${pv_rates[@]}") / $(median "${pr_rates[@]}") keys/s = $(ratio "$(median "${pv_rates[@]}")" "$(median "${pr_rates[@]}")"), the ceiling of (v)/(r)"
  line "overall" "" "$(verdict "${CROSS_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# peers part (only with BENCH_MODE=peers)
# =============================================================================
PEERS_ALL_OK=1
TARGET_PEERS_PIPE=0.80
TARGET_PEERS_LIBRDB=1.15
TARGET_PEERS_SPREAD=0.15
TARGET_PEERS_REWRITE=1.30
TARGET_PEERS_SCAN=0.70
TARGET_PEERS_RSS_MB=256

# cpu_ticks PID -> utime + stime of PID in clock ticks (/proc/PID/stat fields 14 and 15)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# tick_seconds TICKS -> clock ticks (from cpu_ticks) as seconds
tick_seconds() { awk -v d="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { print d / hz }'; }

# busy CPU_SECONDS WALL_SECONDS -> the share of one core a process was busy, 2 decimals
busy() { awk -v c="$1" -v w="$2" 'BEGIN { printf "%.2f", (w > 0) ? c / w : 0 }'; }

# cpu_seconds TIME_FILE -> user + system seconds from a `/usr/bin/time -v` output file
cpu_seconds() {
  awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1"
}

# peers_run LABEL SERVER_BINARY COMMAND...: one timed run of COMMAND into a fresh server, whose
# address replaces the word @PORT@ in COMMAND; sets RATE, RC, KEYS, SRV_US (the destination's
# CPU microseconds per key), RSS_MB (the command's peak RSS), WALL (its seconds), SRV_BUSY and
# CMD_BUSY (the share of one core the destination and the command were busy).
peers_run() {
  local label=$1 binary=$2 port pid t0 t1 c0 c1 arg cmd=()
  shift 2
  RKM_REDIS_SERVER=${binary} rkm_start_redis "${TMP}/peers-${label}"
  port=${RKM_REDIS_PORT}
  pid=${RKM_REDIS_PID}
  for arg in "$@"; do
    cmd+=("${arg//@PORT@/${port}}")
  done
  RC=0
  c0=$(cpu_ticks "${pid}")
  t0=$(now_s)
  (cd "${TMP}" && /usr/bin/time -v -o "${TMP}/peers-${label}.time" "${cmd[@]}" \
    >"${TMP}/peers-${label}.out" 2>"${TMP}/peers-${label}.err") || RC=$?
  t1=$(now_s)
  c1=$(cpu_ticks "${pid}")
  WALL=$(elapsed "${t0}" "${t1}")
  RATE=$(rate "${PEERS_N}" "${WALL}")
  KEYS=$(dbsize "${port}")
  SRV_US=$(awk -v d=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="${PEERS_N}" \
    'BEGIN { printf "%.2f", d * 1e6 / hz / n }')
  SRV_BUSY=$(busy "$(tick_seconds $((c1 - c0)))" "${WALL}")
  CMD_BUSY=$(busy "$(cpu_seconds "${TMP}/peers-${label}.time")" "${WALL}")
  RSS_MB=$(peak_rss_mb "${TMP}/peers-${label}.time")
  if [[ ${RC} != 0 || ${KEYS} != "${PEERS_N}" ]]; then
    rkm_log "(${label}) exit ${RC}, DBSIZE ${KEYS} (expected ${PEERS_N}); last lines of its output:"
    tail -n 5 "${TMP}/peers-${label}.out" "${TMP}/peers-${label}.err" >&2
    PEERS_ALL_OK=0
  fi
  rkm_log "(${label}) ${RATE} keys/s, exit ${RC}, DBSIZE ${KEYS}, destination CPU ${SRV_US} us/key, peak RSS ${RSS_MB} MB"
  rkm_stop_redis "${pid}"
}

# spread of the arguments: max - min, 2 decimals
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f", hi - lo }'; }

run_peers_part() {
  local redis74=${SHARED_BIN}/redis-7.4.1/redis-server librdb=${LIBRDB_CLI:-} round src_port
  local pipe=() ours=() lr=() lc=() ow=() lw=() sc=() r_ours=() r_lr=() r_sc=() r_w=()
  local srv_pipe=() srv_ours=() srv_lr=() rss=() sc_src=() sc_dst=() sc_ours=() s0 s1
  [[ -x ${redis74} ]] || rkm_die "the peers part needs ${redis74} (../shared/redis-bin)"
  PEERS_N=${N}
  prepare_dataset "${N}"
  local file74=${DS}/dump-redis-7.4.1.rdb
  resave "${redis74}" "${file74}" REDIS0012
  if [[ -n ${librdb} && ! -x ${librdb} ]]; then
    rkm_die "LIBRDB_CLI=${librdb} is not an executable"
  fi
  if [[ -z ${librdb} ]]; then
    rkm_log "LIBRDB_CLI is not set: librdb's rdb-cli runs are skipped. To build one (v2.1.0, no"
    rkm_log "network needed once the sources are here): git clone https://github.com/redis/librdb"
    rkm_log "  && cd librdb && git checkout v2.1.0 && git submodule update --init && make"
    rkm_log "then LIBRDB_CLI=\$PWD/bin/rdb-cli BENCH_MODE=peers scripts/bench.sh"
  fi
  # The scan runs read from one source started on the dataset (its dump.rdb).
  mkdir -p "${TMP}/peers-source"
  cp -- "${DS}/dump.rdb" "${TMP}/peers-source/dump.rdb"
  rkm_start_redis "${TMP}/peers-source" --dbfilename dump.rdb
  src_port=${RKM_REDIS_PORT}
  local src_pid=${RKM_REDIS_PID}
  wait_loaded "${src_port}" "${N}"
  local host=${RKM_REDIS_HOST} debian
  debian=$(command -v redis-server)
  echo "======================================================================="
  echo "peers part: ${N} keys, ${PEERS_ROUNDS} rounds, $(nproc) cores, destination $(redis-server --version | awk '{print $3}')"
  for ((round = 1; round <= PEERS_ROUNDS; round++)); do
    peers_run "p${round}" "${debian}" sh -c "exec redis-cli -h ${host} -p @PORT@ --pipe < '${DS}/restore.resp'"
    pipe+=("${RATE}")
    srv_pipe+=("${SRV_US}")
    peers_run "o${round}" "${debian}" "${SCRIPT_DIR}/redis-keys-migrator" rdb "${DS}/dump.rdb" \
      --to "redis://${host}:@PORT@" --progress never
    ours+=("${RATE}")
    srv_ours+=("${SRV_US}")
    rss+=("${RSS_MB}")
    r_ours+=("$(ratio "${RATE}" "${pipe[-1]}")")
    if [[ -n ${librdb} ]]; then
      peers_run "lr${round}" "${debian}" "${librdb}" "${DS}/dump.rdb" -l "${TMP}/rdb-cli.log" \
        redis -h "${host}" -p @PORT@ -r -l 1000
      lr+=("${RATE}")
      srv_lr+=("${SRV_US}")
      r_lr+=("$(ratio "${RATE}" "${pipe[-1]}")")
      peers_run "lc${round}" "${debian}" "${librdb}" "${DS}/dump.rdb" -l "${TMP}/rdb-cli.log" \
        redis -h "${host}" -p @PORT@ -l 1000
      lc+=("${RATE}")
    fi
    # The rewrite path: a Redis 7.4 file (RDB 12) into Debian's 7.0 (RDB 10), which cannot take
    # its payloads, so both tools send commands.
    peers_run "w${round}" "${debian}" "${SCRIPT_DIR}/redis-keys-migrator" rdb "${file74}" \
      --to "redis://${host}:@PORT@" --progress never
    ow+=("${RATE}")
    if [[ -n ${librdb} ]]; then
      peers_run "lw${round}" "${debian}" "${librdb}" "${file74}" -l "${TMP}/rdb-cli.log" \
        redis -h "${host}" -p @PORT@ -l 1000
      lw+=("${RATE}")
      r_w+=("$(ratio "${ow[-1]}" "${RATE}")")
    fi
    s0=$(cpu_ticks "${src_pid}")
    peers_run "s${round}" "${debian}" "${SCRIPT_DIR}/redis-keys-migrator" scan \
      --from "redis://${host}:${src_port}" --to "redis://${host}:@PORT@" --progress never
    s1=$(cpu_ticks "${src_pid}")
    sc+=("${RATE}")
    # What bounds scan: how busy the source (DUMP), the destination (RESTORE) and we were.
    sc_src+=("$(busy "$(tick_seconds $((s1 - s0)))" "${WALL}")")
    sc_dst+=("${SRV_BUSY}")
    sc_ours+=("${CMD_BUSY}")
    r_sc+=("$(ratio "${RATE}" "${pipe[-1]}")")
    if [[ -n ${librdb} ]]; then
      line "round ${round}" "pipe ${pipe[-1]}, ours ${ours[-1]} (${r_ours[-1]}), librdb -r ${lr[-1]}, librdb cmds ${lc[-1]}"
      line "" "rewrite: ours ${ow[-1]}, librdb cmds ${lw[-1]}; scan ${sc[-1]} (${r_sc[-1]})"
    else
      line "round ${round}" "pipe ${pipe[-1]}, ours ${ours[-1]} (${r_ours[-1]}); rewrite ${ow[-1]}; scan ${sc[-1]} (${r_sc[-1]})"
    fi
  done
  local m_pipe m_ours m_ratio sp ok rss_max
  m_pipe=$(median "${pipe[@]}")
  m_ours=$(median "${ours[@]}")
  m_ratio=$(median "${r_ours[@]}")
  sp=$(spread "${r_ours[@]}")
  echo "-----------------------------------------------------------------------"
  line "pipe" "redis-cli --pipe RESTORE: median ${m_pipe} keys/s, destination CPU $(median "${srv_pipe[@]}") us/key"
  ok=$(at_least "${m_ratio}" "${TARGET_PEERS_PIPE}")
  ((ok)) || PEERS_ALL_OK=0
  line "ours / pipe" "median ${m_ratio} (rounds ${r_ours[*]}) (target >= ${TARGET_PEERS_PIPE})" "$(verdict "${ok}")"
  ok=$(awk -v s="${sp}" -v t="${TARGET_PEERS_SPREAD}" 'BEGIN { print (s <= t) ? 1 : 0 }')
  ((ok)) || PEERS_ALL_OK=0
  line "spread" "max - min of ours/pipe ${sp} (target <= ${TARGET_PEERS_SPREAD})" "$(verdict "${ok}")"
  line "ours" "median ${m_ours} keys/s, destination CPU $(median "${srv_ours[@]}") us/key"
  if [[ -n ${librdb} ]]; then
    local m_lr m_lc m_lw
    m_lr=$(median "${lr[@]}")
    m_lc=$(median "${lc[@]}")
    m_lw=$(median "${lw[@]}")
    line "librdb -r" "median ${m_lr} keys/s (of pipe: median $(median "${r_lr[@]}"), spread $(spread "${r_lr[@]}")), destination CPU $(median "${srv_lr[@]}") us/key"
    ok=$(at_least "$(ratio "${m_ours}" "${m_lr}")" "${TARGET_PEERS_LIBRDB}")
    ((ok)) || PEERS_ALL_OK=0
    line "ours / librdb -r" "$(ratio "${m_ours}" "${m_lr}") (target >= ${TARGET_PEERS_LIBRDB})" "$(verdict "${ok}")"
    line "librdb cmds" "median ${m_lc} keys/s (the same file, commands instead of RESTORE)"
    ok=$(at_least "$(ratio "$(median "${ow[@]}")" "${m_lw}")" "${TARGET_PEERS_REWRITE}")
    ((ok)) || PEERS_ALL_OK=0
    line "rewrite" "7.4 file into 7.0: ours median $(median "${ow[@]}"), librdb cmds ${m_lw} keys/s"
    line "ours / librdb" "rewrite path $(ratio "$(median "${ow[@]}")" "${m_lw}") (rounds ${r_w[*]}) (target >= ${TARGET_PEERS_REWRITE})" "$(verdict "${ok}")"
  else
    line "librdb" "skipped (LIBRDB_CLI not set); rewrite path: ours median $(median "${ow[@]}") keys/s"
  fi
  ok=$(at_least "$(median "${r_sc[@]}")" "${TARGET_PEERS_SCAN}")
  ((ok)) || PEERS_ALL_OK=0
  line "scan / pipe" "median $(median "${r_sc[@]}") (rounds ${r_sc[*]}) (target >= ${TARGET_PEERS_SCAN})" "$(verdict "${ok}")"
  line "scan CPU" "busy share of one core (median): source $(median "${sc_src[@]}"), destination $(median "${sc_dst[@]}"), ours $(median "${sc_ours[@]}"); $(nproc) cores in all"
  rss_max=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
  ok=$(awk -v r="${rss_max}" -v t="${TARGET_PEERS_RSS_MB}" 'BEGIN { print (r < t) ? 1 : 0 }')
  ((ok)) || PEERS_ALL_OK=0
  line "peak RSS" "ours (rdb) at most ${rss_max} MB (target < ${TARGET_PEERS_RSS_MB} MB)" "$(verdict "${ok}")"
  line "overall" "" "$(verdict "${PEERS_ALL_OK}")"
  echo "======================================================================="
}

# =============================================================================
# aof part
# =============================================================================
AOF_ALL_OK=1
AOF_DS='' AOF_MB='' AOF_CMDS=''

# prepare_aof_dataset KEYS: sets AOF_DS to a cached appendonlydir in which a redis-server logged
# the dataset's write commands (KEYS keys, the rdb part's generator and type mix), AOF_MB to its
# size and AOF_CMDS to the number of commands sent.
prepare_aof_dataset() {
  local n=$1 created_s port pid got dir
  AOF_DS=${CACHE}/aof-${n}-seed-${SEED}-v${DATASET_VERSION}
  dir=${AOF_DS}/appendonlydir
  if [[ ${REGEN} != 1 && -s ${AOF_DS}/meta && -d ${dir} ]] &&
    (($(date +%s) - $(sed -n 's/^created_s=//p' "${AOF_DS}/meta") < CACHE_MAX_AGE_S)); then
    rkm_log "aof dataset: cached ${AOF_DS}"
  else
    rkm_log "aof dataset: generating ${n} keys (seed ${SEED}) as commands into an AOF"
    DS_TMP=${AOF_DS}.tmp.$$
    rm -rf "${DS_TMP}"
    mkdir -p "${DS_TMP}"
    created_s=$(date +%s)
    AOF_CMDS=$("${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" gen --keys "${n}" --seed "${SEED}" \
      --out "${TMP}/aof-gen.resp")
    # Commands only (no RDB preamble, no rewrite on the way): the AOF is the commands as sent.
    rkm_start_redis "${DS_TMP}" --appendonly yes --aof-use-rdb-preamble no \
      --auto-aof-rewrite-percentage 0 --appendfsync no --appenddirname appendonlydir
    port=${RKM_REDIS_PORT}
    pid=${RKM_REDIS_PID}
    rkm_cli "${port}" --pipe <"${TMP}/aof-gen.resp" >"${TMP}/aof-gen.pipe.out" 2>&1 || true
    check_pipe_output "${TMP}/aof-gen.pipe.out" "${AOF_CMDS}"
    rm -f "${TMP}/aof-gen.resp"
    got=$(dbsize "${port}")
    [[ ${got} == "${n}" ]] || rkm_die "the AOF source has ${got} keys after loading, expected ${n}"
    # SIGTERM: Redis writes and fsyncs what is left of the AOF before it exits.
    rkm_stop_redis "${pid}"
    rm -f "${DS_TMP}"/redis-*.log
    printf 'keys=%s\nseed=%s\ncreated_s=%s\ncommands=%s\nredis=%s\n' "${n}" "${SEED}" \
      "${created_s}" "${AOF_CMDS}" "$(redis-server --version | awk '{print $3}')" >"${DS_TMP}/meta"
    rm -rf "${AOF_DS}"
    mv "${DS_TMP}" "${AOF_DS}"
    DS_TMP=''
  fi
  AOF_CMDS=$(sed -n 's/^commands=//p' "${AOF_DS}/meta")
  AOF_MB=$(du -sb "${AOF_DS}/appendonlydir" | awk '{ printf "%.1f", $1 / 1048576 }')
  rkm_log "aof dataset: appendonlydir ${AOF_MB} MB, ${AOF_CMDS} commands"
}

run_aof_part() {
  local n=${N} t0 t1 rc=0 port pid loaded_s cmp_rc=0
  # A jar without the command answers `aof --help` with the top-level usage.
  [[ $(java -jar "${JAR}" aof --help 2>&1 || true) == *"Usage: redis-keys-migrator aof"* ]] ||
    rkm_die "this jar has no aof command (BENCH_MODE=aof needs it)"
  prepare_aof_dataset "${n}"

  # --- a. ours: aof replays the appendonlydir into an empty server -----------
  rkm_start_redis "${TMP}/aof-dest-a"
  local a_port=${RKM_REDIS_PORT}
  rkm_log "(a) ours: aof ${AOF_DS}/appendonlydir into ${RKM_REDIS_HOST}:${a_port}"
  t0=$(now_s)
  "${SCRIPT_DIR}/redis-keys-migrator" aof "${AOF_DS}/appendonlydir" \
    --to "redis://${RKM_REDIS_HOST}:${a_port}" --report "${TMP}/aof.json" --progress never \
    --error-log "${TMP}/aof-errors.log" >"${TMP}/aof.out" 2>"${TMP}/aof.err" || rc=$?
  t1=$(now_s)
  AA_SECS=$(elapsed "${t0}" "${t1}")
  AA_RATE=$(rate "${n}" "${AA_SECS}")
  AA_KEYS=$(dbsize "${a_port}")
  AA_OK=$([[ ${rc} == 0 && ${AA_KEYS} == "${n}" ]] && echo 1 || echo 0)
  rkm_log "(a) ${AA_SECS} s, ${AA_RATE} keys/s, exit ${rc}, DBSIZE ${AA_KEYS}"
  ((AA_OK)) || print_run_output aof "${TMP}/aof.out" "${TMP}/aof.err"

  # --- b. redis-server loading the same AOF ------------------------------------
  # On a copy: a server started on an appendonlydir may add to it. It answers PING only once
  # loaded (LOADING before), so the time to its first PONG is its time to load.
  mkdir -p "${TMP}/aof-load-b"
  cp -r -- "${AOF_DS}/appendonlydir" "${TMP}/aof-load-b/"
  t0=$(now_s)
  RKM_REDIS_WAIT_TRIES=$((RUN_TIMEOUT * 10)) rkm_start_redis "${TMP}/aof-load-b" \
    --appendonly yes --appenddirname appendonlydir --auto-aof-rewrite-percentage 0
  t1=$(now_s)
  local b_port=${RKM_REDIS_PORT}
  pid=${RKM_REDIS_PID}
  wait_loaded "${b_port}" "${n}"
  AB_SECS=$(elapsed "${t0}" "${t1}")
  AB_RATE=$(rate "${n}" "${AB_SECS}")
  # Its own figure: "DB loaded from append only file: 1.234 seconds".
  loaded_s=$(sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' \
    "${TMP}/aof-load-b/redis-${b_port}.log" | tail -n 1)
  rkm_log "(b) redis-server ready after ${AB_SECS} s (${AB_RATE} keys/s); its log: ${loaded_s:-?} s"

  echo "--- sample comparison (b) vs (a)"
  "${RKM_PY}" "${SCRIPT_DIR}/bench_data.py" compare --port-a "${b_port}" --port-b "${a_port}" \
    --keys "${n}" --seed "${SEED}" --sample "${SAMPLE}" || cmp_rc=$?
  rkm_stop_redis "${pid}"
  local cmp_ok=$([[ ${cmp_rc} == 0 ]] && echo 1 || echo 0)
  for ok in "${AA_OK}" "${cmp_ok}"; do
    [[ ${ok} == 1 ]] || AOF_ALL_OK=0
  done

  echo
  echo "================= redis-keys-migrator aof benchmark ==================="
  line "dataset" "${n} keys (seed ${SEED}), ${AOF_CMDS} commands, appendonlydir ${AOF_MB} MB"
  line "" "${AOF_DS}"
  line "(a) ours" "aof: ${AA_SECS} s, ${AA_RATE} keys/s, DBSIZE ${AA_KEYS}, exit ${rc}" "$(verdict "${AA_OK}")"
  line "(b) redis" "redis-server on the same AOF: ready after ${AB_SECS} s (${AB_RATE} keys/s)"
  line "" "its log: DB loaded from append only file in ${loaded_s:-?} s"
  line "sample check" "${SAMPLE} random keys: DUMP and expiry of (a) match (b)" "$(verdict "${cmp_ok}")"
  line "ratio (a)/(b)" "keys/s $(ratio "${AA_RATE}" "${AB_RATE}") (for information; (b) has no network)"
  line "overall" "" "$(verdict "${AOF_ALL_OK}")"
  echo "======================================================================="
}

if ((RUN_RDB)); then
  run_rdb_part
fi
if ((RUN_SCAN)); then
  run_scan_part
fi
if ((RUN_SYNC)); then
  run_sync_part
fi
if ((RUN_CLUSTER)); then
  run_cluster_part
fi
if ((RUN_LIVE)); then
  run_live_part
  run_steady_part
fi
if ((RUN_CROSS)); then
  run_cross_part
fi
if ((RUN_PEERS)); then
  run_peers_part
fi
if ((RUN_AOF)); then
  run_aof_part
fi
echo "parts: rdb $( ((RUN_RDB)) && verdict "${RDB_ALL_OK}" || echo skipped)," \
  "scan $( ((RUN_SCAN)) && verdict "${SCAN_ALL_OK}" || echo skipped)," \
  "sync $( ((RUN_SYNC)) && verdict "${SYNC_ALL_OK}" || echo skipped)," \
  "cluster $( ((RUN_CLUSTER)) && verdict "${CLUSTER_ALL_OK}" || echo skipped)," \
  "live $( ((RUN_LIVE)) && verdict "${LIVE_ALL_OK}" || echo skipped)," \
  "cross $( ((RUN_CROSS)) && verdict "${CROSS_ALL_OK}" || echo skipped)," \
  "peers $( ((RUN_PEERS)) && verdict "${PEERS_ALL_OK}" || echo skipped)," \
  "aof $( ((RUN_AOF)) && verdict "${AOF_ALL_OK}" || echo skipped)"
[[ ${RDB_ALL_OK} == 1 && ${SCAN_ALL_OK} == 1 && ${SYNC_ALL_OK} == 1 && ${CLUSTER_ALL_OK} == 1 &&
  ${LIVE_ALL_OK} == 1 && ${CROSS_ALL_OK} == 1 && ${PEERS_ALL_OK} == 1 && ${AOF_ALL_OK} == 1 ]] ||
  exit 1
