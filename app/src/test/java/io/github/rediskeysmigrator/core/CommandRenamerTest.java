package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class CommandRenamerTest {
  /** A few fixed-position commands, as COMMAND describes them, and the movable ones. */
  private static final CommandKeys KEYS =
      new CommandKeys() {
        private final Map<String, int[]> fixed =
            Map.of(
                "SET", new int[] {1, 1, 1},
                "MSET", new int[] {1, -1, 2},
                "RENAME", new int[] {1, 2, 1},
                "LMOVE", new int[] {1, 2, 1},
                "DEL", new int[] {1, -1, 1},
                "MULTI", new int[] {0, 0, 0},
                "EXEC", new int[] {0, 0, 0},
                "FLUSHALL", new int[] {0, 0, 0});

        @Override
        public List<byte[]> keys(byte[][] argv) {
          List<byte[]> out = new ArrayList<>();
          for (int i : keyIndexes(argv)) {
            out.add(argv[i]);
          }
          return out;
        }

        @Override
        public int[] keyIndexes(byte[][] argv) {
          String name = new String(argv[0], StandardCharsets.UTF_8).toUpperCase();
          if (name.equals("EVAL") || name.equals("SORT")) {
            return MovableKeys.indexes(argv);
          }
          int[] s = fixed.get(name);
          if (s == null) {
            return null;
          }
          if (s[0] == 0) {
            return new int[0];
          }
          int last = s[1] < 0 ? argv.length + s[1] : s[1];
          List<Integer> at = new ArrayList<>();
          for (int i = s[0]; i <= last; i += s[2]) {
            at.add(i);
          }
          return at.stream().mapToInt(Integer::intValue).toArray();
        }

        @Override
        public KeyType type(byte[][] argv) {
          return null;
        }
      };

  private static final KeyRenamer RENAMER = KeyRenamer.parse(List.of("a:=x:", "{t}=z:"));

  /** A slot function that only looks at the first byte, enough to tell slots apart. */
  private static final ToIntFunction<byte[]> SLOT = k -> k.length == 0 ? 0 : k[0];

  private long offset;

  private CommandEvent cmd(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return CommandEvent.of(0, argv, "r", ++offset);
  }

  private static List<String> args(CommandEvent c) {
    return Arrays.stream(c.argv()).map(a -> new String(a, StandardCharsets.UTF_8)).toList();
  }

  @Test
  void everyKeyArgumentIsRenamedAndOnlyThose() {
    CommandRenamer r = new CommandRenamer(RENAMER, KEYS, null);
    assertEquals(
        List.of("MSET", "x:1", "a:v", "b:2", "a:w"),
        args(r.accept(cmd("MSET", "a:1", "a:v", "b:2", "a:w")).write().get(0)));
    assertEquals(
        List.of("RENAME", "x:1", "x:2"),
        args(r.accept(cmd("RENAME", "a:1", "a:2")).write().get(0)));
    assertEquals(
        List.of("LMOVE", "x:l", "b:l", "LEFT", "RIGHT"),
        args(r.accept(cmd("LMOVE", "a:l", "b:l", "LEFT", "RIGHT")).write().get(0)));
    assertEquals(
        List.of("EVAL", "return redis.call('get','a:k')", "1", "x:k", "a:arg"),
        args(
            r.accept(cmd("EVAL", "return redis.call('get','a:k')", "1", "a:k", "a:arg"))
                .write()
                .get(0)));
    CommandEvent untouched = cmd("SET", "b:1", "v");
    assertSame(untouched, r.accept(untouched).write().get(0));
    CommandEvent renamed = r.accept(cmd("SET", "a:1", "v")).write().get(0);
    assertEquals(offset, renamed.offset());
  }

  @Test
  void aCommandWhoseKeysCannotBeLocatedIsRefused() {
    CommandRenamer r = new CommandRenamer(RENAMER, KEYS, null);
    CommandRenamer.Step unknown = r.accept(cmd("MODULE.SET", "a:1", "v"));
    assertEquals(List.of(), unknown.write());
    assertTrue(
        unknown.refused().get(0).reason().contains("cannot locate the keys of MODULE.SET"),
        unknown.refused().get(0).reason());
    CommandRenamer.Step badCount = r.accept(cmd("EVAL", "s", "5", "a:1"));
    assertEquals(1, badCount.refused().size());
    CommandRenamer.Step sortBy = r.accept(cmd("SORT", "a:l", "BY", "w_*", "STORE", "a:d"));
    assertTrue(sortBy.refused().get(0).reason().contains("BY or GET patterns"));
    assertEquals(
        List.of("SORT", "x:l", "BY", "nosort", "GET", "#", "STORE", "x:d"),
        args(
            r.accept(cmd("SORT", "a:l", "BY", "nosort", "GET", "#", "STORE", "a:d"))
                .write()
                .get(0)));
  }

  @Test
  void aTransactionIsHeldUntilExecAndComesOutWhole() {
    CommandRenamer r = new CommandRenamer(RENAMER, KEYS, null);
    assertEquals(CommandRenamer.Step.HELD, r.accept(cmd("MULTI")));
    assertEquals(CommandRenamer.Step.HELD, r.accept(cmd("SET", "a:1", "v")));
    assertEquals(CommandRenamer.Step.HELD, r.accept(cmd("DEL", "b:1")));
    CommandRenamer.Step done = r.accept(cmd("EXEC"));
    assertEquals(
        List.of(
            List.of("MULTI"), List.of("SET", "x:1", "v"), List.of("DEL", "b:1"), List.of("EXEC")),
        done.write().stream().map(CommandRenamerTest::args).toList());
  }

  @Test
  void aTransactionWithOneCommandThatCannotBeRenamedIsRefusedWhole() {
    CommandRenamer r = new CommandRenamer(RENAMER, KEYS, null);
    r.accept(cmd("MULTI"));
    r.accept(cmd("SET", "a:1", "v"));
    r.accept(cmd("MODULE.SET", "a:2", "v"));
    r.accept(cmd("SET", "a:3", "v"));
    CommandRenamer.Step done = r.accept(cmd("EXEC"));
    assertEquals(List.of(), done.write());
    assertEquals(5, done.refused().size());
    assertTrue(done.refused().get(2).reason().startsWith("--rename-prefix cannot locate"));
    assertTrue(done.refused().get(1).reason().startsWith("its transaction is not applied:"));
    // The stream goes on.
    assertEquals(1, r.accept(cmd("SET", "a:4", "v")).write().size());
  }

  @Test
  void inAClusterARenameMustNotSplitKeysThatSharedASlot() {
    CommandRenamer r = new CommandRenamer(RENAMER, KEYS, SLOT);
    // {t}a and {t}b shared a slot; z:a and z:b do not (under SLOT, both start with z: same).
    assertEquals(1, r.accept(cmd("MSET", "{t}a", "1", "{t}b", "2")).write().size());
    // a:1 and a:2 share a slot (first byte); x:1 and b:2 do not.
    CommandRenamer.Step split = r.accept(cmd("RENAME", "a:1", "ab"));
    assertEquals(List.of(), split.write());
    String why = split.refused().get(0).reason();
    assertTrue(why.contains("different hash slots ('x:1' and 'ab')"), why);
    // Keys already in different slots stay the cluster writer's business.
    assertEquals(1, r.accept(cmd("MSET", "a:1", "1", "b:2", "2")).write().size());
    // A transaction whose keys shared a slot, split by the rename: refused whole.
    r.accept(cmd("MULTI"));
    r.accept(cmd("SET", "a:1", "v"));
    r.accept(cmd("SET", "ab", "v"));
    CommandRenamer.Step tx = r.accept(cmd("EXEC"));
    assertEquals(4, tx.refused().size());
    assertTrue(tx.refused().get(1).reason().contains("the keys of its transaction"));
    // One whose keys were in several slots anyway goes to the cluster writer as it is.
    r.accept(cmd("MULTI"));
    r.accept(cmd("SET", "a:1", "v"));
    r.accept(cmd("SET", "b:1", "v"));
    assertEquals(4, r.accept(cmd("EXEC")).write().size());
  }
}
