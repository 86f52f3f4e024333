// `baro demo`'s built-in project and plan: a tiny text library, four stories, two of them depending on the others.
// The demo agent's script for each story is in demo/scripts.mjs, keyed by the same ids.

/** The throwaway repository's first commit, path → content. */
export const DEMO_FILES: Readonly<Record<string, string>> = {
  'package.json': `${JSON.stringify({ name: 'textkit', version: '0.0.0', type: 'module', scripts: { test: 'node --test test/' } }, null, 2)}\n`,
  'README.md': '# textkit\n\nSmall text helpers, built by `baro demo`.\n\n## Usage\n',
  'src/capitalize.js':
    '// Upper-cases the first letter of a text.\nexport const capitalize = (text) => text.charAt(0).toUpperCase() + text.slice(1);\n',
  // Two stories edit this file at lines far enough apart to merge cleanly: the Sentry still warns them.
  'src/index.js': [
    '// textkit: small text helpers.',
    "export { capitalize } from './capitalize.js';",
    '// slugify: not yet',
    '',
    '// Each helper lives in its own file under src/ and is exported here.',
    '// Keep one export per line so that stories adding helpers merge cleanly.',
    '',
    '// wordCount: not yet',
    '',
  ].join('\n'),
  'test/capitalize.test.js':
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { capitalize } from '../src/capitalize.js';\n\n" +
    "test('capitalize', () => {\n  assert.equal(capitalize('baro'), 'Baro');\n});\n",
};

const story = (id: string, title: string, description: string, dependsOn: string[], writes: string[]) => ({
  id,
  title,
  description,
  dependsOn,
  acceptance: [`${title}, with a test where it applies, and \`npm test\` passes`],
  writes,
});

export const DEMO_PLAN = {
  goal: 'Grow textkit: slugify, a word counter, a command-line tool and its documentation',
  branch: 'demo',
  stories: [
    story(
      'slugify',
      'Add slugify(text)',
      'A URL slug from a title, in src/slugify.js, exported from src/index.js.',
      [],
      ['src/slugify.js', 'src/index.js'],
    ),
    story(
      'words',
      'Add wordCount(text)',
      'Count the words of a text, in src/words.js, exported from src/index.js.',
      [],
      ['src/words.js', 'src/index.js'],
    ),
    story(
      'cli',
      'Add the textkit command',
      'bin/textkit.js prints the slug and word count of its arguments.',
      ['slugify', 'words'],
      ['bin/textkit.js'],
    ),
    story('docs', 'Document textkit', 'The README shows the helpers and the command.', ['cli'], ['README.md']),
  ],
};
