package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.moilioncircle.redis.replicator.Configuration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoppableReplicatorTest {
  private final List<String> notes = new ArrayList<>();

  private StoppableReplicator replicator(int retries) {
    // Never opened: trySync only looks at the reply it is given.
    return new StoppableReplicator(
        "127.0.0.1",
        1,
        Configuration.defaultSetting(),
        new SnapshotAttempts("redis://127.0.0.1:1", retries, notes::add),
        null);
  }

  @Test
  void aSnapshotTheSourceCouldNotStartIsRetriedLikeOneItBrokeOff() {
    StoppableReplicator r = replicator(1);
    String reply = "ERR BGSAVE failed, replication can't continue";
    IOException first = assertThrows(IOException.class, () -> r.trySync(reply));
    assertEquals("it answered PSYNC with '" + reply + "'", first.getMessage());
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("(it answered PSYNC with '" + reply + "')"), notes.get(0));
    SnapshotAttempts.GaveUp last =
        assertThrows(SnapshotAttempts.GaveUp.class, () -> r.trySync(reply));
    assertTrue(last.getMessage().contains("2 times in a row"), last.getMessage());
  }

  @Test
  void otherErrorRepliesStillEndTheRunAtOnce() {
    StoppableReplicator r = replicator(5);
    assertThrows(StoppableReplicator.Refused.class, () -> r.trySync("NOPERM no psync for you"));
    assertThrows(StoppableReplicator.Refused.class, () -> r.trySync("ERR unknown command"));
    assertEquals(List.of(), notes);
  }
}
