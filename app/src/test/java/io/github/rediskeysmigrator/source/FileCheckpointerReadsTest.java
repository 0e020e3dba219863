package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ReadCheckpoint;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.SyncPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rdb and scan checkpoint in {@link FileCheckpointer}'s file format: what is saved loads back
 * whole (odd paths and options included), a run with other options is told the first difference,
 * and a sync checkpoint is never taken for one.
 */
class FileCheckpointerReadsTest {
  @TempDir Path tmp;

  private static Map<String, String> identity(String match) {
    Map<String, String> id = new LinkedHashMap<>();
    id.put("match", match);
    id.put("rename-prefix", " old:=new:\\x");
    id.put("input.1", "/data/a b\\c.rdb size 10 mtime 5");
    return id;
  }

  @Test
  void savedPointsAndIdentityLoadBackWhole() throws IOException {
    FileCheckpointer file = new FileCheckpointer(tmp.resolve("ck"));
    List<ReadPoint> points =
        List.of(
            new ReadPoint("/data/a b\\c.rdb", 4096, "", false),
            new ReadPoint("10.0.0.1:6379", 77, "abc 0 1234", true));

    file.reads("rdb", identity("user:*")).save(points, false);
    FileCheckpointer.Reads loaded = new FileCheckpointer(tmp.resolve("ck")).loadReads().get();

    assertEquals("rdb", loaded.command());
    assertEquals(identity("user:*"), loaded.identity());
    assertEquals(points, loaded.points());
    assertFalse(loaded.complete());
    assertEquals(4096 + 77, loaded.keys());
    assertNull(loaded.difference("rdb", identity("user:*")));
  }

  @Test
  void anotherRunIsToldTheFirstDifference() throws IOException {
    FileCheckpointer file = new FileCheckpointer(tmp.resolve("ck"));
    file.reads("rdb", identity("user:*")).save(List.of(), true);
    FileCheckpointer.Reads loaded = file.loadReads().get();

    assertTrue(loaded.complete());
    assertEquals(
        "--match differs: the checkpoint has 'user:*', this run 'other:*'",
        loaded.difference("rdb", identity("other:*")));
    Map<String, String> moreFiles = identity("user:*");
    moreFiles.put("input.2", "/data/b.rdb size 1 mtime 1");
    assertEquals(
        "input file 2 differs: the checkpoint has none, this run '/data/b.rdb size 1 mtime 1'",
        loaded.difference("rdb", moreFiles));
    assertEquals(
        "it was written by 'rdb', not 'scan'", loaded.difference("scan", identity("user:*")));
  }

  @Test
  void anUnchangedSaveWritesNothing() throws IOException {
    Path path = tmp.resolve("ck");
    ReadCheckpoint saver = new FileCheckpointer(path).reads("scan", identity("*"));
    List<ReadPoint> points = List.of(new ReadPoint("h:1", 5, "id 0 9", false));
    saver.save(points, false);
    Files.delete(path);

    saver.save(points, false);
    assertFalse(Files.exists(path));
    saver.save(points, true);
    assertTrue(Files.exists(path));
    // Complete, then the same points again from a run after it: still complete.
    saver.save(points, false);
    assertTrue(new FileCheckpointer(path).loadReads().get().complete());
  }

  @Test
  void aSyncCheckpointIsNotTakenForOne() throws IOException {
    Path path = tmp.resolve("ck");
    new FileCheckpointer(path).save(new SyncPoint("replid", 42, 0));

    IOException e = assertThrows(IOException.class, () -> new FileCheckpointer(path).loadReads());
    assertTrue(e.getMessage().contains("it is a sync checkpoint"), e.getMessage());
    assertTrue(new FileCheckpointer(tmp.resolve("none")).loadReads().isEmpty());
  }
}
