package io.github.rediskeysmigrator.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.CommandEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceTransactionTest {
  private static CommandEvent command(String... words) {
    byte[][] argv = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      argv[i] = words[i].getBytes(StandardCharsets.US_ASCII);
    }
    return CommandEvent.of(0, argv, "id", 1);
  }

  @Test
  void everyCommandFromMultiToExecIsInside() {
    SourceTransaction tx = new SourceTransaction();
    List<Boolean> inside = new ArrayList<>();
    for (CommandEvent c :
        List.of(
            command("SET", "a", "1"),
            command("MULTI"),
            command("SET", "b", "2"),
            command("EXEC"),
            command("SET", "c", "3"))) {
      inside.add(tx.note(c));
    }
    assertEquals(List.of(false, true, true, true, false), inside);
    assertFalse(tx.open());
  }

  @Test
  void discardClosesTheTransaction() {
    SourceTransaction tx = new SourceTransaction();
    tx.note(command("MULTI"));
    assertTrue(tx.open());
    assertTrue(tx.note(command("DISCARD")));
    assertFalse(tx.open());
  }
}
