package org.rnn4j;

import java.util.Objects;

/**
 * An ONNX recurrent activation function with its optional alpha/beta parameters.
 * Immutable and thread-safe.
 *
 * <p>Definitions follow the ONNX RNN/LSTM/GRU operator documentation. Where ONNX gives no default for a
 * parameter, the values below are those of the stand-alone ONNX operator of the same name
 * (LeakyRelu 0.01, ThresholdedRelu 1.0, HardSigmoid 0.2/0.5, Elu 1.0); Affine and ScaledTanh default to the
 * identity-preserving 1.0/0.0 and 1.0/1.0.
 *
 * <p>ThresholdedRelu is {@code x > α ? x : 0} (the stand-alone ONNX operator and ONNX Runtime's recurrent activation;
 * the RNN operators' own table says {@code x >= α}, which neither follows), with α compared as the float it is in
 * ONNX: a FLOAT attribute, cast to the data's type. So {@code thresholdedRelu(0.1)} (what an imported 0.1f becomes)
 * has the threshold 0.1f, on every backend and in the float64 reference alike, and x = 0.1f gives 0.
 */
public record Activation(Kind kind, double alpha, double beta) {

    /** The ONNX activation names, in ONNX spelling via {@link #onnxName()}. */
    public enum Kind {
        RELU("Relu", 0, 0, 0),
        TANH("Tanh", 0, 0, 0),
        SIGMOID("Sigmoid", 0, 0, 0),
        AFFINE("Affine", 2, 1.0, 0.0),
        LEAKY_RELU("LeakyRelu", 1, 0.01, 0),
        THRESHOLDED_RELU("ThresholdedRelu", 1, 1.0, 0),
        SCALED_TANH("ScaledTanh", 2, 1.0, 1.0),
        HARD_SIGMOID("HardSigmoid", 2, 0.2, 0.5),
        ELU("Elu", 1, 1.0, 0),
        SOFTSIGN("Softsign", 0, 0, 0),
        SOFTPLUS("Softplus", 0, 0, 0);

        private final String onnxName;
        private final int parameterCount;
        private final double defaultAlpha;
        private final double defaultBeta;

        Kind(String onnxName, int parameterCount, double defaultAlpha, double defaultBeta) {
            this.onnxName = onnxName;
            this.parameterCount = parameterCount;
            this.defaultAlpha = defaultAlpha;
            this.defaultBeta = defaultBeta;
        }

        public String onnxName() { return onnxName; }

        /** How many of alpha, beta this activation reads (0, 1: alpha, 2: alpha and beta). */
        public int parameterCount() { return parameterCount; }

        public double defaultAlpha() { return defaultAlpha; }

        public double defaultBeta() { return defaultBeta; }

        /** Looks up an ONNX activation name, case-insensitively. */
        public static Kind fromOnnxName(String name) {
            for (Kind k : values()) {
                if (k.onnxName.equalsIgnoreCase(name)) return k;
            }
            throw new IllegalArgumentException("activation: expected one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                    + "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus but was '" + name + "'");
        }
    }

    public static final Activation RELU = of(Kind.RELU);
    public static final Activation TANH = of(Kind.TANH);
    public static final Activation SIGMOID = of(Kind.SIGMOID);
    public static final Activation SOFTSIGN = of(Kind.SOFTSIGN);
    public static final Activation SOFTPLUS = of(Kind.SOFTPLUS);
    public static final Activation HARD_SIGMOID_DEFAULT = of(Kind.HARD_SIGMOID);

    public Activation {
        Objects.requireNonNull(kind, "kind");
        if (!Double.isFinite(alpha)) throw new IllegalArgumentException("activation alpha: expected a finite number but was " + alpha);
        if (!Double.isFinite(beta)) throw new IllegalArgumentException("activation beta: expected a finite number but was " + beta);
        if (kind.parameterCount < 2 && beta != kind.defaultBeta) {
            throw new IllegalArgumentException("activation beta: " + kind.onnxName + " takes no beta but was " + beta);
        }
        if (kind.parameterCount < 1 && alpha != kind.defaultAlpha) {
            throw new IllegalArgumentException("activation alpha: " + kind.onnxName + " takes no alpha but was " + alpha);
        }
    }

    /** The activation with its default parameters. */
    public static Activation of(Kind kind) {
        return new Activation(kind, kind.defaultAlpha, kind.defaultBeta);
    }

    public static Activation leakyRelu(double alpha) { return new Activation(Kind.LEAKY_RELU, alpha, 0); }

    public static Activation thresholdedRelu(double alpha) { return new Activation(Kind.THRESHOLDED_RELU, alpha, 0); }

    public static Activation elu(double alpha) { return new Activation(Kind.ELU, alpha, 0); }

    public static Activation affine(double alpha, double beta) { return new Activation(Kind.AFFINE, alpha, beta); }

    public static Activation scaledTanh(double alpha, double beta) { return new Activation(Kind.SCALED_TANH, alpha, beta); }

    public static Activation hardSigmoid(double alpha, double beta) { return new Activation(Kind.HARD_SIGMOID, alpha, beta); }

    /** Applies the function in float64; the one definition every backend is checked against. */
    public double apply(double x) {
        switch (kind) {
            case RELU: return Math.max(0.0, x);
            case TANH: return Math.tanh(x);
            case SIGMOID: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case AFFINE: return alpha * x + beta;
            case LEAKY_RELU: return x >= 0 ? x : alpha * x;
            case THRESHOLDED_RELU: return x > (float) alpha ? x : 0.0;
            case SCALED_TANH: return alpha * Math.tanh(beta * x);
            case HARD_SIGMOID: return Math.min(1.0, Math.max(0.0, alpha * x + beta));
            case ELU: return x >= 0 ? x : alpha * (Math.exp(x) - 1.0);
            case SOFTSIGN: return x / (1.0 + Math.abs(x));
            case SOFTPLUS: return x > 30 ? x : Math.log1p(Math.exp(x));
            default: throw new AssertionError(kind);
        }
    }

    @Override
    public String toString() {
        switch (kind.parameterCount) {
            case 0: return kind.onnxName;
            case 1: return kind.onnxName + "(" + alpha + ")";
            default: return kind.onnxName + "(" + alpha + ", " + beta + ")";
        }
    }
}
