package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.ExistencePolicy;
import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyNames;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.rdb.FunctionLibraryNames;
import io.github.rediskeysmigrator.rdb.PayloadDecoder;
import io.github.rediskeysmigrator.rdb.PayloadDigests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writes keys with {@code RESTORE key ttl payload [REPLACE] ABSTTL}, {@code --pipeline} commands
 * per round trip. Two pipelines are in flight at once: the next one is sent before the replies of
 * the previous one are read, so the server never waits for us. Every reply is matched to its key
 * and reported to the {@link WriteListener}; a {@code BUSYKEY} reply is a key that existed.
 *
 * <p>A key whose payload has a newer RDB version than the destination accepts is rewritten instead
 * ({@link RewriteCommands}): its value is built under a temporary key in the same hash slot, in
 * chunked plain commands that travel in the same pipelines; once every one of their replies was
 * read and none failed, the temporary key is renamed into place (RENAMENX for skip and fail, RENAME
 * for replace) in a later pipeline. A key is thus written whole or not at all; a temporary key that
 * is not renamed is deleted. A big key (its payload in a file) always takes this path, decoded from
 * the file as it is sent: a pipeline slot keeps a command's name, not its arguments, so memory
 * stays bounded by one chunk.
 */
public final class PipelinedWriter implements KeyWriter {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PipelinedWriter.class);
  private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO = {'0'};
  private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MULTI = "MULTI".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EXEC = "EXEC".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ASKING = "ASKING".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOAD = "LOAD".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RENAME = "RENAME".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RENAMENX = "RENAMENX".getBytes(StandardCharsets.US_ASCII);

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

  /** Opens a fresh, authenticated destination connection on the initial db. */
  @FunctionalInterface
  public interface Reconnector {
    /** A new connection, or ConnectException when the destination is still unreachable. */
    Connection connect() throws ConnectException;
  }

  /** A command of ours inside a transaction (MULTI, SELECT, the checkpoint SET). */
  private record Control(String what) {}

  /** A source MULTI or EXEC, folded into our own transaction: applied when it commits. */
  private record Folded(CommandEvent command) {}

  /** Our EXEC, with everything queued since our MULTI, in order. */
  private record Exec(List<Object> queued) {}

  /** A key being rewritten as plain commands: built under {@code tmp}, then renamed. */
  private static final class Rewrite {
    final KeyEvent event;
    final byte[] tmp;

    /** The first failed command's error, or null. */
    String failure;

    /** Whether a command met LOADING or BUSY: the key is rewritten again after a pause. */
    boolean retry;

    /** Whether RENAMENX found the key at the destination. */
    boolean existed;

    /** Whether the key's fate went to the listener (or it was handed to a new attempt). */
    boolean settled;

    Rewrite(KeyEvent event, byte[] tmp) {
      this.event = event;
      this.tmp = tmp;
    }
  }

  /**
   * One of the commands that build a rewritten key (only its name and expected reply are kept, so a
   * pipeline never holds a big key's elements); {@code last} is the last of them.
   */
  private record Step(
      Rewrite rewrite, byte[] command, RewriteCommands.Expect expect, boolean last) {}

  /** RENAME or RENAMENX of a rewritten key's temporary key. */
  private record Rename(Rewrite rewrite) {}

  /** DEL of a temporary key that is not renamed into place. */
  private record Cleanup(Rewrite rewrite) {}

  /** A command that depends on replies already read, sent with the next pipeline. */
  private record FollowUp(Object slot, byte[][] argv) {}

  private Connection conn;
  private final ServerInfo server;
  private final Settings settings;
  private final WriteListener listener;
  private final Throttle throttle;
  private final Sleeper sleeper;
  private final LongSupplier wallClockMillis;
  private final Reconnector reconnector;
  private boolean recovering;
  private final List<KeyEvent> ambiguous = new java.util.ArrayList<>();
  private final List<KeyEvent> retryLater = new java.util.ArrayList<>();
  private JedisDataException readOnly;
  // Keys sent again after a reconnect: a BUSYKEY for one of them may mean our first send applied.
  private final java.util.Set<KeyEvent> resent =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  private final boolean absTtl;
  private PayloadDigests digests;
  private final java.util.ArrayDeque<FollowUp> followUps = new java.util.ArrayDeque<>();
  private boolean sendingFollowUps;
  private int openRewrites;

  // Each slot holds the KeyEvent or CommandEvent whose reply comes in that position.
  private Object[] building;
  private int buildingCount;
  private Object[] inFlight;
  private int inFlightCount;
  private int currentDb;
  private boolean inTransaction;
  private boolean closed;
  // Atomic mode (sync with a checkpoint): commands travel in MULTI/EXEC batches that also record
  // the replication offset at the destination, so a crash leaves a batch applied whole, with its
  // offset, or not at all.
  private List<Object> txQueued;
  private boolean sourceTx;
  private CommandEvent txLast;

  public PipelinedWriter(
      Connection conn,
      ServerInfo server,
      Settings settings,
      WriteListener listener,
      Throttle throttle,
      Sleeper sleeper,
      LongSupplier wallClockMillis) {
    this(conn, server, settings, listener, throttle, sleeper, wallClockMillis, null);
  }

  /** A writer that reconnects with {@code reconnector} when the connection drops. */
  public PipelinedWriter(
      Connection conn,
      ServerInfo server,
      Settings settings,
      WriteListener listener,
      Throttle throttle,
      Sleeper sleeper,
      LongSupplier wallClockMillis,
      Reconnector reconnector) {
    this.reconnector = reconnector;
    this.conn = conn;
    this.server = server;
    this.settings = settings;
    this.listener = listener;
    this.throttle = throttle;
    this.sleeper = sleeper;
    this.wallClockMillis = wallClockMillis;
    this.building = new Object[settings.pipeline()];
    this.inFlight = new Object[settings.pipeline()];
    this.currentDb = settings.initialDb();
    this.absTtl = server.supportsAbsTtl();
  }

  @Override
  public void write(KeyEvent event) throws WriteException, InterruptedException {
    sendFollowUps();
    if (txQueued != null && !sourceTx) {
      // A full resync in the middle of a live stream: its keys are not part of a batch.
      commitTransaction();
    }
    if (event.db() != currentDb) {
      // SELECT is sent alone, with nothing in flight: a failed SELECT inside a pipeline would send
      // the keys after it into the wrong database.
      drain();
      try {
        select(event.db());
      } catch (WriteException e) {
        // The key that needed this db is booked too, so the totals still add up.
        listener.failed(event, e.getMessage());
        throw e;
      }
    }
    throttle.acquire();
    if (!writesInOneCommand(event)) {
      // A big key is always rewritten: one RESTORE would carry its whole payload.
      rewrite(event);
      return;
    }
    sendRestore(event);
  }

  /** Puts {@code event}'s RESTORE into the pipeline being built. */
  private void sendRestore(KeyEvent event) throws WriteException, InterruptedException {
    building[buildingCount++] = event;
    try {
      conn.sendCommand(Protocol.Command.RESTORE, restoreArgs(event));
    } catch (JedisConnectionException e) {
      recover(e);
      return;
    }
    if (buildingCount == building.length) {
      rotate();
    }
  }

  /**
   * Sends {@code event}'s RESTORE preceded by ASKING, for a cluster node that imports the key's
   * slot (the owner answered ASK): the node then takes the one command that follows. Only a key
   * written by one RESTORE can go this way; false means the key was not sent (a rewrite would need
   * ASKING before each of its commands, and its temporary key is not in the slot being moved), and
   * the caller must send it again the ordinary way later. A key sent again after a reconnect goes
   * without ASKING, and is redirected again if need be.
   */
  public boolean writeAsking(KeyEvent event) throws WriteException, InterruptedException {
    if (event.db() != currentDb || !writesInOneCommand(event)) {
      return false;
    }
    sendFollowUps();
    // The key was paced by --max-rate when first sent.
    sendSlot(new Control("ASKING"), ASKING);
    sendRestore(event);
    return true;
  }

  /** Whether {@code event} is written by one RESTORE (not rewritten as several commands). */
  public boolean writesInOneCommand(KeyEvent event) {
    return event.file() == null && server.restores(event.payloadRdbVersion());
  }

  /**
   * Sends live commands preceded by one ASKING, for a cluster node that imports their slot (the
   * owner answered ASK): a single command, or a whole MULTI ... EXEC block, for which ASKING holds
   * until EXEC. Not for our own transactions (a checkpoint marker), which a cluster writer never
   * uses; cluster commands are all in db 0.
   */
  public void writeCommandsAsking(List<CommandEvent> commands)
      throws WriteException, InterruptedException {
    if (openRewrites > 0) {
      // A live command must not overtake the rename of a key the snapshot rewrote.
      drain();
    }
    sendFollowUps();
    sendSlot(new Control("ASKING"), ASKING);
    for (CommandEvent command : commands) {
      noteTransaction(command);
      // Paced by --max-rate when first sent.
      sendSlot(command, command.argv());
    }
  }

  /**
   * Sends the commands that build {@code event}'s value under its temporary key, as the payload is
   * decoded (so a big key streams from its file); the rename follows once their replies are in (see
   * {@link #bookStep}).
   */
  private void rewrite(KeyEvent event) throws WriteException, InterruptedException {
    Rewrite r = new Rewrite(event, TempKeys.forKey(event.key()));
    openRewrites++;
    Emitter out = new Emitter(r);
    String problem;
    try {
      RewriteCommands.Outcome outcome =
          RewriteCommands.write(event, r.tmp, server, wallClockMillis.getAsLong(), out);
      if (outcome == RewriteCommands.Outcome.ALL_EXPIRED && out.sent == 0) {
        settle(r);
        listener.expired(event);
        return;
      }
      out.finish();
      return;
    } catch (SendFailed f) {
      if (f.getCause() instanceof InterruptedException e) {
        throw e;
      }
      throw (WriteException) f.getCause();
    } catch (Abandoned a) {
      return; // handed to a new attempt after a reconnect
    } catch (PayloadDecoder.DecodeException e) {
      problem = e.getMessage();
    } catch (java.io.IOException e) {
      problem = "cannot read the payload file " + event.file().path() + ": " + e.getMessage();
    }
    String reason =
        "cannot rewrite the key for the destination ("
            + server
            + ", payload RDB version "
            + event.payloadRdbVersion()
            + "): "
            + problem;
    if (out.sent == 0) {
      settle(r);
      listener.failed(event, reason);
    } else {
      // Part of the value is at the destination under the temporary key: the last command
      // held back closes the key, which is then deleted and booked as failed.
      r.failure = reason;
      try {
        out.finish();
      } catch (SendFailed f) {
        if (f.getCause() instanceof InterruptedException e) {
          throw e;
        }
        throw (WriteException) f.getCause();
      } catch (Abandoned a) {
        // handed to a new attempt after a reconnect
      }
    }
  }

  /** Carries a checked failure of sending out of the decoder's callbacks. */
  private static final class SendFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SendFailed(Exception cause) {
      super(cause);
    }
  }

  /** The key being rewritten was handed to a new attempt (a reconnect): stop decoding it. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }

  /**
   * Sends a rewritten key's commands, each one once the next is known, so that the last one goes
   * out marked as last.
   */
  private final class Emitter implements RewriteCommands.Sink {
    private final Rewrite r;
    private RewriteCommands.Command held;
    int sent;

    Emitter(Rewrite r) {
      this.r = r;
    }

    @Override
    public void accept(RewriteCommands.Command c) {
      if (held != null) {
        send(held, false);
      }
      held = c;
    }

    void finish() {
      if (held != null) {
        send(held, true);
        held = null;
      }
    }

    private void send(RewriteCommands.Command c, boolean last) {
      if (r.settled) {
        throw new Abandoned();
      }
      try {
        sendSlot(new Step(r, c.argv()[0], c.expect(), last), c.argv());
      } catch (WriteException | InterruptedException e) {
        throw new SendFailed(e);
      }
      sent++;
      if (r.settled) {
        throw new Abandoned();
      }
    }
  }

  /** Sends the renames and clean-ups whose preconditions were read in the last replies. */
  private void sendFollowUps() throws WriteException, InterruptedException {
    if (sendingFollowUps) {
      return;
    }
    sendingFollowUps = true;
    try {
      FollowUp f;
      while ((f = followUps.poll()) != null) {
        sendSlot(f.slot(), f.argv());
      }
    } finally {
      sendingFollowUps = false;
    }
  }

  @Override
  public void writeCommand(CommandEvent command) throws WriteException, InterruptedException {
    if (openRewrites > 0) {
      // A live command must not overtake the rename of a key the snapshot rewrote.
      drain();
    }
    if (settings.checkpointKey() != null) {
      writeAtomically(command);
      return;
    }
    if (command.db() != currentDb) {
      if (inTransaction) {
        // Inside MULTI the SELECT is queued like the rest and takes effect at EXEC.
        send(
            CommandEvent.of(
                command.db(),
                new byte[][] {SELECT, ascii(command.db())},
                command.replId(),
                command.offset()));
        currentDb = command.db();
      } else {
        drain();
        try {
          select(command.db());
        } catch (WriteException e) {
          listener.commandFailed(command, e.getMessage());
          throw e;
        }
      }
    }
    noteTransaction(command);
    send(command);
  }

  /** Whether the source's MULTI ... EXEC is open after {@code command}. */
  private void noteTransaction(CommandEvent command) {
    String name = command.name();
    if (name.equals("MULTI")) {
      inTransaction = true;
    } else if (name.equals("EXEC") || name.equals("DISCARD")) {
      inTransaction = false;
    }
  }

  private void writeAtomically(CommandEvent command) throws WriteException, InterruptedException {
    String name = command.name();
    if (txQueued == null) {
      sendSlot(new Control("MULTI"), MULTI);
      txQueued = new java.util.ArrayList<>();
    }
    if (name.equals("MULTI") || name.equals("EXEC")) {
      // The source's own transaction is inside ours, so it stays atomic; ours never closes
      // in the middle of it.
      sourceTx = name.equals("MULTI");
      txQueued.add(new Folded(command));
    } else {
      if (command.db() != currentDb) {
        queue(new Control("SELECT"), SELECT, ascii(command.db()));
        currentDb = command.db();
      }
      throttle.acquire();
      byte[][] argv = command.argv();
      queue(command, argv);
    }
    txLast = command;
    if (txQueued.size() >= settings.pipeline() && !sourceTx) {
      commitTransaction();
    }
  }

  /** Queues one command inside our transaction; its real reply comes with EXEC. */
  private void queue(Object slot, byte[]... argv) throws WriteException, InterruptedException {
    txQueued.add(slot);
    sendSlot(slot, argv);
  }

  /** Records the offset at the destination and sends EXEC. */
  private void commitTransaction() throws WriteException, InterruptedException {
    CommandEvent last = txLast;
    byte[] value = markerValue(last);
    int db = currentDb;
    if (db != 0) {
      queue(new Control("SELECT"), SELECT, ascii(0));
    }
    queue(new Control("SET"), SET, settings.checkpointKey(), value);
    if (db != 0) {
      queue(new Control("SELECT"), SELECT, ascii(db));
    }
    List<Object> queued = txQueued;
    txQueued = null;
    sendSlot(new Exec(queued), EXEC);
    // One transaction in flight at a time: if the destination aborts it, its commands are sent
    // again one by one, and nothing sent after it may overtake them.
    drain();
  }

  private void sendSlot(Object slot, byte[]... argv) throws WriteException, InterruptedException {
    building[buildingCount++] = slot;
    try {
      conn.sendCommand(() -> argv[0], Arrays.copyOfRange(argv, 1, argv.length));
    } catch (JedisConnectionException e) {
      recover(e);
      return;
    }
    if (buildingCount == building.length) {
      rotate();
    }
  }

  private void send(CommandEvent command) throws WriteException, InterruptedException {
    throttle.acquire();
    sendSlot(command, command.argv());
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    if (txQueued != null && !sourceTx) {
      commitTransaction();
    }
    drain();
  }

  @Override
  public void restoreFunctions(List<byte[]> libraries, FunctionListener listener)
      throws WriteException {
    boolean replace = settings.policy() == ExistencePolicy.REPLACE;
    for (int i = 0; i < libraries.size(); i++) {
      byte[] payload = libraries.get(i);
      int version = KeyEvent.rdbVersionOf(payload);
      try {
        if (!server.restores(version)) {
          // Too new to RESTORE: load the library from its code instead.
          if (!server.supportsExpireTime()) {
            listener.failed(i, "the destination (" + server + ") has no functions (Redis 7.0+)");
            continue;
          }
          java.util.Optional<byte[]> code = FunctionLibraryNames.code(payload);
          if (code.isEmpty()) {
            listener.failed(i, "cannot read the library's code from its FUNCTION DUMP payload");
            continue;
          }
          if (replace) {
            conn.sendCommand(Protocol.Command.FUNCTION, LOAD, REPLACE, code.get());
          } else {
            conn.sendCommand(Protocol.Command.FUNCTION, LOAD, code.get());
          }
          Object reply = conn.getOne();
          if (reply instanceof JedisDataException e) {
            throw e;
          }
          if (reply instanceof byte[]) {
            listener.restored(i);
          } else {
            listener.failed(i, "unexpected reply to FUNCTION LOAD: " + describe(reply));
          }
          continue;
        }
        if (replace) {
          conn.sendCommand(Protocol.Command.FUNCTION, RESTORE, payload, REPLACE);
        } else {
          conn.sendCommand(Protocol.Command.FUNCTION, RESTORE, payload);
        }
        String reply = conn.getStatusCodeReply();
        if ("OK".equals(reply)) {
          listener.restored(i);
        } else {
          listener.failed(i, "unexpected reply to FUNCTION RESTORE: " + reply);
        }
      } catch (JedisConnectionException e) {
        throw new WriteException("connection lost (" + e.getMessage() + ")", e);
      } catch (JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("already exists")) {
          listener.existed(i, m);
        } else {
          listener.failed(i, m);
        }
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        conn.close();
      } catch (JedisConnectionException e) {
        // Everything was flushed and booked before close; a dead socket has nothing to lose.
        log.debug("closing the destination connection failed", e);
      }
    }
  }

  private byte[][] restoreArgs(KeyEvent event) {
    boolean replace = settings.policy() == ExistencePolicy.REPLACE;
    boolean abs = absTtl;
    byte[] ttl;
    if (!event.hasExpiry()) {
      ttl = ZERO;
    } else if (abs) {
      ttl = ascii(event.expireAtMs());
    } else {
      // Redis before 5.0 takes a relative TTL only; the filter already dropped expired keys.
      ttl = ascii(Math.max(1, event.expireAtMs() - wallClockMillis.getAsLong()));
    }
    int n = 3 + (replace ? 1 : 0) + (abs && event.hasExpiry() ? 1 : 0);
    byte[][] args = new byte[n][];
    args[0] = event.key();
    args[1] = ttl;
    args[2] = event.payload();
    int i = 3;
    if (replace) {
      args[i++] = REPLACE;
    }
    if (abs && event.hasExpiry()) {
      args[i] = ABSTTL;
    }
    return args;
  }

  private static byte[] ascii(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /** What the checkpoint key holds: replication id, offset reached, source db there. */
  private static byte[] markerValue(CommandEvent last) {
    return ascii(last.replId() + " " + last.offset() + " " + last.sourceDb());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The building pipeline goes out; the one before it is answered. */
  private void rotate() throws WriteException, InterruptedException {
    // A reconnect inside readReplies may refill inFlight with what it sent again.
    while (inFlightCount > 0) {
      readReplies();
    }
    Object[] t = inFlight;
    inFlight = building;
    inFlightCount = buildingCount;
    building = t;
    buildingCount = 0;
  }

  /** Sends everything and reads every outstanding reply. */
  private void drain() throws WriteException, InterruptedException {
    pump();
    // Only now is no reply outstanding, so the connection can serve a synchronous DUMP.
    resolveAmbiguous();
    retryPassingErrors();
  }

  /** Sends everything, follow-ups included, until no reply is outstanding. */
  private void pump() throws WriteException, InterruptedException {
    while (buildingCount > 0 || inFlightCount > 0 || !followUps.isEmpty()) {
      if (!followUps.isEmpty()) {
        sendFollowUps();
      } else if (buildingCount > 0) {
        rotate();
      } else {
        readReplies();
      }
    }
  }

  /**
   * Sends again the keys the destination refused with LOADING or BUSY, after a pause, until they
   * are booked or --retries rounds are spent (then they fail with the server's reply).
   */
  private void retryPassingErrors() throws WriteException, InterruptedException {
    for (int round = 1; !retryLater.isEmpty(); round++) {
      List<KeyEvent> again = new java.util.ArrayList<>(retryLater);
      retryLater.clear();
      if (round > settings.retries()) {
        for (KeyEvent event : again) {
          listener.failed(event, "the destination stayed LOADING or BUSY");
        }
        return;
      }
      sleeper.sleep(Math.min(settings.retryBackoffMillis() * round, 10_000));
      for (KeyEvent event : again) {
        write(event);
      }
      pump();
      resolveAmbiguous();
    }
  }

  /**
   * The connection dropped: reconnect with backoff, then send again what has no reply yet, in
   * order. Keys are RESTOREd again (a BUSYKEY then is checked against our payload). In atomic mode
   * the destination's checkpoint key tells which transactions committed before the drop; the others
   * are queued again, so nothing is lost or applied twice. Plain live commands (sync without
   * --checkpoint) are sent again: at least once. A drop while sending again is part of the same
   * recovery: it goes on with the attempts --retries has left.
   */
  private void recover(JedisConnectionException cause) throws WriteException, InterruptedException {
    if (reconnector == null || settings.retries() <= 0) {
      throw lost(cause);
    }
    if (recovering) {
      throw new LostAgain(cause);
    }
    List<Object> pending = takeUnacked();
    List<Object> openTransaction = txQueued == null ? List.of() : txQueued;
    txQueued = null;
    sourceTx = false;
    int attempt = 0;
    while (true) {
      try {
        conn.close();
      } catch (JedisConnectionException e) {
        // Closing flushes, which fails on the broken socket; the socket is released anyway.
        cause.addSuppressed(e);
      }
      Connection fresh = null;
      ConnectException last = null;
      while (fresh == null && attempt < settings.retries()) {
        attempt++;
        sleeper.sleep(Math.min(settings.retryBackoffMillis() * attempt, 10_000));
        try {
          fresh = reconnector.connect();
        } catch (ConnectException e) {
          last = e;
        }
      }
      if (fresh == null) {
        String reason = "no reply: connection lost (" + cause.getMessage() + ")";
        pending.forEach(slot -> fail(slot, reason));
        openTransaction.forEach(slot -> fail(slot, reason));
        throw new WriteException(
            "connection lost and not regained after "
                + settings.retries()
                + " attempts ("
                + (last == null ? cause.getMessage() : last.getMessage())
                + ")",
            cause);
      }
      conn = fresh;
      currentDb = settings.initialDb();
      recovering = true;
      int i = 0;
      try {
        long committed = settings.checkpointKey() == null ? -1 : committedOffset();
        for (; i < pending.size(); i++) {
          Object slot = pending.get(i);
          Rewrite rewrite = rewriteOf(slot);
          if (rewrite != null) {
            // Built again from the start (its first command deletes the temporary key). Its
            // RENAMENX may then meet the key its first RENAMENX put in place: see bookCleanup.
            if (!rewrite.settled) {
              settle(rewrite);
              resent.add(rewrite.event);
              write(rewrite.event);
            }
          } else if (slot instanceof KeyEvent event) {
            resent.add(event);
            write(event);
          } else if (slot instanceof Exec exec) {
            requeue(exec.queued(), committed);
          } else if (slot instanceof CommandEvent command && settings.checkpointKey() == null) {
            writeCommand(command);
          }
        }
        requeue(openTransaction, Long.MAX_VALUE);
        return;
      } catch (LostAgain again) {
        cause = again.cause;
        if (settings.checkpointKey() != null) {
          // A transaction half queued again cannot be told apart from the rest: stop here, with
          // everything booked.
          String reason = "no reply: connection lost again (" + cause.getMessage() + ")";
          List<Object> rest = takeUnacked();
          rest.addAll(pending.subList(Math.min(i + 1, pending.size()), pending.size()));
          rest.forEach(slot -> fail(slot, reason));
          openTransaction.forEach(slot -> fail(slot, reason));
          throw new WriteException("connection lost again while sending again", cause);
        }
        // What was sent again without reply, then what was not sent again yet, in order. The
        // slot being sent is among the first if it got as far as the pipeline.
        List<Object> rest = takeUnacked();
        Object sending = i < pending.size() ? pending.get(i) : null;
        boolean current = rest.stream().anyMatch(slot -> slot == sending);
        int from = Math.min(current ? i + 1 : i, pending.size());
        rest.addAll(pending.subList(from, pending.size()));
        pending = rest;
      } finally {
        recovering = false;
      }
    }
  }

  /** Everything sent or being built without a reply, in order; the pipelines are left empty. */
  private List<Object> takeUnacked() {
    List<Object> unacked = new java.util.ArrayList<>();
    for (int i = 0; i < inFlightCount; i++) {
      unacked.add(inFlight[i]);
      inFlight[i] = null;
    }
    for (int i = 0; i < buildingCount; i++) {
      unacked.add(building[i]);
      building[i] = null;
    }
    followUps.forEach(f -> unacked.add(f.slot()));
    followUps.clear();
    inFlightCount = 0;
    buildingCount = 0;
    return unacked;
  }

  /** The connection broke again while {@link #recover} was sending again what had no reply. */
  private static final class LostAgain extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient JedisConnectionException cause;

    LostAgain(JedisConnectionException cause) {
      super(cause);
      this.cause = cause;
    }
  }

  /** Commands of one transaction: booked if it committed (offset recorded), else queued again. */
  private void requeue(List<Object> queued, long committed)
      throws WriteException, InterruptedException {
    long lastOffset = -1;
    for (Object item : queued) {
      if (item instanceof CommandEvent c) {
        lastOffset = c.offset();
      } else if (item instanceof Folded f) {
        lastOffset = f.command().offset();
      }
    }
    boolean applied = committed != Long.MAX_VALUE && lastOffset >= 0 && lastOffset <= committed;
    for (Object item : queued) {
      CommandEvent command = null;
      if (item instanceof Folded f) {
        command = f.command();
      } else if (item instanceof CommandEvent c) {
        command = c;
      }
      if (command == null) {
        continue;
      }
      if (applied) {
        listener.commandApplied(command);
      } else {
        writeAtomically(command);
      }
    }
  }

  /**
   * A key sent again after a reconnect met BUSYKEY (or, rewritten, a RENAMENX that found its key):
   * if the destination holds exactly our value, the first send applied before the connection
   * dropped, so it was written (or rewritten), not skipped.
   */
  private void resolveAmbiguous() throws WriteException {
    if (ambiguous.isEmpty()) {
      return;
    }
    int checked = 0;
    try {
      for (KeyEvent event : ambiguous) {
        if (event.db() != currentDb) {
          conn.sendCommand(Protocol.Command.SELECT, ascii(event.db()));
          conn.getStatusCodeReply();
          currentDb = event.db();
        }
        conn.sendCommand(Protocol.Command.DUMP, event.key());
        byte[] dump = conn.getBinaryBulkReply();
        if (sameValue(dump, event.payload())) {
          if (server.restores(event.payloadRdbVersion())) {
            listener.written(event);
          } else {
            listener.rewritten(event);
          }
        } else {
          listener.existed(event);
        }
        checked++;
      }
    } catch (JedisConnectionException | JedisDataException e) {
      // Booked all the same, so the totals add up.
      for (KeyEvent event : ambiguous.subList(checked, ambiguous.size())) {
        listener.failed(event, "sent again after a reconnect, then could not be checked: " + e);
      }
      throw new WriteException("cannot check keys sent again after reconnecting: " + e, e);
    } finally {
      ambiguous.clear();
    }
  }

  /**
   * Whether the destination's DUMP holds the value of our payload: the same bytes, the same body
   * under another RDB version footer, or else the same canonical digest. The digest is needed for
   * big sets and hashes, whose DUMP lists members in the order of each server's own hash table.
   */
  private boolean sameValue(byte[] dump, byte[] ours) {
    if (dump == null) {
      return false;
    }
    int footer = 10;
    if (Arrays.equals(dump, ours)
        || (dump.length == ours.length
            && dump.length > footer
            && Arrays.equals(dump, 0, dump.length - footer, ours, 0, ours.length - footer))) {
      return true;
    }
    if (digests == null) {
      digests = new PayloadDigests();
    }
    try {
      return digests.digest(dump).hex().equals(digests.digest(ours).hex());
    } catch (PayloadDigests.UnreadablePayloadException e) {
      // Not provably ours (a module value, say): booked as a key that existed.
      log.debug("cannot compare a key sent again with the destination's value", e);
      return false;
    }
  }

  /** The offset in the destination's checkpoint key, or -1 when it has none. */
  private long committedOffset() throws WriteException {
    try {
      conn.sendCommand(Protocol.Command.SELECT, ascii(0));
      conn.getStatusCodeReply();
      conn.sendCommand(Protocol.Command.GET, settings.checkpointKey());
      byte[] value = conn.getBinaryBulkReply();
      conn.sendCommand(Protocol.Command.SELECT, ascii(currentDb));
      conn.getStatusCodeReply();
      if (value == null) {
        return -1;
      }
      return Long.parseLong(new String(value, StandardCharsets.US_ASCII).split(" ")[1]);
    } catch (JedisConnectionException | JedisDataException | NumberFormatException e) {
      throw new WriteException("cannot read the checkpoint key after reconnecting: " + e, e);
    }
  }

  private void readReplies() throws WriteException, InterruptedException {
    // Each reply is booked as it arrives: when the connection breaks or times out halfway, the
    // keys answered so far are booked, and only the rest count as without reply.
    int answered = 0;
    try {
      for (; answered < inFlightCount; answered++) {
        Object reply;
        try {
          // getOne flushes the output first, so the pipeline being built goes out before we block.
          reply = conn.getOne();
        } catch (JedisDataException e) {
          reply = e;
        }
        Object slot = inFlight[answered];
        inFlight[answered] = null;
        bookReply(slot, reply);
      }
    } catch (JedisConnectionException e) {
      int left = inFlightCount - answered;
      System.arraycopy(inFlight, answered, inFlight, 0, left);
      Arrays.fill(inFlight, left, inFlightCount, null);
      inFlightCount = left;
      recover(e);
      return;
    }
    inFlightCount = 0;
    if (readOnly != null) {
      for (int i = 0; i < buildingCount; i++) {
        fail(building[i], readOnly.getMessage());
        building[i] = null;
      }
      buildingCount = 0;
      followUps.forEach(f -> fail(f.slot(), readOnly.getMessage()));
      followUps.clear();
      throw new WriteException(
          "the destination is a read-only replica ("
              + readOnly.getMessage()
              + "); point --to at its primary",
          readOnly);
    }
    // Like the original script, pause between pipelines, not after the last one: another
    // pipeline is being built exactly when this one was read on its way out (rotate).
    if (settings.sleepMillis() > 0 && buildingCount > 0) {
      sleeper.sleep(settings.sleepMillis());
    }
  }

  private void bookReply(Object slot, Object reply) throws WriteException {
    if (slot instanceof KeyEvent event) {
      book(event, reply);
    } else if (slot instanceof Step step) {
      bookStep(step, reply);
    } else if (slot instanceof Rename rename) {
      bookRename(rename.rewrite(), reply);
    } else if (slot instanceof Cleanup cleanup) {
      bookCleanup(cleanup.rewrite(), reply);
    } else if (slot instanceof CommandEvent command) {
      if (settings.checkpointKey() == null) {
        book(command, reply);
      }
      // In atomic mode a queued command's reply is QUEUED or a queueing error; the EXEC
      // reply tells its fate.
    } else if (slot instanceof Exec exec) {
      bookTransaction(exec, reply);
    } else if (slot instanceof Control control
        && control.what().equals("MULTI")
        && reply instanceof JedisDataException e) {
      throw new WriteException("the destination refused MULTI: " + e.getMessage(), e);
    }
  }

  /** The rewritten key a slot belongs to, or null for any other slot. */
  private static Rewrite rewriteOf(Object slot) {
    if (slot instanceof Step s) {
      return s.rewrite();
    }
    if (slot instanceof Rename r) {
      return r.rewrite();
    }
    if (slot instanceof Cleanup c) {
      return c.rewrite();
    }
    return null;
  }

  private void settle(Rewrite r) {
    r.settled = true;
    openRewrites--;
  }

  /**
   * Checks the reply of one command of a rewritten key. After the last one, the temporary key is
   * renamed into place if every command succeeded, else deleted.
   */
  private void bookStep(Step step, Object reply) {
    Rewrite r = step.rewrite();
    if (r.settled) {
      return;
    }
    if (r.failure == null) {
      r.failure = problem(step.command(), step.expect(), reply);
      noteError(r, reply);
    }
    if (!step.last()) {
      return;
    }
    if (r.failure == null) {
      byte[] rename = settings.policy() == ExistencePolicy.REPLACE ? RENAME : RENAMENX;
      followUps.add(new FollowUp(new Rename(r), new byte[][] {rename, r.tmp, r.event.key()}));
    } else {
      followUps.add(new FollowUp(new Cleanup(r), new byte[][] {DEL, r.tmp}));
    }
  }

  /** Passing server states ask for another attempt; READONLY stops the run. */
  private void noteError(Rewrite r, Object reply) {
    if (reply instanceof JedisDataException e) {
      RedisError.Kind kind = RedisError.of(e.getMessage()).kind();
      if ((kind == RedisError.Kind.LOADING || kind == RedisError.Kind.BUSY)
          && settings.retries() > 0) {
        r.retry = true;
      } else if (kind == RedisError.Kind.READ_ONLY) {
        readOnly = e;
      }
    }
  }

  /** Why {@code reply} is not the success {@code command} expects, or null when it is. */
  private static String problem(byte[] command, RewriteCommands.Expect expect, Object reply) {
    String name = new String(command, StandardCharsets.US_ASCII);
    if (reply instanceof JedisDataException e) {
      // The server's reply first: the cluster writer recognizes MOVED and ASK by it.
      return e.getMessage() + " (reply to " + name + ")";
    }
    boolean ok =
        switch (expect) {
          case ANY -> true;
          case OK -> reply instanceof byte[] b && Arrays.equals(b, OK);
          case ONE -> reply instanceof Long l && l == 1;
          case NON_EMPTY -> reply instanceof List<?> l && !l.isEmpty();
        };
    return ok ? null : "unexpected reply to " + name + ": " + describe(reply);
  }

  private void bookRename(Rewrite r, Object reply) {
    if (r.settled) {
      return;
    }
    if ((reply instanceof byte[] b && Arrays.equals(b, OK))
        || (reply instanceof Long l && l == 1)) {
      settle(r);
      resent.remove(r.event);
      listener.rewritten(r.event);
      return;
    }
    if (reply instanceof Long l && l == 0) {
      r.existed = true;
    } else {
      r.failure =
          reply instanceof JedisDataException e
              ? e.getMessage() + " (reply to RENAME)"
              : "unexpected reply to RENAME: " + describe(reply);
      noteError(r, reply);
    }
    followUps.add(new FollowUp(new Cleanup(r), new byte[][] {DEL, r.tmp}));
  }

  /** The temporary key of a key not renamed into place is gone: the key's fate is booked. */
  private void bookCleanup(Rewrite r, Object reply) {
    if (r.settled) {
      return;
    }
    settle(r);
    if (r.retry) {
      // Built again from the start after a pause (its first command deletes the temporary key).
      retryLater.add(r.event);
      return;
    }
    String leftOver =
        reply instanceof Long
            ? null
            : "; the temporary key '"
                + KeyNames.printable(r.tmp)
                + "' could not be deleted: "
                + (reply instanceof JedisDataException e ? e.getMessage() : describe(reply));
    boolean sentAgain = resent.remove(r.event);
    if (r.existed && leftOver == null && sentAgain && r.event.file() == null) {
      // Sent again after a reconnect: the key may be the one our first RENAMENX put there.
      ambiguous.add(r.event);
    } else if (r.existed && leftOver == null) {
      listener.existed(r.event);
    } else if (r.existed) {
      listener.failed(r.event, "the key exists at the destination" + leftOver);
    } else {
      listener.failed(r.event, r.failure + (leftOver == null ? "" : leftOver));
    }
  }

  /**
   * Books one RESTORE reply. Each kind of error gets its decision: BUSYKEY is a key that existed;
   * LOADING and BUSY are passing states of the server, so the key is sent again after a pause (up
   * to --retries times); READONLY means every key would fail, so the run stops; anything else (OOM,
   * bad payload, NOPERM) fails this key only.
   */
  private void book(KeyEvent event, Object reply) {
    if (reply instanceof byte[] b && Arrays.equals(b, OK)) {
      if (!resent.isEmpty()) {
        resent.remove(event);
      }
      listener.written(event);
    } else if (reply instanceof JedisDataException e) {
      RedisError error = RedisError.of(e.getMessage());
      if ((error.kind() == RedisError.Kind.LOADING || error.kind() == RedisError.Kind.BUSY)
          && settings.retries() > 0) {
        retryLater.add(event);
      } else if (error.kind() == RedisError.Kind.READ_ONLY) {
        // Every key would fail the same way: book this one, stop after this batch.
        listener.failed(event, error.message());
        readOnly = e;
      } else if (error.kind() == RedisError.Kind.BUSY_KEY) {
        if (resent.remove(event)) {
          ambiguous.add(event);
        } else {
          listener.existed(event);
        }
      } else {
        listener.failed(event, error.message());
      }
    } else {
      listener.failed(event, "unexpected reply to RESTORE: " + describe(reply));
    }
  }

  /**
   * Books the commands of one of our transactions from the EXEC reply. When the destination aborted
   * it (a command it could not even queue, e.g. one it does not know), each command is sent again
   * on its own so the others still apply, then the offset is recorded.
   */
  private void bookTransaction(Exec exec, Object reply) throws WriteException {
    if (reply instanceof List<?> results) {
      int r = 0;
      for (Object item : exec.queued()) {
        if (item instanceof Folded folded) {
          listener.commandApplied(folded.command());
        } else if (item instanceof CommandEvent command) {
          book(command, results.get(r++));
        } else {
          Object result = results.get(r++);
          if (result instanceof JedisDataException e) {
            throw new WriteException(
                "the destination refused " + ((Control) item).what() + ": " + e.getMessage(), e);
          }
        }
      }
      return;
    }
    String why = reply instanceof JedisDataException e ? e.getMessage() : String.valueOf(reply);
    CommandEvent last = null;
    for (Object item : exec.queued()) {
      if (item instanceof Folded folded) {
        listener.commandApplied(folded.command());
        last = folded.command();
      } else if (item instanceof CommandEvent command) {
        last = command;
        try {
          byte[][] argv = command.argv();
          conn.sendCommand(() -> argv[0], Arrays.copyOfRange(argv, 1, argv.length));
          book(command, conn.getOne());
        } catch (JedisDataException e) {
          listener.commandFailed(command, e.getMessage() + " (the batch was aborted: " + why + ")");
        } catch (JedisConnectionException e) {
          throw new WriteException("connection lost (" + e.getMessage() + ")", e);
        }
      } else if (((Control) item).what().equals("SELECT")) {
        // Replayed one by one, the SELECTs of the batch must be too.
        continue;
      }
    }
    if (last != null) {
      try {
        conn.sendCommand(Protocol.Command.SELECT, ascii(0));
        conn.getStatusCodeReply();
        conn.sendCommand(Protocol.Command.SET, settings.checkpointKey(), markerValue(last));
        conn.getStatusCodeReply();
        conn.sendCommand(Protocol.Command.SELECT, ascii(currentDb));
        conn.getStatusCodeReply();
      } catch (JedisConnectionException | JedisDataException e) {
        throw new WriteException("cannot record the checkpoint: " + e.getMessage(), e);
      }
    }
  }

  /** Any reply but an error applies a command; an EXEC reply may carry errors inside. */
  private void book(CommandEvent command, Object reply) {
    if (reply instanceof JedisDataException e) {
      listener.commandFailed(command, e.getMessage());
      return;
    }
    if (reply instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof JedisDataException e) {
          listener.commandFailed(command, "inside the transaction: " + e.getMessage());
          return;
        }
      }
    }
    listener.commandApplied(command);
  }

  private void select(int db) throws WriteException, InterruptedException {
    while (true) {
      try {
        conn.sendCommand(Protocol.Command.SELECT, ascii(db));
        String reply = conn.getStatusCodeReply();
        if (!"OK".equals(reply)) {
          throw new WriteException("unexpected reply to SELECT " + db + ": " + reply, null);
        }
        currentDb = db;
        return;
      } catch (JedisConnectionException e) {
        // Reconnecting sends again what had no reply, then the SELECT is tried on the new one.
        recover(e);
      } catch (JedisDataException e) {
        throw new WriteException(
            "the destination refused SELECT "
                + db
                + " ("
                + e.getMessage()
                + "); map the source db elsewhere with --db-map or --to .../DB",
            e);
      }
    }
  }

  private static String describe(Object reply) {
    if (reply instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return String.valueOf(reply);
  }

  /**
   * The connection is gone: keys sent without a reply may or may not have been applied, so each is
   * booked as failed (and lands in the error log) to keep the totals whole.
   */
  private WriteException lost(JedisConnectionException e) {
    String reason = "no reply: connection lost (" + e.getMessage() + ")";
    for (int i = 0; i < inFlightCount; i++) {
      fail(inFlight[i], reason);
      inFlight[i] = null;
    }
    for (int i = 0; i < buildingCount; i++) {
      fail(building[i], reason);
      building[i] = null;
    }
    followUps.forEach(f -> fail(f.slot(), reason));
    followUps.clear();
    inFlightCount = 0;
    buildingCount = 0;
    return new WriteException("connection lost (" + e.getMessage() + ")", e);
  }

  private void fail(Object slot, String reason) {
    Rewrite rewrite = rewriteOf(slot);
    if (rewrite != null) {
      if (!rewrite.settled) {
        settle(rewrite);
        listener.failed(rewrite.event, reason);
      }
    } else if (slot instanceof KeyEvent event) {
      listener.failed(event, reason);
    } else if (slot instanceof CommandEvent command) {
      listener.commandFailed(command, reason);
    }
  }
}
