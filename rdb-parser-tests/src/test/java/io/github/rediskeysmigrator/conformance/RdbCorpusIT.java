package io.github.rediskeysmigrator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our RDB reading layer (the {@code rdb} command, in-process) over every file of {@code
 * ../shared/rdb-corpus}: the public files and the generated fixtures, one test each, grouped by
 * source and RDB header. See {@link FileCheck} for what each test requires; known-gaps.tsv lists
 * the files we cannot handle yet, and a listed file that passes fails its test.
 */
class RdbCorpusIT {
  @TempDir static Path work;

  private static Destinations destinations;
  private static StderrLog log;
  private static KnownGaps gaps;
  private static FileCheck check;
  private static final Summary summary = new Summary();

  @BeforeAll
  static void start() {
    destinations = new Destinations();
    log = new StderrLog();
    gaps = KnownGaps.load();
    check = new FileCheck(destinations, log);
  }

  @AfterAll
  static void stop() {
    try {
      destinations.close();
      log.close();
    } finally {
      System.out.print(summary.table());
      System.out.flush();
    }
  }

  @TestFactory
  Stream<DynamicNode> everyCorpusFile() {
    Map<String, List<CorpusFile>> groups = new LinkedHashMap<>();
    // -Drkm.conformance.only=REGEX runs only the files whose id matches (while working on one).
    java.util.regex.Pattern only =
        java.util.regex.Pattern.compile(System.getProperty("rkm.conformance.only", ".*"));
    for (CorpusFile f : Corpus.all()) {
      if (!only.matcher(f.id()).find()) {
        continue;
      }
      groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f);
    }
    return groups.entrySet().stream()
        .map(
            g ->
                DynamicContainer.dynamicContainer(
                    g.getKey(),
                    g.getValue().stream().map(f -> DynamicTest.dynamicTest(f.id(), () -> run(f)))));
  }

  private static void run(CorpusFile f) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve(f.id().replace('/', '_')));
    long start = System.nanoTime();
    FileCheck.Verdict v = check.check(f, dir);
    String gap = gaps.reason(f.id());
    summary.add(f, v, gap, (System.nanoTime() - start) / 1_000_000);
    if (gap == null && !v.passed()) {
      fail(f.id() + " (" + v.note() + "):\n  " + String.join("\n  ", v.problems()));
    }
    if (gap != null && v.passed()) {
      fail(
          f.id()
              + " passes now ("
              + v.note()
              + "): remove it from "
              + gaps.file()
              + " (listed as: "
              + gap
              + ")");
    }
  }

  @Test
  void knownGapsNameCorpusFilesWithAReason() {
    Set<String> ids = Corpus.ids().collect(Collectors.toSet());
    Map<String, String> wrong = new TreeMap<>();
    gaps.all()
        .forEach(
            (id, reason) -> {
              if (!ids.contains(id)) {
                wrong.put(id, "not a corpus file");
              } else if (reason.isBlank()) {
                wrong.put(id, "no reason given");
              }
            });
    assertEquals(Map.of(), wrong, "entries of " + gaps.file());
  }
}
