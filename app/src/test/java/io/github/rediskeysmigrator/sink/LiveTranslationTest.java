package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.LiveTranslator.Translation;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LiveTranslation} on the commands Redis 8.6.3 propagates (the forms measured on its
 * replication stream), for each destination family.
 */
class LiveTranslationTest {
  private static final ServerInfo REDIS_86 = new ServerInfo("redis", "8.6.3", 13);
  private static final ServerInfo VALKEY_91 = new ServerInfo("valkey", "9.1.2", 80);
  private static final ServerInfo REDIS_74 = new ServerInfo("redis", "7.4.1", 12);
  private static final ServerInfo REDIS_70 = new ServerInfo("redis", "7.0.15", 10);

  /** The servers above by their names, for the tables. */
  private static final Map<String, ServerInfo> SERVERS =
      Map.of(
          "REDIS_86", REDIS_86, "VALKEY_91", VALKEY_91, "REDIS_74", REDIS_74, "REDIS_70", REDIS_70);

  private static byte[][] argv(String line) {
    String[] words = line.split(" ");
    byte[][] out = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      out[i] = words[i].getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  private static String line(byte[][] argv) {
    List<String> words = new ArrayList<>();
    for (byte[] a : argv) {
      words.add(new String(a, StandardCharsets.UTF_8));
    }
    return String.join(" ", words);
  }

  private static Translation on(ServerInfo server, String command) {
    return new LiveTranslation(server).translate(argv(command));
  }

  private static String sent(ServerInfo server, String command) {
    Translation t = on(server, command);
    assertTrue(t.argv() != null, () -> command + " -> " + t);
    return line(t.argv());
  }

  /** Checks that {@code server} refuses {@code command} saying {@code reason}. */
  private static Translation refused(ServerInfo server, String command, String reason) {
    Translation t = on(server, command);
    assertTrue(t.refused(), t::toString);
    assertEquals(reason, t.reason());
    return t;
  }

  /** The commands of an EVAL of EvalScripts.SEQUENCE, after the script and keys. */
  private static String script(String sent) {
    assertTrue(sent.startsWith("EVAL local i = 1"), sent);
    return sent.substring(sent.indexOf("return 1\n") + "return 1\n".length()).trim();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "REDIS_86  | XCFGSET s IDMP-DURATION 100",
        "REDIS_86  | VADD v VALUES 3 1 0 0 e1",
        "REDIS_86  | HSETEX h PXAT 9999999999999 FIELDS 1 f v",
        "REDIS_86  | MSETEX 2 a 1 b 2 PXAT 9999999999999",
        "REDIS_86  | XDELEX s DELREF IDS 1 1-0",
        "REDIS_86  | XACKDEL s g ACKED IDS 1 1-0",
        "REDIS_86  | SET k v IFNE x",
        "REDIS_86  | DELEX k",
        "VALKEY_91 | HSETEX h PXAT 9999999999999 FIELDS 1 f v",
        "VALKEY_91 | MSETEX 1 a 1 PXAT 9999999999999",
        "VALKEY_91 | SET k v IFEQ x",
        "VALKEY_91 | HPEXPIREAT h 9999999999999 FIELDS 1 f",
      })
  void aDestinationThatKnowsACommandGetsItAsItIs(String server, String command) {
    byte[][] argv = argv(command);
    assertSame(argv, new LiveTranslation(SERVERS.get(server)).translate(argv).argv(), command);
  }

  @Test
  void xaddIdmpLosesItsIdmpArgumentsAndARetryTheSourceDeDuplicatedAddsNothing() {
    for (ServerInfo s : List.of(VALKEY_91, REDIS_74, REDIS_70)) {
      assertEquals("XADD s 1-0 f v", sent(s, "XADD s IDMP p1 i1 1-0 f v"));
      assertEquals(
          "XADD s NOMKSTREAM MAXLEN = 3 5-1 f v",
          sent(s, "XADD s NOMKSTREAM IDMP p1 i2 MAXLEN = 3 5-1 f v"));
      assertEquals("XADD s MAXLEN 2 7-0 f v", sent(s, "XADD s IDMPAUTO p3 MAXLEN 2 7-0 f v"));
      assertEquals("XADD s 8-0 f v", sent(s, "XADD s KEEPREF IDMP p9 i1 8-0 f v"));
      Translation retry = on(s, "XADD s IDMPAUTO p3 MAXLEN 2 * f v");
      assertNull(retry.argv());
      assertTrue(!retry.refused() && retry.reason().contains("de-duplicated"), retry::toString);
      assertNull(on(s, "XADD s IDMP p1 i1 * f v").argv());
      assertEquals("XADD s 9-0 f v", sent(s, "XADD s IDMP p1 i1 9-0 f v"));
      // Not IDMP: as it is.
      assertEquals("XADD s * f v", sent(s, "XADD s * f v"));
    }
    // Redis 8.6 takes IDMP only with *: the id goes with XIDMPRECORD (8.6.2+), which XADD
    // IDMP refuses from a client; IDMPAUTO's digest has no such command.
    assertEquals(
        "1 s 7 XADD s MAXLEN 2 1-0 f v 5 XIDMPRECORD s p1 i1 1-0",
        script(sent(REDIS_86, "XADD s IDMP p1 i1 MAXLEN 2 1-0 f v")));
    assertEquals("XADD s 1-0 f v", sent(REDIS_86, "XADD s IDMPAUTO p2 1-0 f v"));
    assertNull(on(REDIS_86, "XADD s IDMP p1 i1 * f v").argv());
    assertEquals(
        "XADD s 1-0 f v", sent(new ServerInfo("redis", "8.6.1", 13), "XADD s IDMP p1 i1 1-0 f v"));
    Translation trim = on(VALKEY_91, "XADD s DELREF MAXLEN 2 9-0 f v");
    assertTrue(trim.refused() && trim.reason().contains("valkey 9.1.2"), trim::toString);
    assertEquals("XTRIM s MAXLEN 2", sent(REDIS_74, "XTRIM s MAXLEN 2 KEEPREF"));
  }

