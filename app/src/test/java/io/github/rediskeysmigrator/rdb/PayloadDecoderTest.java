package io.github.rediskeysmigrator.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.rdb.PayloadDecoder.DecodeException;
import io.github.rediskeysmigrator.rdb.PayloadDecoder.StreamValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Payload layouts that share a type byte and differ by the payload's RDB version. */
class PayloadDecoderTest {
  private static final long YEAR_2100_MS = 4102444800000L;

  /** Records hash fields as "field=value@expiry"; any other kind of value fails the test. */
  private static final class Fields implements PayloadDecoder.Handler {
    final List<String> fields = new ArrayList<>();

    @Override
    public void string(byte[] value) throws DecodeException {
      throw new DecodeException("a string");
    }

    @Override
    public void listElement(byte[] element) throws DecodeException {
      throw new DecodeException("a list");
    }

    @Override
    public void setMember(byte[] member) throws DecodeException {
      throw new DecodeException("a set");
    }

    @Override
    public void zsetMember(byte[] member, double score) throws DecodeException {
      throw new DecodeException("a sorted set");
    }

    @Override
    public void hashField(byte[] field, byte[] value, long expireAtMs) {
      fields.add(utf8(field) + "=" + utf8(value) + "@" + expireAtMs);
    }

    @Override
    public void stream(StreamValue stream) throws DecodeException {
      throw new DecodeException("a stream");
    }
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] payload(int type, byte[] body, int version) {
    return RdbBytes.dumpPayload(type, body, version);
  }

  private static List<String> decode(byte[] payload) throws DecodeException {
    Fields f = new Fields();
    PayloadDecoder.decode(payload, f);
    return f.fields;
  }

  @Test
  void typeTwentyTwoOfValkeyNineIsItsHashWithFieldTtls() throws Exception {
    // What DUMP returns on Valkey 9 (RDB 80): field, value, absolute expiry (-1 for none).
    byte[] body = RdbBytes.valkeyHash2(-1, YEAR_2100_MS);

    assertEquals(List.of("f1=v1@-1", "f2=v2@" + YEAR_2100_MS), decode(payload(22, body, 80)));
  }

  @Test
  void typeTwentyTwoOfRedisIsTheReleaseCandidatesLayout() throws Exception {
    // Redis 7.4's release candidates (RDB 12): TTL first, absolute, 0 for none.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(RdbEncoding.length(2));
    body.writeBytes(RdbEncoding.length(0));
    body.writeBytes(RdbEncoding.string(bytes("f1")));
    body.writeBytes(RdbEncoding.string(bytes("v1")));
    body.writeBytes(RdbEncoding.length(YEAR_2100_MS));
    body.writeBytes(RdbEncoding.string(bytes("f2")));
    body.writeBytes(RdbEncoding.string(bytes("v2")));

    assertEquals(
        List.of("f1=v1@-1", "f2=v2@" + YEAR_2100_MS), decode(payload(22, body.toByteArray(), 12)));
  }

  /** The stream of a payload, whatever else it holds. */
  private static StreamValue streamOf(byte[] payload) throws DecodeException {
    StreamValue[] out = new StreamValue[1];
    PayloadDecoder.decode(
        payload,
        new PayloadDecoder.IgnoringHandler() {
          @Override
          public void stream(StreamValue stream) {
            out[0] = stream;
          }
        });
    return out[0];
  }

  @Test
  void aRedis86StreamDecodesWithItsIdmpStateAndWithoutItAsType21() throws Exception {
    byte[] type26 = io.github.rediskeysmigrator.testing.Rdb13Streams.payload();

    StreamValue full = streamOf(type26);
    byte[] type21 = PayloadDecoder.withoutIdmp(type26);
    StreamValue older = streamOf(type21);

    assertEquals(3, full.entries().size());
    assertEquals(2, full.groups().size());
    assertEquals(2, full.idmp().producers().size());
    assertEquals(2, full.idmp().idCount());
    assertEquals(
        "2 producers with 2 idempotent ids, IDMP duration 100 s, max 100 ids per producer",
        full.idmp().describe());
    assertEquals(21, type21[0]);
    assertEquals(12, io.github.rediskeysmigrator.core.KeyEvent.rdbVersionOf(type21));
    assertEquals(null, older.idmp());
    assertEquals(full.lastId(), older.lastId());
    assertEquals(full.entriesAdded(), older.entriesAdded());
    assertEquals(
        full.entries().stream().map(e -> e.id().toString()).toList(),
        older.entries().stream().map(e -> e.id().toString()).toList());
    assertEquals(full.idmp(), PayloadDecoder.idmpOf(type26));
  }

  @Test
  void onlyType26HasIdmpState() {
    byte[] string = payload(0, RdbEncoding.string(bytes("v")), 12);
    org.junit.jupiter.api.Assertions.assertThrows(
        DecodeException.class, () -> PayloadDecoder.withoutIdmp(string));
    org.junit.jupiter.api.Assertions.assertThrows(
        DecodeException.class, () -> PayloadDecoder.idmpOf(string));
  }
}
