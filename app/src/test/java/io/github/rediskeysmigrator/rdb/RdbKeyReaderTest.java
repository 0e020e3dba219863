package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our RDB key reader on crafted files: opcodes between keys, payloads, the end, a cut. */
class RdbKeyReaderTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static RdbKeyReader reader(byte[] rdb, long bigKeyThreshold) throws Exception {
    return RdbKeyReader.open(new ByteArrayInputStream(rdb), rdb.length, bigKeyThreshold);
  }

  @Test
  void readsKeysWithTheirDbExpiryAndDumpPayload() throws Exception {
    byte[] rdb =
        RdbBytes.version(10)
            .aux("redis-ver", "7.0.15")
            .selectDb(0)
            .string("plain", utf8("v"))
            .selectDb(3)
            .expireMs(1_700_000_000_000L)
            // KeyDB writes an AUX field between a key's expiry and its type.
            .aux("mvcc-tstamp", "1")
            .string("expiring", utf8("w"))
            .withChecksum();
    RdbKeyReader keys = reader(rdb, Long.MAX_VALUE);

    assertTrue(keys.next());
    assertEquals(0, keys.db());
    assertArrayEquals(utf8("plain"), keys.key());
    assertEquals(KeyEvent.NO_EXPIRY, keys.expireAtMs());
    byte[] body = RdbBytes.string(utf8("v"));
    assertArrayEquals(RdbBytes.dumpPayload(RdbTypes.STRING, body, 10), keys.payload());

    assertTrue(keys.next());
    assertEquals(3, keys.db());
    assertArrayEquals(utf8("expiring"), keys.key());
    assertEquals(1_700_000_000_000L, keys.expireAtMs());
    assertEquals(RdbTypes.STRING, keys.type());

    assertFalse(keys.next());
    assertEquals(rdb.length, keys.position());
  }

  @Test
  void countsLuaScriptsAndKeepsNoPayloadWhenNotCapturing() throws Exception {
    byte[] rdb =
        RdbBytes.version(9)
            .aux("lua", "return 1")
            .selectDb(0)
            .string("a", utf8("1"))
            .string("b", utf8("2"))
            .withChecksum();
    RdbKeyReader keys = reader(rdb, Long.MAX_VALUE);
    keys.captureValues(false);

    assertTrue(keys.next());
    assertEquals(0, keys.payload().length);
    keys.captureValues(true);
    assertTrue(keys.next());
    assertEquals(RdbTypes.STRING, keys.payload()[0]);
    assertFalse(keys.next());
    assertEquals(1, keys.luaScripts());
  }

  @Test
  void spillsAValueAboveTheThresholdToAFile() throws Exception {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'x');
    byte[] rdb = RdbBytes.version(10).selectDb(0).string("big", big).withChecksum();
    RdbKeyReader keys = reader(rdb, 1000);

    assertTrue(keys.next());
    io.github.rediskeysmigrator.core.PayloadFile file = keys.takeSpilled();
    try {
      assertEquals(0, keys.payload().length);
      byte[] expected = RdbBytes.dumpPayload(RdbTypes.STRING, RdbBytes.string(big), 10);
      assertArrayEquals(expected, java.nio.file.Files.readAllBytes(file.path()));
    } finally {
      file.delete();
    }
  }

  @Test
  void aStreamCutShortEndsInEofException() throws Exception {
    byte[] rdb = RdbBytes.version(10).selectDb(0).string("a", utf8("1")).withChecksum();
    byte[] cut = Arrays.copyOf(rdb, rdb.length - 12);
    // A stream of unknown size (gzip): no bound to refuse the key's length by.
    RdbKeyReader keys =
        RdbKeyReader.open(new ByteArrayInputStream(cut), Long.MAX_VALUE, Long.MAX_VALUE);
    List<byte[]> read = new ArrayList<>();

    assertThrows(
        EOFException.class,
        () -> {
          while (keys.next()) {
            read.add(keys.key());
          }
        });
    assertEquals(0, read.size());
  }
}
