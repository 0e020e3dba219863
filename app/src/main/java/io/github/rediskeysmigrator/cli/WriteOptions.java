package io.github.rediskeysmigrator.cli;

import picocli.CommandLine.Mixin;

/** Where and how a command writes: the destination, the pipeline towards it, and TLS. */
final class WriteOptions {
  @Mixin DestinationOptions destination = new DestinationOptions();

  @Mixin PipelineOptions pipeline = new PipelineOptions();

  @Mixin TlsOptions tls = new TlsOptions();
}
