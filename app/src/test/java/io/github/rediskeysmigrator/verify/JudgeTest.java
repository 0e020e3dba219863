package io.github.rediskeysmigrator.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;
import io.github.rediskeysmigrator.rdb.RdbEncoding;
import io.github.rediskeysmigrator.testing.Rdb13Streams;
import java.nio.charset.StandardCharsets;
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

  /**
   * A hash payload: Redis 7.4's type 24 (minimum expiry, then each field's expiry relative to it
   * plus 1, 0 for none) when a field has a TTL (-1 for none), else a plain type 4.
   */
  private static byte[] hash(String[] fields, long[] expiries) {
    long min = Long.MAX_VALUE;
    for (long e : expiries) {
      if (e >= 0) {
        min = Math.min(min, e);
      }
    }
    boolean ttls = min != Long.MAX_VALUE;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(ttls ? 24 : 4);
    if (ttls) {
      out.writeBytes(RdbEncoding.int64(min));
    }
    out.writeBytes(RdbEncoding.length(fields.length));
    for (int i = 0; i < fields.length; i++) {
      if (ttls) {
        out.writeBytes(RdbEncoding.length(expiries[i] < 0 ? 0 : expiries[i] - min + 1));
      }
      out.writeBytes(RdbEncoding.string(fields[i].getBytes(StandardCharsets.UTF_8)));
      out.writeBytes(RdbEncoding.string("v".getBytes(StandardCharsets.UTF_8)));
    }
    out.write(12);
    out.write(0);
    out.writeBytes(new byte[8]);
    return out.toByteArray();
  }

  private static KeyState hashState(long... expiries) {
    return KeyState.ofPayload(KeyType.HASH, -1, hash(new String[] {"f1", "f2"}, expiries));
  }

  /** The fields and values compare equal: only their TTLs are left to judge. */
  private Judge.Verdict judgeHashes(KeyState src, KeyState dst) {
    Judge.Digester same = s -> new ValueDigest(KeyType.HASH).finish();
    return judge.judge(src, dst, NOW, same, same);
  }

  @Test
  void hashFieldTtlsThatDifferAreATtlDifferenceNamingTheField() {
    long hour = 3_600_000;
    Judge.Verdict v = judgeHashes(hashState(NOW + hour, -1), hashState(NOW + 2 * hour, -1));

    assertEquals(Outcome.TTL_DIFFERS, v.outcome());
    assertTrue(v.details().startsWith("hash field 'f1': the source expires at "), v.details());

    Judge.Verdict lost = judgeHashes(hashState(NOW + hour, NOW + hour), hashState(-1, -1));
    assertEquals(Outcome.TTL_DIFFERS, lost.outcome());
    assertTrue(
        lost.details().endsWith("the destination never (and 1 more fields)"), lost.details());
  }

  @Test
  void hashFieldTtlsWithinTheToleranceOrRunningOutNowAreNoDifference() {
    long hour = 3_600_000;
    assertEquals(
        Outcome.IDENTICAL,
        judgeHashes(hashState(NOW + hour, -1), hashState(NOW + hour + 1500, -1)).outcome());
    // It may have expired at the destination in between.
    assertEquals(
        Outcome.IDENTICAL, judgeHashes(hashState(NOW + 1000, -1), hashState(-1, -1)).outcome());
  }

  /** Digests as verify computes them (PayloadDigests), for real stream payloads. */
  private Judge.Verdict judgeStreams(byte[] src, byte[] dst) {
    io.github.rediskeysmigrator.rdb.PayloadDigests digests =
        new io.github.rediskeysmigrator.rdb.PayloadDigests();
    Judge.Digester d =
        s -> {
          try {
            return digests.digest(s.payload());
          } catch (io.github.rediskeysmigrator.rdb.PayloadDigests.UnreadablePayloadException e) {
            throw new Judge.UnverifiableException(e.getMessage(), e);
          }
        };
    return judge.judge(
        KeyState.ofPayload(KeyType.STREAM, -1, src),
        KeyState.ofPayload(KeyType.STREAM, -1, dst),
        NOW,
        d,
        d);
  }

  @Test
  void aStreamWithIdmpStateIntoAnOlderDestinationIsComparedWithoutItAndSaysSo() throws Exception {
    byte[] src = Rdb13Streams.payload();
    byte[] older = io.github.rediskeysmigrator.rdb.PayloadDecoder.withoutIdmp(src);

    Judge.Verdict v = judgeStreams(src, older);

    assertEquals(Outcome.IDENTICAL, v.outcome());
    assertTrue(v.idmpNotCompared());
    assertEquals(Judge.IDMP_NOT_COMPARED, v.details());
  }

  @Test
  void theSameStreamWithIdmpStateOnBothSidesIsIdenticalAndCompared() {
    Judge.Verdict v = judgeStreams(Rdb13Streams.payload(), Rdb13Streams.payload());

    assertEquals(Outcome.IDENTICAL, v.outcome());
    assertEquals(false, v.idmpNotCompared());
  }

  @Test
  void anotherIdmpStateWhereBothSidesHoldOneIsAValueDifference() {
    Judge.Verdict v = judgeStreams(Rdb13Streams.payload(), Rdb13Streams.payloadWithOtherIdmp());

    assertEquals(Outcome.VALUE_DIFFERS, v.outcome());
    assertTrue(v.details().contains("different IDMP state"), v.details());
  }

  @Test
  void leavingOutTheIdmpStateHidesNoOtherDifference() throws Exception {
    byte[] src = Rdb13Streams.payload();
    byte[] older = io.github.rediskeysmigrator.rdb.PayloadDecoder.withoutIdmp(src);
    // Another value of the first entry ("value1" becomes "valueX") in the older destination.
    byte[] changed = older.clone();
    for (int i = 0; i + 6 <= changed.length; i++) {
      if (new String(changed, i, 6, StandardCharsets.ISO_8859_1).equals("value1")) {
        changed[i + 5] = 'X';
        break;
      }
    }
    assertTrue(!java.util.Arrays.equals(older, changed));

    Judge.Verdict v = judgeStreams(src, changed);

    assertEquals(Outcome.VALUE_DIFFERS, v.outcome());
    assertEquals(false, v.idmpNotCompared());
  }
}
