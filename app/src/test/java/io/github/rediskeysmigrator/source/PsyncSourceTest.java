package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PsyncSourceTest {
  @Test
  void theStreamWaitsForTimeoutButNeverLessThanAMinute() {
    // An idle source PINGs every 10 s: a shorter limit would drop healthy streams.
    assertEquals(60_000, PsyncSource.readTimeoutFor(5_000));
    assertEquals(60_000, PsyncSource.readTimeoutFor(60_000));
    assertEquals(180_000, PsyncSource.readTimeoutFor(180_000));
  }
}
