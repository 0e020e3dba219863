package io.github.rediskeysmigrator.source;

import static io.github.rediskeysmigrator.testing.AofText.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.aof.AofLayout;
import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.SourceEvent;
import io.github.rediskeysmigrator.testing.AofText;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AofCut} cuts a copy that holds exactly what {@link AofSource} replays with the same stop:
 * the copy replayed whole equals the original replayed up to the stop, for every stop.
 */
class AofCutTest {
  @TempDir Path tmp;

  private static final String BASE = command("SET", "base", "0");

  private static final String FIRST = AofText.TWO_DBS_AND_A_TRANSACTION;

  private static final String SECOND =
      AofText.FLUSHALL_AT_105 + "#TS:106\r\n" + command("DEL", "c");

  /** What {@link AofSource} hands on from {@code path} up to {@code stop}: db, name, arguments. */
  private static List<String> replay(Path path, AofSource.Stop stop) throws Exception {
    AofScan scan = AofScan.of(AofLayout.of(path), Long.MAX_VALUE);
    List<String> out = new ArrayList<>();
    new AofSource(scan, "", stop, Long.MAX_VALUE, n -> {})
        .readInto(
            (SourceEvent e) -> {
              if (e instanceof CommandEvent c) {
                StringBuilder sb = new StringBuilder().append(c.db());
                for (byte[] a : c.argv()) {
                  sb.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
                }
                out.add(sb.toString());
              }
            });
    return out;
  }

  private static List<AofSource.Stop> everyStop() {
    List<AofSource.Stop> stops = new ArrayList<>();
    for (long n = 0; n <= 10; n++) {
      stops.add(new AofSource.Stop(Long.MAX_VALUE, n));
    }
    for (long t = 99; t <= 107; t++) {
      stops.add(new AofSource.Stop(t, Long.MAX_VALUE));
    }
    return stops;
  }

  /**
   * Whether replaying the cut copy whole gives what replaying the original up to each stop does.
   */
  private void assertCopiesReplayAsTheStop(Path original, boolean multiPart) throws Exception {
    int i = 0;
    for (AofSource.Stop stop : everyStop()) {
      AofCut cut = AofCut.of(AofScan.of(AofLayout.of(original), Long.MAX_VALUE), stop, false);
      Path dir = Files.createDirectories(tmp.resolve("copy-" + multiPart + "-" + i++));
      cut.writeTo(dir, multiPart);
      Path copy = multiPart ? dir.resolve(AofCut.DIR_NAME) : dir.resolve(AofCut.FILE_NAME);
      List<String> want = replay(original, stop);
      assertEquals(want, replay(copy, AofSource.Stop.NONE), stop::toString);
      assertEquals(want.size(), cut.commands(), stop::toString);
    }
  }

  @Test
  void aSingleFileCutReplaysAsTheStop() throws Exception {
    Path f = tmp.resolve("appendonly.aof");
    Files.writeString(f, BASE + FIRST + SECOND + command("MULTI") + "*3\r\n$3\r\nSET");
    assertCopiesReplayAsTheStop(f, false);
    assertCopiesReplayAsTheStop(f, true);
  }

  @Test
  void aManifestCutNamesOnlyTheFilesUpToTheStopAndGunzipsThem() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("appendonlydir"));
    Files.writeString(dir.resolve("appendonly.aof.1.base.aof"), BASE);
    Files.writeString(dir.resolve("appendonly.aof.1.incr.aof"), FIRST);
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(dir.resolve("appendonly.aof.2.incr.aof")))) {
      out.write(SECOND.getBytes(StandardCharsets.US_ASCII));
    }
    Files.writeString(
        dir.resolve("appendonly.aof.manifest"),
        "file appendonly.aof.1.base.aof seq 1 type b\n"
            + "file appendonly.aof.1.incr.aof seq 1 type i\n"
            + "file appendonly.aof.2.incr.aof seq 2 type i\n");
    assertCopiesReplayAsTheStop(dir, true);

    AofCut cut =
        AofCut.of(
            AofScan.of(AofLayout.of(dir), Long.MAX_VALUE),
            new AofSource.Stop(104, Long.MAX_VALUE),
            true);
    Path copy = Files.createDirectories(tmp.resolve("until-104"));
    cut.writeTo(copy, true);
    String manifest =
        Files.readString(copy.resolve(AofCut.DIR_NAME).resolve(AofCut.FILE_NAME + ".manifest"));
    assertEquals(
        "file oracle.aof.1.base.aof seq 1 type b\nfile oracle.aof.1.incr.aof seq 1 type i\n",
        manifest);
    assertTrue(cut.describe().contains("stopped by --until"), cut::describe);
    assertThrows(IllegalArgumentException.class, () -> cut.writeTo(tmp, false));
  }

  @Test
  void untilOnFilesWithoutAnnotationsIsRefused() throws Exception {
    Path f = tmp.resolve("appendonly.aof");
    Files.writeString(f, BASE);
    AofScan scan = AofScan.of(AofLayout.of(f), Long.MAX_VALUE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AofCut.of(scan, new AofSource.Stop(100, Long.MAX_VALUE), true));
    assertTrue(e.getMessage().contains("#TS:"), e::getMessage);
  }
}
