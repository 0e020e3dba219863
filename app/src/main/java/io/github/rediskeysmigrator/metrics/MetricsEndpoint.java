package io.github.rediskeysmigrator.metrics;

import io.github.rediskeysmigrator.core.LiveStatus;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The Prometheus endpoint of a long-running run ({@code --metrics-port}): {@code /metrics} in the
 * text format, built with the Prometheus Java client from callbacks, so every scrape reads the
 * run's report and live status as they are at that moment and nothing is counted twice.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving.
   *
   * @param bind the address to listen on
   * @param port the port; 0 picks a free one (see {@link #port()})
   * @param report the run's report, once the run has made it (null before: counts read as 0)
   * @param status how far the run is behind its source, or null before it is known
   * @throws IOException when the address cannot be bound
   */
  public static MetricsEndpoint start(
      String bind, int port, Supplier<MigrationReport> report, Supplier<LiveStatus> status)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    counter(registry, "rkm_keys_read", "Keys read from the source.", report, r -> r.read());
    counter(
        registry,
        "rkm_keys_written",
        "Keys written to the destination (restored or rewritten).",
        report,
        r -> r.written());
    CounterWithCallback.builder()
        .name("rkm_keys_skipped")
        .help("Keys not written, by reason.")
        .labelNames("reason")
        .callback(
            cb -> {
              MigrationReport r = report.get();
              cb.call(r == null ? 0 : r.skippedExisting(), "existing");
              cb.call(r == null ? 0 : r.skippedExpired(), "expired");
              cb.call(r == null ? 0 : r.skippedGone(), "gone");
              cb.call(r == null ? 0 : r.filtered(), "filtered");
            })
        .register(registry);
    counter(
        registry,
        "rkm_key_errors",
        "Keys that could not be written (see the error log).",
        report,
        r -> r.errors());
    counter(
        registry,
        "rkm_live_commands_applied",
        "Live commands applied at the destination (sync).",
        report,
        r -> r.commandsApplied());
    counter(
        registry,
        "rkm_live_commands_failed",
        "Live commands the destination refused (sync).",
        report,
        r -> r.commandsFailed());
    counter(
        registry,
        "rkm_ttl_race_recovered",
        "Keys sync read again because the destination had lost them to a TTL race.",
        report,
        r -> r.ttlRaceRecovered());
    CounterWithCallback.builder()
        .name("rkm_failovers")
        .help("Times the source's or the destination's master went away and another took over.")
        .labelNames("side")
        .callback(
            cb -> {
              MigrationReport r = report.get();
              cb.call(r == null ? 0 : r.failovers().source(), "source");
              cb.call(r == null ? 0 : r.failovers().destination(), "destination");
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("rkm_resumed")
        .help("1 when the run resumed from its --checkpoint.")
        .callback(
            cb -> {
              MigrationReport r = report.get();
              cb.call(r != null && r.resumed() ? 1 : 0);
            })
        .register(registry);
    counter(
        registry,
        "rkm_keys_skipped_by_resume",
        "Keys acknowledged by the runs before a resume, not read again.",
        report,
        r -> r.keysSkippedByResume());
    GaugeWithCallback.builder()
        .name("rkm_lag_items")
        .help(
            "Work seen at the source and not yet applied: keys waiting to be re-read (scan"
                + " --live) or replication bytes (sync).")
        .callback(cb -> cb.call(live(status, s -> s.lagItems())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rkm_lag_seconds")
        .help("Age of the oldest work not yet applied; 0 when caught up.")
        .callback(
            cb -> {
              LiveStatus s = status.get();
              cb.call(s == null ? 0 : s.lagSeconds());
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("rkm_snapshot_done")
        .help("1 once the initial copy (snapshot or first SCAN pass) has ended.")
        .callback(cb -> cb.call(live(status, s -> s.snapshotDone() ? 1 : 0)))
        .register(registry);
    CounterWithCallback.builder()
        .name("rkm_source_changes")
        .help("Writes seen at the source (keyspace notifications or streamed commands).")
        .callback(cb -> cb.call(live(status, s -> s.changesSeen())))
        .register(registry);
    CounterWithCallback.builder()
        .name("rkm_reconnects")
        .help("Times the source connection or subscription was lost and opened again.")
        .callback(cb -> cb.call(live(status, s -> s.reconnects())))
        .register(registry);
    CounterWithCallback.builder()
        .name("rkm_live_rescans")
        .help("scan --live: full re-reads of the selection after a lost subscription or overflow.")
        .callback(cb -> cb.call(live(status, s -> s.rescans())))
        .register(registry);
    CounterWithCallback.builder()
        .name("rkm_live_pending_overflows")
        .help("scan --live: times the pending set reached its cap (each followed by rescans).")
        .callback(cb -> cb.call(live(status, s -> s.pendingOverflows())))
        .register(registry);
    CounterWithCallback.builder()
        .name("rkm_live_pending_dropped")
        .help("scan --live: notifications dropped because the pending set was at its cap.")
        .callback(cb -> cb.call(live(status, s -> s.pendingDropped())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rkm_live_deferred_keys")
        .help("scan --live: big keys whose next re-read waits for their spacing.")
        .callback(cb -> cb.call(live(status, s -> s.deferredKeys())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rkm_live_deferred_seconds_max")
        .help("scan --live: how long the longest-waiting deferred key has waited; 0 when none.")
        .callback(
            cb -> {
              LiveStatus s = status.get();
              cb.call(s == null ? 0 : s.deferredSecondsMax());
            })
        .register(registry);
    HTTPServer server =
        HTTPServer.builder()
            .inetAddress(InetAddress.getByName(bind))
            .port(port)
            .registry(registry)
            .buildAndStart();
    return new MetricsEndpoint(server);
  }

  /** The port the endpoint listens on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }

  private static void counter(
      PrometheusRegistry registry,
      String name,
      String help,
      Supplier<MigrationReport> report,
      ToLongFunction<MigrationReport> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .callback(
            cb -> {
              MigrationReport r = report.get();
              cb.call(r == null ? 0 : value.applyAsLong(r));
            })
        .register(registry);
  }

  private static long live(Supplier<LiveStatus> status, ToLongFunction<LiveStatus> value) {
    LiveStatus s = status.get();
    return s == null ? 0 : value.applyAsLong(s);
  }
}
