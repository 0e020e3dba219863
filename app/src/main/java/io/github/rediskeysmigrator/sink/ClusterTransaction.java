package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import java.util.List;

/**
 * A source transaction within one slot, sent whole to its master. Its commands are booked from the
 * EXEC reply: QUEUED says nothing yet. If the cluster redirected any of them (the slot is moving),
 * the master aborts the transaction and the whole block is sent again once the slot map is read
 * anew, or to the importing node when every redirect was an ASK to the same node.
 */
final class ClusterTransaction {
  final List<CommandEvent> block;
  final int slot;
  private boolean redirected;
  // The node named by the ASK replies to its commands, when no other redirect came for it.
  private String askNode;
  private boolean otherRedirect;
  private String failure;

  ClusterTransaction(List<CommandEvent> block, int slot) {
    this.block = block;
    this.slot = slot;
  }

  CommandEvent exec() {
    return block.get(block.size() - 1);
  }

  /** Forgets what an earlier attempt met: the block is sent again. */
  void reset() {
    redirected = false;
    askNode = null;
    otherRedirect = false;
    failure = null;
  }

  /** A command of the block (not EXEC) failed with {@code reason}. */
  void failed(String reason) {
    if (ClusterRedirect.isRedirect(reason)) {
      noteRedirect(reason);
    } else if (failure == null) {
      failure = reason;
    }
  }

  /**
   * EXEC failed with {@code reason} (a redirect may also come at EXEC, for the block as a whole:
   * ASK, or TRYAGAIN for keys of a slot being moved that are not all in one place yet).
   */
  void execFailed(String reason) {
    if (ClusterRedirect.isRedirect(reason)) {
      noteRedirect(reason);
    }
  }

  /** Whether the block must be sent again after EXEC failed. */
  boolean redirected() {
    return redirected;
  }

  /** The importing node to send the block to with ASKING, or null to re-read the slot map. */
  String askNode() {
    return otherRedirect ? null : askNode;
  }

  private void noteRedirect(String reason) {
    redirected = true;
    String node = ClusterRedirect.askedNode(reason);
    if (node == null || (askNode != null && !askNode.equals(node))) {
      otherRedirect = true;
    } else {
      askNode = node;
    }
  }

  /** Books every command from the EXEC outcome ({@code execFailure} null when it committed). */
  void book(CommandOrder order, String execFailure) {
    // EXECABORT: nothing of it applied. Another error inside EXEC: the others did apply.
    boolean aborted = execFailure != null && execFailure.startsWith("EXECABORT");
    for (CommandEvent c : block) {
      String why = c == exec() ? execFailure : aborted ? execFailure : failure;
      if (why == null) {
        order.commandApplied(c);
      } else {
        order.commandFailed(c, why);
      }
    }
  }
}
