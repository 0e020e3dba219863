package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.Sleeper;
import io.github.rediskeysmigrator.core.WriteListener;
import io.github.rediskeysmigrator.redis.ClusterSlots;
import io.github.rediskeysmigrator.redis.Reconnector;
import io.github.rediskeysmigrator.redis.ServerInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;

/**
 * An in-memory stand-in for a destination, for millisecond tests of OUR engine (how the writers
 * batch, book, select, retry and follow redirects), not of Redis: it answers, in RESP over a Jedis
 * {@link Connection}, only the few commands our writers send (RESTORE, SELECT, PING, ASKING, SET,
 * GET, DUMP, DEL, CLUSTER SLOTS), with the replies and error codes Redis documents for them, and
 * lets a test script the faults a writer must survive (an error reply, a dropped connection, a slot
 * that moved). What a real server does with our commands stays proved by the ITs against real
 * servers (WritersIT, ClusterIT, NetworkFaultsIT, ...).
 */
public final class InMemoryRedis {
  /** Decides an error reply for a command before it runs; null lets it run. */
  @FunctionalInterface
  public interface Fault {
    String errorFor(List<byte[]> argv);
  }

  private final String address;
  private final Cluster cluster;
  private final Map<Integer, Map<String, byte[]>> dbs = new HashMap<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<String> commands = new ArrayList<>();
  private final List<Integer> roundTrips = new ArrayList<>();
  private int dropAfter = -1;
  private final java.util.ArrayDeque<Integer> laterDrops = new java.util.ArrayDeque<>();

  /** A standalone server. */
  public InMemoryRedis() {
    this("127.0.0.1:6379", null);
  }

  private InMemoryRedis(String address, Cluster cluster) {
    this.address = address;
    this.cluster = cluster;
  }

  /** A new client connection; nothing is sent until the writer sends. */
  public Connection connect() {
    return new Connection(() -> new FakeSocket());
  }

  /** A Redis 7.2 (RDB 11), what the fast tests take the destination for. */
  public static final ServerInfo REDIS_7 = new ServerInfo("redis", "7.2.4", 11);

  /**
   * A pipelined writer over a new connection to this server (a Redis 7.2), paced by nothing, with
   * the wall clock at 1,000,000 ms; {@code again} reconnects, or null.
   */
  public PipelinedWriter writer(
      PipelinedWriter.Settings settings,
      WriteListener listener,
      Sleeper sleeper,
      Reconnector again) {
    return new PipelinedWriter(
        connect(),
        REDIS_7,
        settings,
        listener,
        new Throttle(0, System::nanoTime, sleeper),
        sleeper,
        () -> 1_000_000L,
        again);
  }

  /** Adds a fault rule, consulted before every command in the order added. */
  public InMemoryRedis fault(Fault fault) {
    faults.add(fault);
    return this;
  }

  /**
   * The connection in use breaks once {@code n} more commands have run: the last of them is applied
   * but its reply is lost, the commands after it are lost, and the client reads the replies before
   * it, then EOF. A new connection works again; {@code then} arms further drops, each counted from
   * the one before.
   */
  public InMemoryRedis dropAfter(int n, int... then) {
    dropAfter = commands.size() + n;
    for (int t : then) {
      laterDrops.add(t);
    }
    return this;
  }

  /** The value stored under {@code key} in {@code db} (a RESTORE payload, a SET value), or null. */
  public byte[] get(int db, String key) {
    return dbs.getOrDefault(db, Map.of()).get(key);
  }

  /** Stores {@code value} under {@code key} in {@code db}, as if it were there before the run. */
  public InMemoryRedis put(int db, String key, byte[] value) {
    dbs.computeIfAbsent(db, d -> new LinkedHashMap<>()).put(key, value);
    return this;
  }

  /** How many keys {@code db} holds. */
  public int size(int db) {
    return dbs.getOrDefault(db, Map.of()).size();
  }

  /** Every command run, as its upper-case name and first argument (e.g. {@code "RESTORE k1"}). */
  public List<String> commands() {
    return commands;
  }

  /** How many commands each round trip carried, in order (what one flush of the client sent). */
  public List<Integer> roundTrips() {
    return roundTrips;
  }

  /** The DUMP payload of a string {@code value}, RDB version 9 (this stand-in checks no CRC). */
  public static byte[] dumpOf(String value) {
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[1 + 1 + v.length + 2 + 8];
    p[1] = (byte) v.length;
    System.arraycopy(v, 0, p, 2, v.length);
    p[2 + v.length] = 9;
    return p;
  }

  /** A fault that answers {@code error} to RESTORE of {@code key}, every time. */
  public static Fault restoreOf(String key, String error) {
    return argv -> name(argv).equals("RESTORE") && text(argv.get(1)).equals(key) ? error : null;
  }

