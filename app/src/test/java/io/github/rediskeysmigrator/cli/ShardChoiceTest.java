package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardChoiceTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  @Test
  void theOptionWinsOverTheVariable() {
    ShardChoice c = ShardChoice.of(1, Map.of("JOB_COMPLETION_INDEX", "2"));
    assertEquals(List.of("b"), c.select(List.of("a", "b", "c"), "master", "", s -> s, errStream));
    assertEquals("shard 1 of 3: b\n", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theVariableIsUsedAndNamed() {
    ShardChoice c = ShardChoice.of(null, Map.of("JOB_COMPLETION_INDEX", " 2 "));
    assertEquals(List.of("c"), c.select(List.of("a", "b", "c"), "master", "", s -> s, errStream));
    assertEquals(
        "shard 2 of 3 (from JOB_COMPLETION_INDEX): c\n", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutAnIndexEveryShardAndNoNote() {
    ShardChoice c = ShardChoice.of(null, Map.of("JOB_COMPLETION_INDEX", " "));
    assertEquals(List.of("a", "b"), c.select(List.of("a", "b"), "master", "", s -> s, errStream));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
    assertEquals(Path.of("r.json"), c.expand(Path.of("r.json"), "--report"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> c.expand(Path.of("r-{index}.json"), "--report"));
    assertTrue(e.getMessage().contains("no shard index is set"), e.getMessage());
  }

  @Test
  void outOfRangeAndMalformedIndexesAreUsageErrors() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ShardChoice.of(3, Map.of())
                    .select(
                        List.of("a", "b", "c"), "master", " in the cluster", s -> s, errStream));
    assertEquals(
        "--shard-index 3 is out of range: 3 masters in the cluster (indexes 0 to 2)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ShardChoice.of(-1, Map.of())
                    .select(List.of("a"), "input file", "", s -> s, errStream));
    assertEquals("--shard-index -1 is out of range: 1 input file (indexes 0 to 0)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ShardChoice.of(null, Map.of("JOB_COMPLETION_INDEX", "x")));
    assertEquals("Invalid value for option '--shard-index': 'x' is not an int", e.getMessage());
  }

  @Test
  void theIndexGoesIntoFileNames() {
    assertEquals(
        Path.of("/r/ck-4"),
        ShardChoice.of(4, Map.of()).expand(Path.of("/r/ck-{index}"), "--checkpoint"));
  }
}
