# shellcheck shell=bash
# Helpers shared by gen-sample-rdb.sh, demo.sh and bench.sh: throwaway
# redis-server instances on loopback, started and stopped by their own pid.
# Sourced, not executed; the caller sets `set -euo pipefail`.

# Only loopback: these servers have no password and must never be reachable
# from outside this machine.
RKM_REDIS_HOST=127.0.0.1
# Ports are picked from this range so the servers of the scripts are easy to
# recognise (and to firewall) and never collide with a default 6379.
RKM_PORT_MIN=17100
RKM_PORT_MAX=17199

# Debian's python has the `redis` module; a pyenv/venv python3 first on PATH
# usually does not, so the scripts always name this one.
RKM_PY=/usr/bin/python3

# Pids of every server started through rkm_start_redis, for rkm_stop_all_redis.
RKM_REDIS_PIDS=()
# Set by rkm_start_redis for its caller.
RKM_REDIS_PORT='' RKM_REDIS_PID=''

rkm_log() {
  printf '%s %s\n' "[$(date +%H:%M:%S)]" "$*" >&2
}

rkm_die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly when already root, else through sudo.
rkm_as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    rkm_die "need root (or sudo) to run: $*"
  fi
}

RKM_APT_UPDATED=0
# Installs Debian packages; runs `apt-get update` at most once per script run
# and only when something really has to be installed.
rkm_apt_install() {
  (($# > 0)) || return 0
  command -v apt-get >/dev/null 2>&1 ||
    rkm_die "apt-get not found; please install: $*"
  if ((RKM_APT_UPDATED == 0)); then
    rkm_log "apt-get update"
    rkm_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    RKM_APT_UPDATED=1
  fi
  rkm_log "apt-get install -y $*"
  rkm_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Installs with apt whatever of these requirements is missing:
#   redis-server  -> redis-server and redis-cli on PATH
#   python-redis  -> /usr/bin/python3 can `import redis`
#   time          -> /usr/bin/time (GNU time, for peak RSS)
rkm_require() {
  local missing=() want
  for want in "$@"; do
    case "${want}" in
      redis-server)
        if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
          missing+=(redis-server)
        fi
        ;;
      python-redis)
        if ! "${RKM_PY}" -c 'import redis' >/dev/null 2>&1; then
          missing+=(python3-redis)
        fi
        ;;
      time)
        [[ -x /usr/bin/time ]] || missing+=(time)
        ;;
      *) rkm_die "rkm_require: unknown requirement ${want}" ;;
    esac
  done
  rkm_apt_install "${missing[@]}"
}

# True when something already accepts connections on the loopback port.
rkm_port_in_use() {
  # bash's /dev/tcp connect, in a subshell so the fd closes right away;
  # `timeout` bounds it in case the connect hangs.
  timeout 1 bash -c ": >/dev/tcp/${RKM_REDIS_HOST}/$1" 2>/dev/null
}

# Waits up to ~10 s (RKM_REDIS_WAIT_TRIES tenths of a second, default 100: more
# for a server loading a big dataset, which answers LOADING until it is done)
# until the redis-server with pid $1 answers PING on port $2
# and reports that very pid (so a foreign server that happened to own the port
# is never mistaken for ours). Returns 1 if our server died (typically: port
# taken after all), 2 on timeout.
rkm_wait_redis() {
  local pid=$1 port=$2 i
  for ((i = 0; i < ${RKM_REDIS_WAIT_TRIES:-100}; i++)); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      return 1
    fi
    if [[ $(redis-cli -h "${RKM_REDIS_HOST}" -p "${port}" PING 2>/dev/null) == PONG ]]; then
      if redis-cli -h "${RKM_REDIS_HOST}" -p "${port}" INFO server 2>/dev/null |
        tr -d '\r' | grep -qx "process_id:${pid}"; then
        return 0
      fi
    fi
    sleep 0.1
  done
  return 2
}

# rkm_start_redis DIR [extra redis-server args...]
# (RKM_REDIS_SERVER names another server binary, e.g. one of ../shared/redis-bin.)
# Starts a throwaway redis-server on a free random loopback port in
# RKM_PORT_MIN..RKM_PORT_MAX with persistence off, data and log in DIR.
# Sets RKM_REDIS_PORT and RKM_REDIS_PID. Must not be called inside $(...):
# the server has to be a child of the calling shell so it can be stopped by
# pid from a trap.
rkm_start_redis() {
  local dir=$1 attempt port pid rc
  shift
  mkdir -p "${dir}"
  for ((attempt = 1; attempt <= 20; attempt++)); do
    port=$((RKM_PORT_MIN + RANDOM % (RKM_PORT_MAX - RKM_PORT_MIN + 1)))
    if rkm_port_in_use "${port}"; then
      continue
    fi
    # --save '' / --appendonly no: nothing is written unless a script calls
    # SAVE itself; --daemonize no keeps the server our child so $! is its pid.
    "${RKM_REDIS_SERVER:-redis-server}" --bind "${RKM_REDIS_HOST}" --port "${port}" \
      --save '' --appendonly no --daemonize no \
      --dir "${dir}" --logfile "${dir}/redis-${port}.log" "$@" &
    pid=$!
    RKM_REDIS_PIDS+=("${pid}")
    rc=0
    rkm_wait_redis "${pid}" "${port}" || rc=$?
    if ((rc == 0)); then
      # Read by the sourcing script, which shellcheck cannot see from here.
      # shellcheck disable=SC2034
      RKM_REDIS_PORT=${port}
      # shellcheck disable=SC2034
      RKM_REDIS_PID=${pid}
      return 0
    fi
    if ((rc == 2)); then
      rkm_stop_redis "${pid}"
      tail -n 20 "${dir}/redis-${port}.log" >&2 2>/dev/null || true
      rkm_die "redis-server (pid ${pid}) did not answer PING on ${RKM_REDIS_HOST}:${port} within $((${RKM_REDIS_WAIT_TRIES:-100} / 10))s"
    fi
    # Our server exited: most likely another process took the port between
    # the check and the bind. Try another port.
    wait "${pid}" 2>/dev/null || true
  done
  rkm_die "could not start redis-server on a free port in ${RKM_PORT_MIN}-${RKM_PORT_MAX} (see ${dir}/redis-*.log)"
}

# Stops one server by its own pid: TERM (with --save '' it does not write a
# dump), then KILL if it is still there after ~10 s.
rkm_stop_redis() {
  local pid=$1 i
  kill -0 "${pid}" 2>/dev/null || return 0
  kill -TERM "${pid}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "${pid}" 2>/dev/null; then
    kill -KILL "${pid}" 2>/dev/null || true
  fi
  wait "${pid}" 2>/dev/null || true
}

# For EXIT traps: stops every server this script started.
rkm_stop_all_redis() {
  local pid
  for pid in "${RKM_REDIS_PIDS[@]}"; do
    rkm_stop_redis "${pid}"
  done
}

# redis-cli against one of our servers.
rkm_cli() {
  local port=$1
  shift
  redis-cli -h "${RKM_REDIS_HOST}" -p "${port}" "$@"
}

# Absolute directory of the repository, from the location of scripts/.
rkm_repo_root() {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
  dirname "${here}"
}
