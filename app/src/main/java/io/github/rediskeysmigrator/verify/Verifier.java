package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.CommandKeys;
import io.github.rediskeysmigrator.core.ExitCode;
import io.github.rediskeysmigrator.core.KeySelection;
import io.github.rediskeysmigrator.core.MigrationConfig;
import io.github.rediskeysmigrator.core.StopRules;
import io.github.rediskeysmigrator.core.ValueDigest;
import io.github.rediskeysmigrator.rdb.PayloadDigests;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Runs one verification: the source is read on its own thread into a {@link BatchQueue}; this
 * thread applies the migration's filters and db mapping, reads the destination's state of each
 * batch of keys in two pipelined round trips, and lets the {@link Judge} decide each key's outcome,
 * which lands in the {@link VerifyReport} (and, for differences, the {@link DifferenceSink}). With
 * {@link ExtraKeys}, the destination is searched for keys the source lacks at the end.
 */
public final class Verifier {
  private static final Logger log = LoggerFactory.getLogger(Verifier.class);

  private final SourceReader source;
  private final VerifyConfig config;
  private final DestinationNodes dest;
  private final PayloadDigests payloads = new PayloadDigests();
  private final Judge judge;
  private final VerifyContext context;
  private final ExtraKeys extraKeys;

  /** The batch whose DUMPs are at the destination while the next one is being probed. */
  private InFlight inFlight;

  private final StopRules stops = StopRules.firstCauseOnly();

  /**
   * @param dest the destination's connections, closed at the end of {@link #run}
   * @param extraKeys searches the destination for keys the source lacks once every source key is
   *     compared, or null (no --extra-keys)
   */
  public Verifier(
      SourceReader source,
      VerifyConfig config,
      DestinationNodes dest,
      ExtraKeys extraKeys,
      VerifyContext context) {
    this.judge = new Judge(config.ttlToleranceMs());
    this.source = source;
    this.config = config;
    this.dest = dest;
    this.extraKeys = extraKeys;
    this.context = context;
  }

  /** Runs to the end (or the first stop) and returns the exit code; the report is complete. */
  public int run() throws InterruptedException {
    long start = context.clock().millis();
    BatchQueue queue = new BatchQueue(MigrationConfig.Defaults.QUEUE_KEYS);
    KeySelection selection =
        new KeySelection(config.selection(), CommandKeys.NONE, context.clock());
    int exit;
    Thread reader = queue.startProducer("rkm-verify-reader", () -> source.readInto(queue));
    try {
      exit = consume(queue, selection);
      if (exit == ExitCode.OK && extraKeys != null) {
        exit = findExtraKeys();
      }
    } catch (BatchQueue.ProducerFailure failure) {
      exit = stops.sourceFailed(failure.getCause());
    } catch (ServerReadException e) {
      log.debug("destination refused a read", e);
      stops.stop(ExitCode.CONNECTION, "destination: " + e.getMessage());
      exit = ExitCode.CONNECTION;
    } catch (JedisConnectionException e) {
      log.debug("destination connection lost", e);
      stops.stop(ExitCode.CONNECTION, "destination: connection lost (" + e.getMessage() + ")");
      exit = ExitCode.CONNECTION;
    } finally {
      reader.interrupt();
      reader.join(5_000);
      dest.close();
      if (extraKeys != null) {
        extraKeys.close();
      }
    }
    if (exit == ExitCode.OK) {
      exit = context.report().verdict();
    }
    context
        .report()
        .finish(context.clock().millis() - start, source.bytesRead(), exit, stops.reason());
    return exit;
  }

  /**
   * Asks the run to stop after the batch in hand; {@link #run} then returns {@code exitCode}. Safe
   * from any thread.
   */
  public void requestStop(int exitCode, String reason) {
    stops.stop(exitCode, reason);
  }

  private int consume(BatchQueue queue, KeySelection selection)
      throws InterruptedException, BatchQueue.ProducerFailure, ServerReadException {
    List<SourceKey> pending = new ArrayList<>(config.pipeline());
    List<SourceKey> batch;
    try {
      while ((batch = queue.take()) != null) {
        if (stops.stopped()) {
          return stops.exitCode();
        }
        for (SourceKey k : batch) {
          if (extraKeys != null) {
            extraKeys.sourceKey(k);
          }
          if (!k.state().exists()) {
            context.report().add(Outcome.SKIPPED_GONE);
            continue;
          }
          switch (selection.key(k.asEvent())) {
            case FILTERED -> context.report().add(Outcome.FILTERED);
            case EXPIRED -> context.report().add(Outcome.SKIPPED_EXPIRED);
            case KEEP -> pending.add(k);
          }
          if (pending.size() >= config.pipeline()) {
            compare(pending);
            pending.clear();
          }
        }
      }
    } catch (BatchQueue.ProducerFailure failure) {
      // Keys read whole before the failure are still compared.
      compare(pending);
      drain();
      throw failure;
    }
    compare(pending);
    drain();
    return stops.stopped() ? stops.exitCode() : ExitCode.OK;
  }

