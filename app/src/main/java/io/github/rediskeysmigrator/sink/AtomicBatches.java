package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Atomic mode of the pipelined writer (sync with a checkpoint): live commands travel in MULTI/EXEC
 * batches that also record the replication offset in the destination's checkpoint key, so a crash
 * leaves a batch applied whole, with its offset, or not at all. After a reconnect the checkpoint
 * key tells which batches committed; the others are queued again.
 */
final class AtomicBatches {
  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);

  private final WriteContext ctx;
  private final Throttle throttle;
  private final byte[] checkpointKey;
  private final int batch;
  private List<Slot> queued;
  private boolean sourceTx;
  private CommandEvent last;

  /**
   * @param checkpointKey the destination key that records the offset of the last committed batch
   * @param batch commands per MULTI/EXEC batch
   */
  AtomicBatches(WriteContext ctx, Throttle throttle, byte[] checkpointKey, int batch) {
    this.ctx = ctx;
    this.throttle = throttle;
    this.checkpointKey = checkpointKey;
    this.batch = batch;
  }

  /** Whether batches record their offset (sync with a checkpoint). */
  boolean checkpointed() {
    return checkpointKey != null;
  }

  /** Whether a batch is open that may be committed now (not inside a source transaction). */
  boolean committable() {
    return queued != null && !sourceTx;
  }

  /** Queues {@code command} in the open batch (opening one), committing it once full. */
  void write(CommandEvent command) throws WriteException, InterruptedException {
    String name = command.name();
    if (queued == null) {
      ctx.writer().sendSlot(new Slot.Control("MULTI"), MULTI);
      queued = new ArrayList<>();
    }
    if (name.equals("MULTI") || name.equals("EXEC")) {
      // The source's own transaction is inside ours, so it stays atomic; ours never closes
      // in the middle of it.
      sourceTx = name.equals("MULTI");
      queued.add(new Slot.Folded(command));
    } else {
      if (command.db() != ctx.dest().db()) {
        queue(new Slot.Control("SELECT"), SELECT, Replies.ascii(command.db()));
        ctx.dest().onDb(command.db());
      }
      throttle.acquire();
      queue(new Slot.Live(command), command.argv());
    }
    last = command;
    if (queued.size() >= batch && !sourceTx) {
      commit();
    }
  }

  /** Queues one command inside our transaction; its real reply comes with EXEC. */
  private void queue(Slot slot, byte[]... argv) throws WriteException, InterruptedException {
    queued.add(slot);
    ctx.writer().sendSlot(slot, argv);
  }

  /** Records the offset at the destination and sends EXEC. */
  void commit() throws WriteException, InterruptedException {
    byte[] value = markerValue(last);
    int db = ctx.dest().db();
    if (db != 0) {
      queue(new Slot.Control("SELECT"), SELECT, Replies.ascii(0));
    }
    queue(new Slot.Control("SET"), SET, checkpointKey, value);
    if (db != 0) {
      queue(new Slot.Control("SELECT"), SELECT, Replies.ascii(db));
    }
    List<Slot> batchQueued = queued;
    queued = null;
    ctx.writer().sendSlot(new Slot.Exec(batchQueued), EXEC);
    // One transaction in flight at a time: if the destination aborts it, its commands are sent
    // again one by one, and nothing sent after it may overtake them.
    ctx.writer().drain();
  }

  /**
   * Books the commands of one of our transactions from the EXEC reply. When the destination aborted
   * it (a command it could not even queue, e.g. one it does not know), each command is sent again
   * on its own so the others still apply, then the offset is recorded.
   */
  void booked(Slot.Exec exec, Object reply) throws WriteException {
    Connection conn = ctx.dest().get();
    if (reply instanceof List<?> results) {
      int r = 0;
      for (Slot item : exec.queued()) {
        if (item instanceof Slot.Folded folded) {
          ctx.listener().commandApplied(folded.command());
        } else if (item instanceof Slot.Live live) {
          ctx.book().command(live.command(), results.get(r++));
        } else if (item instanceof Slot.Control control
            && results.get(r++) instanceof JedisDataException e) {
          throw new WriteException(
              "the destination refused " + control.what() + ": " + e.getMessage(), e);
        }
      }
      return;
    }
    String why = reply instanceof JedisDataException e ? e.getMessage() : String.valueOf(reply);
    CommandEvent lastCommand = null;
    for (Slot item : exec.queued()) {
      if (item instanceof Slot.Folded folded) {
        ctx.listener().commandApplied(folded.command());
        lastCommand = folded.command();
      } else if (item instanceof Slot.Live live) {
        CommandEvent command = live.command();
        // Replayed one by one, the SELECTs of the batch are left out: commands carry their db.
        lastCommand = command;
        try {
          byte[][] argv = command.argv();
          conn.sendCommand(() -> argv[0], Arrays.copyOfRange(argv, 1, argv.length));
          ctx.book().command(command, conn.getOne());
        } catch (JedisDataException e) {
          ctx.listener()
              .commandFailed(
                  command,
                  WriteFailure.of(RedisError.of(e.getMessage()))
                      .and(" (the batch was aborted: " + why + ")"));
        } catch (JedisConnectionException e) {
          throw new WriteException("connection lost (" + e.getMessage() + ")", e);
        }
      }
    }
    if (lastCommand != null) {
      try {
        conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(0));
        conn.getStatusCodeReply();
        conn.sendCommand(Protocol.Command.SET, checkpointKey, markerValue(lastCommand));
        conn.getStatusCodeReply();
        conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(ctx.dest().db()));
        conn.getStatusCodeReply();
      } catch (JedisConnectionException | JedisDataException e) {
        throw new WriteException("cannot record the checkpoint: " + e.getMessage(), e);
      }
    }
  }

  /** What the open batch queued, for a reconnect; no batch is open afterwards. */
  List<Slot> takeOpen() {
    List<Slot> open = queued == null ? List.of() : queued;
    queued = null;
    sourceTx = false;
    return open;
  }

  /** The offset in the destination's checkpoint key, or -1 when it has none. */
  long committedOffset() throws WriteException {
    Connection conn = ctx.dest().get();
    try {
      conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(0));
      conn.getStatusCodeReply();
      conn.sendCommand(Protocol.Command.GET, checkpointKey);
      byte[] value = conn.getBinaryBulkReply();
      conn.sendCommand(Protocol.Command.SELECT, Replies.ascii(ctx.dest().db()));
      conn.getStatusCodeReply();
      if (value == null) {
        return -1;
      }
      return CheckpointMarker.parse(value).offset();
    } catch (JedisConnectionException | JedisDataException | IllegalArgumentException e) {
      throw new WriteException("cannot read the checkpoint key after reconnecting: " + e, e);
    }
  }

  /**
   * Commands of one transaction: booked if it committed (its last offset is at most {@code
   * committed}; {@code Long.MAX_VALUE} for one never sent whole), else queued again.
   */
  void requeue(List<Slot> items, long committed) throws WriteException, InterruptedException {
    long lastOffset = -1;
    for (Slot item : items) {
      if (item instanceof Slot.Live live) {
        lastOffset = live.command().offset();
      } else if (item instanceof Slot.Folded f) {
        lastOffset = f.command().offset();
      }
    }
    boolean applied = committed != Long.MAX_VALUE && lastOffset >= 0 && lastOffset <= committed;
    for (Slot item : items) {
      CommandEvent command = null;
      if (item instanceof Slot.Folded f) {
        command = f.command();
      } else if (item instanceof Slot.Live live) {
        command = live.command();
      }
      if (command == null) {
        continue;
      }
      if (applied) {
        ctx.listener().commandApplied(command);
      } else {
        write(command);
      }
    }
  }

  /** What the checkpoint key holds once {@code last} is applied. */
  private static byte[] markerValue(CommandEvent last) {
    return CheckpointMarker.value(last.replId(), last.offset(), last.sourceDb());
  }
}
