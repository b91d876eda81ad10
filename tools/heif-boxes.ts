/**
 * Small edits to the boxes of a HEIF file, for test fixtures: Debian's heif-enc (libheif 1.15)
 * writes no rotation or mirror properties, and tests need HEIC files whose header says what an
 * iPhone's does (irot, imir), whose primary image is not the first, or whose declared size is
 * a pixel bomb. Only what heif-enc writes is handled: a top-level `meta` with `iloc` using file
 * offsets (construction method 0) into an `mdat` after it.
 *
 *   npx tsx tools/heif-boxes.ts rotate IN OUT ANGLE     (irot: ANGLE × 90° anti-clockwise)
 *   npx tsx tools/heif-boxes.ts mirror IN OUT MODE      (imir: 0 top-to-bottom, 1 left-to-right)
 *   npx tsx tools/heif-boxes.ts primary IN OUT ITEM_ID
 *   npx tsx tools/heif-boxes.ts declare IN OUT WIDTH HEIGHT
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface Box {
  type: string;
  start: number;
  size: number;
  /** Where the payload starts: after the header, and after version and flags for full boxes. */
  body: number;
}

const FULL = new Set(["meta", "pitm", "iloc", "ipma", "ispe"]);

function children(bytes: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  for (let p = from; p + 8 <= to; ) {
    const size = bytes.readUInt32BE(p);
    const type = bytes.toString("latin1", p + 4, p + 8);
    if (size < 8 || p + size > to) throw new Error(`bad ${type} box at ${p}`);
    out.push({ type, start: p, size, body: p + 8 + (FULL.has(type) ? 4 : 0) });
    p += size;
  }
  return out;
}

function child(bytes: Buffer, parent: Box, type: string): Box {
  const found = children(bytes, parent.body, parent.start + parent.size).find((b) => b.type === type);
  if (!found) throw new Error(`no ${type} box in ${parent.type}`);
  return found;
}

function layout(bytes: Buffer) {
  const meta = children(bytes, 0, bytes.length).find((b) => b.type === "meta");
  if (!meta) throw new Error("no meta box");
  const iprp = child(bytes, meta, "iprp");
  return {
    meta,
    iprp,
    ipco: child(bytes, iprp, "ipco"),
    ipma: child(bytes, iprp, "ipma"),
    iloc: child(bytes, meta, "iloc"),
    pitm: child(bytes, meta, "pitm"),
  };
}

interface Association {
  /** Offset of the association's first byte. */
  at: number;
  index: number;
}

/** ipma: per item, its count byte's offset and its property associations (1-based ipco indexes). */
function associations(bytes: Buffer, ipma: Box) {
  const version = bytes[ipma.start + 8] ?? 0;
  const wide = ((bytes[ipma.start + 11] ?? 0) & 1) === 1;
  const items = new Map<number, { countAt: number; end: number; list: Association[] }>();
  let p = ipma.body;
  const entries = bytes.readUInt32BE(p);
  p += 4;
  for (let i = 0; i < entries; i++) {
    const id = version < 1 ? bytes.readUInt16BE(p) : bytes.readUInt32BE(p);
    p += version < 1 ? 2 : 4;
    const countAt = p;
    const count = bytes[p++] ?? 0;
    const list: Association[] = [];
    for (let j = 0; j < count; j++) {
      const index = wide ? bytes.readUInt16BE(p) & 0x7fff : (bytes[p] ?? 0) & 0x7f;
      list.push({ at: p, index });
      p += wide ? 2 : 1;
    }
    items.set(id, { countAt, end: p, list });
  }
  return { wide, items };
}

function itemEntry(bytes: Buffer, ipma: Box, item: number) {
  const { wide, items } = associations(bytes, ipma);
  const entry = items.get(item);
  if (!entry) throw new Error(`item ${item} has no properties`);
  return { wide, entry };
}

/** Adds 'by' to every file offset in iloc that points at or past 'from' (the inserted bytes' place). */
function shiftIloc(bytes: Buffer, iloc: Box, from: number, by: number): void {
  const version = bytes[iloc.start + 8] ?? 0;
  let p = iloc.body;
  const sizes = bytes.readUInt16BE(p);
  p += 2;
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseSize = (sizes >> 4) & 15;
  const indexSize = version >= 1 ? sizes & 15 : 0;
  const read = (at: number, n: number) =>
    n === 0 ? 0 : n === 4 ? bytes.readUInt32BE(at) : Number(bytes.readBigUInt64BE(at));
  const write = (at: number, n: number, v: number) =>
    n === 4 ? bytes.writeUInt32BE(v, at) : bytes.writeBigUInt64BE(BigInt(v), at);
  const count = version < 2 ? bytes.readUInt16BE(p) : bytes.readUInt32BE(p);
  p += version < 2 ? 2 : 4;
  for (let i = 0; i < count; i++) {
    p += version < 2 ? 2 : 4;
    const method = version >= 1 ? bytes.readUInt16BE(p) & 15 : 0;
    if (version >= 1) p += 2;
    p += 2; // data_reference_index
    const baseAt = p;
    const base = read(p, baseSize);
    p += baseSize;
    const extents = bytes.readUInt16BE(p);
    p += 2;
    for (let j = 0; j < extents; j++) {
      p += indexSize;
      const offset = read(p, offsetSize);
      if (method === 0 && base + offset >= from) {
        if (baseSize > 0 && base > 0) {
          if (j === 0) write(baseAt, baseSize, base + by);
        } else write(p, offsetSize, offset + by);
      }
      p += offsetSize + lengthSize;
    }
  }
}

