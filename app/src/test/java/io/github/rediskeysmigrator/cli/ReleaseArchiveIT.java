package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.RepoDir;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;

/**
 * The release archive as a user installs it (README "Install"): unpacked with tar into an empty
 * directory, its launcher started through a symlink from another working directory, its checksums,
 * man pages and shell completion checked with the tools a user has.
 */
class ReleaseArchiveIT {
  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();
  @RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();

  /** Where the archive was unpacked: one directory per version, as it was packed. */
  @TempDir static Path unpacked;

  static Path home;

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  /** man-db's sandbox (seccomp) fails in some containers; the page is ours, so it is not needed. */
  private static final Map<String, String> MAN_ENV =
      Map.of("MANWIDTH", "100", "MAN_DISABLE_SECCOMP", "1");

  @BeforeAll
  static void unpack() throws Exception {
    Path tgz = Path.of(System.getProperty("rkm.release.tgz")).toAbsolutePath();
    assertTrue(Files.isRegularFile(tgz), tgz + " (built by mvn package)");
    Run tar = run(unpacked, Map.of(), "tar", "-xzf", tgz.toString());
    assertEquals(0, tar.exit(), tar::toString);
    try (Stream<Path> top = Files.list(unpacked)) {
      List<Path> dirs = top.toList();
      assertEquals(1, dirs.size(), "one top directory in the archive: " + dirs);
      home = dirs.get(0);
    }
    String name = tgz.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
    assertEquals(name, home.getFileName().toString());
  }

