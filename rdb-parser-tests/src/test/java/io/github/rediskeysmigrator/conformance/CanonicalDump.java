package io.github.rediskeysmigrator.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Describes what a destination holds in the corpus' canonical JSON, with the corpus' own scripts
 * ({@code public/dump-expected.py}, {@code generate/dump-expected.py}), so the comparison with the
 * expected files uses exactly the serialization they were written with. The scripts need a python
 * with the {@code redis} module: {@code /usr/bin/python3} with Debian's python3-redis (the one
 * first on PATH may lack it); {@code -Drkm.python} overrides.
 */
final class CanonicalDump {
  private static final String PYTHON = System.getProperty("rkm.python", "/usr/bin/python3");
  private static final long TIMEOUT_S = 120;
  private static String problem;
  private static boolean checked;

  private CanonicalDump() {}

  /** Null when the scripts can run, else why not (checked once). */
  static synchronized String problem() {
    if (!checked) {
      checked = true;
      try {
        run(List.of(PYTHON, "-c", "import redis"), null);
      } catch (IOException e) {
        problem =
            PYTHON
                + " cannot run the corpus' dump scripts ("
                + e.getMessage().strip()
                + "); install python3-redis (scripts/test.sh does) or set -Drkm.python";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "interrupted";
      }
    }
    return problem;
  }

  /**
   * Writes the public corpus' form ({@code rdb-corpus-expected/1}) of the server at {@code port}.
   */
  static void publicForm(int port, Path out) throws IOException, InterruptedException {
    dump(Corpus.root().resolve("public/dump-expected.py"), port, out);
  }

  /** Writes the generated fixtures' form (format 1) of the server at {@code port}. */
  static void generatedForm(int port, Path out) throws IOException, InterruptedException {
    dump(Corpus.root().resolve("generate/dump-expected.py"), port, out);
  }

  private static void dump(Path script, int port, Path out)
      throws IOException, InterruptedException {
    run(
        List.of(
            PYTHON,
            script.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--out",
            out.toString()),
        out);
  }

  private static void run(List<String> cmd, Path out) throws IOException, InterruptedException {
    Path log = Files.createTempFile("rkm-dump-", ".log");
    try {
      Process p =
          new ProcessBuilder(new ArrayList<>(cmd))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(String.join(" ", cmd) + " did not finish in " + TIMEOUT_S + " s");
      }
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0 || (out != null && !Files.isRegularFile(out))) {
        String[] lines = text.strip().split("\n");
        throw new IOException(
            "exit " + p.exitValue() + ": " + (lines.length == 0 ? "" : lines[lines.length - 1]));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
