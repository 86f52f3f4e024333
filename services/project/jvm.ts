// Java and Kotlin: Maven or Gradle, through the project's wrapper script when it has one.
import type { Ecosystem } from './ecosystem.js';

const GRADLE_FILES = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'];

export const maven: Ecosystem = {
  reads: [],
  detect(files) {
    if (!files.paths.includes('pom.xml')) return undefined;
    const mvn = files.paths.includes('mvnw') ? './mvnw' : 'mvn';
    return {
      name: 'maven',
      manifests: [{ path: 'pom.xml', kind: 'maven' }],
      commands: { build: `${mvn} -q compile`, test: `${mvn} -q test` },
      extra: [`${mvn} test`, `${mvn} compile`],
    };
  },
};

export const gradle: Ecosystem = {
  reads: [],
  detect(files) {
    const manifests = GRADLE_FILES.filter((path) => files.paths.includes(path));
    if (manifests.length === 0) return undefined;
    const tool = files.paths.includes('gradlew') ? './gradlew' : 'gradle';
    return {
      name: 'gradle',
      manifests: manifests.map((path) => ({ path, kind: 'gradle' })),
      commands: { build: `${tool} assemble`, test: `${tool} test` },
      extra: [`${tool} build`, `${tool} check`],
    };
  },
};
