package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server binary on this machine: a prebuilt one from a bin directory, or {@code redis-server}
 * from PATH.
 *
 * @param binary the path, or a bare name that PATH resolves
 */
public record BinaryLauncher(String binary) implements ServerLauncher {
  /** Debian's redis-server from PATH. */
  public static BinaryLauncher onPath() {
    return new BinaryLauncher("redis-server");
  }

  @Override
  public String describe() {
    return binary;
  }

  @Override
  public ServerProcess start(List<String> args, Path dir) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
            .start();
    return ServerProcess.of(p::isAlive, () -> stop(p), () -> kill(p));
  }

  private static void kill(Process p) {
    try {
      // destroyForcibly is SIGKILL on Unix.
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** {@code valkey-cli} or {@code redis-cli} beside the binary (a symlink copies may flatten). */
  @Override
  public Optional<Path> cli() {
    Path parent = Path.of(binary).getParent();
    if (parent == null) {
      return Optional.empty();
    }
    for (String name : List.of("valkey-cli", "redis-cli")) {
      Path own = parent.resolve(name);
      if (Files.isExecutable(own)) {
        return Optional.of(own);
      }
    }
    return Optional.empty();
  }
}
