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

  @Test
  void reportsCommandsInTheOrderTheyWereSubmittedWhateverOrderTheyAnswer() {
    CommandEvent a = command(1);
    CommandEvent b = command(2);
    CommandEvent c = command(3);
    order.expect(a, 1);
    order.expect(b, 1);
    order.expect(c, 1);
    order.commandApplied(c);
    order.commandApplied(b);
    assertTrue(outcomes.lines().isEmpty(), outcomes.lines()::toString);
    order.commandApplied(a);
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
    CommandEvent multi = command(1);
    CommandEvent set = command(2);
    CommandEvent exec = command(3);
    order.expect(multi, 0);
    order.expect(set, 1);
    order.expect(exec, 0);
    assertEquals(List.of("applied 1"), outcomes.lines());
    order.commandApplied(set);
    assertEquals(List.of("applied 1", "applied 2", "applied 3"), outcomes.lines());
  }
}
