package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import io.github.rediskeysmigrator.testing.TestCerts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** TLS to real redis-server processes with certificates made in the test. */
class TlsIT {
  static final TestCerts CERTS = TestCerts.generate();

  @RegisterExtension
  static final RedisServerExtension tls =
      RedisServerExtension.debian(args(CERTS.serverArgs("server", false)));

  @RegisterExtension
  static final RedisServerExtension otherName =
      RedisServerExtension.debian(args(CERTS.serverArgs("other", false)));

  @RegisterExtension
  static final RedisServerExtension mutual =
      RedisServerExtension.debian(args(CERTS.serverArgs("server", true)));

  @RegisterExtension static final RedisServerExtension plain = RedisServerExtension.debian();

  @TempDir Path tmp;

  private static String[] args(List<String> list) {
    List<String> all = new ArrayList<>(list);
    all.addAll(List.of("--repl-diskless-sync-delay", "0"));
    return all.toArray(String[]::new);
  }

  private Path file;

  private Path file() {
    if (file == null) {
      try (Jedis j = plain.server().client()) {
        SampleData.fillAllTypes(j, "");
      }
      file = plain.server().saveTo(tmp.resolve("dump.rdb"));
    }
    return file;
  }

  /** The CA that signed every test certificate. */
  private static String ourCa() {
    return CERTS.file("ca.pem").toString();
  }

  private Tool.Result rdb(String to, String... extra) {
    return Run.rdb(file()).to(to).errorLog(tmp.resolve("e.log")).args(extra).inProcess();
  }

  @Test
  void verifiedConnectionWithOurCaWorks() {
    Tool.Result r = rdb("rediss://127.0.0.1:" + tls.server().tlsPort(), "--tls-ca", ourCa());

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = tls.server().client()) {
      assertEquals(SampleData.ALL_TYPES_KEYS, d.dbSize());
    }
  }

  @Test
  void unknownCaFailsWithExit3AndSaysWhy() {
    Tool.Result r = rdb("rediss://127.0.0.1:" + tls.server().tlsPort());

    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("not signed by a trusted CA"), r.err());
  }

  @Test
  void certificateForAnotherHostFails() {
    Tool.Result r =
        rdb("redis://127.0.0.1:" + otherName.server().tlsPort(), "--to-tls", "--tls-ca", ourCa());

    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("does not name this host"), r.err());
  }

  @Test
  void insecureTrustsAnythingButSaysSo() {
    Tool.Result r = rdb("rediss://127.0.0.1:" + otherName.server().tlsPort(), "--tls-insecure");

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.err().contains("warning: --tls-insecure"), r.err());
  }

  @Test
  void mutualTlsNeedsTheClientCertificate() {
    String to = "rediss://127.0.0.1:" + mutual.server().tlsPort();
    Tool.Result without = rdb(to, "--tls-ca", ourCa());
    assertEquals(3, without.exit(), without::toString);

    Tool.Result with =
        rdb(
            to,
            "--tls-ca",
            ourCa(),
            "--tls-cert",
            CERTS.file("client.pem").toString(),
            "--tls-key",
            CERTS.file("client.key").toString());
    assertEquals(0, with.exit(), with::toString);
  }

  @Test
  void syncAndScanReadATlsSourceWithOurContext() {
    try (Jedis s = tls.server().client()) {
      SampleData.fillStrings(s, "t", 100);
    }
    String from = "rediss://127.0.0.1:" + tls.server().tlsPort();
    String ca = CERTS.file("ca.pem").toString();

    Tool.Result scan =
        Run.scan(from)
            .to(plain.uri())
            .args("--tls-ca", ca)
            .errorLog(tmp.resolve("e.log"))
            .inProcess();
    assertEquals(0, scan.exit(), scan::toString);

    plain.server().flushAll();
    Tool.Result sync =
        Run.sync(from)
            .to(plain.uri())
            .args("--tls-ca", ca, "--snapshot-only")
            .errorLog(tmp.resolve("e.log"))
            .inProcess();
    assertEquals(0, sync.exit(), sync::toString);
    try (Jedis d = plain.server().client()) {
      assertEquals(100, d.dbSize());
    }

    Tool.Result untrusted =
        Run.sync(from)
            .to(plain.uri())
            .args("--snapshot-only")
            .errorLog(tmp.resolve("e.log"))
            .inProcess();
    assertEquals(3, untrusted.exit(), untrusted::toString);
  }
}
