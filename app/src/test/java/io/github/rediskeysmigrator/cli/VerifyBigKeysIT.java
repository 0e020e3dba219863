package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * Keys of a few megabytes, above a lowered {@code --big-key-threshold}, are compared in chunks. The
 * servers are read through an ACL user that may not run DUMP, which proves no big key is ever
 * DUMPed (a DUMP would be refused and stop the run).
 */
class VerifyBigKeysIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  private static final String THRESHOLD = "512KB";
  private static final Pattern KEY_OUTCOME =
      Pattern.compile("\"key\":\"([^\"]*)\",\"outcome\":\"([a-z_]+)\"");

  @TempDir Path tmp;

  @BeforeEach
  void noDumpUsers() {
    for (RedisServerExtension s : new RedisServerExtension[] {source, dest}) {
      try (Jedis j = s.server().client()) {
        j.aclSetUser("nodump", "reset", "on", ">secret", "~*", "+@all", "-dump");
      }
    }
  }

  private static String noDump(RedisServerExtension s) {
    return "redis://nodump:secret@127.0.0.1:" + s.server().port();
  }

  private static void fillBigKeys(Jedis j) {
    j.set("big:string".getBytes(), "0123456789abcdef".repeat(3 << 16).getBytes());
    Pipeline p = j.pipelined();
    for (int i = 0; i < 100_000; i++) {
      p.rpush("big:list", "list-element-number-" + i);
      p.sadd("big:set", "set-member-number-" + i);
      p.zadd("big:zset", i * 0.5, "zset-member-" + i);
      p.hset("big:hash", "field-" + i, "hash-value-number-" + i);
    }
    for (int i = 0; i < 30_000; i++) {
      p.xadd("big:stream", XAddParams.xAddParams(), Map.of("n", "entry-value-" + i + "-padding"));
    }
    p.sync();
    j.pexpireAt("big:hash", System.currentTimeMillis() + 3_600_000L);
    j.xgroupCreate("big:stream", "readers", new StreamEntryID(), false);
    j.xreadGroup(
        "readers",
        "alice",
        XReadGroupParams.xReadGroupParams().count(2500),
        Map.of("big:stream", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    j.xreadGroup(
        "readers",
        "bob",
        XReadGroupParams.xReadGroupParams().count(2500),
        Map.of("big:stream", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    j.xgroupCreateConsumer("big:stream", "readers", "carol");
  }

  private Tool.Result verify(String from) {
    return Run.verify(from)
        .to(noDump(dest))
        .args("--big-key-threshold", THRESHOLD)
        .outputsIn(tmp)
        .inProcess();
  }

  private Map<String, String> diffs() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(tmp.resolve("diff.jsonl"))) {
      Matcher m = KEY_OUTCOME.matcher(line);
      assertTrue(m.find(), line);
      assertEquals(null, out.put(m.group(1), m.group(2)), "listed twice: " + line);
    }
    return out;
  }

  @Test
  void bigKeysAreComparedInChunksFromAFileAndFromALiveSource() throws IOException {
    try (Jedis s = source.server().client()) {
      fillBigKeys(s);
      for (String key : new String[] {"big:list", "big:set", "big:zset", "big:hash"}) {
        assertTrue(s.memoryUsage(key) > 512 * 1024, key + " is not big enough for this test");
      }
    }
    Path rdb = source.server().saveTo(tmp.resolve("big.rdb"));
    Tool.Result migration =
        Run.rdb(rdb)
            .to(dest.uri())
            .errorLog(tmp.resolve("errors.log"))
            .args("--progress", "never")
            .inProcess();
    assertEquals(0, migration.exit(), migration::toString);

    // The proof that the user cannot DUMP: with the default threshold, verify must DUMP and fails.
    Tool.Result refused =
        Run.verify(rdb.toString()).to(noDump(dest)).args("--progress", "never").inProcess();
    assertEquals(3, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("refused DUMP"), refused::toString);

    Tool.Result fromFile = verify(rdb.toString());
    assertEquals(0, fromFile.exit(), fromFile::toString);
    assertTrue(fromFile.out().contains("identical            6"), fromFile::toString);

    Tool.Result live = verify(noDump(source));
    assertEquals(0, live.exit(), live::toString);
    assertTrue(live.out().contains("identical            6"), live::toString);

    try (Jedis d = dest.server().client()) {
      d.setrange("big:string", 1_000_000, "X");
      d.lset("big:list", 77_777, "changed");
      d.srem("big:set", "set-member-number-5");
      d.sadd("big:set", "set-member-number-x");
      d.zincrby("big:zset", 0.25, "zset-member-99999");
      d.hset("big:hash", "field-12345", "changed");
      StreamEntryID firstPending =
          d.xpending(
                  "big:stream",
                  "readers",
                  redis.clients.jedis.params.XPendingParams.xPendingParams().count(1))
              .get(0)
              .getID();
      d.xack("big:stream", "readers", firstPending);
    }
    Map<String, String> expected = new TreeMap<>();
    for (String k :
        new String[] {"big:string", "big:list", "big:set", "big:zset", "big:hash", "big:stream"}) {
      expected.put(k, "value_differs");
    }

    Tool.Result dirtyFile = verify(rdb.toString());
    assertEquals(6, dirtyFile.exit(), dirtyFile::toString);
    assertEquals(expected, diffs());

    Tool.Result dirtyLive = verify(noDump(source));
    assertEquals(6, dirtyLive.exit(), dirtyLive::toString);
    assertEquals(expected, diffs());
  }
}
