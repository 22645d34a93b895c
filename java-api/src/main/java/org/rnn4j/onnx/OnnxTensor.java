package org.rnn4j.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.rnn4j.onnx.proto.Onnx.TensorProto;

/**
 * A dense ONNX tensor of float32 or int32 values (what the RNN/LSTM/GRU operators read and write), converted from
 * and to a serialized {@code TensorProto}. Immutable by contract: the value arrays are not copied, do not mutate
 * them; safe to share between threads.
 *
 * <p>{@code source} says where the tensor came from (a file path, or {@code initializer 'W'}) and appears in every
 * error message about it; it takes no part in {@link #equals}.
 */
public final class OnnxTensor {

    /** The element types rnn4j reads; ONNX {@code TensorProto.DataType} numbers. */
    public enum ElementType {
        FLOAT(TensorProto.DataType.FLOAT_VALUE), INT32(TensorProto.DataType.INT32_VALUE);

        private final int onnxCode;

        ElementType(int onnxCode) { this.onnxCode = onnxCode; }

        /** The {@code TensorProto.DataType} number. */
        public int onnxCode() { return onnxCode; }
    }

    private final String name;
    private final ElementType type;
    private final long[] dims;
    private final float[] floats;
    private final int[] ints;
    private final String source;

    private OnnxTensor(String name, ElementType type, long[] dims, float[] floats, int[] ints, String source) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = type;
        this.dims = dims.clone();
        this.floats = floats;
        this.ints = ints;
        this.source = source;
        long count = elementCount(dims, source);
        int actual = floats != null ? floats.length : ints.length;
        if (count != actual) {
            throw new IllegalArgumentException(source + ": dims " + Arrays.toString(dims) + " hold " + count
                    + " elements but " + actual + " values were given");
        }
    }

    /** A float32 tensor; {@code values} is row-major over {@code dims}. */
    public static OnnxTensor ofFloats(String name, float[] values, long... dims) {
        return new OnnxTensor(name, ElementType.FLOAT, dims, Objects.requireNonNull(values, "values"), null, "tensor '" + name + "'");
    }

    /** An int32 tensor; {@code values} is row-major over {@code dims}. */
    public static OnnxTensor ofInts(String name, int[] values, long... dims) {
        return new OnnxTensor(name, ElementType.INT32, dims, null, Objects.requireNonNull(values, "values"), "tensor '" + name + "'");
    }

    /**
     * Reads a serialized {@code TensorProto} file.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable, not a TensorProto, or holds a
     *     type or encoding rnn4j does not read
     */
    public static OnnxTensor read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": expected a TensorProto file but it does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e + ")", e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses a serialized {@code TensorProto}; {@code source} names it in error messages. */
    public static OnnxTensor parse(byte[] bytes, String source) {
        TensorProto proto;
        try {
            proto = TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(source + ": expected a serialized ONNX TensorProto but the protobuf is "
                    + "malformed (" + e.getMessage() + ")", e);
        }
        return fromProto(proto, source);
    }

    /** Converts a {@code TensorProto}; {@code source} names it in error messages. */
    public static OnnxTensor fromProto(TensorProto proto, String source) {
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL || proto.getExternalDataCount() > 0) {
            throw new IllegalArgumentException(source + ": expected the data inside the tensor but it is stored "
                    + "externally (ONNX external data is not supported)");
        }
        if (proto.hasSegment()) {
            throw new IllegalArgumentException(source + ": segmented tensors are not supported");
        }
        long[] dims = new long[proto.getDimsCount()];
        for (int i = 0; i < dims.length; i++) dims[i] = proto.getDims(i);
        long count = elementCount(dims, source);
        int code = proto.getDataType();
        boolean raw = !proto.getRawData().isEmpty();
        if (code == ElementType.FLOAT.onnxCode) {
            if (raw && proto.getFloatDataCount() > 0) throw bothEncodings(source, "float_data");
            float[] values = raw ? rawFloats(proto.getRawData(), count, source) : typedValues(proto.getFloatDataList(), count, source, "float_data");
            return new OnnxTensor(proto.getName(), ElementType.FLOAT, dims, values, null, source);
        }
        if (code == ElementType.INT32.onnxCode) {
            if (raw && proto.getInt32DataCount() > 0) throw bothEncodings(source, "int32_data");
            int[] values;
            if (raw) {
                values = new int[checkRawLength(proto.getRawData(), count, source)];
                proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
            } else {
                requireCount(proto.getInt32DataCount(), count, source, "int32_data");
                values = new int[(int) count];
                for (int i = 0; i < values.length; i++) values[i] = proto.getInt32Data(i);
            }
            return new OnnxTensor(proto.getName(), ElementType.INT32, dims, null, values, source);
        }
        throw new IllegalArgumentException(source + ": expected data_type FLOAT (1) or INT32 (6) but was " + typeName(code));
    }

    private static float[] rawFloats(ByteString raw, long count, String source) {
        float[] values = new float[checkRawLength(raw, count, source)];
        raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static float[] typedValues(java.util.List<Float> list, long count, String source, String field) {
        requireCount(list.size(), count, source, field);
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) values[i] = list.get(i);
        return values;
    }

    private static int checkRawLength(ByteString raw, long count, String source) {
        if (raw.size() != count * 4) {
            throw new IllegalArgumentException(source + ": dims hold " + count + " elements = " + (count * 4)
                    + " bytes of raw_data but it has " + raw.size() + " bytes");
        }
        return (int) count;
    }

    private static void requireCount(int actual, long expected, String source, String field) {
        if (actual != expected) {
            throw new IllegalArgumentException(source + ": dims hold " + expected + " elements but " + field + " has " + actual);
        }
    }

    private static IllegalArgumentException bothEncodings(String source, String field) {
        return new IllegalArgumentException(source + ": expected the values in raw_data or " + field + ", but both are set");
    }

    private static long elementCount(long[] dims, String source) {
        long count = 1;
        for (long d : dims) {
            if (d < 0) throw new IllegalArgumentException(source + ": dims " + Arrays.toString(dims) + " must be >= 0");
            // Compare before multiplying: count·d can pass Long.MAX_VALUE (dims near 2^63 in a damaged file).
            if (count > 0 && d > (Integer.MAX_VALUE - 8) / count) {
                throw new IllegalArgumentException(source + ": dims " + Arrays.toString(dims) + " hold more elements than a Java array can");
            }
            count *= d;
        }
        return count;
    }

    /** ONNX spelling of a {@code TensorProto.DataType} number, e.g. {@code DOUBLE (11)}. */
    static String typeName(int code) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(code);
        return (t == null ? "unknown" : t.name()) + " (" + code + ")";
    }

    /**
     * Protobuf serializes no message of 2 GiB or more (its sizes are 32-bit ints); ONNX keeps bigger tensors in
     * external data files, which rnn4j does not write.
     */
    static final long MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

    /** An upper bound of the serialized {@code TensorProto}: 4 bytes per value plus name, dims and field headers. */
    long serializedSizeBound() {
        return 4L * elementCount() + 3L * name.length() + 11L * dims.length + 32;
    }

    /**
     * The tensor as a {@code TensorProto}, values in little-endian {@code raw_data} (as ONNX's own tools write them).
     *
     * @throws IllegalArgumentException naming the tensor when it needs 2 GiB or more (external data is not supported)
     */
    public TensorProto toProto() {
        if (serializedSizeBound() > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(source + ": " + elementCount() + " values need " + 4L * elementCount()
                    + " bytes of raw_data, more than a protobuf message holds (" + MAX_MESSAGE_BYTES + " bytes); ONNX external"
                    + " data is not supported");
        }
        ByteBuffer raw = ByteBuffer.allocate(elementCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
        if (floats != null) raw.asFloatBuffer().put(floats); else raw.asIntBuffer().put(ints);
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) b.addDims(d);
        return b.build();
    }

    /** The serialized {@code TensorProto}. */
    public byte[] toBytes() { return toProto().toByteArray(); }

    /** Writes the serialized {@code TensorProto} to {@code file}. */
    public void write(Path file) throws IOException { Files.write(file, toBytes()); }

    public String name() { return name; }

    public ElementType type() { return type; }

    /** A copy of the dimensions. */
    public long[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    public long dim(int axis) { return dims[axis]; }

    public int elementCount() { return floats != null ? floats.length : ints.length; }

    /** The float32 values, row-major; throws if this is not a FLOAT tensor. */
    public float[] floats() {
        if (floats == null) throw new IllegalStateException(source + ": expected FLOAT but is " + type);
        return floats;
    }

    /** The int32 values, row-major; throws if this is not an INT32 tensor. */
    public int[] ints() {
        if (ints == null) throw new IllegalStateException(source + ": expected INT32 but is " + type);
        return ints;
    }

    /** Where the tensor came from, for messages. */
    public String source() { return source; }

    /** This tensor with another name (values shared). */
    public OnnxTensor withName(String newName) {
        return new OnnxTensor(newName, type, dims, floats, ints, source);
    }

    /** This tensor described as coming from {@code newSource} (values shared). */
    public OnnxTensor withSource(String newSource) {
        return new OnnxTensor(name, type, dims, floats, ints, Objects.requireNonNull(newSource, "source"));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OnnxTensor)) return false;
        OnnxTensor t = (OnnxTensor) o;
        return name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && Arrays.equals(floats, t.floats) && Arrays.equals(ints, t.ints);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(dims), Arrays.hashCode(floats), Arrays.hashCode(ints));
    }

    @Override
    public String toString() { return "'" + name + "' " + type + Arrays.toString(dims); }
}
