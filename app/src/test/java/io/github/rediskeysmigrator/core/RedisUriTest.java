package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checks the URI forms {@link RedisUri} accepts, and that it never shows a password. */
class RedisUriTest {
  private static final String SECRET = "s3cr3tPw";

  @Test
  void hostAloneTakesTheDefaultPortAndNoDb() {
    RedisUri uri = RedisUri.parse("redis://cache.example.com");
    assertEquals(new RedisUri("cache.example.com", 6379, -1, null, null, false), uri);
    assertEquals(0, uri.dbOrZero());
    assertEquals("cache.example.com:6379", uri.address());
  }

  @Test
  void portAndDbAreRead() {
    RedisUri uri = RedisUri.parse("redis://host:6380/3");
    assertEquals(new RedisUri("host", 6380, 3, null, null, false), uri);
    assertEquals(3, uri.dbOrZero());
  }

  @Test
  void userPasswordPortAndDbAreRead() {
    assertEquals(
        new RedisUri("host", 1, 2, "user", "pass", false),
        RedisUri.parse("redis://user:pass@host:1/2"));
  }

  @Test
  void userInfoWithoutColonIsAPassword() {
    assertEquals(
        new RedisUri("host", 6379, -1, null, "pass", false), RedisUri.parse("redis://pass@host"));
  }

  @Test
  void emptyUserBeforeTheColonMeansNoUser() {
    assertEquals(
        new RedisUri("host", 6379, -1, null, "pass", false), RedisUri.parse("redis://:pass@host"));
  }

  @Test
  void redissMeansTls() {
    RedisUri uri = RedisUri.parse("rediss://host:6380");
    assertTrue(uri.tls());
    assertFalse(RedisUri.parse("redis://host").tls());
    assertTrue(uri.toString().startsWith("rediss://"));
  }

  @Test
  void schemeIsCaseInsensitive() {
    assertTrue(RedisUri.parse("REDISS://host").tls());
    assertEquals("host", RedisUri.parse("Redis://host").host());
  }

  @Test
  void bareHostAndPortAreAccepted() {
    assertEquals(
        new RedisUri("10.0.0.7", 7000, -1, null, null, false), RedisUri.parse("10.0.0.7:7000"));
    assertEquals(
        new RedisUri("localhost", 6379, -1, null, null, false), RedisUri.parse("localhost"));
    assertEquals(new RedisUri("h", 1, 4, null, null, false), RedisUri.parse("  h:1/4 "));
  }

  @Test
  void urlEncodedPasswordIsDecoded() {
    RedisUri uri = RedisUri.parse("redis://app:p%40ss%3Aw%2Frd%25@host:6379/0");
    assertEquals("app", uri.user());
    assertEquals("p@ss:w/rd%", uri.password());
    assertEquals("host", uri.host());
    assertEquals(0, uri.db());
  }

  @Test
  void plusInPasswordStaysAPlus() {
    assertEquals("a+b", RedisUri.parse("redis://u:a+b@host").password());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://host:6379, unsupported scheme 'http'",
    "redis://host/abc, bad database 'abc'",
    "redis://host/-1, bad database",
  })
  void badSchemeOrDbIsRejectedSayingWhatIsWrong(String uri, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(uri));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void missingHostIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis:///0"));
    assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis://user:pw@"));
  }

  @Test
  void toStringMasksThePassword() {
    RedisUri uri = RedisUri.parse("redis://user:" + SECRET + "@host:1/2");
    assertEquals("redis://user:***@host:1/2", uri.toString());
    assertEquals(
        "redis://:***@host:6379", RedisUri.parse("redis://" + SECRET + "@host").toString());
    assertEquals("rediss://host:6380", RedisUri.parse("rediss://host:6380").toString());
  }

  @Test
  void passwordFromElsewhereIsMaskedToo() {
    RedisUri uri = RedisUri.parse("redis://host").withPassword(SECRET).withDb(5);
    assertEquals(SECRET, uri.password());
    assertEquals("redis://:***@host:6379/5", uri.toString());
  }

  @Test
  void noErrorMessageContainsThePassword() {
    List<String> bad =
        List.of(
            "http://user:" + SECRET + "@host",
            "redis://user:" + SECRET + "@host/abc",
            "redis://user:" + SECRET + "@host/-3",
            "redis://user:" + SECRET + "@",
            "redis://" + SECRET + "@host/x",
            "user:" + SECRET + "@host/x",
            "redis://user:" + SECRET + "@bad_host:port",
            "redis://user:" + SECRET + "@host:6379/0/1",
            // Characters the URI grammar refuses, before or after the password.
            "redis://us er:" + SECRET + "@host",
            "redis://user:" + SECRET + " x@host",
            "redis://user:" + SECRET + "%@host",
            "redis://user:" + SECRET + "@ho st",
            // An unencoded '@', '/', '#' or '?' in the password.
            "redis://user:" + SECRET + "@x@host",
            "redis://user:" + SECRET + "/x@host/1",
            "redis://user:" + SECRET + "#x@host",
            "redis://user:" + SECRET + "?x@host/1");
    for (String text : bad) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(text), text);
      assertFalse(e.getMessage().contains(SECRET), () -> "password shown: " + e.getMessage());
    }
  }

  @Test
  void noCauseOfAParseErrorContainsThePassword() {
    List<String> bad =
        List.of(
            "redis://us er:" + SECRET + "@host",
            "redis://user:" + SECRET + " x@host",
            "redis://user:" + SECRET + "%@host",
            "redis://user:" + SECRET + "@ho st",
            "redis://user:" + SECRET + "@host/abc");
    StringBuilder leaks = new StringBuilder();
    for (String text : bad) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(text));
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (String.valueOf(t.getMessage()).contains(SECRET)) {
          leaks.append(text).append(" -> cause ").append(t).append('\n');
        }
      }
    }
    if (leaks.length() > 0) {
      fail(leaks.toString());
    }
  }

  @Test
  void portOutOfRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> RedisUri.parse("redis://host:70000"));
  }
}
