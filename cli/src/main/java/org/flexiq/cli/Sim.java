package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.compiler.golden.UnknownInnerProductException;
import org.flexiq.compiler.lower.InfeasibleException;
import org.flexiq.isa.IsaException;
import org.flexiq.simulator.ConfigException;
import org.flexiq.workloads.flx.FlxFormatException;
import org.flexiq.workloads.data.DatasetException;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.onnx.OnnxImportException;
import org.flexiq.workloads.scalesim.TopologyFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;

/** The `sim` command: the workbench's front door. Exit codes: 0 ok, 1 runtime failure, 2 bad input or usage. */
@Command(name = "sim", mixinStandardHelpOptions = true, versionProvider = Sim.Version.class,
        description = "FlexiQ NPU workbench: quantize, compile and simulate mixed 4/8-bit models.",
        subcommands = {ZooCommand.class, InspectCommand.class, ImportCommand.class, QuantizeCommand.class, AccuracyCommand.class, CompileCommand.class,
                DisasmCommand.class, AsmCommand.class, ExecCommand.class, RunCommand.class, TradeoffCommand.class, SweepCommand.class, WorkerCommand.class, ReportCommand.class, GpuCommand.class, GpuCalibrationCommand.class, ServeCommand.class, CompareCommand.class, BenchCommand.class, FuzzCommand.class, NpuCommand.class, EnergyCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure", "2:bad input or usage"})
public final class Sim implements Runnable {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line; output and errors go to the given writers. Returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Sim());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            int code = exitCode(ex);
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (ex instanceof NoSuchFileException nf) {
                msg = nf.getFile() + ": no such file";
            } else if (ex instanceof AccessDeniedException ad) {
                msg = ad.getFile() + ": permission denied";
            }
            cmd.getErr().println("sim: " + (code == FAILURE ? "error: " : "") + msg);
            if (code == FAILURE && System.getenv("SIM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return code;
        });
        // A usage error is one line and a pointer to the command's help, never the whole usage text.
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandName().equals("sim") ? "" : " " + c.getCommandName();
            c.getErr().println("sim: " + ex.getMessage() + "; see `sim help" + name + "`");
            c.getErr().flush();
            return BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof FlxFormatException || ex instanceof NoSuchFileException || ex instanceof AccessDeniedException
                || ex instanceof BadInputException || ex instanceof IrException || ex instanceof DatasetException
                || ex instanceof IsaException || ex instanceof ConfigException || ex instanceof InfeasibleException
                || ex instanceof TopologyFormatException || ex instanceof OnnxImportException || ex instanceof UnknownInnerProductException) {
            return BAD_INPUT;
        }
        return FAILURE;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version Maven filtered into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Sim.class.getResourceAsStream("/flexiq-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[]{"sim (FlexiQ NPU workbench) " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
