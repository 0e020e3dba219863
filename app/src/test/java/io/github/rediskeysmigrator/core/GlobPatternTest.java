package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.testing.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link GlobPattern} against Redis's {@code stringmatchlen} (src/util.c), case by case and
 * against a literal transcription of the C code on random inputs.
 */
class GlobPatternTest {

  private static boolean matches(String pattern, String key) {
    return matches(pattern, key.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean matches(String pattern, byte[] key) {
    return GlobPattern.of(pattern).matches(key);
  }

  @Test
  void starMatchesAnyRunOfBytesIncludingNone() {
    assertTrue(matches("foo*", "foo"));
    assertTrue(matches("foo*", "foobar"));
    assertTrue(matches("*bar", "bar"));
    assertTrue(matches("*bar", "foobar"));
    assertTrue(matches("f*r", "fr"));
    assertTrue(matches("f*r", "foobar"));
    assertFalse(matches("*bar", "bars"));
    assertFalse(matches("foo*", "fo"));
  }

  @Test
  void selectsTheKeysOfRedisKeysWithPatternTest() {
    // tests/unit/keyspace.tcl, "KEYS with pattern" and "KEYS with hashtag".
    List<String> keys = List.of("key_x", "key_y", "key_z", "foo_a", "foo_b", "foo_c");
    assertEquals(List.of("foo_a", "foo_b", "foo_c"), select("foo*", keys));
    assertEquals(keys, select("*", keys));
    List<String> tagged = List.of("{a}x", "{a}y", "{a}z", "{b}a", "{b}b", "{b}c");
    assertEquals(List.of("{a}x", "{a}y", "{a}z"), select("{a}*", tagged));
    assertEquals(List.of("{b}a", "{b}b", "{b}c"), select("*{b}*", tagged));
  }

  @Test
  void selectsTheKeysOfRedisScanMatchTest() {
    // tests/unit/scan.tcl, "SCAN MATCH": keys key:0 .. key:999 with MATCH key:1??.
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add("key:" + i);
    }
    List<String> selected = select("key:1??", keys);
    assertEquals(100, selected.size());
    assertTrue(selected.stream().allMatch(k -> k.length() == 7 && k.startsWith("key:1")));
  }

  @Test
  void behavesAsTheRedisKeysDocumentationExamplesSay() {
    // The examples of https://redis.io/docs/latest/commands/keys/.
    assertTrue(matches("h?llo", "hello"));
    assertTrue(matches("h?llo", "hallo"));
    assertTrue(matches("h?llo", "hxllo"));
    assertTrue(matches("h*llo", "hllo"));
    assertTrue(matches("h*llo", "heeeello"));
    assertTrue(matches("h[ae]llo", "hello"));
    assertTrue(matches("h[ae]llo", "hallo"));
    assertFalse(matches("h[ae]llo", "hillo"));
    assertTrue(matches("h[^e]llo", "hallo"));
    assertTrue(matches("h[^e]llo", "hbllo"));
    assertFalse(matches("h[^e]llo", "hello"));
    assertTrue(matches("h[a-b]llo", "hallo"));
    assertTrue(matches("h[a-b]llo", "hbllo"));
    assertFalse(matches("h[a-b]llo", "hcllo"));
  }

  @Test
  void questionMarkMatchesExactlyOneByteNotOneCharacter() {
    assertTrue(matches("?", "a"));
    assertFalse(matches("?", ""));
    assertFalse(matches("?", "ab"));
    // "é" is two bytes in UTF-8, and Redis matches bytes.
    assertFalse(matches("?", "é"));
    assertTrue(matches("??", "é"));
  }

  @Test
  void matchesCaseSensitively() {
    assertFalse(matches("FOO*", "foobar"));
    assertFalse(matches("[A-C]", "b"));
  }

  @Test
  void bracketMatchesOneOfItsBytes() {
    assertTrue(matches("[abc]", "a"));
    assertTrue(matches("[abc]", "c"));
    assertFalse(matches("[abc]", "d"));
    assertFalse(matches("[abc]", "ab"));
    assertFalse(matches("[abc]", ""));
  }

  @Test
  void caretNegatesTheBracket() {
    assertTrue(matches("[^a]", "b"));
    assertFalse(matches("[^a]", "a"));
    assertFalse(matches("[^abc]", "c"));
    assertTrue(matches("[^abc]", "d"));
    // An empty negated class matches any byte: "]" closes it at once.
    assertTrue(matches("[^]", "x"));
    assertFalse(matches("[]", "x"));
  }

  @Test
  void rangeMatchesItsBoundsAndWhatLiesBetween() {
    assertTrue(matches("[a-c]", "a"));
    assertTrue(matches("[a-c]", "b"));
    assertTrue(matches("[a-c]", "c"));
    assertFalse(matches("[a-c]", "d"));
    assertFalse(matches("[a-c]", "-"));
    assertTrue(matches("[0-9a-f]", "7"));
    assertTrue(matches("[0-9a-f]", "e"));
    assertFalse(matches("[0-9a-f]", "g"));
  }

  @Test
  void reversedRangeIsSwapped() {
    assertTrue(matches("[c-a]", "a"));
    assertTrue(matches("[c-a]", "b"));
    assertTrue(matches("[c-a]", "c"));
    assertFalse(matches("[c-a]", "d"));
    assertFalse(matches("[^c-a]", "b"));
  }

  @Test
  void dashAtTheStartOrEndOfABracketIsLiteral() {
    assertTrue(matches("[-a]", "-"));
    assertTrue(matches("[-a]", "a"));
    assertFalse(matches("[-a]", "b"));
  }

  @Test
  void rangeMayEndWithTheClosingBracketLeavingTheClassOpen() {
    // "[a-]" is the range ']'..'a' in stringmatchlen, and the class then runs to the end.
    assertTrue(matches("[a-]", "_"));
    assertTrue(matches("[a-]", "]"));
    assertTrue(matches("[a-]", "a"));
    assertFalse(matches("[a-]", "b"));
    assertFalse(matches("[a-]", "-"));
  }

  @Test
  void backslashEscapesTheNextByte() {
    assertTrue(matches("\\*", "*"));
    assertFalse(matches("\\*", "a"));
    assertFalse(matches("\\*", ""));
    assertTrue(matches("\\?", "?"));
    assertFalse(matches("\\?", "a"));
    assertTrue(matches("\\[a]", "[a]"));
    assertFalse(matches("\\[a]", "a"));
    assertTrue(matches("a\\\\b", "a\\b"));
    assertTrue(matches("\\a", "a"));
  }

  @Test
  void trailingBackslashMatchesItself() {
    assertTrue(matches("a\\", "a\\"));
    assertFalse(matches("a\\", "a"));
  }

  @Test
  void backslashEscapesInsideBrackets() {
    assertTrue(matches("[\\]]", "]"));
    assertFalse(matches("[\\]]", "\\"));
    assertTrue(matches("[a\\-z]", "-"));
    assertTrue(matches("[a\\-z]", "z"));
    assertFalse(matches("[a\\-z]", "b"));
    assertTrue(matches("[\\^a]", "^"));
    // A backslash closing the pattern is literal inside an unterminated bracket.
    assertTrue(matches("[\\", "\\"));
  }

  @Test
  void unterminatedBracketRunsToTheEndOfThePattern() {
    assertTrue(matches("[abc", "b"));
    assertFalse(matches("[abc", "d"));
    assertFalse(matches("[abc", "bb"));
    assertTrue(matches("x[ab", "xa"));
    assertTrue(matches("[^ab", "c"));
    assertFalse(matches("[^ab", "a"));
  }

  @Test
  void loneOpeningBracketMatchesNothing() {
    assertFalse(matches("[", "["));
    assertFalse(matches("[", "a"));
    assertFalse(matches("[", ""));
    assertFalse(matches("a[", "a["));
  }

  @Test
  void openBracketWithOnlyACaretMatchesAnyOneByte() {
    assertTrue(matches("[^", "x"));
    assertTrue(matches("[^", "^"));
    assertFalse(matches("[^", "xy"));
  }

  @Test
  void severalStarsMatchInOrder() {
    assertTrue(matches("a*b*c", "abc"));
    assertTrue(matches("a*b*c", "aXbYc"));
    assertTrue(matches("a*b*c", "abcabc"));
    assertTrue(matches("a*b*c", "abcbc"));
    assertFalse(matches("a*b*c", "acb"));
    assertFalse(matches("a*b*c", "aXbY"));
    assertFalse(matches("a*b*c", "bac"));
    assertTrue(matches("*a*", "bab"));
    assertTrue(matches("a**b", "ab"));
    assertTrue(matches("a*?", "ab"));
    assertFalse(matches("a*?", "a"));
  }

  @Test
  void pathologicalPatternsFromRedisRegressionTestsFailFast() {
    // tests/unit/keyspace.tcl, "Regression for pattern matching long nested loops".
    assertFalse(matches("a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(40)));
    // tests/unit/keyspace.tcl, "... very long nested loops": Redis gives up at nesting 1000 and
    // reports no match, although the key is long enough.
    assertFalse(matches("*?".repeat(50_000), "a".repeat(50_000)));
  }

  @Test
  void emptyPatternMatchesOnlyTheEmptyKey() {
    assertTrue(matches("", ""));
    assertFalse(matches("", "a"));
    assertFalse(GlobPattern.of("").matchesAll());
  }

  @Test
  void emptyKeyIsMatchedByStarAsScanWithMatchStarReturnsIt() {
    // SCAN and KEYS skip the match for the pattern "*", so they return a key named "".
    assertTrue(matches("*", ""));
    assertFalse(matches("?", ""));
    assertFalse(matches("a*", ""));
    assertFalse(matches("*a", ""));
    assertFalse(matches("[a]", ""));
    assertFalse(matches("[^a]", ""));
    assertFalse(matches("\\*", ""));
  }

  @Test
  void starMatchesAcrossBinaryBytes() {
    byte[] key = Bytes.of('a', 0x00, 0xff, 0x80, 'b');
    assertTrue(matches("*", key));
    assertTrue(matches("a*", key));
    assertTrue(matches("a*b", key));
    assertTrue(matches("*b", key));
    assertFalse(matches("*c", key));
  }

  @Test
  void questionMarkAndNegatedClassMatchNulAndHighBytes() {
    assertTrue(matches("?", Bytes.of(0x00)));
    assertTrue(matches("?", Bytes.of(0x80)));
    assertTrue(matches("?", Bytes.of(0xff)));
    assertTrue(matches("a?b", Bytes.of('a', 0x00, 'b')));
    assertTrue(matches("[^a]", Bytes.of(0x00)));
    assertTrue(matches("[^a]", Bytes.of(0xff)));
    assertFalse(matches("[^a]", Bytes.of('a')));
  }

  @Test
  void patternBytesAreComparedExactlyIncludingNulAndUtf8() {
    assertTrue(matches("a\u0000b", Bytes.of('a', 0x00, 'b')));
    assertFalse(matches("a\u0000b", Bytes.of('a', 'b')));
    assertFalse(matches("ab", Bytes.of('a', 0x00, 'b')));
    assertTrue(matches("k\u00e9*", Bytes.of('k', 0xc3, 0xa9, 0x00)));
    assertFalse(matches("k\u00e9*", Bytes.of('k', 0xc3)));
    // "[é]" is a class of the two bytes 0xc3 and 0xa9.
    assertTrue(matches("[\u00e9]", Bytes.of(0xc3)));
    assertTrue(matches("[\u00e9]", Bytes.of(0xa9)));
    assertFalse(matches("[\u00e9]", "\u00e9"));
  }

  @Test
  void rangesCompareBytesAsSignedCharsLikeRedisOnX86() {
    // "[a-é]" holds the range 'a'..0xc3; as signed chars 0xc3 is -61, so the range is swapped
    // into -61..97: bytes 0x00..0x61 and 0xc3..0xff match, 'b' does not.
    assertTrue(matches("[a-\u00e9]", Bytes.of(0x00)));
    assertTrue(matches("[a-\u00e9]", Bytes.of('0')));
    assertTrue(matches("[a-\u00e9]", Bytes.of(0xd0)));
    assertTrue(matches("[a-\u00e9]", Bytes.of(0xa9)));
    assertFalse(matches("[a-\u00e9]", Bytes.of('b')));
    assertFalse(matches("[a-\u00e9]", Bytes.of(0x80)));
  }

  @Test
  void matchesAllOnlyForTheOneStarPattern() {
    assertTrue(GlobPattern.of("*").matchesAll());
    // Like SCAN: only "*" skips matching; "**" still rejects the empty key.
    assertFalse(GlobPattern.of("**").matchesAll());
    assertFalse(GlobPattern.of("**").matches(new byte[0]));
    assertTrue(GlobPattern.of("**").matches(new byte[] {'a'}));
    assertFalse(GlobPattern.of("").matchesAll());
    assertFalse(GlobPattern.of("a*").matchesAll());
    assertFalse(GlobPattern.of("*a").matchesAll());
    assertFalse(GlobPattern.of("\\*").matchesAll());
    assertFalse(GlobPattern.of("*?").matchesAll());
  }

  @Test
  void toStringGivesThePatternBack() {
    assertEquals("user:[0-9]*", GlobPattern.of("user:[0-9]*").toString());
  }

  @Test
  void agreesWithALiteralTranscriptionOfStringmatchlenOnRandomInputs() {
    byte[] alphabet = "ab*?[]^-\\".getBytes(StandardCharsets.US_ASCII);
    byte[] keyAlphabet = {'a', 'b', 'c', '-', ']', '^', '\\', '*', 0x00, (byte) 0xf0};
    Random random = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      byte[] pattern = randomBytes(random, alphabet, random.nextInt(7));
      byte[] key = randomBytes(random, keyAlphabet, random.nextInt(7));
      boolean expected = StringMatchLen.match(pattern, key);
      GlobPattern glob = GlobPattern.of(new String(pattern, StandardCharsets.ISO_8859_1));
      assertEquals(
          expected,
          glob.matches(key),
          () -> "pattern " + printable(pattern) + " key " + printable(key));
    }
  }

  private static byte[] randomBytes(Random random, byte[] alphabet, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return b;
  }

  private static String printable(byte[] b) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte x : b) {
      sb.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x));
    }
    return sb.append('"').toString();
  }

  private static List<String> select(String pattern, List<String> keys) {
    GlobPattern glob = GlobPattern.of(pattern);
    return keys.stream()
        .filter(k -> glob.matches(k.getBytes(StandardCharsets.UTF_8)))
        .collect(Collectors.toList());
  }

  /**
   * Redis 7.4's stringmatchlen_impl transcribed line by line, with C's pointer reads: a byte past
   * the end reads as the NUL terminator an sds carries. It keeps the recursion without the
   * skip-longer-matches shortcut, so it checks that shortcut too.
   */
  private static final class StringMatchLen {
    private final byte[] pat;
    private final byte[] str;

    private StringMatchLen(byte[] pat, byte[] str) {
      this.pat = pat;
      this.str = str;
    }

    static boolean match(byte[] pattern, byte[] string) {
      // db.c and scan skip matching for the single pattern "*".
      if (pattern.length == 1 && pattern[0] == '*') {
        return true;
      }
      return new StringMatchLen(pattern, string).impl(0, pattern.length, 0, string.length);
    }

    private int p(int i) {
      return i < pat.length ? pat[i] : 0;
    }

    private int s(int i) {
      return i < str.length ? str[i] : 0;
    }

    private boolean impl(int pattern, int patternLen, int string, int stringLen) {
      while (patternLen != 0 && stringLen != 0) {
        switch (p(pattern)) {
          case '*':
            while (patternLen != 0 && p(pattern + 1) == '*') {
              pattern++;
              patternLen--;
            }
            if (patternLen == 1) {
              return true;
            }
            while (stringLen != 0) {
              if (impl(pattern + 1, patternLen - 1, string, stringLen)) {
                return true;
              }
              string++;
              stringLen--;
            }
            return false;
          case '?':
            string++;
            stringLen--;
            break;
          case '[':
            {
              pattern++;
              patternLen--;
              boolean not = p(pattern) == '^';
              if (not) {
                pattern++;
                patternLen--;
              }
              boolean match = false;
              while (true) {
                if (p(pattern) == '\\' && patternLen >= 2) {
                  pattern++;
                  patternLen--;
                  if (p(pattern) == s(string)) {
                    match = true;
                  }
                } else if (p(pattern) == ']') {
                  break;
                } else if (patternLen == 0) {
                  pattern--;
                  patternLen++;
                  break;
                } else if (patternLen >= 3 && p(pattern + 1) == '-') {
                  int start = p(pattern);
                  int end = p(pattern + 2);
                  int c = s(string);
                  if (start > end) {
                    int t = start;
                    start = end;
                    end = t;
                  }
                  pattern += 2;
                  patternLen -= 2;
                  if (c >= start && c <= end) {
                    match = true;
                  }
                } else if (p(pattern) == s(string)) {
                  match = true;
                }
                pattern++;
                patternLen--;
              }
              if (not) {
                match = !match;
              }
              if (!match) {
                return false;
              }
              string++;
              stringLen--;
              break;
            }
          case '\\':
            if (patternLen >= 2) {
              pattern++;
              patternLen--;
            }
            if (p(pattern) != s(string)) {
              return false;
            }
            string++;
            stringLen--;
            break;
          default:
            if (p(pattern) != s(string)) {
              return false;
            }
            string++;
            stringLen--;
            break;
        }
        pattern++;
        patternLen--;
        if (stringLen == 0) {
          while (p(pattern) == '*') {
            pattern++;
            patternLen--;
          }
          break;
        }
      }
      return patternLen == 0 && stringLen == 0;
    }
  }
}
