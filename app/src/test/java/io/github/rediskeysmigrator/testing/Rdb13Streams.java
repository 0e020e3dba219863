package io.github.rediskeysmigrator.testing;

import io.github.rediskeysmigrator.rdb.Crc64;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * A Redis 8.6 stream with idempotent-producer state (RDB type 26), taken from the corpus file
 * {@code redis--librdb--stream_v13_idmp.rdb}: its one key, three entries, two groups and two
 * producers (ids {@code iid_p1_e1} and {@code iid_p2_e1}, IDMP duration and max entries 100).
 */
public final class Rdb13Streams {
  /** The corpus file. */
  public static final String FILE = "redis--librdb--stream_v13_idmp.rdb";

  /** Its one key. */
  public static final String KEY = "stream_lp1_cg2_pel1_prod2_ent1";

  private Rdb13Streams() {}

  /** The encoded value of the file's stream: after its key, up to the EOF opcode. */
  public static byte[] value() {
    byte[] file;
    try {
      file = Files.readAllBytes(SharedDir.corpus().resolve("public").resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] key = KEY.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + 2 + key.length < file.length; i++) {
      if ((file[i] & 0xff) == 26
          && file[i + 1] == key.length
          && Arrays.equals(file, i + 2, i + 2 + key.length, key, 0, key.length)) {
        return Arrays.copyOfRange(file, i + 2 + key.length, file.length - 9);
      }
    }
    throw new AssertionError("no type 26 key " + KEY + " in " + FILE);
  }

  /** The stream as the DUMP payload Redis 8.6 gives: type 26, RDB 13. */
  public static byte[] payload() {
    return payload(value());
  }

  /** The same stream with its first idempotent id changed ({@code iid_p1_e1} to {@code ..._eX}). */
  public static byte[] payloadWithOtherIdmp() {
    byte[] v = value();
    byte[] iid = "iid_p1_e1".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + iid.length <= v.length; i++) {
      if (Arrays.equals(v, i, i + iid.length, iid, 0, iid.length)) {
        v[i + iid.length - 1] = 'X';
        return payload(v);
      }
    }
    throw new AssertionError("no iid_p1_e1 in the stream");
  }

  private static byte[] payload(byte[] value) {
    byte[] p = new byte[1 + value.length + 10];
    p[0] = 26;
    System.arraycopy(value, 0, p, 1, value.length);
    int end = 1 + value.length;
    p[end] = 13;
    long sum = Crc64.update(0, p, 0, end + 2);
    for (int i = 0; i < 8; i++) {
      p[end + 2 + i] = (byte) (sum >>> (8 * i));
    }
    return p;
  }
}
