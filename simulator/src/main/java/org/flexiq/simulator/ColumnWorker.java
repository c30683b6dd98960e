package org.flexiq.simulator;

/**
 * A second thread for the array's registers: it takes columns of a batch of cycles while the caller takes
 * others, one column at a time, until none is left. The hand-over is a spin on volatile fields (a batch is often a few tens of
 * microseconds, too short to park a thread); after a while it yields, so a busy machine is not starved.
 */
final class ColumnWorker {
    private final SystolicArray array;
    private final SystolicArray.Lane lane = new SystolicArray.Lane();
    private final Thread thread;
    private volatile long requested = -1;
    private volatile long completed = -1;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    ColumnWorker(SystolicArray array) {
        this.array = array;
        this.thread = new Thread(this::loop, "systolic-array-columns");
        thread.setDaemon(true);
        thread.start();
    }

    private long batches;

    /** Starts taking columns of the array's current batch. */
    void start() {
        requested = ++batches; // volatile write publishes the batch and the array's control state
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
                array.columns(lane);
            } catch (RuntimeException e) {
                failure = e;
            }
            completed = t;
        }
    }
}
