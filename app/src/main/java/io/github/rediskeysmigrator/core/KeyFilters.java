package io.github.rediskeysmigrator.core;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the filter chain of a run: db selection, pattern, type, then expiry. */
public final class KeyFilters {
  private KeyFilters() {}

  /** Keys in one of {@code dbs}; all keys when empty. */
  public static KeyFilter databases(Set<Integer> dbs) {
    return e -> dbs.isEmpty() || dbs.contains(e.sourceDb()) ? keep() : filtered();
  }

  /** Keys whose name matches {@code pattern}. */
  public static KeyFilter pattern(GlobPattern pattern) {
    return e -> pattern.matches(e.key()) ? keep() : filtered();
  }

  /** Keys of one of {@code types}; all keys when empty. */
  public static KeyFilter types(Set<KeyType> types) {
    return e -> types.isEmpty() || types.contains(e.type()) ? keep() : filtered();
  }

  /** Keys whose TTL has not run out by {@code clock}'s now. */
  public static KeyFilter notExpired(Clock clock) {
    return e ->
        e.hasExpiry() && e.expireAtMs() <= clock.millis()
            ? KeyFilter.Decision.EXPIRED
            : KeyFilter.Decision.KEEP;
  }

  /** The whole chain for {@code config}; selection filters come before the expiry check. */
  public static KeyFilter forConfig(MigrationConfig config, Clock clock) {
    List<KeyFilter> chain = new ArrayList<>();
    if (!config.dbs().isEmpty()) {
      chain.add(databases(config.dbs()));
    }
    if (!config.match().matchesAll()) {
      chain.add(pattern(config.match()));
    }
    if (!config.types().isEmpty()) {
      chain.add(types(config.types()));
    }
    chain.add(notExpired(clock));
    KeyFilter[] filters = chain.toArray(KeyFilter[]::new);
    return e -> {
      for (KeyFilter f : filters) {
        KeyFilter.Decision d = f.decide(e);
        if (d != KeyFilter.Decision.KEEP) {
          return d;
        }
      }
      return KeyFilter.Decision.KEEP;
    };
  }

  private static KeyFilter.Decision keep() {
    return KeyFilter.Decision.KEEP;
  }

  private static KeyFilter.Decision filtered() {
    return KeyFilter.Decision.FILTERED;
  }
}
