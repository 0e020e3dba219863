package io.github.rediskeysmigrator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Renames every key argument of the live commands of a stream with a {@link KeyRenamer}. A command
 * whose keys cannot all be located is refused, never applied half renamed; so is one whose keys
 * shared a hash slot of a cluster destination before the rename and no longer do. A source
 * transaction is held from MULTI to EXEC and comes out whole: renamed, or refused as a block.
 *
 * <p>Only arguments are renamed: a script (EVAL, FCALL) is renamed by its declared keys, and SORT
 * with BY or GET patterns (which name other keys) is refused.
 */
public final class CommandRenamer {
  /** A command that is not applied, and why. */
  public record Refusal(CommandEvent command, String reason) {}

  /**
   * What became of the commands handed in so far.
   *
   * @param write renamed commands to write, in order
   * @param refused commands to book as failed, in order (a refused transaction includes its MULTI
   *     and EXEC)
   */
  public record Step(List<CommandEvent> write, List<Refusal> refused) {
    static final Step HELD = new Step(List.of(), List.of());
  }

  private final KeyRenamer renamer;
  private final CommandKeys keys;
  private final ToIntFunction<byte[]> slot;

  // The source transaction being held (from its MULTI), or null.
  private List<CommandEvent> block;
  private List<CommandEvent> renamedBlock;
  private String blockRefusal;
  private CommandEvent refusedInBlock;
  private final SlotSpread blockSlots = new SlotSpread();

  /**
   * @param keys where each command's keys are
   * @param slot the hash slot of a key at a cluster destination, or null for a single node
   */
  public CommandRenamer(KeyRenamer renamer, CommandKeys keys, ToIntFunction<byte[]> slot) {
    this.renamer = renamer;
    this.keys = keys;
    this.slot = slot;
  }

  /** Takes the next command of the stream. */
  public Step accept(CommandEvent command) {
    String name = command.name();
    if (block == null) {
      if (name.equals("MULTI")) {
        block = new ArrayList<>(List.of(command));
        renamedBlock = new ArrayList<>(List.of(command));
        blockRefusal = null;
        refusedInBlock = null;
        blockSlots.clear();
        return Step.HELD;
      }
      SlotSpread spread = new SlotSpread();
      Object r = rename(command, spread);
      if (r instanceof String reason) {
        return new Step(List.of(), List.of(new Refusal(command, reason)));
      }
      String crossSlot = spread.crossSlot("its keys");
      if (crossSlot != null) {
        return new Step(List.of(), List.of(new Refusal(command, crossSlot)));
      }
      return new Step(List.of((CommandEvent) r), List.of());
    }
    block.add(command);
    if (name.equals("EXEC") || name.equals("DISCARD")) {
      renamedBlock.add(command);
      return endBlock();
    }
    if (blockRefusal == null) {
      SlotSpread spread = new SlotSpread();
      Object r = rename(command, spread);
      String crossSlot = r instanceof String ? null : spread.crossSlot("its keys");
      if (r instanceof String reason) {
        blockRefusal = reason;
        refusedInBlock = command;
      } else if (crossSlot != null) {
        blockRefusal = crossSlot;
        refusedInBlock = command;
      } else {
        renamedBlock.add((CommandEvent) r);
        blockSlots.addAll(spread);
      }
    }
    return Step.HELD;
  }

  private Step endBlock() {
    List<CommandEvent> held = block;
    List<CommandEvent> renamed = renamedBlock;
    block = null;
    renamedBlock = null;
    if (blockRefusal == null) {
      blockRefusal = blockSlots.crossSlot("the keys of its transaction");
    }
    if (blockRefusal == null) {
      return new Step(renamed, List.of());
    }
    List<Refusal> refused = new ArrayList<>();
    for (CommandEvent c : held) {
      refused.add(
          new Refusal(
              c,
              c == refusedInBlock
                  ? blockRefusal
                  : "its transaction is not applied: " + blockRefusal));
    }
    return new Step(List.of(), refused);
  }

  /** The renamed command, or the reason it cannot be renamed (a String). */
  private Object rename(CommandEvent command, SlotSpread spread) {
    byte[][] argv = command.argv();
    int[] at = keys.keyIndexes(argv);
    if (at == null) {
      return "--rename-prefix cannot locate the keys of "
          + command.name()
          + " (a command the source's COMMAND table does not describe, or arguments that do not"
          + " say where its keys are), so it is not applied rather than applied half renamed";
    }
    String name = command.name();
    if ((name.equals("SORT") || name.equals("SORT_RO")) && hasKeyPatterns(argv)) {
      return "SORT with BY or GET patterns reads keys named by those patterns, which"
          + " --rename-prefix cannot rename";
    }
    byte[][] out = null;
    for (int i : at) {
      byte[] renamed = renamer.rename(argv[i]);
      spread.add(argv[i], renamed);
      if (renamed != argv[i]) {
        if (out == null) {
          out = argv.clone();
        }
        out[i] = renamed;
      }
    }
    return out == null ? command : command.withArgv(out);
  }

  private static boolean hasKeyPatterns(byte[][] argv) {
    for (int i = 2; i < argv.length - 1; i++) {
      String word = MovableKeys.upper(argv[i]);
      if (word.equals("BY") || word.equals("GET")) {
        byte[] pattern = argv[++i];
        boolean star = false;
        for (byte b : pattern) {
          star |= b == '*';
        }
        if (star && !(pattern.length == 1 && pattern[0] == '#')) {
          return true;
        }
      } else if (word.equals("LIMIT")) {
        i += 2;
      }
    }
    return false;
  }

  /** The hash slots of a set of keys before and after the rename. */
  private final class SlotSpread {
    private int before = -1;
    private int after = -1;
    private boolean beforeSplit;
    private boolean afterSplit;
    private byte[] firstAfter;
    private byte[] otherAfter;

    void clear() {
      before = -1;
      after = -1;
      beforeSplit = false;
      afterSplit = false;
      firstAfter = null;
      otherAfter = null;
    }

    void add(byte[] original, byte[] renamed) {
      if (slot == null) {
        return;
      }
      int b = slot.applyAsInt(original);
      int a = renamed == original ? b : slot.applyAsInt(renamed);
      beforeSplit |= before >= 0 && b != before;
      if (after >= 0 && a != after && !afterSplit) {
        afterSplit = true;
        otherAfter = renamed;
      }
      if (before < 0) {
        before = b;
        after = a;
        firstAfter = renamed;
      }
    }

    void addAll(SlotSpread other) {
      if (other.before < 0) {
        return;
      }
      beforeSplit |= other.beforeSplit || (before >= 0 && other.before != before);
      if (!afterSplit) {
        if (other.afterSplit) {
          afterSplit = true;
          otherAfter = other.otherAfter;
          if (firstAfter == null) {
            firstAfter = other.firstAfter;
          }
        } else if (after >= 0 && other.after != after) {
          afterSplit = true;
          otherAfter = other.firstAfter;
        }
      }
      if (before < 0) {
        before = other.before;
        after = other.after;
        firstAfter = other.firstAfter;
      }
    }

    /** Why the rename breaks a cluster's one-slot rule for {@code what}, or null. */
    String crossSlot(String what) {
      if (beforeSplit || !afterSplit) {
        return null;
      }
      return "--rename-prefix puts "
          + what
          + " into different hash slots ('"
          + KeyNames.printable(firstAfter)
          + "' and '"
          + KeyNames.printable(otherAfter)
          + "'), which a Redis Cluster cannot take in one command; they shared one slot"
          + " under their source names";
    }
  }
}
