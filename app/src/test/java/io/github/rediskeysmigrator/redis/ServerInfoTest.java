package io.github.rediskeysmigrator.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks how {@link ServerInfo} reads INFO server and which RDB version RESTORE accepts. */
class ServerInfoTest {

  /** The head of a real INFO server reply, with {@code versionLines} where the version goes. */
  private static String info(String... versionLines) {
    StringBuilder sb = new StringBuilder("# Server\r\n");
    for (String line : versionLines) {
      sb.append(line).append("\r\n");
    }
    return sb.append("redis_git_sha1:00000000\r\n")
        .append("redis_git_dirty:0\r\n")
        .append("redis_build_id:5f4a1f4ae1d8b2c6\r\n")
        .append("redis_mode:standalone\r\n")
        .append("os:Linux 6.8.0-1019-aws x86_64\r\n")
        .append("arch_bits:64\r\n")
        .append("multiplexing_api:epoll\r\n")
        .append("gcc_version:12.2.0\r\n")
        .append("process_id:1\r\n")
        .append("run_id:0b3b6e2f8c5e4a7d9c1f2e3d4c5b6a7980112233\r\n")
        .append("tcp_port:6379\r\n")
        .append("server_time_usec:1730000000000000\r\n")
        .append("uptime_in_seconds:42\r\n")
        .append("executable:/data/redis-server\r\n")
        .append("config_file:\r\n")
        .toString();
  }

  private static ServerInfo redis(String version) {
    return ServerInfo.parse(info("redis_version:" + version));
  }

  @Test
  void redis62AcceptsRdb9() {
    ServerInfo s = redis("6.2.11");
    assertEquals(new ServerInfo("redis", "6.2.11", 9), s);
    assertTrue(s.supportsAbsTtl());
  }

  @Test
  void redis70AcceptsRdb10() {
    assertEquals(new ServerInfo("redis", "7.0.15", 10), redis("7.0.15"));
  }

  @Test
  void redis72AcceptsRdb11() {
    assertEquals(new ServerInfo("redis", "7.2.6", 11), redis("7.2.6"));
  }

  @Test
  void redis74AcceptsRdb12() {
    assertEquals(new ServerInfo("redis", "7.4.1", 12), redis("7.4.1"));
  }

  @Test
  void redis80MilestoneReportingSeven9AcceptsRdb12() {
    // Redis 8.0-M01 reports itself as 7.9.224.
    ServerInfo s = redis("7.9.224");
    assertEquals(12, s.maxRdbVersion());
    assertTrue(s.supportsAbsTtl());
  }

  @Test
  void redis8AcceptsRdb12() {
    assertEquals(12, redis("8.0.2").maxRdbVersion());
  }

  @Test
  void redis86AndLaterRestoreRdb13AndRedis84DoesNot() {
    // redis/librdb's redisver.h: 8.6 writes RDB 13; 7.4, 8.0, 8.2 and 8.4 write 12.
    assertEquals(new ServerInfo("redis", "8.6.0", 13), redis("8.6.0"));
    assertEquals(new ServerInfo("redis", "9.0.0", 13), redis("9.0.0"));
    assertEquals(new ServerInfo("redis", "8.4.0", 12), redis("8.4.0"));
    assertEquals(new ServerInfo("redis", "8.2.1", 12), redis("8.2.1"));
    assertTrue(redis("8.6.0").restores(13));
    assertFalse(redis("8.4.0").restores(13));
    assertFalse(redis("7.4.1").restores(13));
  }

  @Test
  void valkeyNineRefusesRedis86Payloads() {
    assertFalse(new ServerInfo("valkey", "9.0.1", 80).restores(13));
  }

  @Test
  void valkey8IsNamedByItsOwnVersionAndAcceptsRdb11() {
    ServerInfo s =
        ServerInfo.parse(info("redis_version:7.2.4", "server_name:valkey", "valkey_version:8.0.1"));
    assertEquals(new ServerInfo("valkey", "8.0.1", 11), s);
    assertTrue(s.supportsAbsTtl());
    assertEquals("valkey 8.0.1", s.toString());
  }

