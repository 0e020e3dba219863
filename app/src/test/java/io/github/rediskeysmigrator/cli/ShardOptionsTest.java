package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How rdb picks its shard: from --shard-index, from JOB_COMPLETION_INDEX, or every file. */
class ShardOptionsTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PipelineOptions opts = new PipelineOptions();

  private static final List<Path> FILES =
      List.of(Path.of("a.rdb"), Path.of("b.rdb"), Path.of("c.rdb"));

  private List<Path> apply(ShardOptions shard, List<Path> files, Map<String, String> env) {
    return shard.apply(files, opts, env, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutAnIndexEveryFileIsTaken() {
    assertEquals(FILES, apply(new ShardOptions(), FILES, Map.of()));
    assertEquals("", err());
  }

  @Test
  void jobCompletionIndexPicksOneFileAndNamesTheReportAndErrorLog() {
    opts.output.report = Path.of("/reports/report-{index}.json");
    opts.errorLog = Path.of("/reports/errors-{index}.log");

    List<Path> files = apply(new ShardOptions(), FILES, Map.of("JOB_COMPLETION_INDEX", "2"));

    assertEquals(List.of(Path.of("c.rdb")), files);
    assertEquals(Path.of("/reports/report-2.json"), opts.output.report);
    assertEquals(Path.of("/reports/errors-2.log"), opts.errorLog);
    assertEquals("shard 2 of 3 (from JOB_COMPLETION_INDEX): c.rdb", err().strip());
  }

  @Test
  void theOptionWinsOverTheEnvironment() {
    ShardOptions shard = new ShardOptions();
    shard.shardIndex = 0;

    List<Path> files = apply(shard, FILES, Map.of("JOB_COMPLETION_INDEX", "2"));

    assertEquals(List.of(Path.of("a.rdb")), files);
    assertEquals("shard 0 of 3: a.rdb", err().strip());
  }

  @Test
  void anEmptyVariableIsUnset() {
    assertEquals(FILES, apply(new ShardOptions(), FILES, Map.of("JOB_COMPLETION_INDEX", " ")));
  }

  @Test
  void anIndexOutOfRangeSaysWhichIndexesExist() {
    ShardOptions shard = new ShardOptions();
    shard.shardIndex = 3;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> apply(shard, FILES, Map.of()));
    assertEquals("--shard-index 3 is out of range: 3 input files (indexes 0 to 2)", e.getMessage());

    IllegalArgumentException fromEnv =
        assertThrows(
            IllegalArgumentException.class,
            () -> apply(new ShardOptions(), FILES, Map.of("JOB_COMPLETION_INDEX", "-1")));
    assertEquals(
        "JOB_COMPLETION_INDEX -1 is out of range: 3 input files (indexes 0 to 2)",
        fromEnv.getMessage());
  }

  @Test
  void aMalformedVariableIsAUsageError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> apply(new ShardOptions(), FILES, Map.of("JOB_COMPLETION_INDEX", "two")));
    assertEquals("Invalid value for option '--shard-index': 'two' is not an int", e.getMessage());
  }

  /** Options whose --files-from names a list in {@code file} holding {@code lines}. */
  private ShardOptions filesFrom(String file, String lines) throws IOException {
    Path list = tmp.resolve(file);
    Files.writeString(list, lines);
    ShardOptions shard = new ShardOptions();
    shard.filesFrom = list;
    return shard;
  }

  @Test
  void filesFromListsMoreFilesAfterTheGivenOnes() throws IOException {
    ShardOptions shard =
        filesFrom("shards.txt", "# shards\n/data/x.rdb\n\n  /data/y.rdb  \n#/data/z.rdb\n");

    assertEquals(
        List.of(Path.of("a.rdb"), Path.of("/data/x.rdb"), Path.of("/data/y.rdb")),
        apply(shard, List.of(Path.of("a.rdb")), Map.of()));

    shard.shardIndex = 1;
    assertEquals(List.of(Path.of("/data/y.rdb")), apply(shard, List.of(), Map.of()));
  }

  @Test
  void noInputAtAllIsAUsageError() throws IOException {
    ShardOptions shard = filesFrom("empty.txt", "# nothing yet\n");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> apply(shard, List.of(), Map.of()));
    assertTrue(e.getMessage().startsWith("no input files"), e.getMessage());

    shard.filesFrom = tmp.resolve("missing.txt");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> apply(shard, List.of(), Map.of()));
    assertTrue(missing.getMessage().startsWith("--files-from: cannot read "), missing.getMessage());
  }

  @Test
  void thePlaceholderWithoutAnIndexIsAUsageError() {
    opts.output.report = Path.of("report-{index}.json");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> apply(new ShardOptions(), FILES, Map.of()));
    assertEquals(
        "--report report-{index}.json contains {index} but no shard index is set"
            + " (--shard-index or JOB_COMPLETION_INDEX)",
        e.getMessage());
  }
}
