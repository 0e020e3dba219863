package io.github.rediskeysmigrator.testing;

import java.util.Map;

/**
 * Something tests need from outside the repository (a server version, the RDB corpus), and how a
 * developer gets it. Its absence skips the test ({@link NotTested}), or fails it under {@code
 * CI=true} ({@link MissingUnderCi}), where every test must run; {@link NotTestedListener} sums up
 * either at the end of the run.
 *
 * @param what what is missing, e.g. {@code redis-7.4.1}
 * @param howToGet what to do so that the tests needing it run
 */
public record Requirement(String what, String howToGet) {
  /** The exception a test throws when this is missing, by the environment's {@code CI}. */
  public RuntimeException missing(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.get("CI")) ? new MissingUnderCi(this) : new NotTested(this);
  }

  /** {@link #missing(Map)} by this process' environment. */
  public RuntimeException missing() {
    return missing(System.getenv());
  }
}
