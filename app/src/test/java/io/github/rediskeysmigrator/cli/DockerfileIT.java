package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RepoDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no container engine), so this checks what would make it rot:
 * every file it copies exists and passes .dockerignore, the jar it copies out of the build stage is
 * the one the Maven build produces, and the launcher it runs starts that jar.
 */
class DockerfileIT {
  private static final Path REPO = RepoDir.find();

  /** One instruction: its keyword and the rest, continuation lines joined. */
  record Instruction(String keyword, String rest) {
    List<String> words() {
      return List.of(rest.trim().split("\\s+"));
    }
  }

  private static List<Instruction> instructions() throws IOException {
    List<Instruction> out = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(REPO.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
      String t = line.strip();
      if (pending.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
        continue;
      }
      if (t.endsWith("\\")) {
        pending.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      pending.append(t);
      String full = pending.toString();
      pending.setLength(0);
      int space = full.indexOf(' ');
      out.add(new Instruction(full.substring(0, space).toUpperCase(), full.substring(space + 1)));
    }
    return out;
  }

  private static List<Instruction> all(String keyword) throws IOException {
    return instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  private static String single(String keyword) throws IOException {
    List<Instruction> found = all(keyword);
    assertEquals(1, found.size(), keyword + " in the Dockerfile");
    return found.get(0).rest().trim();
  }

  /** Whether .dockerignore keeps {@code relative} out of the build context (last match wins). */
  private static boolean ignored(String relative) throws IOException {
    boolean ignored = false;
    for (String line : Files.readAllLines(REPO.resolve(".dockerignore"))) {
      String p = line.strip();
      if (p.isEmpty() || p.startsWith("#")) {
        continue;
      }
      boolean keep = p.startsWith("!");
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + (keep ? p.substring(1) : p));
      // A pattern matches a path or any of its parent directories, as in Docker.
      for (Path q = Path.of(relative); q != null; q = q.getParent()) {
        if (matcher.matches(q)) {
          ignored = !keep;
          break;
        }
      }
    }
    return ignored;
  }

  @Test
  void buildsOnAJdk17AndRunsOnAJre17AsANonRootUser() throws IOException {
    List<Instruction> from = all("FROM");
    assertEquals(2, from.size(), from::toString);
    assertTrue(from.get(0).rest().matches("maven:\\S*17\\S* AS build"), from.get(0)::toString);
    assertTrue(from.get(1).rest().matches("\\S*:17-jre\\S*"), from.get(1)::toString);
    String user = single("USER").split(":")[0];
    assertTrue(user.matches("\\d+") && Integer.parseInt(user) > 0, "numeric, not root: " + user);
  }

  @Test
  void everyFileItCopiesIsThereAndInTheBuildContext() throws IOException {
    int copied = 0;
    for (Instruction copy : all("COPY")) {
      List<String> words = copy.words();
      if (words.get(0).startsWith("--from=")) {
        continue;
      }
      for (String source : words.subList(0, words.size() - 1)) {
        Path p = REPO.resolve(source);
        assertTrue(Files.exists(p), source + " (COPY) does not exist");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(p)) {
          files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
          String rel = REPO.relativize(f).toString();
          assertFalse(ignored(rel), rel + " is copied but .dockerignore leaves it out");
          copied++;
        }
      }
    }
    assertTrue(copied > 10, "copied " + copied + " files");
    assertTrue(ignored("app/target/redis-keys-migrator.jar"), "build output stays out");
    assertTrue(ignored(".git/HEAD"));
  }

  @Test
  void copiesTheJarTheBuildProducesAndStartsItThroughTheLauncher() throws Exception {
    // The build stage: WORKDIR, then Maven packages the app.
    String workdir = all("WORKDIR").get(0).rest().trim();
    assertTrue(
        all("RUN").stream()
            .anyMatch(r -> r.rest().contains("mvn ") && r.rest().contains(" package")),
        "the build stage runs mvn ... package");
    Path builtJar = Path.of(System.getProperty("rkm.jar")).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(builtJar), builtJar + " (built by mvn package)");

    String jarInImage = null;
    String launcherInImage = null;
    for (Instruction copy : all("COPY")) {
      List<String> w = copy.words();
      if (w.get(0).equals("--from=build")) {
        assertEquals(workdir + "/" + REPO.relativize(builtJar), w.get(1));
        jarInImage = w.get(2);
      } else if (w.get(0).equals("scripts/redis-keys-migrator")) {
        launcherInImage = w.get(1);
      }
    }
    assertNotNull(jarInImage, "COPY --from=build of the jar");
    assertNotNull(launcherInImage, "COPY of scripts/redis-keys-migrator");
    assertEquals("RKM_JAR=" + jarInImage, single("ENV"));
    Object entrypoint = JsonText.parse(single("ENTRYPOINT"));
    assertEquals(List.of(launcherInImage), entrypoint);

    // What the image's ENTRYPOINT does, here: the launcher with RKM_JAR, default JVM settings.
    Path launcher = REPO.resolve("scripts/redis-keys-migrator");
    assertTrue(Files.isExecutable(launcher));
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
    pb.environment().put("RKM_JAR", builtJar.toString());
    pb.environment().remove("RKM_JAVA_OPTS");
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("redis-keys-migrator"), out);
  }
}
