package io.github.rediskeysmigrator.redis;

import io.github.rediskeysmigrator.core.CommandEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * Which master of a Redis Cluster owns each of the 16,384 hash slots, from {@code CLUSTER SLOTS},
 * and the slot of a key (CRC16 of the key, or of its {@code {hash tag}}).
 */
public final class ClusterSlots {
  /** Slots in a Redis Cluster. */
  public static final int SLOTS = 16_384;

  private final List<HostAndPort> masters;
  private final int[] owner;

  private ClusterSlots(List<HostAndPort> masters, int[] owner) {
    this.masters = List.copyOf(masters);
    this.owner = owner;
  }

  /** Whether the server behind {@code conn} runs in cluster mode (INFO cluster). */
  public static boolean isCluster(Connection conn) {
    conn.sendCommand(Protocol.Command.INFO, "cluster");
    return conn.getBulkReply().contains("cluster_enabled:1");
  }

  /** Reads the slot map from any node. */
  public static ClusterSlots query(Connection conn) {
    conn.sendCommand(Protocol.Command.CLUSTER, "SLOTS");
    List<Object> ranges = conn.getObjectMultiBulkReply();
    Map<String, Integer> index = new LinkedHashMap<>();
    List<HostAndPort> masters = new ArrayList<>();
    int[] owner = new int[SLOTS];
    java.util.Arrays.fill(owner, -1);
    for (Object r : ranges) {
      List<?> range = (List<?>) r;
      int start = ((Long) range.get(0)).intValue();
      int end = ((Long) range.get(1)).intValue();
      List<?> master = (List<?>) range.get(2);
      String host = new String((byte[]) master.get(0), StandardCharsets.UTF_8);
      int port = ((Long) master.get(1)).intValue();
      String id = host + ":" + port;
      Integer i = index.get(id);
      if (i == null) {
        i = masters.size();
        index.put(id, i);
        masters.add(new HostAndPort(host, port));
      }
      for (int s = start; s <= end; s++) {
        owner[s] = i;
      }
    }
    return new ClusterSlots(masters, owner);
  }

  /** The lowest slot the master at {@code address} ({@code host:port}) owns, or -1 for none. */
  public int firstSlotOf(String address) {
    for (int s = 0; s < SLOTS; s++) {
      int o = owner[s];
      if (o >= 0 && (masters.get(o).getHost() + ":" + masters.get(o).getPort()).equals(address)) {
        return s;
      }
    }
    return -1;
  }

  /** The masters, in the order {@link #owner} refers to them. */
  public List<HostAndPort> masters() {
    return masters;
  }

  /**
   * The masters ordered by the lowest hash slot each owns: the same order from any node, whatever
   * order its CLUSTER SLOTS reply has (older servers group it by node).
   */
  public List<HostAndPort> mastersBySlot() {
    List<HostAndPort> out = new ArrayList<>();
    boolean[] seen = new boolean[masters.size()];
    for (int o : owner) {
      if (o >= 0 && !seen[o]) {
        seen[o] = true;
        out.add(masters.get(o));
      }
    }
    return out;
  }

  /** Index in {@link #masters} of the master owning {@code slot}, or -1 when none does. */
  public int owner(int slot) {
    return owner[slot];
  }

  /** Whether every slot has a master. */
  public boolean complete() {
    for (int o : owner) {
      if (o < 0) {
        return false;
      }
    }
    return true;
  }

  /** The hash slot of {@code key}, with Redis's hash-tag rule. */
  public static int slot(byte[] key) {
    int start = -1;
    for (int i = 0; i < key.length; i++) {
      if (key[i] == '{') {
        start = i;
        break;
      }
    }
    if (start >= 0) {
      for (int j = start + 1; j < key.length; j++) {
        if (key[j] == '}') {
          if (j > start + 1) {
            return crc16(key, start + 1, j) & (SLOTS - 1);
          }
          break;
        }
      }
    }
    return crc16(key, 0, key.length) & (SLOTS - 1);
  }

  /** CRC16-CCITT (XMODEM), as Redis Cluster uses it. */
  /** The common slot of {@code keys}, or -1 when they are in several. */
  public static int sameSlot(List<byte[]> keys) {
    int slot = slot(keys.get(0));
    for (byte[] k : keys) {
      if (slot(k) != slot) {
        return -1;
      }
    }
    return slot;
  }

  /**
   * DEL, UNLINK and MSET as one command per key, so each goes to its own slot; null for commands
   * that cannot be split.
   */
  public static List<CommandEvent> splitPerKey(CommandEvent c) {
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
      out.add(
          new CommandEvent(c.db(), one, c.replId(), c.offset(), c.sourceDb(), c.completedByNext()));
    }
    return out;
  }

  static int crc16(byte[] b, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (b[i] & 0xff) << 8;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }
}
