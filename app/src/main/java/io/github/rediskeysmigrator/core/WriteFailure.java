package io.github.rediskeysmigrator.core;

/**
 * Why the destination did not take a key or a live command: the text the error log shows, and, when
 * the destination answered with an error, that reply typed once ({@link RedisError}). The error is
 * null when the failure is ours (a payload we cannot rewrite, a lost connection, a command a
 * cluster cannot route), so deciders ask the type, never the text.
 *
 * @param reason what the error log and the report say
 * @param error the destination's error reply behind it, or null
 */
public record WriteFailure(String reason, RedisError error) {

  /** A failure of ours, with no error reply behind it. */
  public static WriteFailure of(String reason) {
    return new WriteFailure(reason, null);
  }

  /** The destination's error reply, said as it is. */
  public static WriteFailure of(RedisError error) {
    return new WriteFailure(error.message(), error);
  }

  /** The same failure, its text followed by {@code more}. */
  public WriteFailure and(String more) {
    return new WriteFailure(reason + more, error);
  }

  /** Whether the destination answered with an error of {@code kind}. */
  public boolean is(RedisError.Kind kind) {
    return error != null && error.kind() == kind;
  }

  /** Whether the cluster redirected it ({@link RedisError#redirect}). */
  public boolean redirect() {
    return error != null && error.redirect();
  }

  /** The importing node an ASK reply names, or null for any other failure. */
  public String askedNode() {
    return is(RedisError.Kind.ASK) ? error.node() : null;
  }

  @Override
  public String toString() {
    return reason;
  }
}
