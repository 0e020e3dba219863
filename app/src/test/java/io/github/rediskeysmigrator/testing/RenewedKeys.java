package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Keys {@code ttl:0 .. ttl:N-1} with short TTLs that a client of the source renews on a schedule
 * (issue 27's TTL race), and the check that the destination holds every key the source still holds,
 * with its value and its expiry within 1 s.
 */
public final class RenewedKeys implements AutoCloseable {
  /** PEXPIRETIME (Redis 7.0), which Jedis' command enum lacks. */
  private static final ProtocolCommand PEXPIRETIME =
      () -> "PEXPIRETIME".getBytes(StandardCharsets.US_ASCII);

  private final int keys;
  private final Jedis client;
  private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
  private ScheduledFuture<?> renewals;
  private Map<String, String> values;
  private Map<String, Long> expiries;

  /**
   * Writes {@code keys} keys at {@code source} (over a client of its own), each with {@code
   * ttlMillis}.
   */
  private RenewedKeys(RedisServer source, int keys, long ttlMillis) {
    this.keys = keys;
    this.client = source.client();
    Pipeline p = client.pipelined();
    for (int i = 0; i < keys; i++) {
      p.set("ttl:" + i, "v-" + i);
      p.pexpire("ttl:" + i, ttlMillis);
    }
    p.sync();
  }

  /** Renews every key to {@code ttlMillis} every {@code periodMillis}, from now on. */
  private void renewEvery(long periodMillis, long ttlMillis) {
    renewals =
        renewer.scheduleAtFixedRate(() -> renew(ttlMillis), 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the renewals (failing with what stopped them early, if anything did), renews every key
   * still there once more to {@code ttlMillis}, and takes the source's values and expiries; returns
   * how many keys the source holds.
   */
  private int stopAndTake(long ttlMillis) throws InterruptedException, ExecutionException {
    if (renewals.isDone()) {
      renewals.get();
    }
    renewer.shutdown();
    if (!renewer.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the renewals did not stop");
    }
    renew(ttlMillis);
    values = new HashMap<>();
    expiries = new HashMap<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = client.scan(cursor, new ScanParams().match("ttl:*").count(1000));
      for (String key : page.getResult()) {
        values.put(key, client.get(key));
        expiries.put(key, (Long) client.sendCommand(PEXPIRETIME, key));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return values.size();
  }

  /**
   * Issue 27's test over the migration that {@code start} launches to the destination URI it is
   * given (a proxy in front of {@code dest}): 2,000 keys with 1 s TTLs renewed every 300 ms while
   * the destination's replies come 1.5 s late for 10 s; afterwards every key the source holds is at
   * the destination, with the same value and its expiry within 1 s, and the run ends with 130 when
   * terminated.
   */
  public static void assertAllThereAfterALag(
      RedisServer source, RedisServer dest, Function<String, JarRun> start) throws Exception {
    try (Jedis s = source.client();
        Jedis d = dest.client();
        RenewedKeys keys = new RenewedKeys(source, 2_000, 1_000);
        FaultyProxy proxy = FaultyProxy.to(dest)) {
      keys.renewEvery(300, 1_000);
      try (JarRun run = start.apply(proxy.uri())) {
        keys.outlastALag(s, d, proxy, run);
        assertEquals(130, run.terminate(), run::toString);
      }
    }
  }

  /**
   * The lag of {@link #assertAllThereAfterALag} over {@code run}, then the last renewal and the
   * comparison of both sides.
   */
  private void outlastALag(Jedis s, Jedis d, FaultyProxy proxy, JarRun run)
      throws InterruptedException, ExecutionException {
    Marker.awaitApplied(s, d, run);
    proxy.delay(FaultyProxy.Direction.TO_CLIENT, 1_500);
    long slowUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // The renewals go on meanwhile: this waits for the clock, it checks no outcome.
    Await.until(
        "10 s of a slow destination", Duration.ofSeconds(20), () -> System.nanoTime() > slowUntil);
    proxy.delay(FaultyProxy.Direction.TO_CLIENT, 0);
    Marker.awaitApplied(s, d, run);

    // A last renewal, long enough to compare both sides at leisure.
    int left = stopAndTake(120_000);
    assertTrue(left > 1_000, left + " keys left at the source");
    Await.until(
        "every key of the source at the destination",
        Duration.ofSeconds(120),
        run,
        () -> differences(d).isEmpty());
  }

  private void renew(long ttlMillis) {
    Pipeline p = client.pipelined();
    for (int i = 0; i < keys; i++) {
      p.pexpire("ttl:" + i, ttlMillis);
    }
    p.sync();
  }

  /**
   * The keys taken by {@link #stopAndTake} whose value or expiry (beyond 1 s) differs at {@code d},
   * with both sides.
   */
  private List<String> differences(Jedis d) {
    List<String> names = new ArrayList<>(values.keySet());
    Pipeline p = d.pipelined();
    List<Response<String>> got = new ArrayList<>();
    List<Response<Object>> at = new ArrayList<>();
    for (String key : names) {
      got.add(p.get(key));
      at.add(p.sendCommand(PEXPIRETIME, key));
    }
    p.sync();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String key = names.get(i);
      long expiry = (Long) at.get(i).get();
      if (!values.get(key).equals(got.get(i).get())
          || Math.abs(expiry - expiries.get(key)) > 1_000) {
        out.add(
            key
                + " "
                + got.get(i).get()
                + " "
                + expiry
                + " vs "
                + values.get(key)
                + " "
                + expiries.get(key));
      }
    }
    return out;
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    client.close();
  }
}
