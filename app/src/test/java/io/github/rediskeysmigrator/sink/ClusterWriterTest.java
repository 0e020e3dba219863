package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@link ClusterWriter} routes keys and live commands by hash slot and follows the cluster's
 * redirects, against in-memory nodes ({@link InMemoryRedis.Cluster}): a test of our routing and
 * redirect handling in milliseconds; ClusterIT and LiveClusterIT prove it against real clusters.
 */
class ClusterWriterTest {
  private static final String A = "127.0.0.1:7001";
  private static final String B = "127.0.0.1:7002";
  private static final String C = "127.0.0.1:7003";

  /** DEL's arguments are all keys; any other command's key is its first argument. */
  private static final CommandKeys KEYS =
      new CommandKeys() {
        @Override
        public List<byte[]> keys(byte[][] argv) {
          boolean del = new String(argv[0], StandardCharsets.US_ASCII).equals("DEL");
          return Arrays.asList(argv).subList(1, del ? argv.length : 2);
        }

        @Override
        public KeyType type(byte[][] argv) {
          return null;
        }
      };

  private final InMemoryRedis.Cluster cluster = new InMemoryRedis.Cluster(A, B, C);
  private final OutcomeLog outcomes = new OutcomeLog();
  private final List<Long> sleeps = new ArrayList<>();
  private final Sleeper sleeper = sleeps::add;

  private ClusterWriter writer() {
    return new ClusterWriter(
        outcomes,
        cluster::slots,
        (node, listener) ->
            cluster
                .node(node.toString())
                .writer(
                    new PipelinedWriter.Settings(100, ExistencePolicy.SKIP, 0, 0),
                    listener,
                    sleeper,
                    null),
        sleeper,
        KEYS,
        ClusterDatabases.of(1, false));
  }

  private static int slot(String key) {
    return ClusterSlots.slot(key.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A key whose slot another node than {@code owner}'s owns: names until one fits. */
  private String keyOwnedBy(String owner) {
    for (int i = 0; ; i++) {
      if (cluster.owner(slot("key" + i)).equals(owner)) {
        return "key" + i;
      }
    }
  }

  @Test
  void writesEachKeyToTheMasterThatOwnsItsSlot() throws Exception {
    try (ClusterWriter w = writer()) {
      for (int i = 0; i < 30; i++) {
        w.write(PipelinedWriterTest.key(0, "k" + i));
      }
      w.flush();
    }

    assertEquals(30, outcomes.lines().stream().filter(l -> l.startsWith("written")).count());
    for (int i = 0; i < 30; i++) {
      String owner = cluster.owner(slot("k" + i));
      assertNotNull(cluster.node(owner).get(0, "k" + i), "k" + i + " at " + owner);
    }
    assertTrue(sleeps.isEmpty(), sleeps::toString);
  }

  @Test
  void aKeyMovedAfterTheSlotMapWasReadGoesToItsNewOwner() throws Exception {
    String key = keyOwnedBy(A);
    try (ClusterWriter w = writer()) {
      cluster.move(slot(key), B);
      w.write(PipelinedWriterTest.key(0, key));
      w.flush();
    }

    assertEquals(List.of("written " + key), outcomes.lines());
    assertNull(cluster.node(A).get(0, key));
    assertNotNull(cluster.node(B).get(0, key));
    // Sent again once the slot map was read anew, after a pause.
    assertEquals(List.of(200L), sleeps);
  }

  @Test
  void aKeyAskedForGoesAtOnceToTheImportingNodeAfterAsking() throws Exception {
    String key = keyOwnedBy(A);
    cluster.migrate(slot(key), C);
    try (ClusterWriter w = writer()) {
      w.write(PipelinedWriterTest.key(0, key));
      w.flush();
    }

    assertEquals(List.of("written " + key), outcomes.lines());
    assertNotNull(cluster.node(C).get(0, key));
    assertEquals(List.of("ASKING", "RESTORE " + key), cluster.node(C).commands());
    assertTrue(sleeps.isEmpty(), sleeps::toString);
  }

  @Test
  void aClusterThatKeepsRedirectingFailsTheKeyAfterBoundedRounds() throws Exception {
    String key = keyOwnedBy(B);
    for (String n : List.of(A, B, C)) {
      cluster.node(n).fault(InMemoryRedis.restoreOf(key, "TRYAGAIN Multiple keys request"));
    }
    try (ClusterWriter w = writer()) {
      w.write(PipelinedWriterTest.key(0, key));
      w.flush();
    }

    assertEquals(
        List.of(
            "failed " + key + ": the cluster kept redirecting it (slot moving or cluster down)"),
        outcomes.lines());
    assertEquals(10, sleeps.size(), sleeps::toString);
  }

  @Test
  void aKeysOwnErrorIsNoRedirectAndFailsTheKeyWithItsTypedReply() throws Exception {
    String key = keyOwnedBy(C);
    cluster.node(C).fault(InMemoryRedis.restoreOf(key, "OOM command not allowed"));
    try (ClusterWriter w = writer()) {
      w.write(PipelinedWriterTest.key(0, key));
      w.flush();
    }

    assertEquals(List.of("failed " + key + ": OOM command not allowed"), outcomes.lines());
    assertTrue(outcomes.failures.get(key).is(RedisError.Kind.OUT_OF_MEMORY));
    assertTrue(sleeps.isEmpty(), sleeps::toString);
  }

  @Test
  void aDeleteOverSeveralSlotsIsSplitPerKeyAndBookedOnceInStreamOrder() throws Exception {
    String a = keyOwnedBy(A);
    String c = keyOwnedBy(C);
    assertNotEquals(slot(a), slot(c));
    cluster.node(A).put(0, a, bytes("x"));
    cluster.node(C).put(0, c, bytes("y"));
    CommandEvent del = CommandEvent.of(0, new byte[][] {bytes("DEL"), bytes(a), bytes(c)}, "r", 7);
    CommandEvent set =
        CommandEvent.of(0, new byte[][] {bytes("SET"), bytes(c), bytes("z")}, "r", 8);
    try (ClusterWriter w = writer()) {
      w.writeCommand(del);
      w.writeCommand(set);
      w.flush();
    }

    assertEquals(List.of("applied 7", "applied 8"), outcomes.lines());
    assertNull(cluster.node(A).get(0, a));
    assertEquals(List.of("CLUSTER SLOTS", "DEL " + a), cluster.node(A).commands());
    assertEquals(List.of("DEL " + c, "SET " + c), cluster.node(C).commands());
    assertEquals("z", new String(cluster.node(C).get(0, c), StandardCharsets.UTF_8));
  }
}
