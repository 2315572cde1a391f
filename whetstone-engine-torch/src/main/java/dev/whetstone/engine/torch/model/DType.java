package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types a safetensors file may hold that we read or write, with their libtorch counterpart. */
public enum DType {
    F64("F64", ScalarType.Double, 8),
    F32("F32", ScalarType.Float, 4),
    BF16("BF16", ScalarType.BFloat16, 2),
    F16("F16", ScalarType.Half, 2),
    I64("I64", ScalarType.Long, 8),
    I32("I32", ScalarType.Int, 4),
    U8("U8", ScalarType.Byte, 1),
    BOOL("BOOL", ScalarType.Bool, 1);

    private final String safetensorsName;
    private final ScalarType scalarType;
    private final int bytes;

    DType(String safetensorsName, ScalarType scalarType, int bytes) {
        this.safetensorsName = safetensorsName;
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    public String safetensorsName() { return safetensorsName; }

    public ScalarType scalarType() { return scalarType; }

    public int bytes() { return bytes; }

    public boolean isFloatingPoint() { return this == F64 || this == F32 || this == BF16 || this == F16; }

    public static DType fromSafetensors(String name, String where) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) return d;
        }
        throw new IllegalArgumentException(where + ": unsupported safetensors dtype '" + name
                + "'; supported: F64, F32, BF16, F16, I64, I32, U8, BOOL");
    }

    public static DType of(ScalarType type) {
        for (DType d : values()) {
            if (d.scalarType == type) return d;
        }
        throw new IllegalArgumentException("no safetensors dtype for libtorch type " + type);
    }
}
