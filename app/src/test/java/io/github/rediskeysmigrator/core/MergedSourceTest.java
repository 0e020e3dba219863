package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergedSourceTest {
  /** A source of {@code n} keys named prefix + i, then an optional failure. */
  private static KeySource keys(String prefix, int n, SourceException failure) {
    return new KeySource() {
      @Override
      public void readInto(KeySink sink) throws SourceException, InterruptedException {
        for (int i = 0; i < n; i++) {
          byte[] key = (prefix + i).getBytes(StandardCharsets.UTF_8);
          sink.accept(KeyEvent.of(0, key, KeyType.STRING, KeyEvent.NO_EXPIRY, new byte[] {0}));
        }
        if (failure != null) {
          throw failure;
        }
      }

      @Override
      public long bytesRead() {
        return n;
      }

      @Override
      public long bytesTotal() {
        return n;
      }
    };
  }

  private static List<String> collect(KeySource source) throws Exception {
    List<String> seen = new ArrayList<>();
    source.readInto(
        e -> {
          synchronized (seen) {
            seen.add(new String(((KeyEvent) e).key(), StandardCharsets.UTF_8));
          }
        });
    return seen;
  }

  @Test
  void everyChildsKeysArriveEachInItsOwnOrder() throws Exception {
    MergedSource merged =
        new MergedSource(List.of(keys("a", 1000, null), keys("b", 700, null)), 2, "t");
    List<String> seen = collect(merged);
    assertEquals(1700, seen.size());
    for (String prefix : List.of("a", "b")) {
      List<String> mine = seen.stream().filter(k -> k.startsWith(prefix)).toList();
      for (int i = 0; i < mine.size(); i++) {
        assertEquals(prefix + i, mine.get(i));
      }
    }
    assertEquals(1700, merged.bytesRead());
  }

  @Test
  void aFailingChildStopsTheRunAfterHandingOverWhatItRead() throws Exception {
    SourceException bad = new SourceException(SourceException.Kind.BAD_INPUT, "truncated", null);
    MergedSource merged = new MergedSource(List.of(keys("a", 10, bad), keys("b", 5, null)), 1, "t");
    List<String> seen = new ArrayList<>();
    SourceException thrown =
        assertThrows(
            SourceException.class,
            () ->
                merged.readInto(
                    e -> seen.add(new String(((KeyEvent) e).key(), StandardCharsets.UTF_8))));
    assertEquals("truncated", thrown.getMessage());
    assertEquals(10, seen.size(), "the keys before the failure, and not the next file");
  }
}
