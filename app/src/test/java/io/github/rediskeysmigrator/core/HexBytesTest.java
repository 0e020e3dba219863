package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class HexBytesTest {
  @Test
  void parsesPairsOfDigitsInEitherCase() {
    assertArrayEquals(
        new byte[] {'h', (byte) 0xe9, 'l', 'l', 'o', '*'}, HexBytes.parse("--x", "68E96c6c6f2a"));
    assertArrayEquals(new byte[0], HexBytes.parse("--x", ""));
  }

  @Test
  void refusesWhatIsNotHexNamingTheOption() {
    IllegalArgumentException odd =
        assertThrows(IllegalArgumentException.class, () -> HexBytes.parse("--match-hex", "6"));
    assertEquals(
        "--match-hex '6' is not hex: an odd number of digits (two per byte)", odd.getMessage());
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> HexBytes.parse("--match-hex", "zz"));
    assertEquals(
        "--match-hex 'zz' is not hex: only 0-9 and a-f, two digits per byte", bad.getMessage());
  }

  @Test
  void aDamagedArgumentIsRefusedWithItsHexFormAndTheDamagedBytesMarked() {
    HexBytes.requireUndamaged("--match", "--match-hex", "héllo*");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HexBytes.requireUndamaged("--match", "--match-hex", "h\uFFFDllo*"));
    assertEquals(
        "--match has a byte that is not valid UTF-8, which the JVM received as U+FFFD: give it as"
            + " bytes with --match-hex (here 68??6c6c6f2a, with each ?? the byte you meant)",
        e.getMessage());
  }

  @Test
  void renameMappingsInHexFollowTheTextOnes() {
    KeyRenamer r = KeyRenamer.parse(List.of("a:=b:"), List.of("ff3a=623a"));
    assertArrayEquals(new byte[] {'b', ':', 'x'}, r.rename(new byte[] {'a', ':', 'x'}));
    assertArrayEquals(new byte[] {'b', ':', 'y'}, r.rename(new byte[] {(byte) 0xff, ':', 'y'}));
    IllegalArgumentException shadowed =
        assertThrows(
            IllegalArgumentException.class,
            () -> KeyRenamer.parse(List.of("a=b"), List.of("613a=78")));
    assertEquals(
        "--rename-prefix-hex '613a=78' can never apply: the earlier 'a=b' already takes every key"
            + " it would match (give the longer prefix first)",
        shadowed.getMessage());
  }
}