  @Test
  void olderRedisVersions() {
    assertEquals(9, redis("5.0.14").maxRdbVersion());
    assertTrue(redis("5.0.14").supportsAbsTtl());
    assertEquals(8, redis("4.0.14").maxRdbVersion());
    assertFalse(redis("4.0.14").supportsAbsTtl());
    assertEquals(7, redis("3.2.12").maxRdbVersion());
    assertFalse(redis("3.2.12").supportsAbsTtl());
    assertEquals(6, redis("2.8.24").maxRdbVersion());
  }

  @Test
  void toStringNamesProductAndVersion() {
    assertEquals("redis 7.0.15", redis("7.0.15").toString());
  }

  @Test
  void plainNewlinesAndSpacesAreAccepted() {
    ServerInfo s = ServerInfo.parse("# Server\nredis_version:7.2.6  \nredis_mode:standalone\n");
    assertEquals(new ServerInfo("redis", "7.2.6", 11), s);
  }

  @Test
  void suffixesOnVersionNumbersAreIgnored() {
    assertEquals(12, redis("7.4-rc2").maxRdbVersion());
    assertEquals(10, redis("7.0.0-rc1").maxRdbVersion());
  }

  @Test
  void missingVersionIsTakenAsOldest() {
    ServerInfo s = ServerInfo.parse("# Server\r\nredis_mode:standalone\r\n");
    assertEquals("redis", s.product());
    assertEquals(6, s.maxRdbVersion());
    assertFalse(s.supportsAbsTtl());
  }

  @Test
  void redis30AcceptsOnlyRdb6() {
    // Redis 3.0 defines REDIS_RDB_VERSION 6 (src/redis.h at tag 3.0.0); 3.2 moved to 7.
    assertEquals(6, ServerInfo.parse("redis_version:3.0.7\r\n").maxRdbVersion());
  }

  @Test
  void featuresARewrittenKeyMayUseFollowTheVersion() {
    ServerInfo valkey8 =
        ServerInfo.parse(info("redis_version:7.2.4", "server_name:valkey", "valkey_version:8.0.1"));
    assertTrue(redis("7.4.1").supportsHashFieldTtl());
    assertTrue(redis("8.0.0").supportsHashFieldTtl());
    assertFalse(redis("7.2.6").supportsHashFieldTtl());
    assertFalse(valkey8.supportsHashFieldTtl());
    assertTrue(valkey8.supportsStreamCounters());
    assertTrue(redis("7.0.15").supportsStreamCounters());
    assertFalse(redis("6.2.11").supportsStreamCounters());
    assertTrue(redis("6.2.11").supportsCreateConsumer());
    assertFalse(redis("6.0.20").supportsCreateConsumer());
    assertTrue(redis("5.0.0").supportsStreams());
    assertFalse(redis("4.0.14").supportsStreams());
  }

  @Test
  void valkeyNineRestoresItsOwnVersionAndValkeyEightsButNotRedisNewerOnes() {
    ServerInfo valkey9 = new ServerInfo("valkey", "9.0.1", 80);
    assertTrue(valkey9.restores(11));
    assertTrue(valkey9.restores(80));
    // Redis 7.4's RDB 12 lies in the range Valkey leaves to Redis: rewritten instead.
    assertFalse(valkey9.restores(12));
    assertEquals("RDB versions up to 11 and 80", valkey9.restorableVersions());
  }

  @Test
  void redisRestoresUpToItsVersionAndNoValkeyNinePayload() {
    ServerInfo redis74 = redis("7.4.1");
    assertTrue(redis74.restores(12));
    assertFalse(redis74.restores(80));
    assertFalse(redis("7.0.15").restores(11));
    assertEquals("RDB versions up to 10", redis("7.0.15").restorableVersions());
  }

  @Test
  void readsTheFieldsOfAnyInfoSection() {
    var fields =
        ServerInfo.fields(
            "# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_repl_offset:1234\r\n");
    assertEquals("master", fields.get("role"));
    assertEquals("1234", fields.get("master_repl_offset"));
    assertFalse(fields.containsKey("# Replication"));
  }
}
