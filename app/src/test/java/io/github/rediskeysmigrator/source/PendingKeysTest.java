package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingKeysTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBurstOfChangesToOneKeyIsOneEntryComparedByContent() {
    PendingKeys p = new PendingKeys(10, 1 << 20, new RereadSpacing());
    assertTrue(p.add(0, b("k"), 1));
    assertTrue(p.add(0, b("k"), 2));
    assertTrue(p.add(1, b("k"), 3));
    assertEquals(2, p.size());
    List<PendingKeys.Key> taken = p.take(10, 4);
    assertEquals(2, taken.size());
    assertEquals(0, taken.get(0).db());
    assertEquals(0, p.size());
  }

  @Test
  void pastTheKeyCapNotificationsAreDroppedAndCounted() {
    PendingKeys p = new PendingKeys(2, 1 << 20, new RereadSpacing());
    assertTrue(p.add(0, b("a"), 0));
    assertTrue(p.add(0, b("b"), 0));
    assertFalse(p.add(0, b("c"), 0));
    assertTrue(p.add(0, b("a"), 0), "a key already pending is no new entry");
    assertEquals(1, p.dropped());
    p.take(1, 0);
    assertTrue(p.add(0, b("c"), 0), "room again once a key is taken");
  }

  @Test
  void pastTheByteCapNotificationsAreDropped() {
    long room = 2 * (PendingKeys.ENTRY_OVERHEAD_BYTES + 10);
    PendingKeys p = new PendingKeys(1_000, room, new RereadSpacing());
    assertTrue(p.add(0, b("0123456789"), 0));
    assertTrue(p.add(0, b("abcdefghij"), 0));
    assertFalse(p.add(0, b("x"), 0));
    assertEquals(1, p.dropped());
  }

  @Test
  void aRescanWaitsForRoomBelowHalfTheCapInsteadOfDropping() throws Exception {
    PendingKeys p = new PendingKeys(4, 1 << 20, new RereadSpacing());
    assertTrue(p.put(0, b("a"), 0, () -> false));
    assertTrue(p.put(0, b("b"), 0, () -> false));
    // Half the cap is reached: the next put waits, and gives up when told to stop.
    assertFalse(p.put(0, b("c"), 0, () -> true));
    assertEquals(2, p.size());
    assertEquals(0, p.dropped());
  }

  @Test
  void aBigKeyReReadAMomentAgoIsDeferredUntilItsSpacingEnds() throws Exception {
    RereadSpacing spacing = new RereadSpacing();
    PendingKeys p = new PendingKeys(10, 1 << 20, spacing);
    long bytes = 4L << 20; // 4 MiB: 500 ms at 8 MiB/s
    spacing.reread(0, b("big"), bytes, 1_000);
    assertTrue(p.add(0, b("big"), 1_100));
    assertEquals(1, p.deferredSize());
    assertTrue(p.take(10, 1_200).isEmpty(), "not due before 1,500");
    assertEquals(300, p.oldestDeferredAgeMs(1_400));
    assertEquals(List.of("big"), names(p.take(10, 1_500)));
    assertEquals(0, p.deferredSize());
    assertEquals(1, p.deferrals());
  }

  @Test
  void spacingGrowsWithTheKeysSizeBetweenAFloorAndACeiling() {
    assertEquals(0, RereadSpacing.intervalMs(RereadSpacing.FROM_BYTES - 1));
    assertEquals(RereadSpacing.FLOOR_MS, RereadSpacing.intervalMs(RereadSpacing.FROM_BYTES));
    assertEquals(1_000, RereadSpacing.intervalMs(8L << 20));
    assertEquals(RereadSpacing.CEILING_MS, RereadSpacing.intervalMs(1L << 30));
  }

  private static List<String> names(List<PendingKeys.Key> keys) {
    return keys.stream().map(k -> new String(k.name(), StandardCharsets.UTF_8)).toList();
  }
}
