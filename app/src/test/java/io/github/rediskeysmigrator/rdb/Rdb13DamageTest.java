package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.SourceException;
import io.github.rediskeysmigrator.source.RdbFileSource;
import io.github.rediskeysmigrator.testing.Rdb13Streams;
import io.github.rediskeysmigrator.testing.SharedDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own reading of RDB 13's stream type 26 (PayloadValueVisitor's skipper, PayloadDecoder's IDMP
 * tail) against damaged copies of the corpus file: cut at every byte, and bytes of the stream
 * overwritten at random. Each copy is read whole or refused as bad input ({@link SourceException});
 * every type 26 payload it yields decodes or is refused as corrupt ({@link
 * PayloadDecoder.DecodeException}). Never another exception, which the user would see as a crash.
 */
class Rdb13DamageTest {
  private static final long SEED = 20261206L;

  /** What the user must never read in a message: a Java class or package name. */
  private static final java.util.regex.Pattern JAVA_NAME =
      java.util.regex.Pattern.compile(
          "\\b(java|javax|com\\.moilioncircle|io\\.github)\\.\\w+|\\b\\w+(Exception|Error)\\b");

  @TempDir Path dir;

  private static final PayloadDecoder.Handler NOTHING = new PayloadDecoder.IgnoringHandler();

  /** Reads {@code bytes} as an RDB file: "read", "refused" or "header" (refused at the header). */
  private String read(byte[] bytes) throws Exception {
    Path file = Files.write(dir.resolve("damaged.rdb"), bytes);
    RdbHeader header;
    try {
      header = RdbHeader.read(file);
    } catch (BadRdbException e) {
      return "header";
    }
    List<KeyEvent> events = new ArrayList<>();
    try {
      new RdbFileSource(List.of(header))
          .readInto(
              e -> {
                if (e instanceof KeyEvent k) {
                  events.add(k);
                }
              });
    } catch (SourceException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
      assertTrue(!JAVA_NAME.matcher(e.getMessage()).find(), "a clear message: " + e.getMessage());
      return "refused";
    }
    for (KeyEvent e : events) {
      byte[] p = e.payload();
      if (PayloadDecoder.hasIdmp(p)) {
        try {
          PayloadDecoder.decode(p, NOTHING);
          PayloadDecoder.idmpOf(p);
          PayloadDecoder.withoutIdmp(p);
        } catch (PayloadDecoder.DecodeException refused) {
          // corrupt inside, found: the key is an error, not a crash
        }
      }
    }
    return "read";
  }

  private static byte[] original() throws Exception {
    return Files.readAllBytes(SharedDir.corpus().resolve("public").resolve(Rdb13Streams.FILE));
  }

  @Test
  void theUndamagedFileIsRead() throws Exception {
    assertEquals("read", read(original()));
  }

  @Test
  void aFileCutAnywhereIsRefusedNeverACrash() throws Exception {
    byte[] file = original();
    for (int len = 9; len < file.length; len++) {
      String outcome = read(java.util.Arrays.copyOf(file, len));
      assertEquals("refused", outcome, "cut at " + len);
    }
  }

  @Test
  void overwrittenStreamBytesAreReadOrRefusedNeverACrash() throws Exception {
    byte[] file = original();
    Random random = new Random(SEED);
    // The stream's value: from after its key (byte 0x79) up to the EOF opcode and checksum.
    int from = 0x79;
    int to = file.length - 9;
    for (int i = 0; i < 400; i++) {
      byte[] damaged = file.clone();
      int at = from + random.nextInt(to - from);
      damaged[at] = (byte) random.nextInt(256);
      read(damaged); // the checksum is not checked here: every damage reaches the parser
    }
  }
}
