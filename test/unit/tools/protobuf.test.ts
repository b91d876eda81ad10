import { describe, expect, it } from "vitest";
import {
  concat,
  floatField,
  intField,
  messageField,
  stringField,
} from "../../../tools/tiny-model/protobuf.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

// The expected bytes are the worked examples of the protocol-buffers encoding guide.
describe("the tiny model's protocol-buffers writer", () => {
  it("writes varints as the encoding guide does (field 1 = 150)", () => {
    expect(hex(intField(1, 150))).toBe("089601");
    expect(hex(intField(1, 1))).toBe("0801");
    expect(hex(intField(1, 0))).toBe("0800");
  });

  it("writes a negative int64 as ten bytes of two's complement", () => {
    expect(hex(intField(1, -1))).toBe("08ffffffffffffffffff01");
    expect(hex(intField(1, -1n))).toBe(hex(intField(1, -1)));
  });

  it("writes tags of high field numbers as varints too", () => {
    // ONNX's AttributeProto.type is field 20: (20 << 3) | 0 = 160 needs two bytes.
    expect(hex(intField(20, 2))).toBe("a00102");
  });

  it("writes strings and nested messages length-delimited", () => {
    expect(hex(stringField(2, "testing"))).toBe("120774657374696e67");
    expect(hex(messageField(3, [intField(1, 150)]))).toBe("1a03089601");
    expect(hex(stringField(1, "é"))).toBe("0a02c3a9");
  });

  it("writes floats as four little-endian bytes", () => {
    expect(hex(floatField(2, 1))).toBe("150000803f");
    expect(hex(floatField(2, -0.5))).toBe("15000000bf");
  });

  it("concatenates fields in order", () => {
    expect(hex(concat([intField(1, 150), stringField(2, "ab")]))).toBe("08960112026162");
  });
});
