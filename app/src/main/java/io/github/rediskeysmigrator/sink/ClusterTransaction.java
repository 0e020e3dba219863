package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.RedisError;
import io.github.rediskeysmigrator.core.WriteFailure;
import java.util.List;

/**
 * A source transaction within one slot, sent whole to its master. Its commands are booked from the
 * EXEC reply: QUEUED says nothing yet. If the cluster redirected any of them (the slot is moving),
 * the master aborts the transaction and the whole block is sent again once the slot map is read
 * anew, or to the importing node when every redirect was an ASK to the same node.
 */
final class ClusterTransaction implements Redirected {
  final List<CommandEvent> block;
  final int slot;
  private boolean redirected;
  // The node named by the ASK replies to its commands, when no other redirect came for it.
  private String askNode;
  private boolean otherRedirect;
  private WriteFailure failure;

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
  void failed(WriteFailure reason) {
    if (reason.redirect()) {
      noteRedirect(reason);
    } else if (failure == null) {
      failure = reason;
    }
  }

  /**
   * EXEC failed with {@code reason} (a redirect may also come at EXEC, for the block as a whole:
   * ASK, or TRYAGAIN for keys of a slot being moved that are not all in one place yet).
   */
  void execFailed(WriteFailure reason) {
    if (reason.redirect()) {
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

  private void noteRedirect(WriteFailure reason) {
    redirected = true;
    String node = reason.askedNode();
    if (node == null || (askNode != null && !askNode.equals(node))) {
      otherRedirect = true;
    } else {
      askNode = node;
    }
  }

  /** Books every command from the EXEC outcome ({@code execFailure} null when it committed). */
  void book(CommandOrder order, WriteFailure execFailure) {
    // EXECABORT: nothing of it applied. Another error inside EXEC: the others did apply.
    boolean aborted = execFailure != null && execFailure.is(RedisError.Kind.EXEC_ABORT);
    for (CommandEvent c : block) {
      WriteFailure why = c == exec() ? execFailure : aborted ? execFailure : failure;
      if (why == null) {
        order.commandApplied(c);
      } else {
        order.commandFailed(c, why);
      }
    }
  }
}
