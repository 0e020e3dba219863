package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.redis.Tls;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TLS settings for rediss:// sources and destinations (or --from-tls / --to-tls). */
final class TlsOptions {
  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM file of the CA certificates to trust (default: the JVM's trust store). The"
              + " server's certificate and host name are always verified.")
  Path ca;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM client certificate, for servers that require one (with --tls-key).")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM PKCS#8 private key of --tls-cert (BEGIN PRIVATE KEY).")
  Path key;

  @Option(
      names = "--tls-insecure",
      description =
          "Trust any server certificate and skip the host name check (prints a warning;"
              + " for tests only).")
  boolean insecure;

  /** The TLS settings; warns on {@code err} when they are insecure. */
  Tls build(PrintStream err) {
    if (insecure) {
      err.println(
          "warning: --tls-insecure: server certificates and host names are NOT verified;"
              + " anyone between you and the server can read and change the data");
    }
    if (ca == null && cert == null && key == null && !insecure) {
      return Tls.defaults();
    }
    return Tls.of(ca, cert, key, insecure);
  }

  /** The TLS settings, checked: a bad one is exit 2, before the report is tried. */
  Tls checked(PrintStream err) throws StartFailure {
    try {
      return build(err);
    } catch (IllegalArgumentException e) {
      throw StartFailure.usage(e.getMessage());
    }
  }
}
