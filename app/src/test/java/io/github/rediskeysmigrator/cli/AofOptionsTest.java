package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.source.AofSource;
import org.junit.jupiter.api.Test;

class AofOptionsTest {
  @Test
  void untilTakesIsoWithAZoneOrEpochSeconds() {
    assertEquals(1772460299L, AofOptions.epochSecond("2026-03-02T14:04:59Z"));
    assertEquals(1772460299L, AofOptions.epochSecond("2026-03-02T15:04:59+01:00"));
    assertEquals(1772460299L, AofOptions.epochSecond("2026-03-02T14:04:59.900Z"));
    assertEquals(1772460299L, AofOptions.epochSecond("1772460299"));
  }

  @Test
  void untilWithoutAZoneIsAUsageError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AofOptions.epochSecond("2026-03-02T14:04:59"));
    assertTrue(e.getMessage().contains("with a zone"), e.getMessage());
  }

  @Test
  void stopsDefaultToTheEndOfTheFiles() {
    AofOptions o = new AofOptions();
    assertEquals(AofSource.Stop.NONE, o.stop());
    o.untilOffset = -1L;
    assertThrows(IllegalArgumentException.class, o::stop);
    o.untilOffset = 5L;
    o.until = "100";
    assertEquals(new AofSource.Stop(100, 5), o.stop());
  }
}
