package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks that {@link RdbHeader} accepts real RDB headers and names the problem with any other. */
class RdbHeaderTest {
  @TempDir Path dir;

  private Path file(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }

  private Path file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.ISO_8859_1));
  }

  private BadRdbException rejected(Path file) {
    return assertThrows(BadRdbException.class, () -> RdbHeader.read(file));
  }

  private static void assertMentions(BadRdbException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
    }
  }

  @Test
  void readsTheVersionOfAValidFile() throws Exception {
    Path f =
        file("dump.rdb", RdbBytes.version(9).selectDb(0).string("k", new byte[3]).withChecksum());
    RdbHeader header = RdbHeader.read(f);
    assertEquals(9, header.version());
    assertEquals(f, header.file());
  }

  @Test
  void acceptsTheOldestAndNewestSupportedVersions() throws Exception {
    assertEquals(1, RdbHeader.read(file("v1.rdb", "REDIS0001\u00ff")).version());
    assertEquals(
        12, RdbHeader.read(file("v12.rdb", RdbBytes.version(12).withChecksum())).version());
  }

  @Test
  void readsTheHeaderOfAGzipCompressedFile() throws Exception {
    Path f = file("dump.rdb.gz", RdbBytes.gzip(RdbBytes.version(11).withChecksum()));
    assertEquals(11, RdbHeader.read(f).version());
  }

  @Test
  void detectsGzipByContentNotByName() throws Exception {
    Path compressed = file("dump.rdb", RdbBytes.gzip(RdbBytes.version(10).withChecksum()));
    Path plain = file("dump.rdb.gz", RdbBytes.version(10).withChecksum());
    assertEquals(10, RdbHeader.read(compressed).version());
    assertEquals(10, RdbHeader.read(plain).version());
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.rdb");
    assertMentions(rejected(missing), missing.toString(), "no such file");
  }

  @Test
  void directoryIsRejected() {
    assertMentions(rejected(dir), dir.toString(), "is a directory");
  }

  @Test
  void emptyFileIsRejected() throws Exception {
    assertMentions(rejected(file("empty.rdb", new byte[0])), "is empty");
  }

  @Test
  void textFileIsNotAnRdb() throws Exception {
    assertMentions(
        rejected(file("notes.rdb", "key1 value1\nkey2 value2\n")),
        "is not an RDB file",
        "REDIS<version>");
  }

  @Test
  void fileShorterThanTheHeaderIsNotAnRdb() throws Exception {
    assertMentions(rejected(file("short.rdb", "REDIS")), "is not an RDB file");
    assertMentions(rejected(file("tiny.rdb", "R")), "is not an RDB file");
  }

  @Test
  void nonNumericVersionIsRejected() throws Exception {
    assertMentions(rejected(file("bad.rdb", "REDISabcd\u00ff")), "bad version 'abcd'");
  }

  @Test
  void unsupportedVersionIsNamedWithTheSupportedRange() throws Exception {
    assertMentions(
        rejected(file("future.rdb", "REDIS0099\u00ff")), "RDB version 99", "supported: 1 to 13");
    assertMentions(rejected(file("zero.rdb", "REDIS0000\u00ff")), "RDB version 0");
    assertMentions(rejected(file("v14.rdb", RdbBytes.version(14).withChecksum())), "version 14");
  }

  @Test
  void redis86FormatIsRead() throws Exception {
    RdbHeader h = RdbHeader.read(file("v13.rdb", RdbBytes.version(13).withChecksum()));

    assertEquals(13, h.version());
    assertEquals("REDIS", h.magic());
    assertEquals(13, h.payloadVersion());
  }

  @Test
  void valkeyNineFormatIsRead() throws Exception {
    RdbHeader h = RdbHeader.read(file("valkey.rdb", "VALKEY080\u00ff"));

    assertEquals(80, h.version());
    assertEquals("VALKEY", h.magic());
    assertEquals(11, h.payloadVersion());
  }

  @Test
  void otherValkeyFormatsAreNamedWithTheSupportedOnes() throws Exception {
    assertMentions(
        rejected(file("fork.rdb", "VALKEY987\u00ff")), "'VALKEY987'", "REDIS0013", "VALKEY080");
  }

  @Test
  void fileWithGzipMagicThatDoesNotDecompressIsRejected() throws Exception {
    byte[] junk = new byte[64];
    Arrays.fill(junk, (byte) 0x55);
    junk[0] = 0x1f;
    junk[1] = (byte) 0x8b;
    assertMentions(rejected(file("junk.rdb.gz", junk)), "gzip");
    assertMentions(rejected(file("magic-only.rdb.gz", new byte[] {0x1f, (byte) 0x8b})), "gzip");
  }

  @Test
  void gzipOfATextFileIsNotAnRdb() throws Exception {
    Path f = file("text.gz", RdbBytes.gzip("hello, world\n".getBytes(StandardCharsets.US_ASCII)));
    assertMentions(rejected(f), "is not an RDB file");
  }
}
