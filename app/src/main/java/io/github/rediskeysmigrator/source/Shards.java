package io.github.rediskeysmigrator.source;

import io.github.rediskeysmigrator.core.RedisUri;
import java.util.List;

/** Which masters of a live source a run reads: every one, or the one its shard index names. */
public interface Shards {
  /**
   * The masters to read among {@code all}, a cluster's masters ordered by the lowest hash slot each
   * owns (the same order from any node).
   *
   * @throws IllegalArgumentException when the index is out of range
   */
  List<RedisUri> masters(List<RedisUri> all);

  /**
   * Checks the index against a single-node source, which is shard 0.
   *
   * @throws IllegalArgumentException when the index is not 0
   */
  void singleNode(RedisUri from);
}
