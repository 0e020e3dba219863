package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Each command runs under an ACL user with exactly the permissions docs/security.md lists for it,
 * and a permission less makes it fail clearly. Keeps those minimal ACLs honest.
 */
class AclIT {
  /** The minimal ACLs of docs/security.md, word for word. */
  static final String SOURCE_SCAN = "+ping +info +select +dbsize +scan +dump +pexpiretime +pttl";

  static final String SOURCE_SYNC = "+ping +info +command +psync +sync +replconf";
  static final String DESTINATION = "+ping +info +select +restore +dump +function|restore";
  static final String DESTINATION_SYNC = DESTINATION + " +@write +multi +exec +get";
  static final String DESTINATION_REWRITE =
      DESTINATION
          + " +del +set +append +rpush +sadd +zadd +hset +xadd +xgroup +xclaim +xdel +xsetid"
          + " +pexpireat +rename +renamenx +function|load";

  @RegisterExtension
  static final RedisServerExtension redis72 = RedisServerExtension.shared("redis-7.2.6");

  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  @BeforeEach
  void users() {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      s.aclSetUser("scanner", ("reset on >pw ~* " + SOURCE_SCAN).split(" "));
      s.aclSetUser("replica", ("reset on >pw ~* " + SOURCE_SYNC).split(" "));
      d.aclSetUser("writer", ("reset on >pw ~* " + DESTINATION).split(" "));
      d.aclSetUser("syncer", ("reset on >pw ~* " + DESTINATION_SYNC).split(" "));
      d.aclSetUser("rewriter", ("reset on >pw ~* " + DESTINATION_REWRITE).split(" "));
      d.aclSetUser("weak", ("reset on >pw ~* +ping +info +select +dump").split(" "));
      SampleData.fillAllTypes(s, "");
    }
  }

  private String uri(RedisServerExtension server, String user) {
    return "redis://" + user + ":pw@127.0.0.1:" + server.server().port();
  }

  @Test
  void rdbAndScanRunWithTheMinimalAcls() {
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));
    Tool.Result rdb = Run.rdb(file).to(uri(dest, "writer")).errorLog(tmp.resolve("e")).inProcess();
    assertEquals(0, rdb.exit(), rdb::toString);

    dest.server().flushAll();
    Tool.Result scan =
        Run.scan(uri(source, "scanner"))
            .to(uri(dest, "writer"))
            .errorLog(tmp.resolve("e"))
            .inProcess();
    assertEquals(0, scan.exit(), scan::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(SampleData.ALL_TYPES_KEYS, d.dbSize());
    }
  }

  @Test
  void rewritingForAnOlderDestinationRunsWithTheListedAcls() throws Exception {
    try (Jedis s = redis72.server().client()) {
      SampleData.fillAllTypes(s, "");
    }
    Path file = redis72.server().saveTo(tmp.resolve("v11.rdb"));
    Tool.Result rdb =
        Run.rdb(file).to(uri(dest, "rewriter")).errorLog(tmp.resolve("e")).inProcess();
    assertEquals(0, rdb.exit(), rdb::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(SampleData.ALL_TYPES_KEYS, d.dbSize());
    }
    dest.server().flushAll();
    Tool.Result weak = Run.rdb(file).to(uri(dest, "writer")).errorLog(tmp.resolve("e")).inProcess();
    assertEquals(1, weak.exit(), weak::toString);
    assertTrue(Files.readString(tmp.resolve("e")).contains("NOPERM"));
    try (Jedis d = dest.server().client()) {
      // RESTORE is allowed: the restamped keys land, and so does the set listpack, which 7.0 does
      // not read, written again in plain encodings. The two streams that 7.0 must get as commands
      // (XADD, XGROUP, ...) fail whole.
      assertEquals(SampleData.ALL_TYPES_KEYS - 2, d.dbSize());
      assertEquals(
          java.util.Set.of(),
          d.keys("*rkm-tmp*"),
          "no key, not even a temporary one, half-written");
      assertEquals(true, d.exists("set:small"));
      assertEquals(false, d.exists("stream:events"));
      assertEquals(false, d.exists("stream:trimmed"));
    }
  }

  @Test
  void aMissingPermissionIsNamedInTheErrorLog() throws Exception {
    Path file = source.server().saveTo(tmp.resolve("d.rdb"));
    Tool.Result r = Run.rdb(file).to(uri(dest, "weak")).errorLog(tmp.resolve("e")).inProcess();
    assertEquals(1, r.exit(), r::toString);
    assertTrue(Files.readString(tmp.resolve("e")).contains("NOPERM"));
  }

  @Test
  void syncRunsWithTheMinimalAcls() throws Exception {
    Path checkpoint = tmp.resolve("cp");
    try (JarRun run =
        Run.sync(uri(source, "replica"))
            .to(uri(dest, "syncer"))
            .checkpoint(checkpoint)
            .args("--progress", "never")
            .jar(tmp)) {
      Await.until(
          "the checkpoint file", Duration.ofSeconds(30), run, () -> Files.exists(checkpoint));
      try (Jedis s = source.server().client()) {
        s.set("live", "1");
        s.hset("live:h", "f", "v");
      }
      try (Jedis d = dest.server().client()) {
        // Both live writes, not only the first: a check between the two would count one key
        // short, and the second would then land in the next test's destination.
        Await.until(
            "the live keys",
            Duration.ofSeconds(30),
            run,
            () -> d.get("live") != null && d.exists("live:h"));
        assertEquals("1", d.get("live"), run::toString);
        assertEquals(SampleData.ALL_TYPES_KEYS + 3, d.dbSize(), "keys + 2 live + checkpoint key");
      }
      assertEquals(130, run.terminate(), run::toString);
    }
  }
}
