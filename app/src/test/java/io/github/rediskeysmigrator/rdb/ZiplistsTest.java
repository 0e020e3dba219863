package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.rediskeysmigrator.testing.Bytes;
import org.junit.jupiter.api.Test;

class ZiplistsTest {
  /** Two entries: the string "a" at offset 10 and the immediate integer 5 at 13. */
  private static byte[] ziplist() {
    return Bytes.of(16, 0, 0, 0, 13, 0, 0, 0, 2, 0, 0, 0x01, 'a', 3, 0xf6, 0xff);
  }

  @Test
  void aSoundZiplistPasses() {
    assertNull(Ziplists.check(ziplist(), 1, "list"));
    assertNull(Ziplists.check(ziplist(), 2, "hash"));
  }

  @Test
  void eachBrokenInvariantIsNamed() {
    byte[] zl = ziplist();
    zl[13] = 4;
    assertEquals(
        "corrupt ziplist-encoded list: entry 1 says the one before it has 4 bytes, it has 3",
        Ziplists.check(zl, 1, "list"));
    zl = ziplist();
    zl[8] = 3;
    assertEquals(
        "corrupt ziplist-encoded list: its header counts 3 entries, it has 2",
        Ziplists.check(zl, 1, "list"));
    zl = ziplist();
    zl[4] = 10;
    assertEquals(
        "corrupt ziplist-encoded list: its tail offset 10 is not its last entry",
        Ziplists.check(zl, 1, "list"));
    zl = ziplist();
    zl[14] = (byte) 0xc8; // not an encoding
    assertEquals(
        "corrupt ziplist-encoded list: entry 1 has an invalid encoding",
        Ziplists.check(zl, 1, "list"));
    zl = ziplist();
    zl[11] = 0x3f; // a 63-byte string in a 16-byte ziplist
    assertEquals(
        "corrupt ziplist-encoded list: entry 0 runs past the end", Ziplists.check(zl, 1, "list"));
    zl = ziplist();
    zl[0] = 17;
    assertEquals(
        "corrupt ziplist-encoded list: its header says 17 bytes, it has 16",
        Ziplists.check(zl, 1, "list"));
    byte[] one = Bytes.of(13, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0xf1, 0xff);
    assertEquals(
        "corrupt ziplist-encoded hash: an odd number of entries (1)",
        Ziplists.check(one, 2, "hash"));
  }

  @Test
  void thePayloadOfAZiplistHashIsChecked() {
    byte[] zl = ziplist();
    zl[13] = 4;
    byte[] payload = new byte[1 + 1 + zl.length + 10];
    payload[0] = RdbTypes.HASH_ZIPLIST;
    payload[1] = (byte) zl.length;
    System.arraycopy(zl, 0, payload, 2, zl.length);
    assertEquals(
        "corrupt ziplist-encoded hash: entry 1 says the one before it has 4 bytes, it has 3",
        Ziplists.problem(payload));
    payload[0] = RdbTypes.HASH_LISTPACK; // a listpack-encoded hash: not a ziplist, not checked here
    assertNull(Ziplists.problem(payload));
  }
}
