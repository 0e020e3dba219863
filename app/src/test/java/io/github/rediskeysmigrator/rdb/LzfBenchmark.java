package io.github.rediskeysmigrator.rdb;

import com.moilioncircle.redis.replicator.util.ByteArray;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmark (not a test; surefire never runs it) of the two LZF decompressors the RDB
 * layer had: our {@link Lzf} and Redis Replicator's {@code Lzf.decode}, on strings as Redis
 * compresses them (JSON-like text of 256 bytes to 64 KiB, compressed with Replicator's encoder,
 * which writes Redis' format). Run it with {@code BENCH_MODE=lzf scripts/bench.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LzfBenchmark {
  @Param({"256", "4096", "65536"})
  public int size;

  private byte[] compressed;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder();
    while (text.length() < size) {
      text.append("{\"id\":")
          .append(random.nextInt(1_000_000))
          .append(",\"name\":\"user-")
          .append(random.nextInt(10_000))
          .append("\",\"tags\":[\"a\",\"b\"],\"active\":")
          .append(random.nextBoolean())
          .append('}');
    }
    byte[] plain = Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), size);
    ByteArray out = new ByteArray(size * 2L + 16);
    long n = com.moilioncircle.redis.replicator.util.Lzf.encode(new ByteArray(plain), size, out, 0);
    compressed = Arrays.copyOf(out.first(), (int) n);
    try {
      if (!Arrays.equals(plain, Lzf.decompress(compressed, size))
          || !Arrays.equals(plain, replicator())) {
        throw new IllegalStateException("the decompressors disagree");
      }
    } catch (PayloadDecoder.DecodeException e) {
      throw new IllegalStateException(e);
    }
  }

  @Benchmark
  public byte[] ours() throws PayloadDecoder.DecodeException {
    return Lzf.decompress(compressed, size);
  }

  @Benchmark
  public byte[] replicator() {
    return com.moilioncircle.redis.replicator.util.Lzf.decode(new ByteArray(compressed), size)
        .first();
  }
}
