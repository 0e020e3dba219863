package io.github.rediskeysmigrator.testing;

import java.util.Optional;

/** One place servers of a given version can come from; {@link ServerProviders} asks in order. */
public interface ServerProvider {
  /** A launcher for {@code version} (e.g. {@code redis-7.4.1}), or empty when this has none. */
  Optional<ServerLauncher> find(String version);
}
