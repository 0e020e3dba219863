package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadDigestsTest {
  private static final long YEAR_2100_MS = 4102444800000L;

  private final PayloadDigests digests = new PayloadDigests();

  @Test
  void aValkey9HashWithFieldTtlsDigestsLikeThePlainHashOfItsFields() throws Exception {
    // What DUMP returns on Valkey 9 (RDB 80): field, value, absolute expiry (-1 for none).
    byte[] valkey = RdbBytes.valkeyHash2(-1, YEAR_2100_MS);
    // The same fields as a plain hash (type 4, hashtable encoding), in the other order.
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    plain.writeBytes(RdbEncoding.length(2));
    plain.writeBytes(RdbEncoding.string(bytes("f2")));
    plain.writeBytes(RdbEncoding.string(bytes("v2")));
    plain.writeBytes(RdbEncoding.string(bytes("f1")));
    plain.writeBytes(RdbEncoding.string(bytes("v1")));

    var ofValkey = digests.digest(payload(22, valkey, 80));
    assertEquals(digests.digest(payload(4, plain.toByteArray(), 9)).hex(), ofValkey.hex());
    assertEquals(2, ofValkey.count());

    ByteArrayOutputStream other = new ByteArrayOutputStream();
    other.writeBytes(RdbEncoding.length(1));
    other.writeBytes(RdbEncoding.string(bytes("f1")));
    other.writeBytes(RdbEncoding.string(bytes("v9")));
    other.writeBytes(RdbEncoding.int64(-1));
    assertNotEquals(ofValkey.hex(), digests.digest(payload(22, other.toByteArray(), 80)).hex());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] payload(int type, byte[] body, int version) {
    return RdbBytes.dumpPayload(type, body, version);
  }
}
