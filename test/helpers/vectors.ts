/**
 * Reads a test vector made by NETunnel 1.0.12. The shared copy (../shared/vectors next to
 * the repository) is the reference; test/fixtures/vectors holds a copy so that the suite
 * also runs where the shared folder is absent.
 */
import {existsSync, readFileSync} from 'node:fs';

const SHARED = new URL('../../../shared/vectors/', import.meta.url);
const FIXTURES = new URL('../fixtures/vectors/', import.meta.url);

/** The URL of a vector file, from the shared folder when it is there. */
export function vectorUrl(name: string): URL {
  const shared = new URL(name, SHARED);
  return existsSync(shared) ? shared : new URL(name, FIXTURES);
}

export function readVectorText(name: string): string {
  return readFileSync(vectorUrl(name), 'utf8');
}

export function readVectorJson<T = unknown>(name: string): T {
  return JSON.parse(readVectorText(name)) as T;
}
