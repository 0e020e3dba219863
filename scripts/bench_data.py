#!/usr/bin/python3
"""Data helpers for scripts/bench.sh (run with Debian's /usr/bin/python3 + python3-redis).

    bench_data.py gen      --keys N --seed S --out gen.resp [--first F]
        RESP write commands for N keys (numbers F to F+N-1, default F=0), to be
        loaded with `redis-cli --pipe` (prints the number of commands written):
        70% strings of 50-200 random bytes, 10% hashes of 10 fields, 10% lists
        of 10 elements, 5% sets of 10 members, 5% zsets of 10 members; about 20%
        of the keys expire 1-30 days from now.
    bench_data.py restore  --port P --keys N --out restore.resp
        The reference: SCANs a loaded source server (COUNT 1000), pipelines
        DUMP + PEXPIRETIME per key and writes `RESTORE key abs-ms payload ABSTTL`
        (abs-ms 0 when the key has no TTL) as RESP for `redis-cli --pipe`.
    bench_data.py compare  --port-a A --port-b B --keys N --seed S --sample 1000
        Checks a random sample of keys on two destinations: same DUMP payload
        (or, where Redis's own encoding makes DUMP order-dependent, the same
        value) and expiry times within 2 s. Exit 1 on any mismatch.
        With --ttl count, expiry is only counted, not checked (for a copy that
        is known to drop TTLs): how many sample keys with a TTL on A kept it
        on B (within 2 s) and how many lost it. --kv FILE also writes the
        counts as key=value lines for the caller.
    bench_data.py steady   --port P --rate R --secs S --keys K [--kv FILE]
        A steady write load: R SETs a second for S seconds, each of a value of
        about 100 bytes to a key steady:<n>, n uniform in 0..K-1. Every tick of
        10 ms sends, in one pipeline, the writes the schedule owes by then (so a
        late tick catches up), then SET steady:clock <unix ms of the send>: a
        copy's steady:clock says up to when it has the source's writes. Prints
        the achieved rate; --kv FILE writes the counts as key=value lines.

Key i is named from its type and number (see key_name), so `compare` can pick
sample keys without scanning. Everything random comes from the fixed seed;
only the expiry times depend on when `gen` ran.
"""

import argparse
import random
import sys
import time

import redis

DAY_MS = 24 * 3600 * 1000
# Type of key i is TYPES[i % 20]: exactly 70/10/10/5/5 percent, interleaved.
TYPES = ["string"] * 14 + ["hash"] * 2 + ["list"] * 2 + ["set", "zset"]
TTL_TOLERANCE_MS = 2000


def key_name(i):
    return f"bench:{TYPES[i % 20]}:{i}".encode()


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def log(msg):
    print(f"[bench_data] {msg}", file=sys.stderr, flush=True)


def cmd_gen(args):
    rng = random.Random(args.seed)
    rb = rng.randbytes
    ri = rng.randint
    now_ms = int(time.time() * 1000)
    buf = []
    size = 0
    ttls = 0
    commands = 0
    with open(args.out, "wb") as f:
        for i in range(args.first, args.first + args.keys):
            key = key_name(i)
            kind = TYPES[i % 20]
            expire_at = None
            if rng.random() < 0.2:
                expire_at = b"%d" % (now_ms + ri(DAY_MS, 30 * DAY_MS))
                ttls += 1
            if kind == "string":
                if expire_at is None:
                    cmd = resp(b"SET", key, rb(ri(50, 200)))
                else:
                    cmd = resp(b"SET", key, rb(ri(50, 200)), b"PXAT", expire_at)
                expire_at = None
            elif kind == "hash":
                fields = []
                for j in range(10):
                    fields += [b"field%d" % j, rb(ri(8, 32))]
                cmd = resp(b"HSET", key, *fields)
            elif kind == "list":
                cmd = resp(b"RPUSH", key, *[rb(ri(8, 32)) for _ in range(10)])
            elif kind == "set":
                # 16 random bytes: duplicates (a set of 9) are practically impossible.
                cmd = resp(b"SADD", key, *[rb(16) for _ in range(10)])
            else:
                pairs = []
                for _ in range(10):
                    pairs += [repr(rng.uniform(-1e6, 1e6)).encode(), rb(16)]
                cmd = resp(b"ZADD", key, *pairs)
            commands += 1
            if expire_at is not None:
                cmd += resp(b"PEXPIREAT", key, expire_at)
                commands += 1
            buf.append(cmd)
            size += len(cmd)
            if size > (4 << 20):
                f.write(b"".join(buf))
                buf, size = [], 0
            if (i + 1) % 200000 == 0:
                log(f"gen: {i + 1 - args.first}/{args.keys} keys")
        f.write(b"".join(buf))
    log(f"gen: {args.keys} keys, {ttls} with TTL -> {args.out}")
    # For the caller: redis-cli --pipe must report exactly this many replies.
    print(commands)