function grow(bytes: Buffer, boxes: Box[], by: number): void {
  for (const b of boxes) bytes.writeUInt32BE(bytes.readUInt32BE(b.start) + by, b.start);
}

/**
 * Appends a transformative property (irot or imir) to `item`, after its existing ones, marked
 * essential as the standard asks. Returns a new buffer.
 */
export function addTransform(bytes: Buffer, item: number, prop: { irot: number } | { imir: number }): Buffer {
  const out = Buffer.from(bytes);
  const l = layout(out);
  const type = "irot" in prop ? "irot" : "imir";
  const value = "irot" in prop ? prop.irot & 3 : prop.imir & 1;
  const property = Buffer.concat([
    Buffer.from([0, 0, 0, 9]),
    Buffer.from(type, "latin1"),
    Buffer.from([value]),
  ]);
  const index = children(out, l.ipco.body, l.ipco.start + l.ipco.size).length + 1;
  const { wide, entry } = itemEntry(out, l.ipma, item);
  if (!wide && index > 127) throw new Error("too many properties for one-byte associations");
  const association = wide ? Buffer.from([0x80 | (index >> 8), index & 255]) : Buffer.from([0x80 | index]);
  out[entry.countAt] = (out[entry.countAt] ?? 0) + 1;
  // Sizes first (on the original offsets), then the iloc shift, then the splices from the end back.
  grow(out, [l.meta, l.iprp, l.ipco], property.length);
  grow(out, [l.meta, l.iprp, l.ipma], association.length);
  const ipcoEnd = l.ipco.start + l.ipco.size;
  shiftIloc(out, l.iloc, ipcoEnd, property.length + association.length);
  const splices: [number, Buffer][] = [
    [ipcoEnd, property],
    [entry.end, association],
  ];
  splices.sort((a, b) => b[0] - a[0]);
  let result = out;
  for (const [at, insert] of splices)
    result = Buffer.concat([result.subarray(0, at), insert, result.subarray(at)]);
  return result;
}

/** Points pitm at another item (in place: same size). */
export function setPrimary(bytes: Buffer, item: number): Buffer {
  const out = Buffer.from(bytes);
  const { pitm } = layout(out);
  if ((out[pitm.start + 8] ?? 0) === 0) out.writeUInt16BE(item, pitm.body);
  else out.writeUInt32BE(item, pitm.body);
  return out;
}

/** Rewrites the size an item's ispe declares, leaving the coded image as it is. */
export function declareSize(bytes: Buffer, item: number, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  const l = layout(out);
  const props = children(out, l.ipco.body, l.ipco.start + l.ipco.size);
  const { entry } = itemEntry(out, l.ipma, item);
  const ispe = entry.list.map((a) => props[a.index - 1]).find((b) => b?.type === "ispe");
  if (!ispe) throw new Error(`item ${item} has no ispe`);
  out.writeUInt32BE(width, ispe.body);
  out.writeUInt32BE(height, ispe.body + 4);
  return out;
}

/** The primary item's id (pitm). */
export function primaryItem(bytes: Buffer): number {
  const { pitm } = layout(bytes);
  return (bytes[pitm.start + 8] ?? 0) === 0 ? bytes.readUInt16BE(pitm.body) : bytes.readUInt32BE(pitm.body);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, input, output, a, b] = process.argv.slice(2);
  if (!command || !input || !output || a === undefined) {
    process.stderr.write("usage: heif-boxes.ts rotate|mirror|primary|declare IN OUT VALUE [HEIGHT]\n");
    process.exit(2);
  }
  const bytes = readFileSync(input);
  const primary = primaryItem(bytes);
  const edited =
    command === "rotate"
      ? addTransform(bytes, primary, { irot: Number(a) })
      : command === "mirror"
        ? addTransform(bytes, primary, { imir: Number(a) })
        : command === "primary"
          ? setPrimary(bytes, Number(a))
          : declareSize(bytes, primary, Number(a), Number(b));
  writeFileSync(output, edited);
}
