package io.github.rediskeysmigrator.cli;

import picocli.CommandLine.Mixin;

/**
 * Where and how a command writes: the destination, the pipeline towards it, the size above which a
 * key is written in chunks, and TLS.
 */
final class WriteOptions {
  @Mixin DestinationOptions destination = new DestinationOptions();

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin BigKeyOptions bigKeys = new BigKeyOptions();

  @Mixin TlsOptions tls = new TlsOptions();
}
