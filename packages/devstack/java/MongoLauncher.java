import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs mongo-java-server's in-memory backend on a port of our choosing.
 *
 * <p>The stock main binds 27017 and reports wire version 8, which the MongoDB Node driver 7 refuses
 * (it needs 9, MongoDB 4.4, or later). The reported version is only what the handshake and
 * buildInfo answer; it changes nothing in what the server implements.
 *
 * <p>Usage: {@code java -cp <classpath> MongoLauncher.java <port> [host]}
 */
public final class MongoLauncher {
  /** MongoDB 4.4, wire version 9: the oldest the Node driver 7 accepts. */
  private static final MongoVersion REPORTED_VERSION =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
          return 9;
        }
      };

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: MongoLauncher <port> [host]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String host = args.length == 2 ? args[1] : "127.0.0.1";

    MongoServer server = new MongoServer(new MemoryBackend().version(REPORTED_VERSION));
    try {
      server.bind(host, port);
    } catch (Exception e) {
      // Netty rethrows BindException undeclared, and its event-loop threads would keep the JVM
      // alive after a failed bind: exit, so that the caller sees the failure at once.
      e.printStackTrace();
      server.shutdownNow();
      System.exit(1);
    }
    System.out.println("mongo-java-server listening on " + host + ":" + port);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdownNow();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
