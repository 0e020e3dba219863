package io.github.rediskeysmigrator.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
  public RenewedKeys(RedisServer source, int keys, long ttlMillis) {
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
  public void renewEvery(long periodMillis, long ttlMillis) {
    renewals =
        renewer.scheduleAtFixedRate(() -> renew(ttlMillis), 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the renewals (failing with what stopped them early, if anything did), renews every key
   * still there once more to {@code ttlMillis}, and takes the source's values and expiries; returns
   * how many keys the source holds.
   */
  public int stopAndTake(long ttlMillis) throws InterruptedException, ExecutionException {
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
  public List<String> differences(Jedis d) {
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
