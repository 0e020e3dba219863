package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Await;
import io.github.rediskeysmigrator.testing.JarRun;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.SampleData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A plain {@code java -jar} of a heavy command runs in a JVM with the launcher's settings. */
class SelfLaunchIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.liveSource();

  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  @TempDir Path tmp;

  @BeforeEach
  void fiftyKeys() {
    try (Jedis s = source.server().client()) {
      SampleData.fillStrings(s, "k", 50);
    }
  }

  private JarRun live(List<String> jvm) {
    return Run.scan(source.uri())
        .to(dest.uri())
        .args("--live", "--progress", "never")
        .report(tmp.resolve("r.json"))
        .jar(tmp, jvm);
  }

  private static List<String> arguments(ProcessHandle p) {
    return Arrays.asList(p.info().arguments().orElse(new String[0]));
  }

  private static void awaitCopy() throws InterruptedException {
    try (Jedis d = dest.server().client()) {
      Await.until("the copy of 50 keys", Duration.ofSeconds(30), () -> d.dbSize() == 50);
    }
  }

  @Test
  void theChildHasTheLaunchersSettingsAndSignalsReachIt() throws Exception {
    try (JarRun run = live(List.of())) {
      awaitCopy();
      List<ProcessHandle> children = run.children();
      assertEquals(1, children.size(), run::toString);
      List<String> args = arguments(children.get(0));
      assertTrue(args.containsAll(SelfLaunch.SETTINGS), args::toString);
      // SIGTERM to the jar the user started: the child finishes and reports, with its code.
      assertEquals(130, run.terminate(), run::toString);
      children.get(0).onExit().get(10, TimeUnit.SECONDS);
    }
    assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"exit_code\":130"));
  }

  @Test
  void aKilledParentTakesItsChildAlong() throws Exception {
    try (JarRun run = live(List.of())) {
      awaitCopy();
      ProcessHandle child = run.children().get(0);
      run.kill();
      child.onExit().get(10, TimeUnit.SECONDS);
      assertFalse(child.isAlive(), "the child JVM outlived SIGKILL of its parent");
    }
  }

  @Test
  void theUsersHeapChoiceRunsInPlace() throws Exception {
    try (JarRun run = live(List.of("-Xmx256m"))) {
      awaitCopy();
      assertEquals(List.of(), run.children(), run::toString);
      assertEquals(130, run.terminate(), run::toString);
    }
  }
}
