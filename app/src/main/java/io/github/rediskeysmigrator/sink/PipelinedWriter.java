package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writes keys with {@code RESTORE key ttl payload [REPLACE] ABSTTL}, {@code --pipeline} commands
 * per round trip, and tells the story of a batch: build ({@link RestoreChoice}, then {@link
 * RestoreCommand}, or {@link KeyRewrites} for a key the destination cannot RESTORE), send, book
 * replies ({@link ReplyBook}, each pipeline position a {@link Slot}), recover ({@link Recovery}:
 * reconnects, LOADING and BUSY; {@link ResendCheck}). Two pipelines are in flight at once ({@link
 * Pipelines}): the next one is sent before the replies of the previous one are read, so the server
 * never waits for us. Every reply is matched to its key and reported to the {@link WriteListener}.
 * Live commands travel in the same pipelines ({@link LiveCommands}), or in checkpointed
 * transactions ({@link AtomicBatches}).
 */
public final class PipelinedWriter implements KeyWriter {
  private static final byte[] ASKING = "ASKING".getBytes(StandardCharsets.US_ASCII);

  /**
   * How to write.
   *
   * @param pipeline commands per round trip
   * @param policy existence policy
   * @param sleepMillis pause between two pipelines
   * @param initialDb the db the connection starts on
   */
  public record Settings(
      int pipeline,
      ExistencePolicy policy,
      long sleepMillis,
      int initialDb,
      byte[] checkpointKey,
      int retries,
      long retryBackoffMillis) {

    /** Settings without transactional live commands, nor reconnection. */
    public Settings(int pipeline, ExistencePolicy policy, long sleepMillis, int initialDb) {
      this(pipeline, policy, sleepMillis, initialDb, null, 0, 0);
    }
  }

  private final DestinationConnection dest;
  private final ServerInfo server;
  private final Settings settings;
  private final WriteListener listener;
  private final Throttle throttle;
  private final Sleeper sleeper;
  private final Pipelines<Slot> pipes;
  private final RestoreCommand restore;
  private final RestoreChoice choice;
  private final ResendCheck resend;
  private final ReplyBook book;
  private final KeyRewrites rewrites;
  private final AtomicBatches atomic;
  private final Recovery recovery;
  private final LiveCommands live;

  /**
   * A writer over {@code conn} that reconnects with {@code reconnector}, when not null, if the
   * connection drops.
   */
  public PipelinedWriter(
      Connection conn,
      ServerInfo server,
      Settings settings,
      WriteListener listener,
      Throttle throttle,
      Sleeper sleeper,
      LongSupplier wallClockMillis,
      Reconnector reconnector) {
    this.dest = new DestinationConnection(conn, settings.initialDb());
    this.server = server;
    this.settings = settings;
    this.listener = listener;
    this.throttle = throttle;
    this.sleeper = sleeper;
    this.pipes = new Pipelines<>(settings.pipeline());
    boolean replace = settings.policy() == ExistencePolicy.REPLACE;
    this.restore = new RestoreCommand(replace, server.supportsAbsTtl(), wallClockMillis);
    this.choice = new RestoreChoice(server);
    this.resend = new ResendCheck(server, listener);
    this.book = new ReplyBook(listener, settings.retries(), resend, server);
    WriteContext ctx = new WriteContext(this, dest, book, resend, listener);
    this.rewrites = new KeyRewrites(ctx, server, settings.policy(), wallClockMillis);
    this.atomic = new AtomicBatches(ctx, throttle, settings.checkpointKey(), settings.pipeline());
    this.live = new LiveCommands(ctx, throttle, rewrites);
    Recovery.Policy retry =
        new Recovery.Policy(
            reconnector, sleeper, settings.retries(), settings.retryBackoffMillis());
    this.recovery = new Recovery(ctx, retry, atomic, rewrites);
  }

  @Override
  public void write(KeyEvent event) throws WriteException, InterruptedException {
    ahead(
        event,
        () -> {
          rewrites.sendFollowUps();
          if (atomic.committable()) {
            // A full resync in the middle of a live stream: its keys are not part of a batch.
            atomic.commit();
          }
          selectFor(event);
          if (rewrites.isOpen(event.key())) {
            // The same key again (in two files, or sent again) follows its open rewrite, in order.
            drain();
          }
        });
    throttle.acquire();
    KeyEvent restorable = choice.restorable(event);
    if (restorable == null) {
      // A big key is always rewritten: one RESTORE would carry its whole payload.
      rewrites.rewrite(event);
      return;
    }
    sendRestore(restorable);
  }

