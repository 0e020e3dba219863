package io.github.rediskeysmigrator.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AofManifestTest {
  @TempDir Path dir;

  private AofManifest read(String text) throws Exception {
    Path m = dir.resolve("appendonly.aof.manifest");
    Files.writeString(m, text);
    return AofManifest.read(m);
  }

  @Test
  void baseThenIncrementalsInOrderAndHistoryLeftOut() throws Exception {
    AofManifest m =
        read(
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
                + "file appendonly.aof.2.base.rdb seq 2 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type h\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n"
                + "file appendonly.aof.3.incr.aof seq 3 type i startoffset 100 endoffset 200\n");
    assertEquals(Optional.of(dir.resolve("appendonly.aof.2.base.rdb")), m.base());
    assertEquals(
        List.of(dir.resolve("appendonly.aof.2.incr.aof"), dir.resolve("appendonly.aof.3.incr.aof")),
        m.incrementals());
  }

  @Test
  void quotedNamesWithEscapesAsRedisWritesThem() throws Exception {
    AofManifest m = read("file \"my file\\x41.aof.1.base.rdb\" seq 1 type b\n# a comment\n");
    assertEquals(Optional.of(dir.resolve("my fileA.aof.1.base.rdb")), m.base());
    assertEquals(List.of("a b", "c"), AofManifest.splitArgs("'a b' c"));
    assertNull(AofManifest.splitArgs("\"open"));
  }

  @Test
  void malformedManifestsAreRefusedWithTheLine() {
    String msg = assertThrows(BadAofException.class, () -> read("file a.aof seq 1\n")).getMessage();
    assertTrue(msg.endsWith("line 1 is not a manifest entry: file a.aof seq 1"), msg);
    msg = assertThrows(BadAofException.class, () -> read("file a seq 1 type x\n")).getMessage();
    assertTrue(msg.endsWith("line 1 has an unknown file type 'x'"), msg);
    msg =
        assertThrows(
                BadAofException.class, () -> read("file a seq 1 type b\nfile b seq 2 type b\n"))
            .getMessage();
    assertTrue(msg.endsWith("line 2 names a second base file"), msg);
    msg = assertThrows(BadAofException.class, () -> read("file ../x seq 1 type b\n")).getMessage();
    assertTrue(msg.endsWith("names a file outside its directory: ../x"), msg);
    msg = assertThrows(BadAofException.class, () -> read("# nothing\n")).getMessage();
    assertTrue(msg.endsWith("names no base and no incremental file"), msg);
  }

  @Test
  void aLayoutRefusesAManifestNamingAMissingFile() throws Exception {
    Files.writeString(dir.resolve("appendonly.aof.manifest"), "file gone.aof seq 1 type i\n");
    String msg = assertThrows(BadAofException.class, () -> AofLayout.of(dir)).getMessage();
    assertTrue(msg.contains("names " + dir.resolve("gone.aof") + ", which is missing"), msg);
  }

  @Test
  void aLayoutTellsPreambleCommandsAndEmptyFilesApart() throws Exception {
    Files.writeString(
        dir.resolve("appendonly.aof.manifest"),
        "file b.rdb seq 1 type b\nfile i1.aof seq 1 type i\nfile i2.aof seq 2 type i\n");
    Files.writeString(dir.resolve("b.rdb"), "REDIS0011...");
    Files.writeString(dir.resolve("i1.aof"), "*1\r\n$4\r\nPING\r\n");
    Files.writeString(dir.resolve("i2.aof"), "");
    AofLayout layout = AofLayout.of(dir);
    assertEquals(
        List.of(AofLayout.Format.RDB_PREAMBLE, AofLayout.Format.COMMANDS, AofLayout.Format.EMPTY),
        layout.parts().stream().map(AofLayout.Part::format).toList());
    assertTrue(layout.parts().get(0).base());
    Files.writeString(dir.resolve("i2.aof"), "hello");
    String msg = assertThrows(BadAofException.class, () -> AofLayout.of(dir)).getMessage();
    assertTrue(msg.contains("is neither an AOF"), msg);
  }
}