def cmd_restore(args):
    r = redis.Redis(host="127.0.0.1", port=args.port, socket_timeout=60)
    written = 0
    cursor = 0
    with open(args.out, "wb") as f:
        while True:
            cursor, keys = r.scan(cursor=cursor, count=1000)
            if keys:
                p = r.pipeline(transaction=False)
                for k in keys:
                    p.dump(k)
                    # PEXPIRETIME (Redis 7.0+) is the absolute unix-ms expiry
                    # itself; now+PTTL would be off by the time the round trip
                    # took. -1: no TTL, -2: key vanished.
                    p.pexpiretime(k)
                replies = p.execute()
                out = []
                for k, payload, expire_at in zip(keys, replies[0::2], replies[1::2]):
                    if payload is None or expire_at == -2:
                        continue
                    ttl = b"%d" % expire_at if expire_at >= 0 else b"0"
                    out.append(resp(b"RESTORE", k, ttl, payload, b"ABSTTL"))
                f.write(b"".join(out))
                written += len(out)
                if written // 200000 != (written - len(out)) // 200000:
                    log(f"restore: {written} keys")
            if cursor == 0:
                break
    if written != args.keys:
        sys.exit(f"restore: wrote {written} RESTORE commands, expected {args.keys}")
    log(f"restore: {written} RESTORE commands -> {args.out}")


def read_value(r, key, kind):
    """The value in a form that ignores encoding and member order."""
    if kind == b"string":
        return r.get(key)
    if kind == b"hash":
        return r.hgetall(key)
    if kind == b"list":
        return r.lrange(key, 0, -1)
    if kind == b"set":
        return r.smembers(key)
    if kind == b"zset":
        return r.zrange(key, 0, -1, withscores=True)
    return None


def fetch(r, keys):
    p = r.pipeline(transaction=False)
    for k in keys:
        p.dump(k)
        p.pexpiretime(k)
        p.type(k)
    replies = p.execute()
    return list(zip(replies[0::3], replies[1::3], replies[2::3]))


def cmd_compare(args):
    a = redis.Redis(host="127.0.0.1", port=args.port_a, socket_timeout=60)
    b = redis.Redis(host="127.0.0.1", port=args.port_b, socket_timeout=60)
    # Own seed stream so the sample does not repeat the data generator's.
    rng = random.Random(args.seed * 7919 + 1)
    n = min(args.sample, args.keys)
    keys = [key_name(i) for i in rng.sample(range(args.keys), n)]
    same_dump = same_value = bad = with_ttl = 0
    ttl_kept = ttl_lost = ttl_other = 0
    problems = []
    for k, (da, ea, ta), (db, eb, tb) in zip(keys, fetch(a, keys), fetch(b, keys)):
        if da is None or db is None:
            bad += 1
            problems.append(f"{k!r}: missing on {'a' if da is None else 'b'}")
            continue
        same_expiry = (ea >= 0) == (eb >= 0) and (ea < 0 or abs(ea - eb) <= TTL_TOLERANCE_MS)
        if ea >= 0:
            if same_expiry:
                ttl_kept += 1
            elif eb < 0:
                ttl_lost += 1
            else:
                ttl_other += 1
        elif not same_expiry:
            ttl_other += 1
        if args.ttl == "check" and not same_expiry:
            bad += 1
            problems.append(f"{k!r}: expiry a={ea} b={eb}")
            continue
        with_ttl += ea >= 0
        if da == db:
            same_dump += 1
        elif ta == tb and read_value(a, k, ta) == read_value(b, k, tb):
            # Redis 7.0 keeps sets of strings in a hash table whose seed is
            # random per process, so DUMP lists the members in a different
            # order on each server even when the sets are equal.
            same_value += 1
        else:
            bad += 1
            problems.append(f"{k!r}: value differs (type a={ta!r} b={tb!r})")
    for p in problems[:10]:
        print(f"  mismatch {p}")
    print(f"sample of {n} keys ({with_ttl} with TTL): {same_dump} identical DUMP, "
          f"{same_value} equal value (member order differs), {bad} mismatched")
    if args.ttl == "count":
        print(f"expiry not checked: of {with_ttl} sample keys with a TTL on a, b kept {ttl_kept} "
              f"and lost {ttl_lost}; {ttl_other} other expiry differences")
    if args.kv:
        with open(args.kv, "w") as f:
            for name, value in [("sample", n), ("with_ttl", with_ttl), ("identical", same_dump),
                                ("equal_value", same_value), ("mismatched", bad),
                                ("ttl_kept", ttl_kept), ("ttl_lost", ttl_lost),
                                ("ttl_other", ttl_other)]:
                f.write(f"{name}={value}\n")
    sys.exit(1 if bad else 0)


