// Python: pytest where it is configured or tests exist, else unittest; ruff and mypy when configured; uv/poetry runners.
import type { Ecosystem } from './ecosystem.js';
import { atRoot, baseName } from './files.js';
import type { ProjectFiles } from './files.js';

const MANIFESTS = ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile'];
const REQUIREMENTS = /^requirements[\w.-]*\.txt$/;
const CONFIGS = ['pyproject.toml', 'setup.cfg', 'tox.ini', 'pytest.ini'];

// Which file says what: a section header in one of the configuration files.
const PYTEST_SECTIONS: Readonly<Record<string, RegExp>> = {
  'pyproject.toml': /^\[tool\.pytest/m,
  'setup.cfg': /^\[tool:pytest\]/m,
  'tox.ini': /^\[pytest\]/m,
};

const TEST_FILE = /(^|\/)(tests?\/.*\.py|test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$/;

/** The prefix that runs a tool inside the project's environment, from its lock file. */
function runner(paths: ReadonlySet<string>): { readonly prefix: string; readonly install?: string } {
  if (paths.has('uv.lock')) return { prefix: 'uv run ', install: 'uv sync' };
  if (paths.has('poetry.lock')) return { prefix: 'poetry run ', install: 'poetry install' };
  if (paths.has('Pipfile')) return { prefix: 'pipenv run ', install: 'pipenv install --dev' };
  return { prefix: '' };
}

function pytestConfigured(files: ProjectFiles, paths: ReadonlySet<string>): boolean {
  if (paths.has('pytest.ini')) return true;
  return Object.entries(PYTEST_SECTIONS).some(([path, section]) => section.test(files.text(path) ?? ''));
}

const configuredIn = (files: ProjectFiles, paths: ReadonlySet<string>, tool: string, own: readonly string[]) =>
  own.some((path) => paths.has(path)) ||
  new RegExp(`^\\[tool\\.${tool}\\]`, 'm').test(files.text('pyproject.toml') ?? '') ||
  new RegExp(`^\\[${tool}\\]`, 'm').test(files.text('setup.cfg') ?? '');

export const python: Ecosystem = {
  reads: CONFIGS,
  detect(files) {
    const paths = new Set(files.paths);
    const rootFiles = files.paths.filter(atRoot);
    const manifests = rootFiles.filter((path) => MANIFESTS.includes(path) || REQUIREMENTS.test(path));
    if (manifests.length === 0 && !paths.has('pytest.ini') && !paths.has('conftest.py')) return undefined;
    const { prefix, install } = runner(paths);
    const pytest = pytestConfigured(files, paths) || files.paths.some((path) => TEST_FILE.test(path));
    const requirements = rootFiles.find((path) => baseName(path) === 'requirements.txt');
    const fallbackInstall =
      requirements !== undefined
        ? `pip install -r ${requirements}`
        : paths.has('pyproject.toml')
          ? 'pip install -e .'
          : undefined;
    return {
      name: 'python',
      manifests: manifests.map((path) => ({ path, kind: 'python' })),
      commands: {
        install: install ?? fallbackInstall,
        typecheck: configuredIn(files, paths, 'mypy', ['mypy.ini', '.mypy.ini']) ? `${prefix}mypy .` : undefined,
        lint: configuredIn(files, paths, 'ruff', ['ruff.toml', '.ruff.toml']) ? `${prefix}ruff check .` : undefined,
        test: pytest ? `${prefix}pytest` : `${prefix}python -m unittest`,
      },
      extra: [],
    };
  },
};
