package io.github.rediskeysmigrator.testing;

import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The server versions the tests start (besides Debian's), each with the official image that stands
 * in for it where no prebuilt binary is found and a Docker engine answers: the one place this table
 * lives.
 */
public final class ServerVersions {
  /** Debian's redis-server from PATH, which every machine has: no provider is asked for it. */
  public static final String DEBIAN = "redis-7.0.15";

  /**
   * An official image and the server command in it. The image's patch release is the newest of its
   * line, not always the prebuilt binary's: a line's RDB version and commands are what tests use.
   */
  record Image(String name, String server) {}

  private static final Map<String, Image> IMAGES =
      Map.of(
          "redis-6.2.11", new Image("redis:6.2", "redis-server"),
          "redis-7.2.6", new Image("redis:7.2", "redis-server"),
          "redis-7.4.1", new Image("redis:7.4", "redis-server"),
          "redis-8.6.3", new Image("redis:8.6", "redis-server"),
          "valkey-8.0.1", new Image("valkey/valkey:8.0", "valkey-server"),
          "valkey-9.1.2", new Image("valkey/valkey:9.1", "valkey-server"));

  private ServerVersions() {}

  /** Every version the tests start besides Debian's, sorted. */
  public static SortedSet<String> all() {
    return new TreeSet<>(IMAGES.keySet());
  }

  /** The image for {@code version} (e.g. {@code redis-7.4.1}), or empty for a version not known. */
  static Optional<Image> image(String version) {
    return Optional.ofNullable(IMAGES.get(version));
  }
}
