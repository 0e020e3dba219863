package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.CheckpointFile;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.ReportAssert;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code sync --from A,B}: A dies and B is a master that never replicated A, so it cannot continue
 * A's stream and offers a full resync, which the default {@code --on-full-resync stop} refuses.
 */
class FailoverFullResyncIT {
  @RegisterExtension static final RedisServerExtension first = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension other = RedisServerExtension.syncSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  @Test
  void aNewMasterThatCannotContinueTheStreamStopsTheRunWithExit7() throws Exception {
    try (Jedis a = first.server().client()) {
      a.set("from-a", "1");
    }
    String both = first.uri() + "," + other.uri().substring("redis://".length());
    try (JarRun run =
        Run.sync(both)
            .to(dest.uri())
            .checkpoint(tmp.resolve("checkpoint"))
            .outputsIn(tmp)
            .failoverWithin(30)
            .jar(tmp)) {
      CheckpointFile.awaitOffset(
          "the snapshot written", Duration.ofSeconds(60), run, tmp.resolve("checkpoint"), 0);
      first.server().kill();
      assertEquals(7, run.waitFor(120), run::toString);
      assertTrue(run.err().contains("failed over from"), run.err());
      assertTrue(run.err().contains("--on-full-resync restart"), run.err());
    }
    ReportAssert.of(tmp.resolve("r.json")).addsUp().exitCode(7).has("source_failovers", 1);
  }
}
