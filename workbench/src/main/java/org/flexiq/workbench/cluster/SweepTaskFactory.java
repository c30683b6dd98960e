package org.flexiq.workbench.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Makes the only task class a sweep member accepts by id; any other id is refused. */
public final class SweepTaskFactory implements DataSerializableFactory {
    static final int FACTORY_ID = 0x464c5851; // "FLXQ"

    @Override
    public IdentifiedDataSerializable create(int classId) {
        if (classId == SweepTask.CLASS_ID) {
            return new SweepTask();
        }
        throw new IllegalArgumentException("sweep member: class id " + classId + " is not a sweep task");
    }
}
