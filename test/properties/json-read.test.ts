import * as fc from 'fast-check';
import { rec as analyzerRec, str as analyzerStr, strMap as analyzerStrMap, arr as analyzerArr } from '../../src/analyzer/model';
import { objectArray, stringField, stringMap } from '../../src/gitops/manifest';
import { rec, textMap } from '../../src/internal/json';
import { apiGroupOf } from '../../src/kinds';
import { labelMap, list, obj, readObjects } from '../../src/picture/read';
import { SEED } from './settings';

const params = (offset: number) => ({ seed: SEED + offset, numRuns: 300 });
const json = fc.jsonValue({ maxDepth: 3 });

describe('JSON reading: one set of readers (src/internal/json.ts) for the analyzer, the picture and the GitOps output', () => {
  test('records, lists and strings read the same everywhere', () => {
    fc.assert(fc.property(json, (v) => {
      expect(obj(v)).toBe(analyzerRec(v));
      expect(list(v)).toEqual(analyzerArr(v));
      expect(stringField(v)).toBe(analyzerStr(v));
      expect(stringField({ a: { b: v } }, 'a', 'b')).toBe(analyzerStr(v));
      expect(objectArray({ x: v }, 'x')).toEqual(analyzerArr(v).filter((e) => rec(e) !== undefined));
    }), params(801));
  });

  test('label maps: the same entries (the picture sorts its keys)', () => {
    fc.assert(fc.property(fc.oneof(json, fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)))), (v) => {
      const shared = textMap(v);
      expect(analyzerStrMap(v)).toEqual(shared ?? {});
      expect(stringMap({ m: v }, 'm')).toEqual(shared);
      expect(labelMap(v)).toEqual(shared);
    }), params(802));
  });

  test('the API group of an object is apiGroupOf everywhere', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ minLength: 1, maxLength: 6 }), (apiVersion, name) => {
      fc.pre(apiVersion.length > 0);
      const [read] = readObjects([{ apiVersion, kind: 'K', metadata: { name } }]);
      expect(read.group).toBe(apiGroupOf(apiVersion));
    }), params(803));
  });
});
