// Draws images/icon.png (128x128): an envelope with a check mark, in plain
// pixel math, so the icon needs no image tool. Run: node scripts/make-icon.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 128;
const NAVY = [31, 58, 95, 255];
const PAPER = [244, 241, 232, 255];
const GREEN = [63, 163, 91, 255];
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** Distance from point p to the segment a–b. */
function segmentDistance(px, py, ax, ay, bx, by) {
  const t = Math.max(
    0,
    Math.min(
      1,
      ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
    ),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

function insideRoundedRect(x, y, left, top, right, bottom, radius) {
  const cx = Math.max(left + radius, Math.min(right - radius, x));
  const cy = Math.max(top + radius, Math.min(bottom - radius, y));
  return Math.hypot(x - cx, y - cy) <= radius;
}

function pixel(x, y) {
  const checkCenter = [98, 93];
  const inCheckCircle = Math.hypot(x - checkCenter[0], y - checkCenter[1]) <= 19;
  if (inCheckCircle) {
    const onTick =
      segmentDistance(x, y, 89, 93, 96, 100) <= 3 || segmentDistance(x, y, 96, 100, 108, 86) <= 3;
    return onTick ? WHITE : GREEN;
  }
  if (Math.hypot(x - checkCenter[0], y - checkCenter[1]) <= 23) return NAVY;
  if (!insideRoundedRect(x, y, 4, 4, 124, 124, 18)) return CLEAR;
  if (insideRoundedRect(x, y, 20, 36, 108, 96, 5)) {
    const onFlap =
      segmentDistance(x, y, 20, 41, 64, 73) <= 3 || segmentDistance(x, y, 64, 73, 108, 41) <= 3;
    return onFlap ? NAVY : PAPER;
  }
  return NAVY;
}

const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x + 0.5, y + 0.5)).copy(row, 1 + x * 4);
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(Buffer.concat(rows))),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("../images/icon.png", import.meta.url), png);
