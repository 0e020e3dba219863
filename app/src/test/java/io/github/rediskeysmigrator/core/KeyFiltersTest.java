package io.github.rediskeysmigrator.core;

import static io.github.rediskeysmigrator.core.KeyFilter.Decision.EXPIRED;
import static io.github.rediskeysmigrator.core.KeyFilter.Decision.FILTERED;
import static io.github.rediskeysmigrator.core.KeyFilter.Decision.KEEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.MigrationConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks each filter of {@link KeyFilters}, their order, and how a key's destination db is chosen.
 */
class KeyFiltersTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

  private static KeyEvent key(int db, String name, KeyType type, long expireAtMs) {
    return KeyEvent.of(db, name.getBytes(StandardCharsets.UTF_8), type, expireAtMs, new byte[12]);
  }

  private static KeyEvent key(int db, String name) {
    return key(db, name, KeyType.STRING, KeyEvent.NO_EXPIRY);
  }

  private static MigrationConfig config(
      Set<Integer> dbs,
      Map<Integer, Integer> dbMap,
      int targetDb,
      String match,
      Set<KeyType> types) {
    return MigrationConfigs.selecting(dbs, dbMap, targetDb, match, types);
  }

  private static MigrationConfig dbMapping(Map<Integer, Integer> dbMap, int targetDb) {
    return config(Set.of(), dbMap, targetDb, "*", Set.of());
  }

  @Test
  void databasesKeepsOnlySelectedDbs() {
    KeyFilter f = KeyFilters.databases(Set.of(0, 2));
    assertEquals(KEEP, f.decide(key(0, "a")));
    assertEquals(KEEP, f.decide(key(2, "a")));
    assertEquals(FILTERED, f.decide(key(1, "a")));
  }

  @Test
  void noDatabaseSelectionKeepsEveryDb() {
    KeyFilter f = KeyFilters.databases(Set.of());
    assertEquals(KEEP, f.decide(key(15, "a")));
  }

  @Test
  void databaseSelectionLooksAtTheSourceDbEvenAfterMapping() {
    KeyFilter f = KeyFilters.databases(Set.of(1));
    assertEquals(KEEP, f.decide(key(1, "a").inDb(7)));
    assertEquals(FILTERED, f.decide(key(7, "a").inDb(1)));
  }

  @Test
  void patternKeepsMatchingKeys() {
    KeyFilter f = KeyFilters.pattern(GlobPattern.of("user:*"));
    assertEquals(KEEP, f.decide(key(0, "user:1")));
    assertEquals(FILTERED, f.decide(key(0, "session:1")));
  }

  @Test
  void typeKeepsListedTypes() {
    KeyFilter f = KeyFilters.types(Set.of(KeyType.HASH, KeyType.ZSET));
    assertEquals(KEEP, f.decide(key(0, "h", KeyType.HASH, KeyEvent.NO_EXPIRY)));
    assertEquals(KEEP, f.decide(key(0, "z", KeyType.ZSET, KeyEvent.NO_EXPIRY)));
    assertEquals(FILTERED, f.decide(key(0, "s", KeyType.STRING, KeyEvent.NO_EXPIRY)));
  }

  @Test
  void noTypeSelectionKeepsEveryType() {
    KeyFilter f = KeyFilters.types(Set.of());
    for (KeyType t : KeyType.values()) {
      assertEquals(KEEP, f.decide(key(0, "k", t, KeyEvent.NO_EXPIRY)));
    }
  }

  @Test
  void keyExpiringAtOrBeforeNowIsExpired() {
    KeyFilter f = KeyFilters.notExpired(CLOCK);
    assertEquals(EXPIRED, f.decide(key(0, "past", KeyType.STRING, NOW - 60_000)));
    assertEquals(EXPIRED, f.decide(key(0, "now", KeyType.STRING, NOW)));
    assertEquals(EXPIRED, f.decide(key(0, "epoch", KeyType.STRING, 0)));
  }

  @Test
  void keyExpiringAfterNowOrNeverIsKept() {
    KeyFilter f = KeyFilters.notExpired(CLOCK);
    assertEquals(KEEP, f.decide(key(0, "soon", KeyType.STRING, NOW + 1)));
    assertEquals(KEEP, f.decide(key(0, "never", KeyType.STRING, KeyEvent.NO_EXPIRY)));
  }

  @Test
  void expiryFollowsTheInjectedClock() {
    KeyEvent event = key(0, "k", KeyType.STRING, NOW + 1000);
    Clock later = Clock.offset(CLOCK, Duration.ofSeconds(1));
    assertEquals(KEEP, KeyFilters.notExpired(CLOCK).decide(event));
    assertEquals(EXPIRED, KeyFilters.notExpired(later).decide(event));
  }

  @Test
  void chainAppliesDbPatternAndType() {
    KeyFilter chain =
        KeyFilters.forConfig(
            config(Set.of(0), Map.of(), -1, "user:*", Set.of(KeyType.HASH)), CLOCK);
    assertEquals(KEEP, chain.decide(key(0, "user:1", KeyType.HASH, KeyEvent.NO_EXPIRY)));
    assertEquals(FILTERED, chain.decide(key(1, "user:1", KeyType.HASH, KeyEvent.NO_EXPIRY)));
    assertEquals(FILTERED, chain.decide(key(0, "order:1", KeyType.HASH, KeyEvent.NO_EXPIRY)));
    assertEquals(FILTERED, chain.decide(key(0, "user:1", KeyType.LIST, KeyEvent.NO_EXPIRY)));
    assertEquals(EXPIRED, chain.decide(key(0, "user:1", KeyType.HASH, NOW - 1)));
  }

  @Test
  void filteredComesBeforeExpired() {
    KeyFilter chain =
        KeyFilters.forConfig(
            config(Set.of(0), Map.of(), -1, "user:*", Set.of(KeyType.HASH)), CLOCK);
    long expired = NOW - 1;
    assertEquals(FILTERED, chain.decide(key(3, "user:1", KeyType.HASH, expired)));
    assertEquals(FILTERED, chain.decide(key(0, "other", KeyType.HASH, expired)));
    assertEquals(FILTERED, chain.decide(key(0, "user:1", KeyType.SET, expired)));
  }

  @Test
  void defaultChainOnlyDropsExpiredKeys() {
    KeyFilter chain = KeyFilters.forConfig(dbMapping(Map.of(), -1), CLOCK);
    assertEquals(KEEP, chain.decide(key(9, "", KeyType.STREAM, KeyEvent.NO_EXPIRY)));
    assertEquals(EXPIRED, chain.decide(key(9, "x", KeyType.STREAM, NOW)));
  }

  @Test
  void dbMapWinsOverTargetDb() {
    MigrationConfig c = dbMapping(Map.of(0, 3, 1, 4), 9);
    assertEquals(3, c.destinationDb(0));
    assertEquals(4, c.destinationDb(1));
    assertEquals(9, c.destinationDb(2));
  }

  @Test
  void targetDbMinusOneKeepsTheSourceDb() {
    MigrationConfig c = dbMapping(Map.of(0, 3), -1);
    assertEquals(3, c.destinationDb(0));
    assertEquals(1, c.destinationDb(1));
    assertEquals(15, c.destinationDb(15));
  }

  @Test
  void targetDbSendsEveryUnmappedKeyThere() {
    MigrationConfig c = dbMapping(Map.of(), 0);
    assertEquals(0, c.destinationDb(0));
    assertEquals(0, c.destinationDb(5));
  }

  @Test
  void configCopiesItsCollections() {
    HashMap<Integer, Integer> map = new HashMap<>(Map.of(0, 3));
    MigrationConfig c = dbMapping(map, -1);
    map.put(0, 5);
    assertEquals(3, c.destinationDb(0));
  }

  private static String rejection(int pipeline, int existingLimit, double maxRate, int maxErrors) {
    return assertThrows(
            IllegalArgumentException.class,
            () ->
                MigrationConfigs.limits(
                    "*", ExistencePolicy.SKIP, pipeline, existingLimit, maxRate, maxErrors))
        .getMessage();
  }

  @Test
  void configRejectsOutOfRangeSettingsNamingTheOption() {
    assertTrue(rejection(0, 1, 0, 0).contains("--pipeline"));
    assertTrue(rejection(1, 0, 0, 0).contains("--existing-limit"));
    assertTrue(rejection(1, 1, -1, 0).contains("--max-rate"));
    assertTrue(rejection(1, 1, 0, -1).contains("--max-errors"));
  }
}
