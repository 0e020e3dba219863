package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionProviderTest {
  @Test
  void saysUnknownForWhatTheBuildCouldNotFill() {
    assertEquals("unknown", VersionProvider.known(null));
    assertEquals("unknown", VersionProvider.known(""));
    // Resources read unfiltered (an IDE's build) keep Maven's placeholder.
    assertEquals("unknown", VersionProvider.known("${rkm.git.commit}"));
    assertEquals("4c270b4", VersionProvider.known("4c270b4"));
  }

  @Test
  void namesTheVersionAndTheCommitOfTheBuild() {
    String first = new VersionProvider().getVersion()[0];
    // target/classes holds the resource as Maven filtered it: a version, a commit or "unknown".
    assertTrue(
        first.matches("redis-keys-migrator \\S+ \\(commit ([0-9a-f]{7,}|unknown)\\)"), first);
  }
}
