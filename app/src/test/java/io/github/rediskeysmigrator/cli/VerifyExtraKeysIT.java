package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.sink.CheckpointMarker;
import io.github.rediskeysmigrator.testing.LocalCluster;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code verify --extra-keys} against real servers: keys only at the destination are listed (within
 * --match, --type and the dbs in play), from a live source, from an RDB file, under --rename-prefix
 * and in a cluster; sync's checkpoint marker never is.
 */
class VerifyExtraKeysIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();
  @RegisterExtension static final LocalCluster cluster = new LocalCluster();

  private static final String MARKER = CheckpointMarker.PREFIX + "127.0.0.1:6379";

  @TempDir Path tmp;

  private Tool.Result run(String... args) {
    return Run.of(args).outputsIn(tmp).inProcess();
  }

  private Map<String, Object> report() throws IOException {
    return JsonText.object(Files.readString(tmp.resolve("r.json")));
  }

  private List<String> diffLines() throws IOException {
    return Files.readAllLines(tmp.resolve("diff.jsonl"));
  }

  private static void fill(Jedis s) {
    SampleData.fillAllTypes(s, "app:");
    SampleData.fillStrings(s, "app:s:", 120);
    SampleData.fillStrings(s, "other:", 30);
  }

  /** {@code verify --extra-keys} from {@code from} into {@code to}, outputs in tmp. */
  private Tool.Result verifyExtraKeys(String from, String to, String... more) {
    return Run.verify(from).to(to).args("--extra-keys").args(more).outputsIn(tmp).inProcess();
  }

  @Test
  void theMarkerLeftAloneIsTheOneSyncWrites() {
    byte[] written =
        CheckpointMarker.key(io.github.rediskeysmigrator.core.RedisUri.parse("redis://h:7000"));
    assertTrue(new String(written, StandardCharsets.UTF_8).startsWith(CheckpointMarker.PREFIX));
  }

  @Test
  void aLiveSourceNamesOnlyTheExtraKeyInsideTheSelection() throws IOException {
    try (Jedis s = source.server().client()) {
      fill(s);
    }
    Tool.Result m = Run.scan(source.uri()).to(dest.uri()).outputsIn(tmp).inProcess();
    assertEquals(0, m.exit(), m::toString);
    try (Jedis d = dest.server().client()) {
      d.set("app:only-here", "x");
      d.set("zzz:only-here", "y");
      d.set(MARKER, "replid 42");
    }

    Tool.Result off =
        Run.verify(source.uri()).to(dest.uri()).args("--match", "app:*").outputsIn(tmp).inProcess();
    assertEquals(0, off.exit(), off::toString);
    assertEquals(null, report().get("extra"));

    Tool.Result v =
        verifyExtraKeys(source.uri(), dest.uri(), "--match", "app:*", "--scan-count", "7");
    assertEquals(6, v.exit(), v::toString);
    assertEquals(new BigDecimal(1), report().get("extra"));
    assertEquals(new BigDecimal(1), report().get("differences"));
    assertEquals(
        List.of(), diffLines().stream().filter(l -> !l.contains("app:only-here")).toList());
    assertTrue(
        diffLines().get(0).contains("\"key\":\"app:only-here\",\"outcome\":\"extra\""),
        diffLines()::toString);
    assertTrue(v.out().contains("db 0 \"app:only-here\": extra at destination"), v::toString);
    assertTrue(v.out().contains("extra at destination 1"), v::toString);

    // The whole db: the key outside app:* too, but never the checkpoint marker.
    Tool.Result all = verifyExtraKeys(source.uri(), dest.uri());
    assertEquals(6, all.exit(), all::toString);
    assertEquals(new BigDecimal(2), report().get("extra"));
    assertFalse(all.out().contains("sync-checkpoint"), all::toString);
    assertTrue(all.out().contains("\"zzz:only-here\": extra"), all::toString);

    // --type: an extra string is outside a verification of hashes.
    Tool.Result hashes = verifyExtraKeys(source.uri(), dest.uri(), "--type", "hash");
    assertEquals(0, hashes.exit(), hashes::toString);
    assertEquals(new BigDecimal(0), report().get("extra"));
  }

  @Test
  void aRenamedMigrationHasNoExtraKeysUntilOneIsAdded() throws IOException {
    try (Jedis s = source.server().client()) {
      fill(s);
    }
    String[] rename = {"--rename-prefix", "app:=tenant:"};
    String[] verifyRenamed = {
      "verify",
      "--from",
      source.uri(),
      "--to",
      dest.uri(),
      "--match",
      "app:*",
      "--extra-keys",
      rename[0],
      rename[1]
    };
    Tool.Result m =
        Run.scan(source.uri())
            .to(dest.uri())
            .args("--match", "app:*", rename[0], rename[1])
            .outputsIn(tmp)
            .inProcess();
    assertEquals(0, m.exit(), m::toString);

    Tool.Result v = run(verifyRenamed);
    assertEquals(0, v.exit(), v::toString);
    assertEquals(new BigDecimal(0), report().get("extra"));

    try (Jedis d = dest.server().client()) {
      d.set("tenant:ghost", "no source key");
      // Its source name would be other:1, outside --match app:*.
      d.set("other:1", "out of scope");
    }
    Tool.Result dirty = run(verifyRenamed);
    assertEquals(6, dirty.exit(), dirty::toString);
    assertEquals(new BigDecimal(1), report().get("extra"));
    assertTrue(
        dirty
            .out()
            .contains(
                "\"tenant:ghost\": extra at destination: only at the destination:"
                    + " the source's db 0 has no \"app:ghost\""),
        dirty::toString);
  }

  @Test
  void anRdbFileSourceFindsTheOneExtraKey() throws IOException {
    Path rdb;
    try (Jedis s = source.server().client()) {
      fill(s);
      s.select(1);
      s.set("db1:key", "1");
    }
    rdb = source.server().saveTo(tmp.resolve("sample.rdb"));
    Tool.Result m = Run.rdb(rdb).to(dest.uri()).outputsIn(tmp).inProcess();
    assertEquals(0, m.exit(), m::toString);
    try (Jedis d = dest.server().client()) {
      d.set(MARKER, "replid 42");
      d.select(1);
      d.set("db1:extra", "x");
    }

    Tool.Result v = verifyExtraKeys(rdb.toString(), dest.uri());
    assertEquals(6, v.exit(), v::toString);
    assertEquals(new BigDecimal(1), report().get("extra"));
    assertEquals(1, diffLines().size(), diffLines()::toString);
    assertTrue(
        diffLines().get(0).startsWith("{\"db\":1,\"destination_db\":1,\"key\":\"db1:extra\""),
        diffLines()::toString);
    // Only db 0 in play: the extra key of db 1 is not looked for.
    Tool.Result db0 = verifyExtraKeys(rdb.toString(), dest.uri(), "--db", "0");
    assertEquals(0, db0.exit(), db0::toString);
  }

  @Test
  void aClusterDestinationIsScannedOnEveryMaster() throws IOException {
    Path rdb;
    try (Jedis s = source.server().client()) {
      fill(s);
    }
    rdb = source.server().saveTo(tmp.resolve("sample.rdb"));
    Tool.Result m = Run.rdb(rdb).to(cluster.uri()).outputsIn(tmp).inProcess();
    assertEquals(0, m.exit(), m::toString);
    Tool.Result clean = verifyExtraKeys(rdb.toString(), cluster.uri());
    assertEquals(0, clean.exit(), clean::toString);

    List<String> extras = List.of("x:{a}", "x:{b}", "x:{c}", "x:{d}");
    for (String k : extras) {
      try (Jedis owner = cluster.clientFor(k.getBytes(StandardCharsets.UTF_8))) {
        owner.set(k, "only in the cluster");
      }
    }
    try (Jedis owner = cluster.clientFor(MARKER.getBytes(StandardCharsets.UTF_8))) {
      owner.set(MARKER, "replid 42");
    }
    Tool.Result v = verifyExtraKeys(source.uri(), cluster.uri());
    assertEquals(6, v.exit(), v::toString);
    assertEquals(new BigDecimal(extras.size()), report().get("extra"));
    for (String k : extras) {
      assertTrue(v.out().contains("\"" + k + "\": extra"), v::toString);
    }
  }
}
