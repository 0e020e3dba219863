package io.github.rediskeysmigrator.metrics;

import io.github.rediskeysmigrator.core.LiveStatus;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.MetricWithFixedMetadata;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
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
    Callbacks m = new Callbacks(registry, report, status);
    m.counter("rkm_keys_read", "Keys read from the source.", MigrationReport::read);
    m.counter(
        "rkm_keys_written",
        "Keys written to the destination (restored or rewritten).",
        MigrationReport::written);
    m.labelled(
        "rkm_keys_skipped",
        "Keys not written, by reason.",
        "reason",
        List.of(
            Map.entry("existing", MigrationReport::skippedExisting),
            Map.entry("expired", MigrationReport::skippedExpired),
            Map.entry("gone", MigrationReport::skippedGone),
            Map.entry("filtered", MigrationReport::filtered)));
    m.counter(
        "rkm_key_errors",
        "Keys that could not be written (see the error log).",
        MigrationReport::errors);
    m.counter(
        "rkm_live_commands_applied",
        "Live commands applied at the destination (sync).",
        MigrationReport::commandsApplied);
    m.counter(
        "rkm_live_commands_failed",
        "Live commands the destination refused (sync).",
        MigrationReport::commandsFailed);
    m.counter(
        "rkm_ttl_race_recovered",
        "Keys sync read again because the destination had lost them to a TTL race.",
        MigrationReport::ttlRaceRecovered);
    m.labelled(
        "rkm_failovers",
        "Times the source's or the destination's master went away and another took over.",
        "side",
        List.of(
            Map.entry("source", r -> r.failovers().source()),
            Map.entry("destination", r -> r.failovers().destination())));
    m.gauge(
        "rkm_resumed", "1 when the run resumed from its --checkpoint.", r -> r.resumed() ? 1 : 0);
    m.counter(
        "rkm_keys_skipped_by_resume",
        "Keys acknowledged by the runs before a resume, not read again.",
        MigrationReport::keysSkippedByResume);
    m.liveGauge(
        "rkm_lag_items",
        "Work seen at the source and not yet applied: keys waiting to be re-read (scan"
            + " --live) or replication bytes (sync).",
        LiveStatus::lagItems);
    m.liveGauge(
        "rkm_lag_seconds",
        "Age of the oldest work not yet applied; 0 when caught up.",
        LiveStatus::lagSeconds);
    m.liveGauge(
        "rkm_snapshot_done",
        "1 once the initial copy (snapshot or first SCAN pass) has ended.",
        s -> s.snapshotDone() ? 1 : 0);
    m.liveCounter(
        "rkm_source_changes",
        "Writes seen at the source (keyspace notifications or streamed commands).",
        LiveStatus::changesSeen);
    m.liveCounter(
        "rkm_reconnects",
        "Times the source connection or subscription was lost and opened again.",
        LiveStatus::reconnects);
    m.liveCounter(
        "rkm_live_rescans",
        "scan --live: full re-reads of the selection after a lost subscription or overflow.",
        LiveStatus::rescans);
    m.liveCounter(
        "rkm_live_pending_overflows",
        "scan --live: times the pending set reached its cap (each followed by rescans).",
        LiveStatus::pendingOverflows);
    m.liveCounter(
        "rkm_live_pending_dropped",
        "scan --live: notifications dropped because the pending set was at its cap.",
        LiveStatus::pendingDropped);
    m.liveGauge(
        "rkm_live_deferred_keys",
        "scan --live: big keys whose next re-read waits for their spacing.",
        LiveStatus::deferredKeys);
    m.liveGauge(
        "rkm_live_deferred_seconds_max",
        "scan --live: how long the longest-waiting deferred key has waited; 0 when none.",
        LiveStatus::deferredSecondsMax);
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

  /**
   * Registers metrics whose every scrape calls back into the run's report or live status; a value
   * reads 0 while its source is still null.
   */
  private record Callbacks(
      PrometheusRegistry registry, Supplier<MigrationReport> report, Supplier<LiveStatus> status) {

    void counter(String name, String help, ToLongFunction<MigrationReport> value) {
      register(
          CounterWithCallback.builder().callback(cb -> cb.call(fromReport(value))), name, help);
    }

    void gauge(String name, String help, ToLongFunction<MigrationReport> value) {
      register(GaugeWithCallback.builder().callback(cb -> cb.call(fromReport(value))), name, help);
    }

    void liveCounter(String name, String help, ToLongFunction<LiveStatus> value) {
      register(
          CounterWithCallback.builder().callback(cb -> cb.call(fromStatus(value::applyAsLong))),
          name,
          help);
    }

    void liveGauge(String name, String help, ToDoubleFunction<LiveStatus> value) {
      register(GaugeWithCallback.builder().callback(cb -> cb.call(fromStatus(value))), name, help);
    }

    /** A counter with one series per label value, in the order given. */
    void labelled(
        String name,
        String help,
        String label,
        List<Map.Entry<String, ToLongFunction<MigrationReport>>> series) {
      CounterWithCallback.Builder b =
          CounterWithCallback.builder()
              .labelNames(label)
              .callback(
                  cb -> {
                    for (Map.Entry<String, ToLongFunction<MigrationReport>> e : series) {
                      cb.call(fromReport(e.getValue()), e.getKey());
                    }
                  });
      register(b, name, help);
    }

    private void register(MetricWithFixedMetadata.Builder<?, ?> metric, String name, String help) {
      metric.name(name).help(help).register(registry);
    }

    private long fromReport(ToLongFunction<MigrationReport> value) {
      MigrationReport r = report.get();
      return r == null ? 0 : value.applyAsLong(r);
    }

    private double fromStatus(ToDoubleFunction<LiveStatus> value) {
      LiveStatus s = status.get();
      return s == null ? 0 : value.applyAsDouble(s);
    }
  }
}
