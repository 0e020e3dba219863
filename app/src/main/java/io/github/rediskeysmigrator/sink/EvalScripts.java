package io.github.rediskeysmigrator.sink;

import static io.github.rediskeysmigrator.sink.Argv.bytes;
import static io.github.rediskeysmigrator.sink.Argv.concat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The EVALs a live command becomes when the destination needs several commands for it: one EVAL is
 * atomic, stays whole inside a source MULTI, and is booked as one command.
 */
final class EvalScripts {
  private EvalScripts() {}

  /** Runs ARGV as commands, each as its argument count followed by its arguments. */
  static final String SEQUENCE =
      "local i = 1\n"
          + "while i <= #ARGV do\n"
          + "  local n = tonumber(ARGV[i])\n"
          + "  redis.call(unpack(ARGV, i + 1, i + n))\n"
          + "  i = i + n + 1\n"
          + "end\n"
          + "return 1\n";

  /** HSET of field-value pairs (ARGV) that keeps each field's TTL (HSETEX KEEPTTL on 7.4). */
  static final String HSET_KEEPTTL =
      "for i = 1, #ARGV, 2 do\n"
          + "  local t = redis.call('HPEXPIRETIME', KEYS[1], 'FIELDS', 1, ARGV[i])[1]\n"
          + "  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])\n"
          + "  if t and t > 0 then\n"
          + "    redis.call('HPEXPIREAT', KEYS[1], t, 'FIELDS', 1, ARGV[i])\n"
          + "  end\n"
          + "end\n"
          + "return 1\n";

  /** One EVAL of {@link #SEQUENCE} running {@code commands}, declaring {@code keys}. */
  static byte[][] sequence(List<byte[]> keys, List<byte[][]> commands) {
    List<byte[]> out = new ArrayList<>();
    out.add(bytes("EVAL"));
    out.add(bytes(SEQUENCE));
    out.add(bytes(String.valueOf(keys.size())));
    out.addAll(keys);
    for (byte[][] c : commands) {
      out.add(bytes(String.valueOf(c.length)));
      out.addAll(Arrays.asList(c));
    }
    return out.toArray(new byte[0][]);
  }

  /** One EVAL of {@link #HSET_KEEPTTL}: HSET of {@code pairs} into {@code key}, TTLs kept. */
  static byte[][] hsetKeepingTtls(byte[] key, byte[][] pairs) {
    return concat(new byte[][] {bytes("EVAL"), bytes(HSET_KEEPTTL), bytes("1"), key}, pairs);
  }
}
