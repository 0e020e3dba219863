package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.rediskeysmigrator.core.SyncPoint;
import org.junit.jupiter.api.Test;

/** Checks which resume point sync trusts: its checkpoint file or the destination's marker. */
class SyncStreamsTest {

  @Test
  void theMarkerWinsOnlyWhenAheadOnTheSameReplicationId() {
    SyncPoint file = new SyncPoint("a", 100, 0);
    assertNull(SyncStreams.newest(null, null));
    assertSame(file, SyncStreams.newest(file, null));
    SyncPoint ahead = new SyncPoint("a", 150, 0);
    assertSame(ahead, SyncStreams.newest(file, ahead));
    assertSame(file, SyncStreams.newest(file, new SyncPoint("a", 50, 0)));
    assertSame(file, SyncStreams.newest(file, new SyncPoint("b", 900, 0)));
    SyncPoint only = new SyncPoint("b", 900, 0);
    assertSame(only, SyncStreams.newest(null, only));
  }
}
