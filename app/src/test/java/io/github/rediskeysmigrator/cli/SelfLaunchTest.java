package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SelfLaunchTest {
  private static final Optional<List<String>> PLAIN = Optional.of(List.of());

  private static boolean wanted(String... args) {
    return SelfLaunch.wanted(args, PLAIN, Map.of(), null);
  }

  @Test
  void theHeavyCommandsOfAPlainJavaJarStartAgain() {
    assertTrue(wanted("rdb", "dump.rdb"));
    assertTrue(wanted("scan", "--from", "redis://a"));
    assertTrue(wanted("sync"));
    assertTrue(wanted("aof", "appendonlydir"));
    assertTrue(wanted("verify", "dump.rdb"));
  }

  @Test
  void lightWorkRunsWhereItIs() {
    assertFalse(wanted());
    assertFalse(wanted("--version"));
    assertFalse(wanted("inspect", "dump.rdb"));
    assertFalse(wanted("report", "merge"));
    assertFalse(wanted("rdb", "--help"));
    assertFalse(wanted("scan", "-h"));
  }

  @Test
  void theUsersOwnJvmChoicesAreKept() {
    String[] rdb = {"rdb", "dump.rdb"};
    assertFalse(SelfLaunch.wanted(rdb, Optional.of(List.of("-Xmx512m")), Map.of(), null));
    assertFalse(SelfLaunch.wanted(rdb, Optional.of(List.of("-XX:+UseZGC")), Map.of(), null));
    assertFalse(SelfLaunch.wanted(rdb, PLAIN, Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g"), null));
    assertFalse(SelfLaunch.wanted(rdb, PLAIN, Map.of("JDK_JAVA_OPTIONS", "-Xmx1g"), null));
    assertFalse(SelfLaunch.wanted(rdb, PLAIN, Map.of("RKM_JVM", "inherit"), null));
    assertTrue(SelfLaunch.wanted(rdb, Optional.of(List.of("-Dfoo=bar")), Map.of(), null));
  }

  @Test
  void neverTwiceAndNeverFromTheLauncherOrAClassPath() {
    String[] rdb = {"rdb", "dump.rdb"};
    assertFalse(SelfLaunch.wanted(rdb, PLAIN, Map.of(), "self"));
    assertFalse(SelfLaunch.wanted(rdb, PLAIN, Map.of(), "launcher"));
    assertFalse(SelfLaunch.wanted(rdb, Optional.empty(), Map.of(), null));
  }
}
