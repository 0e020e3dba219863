package io.github.rediskeysmigrator.core;

/** Produces the keys of one source (RDB files, a SCAN, a replication stream), in order. */
public interface KeySource extends SourceSize {

  /**
   * Reads every key and hands it to {@code sink}; returns once the source is exhausted.
   *
   * @throws SourceException when the input is bad or unreachable; keys handed over before the
   *     failure stay valid
   */
  void readInto(KeySink sink) throws SourceException, InterruptedException;

  /**
   * Asks a source that never ends by itself (a replication stream) to stop; {@link #readInto} then
   * returns soon. Safe from any thread.
   */
  default void stop() {}

  /** The replication offset the source has reached, or -1 for sources without a stream. */
  default long streamOffset() {
    return -1;
  }

  /** Extra words for the progress line (e.g. replication lag); empty by default. */
  default String progress() {
    return "";
  }

  /**
   * Function libraries (Redis 7+) found while reading, as FUNCTION DUMP payloads, to be restored
   * once every key is written. Complete only after {@link #readInto} returned.
   */
  default java.util.List<byte[]> functionLibraries() {
    return java.util.List.of();
  }

  /**
   * Where this source resumes a run before it (a replication stream from its checkpoint), per
   * stream in words; empty for a fresh start.
   */
  default java.util.Map<String, String> resumedFrom() {
    return java.util.Map.of();
  }
}
