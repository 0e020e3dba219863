package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.ForwardingListener;
import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Writes into a Redis Cluster: each key goes to the master that owns its hash slot, through one
 * pipelined writer per master. A key answered with ASK (its slot is being moved) goes at once to
 * the importing node, preceded by ASKING, when one RESTORE writes it; so does a live command on one
 * key, and a transaction in one slot. Otherwise a key answered with MOVED, ASK, TRYAGAIN or
 * CLUSTERDOWN (a slot being moved, a failover) is sent again once the slot map has been read anew,
 * after a pause, up to a bounded number of rounds.
 *
 * <p>Live commands go the same way, by the slot of their keys; each master's writer keeps their
 * order, and their outcomes reach the run in stream order ({@link CommandOrder}), so a checkpoint
 * never passes a command that is not applied. What a cluster cannot take as it is:
 *
 * <ul>
 *   <li>DEL, UNLINK and MSET over keys of several slots are split into one command per key;
 *   <li>other commands over keys of several slots fail, with the reason in the error log;
 *   <li>FLUSHALL, FLUSHDB, FUNCTION and SCRIPT go to every master; SWAPDB, and commands in a db
 *       other than 0 fail; other keyless commands (PUBLISH) go to the first master;
 *   <li>a MULTI/EXEC block whose keys are all in one slot is sent as a transaction to its master;
 *       one that spans slots cannot be atomic in a cluster, so its commands are applied one by one
 *       on their masters (the end state is the same; a reader may see it half applied).
 * </ul>
 */
public final class ClusterWriter implements KeyWriter {
  private static final int REDIRECT_ROUNDS = 10;
  // Keyless commands every master must apply.
  private static final java.util.Set<String> BROADCAST =
      java.util.Set.of("FLUSHALL", "FLUSHDB", "FUNCTION", "SCRIPT");

  private final WriteListener listener;
  private final Supplier<ClusterSlots> slotsReader;
  private final BiFunction<redis.clients.jedis.HostAndPort, WriteListener, PipelinedWriter>
      writerFor;
  private final Sleeper sleeper;
  private final CommandOrder order;
  private final CommandKeys commandKeys;
  // Keys, commands and transactions the cluster redirected, to be sent again in order; those
  // answered with ASK that one command writes are wrapped in Asked.
  private final List<Object> redirected = new ArrayList<>();
  // Writers to nodes that import a slot, by address: a new master may own no slot yet.
  private final java.util.Map<String, PipelinedWriter> importers = new java.util.HashMap<>();
  // The source transaction being collected (from its MULTI), or null.
  private List<CommandEvent> transaction;
  private ClusterSlots slots;
  private List<PipelinedWriter> writers = new ArrayList<>();

  /**
   * @param slotsReader reads the current slot map (CLUSTER SLOTS)
   * @param writerFor opens a pipelined writer to one master, reporting to the given listener
   */
  public ClusterWriter(
      WriteListener listener,
      Supplier<ClusterSlots> slotsReader,
      BiFunction<redis.clients.jedis.HostAndPort, WriteListener, PipelinedWriter> writerFor,
      Sleeper sleeper) {
    this(listener, slotsReader, writerFor, sleeper, CommandKeys.NONE);
  }

  /**
   * A writer that also applies live commands.
   *
   * @param commandKeys where the keys of each live command are
   */
  public ClusterWriter(
      WriteListener listener,
      Supplier<ClusterSlots> slotsReader,
      BiFunction<redis.clients.jedis.HostAndPort, WriteListener, PipelinedWriter> writerFor,
      Sleeper sleeper,
      CommandKeys commandKeys) {
    this.order = new CommandOrder(listener);
    this.commandKeys = commandKeys;
    this.listener = order;
    this.slotsReader = slotsReader;
    this.writerFor = writerFor;
    this.sleeper = sleeper;
    open(slotsReader.get());
  }

  private void open(ClusterSlots map) {
    writers.forEach(PipelinedWriter::close);
    importers.values().forEach(PipelinedWriter::close);
    importers.clear();
    slots = map;
    Redirects redirects = new Redirects();
    List<PipelinedWriter> opened = new ArrayList<>();
    for (redis.clients.jedis.HostAndPort master : map.masters()) {
      opened.add(writerFor.apply(master, redirects));
    }
    writers = opened;
  }

  @Override
  public void write(KeyEvent event) throws WriteException, InterruptedException {
    if (event.db() != 0) {
      listener.failed(
          event,
          "a Redis Cluster has db 0 only; this key is in db "
              + event.db()
              + " (fold dbs with --db-map "
              + event.db()
              + "=0)");
      return;
    }
    int owner = slots.owner(ClusterSlots.slot(event.key()));
    if (owner < 0) {
      redirected.add(event);
      return;
    }
    writers.get(owner).write(event);
  }

