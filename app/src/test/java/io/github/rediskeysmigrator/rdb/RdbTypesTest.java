package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyType;
import org.junit.jupiter.api.Test;

class RdbTypesTest {
  @Test
  void everyTypeByteOfRdbHIsNamedWithItsFamily() {
    String families = "SLTZHZMM.HLTZHLSHZLSTSHHHHS";
    for (int type = 0; type < families.length(); type++) {
      char f = families.charAt(type);
      if (f == '.') {
        assertNull(RdbTypes.info(type), "type 8 was never written");
        continue;
      }
      KeyType expected =
          switch (f) {
            case 'S' -> type == 0 ? KeyType.STRING : KeyType.STREAM;
            case 'L' -> KeyType.LIST;
            case 'T' -> KeyType.SET;
            case 'Z' -> KeyType.ZSET;
            case 'H' -> KeyType.HASH;
            default -> KeyType.MODULE;
          };
      assertEquals(expected, RdbTypes.keyType(type), "type " + type);
    }
    assertThrows(IllegalArgumentException.class, () -> RdbTypes.keyType(27));
    assertThrows(IllegalArgumentException.class, () -> RdbTypes.keyType(-1));
  }

  @Test
  void theCatalogueSaysWhichRdbVersionBroughtEachType() {
    assertEquals("LIST_QUICKLIST_2", RdbTypes.info(RdbTypes.LIST_QUICKLIST_2).name());
    assertEquals(7, RdbTypes.info(RdbTypes.LIST_QUICKLIST).since());
    assertEquals(9, RdbTypes.info(RdbTypes.STREAM_LISTPACKS).since());
    assertEquals(11, RdbTypes.info(RdbTypes.STREAM_LISTPACKS_3).since());
    assertEquals(12, RdbTypes.info(RdbTypes.HASH_LISTPACK_EX).since());
    assertEquals(13, RdbTypes.info(RdbTypes.STREAM_LISTPACKS_4).since());
  }

  @Test
  void valkeysHashWithFieldTtlsIsToldApartByThePayloadVersion() {
    assertTrue(RdbTypes.isValkeyHash2(22, RdbHeader.VALKEY_9));
    assertFalse(RdbTypes.isValkeyHash2(22, 12));
    assertFalse(RdbTypes.isValkeyHash2(24, RdbHeader.VALKEY_9));
    assertTrue(RdbTypes.hasFieldTtls(22) && RdbTypes.hasFieldTtls(25));
    assertFalse(RdbTypes.hasFieldTtls(21) || RdbTypes.hasFieldTtls(26));
  }
}
