#!/usr/bin/python3
"""Key-by-key SCAN migration, the way the original Python script works (benchmark reference).

Run with Debian's /usr/bin/python3 (python3-redis; python3-hiredis is used when installed, as the
original's requirements ask for hiredis). scripts/bench.sh times it against
`redis-keys-migrator scan`. It is a yardstick, not a tool: it copies values but loses every TTL,
exactly like the script it stands for.

Per key, following the original script's README:
  1. SCAN the source db with MATCH SCAN_MATCH_PATTERN and COUNT SCAN_BATCH_SIZE;
  2. EXISTS on the destination: a key that is already there is skipped;
  3. TYPE on the source, then read the value with the command for that type
     (GET, LRANGE 0 -1, SMEMBERS, ZRANGE 0 -1 WITHSCORES, HGETALL, XRANGE - +);
  4. queue the matching write on a destination pipeline
     (SET, RPUSH, SADD, ZADD, HSET, one XADD per stream entry);
  5. send the pipeline once PIPELINE_BATCH_SIZE keys are queued (one count per key, however many
     commands the key took), and once more at the end.
Like the original: the pipeline is redis-py's default one (wrapped in MULTI/EXEC), every read is
its own round trip, and no TTL is read or written. Unlike it: there is no SLEEP_TIME pause (the
benchmark compares against the original's fastest setting, its README's "without sleep" run) and
keys stay bytes instead of being decoded as UTF-8.

Environment (defaults as in the original):
  SOURCE_REDIS_HOST (localhost), SOURCE_REDIS_PORT (6381), SOURCE_REDIS_DB_INDEX (0),
  DESTINATION_REDIS_HOST (localhost), DESTINATION_REDIS_PORT (6380), DESTINATION_REDIS_DB_INDEX (0),
  SCAN_MATCH_PATTERN (*), SCAN_BATCH_SIZE (1000), PIPELINE_BATCH_SIZE (1000).

Prints the counts of restored, skipped and failed keys. Exit 0 when no key failed, 1 when some
failed, 2 on a bad setting, 3 when a server cannot be reached.
"""

import os
import sys
import time

import redis


def setting(name, default, kind=str):
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        sys.exit(f"reference_migrator: {name}={raw!r} is not a valid {kind.__name__}")
    if kind is int and value < 0:
        sys.exit(f"reference_migrator: {name}={raw!r} must not be negative")
    return value


def copy_one(src, pipe, key):
    """Reads one key from src and queues its write on pipe. Returns an error text or None."""
    kind = src.type(key)
    if kind == b"string":
        pipe.set(key, src.get(key))
    elif kind == b"list":
        pipe.rpush(key, *src.lrange(key, 0, -1))
    elif kind == b"set":
        pipe.sadd(key, *src.smembers(key))
    elif kind == b"zset":
        pipe.zadd(key, dict(src.zrange(key, 0, -1, withscores=True)))
    elif kind == b"hash":
        pipe.hset(key, mapping=src.hgetall(key))
    elif kind == b"stream":
        for entry_id, fields in src.xrange(key):
            pipe.xadd(key, fields, id=entry_id)
    elif kind == b"none":
        return "vanished from the source between SCAN and TYPE"
    else:
        return f"type {kind.decode(errors='replace')} is not supported"
    return None


def main():
    src_host = setting("SOURCE_REDIS_HOST", "localhost")
    src_port = setting("SOURCE_REDIS_PORT", 6381, int)
    src_db = setting("SOURCE_REDIS_DB_INDEX", 0, int)
    dst_host = setting("DESTINATION_REDIS_HOST", "localhost")
    dst_port = setting("DESTINATION_REDIS_PORT", 6380, int)
    dst_db = setting("DESTINATION_REDIS_DB_INDEX", 0, int)
    match = setting("SCAN_MATCH_PATTERN", "*")
    scan_count = setting("SCAN_BATCH_SIZE", 1000, int)
    batch = setting("PIPELINE_BATCH_SIZE", 1000, int)
    if scan_count < 1 or batch < 1:
        print("reference_migrator: SCAN_BATCH_SIZE and PIPELINE_BATCH_SIZE must be >= 1",
              file=sys.stderr)
        sys.exit(2)

    src = redis.Redis(host=src_host, port=src_port, db=src_db)
    dst = redis.Redis(host=dst_host, port=dst_port, db=dst_db)
    try:
        src.ping()
        dst.ping()
    except redis.RedisError as e:
        print(f"reference_migrator: cannot reach Redis: {e}", file=sys.stderr)
        sys.exit(3)
    parser = "hiredis" if redis.utils.HIREDIS_AVAILABLE else "pure-Python"
    print(f"reference_migrator: {src_host}:{src_port}/{src_db} -> {dst_host}:{dst_port}/{dst_db}, "
          f"MATCH {match} COUNT {scan_count}, pipeline {batch}, {parser} parser", flush=True)

    restored = skipped = failed = 0
    queued = 0
    pipe = dst.pipeline()
    started = time.monotonic()
    for key in src.scan_iter(match=match, count=scan_count):
        if dst.exists(key):
            skipped += 1
            continue
        try:
            error = copy_one(src, pipe, key)
        except redis.RedisError as e:
            error = str(e)
        if error is not None:
            failed += 1
            print(f"reference_migrator: key {key!r}: {error}", file=sys.stderr)
            continue
        restored += 1
        queued += 1
        if queued >= batch:
            pipe.execute()
            pipe = dst.pipeline()
            queued = 0
    if queued:
        pipe.execute()
    secs = time.monotonic() - started
    print(f"restored {restored}, skipped {skipped}, failed {failed} keys in {secs:.3f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
