package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.rdb.ModuleTypeNames;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The rewrite path of the pipelined writer: a key whose payload the destination cannot RESTORE (or
 * a big key, its payload in a file) is built under a temporary key in the same hash slot, in
 * chunked plain commands ({@link RewriteCommands}) that travel in the ordinary pipelines; once
 * every one of their replies was read and none failed, the temporary key is renamed into place
 * (RENAMENX for skip and fail, RENAME for replace) by a follow-up in a later pipeline. A key is
 * thus written whole or not at all; a temporary key that is not renamed is deleted. A slot keeps a
 * command's name, not its arguments, so memory stays bounded by one chunk.
 */
final class KeyRewrites {
  private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RENAME = "RENAME".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RENAMENX = "RENAMENX".getBytes(StandardCharsets.US_ASCII);

  /** Puts one command into the pipeline being built, with the slot its reply is booked by. */
  @FunctionalInterface
  interface SlotSender {
    void send(Slot slot, byte[]... argv) throws WriteException, InterruptedException;
  }

  /** A key being rewritten as plain commands: built under {@code tmp}, then renamed. */
  static final class Rewrite {
    final KeyEvent event;
    final byte[] tmp;

    /** The first failed command's error, or null. */
    WriteFailure failure;

    /** Whether a command met LOADING or BUSY: the key is rewritten again after a pause. */
    boolean retry;

    /** Whether the stream's non-empty IDMP state was left out of the commands. */
    boolean idmpLeftOut;

    /** Whether RENAMENX found the key at the destination. */
    boolean existed;

    /**
     * Whether a reply for the key was READONLY: the run stops for the read-only replica, so the key
     * is booked as lost with it, not as a failure of its own (which would count towards
     * --max-errors).
     */
    boolean readOnly;

    /** Whether the key's fate went to the listener (or it was handed to a new attempt). */
    boolean settled;

    Rewrite(KeyEvent event, byte[] tmp) {
      this.event = event;
      this.tmp = tmp;
    }
  }

  /** A command that depends on replies already read, sent with the next pipeline. */
  private record FollowUp(Slot slot, byte[][] argv) {}

  private final WriteContext ctx;
  private final ServerInfo server;
  private final ExistencePolicy policy;
  private final LongSupplier wallClockMillis;
  private final SlotSender sender;
  private final ArrayDeque<FollowUp> followUps = new ArrayDeque<>();
  private boolean sendingFollowUps;
  // The keys whose rewrite is not booked yet, each once (the writer drains before a key that is
  // here), all in the writer's current db (which changes only once everything is drained).
  private final Set<ByteBuffer> openKeys = new HashSet<>();

  KeyRewrites(
      WriteContext ctx, ServerInfo server, ExistencePolicy policy, LongSupplier wallClockMillis) {
    this.ctx = ctx;
    this.server = server;
    this.policy = policy;
    this.wallClockMillis = wallClockMillis;
    this.sender = ctx.writer()::sendSlot;
  }

  /** Whether a rewritten key is not booked yet (a live command must not overtake its rename). */
  boolean anyOpen() {
    return !openKeys.isEmpty();
  }

  /**
   * Whether a rewrite of {@code key} is not booked yet. The key must then wait for it: a second
   * rewrite would be built under the same temporary key, and a RESTORE would overtake its rename.
   */
  boolean isOpen(byte[] key) {
    return !openKeys.isEmpty() && openKeys.contains(ByteBuffer.wrap(key));
  }

