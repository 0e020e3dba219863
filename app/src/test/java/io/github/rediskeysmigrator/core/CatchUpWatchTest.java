package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatchUpWatchTest {
  private long now;
  private boolean snapshotDone;
  private long lag;
  private long changes;

  private final LiveStatus status =
      new LiveStatus() {
        @Override
        public boolean snapshotDone() {
          return snapshotDone;
        }

        @Override
        public long lagItems() {
          return lag;
        }

        @Override
        public double lagSeconds() {
          return lag > 0 ? 1 : 0;
        }

        @Override
        public long changesSeen() {
          return changes;
        }

        @Override
        public long reconnects() {
          return 0;
        }
      };

  @Test
  void waitsForTheSnapshotEvenWithoutLag() {
    CatchUpWatch watch = new CatchUpWatch(status, 2000, () -> now);
    now = 10_000;
    assertFalse(watch.caughtUp());
    now = 20_000;
    assertFalse(watch.caughtUp());
  }

  /**
   * Looks at a watch with a 2 s idle period after the snapshot, one look per step: {@code "1500
   * lag=3 no"} sets the clock to 1500 ms and the lag to 3, then expects "not caught up yet".
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "caught up only after the lag stayed zero for the idle period"
            + " | 0 no, 1999 no, 2000 yes",
        "any lag starts the idle period again"
            + " | 0 no, 1500 lag=3 no, 1600 lag=0 no, 3599 no, 3600 yes",
        // written and applied between two looks: the lag never showed it
        "a write at the source starts the idle period again even without lag"
            + " | 0 no, 1500 changes=1 no, 3499 no, 3500 yes",
      })
  void idlePeriodAfterTheSnapshot(String behaviour, String looks) {
    CatchUpWatch watch = new CatchUpWatch(status, 2000, () -> now);
    snapshotDone = true;
    for (String look : looks.split(", ")) {
      String[] words = look.split(" ");
      now = Long.parseLong(words[0]);
      for (int i = 1; i < words.length - 1; i++) {
        String[] setting = words[i].split("=");
        long value = Long.parseLong(setting[1]);
        switch (setting[0]) {
          case "lag" -> lag = value;
          case "changes" -> changes = value;
          default -> throw new IllegalArgumentException(look);
        }
      }
      assertEquals(words[words.length - 1].equals("yes"), watch.caughtUp(), look);
    }
  }

  @Test
  void zeroIdleEndsAtTheFirstLookWithoutLag() {
    snapshotDone = true;
    assertTrue(new CatchUpWatch(status, 0, () -> now).caughtUp());
  }

  @Test
  void refusesANegativeIdlePeriod() {
    assertThrows(IllegalArgumentException.class, () -> new CatchUpWatch(status, -1, () -> now));
  }
}
