package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The source name to destination name mapping of {@code --rename-prefix OLD=NEW}: a key that starts
 * with OLD gets NEW in its place, byte for byte; the first rule whose OLD is a prefix of the key
 * wins, and a key no rule matches keeps its name. Shared by the migrating commands and {@code
 * verify}, so a renamed migration is checked with the very mapping that wrote it.
 */
public final class KeyRenamer {
  /** No renaming: every key keeps its name. */
  public static final KeyRenamer NONE = new KeyRenamer(List.of());

  private record Rule(byte[] from, byte[] to, String text) {}

  private final List<Rule> rules;

  private KeyRenamer(List<Rule> rules) {
    this.rules = rules;
  }

  /**
   * Parses the mappings in the order given. OLD and NEW are taken as UTF-8 text, as {@code --match}
   * takes its pattern; the first {@code =} separates them, so OLD cannot hold one.
   *
   * @throws IllegalArgumentException naming the bad mapping: no {@code =}, an empty OLD, or one
   *     whose OLD starts with the OLD of an earlier mapping (the earlier one takes all its keys, so
   *     it could never apply)
   */
  public static KeyRenamer parse(List<String> mappings) {
    return parse(mappings, List.of());
  }

  /**
   * Parses the text mappings, then the mappings given as bytes in hex ({@code OLDHEX=NEWHEX}, from
   * {@code --rename-prefix-hex}), in that order, with the same rules.
   *
   * @throws IllegalArgumentException naming the bad mapping, as {@link #parse(List)}, or a hex
   *     mapping that is not pairs of hex digits
   */
  public static KeyRenamer parse(List<String> mappings, List<String> hexMappings) {
    List<Rule> rules = new ArrayList<>();
    for (String m : mappings) {
      add(rules, "--rename-prefix", m, s -> s.getBytes(StandardCharsets.UTF_8));
    }
    for (String m : hexMappings) {
      add(rules, "--rename-prefix-hex", m, s -> HexBytes.parse("--rename-prefix-hex", s));
    }
    return rules.isEmpty() ? NONE : new KeyRenamer(List.copyOf(rules));
  }

  private static void add(
      List<Rule> rules,
      String option,
      String m,
      java.util.function.Function<String, byte[]> bytes) {
    {
      int eq = m.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            option + " '" + m + "' is malformed: expected OLD=NEW, e.g. tenant-a:=a:");
      }
      if (eq == 0) {
        throw new IllegalArgumentException(
            option + " '" + m + "' has an empty OLD: it would rename every key");
      }
      Rule rule = new Rule(bytes.apply(m.substring(0, eq)), bytes.apply(m.substring(eq + 1)), m);
      for (Rule earlier : rules) {
        if (startsWith(rule.from(), earlier.from())) {
          throw new IllegalArgumentException(
              option
                  + " '"
                  + m
                  + "' can never apply: the earlier '"
                  + earlier.text()
                  + "' already takes every key it would match (give the longer prefix first)");
        }
      }
      rules.add(rule);
    }
  }

  /** Whether no key is ever renamed. */
  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /**
   * The destination name of {@code key}: a new array when a rule matches, else {@code key} itself
   * (so {@code rename(k) != k} says it was renamed).
   */
  public byte[] rename(byte[] key) {
    if (rules.isEmpty()) {
      return key; // called for every key: no iterator when there is nothing to rename
    }
    for (Rule r : rules) {
      if (startsWith(key, r.from())) {
        byte[] out = new byte[r.to().length + key.length - r.from().length];
        System.arraycopy(r.to(), 0, out, 0, r.to().length);
        System.arraycopy(key, r.from().length, out, r.to().length, key.length - r.from().length);
        return out;
      }
    }
    return key;
  }

  /**
   * Every source name that {@link #rename} turns into {@code destinationKey}: none, one, or several
   * when rules (or a rule and a key kept as it is) meet in the same name. For checks that start at
   * the destination, e.g. keys there that no source key accounts for.
   */
  public List<byte[]> sourceNamesOf(byte[] destinationKey) {
    List<byte[]> names = new ArrayList<>();
    for (Rule r : rules) {
      if (startsWith(destinationKey, r.to())) {
        byte[] candidate = new byte[r.from().length + destinationKey.length - r.to().length];
        System.arraycopy(r.from(), 0, candidate, 0, r.from().length);
        System.arraycopy(
            destinationKey,
            r.to().length,
            candidate,
            r.from().length,
            destinationKey.length - r.to().length);
        if (Arrays.equals(rename(candidate), destinationKey)) {
          names.add(candidate);
        }
      }
    }
    if (rename(destinationKey) == destinationKey) {
      names.add(destinationKey);
    }
    return names;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  @Override
  public String toString() {
    return rules.stream().map(Rule::text).toList().toString();
  }
}
