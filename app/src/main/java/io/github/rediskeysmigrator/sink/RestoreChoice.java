package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.PayloadStamps;
import io.github.rediskeysmigrator.rdb.PlainPayloads;
import io.github.rediskeysmigrator.redis.ServerInfo;

/**
 * Chooses how a key reaches a destination: by one RESTORE of its payload as read, by one RESTORE of
 * its payload restamped with the destination's RDB version, by one RESTORE of its value written
 * again in plain encodings ({@link PlainPayloads}), or rewritten as plain commands ({@link
 * KeyRewrites}).
 */
final class RestoreChoice {
  private final ServerInfo server;

  RestoreChoice(ServerInfo server) {
    this.server = server;
  }

  /** Whether {@code event} is written by one RESTORE (not rewritten as several commands). */
  boolean inOneCommand(KeyEvent event) {
    return event.file() == null
        && (server.restores(event.payloadRdbVersion())
            || PayloadStamps.restorable(
                server.maxRdbVersion(), event.payloadRdbType(), event.payloadRdbVersion()));
  }

  /**
   * {@code event} as one RESTORE writes it: as read when the destination restores its payload's RDB
   * version, else restamped with the destination's version when it reads the value's type ({@link
   * PayloadStamps}), else its value in plain encodings ({@link PlainPayloads}); null when the key
   * must be rewritten as plain commands (a big key, a stream, a hash with field TTLs, a payload too
   * corrupt to convert).
   */
  KeyEvent restorable(KeyEvent event) {
    if (event.file() != null) {
      return null;
    }
    if (server.restores(event.payloadRdbVersion())) {
      return event;
    }
    PayloadStamps.Stamped stamped;
    byte[] plain = null;
    try {
      stamped = PayloadStamps.forServer(event.payload(), server.maxRdbVersion());
      if (stamped == null) {
        plain = PlainPayloads.forServer(event.payload(), server.maxRdbVersion());
      }
    } catch (PayloadDecoder.DecodeException e) {
      // The rewrite decodes the payload again and books the key with the reason.
      return null;
    }
    if (stamped == null) {
      return plain == null ? null : event.withPayload(plain, KeyEvent.PayloadChange.REENCODED);
    }
    return event.withPayload(
        stamped.payload(),
        stamped.idmpLeftOut()
            ? KeyEvent.PayloadChange.IDMP_LEFT_OUT
            : KeyEvent.PayloadChange.RESTAMPED);
  }
}
