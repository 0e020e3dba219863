package io.github.rediskeysmigrator.core;

import java.util.Map;
import java.util.Set;

/**
 * Everything the pipeline needs to know about one run, parsed and validated before it starts.
 *
 * @param dbs source databases to migrate; empty means all
 * @param dbMap source db to destination db, overriding {@code targetDb}
 * @param targetDb destination db for every key not in {@code dbMap}, or -1 to keep the source db
 * @param match keys to migrate, Redis MATCH semantics
 * @param types types to migrate; empty means all
 * @param existing what to do with keys already at the destination
 * @param pipeline commands per round trip to the destination
 * @param sleepMillis pause between two pipelines and after every {@code existingLimit} skipped keys
 * @param existingLimit skipped existing keys between two pauses
 * @param maxRate keys per second at most; 0 for no limit
 * @param maxErrors failed keys after which the run stops; 0 for no limit
 * @param dryRun read and filter, but write nothing
 * @param rename source name to destination name (--rename-prefix), applied after the filters
 * @param clusterSlot the hash slot of a key at a cluster destination, or null for a single node:
 *     renamed multi-key commands must keep their keys in one slot
 */
public record MigrationConfig(
    Set<Integer> dbs,
    Map<Integer, Integer> dbMap,
    int targetDb,
    GlobPattern match,
    Set<KeyType> types,
    ExistencePolicy existing,
    int pipeline,
    long sleepMillis,
    int existingLimit,
    double maxRate,
    int maxErrors,
    boolean dryRun,
    KeyRenamer rename,
    java.util.function.ToIntFunction<byte[]> clusterSlot) {

  /** The defaults, shared by {@code --help}, the README and the code. */
  public static final class Defaults {
    private Defaults() {}

    /** Keys read from the source per SCAN call (SCAN_BATCH_SIZE). */
    public static final int SCAN_COUNT = 1000;

    /** Commands per pipeline (PIPELINE_BATCH_SIZE). */
    public static final int PIPELINE = 1000;

    /** Skipped existing keys between two pauses (MAX_PROCESSED_EXISTING_KEYS_LIMIT). */
    public static final int EXISTING_LIMIT = 1000;

    /** Seconds to pause (SLEEP_TIME); the original script defaults to 1, we to 0. */
    public static final String SLEEP_SECONDS = "0";

    /** Failed keys that stop the run (MAX_ERRORED_KEYS_LIMIT). */
    public static final int MAX_ERRORS = 1000;

    /** Error log file (ERROR_LOG_FILENAME). */
    public static final String ERROR_LOG = "redis-keys-migrator-error.log";

    /** Error log open mode (FILEMOD). */
    public static final String ERROR_LOG_MODE = "w";

    /** Keys to migrate (SCAN_MATCH_PATTERN). */
    public static final String MATCH = "*";

    /** Destination when neither --to nor DESTINATION_REDIS_* is given. */
    public static final String DESTINATION = "redis://localhost:6379/0";

    /** Connections to a single-node destination, each with a thread of its own (--writers). */
    public static final int WRITERS = 1;

    /**
     * Seconds to wait for a server's reply before its connection counts as lost (--timeout). Big
     * RESTOREs on a slow link take a while; a stalled server is still found in bounded time.
     */
    public static final String TIMEOUT_SECONDS = "60";

    /** Reconnection attempts after a connection is lost (--retries). */
    public static final int RETRIES = 5;

    /** Seconds of pause before a reconnect, times the attempt number (--retry-backoff). */
    public static final String RETRY_BACKOFF_SECONDS = "1";

    /**
     * Seconds to wait for a new master once the master of a Sentinel or cluster source or
     * destination is gone (--failover-timeout): Sentinel's down-after-milliseconds or the cluster's
     * node timeout, plus an election, fit in it with room to spare.
     */
    public static final String FAILOVER_TIMEOUT_SECONDS = "60";

    /**
     * Elements per command when a key is rewritten as plain commands (RPUSH, SADD, ZADD, HSET,
     * XDEL, HPEXPIREAT) for a destination too old to RESTORE its payload.
     */
    public static final int REWRITE_CHUNK_ELEMENTS = 1000;

    /** Bytes of arguments per command of a rewritten key, at most (also the APPEND size). */
    public static final int REWRITE_CHUNK_BYTES = 1 << 20;

    /**
     * Payload bytes above which a key read from an RDB (rdb, sync's snapshot) is spilled to a
     * temporary file and rewritten from it in chunks, instead of being held in memory.
     */
    public static final long BIG_KEY_THRESHOLD = 64L << 20;

    /** Keys in flight between the reading and the writing thread. */
    public static final int QUEUE_KEYS = 16_384;

    /** scan --live: keys the pending set of one source node holds at most. */
    public static final long LIVE_PENDING_MAX_KEYS = 1_000_000;

    /**
     * scan --live: estimated megabytes the pending set of one source node holds at most (each key
     * counts its name plus 160 bytes).
     */
    public static final long LIVE_PENDING_MAX_MB = 128;
  }

  public MigrationConfig {
    java.util.Objects.requireNonNull(rename, "rename");
    dbs = Set.copyOf(dbs);
    dbMap = Map.copyOf(dbMap);
    types = Set.copyOf(types);
    OptionChecks.atLeastOne("--pipeline", pipeline);
    OptionChecks.atLeastOne("--existing-limit", existingLimit);
    OptionChecks.notNegative("--sleep", sleepMillis);
    OptionChecks.rate("--max-rate", maxRate);
    OptionChecks.notNegative("--max-errors", maxErrors);
  }

  /** The same run into a cluster destination whose hash slot of a key is {@code slot}. */
  public MigrationConfig withClusterSlot(java.util.function.ToIntFunction<byte[]> slot) {
    return new MigrationConfig(
        dbs,
        dbMap,
        targetDb,
        match,
        types,
        existing,
        pipeline,
        sleepMillis,
        existingLimit,
        maxRate,
        maxErrors,
        dryRun,
        rename,
        slot);
  }

  /** The destination db for a key read from {@code sourceDb}. */
  public int destinationDb(int sourceDb) {
    Integer mapped = dbMap.get(sourceDb);
    if (mapped != null) {
      return mapped;
    }
    return targetDb < 0 ? sourceDb : targetDb;
  }
}
