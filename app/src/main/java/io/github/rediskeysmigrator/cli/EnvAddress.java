package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.FailoverAddress;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.RedisUri;
import java.util.Map;

/**
 * Resolves a server address the way the original script's users give it: a URI option, else {@code
 * <PREFIX>_REDIS_HOST}, {@code _PORT}, {@code _DB_INDEX} (and {@code _PASSWORD}), else {@code
 * redis://localhost:6379}.
 */
final class EnvAddress {
  private EnvAddress() {}

  /**
   * The address and whether its db was chosen by the user.
   *
   * @param uri the address
   * @param explicitDb whether the URI or the variable named a database
   */
  record Resolved(RedisUri uri, boolean explicitDb, FailoverAddress failover) {
    Resolved(RedisUri uri, boolean explicitDb) {
      this(uri, explicitDb, null);
    }

    /** Over TLS (--from-tls, --to-tls). */
    Resolved withTls() {
      return new Resolved(
          uri.withTls(true), explicitDb, failover == null ? null : failover.withTls());
    }

    /** What the report and messages show: the address, or the failover address. */
    String label() {
      return failover == null ? uri.toString() : failover.toString();
    }
  }

  /**
   * @param option the option's value, or null
   * @param prefix {@code SOURCE} or {@code DESTINATION}
   */
  static Resolved resolve(String option, String prefix, Map<String, String> env) {
    RedisUri uri;
    boolean explicitDb;
    FailoverAddress failover = null;
    if (option != null && FailoverAddress.names(option)) {
      failover = FailoverAddress.parse(option);
      uri = failover.seed();
      explicitDb = uri.db() >= 0;
    } else if (option != null) {
      uri = RedisUri.parse(option);
      explicitDb = uri.db() >= 0;
    } else {
      uri = fromVariables(prefix, env);
      explicitDb = uri.db() >= 0;
    }
    String password = env.get(prefix + "_REDIS_PASSWORD");
    if (uri.password() == null && password != null && !password.isEmpty()) {
      uri = uri.withPassword(password);
      failover = failover == null ? null : failover.withPassword(password);
    }
    return new Resolved(uri, explicitDb, failover);
  }

  /** The address with the password from {@code file}'s first line, when a file is given. */
  static Resolved withPasswordFile(Resolved r, java.nio.file.Path file) {
    if (file == null) {
      return r;
    }
    String password;
    try (java.io.BufferedReader in =
        java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
      password = in.readLine();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read the password file " + file + ": " + e, e);
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("the password file " + file + " is empty");
    }
    return new Resolved(
        r.uri().withPassword(password),
        r.explicitDb(),
        r.failover() == null ? null : r.failover().withPassword(password));
  }

  /**
   * The address the variables give, through the same parser as the URI option (so the same checks
   * and messages), grown one variable at a time so that a refusal names its variable.
   */
  private static RedisUri fromVariables(String prefix, Map<String, String> env) {
    RedisUri fallback = RedisUri.parse(MigrationConfig.Defaults.DESTINATION);
    String host = value(env, prefix + "_REDIS_HOST");
    String port = value(env, prefix + "_REDIS_PORT");
    String db = value(env, prefix + "_REDIS_DB_INDEX");
    String text = "redis://";
    if (host == null) {
      text += fallback.host();
    } else {
      // An IPv6 address needs its brackets in a URI.
      text += host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      parse(text, prefix + "_REDIS_HOST");
    }
    text += ":" + (port == null ? fallback.port() : port);
    if (port != null) {
      parse(text, prefix + "_REDIS_PORT");
    }
    if (db != null) {
      text += "/" + db;
    }
    return parse(text, prefix + "_REDIS_DB_INDEX");
  }

  private static String value(Map<String, String> env, String variable) {
    String v = env.get(variable);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static RedisUri parse(String text, String variable) {
    try {
      return RedisUri.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (from " + variable + ")", e);
    }
  }
}
