package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.JsonNode;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Int32Tensor;
import org.flexiq.workloads.ir.Int8Tensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes a {@link Model} as a .flx file. Tensors are streamed one at a time (a zoo model's weights are
 * generated as they are written), the result is written to a temporary file beside the target and renamed
 * into place, so a reader never sees a partial file. The same model gives the same bytes.
 */
public final class FlxWriter {
    private static final int CHUNK = 1 << 20;

    private FlxWriter() {
    }

    public static void write(Path target, Model model) throws IOException {
        write(target, model, null);
    }

    /** Writes a quantized model (version 2) when {@code quantization} is not null, a float model otherwise. */
    public static void write(Path target, Model model, JsonNode quantization) throws IOException {
        Path data = org.flexiq.workloads.files.SiblingFile.create(target, ".data.tmp");
        Path out = org.flexiq.workloads.files.SiblingFile.create(target, ".tmp");
        try {
            List<FlxTensorEntry> entries = writeData(data, model);
            FlxHeader.GraphSpec graph = FlxHeader.GraphSpec.of(model.graph());
            TreeMap<String, String> meta = new TreeMap<>(model.metadata());
            byte[] json = FlxFormat.mapper().writeValueAsBytes(quantization == null
                    ? new FlxHeader(graph, entries, meta) : new FlxHeader.Quantized(graph, entries, meta, quantization));
            int version = quantization == null ? FlxFormat.VERSION : FlxFormat.VERSION_QUANTIZED;
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 FileChannel src = FileChannel.open(data, StandardOpenOption.READ)) {
                CRC32 crc = new CRC32();
                crc.update(json);
                long dataStart = FlxFormat.align(FlxFormat.PREAMBLE_BYTES + (long) json.length);
                ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
                head.put(FlxFormat.MAGIC).putInt(version).putInt(json.length).putInt((int) crc.getValue()).put(json);
                head.clear();
                writeFully(ch, head);
                long size = src.size();
                long done = 0;
                while (done < size) {
                    done += src.transferTo(done, size - done, ch);
                }
                ch.force(true);
            }
            Files.move(out, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(data);
            Files.deleteIfExists(out);
        }
    }

    private static List<FlxTensorEntry> writeData(Path data, Model model) throws IOException {
        List<FlxTensorEntry> entries = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
            long offset = 0;
            for (String name : model.tensors().names()) {
                Tensor t = model.tensors().get(name);
                long aligned = FlxFormat.align(offset);
                writeFully(ch, ByteBuffer.allocate((int) (aligned - offset)));
                CRC32 crc = new CRC32();
                long length = writeTensor(ch, buf, crc, t);
                entries.add(new FlxTensorEntry(name, t.dtype().id(), t.shape(), aligned, length, crc.getValue()));
                offset = aligned + length;
            }
        }
        return entries;
    }

    private static long writeTensor(FileChannel ch, ByteBuffer buf, CRC32 crc, Tensor t) throws IOException {
        int n = t.shape().elementCount();
        int size = t.dtype().bytesPerElement();
        for (int i = 0; i < n; ) {
            buf.clear();
            int take = Math.min(n - i, CHUNK / size);
            // Java 17 has no pattern switch; the Tensor kinds are sealed, so this chain is complete.
            if (t instanceof FloatTensor f) {
                buf.asFloatBuffer().put(f.data(), i, take);
            } else if (t instanceof Int8Tensor b) {
                buf.put(b.data(), i, take);
            } else {
                buf.asIntBuffer().put(((Int32Tensor) t).data(), i, take);
            }
            buf.position(0).limit(take * size);
            crc.update(buf.duplicate());
            writeFully(ch, buf);
            i += take;
        }
        return (long) n * size;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
