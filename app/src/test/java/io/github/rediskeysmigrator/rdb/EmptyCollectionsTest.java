package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class EmptyCollectionsTest {
  private static final int[] EMPTY_ZIPLIST = {11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xff};
  private static final int[] EMPTY_LISTPACK = {7, 0, 0, 0, 0, 0, 0xff};

  /** Type byte, body, then a version footer (its content does not matter here). */
  private static byte[] payload(int type, int... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    for (int b : body) {
      out.write(b);
    }
    for (int i = 0; i < 10; i++) {
      out.write(0);
    }
    return out.toByteArray();
  }

  /** A length-prefixed string of the given bytes. */
  private static int[] str(int... bytes) {
    int[] out = new int[bytes.length + 1];
    out[0] = bytes.length;
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  @Test
  void findsEveryEncodingOfAnEmptyCollection() {
    assertEquals("empty list", EmptyCollections.describe(payload(1, 0)));
    assertEquals("empty set", EmptyCollections.describe(payload(2, 0)));
    assertEquals("empty sorted set", EmptyCollections.describe(payload(3, 0)));
    assertEquals("empty hash", EmptyCollections.describe(payload(4, 0)));
    assertEquals("empty sorted set", EmptyCollections.describe(payload(5, 0)));
    assertEquals("empty zipmap-encoded hash", EmptyCollections.describe(payload(9, str(0, 0xff))));
    assertEquals(
        "empty ziplist-encoded list", EmptyCollections.describe(payload(10, str(EMPTY_ZIPLIST))));
    assertEquals(
        "empty intset-encoded set",
        EmptyCollections.describe(payload(11, str(2, 0, 0, 0, 0, 0, 0, 0))));
    assertEquals(
        "empty ziplist-encoded sorted set",
        EmptyCollections.describe(payload(12, str(EMPTY_ZIPLIST))));
    assertEquals(
        "empty ziplist-encoded hash", EmptyCollections.describe(payload(13, str(EMPTY_ZIPLIST))));
    assertEquals(
        "list with no element in its quicklist", EmptyCollections.describe(payload(14, 0)));
    int[] oneEmptyNode = new int[13];
    oneEmptyNode[0] = 1;
    System.arraycopy(str(EMPTY_ZIPLIST), 0, oneEmptyNode, 1, 12);
    assertEquals(
        "list with no element in its quicklist",
        EmptyCollections.describe(payload(14, oneEmptyNode)));
    assertEquals(
        "empty listpack-encoded hash", EmptyCollections.describe(payload(16, str(EMPTY_LISTPACK))));
    assertEquals(
        "empty listpack-encoded sorted set",
        EmptyCollections.describe(payload(17, str(EMPTY_LISTPACK))));
    assertEquals("list with no quicklist node", EmptyCollections.describe(payload(18, 0)));
    assertEquals(
        "empty listpack-encoded set", EmptyCollections.describe(payload(20, str(EMPTY_LISTPACK))));
  }

  @Test
  void collectionsWithElementsStringsAndStreamsAreNotEmpty() {
    // A list of one element "a"; a set of one member.
    assertNull(EmptyCollections.describe(payload(1, 1, 1, 'a')));
    assertNull(EmptyCollections.describe(payload(2, 1, 1, 'a')));
    // An empty string is a valid value.
    assertNull(EmptyCollections.describe(payload(0, 0)));
    // A listpack holding one 7-bit integer (0x01, backlen 1).
    assertNull(EmptyCollections.describe(payload(20, str(9, 0, 0, 0, 1, 0, 1, 1, 0xff))));
    // An intset with one 16-bit member.
    assertNull(EmptyCollections.describe(payload(11, str(2, 0, 0, 0, 1, 0, 0, 0, 7, 0))));
    // Streams may be empty: not our business here.
    assertNull(EmptyCollections.describe(payload(15, 0)));
  }

  @Test
  void aPayloadThatEndsEarlyIsLeftToTheDestinationToJudge() {
    assertNull(EmptyCollections.describe(new byte[] {10, 20, 0, 0}));
    assertNull(EmptyCollections.describe(new byte[] {1}));
  }
}
