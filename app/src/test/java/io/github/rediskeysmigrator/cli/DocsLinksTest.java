package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README and the pages under docs/ link to files and headings that exist. */
class DocsLinksTest {

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.*)$");

  @Test
  void everyRelativeLinkReachesAFileAndHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      for (String link : links(Files.readString(page))) {
        if (link.matches("^[a-z]+:.*")) {
          continue;
        }
        int hash = link.indexOf('#');
        String file = hash < 0 ? link : link.substring(0, hash);
        Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(target)) {
          broken.add(root().relativize(page) + ": " + link + " (no such file)");
        } else if (hash >= 0
            && !(Files.isRegularFile(target)
                && anchors(Files.readString(target)).contains(link.substring(hash + 1)))) {
          broken.add(root().relativize(page) + ": " + link + " (no such heading)");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void readmeStaysShortAndKeepsTheTestCommand() throws IOException {
    List<String> readme = Files.readAllLines(root().resolve("README.md"));
    assertTrue(readme.size() <= 300, "README.md has " + readme.size() + " lines");
    // CI runs the README's test command.
    assertTrue(readme.stream().anyMatch(l -> l.startsWith("scripts/test.sh")), "scripts/test.sh");
    assertTrue(readme.contains("## Install"), "## Install");
  }

  @Test
  void everyTopicPageStartsWithItsContents() throws IOException {
    for (Path page : pages()) {
      if (page.getParent().getFileName().toString().equals("docs")) {
        String text = Files.readString(page);
        assertTrue(text.startsWith("# "), page + " starts with its title");
        assertTrue(text.contains("\n**Contents**\n"), page + " has a table of contents");
      }
    }
  }

  @Test
  void anchorsFollowGitHubsRule() {
    assertEquals(
        Set.of("cutover---until-caught-up", "redis--valkey", "rdb-migrate-rdb-files"),
        anchors(
            "## Cutover (`--until-caught-up`)\n# Redis ⇄ Valkey\n### `rdb`: migrate RDB files"));
  }

  /** Heading anchors as GitHub makes them: lower case, punctuation dropped, spaces to hyphens. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    boolean fence = false;
    for (String line : markdown.split("\n")) {
      if (line.startsWith("```")) {
        fence = !fence;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!fence && m.matches()) {
        anchors.add(
            m.group(1)
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static List<String> links(String markdown) {
    List<String> links = new ArrayList<>();
    String prose = markdown.replaceAll("(?s)```.*?```", "");
    Matcher m = LINK.matcher(prose);
    while (m.find()) {
      links.add(m.group(1));
    }
    return links;
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root().resolve("README.md"));
    try (Stream<Path> files = Files.walk(root().resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 10, "pages: " + pages);
    return pages;
  }

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.isDirectory(dir.resolve("app"))) {
      dir = dir.getParent();
    }
    return dir;
  }
}