  @Override
  public void writeCommand(CommandEvent command) throws WriteException, InterruptedException {
    String name = command.name();
    if (transaction != null) {
      transaction.add(command);
      if (name.equals("EXEC") || name.equals("DISCARD")) {
        List<CommandEvent> block = transaction;
        transaction = null;
        writeTransaction(block);
      }
      return;
    }
    if (name.equals("MULTI")) {
      transaction = new ArrayList<>(List.of(command));
      return;
    }
    route(command);
  }

  /** Sends one command (not MULTI/EXEC) where it belongs, or books why it cannot be applied. */
  private void route(CommandEvent command) throws WriteException, InterruptedException {
    String name = command.name();
    if (command.db() != 0) {
      order.refuse(
          command,
          "a Redis Cluster has db 0 only; this command is in db "
              + command.db()
              + " (fold dbs with --db-map "
              + command.db()
              + "=0)");
      return;
    }
    List<byte[]> keys = commandKeys.keys(command.argv());
    if (keys.isEmpty()) {
      if (BROADCAST.contains(name)) {
        // Each master's writer keeps its order, so every master applies it between the same
        // commands as the source did.
        order.expect(command, writers.size());
        for (PipelinedWriter w : writers) {
          w.writeCommand(command);
        }
      } else if (name.equals("SWAPDB") || name.equals("SELECT")) {
        order.refuse(command, name + " has no meaning in a Redis Cluster (db 0 only)");
      } else {
        order.expect(command, 1);
        writers.get(0).writeCommand(command);
      }
      return;
    }
    int slot = sameSlot(keys);
    if (slot < 0) {
      List<CommandEvent> parts = split(command);
      if (parts == null) {
        order.refuse(
            command,
            "its keys are in different hash slots, which a Redis Cluster cannot take in one"
                + " command (CROSSSLOT)");
        return;
      }
      order.expect(command, parts.size());
      for (CommandEvent part : parts) {
        sendTo(ClusterSlots.slot(commandKeys.keys(part.argv()).get(0)), part, command);
      }
      return;
    }
    order.expect(command, 1);
    sendTo(slot, command, command);
  }

  /**
   * A source transaction: atomic on its master when all its keys share one slot; otherwise each
   * command on its own master, in order (the cluster cannot run it atomically).
   */
  private void writeTransaction(List<CommandEvent> block)
      throws WriteException, InterruptedException {
    CommandEvent exec = block.get(block.size() - 1);
    List<byte[]> keys = new ArrayList<>();
    boolean keyless = false;
    boolean otherDb = false;
    for (CommandEvent c : block.subList(1, block.size() - 1)) {
      List<byte[]> k = commandKeys.keys(c.argv());
      keyless |= k.isEmpty();
      otherDb |= c.db() != 0;
      keys.addAll(k);
    }
    int slot = keys.isEmpty() ? -1 : sameSlot(keys);
    if (slot >= 0 && !keyless && !otherDb && !exec.name().equals("DISCARD")) {
      for (CommandEvent c : block) {
        order.expect(c, 1);
      }
      sendTransaction(new TxBlock(block, slot));
      return;
    }
    order.expect(block.get(0), 0);
    if (!exec.name().equals("DISCARD")) {
      for (CommandEvent c : block.subList(1, block.size() - 1)) {
        route(c);
      }
    }
    order.expect(exec, 0);
  }

  /**
   * A source transaction within one slot, sent whole to its master. Its commands are booked from
   * the EXEC reply: QUEUED says nothing yet. If the cluster redirected any of them (the slot is
   * moving), the master aborts the transaction and the whole block is sent again once the slot map
   * is read anew.
   */
  private static final class TxBlock {
    final List<CommandEvent> block;
    final int slot;
    boolean redirected;
    // The node named by the ASK replies to its commands, when no other redirect came for it.
    String askNode;
    boolean otherRedirect;
    String failure;

    TxBlock(List<CommandEvent> block, int slot) {
      this.block = block;
      this.slot = slot;
    }

    CommandEvent exec() {
      return block.get(block.size() - 1);
    }
  }

  // Each command of a transaction in flight, to its block.
  private final java.util.Map<CommandEvent, TxBlock> txOf = new java.util.IdentityHashMap<>();

  private void sendTransaction(TxBlock tx) throws WriteException, InterruptedException {
    int owner = slots.owner(tx.slot);
    if (owner < 0) {
      redirected.add(tx);
      return;
    }
    track(tx);
    for (CommandEvent c : tx.block) {
      writers.get(owner).writeCommand(c);
    }
  }

  private void track(TxBlock tx) {
    tx.redirected = false;
    tx.askNode = null;
    tx.otherRedirect = false;
    tx.failure = null;
    for (CommandEvent c : tx.block) {
      txOf.put(c, tx);
    }
  }

