package io.github.rediskeysmigrator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Prebuilt servers laid out like {@code ../shared/redis-bin}: {@code <root>/<version>/redis-server}
 * (or {@code valkey-server}), with its own cli beside it if it has one.
 *
 * @param root the directory of version directories
 */
public record BinDirProvider(Path root) implements ServerProvider {
  @Override
  public Optional<ServerLauncher> find(String version) {
    Path dir = root.resolve(version);
    // Valkey's redis-server is a symlink that copies of shared/ may have flattened into text.
    for (String name : new String[] {"valkey-server", "redis-server"}) {
      Path bin = dir.resolve(name);
      if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
        return Optional.of(new BinaryLauncher(bin.toString()));
      }
    }
    return Optional.empty();
  }
}
