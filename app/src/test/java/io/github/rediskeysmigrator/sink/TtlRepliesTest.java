package io.github.rediskeysmigrator.sink;

import static io.github.rediskeysmigrator.testing.Bytes.argv;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/** Which replies of the destination {@link TtlReplies} reads as a key it lacked. */
class TtlRepliesTest {
  @Test
  void theExpireFamilyAndPersistMissOnZero() {
    for (String name : List.of("EXPIRE", "pexpire", "EXPIREAT", "PEXPIREAT", "PERSIST")) {
      assertTrue(TtlReplies.missedKey(argv(name, "k", "1"), 0L), name);
      assertFalse(TtlReplies.missedKey(argv(name, "k", "1"), 1L), name);
    }
    // NX/XX/GT/LT: the source propagated it because it changed the key there, so a 0 here is a
    // key that differs (missing or with another TTL): read again all the same.
    assertTrue(TtlReplies.missedKey(argv("PEXPIREAT", "k", "1", "GT"), 0L));
  }

  @Test
  void getexMissesOnNil() {
    assertTrue(TtlReplies.missedKey(argv("GETEX", "k", "PX", "10"), null));
    assertFalse(TtlReplies.missedKey(argv("GETEX", "k", "PX", "10"), "v".getBytes()));
  }

  @Test
  void theHashFieldFamilyMissesOnAnyFieldNotSet() {
    byte[][] hexpire = argv("HPEXPIREAT", "h", "1", "FIELDS", "2", "a", "b");
    assertFalse(TtlReplies.missedKey(hexpire, List.of(1L, 1L)));
    assertFalse(TtlReplies.missedKey(hexpire, List.of(1L, 2L)), "2: deleted, a time past");
    assertTrue(TtlReplies.missedKey(hexpire, List.of(-2L, -2L)), "no such key");
    assertTrue(TtlReplies.missedKey(hexpire, List.of(1L, 0L)), "a condition not met");
    assertTrue(TtlReplies.missedKey(argv("HPERSIST", "h", "FIELDS", "1", "a"), List.of(-1L)));
  }

  @Test
  void otherCommandsAndErrorsAreNoMiss() {
    assertFalse(TtlReplies.missedKey(argv("INCR", "k"), 0L));
    assertFalse(TtlReplies.missedKey(argv("SET", "k", "v", "KEEPTTL"), null));
    assertFalse(TtlReplies.missedKey(argv("EXPIRE", "k", "1"), new JedisDataException("ERR")));
    assertFalse(TtlReplies.missedKey(argv("PERSIST"), 0L));
  }
}
