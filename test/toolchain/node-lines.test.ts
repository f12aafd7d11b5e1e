/**
 * scripts/node-lines.js (the `node-lines` task of `npm test`): the `engines` range of package.json and the
 * lines the script runs must be the same claim, and its dist/ comparison must see every kind of difference.
 * The script itself runs jest and the synth on each line; these tests check its own logic on whatever line
 * runs them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Line { readonly line: string; readonly version: string; readonly node: string }
interface NodeLines {
  readonly LINES: Record<string, string>;
  readonly NEWEST_LTS: string;
  engineRanges(): { major: number; floor: number[] }[];
  satisfies(version: string, ranges: { major: number; floor: number[] }[]): boolean;
  checkEngines(lines: Line[], full: boolean): string[];
  compareTrees(expected: string, actual: string): string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeLines: NodeLines = require('../../scripts/node-lines');

const line = (version: string): Line => ({ line: version.split('.')[0], version, node: '/nonexistent' });

describe('node-lines', () => {
  test('every pinned line is inside package.json engines, and every line of engines is one of them or Node 20 (the machine line)', () => {
    const ranges = nodeLines.engineRanges();
    for (const v of Object.values(nodeLines.LINES)) expect(nodeLines.satisfies(v, ranges)).toBe(true);
    expect(ranges.map((r) => r.major).sort((a, b) => a - b)).toEqual([20, ...Object.keys(nodeLines.LINES).map(Number)].sort((a, b) => a - b));
    expect(Object.keys(nodeLines.LINES)).toContain(nodeLines.NEWEST_LTS);
  });

  test('the Node running the tests is inside engines', () => {
    expect(nodeLines.satisfies(process.versions.node, nodeLines.engineRanges())).toBe(true);
  });

  test('caret ranges: same major, at or above the floor', () => {
    const ranges = [{ major: 22, floor: [22, 23, 5] }];
    expect(nodeLines.satisfies('22.23.5', ranges)).toBe(true);
    expect(nodeLines.satisfies('22.24.0', ranges)).toBe(true);
    expect(nodeLines.satisfies('22.23.4', ranges)).toBe(false);
    expect(nodeLines.satisfies('22.9.9', ranges)).toBe(false);
    expect(nodeLines.satisfies('23.0.0', ranges)).toBe(false);
  });

  test('a full run that leaves out a line of engines fails, and so does a line outside engines', () => {
    const all = ['20.20.2', ...Object.values(nodeLines.LINES)].map(line);
    expect(nodeLines.checkEngines(all, true)).toEqual([]);
    expect(nodeLines.checkEngines(all.slice(1), true)).toEqual([expect.stringContaining('includes Node 20')]);
    expect(nodeLines.checkEngines(all.slice(1), false)).toEqual([]);
    expect(nodeLines.checkEngines([line('21.7.3')], false)).toEqual([expect.stringContaining('Node 21.7.3 is tested')]);
  });

  test('the dist/ comparison reports missing, extra and different files, byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-lines-test-'));
    const write = (root: string, file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, root, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, root, file), text);
    };
    try {
      write('a', 'mlops/00-crds.yaml', 'x: 1\n');
      write('a', 'pi/kustomization.yaml', 'k\n');
      write('a', 'same.yaml', 'same\n');
      write('b', 'mlops/00-crds.yaml', 'x: 1 \n');
      write('b', 'extra.yaml', 'e\n');
      write('b', 'same.yaml', 'same\n');
      expect(nodeLines.compareTrees(path.join(dir, 'a'), path.join(dir, 'b'))).toEqual(['differs mlops/00-crds.yaml', 'missing pi/kustomization.yaml', 'extra extra.yaml']);
      expect(nodeLines.compareTrees(path.join(dir, 'a'), path.join(dir, 'a'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
