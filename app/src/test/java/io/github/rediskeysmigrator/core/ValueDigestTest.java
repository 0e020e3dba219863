package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueDigestTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String set(String... members) {
    ValueDigest d = new ValueDigest(KeyType.SET);
    for (String m : members) {
      d.setMember(b(m));
    }
    return d.finish().hex();
  }

  @Test
  void unorderedCollectionsIgnoreTheOrderOfArrival() {
    assertEquals(set("a", "b", "c"), set("c", "a", "b"));
    assertNotEquals(set("a", "b", "c"), set("a", "b", "d"));
    assertNotEquals(set("a", "b"), set("a", "b", "b"));
  }

  @Test
  void stringsIgnoreChunkBoundaries() {
    ValueDigest whole = new ValueDigest(KeyType.STRING);
    whole.stringBytes(b("hello world"), 0, 11);
    ValueDigest chunked = new ValueDigest(KeyType.STRING);
    chunked.stringBytes(b("hello"), 0, 5);
    chunked.stringBytes(b(" world"), 0, 6);
    ValueDigest.Result w = whole.finish();
    assertEquals(w, chunked.finish());
    assertEquals(11, w.count());
  }

  @Test
  void framingKeepsNeighbouringElementsApart() {
    ValueDigest ab = new ValueDigest(KeyType.LIST);
    ab.listElement(b("ab"));
    ab.listElement(b("c"));
    ValueDigest a = new ValueDigest(KeyType.LIST);
    a.listElement(b("a"));
    a.listElement(b("bc"));
    assertNotEquals(ab.finish().hex(), a.finish().hex());

    ValueDigest h1 = new ValueDigest(KeyType.HASH);
    h1.hashField(b("f"), b("vx"));
    ValueDigest h2 = new ValueDigest(KeyType.HASH);
    h2.hashField(b("fv"), b("x"));
    assertNotEquals(h1.finish().hex(), h2.finish().hex());
  }

  @Test
  void typeListOrderAndScoresCount() {
    ValueDigest list = new ValueDigest(KeyType.LIST);
    list.listElement(b("a"));
    ValueDigest set = new ValueDigest(KeyType.SET);
    set.setMember(b("a"));
    assertNotEquals(list.finish().hex(), set.finish().hex());

    ValueDigest z1 = new ValueDigest(KeyType.ZSET);
    z1.zsetMember(b("m"), 1.0);
    ValueDigest z2 = new ValueDigest(KeyType.ZSET);
    z2.zsetMember(b("m"), 1.5);
    assertNotEquals(z1.finish().hex(), z2.finish().hex());
  }

  @Test
  void streamsCoverEntriesLastIdAndGroups() {
    assertNotEquals(stream(5, 0, 1), stream(6, 0, 1));
    assertNotEquals(stream(5, 0, 1), stream(5, 1, 1));
    assertNotEquals(stream(5, 0, 1), stream(5, 0, 2));
    assertEquals(stream(5, 0, 1), stream(5, 0, 1));
  }

  private static String stream(long lastMs, long groupMs, long deliveries) {
    ValueDigest d = new ValueDigest(KeyType.STREAM);
    d.streamEntry(1, 0, List.of(b("f"), b("v")));
    d.streamLastId(lastMs, 0);
    d.streamGroup(b("g"), groupMs, 0);
    d.streamPending(1, 0, b("alice"), deliveries);
    d.streamConsumer(b("alice"));
    return d.finish().hex();
  }
}
