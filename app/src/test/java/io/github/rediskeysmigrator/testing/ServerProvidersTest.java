package io.github.rediskeysmigrator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerProvidersTest {
  @TempDir Path tmp;

  private final AtomicInteger dockerAsked = new AtomicInteger();

  private BooleanSupplier docker(boolean answers) {
    return () -> {
      dockerAsked.incrementAndGet();
      return answers;
    };
  }

  private Path binDir(String name, String version, String server) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name).resolve(version));
    Path bin = dir.resolve(server);
    Files.writeString(bin, "#!/bin/sh\n");
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir.getParent();
  }

  /** The environment's directory comes before shared; shared serves what it lacks. */
  @ParameterizedTest(name = "env has {0}: from {1}")
  @CsvSource({"redis-7.4.1, env", "redis-8.6.3, shared"})
  void aDirectoryServesBeforeDockerTheEnvironmentsFirst(String envVersion, String servedFrom)
      throws IOException {
    Path env = binDir("env", envVersion, "redis-server");
    Path shared = binDir("shared", "redis-7.4.1", "redis-server");
    ServerProviders p =
        ServerProviders.of(
            Map.of(ServerProviders.BIN_DIR_ENV, env.toString()), Optional.of(shared), docker(true));
    Path expected = servedFrom.equals("env") ? env : shared;
    assertEquals(
        expected.resolve("redis-7.4.1/redis-server").toString(),
        p.launcher("redis-7.4.1").describe());
    assertEquals(0, dockerAsked.get());
  }

  @Test
  void theOfficialImageWhenNoDirectoryHasTheVersionAndDockerAnswers() throws IOException {
    Path shared = binDir("shared", "redis-7.4.1", "redis-server");
    ServerProviders p = ServerProviders.of(Map.of(), Optional.of(shared), docker(true));
    assertEquals("valkey/valkey:9.1", p.launcher("valkey-9.1.2").describe());
    assertEquals("redis:6.2", p.launcher("redis-6.2.11").describe());
    assertEquals(2, dockerAsked.get());
  }

  @Test
  void aVersionFoundNowhereSkipsTheTestNamingEveryWayToGetIt() {
    ServerProviders p = ServerProviders.of(Map.of(), Optional.empty(), docker(false));
    NotTested e = assertThrows(NotTested.class, () -> p.launcher("redis-8.6.3"));
    assertEquals("redis-8.6.3", e.requirement().what());
    assertTrue(e.getMessage().contains(ServerProviders.BIN_DIR_ENV), e.getMessage());
    assertTrue(e.getMessage().contains("../shared/redis-bin"), e.getMessage());
    assertTrue(e.getMessage().contains("image redis:8.6"), e.getMessage());
    assertEquals(1, dockerAsked.get());
  }

  @Test
  void aVersionFoundNowhereFailsUnderCi() {
    ServerProviders p = ServerProviders.of(Map.of("CI", "true"), Optional.empty(), docker(false));
    MissingUnderCi e = assertThrows(MissingUnderCi.class, () -> p.launcher("valkey-8.0.1"));
    assertEquals("valkey-8.0.1", e.requirement().what());
    assertTrue(e.getMessage().startsWith("CI=true and valkey-8.0.1 is missing"), e.getMessage());
  }

  @Test
  void aVersionWithoutAnImageNeverAsksDocker() {
    ServerProviders p = ServerProviders.of(Map.of(), Optional.empty(), docker(true));
    NotTested e = assertThrows(NotTested.class, () -> p.launcher("redis-5.0.14"));
    assertFalse(e.getMessage().contains("Docker"), e.getMessage());
    assertEquals(0, dockerAsked.get());
  }

  @Test
  void anEnvironmentsDirectoryThatIsNoneIsAnError() {
    Map<String, String> env = Map.of(ServerProviders.BIN_DIR_ENV, tmp.resolve("nope").toString());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ServerProviders.of(env, Optional.empty(), docker(false)));
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
  }

  @Test
  void valkeyServerIsTakenBeforeAFlattenedRedisServerText() throws IOException {
    Path root = binDir("shared", "valkey-8.0.1", "valkey-server");
    // A copy that flattened the symlink redis-server -> valkey-server leaves a text file.
    Files.writeString(root.resolve("valkey-8.0.1/redis-server"), "valkey-server");
    assertEquals(
        root.resolve("valkey-8.0.1/valkey-server").toString(),
        new BinDirProvider(root).find("valkey-8.0.1").orElseThrow().describe());
  }

  @Test
  void aServerFileThatIsNotExecutableIsNotFound() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("redis-7.2.6"));
    Files.writeString(dir.resolve("redis-server"), "not a binary");
    assertTrue(new BinDirProvider(tmp).find("redis-7.2.6").isEmpty());
  }

  @Test
  void aContainerBindsItsDirectoryAndTheDirectoriesOfAbsolutePathArguments() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("server"));
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Path cert = Files.writeString(certs.resolve("server.crt"), "x");
    Path load = Files.createDirectories(tmp.resolve("fixture"));
    Set<Path> bound =
        ContainerProvider.ContainerLauncher.bindings(
            List.of(
                "--port",
                "17100",
                "--tls-cert-file",
                cert.toString(),
                "--dir",
                load.toString(),
                "--logfile",
                dir.resolve("redis.log").toString(),
                "/no/such/file"),
            dir);
    assertEquals(Set.of(dir, certs, load), bound);
  }

  @Test
  void theCorpusIsARequirementLikeAServer() {
    RuntimeException skip = SharedDir.CORPUS.missing(Map.of("CI", "false"));
    RuntimeException fail = SharedDir.CORPUS.missing(Map.of("CI", "TRUE"));
    assertTrue(skip instanceof NotTested, skip.toString());
    assertTrue(fail instanceof MissingUnderCi, fail.toString());
    assertTrue(fail.getMessage().contains("../shared/rdb-corpus"), fail.getMessage());
  }
}
