package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.rdb.Crc64;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain commands a payload is rewritten into, built from hand-made DUMP payloads. */
class RewriteCommandsTest {
  private static final ServerInfo REDIS_70 = ServerInfo.parse("redis_version:7.0.15\r\n");
  private static final ServerInfo REDIS_74 = ServerInfo.parse("redis_version:7.4.1\r\n");
  private static final byte[] TMP = "tmp".getBytes(StandardCharsets.US_ASCII);

  /** A DUMP payload: type, body, RDB version 12, CRC64. */
  private static byte[] payload(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.writeBytes(body);
    out.write(12);
    out.write(0);
    byte[] b = out.toByteArray();
    long crc = Crc64.update(0, b, 0, b.length);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> (8 * i)));
    }
    return out.toByteArray();
  }

  /** An RDB length of up to 14 bits, then that many bytes. */
  private static void string(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    length(out, b.length);
    out.writeBytes(b);
  }

  private static void length(ByteArrayOutputStream out, int n) {
    if (n < 64) {
      out.write(n);
    } else {
      out.write(0x40 | (n >> 8));
      out.write(n & 0xff);
    }
  }

  private static List<String> render(List<RewriteCommands.Command> commands) {
    return commands.stream()
        .map(
            c -> {
              StringBuilder sb = new StringBuilder();
              for (byte[] a : c.argv()) {
                sb.append(sb.length() == 0 ? "" : " ")
                    .append(new String(a, StandardCharsets.UTF_8));
              }
              return sb.toString();
            })
        .toList();
  }

  @Test
  void aListGoesInChunksOfAThousandElementsThenItsExpiry() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    length(body, 2500);
    for (int i = 0; i < 2500; i++) {
      string(body, "e" + i);
    }
    KeyEvent event =
        KeyEvent.of(
            0, "k".getBytes(), KeyType.LIST, 4102444800000L, payload(1, body.toByteArray()));

    List<RewriteCommands.Command> commands = RewriteCommands.of(event, TMP, REDIS_70, 0);

    List<String> text = render(commands);
    assertEquals("DEL tmp", text.get(0));
    assertEquals(5, commands.size(), text::toString);
    assertEquals(
        2 + MigrationConfig.Defaults.REWRITE_CHUNK_ELEMENTS, commands.get(1).argv().length);
    assertTrue(text.get(1).startsWith("RPUSH tmp e0 e1 "), text.get(1));
    assertTrue(text.get(3).endsWith(" e2499"), text.get(3));
    assertEquals(502, commands.get(3).argv().length);
    assertEquals("PEXPIREAT tmp 4102444800000", text.get(4));
  }

  @Test
  void scoresRoundTripExactlyIncludingInfinities() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d)) {
        continue;
      }
      String text = new String(RewriteCommands.score(d), StandardCharsets.US_ASCII);
      assertEquals(d, Double.parseDouble(text), text);
    }
    for (double d : new double[] {0.1, 1e300, -1e-300, 123456789012.0, 3, -0.5, 1e15, 2e-308}) {
      String text = new String(RewriteCommands.score(d), StandardCharsets.US_ASCII);
      assertEquals(d, Double.parseDouble(text), text);
    }
    assertEquals("inf", new String(RewriteCommands.score(Double.POSITIVE_INFINITY)));
    assertEquals("-inf", new String(RewriteCommands.score(Double.NEGATIVE_INFINITY)));
    assertEquals("3", new String(RewriteCommands.score(3)));
  }

  /** A listpack-ex hash (type 25): minimum expiry, then field, value, TTL triplets. */
  private static byte[] hashWithFieldTtl(long ttl) {
    ByteArrayOutputStream lp = new ByteArrayOutputStream();
    lp.writeBytes(new byte[] {0, 0, 0, 0, 6, 0}); // total bytes (unchecked), 6 elements
    lpString(lp, "a");
    lpString(lp, "1");
    lpInt64(lp, ttl);
    lpString(lp, "b");
    lpString(lp, "2");
    lp.write(0); // 7-bit uint 0: no TTL
    lp.write(1);
    lp.write(0xff);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < 8; i++) {
      body.write((int) (ttl >>> (8 * i)));
    }
    length(body, lp.size());
    body.writeBytes(lp.toByteArray());
    return payload(25, body.toByteArray());
  }

  private static void lpString(ByteArrayOutputStream lp, String s) {
    lp.write(0x80 | s.length());
    lp.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    lp.write(1 + s.length());
  }

  private static void lpInt64(ByteArrayOutputStream lp, long v) {
    lp.write(0xf4);
    for (int i = 0; i < 8; i++) {
      lp.write((int) (v >>> (8 * i)));
    }
    lp.write(9);
  }

  @Test
  void hashFieldTtlsBecomeHpexpireatWhereTheDestinationHasThem() throws Exception {
    KeyEvent event =
        KeyEvent.of(0, "h".getBytes(), KeyType.HASH, -1, hashWithFieldTtl(4102444800000L));

    List<String> text = render(RewriteCommands.of(event, TMP, REDIS_74, 0));

    assertEquals(
        List.of("DEL tmp", "HSET tmp a 1 b 2", "HPEXPIREAT tmp 4102444800000 FIELDS 1 a"), text);
  }

  @Test
  void hashFieldTtlsAreRefusedWhereTheDestinationLacksThem() {
    KeyEvent event =
        KeyEvent.of(0, "h".getBytes(), KeyType.HASH, -1, hashWithFieldTtl(4102444800000L));

    PayloadDecoder.DecodeException e =
        assertThrows(
            PayloadDecoder.DecodeException.class,
            () -> RewriteCommands.of(event, TMP, REDIS_70, 0));
    assertTrue(e.getMessage().contains("hash field TTLs"), e.getMessage());
    assertTrue(e.getMessage().contains("redis 7.0.15"), e.getMessage());
  }

  @Test
  void expiredFieldsAreLeftOutAndAHashOfOnlyExpiredFieldsIsNothingToWrite() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    long min = 1000;
    for (int i = 0; i < 8; i++) {
      body.write((int) (min >>> (8 * i)));
    }
    length(body, 1);
    length(body, 1); // TTL relative to the minimum: 1 means the minimum itself
    string(body, "f");
    string(body, "v");
    KeyEvent event =
        KeyEvent.of(0, "h".getBytes(), KeyType.HASH, -1, payload(24, body.toByteArray()));

    assertNull(RewriteCommands.of(event, TMP, REDIS_70, 2000));
  }

  @Test
  void aCorruptPayloadIsADecodeError() {
    KeyEvent event =
        KeyEvent.of(0, "l".getBytes(), KeyType.LIST, -1, payload(1, new byte[] {5, 3, 'a'}));

    assertThrows(
        PayloadDecoder.DecodeException.class, () -> RewriteCommands.of(event, TMP, REDIS_70, 0));
  }
}
