package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.ForwardingListener;
import io.github.rediskeysmigrator.core.FunctionListener;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyWriter;
import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ClusterDatabases;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.sink.Redirected.Asked;
import io.github.rediskeysmigrator.sink.Redirected.Key;
import io.github.rediskeysmigrator.sink.Redirected.Part;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;

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
 *   <li>FLUSHALL, FLUSHDB, FUNCTION and SCRIPT go to every master; SWAPDB, and commands in a db the
 *       cluster does not have, fail; other keyless commands (PUBLISH) go to the first master;
 *   <li>a MULTI/EXEC block whose keys are all in one slot is sent as a transaction to its master;
 *       one that spans slots cannot be atomic in a cluster, so its commands are applied one by one
 *       on their masters (the end state is the same; a reader may see it half applied).
 * </ul>
 */
public final class ClusterWriter implements KeyWriter {
  private static final int REDIRECT_ROUNDS = 10;
  // Keyless commands every master must apply.
  private static final Set<String> BROADCAST = Set.of("FLUSHALL", "FLUSHDB", "FUNCTION", "SCRIPT");

  private final WriteListener listener;
  private final Supplier<ClusterSlots> slotsReader;
  private final Sleeper sleeper;
  private final CommandOrder order;
  private final CommandKeys commandKeys;
  // Keys, commands and transactions the cluster redirected, to be sent again in order; those
  // answered with ASK that one command writes are wrapped in Asked.
  private final List<Redirected> redirected = new ArrayList<>();
  // The source transaction being collected (from its MULTI), or null.
  private List<CommandEvent> transaction;
  // Each command of a transaction in flight, to its block.
  private final Map<CommandEvent, ClusterTransaction> txOf = new IdentityHashMap<>();
  // A split command's parts, answered in the name of the whole.
  private final Map<CommandEvent, CommandEvent> parts = new IdentityHashMap<>();
  private final ClusterNodes nodes;
  private final ClusterDatabases databases;

  /**
   * @param slotsReader reads the current slot map (CLUSTER SLOTS)
   * @param writerFor opens a pipelined writer to one master, reporting to the given listener
   * @param commandKeys where the keys of each live command are
   * @param databases the dbs the cluster has: db 0 only, or a Valkey 9 cluster's cluster-databases,
   *     which each master's writer selects as its keys need
   */
  public ClusterWriter(
      WriteListener listener,
      Supplier<ClusterSlots> slotsReader,
      BiFunction<HostAndPort, WriteListener, PipelinedWriter> writerFor,
      Sleeper sleeper,
      CommandKeys commandKeys,
      ClusterDatabases databases) {
    this.databases = databases;
    this.order = new CommandOrder(listener);
    this.commandKeys = commandKeys;
    this.listener = order;
    this.slotsReader = slotsReader;
    this.sleeper = sleeper;
    this.nodes = new ClusterNodes(writerFor, Redirects::new);
    nodes.open(slotsReader.get());
  }

  @Override
  public void write(KeyEvent event) throws WriteException, InterruptedException {
    if (!databases.serves(event.db())) {
      listener.failed(event, WriteFailure.of(notServed("key", event.db())));
      return;
    }
    PipelinedWriter owner = nodes.owner(ClusterSlots.slot(event.key()));
    if (owner == null) {
      redirected.add(new Key(event));
      return;
    }
    owner.write(event);
  }