  /** A step before a key is in a pipeline. */
  @FunctionalInterface
  private interface Step {
    void run() throws WriteException, InterruptedException;
  }

  /**
   * Runs {@code step}, which comes before {@code event} is in any pipeline: when it stops the run
   * (a drain meets READONLY or a lost connection, a SELECT fails), the key is booked with that
   * cause, so the totals still add up.
   */
  private void ahead(KeyEvent event, Step step) throws WriteException, InterruptedException {
    try {
      step.run();
    } catch (WriteException e) {
      listener.lost(event, WriteFailure.of(e.getMessage()));
      throw e;
    }
  }

  /**
   * Switches to {@code event}'s db, if the connection is on another one; a caller books the key if
   * this throws ({@link #ahead}).
   */
  private void selectFor(KeyEvent event) throws WriteException, InterruptedException {
    if (event.db() != dest.db()) {
      // SELECT is sent alone, with nothing in flight: a failed SELECT inside a pipeline would send
      // the keys after it into the wrong database.
      drain();
      select(event.db());
    }
  }

  /** Puts {@code event}'s RESTORE into the pipeline being built. */
  private void sendRestore(KeyEvent event) throws WriteException, InterruptedException {
    boolean full = pipes.add(new Slot.Restore(event));
    try {
      restore.send(dest.get(), event);
    } catch (JedisConnectionException e) {
      recovery.recover(e);
      return;
    }
    if (full) {
      rotate();
    }
  }

  /**
   * Sends {@code event}'s RESTORE preceded by ASKING, for a cluster node that imports the key's
   * slot (the owner answered ASK): the node then takes the one command that follows. Only a key
   * written by one RESTORE can go this way; false means the key was not sent (a rewrite would need
   * ASKING before each of its commands, and its temporary key is not in the slot being moved), and
   * the caller must send it again the ordinary way later. A key sent again after a reconnect goes
   * without ASKING, and is redirected again if need be. A key of another db (a Valkey cluster with
   * several) has its SELECT first: ASKING holds for the one command after it.
   */
  public boolean writeAsking(KeyEvent event) throws WriteException, InterruptedException {
    KeyEvent restorable = choice.restorable(event);
    if (restorable == null) {
      return false;
    }
    ahead(
        event,
        () -> {
          selectFor(event);
          rewrites.sendFollowUps();
          // The key was paced by --max-rate when first sent.
          sendSlot(new Slot.Control("ASKING"), ASKING);
        });
    sendRestore(restorable);
    return true;
  }

  /** Whether {@code event} is written by one RESTORE (not rewritten as several commands). */
  public boolean writesInOneCommand(KeyEvent event) {
    return choice.inOneCommand(event);
  }

  /**
   * Sends live commands preceded by one ASKING, for a cluster node that imports their slot (the
   * owner answered ASK): a single command, or a whole MULTI ... EXEC block, for which ASKING holds
   * until EXEC. Not for our own transactions (a checkpoint marker), which a cluster writer never
   * uses. The db of the first command is selected before ASKING (which holds for the one command
   * after it); a block's commands in other dbs get their SELECT queued inside it.
   */
  public void writeCommandsAsking(List<CommandEvent> commands)
      throws WriteException, InterruptedException {
    live.resendAsking(commands);
  }

  @Override
  public void writeCommand(CommandEvent command) throws WriteException, InterruptedException {
    if (rewrites.anyOpen()) {
      // A live command must not overtake the rename of a key the snapshot rewrote.
      drain();
    }
    if (settings.checkpointKey() != null) {
      atomic.write(command);
      return;
    }
    live.write(command);
  }

  /** Puts one command into the pipeline being built; its reply is booked by {@code slot}. */
  void sendSlot(Slot slot, byte[]... argv) throws WriteException, InterruptedException {
    boolean full = pipes.add(slot);
    try {
      dest.get().sendCommand(() -> argv[0], Arrays.copyOfRange(argv, 1, argv.length));
    } catch (JedisConnectionException e) {
      recovery.recover(e);
      return;
    }
    if (full) {
      rotate();
    }
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    if (atomic.committable()) {
      atomic.commit();
    }
    drain();
  }

