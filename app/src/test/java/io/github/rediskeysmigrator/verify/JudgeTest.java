package io.github.rediskeysmigrator.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import org.junit.jupiter.api.Test;

class JudgeTest {
  private static final long NOW = 1_700_000_000_000L;
  private final Judge judge = new Judge(2000);

  /** A payload: type byte, body, RDB version 10, and a fake CRC. */
  private static byte[] payload(int type, String body, int rdbVersion) {
    byte[] b = body.getBytes();
    byte[] p = new byte[1 + b.length + 10];
    p[0] = (byte) type;
    System.arraycopy(b, 0, p, 1, b.length);
    p[1 + b.length] = (byte) rdbVersion;
    p[p.length - 1] = (byte) rdbVersion;
    return p;
  }

  private static KeyState string(String body, long expireAt) {
    return KeyState.ofPayload(KeyType.STRING, expireAt, payload(0, body, 10));
  }

  private static Judge.Digester digestsOf() {
    return s -> {
      ValueDigest d = new ValueDigest(s.type());
      d.stringBytes(s.payload(), 1, s.payload().length - 11);
      return d.finish();
    };
  }

  private Judge.Verdict judge(KeyState src, KeyState dst) {
    return judge.judge(src, dst, NOW, digestsOf(), digestsOf());
  }

  @Test
  void sameBytesAreIdenticalAndOtherBytesAValueDifference() {
    assertEquals(Outcome.IDENTICAL, judge(string("abc", -1), string("abc", -1)).outcome());
    Judge.Verdict v = judge(string("abc", -1), string("abcd", -1));
    assertEquals(Outcome.VALUE_DIFFERS, v.outcome());
    assertEquals("string: the source has 3 bytes, the destination 4", v.details());
  }

  @Test
  void anotherRdbVersionOfTheSameBodyIsIdentical() {
    KeyState v9 = KeyState.ofPayload(KeyType.STRING, -1, payload(0, "abc", 9));
    assertEquals(Outcome.IDENTICAL, judge(v9, string("abc", -1)).outcome());
  }

  @Test
  void missingKeysAndTypes() {
    assertEquals(Outcome.MISSING, judge(string("a", -1), KeyState.missing()).outcome());
    Judge.Verdict t =
        judge(string("a", -1), KeyState.ofPayload(KeyType.SET, -1, payload(2, "a", 10)));
    assertEquals(Outcome.TYPE_DIFFERS, t.outcome());
    assertEquals("the source holds a string, the destination a set", t.details());
  }

  @Test
  void aKeyExpiringAboutNowMayBeGoneAtTheDestination() {
    assertEquals(
        Outcome.SKIPPED_EXPIRED, judge(string("a", NOW + 1999), KeyState.missing()).outcome());
    assertEquals(Outcome.MISSING, judge(string("a", NOW + 2001), KeyState.missing()).outcome());
  }

  @Test
  void expiriesWithinTheToleranceMatch() {
    long at = NOW + 60_000;
    assertEquals(Outcome.IDENTICAL, judge(string("a", at), string("a", at + 2000)).outcome());
    assertEquals(Outcome.IDENTICAL, judge(string("a", at), string("a", at - 2000)).outcome());
    Judge.Verdict late = judge(string("a", at), string("a", at + 2001));
    assertEquals(Outcome.TTL_DIFFERS, late.outcome());
    assertTrue(late.details().contains("2.001 s later"), late.details());
    Judge.Verdict none = judge(string("a", at), string("a", KeyEvent.NO_EXPIRY));
    assertEquals(Outcome.TTL_DIFFERS, none.outcome());
    assertTrue(none.details().endsWith("the destination never"), none.details());
    Judge.Verdict extra = judge(string("a", KeyEvent.NO_EXPIRY), string("a", at));
    assertEquals(Outcome.TTL_DIFFERS, extra.outcome());
    assertTrue(extra.details().startsWith("the source never expires"), extra.details());
  }

  @Test
  void aValueDifferenceCarriesTheTtlDifferenceInItsDetails() {
    Judge.Verdict v = judge(string("a", NOW + 60_000), string("b", KeyEvent.NO_EXPIRY));
    assertEquals(Outcome.VALUE_DIFFERS, v.outcome());
    assertTrue(v.details().contains("; also the source expires at"), v.details());
  }

  @Test
  void unreadableValuesAreUnverified() {
    Judge.Verdict v =
        judge.judge(
            string("a", -1),
            string("b", -1),
            NOW,
            s -> {
              throw new Judge.UnverifiableException("cannot parse", null);
            },
            digestsOf());
    assertEquals(Outcome.UNVERIFIED, v.outcome());
    KeyState changed = KeyState.big(KeyType.HASH, -1).withUnreadable("it changed");
    assertEquals(Outcome.UNVERIFIED, judge(changed, KeyState.big(KeyType.HASH, -1)).outcome());
  }
}
