package io.github.rediskeysmigrator.aof;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Redis 7+ multi-part AOF manifest ({@code appendonly.aof.manifest}), read as Redis reads it: one
 * line per file, {@code file NAME seq N type b|h|i} (more key/value pairs allowed; the name quoted
 * when it needs to be), comments starting with {@code #}. The base file, then the incremental files
 * in the order listed; history files (type {@code h}) are what a rewrite left behind, and ignored.
 *
 * @param base the base file (an RDB or an AOF), if any
 * @param incrementals the incremental AOF files, in the order Redis loads them
 */
public record AofManifest(Optional<Path> base, List<Path> incrementals) {

  /**
   * Reads the manifest at {@code file}; the files it names are resolved in its directory.
   *
   * @throws BadAofException when a line is not what Redis writes
   */
  public static AofManifest read(Path file) throws IOException, BadAofException {
    Path dir = file.toAbsolutePath().getParent();
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    Path base = null;
    List<Path> incrementals = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> args = splitArgs(line);
      if (args == null || args.size() < 6 || args.size() % 2 != 0) {
        throw new BadAofException(file, "line " + lineNo + " is not a manifest entry: " + line);
      }
      String name = null;
      String type = null;
      for (int i = 0; i < args.size(); i += 2) {
        switch (args.get(i)) {
          case "file" -> name = args.get(i + 1);
          case "type" -> type = args.get(i + 1);
          default -> {
            // seq, and keys of later Redis versions, do not change the order of loading.
          }
        }
      }
      if (name == null || type == null || name.isEmpty()) {
        throw new BadAofException(file, "line " + lineNo + " has no file name or no type: " + line);
      }
      if (name.contains("/")) {
        throw new BadAofException(
            file, "line " + lineNo + " names a file outside its directory: " + name);
      }
      // Redis writes a name with bytes outside printable ASCII as \xHH escapes: the bytes of the
      // file system's (UTF-8) name.
      Path part =
          dir.resolve(
              new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
      switch (type) {
        case "b" -> {
          if (base != null) {
            throw new BadAofException(file, "line " + lineNo + " names a second base file");
          }
          base = part;
        }
        case "i" -> incrementals.add(part);
        case "h" -> {
          // A history file: already folded into the base by a rewrite.
        }
        default ->
            throw new BadAofException(
                file, "line " + lineNo + " has an unknown file type '" + type + "'");
      }
    }
    if (base == null && incrementals.isEmpty()) {
      throw new BadAofException(file, "names no base and no incremental file");
    }
    return new AofManifest(Optional.ofNullable(base), List.copyOf(incrementals));
  }

  /**
   * Splits a line the way Redis's {@code sdssplitargs} does: words separated by blanks, a word in
   * double quotes with C escapes ({@code \n}, {@code \xHH}, ...) or in single quotes; null when the
   * quotes do not balance.
   */
  static List<String> splitArgs(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return out;
      }
      ByteArrayOutputStream word = new ByteArrayOutputStream();
      char c = line.charAt(i);
      if (c == '"' || c == '\'') {
        i = quoted(line, i + 1, c, word);
        if (i < 0) {
          return null;
        }
      } else {
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          word.write(line.charAt(i));
          i++;
        }
      }
      out.add(word.toString(StandardCharsets.ISO_8859_1));
    }
  }

  /**
   * Reads into {@code word} a word quoted with {@code quote} whose first character is at {@code i}
   * (after the opening quote): within double quotes {@code \xHH} and C escapes count, within single
   * quotes only {@code \'}. Returns the index after the closing quote, or -1 when the quote is not
   * closed or is followed by something other than white space.
   */
  private static int quoted(String line, int i, char quote, ByteArrayOutputStream word) {
    int n = line.length();
    while (true) {
      if (i >= n) {
        return -1;
      }
      char d = line.charAt(i);
      boolean escape = d == '\\' && i + 1 < n;
      if (quote == '"' && escape && i + 3 < n && line.charAt(i + 1) == 'x' && isHex(line, i + 2)) {
        word.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
        i += 4;
      } else if (quote == '"' && escape) {
        char e = line.charAt(i + 1);
        word.write(
            switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
        i += 2;
      } else if (quote == '\'' && escape && line.charAt(i + 1) == '\'') {
        word.write('\'');
        i += 2;
      } else if (d == quote) {
        i++;
        return i < n && !Character.isWhitespace(line.charAt(i)) ? -1 : i;
      } else {
        word.write(d);
        i++;
      }
    }
  }

  private static boolean isHex(String s, int at) {
    return Character.digit(s.charAt(at), 16) >= 0 && Character.digit(s.charAt(at + 1), 16) >= 0;
  }
}
