package io.github.rediskeysmigrator.cli;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Lets a plain {@code java -jar} run the heavy commands with the JVM settings of the launcher
 * ({@code scripts/redis-keys-migrator}). Without them the JVM picks G1 and a heap of a quarter of
 * the machine's memory, and a migration's short-lived buffers make it grow that heap: on the 1M-key
 * benchmark file plain {@code java -jar} used 530 MB and ran at about half the launcher's rate. A
 * JVM cannot change its collector or heap once started, so the jar starts itself again with them
 * ({@link #SETTINGS}), passes its standard streams on, forwards SIGINT/SIGTERM and ends with the
 * child's exit code.
 *
 * <p>It does not when the user chose JVM options (any {@code -X...} on the command line, {@code
 * JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}), when it runs in the launcher or in such a child
 * ({@code -Drkm.jvm=...}), when {@code RKM_JVM=inherit}, or for light work (help, version, inspect,
 * report).
 */
final class SelfLaunch {
  /** The launcher's settings: serial collector, C1 only (short runs), a bounded heap. */
  static final List<String> SETTINGS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx2g");

  /** The commands that move or compare many keys. */
  private static final Set<String> HEAVY = Set.of("rdb", "scan", "sync", "aof", "verify");

  /** Grace for the child to finish its batch and report after a signal (its own is 30 s). */
  private static final long SIGNAL_GRACE_SECONDS = 40;

  private SelfLaunch() {}

  /**
   * Whether to start again with {@link #SETTINGS}.
   *
   * @param args the command line after the jar
   * @param jvmArgs the JVM's own options (before {@code -jar}), or empty when unknown
   * @param env the environment
   * @param marker the {@code rkm.jvm} system property, or null
   */
  static boolean wanted(
      String[] args, Optional<List<String>> jvmArgs, Map<String, String> env, String marker) {
    if (marker != null || "inherit".equals(env.get("RKM_JVM"))) {
      return false;
    }
    if (env.containsKey("JAVA_TOOL_OPTIONS") || env.containsKey("JDK_JAVA_OPTIONS")) {
      return false;
    }
    if (args.length == 0 || !HEAVY.contains(args[0])) {
      return false;
    }
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) {
        return false;
      }
    }
    if (jvmArgs.isEmpty()) {
      return false;
    }
    for (String a : jvmArgs.get()) {
      if (a.startsWith("-X")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The JVM's options before {@code -jar}, when this process was started as {@code java [options]
   * -jar FILE ...}; empty otherwise (a class path start, as in tests, or unknown).
   */
  static Optional<List<String>> jvmArgs() {
    Optional<String[]> all = ProcessHandle.current().info().arguments();
    if (all.isEmpty()) {
      return Optional.empty();
    }
    List<String> before = new ArrayList<>();
    for (String a : all.get()) {
      if (a.equals("-jar")) {
        return Optional.of(before);
      }
      before.add(a);
    }
    return Optional.empty();
  }

  /**
   * In a child started by {@link #run}: ends this JVM at once, as a kill would, if the parent goes
   * away without waiting for it (SIGKILL, the OOM killer), so no orphan goes on migrating.
   */
  static void followParent() {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isEmpty()) {
      return;
    }
    long pid = parent.get().pid();
    parent.get().onExit().thenRun(() -> Runtime.getRuntime().halt(KILLED));
    // The JDK learns of a non-child's exit by polling, which a loaded machine can stretch past
    // any wait; a parent gone before onExit was set up is not seen at all. Our own parent id
    // changes the moment the kernel hands us to another (init, a subreaper): check it too.
    Thread watch =
        new Thread(
            () -> {
              while (true) {
                Optional<Long> now = ProcessHandle.current().parent().map(ProcessHandle::pid);
                if (now.isEmpty() || now.get() != pid) {
                  Runtime.getRuntime().halt(KILLED);
                }
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rkm-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** The exit code of a process ended by SIGKILL, as a shell reports it. */
  static final int KILLED = 137;

  /**
   * Runs {@code args} in a child JVM with {@link #SETTINGS}; returns its exit code, or empty when
   * the child cannot be started (then the caller runs in this JVM).
   */
  static Optional<Integer> run(String[] args) {
    Optional<String> java = ProcessHandle.current().info().command();
    String jar;
    try {
      jar =
          new File(SelfLaunch.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .getPath();
    } catch (URISyntaxException | SecurityException e) {
      return Optional.empty();
    }
    if (java.isEmpty() || !jar.endsWith(".jar")) {
      return Optional.empty();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java.get());
    cmd.addAll(SETTINGS);
    cmd.add("-Drkm.jvm=self");
    cmd.add("-jar");
    cmd.add(jar);
    cmd.addAll(List.of(args));
    Process child;
    try {
      child = new ProcessBuilder(cmd).inheritIO().start();
    } catch (IOException e) {
      return Optional.empty();
    }
    // SIGINT from a terminal reaches the child too (same process group); SIGTERM, from kill or
    // Kubernetes, reaches only us: pass it on, wait for the child's report, end with its code.
    Thread forward =
        new Thread(
            () -> {
              if (child.isAlive()) {
                child.destroy();
                try {
                  child.waitFor(SIGNAL_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              Runtime.getRuntime().halt(child.isAlive() ? 130 : child.exitValue());
            },
            "rkm-forward-signal");
    Runtime.getRuntime().addShutdownHook(forward);
    int code;
    while (true) {
      try {
        code = child.waitFor();
        break;
      } catch (InterruptedException e) {
        // Only a signal's shutdown ends this JVM while the child runs; keep waiting for it.
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(forward);
    } catch (IllegalStateException shuttingDown) {
      // A signal arrived as the child ended: the hook halts with the child's code.
    }
    return Optional.of(code);
  }
}
