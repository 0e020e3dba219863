package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandOrderTest {
  private final OutcomeLog outcomes = new OutcomeLog();
  private final CommandOrder order = new CommandOrder(outcomes);

  private static CommandEvent command(long offset) {
    return CommandEvent.of(
        0, new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII)}, "r", offset);
  }

  /** Announces commands at offsets 1, 2, ... each waiting for its number of replies. */
  private CommandEvent[] expect(int... replies) {
    CommandEvent[] commands = new CommandEvent[replies.length];
    for (int i = 0; i < replies.length; i++) {
      commands[i] = command(i + 1);
      order.expect(commands[i], replies[i]);
    }
    return commands;
  }

  @Test
  void reportsCommandsInTheOrderTheyWereSubmittedWhateverOrderTheyAnswer() {
    CommandEvent[] abc = expect(1, 1, 1);
    order.commandApplied(abc[2]);
    order.commandApplied(abc[1]);
    assertTrue(outcomes.lines().isEmpty(), outcomes.lines()::toString);
    order.commandApplied(abc[0]);
    assertEquals(List.of("applied 1", "applied 2", "applied 3"), outcomes.lines());
    assertTrue(order.idle());
  }

  @Test
  void aBroadcastIsReportedOnceAllItsRepliesCameAndFailsWithTheFirstReason() {
    CommandEvent flush = command(1);
    CommandEvent next = command(2);
    order.expect(flush, 3);
    order.refuse(next, "CROSSSLOT");
    order.commandApplied(flush);
    order.commandFailed(flush, WriteFailure.of(RedisError.of("OOM")));
    assertTrue(outcomes.lines().isEmpty(), outcomes.lines()::toString);
    order.commandFailed(flush, WriteFailure.of(RedisError.of("LOADING")));
    assertEquals(List.of("command failed 1: OOM", "command failed 2: CROSSSLOT"), outcomes.lines());
  }

  @Test
  void aCommandWithNoReplyToWaitForIsReportedInItsTurn() {
    // MULTI and EXEC wait for no reply of their own, the SET in between for one.
    CommandEvent set = expect(0, 1, 0)[1];
    assertEquals(List.of("applied 1"), outcomes.lines());
    order.commandApplied(set);
    assertEquals(List.of("applied 1", "applied 2", "applied 3"), outcomes.lines());
  }
}
