package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.Sleeper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks {@link Throttle} on a fake clock whose sleeper records each pause and moves time on. */
class ThrottleTest {

  /** A nano clock and a sleeper that advances it instead of waiting. */
  private static final class FakeTime implements Sleeper {
    long nanos = 123_456_789_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public void sleep(long millis) {
      sleeps.add(millis);
      nanos += millis * 1_000_000L;
    }

    long sleptMillis() {
      return sleeps.stream().mapToLong(Long::longValue).sum();
    }

    Throttle throttle(double keysPerSecond) {
      return new Throttle(keysPerSecond, () -> nanos, this);
    }
  }

  @Test
  void zeroRateNeverSleeps() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(0);
    for (int i = 0; i < 100_000; i++) {
      t.acquire();
    }
    assertEquals(List.of(), time.sleeps);
  }

  @Test
  void thousandKeysPerSecondSpreadsFiveThousandKeysOverFiveSeconds() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(1000);
    long start = time.nanos;
    for (int i = 0; i < 5000; i++) {
      t.acquire();
    }
    // The first key goes at once; the other 4999 each wait their millisecond.
    long slept = time.sleptMillis();
    assertTrue(slept >= 4990 && slept <= 5000, "slept " + slept + " ms");
    assertEquals(slept * 1_000_000L, time.nanos - start);
  }

  @Test
  void timeSpentWorkingCountsTowardsTheRate() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(100);
    for (int i = 0; i < 100; i++) {
      t.acquire();
      // Each key takes 4 ms to send, so the throttle adds only the other 6 ms.
      time.nanos += 4_000_000L;
    }
    long slept = time.sleptMillis();
    assertTrue(slept >= 580 && slept <= 600, "slept " + slept + " ms");
  }

  @Test
  void slowerThanTheRateNeverSleeps() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(100);
    for (int i = 0; i < 1000; i++) {
      t.acquire();
      time.nanos += 20_000_000L;
    }
    assertEquals(List.of(), time.sleeps);
  }

  @Test
  void idleTimeIsNotSavedUp() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(1000);
    t.acquire();
    // A long pause (a slow source, a big key) must not buy a burst afterwards.
    time.nanos += 60_000_000_000L;
    for (int i = 0; i < 100; i++) {
      t.acquire();
    }
    long slept = time.sleptMillis();
    assertTrue(slept >= 98 && slept <= 100, "slept " + slept + " ms");
  }

  @Test
  void highRatesSleepInWholeMillisecondsNotPerKey() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(1_000_000);
    for (int i = 0; i < 10_000; i++) {
      t.acquire();
    }
    long slept = time.sleptMillis();
    assertTrue(slept >= 9 && slept <= 10, "slept " + slept + " ms");
    assertTrue(time.sleeps.size() <= 10, "slept " + time.sleeps.size() + " times");
    assertTrue(time.sleeps.stream().allMatch(ms -> ms >= 1), time.sleeps::toString);
  }

  @Test
  void fractionalRatesAreHonoured() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(0.5);
    for (int i = 0; i < 4; i++) {
      t.acquire();
    }
    assertEquals(List.of(2000L, 2000L, 2000L), time.sleeps);
  }
}