  /** The EXEC reply of a transaction came: books every command of it. */
  private void finishTransaction(TxBlock tx, String execFailure) {
    tx.block.forEach(txOf::remove);
    if (execFailure != null && tx.redirected) {
      redirected.add(tx.otherRedirect || tx.askNode == null ? tx : new Asked(tx, tx.askNode));
      return;
    }
    // EXECABORT: nothing of it applied. Another error inside EXEC: the others did apply.
    boolean aborted = execFailure != null && execFailure.startsWith("EXECABORT");
    for (CommandEvent c : tx.block) {
      String why = c == tx.exec() ? execFailure : aborted ? execFailure : tx.failure;
      if (why == null) {
        order.commandApplied(c);
      } else {
        order.commandFailed(c, why);
      }
    }
  }

  private void sendTo(int slot, CommandEvent part, CommandEvent whole)
      throws WriteException, InterruptedException {
    int owner = slots.owner(slot);
    if (owner < 0) {
      redirected.add(new Part(part, whole));
      return;
    }
    PipelinedWriter w = writers.get(owner);
    parts.put(part, whole);
    w.writeCommand(part);
  }

  /** One command of a split (or the command itself), and the source command it stands for. */
  private record Part(CommandEvent part, CommandEvent whole) {}

  // A split command's parts, answered in the name of the whole.
  private final java.util.Map<CommandEvent, CommandEvent> parts = new java.util.IdentityHashMap<>();

  private CommandEvent whole(CommandEvent part) {
    CommandEvent w = parts.remove(part);
    return w == null ? part : w;
  }

  /** The common slot of {@code keys}, or -1 when they are in several. */
  private static int sameSlot(List<byte[]> keys) {
    int slot = ClusterSlots.slot(keys.get(0));
    for (byte[] k : keys) {
      if (ClusterSlots.slot(k) != slot) {
        return -1;
      }
    }
    return slot;
  }

  /** DEL, UNLINK and MSET as one command per key; null for commands that cannot be split. */
  private static List<CommandEvent> split(CommandEvent c) {
    byte[][] argv = c.argv();
    int step;
    switch (c.name()) {
      case "DEL", "UNLINK" -> step = 1;
      case "MSET" -> step = 2;
      default -> {
        return null;
      }
    }
    List<CommandEvent> out = new ArrayList<>();
    for (int i = 1; i + step - 1 < argv.length; i += step) {
      byte[][] one = new byte[1 + step][];
      one[0] = argv[0];
      System.arraycopy(argv, i, one, 1, step);
      out.add(new CommandEvent(c.db(), one, c.replId(), c.offset(), c.sourceDb()));
    }
    return out;
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    flushAll();
    for (int round = 1; !redirected.isEmpty(); round++) {
      List<Object> again = new ArrayList<>(redirected);
      redirected.clear();
      if (round <= REDIRECT_ROUNDS && again.stream().allMatch(o -> o instanceof Asked)) {
        // ASK: the slot is being moved and the key is not at its owner any more (or not yet
        // anywhere); the importing node takes each one right away when ASKING comes first. Only
        // when everything waiting is of this kind: nothing may overtake what was redirected
        // before it.
        for (Object o : again) {
          sendAsking((Asked) o);
        }
        flushAll();
        continue;
      }
      again.replaceAll(o -> o instanceof Asked a ? a.item() : o);
      if (round > REDIRECT_ROUNDS) {
        String why = "the cluster kept redirecting it (slot moving or cluster down)";
        for (Object o : again) {
          if (o instanceof KeyEvent e) {
            listener.failed(e, why);
          } else if (o instanceof Part p) {
            order.commandFailed(p.whole(), why);
          } else if (o instanceof TxBlock tx) {
            tx.block.forEach(c -> order.commandFailed(c, why));
          }
        }
        return;
      }
      sleeper.sleep(Math.min(200L * round, 2_000));
      open(slotsReader.get());
      for (Object o : again) {
        if (o instanceof KeyEvent e) {
          write(e);
        } else if (o instanceof Part p) {
          sendTo(ClusterSlots.slot(commandKeys.keys(p.part().argv()).get(0)), p.part(), p.whole());
        } else if (o instanceof TxBlock tx) {
          sendTransaction(tx);
        }
      }
      flushAll();
    }
  }

  private void flushAll() throws WriteException, InterruptedException {
    for (PipelinedWriter w : writers) {
      w.flush();
    }
    for (PipelinedWriter w : importers.values()) {
      w.flush();
    }
  }

  /** The writer to the node at {@code address} ({@code host:port}), opened on first use. */
  private PipelinedWriter importer(String address) {
    PipelinedWriter w = importers.get(address);
    if (w == null) {
      w = writerFor.apply(redis.clients.jedis.HostAndPort.from(address), new Redirects());
      importers.put(address, w);
    }
    return w;
  }

