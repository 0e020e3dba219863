package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PayloadStampsTest {
  private static final int VALKEY_9 = RdbHeader.VALKEY_9;

  /** A DUMP payload of {@code type} with a body of {@code body}, sealed with {@code version}. */
  private static byte[] payload(int type, int version, byte... body) {
    byte[] p = new byte[1 + body.length + 10];
    p[0] = (byte) type;
    System.arraycopy(body, 0, p, 1, body.length);
    Crc64.seal(p, p.length - 10, version);
    return p;
  }

  @Test
  void restampWritesTheVersionAndAValidChecksumAndLeavesTheBodyAlone() {
    byte[] redis86 = payload(0, 12, (byte) 3, (byte) 'a', (byte) 'b', (byte) 'c');
    byte[] original = redis86.clone();

    byte[] forValkey = PayloadStamps.restamp(redis86, VALKEY_9);

    assertArrayEquals(original, redis86, "the source payload is not changed");
    assertArrayEquals(
        payload(0, VALKEY_9, (byte) 3, (byte) 'a', (byte) 'b', (byte) 'c'), forValkey);
    assertEquals(VALKEY_9, KeyEvent.rdbVersionOf(forValkey));
    assertArrayEquals(
        Arrays.copyOf(redis86, redis86.length - 10),
        Arrays.copyOf(forValkey, forValkey.length - 10));
  }

  @Test
  void sharedTypesAreReadByEveryServerFromTheVersionThatIntroducedThem() {
    // The set listpack (20) and the third stream encoding (21) came with RDB 11 (Redis 7.2).
    assertTrue(PayloadStamps.reads(11, 20, 12));
    assertFalse(PayloadStamps.reads(10, 20, 12));
    assertFalse(PayloadStamps.reads(10, RdbTypes.STREAM_LISTPACKS_3, 13));
    // The listpack hash (16) and quicklist 2 (18) with RDB 10 (7.0), not read by 6.2 (RDB 9).
    assertTrue(PayloadStamps.reads(10, 16, 11));
    assertFalse(PayloadStamps.reads(9, 18, 11));
    // Strings, the intset and the ziplist encodings everywhere.
    for (int type : new int[] {0, 1, 2, 3, 4, 9, 10, 11, 12, 13}) {
      assertTrue(PayloadStamps.reads(6, type, 13), "type " + type);
    }
    // Valkey 9 reads every shared type, from Redis' and its own payloads alike; module values
    // (6, 7) are the module's to read, never restamped.
    for (int type = 0; type <= RdbTypes.LAST_SHARED; type++) {
      boolean shared = type < 6 || type > 8;
      assertEquals(shared, PayloadStamps.reads(VALKEY_9, type, 13), "type " + type);
      assertEquals(shared, PayloadStamps.reads(13, type, VALKEY_9), "type " + type);
    }
  }

  @Test
  void typesFrom22OnAreReadOnlyWithinTheirFamily() {
    // Redis 7.4's hashes with field TTLs: Redis 7.4 and 8.6, never Valkey 9.
    for (int type = RdbTypes.HASH_METADATA_PRE_GA; type <= RdbTypes.HASH_LISTPACK_EX; type++) {
      assertTrue(PayloadStamps.reads(12, type, 13));
      assertFalse(PayloadStamps.reads(11, type, 12));
      assertFalse(PayloadStamps.reads(VALKEY_9, type, 12));
    }
    // Redis 8.6's stream with IDMP state: RDB 13 only.
    assertTrue(PayloadStamps.reads(13, RdbTypes.STREAM_LISTPACKS_4, 13));
    assertFalse(PayloadStamps.reads(12, RdbTypes.STREAM_LISTPACKS_4, 13));
    assertFalse(PayloadStamps.reads(VALKEY_9, RdbTypes.STREAM_LISTPACKS_4, 13));
    // Valkey 9's hash with field TTLs (its own 22) goes to Valkey 9 only.
    assertTrue(PayloadStamps.reads(VALKEY_9, RdbTypes.VALKEY_HASH_2, VALKEY_9));
    assertFalse(PayloadStamps.reads(13, RdbTypes.VALKEY_HASH_2, VALKEY_9));
    assertFalse(PayloadStamps.reads(12, RdbTypes.VALKEY_HASH_2, VALKEY_9));
    // Types nobody numbered.
    assertFalse(PayloadStamps.reads(13, 8, 13));
    assertFalse(PayloadStamps.reads(13, 27, 13));
    assertFalse(PayloadStamps.reads(VALKEY_9, RdbTypes.HASH_LISTPACK_EX_PRE_GA, VALKEY_9));
  }

  @Test
  void aTypeTheServerDoesNotReadIsLeftToTheRewrite() throws Exception {
    assertNull(PayloadStamps.forServer(payload(20, 12, (byte) 0), 10));
    assertNull(PayloadStamps.forServer(payload(RdbTypes.HASH_METADATA, 12, (byte) 0), VALKEY_9));
    assertNull(PayloadStamps.forServer(payload(RdbTypes.VALKEY_HASH_2, VALKEY_9, (byte) 0), 13));
    assertNull(PayloadStamps.forServer(new byte[] {0, 1, 2}, 13), "too short for a footer");
  }

  @Test
  void aStampedPayloadCarriesTheServersVersion() throws Exception {
    PayloadStamps.Stamped s = PayloadStamps.forServer(payload(18, 12, (byte) 1), VALKEY_9);
    assertEquals(VALKEY_9, KeyEvent.rdbVersionOf(s.payload()));
    assertFalse(s.idmpLeftOut());
    assertTrue(
        PayloadStamps.restorable(VALKEY_9, RdbTypes.STREAM_LISTPACKS_4, 13),
        "type 26 becomes type 21");
    assertFalse(
        PayloadStamps.restorable(10, RdbTypes.STREAM_LISTPACKS_4, 13),
        "7.0 reads no type 21 either");
  }
}
