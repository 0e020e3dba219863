package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.FaultyProxy;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.Marker;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.RenewedKeys;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * {@code sync} and the TTL race of issue 27: a destination that lags behind expires a key the
 * source renewed in time, and the renewal then finds no key there.
 */
class SyncTtlRaceIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.syncSource("--repl-backlog-size", "64mb");

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  private JarRun sync(String to, boolean checkpoint) {
    Run run =
        Run.sync(source.uri())
            .to(to)
            .report(tmp.resolve("report.json"))
            .args("--progress", "never");
    if (checkpoint) {
      run = run.checkpoint(tmp.resolve("checkpoint"));
    }
    return run.jar(tmp);
  }

  @ParameterizedTest(name = "checkpoint {0}")
  @ValueSource(booleans = {false, true})
  void aRenewalThatFindsNoKeyBringsTheKeyBackAndAppliesNothingTwice(boolean checkpoint)
      throws Exception {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client();
        FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      s.set("n", "5");
      s.pexpire("n", 600_000);
      try (JarRun run = sync(proxy.uri(), checkpoint)) {
        Await.until("the snapshot", Duration.ofSeconds(60), run, () -> "5".equals(d.get("n")));
        // The destination expires the key early.
        d.pexpire("n", 1);
        Await.until("the early expiry", Duration.ofSeconds(10), () -> !d.exists("n"));

        // The renewal reaches the destination, whose reply is held back: the commands after it
        // wait at our side while the key is read again.
        proxy.stall(FaultyProxy.Direction.TO_CLIENT);
        long before = proxy.forwarded(FaultyProxy.Direction.TO_SERVER);
        s.pexpire("n", 300_000);
        Await.until(
            "the renewal sent to the destination",
            Duration.ofSeconds(60),
            run,
            () -> proxy.forwarded(FaultyProxy.Direction.TO_SERVER) > before);
        s.incr("n");
        s.incr("n");
        s.incrBy("n", 10);
        proxy.resume();

        Marker.awaitApplied(s, d, run);
        // 17, not 1 + 12 (the INCRs on a key recreated from nothing) nor 29 (applied twice).
        assertEquals("17", d.get("n"));
        long ttl = d.pttl("n");
        assertTrue(ttl > 200_000 && ttl <= 300_000, "PTTL " + ttl);
        assertEquals(130, run.terminate(), run::toString);
      }
    }
    ReportAssert.of(tmp.resolve("report.json"))
        .addsUp()
        .exitCode(130)
        .has("commands_failed", 0)
        .has("ttl_race_recovered", 1);
  }

  /**
   * The stated limit: a command that creates a key anew (INCR) says nothing in its reply when the
   * destination had expired the key early, so the destination holds the fresh key, without TTL,
   * until the source's own expiry reaches it as a DEL.
   */
  @Test
  void anIncrOnAKeyTheDestinationExpiredEarlyDiffersUntilTheSourceExpiresIt() throws Exception {
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client();
        FaultyProxy proxy = FaultyProxy.to(dest.server());
        JarRun run = sync(proxy.uri(), false)) {
      Marker.awaitApplied(s, d, run);
      s.set("hits", "5");
      s.pexpire("hits", 4_000);
      Await.until("the key", Duration.ofSeconds(60), run, () -> "5".equals(d.get("hits")));
      d.pexpire("hits", 1);
      Await.until("the early expiry", Duration.ofSeconds(10), () -> !d.exists("hits"));

      s.incr("hits");
      Marker.awaitApplied(s, d, run);
      assertEquals("6", s.get("hits"));
      assertEquals("1", d.get("hits"), "the documented limit");
      assertEquals(-1, d.pttl("hits"), "the documented limit");

      Await.until("the source's expiry", Duration.ofSeconds(60), () -> !s.exists("hits"));
      Await.until(
          "the source's expiry at the destination",
          Duration.ofSeconds(60),
          run,
          () -> !d.exists("hits"));
      assertEquals(130, run.terminate(), run::toString);
    }
    ReportAssert.of(tmp.resolve("report.json")).addsUp().has("ttl_race_recovered", 0);
  }

  /**
   * Issue 27's test: 2,000 keys with 1 s TTLs renewed every 300 ms while the destination's replies
   * come 1.5 s late for 10 s; afterwards every key the source holds is at the destination, with the
   * same value and its expiry within 1 s.
   */
  @Test
  void keysRenewedWhileTheDestinationLagsAreAllThereAfterwards() throws Exception {
    RenewedKeys.assertAllThereAfterALag(source.server(), dest.server(), uri -> sync(uri, false));
    ReportAssert report = ReportAssert.of(tmp.resolve("report.json")).addsUp();
    assertTrue(report.get("ttl_race_recovered") > 0, "no TTL race was recovered");
  }
}
