package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/** How {@link ReplyBook} books the replies of live commands. */
class ReplyBookTest {
  private final List<String> failures = new ArrayList<>();

  private final WriteListener listener =
      new WriteListener() {
        @Override
        public void written(KeyEvent event) {}

        @Override
        public void rewritten(KeyEvent event) {}

        @Override
        public void expired(KeyEvent event) {}

        @Override
        public void existed(KeyEvent event) {}

        @Override
        public void failed(KeyEvent event, WriteFailure reason) {}

        @Override
        public void commandApplied(CommandEvent command) {}

        @Override
        public void commandFailed(CommandEvent command, WriteFailure reason) {
          failures.add(reason.reason());
        }
      };

  @Test
  void aCommandTheDestinationDoesNotKnowNamesTheDestinationsVersion() {
    ServerInfo valkey = new ServerInfo("valkey", "9.1.2", 80);
    ReplyBook book = new ReplyBook(listener, 0, new ResendCheck(valkey, listener), valkey);
    CommandEvent trim =
        CommandEvent.of(0, new byte[][] {"TRIMSLOTS".getBytes(StandardCharsets.UTF_8)}, "r", 1);
    String unknown = "ERR unknown command 'TRIMSLOTS', with args beginning with: ";

    book.command(trim, new JedisDataException(unknown));
    book.command(trim, List.of(new JedisDataException(unknown)));
    book.command(trim, new JedisDataException("WRONGTYPE Operation against a key"));

    assertEquals(
        List.of(
            unknown + " (the destination is valkey 9.1.2)",
            "inside the transaction: " + unknown + " (the destination is valkey 9.1.2)",
            "WRONGTYPE Operation against a key"),
        failures);
  }
}
