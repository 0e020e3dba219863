package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Starts servers of one version; {@link RedisServer} chooses the ports and the directory and waits
 * for PING.
 */
public interface ServerLauncher {
  /** What it starts, for messages: a binary's path or an image's name. */
  String describe();

  /**
   * Starts the server with {@code args} ({@code --port}, {@code --dir} ...), its console output
   * appended to {@code dir/stdout.log}.
   */
  ServerProcess start(List<String> args, Path dir) throws IOException;

  /** The server's own cli (a newer one knows every new command), when it comes with one. */
  Optional<Path> cli();
}
