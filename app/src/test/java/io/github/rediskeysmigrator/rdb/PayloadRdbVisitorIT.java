package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.source.RdbFileSource;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Files Redis loads but Redis Replicator 3.11.0 alone refuses, read through {@link
 * PayloadRdbVisitor}; the payloads are restored into a real Redis 7.4.1 to prove them whole.
 */
class PayloadRdbVisitorIT {
  @RegisterExtension
  static final RedisServerExtension redis74 = RedisServerExtension.shared("redis-7.4.1");

  private static final long YEAR_2100_MS = 4102444800000L;

  @TempDir Path dir;

  private List<KeyEvent> read(byte[] rdb) throws Exception {
    Path file = Files.write(dir.resolve("test.rdb"), rdb);
    List<KeyEvent> events = new ArrayList<>();
    new RdbFileSource(List.of(RdbHeader.read(file)))
        .readInto(
            e -> {
              if (e instanceof KeyEvent k) {
                events.add(k);
              }
            });
    return events;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Restores every event into the empty 7.4.1 and returns a client on it. */
  private static Jedis restored(List<KeyEvent> events) {
    Jedis j = redis74.server().client();
    for (KeyEvent e : events) {
      j.restore(e.key(), 0, e.payload());
    }
    return j;
  }

  @Test
  void keyDbAuxFieldBetweenExpiryAndValueIsSkippedAndTheExpiryKept() throws Exception {
    byte[] rdb =
        RdbBytes.version(9)
            .selectDb(0)
            .expireMs(YEAR_2100_MS)
            .aux("mvcc-tstamp", "1645954001566433280")
            .string("testkey", utf8("foo"))
            .string("next", utf8("bar"))
            .withChecksum();

    List<KeyEvent> events = read(rdb);

    assertRestoredStrings(events, "testkey", "foo", "next", "bar");
    assertEquals(YEAR_2100_MS, events.get(0).expireAtMs());
    assertEquals(KeyEvent.NO_EXPIRY, events.get(1).expireAtMs());
  }

  @Test
  void redisEnterpriseRamLruOpcodeBeforeAKeyIsSkipped() throws Exception {
    byte[] rdb =
        RdbBytes.version(12)
            .selectDb(0)
            .raw(new byte[] {107})
            .raw(RdbBytes.length(67))
            .string("a", utf8("b"))
            .expireMs(YEAR_2100_MS)
            .raw(new byte[] {107})
            .raw(RdbBytes.length(3))
            .string("c", utf8("d"))
            .withChecksum();

    List<KeyEvent> events = read(rdb);

    assertRestoredStrings(events, "a", "b", "c", "d");
    assertEquals(YEAR_2100_MS, events.get(1).expireAtMs());
  }

  @Test
  void preGaHashMetadataRestoresWithItsFieldExpiry() throws Exception {
    // Pre-GA: no minimum expiry, and each field's expiry absolute.
    assertHashWithFieldExpiry(RdbTypes.HASH_METADATA_PRE_GA, metadataFields(0, YEAR_2100_MS));
  }

  @Test
  void preGaHashListpackExRestoresWithItsFieldExpiry() throws Exception {
    byte[] lp = listpack("f1", "v1", 0L, "f2", "v2", YEAR_2100_MS);
    assertHashWithFieldExpiry(RdbTypes.HASH_LISTPACK_EX_PRE_GA, RdbBytes.string(lp));
  }

  @Test
  void hashListpackExStillRestoresWithItsFieldExpiry() throws Exception {
    ByteArrayOutputStream value = minimumExpiry();
    value.writeBytes(RdbBytes.string(listpack("f1", "v1", 0L, "f2", "v2", YEAR_2100_MS)));
    assertHashWithFieldExpiry(RdbTypes.HASH_LISTPACK_EX, value.toByteArray());
  }

  @Test
  void hashMetadataStillRestoresWithItsFieldExpiry() throws Exception {
    ByteArrayOutputStream value = minimumExpiry();
    // f2's expiry is relative to the minimum, plus one.
    value.writeBytes(metadataFields(0, 1));
    assertHashWithFieldExpiry(RdbTypes.HASH_METADATA, value.toByteArray());
  }

  /**
   * A file of hash {@code h} as RDB type {@code type} with {@code value}, then a string: the hash
   * is read as one of that type, and restores with f1 (no TTL) and f2 (expiring in 2100).
   */
  private void assertHashWithFieldExpiry(int type, byte[] value) throws Exception {
    List<KeyEvent> events =
        read(
            RdbBytes.version(12)
                .selectDb(0)
                .value(type, "h", value)
                .string("after", utf8("x"))
                .withChecksum());

    assertEquals(2, events.size());
    assertEquals(KeyType.HASH, events.get(0).type());
    assertEquals(type, events.get(0).payload()[0]);
    assertRestoredHash(events.subList(0, 1));
  }

  /** The 8-byte little-endian minimum expiry (2100) that GA field-TTL hash values start with. */
  private static ByteArrayOutputStream minimumExpiry() {
    ByteArrayOutputStream value = new ByteArrayOutputStream();
    for (int i = 0; i < 8; i++) {
      value.write((int) (YEAR_2100_MS >>> (8 * i)));
    }
    return value;
  }

  /**
   * A hash-metadata field list: f1=v1 and f2=v2, each after its expiry as the encoding stores it.
   */
  private static byte[] metadataFields(long f1Expiry, long f2Expiry) {
    ByteArrayOutputStream fields = new ByteArrayOutputStream();
    fields.writeBytes(RdbBytes.length(2));
    fields.writeBytes(RdbBytes.length(f1Expiry));
    fields.writeBytes(RdbBytes.string(utf8("f1")));
    fields.writeBytes(RdbBytes.string(utf8("v1")));
    fields.writeBytes(RdbBytes.length(f2Expiry));
    fields.writeBytes(RdbBytes.string(utf8("f2")));
    fields.writeBytes(RdbBytes.string(utf8("v2")));
    return fields.toByteArray();
  }

  /** Valkey 9's slot-import opcode (243): job name, then first and last slot of each range. */
  private static byte[] slotImport() {
    ByteArrayOutputStream op = new ByteArrayOutputStream();
    op.write(243);
    op.writeBytes(RdbBytes.string(utf8("f7acd40f147a6f3d4a2123d48c25d72ede295b98")));
    op.writeBytes(RdbBytes.length(2));
    op.writeBytes(RdbBytes.length(0));
    op.writeBytes(RdbBytes.length(100));
    op.writeBytes(RdbBytes.length(16000));
    op.writeBytes(RdbBytes.length(16383));
    return op.toByteArray();
  }

  private static int footerVersion(byte[] payload) {
    return payload[payload.length - 10] & 0xff;
  }

  @Test
  void valkeyNineHashWithFieldTtlsBecomesTheHashRedis74Writes() throws Exception {
    byte[] rdb =
        RdbBytes.valkey9()
            .aux("valkey-ver", "9.0.3")
            .raw(slotImport())
            .selectDb(0)
            .aux("slot-info", "16383,1,0,0")
            .value(22, "h", RdbBytes.valkeyHash2(-1, YEAR_2100_MS))
            .string("s", utf8("plain"))
            .withChecksum();

    List<KeyEvent> events = read(rdb);

    assertEquals(2, events.size());
    assertEquals(KeyType.HASH, events.get(0).type());
    assertEquals(RdbTypes.HASH_METADATA, events.get(0).payload()[0]);
    assertEquals(12, footerVersion(events.get(0).payload()));
    // Every other value keeps RDB 11's encodings, which Valkey 8 and Redis 7.2+ restore.
    assertEquals(11, footerVersion(events.get(1).payload()));
    assertRestoredHash(events);
    try (Jedis j = redis74.server().client()) {
      assertEquals("plain", j.get("s"));
    }
  }

  @Test
  void valkeyNineHashWithoutAnyFieldTtlIsAPlainHash() throws Exception {
    byte[] rdb =
        RdbBytes.valkey9().selectDb(0).value(22, "h", RdbBytes.valkeyHash2(-1, -1)).withChecksum();

    List<KeyEvent> events = read(rdb);

    assertEquals(1, events.size());
    assertEquals(RdbTypes.HASH, events.get(0).payload()[0]);
    assertEquals(11, footerVersion(events.get(0).payload()));
    try (Jedis j = restored(events)) {
      assertEquals(Map.of("f1", "v1", "f2", "v2"), j.hgetAll("h"));
      assertEquals(List.of(-1L, -1L), j.hpexpireTime("h", "f1", "f2"));
    }
  }

  /** The corpus' RDB 13 file with one type 26 stream (librdb's stream_v13_idmp.rdb). */
  private static final String IDMP_FILE = "redis--librdb--stream_v13_idmp.rdb";

  private static final String IDMP_KEY = "stream_lp1_cg2_pel1_prod2_ent1";

  /** The encoded value of the corpus file's one stream: after its key, up to the EOF opcode. */
  private static byte[] corpusStreamValue() throws Exception {
    byte[] file =
        Files.readAllBytes(
            io.github.rediskeysmigrator.testing.SharedDir.corpus()
                .resolve("public")
                .resolve(IDMP_FILE));
    byte[] key = utf8(IDMP_KEY);
    for (int i = 0; i + 2 + key.length < file.length; i++) {
      if ((file[i] & 0xff) == 26
          && file[i + 1] == key.length
          && java.util.Arrays.equals(file, i + 2, i + 2 + key.length, key, 0, key.length)) {
        return java.util.Arrays.copyOfRange(file, i + 2 + key.length, file.length - 9);
      }
    }
    throw new AssertionError("no type 26 key " + IDMP_KEY + " in " + IDMP_FILE);
  }

  @Test
  void redis13FileIsReadAndItsOtherValuesAreRdb12Payloads() throws Exception {
    // Replicator 3.11.0 alone: "can't handle RDB format version 13".
    byte[] rdb =
        RdbBytes.version(13)
            .aux("redis-ver", "8.6.0")
            .selectDb(0)
            .string("s", utf8("plain"))
            .expireMs(YEAR_2100_MS)
            .string("t", utf8("with ttl"))
            .withChecksum();

    List<KeyEvent> events = read(rdb);

    assertRestoredStrings(events, "s", "plain", "t", "with ttl");
    assertEquals(12, footerVersion(events.get(0).payload()));
    assertEquals(YEAR_2100_MS, events.get(1).expireAtMs());
  }

  @Test
  void redis13StreamWithIdmpBecomesAType26PayloadOfRdb13() throws Exception {
    // Replicator 3.11.0 alone: "unexpected value type:26".
    byte[] rdb =
        RdbBytes.version(13)
            .selectDb(0)
            .value(RdbTypes.STREAM_LISTPACKS_4, IDMP_KEY, corpusStreamValue())
            .string("after", utf8("read on"))
            .withChecksum();

    List<KeyEvent> events = read(rdb);

    assertEquals(2, events.size());
    byte[] payload = events.get(0).payload();
    assertEquals(KeyType.STREAM, events.get(0).type());
    assertEquals(RdbTypes.STREAM_LISTPACKS_4, payload[0]);
    assertEquals(13, footerVersion(payload));
    assertEquals(12, footerVersion(events.get(1).payload()));
    StreamIdmp idmp = PayloadDecoder.idmpOf(payload);
    assertEquals(100, idmp.durationSeconds());
    assertEquals(100, idmp.maxEntries());
    assertEquals(2, idmp.producers().size());
    assertArrayEquals(utf8("producer1"), idmp.producers().get(0).id().bytes());
    assertArrayEquals(utf8("iid_p1_e1"), idmp.producers().get(0).entries().get(0).iid().bytes());
    assertEquals("1771945454291-1", idmp.producers().get(0).entries().get(0).streamId().toString());
    // 7.4.1 refuses RDB 13 but restores the same stream without its IDMP state (type 21, RDB 12).
    try (Jedis j = redis74.server().client()) {
      j.restore(utf8(IDMP_KEY), 0, PayloadDecoder.withoutIdmp(payload));
      assertEquals(3, j.xlen(IDMP_KEY));
      assertEquals(2, j.xinfoGroups(IDMP_KEY).size());
      j.restore(utf8("after"), 0, events.get(1).payload());
      assertEquals("read on", j.get("after"));
    }
  }

  /**
   * The events are the string keys of {@code keysAndValues} (key, value, key, value...) in that
   * order, and restore at Redis 7.4 to those values.
   */
  private static void assertRestoredStrings(List<KeyEvent> events, String... keysAndValues) {
    assertEquals(keysAndValues.length / 2, events.size());
    try (Jedis j = restored(events)) {
      for (int i = 0; i < keysAndValues.length; i += 2) {
        assertArrayEquals(utf8(keysAndValues[i]), events.get(i / 2).key());
        assertEquals(keysAndValues[i + 1], j.get(keysAndValues[i]));
      }
    }
  }

  private static void assertRestoredHash(List<KeyEvent> events) {
    try (Jedis j = restored(events)) {
      assertEquals(Map.of("f1", "v1", "f2", "v2"), j.hgetAll("h"));
      assertEquals(List.of(-1L, YEAR_2100_MS), j.hpexpireTime("h", "f1", "f2"));
    }
  }

  /** A listpack of short strings and integers (Long), as Redis lays it out. */
  private static byte[] listpack(Object... entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Object e : entries) {
      byte[] enc;
      if (e instanceof String s) {
        byte[] b = utf8(s);
        enc = new byte[1 + b.length];
        enc[0] = (byte) (0x80 | b.length); // 6-bit string length
        System.arraycopy(b, 0, enc, 1, b.length);
      } else {
        long v = (Long) e;
        if (v >= 0 && v < 128) {
          enc = new byte[] {(byte) v}; // 7-bit unsigned integer
        } else {
          enc = new byte[9];
          enc[0] = (byte) 0xf4; // 64-bit integer, little endian
          for (int i = 0; i < 8; i++) {
            enc[1 + i] = (byte) (v >>> (8 * i));
          }
        }
      }
      body.writeBytes(enc);
      body.write(enc.length); // back-length, one byte below 128
    }
    int total = 4 + 2 + body.size() + 1;
    ByteArrayOutputStream lp = new ByteArrayOutputStream();
    for (int i = 0; i < 4; i++) {
      lp.write(total >>> (8 * i));
    }
    lp.write(entries.length);
    lp.write(entries.length >>> 8);
    lp.writeBytes(body.toByteArray());
    lp.write(0xff);
    return lp.toByteArray();
  }
}
