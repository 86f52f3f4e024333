// Builds the repository map of one commit: one `ls-tree` for paths and sizes, one `cat-file` for the files it reads.
import type { RepoMap } from '../../machines/repo-map.js';
import { readBlobs } from '../git/cat-file.js';
import { detectProject, filesToRead } from './detect.js';
import { docPaths } from './docs.js';
import { filesFrom } from './files.js';
import { languageMix } from './languages.js';
import { allManifests } from './manifests.js';
import { renderSummary } from './summary.js';
import { listTree } from './tree.js';
import type { TreeFile } from './tree.js';

const MANIFESTS = 40;
// A manifest or a guide larger than this is not one worth reading whole.
const READ_BYTES = 1024 * 1024;

async function readTexts(repoDir: string, files: readonly TreeFile[], wanted: readonly string[]) {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const chosen = wanted.flatMap((path) => {
    const file = byPath.get(path);
    return file !== undefined && file.bytes <= READ_BYTES ? [file] : [];
  });
  const blobs = await readBlobs(
    repoDir,
    chosen.map((file) => file.oid),
  );
  const texts = new Map<string, string>();
  for (const file of chosen) {
    const blob = blobs.get(file.oid);
    if (blob !== undefined) texts.set(file.path, blob.toString('utf8'));
  }
  return texts;
}

/** The map of `commit` in the repository at repoDir. */
export async function buildRepoMap({ repoDir, commit }: { repoDir: string; commit: string }): Promise<RepoMap> {
  const files = await listTree(repoDir, commit);
  const paths = files.map((file) => file.path);
  const guides = docPaths(paths);
  const texts = await readTexts(repoDir, files, [...filesToRead(), ...guides]);
  const detection = detectProject(filesFrom(paths, texts));
  const manifests = allManifests(paths, detection.manifests, MANIFESTS);
  const languages = languageMix(files);
  const docs = guides.flatMap((path) => {
    const text = texts.get(path);
    return text === undefined ? [] : [{ path, text }];
  });
  const { commands, checks } = detection;
  return {
    commit,
    files: { count: files.length, bytes: files.reduce((total, file) => total + file.bytes, 0) },
    languages,
    manifests,
    commands,
    checks,
    summary: renderSummary({ commit, files, languages, manifests, commands, checks, docs }),
  };
}