  @Override
  public void restoreFunctions(List<byte[]> libraries, FunctionListener functions)
      throws WriteException {
    new FunctionRestorer(server, settings.policy() == ExistencePolicy.REPLACE)
        .restore(dest.get(), libraries, functions);
  }

  @Override
  public void close() {
    // A run stopped by a lost connection or READONLY may leave keys waiting for another attempt
    // after LOADING or BUSY: nobody will send them now, so they are booked to keep the totals.
    WriteFailure stopped = WriteFailure.of("not sent again: the run stopped");
    book.takeRetries().forEach(k -> listener.lost(k, stopped));
    dest.close();
  }

  /** The building pipeline goes out; the one before it is answered. */
  private void rotate() throws WriteException, InterruptedException {
    // A reconnect inside readReplies may refill the pipeline in flight with what it sent again.
    while (pipes.inFlight()) {
      readReplies();
    }
    pipes.rotate();
  }

  /** Sends everything and reads every outstanding reply. */
  void drain() throws WriteException, InterruptedException {
    pump();
    // Only now is no reply outstanding, so the connection can serve a synchronous DUMP.
    dest.onDb(resend.resolve(dest.get(), dest.db()));
    recovery.retryPassingErrors();
  }

  /** Sends everything, follow-ups included, until no reply is outstanding. */
  void pump() throws WriteException, InterruptedException {
    while (pipes.building() || pipes.inFlight() || rewrites.hasFollowUps()) {
      if (rewrites.hasFollowUps()) {
        rewrites.sendFollowUps();
      } else if (pipes.building()) {
        rotate();
      } else {
        readReplies();
      }
    }
  }

  private void readReplies() throws WriteException, InterruptedException {
    // Each reply is booked as it arrives: when the connection breaks or times out halfway, the
    // keys answered so far are booked, and only the rest count as without reply.
    try {
      while (pipes.inFlight()) {
        Object reply;
        try {
          // getOne flushes the output first, so the pipeline being built goes out before we block.
          reply = dest.get().getOne();
        } catch (JedisDataException e) {
          reply = e;
        }
        bookReply(pipes.nextAnswered(), reply);
      }
    } catch (JedisConnectionException e) {
      recovery.recover(e);
      return;
    }
    pipes.allAnswered();
    JedisDataException readOnly = book.readOnly();
    if (readOnly != null) {
      WriteFailure why = WriteFailure.of(RedisError.of(readOnly.getMessage()));
      pipes.takeBuilding().forEach(slot -> recovery.fail(slot, why));
      rewrites.takeFollowUps().forEach(slot -> recovery.fail(slot, why));
      throw new WriteException(
          "the destination is a read-only replica ("
              + readOnly.getMessage()
              + "); point --to at its primary",
          readOnly);
    }
    // Like the original script, pause between pipelines, not after the last one: another
    // pipeline is being built exactly when this one was read on its way out (rotate).
    if (settings.sleepMillis() > 0 && pipes.building()) {
      sleeper.sleep(settings.sleepMillis());
    }
  }

  private void bookReply(Slot slot, Object reply) throws WriteException {
    // A Folded slot is never sent: it travels inside an Exec only.
    if (slot instanceof Slot.Restore restore) {
      book.restored(restore.event(), reply);
    } else if (slot instanceof Slot.OfRewrite rewrite) {
      rewrites.book(rewrite, reply);
    } else if (slot instanceof Slot.Live live) {
      // In atomic mode a queued command's reply is QUEUED or a queueing error; the EXEC
      // reply tells its fate.
      if (settings.checkpointKey() == null) {
        book.command(live.command(), reply);
      }
    } else if (slot instanceof Slot.Exec exec) {
      atomic.booked(exec, reply);
    } else if (slot instanceof Slot.Control control
        && control.what().equals("MULTI")
        && reply instanceof JedisDataException e) {
      throw new WriteException("the destination refused MULTI: " + e.getMessage(), e);
    }
  }

  void select(int db) throws WriteException, InterruptedException {
    while (true) {
      try {
        dest.select(db);
        return;
      } catch (JedisConnectionException e) {
        // Reconnecting sends again what had no reply, then the SELECT is tried on the new one.
        recovery.recover(e);
      }
    }
  }

  /** Everything sent or being built without a reply, follow-ups last; none is left. */
  List<Slot> takeUnanswered() {
    List<Slot> slots = pipes.takeUnanswered();
    slots.addAll(rewrites.takeFollowUps());
    return slots;
  }
}
