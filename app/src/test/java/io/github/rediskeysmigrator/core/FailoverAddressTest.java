package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverAddressTest {
  @Test
  void aPlainAddressIsNoFailoverAddress() {
    assertFalse(FailoverAddress.names("redis://u:p,w@h:1/2"));
    assertFalse(FailoverAddress.names("h:6379"));
  }

  @Test
  void readsSentinelsMasterNameCredentialsAndDb() {
    String text = "redis-sentinel://app:s3cret@s1:26379,s2:26380/mymaster/3";
    assertTrue(FailoverAddress.names(text));
    FailoverAddress a = FailoverAddress.parse(text);
    assertTrue(a.sentinel());
    assertEquals("mymaster", a.masterName());
    assertEquals(
        List.of("s1:26379", "s2:26380"), a.sentinels().stream().map(RedisUri::address).toList());
    assertEquals("s3cret", a.sentinels().get(1).password());
    RedisUri master = a.master("10.0.0.5", 6380);
    assertEquals(new RedisUri("10.0.0.5", 6380, 3, "app", "s3cret", false), master);
    assertEquals("redis-sentinel://app:***@s1:26379,s2:26380/mymaster/3", a.toString());
  }

  @Test
  void aTlsSentinelUsesTlsForSentinelsAndMasters() {
    FailoverAddress a = FailoverAddress.parse("rediss-sentinel://s1:26379/m");
    assertTrue(a.sentinels().get(0).tls());
    assertTrue(a.master("h", 1).tls());
    assertEquals(-1, a.master("h", 1).db());
  }

  @Test
  void aPasswordFromAFileReachesTheDataNodesOnly() {
    FailoverAddress a = FailoverAddress.parse("redis-sentinel://s1:26379/m").withPassword("pw");
    assertEquals("pw", a.master("h", 1).password());
    assertNull(a.sentinels().get(0).password());
  }

  @Test
  void readsSeveralAddressesWithSharedCredentials() {
    FailoverAddress a = FailoverAddress.parse("redis://:pw@h1:7000,h2:7001/1");
    assertFalse(a.sentinel());
    assertEquals(2, a.nodes().size());
    assertEquals(new RedisUri("h2", 7001, 1, null, "pw", false), a.nodes().get(1));
    assertEquals(a.nodes().get(0), a.seed());
    assertEquals("redis://:***@h1:7000,h2:7001/1", a.toString());
  }

  @Test
  void refusesASentinelWithoutMasterNameWithoutShowingThePassword() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FailoverAddress.parse("redis-sentinel://u:topsecret@s1:26379"));
    assertTrue(e.getMessage().contains("no master name"), e.getMessage());
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }

  @Test
  void refusesAnEmptyAddress() {
    assertThrows(IllegalArgumentException.class, () -> FailoverAddress.parse("redis://h1:1,,h2:2"));
  }
}
