package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRenamerTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String renamed(KeyRenamer r, String key) {
    return new String(r.rename(b(key)), StandardCharsets.UTF_8);
  }

  @Test
  void replacesTheFirstMatchingPrefixAndKeepsOtherKeys() {
    KeyRenamer r = KeyRenamer.parse(List.of("user:=a:user:", "u=b:u", "x="));
    assertEquals("a:user:1", renamed(r, "user:1"));
    assertEquals("b:user", renamed(r, "user"));
    assertEquals("b:us", renamed(r, "us"));
    assertEquals("y", renamed(r, "xy"));
    assertEquals("", renamed(r, "x"));
    byte[] other = b("other:1");
    assertSame(other, r.rename(other));
  }

  @Test
  void theRestOfTheNameIsCopiedByteForByte() {
    KeyRenamer r = KeyRenamer.parse(List.of("é:=e:"));
    byte[] key = {(byte) 0xc3, (byte) 0xa9, ':', (byte) 0xff, 0, (byte) 0x80};
    assertArrayEquals(new byte[] {'e', ':', (byte) 0xff, 0, (byte) 0x80}, r.rename(key));
    // The same letter in another encoding is another prefix.
    byte[] latin1 = {(byte) 0xe9, ':', 'k'};
    assertSame(latin1, r.rename(latin1));
    // Case matters, as in --match.
    assertEquals("É:k", renamed(r, "É:k"));
  }

  @Test
  void refusesAMappingWithoutEquals() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> KeyRenamer.parse(List.of("tenant-a:")));
    assertEquals(
        "--rename-prefix 'tenant-a:' is malformed: expected OLD=NEW, e.g. tenant-a:=a:",
        e.getMessage());
  }

  @Test
  void refusesAnEmptyOld() {
    var e = assertThrows(IllegalArgumentException.class, () -> KeyRenamer.parse(List.of("=a:")));
    assertTrue(e.getMessage().contains("'=a:' has an empty OLD"), e.getMessage());
  }

  @Test
  void refusesAPrefixAnEarlierOneShadowsNamingBoth() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> KeyRenamer.parse(List.of("a=x", "ab=y")));
    assertEquals(
        "--rename-prefix 'ab=y' can never apply: the earlier 'a=x' already takes every key it"
            + " would match (give the longer prefix first)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KeyRenamer.parse(List.of("a=x", "a=y")));
  }

  @Test
  void theLongerPrefixFirstIsFine() {
    KeyRenamer r = KeyRenamer.parse(List.of("ab=y", "a=x"));
    assertEquals("yc", renamed(r, "abc"));
    assertEquals("xc", renamed(r, "ac"));
  }

  @Test
  void newMayHoldEqualsSigns() {
    assertEquals("k=v:1", renamed(KeyRenamer.parse(List.of("k:=k=v:")), "k:1"));
  }

  @Test
  void noMappingIsNone() {
    assertSame(KeyRenamer.NONE, KeyRenamer.parse(List.of()));
    assertTrue(KeyRenamer.NONE.isEmpty());
  }

  @Test
  void sourceNamesOfADestinationKeyUndoTheRename() {
    KeyRenamer r = KeyRenamer.parse(List.of("a:=t:", "b:=t:", "ab=x"));
    List<String> names =
        r.sourceNamesOf(b("t:1")).stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    // t:1 itself would be kept as it is, so it also stands for itself.
    assertEquals(List.of("a:1", "b:1", "t:1"), names);
    // a:1 is renamed, so no source key a:1 reaches the destination as a:1.
    assertEquals(List.of(), r.sourceNamesOf(b("a:1")));
    // xa:... comes from ab... only if that rule would be chosen: a: wins for "a:", so "aba:" -> x.
    assertEquals(
        List.of("aba:"),
        r.sourceNamesOf(b("xa:")).stream()
            .map(k -> new String(k, StandardCharsets.UTF_8))
            .filter(s -> !s.equals("xa:"))
            .toList());
  }
}
