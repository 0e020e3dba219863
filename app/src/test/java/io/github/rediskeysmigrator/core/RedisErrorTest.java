package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisError.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checks that real Redis error replies are classified into the kinds the writer decides on. */
class RedisErrorTest {

  private static Kind kind(String reply) {
    return RedisError.of(reply).kind();
  }

  /** Real replies, each with the kind the writer decides on: by the error code, not the words. */
  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "BUSYKEY Target key name already exists.                                    | BUSY_KEY",
        "OOM command not allowed when used memory > 'maxmemory'.                    | OUT_OF_MEMORY",
        "READONLY You can't write against a read only replica.                      | READ_ONLY",
        "READONLY You can't write against a read only slave.                        | READ_ONLY",
        "LOADING Redis is loading the dataset in memory                             | LOADING",
        "NOPERM User alice has no permissions to run the 'restore' command          | AUTH",
        "NOPERM this user has no permissions to access one of the keys used as arguments | AUTH",
        "WRONGPASS invalid username-password pair or user is disabled.              | AUTH",
        "NOAUTH Authentication required.                                            | AUTH",
        "ERR DUMP payload version or checksum are wrong                             | BAD_PAYLOAD",
        "ERR Bad data format                                                        | BAD_PAYLOAD",
        "WRONGTYPE Operation against a key holding the wrong kind of value          | OTHER",
        "ERR Invalid TTL value, must be >= 0                                        | OTHER",
        "``                                                                         | OTHER",
        "TRYAGAIN Multiple keys request during rehashing of slot                    | TRY_AGAIN",
        "CLUSTERDOWN The cluster is down                                            | CLUSTER_DOWN",
        "CROSSSLOT Keys in request don't hash to the same slot                      | CROSS_SLOT",
        "EXECABORT Transaction discarded because of previous errors.                | EXEC_ABORT",
        "`ERR unknown command 'RESTORE', with args beginning with: `                | UNKNOWN_COMMAND",
        "ERR something about OOM and READONLY                                       | OTHER",
        "ERR LOADING later                                                          | OTHER",
      })
  void repliesAreClassifiedByTheirErrorCode(String reply, Kind kind) {
    assertEquals(kind, kind(reply));
  }

  @Test
  void clusterRedirectsCarryTheNodeTheyName() {
    RedisError moved = RedisError.of("MOVED 3999 127.0.0.1:6381");
    RedisError ask = RedisError.of("ASK 3999 10.0.0.2:7002");
    assertEquals(Kind.MOVED, moved.kind());
    assertEquals("127.0.0.1:6381", moved.node());
    assertEquals(Kind.ASK, ask.kind());
    assertEquals("10.0.0.2:7002", ask.node());
    assertTrue(moved.redirect() && ask.redirect());
    assertTrue(RedisError.of("TRYAGAIN x").redirect() && RedisError.of("CLUSTERDOWN x").redirect());
    assertFalse(RedisError.of("CROSSSLOT Keys in request don't hash to the same slot").redirect());
    assertNull(RedisError.of("ASK 3999").node());
    assertNull(RedisError.of("OOM command not allowed").node());
  }

  @Test
  void aFailureCarriesTheTypedReplyUnderItsOwnText() {
    WriteFailure f = WriteFailure.of(RedisError.of("ASK 12 h:1")).and(" (reply to SET)");
    assertEquals("ASK 12 h:1 (reply to SET)", f.reason());
    assertTrue(f.redirect());
    assertEquals("h:1", f.askedNode());
    assertFalse(WriteFailure.of("ASK 12 h:1").redirect(), "our own text is never parsed");
  }

  @Test
  void keepsTheServerText() {
    String reply = "BUSYKEY Target key name already exists.";
    assertEquals(reply, RedisError.of(reply).message());
  }

  @Test
  void nullMessageIsOtherWithEmptyText() {
    RedisError e = RedisError.of(null);
    assertEquals(Kind.OTHER, e.kind());
    assertEquals("", e.message());
  }
}
