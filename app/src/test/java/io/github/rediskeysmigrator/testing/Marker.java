package io.github.rediskeysmigrator.testing;

import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * A fresh value written to key {@code marker} at the source and awaited at the destination: the
 * sign that a running migration has caught up with what the source was told before it.
 */
public final class Marker {
  private Marker() {}

  /**
   * Writes the marker at {@code s} and waits up to 120 s for it at {@code d}, while {@code run}
   * lives.
   */
  public static void awaitApplied(Jedis s, Jedis d, JarRun run) throws InterruptedException {
    String value = Long.toString(System.nanoTime());
    s.set("marker", value);
    Await.until(
        "the marker at the destination",
        Duration.ofSeconds(120),
        run,
        () -> value.equals(d.get("marker")));
  }
}
