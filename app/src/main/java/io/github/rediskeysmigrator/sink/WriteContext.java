package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.WriteListener;

/**
 * What every step of a {@link PipelinedWriter} batch shares: the writer that puts commands in its
 * pipelines, the destination connection (and its current db), the book that matches replies to
 * keys, the check for keys sent again, and the listener told each key's fate.
 */
record WriteContext(
    PipelinedWriter writer,
    DestinationConnection dest,
    ReplyBook book,
    ResendCheck resend,
    WriteListener listener) {}
