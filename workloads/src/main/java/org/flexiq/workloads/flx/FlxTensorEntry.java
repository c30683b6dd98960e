package org.flexiq.workloads.flx;

import org.flexiq.workloads.ir.Shape;

/**
 * One row of a .flx tensor table.
 *
 * @param offset bytes from the start of the data section; a multiple of {@link FlxFormat#ALIGNMENT}
 * @param length bytes of data: elements x element size
 * @param crc32  CRC-32 (ISO-HDLC, as java.util.zip.CRC32) of those bytes
 */
public record FlxTensorEntry(String name, String dtype, Shape shape, long offset, long length, long crc32) {
}
