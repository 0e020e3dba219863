package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.rediskeysmigrator.core.PayloadFile;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Payloads sealed in memory and spilled to a file are the same bytes. */
class PayloadCaptureTest {
  private static byte[] capture(PayloadCapture c, byte[] body, int chunk) {
    c.begin(14);
    for (int from = 0; from < body.length; from += chunk) {
      byte[] part = java.util.Arrays.copyOfRange(body, from, Math.min(body.length, from + chunk));
      c.handle(part);
    }
    return c.finish(11);
  }

  @Test
  void aValueAboveTheThresholdIsSpilledWithTheSameBytesAsInMemory() throws Exception {
    byte[] body = new byte[100_000];
    new Random(3).nextBytes(body);
    byte[] inMemory = capture(new PayloadCapture(Long.MAX_VALUE), body, 977);

    PayloadCapture spilling = new PayloadCapture(10_000);
    byte[] marker = capture(spilling, body, 977);
    PayloadFile file = spilling.takeSpilled();

    assertEquals(0, marker.length);
    assertNotNull(file);
    try {
      assertEquals(inMemory.length, file.length());
      assertEquals(11, file.rdbVersion());
      assertArrayEquals(inMemory, Files.readAllBytes(file.path()));
    } finally {
      file.delete();
    }
    assertNull(spilling.takeSpilled());
    byte[] small = capture(spilling, new byte[] {1, 2, 3}, 1);
    assertEquals(1 + 3 + 10, small.length);
    assertNull(spilling.takeSpilled());
  }

  @Test
  void manySmallReadsOfOneValueStayLinear() {
    // The buffer doubles: 4 MB in 1-byte reads must not copy the buffer at every read.
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          PayloadCapture c = new PayloadCapture(Long.MAX_VALUE);
          c.begin(0);
          byte[] one = {7};
          for (int i = 0; i < 4_000_000; i++) {
            c.handle(one);
          }
          assertEquals(4_000_011, c.finish(10).length);
        });
  }
}
