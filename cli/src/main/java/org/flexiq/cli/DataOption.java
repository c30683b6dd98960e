package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.workloads.data.DatasetException;

import java.util.function.Supplier;

/** Reads what a data-spec option (--data, --calib) names; a spec or data set it cannot give is refused naming the option. */
final class DataOption {
    private DataOption() {
    }

    static <T> T read(String option, Supplier<T> load) {
        try {
            return load.get();
        } catch (DatasetException e) {
            throw new DatasetException(option + ": " + e.getMessage());
        } catch (BadInputException e) {
            throw new BadInputException(option + ": " + e.getMessage());
        }
    }
}
