package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.FaultyProxy;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@code sync} and the TTL race of issue 27: a destination that lags behind expires a key the
 * source renewed in time, and the renewal then finds no key there.
 */
class SyncTtlRaceIT {
  @RegisterExtension
  static final RedisServerExtension source =
      RedisServerExtension.debian("--repl-diskless-sync-delay", "0", "--repl-backlog-size", "64mb");

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  private JarRun sync(FaultyProxy proxy, boolean checkpoint) {
    Run run =
        Run.sync(source.uri())
            .to(proxy.uri())
            .report(tmp.resolve("report.json"))
            .args("--progress", "never");
    if (checkpoint) {
      run = run.checkpoint(tmp.resolve("checkpoint"));
    }
    return run.jar(tmp);
  }

  /** Waits until every command the source streamed before now is applied at the destination. */
  private static void awaitMarker(Jedis s, Jedis d, JarRun run) throws InterruptedException {
    String value = Long.toString(System.nanoTime());
    s.set("marker", value);
    Await.until(
        "the marker at the destination",
        Duration.ofSeconds(120),
        run,
        () -> value.equals(d.get("marker")));
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
      try (JarRun run = sync(proxy, checkpoint)) {
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

        awaitMarker(s, d, run);
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
        JarRun run = sync(proxy, false)) {
      awaitMarker(s, d, run);
      s.set("hits", "5");
      s.pexpire("hits", 4_000);
      Await.until("the key", Duration.ofSeconds(60), run, () -> "5".equals(d.get("hits")));
      d.pexpire("hits", 1);
      Await.until("the early expiry", Duration.ofSeconds(10), () -> !d.exists("hits"));

      s.incr("hits");
      awaitMarker(s, d, run);
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
    int keys = 2_000;
    ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client();
        Jedis renewing = source.server().client();
        FaultyProxy proxy = FaultyProxy.to(dest.server())) {
      Pipeline p = s.pipelined();
      for (int i = 0; i < keys; i++) {
        p.set("ttl:" + i, "v-" + i);
        p.pexpire("ttl:" + i, 1_000);
      }
      p.sync();
      ScheduledFuture<?> renewals =
          renewer.scheduleAtFixedRate(
              () -> renew(renewing, keys, 1_000), 0, 300, TimeUnit.MILLISECONDS);
      try (JarRun run = sync(proxy, false)) {
        awaitMarker(s, d, run);
        proxy.delay(FaultyProxy.Direction.TO_CLIENT, 1_500);
        long slowUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The renewals go on meanwhile: this waits for the clock, it checks no outcome.
        Await.until(
            "10 s of a slow destination",
            Duration.ofSeconds(20),
            () -> System.nanoTime() > slowUntil);
        proxy.delay(FaultyProxy.Direction.TO_CLIENT, 0);
        awaitMarker(s, d, run);

        if (renewals.isDone()) {
          renewals.get(); // throws what stopped the renewals
        }
        renewer.shutdown();
        assertTrue(renewer.awaitTermination(30, TimeUnit.SECONDS));
        // A last renewal, long enough to compare both sides at leisure.
        renew(renewing, keys, 120_000);
        Map<String, String> values = new HashMap<>();
        Map<String, Long> expiries = new HashMap<>();
        for (String key : scan(s)) {
          values.put(key, s.get(key));
          expiries.put(key, (Long) s.sendCommand(Cmd.PEXPIRETIME, key));
        }
        assertTrue(values.size() > keys / 2, values.size() + " keys left at the source");
        Await.until(
            "every key of the source at the destination",
            Duration.ofSeconds(120),
            run,
            () -> differences(d, values, expiries).isEmpty());
        assertEquals(130, run.terminate(), run::toString);
      }
    } finally {
      renewer.shutdownNow();
    }
    ReportAssert report = ReportAssert.of(tmp.resolve("report.json")).addsUp();
    assertTrue(report.get("ttl_race_recovered") > 0, "no TTL race was recovered");
  }

  /** The PEXPIRETIME command (Redis 7.0), which Jedis' enum lacks. */
  private enum Cmd implements redis.clients.jedis.commands.ProtocolCommand {
    PEXPIRETIME;

    @Override
    public byte[] getRaw() {
      return name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  private static void renew(Jedis c, int keys, long ttlMillis) {
    Pipeline p = c.pipelined();
    for (int i = 0; i < keys; i++) {
      p.pexpire("ttl:" + i, ttlMillis);
    }
    p.sync();
  }

  private static List<String> scan(Jedis c) {
    List<String> keys = new ArrayList<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = c.scan(cursor, new ScanParams().match("ttl:*").count(1000));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  /** The keys whose value or expiry (beyond 1 s) differs at the destination, with both sides. */
  private static List<String> differences(
      Jedis d, Map<String, String> values, Map<String, Long> expiries) {
    List<String> keys = new ArrayList<>(values.keySet());
    Pipeline p = d.pipelined();
    List<Response<String>> got = new ArrayList<>();
    List<Response<Object>> at = new ArrayList<>();
    for (String key : keys) {
      got.add(p.get(key));
      at.add(p.sendCommand(Cmd.PEXPIRETIME, key));
    }
    p.sync();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
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
}
