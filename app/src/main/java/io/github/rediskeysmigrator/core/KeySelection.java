package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a run takes from its source: the one place where keys and live commands are selected, for a
 * migration and a verification alike. A key goes through the filter chain ({@link KeyFilters}: db,
 * pattern, type, then expiry). A live command goes through the same selection: its db, its keys
 * against --match, its data type against --type; with a selection in force, keyless commands
 * (FLUSHDB, SWAPDB, FUNCTION, ...) are left out, since they would reach keys outside it. The
 * selection sees the source's names, before --rename-prefix.
 *
 * <p>It also holds the skip rule of a live run: a key the first snapshot found at the destination
 * and left alone stays the destination's, so the live commands on it are skipped too.
 */
public final class KeySelection {
  private final MigrationConfig config;
  private final CommandKeys commands;
  private final KeyFilter keys;
  private final boolean selective;

  /** Keys the snapshot found at the destination and left alone (policy skip), as db + bytes. */
  private final Set<String> leftAlone = ConcurrentHashMap.newKeySet();

  /**
   * @param config the selection options (--db, --match, --type)
   * @param commands where the keys of each live command are, and its type
   * @param clock whose now decides whether a key has expired
   */
  public KeySelection(MigrationConfig config, CommandKeys commands, Clock clock) {
    this.config = config;
    this.commands = commands;
    this.keys = KeyFilters.forConfig(config, clock);
    this.selective = !config.match().matchesAll() || !config.types().isEmpty();
  }

  /** Whether {@code event} goes on, or why not. */
  public KeyFilter.Decision key(KeyEvent event) {
    return keys.decide(event);
  }

  /**
   * Whether the live {@code command} goes on; {@code keys} are its key arguments ({@link
   * CommandKeys#keys}).
   */
  public boolean command(CommandEvent command, List<byte[]> keys) {
    if (!config.dbs().isEmpty() && !config.dbs().contains(command.sourceDb())) {
      return false;
    }
    if (!selective) {
      return true;
    }
    KeyType type = commands.type(command.argv());
    boolean keep =
        !keys.isEmpty()
            && (type == null || config.types().isEmpty() || config.types().contains(type));
    for (byte[] k : keys) {
      keep &= config.match().matches(k);
    }
    return keep;
  }

  /** The snapshot left {@code event} alone at the destination: live commands on it are skipped. */
  void leaveAlone(KeyEvent event) {
    leftAlone.add(keyId(event.sourceDb(), event.key()));
  }

  /** Whether {@code command} (its key arguments: {@code keys}) touches a key left alone. */
  boolean touchesLeftAlone(CommandEvent command, List<byte[]> keys) {
    if (leftAlone.isEmpty()) {
      return false;
    }
    for (byte[] k : keys) {
      if (leftAlone.contains(keyId(command.sourceDb(), k))) {
        return true;
      }
    }
    return false;
  }

  private static String keyId(int db, byte[] key) {
    return db + ":" + new String(key, StandardCharsets.ISO_8859_1);
  }
}
