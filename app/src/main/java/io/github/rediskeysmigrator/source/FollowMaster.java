package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.MasterLocator;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.RedisConnector;
import io.github.rediskeysmigrator.redis.Tls;
import java.util.function.Consumer;

/**
 * Reconnects a scan source behind Sentinel (or a list of nodes) to the master now, waiting up to
 * --failover-timeout for one. A live scan re-subscribes there and rescans, as after any lost
 * subscription; the notifications of the failover's gap are lost, and the rescan (with its sweep of
 * the destination) is what finds the changes made meanwhile. A first pass in progress stops instead
 * (its SCAN cursor does not hold on another node).
 */
final class FollowMaster {
  private final ScanSources.Plan plan;
  private final MasterLocator locator;
  private final Tls tls;
  private final Consumer<String> notes;
  private final RedisUri first;

  FollowMaster(
      ScanSources.Plan plan,
      MasterLocator locator,
      RedisUri first,
      Tls tls,
      Consumer<String> notes) {
    this.plan = plan;
    this.locator = locator;
    this.tls = tls;
    this.notes = notes;
    this.first = first;
  }

  /** A connection to the master now, on the first db read. */
  Reconnector reconnector() {
    return () -> {
      MasterLocator.Reconnect r =
          locator.reconnect(
              first, plan.failoverTimeoutMillis(), Sleeper.SYSTEM, System::currentTimeMillis);
      if (r.failedOver()) {
        plan.failovers().sourceSeen();
        notes.accept(
            "source "
                + locator.address()
                + ": failed over from "
                + r.replaced()
                + " to "
                + r.master().address()
                + "; reading there (with --live: subscribed again and rescanning, as the"
                + " notifications of the gap are lost)");
      }
      return RedisConnector.connect(
          r.master(), plan.dbs().get(0), "source", tls, plan.timeoutMillis());
    };
  }
}