  /**
   * Sends the commands that build {@code event}'s value under its temporary key, as the payload is
   * decoded (so a big key streams from its file); the rename follows once their replies are in.
   */
  void rewrite(KeyEvent event) throws WriteException, InterruptedException {
    if (isVectorSet(event) && !server.supportsVectorSets()) {
      ctx.listener().typeNotHeld(VECTOR_SET);
      ctx.listener()
          .failed(
              event,
              WriteFailure.of(
                  server
                      + " cannot hold vector sets (a Redis 8.0+ type); the key was not written"));
      return;
    }
    Rewrite r = new Rewrite(event, TempKeys.forKey(event.key()));
    openKeys.add(ByteBuffer.wrap(event.key()));
    RewriteEmitter out = new RewriteEmitter(r, sender);
    try {
      build(r, out);
    } catch (RewriteEmitter.SendFailed f) {
      f.rethrow();
    } catch (RewriteEmitter.Abandoned a) {
      // handed to a new attempt after a reconnect
    }
  }

  /** Redis' name of the vector set type, also its module type name in a payload. */
  private static final String VECTOR_SET = "vectorset";

  private static boolean isVectorSet(KeyEvent event) {
    return event.type() == KeyType.MODULE
        && event.payload() != null
        && ModuleTypeNames.of(event.payload()).filter(VECTOR_SET::equals).isPresent();
  }

  private void build(Rewrite r, RewriteEmitter out) {
    KeyEvent event = r.event;
    String problem;
    try {
      RewriteCommands.Outcome outcome =
          RewriteCommands.write(event, r.tmp, server, wallClockMillis.getAsLong(), out);
      if (outcome == RewriteCommands.Outcome.ALL_EXPIRED && out.sent() == 0) {
        settle(r);
        ctx.listener().expired(event);
        return;
      }
      r.idmpLeftOut = outcome == RewriteCommands.Outcome.WRITTEN_WITHOUT_IDMP;
      out.finish();
      return;
    } catch (PayloadDecoder.DecodeException e) {
      problem = e.getMessage();
    } catch (java.io.IOException e) {
      problem = "cannot read the payload file " + event.file().path() + ": " + e.getMessage();
    }
    WriteFailure reason =
        WriteFailure.of(
            "cannot rewrite the key for the destination ("
                + server
                + ", payload RDB version "
                + event.payloadRdbVersion()
                + "): "
                + problem);
    if (out.sent() == 0) {
      settle(r);
      ctx.listener().failed(event, reason);
    } else {
      // Part of the value is at the destination under the temporary key: the last command
      // held back closes the key, which is then deleted and booked as failed.
      r.failure = reason;
      out.finish();
    }
  }

  /** Whether a follow-up waits to be sent. */
  boolean hasFollowUps() {
    return !followUps.isEmpty();
  }

  /** Sends the renames and clean-ups whose preconditions were read in the last replies. */
  void sendFollowUps() throws WriteException, InterruptedException {
    if (sendingFollowUps) {
      return;
    }
    sendingFollowUps = true;
    try {
      FollowUp f;
      while ((f = followUps.poll()) != null) {
        sender.send(f.slot(), f.argv());
      }
    } finally {
      sendingFollowUps = false;
    }
  }

  /** The slots of the follow-ups not sent yet; none is left. */
  List<Slot> takeFollowUps() {
    List<Slot> slots = new ArrayList<>(followUps.size());
    followUps.forEach(f -> slots.add(f.slot()));
    followUps.clear();
    return slots;
  }

  /** Books the {@code reply} of one of a rewritten key's commands. */
  void book(Slot.OfRewrite slot, Object reply) {
    RedisError error = reply instanceof JedisDataException e ? RedisError.of(e.getMessage()) : null;
    if (slot instanceof Slot.Step step) {
      bookStep(step, reply, error);
    } else if (slot instanceof Slot.Rename rename) {
      bookRename(rename.rewrite(), reply, error);
    } else {
      bookCleanup(slot.rewrite(), reply, error);
    }
  }

  /**
   * Books the key of {@code r} as failed because the run stops, unless its fate is already booked.
   */
  void fail(Rewrite r, WriteFailure reason) {
    if (!r.settled) {
      settle(r);
      ctx.listener().lost(r.event, reason);
    }
  }

