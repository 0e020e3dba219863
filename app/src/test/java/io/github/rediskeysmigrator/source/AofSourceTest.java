package io.github.rediskeysmigrator.source;

import static io.github.rediskeysmigrator.testing.AofText.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.aof.BadAofException;
import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.SourceEvent;
import io.github.rediskeysmigrator.core.SyncPoint;
import io.github.rediskeysmigrator.testing.AofText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link AofSource} hands on from command files: order, dbs, transactions, stops. */
class AofSourceTest {
  @TempDir Path tmp;

  private static final String FILE = AofText.TWO_DBS_AND_A_TRANSACTION + AofText.FLUSHALL_AT_105;

  private Path file(String text) throws Exception {
    Path f = tmp.resolve("appendonly.aof");
    Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
    return f;
  }

  private AofSource source(Path f, AofSource.Stop stop) throws Exception {
    AofScan scan = AofScan.of(AofLayout.of(f), Long.MAX_VALUE);
    return new AofSource(scan, "", stop, Long.MAX_VALUE, note -> {});
  }

  private static List<String> read(AofSource source) throws Exception {
    List<String> out = new ArrayList<>();
    source.readInto(
        (SourceEvent e) -> {
          if (e instanceof CommandEvent c) {
            out.add(c.db() + ":" + c.name());
          } else if (e instanceof SyncPoint) {
            out.add("point");
          }
        });
    return out;
  }

  @Test
  void handsOnEveryCommandInItsDbAfterTheSnapshotPoint() throws Exception {
    AofSource s = source(file(FILE), AofSource.Stop.NONE);
    assertEquals(
        List.of("point", "0:SET", "2:SET", "2:MULTI", "2:INCR", "2:EXEC", "2:FLUSHALL", "2:SET"),
        read(s));
    assertEquals(7L, s.reportFields().get("aof_commands"));
    assertEquals(105L, s.reportFields().get("aof_last_timestamp"));
    assertNull(s.reportFields().get("aof_stopped_by"));
  }

  @Test
  void untilStopsBeforeTheFirstCommandAnnotatedLater() throws Exception {
    AofSource s = source(file(FILE), new AofSource.Stop(104, Long.MAX_VALUE));
    assertEquals(List.of("point", "0:SET", "2:SET", "2:MULTI", "2:INCR", "2:EXEC"), read(s));
    assertEquals(101L, s.reportFields().get("aof_last_timestamp"));
    assertNotNull(s.reportFields().get("aof_stopped_by"));
  }

  @Test
  void untilOffsetNeverSplitsATransaction() throws Exception {
    AofSource s = source(file(FILE), new AofSource.Stop(Long.MAX_VALUE, 3));
    assertEquals(List.of("point", "0:SET", "2:SET"), read(s));
    assertEquals(2L, s.reportFields().get("aof_commands"));
  }

  @Test
  void aCutTailAndItsOpenTransactionAreLeftOut() throws Exception {
    String text = FILE + command("MULTI") + command("SET", "d", "4") + "*3\r\n$3\r\nSET";
    AofScan scan = AofScan.of(AofLayout.of(file(text)), Long.MAX_VALUE);
    assertEquals(3, scan.cut().commands());
    assertTrue(scan.cut().note().startsWith("note: "));
    AofSource s = new AofSource(scan, "", AofSource.Stop.NONE, Long.MAX_VALUE, n -> {});
    assertEquals(8, read(s).size());
    assertEquals(3L, s.reportFields().get("aof_truncated_commands"));
  }

  @Test
  void aCorruptCommandIsFoundByTheScanWithItsOffset() throws Exception {
    String text = command("SET", "a", "1") + "?garbage\r\n" + command("SET", "b", "2");
    BadAofException e =
        assertThrows(BadAofException.class, () -> AofScan.of(AofLayout.of(file(text)), 1));
    assertTrue(
        e.getMessage().contains("at byte " + command("SET", "a", "1").length()), e::getMessage);
  }
}
