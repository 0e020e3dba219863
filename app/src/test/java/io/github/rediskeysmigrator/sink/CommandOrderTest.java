package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandOrderTest {
  private final List<String> seen = new ArrayList<>();
  private final CommandOrder order =
      new CommandOrder(
          new WriteListener() {
            @Override
            public void written(KeyEvent event) {
              seen.add("written");
            }

            @Override
            public void rewritten(KeyEvent event) {
              seen.add("rewritten");
            }

            @Override
            public void expired(KeyEvent event) {
              seen.add("expired");
            }

            @Override
            public void existed(KeyEvent event) {
              seen.add("existed");
            }

            @Override
            public void failed(KeyEvent event, WriteFailure reason) {
              seen.add("failed");
            }

            @Override
            public void commandApplied(CommandEvent command) {
              seen.add("applied " + command.offset());
            }

            @Override
            public void commandFailed(CommandEvent command, WriteFailure reason) {
              seen.add("failed " + command.offset() + ": " + reason);
            }
          });

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
    assertTrue(seen.isEmpty(), seen::toString);
    order.commandApplied(a);
    assertEquals(List.of("applied 1", "applied 2", "applied 3"), seen);
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
    assertTrue(seen.isEmpty(), seen::toString);
    order.commandFailed(flush, WriteFailure.of(RedisError.of("LOADING")));
    assertEquals(List.of("failed 1: OOM", "failed 2: CROSSSLOT"), seen);
  }

  @Test
  void aCommandWithNoReplyToWaitForIsReportedInItsTurn() {
    CommandEvent multi = command(1);
    CommandEvent set = command(2);
    CommandEvent exec = command(3);
    order.expect(multi, 0);
    order.expect(set, 1);
    order.expect(exec, 0);
    assertEquals(List.of("applied 1"), seen);
    order.commandApplied(set);
    assertEquals(List.of("applied 1", "applied 2", "applied 3"), seen);
  }
}
