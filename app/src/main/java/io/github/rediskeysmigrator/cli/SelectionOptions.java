package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.HexBytes;
import io.github.rediskeysmigrator.core.KeyRenamer;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.MigrationConfig.Defaults;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Which keys a command works on and where their dbs go: --match (or --match-hex), --db, --db-map,
 * --type. One set of options for every command, so a migration and its verification select the same
 * keys.
 */
final class SelectionOptions {

  @Option(
      names = "--match",
      paramLabel = "GLOB",
      defaultValue = Defaults.MATCH,
      description =
          "Keys to select, Redis MATCH syntax (env SCAN_MATCH_PATTERN; default: ${DEFAULT-VALUE}).")
  String match;

  @Option(
      names = "--match-hex",
      paramLabel = "HEX",
      description =
          "The --match pattern given as its bytes in hex (env SCAN_MATCH_PATTERN_HEX), for a pattern"
              + " with bytes that are not valid UTF-8, which the JVM cannot take as text: e.g."
              + " 68e96c6c6f2a for the bytes h 0xE9 l l o *. The glob's own syntax (* ? [ ] \\)"
              + " applies to the bytes as usual.")
  String matchHex;

  @Option(
      names = "--db",
      paramLabel = "N",
      split = ",",
      description =
          "Source databases, e.g. 0 or 0,2 (default: every db of a file; the db of --from for a"
              + " live source).")
  List<Integer> dbs = List.of();

  @Option(
      names = "--db-map",
      paramLabel = "SRC=DST",
      split = ",",
      description = "Source db SRC goes to destination db DST, e.g. 0=3,1=4.")
  Map<Integer, Integer> dbMap = new HashMap<>();

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      split = ",",
      description =
          "Types to select: string, list, set, zset, hash, stream, module (default: all).")
  List<String> types = List.of();

  @Option(
      names = "--rename-prefix",
      paramLabel = "OLD=NEW",
      description = {
        "Keys whose name starts with OLD are written with NEW in its place, e.g. --rename-prefix"
            + " user:=tenant-a:user: (repeatable; the first OLD that matches wins, byte for byte,"
            + " like --match; a key no OLD matches keeps its name). Applied after the filters,"
            + " which see the source name, and before the existence policy; live commands get"
            + " every key argument renamed (scripts by their declared keys only). verify looks"
            + " each key up under its new name.",
        "Merging two dbs into one, a run per db: --db 0 --rename-prefix user:=a:user: then"
            + " --db 1 --db-map 1=0 --rename-prefix user:=b:user: (verify each the same way)."
      })
  List<String> renamePrefixes = List.of();

  @Option(
      names = "--rename-prefix-hex",
      paramLabel = "OLDHEX=NEWHEX",
      description =
          "A --rename-prefix given as bytes in hex, for prefixes with bytes that are not valid"
              + " UTF-8 (repeatable; applied after the --rename-prefix mappings, first match wins).")
  List<String> renamePrefixesHex = List.of();

  /**
   * The --match pattern's bytes: --match-hex decoded, else --match as UTF-8.
   *
   * @throws IllegalArgumentException for both given, a --match-hex that is not hex, or a --match
   *     the JVM received damaged (a byte that is not UTF-8)
   */
  byte[] matchBytes() {
    if (matchHex != null) {
      if (!match.equals(Defaults.MATCH)) {
        throw new IllegalArgumentException(
            "give the pattern once: --match (SCAN_MATCH_PATTERN) or --match-hex"
                + " (SCAN_MATCH_PATTERN_HEX), not both");
      }
      return HexBytes.parse("--match-hex", matchHex);
    }
    HexBytes.requireUndamaged("--match", "--match-hex", match);
    return match.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The --rename-prefix mapping.
   *
   * @throws IllegalArgumentException naming the bad mapping
   */
  KeyRenamer renamer() {
    for (String m : renamePrefixes) {
      HexBytes.requireUndamaged("--rename-prefix", "--rename-prefix-hex", m);
    }
    return KeyRenamer.parse(renamePrefixes, renamePrefixesHex);
  }

  /**
   * The selected types, after checking every option.
   *
   * @throws IllegalArgumentException naming the bad option
   */
  Set<KeyType> validatedTypes() {
    matchBytes();
    Set<KeyType> typeSet = new LinkedHashSet<>();
    for (String t : types) {
      typeSet.add(KeyType.fromRedisName(t));
    }
    for (int db : dbs) {
      requireDb("--db", db);
    }
    dbMap.forEach(
        (src, dst) -> {
          requireDb("--db-map", src);
          requireDb("--db-map", dst);
        });
    return typeSet;
  }

  private static void requireDb(String option, int db) {
    if (db < 0) {
      throw new IllegalArgumentException(option + ": database numbers are 0 or more, got " + db);
    }
  }
}