  /**
   * A key, a command of one key, or a transaction in one slot, that the cluster answered with ASK,
   * and the node to ask.
   */
  private record Asked(Object item, String node) {}

  private void sendAsking(Asked a) throws WriteException, InterruptedException {
    PipelinedWriter w = importer(a.node());
    if (a.item() instanceof KeyEvent event) {
      if (!w.writeAsking(event)) {
        redirected.add(event);
      }
    } else if (a.item() instanceof TxBlock tx) {
      // ASKING holds for a whole MULTI ... EXEC block.
      track(tx);
      w.writeCommandsAsking(tx.block);
    } else {
      Part p = (Part) a.item();
      parts.put(p.part(), p.whole());
      w.writeCommandsAsking(List.of(p.part()));
    }
  }

  /** The node of an {@code ASK <slot> <host>:<port>} reply, or null for any other reply. */
  private static String askedNode(String reason) {
    String[] ask = reason.split(" ");
    return ask.length == 3 && ask[0].equals("ASK") && ask[2].lastIndexOf(':') > 0 ? ask[2] : null;
  }

  @Override
  public void restoreFunctions(List<byte[]> libraries, FunctionListener functions)
      throws WriteException {
    // Every master needs the libraries; the first one's outcome is what the report counts.
    for (int i = 0; i < writers.size(); i++) {
      writers.get(i).restoreFunctions(libraries, i == 0 ? functions : new FailuresOnly(functions));
    }
  }

  @Override
  public void close() {
    writers.forEach(PipelinedWriter::close);
    importers.values().forEach(PipelinedWriter::close);
  }

  /** Passes outcomes on, but keeps keys the cluster redirected for another round. */
  private final class Redirects extends ForwardingListener {
    Redirects() {
      super(listener);
    }

    @Override
    public void failed(KeyEvent event, String reason) {
      String node = askedNode(reason);
      if (node != null && writers.get(0).writesInOneCommand(event)) {
        redirected.add(new Asked(event, node));
      } else if (redirect(reason)) {
        redirected.add(event);
      } else {
        listener.failed(event, reason);
      }
    }

    @Override
    public void commandApplied(CommandEvent command) {
      TxBlock tx = txOf.get(command);
      if (tx != null) {
        if (command == tx.exec()) {
          finishTransaction(tx, null);
        }
        return;
      }
      order.commandApplied(whole(command));
    }

    @Override
    public void commandFailed(CommandEvent command, String reason) {
      TxBlock tx = txOf.get(command);
      if (tx != null) {
        if (command == tx.exec()) {
          // A redirect may also come at EXEC, for the block as a whole (ASK, or TRYAGAIN for
          // keys of a slot being moved that are not all in one place yet).
          if (redirect(reason)) {
            noteRedirect(tx, reason);
          }
          finishTransaction(tx, reason);
        } else if (redirect(reason)) {
          noteRedirect(tx, reason);
        } else if (tx.failure == null) {
          tx.failure = reason;
        }
        return;
      }
      int keys = redirect(reason) ? commandKeys.keys(command.argv()).size() : 0;
      String node = askedNode(reason);
      if (node != null && keys == 1) {
        // To the importing node with ASKING, answered then in the name of the whole. (With
        // several keys, the importing node may refuse it until they all have moved.)
        redirected.add(new Asked(new Part(command, whole(command)), node));
      } else if (keys > 0) {
        // Sent again after the slot map is read anew; answered then in the name of the whole.
        redirected.add(new Part(command, whole(command)));
      } else {
        order.commandFailed(whole(command), reason);
      }
    }

    private static void noteRedirect(TxBlock tx, String reason) {
      tx.redirected = true;
      String node = askedNode(reason);
      if (node == null || (tx.askNode != null && !tx.askNode.equals(node))) {
        tx.otherRedirect = true;
      } else {
        tx.askNode = node;
      }
    }

    private static boolean redirect(String reason) {
      return reason.startsWith("MOVED")
          || reason.startsWith("ASK")
          || reason.startsWith("TRYAGAIN")
          || reason.startsWith("CLUSTERDOWN");
    }
  }

  /** Outcomes of the masters after the first: only failures add to the report. */
  private static final class FailuresOnly implements FunctionListener {
    private final FunctionListener report;

    FailuresOnly(FunctionListener report) {
      this.report = report;
    }

    @Override
    public void restored(int index) {
      // counted once, for the first master
    }

    @Override
    public void existed(int index, String reply) {
      // counted once, for the first master
    }

    @Override
    public void failed(int index, String reason) {
      report.failed(index, reason);
    }
  }
}
