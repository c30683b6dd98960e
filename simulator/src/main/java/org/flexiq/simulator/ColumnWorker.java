package org.flexiq.simulator;

/**
 * A second thread for the array's multiply-accumulate phase: it takes columns [from, C) while the caller takes
 * [0, from), one cycle at a time. The hand-over is a spin on volatile fields (a cycle is far too short to
 * park a thread); after a while it yields, so a busy machine is not starved.
 */
final class ColumnWorker {
    final int from;
    private final SystolicArray array;
    private final Thread thread;
    private volatile long requested = -1;
    private volatile long completed = -1;
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private int ring;
    private int cycle;

    ColumnWorker(SystolicArray array, int from) {
        this.array = array;
        this.from = from;
        this.thread = new Thread(this::loop, "systolic-array-columns");
        thread.setDaemon(true);
        thread.start();
    }

    void start(int p, int t) {
        ring = p;
        cycle = t;
        requested = t; // volatile write publishes ring and cycle
    }

    void await() {
        long t = requested;
        int spins = 0;
        while (completed != t) {
            if (++spins < 20_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }

    void stop() {
        running = false;
    }

    private void loop() {
        long seen = -1;
        int spins = 0;
        while (running) {
            long t = requested;
            if (t == seen) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
                continue;
            }
            spins = 0;
            seen = t;
            try {
                array.columns(from, array.cols, ring, cycle);
            } catch (RuntimeException e) {
                failure = e;
            }
            completed = t;
        }
    }
}
