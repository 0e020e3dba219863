package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.Sleeper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /** Acquires {@code keys} times, each key then taking {@code workMs} to send. */
    void send(Throttle t, int keys, long workMs) throws InterruptedException {
      for (int i = 0; i < keys; i++) {
        t.acquire();
        nanos += workMs * 1_000_000L;
      }
    }
  }

  /**
   * Sends {@code keys} keys at {@code rate} keys/s, each taking {@code workMs} to send, and checks
   * the total pause: the first key goes at once, time spent working counts towards the rate, and a
   * sender slower than the rate (or no rate) never sleeps.
   */
  @ParameterizedTest(name = "{0} keys/s, {1} keys, {2} ms each: slept {3}..{4} ms")
  @CsvSource({
    "0, 100000, 0, 0, 0",
    "1000, 5000, 0, 4990, 5000",
    "100, 100, 4, 580, 600",
    "100, 1000, 20, 0, 0",
    "1000000, 10000, 0, 9, 10",
  })
  void pausesAddUpToWhatTheRateLeaves(double rate, int keys, long workMs, long min, long max)
      throws Exception {
    FakeTime time = new FakeTime();
    long start = time.nanos;
    time.send(time.throttle(rate), keys, workMs);
    long slept = time.sleptMillis();
    assertTrue(slept >= min && slept <= max, "slept " + slept + " ms");
    if (max == 0) {
      assertEquals(List.of(), time.sleeps);
    }
    assertEquals((slept + keys * workMs) * 1_000_000L, time.nanos - start);
  }

  @Test
  void idleTimeIsNotSavedUp() throws Exception {
    FakeTime time = new FakeTime();
    Throttle t = time.throttle(1000);
    t.acquire();
    // A long pause (a slow source, a big key) must not buy a burst afterwards.
    time.nanos += 60_000_000_000L;
    time.send(t, 100, 0);
    long slept = time.sleptMillis();
    assertTrue(slept >= 98 && slept <= 100, "slept " + slept + " ms");
  }

  @Test
  void highRatesSleepInWholeMillisecondsNotPerKey() throws Exception {
    FakeTime time = new FakeTime();
    time.send(time.throttle(1_000_000), 10_000, 0);
    assertTrue(time.sleeps.size() <= 10, "slept " + time.sleeps.size() + " times");
    assertTrue(time.sleeps.stream().allMatch(ms -> ms >= 1), time.sleeps::toString);
  }

  @Test
  void fractionalRatesAreHonoured() throws Exception {
    FakeTime time = new FakeTime();
    time.send(time.throttle(0.5), 4, 0);
    assertEquals(List.of(2000L, 2000L, 2000L), time.sleeps);
  }
}
