package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.verify.Difference;
import io.github.rediskeysmigrator.verify.Outcome;
import io.github.rediskeysmigrator.verify.VerifyReport;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verify report and diff lines are valid JSON whose counts add up. */
class VerifyJsonTest {
  @Test
  void diffLinesAreJsonObjectsWithPrintableKeys() {
    byte[] key = {'a', '"', 0, (byte) 0xff, '\\'};
    Map<String, Object> line =
        JsonText.object(
            new Difference(0, 3, key, Outcome.VALUE_DIFFERS, "a \"quoted\" detail").toJsonLine());
    assertEquals(new BigDecimal(0), line.get("db"));
    assertEquals(new BigDecimal(3), line.get("destination_db"));
    assertEquals("a\\\"\\x00\\xff\\\\", line.get("key"));
    assertEquals("value_differs", line.get("outcome"));
    assertEquals("a \"quoted\" detail", line.get("details"));
  }

  @Test
  void reportCountsAddUpToRead() {
    VerifyReport r = new VerifyReport("a.rdb", "redis://h:1", 4L);
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.EXTRA) {
        r.add(o);
      }
    }
    r.finish(1000, 10, ExitCode.DIFFERENCES, null);
    Map<String, Object> json = JsonText.object(r.toJson());
    long sum = 0;
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.EXTRA) {
        sum += ((BigDecimal) json.get(o.jsonName())).longValue();
      }
    }
    // Not searched for without --extra-keys: no count rather than a zero.
    assertTrue(json.containsKey("extra"));
    assertEquals(null, json.get("extra"));
    assertEquals(((BigDecimal) json.get("read")).longValue(), sum);
    assertEquals(new BigDecimal(5), json.get("differences"));
    assertEquals(new BigDecimal(4), json.get("migration_skipped_existing"));
    assertEquals(new BigDecimal(3), json.get("may_have_existed_before"));
    assertEquals("verify", json.get("command"));
    assertEquals(new BigDecimal(6), json.get("exit_code"));
  }
}
