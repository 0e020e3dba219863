package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.RenewedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.SetParams;

/**
 * {@code scan --live} and the TTL race of issue 27: a renewal at the source (its {@code expire},
 * {@code persist} or {@code set} notification) is a re-read like any other, so a key the
 * destination expired early comes back, with the source's value and TTL.
 */
class ScanLiveTtlRaceIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.liveSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  @Test
  void aKeyTheDestinationExpiredEarlyComesBackWithItsRenewal() throws Exception {
    List<String> keys = List.of("by-expire", "by-persist", "by-getex", "by-keepttl");
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      for (String key : keys) {
        s.set(key, "v-" + key, SetParams.setParams().px(600_000));
      }
      try (JarRun run =
          Run.scan(source.uri())
              .to(dest.uri())
              .args("--live", "--progress", "never")
              .report(tmp.resolve("r.json"))
              .jar(tmp)) {
        Await.until(
            "the first pass",
            Duration.ofSeconds(60),
            run,
            () -> keys.stream().allMatch(k -> ("v-" + k).equals(d.get(k))));
        // The destination expires them early, as one that lags behind would.
        for (String key : keys) {
          d.pexpire(key, 1);
        }
        Await.until(
            "the early expiry", Duration.ofSeconds(10), () -> keys.stream().noneMatch(d::exists));

        s.pexpire("by-expire", 300_000);
        s.persist("by-persist");
        s.getEx("by-getex", GetExParams.getExParams().px(300_000));
        s.set("by-keepttl", "new", SetParams.setParams().keepttl());

        Await.until(
            "every key back at the destination",
            Duration.ofSeconds(60),
            run,
            () -> keys.stream().allMatch(d::exists));
        assertEquals("v-by-expire", d.get("by-expire"));
        assertEquals("v-by-persist", d.get("by-persist"));
        assertEquals("v-by-getex", d.get("by-getex"));
        assertEquals("new", d.get("by-keepttl"));
        assertTtlNear(300_000, d.pttl("by-expire"));
        assertEquals(-1, d.pttl("by-persist"));
        assertTtlNear(300_000, d.pttl("by-getex"));
        assertTtlNear(600_000, d.pttl("by-keepttl"));
        assertEquals(130, run.terminate(), run::toString);
      }
    }
  }

  /**
   * Issue 27's test for {@code scan --live}: 2,000 keys with 1 s TTLs renewed every 300 ms while
   * the destination's replies come 1.5 s late for 10 s; afterwards every key the source holds is at
   * the destination, with the same value and its expiry within 1 s.
   */
  @Test
  void keysRenewedWhileTheDestinationLagsAreAllThereAfterwards() throws Exception {
    RenewedKeys.assertAllThereAfterALag(
        source.server(),
        dest.server(),
        uri ->
            Run.scan(source.uri())
                .to(uri)
                .args("--live", "--progress", "never")
                .report(tmp.resolve("r.json"))
                .jar(tmp));
  }

  private static void assertTtlNear(long expected, long actual) {
    assertTrue(actual > expected - 60_000 && actual <= expected, "PTTL " + actual);
  }
}
