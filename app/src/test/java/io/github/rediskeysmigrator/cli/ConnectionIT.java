package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Authentication at the destination: right, wrong, and never printed. */
class ConnectionIT {
  private static final String SECRET = "s3cret-Pa55word";

  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension guarded = RedisServerExtension.debian("--requirepass", SECRET);

  @TempDir Path tmp;

  private Path file() {
    try (Jedis j = source.server().client()) {
      SampleData.fillStrings(j, "k", 50);
    }
    return source.server().saveTo(tmp.resolve("d.rdb"));
  }

  @Test
  void wrongPasswordExits3WithoutPrintingIt() throws Exception {
    String uri = "redis://:wrong-" + SECRET + "@127.0.0.1:" + guarded.server().port();

    Tool.Result r =
        Run.rdb(file())
            .to(uri)
            .errorLog(tmp.resolve("e.log"))
            .report(tmp.resolve("r.json"))
            .inProcess();

    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.err().contains("authentication failed"), r.err());
    assertFalse(r.out().contains(SECRET) || r.err().contains(SECRET), r::toString);
    assertFalse(Files.readString(tmp.resolve("e.log")).contains(SECRET));
  }

  @Test
  void passwordFromUriOrVariableIsUsedAndNeverShown() throws Exception {
    Path f = file();
    Tool.Result r =
        Run.rdb(f)
            .errorLog(tmp.resolve("e.log"))
            .report(tmp.resolve("r.json"))
            .env(
                Map.of(
                    "DESTINATION_REDIS_HOST",
                    "127.0.0.1",
                    "DESTINATION_REDIS_PORT",
                    String.valueOf(guarded.server().port()),
                    "DESTINATION_REDIS_PASSWORD",
                    SECRET))
            .inProcess();

    assertEquals(0, r.exit(), r::toString);
    String report = Files.readString(tmp.resolve("r.json"));
    assertFalse(report.contains(SECRET), report);
    assertFalse(r.out().contains(SECRET) || r.err().contains(SECRET), r::toString);
    try (Jedis d = guarded.server().client()) {
      assertEquals(50, d.dbSize());
      d.flushAll();
    }

    Tool.Result viaUri =
        Run.rdb(f)
            .to("redis://default:" + SECRET + "@127.0.0.1:" + guarded.server().port())
            .errorLog(tmp.resolve("e.log"))
            .report(tmp.resolve("r.json"))
            .inProcess();
    assertEquals(0, viaUri.exit(), viaUri::toString);
    assertTrue(Files.readString(tmp.resolve("r.json")).contains("redis://default:***@"));

    Path secret = Files.writeString(tmp.resolve("secret"), SECRET + "\n");
    guarded.server().flushAll();
    Tool.Result viaFile =
        Run.rdb(f)
            .to("redis://127.0.0.1:" + guarded.server().port())
            .args("--to-password-file", secret.toString())
            .errorLog(tmp.resolve("e.log"))
            .inProcess();
    assertEquals(0, viaFile.exit(), viaFile::toString);
    assertFalse(viaFile.out().contains(SECRET) || viaFile.err().contains(SECRET));
  }
}
