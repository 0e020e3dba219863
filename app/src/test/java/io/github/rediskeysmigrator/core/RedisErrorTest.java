package io.github.rediskeysmigrator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.RedisError.Kind;
import org.junit.jupiter.api.Test;

/** Checks that real Redis error replies are classified into the kinds the writer decides on. */
class RedisErrorTest {

  private static Kind kind(String reply) {
    return RedisError.of(reply).kind();
  }

  @Test
  void busyKeyIsTheExistingKeyOfRestore() {
    assertEquals(Kind.BUSY_KEY, kind("BUSYKEY Target key name already exists."));
  }

  @Test
  void oomIsOutOfMemory() {
    assertEquals(
        Kind.OUT_OF_MEMORY, kind("OOM command not allowed when used memory > 'maxmemory'."));
  }

  @Test
  void readOnlyReplicaIsReadOnly() {
    assertEquals(Kind.READ_ONLY, kind("READONLY You can't write against a read only replica."));
    assertEquals(Kind.READ_ONLY, kind("READONLY You can't write against a read only slave."));
  }

  @Test
  void loadingIsLoading() {
    assertEquals(Kind.LOADING, kind("LOADING Redis is loading the dataset in memory"));
  }

  @Test
  void permissionAndPasswordErrorsAreAuth() {
    assertEquals(
        Kind.AUTH, kind("NOPERM User alice has no permissions to run the 'restore' command"));
    assertEquals(
        Kind.AUTH,
        kind("NOPERM this user has no permissions to access one of the keys used as arguments"));
    assertEquals(Kind.AUTH, kind("WRONGPASS invalid username-password pair or user is disabled."));
    assertEquals(Kind.AUTH, kind("NOAUTH Authentication required."));
  }

  @Test
  void rejectedPayloadsAreBadPayload() {
    assertEquals(Kind.BAD_PAYLOAD, kind("ERR DUMP payload version or checksum are wrong"));
    assertEquals(Kind.BAD_PAYLOAD, kind("ERR Bad data format"));
  }

  @Test
  void anythingElseIsOther() {
    assertEquals(
        Kind.OTHER, kind("WRONGTYPE Operation against a key holding the wrong kind of value"));
    assertEquals(Kind.OTHER, kind("ERR Invalid TTL value, must be >= 0"));
    assertEquals(Kind.OTHER, kind(""));
  }

  @Test
  void clusterRedirectsCarryTheNodeTheyName() {
    RedisError moved = RedisError.of("MOVED 3999 127.0.0.1:6381");
    RedisError ask = RedisError.of("ASK 3999 10.0.0.2:7002");
    assertEquals(Kind.MOVED, moved.kind());
    assertEquals("127.0.0.1:6381", moved.node());
    assertEquals(Kind.ASK, ask.kind());
    assertEquals("10.0.0.2:7002", ask.node());
    assertEquals(Kind.TRY_AGAIN, kind("TRYAGAIN Multiple keys request during rehashing of slot"));
    assertEquals(Kind.CLUSTER_DOWN, kind("CLUSTERDOWN The cluster is down"));
    assertTrue(moved.redirect() && ask.redirect());
    assertTrue(RedisError.of("TRYAGAIN x").redirect() && RedisError.of("CLUSTERDOWN x").redirect());
    assertFalse(RedisError.of("CROSSSLOT Keys in request don't hash to the same slot").redirect());
    assertNull(RedisError.of("ASK 3999").node());
    assertNull(RedisError.of("OOM command not allowed").node());
  }

  @Test
  void transactionAndCommandErrorsHaveKindsOfTheirOwn() {
    assertEquals(Kind.CROSS_SLOT, kind("CROSSSLOT Keys in request don't hash to the same slot"));
    assertEquals(
        Kind.EXEC_ABORT, kind("EXECABORT Transaction discarded because of previous errors."));
    assertEquals(
        Kind.UNKNOWN_COMMAND, kind("ERR unknown command 'RESTORE', with args beginning with: "));
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
  void classifiesByTheErrorCodeNotByWordsInTheText() {
    assertEquals(Kind.OTHER, kind("ERR something about OOM and READONLY"));
    assertEquals(Kind.OTHER, kind("ERR LOADING later"));
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
