package io.github.rediskeysmigrator.cli;

import picocli.CommandLine.Mixin;

/**
 * How a run that follows a live source (scan --live, sync) ends, with --until-caught-up, and is
 * watched, with the metrics endpoint.
 */
final class FollowOptions {
  @Mixin CutoverOptions cutover = new CutoverOptions();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  /** Checks --idle, then the metrics port when the endpoint is asked for; --idle in ms. */
  long checkedIdleMs() {
    long idle = cutover.idleMs();
    if (metrics.enabled()) {
      metrics.checkedPort();
    }
    return idle;
  }
}
