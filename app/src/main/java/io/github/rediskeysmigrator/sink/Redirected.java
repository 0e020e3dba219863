package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;

/**
 * What a cluster redirected (MOVED, ASK, TRYAGAIN, CLUSTERDOWN), for {@link ClusterWriter} to send
 * again in order: a key, a command (or a part of one), a transaction in one slot, or one of these
 * answered with ASK.
 */
sealed interface Redirected
    permits Redirected.Key, Redirected.Part, Redirected.Asked, ClusterTransaction {

  /** A key to send again. */
  record Key(KeyEvent event) implements Redirected {}

  /** One command of a split (or the command itself), and the source command it stands for. */
  record Part(CommandEvent part, CommandEvent whole) implements Redirected {}

  /**
   * A key, a command of one key, or a transaction in one slot, that the cluster answered with ASK,
   * and the node to ask.
   */
  record Asked(Redirected item, String node) implements Redirected {}
}
