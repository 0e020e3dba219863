package io.github.rediskeysmigrator.conformance;

import io.github.rediskeysmigrator.testing.SharedDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files of {@code ../shared/rdb-corpus}: every {@code public/*.rdb}, described by MANIFEST.tsv
 * and expected-load.tsv, and every {@code generated/<name>/dump.rdb} with its expected.json.
 * Nothing is copied; the files are read where they are.
 */
final class Corpus {
  private Corpus() {}

  /** {@code ../shared/rdb-corpus}. */
  static Path root() {
    return SharedDir.corpus();
  }

  /** Every file, public ones first, each group sorted by name. */
  static List<CorpusFile> all() {
    List<CorpusFile> files = new ArrayList<>(publicFiles());
    files.addAll(generatedFiles());
    return files;
  }

  static List<CorpusFile> publicFiles() {
    Path dir = root().resolve("public");
    Map<String, Map<String, String>> manifest = tsv(dir.resolve("MANIFEST.tsv"));
    Map<String, Map<String, String>> load = tsv(dir.resolve("expected-load.tsv"));
    List<CorpusFile> files = new ArrayList<>();
    for (Path file : list(dir, "*.rdb")) {
      String name = file.getFileName().toString();
      Map<String, String> row = load.getOrDefault(name, Map.of());
      // "expected/<file>.json", or a note why there is none (dumpV8: "skipped (... > 2 MB)").
      String json = row.getOrDefault("json", "");
      files.add(
          new CorpusFile(
              "public/" + name,
              file,
              "public",
              header(file),
              manifest.getOrDefault(name, Map.of()).getOrDefault("intent", "unknown"),
              null,
              row,
              json.startsWith("expected/") ? dir.resolve(json) : null));
    }
    return files;
  }

  static List<CorpusFile> generatedFiles() {
    List<CorpusFile> files = new ArrayList<>();
    for (Path dir : list(root().resolve("generated"), "*")) {
      Path file = dir.resolve("dump.rdb");
      if (!Files.isRegularFile(file)) {
        continue;
      }
      String name = dir.getFileName().toString();
      Path expected = dir.resolve("expected.json");
      files.add(
          new CorpusFile(
              "generated/" + name + "/dump.rdb",
              file,
              "generated",
              header(file),
              "valid",
              name,
              Map.of(),
              Files.isRegularFile(expected) ? expected : null));
    }
    return files;
  }

  private static List<Path> list(Path dir, String glob) {
    List<Path> out = new ArrayList<>();
    try (var s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    out.sort(null);
    return out;
  }

  /** The first nine bytes as text, {@code (empty)} for an empty file. */
  static String header(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(9);
      if (b.length == 0) {
        return "(empty)";
      }
      StringBuilder sb = new StringBuilder();
      for (byte x : b) {
        sb.append(x >= 0x20 && x < 0x7f ? (char) x : '?');
      }
      return sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A tab-separated file with a header row, as rows keyed by their first column. */
  static Map<String, Map<String, String>> tsv(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String[] names = lines.get(0).split("\t", -1);
    Map<String, Map<String, String>> rows = new HashMap<>();
    lines.stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .forEach(
            l -> {
              String[] cells = l.split("\t", -1);
              Map<String, String> row = new HashMap<>();
              for (int i = 0; i < names.length && i < cells.length; i++) {
                row.put(names[i], cells[i]);
              }
              rows.put(cells[0], row);
            });
    return rows;
  }

  /** Every file's id, for checking that known-gaps.tsv names real files. */
  static Stream<String> ids() {
    return all().stream().map(CorpusFile::id);
  }
}
