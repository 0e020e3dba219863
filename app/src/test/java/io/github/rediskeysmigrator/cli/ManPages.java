package io.github.rediskeysmigrator.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * The man pages of the release, one per command, generated from the picocli model: picocli-codegen
 * writes them as AsciiDoc and Asciidoctor's manpage backend turns them into troff.
 */
final class ManPages {
  private ManPages() {}

  /**
   * Writes {@code NAME.1} into {@code manDir} for the top command and each subcommand of {@code
   * model}, going through AsciiDoc files in {@code adocDir}; returns the pages written. {@code
   * source} (e.g. "redis-keys-migrator 0.1.0") is each page's footer.
   */
  static List<Path> write(CommandLine model, Path adocDir, Path manDir, String source)
      throws IOException {
    Files.createDirectories(adocDir);
    Files.createDirectories(manDir);
    int status =
        ManPageGenerator.generateManPage(
            adocDir.toFile(), null, new boolean[0], true, model.getCommandSpec());
    if (status != 0) {
      throw new IOException("picocli's ManPageGenerator ended with status " + status);
    }
    List<Path> adocs;
    try (Stream<Path> files = Files.list(adocDir)) {
      adocs = files.filter(f -> f.toString().endsWith(".adoc")).sorted().toList();
    }
    if (adocs.isEmpty()) {
      throw new IOException("picocli's ManPageGenerator wrote no page into " + adocDir);
    }
    // picocli names the manual "Redis-keys-migrator Manual" and gives the subcommands' pages no
    // source: as wide as the title twice, that runs the header together in 80 columns.
    Attributes attributes =
        Attributes.builder()
            .attribute("manmanual", "User Commands")
            .attribute("mansource", source)
            .build();
    try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
      for (Path adoc : adocs) {
        String name = adoc.getFileName().toString().replaceFirst("\\.adoc$", ".1");
        File page = manDir.resolve(name).toFile();
        asciidoctor.convertFile(
            adoc.toFile(),
            Options.builder()
                .backend("manpage")
                .safe(SafeMode.UNSAFE)
                .attributes(attributes)
                .toFile(page)
                .build());
        if (!page.isFile()) {
          throw new IOException("Asciidoctor wrote no " + page + " from " + adoc);
        }
      }
    }
    try (Stream<Path> files = Files.list(manDir)) {
      return files.sorted().toList();
    }
  }
}
