package io.github.rediskeysmigrator.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.ExitCode;
import org.junit.jupiter.api.Test;

class VerifyReportTest {
  private static VerifyReport report(Long skippedExisting, Outcome... outcomes) {
    VerifyReport r = new VerifyReport("src", "dst", skippedExisting);
    for (Outcome o : outcomes) {
      r.add(o);
    }
    return r;
  }

  @Test
  void everyKeyReadIsInOneBucket() {
    VerifyReport r =
        report(null, Outcome.IDENTICAL, Outcome.MISSING, Outcome.FILTERED, Outcome.SKIPPED_GONE);
    assertEquals(4, r.read());
    assertEquals(1, r.differences());
    assertEquals(ExitCode.DIFFERENCES, r.verdict());
    assertEquals(ExitCode.OK, report(null, Outcome.IDENTICAL, Outcome.FILTERED).verdict());
  }

  @Test
  void theMigrationReportExplainsNoMoreThanItSkipped() {
    VerifyReport two = report(2L, Outcome.VALUE_DIFFERS, Outcome.TTL_DIFFERS, Outcome.IDENTICAL);
    assertTrue(two.explainedByExisting());
    assertEquals(ExitCode.OK, two.verdict());
    assertEquals(2, two.mayHaveExistedBefore());

    VerifyReport three =
        report(2L, Outcome.VALUE_DIFFERS, Outcome.TTL_DIFFERS, Outcome.TYPE_DIFFERS);
    assertFalse(three.explainedByExisting());
    assertEquals(ExitCode.DIFFERENCES, three.verdict());
    assertEquals(2, three.mayHaveExistedBefore());

    // A skipped key exists at the destination: a missing key is never explained by it.
    VerifyReport missing = report(5L, Outcome.VALUE_DIFFERS, Outcome.MISSING);
    assertFalse(missing.explainedByExisting());
    assertEquals(ExitCode.DIFFERENCES, missing.verdict());
  }

  @Test
  void extraKeysAreDifferencesButNotKeysReadAndNeverExplained() {
    VerifyReport r = report(5L, Outcome.IDENTICAL, Outcome.VALUE_DIFFERS);
    r.checkingExtraKeys();
    r.extra();
    assertEquals(2, r.read());
    assertEquals(2, r.differences());
    assertFalse(r.explainedByExisting());
    assertEquals(ExitCode.DIFFERENCES, r.verdict());
    assertTrue(r.summary().contains("extra at destination 1"), r::summary);
    assertTrue(r.toJson().contains("\"extra\":1"), r::toJson);
    assertFalse(report(null, Outcome.IDENTICAL).summary().contains("extra"));
  }

  @Test
  void fingerprintsFindEveryKeyAddedAndTellDbsApart() {
    KeyFingerprints f = new KeyFingerprints();
    for (int i = 0; i < 200_000; i++) {
      f.add(i % 3, ("key:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    f.add(0, new byte[0]);
    java.util.List<byte[]> names = new java.util.ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      names.add(("key:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    boolean[] inDb1 = f.contains(1, names);
    for (int i = 0; i < inDb1.length; i++) {
      assertEquals(i % 3 == 1, inDb1[i], "key:" + i);
    }
    assertTrue(f.contains(0, java.util.List.of(new byte[0]))[0]);
    assertFalse(f.contains(0, java.util.List.of("key:200000".getBytes()))[0]);
    assertEquals(200_001, f.size());
    assertEquals(java.util.Set.of(0, 1, 2), f.dbs());
  }

  @Test
  void sizesAcceptUnits() {
    assertEquals(67108864L, VerifyConfig.parseSize("--x", "67108864"));
    assertEquals(64L << 20, VerifyConfig.parseSize("--x", "64MB"));
    assertEquals(512L << 10, VerifyConfig.parseSize("--x", "512kb"));
    assertEquals(1L << 30, VerifyConfig.parseSize("--x", "1g"));
    assertEquals(0, VerifyConfig.parseSize("--x", "0"));
    assertThrows(IllegalArgumentException.class, () -> VerifyConfig.parseSize("--x", "lots"));
    assertThrows(IllegalArgumentException.class, () -> VerifyConfig.parseSize("--x", "-1"));
  }
}
