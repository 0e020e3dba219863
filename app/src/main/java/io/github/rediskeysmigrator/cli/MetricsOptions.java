package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.LiveStatus;
import io.github.rediskeysmigrator.core.MigrationReport;
import io.github.rediskeysmigrator.metrics.MetricsEndpoint;
import java.io.IOException;
import picocli.CommandLine.Option;

/** Where a long-running run ({@code sync}, {@code scan --live}) serves its Prometheus metrics. */
final class MetricsOptions {
  /** Default of --metrics-bind. */
  static final String DEFAULT_BIND = "127.0.0.1";

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = {
        "Serve Prometheus metrics (text format) at http://BIND:PORT/metrics while the run lasts:"
            + " keys read, written, skipped and in error, live commands applied, lag and"
            + " reconnects. 0 picks a free port (printed on stderr). Default: no endpoint."
      })
  Integer port;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      description = {
        "Address the metrics endpoint listens on; 0.0.0.0 for every interface. Default: "
            + DEFAULT_BIND
            + " (this machine only)."
      })
  String bind = DEFAULT_BIND;

  /** Whether an endpoint was asked for. */
  boolean enabled() {
    return port != null;
  }

  /** The port, checked. */
  int checkedPort() {
    if (port == null || port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics-port must be 0..65535, got " + port);
    }
    return port;
  }

  /**
   * The endpoint {@code options} ask for, serving {@code report} and {@code status} while the run
   * lasts; null when none is asked for.
   */
  static MetricsEndpoint start(MetricsOptions options, MigrationReport report, LiveStatus status)
      throws StartFailure {
    if (options == null || !options.enabled()) {
      return null;
    }
    try {
      return MetricsEndpoint.start(options.bind, options.port, () -> report, () -> status);
    } catch (IOException | RuntimeException e) {
      throw StartFailure.usage(
          "cannot serve metrics on " + options.bind + ":" + options.port + ": " + e.getMessage());
    }
  }
}
