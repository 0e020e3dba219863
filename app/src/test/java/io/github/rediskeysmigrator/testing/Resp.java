package io.github.rediskeysmigrator.testing;

/** Writes commands as RESP arrays of bulk strings, the way an AOF file holds them. */
public final class Resp {
  private Resp() {}

  /** {@code args} as one RESP array (ASCII arguments: a bulk's length is its character count). */
  public static String command(String... args) {
    StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
    for (String a : args) {
      sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
    }
    return sb.toString();
  }
}
