// @ts-check
// What the demo agent does for each story of `baro demo`'s built-in plan (cli/demo/plan.ts): real edits, real checks.

/**
 * @typedef {{ say: string }
 *   | { read: string }
 *   | { write: string, content: string }
 *   | { edit: string, old: string, new: string }
 *   | { bash: string, description: string }} Step
 */

/** @type {Record<string, readonly Step[]>} */
export const SCRIPTS = {
  slugify: [
    { say: "I'll look at how the library exports its helpers." },
    { read: 'src/index.js' },
    {
      write: 'src/slugify.js',
      content:
        "// Turns a title into a URL slug: lower case, ASCII letters and digits, words joined by '-'.\n" +
        'export function slugify(text) {\n' +
        "  return text\n    .normalize('NFKD')\n    .replace(/[\\u0300-\\u036f]/g, '')\n    .toLowerCase()\n" +
        "    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-+|-+$/g, '');\n}\n",
    },
    {
      write: 'test/slugify.test.js',
      content:
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { slugify } from '../src/slugify.js';\n\n" +
        "test('slugify', () => {\n  assert.equal(slugify('Héllo, World!'), 'hello-world');\n});\n",
    },
    { edit: 'src/index.js', old: '// slugify: not yet', new: "export { slugify } from './slugify.js';" },
    { bash: 'node --test test/', description: 'Run the tests' },
  ],
  words: [
    { say: "I'll add the word counter next to the other helpers." },
    { read: 'src/index.js' },
    {
      write: 'src/words.js',
      content:
        '// Counts the words of a text: runs of letters or digits, in any script.\n' +
        'export function wordCount(text) {\n  return (text.match(/[\\p{L}\\p{N}]+/gu) ?? []).length;\n}\n',
    },
    {
      write: 'test/words.test.js',
      content:
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { wordCount } from '../src/words.js';\n\n" +
        "test('wordCount', () => {\n  assert.equal(wordCount('one, two  three'), 3);\n  assert.equal(wordCount(''), 0);\n});\n",
    },
    { edit: 'src/index.js', old: '// wordCount: not yet', new: "export { wordCount } from './words.js';" },
    { bash: 'node --test test/', description: 'Run the tests' },
  ],
  cli: [
    { say: 'The helpers are merged; a small command-line tool can use them.' },
    { read: 'src/index.js' },
    {
      write: 'bin/textkit.js',
      content:
        '#!/usr/bin/env node\n// textkit TEXT: prints the slug and the word count of TEXT.\n' +
        "import { slugify, wordCount } from '../src/index.js';\n\n" +
        "const text = process.argv.slice(2).join(' ');\nconsole.log(`${slugify(text)} (${wordCount(text)} words)`);\n",
    },
    { bash: 'node bin/textkit.js "Watch it work"', description: 'Try the tool' },
  ],
  docs: [
    { say: "I'll document what the other stories built." },
    { read: 'README.md' },
    {
      edit: 'README.md',
      old: '## Usage\n',
      new:
        '## Usage\n\n```js\nimport { capitalize, slugify, wordCount } from "textkit";\n\n' +
        'slugify("Héllo, World!"); // "hello-world"\nwordCount("one two"); // 2\n```\n\n' +
        'From the command line: `node bin/textkit.js "Watch it work"` prints `watch-it-work (3 words)`.\n',
    },
    { bash: 'node --test test/', description: 'Run the tests' },
  ],
};
