import fc from 'fast-check';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Options of `editedJson`. */
export interface EditedJsonOptions {
  /** Most edits applied to one seed. Default 3. */
  maxEdits?: number;
  /** Extra replacement values (besides fast-check's `jsonValue`, deletion and the usual extremes). */
  values?: readonly Json[];
}

/** Values that probe a schema: wrong types, zero and extremes, empty containers. */
const probeValues: readonly Json[] = [
  -1,
  0,
  0.5,
  1,
  3,
  2 ** 31,
  2 ** 53,
  1e308,
  -1e308,
  '',
  null,
  [],
  {},
  true,
];

/** Every path to a value inside `value`, the root included as []. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

/**
 * `value` with the node at `path` replaced, or deleted when `replacement` is undefined; unchanged when an
 * earlier edit removed the path.
 */
function edited(value: Json, path: readonly (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [key, ...rest] = path;
  if (value === null || typeof value !== 'object' || !(key! in value)) return value;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(key as number, 1);
    else copy[key as number] = edited(copy[key as number]!, rest, replacement);
    return copy;
  }
  const copy = { ...value };
  if (rest.length === 0 && replacement === undefined) delete copy[key as string];
  else copy[key as string] = edited(copy[key as string]!, rest, replacement);
  return copy;
}

/**
 * Inputs for fuzzing a parser of JSON documents (manifests, tokenizer files): one of `seeds` (valid
 * documents) with a few nodes, anywhere in the tree, replaced by a hostile value (wrong type, extreme
 * number, empty container, random JSON) or deleted. The seeds are never modified.
 */
export function editedJson(seeds: readonly Json[], options: EditedJsonOptions = {}): fc.Arbitrary<Json> {
  if (seeds.length === 0) throw new RangeError('editedJson needs at least one seed.');
  const indexed = seeds.map((seed) => ({ seed, paths: pathsOf(seed) }));
  const replacements: fc.Arbitrary<Json | undefined> = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom<Json>(...probeValues, ...(options.values ?? [])),
    fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  );
  const edits = fc.array(fc.tuple(fc.nat(), replacements), {
    minLength: 1,
    maxLength: options.maxEdits ?? 3,
  });
  return fc.tuple(fc.nat(seeds.length - 1), edits).map(([which, changes]) => {
    const { seed, paths } = indexed[which]!;
    return changes.reduce(
      (value, [pick, replacement]) => edited(value, paths[pick % paths.length]!, replacement),
      seed,
    );
  });
}
