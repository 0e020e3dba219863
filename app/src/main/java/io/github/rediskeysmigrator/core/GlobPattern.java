package io.github.rediskeysmigrator.core;

import java.nio.charset.StandardCharsets;

/**
 * A glob pattern with the semantics of Redis's {@code MATCH} ({@code stringmatchlen} in util.c):
 * {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, backslash escapes, byte-wise and
 * case-sensitive, so binary keys match exactly as SCAN would match them.
 */
public final class GlobPattern {
  private final byte[] pattern;
  private final boolean matchesAll;

  private GlobPattern(byte[] pattern) {
    this.pattern = pattern;
    // Only the one-byte "*" skips matching in Redis; "**" still rejects an empty key.
    this.matchesAll = pattern.length == 1 && pattern[0] == '*';
  }

  /** Compiles a pattern given as text (UTF-8 encoded, as redis-cli would send it). */
  public static GlobPattern of(String pattern) {
    return new GlobPattern(pattern.getBytes(StandardCharsets.UTF_8));
  }

  /** Compiles a pattern given as its bytes (any bytes, as SCAN MATCH takes them). */
  public static GlobPattern of(byte[] pattern) {
    return new GlobPattern(pattern.clone());
  }

  /** The pattern's bytes, as SCAN MATCH takes them. */
  public byte[] bytes() {
    return pattern.clone();
  }

  /** Whether every key matches, so callers can skip the check. */
  public boolean matchesAll() {
    return matchesAll;
  }

  /** Whether {@code key} matches this pattern. */
  public boolean matches(byte[] key) {
    return matchesAll || match(0, 0, key, new boolean[1], 0);
  }

  @Override
  public String toString() {
    return new String(pattern, StandardCharsets.UTF_8);
  }

  // A direct port of Redis's stringmatchlen_impl, including its skipLongerMatches shortcut that
  // keeps patterns like "a*a*a*a*b" linear, and its nesting cap.
  private boolean match(int p, int s, byte[] str, boolean[] skipLonger, int nesting) {
    if (nesting > 1000) {
      return false;
    }
    byte[] pat = pattern;
    int patLen = pat.length - p;
    int strLen = str.length - s;
    while (patLen > 0 && strLen > 0) {
      switch (pat[p]) {
        case '*':
          while (patLen > 1 && pat[p + 1] == '*') {
            p++;
            patLen--;
          }
          if (patLen == 1) {
            return true;
          }
          while (strLen > 0) {
            if (match(p + 1, s, str, skipLonger, nesting + 1)) {
              return true;
            }
            if (skipLonger[0]) {
              return false;
            }
            s++;
            strLen--;
          }
          skipLonger[0] = true;
          return false;
        case '?':
          s++;
          strLen--;
          break;
        case '[':
          {
            p++;
            patLen--;
            boolean not = patLen > 0 && pat[p] == '^';
            if (not) {
              p++;
              patLen--;
            }
            boolean matched = false;
            while (true) {
              if (patLen >= 2 && pat[p] == '\\') {
                p++;
                patLen--;
                if (pat[p] == str[s]) {
                  matched = true;
                }
              } else if (patLen == 0) {
                p--;
                patLen++;
                break;
              } else if (pat[p] == ']') {
                break;
              } else if (patLen >= 3 && pat[p + 1] == '-') {
                // Signed comparison, like C's char on the platforms Redis ships for.
                int start = pat[p];
                int end = pat[p + 2];
                int c = str[s];
                if (start > end) {
                  int t = start;
                  start = end;
                  end = t;
                }
                p += 2;
                patLen -= 2;
                if (c >= start && c <= end) {
                  matched = true;
                }
              } else if (pat[p] == str[s]) {
                matched = true;
              }
              p++;
              patLen--;
            }
            if (not) {
              matched = !matched;
            }
            if (!matched) {
              return false;
            }
            s++;
            strLen--;
            break;
          }
        case '\\':
          if (patLen >= 2) {
            p++;
            patLen--;
          }
          if (pat[p] != str[s]) {
            return false;
          }
          s++;
          strLen--;
          break;
        default:
          if (pat[p] != str[s]) {
            return false;
          }
          s++;
          strLen--;
          break;
      }
      p++;
      patLen--;
      if (strLen == 0) {
        while (patLen > 0 && pat[p] == '*') {
          p++;
          patLen--;
        }
        break;
      }
    }
    return patLen == 0 && strLen == 0;
  }
}