  private static String name(List<byte[]> argv) {
    return text(argv.get(0)).toUpperCase(Locale.ROOT);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** The client side of one connection: runs each complete command as it is flushed. */
  private final class Session {
    int db;
    boolean asking;
    boolean broken;
    final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    byte[] replies = new byte[256];
    int replyEnd;
    int replyPos;

    void flush() throws IOException {
      if (broken && pending.size() > 0) {
        throw new IOException("Broken pipe (in-memory connection dropped)");
      }
      byte[] in = pending.toByteArray();
      int pos = 0;
      int ran = 0;
      while (true) {
        Parsed p = parse(in, pos);
        if (p == null) {
          break;
        }
        pos = p.end;
        int replied = replyEnd;
        run(p.argv);
        ran++;
        if (dropAfter >= 0 && commands.size() >= dropAfter) {
          // This connection breaks: the last reply and every command after it are lost. A new
          // connection works again.
          dropAfter = laterDrops.isEmpty() ? -1 : commands.size() + laterDrops.poll();
          broken = true;
          replyEnd = replied;
          pos = in.length;
          break;
        }
      }
      pending.reset();
      pending.write(in, pos, in.length - pos);
      if (ran > 0) {
        roundTrips.add(ran);
      }
    }

    void run(List<byte[]> argv) {
      String name = name(argv);
      commands.add(name + (argv.size() > 1 ? " " + text(argv.get(1)) : ""));
      for (Fault f : faults) {
        String error = f.errorFor(argv);
        if (error != null) {
          error(error);
          return;
        }
      }
      boolean asked = asking;
      asking = false;
      if (cluster != null && argv.size() > 1 && keyed(name)) {
        String redirect = cluster.redirect(InMemoryRedis.this, argv.get(1), asked);
        if (redirect != null) {
          error(redirect);
          return;
        }
      }
      if (argv.size() < arity(name)) {
        error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command");
        return;
      }
      Map<String, byte[]> data = dbs.computeIfAbsent(db, d -> new LinkedHashMap<>());
      switch (name) {
        case "PING" -> simple("PONG");
        case "ASKING" -> {
          asking = true;
          simple("OK");
        }
        case "SELECT" -> {
          db = Integer.parseInt(text(argv.get(1)));
          simple("OK");
        }
        case "RESTORE" -> {
          String key = text(argv.get(1));
          boolean replace =
              argv.stream().skip(4).anyMatch(a -> text(a).equalsIgnoreCase("REPLACE"));
          if (data.containsKey(key) && !replace) {
            error("BUSYKEY Target key name already exists.");
          } else {
            data.put(key, argv.get(3));
            simple("OK");
          }
        }
        case "SET" -> {
          data.put(text(argv.get(1)), argv.get(2));
          simple("OK");
        }
        case "GET", "DUMP" -> bulk(data.get(text(argv.get(1))));
        case "DEL" -> {
          long n = 0;
          for (byte[] k : argv.subList(1, argv.size())) {
            n += data.remove(text(k)) == null ? 0 : 1;
          }
          integer(n);
        }
        case "CLUSTER" -> cluster.slots(this);
        default -> error("ERR unknown command '" + name + "', with args beginning with: ");
      }
    }

    /** The fewest arguments (with the name) the command takes. */
    private int arity(String name) {
      return switch (name) {
        case "RESTORE" -> 4;
        case "SET" -> 3;
        case "SELECT", "GET", "DUMP", "DEL", "CLUSTER" -> 2;
        default -> 1;
      };
    }

    private boolean keyed(String name) {
      return name.equals("RESTORE")
          || name.equals("SET")
          || name.equals("GET")
          || name.equals("DUMP")
          || name.equals("DEL");
    }

    void simple(String s) {
      write("+" + s + "\r\n");
    }

    void error(String s) {
      write("-" + s + "\r\n");
    }

    void integer(long n) {
      write(":" + n + "\r\n");
    }

    void bulk(byte[] b) {
      if (b == null) {
        write("$-1\r\n");
        return;
      }
      write("$" + b.length + "\r\n");
      append(b);
      write("\r\n");
    }

    void write(String s) {
      append(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void append(byte[] b) {
      if (replyEnd + b.length > replies.length) {
        replies =
            java.util.Arrays.copyOf(replies, Math.max(replies.length * 2, replyEnd + b.length));
      }
      System.arraycopy(b, 0, replies, replyEnd, b.length);
      replyEnd += b.length;
    }

    /** Up to {@code len} reply bytes into {@code b}; -1 at the end (nothing more will come). */
    int read(byte[] b, int off, int len) {
      if (replyPos >= replyEnd) {
        return len == 0 ? 0 : -1;
      }
      int n = Math.min(len, replyEnd - replyPos);
      System.arraycopy(replies, replyPos, b, off, n);
      replyPos += n;
      return n;
    }
  }

  private record Parsed(List<byte[]> argv, int end) {}

  /** One command in RESP (an array of bulk strings) from {@code pos}, or null if incomplete. */
  private static Parsed parse(byte[] in, int pos) {
    int[] at = {pos};
    Long n = number(in, at, '*');
    if (n == null) {
      return null;
    }
    List<byte[]> argv = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Long len = number(in, at, '$');
      if (len == null || at[0] + len + 2 > in.length) {
        return null;
      }
      argv.add(java.util.Arrays.copyOfRange(in, at[0], at[0] + len.intValue()));
      at[0] += len.intValue() + 2;
    }
    return new Parsed(argv, at[0]);
  }

  private static Long number(byte[] in, int[] at, char type) {
    if (at[0] >= in.length) {
      return null;
    }
    if (in[at[0]] != type) {
      throw new IllegalStateException("not RESP: " + (char) in[at[0]]);
    }
    int i = at[0] + 1;
    while (i + 1 < in.length && !(in[i] == '\r' && in[i + 1] == '\n')) {
      i++;
    }
    if (i + 1 >= in.length) {
      return null;
    }
    long v = Long.parseLong(new String(in, at[0] + 1, i - at[0] - 1, StandardCharsets.US_ASCII));
    at[0] = i + 2;
    return v;
  }

  /** A socket whose far end is this server, in memory. */
  private final class FakeSocket extends Socket {
    private final Session session = new Session();
    private boolean closed;

    @Override
    public OutputStream getOutputStream() {
      return new OutputStream() {
        @Override
        public void write(int b) {
          session.pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          session.pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          session.flush();
        }
      };
    }

    @Override
    public InputStream getInputStream() {
      return new InputStream() {
        @Override
        public int read() {
          byte[] one = new byte[1];
          return session.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return session.read(b, off, len);
        }
      };
    }

    @Override
    public boolean isConnected() {
      return !closed;
    }

    @Override
    public boolean isBound() {
      return !closed;
    }

    @Override
    public boolean isClosed() {
      return closed;
    }

    @Override
    public boolean isInputShutdown() {
      return closed;
    }

    @Override
    public boolean isOutputShutdown() {
      return closed;
    }

    @Override
    public synchronized void close() {
      closed = true;
    }

    @Override
    public int getSoTimeout() {
      return 0;
    }

    @Override
    public void setSoTimeout(int timeout) {}
  }

  /**
   * Nodes of an in-memory Redis Cluster sharing one slot map, which a test changes to move slots: a
   * keyed command on a node that does not own its key's slot is answered with MOVED, or with ASK
   * while the slot is migrating and the key is not at its owner any more; the importing node takes
   * it after ASKING.
   */
  public static final class Cluster {
    private final Map<String, InMemoryRedis> nodes = new LinkedHashMap<>();
    private final String[] owner = new String[ClusterSlots.SLOTS];
    private final Map<Integer, String> migratingTo = new HashMap<>();

    /** Nodes at {@code addresses} ({@code host:port}), the slots split evenly between them. */
    public Cluster(String... addresses) {
      for (String a : addresses) {
        nodes.put(a, new InMemoryRedis(a, this));
      }
      for (int s = 0; s < owner.length; s++) {
        owner[s] = addresses[s * addresses.length / owner.length];
      }
    }

    public InMemoryRedis node(String address) {
      return nodes.get(address);
    }

    /** The slot map as the nodes report it now (CLUSTER SLOTS). */
    public ClusterSlots slots() {
      try (Connection c = nodes.values().iterator().next().connect()) {
        return ClusterSlots.query(c);
      }
    }

    /** {@code slot} now belongs to {@code address}: the old owner answers MOVED. */
    public void move(int slot, String address) {
      owner[slot] = address;
      migratingTo.remove(slot);
    }

    /** {@code slot} is being moved to {@code address}: keys not at its owner are ASKed there. */
    public void migrate(int slot, String address) {
      migratingTo.put(slot, address);
    }

    /** The node that owns {@code slot}. */
    public String owner(int slot) {
      return owner[slot];
    }

    private String redirect(InMemoryRedis node, byte[] key, boolean asking) {
      int slot = ClusterSlots.slot(key);
      String target = migratingTo.get(slot);
      if (node.address.equals(owner[slot])) {
        boolean here = node.get(0, text(key)) != null;
        return target != null && !here ? "ASK " + slot + " " + target : null;
      }
      if (asking && node.address.equals(target)) {
        return null;
      }
      return "MOVED " + slot + " " + owner[slot];
    }

    private void slots(InMemoryRedis.Session s) {
      List<int[]> ranges = new ArrayList<>();
      List<String> who = new ArrayList<>();
      int start = 0;
      for (int i = 1; i <= owner.length; i++) {
        if (i == owner.length || !owner[i].equals(owner[start])) {
          ranges.add(new int[] {start, i - 1});
          who.add(owner[start]);
          start = i;
        }
      }
      s.write("*" + ranges.size() + "\r\n");
      for (int i = 0; i < ranges.size(); i++) {
        HostAndPort hp = HostAndPort.from(who.get(i));
        s.write("*3\r\n");
        s.integer(ranges.get(i)[0]);
        s.integer(ranges.get(i)[1]);
        s.write("*2\r\n");
        s.bulk(hp.getHost().getBytes(StandardCharsets.US_ASCII));
        s.integer(hp.getPort());
      }
    }
  }

  /** A fault that applies {@code error} to the commands {@code match} picks. */
  public static Fault when(Function<List<byte[]>, Boolean> match, String error) {
    return argv -> match.apply(argv) ? error : null;
  }
}
