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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /** Pattern, key, and whether the pattern matches the key, rule by rule. */
  @ParameterizedTest(name = "{0} ~ {1}: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // star matches any run of bytes including none.
        "`foo*`|`foo`|true",
        "`foo*`|`foobar`|true",
        "`*bar`|`bar`|true",
        "`*bar`|`foobar`|true",
        "`f*r`|`fr`|true",
        "`f*r`|`foobar`|true",
        "`*bar`|`bars`|false",
        "`foo*`|`fo`|false",
        // behaves as the redis keys documentation examples say.
        // The examples of https://redis.io/docs/latest/commands/keys/.
        "`h?llo`|`hello`|true",
        "`h?llo`|`hallo`|true",
        "`h?llo`|`hxllo`|true",
        "`h*llo`|`hllo`|true",
        "`h*llo`|`heeeello`|true",
        "`h[ae]llo`|`hello`|true",
        "`h[ae]llo`|`hallo`|true",
        "`h[ae]llo`|`hillo`|false",
        "`h[^e]llo`|`hallo`|true",
        "`h[^e]llo`|`hbllo`|true",
        "`h[^e]llo`|`hello`|false",
        "`h[a-b]llo`|`hallo`|true",
        "`h[a-b]llo`|`hbllo`|true",
        "`h[a-b]llo`|`hcllo`|false",
        // question mark matches exactly one byte not one character.
        "`?`|`a`|true",
        "`?`|``|false",
        "`?`|`ab`|false",
        // "é" is two bytes in UTF-8, and Redis matches bytes.
        "`?`|`é`|false",
        "`??`|`é`|true",
        // matches case sensitively.
        "`FOO*`|`foobar`|false",
        "`[A-C]`|`b`|false",
        // bracket matches one of its bytes.
        "`[abc]`|`a`|true",
        "`[abc]`|`c`|true",
        "`[abc]`|`d`|false",
        "`[abc]`|`ab`|false",
        "`[abc]`|``|false",
        // caret negates the bracket.
        "`[^a]`|`b`|true",
        "`[^a]`|`a`|false",
        "`[^abc]`|`c`|false",
        "`[^abc]`|`d`|true",
        // An empty negated class matches any byte: "]" closes it at once.
        "`[^]`|`x`|true",
        "`[]`|`x`|false",
        // range matches its bounds and what lies between.
        "`[a-c]`|`a`|true",
        "`[a-c]`|`b`|true",
        "`[a-c]`|`c`|true",
        "`[a-c]`|`d`|false",
        "`[a-c]`|`-`|false",
        "`[0-9a-f]`|`7`|true",
        "`[0-9a-f]`|`e`|true",
        "`[0-9a-f]`|`g`|false",
        // reversed range is swapped.
        "`[c-a]`|`a`|true",
        "`[c-a]`|`b`|true",
        "`[c-a]`|`c`|true",
        "`[c-a]`|`d`|false",
        "`[^c-a]`|`b`|false",
        // dash at the start or end of a bracket is literal.
        "`[-a]`|`-`|true",
        "`[-a]`|`a`|true",
        "`[-a]`|`b`|false",
        // range may end with the closing bracket leaving the class open.
        // "[a-]" is the range ']'..'a' in stringmatchlen, and the class then runs to the end.
        "`[a-]`|`_`|true",
        "`[a-]`|`]`|true",
        "`[a-]`|`a`|true",
        "`[a-]`|`b`|false",
        "`[a-]`|`-`|false",
        // backslash escapes the next byte.
        "`\\*`|`*`|true",
        "`\\*`|`a`|false",
        "`\\*`|``|false",
        "`\\?`|`?`|true",
        "`\\?`|`a`|false",
        "`\\[a]`|`[a]`|true",
        "`\\[a]`|`a`|false",
        "`a\\\\b`|`a\\b`|true",
        "`\\a`|`a`|true",
        // trailing backslash matches itself.
        "`a\\`|`a\\`|true",
        "`a\\`|`a`|false",
        // backslash escapes inside brackets.
        "`[\\]]`|`]`|true",
        "`[\\]]`|`\\`|false",
        "`[a\\-z]`|`-`|true",
        "`[a\\-z]`|`z`|true",
        "`[a\\-z]`|`b`|false",
        "`[\\^a]`|`^`|true",
        // A backslash closing the pattern is literal inside an unterminated bracket.
        "`[\\`|`\\`|true",
        // unterminated bracket runs to the end of the pattern.
        "`[abc`|`b`|true",
        "`[abc`|`d`|false",
        "`[abc`|`bb`|false",
        "`x[ab`|`xa`|true",
        "`[^ab`|`c`|true",
        "`[^ab`|`a`|false",
        // lone opening bracket matches nothing.
        "`[`|`[`|false",
        "`[`|`a`|false",
        "`[`|``|false",
        "`a[`|`a[`|false",
        // open bracket with only a caret matches any one byte.
        "`[^`|`x`|true",
        "`[^`|`^`|true",
        "`[^`|`xy`|false",
        // several stars match in order.
        "`a*b*c`|`abc`|true",
        "`a*b*c`|`aXbYc`|true",
        "`a*b*c`|`abcabc`|true",
        "`a*b*c`|`abcbc`|true",
        "`a*b*c`|`acb`|false",
        "`a*b*c`|`aXbY`|false",
        "`a*b*c`|`bac`|false",
        "`*a*`|`bab`|true",
        "`a**b`|`ab`|true",
        "`a*?`|`ab`|true",
        "`a*?`|`a`|false",
        // empty key is matched by star as scan with match star returns it.
        // SCAN and KEYS skip the match for the pattern "*", so they return a key named "".
        "`*`|``|true",
        "`?`|``|false",
        "`a*`|``|false",
        "`*a`|``|false",
        "`[a]`|``|false",
        "`[^a]`|``|false",
        "`\\*`|``|false",
      })
  void matchesAsRedisDoes(String pattern, String key, boolean matches) {
    assertEquals(matches, matches(pattern, key), () -> pattern + " ~ " + key);
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
