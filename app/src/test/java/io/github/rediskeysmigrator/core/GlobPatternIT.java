package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.rediskeysmigrator.testing.DatasetAssert;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Our glob matcher agrees with a real server's SCAN MATCH, binary keys included. */
class GlobPatternIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.debian();

  private static final String[] PATTERNS = {
    "*",
    "user:*",
    "*:1?",
    "[ab]*",
    "[^a]*",
    "[a-c]?x",
    "[c-a]*",
    "\\**",
    "*\\?",
    "a*b*c",
    "*[",
    "[",
    "x[\\]]y",
    "*\u00e9*",
    "?",
    "",
    "*\\",
    "[^]",
    "cache:*:v[0-9]"
  };

  @Test
  void matchesExactlyWhatScanMatchReturns() {
    Random random = new Random(42);
    List<byte[]> keys = new ArrayList<>();
    String alphabet = "abcxyz:*?[]\\-^09é";
    for (int i = 0; i < 400; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(8);
      for (int k = 0; k < len; k++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      keys.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    keys.add(new byte[] {'a', 0, 'b', 'c'});
    keys.add(new byte[] {(byte) 0xff, 'x'});
    keys.add("user:1".getBytes(StandardCharsets.UTF_8));
    keys.add("cache:a:v7".getBytes(StandardCharsets.UTF_8));
    try (Jedis j = redis.server().client()) {
      for (byte[] k : keys) {
        j.set(k, new byte[] {1});
      }
      for (String p : PATTERNS) {
        GlobPattern glob = GlobPattern.of(p);
        Set<String> ours = new TreeSet<>();
        for (String hex : DatasetAssert.keys(j)) {
          if (glob.matches(HexFormat.of().parseHex(hex))) {
            ours.add(hex);
          }
        }
        assertEquals(scanMatch(j, p), ours, "pattern '" + p + "'");
      }
    }
  }

  private static Set<String> scanMatch(Jedis j, String pattern) {
    Set<String> out = new TreeSet<>();
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> r =
          j.scan(
              cursor, new ScanParams().match(pattern.getBytes(StandardCharsets.UTF_8)).count(1000));
      r.getResult().forEach(k -> out.add(HexFormat.of().formatHex(k)));
      cursor = r.getCursorAsBytes();
    } while (!new String(cursor, StandardCharsets.US_ASCII).equals("0"));
    return out;
  }
}
