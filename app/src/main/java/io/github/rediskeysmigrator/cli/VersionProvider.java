package io.github.rediskeysmigrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The tool's version and the git commit it was built from, written into the jar by the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
  /** Said for a value the build could not know (no git checkout, or not built by Maven). */
  static final String UNKNOWN = "unknown";

  @Override
  public String[] getVersion() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("/rkm-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new String[] {
      "redis-keys-migrator "
          + known(p.getProperty("version"))
          + " (commit "
          + known(p.getProperty("commit"))
          + ")",
      "Java " + System.getProperty("java.version")
    };
  }

  /** The value, or {@link #UNKNOWN} when missing or left unfiltered ({@code ${...}}). */
  static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.strip();
  }
}
