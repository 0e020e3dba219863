package io.github.rediskeysmigrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Lays out the directory the release archives hold (README "Install"): {@code bin/} the launcher,
 * {@code lib/} the shaded jar, {@code man/man1/} and {@code completion/} generated from the picocli
 * model, {@code LICENSE}, {@code README.md} and {@code SHA256SUMS} of all of them. The build runs
 * it in the package phase, after the shade; maven-assembly-plugin packs the directory.
 */
public final class ReleaseLayout {
  /** The command's name: the launcher's, the man pages' and the completion's. */
  static final String NAME = "redis-keys-migrator";

  private ReleaseLayout() {}

  /** {@code ReleaseLayout REPO_DIR SHADED_JAR OUT_DIR VERSION}; OUT_DIR is emptied first. */
  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      throw new IllegalArgumentException(
          "usage: ReleaseLayout REPO_DIR SHADED_JAR OUT_DIR VERSION");
    }
    Path out = Path.of(args[2]).toAbsolutePath().normalize();
    lay(Path.of(args[0]).toAbsolutePath().normalize(), Path.of(args[1]), out, args[3]);
    System.out.println("release directory: " + out);
  }

  static void lay(Path repo, Path jar, Path out, String version) throws IOException {
    deleteTree(out);
    Path bin = Files.createDirectories(out.resolve("bin")).resolve(NAME);
    Files.copy(repo.resolve("scripts").resolve(NAME), bin);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(jar, Files.createDirectories(out.resolve("lib")).resolve(NAME + ".jar"));
    Files.copy(repo.resolve("LICENSE"), out.resolve("LICENSE"));
    Files.copy(repo.resolve("README.md"), out.resolve("README.md"));

    // The defaults of an empty environment: the pages must not depend on the build machine's.
    CommandLine model = Main.model(Map.of());
    Path adoc = out.resolveSibling(out.getFileName() + "-adoc");
    deleteTree(adoc);
    ManPages.write(model, adoc, out.resolve("man/man1"), NAME + " " + version);
    // One script for both shells: picocli's bash script loads zsh's bashcompinit itself.
    Files.writeString(
        Files.createDirectories(out.resolve("completion")).resolve(NAME + ".bash"),
        AutoComplete.bash(NAME, model),
        StandardCharsets.UTF_8);

    Files.writeString(out.resolve("SHA256SUMS"), sums(out), StandardCharsets.UTF_8);
  }

  /** {@code sha256sum}'s format ({@code HEX PATH}), every file under {@code dir}, by path. */
  static String sums(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files =
          all.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().equals("SHA256SUMS"))
              .sorted(Comparator.comparing(f -> dir.relativize(f).toString()))
              .toList();
    }
    StringBuilder sb = new StringBuilder();
    for (Path f : files) {
      sb.append(sha256(f)).append("  ").append(dir.relativize(f).toString().replace('\\', '/'));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
