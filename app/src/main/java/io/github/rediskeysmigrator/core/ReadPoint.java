package io.github.rediskeysmigrator.core;

/**
 * A point in the read order of one stream of a key source (an RDB file, a master's SCAN): every key
 * of the stream before it has been handed over. Once the writer has flushed past it, a checkpoint
 * may record it, and a later run resumes there ({@code rdb} and {@code scan} with {@code
 * --checkpoint}).
 *
 * @param stream which stream: an input file's path, a master's address
 * @param keys keys of the stream read before this point, by this run and the runs it resumes
 * @param at where reading resumes, in the source's own terms ("" for a file, whose keys are
 *     counted; "run_id db cursor" for a SCAN)
 * @param done whether the stream was read to its end
 */
public record ReadPoint(String stream, long keys, String at, boolean done) implements SourceEvent {
  @Override
  public long weight() {
    return 64;
  }

  /** Where this point stands, in words for the report and the progress line. */
  public String describe() {
    if (done) {
      return "done (" + keys + " keys)";
    }
    if (at.isEmpty()) {
      return "after key " + keys;
    }
    String[] parts = at.split(" ");
    return parts.length == 3
        ? "db " + parts[1] + " cursor " + parts[2] + " (" + keys + " keys before)"
        : at + " (" + keys + " keys before)";
  }
}
