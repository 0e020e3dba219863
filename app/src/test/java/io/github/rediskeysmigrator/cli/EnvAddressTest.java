package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisUri;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The *_REDIS_* variables go through the URI option's parser: same checks, same messages. */
class EnvAddressTest {

  private static String refusal(Map<String, String> env) {
    return assertThrows(
            IllegalArgumentException.class, () -> EnvAddress.resolve(null, "DESTINATION", env))
        .getMessage();
  }

  private static String optionRefusal(String uri) {
    return assertThrows(
            IllegalArgumentException.class, () -> EnvAddress.resolve(uri, "DESTINATION", Map.of()))
        .getMessage();
  }

  @Test
  void portOutOfRangeIsRefusedLikeTheOption() {
    assertEquals(
        optionRefusal("redis://localhost:99999") + " (from DESTINATION_REDIS_PORT)",
        refusal(Map.of("DESTINATION_REDIS_PORT", "99999")));
    assertEquals(
        "bad port 99999 in redis://localhost:99999 (from DESTINATION_REDIS_PORT)",
        refusal(Map.of("DESTINATION_REDIS_PORT", "99999")));
    assertEquals(
        "bad port 0 in redis://localhost:0 (from DESTINATION_REDIS_PORT)",
        refusal(Map.of("DESTINATION_REDIS_PORT", "0")));
  }

  @Test
  void portThatIsNotANumberIsRefusedLikeTheOption() {
    assertEquals("bad port 'x' in redis://localhost:x", optionRefusal("redis://localhost:x"));
    assertEquals(
        "bad port 'x' in redis://***@localhost:x", optionRefusal("redis://u:pw@localhost:x"));
    assertEquals(
        "bad port 'x' in redis://localhost:x (from DESTINATION_REDIS_PORT)",
        refusal(Map.of("DESTINATION_REDIS_PORT", "x")));
    assertEquals(
        "bad port '-1' in redis://localhost:-1 (from DESTINATION_REDIS_PORT)",
        refusal(Map.of("DESTINATION_REDIS_PORT", "-1")));
  }

  @Test
  void negativeOrNonNumericDbIsRefusedLikeTheOption() {
    assertEquals(
        optionRefusal("redis://localhost:6379/-1") + " (from DESTINATION_REDIS_DB_INDEX)",
        refusal(Map.of("DESTINATION_REDIS_DB_INDEX", "-1")));
    assertEquals(
        "bad database -1 in redis://localhost:6379/-1 (from DESTINATION_REDIS_DB_INDEX)",
        refusal(Map.of("DESTINATION_REDIS_DB_INDEX", "-1")));
    assertEquals(
        "bad database 'x' in redis://localhost:6379/x (from DESTINATION_REDIS_DB_INDEX)",
        refusal(Map.of("DESTINATION_REDIS_DB_INDEX", "x")));
  }

  @Test
  void badHostIsRefusedNamingItsVariable() {
    String message = refusal(Map.of("DESTINATION_REDIS_HOST", "a host"));
    assertTrue(message.endsWith("(from DESTINATION_REDIS_HOST)"), message);
  }

  @Test
  void sourceVariablesAreCheckedTheSameWay() {
    String message =
        assertThrows(
                IllegalArgumentException.class,
                () -> EnvAddress.resolve(null, "SOURCE", Map.of("SOURCE_REDIS_PORT", "65536")))
            .getMessage();
    assertEquals("bad port 65536 in redis://localhost:65536 (from SOURCE_REDIS_PORT)", message);
  }

  @Test
  void goodVariablesMakeTheAddress() {
    EnvAddress.Resolved r =
        EnvAddress.resolve(
            null,
            "DESTINATION",
            Map.of(
                "DESTINATION_REDIS_HOST", " cache.example ",
                "DESTINATION_REDIS_PORT", "6380",
                "DESTINATION_REDIS_DB_INDEX", "3",
                "DESTINATION_REDIS_PASSWORD", "secret"));
    assertEquals(new RedisUri("cache.example", 6380, 3, null, "secret", false), r.uri());
    assertTrue(r.explicitDb());
  }

  @Test
  void ipv6HostAndDefaults() {
    EnvAddress.Resolved r =
        EnvAddress.resolve(null, "DESTINATION", Map.of("DESTINATION_REDIS_HOST", "::1"));
    assertEquals(6379, r.uri().port());
    assertFalse(r.explicitDb());
    EnvAddress.Resolved none = EnvAddress.resolve(null, "DESTINATION", Map.of());
    assertEquals("localhost", none.uri().host());
    assertEquals(-1, none.uri().db());
  }
}