  private String notServed(String what, int db) {
    return String.format(
        "the destination is %s; this %s is in db %d (%s dbs with --db-map %d=0)",
        databases.describe(), what, db, databases.count() == 1 ? "fold" : "map", db);
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
    if (!databases.serves(command.db())) {
      order.refuse(command, notServed("command", command.db()));
      return;
    }
    List<byte[]> keys = commandKeys.keys(command.argv());
    if (keys.isEmpty()) {
      if (BROADCAST.contains(name)) {
        // Each master's writer keeps its order, so every master applies it between the same
        // commands as the source did.
        order.expect(command, nodes.masters().size());
        for (PipelinedWriter w : nodes.masters()) {
          w.writeCommand(command);
        }
      } else if (name.equals("SWAPDB") || name.equals("SELECT")) {
        order.refuse(
            command,
            databases.count() == 1
                ? name + " has no meaning in a Redis Cluster (db 0 only)"
                : name + " is not applied to a cluster: each master would do it on its own");
      } else {
        order.expect(command, 1);
        nodes.masters().get(0).writeCommand(command);
      }
      return;
    }
    int slot = ClusterSlots.sameSlot(keys);
    if (slot < 0) {
      List<CommandEvent> parts = ClusterSlots.splitPerKey(command);
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
      otherDb |= !databases.serves(c.db());
      keys.addAll(k);
    }
    int slot = keys.isEmpty() ? -1 : ClusterSlots.sameSlot(keys);
    if (slot >= 0 && !keyless && !otherDb && !exec.name().equals("DISCARD")) {
      for (CommandEvent c : block) {
        order.expect(c, 1);
      }
      sendTransaction(new ClusterTransaction(block, slot));
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

  private void sendTransaction(ClusterTransaction tx) throws WriteException, InterruptedException {
    PipelinedWriter owner = nodes.owner(tx.slot);
    if (owner == null) {
      redirected.add(tx);
      return;
    }
    track(tx);
    for (CommandEvent c : tx.block) {
      owner.writeCommand(c);
    }
  }

  private void track(ClusterTransaction tx) {
    tx.reset();
    for (CommandEvent c : tx.block) {
      txOf.put(c, tx);
    }
  }

  /** The EXEC reply of a transaction came: books every command of it. */
  private void finishTransaction(ClusterTransaction tx, WriteFailure execFailure) {
    tx.block.forEach(txOf::remove);
    if (execFailure != null && tx.redirected()) {
      String node = tx.askNode();
      redirected.add(node == null ? tx : new Asked(tx, node));
      return;
    }
    tx.book(order, execFailure);
  }

  private void sendTo(int slot, CommandEvent part, CommandEvent whole)
      throws WriteException, InterruptedException {
    PipelinedWriter owner = nodes.owner(slot);
    if (owner == null) {
      redirected.add(new Part(part, whole));
      return;
    }
    parts.put(part, whole);
    owner.writeCommand(part);
  }

  private CommandEvent whole(CommandEvent part) {
    CommandEvent w = parts.remove(part);
    return w == null ? part : w;
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    nodes.flush();
    for (int round = 1; !redirected.isEmpty(); round++) {
      List<Redirected> again = new ArrayList<>(redirected);
      redirected.clear();
      if (round <= REDIRECT_ROUNDS && again.stream().allMatch(o -> o instanceof Asked)) {
        // ASK: the slot is being moved and the key is not at its owner any more (or not yet
        // anywhere); the importing node takes each one right away when ASKING comes first. Only
        // when everything waiting is of this kind: nothing may overtake what was redirected
        // before it.
        for (Redirected o : again) {
          sendAsking((Asked) o);
        }
        nodes.flush();
        continue;
      }
      again.replaceAll(o -> o instanceof Asked a ? a.item() : o);
      if (round > REDIRECT_ROUNDS) {
        WriteFailure why =
            WriteFailure.of("the cluster kept redirecting it (slot moving or cluster down)");
        for (Redirected o : again) {
          if (o instanceof Key k) {
            listener.failed(k.event(), why);
          } else if (o instanceof Part p) {
            order.commandFailed(p.whole(), why);
          } else if (o instanceof ClusterTransaction tx) {
            tx.block.forEach(c -> order.commandFailed(c, why));
          }
        }
        return;
      }
      sleeper.sleep(Math.min(200L * round, 2_000));
      nodes.open(slotsReader.get());
      for (Redirected o : again) {
        if (o instanceof Key k) {
          write(k.event());
        } else if (o instanceof Part p) {
          sendTo(ClusterSlots.slot(commandKeys.keys(p.part().argv()).get(0)), p.part(), p.whole());
        } else if (o instanceof ClusterTransaction tx) {
          sendTransaction(tx);
        }
      }
      nodes.flush();
    }
  }

  private void sendAsking(Asked a) throws WriteException, InterruptedException {
    PipelinedWriter w = nodes.importer(a.node());
    if (a.item() instanceof Key k) {
      if (!w.writeAsking(k.event())) {
        redirected.add(k);
      }
    } else if (a.item() instanceof ClusterTransaction tx) {
      // ASKING holds for a whole MULTI ... EXEC block.
      track(tx);
      w.writeCommandsAsking(tx.block);
    } else {
      Part p = (Part) a.item();
      parts.put(p.part(), p.whole());
      w.writeCommandsAsking(List.of(p.part()));
    }
  }

  @Override
  public void restoreFunctions(List<byte[]> libraries, FunctionListener functions)
      throws WriteException {
    // Every master needs the libraries; the first one's outcome is what the report counts.
    List<PipelinedWriter> masters = nodes.masters();
    for (int i = 0; i < masters.size(); i++) {
      masters.get(i).restoreFunctions(libraries, i == 0 ? functions : new FailuresOnly(functions));
    }
  }

  @Override
  public void close() {
    nodes.close();
  }

  /** Passes outcomes on, but keeps keys the cluster redirected for another round. */
  private final class Redirects extends ForwardingListener {
    Redirects() {
      super(listener);
    }

    @Override
    public void failed(KeyEvent event, WriteFailure reason) {
      String node = reason.askedNode();
      if (node != null && nodes.masters().get(0).writesInOneCommand(event)) {
        redirected.add(new Asked(new Key(event), node));
      } else if (reason.redirect()) {
        redirected.add(new Key(event));
      } else {
        listener.failed(event, reason);
      }
    }

    @Override
    public void commandApplied(CommandEvent command) {
      ClusterTransaction tx = txOf.get(command);
      if (tx != null) {
        if (command == tx.exec()) {
          finishTransaction(tx, null);
        }
        return;
      }
      order.commandApplied(whole(command));
    }

    @Override
    public void commandFailed(CommandEvent command, WriteFailure reason) {
      ClusterTransaction tx = txOf.get(command);
      if (tx != null) {
        if (command == tx.exec()) {
          tx.execFailed(reason);
          finishTransaction(tx, reason);
        } else {
          tx.failed(reason);
        }
        return;
      }
      int keys = reason.redirect() ? commandKeys.keys(command.argv()).size() : 0;
      String node = reason.askedNode();
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
  }
}
