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
    assertTrue(
        e.getMessage().contains("says 2147483647 bytes (a key name), but the file has at most"),
        e.getMessage());
    assertTrue(e.getMessage().contains("after 1 keys"), e.getMessage());
    assertEquals(1, events.size());
  }

  private static final long TWO_TO_THE_40 = 1L << 40;
  private static final long TWO_TO_THE_32 = 1L << 32;

  /** The 64-bit length opcode, then all ones. */
  private static final byte[] LENGTH_2_TO_THE_64_MINUS_1 = {
    (byte) 0x81, -1, -1, -1, -1, -1, -1, -1, -1
  };

  /**
   * Files whose second key carries a length no file of theirs can hold; each must be refused before
   * anything is allocated for it, with a message that says which length, where.
   */
  static List<Absurd> absurdFiles() {
    byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
    byte[] a = RdbBytes.string("a".getBytes(StandardCharsets.UTF_8));
    return List.of(
        new Absurd("string value of 2^40 bytes", 0, cat(RdbBytes.length(TWO_TO_THE_40), abc)),
        new Absurd("string value of 2^31-1 bytes", 0, cat(RdbBytes.length(Integer.MAX_VALUE), abc)),
        new Absurd("string value of 2^64-1 bytes", 0, cat(LENGTH_2_TO_THE_64_MINUS_1, abc)),
        new Absurd("list of 2^32 elements", 1, cat(RdbBytes.length(TWO_TO_THE_32), a)),
        new Absurd("set of 2^32 members", 2, cat(RdbBytes.length(TWO_TO_THE_32), a)),
        new Absurd("hash of 2^32 fields", 4, cat(RdbBytes.length(TWO_TO_THE_32), a, a)),
        new Absurd("zset of 2^32 members", 5, cat(RdbBytes.length(TWO_TO_THE_32), a)),
        new Absurd(
            "quicklist of 2^32 nodes", 18, cat(RdbBytes.length(TWO_TO_THE_32), new byte[] {2}, a)),
        new Absurd("ziplist of 2^40 bytes", 10, cat(RdbBytes.length(TWO_TO_THE_40), abc)),
        new Absurd("ziplist of 2^31-1 bytes", 10, cat(RdbBytes.length(Integer.MAX_VALUE), abc)),
        new Absurd("listpack of 2^40 bytes", 16, cat(RdbBytes.length(TWO_TO_THE_40), abc)),
        new Absurd(
            "set listpack of 2^31-1 bytes", 20, cat(RdbBytes.length(Integer.MAX_VALUE), abc)),
        new Absurd(
            "compressed value of 2^40 bytes",
            0,
            cat(
                new byte[] {(byte) 0xc3},
                RdbBytes.length(TWO_TO_THE_40),
                RdbBytes.length(3),
                abc)));
  }

  /** A key-name length instead: Replicator reads key names itself, before any value visitor. */
  static List<byte[]> absurdKeyNames() {
    byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
    return List.of(
        cat(RdbBytes.length(TWO_TO_THE_40), abc),
        cat(RdbBytes.length(TWO_TO_THE_40 + 3), abc),
        cat(RdbBytes.length(Integer.MAX_VALUE), abc),
        // LZF: 3 compressed bytes said to expand to 2^40
        cat(new byte[] {(byte) 0xc3}, RdbBytes.length(3), RdbBytes.length(TWO_TO_THE_40), abc));
  }

  /** One crafted case: the second key has RDB value type {@code type} and this encoded value. */
  record Absurd(String name, int type, byte[] value) {
    byte[] rdb() {
      return RdbBytes.version(10)
          .selectDb(0)
          .string("first", "v".getBytes(StandardCharsets.UTF_8))
          .value(type, "absurd", value)
          .string("after", "w".getBytes(StandardCharsets.UTF_8))
          .withChecksum();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static byte[] keyNameRdb(byte[] lengthAndBytes) {
    return RdbBytes.version(10)
        .selectDb(0)
        .string("first", "v".getBytes(StandardCharsets.UTF_8))
        .raw(new byte[] {TYPE_STRING})
        .raw(lengthAndBytes)
        .raw(RdbBytes.string("v".getBytes(StandardCharsets.UTF_8)))
        .withChecksum();
  }

  static byte[] cat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("absurdFiles")
  void anAbsurdValueLengthIsRefusedBeforeAllocation(Absurd absurd) throws Exception {
    List<KeyEvent> events = new ArrayList<>();

    SourceException e = readFails(absurd.rdb(), events);

    assertEquals(SourceException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("is truncated or corrupt: a "), e.getMessage());
    assertTrue(
        e.getMessage().contains("bytes left") || e.getMessage().contains("more than LZF"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("after 1 keys; the last whole key, 'first'"), e.getMessage());
    assertEquals(1, events.size());
  }

  @Test
  void anAbsurdLengthInAGzipFileIsRefusedToo() throws Exception {
    Absurd absurd = absurdFiles().get(0);
    List<KeyEvent> events = new ArrayList<>();

    SourceException e = readFails(RdbBytes.gzip(absurd.rdb()), events);

    assertTrue(e.getMessage().contains("says 1099511627776 bytes (a string)"), e.getMessage());
    assertEquals(1, events.size());
  }

  @Test
  void anAbsurdKeyNameLengthIsRefusedBeforeAllocation() throws Exception {
    for (byte[] name : absurdKeyNames()) {
      List<KeyEvent> events = new ArrayList<>();

      SourceException e = readFails(keyNameRdb(name), events);

      assertEquals(SourceException.Kind.BAD_INPUT, e.kind());
      assertTrue(e.getMessage().contains("(a key name"), e.getMessage());
      assertEquals(1, events.size(), e.getMessage());
    }
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
