package io.github.rediskeysmigrator.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds ../shared (prebuilt servers, the RDB corpus) from wherever a test runs; a fresh clone has
 * none, and the tests that need it are skipped (see {@link Requirement}).
 */
public final class SharedDir {
  /** The public and generated RDB files of {@code ../shared/rdb-corpus}. */
  public static final Requirement CORPUS =
      new Requirement(
          "rdb-corpus",
          "put a copy of the RDB corpus (other projects' public RDB files, not in this repository)"
              + " at ../shared/rdb-corpus beside the checkout");

  private SharedDir() {}

  /** The first {@code shared/redis-bin} beside the working directory or one of its parents. */
  public static Optional<Path> redisBin() {
    return above("redis-bin");
  }

  /**
   * The first {@code shared/rdb-corpus} beside the working directory or one of its parents; throws
   * {@link NotTested} (or {@link MissingUnderCi}) when there is none.
   */
  public static Path corpus() {
    return above("rdb-corpus").orElseThrow(CORPUS::missing);
  }

  /** Whether {@link #corpus()} finds the corpus (a check after its tests, which ran or not). */
  public static boolean hasCorpus() {
    return above("rdb-corpus").isPresent();
  }

  private static Optional<Path> above(String name) {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      Path candidate = d.resolve("shared").resolve(name);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
      d = d.getParent();
    }
    return Optional.empty();
  }
}
