package dev.whetstone.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a long-running command alive until SIGTERM/SIGINT, then closes what it runs before the JVM exits. */
final class Shutdown {
    private Shutdown() {}

    static void closeOnSignal(AutoCloseable running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("whetstone: stopping failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "whetstone-shutdown"));
        stopped.await();
    }
}
