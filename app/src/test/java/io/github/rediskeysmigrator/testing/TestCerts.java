package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made with openssl for TLS tests: a CA, a server certificate for 127.0.0.1 and
 * localhost, one for another host name, and a client certificate, all signed by the CA.
 */
public final class TestCerts {
  private final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  /** Generates everything into a new temporary directory. */
  public static TestCerts generate() {
    try {
      Path dir = Files.createTempDirectory("rkm-certs-");
      TestCerts c = new TestCerts(dir);
      c.newKey("ca");
      c.run(
          "openssl",
          "req",
          "-x509",
          "-new",
          "-key",
          "ca.key",
          "-sha256",
          "-days",
          "2",
          "-subj",
          "/CN=rkm test CA",
          "-out",
          "ca.pem");
      c.leaf("server", "subjectAltName=IP:127.0.0.1,DNS:localhost", "serverAuth");
      c.leaf("other", "subjectAltName=DNS:other.example", "serverAuth");
      c.leaf("client", "subjectAltName=DNS:client.example", "clientAuth");
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 2048-bit RSA key in {@code name}.key. */
  private void newKey(String name) throws IOException {
    run(
        "openssl",
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        name + ".key");
  }

  private void leaf(String name, String san, String usage) throws IOException {
    newKey(name);
    run(
        "openssl",
        "req",
        "-new",
        "-key",
        name + ".key",
        "-subj",
        "/CN=" + name,
        "-out",
        name + ".csr");
    Files.writeString(dir.resolve(name + ".ext"), san + "\nextendedKeyUsage=" + usage + "\n");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-sha256",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".pem");
  }

  private void run(String... cmd) throws IOException {
    Process p =
        new ProcessBuilder(List.of(cmd))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " failed:\n" + Files.readString(dir.resolve("openssl.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * redis-server arguments for a TLS port next to the plain one.
   *
   * @param certName which certificate the server shows ({@code server} or {@code other})
   * @param clientCerts whether clients must show a certificate
   */
  public List<String> serverArgs(String certName, boolean clientCerts) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--tls-port", RedisServer.TLS_PORT));
    args.addAll(List.of("--tls-cert-file", file(certName + ".pem").toString()));
    args.addAll(List.of("--tls-key-file", file(certName + ".key").toString()));
    args.addAll(List.of("--tls-ca-cert-file", file("ca.pem").toString()));
    args.addAll(List.of("--tls-auth-clients", clientCerts ? "yes" : "no"));
    args.addAll(List.of("--tls-replication", "yes"));
    return args;
  }
}