  private static Run run(Path dir, Map<String, String> env, String... cmd) throws Exception {
    // Captured outside dir: the directories under test hold only what the run put there.
    File out = File.createTempFile("rkm-release-out-", ".txt");
    File err = File.createTempFile("rkm-release-err-", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out).redirectError(err);
      // The launcher's own knobs would point it elsewhere than the archive.
      pb.environment().remove("RKM_JAR");
      pb.environment().remove("RKM_JAVA_OPTS");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
      }
      return new Run(
          p.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.delete(out.toPath());
      Files.delete(err.toPath());
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> files(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString())
          .collect(TreeSet::new, Set::add, Set::addAll);
    }
  }

  @Test
  void migratesThroughASymlinkToTheLauncherFromAnotherDirectory() throws Exception {
    try (Jedis j = source.server().client()) {
      SampleData.fillAllTypes(j, "");
    }
    Path rdb = source.server().saveTo(tmp.resolve("dump.rdb"));
    Path links = Files.createDirectories(tmp.resolve("links"));
    Path link =
        Files.createSymbolicLink(
            links.resolve("rkm"), home.resolve("bin/redis-keys-migrator").toAbsolutePath());
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

    Run r =
        run(
            elsewhere,
            Map.of(),
            link.toString(),
            "rdb",
            rdb.toString(),
            "--to",
            dest.uri(),
            "--report",
            "report.json");

    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.out().contains("written              " + SampleData.ALL_TYPES_KEYS), r.out());
    try (Jedis s = source.server().client();
        Jedis d = dest.server().client()) {
      DatasetAssert.assertSameDataset(s, d);
    }
    // Relative outputs land in the working directory, not beside the launcher.
    assertTrue(Files.isRegularFile(elsewhere.resolve("report.json")));
    assertTrue(Files.isRegularFile(elsewhere.resolve("redis-keys-migrator-error.log")));
  }

  @Test
  void versionNamesTheVersionAndTheCommit() throws Exception {
    Path launcher = home.resolve("bin/redis-keys-migrator");
    assertTrue(Files.isExecutable(launcher), launcher + " is executable");

    Run v = run(tmp, Map.of(), launcher.toString(), "--version");

    assertEquals(0, v.exit(), v::toString);
    String version = home.getFileName().toString().substring("redis-keys-migrator-".length());
    String first = v.out().lines().findFirst().orElse("");
    assertTrue(first.startsWith("redis-keys-migrator " + version + " (commit "), first);
    String commit = first.replaceFirst(".*\\(commit (.*)\\)$", "$1");
    Run head = run(RepoDir.find(), Map.of(), "git", "rev-parse", "HEAD");
    if (head.exit() == 0) {
      assertTrue(head.out().strip().startsWith(commit), commit + " is " + head.out());
    } else {
      assertEquals(VersionProvider.UNKNOWN, commit, "built outside git: " + head.err());
    }
  }

  @Test
  void holdsWhatTheReadmeListsWithTheirChecksums() throws Exception {
    Set<String> files = files(home);
    for (String f :
        List.of(
            "bin/redis-keys-migrator",
            "lib/redis-keys-migrator.jar",
            "man/man1/redis-keys-migrator.1",
            "man/man1/redis-keys-migrator-rdb.1",
            "man/man1/redis-keys-migrator-scan.1",
            "man/man1/redis-keys-migrator-sync.1",
            "man/man1/redis-keys-migrator-verify.1",
            "man/man1/redis-keys-migrator-inspect.1",
            "completion/redis-keys-migrator.bash",
            "LICENSE",
            "README.md",
            "SHA256SUMS")) {
      assertTrue(files.contains(f), f + " in " + files);
    }
    List<String> summed = new ArrayList<>();
    for (String line : Files.readAllLines(home.resolve("SHA256SUMS"))) {
      summed.add(line.substring(line.indexOf("  ") + 2));
    }
    Set<String> expected = new TreeSet<>(files);
    expected.remove("SHA256SUMS");
    assertEquals(expected, new TreeSet<>(summed), "SHA256SUMS names every other file");
    if (onPath("sha256sum")) {
      Run check = run(home, Map.of(), "sha256sum", "--check", "--strict", "SHA256SUMS");
      assertEquals(0, check.exit(), check::toString);
    }

    // The zip holds the same files, the launcher executable too.
    Path zip = Path.of(System.getProperty("rkm.release.tgz").replaceFirst("\\.tar\\.gz$", ".zip"));
    if (onPath("unzip")) {
      Path z = Files.createDirectories(tmp.resolve("zip"));
      Run unzip = run(z, Map.of(), "unzip", "-q", zip.toAbsolutePath().toString());
      assertEquals(0, unzip.exit(), unzip::toString);
      Path zipHome = z.resolve(home.getFileName());
      Set<String> zipped = files(zipHome);
      assertEquals(files, zipped);
      assertTrue(Files.isExecutable(zipHome.resolve("bin/redis-keys-migrator")));
    } else {
      assertTrue(Files.size(zip) > 0, zip + " exists");
    }
  }

  @Test
  void manPagesLoad() throws Exception {
    List<Path> pages;
    try (Stream<Path> all = Files.list(home.resolve("man/man1"))) {
      pages = all.sorted().toList();
    }
    for (Path page : pages) {
      String name = page.getFileName().toString().replaceFirst("\\.1$", "");
      String th =
          Files.readAllLines(page, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith(".TH "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no .TH header in " + page));
      // troff escapes the dashes of the title: .TH "REDIS\-KEYS\-MIGRATOR\-RDB" "1" ...
      assertTrue(
          th.startsWith(".TH \"" + name.toUpperCase().replace("-", "\\-") + "\" \"1\" "), th);
      if (onPath("groff")) {
        // The strictest parse at hand: every warning on, no output.
        Run groff = run(tmp, Map.of(), "groff", "-man", "-Tutf8", "-z", "-ww", page.toString());
        assertEquals(0, groff.exit(), groff::toString);
        assertEquals("", groff.err(), "groff's warnings on " + page);
      }
      if (onPath("man")) {
        Run man = run(tmp, MAN_ENV, "man", "-l", page.toString());
        assertEquals(0, man.exit(), man::toString);
        assertTrue(man.out().contains("NAME"), man.out());
        assertTrue(man.out().contains(name + " - "), man.out());
        assertTrue(man.out().contains("SYNOPSIS"), man.out());
      }
    }
    // Every option of every command's --help is in its page (troff escapes the dashes).
    CommandLine model = Main.model(Map.of());
    model.getSubcommands().forEach((command, sub) -> checkOptionsIn(command, sub));
    checkOptionsIn("", model);
  }

  private static void checkOptionsIn(String command, CommandLine cl) {
    Path page =
        home.resolve(
            "man/man1/redis-keys-migrator" + (command.isEmpty() ? "" : "-" + command) + ".1");
    String text;
    try {
      text = Files.readString(page, StandardCharsets.UTF_8).replace("\\-", "-");
    } catch (IOException e) {
      throw new AssertionError("no man page " + page, e);
    }
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      if (!o.hidden()) {
        assertTrue(text.contains(o.longestName()), o.longestName() + " in " + page);
      }
    }
  }

  @Test
  void bashCompletionLoadsAndCompletesCommandsAndOptions() throws Exception {
    Path script = home.resolve("completion/redis-keys-migrator.bash");
    Run syntax = run(tmp, Map.of(), "bash", "-n", script.toString());
    assertEquals(0, syntax.exit(), syntax::toString);

    // What bash does on TAB: the function registered for the command fills COMPREPLY.
    String complete =
        String.join(
            "\n",
            "source \"$1\"",
            "complete -p redis-keys-migrator",
            "tab() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\";"
                + " COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_redis-keys-migrator"
                + " 2>/dev/null; echo \"${COMPREPLY[*]}\"; }",
            "tab redis-keys-migrator rd",
            "tab redis-keys-migrator rdb --exi");
    Run r = run(tmp, Map.of(), "bash", "-c", complete, "completion", script.toString());

    assertEquals(0, r.exit(), r::toString);
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r::toString);
    assertTrue(lines.get(0).endsWith(" redis-keys-migrator"), lines.get(0));
    assertEquals("rdb", lines.get(1));
    assertTrue(Set.of(lines.get(2).split(" ")).contains("--existing"), lines.get(2));

    // zsh (where installed): the same file, through the bashcompinit it turns on itself, registers
    // the same function. TAB itself needs a terminal; it was tried by hand (README "Install").
    if (onPath("zsh")) {
      Run z =
          run(
              tmp,
              Map.of("HOME", tmp.toString()),
              "zsh",
              "-f",
              "-c",
              "source \"$1\" && print -r -- \"${_comps[redis-keys-migrator]}\"",
              "completion",
              script.toString());
      assertEquals(0, z.exit(), z::toString);
      assertEquals("_bash_complete -F _complete_redis-keys-migrator -o default", z.out().strip());
    }
  }
}
