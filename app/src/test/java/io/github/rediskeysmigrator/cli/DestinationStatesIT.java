package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The destination answers BUSY or READONLY: wait it out, or stop with a clear message. */
class DestinationStatesIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension replica = RedisServerExtension.debian();

  @TempDir Path tmp;

  private static long field(String json, String name) {
    return Long.parseLong(json.replaceAll("(?s).*\"" + name + "\":(\\d+).*", "$1"));
  }

  private Path file(int keys) {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", keys);
    }
    return source.server().saveTo(tmp.resolve("d.rdb"));
  }

  @Test
  void aBusyDestinationIsWaitedOutAndEveryKeyLands() throws Exception {
    Path file = file(6000);
    try (Jedis d = dest.server().client()) {
      d.configSet("busy-reply-threshold", "100");
    }
    Tool.Result[] result = new Tool.Result[1];
    Thread run =
        new Thread(
            () ->
                result[0] =
                    Tool.run(
                        "rdb",
                        file.toString(),
                        "--to",
                        dest.uri(),
                        "--max-rate",
                        "3000",
                        "--pipeline",
                        "100",
                        "--retries",
                        "10",
                        "--report",
                        tmp.resolve("r.json").toString(),
                        "--error-log",
                        tmp.resolve("e.log").toString()));
    run.start();
    Thread.sleep(700);
    Thread busy =
        new Thread(
            () -> {
              try (Jedis d = dest.server().client()) {
                d.eval("while true do end");
              } catch (RuntimeException killed) {
                // SCRIPT KILL ends the script with an error reply; that is the point.
              }
            });
    busy.start();
    Thread.sleep(1200);
    try (Jedis d = dest.server().client()) {
      d.scriptKill();
    } finally {
      busy.join();
      run.join();
      try (Jedis d = dest.server().client()) {
        d.configSet("busy-reply-threshold", "5000");
      }
    }
    assertEquals(0, result[0].exit(), result[0]::toString);
    String json = Files.readString(tmp.resolve("r.json"));
    assertEquals(6000, field(json, "written"), json);
    try (Jedis d = dest.server().client()) {
      assertEquals(6000, d.dbSize());
    }
  }

  @Test
  void aDestinationBusyAtStartIsWaitedFor() throws Exception {
    Path file = file(100);
    try (Jedis d = dest.server().client()) {
      d.configSet("busy-reply-threshold", "100");
    }
    Thread busy =
        new Thread(
            () -> {
              try (Jedis d = dest.server().client()) {
                d.eval("while true do end");
              } catch (RuntimeException killed) {
                // SCRIPT KILL ends the script with an error reply; that is the point.
              }
            });
    busy.start();
    Thread.sleep(300);
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(2000);
                try (Jedis d = dest.server().client()) {
                  d.scriptKill();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    killer.start();
    try {
      Tool.Result r =
          Tool.run(
              "rdb",
              file.toString(),
              "--to",
              dest.uri(),
              "--error-log",
              tmp.resolve("e.log").toString());
      assertEquals(0, r.exit(), r::toString);
    } finally {
      killer.join();
      busy.join();
      try (Jedis d = dest.server().client()) {
        d.configSet("busy-reply-threshold", "5000");
      }
    }
    try (Jedis d = dest.server().client()) {
      assertEquals(100, d.dbSize());
    }
  }

  @Test
  void aReadOnlyReplicaStopsTheRunWithExit3AndTheTotalsStillAddUp() throws Exception {
    Path file = file(3000);
    try (Jedis r = replica.server().client()) {
      r.replicaof("127.0.0.1", source.server().port());
    }
    try {
      Tool.Result r =
          Tool.run(
              "rdb",
              file.toString(),
              "--to",
              replica.uri(),
              "--pipeline",
              "100",
              "--report",
              tmp.resolve("r.json").toString(),
              "--error-log",
              tmp.resolve("e.log").toString());
      assertEquals(3, r.exit(), r::toString);
      assertTrue(r.err().contains("read-only replica"), r.err());
      String json = Files.readString(tmp.resolve("r.json"));
      assertEquals(field(json, "read"), field(json, "errors"), json);
      assertEquals(0, field(json, "written"), json);
    } finally {
      try (Jedis r = replica.server().client()) {
        r.replicaofNoOne();
      }
    }
  }
}
