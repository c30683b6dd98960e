package org.flexiq.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

/**
 * report.html opened in headless Chromium (Debian's chromium, which .ci/run installs): every image decodes
 * and no script error or console error occurs. A page with a broken image and a throwing script shows that
 * the check sees both.
 */
class ReportRenderTest {
    static String chromium;

    @BeforeAll
    static void findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    chromium = Path.of(dir, name).toString();
                    return;
                }
            }
        }
        // CI installs it, so there its absence is a failure; elsewhere the test waits for a machine that has it
        if (System.getenv("CI") != null) {
            throw new IllegalStateException("chromium is not installed: .ci/run installs Debian's chromium package");
        }
        Assumptions.abort("chromium is not installed here");
    }

    /** The rendered page's load record and the browser's log. */
    record Render(int images, int loaded, int errors, String log) {
    }

    static Render render(Path html) throws IOException, InterruptedException {
        Path log = Files.createTempFile("chromium", ".log");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString())
                .redirectError(log.toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("<body data-images-loaded=\"(\\d+)\" data-images=\"(\\d+)\" data-errors=\"(\\d+)\"").matcher(dom);
        assertThat(m.find()).as("the page's body in the DOM Chromium dumped:\n" + dom.substring(0, Math.min(500, dom.length()))).isTrue();
        String text = Files.readString(log);
        Files.delete(log);
        return new Render(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), text);
    }

    @Test
    void aRunReportRendersWithEveryImageAndNoError(@TempDir Path dir) throws Exception {
        Path acc = dir.resolve("acc.json");
        Files.writeString(acc, "{\"model\":\"mlp\",\"data\":\"fashion-mnist:test\",\"int8Top1\":0.88,\"rows\":["
                + "{\"method\":\"greedy\",\"extraction\":\"effective\",\"ratio\":0.5,\"top1\":0.86},"
                + "{\"method\":\"greedy\",\"extraction\":\"effective\",\"ratio\":1.0,\"top1\":0.81}]}");
        Path out = dir.resolve("report");
        SimCliTest.Result r = sim("run", "mlp", "--group", "16", "--ratio", "0,0.5,1", "--npu", "gemmini-like", "--report", out.toString(),
                "--accuracy", acc.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("Latency against top-1 accuracy (greedy selection, static extraction, fashion-mnist:test)",
                "PE utilization per layer", "NPU configuration", "weightDoubleBuffering");
        assertThat(Files.readString(out.resolve("layers.csv"))).startsWith("LayerID,Total Cycles,Stall Cycles,");
        Render page = render(out.resolve("report.html"));
        // 3 ratios x 2 layer charts, 3 charts against the ratio (latency, utilization, energy), energy by component, the
        // latency-accuracy chart
        assertThat(html).contains("Energy and area", "energy gain over int8 PEs", "group shifters");
        assertThat(page.images()).isEqualTo(11);
        assertThat(page.loaded()).isEqualTo(11);
        assertThat(page.errors()).isZero();
        assertThat(page.log()).doesNotContain("Uncaught", "CONSOLE(");

        Path sweep = dir.resolve("sweep");
        assertThat(sim("sweep", "mlp", "--npu", "gemmini-like", "--array", "8x8,16x16", "--group", "16", "--ratio", "0,1", "--out",
                sweep.toString()).code()).isZero();
        Render s = render(sweep.resolve("report.html"));
        assertThat(s.images()).isPositive().isEqualTo(s.loaded());
        assertThat(s.errors()).isZero();
    }

    @Test
    void theCheckSeesABrokenImageAndAScriptError(@TempDir Path dir) throws Exception {
        String good = new org.flexiq.reports.HtmlReport("t").chart("c", new byte[]{1, 2, 3}, "x").render();
        Path page = dir.resolve("bad.html");
        Files.writeString(page, good.replace("</body>", "<script>undefinedFunction();</script></body>"));
        Render r = render(page);
        assertThat(r.images()).isEqualTo(1);
        assertThat(r.loaded()).isZero();
        assertThat(r.errors()).isEqualTo(1);
    }
}
