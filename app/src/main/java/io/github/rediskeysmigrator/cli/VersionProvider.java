package io.github.rediskeysmigrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The tool's version, from the build. */
final class VersionProvider implements CommandLine.IVersionProvider {
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
      "redis-keys-migrator " + p.getProperty("version", "unknown"),
      "Java " + System.getProperty("java.version")
    };
  }
}
