package io.github.rediskeysmigrator.sink;

/**
 * Reads the cluster's redirect replies (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) out of a failure reason,
 * which starts with the server's reply (see {@link RewriteEmitter#problem}).
 */
final class ClusterRedirect {
  private ClusterRedirect() {}

  /** Whether {@code reason} is a redirect: the item is sent again once the slot map is re-read. */
  static boolean isRedirect(String reason) {
    return reason.startsWith("MOVED")
        || reason.startsWith("ASK")
        || reason.startsWith("TRYAGAIN")
        || reason.startsWith("CLUSTERDOWN");
  }

  /** The node of an {@code ASK <slot> <host>:<port>} reply, or null for any other reply. */
  static String askedNode(String reason) {
    String[] ask = reason.split(" ");
    return ask.length == 3 && ask[0].equals("ASK") && ask[2].lastIndexOf(':') > 0 ? ask[2] : null;
  }
}
