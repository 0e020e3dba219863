package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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

  @Test
  void caughtUpOnlyAfterTheLagStayedZeroForTheIdlePeriod() {
    CatchUpWatch watch = new CatchUpWatch(status, 2000, () -> now);
    snapshotDone = true;
    assertFalse(watch.caughtUp());
    now = 1999;
    assertFalse(watch.caughtUp());
    now = 2000;
    assertTrue(watch.caughtUp());
  }

  @Test
  void anyLagStartsTheIdlePeriodAgain() {
    CatchUpWatch watch = new CatchUpWatch(status, 2000, () -> now);
    snapshotDone = true;
    assertFalse(watch.caughtUp());
    now = 1500;
    lag = 3;
    assertFalse(watch.caughtUp());
    lag = 0;
    now = 1600;
    assertFalse(watch.caughtUp());
    now = 3599;
    assertFalse(watch.caughtUp());
    now = 3600;
    assertTrue(watch.caughtUp());
  }

  @Test
  void aWriteAtTheSourceStartsTheIdlePeriodAgainEvenWithoutLag() {
    CatchUpWatch watch = new CatchUpWatch(status, 2000, () -> now);
    snapshotDone = true;
    assertFalse(watch.caughtUp());
    now = 1500;
    changes = 1; // written and applied between two looks: the lag never showed it
    assertFalse(watch.caughtUp());
    now = 3499;
    assertFalse(watch.caughtUp());
    now = 3500;
    assertTrue(watch.caughtUp());
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
