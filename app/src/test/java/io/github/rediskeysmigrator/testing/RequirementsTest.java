package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whether this machine has everything the suite needs from outside the repository, checked at once
 * before the integration tests: each missing server version and the corpus are named here (a skip,
 * or under {@code CI=true} a failure that stops the build before the slow tests), even those whose
 * tests would be skipped for another missing server first.
 */
class RequirementsTest {
  static Iterable<String> versions() {
    return ServerVersions.all();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void eachServerVersionIsFound(String version) {
    ServerLauncher launcher = ServerProviders.standard().launcher(version);
    if (launcher instanceof BinaryLauncher binary) {
      assertTrue(Files.isExecutable(Path.of(binary.binary())), binary.binary());
    }
  }

  @Test
  void theRdbCorpusIsFound() {
    assertTrue(
        Files.isDirectory(SharedDir.corpus().resolve("public")), SharedDir.corpus().toString());
  }
}
