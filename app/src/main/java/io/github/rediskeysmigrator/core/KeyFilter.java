package io.github.rediskeysmigrator.core;

/** Decides whether a key read from the source goes on to the destination. */
@FunctionalInterface
public interface KeyFilter {

  /** Why a key is kept or dropped. */
  enum Decision {
    KEEP,
    /** Dropped by db, pattern or type selection. */
    FILTERED,
    /** Dropped because its TTL had already run out when it was read. */
    EXPIRED
  }

  /** Judges one key; must be pure and cheap, it runs once per key. */
  Decision decide(KeyEvent event);
}
