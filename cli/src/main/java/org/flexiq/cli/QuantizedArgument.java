package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.ModelSource;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;

import java.io.IOException;
import java.nio.file.Path;

/** A MODEL argument that must be a quantized .flx (what `sim quantize` writes). */
final class QuantizedArgument {
    private QuantizedArgument() {
    }

    static QuantizedModel read(String arg) throws IOException {
        ModelSource a = ModelSource.resolve(arg);
        if (a.file() == null || !a.file().quantized()) {
            throw new BadInputException(arg + ": a float model; quantize it first (sim quantize " + arg + " -o model.q.flx)");
        }
        return QuantizedFlx.read(Path.of(arg));
    }
}
