package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Rdb13Streams;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SharedDir;
import io.github.rediskeysmigrator.testing.SnapshotSwapProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code sync} from a Redis 8.6 source, whose snapshot is RDB 13. No such server is at hand, so a
 * real 7.4.1 master is followed through {@link SnapshotSwapProxy}, which hands the replica the
 * corpus' RDB 13 file as the master's snapshot: the same bytes an 8.6 master would send, read by
 * the same reader as a real one's.
 */
class SyncRdb13IT {
  @RegisterExtension
  static final RedisServerExtension master =
      RedisServerExtension.shared("redis-7.4.1", "--repl-diskless-sync", "no");

  @RegisterExtension
  static final RedisServerExtension dest = RedisServerExtension.shared("redis-7.4.1");

  @TempDir Path tmp;

  @Test
  void anRdb13SnapshotIsMigratedAndItsStreamsIdmpStateNoted() throws Exception {
    byte[] rdb =
        Files.readAllBytes(SharedDir.corpus().resolve("public").resolve(Rdb13Streams.FILE));
    Path report = tmp.resolve("r.json");
    Path errors = tmp.resolve("e.log");
    try (SnapshotSwapProxy proxy = SnapshotSwapProxy.to(master.server(), rdb)) {
      Tool.Result r =
          Run.sync(proxy.uri())
              .to(dest.uri())
              .args("--snapshot-only")
              .errorLog(errors)
              .report(report)
              .args("--progress", "never")
              .inProcess();

      assertEquals(0, r.exit(), r::toString);
      assertEquals(1, proxy.swapped());
    }
    String json = Files.readString(report);
    assertTrue(json.contains("\"read\":1,"), json);
    // Redis 7.4 reads the stream as type 21: restamped, its IDMP state left out.
    assertTrue(json.contains("\"restamped\":1,"), json);
    assertTrue(json.contains("\"idmp_left_out\":1,"), json);
    List<String> notes = Files.readAllLines(errors);
    assertEquals(1, notes.size(), notes::toString);
    assertTrue(notes.get(0).contains(" NOTE db=0 key=\"" + Rdb13Streams.KEY + "\""), notes.get(0));
    try (Jedis d = dest.server().client()) {
      assertEquals(1, d.dbSize());
      assertEquals(3, d.xlen(Rdb13Streams.KEY));
      assertEquals(2, d.xinfoGroups(Rdb13Streams.KEY).size());
    }
  }
}
