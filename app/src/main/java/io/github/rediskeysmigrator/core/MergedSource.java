package io.github.rediskeysmigrator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Several sources read at once into one pipeline: the shard files of a backup, the masters of a
 * cluster. Up to {@code parallelism} children are read at a time, each on a thread of its own; each
 * child's events keep their order (they reach the sink in small runs, never interleaved inside a
 * run), while the children interleave freely. The first child that fails stops the others; {@link
 * #readInto} then throws its failure once every child has returned, so the events handed over
 * before it stay valid.
 */
public final class MergedSource implements KeySource {
  /** Events of one child that travel to the shared sink together. */
  private static final int RUN = 64;

  private final List<KeySource> children;
  private final int parallelism;
  private final String threadName;
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  /**
   * @param children the sources, started in this order
   * @param parallelism children read at the same time (at least 1)
   * @param threadName prefix of the reading threads' names
   */
  public MergedSource(List<? extends KeySource> children, int parallelism, String threadName) {
    if (children.isEmpty()) {
      throw new IllegalArgumentException("no source to read");
    }
    this.children = List.copyOf(children);
    this.parallelism = Math.max(1, Math.min(parallelism, children.size()));
    this.threadName = threadName;
  }

  /** The sources, in the order given. */
  public List<KeySource> children() {
    return children;
  }

  @Override
  public void readInto(KeySink sink) throws SourceException, InterruptedException {
    ConcurrentLinkedQueue<KeySource> todo = new ConcurrentLinkedQueue<>(children);
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Object lock = new Object();
    for (int i = 0; i < parallelism; i++) {
      Thread t =
          new Thread(
              () -> {
                KeySource next;
                while (!stopped && failures.isEmpty() && (next = todo.poll()) != null) {
                  Lane lane = new Lane(sink, lock);
                  try {
                    next.readInto(lane);
                    lane.flushRun();
                  } catch (InterruptedException e) {
                    return;
                  } catch (Throwable e) {
                    failures.add(e);
                    try {
                      // What this child read before it failed is valid: hand it over too.
                      lane.flushRun();
                    } catch (InterruptedException ie) {
                      return;
                    }
                    stopChildren();
                    return;
                  }
                }
              },
              threadName + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      stop();
      throw e;
    }
    if (!failures.isEmpty()) {
      Throwable first = failures.get(0);
      if (first instanceof SourceException se) {
        throw se;
      }
      if (first instanceof RuntimeException re) {
        throw re;
      }
      if (first instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(first);
    }
  }

  private void stopChildren() {
    for (KeySource c : children) {
      c.stop();
    }
  }

  @Override
  public void stop() {
    stopped = true;
    stopChildren();
    threads.forEach(Thread::interrupt);
  }

  @Override
  public long bytesRead() {
    return children.stream().mapToLong(KeySource::bytesRead).sum();
  }

  @Override
  public long bytesTotal() {
    return children.stream().mapToLong(KeySource::bytesTotal).sum();
  }

  @Override
  public long keysTotal() {
    return children.stream().mapToLong(KeySource::keysTotal).sum();
  }

  /** The sum of the children's stream offsets, or -1 when none streams. */
  @Override
  public long streamOffset() {
    long sum = -1;
    for (KeySource c : children) {
      long o = c.streamOffset();
      if (o >= 0) {
        sum = Math.max(sum, 0) + o;
      }
    }
    return sum;
  }

  /** The children's words, once with a count when they all say the same ("live x3"). */
  @Override
  public String progress() {
    List<String> words = new ArrayList<>();
    for (KeySource c : children) {
      String p = c.progress();
      if (!p.isEmpty()) {
        words.add(p);
      }
    }
    if (words.size() > 1 && words.stream().distinct().count() == 1) {
      return words.get(0) + " x" + words.size();
    }
    return String.join(", ", words);
  }

  @Override
  public java.util.Map<String, String> resumedFrom() {
    java.util.Map<String, String> all = new java.util.TreeMap<>();
    for (KeySource c : children) {
      all.putAll(c.resumedFrom());
    }
    return all;
  }

  @Override
  public List<byte[]> functionLibraries() {
    return functionLibraries(children);
  }

  /** The function libraries of {@code sources}, one source after the other. */
  public static List<byte[]> functionLibraries(List<? extends KeySource> sources) {
    List<byte[]> all = new ArrayList<>();
    for (KeySource s : sources) {
      all.addAll(s.functionLibraries());
    }
    return all;
  }

  /**
   * One child's events, handed to the shared sink in runs under a lock. Anything but a key (a live
   * command, a resume point) goes at once with the run before it: a stream may pause after it. A
   * source transaction (MULTI ... EXEC) goes as one run, so no other child's command lands in it.
   */
  private static final class Lane implements KeySink {
    private final KeySink sink;
    private final Object lock;
    private final List<SourceEvent> run = new ArrayList<>(RUN);
    private boolean inTransaction;

    Lane(KeySink sink, Object lock) {
      this.sink = sink;
      this.lock = lock;
    }

    @Override
    public void accept(SourceEvent event) throws InterruptedException {
      run.add(event);
      if (event instanceof CommandEvent c) {
        String name = c.name();
        inTransaction = name.equals("MULTI") || (inTransaction && !name.equals("EXEC"));
      }
      if (!inTransaction && (run.size() >= RUN || !(event instanceof KeyEvent))) {
        flushRun();
      }
    }

    /** Hands the run to the shared sink (at once, for events that must not wait). */
    void flushRun() throws InterruptedException {
      if (run.isEmpty()) {
        return;
      }
      synchronized (lock) {
        for (SourceEvent e : run) {
          sink.accept(e);
        }
      }
      run.clear();
    }

    @Override
    public void publish() throws InterruptedException {
      if (inTransaction) {
        return;
      }
      flushRun();
      synchronized (lock) {
        sink.publish();
      }
    }
  }
}
