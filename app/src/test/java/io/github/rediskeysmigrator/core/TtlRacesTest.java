package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of {@link TtlRaces}: which keys are read again, what is written for them, and
 * which later commands of the stream are left out. That the destination and the source behave as
 * assumed is SyncTtlRaceIT's to prove.
 */
class TtlRacesTest {
  private final MigrationReport report = new MigrationReport("sync", "s", "d", false);
  private final List<String> reads = new ArrayList<>();

  /** Answers from {@code values} (a missing name: gone), at {@code offset}. */
  private KeyRefetch source(Map<String, String> values, long offset) {
    return new KeyRefetch() {
      @Override
      public Read read(int db, byte[] key) {
        String name = new String(key, StandardCharsets.UTF_8);
        reads.add(db + ":" + name);
        String v = values.get(name);
        KeyEvent e =
            v == null
                ? KeyEvent.gone(db, key)
                : KeyEvent.of(db, key, KeyType.STRING, KeyEvent.NO_EXPIRY, bytes(v));
        return new Read(e, offset);
      }

      @Override
      public void close() {}
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static CommandEvent command(long offset, int db, String... argv) {
    byte[][] a = new byte[argv.length][];
    for (int i = 0; i < argv.length; i++) {
      a[i] = bytes(argv[i]);
    }
    return new CommandEvent(db, a, "replid", offset, db);
  }

  private static List<byte[]> keys(String... names) {
    List<byte[]> out = new ArrayList<>();
    for (String n : names) {
      out.add(bytes(n));
    }
    return out;
  }

  @Test
  void aMissedKeyIsReadOnceAndWrittenAsDelThenItsValue() throws Exception {
    TtlRaces races = new TtlRaces(source(Map.of("k", "v"), 500), KeyRenamer.NONE, report);
    races.missed(command(100, 2, "PEXPIREAT", "k", "1"));
    races.missed(command(110, 2, "PEXPIREAT", "k", "2"));
    assertTrue(races.pending());

    List<SourceEvent> out = races.recover();

    assertEquals(List.of("2:k"), reads);
    assertEquals(2, out.size());
    CommandEvent del = (CommandEvent) out.get(0);
    assertEquals("DEL", del.name());
    assertTrue(del.completedByNext(), "the DEL and the value go together");
    assertEquals(0, del.offset());
    assertArrayEquals(bytes("k"), ((KeyEvent) out.get(1)).key());
    assertEquals(1, report.ttlRaceRecovered());
    assertFalse(races.pending());
  }

  @Test
  void aKeyTheSourceNoLongerHoldsIsOnlyDeleted() throws Exception {
    TtlRaces races = new TtlRaces(source(Map.of(), 500), KeyRenamer.NONE, report);
    races.missed(command(100, 0, "PERSIST", "k"));

    List<SourceEvent> out = races.recover();

    assertEquals(1, out.size());
    CommandEvent del = (CommandEvent) out.get(0);
    assertEquals("DEL", del.name());
    assertFalse(del.completedByNext(), "nothing follows it");
  }

  @Test
  void theStreamsCommandsOnTheKeyUpToTheReadAreLeftOutAndNoneAfterIt() throws Exception {
    TtlRaces races = new TtlRaces(source(Map.of("k", "v"), 500), KeyRenamer.NONE, report);
    races.missed(command(100, 0, "PEXPIREAT", "k", "1"));
    List<SourceEvent> out = races.recover();

    assertFalse(races.superseded((CommandEvent) out.get(0), keys("k")), "our own DEL");
    assertTrue(races.superseded(command(300, 0, "INCR", "k"), keys("k")));
    assertTrue(races.superseded(command(500, 0, "INCR", "k"), keys("k")));
    assertFalse(races.superseded(command(400, 1, "INCR", "k"), keys("k")), "another db");
    assertFalse(races.superseded(command(450, 0, "INCR", "other"), keys("other")));
    assertFalse(
        races.superseded(command(480, 0, "RENAME", "k", "other"), keys("k", "other")),
        "a key not read again");
    assertFalse(races.superseded(command(501, 0, "INCR", "k"), keys("k")));
    // The stream is past the read: it is forgotten.
    assertFalse(races.superseded(command(499, 0, "INCR", "k"), keys("k")));
  }

  @Test
  void aMissOfACommandSentBeforeTheKeyWasWrittenAnewIsNotReadAgain() throws Exception {
    TtlRaces races = new TtlRaces(source(Map.of("k", "v"), 500), KeyRenamer.NONE, report);
    races.missed(command(100, 0, "PEXPIREAT", "k", "1"));
    races.recover();
    races.missed(command(200, 0, "PEXPIREAT", "k", "1"));
    assertFalse(races.pending());
    races.missed(command(600, 0, "PEXPIREAT", "k", "1"));
    assertTrue(races.pending());
  }

  @Test
  void aRenamedKeyIsReadUnderItsSourceName() throws Exception {
    KeyRenamer rename = KeyRenamer.parse(List.of("app:=new:"));
    TtlRaces races = new TtlRaces(source(Map.of("app:k", "v"), 500), rename, report);
    races.missed(command(100, 0, "EXPIRE", "new:k", "10"));

    List<SourceEvent> out = races.recover();

    assertEquals(List.of("0:app:k"), reads);
    assertArrayEquals(bytes("app:k"), ((KeyEvent) out.get(1)).key());
  }

  @Test
  void withoutASourceToReadFromNothingIsRecovered() throws Exception {
    TtlRaces races = new TtlRaces(null, KeyRenamer.NONE, report);
    races.missed(command(100, 0, "EXPIRE", "k", "10"));
    assertFalse(races.pending());
    assertTrue(races.recover().isEmpty());
  }

  @Test
  void noKeyIsWrittenAnewInsideASourceTransaction() throws Exception {
    TtlRaces races = new TtlRaces(source(Map.of("k", "v"), 500), KeyRenamer.NONE, report);
    races.note(command(90, 0, "multi"));
    races.missed(command(100, 0, "PEXPIREAT", "k", "1"));
    assertFalse(races.pending(), "it would land between the source's MULTI and EXEC");
    races.note(command(120, 0, "EXEC"));
    assertTrue(races.pending());
  }
}
