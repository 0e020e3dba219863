package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.ReadPoint;
import io.github.rediskeysmigrator.core.SourceEvent;
import io.github.rediskeysmigrator.rdb.RdbHeader;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RdbFileSource} resumed from a read point: the keys after the first N of a file are handed
 * over exactly as a whole read hands them over (names and payloads, every type of the corpus files,
 * streams and hashes with field TTLs included), the first N values being passed over without
 * capture; a file done is not read at all, and its point is handed on.
 */
class RdbFileSourceResumeTest {

  private static List<SourceEvent> read(Path file, Map<String, ReadPoint> from) throws Exception {
    List<SourceEvent> events = new ArrayList<>();
    new RdbFileSource(List.of(RdbHeader.read(file))).checkpointed(from).readInto(events::add);
    return events;
  }

  private static List<KeyEvent> keys(List<SourceEvent> events) {
    return events.stream().filter(e -> e instanceof KeyEvent).map(e -> (KeyEvent) e).toList();
  }

  private static String describe(KeyEvent k) {
    return HexFormat.of().formatHex(k.key()) + " " + k.sourceDb() + " " + k.expireAtMs();
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis-7.4.1", "redis-8.6.3", "valkey-9.1.2", "redis-6.2.11"})
  void theKeysAfterTheFirstNAreThoseOfAWholeRead(String server) throws Exception {
    Path file = SharedDir.corpus().resolve("generated").resolve(server).resolve("dump.rdb");
    String stream = RdbFileSource.stream(file);
    List<KeyEvent> whole = keys(read(file, Map.of()));
    assertTrue(whole.size() > 10, server + ": " + whole.size() + " keys");

    for (int skip : new int[] {1, whole.size() / 3, whole.size() - 1}) {
      List<SourceEvent> events = read(file, Map.of(stream, new ReadPoint(stream, skip, "", false)));
      List<KeyEvent> rest = keys(events);
      assertEquals(whole.size() - skip, rest.size(), server + " after " + skip);
      for (int i = 0; i < rest.size(); i++) {
        KeyEvent expected = whole.get(skip + i);
        assertEquals(describe(expected), describe(rest.get(i)), server + " key " + (skip + i));
        assertArrayEquals(expected.payload(), rest.get(i).payload(), describe(expected));
      }
      assertEquals(
          new ReadPoint(stream, whole.size(), "", true),
          events.get(events.size() - 1),
          "the last point says the file is done");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis-7.4.1"})
  void aFileDoneIsNotReadAndItsPointGoesOn(String server) throws Exception {
    Path file = SharedDir.corpus().resolve("generated").resolve(server).resolve("dump.rdb");
    String stream = RdbFileSource.stream(file);
    ReadPoint done = new ReadPoint(stream, 123, "", true);

    assertEquals(List.of(done), read(file, Map.of(stream, done)));
  }
}
