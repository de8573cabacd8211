import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import org.h2.mvstore.MVStore;
import java.util.concurrent.CountDownLatch;

/**
 * Runs mongo-java-server on a port of our choosing, with its H2 backend storing everything in one
 * file (databases, collections, documents and indexes survive a restart), or in memory only.
 *
 * <p>The stock main binds 27017 and reports wire version 8, which the MongoDB Node driver 7 refuses
 * (it needs 9, MongoDB 4.4, or later). The reported version is only what the handshake and
 * buildInfo answer; it changes nothing in what the server implements.
 *
 * <p>Usage: {@code java -cp <classpath> MongoLauncher.java <port> <host> <data file | :memory:>}
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

  /**
   * H2's store writes what changed in the background and everything on close (SIGTERM runs the
   * shutdown hook). Its default of once a second loses the last second's writes to a SIGKILL; a
   * tenth of a second is cheap for a development database and loses less.
   */
  private static MVStore openStore(String dataFile) {
    MVStore store = MVStore.open(dataFile);
    store.setAutoCommitDelay(100);
    return store;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: MongoLauncher <port> <host> <data file | :memory:>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String host = args[1];
    String dataFile = args[2];

    AbstractMongoBackend backend =
        dataFile.equals(":memory:") ? new MemoryBackend() : new H2Backend(openStore(dataFile));
    MongoServer server = new MongoServer(backend.version(REPORTED_VERSION));
    try {
      server.bind(host, port);
    } catch (Exception e) {
      // Netty rethrows BindException undeclared, and its event-loop threads would keep the JVM
      // alive after a failed bind: exit, so that the caller sees the failure at once.
      e.printStackTrace();
      server.shutdownNow();
      System.exit(1);
    }
    System.out.println(
        "mongo-java-server listening on " + host + ":" + port + ", data: " + dataFile);

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