  @Test
  void trimslotsNeverReachesTheDestination() {
    for (ServerInfo s : List.of(REDIS_86, VALKEY_91, REDIS_70)) {
      Translation t = on(s, "TRIMSLOTS RANGES 1 0 100");
      assertNull(t.argv());
      assertTrue(!t.refused(), t::toString);
    }
  }

  @Test
  void idmpSettingsAreRefusedWithoutIdmp() {
    Translation t =
        refused(
            VALKEY_91,
            "XCFGSET s IDMP-DURATION 100 IDMP-MAXSIZE 50",
            "XCFGSET on stream 's': valkey 9.1.2 has no idempotent producers (IDMP, Redis 8.6+);"
                + " the stream's IDMP state is left out");
    assertNull(t.unsupportedType());
  }

  @Test
  void vectorSetCommandsAreRefusedAndCountedAsTheirType() {
    for (String c : List.of("VADD v VALUES 3 1 0 0 e1", "VREM v e1", "VSETATTR v e1 {}")) {
      for (ServerInfo s : List.of(VALKEY_91, REDIS_74)) {
        Translation t = on(s, c);
        assertTrue(t.refused(), t::toString);
        assertEquals("vectorset", t.unsupportedType());
        assertTrue(t.reason().contains("'v'") && t.reason().contains(s.toString()), t.reason());
      }
    }
  }

  @Test
  void hsetexBecomesHsetWithItsTtlWhereFieldTtlsExist() {
    assertEquals(
        "1 h 6 HSET h f 6 g 7 7 HPEXPIREAT h 9999999999999 FIELDS 2 f g",
        script(sent(REDIS_74, "HSETEX h PXAT 9999999999999 FIELDS 2 f 6 g 7")));
    String keep = sent(REDIS_74, "HSETEX h KEEPTTL FIELDS 1 a 9");
    assertTrue(keep.startsWith("EVAL " + EvalScripts.HSET_KEEPTTL + " 1 h a 9"), keep);
    // Without field TTLs (HSET when there is no TTL to keep: in the table above), else refused.
    refused(
        REDIS_70,
        "HSETEX h PXAT 9999999999999 FIELDS 1 f 6",
        "HSETEX on 'h': hash field TTLs (Redis 7.4+) cannot be kept by the destination (redis"
            + " 7.0.15); not applied");
  }

  @Test
  void theHexpireFamilyAsPropagatedIsRefusedOrMootWithoutFieldTtls() {
    assertTrue(on(REDIS_70, "HPEXPIREAT h 9999999999999 FIELDS 1 b").refused());
    Translation persist = on(REDIS_70, "HPERSIST h FIELDS 1 f");
    assertNull(persist.argv());
    assertTrue(!persist.refused(), persist::toString);
  }

  /** Commands of Redis 8.2 and 8.4 sent as one plain command the destination reads. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "REDIS_74  | SET k v2 IFEQ v1               | SET k v2",
        "REDIS_70  | SET k v2 IFNE v1 PX 5          | SET k v2 PX 5",
        "VALKEY_91 | SET k v2 IFEQ v1               | SET k v2 IFEQ v1",
        "VALKEY_91 | SET k v3 IFNE EX KEEPTTL       | SET k v3 KEEPTTL",
        "REDIS_70  | SET k EX EX 5                  | SET k EX EX 5",
        "VALKEY_91 | DELEX k                        | DEL k",
        "REDIS_74  | MSETEX 1 a 1 XX PXAT 99        | SET a 1 PXAT 99",
        "REDIS_70  | MSETEX 2 a 1 b 2 NX            | MSET a 1 b 2",
        "VALKEY_91 | XDELEX s IDS 2 1-0 2-0         | XDEL s 1-0 2-0",
        "REDIS_74  | XDELEX s KEEPREF IDS 1 1-0     | XDEL s 1-0",
        "REDIS_74  | HSETEX h FNX FIELDS 1 a 9      | HSET h a 9",
        "REDIS_70  | HSETEX h KEEPTTL FIELDS 1 a 9  | HSET h a 9",
        "REDIS_74  | HPEXPIREAT h 9 FIELDS 1 b      | HPEXPIREAT h 9 FIELDS 1 b",
        "REDIS_74  | HGETDEL h FIELDS 2 e f         | HDEL h e f",
      })
  void sentAsOnePlainCommand(String server, String command, String expected) {
    assertEquals(expected, sent(SERVERS.get(server), command));
  }

  @Test
  void stringCommandsOfRedis84() {
    assertTrue(on(VALKEY_91, "DELEX k IFEQ v").refused());
    assertEquals(
        "2 a b 5 SET a 1 PXAT 99 5 SET b 2 PXAT 99",
        script(sent(REDIS_70, "MSETEX 2 a 1 b 2 PXAT 99")));
  }

  @Test
  void streamDeletionsOfRedis82() {
    assertTrue(on(VALKEY_91, "XDELEX s ACKED IDS 1 1-0").refused());
    assertEquals(
        "1 s 4 XACK s g 3-0 3 XDEL s 3-0", script(sent(VALKEY_91, "XACKDEL s g IDS 1 3-0")));
    Translation t = on(REDIS_70, "XACKDEL s g DELREF IDS 1 3-0");
    assertTrue(t.refused() && t.reason().contains("redis 7.0.15"), t::toString);
  }
}
