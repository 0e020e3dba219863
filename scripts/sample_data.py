#!/usr/bin/python3
"""Fills a throwaway redis-server with the demo data set of scripts/sample/sample.rdb.

Called by gen-sample-rdb.sh; run with Debian's /usr/bin/python3, which has the
`redis` module (python3-redis).

    sample_data.py fill    --port PORT   # write the keys (server must be empty)
    sample_data.py summary --port PORT   # one line: keys per db and type, TTLs

The data is generated from a fixed seed, so every run writes the same keys,
values and expiry times. The .rdb bytes still differ between runs, which no
seed of ours can prevent: redis-server seeds its hash tables randomly at
start, so the order of the keys in the file (and of the members of
hashtable-encoded sets) changes; the header holds ctime/used-mem; stream
consumer groups record wall-clock delivery and seen times.

It covers every value type and the RDB encodings Redis 7.0 produces for them,
so a migration of the sample exercises the whole parser:
  strings  int-encoded (8/16/32/64 bit, negative), short, empty, long
           compressible (LZF in the file), long incompressible, binary bytes
           (NUL, 0xff, invalid UTF-8), a binary key name
  lists    small, and large ones with several quicklist nodes
  sets     intset, small string sets, large string sets, an intset too large
           to stay an intset
  zsets    small (listpack) and large (skiplist); scores 1.5, -3, 1e300,
           -1e300, 1e-300, 0, +inf, -inf
  hashes   small (listpack), large by field count, large by value size
  streams  entries with deletions, two consumer groups with pending entries,
           a stream with no group, an empty stream that only has a group
spread over db 0 (most keys), db 1 and db 2, about 20% of them with an expiry
far in the future (absolute times in 2100, so the committed file never ages
into expired keys).
"""

import argparse
import random
import sys

import redis

SEED = 20240601
# 2100-01-01T00:00:00Z in ms: fixed, so TTLs are deterministic and never run out.
EXPIRE_BASE_MS = 4102444800000
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000

FIRST_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
               "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert",
               "sybil", "trent", "victor", "walter", "zoë", "josé", "łukasz",
               "ñandú", "中村", "Ødegaard"]
CITIES = ["Berlin", "Lisbon", "Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Austin"]


def conn(port, db):
    return redis.Redis(host="127.0.0.1", port=port, db=db, socket_timeout=30)