  private int findExtraKeys() {
    try {
      extraKeys.find(dest, context.differences(), context.report(), stops::stopped);
      return stops.stopped() ? stops.exitCode() : ExitCode.OK;
    } catch (ServerReadException e) {
      log.debug("searching for extra keys failed", e);
      stops.stop(ExitCode.CONNECTION, e.getMessage());
      return ExitCode.CONNECTION;
    }
  }

  /** Compares keys in runs of one destination db each. */
  private void compare(List<SourceKey> keys) throws InterruptedException, ServerReadException {
    int i = 0;
    while (i < keys.size()) {
      int db = destinationDb(keys.get(i));
      int j = i + 1;
      while (j < keys.size() && destinationDb(keys.get(j)) == db) {
        j++;
      }
      compareRun(keys.subList(i, j), db);
      i = j;
    }
  }

  private int destinationDb(SourceKey k) {
    return config.selection().destinationDb(k.sourceDb());
  }

  /** One batch of one destination db, with its reads under way at the destination. */
  private record InFlight(List<SourceKey> keys, int db, DestinationNodes.Batch batch) {}

  /**
   * Sends the probe of {@code keys}, then finishes the batch before it: its DUMPs were sent one
   * step earlier, so while this thread judges it, the destination already works on this batch's
   * DUMPs. Two batches are in flight at most.
   */
  private void compareRun(List<SourceKey> keys, int db)
      throws InterruptedException, ServerReadException {
    if (db != dest.db()) {
      drain();
      select(db);
    }
    List<byte[]> names = new ArrayList<>(keys.size());
    for (SourceKey k : keys) {
      context.throttle().acquire();
      names.add(config.selection().rename().rename(k.key()));
    }
    InFlight current = new InFlight(List.copyOf(keys), db, dest.probe(names));
    InFlight previous = inFlight;
    inFlight = current;
    List<KeyState> previousStates = previous == null ? null : dest.states(previous.batch());
    dest.requestValues(current.batch());
    if (previous != null) {
      judge(previous, previousStates);
    }
  }

  /** Finishes the batch in flight, if any. */
  private void drain() throws ServerReadException {
    InFlight last = inFlight;
    inFlight = null;
    if (last != null) {
      judge(last, dest.states(last.batch()));
    }
  }

  private void judge(InFlight run, List<KeyState> states) {
    long now = context.clock().millis();
    for (int i = 0; i < run.keys().size(); i++) {
      SourceKey src = run.keys().get(i);
      // Read at the destination under its new name (--rename-prefix), reported under the source's.
      byte[] key = config.selection().rename().rename(src.key());
      Judge.Verdict v =
          judge.judge(
              src.state(), states.get(i), now, this::sourceDigest, s -> destinationDigest(key, s));
      context.report().add(v.outcome());
      if (v.idmpNotCompared()) {
        context.report().idmpNotCompared();
      }
      if (v.outcome().isDifference()) {
        context
            .differences()
            .difference(
                new Difference(src.sourceDb(), run.db(), src.key(), v.outcome(), v.details()));
      }
    }
  }

  private ValueDigest.Result sourceDigest(KeyState s) throws Judge.UnverifiableException {
    if (s.payload() == null) {
      throw new Judge.UnverifiableException("the source's value was not read", null);
    }
    return parse(s.payload(), "source");
  }

  private ValueDigest.Result destinationDigest(byte[] key, KeyState s)
      throws Judge.UnverifiableException {
    if (s.payload() == null) {
      return dest.digest(key, s.type());
    }
    return parse(s.payload(), "destination");
  }

  private ValueDigest.Result parse(byte[] payload, String side) throws Judge.UnverifiableException {
    try {
      return payloads.digest(payload);
    } catch (PayloadDigests.UnreadablePayloadException e) {
      throw new Judge.UnverifiableException(
          "the DUMP payloads differ and the "
              + side
              + "'s cannot be parsed ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private void select(int db) throws ServerReadException {
    dest.select(db);
  }
}