TICK_S = 0.01
# A stall longer than this is not made up for: the achieved rate then falls short and says so.
MAX_CATCH_UP_S = 0.5


def cmd_steady(args):
    r = redis.Redis(host="127.0.0.1", port=args.port, socket_timeout=60)
    rng = random.Random(args.seed)
    pad = b"x" * 90
    total = int(args.rate * args.secs)
    cap = max(1, int(args.rate * MAX_CATCH_UP_S))
    sent = skipped = ticks = late = 0
    start = time.monotonic()
    while sent + skipped < total:
        due = min(total, int(args.rate * (time.monotonic() - start)))
        owed = due - sent - skipped
        if owed > cap:
            # Not sent later: the schedule moves on and the achieved rate shows the gap.
            skipped += owed - cap
            owed = cap
        if owed > 0:
            p = r.pipeline(transaction=False)
            for i in range(sent, sent + owed):
                p.set(b"steady:%d" % rng.randrange(args.keys), b"%d:" % i + pad)
            p.set(b"steady:clock", b"%d" % int(time.time() * 1000))
            replies = p.execute()
            if not all(replies):
                sys.exit(f"steady: a SET was refused: {replies[:5]}")
            sent += owed
            late += owed > args.rate * TICK_S * 2
        ticks += 1
        pause = start + ticks * TICK_S - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            ticks = int((time.monotonic() - start) / TICK_S)
    secs = time.monotonic() - start
    rate = sent / secs if secs > 0 else 0
    log(f"steady: {sent} writes in {secs:.2f} s: {rate:.0f}/s (target {args.rate}/s), "
        f"{late} late ticks, {skipped} writes skipped")
    if args.kv:
        with open(args.kv, "w") as f:
            for name, value in [("sent", sent), ("secs", f"{secs:.3f}"), ("rate", f"{rate:.0f}"),
                                ("late_ticks", late), ("skipped", skipped), ("target", args.rate)]:
                f.write(f"{name}={value}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--keys", type=int, required=True)
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--first", type=int, default=0)
    r = sub.add_parser("restore")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--keys", type=int, required=True)
    r.add_argument("--out", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--port-a", type=int, required=True)
    c.add_argument("--port-b", type=int, required=True)
    c.add_argument("--keys", type=int, required=True)
    c.add_argument("--seed", type=int, required=True)
    c.add_argument("--sample", type=int, default=1000)
    c.add_argument("--ttl", choices=["check", "count"], default="check")
    c.add_argument("--kv")
    st = sub.add_parser("steady")
    st.add_argument("--port", type=int, required=True)
    st.add_argument("--rate", type=int, required=True)
    st.add_argument("--secs", type=float, required=True)
    st.add_argument("--keys", type=int, required=True)
    st.add_argument("--seed", type=int, default=42)
    st.add_argument("--kv")
    args = ap.parse_args()
    commands = {"gen": cmd_gen, "restore": cmd_restore, "compare": cmd_compare,
                "steady": cmd_steady}
    commands[args.command](args)


if __name__ == "__main__":
    main()
