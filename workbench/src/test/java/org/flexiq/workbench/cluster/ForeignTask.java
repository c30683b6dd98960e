package org.flexiq.workbench.cluster;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** A class no sweep member may build from the network: what an attacker's gadget would be. */
public final class ForeignTask implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public String call() {
        return "ran";
    }
}
