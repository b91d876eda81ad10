/**
 * A minimal protocol-buffers writer: just the wire types the ONNX messages need
 * (varint, 32-bit float, length-delimited). Messages are built bottom-up as byte arrays.
 */

const VARINT = 0;
const LEN = 2;
const I32 = 5;

export type Field = Uint8Array;

function varint(value: bigint | number): number[] {
  let v = BigInt(value);
  // Negative int64 values are encoded as 10-byte two's complement.
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function tag(field: number, wire: number): number[] {
  return varint((field << 3) | wire);
}

export function intField(field: number, value: number | bigint): Field {
  return Uint8Array.from([...tag(field, VARINT), ...varint(value)]);
}

export function floatField(field: number, value: number): Field {
  const buf = Buffer.alloc(4);
  buf.writeFloatLE(value);
  return Uint8Array.from([...tag(field, I32), ...buf]);
}

export function bytesField(field: number, bytes: Uint8Array): Field {
  return concat([Uint8Array.from([...tag(field, LEN), ...varint(bytes.length)]), bytes]);
}

export function stringField(field: number, value: string): Field {
  return bytesField(field, Buffer.from(value, "utf8"));
}

export function messageField(field: number, parts: Field[]): Field {
  return bytesField(field, concat(parts));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
