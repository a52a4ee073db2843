/**
 * A pre-check of Matroska/WebM bytes before mediabunny demuxes them. mediabunny 1.61 "resyncs" when it meets
 * bytes that are not an element where a top-level (level 1) element should be, and that search never ends
 * when it finds none (it keeps re-reading the last 8 bytes): a damaged 362-byte WebM freezes the thread. So
 * every place its demuxer reads a level-1 element header, walked by its own rules, must hold one.
 *
 * EBML (RFC 8794): an element is a variable-length ID, a variable-length size (all ones: unknown) and data.
 */

const segmentId = 0x18538067;
const clusterId = 0x1f43b675;
const cuesId = 0x1c53bb6b;
const voidId = 0xec;
const level0Ids = [0x1a45dfa3, segmentId];
const level1Ids = [0x114d9b74, 0x1549a966, clusterId, 0x1654ae6b, cuesId, 0x1941a469, 0x1043a770, 0x1254c367];

/** The EBML magic (the EBML header's ID) every Matroska/WebM file starts with. */
export function isMatroska(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3;
}

interface ElementHeader {
  id: number;
  /** undefined: unknown size. */
  size: number | undefined;
  dataStart: number;
}

/** A variable-length integer at `position`: its width and value, or null (as mediabunny reads them). */
function varInt(bytes: Uint8Array, position: number, end: number): { width: number; value: number } | null {
  if (position >= end) return null;
  const first = bytes[position]!;
  if (first === 0) return null;
  const width = Math.clz32(first) - 23;
  if (position + width > end) return null;
  let value = first & ((0x80 >> (width - 1)) - 1);
  for (let index = 1; index < width; index++) value = value * 256 + bytes[position + index]!;
  return { width, value };
}

function readHeader(bytes: Uint8Array, position: number, end: number): ElementHeader | null {
  const id = varInt(bytes, position, end);
  if (id === null) return null;
  // IDs keep their length marker: the raw bytes.
  let idValue = 0;
  for (let index = 0; index < id.width; index++) idValue = idValue * 256 + bytes[position + index]!;
  const sizeAt = position + id.width;
  if (sizeAt >= end) return null;
  if (bytes[sizeAt] === 0xff) return { id: idValue, size: undefined, dataStart: sizeAt + 1 };
  const size = varInt(bytes, sizeAt, end);
  if (size === null) return null;
  const unknown = size.value === 2 ** 56 - 1;
  return { id: idValue, size: unknown ? undefined : size.value, dataStart: sizeAt + size.width };
}

/**
 * Where mediabunny's `readCluster` ends a cluster, or undefined where it throws instead (an unknown-size
 * child). An unknown size is found by walking the children to the next level-0/1 element (else the segment
 * end); the children are then read up to the first one that is not a child, and the last child's own size
 * decides the end even past the cluster's (so an end may lie beyond the file).
 */
function clusterEnd(bytes: Uint8Array, header: ElementHeader, segmentEnd: number): number | undefined {
  const isBoundary = (id: number) => level0Ids.includes(id) || level1Ids.includes(id);
  let size = header.size;
  if (size === undefined) {
    let position = header.dataStart;
    let end: number | undefined;
    while (position < segmentEnd) {
      const child = readHeader(bytes, position, bytes.length);
      if (child === null) break;
      if (isBoundary(child.id)) {
        end = position;
        break;
      }
      if (child.size === undefined) return undefined;
      position = child.dataStart + child.size;
    }
    size = (end ?? Math.max(segmentEnd, position)) - header.dataStart;
  }
  const declaredEnd = header.dataStart + size;
  if (declaredEnd > bytes.length) return declaredEnd; // mediabunny reads no children: its slice is null
  let position = header.dataStart;
  while (declaredEnd - position >= 2) {
    const child = readHeader(bytes, position, declaredEnd);
    if (child === null || isBoundary(child.id)) return position;
    if (child.size === undefined) return undefined;
    position = child.dataStart + child.size;
  }
  return position;
}

/** The CueClusterPosition values (relative to the segment data) of a Cues element. */
function cueClusterPositions(bytes: Uint8Array, header: ElementHeader): number[] {
  const positions: number[] = [];
  const walk = (start: number, end: number, depth: number) => {
    let position = start;
    while (end - position >= 2) {
      const child = readHeader(bytes, position, end);
      if (child === null || child.size === undefined) return;
      const childEnd = Math.min(child.dataStart + child.size, end);
      if (child.id === 0xf1 && child.size >= 1 && child.size <= 8) {
        let value = 0;
        for (let index = child.dataStart; index < childEnd; index++) value = value * 256 + bytes[index]!;
        positions.push(value);
      } else if ((child.id === 0xbb || child.id === 0xb7) && depth < 2) {
        walk(child.dataStart, childEnd, depth + 1);
      }
      position = child.dataStart + child.size;
    }
  };
  if (header.size !== undefined)
    walk(header.dataStart, Math.min(header.dataStart + header.size, bytes.length), 0);
  return positions;
}

/**
 * The first place where mediabunny's Matroska demuxer would meet something other than a level-1 element
 * (and start its endless resync), as a message; undefined when there is none. Walks each segment's
 * level-1 elements from its start, cluster ends as mediabunny computes them, and the chains from every
 * cue's cluster position.
 */
export function findMatroskaJunk(bytes: Uint8Array): string | undefined {
  let position = 0;
  while (bytes.length - position >= 2) {
    const header = readHeader(bytes, position, bytes.length);
    if (header === null || (header.size === undefined && header.id !== segmentId)) return undefined;
    if (header.id === segmentId) {
      const segmentEnd =
        header.size === undefined ? bytes.length : Math.min(header.dataStart + header.size, bytes.length);
      const junk = findLevel1Junk(bytes, header.dataStart, segmentEnd);
      if (junk !== undefined) return junk;
      if (header.size === undefined) return undefined;
    }
    position = header.dataStart + header.size!;
  }
  return undefined;
}

function findLevel1Junk(bytes: Uint8Array, segmentStart: number, segmentEnd: number): string | undefined {
  const visited = new Set<number>();
  const starts = [segmentStart];
  while (starts.length > 0) {
    let position = starts.pop()!;
    while (segmentEnd - position >= 2 && !visited.has(position)) {
      visited.add(position);
      const header = readHeader(bytes, position, bytes.length);
      if (header === null || (!level1Ids.includes(header.id) && header.id !== voidId)) {
        return `byte ${position} holds no top-level element (damaged or truncated file)`;
      }
      if (header.id === clusterId) {
        const end = clusterEnd(bytes, header, segmentEnd);
        if (end === undefined) break;
        position = end;
        continue;
      }
      if (header.size === undefined) break;
      if (header.id === cuesId) {
        for (const cue of cueClusterPositions(bytes, header)) starts.push(segmentStart + cue);
      }
      position = header.dataStart + header.size;
    }
  }
  return undefined;
}
