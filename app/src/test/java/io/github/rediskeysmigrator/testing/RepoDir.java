package io.github.rediskeysmigrator.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the top of the checkout (where Dockerfile and scripts/ are) from wherever a test runs. */
public final class RepoDir {
  private RepoDir() {}

  /** The first directory, from the working directory up, that holds app/pom.xml. */
  public static Path find() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null) {
      if (Files.isRegularFile(d.resolve("app/pom.xml"))) {
        return d;
      }
      d = d.getParent();
    }
    throw new IllegalStateException(
        "no checkout (app/pom.xml) above " + Path.of("").toAbsolutePath());
  }
}
