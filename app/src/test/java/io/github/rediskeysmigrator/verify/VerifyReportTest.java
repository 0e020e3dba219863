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
