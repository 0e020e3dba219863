package io.github.rediskeysmigrator.verify;

import java.util.ArrayDeque;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Lets several groups of pipelined commands be in flight on one connection at once: each group gets
 * a {@link Ticket}, and waiting for one ticket's replies reads (and keeps) the replies of the
 * groups sent before it. So the comparer can have the next batch's commands at the server while it
 * works on the current batch, and a chunked read in between still gets its own reply.
 */
final class ReplyQueue {
  private final Connection conn;
  private final ArrayDeque<Ticket> outstanding = new ArrayDeque<>();
  private int unticketed;

  ReplyQueue(Connection conn) {
    this.conn = conn;
  }

  /** The replies of one group of commands, once read. */
  static final class Ticket {
    private final int count;
    private List<Object> replies;

    private Ticket(int count) {
      this.count = count;
    }
  }

  /** Sends one command; its reply belongs to the next {@link #ticket()}. */
  void send(ProtocolCommand command, byte[]... args) {
    conn.sendCommand(command, args);
    unticketed++;
  }

  /** Closes the group of commands sent since the last ticket. */
  Ticket ticket() {
    Ticket t = new Ticket(unticketed);
    unticketed = 0;
    outstanding.add(t);
    return t;
  }

  /**
   * The replies of {@code t}, one per command in the order sent; error replies are {@link
   * JedisDataException} elements. Reads the replies of earlier groups first and keeps them.
   */
  List<Object> await(Ticket t) {
    while (t.replies == null) {
      Ticket head = outstanding.poll();
      if (head == null) {
        throw new IllegalStateException("awaited a ticket that was never issued");
      }
      head.replies = head.count == 0 ? List.of() : conn.getMany(head.count);
    }
    return t.replies;
  }

  /** Sends one command and waits for its reply; an error reply is thrown. */
  Object call(ProtocolCommand command, byte[]... args) {
    send(command, args);
    Object reply = await(ticket()).get(0);
    if (reply instanceof JedisDataException e) {
      throw e;
    }
    return reply;
  }

  /** Whether no reply is outstanding. */
  boolean idle() {
    return outstanding.isEmpty() && unticketed == 0;
  }

  void close() {
    conn.close();
  }
}
