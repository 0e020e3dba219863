package io.github.rediskeysmigrator.core;

import static io.github.rediskeysmigrator.testing.Bytes.argv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MovableKeysTest {
  @Test
  void scriptsAndFunctionsByTheirKeyCount() {
    assertArrayEquals(new int[] {3, 4}, MovableKeys.indexes(argv("EVAL", "s", "2", "a", "b", "x")));
    assertArrayEquals(new int[] {}, MovableKeys.indexes(argv("evalsha", "0123", "0", "x")));
    assertArrayEquals(new int[] {3}, MovableKeys.indexes(argv("FCALL", "f", "1", "k")));
    assertNull(MovableKeys.indexes(argv("EVAL", "s", "3", "a", "b")));
    assertNull(MovableKeys.indexes(argv("EVAL", "s", "two", "a", "b")));
    assertNull(MovableKeys.indexes(argv("EVAL", "s", "-1")));
    assertNull(MovableKeys.indexes(argv("EVAL", "s")));
  }

  @Test
  void msetexByItsKeyValuePairs() {
    assertArrayEquals(
        new int[] {2, 4},
        MovableKeys.indexes(argv("MSETEX", "2", "a", "1", "b", "2", "PXAT", "99")));
    assertNull(MovableKeys.indexes(argv("MSETEX", "3", "a", "1", "b", "2")));
  }

  @Test
  void storeCommandsWithADestinationFirst() {
    assertArrayEquals(
        new int[] {1, 3, 4},
        MovableKeys.indexes(argv("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2")));
    assertArrayEquals(
        new int[] {2, 3}, MovableKeys.indexes(argv("ZINTER", "2", "a", "b", "WITHSCORES")));
    assertArrayEquals(
        new int[] {3, 4}, MovableKeys.indexes(argv("BLMPOP", "0", "2", "a", "b", "LEFT")));
    assertArrayEquals(new int[] {2}, MovableKeys.indexes(argv("LMPOP", "1", "a", "LEFT")));
  }

  @Test
  void keywordsSayWhereTheOtherKeysAre() {
    assertArrayEquals(
        new int[] {1, 8},
        MovableKeys.indexes(argv("SORT", "k", "BY", "STORE", "LIMIT", "0", "1", "STORE", "d")));
    assertArrayEquals(new int[] {1}, MovableKeys.indexes(argv("SORT", "k", "GET", "STORE")));
    assertArrayEquals(
        new int[] {4, 5},
        MovableKeys.indexes(argv("XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0")));
    assertNull(MovableKeys.indexes(argv("XREAD", "STREAMS", "s1", "s2", "0")));
    assertArrayEquals(
        new int[] {1, 7, 9},
        MovableKeys.indexes(
            argv("GEORADIUS", "g", "0", "0", "1", "km", "STORE", "d1", "STOREDIST", "d2")));
    assertArrayEquals(
        new int[] {10, 11},
        MovableKeys.indexes(
            argv("MIGRATE", "h", "1", "", "0", "5", "AUTH", "KEYS", "REPLACE", "KEYS", "a", "b")));
    assertArrayEquals(
        new int[] {3}, MovableKeys.indexes(argv("MIGRATE", "h", "1", "k", "0", "5", "COPY")));
  }

  @Test
  void otherCommandsAreNotKnownHere() {
    assertNull(MovableKeys.indexes(argv("MODULE.CMD", "a")));
  }
}
