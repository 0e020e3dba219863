package io.github.rediskeysmigrator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where test servers of a given version come from, asked in order: the directory named by {@value
 * #BIN_DIR_ENV}, then {@code ../shared/redis-bin}, then the official images where a Docker engine
 * answers. A version found nowhere is a {@link Requirement} missing: the test is skipped, or fails
 * under {@code CI=true}.
 */
public final class ServerProviders {
  /** Names a directory laid out like {@code ../shared/redis-bin}, asked first. */
  public static final String BIN_DIR_ENV = "RKM_REDIS_BIN_DIR";

  private final List<ServerProvider> chain;
  private final Map<String, String> env;

  private ServerProviders(List<ServerProvider> chain, Map<String, String> env) {
    this.chain = List.copyOf(chain);
    this.env = Map.copyOf(env);
  }

  /**
   * The chain for {@code env} ({@value #BIN_DIR_ENV}, {@code CI}), a {@code ../shared/redis-bin} if
   * one was found, and {@code dockerAnswers} (asked only when no directory has a version).
   */
  static ServerProviders of(
      Map<String, String> env, Optional<Path> sharedBin, BooleanSupplier dockerAnswers) {
    List<ServerProvider> chain = new ArrayList<>();
    String dir = env.getOrDefault(BIN_DIR_ENV, "");
    if (!dir.isBlank()) {
      Path root = Path.of(dir).toAbsolutePath();
      if (!Files.isDirectory(root)) {
        throw new IllegalStateException(BIN_DIR_ENV + "=" + dir + " is not a directory");
      }
      chain.add(new BinDirProvider(root));
    }
    sharedBin.ifPresent(p -> chain.add(new BinDirProvider(p)));
    chain.add(new ContainerProvider(dockerAnswers));
    return new ServerProviders(chain, env);
  }

  /** The chain for this process' environment and working directory. */
  public static ServerProviders standard() {
    return of(System.getenv(), SharedDir.redisBin(), ContainerProvider::dockerAnswers);
  }

  /**
   * The first provider's launcher for {@code version}; throws {@link NotTested} (or {@link
   * MissingUnderCi}) when none has it.
   */
  public ServerLauncher launcher(String version) {
    for (ServerProvider provider : chain) {
      Optional<ServerLauncher> found = provider.find(version);
      if (found.isPresent()) {
        return found.get();
      }
    }
    throw requirement(version).missing(env);
  }

  /** {@code version} as a requirement, with every way to get it. */
  static Requirement requirement(String version) {
    String how =
        "set "
            + BIN_DIR_ENV
            + " to a directory laid out like ../shared/redis-bin (with "
            + version
            + "/redis-server), or put ../shared/redis-bin beside the checkout"
            + ServerVersions.image(version)
                .map(i -> ", or start a Docker engine (image " + i.name() + ")")
                .orElse("");
    return new Requirement(version, how);
  }
}
