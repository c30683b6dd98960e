package org.flexiq.simulator;

/**
 * A second thread for the array's registers: it steps columns [from, C) through a batch of cycles while the
 * caller steps [0, from). The hand-over is a spin on volatile fields (a batch is often a few tens of
 * microseconds, too short to park a thread); after a while it yields, so a busy machine is not starved.
 */
final class ColumnWorker {
    final int from;
    private final SystolicArray array;
    private final Thread thread;
    private volatile long requested = -1;
    private volatile long completed = -1;
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private int firstCycle;
    private int endCycle;

    ColumnWorker(SystolicArray array, int from) {
        this.array = array;
        this.from = from;
        this.thread = new Thread(this::loop, "systolic-array-columns");
        thread.setDaemon(true);
        thread.start();
    }

    private long batches;

    /** Starts stepping this worker's columns through cycles [t0, t1). */
    void start(int t0, int t1) {
        firstCycle = t0;
        endCycle = t1;
        requested = ++batches; // volatile write publishes the cycles and the array's control state
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
                array.columns(from, array.cols, firstCycle, endCycle);
            } catch (RuntimeException e) {
                failure = e;
            }
            completed = t;
        }
    }
}
