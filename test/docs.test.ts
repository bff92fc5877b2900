/** README.md and docs/ stand alone: every file they point at is in the repository. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {ROOT} from './helpers/readme.js';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

test('README.md and docs/ link only to files of the repository, and name none outside it', () => {
  for (const doc of DOCS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    assert.doesNotMatch(text, /\.\.\/shared|DESIGN\.md|PROTOCOL\.md/, `${doc} names the team's files`);
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const path = join(ROOT, dirname(doc), target!);
      assert.ok(!relative(ROOT, path).startsWith('..'), `${doc} links outside the repository: ${target}`);
      assert.ok(existsSync(path), `${doc} links to a missing file: ${target}`);
    }
  }
});
