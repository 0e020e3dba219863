package io.github.rediskeysmigrator.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts one real {@code redis-server} for a test class and empties it
 * before each test:
 *
 * <pre>
 * &#64;RegisterExtension static final RedisServerExtension dest = RedisServerExtension.debian();
 * &#64;RegisterExtension static final RedisServerExtension old = RedisServerExtension.shared("redis-6.2.11");
 * </pre>
 */
public final class RedisServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private final Supplier<RedisServer> starter;
  private RedisServer server;

  private RedisServerExtension(Supplier<RedisServer> starter) {
    this.starter = starter;
  }

  /** Debian's redis-server from PATH. */
  public static RedisServerExtension debian(String... extraArgs) {
    return new RedisServerExtension(() -> RedisServer.startDebian(extraArgs));
  }

  /**
   * A debian server that sends a replica its snapshot without delay: the source of sync tests;
   * {@code extraArgs} follow.
   */
  public static RedisServerExtension syncSource(String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
    args.addAll(List.of(extraArgs));
    return debian(args.toArray(String[]::new));
  }

  /** A debian server that publishes every keyspace notification: the source of live scan tests. */
  public static RedisServerExtension liveSource() {
    return debian("--notify-keyspace-events", "KEA");
  }

  /** A debian server on which every acknowledged write survives a restart (AOF, fsync always). */
  public static RedisServerExtension persistent() {
    return debian("--appendonly", "yes", "--appendfsync", "always");
  }

  /**
   * A server of version {@code name}, e.g. {@code redis-7.4.1}, from {@link ServerProviders}; the
   * test class is skipped (fails under {@code CI=true}) when none has it.
   */
  public static RedisServerExtension shared(String name, String... extraArgs) {
    return new RedisServerExtension(() -> RedisServer.startShared(name, extraArgs));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = starter.get();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server.flushAll();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  /** The running server. */
  public RedisServer server() {
    return server;
  }

  /** Shortcut for {@code server().uri()}. */
  public String uri() {
    return server.uri();
  }
}
