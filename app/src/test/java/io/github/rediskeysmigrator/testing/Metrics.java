package io.github.rediskeysmigrator.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a run's Prometheus endpoint ({@code --metrics-port}) the way a scraper does: over HTTP. */
public final class Metrics {
  private static final Pattern URL = Pattern.compile("metrics: (http://\\S+/metrics)");

  private Metrics() {}

  /** The endpoint address the run printed on stderr, or null before it has. */
  public static String url(String stderr) {
    Matcher m = URL.matcher(stderr);
    return m.find() ? m.group(1) : null;
  }

  /** One scrape: each sample line's name (with its labels) and value. */
  public static Map<String, Double> scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
    }
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }
}
