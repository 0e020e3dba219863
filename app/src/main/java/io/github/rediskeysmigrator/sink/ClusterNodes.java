package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.WriteException;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;

/**
 * The pipelined writers of a cluster writer: one per master of the slot map last read, and one per
 * importing node an ASK reply named (a new master may own no slot yet), opened on first use.
 */
final class ClusterNodes {
  private final BiFunction<HostAndPort, WriteListener, PipelinedWriter> writerFor;
  private final Supplier<WriteListener> listeners;
  private final Map<String, PipelinedWriter> importers = new HashMap<>();
  private List<PipelinedWriter> masters = new ArrayList<>();
  private ClusterSlots slots;

  /**
   * @param writerFor opens a pipelined writer to one node, reporting to the given listener
   * @param listeners the listener each new writer reports to
   */
  ClusterNodes(
      BiFunction<HostAndPort, WriteListener, PipelinedWriter> writerFor,
      Supplier<WriteListener> listeners) {
    this.writerFor = writerFor;
    this.listeners = listeners;
  }

  /** Closes every writer and opens one per master of {@code map}. */
  void open(ClusterSlots map) {
    close();
    importers.clear();
    slots = map;
    WriteListener listener = listeners.get();
    List<PipelinedWriter> opened = new ArrayList<>();
    for (HostAndPort master : map.masters()) {
      opened.add(writerFor.apply(master, listener));
    }
    masters = opened;
  }

  /** The writer of the master that owns {@code slot}, or null when none does (yet). */
  PipelinedWriter owner(int slot) {
    int owner = slots.owner(slot);
    return owner < 0 ? null : masters.get(owner);
  }

  List<PipelinedWriter> masters() {
    return masters;
  }

  /** The writer to the node at {@code address} ({@code host:port}), opened on first use. */
  PipelinedWriter importer(String address) {
    PipelinedWriter w = importers.get(address);
    if (w == null) {
      w = writerFor.apply(HostAndPort.from(address), listeners.get());
      importers.put(address, w);
    }
    return w;
  }

  /** Every writer sends all it holds and reads every reply. */
  void flush() throws WriteException, InterruptedException {
    for (PipelinedWriter w : masters) {
      w.flush();
    }
    for (PipelinedWriter w : importers.values()) {
      w.flush();
    }
  }

  void close() {
    masters.forEach(PipelinedWriter::close);
    importers.values().forEach(PipelinedWriter::close);
  }
}
