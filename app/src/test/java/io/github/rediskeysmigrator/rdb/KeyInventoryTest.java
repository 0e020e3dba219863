package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyInventoryTest {
  private static final long NOW = 1_700_000_000_000L;

  private static KeyEvent key(int db, String name, KeyType type, long expireAt, int size) {
    return KeyEvent.of(db, KeyNames.bytes(name), type, expireAt, new byte[size]);
  }

  @Test
  void countsKeysPerDbTypeExpiryAndExpired() {
    KeyInventory inv = new KeyInventory(NOW);
    inv.accept(key(0, "a", KeyType.STRING, KeyEvent.NO_EXPIRY, 12));
    inv.accept(key(0, "b", KeyType.HASH, NOW + 1, 12));
    inv.accept(key(0, "c", KeyType.STRING, NOW, 12));
    inv.accept(key(3, "d", KeyType.LIST, NOW - 1, 12));
    inv.accept(KeyEvent.gone(0, KeyNames.bytes("gone")));

    KeyInventory.Counts db0 = inv.perDb().get(0);
    assertEquals(3, db0.keys());
    assertEquals(Map.of(KeyType.STRING, 2L, KeyType.HASH, 1L), db0.types());
    assertEquals(2, db0.withExpiry());
    assertEquals(1, db0.expired(), "expired at exactly now, as the rdb command's filter says");
    KeyInventory.Counts total = inv.total();
    assertEquals(4, total.keys());
    assertEquals(3, total.withExpiry());
    assertEquals(2, total.expired());
    assertEquals(List.of(0, 3), List.copyOf(inv.perDb().keySet()));
  }

  @Test
  void keepsTheBiggestKeysBiggestFirstWithStableTies() {
    KeyInventory inv = new KeyInventory(NOW, 3);
    inv.accept(key(0, "s10", KeyType.STRING, KeyEvent.NO_EXPIRY, 10));
    inv.accept(key(0, "s50", KeyType.STRING, KeyEvent.NO_EXPIRY, 50));
    inv.accept(key(1, "tie-b", KeyType.SET, KeyEvent.NO_EXPIRY, 30));
    inv.accept(key(0, "s20", KeyType.STRING, KeyEvent.NO_EXPIRY, 20));
    inv.accept(key(1, "tie-a", KeyType.ZSET, KeyEvent.NO_EXPIRY, 30));
    inv.accept(key(0, "tie-c", KeyType.LIST, KeyEvent.NO_EXPIRY, 30));

    List<String> names =
        inv.biggest().stream().map(k -> KeyNames.printable(k.key()) + "@" + k.db()).toList();
    assertEquals(List.of("s50@0", "tie-c@0", "tie-a@1"), names);
    assertEquals(50, inv.biggest().get(0).size());
  }

  @Test
  void namesModuleTypesFromTheirPayloads() {
    KeyInventory inv = new KeyInventory(NOW);
    inv.accept(
        KeyEvent.of(0, KeyNames.bytes("m"), KeyType.MODULE, KeyEvent.NO_EXPIRY, new byte[4]));

    assertEquals(Map.of("(unknown)", 1L), inv.moduleTypes());
  }
}