def hex_token(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def fill_db0(r, rng):
    p = r.pipeline(transaction=False)

    # --- hashes: small user profiles (listpack) ---
    for i in range(1, 81):
        name = rng.choice(FIRST_NAMES)
        p.hset(f"user:{i}", mapping={
            "name": name,
            "email": f"{name}{i}@example.com",
            "age": rng.randint(18, 90),            # integer field value
            "city": rng.choice(CITIES),
            "score": f"{rng.uniform(0, 100):.3f}",
        })
    # Large by number of fields (> hash-max-listpack-entries 128): hashtable.
    p.hset("user:big:1", mapping={f"field:{j}": hex_token(rng, 12) for j in range(300)})
    # Large by value size (> hash-max-listpack-value 64): hashtable with 3 fields.
    p.hset("user:big:2", mapping={"bio": "lorem ipsum " * 20, "a": "1", "b": "2"})

    # --- strings ---
    for i in range(1, 41):
        p.set(f"user:{i}:name", rng.choice(FIRST_NAMES).title())
    ints = [0, 1, -1, 127, -128, 128, 255, 32767, -32768, 65535, 2147483647,
            -2147483648, 4294967296, 9223372036854775807, -9223372036854775808]
    for i, v in enumerate(ints, start=1):
        p.set(f"counter:{i}", v)               # stored int-encoded in the RDB
    for i in range(1, 31):
        token = hex_token(rng, 16)
        p.set(f"session:{token}",
              f'{{"user":{rng.randint(1, 80)},"ip":"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",'
              f'"ua":"Mozilla/5.0","csrf":"{hex_token(rng, 32)}"}}')
    for i in range(1, 11):
        # Repetitive HTML: Redis LZF-compresses it when saving.
        body = "".join(f"<li class=\"item\">item {j} of page {i}</li>\n"
                       for j in range(rng.randint(40, 160)))
        p.set(f"cache:page:{i}", f"<html><body><ul>\n{body}</ul></body></html>")
    for i in range(1, 6):
        # Random bytes do not compress: stored raw even though long.
        p.set(f"cache:blob:{i}", rng.randbytes(rng.randint(1000, 3000)))
    for i in range(1, 21):
        p.set(f"cache:fragment:{i}", f"fragment-{hex_token(rng, rng.randint(4, 40))}")
    p.set("cache:x", "x")
    p.set("config:empty", "")                   # empty value
    p.set("config:pi", "3.14159265358979")
    p.set("config:greeting", "grüße, こんにちは")  # multi-byte UTF-8
    binaries = [b"\x00", b"\x00\x01\x02\x00", b"\xff\xfe\xfd", b"\xc3\x28",
                b"\xed\xa0\x80", b"abc\x00def", b"\x80" * 30]
    for i, v in enumerate(binaries, start=1):
        p.set(f"bin:{i}", v)
    for i in range(len(binaries) + 1, 11):
        p.set(f"bin:{i}", rng.randbytes(rng.randint(1, 64)))
    p.set(b"bin:key:\x00\xff\xfe", b"value of a key whose name is not UTF-8")

    # --- lists (Redis 7.0 stores every list as a quicklist of listpacks) ---
    for i in range(1, 16):
        p.rpush(f"queue:jobs:{i}", *[f"job-{hex_token(rng, 6)}" for _ in range(rng.randint(1, 10))])
    p.rpush("queue:big:1", *[f"event-{j}" for j in range(200)])
    p.rpush("queue:big:2", *[rng.randint(-10**12, 10**12) for _ in range(1000)])
    # 300 x 100-byte items: several 8 KB quicklist nodes.
    p.rpush("queue:big:3", *[hex_token(rng, 100) for _ in range(300)])

    # --- sets ---
    for i in range(1, 11):
        p.sadd(f"tags:ids:{i}", *rng.sample(range(1, 100000), rng.randint(1, 20)))   # intset
    for i in range(1, 11):
        p.sadd(f"tags:{i}", *rng.sample(["red", "green", "blue", "new", "sale", "hot",
                                         "eco", "bio", "vip", "beta"], rng.randint(1, 6)))
    for i in range(1, 3):
        p.sadd(f"tags:big:{i}", *[f"tag-{hex_token(rng, 8)}" for _ in range(200)])
    # > set-max-intset-entries 512: no longer an intset.
    p.sadd("tags:ids:big", *range(0, 1200, 2))

    # --- sorted sets ---
    special = [1.5, -3, 1e300, -1e300, 1e-300, 0, float("inf"), float("-inf")]
    for i in range(1, 11):
        members = {f"player:{j}": rng.choice(special + [rng.uniform(-1e6, 1e6)])
                   for j in range(rng.randint(2, 12))}
        p.zadd(f"leaderboard:{i}", members)
    for i in range(1, 3):
        # > zset-max-listpack-entries 128: skiplist, binary doubles in the RDB.
        p.zadd(f"leaderboard:big:{i}",
               {f"player:{j}": rng.choice(special + [rng.uniform(-1e6, 1e6)] * 4)
                for j in range(250)})
    p.execute()

    # --- streams (explicit IDs: auto IDs would depend on the clock) ---
    base = 1700000000000
    for j in range(60):
        r.xadd("stream:events", {"type": rng.choice(["click", "view", "buy"]),
                                 "user": rng.randint(1, 80)}, id=f"{base + j * 1000}-{j % 3}")
    r.xdel("stream:events", f"{base + 5000}-2", f"{base + 6000}-0")
    r.xgroup_create("stream:events", "g1", id="0")
    r.xgroup_create("stream:events", "g2", id=f"{base + 30000}-0")
    r.xreadgroup("g1", "alice", {"stream:events": ">"}, count=10)
    r.xreadgroup("g1", "bob", {"stream:events": ">"}, count=10)
    ids = [e[0] for e in r.xrange("stream:events", count=6)]
    r.xack("stream:events", "g1", *ids[:4])   # leaves 16 pending in g1
    r.xreadgroup("g2", "carol", {"stream:events": ">"}, count=5)
    for j in range(10):
        r.xadd("stream:orders", {"order": j, "amount": f"{rng.uniform(1, 500):.2f}"},
               id=f"{base + j}-0")
    # A stream with no entries, only a group.
    r.xgroup_create("stream:empty", "g1", id="$", mkstream=True)


def fill_db1(r, rng):
    p = r.pipeline(transaction=False)
    for _ in range(15):
        p.set(f"session:{hex_token(rng, 16)}", f'{{"user":{rng.randint(1, 80)}}}')
    for i in range(1, 6):
        p.set(f"cache:x:{i}", hex_token(rng, 20))
    p.hset("user:1001", mapping={"name": "db1 user", "age": 33})
    p.rpush("queue:jobs:db1", "a", "b", "c")
    p.execute()


def fill_db2(r, rng):
    p = r.pipeline(transaction=False)
    p.set("cache:x", "db2")
    p.set("counter:db2", 42)
    p.sadd("tags:ids:db2", 1, 2, 3)
    p.sadd("tags:db2", "x", "y")
    p.zadd("leaderboard:db2", {"a": 1.5, "b": -3, "c": 1e300})
    p.hset("user:2001", mapping={"name": "db2 user"})
    p.rpush("queue:jobs:db2", "only")
    for i in range(3):
        p.set(f"session:db2:{i}", hex_token(rng, 8))
    p.execute()
    r.xadd("stream:db2", {"k": "v"}, id="1-1")


def all_keys(r):
    # SCAN order depends on the hash table, so sort to make the TTL choice
    # below independent of it.
    return sorted(r.scan_iter(count=1000))


def add_ttls(r, rng):
    keys = all_keys(r)
    p = r.pipeline(transaction=False)
    for k in keys:
        if rng.random() < 0.2:
            # Odd millisecond offsets so a migration that rounds to seconds shows.
            p.pexpireat(k, EXPIRE_BASE_MS + rng.randint(0, THIRTY_DAYS_MS))
    p.execute()


def fill(port):
    rng = random.Random(SEED)
    fillers = [(0, fill_db0), (1, fill_db1), (2, fill_db2)]
    for db, _ in fillers:
        if conn(port, db).dbsize() != 0:
            sys.exit(f"db {db} on port {port} is not empty; refusing to fill")
    for db, filler in fillers:
        r = conn(port, db)
        filler(r, rng)
        add_ttls(r, rng)


def summary(port):
    info = conn(port, 0).info("keyspace")
    parts, total, ttls = [], 0, 0
    for dbname in sorted(info, key=lambda s: int(s[2:])):
        r = conn(port, int(dbname[2:]))
        keys = all_keys(r)
        p = r.pipeline(transaction=False)
        for k in keys:
            p.type(k)
            p.pttl(k)
        replies = p.execute()
        by_type = {}
        for t, pttl in zip(replies[0::2], replies[1::2]):
            t = t.decode()
            by_type[t] = by_type.get(t, 0) + 1
            ttls += pttl >= 0
        total += len(keys)
        detail = " ".join(f"{t}={n}" for t, n in sorted(by_type.items()))
        parts.append(f"{dbname}={len(keys)} ({detail})")
    print(f"{total} keys, {ttls} with TTL: " + "; ".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["fill", "summary"])
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    if args.command == "fill":
        fill(args.port)
    else:
        summary(args.port)


if __name__ == "__main__":
    main()
