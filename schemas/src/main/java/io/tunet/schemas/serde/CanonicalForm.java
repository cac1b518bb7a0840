package io.tunet.schemas.serde;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;

/**
 * The parsing canonical forms that Avro implementations actually write for a schema, and so the fingerprints
 * their single-object headers carry. The specification leaves open how a primitive that carries a logical
 * type is written, and libraries answer differently; a Python publisher's {@code acquiredAt} made every
 * Acquisition it sent unknown to a Java reader (issue 15). Readers therefore know each schema under the
 * fingerprint of every form here ({@link SchemaHistory}); writers only ever write {@link #JAVA}'s.
 *
 * <p>Each form is computed from the schema by the rules read in the named library's source, not kept as a
 * list of fingerprints. Where the library could be run here, a test checks the form against its output.
 */
enum CanonicalForm {

    /**
     * Java's {@code SchemaNormalization}: a primitive is its type name whatever it carries, a repeated named
     * type its full name. Writers use this form. Apache Avro C# ({@code SchemaNormalization.cs}) and fastavro
     * ({@code _to_parsing_canonical_form}) also write a logical type's primitive by its type name.
     */
    JAVA(Primitive.NAME, Repeat.FULL_NAME, true),

    /**
     * Python {@code avro} 1.11 and later ({@code schema.py}, unchanged on main): a primitive that carries any
     * attribute, a logical type included, is written {@code {"type":"long"}}; a repeated fixed is written out
     * again in full. Rust apache-avro 0.17 and later (AVRO-4004) and linkedin/goavro also write
     * {@code {"type":"long"}} for a logical type, so they agree with this form on our schemas (goavro
     * fingerprints the schema text as given: only where it spells every named type by its full name).
     */
    PYTHON(Primitive.TYPE_OBJECT, Repeat.FULL_NAME, false),

    /**
     * hamba/avro (Go, {@code String()} of its schemas): a logical type is kept,
     * {@code {"type":"long","logicalType":"timestamp-millis"}}, decimal with its precision and any non-zero
     * scale. Rust apache-avro up to 0.16 wrote the same for logical types without parameters.
     */
    GO_HAMBA(Primitive.TYPE_AND_LOGICAL_TYPE, Repeat.FULL_NAME, true),

    /**
     * Ruby {@code avro} ({@code schema_normalization.rb}): as Java, except that a repeated named type is
     * written, and recognised as repeated, by its short name.
     */
    RUBY(Primitive.NAME, Repeat.SHORT_NAME, true);

    private enum Primitive { NAME, TYPE_OBJECT, TYPE_AND_LOGICAL_TYPE }

    private enum Repeat { FULL_NAME, SHORT_NAME }

    private final Primitive primitive;
    private final Repeat repeat;
    private final boolean fixedByName;

    CanonicalForm(Primitive primitive, Repeat repeat, boolean fixedByName) {
        this.primitive = primitive;
        this.repeat = repeat;
        this.fixedByName = fixedByName;
    }

    /** The schema's parsing canonical form as this implementation writes it. */
    String of(Schema schema) {
        StringBuilder out = new StringBuilder(512);
        write(schema, new HashSet<>(), out);
        return out.toString();
    }

    /** The CRC-64-AVRO fingerprint of {@link #of}, as a single-object header carries it. */
    long fingerprint(Schema schema) {
        return SchemaNormalization.fingerprint64(of(schema).getBytes(StandardCharsets.UTF_8));
    }

    private void write(Schema schema, Set<String> named, StringBuilder out) {
        switch (schema.getType()) {
            case UNION -> {
                out.append('[');
                List<Schema> branches = schema.getTypes();
                for (int i = 0; i < branches.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(branches.get(i), named, out);
                }
                out.append(']');
            }
            case ARRAY -> {
                out.append("{\"type\":\"array\",\"items\":");
                write(schema.getElementType(), named, out);
                out.append('}');
            }
            case MAP -> {
                out.append("{\"type\":\"map\",\"values\":");
                write(schema.getValueType(), named, out);
                out.append('}');
            }
            case RECORD, ENUM, FIXED -> writeNamed(schema, named, out);
            default -> writePrimitive(schema, out);
        }
    }

    private void writeNamed(Schema schema, Set<String> named, StringBuilder out) {
        String reference = repeat == Repeat.SHORT_NAME ? schema.getName() : schema.getFullName();
        boolean tracked = fixedByName || schema.getType() != Schema.Type.FIXED;
        if (tracked && !named.add(reference)) {
            out.append('"').append(reference).append('"');
            return;
        }
        out.append("{\"name\":\"").append(schema.getFullName())
                .append("\",\"type\":\"").append(schema.getType().getName()).append('"');
        switch (schema.getType()) {
            case ENUM -> {
                out.append(",\"symbols\":[");
                List<String> symbols = schema.getEnumSymbols();
                for (int i = 0; i < symbols.size(); i++) {
                    out.append(i > 0 ? ",\"" : "\"").append(symbols.get(i)).append('"');
                }
                out.append(']');
            }
            case FIXED -> {
                out.append(",\"size\":").append(schema.getFixedSize());
                if (primitive == Primitive.TYPE_AND_LOGICAL_TYPE && schema.getLogicalType() != null) {
                    appendLogicalType(schema.getLogicalType(), out);
                }
            }
            default -> {
                out.append(",\"fields\":[");
                List<Schema.Field> fields = schema.getFields();
                for (int i = 0; i < fields.size(); i++) {
                    out.append(i > 0 ? ",{\"name\":\"" : "{\"name\":\"").append(fields.get(i).name()).append("\",\"type\":");
                    write(fields.get(i).schema(), named, out);
                    out.append('}');
                }
                out.append(']');
            }
        }
        out.append('}');
    }

    private void writePrimitive(Schema schema, StringBuilder out) {
        String type = schema.getType().getName();
        boolean asObject = switch (primitive) {
            case NAME -> false;
            // Python keeps the object form for any attribute of the schema as published; avro.java.string
            // is not published, Java's code generator adds it to the generated class's copy.
            case TYPE_OBJECT -> schema.getObjectProps().keySet().stream().anyMatch(key -> !key.equals(GenericData.STRING_PROP));
            case TYPE_AND_LOGICAL_TYPE -> schema.getLogicalType() != null;
        };
        if (!asObject) {
            out.append('"').append(type).append('"');
            return;
        }
        out.append("{\"type\":\"").append(type).append('"');
        if (primitive == Primitive.TYPE_AND_LOGICAL_TYPE) {
            appendLogicalType(schema.getLogicalType(), out);
        }
        out.append('}');
    }

    private static void appendLogicalType(LogicalType logicalType, StringBuilder out) {
        out.append(",\"logicalType\":\"").append(logicalType.getName()).append('"');
        if (logicalType instanceof LogicalTypes.Decimal decimal) {
            out.append(",\"precision\":").append(decimal.getPrecision());
            if (decimal.getScale() > 0) {
                out.append(",\"scale\":").append(decimal.getScale());
            }
        }
    }
}
