package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisUri;
import io.github.rediskeysmigrator.core.SyncPoint;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Checks the checkpoint marker's name, value and parsing. */
class CheckpointMarkerTest {

  @Test
  void theKeyNamesTheSourceAddressOnly() {
    byte[] key = CheckpointMarker.key(RedisUri.parse("redis://user:pw@h:7000/3"));
    assertArrayEquals(
        "redis-keys-migrator:sync-checkpoint:h:7000".getBytes(StandardCharsets.UTF_8), key);
    assertTrue(CheckpointMarker.isMarker(key));
    assertFalse(CheckpointMarker.isMarker("redis-keys-migrator:sync".getBytes()));
    assertFalse(CheckpointMarker.isMarker("app:1".getBytes()));
  }

  @Test
  void aWrittenValueParsesBackToItsPoint() {
    byte[] value = CheckpointMarker.value("8f3c", 12345, 2);
    assertEquals("8f3c 12345 2", new String(value, StandardCharsets.US_ASCII));
    assertEquals(new SyncPoint("8f3c", 12345, 2), CheckpointMarker.parse(value));
  }

  @Test
  void aValueThatIsNoMarkerIsRefused() {
    for (String bad : new String[] {"", "8f3c", "8f3c 12x 0", "8f3c 1 2 3", " 1 2"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> CheckpointMarker.parse(bad.getBytes(StandardCharsets.US_ASCII)),
          bad);
    }
  }
}
