package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.source.RdbFileSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged RDB files through the reader, without a server: what RdbFuzzIT found, one case each. */
class CorruptRdbTest {
  private static final int TYPE_STRING = 0;

  @TempDir Path dir;

  private SourceException readFails(byte[] rdb, List<KeyEvent> events) throws Exception {
    Path file = Files.write(dir.resolve("damaged.rdb"), rdb);
    RdbFileSource source = new RdbFileSource(List.of(RdbHeader.read(file)));
    return assertThrows(
        SourceException.class,
        () ->
            source.readInto(
                e -> {
                  if (e instanceof KeyEvent k) {
                    events.add(k);
                  }
                }));
  }

  @Test
  void aKeyNameLongerThanTheHeapCanHoldIsBadInputNamingTheFile() throws Exception {
    // A 32-bit length of 2^31-1 where the second key's name starts: Replicator allocates it
    // before reading, and the JVM refuses the array.
    byte[] name = {(byte) 0x80, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    byte[] rdb =
        RdbBytes.version(10)
            .selectDb(0)
            .string("first", "v".getBytes(StandardCharsets.UTF_8))
            .raw(new byte[] {TYPE_STRING})
            .raw(name)
            .raw("rest of the file".getBytes(StandardCharsets.UTF_8))
            .withChecksum();
    List<KeyEvent> events = new ArrayList<>();

    SourceException e = readFails(rdb, events);

    assertEquals(SourceException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains(dir.resolve("damaged.rdb").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("is corrupt or holds a value larger"), e.getMessage());
    assertTrue(e.getMessage().contains("after 1 keys"), e.getMessage());
    assertEquals(1, events.size());
  }

  /** Values before the cut: Replicator's own event offsets leave their bytes out. */
  private static RdbBytes twoKeys() {
    return RdbBytes.version(10)
        .aux("redis-ver", "7.0.15")
        .selectDb(0)
        .string("small", "v".getBytes(StandardCharsets.UTF_8))
        .string("big", "x".repeat(5000).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void whereReadingStoppedIsTheLastKeysEndInTheFile() throws Exception {
    int lastKeyEnd = twoKeys().withoutChecksum().length - 1; // without the EOF opcode
    byte[] whole =
        twoKeys().string("cut", "y".repeat(300).getBytes(StandardCharsets.UTF_8)).withChecksum();
    byte[] truncated = Arrays.copyOf(whole, lastKeyEnd + 20);
    List<KeyEvent> events = new ArrayList<>();

    SourceException e = readFails(truncated, events);

    assertEquals(2, events.size());
    assertTrue(
        e.getMessage()
            .endsWith(
                "(reading stopped after 2 keys; the last whole key, 'big', ends at byte "
                    + lastKeyEnd
                    + " of the RDB data)"),
        e.getMessage());
  }
}
