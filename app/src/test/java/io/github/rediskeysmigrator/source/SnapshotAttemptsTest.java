package io.github.rediskeysmigrator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotAttemptsTest {
  private final List<String> notes = new ArrayList<>();

  @Test
  void theFirstBrokenSnapshotIsOneLineAndTheOneAfterTheRetriesStopsTheRun() {
    SnapshotAttempts attempts = new SnapshotAttempts("redis://src:6379", 2, notes::add);
    attempts.brokeOff("it closed the connection");
    attempts.brokeOff("it closed the connection");
    assertEquals(1, notes.size(), "one line, after the first failure only");
    assertTrue(notes.get(0).startsWith("warning: source redis://src:6379 broke off its snapshot"));
    assertTrue(notes.get(0).contains("up to 2 times"), notes.get(0));

    SnapshotAttempts.GaveUp e =
        assertThrows(
            SnapshotAttempts.GaveUp.class, () -> attempts.brokeOff("it closed the connection"));
    assertTrue(e.getMessage().contains("broke off its snapshot 3 times in a row"), e.getMessage());
    assertTrue(e.getMessage().contains("--retries 2"), e.getMessage());
    assertEquals(1, notes.size());
  }

  @Test
  void aSnapshotThatArrivesStartsTheCountAgain() {
    SnapshotAttempts attempts = new SnapshotAttempts("redis://src:6379", 1, notes::add);
    attempts.brokeOff("reset");
    attempts.arrived();
    attempts.brokeOff("reset");
    assertEquals(2, notes.size(), "a first failure again, after a whole snapshot");
    assertThrows(SnapshotAttempts.GaveUp.class, () -> attempts.brokeOff("reset"));
  }

  @Test
  void withoutRetriesTheFirstBrokenSnapshotStopsTheRunWithoutAWarning() {
    SnapshotAttempts attempts = new SnapshotAttempts("redis://src:6379", 0, notes::add);
    SnapshotAttempts.GaveUp e =
        assertThrows(SnapshotAttempts.GaveUp.class, () -> attempts.brokeOff("it closed it"));
    assertTrue(
        e.getMessage().startsWith("source redis://src:6379 broke off its snapshot (it closed it)"),
        e.getMessage());
    assertEquals(List.of(), notes);
  }

  @Test
  void theReasonSaysWhatTheSourceDid() {
    assertEquals("it closed the connection", StoppableReplicator.reason(new EOFException()));
    assertEquals(
        "it sent nothing for the read timeout (--timeout, at least 60 s)",
        StoppableReplicator.reason(new java.net.SocketTimeoutException("Read timed out")));
    assertEquals(
        "SYNC failed. reason : [ERR x]",
        StoppableReplicator.reason(new IOException("SYNC failed. reason : [ERR x]")));
  }
}
