package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that {@link RdbChecksum} verifies good files and catches corrupt and truncated ones. */
class RdbChecksumTest {
  @TempDir Path dir;

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private RdbChecksum.Result verify(Path file) throws BadRdbException {
    return RdbChecksum.verify(RdbHeader.read(file));
  }

  private BadRdbException rejected(Path file) {
    return assertThrows(BadRdbException.class, () -> verify(file));
  }

  private static void assertMentions(BadRdbException e, String part) {
    assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
  }

  private static byte[] oneKey(int version) {
    return RdbBytes.version(version).selectDb(0).string("foo", "bar".getBytes()).withChecksum();
  }

  @Test
  void minimalFileIsVerified() throws Exception {
    byte[] rdb = RdbBytes.version(9).withChecksum();
    assertEquals(18, rdb.length);
    assertEquals(RdbChecksum.Result.VERIFIED, verify(file("min.rdb", rdb)));
  }

  @Test
  void fileWithAKeyIsVerified() throws Exception {
    assertEquals(RdbChecksum.Result.VERIFIED, verify(file("one.rdb", oneKey(11))));
  }

  @Test
  void gzipCompressedFileIsVerifiedOnItsContent() throws Exception {
    Path f = file("one.rdb.gz", RdbBytes.gzip(oneKey(10)));
    assertEquals(RdbChecksum.Result.VERIFIED, verify(f));
  }

  @Test
  void filesWhoseTrailerStraddlesAReadBoundaryAreVerified() throws Exception {
    // Reads come in chunks of 64 KiB or 1 MiB, depending on the buffers in the way; these sizes
    // put the 9-byte trailer before, across and after such a boundary.
    Random random = new Random(1);
    for (int boundary : new int[] {1 << 16, 1 << 20}) {
      for (int delta : new int[] {-10, -9, -8, -5, -1, 0, 1, 5, 8, 9, 10}) {
        int size = boundary + delta;
        // Header 9, SELECTDB 2, type 1, key 4, value length 5, EOF 1, CRC 8.
        byte[] value = new byte[size - 30];
        random.nextBytes(value);
        byte[] rdb = RdbBytes.version(9).selectDb(0).string("big", value).withChecksum();
        assertEquals(size, rdb.length);
        Path f = file("big" + size + ".rdb", rdb);
        assertEquals(RdbChecksum.Result.VERIFIED, verify(f), () -> size + " bytes");
      }
    }
  }

  /** An RDB 12 file of two keys in db 3 whose values are the same {@code size} random bytes. */
  private static byte[] twoRandomValues(int size, long seed) {
    byte[] value = new byte[size];
    new Random(seed).nextBytes(value);
    return RdbBytes.version(12).selectDb(3).string("a", value).string("b", value).withChecksum();
  }

  @Test
  void largeFileIsVerified() throws Exception {
    byte[] rdb = twoRandomValues(300_000, 2);
    assertEquals(RdbChecksum.Result.VERIFIED, verify(file("large.rdb", rdb)));
    assertEquals(RdbChecksum.Result.VERIFIED, verify(file("large.rdb.gz", RdbBytes.gzip(rdb))));
  }

  @Test
  void partsReadInParallelGiveTheSameVerdicts() throws Exception {
    byte[] rdb = twoRandomValues(300_001, 3);
    for (int parts : new int[] {2, 3, 4}) {
      Path good = file("parts" + parts + ".rdb", rdb);
      assertEquals(RdbChecksum.Result.VERIFIED, RdbChecksum.verify(RdbHeader.read(good), 0, parts));
      for (int at : new int[] {20, rdb.length / 2, rdb.length - 10, rdb.length - 1}) {
        byte[] bad = rdb.clone();
        bad[at] ^= 0x10;
        Path f = file("parts" + parts + "-" + at + ".rdb", bad);
        BadRdbException e =
            assertThrows(
                BadRdbException.class, () -> RdbChecksum.verify(RdbHeader.read(f), 0, parts));
        assertMentions(e, "checksum mismatch");
      }
      Path cut = file("parts" + parts + "-cut.rdb", Arrays.copyOf(rdb, rdb.length - 4));
      BadRdbException e =
          assertThrows(
              BadRdbException.class, () -> RdbChecksum.verify(RdbHeader.read(cut), 0, parts));
      assertMentions(e, "truncated");
    }
  }

  @Test
  void flippedByteIsAChecksumMismatch() throws Exception {
    byte[] rdb = oneKey(9);
    for (int i = 9; i < rdb.length; i++) {
      byte[] bad = rdb.clone();
      bad[i] ^= 0x01;
      BadRdbException e = rejected(file("flip" + i + ".rdb", bad));
      // The byte before the CRC is the EOF opcode: without it the file looks cut short.
      assertMentions(e, i == rdb.length - 9 ? "truncated" : "checksum mismatch");
    }
  }

  @Test
  void flippedByteInAGzipFileIsAChecksumMismatch() throws Exception {
    byte[] bad = oneKey(9);
    bad[15] ^= 0x40;
    assertMentions(rejected(file("flip.rdb.gz", RdbBytes.gzip(bad))), "checksum mismatch");
  }

  @Test
  void mismatchNamesTheFile() throws Exception {
    byte[] bad = oneKey(9);
    bad[12] ^= 0x01;
    Path f = file("named.rdb", bad);
    assertMentions(rejected(f), f.toString());
  }

  @Test
  void truncatedFileIsReportedAsTruncated() throws Exception {
    byte[] rdb = oneKey(9);
    assertMentions(rejected(file("cut3.rdb", Arrays.copyOf(rdb, rdb.length - 3))), "truncated");
    for (int cut = 1; cut < rdb.length - 9; cut++) {
      byte[] shorter = Arrays.copyOf(rdb, rdb.length - cut);
      assertMentions(rejected(file("cut" + cut + ".rdb", shorter)), "truncated");
    }
  }

  @Test
  void fileOfOnlyTheHeaderIsTruncated() throws Exception {
    assertMentions(rejected(file("header.rdb", "REDIS0009".getBytes())), "truncated");
  }

  @Test
  void truncatedGzipFileIsRejected() throws Exception {
    byte[] gz = RdbBytes.gzip(oneKey(9));
    rejected(file("cut.rdb.gz", Arrays.copyOf(gz, gz.length - 3)));
  }

  @Test
  void zeroChecksumMeansAbsent() throws Exception {
    byte[] rdb = RdbBytes.version(9).selectDb(0).string("k", new byte[5]).withZeroChecksum();
    assertEquals(RdbChecksum.Result.ABSENT, verify(file("nochecksum.rdb", rdb)));
  }

  @Test
  void versionFourCarriesNoChecksum() throws Exception {
    byte[] rdb = RdbBytes.version(4).selectDb(0).string("k", new byte[5]).withoutChecksum();
    assertEquals(RdbChecksum.Result.ABSENT, verify(file("v4.rdb", rdb)));
  }

  @Test
  void versionFiveIsChecked() throws Exception {
    assertEquals(RdbChecksum.Result.VERIFIED, verify(file("v5.rdb", oneKey(5))));
    byte[] bad = oneKey(5);
    bad[10] ^= 0x01;
    assertMentions(rejected(file("v5bad.rdb", bad)), "checksum mismatch");
  }
}
