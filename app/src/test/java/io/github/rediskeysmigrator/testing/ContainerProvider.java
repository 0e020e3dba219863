package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Servers from the official images ({@link ServerVersions}) through Testcontainers, where a Docker
 * engine answers. Our machines have none, so only the choice (when it offers a server) is tested
 * here ({@code ServerProvidersTest}); the start itself is untested.
 *
 * <p>A container shares the host's network, so {@code 127.0.0.1:port} is the same inside and out
 * and replication, cluster buses and the tool reach it as they reach a local binary (this needs a
 * Linux engine). The server's directory, and the directory of every absolute path among its
 * arguments (TLS files, an RDB to load), is bound at the same path, and the server runs as the
 * owner of its directory so that the files it writes are the test's.
 */
public final class ContainerProvider implements ServerProvider {
  private final BooleanSupplier dockerAnswers;

  /**
   * @param dockerAnswers whether a Docker engine answers; asked only for a version with an image
   */
  public ContainerProvider(BooleanSupplier dockerAnswers) {
    this.dockerAnswers = dockerAnswers;
  }

  /** Testcontainers' own check, which remembers a failure for the rest of the JVM. */
  public static boolean dockerAnswers() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @Override
  public Optional<ServerLauncher> find(String version) {
    return ServerVersions.image(version)
        .filter(image -> dockerAnswers.getAsBoolean())
        .map(ContainerLauncher::new);
  }

  /** Starts one container of {@code image} per server. */
  record ContainerLauncher(ServerVersions.Image image) implements ServerLauncher {
    @Override
    public String describe() {
      return image.name();
    }

    @Override
    public ServerProcess start(List<String> args, Path dir) throws IOException {
      String owner =
          Files.getAttribute(dir, "unix:uid") + ":" + Files.getAttribute(dir, "unix:gid");
      Path log = dir.resolve("stdout.log");
      List<String> command = new ArrayList<>();
      command.add(image.server());
      command.addAll(args);
      GenericContainer<?> container =
          new GenericContainer<>(DockerImageName.parse(image.name()))
              .withNetworkMode("host")
              .withCommand(command.toArray(String[]::new))
              .withCreateContainerCmdModifier(cmd -> cmd.withUser(owner))
              .withLogConsumer(frame -> LogFiles.append(log, frame.getUtf8String()));
      for (Path bound : bindings(args, dir)) {
        container.withFileSystemBind(bound.toString(), bound.toString(), BindMode.READ_WRITE);
      }
      container.start();
      return ServerProcess.of(container::isRunning, container::stop);
    }

    @Override
    public Optional<Path> cli() {
      return Optional.empty();
    }

    /** {@code dir} and the directory of each absolute path in {@code args} that exists. */
    static Set<Path> bindings(List<String> args, Path dir) {
      Set<Path> out = new LinkedHashSet<>();
      out.add(dir);
      for (String arg : args) {
        if (!arg.startsWith("/")) {
          continue;
        }
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) {
          out.add(p);
        } else if (Files.exists(p)) {
          out.add(p.getParent());
        }
      }
      return out;
    }
  }
}
