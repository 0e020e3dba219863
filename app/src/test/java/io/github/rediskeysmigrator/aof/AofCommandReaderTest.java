package io.github.rediskeysmigrator.aof;

import static io.github.rediskeysmigrator.testing.AofText.command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AofCommandReaderTest {
  private static final Path FILE = Path.of("appendonly.aof");

  private static List<AofEntry> readAll(String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    AofCommandReader r =
        new AofCommandReader(FILE, new ByteArrayInputStream(bytes), 0, bytes.length);
    List<AofEntry> out = new ArrayList<>();
    AofEntry e;
    while ((e = r.next()) != null) {
      out.add(e);
    }
    return out;
  }

  @Test
  void readsCommandsAndTimestampsWithTheirOffsets() throws Exception {
    String select = command("SELECT", "0");
    String set = command("set", "k", "v\r\nwith CRLF");
    List<AofEntry> all = readAll("#TS:1796680810\r\n" + select + set);
    assertEquals(3, all.size());
    assertEquals(new AofEntry.Timestamp(1796680810L, 0), all.get(0));
    AofEntry.Command s = assertInstanceOf(AofEntry.Command.class, all.get(1));
    assertEquals("SELECT", s.name());
    assertEquals(16, s.offset());
    assertEquals(16 + select.length(), s.end());
    AofEntry.Command c = assertInstanceOf(AofEntry.Command.class, all.get(2));
    assertEquals("SET", c.name());
    assertArrayEquals("v\r\nwith CRLF".getBytes(StandardCharsets.US_ASCII), c.argv()[2]);
    assertEquals(16 + select.length(), c.offset());
  }

  @Test
  void otherAnnotationsAreSkippedLikeRedisDoes() throws Exception {
    List<AofEntry> all = readAll("#some note of a later Redis\r\n" + command("DEL", "k"));
    assertEquals(1, all.size());
    assertEquals("DEL", ((AofEntry.Command) all.get(0)).name());
  }

  @Test
  void aFileCutInsideACommandEndsWithTruncatedAtThatCommand() throws Exception {
    String first = command("SET", "a", "1");
    String second = command("SET", "b", "2");
    for (int cut = 1; cut < second.length(); cut++) {
      List<AofEntry> all = readAll(first + second.substring(0, cut));
      assertEquals(2, all.size(), "cut at " + cut);
      assertEquals(new AofEntry.Truncated(first.length()), all.get(1), "cut at " + cut);
    }
  }

  @Test
  void aLengthBeyondTheFileIsATruncatedTailNotAnAllocation() throws Exception {
    List<AofEntry> all = readAll("*1\r\n$2147483000\r\nab");
    assertEquals(List.of(new AofEntry.Truncated(0)), all);
    assertEquals(List.of(new AofEntry.Truncated(0)), readAll("*999999999999\r\n$1\r\na\r\n"));
  }

  /** Inputs no AOF holds, each with the error that names its byte offset. */
  static Stream<Arguments> corruptInputs() {
    String ok = command("SET", "a", "1");
    return Stream.of(
        arguments(ok + "xyz\r\n", ok.length() + ": expected a command ('*'), found 'x'"),
        arguments("*1\r\n+OK\r\n", "4: expected an argument ('$'), found '+'"),
        arguments("*z\r\n", "0: bad argument count 'z'"),
        arguments("*0\r\n", "0: a command with 0 arguments"),
        arguments("*1\r\n$1\r\nab\r\n", "9: an argument not followed by CRLF"),
        arguments("#TS:soon\r\n", "0: bad timestamp annotation '#TS:soon'"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("corruptInputs")
  void anythingElseIsCorruptWithTheByteOffset(String text, String offsetAndProblem) {
    assertEquals(
        "appendonly.aof at byte " + offsetAndProblem,
        assertThrows(BadAofException.class, () -> readAll(text)).getMessage());
  }

  @Test
  void anEmptyFileHasNoEntries() throws Exception {
    assertEquals(List.of(), readAll(""));
    assertNull(new AofCommandReader(FILE, new ByteArrayInputStream(new byte[0]), 0, 0).next());
  }
}
