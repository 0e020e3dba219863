package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
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
 * pipelined writer per master. A key answered with MOVED, ASK, TRYAGAIN or CLUSTERDOWN (a slot
 * being moved, a failover) is sent again once the slot map has been read anew, after a pause, up to
 * a bounded number of rounds.
 */
public final class ClusterWriter implements KeyWriter {
  private static final int REDIRECT_ROUNDS = 10;

  private final WriteListener listener;
  private final Supplier<ClusterSlots> slotsReader;
  private final BiFunction<redis.clients.jedis.HostAndPort, WriteListener, PipelinedWriter>
      writerFor;
  private final Sleeper sleeper;
  private final List<KeyEvent> redirected = new ArrayList<>();
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
    this.listener = listener;
    this.slotsReader = slotsReader;
    this.writerFor = writerFor;
    this.sleeper = sleeper;
    open(slotsReader.get());
  }

  private void open(ClusterSlots map) {
    writers.forEach(PipelinedWriter::close);
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
  public void writeCommand(CommandEvent command) {
    listener.commandFailed(command, "live commands into a Redis Cluster are not supported yet");
  }

  @Override
  public void flush() throws WriteException, InterruptedException {
    for (PipelinedWriter w : writers) {
      w.flush();
    }
    for (int round = 1; !redirected.isEmpty(); round++) {
      List<KeyEvent> again = new ArrayList<>(redirected);
      redirected.clear();
      if (round > REDIRECT_ROUNDS) {
        for (KeyEvent e : again) {
          listener.failed(e, "the cluster kept redirecting this key (slot moving or cluster down)");
        }
        return;
      }
      sleeper.sleep(Math.min(200L * round, 2_000));
      open(slotsReader.get());
      for (KeyEvent e : again) {
        write(e);
      }
      for (PipelinedWriter w : writers) {
        w.flush();
      }
    }
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
  }

  /** Passes outcomes on, but keeps keys the cluster redirected for another round. */
  private final class Redirects implements WriteListener {
    @Override
    public void written(KeyEvent event) {
      listener.written(event);
    }

    @Override
    public void rewritten(KeyEvent event) {
      listener.rewritten(event);
    }

    @Override
    public void expired(KeyEvent event) {
      listener.expired(event);
    }

    @Override
    public void existed(KeyEvent event) {
      listener.existed(event);
    }

    @Override
    public void failed(KeyEvent event, String reason) {
      if (reason.startsWith("MOVED")
          || reason.startsWith("ASK")
          || reason.startsWith("TRYAGAIN")
          || reason.startsWith("CLUSTERDOWN")) {
        redirected.add(event);
      } else {
        listener.failed(event, reason);
      }
    }

    @Override
    public void commandApplied(CommandEvent command) {
      listener.commandApplied(command);
    }

    @Override
    public void commandFailed(CommandEvent command, String reason) {
      listener.commandFailed(command, reason);
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