  /**
   * The key of {@code r} is handed to a new attempt after a reconnect (built again from the start:
   * its first command deletes the temporary key); false when its fate was already booked.
   */
  boolean handOver(Rewrite r) {
    if (r.settled) {
      return false;
    }
    settle(r);
    ctx.resend().sentAgain(r.event);
    return true;
  }

  private void settle(Rewrite r) {
    r.settled = true;
    openKeys.remove(ByteBuffer.wrap(r.event.key()));
  }

  /**
   * Checks the reply of one command of a rewritten key. After the last one, the temporary key is
   * renamed into place if every command succeeded, else deleted.
   */
  private void bookStep(Slot.Step step, Object reply, RedisError error) {
    Rewrite r = step.rewrite();
    if (r.settled) {
      return;
    }
    r.readOnly |= isReadOnly(error);
    if (r.failure == null) {
      r.failure = RewriteEmitter.problem(step.command(), step.expect(), reply, error);
      r.retry |= ctx.book().retriable(error, reply);
    }
    if (!step.last()) {
      return;
    }
    if (r.failure == null) {
      byte[] rename = policy == ExistencePolicy.REPLACE ? RENAME : RENAMENX;
      followUps.add(new FollowUp(new Slot.Rename(r), new byte[][] {rename, r.tmp, r.event.key()}));
    } else {
      followUps.add(new FollowUp(new Slot.Cleanup(r), new byte[][] {DEL, r.tmp}));
    }
  }

  private void bookRename(Rewrite r, Object reply, RedisError error) {
    if (r.settled) {
      return;
    }
    if (Replies.isOk(reply) || (reply instanceof Long l && l == 1)) {
      settle(r);
      ctx.resend().forget(r.event);
      ctx.listener().rewritten(r.idmpLeftOut ? r.event.withoutIdmp() : r.event);
      return;
    }
    r.readOnly |= isReadOnly(error);
    if (reply instanceof Long l && l == 0) {
      r.existed = true;
    } else {
      r.failure =
          error != null
              ? WriteFailure.of(error).and(" (reply to RENAME)")
              : WriteFailure.of("unexpected reply to RENAME: " + Replies.describe(reply));
      r.retry |= ctx.book().retriable(error, reply);
    }
    followUps.add(new FollowUp(new Slot.Cleanup(r), new byte[][] {DEL, r.tmp}));
  }

  /** The temporary key of a key not renamed into place is gone: the key's fate is booked. */
  private void bookCleanup(Rewrite r, Object reply, RedisError error) {
    if (r.settled) {
      return;
    }
    settle(r);
    if (r.retry) {
      // Built again from the start after a pause (its first command deletes the temporary key).
      ctx.book().retryLater(r.event);
      return;
    }
    String leftOver =
        reply instanceof Long
            ? null
            : "; the temporary key '"
                + KeyNames.printable(r.tmp)
                + "' could not be deleted: "
                + (error != null ? error.message() : Replies.describe(reply));
    boolean sentAgain = ctx.resend().forget(r.event);
    if (r.existed && leftOver == null && sentAgain && r.event.file() == null) {
      // Sent again after a reconnect: the key may be the one our first RENAMENX put there.
      ctx.resend().ambiguous(r.event);
    } else if (r.existed && leftOver == null) {
      ctx.listener().existed(r.event);
    } else if (r.readOnly || isReadOnly(error)) {
      WriteFailure why =
          r.existed ? WriteFailure.of("the key exists at the destination") : r.failure;
      ctx.listener().lost(r.event, leftOver == null ? why : why.and(leftOver));
    } else if (r.existed) {
      ctx.listener()
          .failed(r.event, WriteFailure.of("the key exists at the destination" + leftOver));
    } else {
      ctx.listener().failed(r.event, leftOver == null ? r.failure : r.failure.and(leftOver));
    }
  }

  private static boolean isReadOnly(RedisError error) {
    return error != null && error.kind() == RedisError.Kind.READ_ONLY;
  }
}
