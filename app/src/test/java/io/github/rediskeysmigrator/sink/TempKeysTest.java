package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.rediskeysmigrator.redis.ClusterSlots;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The temporary key of a rewritten key is in the key's hash slot, whatever braces it has. */
class TempKeysTest {
  @Test
  void theTemporaryKeyHashesToTheKeysSlot() {
    List<String> keys =
        List.of("plain", "a}{b", "{}x", "{tag}k", "x{y", "{", "}", "}{", "{{}}", "{a}{b}", "", "é");
    for (String k : keys) {
      byte[] key = k.getBytes(StandardCharsets.UTF_8);
      assertEquals(ClusterSlots.slot(key), ClusterSlots.slot(TempKeys.forKey(key)), k);
      assertFalse(Arrays.equals(key, TempKeys.forKey(key)), k);
    }
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      byte[] key = new byte[random.nextInt(12)];
      for (int j = 0; j < key.length; j++) {
        key[j] = (byte) "{}ab\0\377".charAt(random.nextInt(6));
      }
      assertEquals(ClusterSlots.slot(key), ClusterSlots.slot(TempKeys.forKey(key)));
    }
  }
}
