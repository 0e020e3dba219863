package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisUri;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The *_REDIS_* variables go through the URI option's parser: same checks, same messages. */
class EnvAddressTest {

  private static String refusal(String role, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> EnvAddress.resolve(null, role, env))
        .getMessage();
  }

  private static String optionRefusal(String uri) {
    return assertThrows(
            IllegalArgumentException.class, () -> EnvAddress.resolve(uri, "DESTINATION", Map.of()))
        .getMessage();
  }

  @ParameterizedTest(name = "{1}={2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DESTINATION | DESTINATION_REDIS_PORT     | 99999 | redis://localhost:99999   | bad port 99999 in redis://localhost:99999",
        "DESTINATION | DESTINATION_REDIS_PORT     | 0     | redis://localhost:0       | bad port 0 in redis://localhost:0",
        "DESTINATION | DESTINATION_REDIS_PORT     | x     | redis://localhost:x       | bad port 'x' in redis://localhost:x",
        "DESTINATION | DESTINATION_REDIS_PORT     | -1    | redis://localhost:-1      | bad port '-1' in redis://localhost:-1",
        "DESTINATION | DESTINATION_REDIS_DB_INDEX | -1    | redis://localhost:6379/-1 | bad database -1 in redis://localhost:6379/-1",
        "DESTINATION | DESTINATION_REDIS_DB_INDEX | x     | redis://localhost:6379/x  | bad database 'x' in redis://localhost:6379/x",
        "SOURCE      | SOURCE_REDIS_PORT          | 65536 | redis://localhost:65536   | bad port 65536 in redis://localhost:65536",
      })
  void badVariableIsRefusedLikeTheOptionNamingItsVariable(
      String role, String variable, String value, String sameAsOption, String message) {
    assertEquals(message, optionRefusal(sameAsOption));
    assertEquals(message + " (from " + variable + ")", refusal(role, Map.of(variable, value)));
  }

  @Test
  void optionRefusalHidesThePassword() {
    assertEquals(
        "bad port 'x' in redis://***@localhost:x", optionRefusal("redis://u:pw@localhost:x"));
  }

  @Test
  void badHostIsRefusedNamingItsVariable() {
    String message = refusal("DESTINATION", Map.of("DESTINATION_REDIS_HOST", "a host"));
    assertTrue(message.endsWith("(from DESTINATION_REDIS_HOST)"), message);
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
